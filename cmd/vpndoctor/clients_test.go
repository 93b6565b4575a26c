package main

import (
	"encoding/json"
	"encoding/pem"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/vpndoctor/vpndoctor/checks/practice"
)

type clientDoc struct {
	Primary string `json:"primary"`
	Client  struct {
		Profile, How, From string
	} `json:"client"`
	Findings []struct {
		ID            string   `json:"id"`
		Severity      string   `json:"severity"`
		Blocks        bool     `json:"blocks"`
		BlocksClients []string `json:"blocks_clients"`
	} `json:"findings"`
}

func checkJSON(t *testing.T, args ...string) (int, clientDoc) {
	t.Helper()
	code, out, errOut := runCLI(append([]string{"check", "--json"}, args...)...)
	var doc clientDoc
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("%v: not JSON (%v): %.300s %s", args, err, out, errOut)
	}
	return code, doc
}

func TestClientsCommand(t *testing.T) {
	t.Setenv("HOME", t.TempDir())
	code, out, _ := runCLI("clients")
	for _, want := range []string{"anyconnect-windows", "openconnect-gnutls", "windows-sstp", "ios", "android", "every client's rules"} {
		if code != exitOK || !strings.Contains(out, want) {
			t.Errorf("clients lacks %q (exit %d):\n%s", want, code, out)
		}
	}
	code, out, _ = runCLI("clients", "--json")
	var doc struct {
		Chosen   string `json:"chosen"`
		Profiles []struct {
			ID   string            `json:"id"`
			Cite map[string]string `json:"cite"`
		} `json:"profiles"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil || code != exitOK || doc.Chosen != "strict" || len(doc.Profiles) < 14 || doc.Profiles[0].Cite["eku"] == "" {
		t.Errorf("clients --json: %v %+v", err, doc)
	}
}

// --client judges a practice gateway as that client: a CN-only
// certificate stops iPhone and iPad but not OpenConnect, which is told as
// a warning that still names the fault.
func TestCheckClientFlag(t *testing.T) {
	code, doc := checkJSON(t, "--demo", "cn_only", "--client", "openconnect")
	if code != exitOK || doc.Primary != "ok" || doc.Client.Profile != "openconnect-gnutls" || doc.Client.How != "flag" {
		t.Errorf("openconnect: exit %d %+v", code, doc)
	}
	found := false
	for _, f := range doc.Findings {
		if f.ID == "hostname_mismatch" {
			found = true
			if f.Blocks || f.Severity != "warn" || !slices.Contains(f.BlocksClients, "ios") || slices.Contains(f.BlocksClients, "openconnect-gnutls") {
				t.Errorf("hostname_mismatch for openconnect: %+v", f)
			}
		}
	}
	if !found {
		t.Error("the CN-only fault is no longer named")
	}
	if code, doc := checkJSON(t, "--demo", "cn_only", "--client", "ios"); code != exitProblem || doc.Primary != "hostname_mismatch" {
		t.Errorf("ios: exit %d primary %s", code, doc.Primary)
	}
	if code, doc := checkJSON(t, "--demo", "cn_only"); code != exitProblem || doc.Primary != "hostname_mismatch" || doc.Client.Profile != "strict" {
		t.Errorf("default: exit %d %+v", code, doc)
	}
	code, _, errOut := runCLI("check", "--demo", "cn_only", "--client", "netscape")
	if code != exitUsage || !strings.Contains(errOut, "anyconnect") {
		t.Errorf("unknown client: exit %d %q", code, errOut)
	}
	code, out, _ := runCLI("check", "--demo", "cn_only", "--client", "openconnect", "--lang", "en")
	if !strings.Contains(out, "Not the reason your VPN fails: OpenConnect accepts this") {
		t.Errorf("text lacks the warning line:\n%s", out)
	}
	code, out, _ = runCLI("check", "--demo", "cn_only", "--client", "anyconnect", "--os", "ios", "--lang", "ja")
	if code != exitProblem || !strings.Contains(out, "iPhone・iPad はこのサーバーへの接続を拒否します。") {
		t.Errorf("ja refuses line missing (exit %d):\n%s", code, out)
	}
}

// The client is detected from its profile on this computer (Cisco's
// preferences) and judged by its rules; IT's setting and --client win.
func TestClientDetected(t *testing.T) {
	lab, err := practice.Start(practice.Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer lab.Close()
	target, _ := lab.Target("cn_only")
	opts, _ := lab.Options("cn_only")
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("XDG_CONFIG_HOME", filepath.Join(home, ".config"))
	root := filepath.Join(home, "root.pem")
	if err := os.WriteFile(root, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: lab.Root().Raw}), 0o644); err != nil {
		t.Fatal(err)
	}
	prefs := "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<AnyConnectPreferences>\n<DefaultHostName>" + target + "</DefaultHostName>\n</AnyConnectPreferences>\n"
	if err := os.WriteFile(filepath.Join(home, ".anyconnect"), []byte(prefs), 0o644); err != nil {
		t.Fatal(err)
	}
	args := []string{"--dns", lab.DNSAddr(), "--ntp", opts.NTPServer, "--ca-file", root, target}
	code, doc := checkJSON(t, args...)
	if code != exitOK || doc.Client.Profile != "anyconnect-linux" || doc.Client.How != "detected" || !strings.Contains(doc.Client.From, ".anyconnect") {
		t.Errorf("detected: exit %d %+v", code, doc)
	}
	cfg := filepath.Join(home, "vpndoctor.json")
	if err := os.WriteFile(cfg, []byte(`{"client": "ios"}`), 0o644); err != nil {
		t.Fatal(err)
	}
	code, doc = checkJSON(t, append([]string{"--config", cfg}, args...)...)
	if code != exitProblem || doc.Client.Profile != "ios" || doc.Client.How != "config" {
		t.Errorf("config: exit %d %+v", code, doc)
	}
	code, doc = checkJSON(t, append([]string{"--config", cfg, "--client", "openconnect"}, args...)...)
	if code != exitOK || doc.Client.Profile != "openconnect-gnutls" || doc.Client.How != "flag" {
		t.Errorf("flag over config: exit %d %+v", code, doc)
	}
}
