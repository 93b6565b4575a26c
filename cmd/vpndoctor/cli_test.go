package main

import (
	"bytes"
	"encoding/json"
	"encoding/pem"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vpndoctor/vpndoctor/checks/practice"
)

func runCLI(args ...string) (code int, stdout, stderr string) {
	var o, e bytes.Buffer
	code = run(args, &o, &e)
	return code, o.String(), e.String()
}

// Every practice gateway through the real command: --json prints the
// promised document and the exit status says whether a problem was found.
func TestCheckDemoJSON(t *testing.T) {
	for _, sc := range practice.Scenarios() {
		code, out, errOut := runCLI("check", "--json", "--demo", sc.Name)
		var doc struct {
			SchemaVersion int               `json:"schema_version"`
			Primary       string            `json:"primary"`
			Summary       string            `json:"summary"`
			Findings      []json.RawMessage `json:"findings"`
			Target        struct {
				Host string `json:"host"`
				Port int    `json:"port"`
			} `json:"target"`
		}
		if err := json.Unmarshal([]byte(out), &doc); err != nil {
			t.Errorf("%s: output is not JSON (%v): %.200s %s", sc.Name, err, out, errOut)
			continue
		}
		if doc.SchemaVersion != 1 || doc.Primary != string(sc.Want) || doc.Summary == "" || len(doc.Findings) == 0 || doc.Target.Host == "" {
			t.Errorf("%s: schema %d primary %q summary %q findings %d", sc.Name, doc.SchemaVersion, doc.Primary, doc.Summary, len(doc.Findings))
		}
		want := exitProblem
		if sc.Want == "ok" {
			want = exitOK
		}
		if code != want {
			t.Errorf("%s: exit %d, want %d", sc.Name, code, want)
		}
	}
}

// Text output: the headline in the language asked for, then the steps.
func TestCheckDemoText(t *testing.T) {
	code, out, _ := runCLI("check", "--demo", "expired", "--lang", "ja", "--os", "macos")
	if code != exitProblem || !strings.Contains(out, "有効期限") || !strings.Contains(out, "対処の手順 (Mac)") {
		t.Errorf("exit %d, output:\n%s", code, out)
	}
	code, out, _ = runCLI("check", "--demo", "clock_behind", "--lang", "en", "--os", "windows")
	if code != exitProblem || !strings.Contains(out, "clock") || !strings.Contains(out, "Date & time") {
		t.Errorf("exit %d, output:\n%s", code, out)
	}
}

// LANG=C gives English without an error.
func TestLangC(t *testing.T) {
	for _, k := range []string{"LANGUAGE", "LC_ALL", "LC_MESSAGES"} {
		t.Setenv(k, "")
	}
	t.Setenv("LANG", "C")
	code, out, errOut := runCLI("check", "--demo", "ok")
	if code != exitOK || errOut != "" || !strings.Contains(out, "No certificate problem") {
		t.Errorf("exit %d, stderr %q, output:\n%s", code, errOut, out)
	}
}

// Bad input: exit 2 and one plain line, never a stack trace.
func TestBadInput(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"check", "vpn.example.com:70000"}, "port 70000 is out of range"},
		{[]string{"check", "vpn.example.com:0"}, "port 0 is out of range"},
		{[]string{"check", "vpn.example.com:abc"}, "is not a number"},
		{[]string{"check", "ftp://vpn.example.com"}, "cannot be checked"},
		{[]string{"check", "vpn example.com"}, "contains a space"},
		{[]string{"check", "vpn..example.com"}, "empty part"},
		{[]string{"check", "-vpn.example.com"}, "unknown option"},
		{[]string{"check", "[2001:db8::1"}, "no closing bracket"},
		{[]string{"check", "<script>"}, "cannot be part of a server name"},
		{[]string{"check", "https://"}, "no server name"},
		{[]string{"check", strings.Repeat("a", 70) + ".com"}, "longer than 63"},
		{[]string{"check", "a.example", "b.example"}, "give one server address"},
		{[]string{"check", "--timeout", "0s", "vpn.example.com"}, "out of range"},
		{[]string{"check", "--timeout", "soon", "vpn.example.com"}, "invalid value"},
		{[]string{"check", "--lang", "fr", "vpn.example.com"}, "ja"},
		{[]string{"check", "--os", "beos", "vpn.example.com"}, "windows"},
		{[]string{"check", "--ntp", "ntp.example.com:99999", "vpn.example.com"}, "out of range"},
		{[]string{"check", "--ca-file", "/nonexistent/ca.pem", "vpn.example.com"}, "cannot be read"},
		{[]string{"check", "--client-key", "x.pem", "vpn.example.com"}, "--client-key needs --client-cert"},
		{[]string{"check", "--report", "out.pdf", "vpn.example.com"}, ".html, .json or .txt"},
		{[]string{"check", "--demo", "nosuch"}, "no practice gateway"},
		{[]string{"check", "--demo", "ok", "vpn.example.com"}, "not both"},
		{[]string{"frobnicate"}, "unknown command"},
		{[]string{"check", "--bogus"}, "unknown option"},
	}
	for _, tc := range tests {
		code, out, errOut := runCLI(tc.args...)
		if code != exitUsage {
			t.Errorf("%v: exit %d, want 2", tc.args, code)
		}
		if !strings.Contains(errOut, tc.want) {
			t.Errorf("%v: stderr %q, want it to say %q", tc.args, errOut, tc.want)
		}
		if strings.Count(strings.TrimSpace(errOut), "\n") > 0 || strings.Contains(errOut, "goroutine") {
			t.Errorf("%v: not one plain line: %q", tc.args, errOut)
		}
		if out != "" {
			t.Errorf("%v: printed to stdout: %q", tc.args, out)
		}
	}
}

// A --ca-file that holds no certificate is named plainly.
func TestCAFileGarbage(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "notacert.pem")
	if err := os.WriteFile(bad, []byte("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	code, _, errOut := runCLI("check", "--ca-file", bad, "vpn.example.com")
	if code != exitUsage || !strings.Contains(errOut, "holds no certificate") {
		t.Errorf("exit %d, stderr %q", code, errOut)
	}
}

// --report writes the chosen format.
func TestReportFile(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"r.html", "r.json", "r.txt"} {
		path := filepath.Join(dir, name)
		if code, _, errOut := runCLI("check", "--demo", "expired", "--report", path, "--redact"); code != exitProblem {
			t.Fatalf("%s: exit %d %s", name, code, errOut)
		}
		data, err := os.ReadFile(path)
		if err != nil || len(data) == 0 {
			t.Fatalf("%s: %v", name, err)
		}
		if host, _ := os.Hostname(); len(host) > 3 && strings.Contains(string(data), host) {
			t.Errorf("%s: the computer's name %q is in a redacted report", name, host)
		}
	}
}

func TestDemoList(t *testing.T) {
	code, out, _ := runCLI("demo")
	if code != exitOK || !strings.Contains(out, "missing_intermediate_aia") {
		t.Errorf("exit %d:\n%s", code, out)
	}
}

func TestSystemJSON(t *testing.T) {
	code, out, errOut := runCLI("system", "--json")
	var doc map[string]any
	if code != exitOK || json.Unmarshal([]byte(out), &doc) != nil {
		t.Fatalf("exit %d, stderr %q, out %.300s", code, errOut, out)
	}
	for _, k := range []string{"facts", "vpn_gateways", "trust_store", "client_identities"} {
		if _, ok := doc[k]; !ok {
			t.Errorf("system --json lacks %q", k)
		}
	}
}

// IT's settings reach the diagnosis: the corporate root makes the practice
// gateway trusted, an expected fingerprint that does not match is
// reported, the support contact is printed, and a malformed file is named
// line by line while the check still runs.
func TestSettingsFile(t *testing.T) {
	lab, err := practice.Start(practice.Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer lab.Close()
	target, _ := lab.Target("ok")
	opts, _ := lab.Options("ok")
	rootPEM := strings.ReplaceAll(string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: lab.Root().Raw})), "\n", `\n`)
	write := func(body string) string {
		path := filepath.Join(t.TempDir(), "vpndoctor.json")
		if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		return path
	}
	args := func(cfg string) []string {
		return []string{"check", "--config", cfg, "--dns", lab.DNSAddr(), "--ntp", opts.NTPServer, "--lang", "en", target}
	}
	good := write(`{"extra_roots_pem": ["` + rootPEM + `"], "support": {"name": "Helpdesk", "phone": "03-1234-5678"}}`)
	if code, out, errOut := runCLI(args(good)...); code != exitOK || !strings.Contains(out, "No certificate problem") {
		t.Errorf("corporate root: exit %d, stderr %q\n%s", code, errOut, out)
	}
	pinned := write(`{"extra_roots_pem": ["` + rootPEM + `"], "expected_certificate": {"sha256": ["` + strings.Repeat("ab", 32) + `"]},
	  "support": {"name": "Helpdesk", "phone": "03-1234-5678"}}`)
	code, out, _ := runCLI(args(pinned)...)
	if code != exitProblem || !strings.Contains(out, "unexpected_certificate") || !strings.Contains(out, "Helpdesk / 03-1234-5678") {
		t.Errorf("wrong fingerprint: exit %d\n%s", code, out)
	}
	broken := write("{\n  \"extra_roots_pem\": [\"" + rootPEM + "\"],\n  \"ntp_server\": 123,\n  \"gatways\": [\"x\"]\n}\n")
	code, out, errOut := runCLI(args(broken)...)
	if code != exitOK || !strings.Contains(out, "No certificate problem") {
		t.Errorf("a malformed file stopped the check: exit %d\n%s", code, out)
	}
	for _, want := range []string{"line 3", "ntp_server", "line 4", `did you mean "gateways"`} {
		if !strings.Contains(errOut, want) {
			t.Errorf("settings problems %q lack %q", errOut, want)
		}
	}
}

// With no address and exactly one gateway in a VPN client's profile (here
// Cisco's per-user preferences, as AnyConnect writes them), check
// diagnoses that gateway; with none it says so plainly.
func TestCheckFindsTheOnlyGateway(t *testing.T) {
	lab, err := practice.Start(practice.Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer lab.Close()
	target, _ := lab.Target("ok")
	opts, _ := lab.Options("ok")
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("XDG_CONFIG_HOME", filepath.Join(home, ".config"))
	root := filepath.Join(home, "root.pem")
	if err := os.WriteFile(root, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: lab.Root().Raw}), 0o644); err != nil {
		t.Fatal(err)
	}
	args := []string{"check", "--dns", lab.DNSAddr(), "--ntp", opts.NTPServer, "--ca-file", root, "--json"}
	if code, _, errOut := runCLI(args...); code != exitUsage || !strings.Contains(errOut, "no VPN client profile was found") {
		t.Fatalf("no profile: exit %d, %q", code, errOut)
	}
	prefs := "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<AnyConnectPreferences>\n<DefaultUser>hanako</DefaultUser>\n<DefaultHostName>" + target + "</DefaultHostName>\n</AnyConnectPreferences>\n"
	if err := os.WriteFile(filepath.Join(home, ".anyconnect"), []byte(prefs), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := runCLI(args...)
	if code != exitOK || !strings.Contains(out, `"primary": "ok"`) || !strings.Contains(out, "ok.practice.vpndoctor.test") {
		t.Errorf("one profile: exit %d, stderr %q\n%.400s", code, errOut, out)
	}
}
