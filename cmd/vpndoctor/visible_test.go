package main

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"errors"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/vpndoctor/vpndoctor/internal/vpnlab"
)

// rawHidden reports the first character of out that no terminal may be
// handed as it is: C0 (but the output's own line breaks), DEL, C1 and the
// bidirectional overrides (issue 16, item 2).
func rawHidden(out string) (rune, bool) {
	for i, r := range out {
		switch {
		case r == utf8.RuneError && !strings.HasPrefix(out[i:], "\uFFFD"):
			return rune(out[i]), true
		case r == '\n' || r == '\t':
		case r < 0x20 || r == 0x7f || r >= 0x80 && r <= 0x9f,
			r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069, r == 0x200e || r == 0x200f:
			return r, true
		}
	}
	return 0, false
}

// hostileGateway is a real TLS server on loopback whose certificate
// carries a terminal title escape, a screen clear, a C1 control and a
// right-to-left override in its subject and name.
func hostileGateway(t *testing.T) string {
	t.Helper()
	cn := "vpn\x1b]0;pwned\x07\x1b[2J\u202egpj.exe"
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(16),
		Subject:      pkix.Name{CommonName: cn, Organization: []string{"Evil\u0085Corp\u2066"}},
		DNSNames:     []string{"a\x1b[31m.example.com"},
		NotBefore:    now.Add(-time.Hour), NotAfter: now.Add(24 * time.Hour),
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return vpnlab.ServeHandshakes(t, tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key})
}

// isolatedHome keeps the machine's own VPN profiles and settings out.
func isolatedHome(t *testing.T) string {
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("XDG_CONFIG_HOME", filepath.Join(home, ".config"))
	t.Setenv("XDG_CACHE_HOME", filepath.Join(home, ".cache"))
	return home
}

// `vpndoctor check --json` prints what a terminal shows: the hostile
// subject is escaped there, as in a report file, and still decodes to the
// exact text for IT's scripts. The text output shows it visibly.
func TestCheckOutputShowsHostileCertificateVisibly(t *testing.T) {
	isolatedHome(t)
	addr := hostileGateway(t)
	code, out, errOut := runCLI("check", "--json", "--ntp", "127.0.0.1:1", "--timeout", "20s", addr)
	if code != exitProblem {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	if r, bad := rawHidden(out); bad {
		t.Errorf("check --json passes U+%04X to the terminal", r)
	}
	var doc struct {
		Chain []struct {
			Subject string `json:"subject"`
		} `json:"chain"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil || len(doc.Chain) == 0 || !strings.Contains(doc.Chain[0].Subject, "pwned\x07\x1b[2J\u202egpj") {
		t.Errorf("check --json changed the subject (%v): %.600s", err, out)
	}
	code, out, errOut = runCLI("check", "--lang", "en", "--ntp", "127.0.0.1:1", "--timeout", "20s", addr)
	if code != exitProblem {
		t.Fatalf("text: exit %d, stderr %q", code, errOut)
	}
	if r, bad := rawHidden(out + errOut); bad {
		t.Errorf("check passes U+%04X to the terminal:\n%s", r, out)
	}
}

// A VPN profile is the gateway's to write (AnyConnect downloads it): its
// address reaches `vpndoctor system`, its JSON, and the error `check`
// gives when the address cannot be checked, all visibly.
func TestProfileTextShownVisibly(t *testing.T) {
	home := isolatedHome(t)
	hostile := "vpn\u202e\u0085moc.example.com"
	prefs := "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<AnyConnectPreferences>\n<DefaultHostName>" + hostile +
		"</DefaultHostName>\n</AnyConnectPreferences>\n"
	if err := os.WriteFile(filepath.Join(home, ".anyconnect"), []byte(prefs), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := runCLI("system")
	if code != exitOK || !strings.Contains(out, "vpn<U+202E><U+0085>moc.example.com") {
		t.Errorf("system: exit %d, stderr %q, the profile's gateway not shown visibly:\n%s", code, errOut, out)
	}
	if r, bad := rawHidden(out); bad {
		t.Errorf("system passes U+%04X to the terminal", r)
	}
	code, out, _ = runCLI("system", "--json")
	var doc struct {
		Gateways []struct {
			Address string `json:"address"`
		} `json:"vpn_gateways"`
	}
	if r, bad := rawHidden(out); bad || code != exitOK {
		t.Errorf("system --json: exit %d, passes U+%04X to the terminal", code, r)
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil || len(doc.Gateways) != 1 || doc.Gateways[0].Address != hostile {
		t.Errorf("system --json changed the address (%v): %.400s", err, out)
	}
	code, out, errOut = runCLI("check", "--ntp", "127.0.0.1:1", "--timeout", "5s")
	if r, bad := rawHidden(out + errOut); bad {
		t.Errorf("check with the profile's gateway (exit %d) passes U+%04X:\n%s%s", code, r, out, errOut)
	}
}

// IT's settings file is read from disk: a problem that quotes it is
// shown visibly on stderr (the config package quotes with %q).
func TestSettingsProblemShownVisibly(t *testing.T) {
	isolatedHome(t)
	path := filepath.Join(t.TempDir(), "vpndoctor.json")
	if err := os.WriteFile(path, []byte("{\"gate\\u001b[2Jways\\u202e\": [\"x\"]}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, _, errOut := runCLI("check", "--config", path, "--demo", "ok")
	if !strings.Contains(errOut, "settings:") {
		t.Fatalf("no settings problem reported: %q", errOut)
	}
	if r, bad := rawHidden(errOut); bad {
		t.Errorf("a settings problem passes U+%04X to the terminal: %q", r, errOut)
	}
}

// The crash file is read in a terminal or an editor: a panic value that
// carries a server's text shows its escapes visibly.
func TestCrashTextShowsEscapesVisibly(t *testing.T) {
	text := crashText("bad answer from vpn\x1b]0;x\x07\u202eexe", []byte("goroutine 1 [running]:\n\tmain.main()"), time.Now(), nil)
	if r, bad := rawHidden(text); bad {
		t.Errorf("the crash text holds U+%04X:\n%s", r, text)
	}
	if !strings.Contains(text, `vpn\x1b]0;x\x07<U+202E>exe`) || !strings.Contains(text, "\n\tmain.main()") {
		t.Errorf("the panic is not shown visibly, or the stack lost its layout:\n%s", text)
	}
}

// The one line on stderr: an error that quotes outside text raw (a
// wrapped %v of a server's message) is shown visibly, and only its first line.
func TestPlainErrorShowsEscapesVisibly(t *testing.T) {
	got := plainError(errors.New("gateway said \x1b[2J\u202eko\nsecond line"))
	if got != `gateway said \x1b[2J<U+202E>ko` {
		t.Errorf("plainError = %q", got)
	}
}

// A profile's file path is printed too (where the client was detected):
// a home folder whose name carries escapes is shown visibly by `clients`
// and `system`.
func TestProfilePathShownVisibly(t *testing.T) {
	home := filepath.Join(t.TempDir(), "h\x1b[2J\u202e")
	if err := os.Mkdir(home, 0o700); err != nil {
		t.Fatal(err)
	}
	t.Setenv("HOME", home)
	t.Setenv("XDG_CONFIG_HOME", filepath.Join(home, ".config"))
	prefs := "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<AnyConnectPreferences>\n<DefaultHostName>vpn.example.co.jp</DefaultHostName>\n</AnyConnectPreferences>\n"
	if err := os.WriteFile(filepath.Join(home, ".anyconnect"), []byte(prefs), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, cmd := range []string{"clients", "system"} {
		code, out, errOut := runCLI(cmd)
		if r, bad := rawHidden(out + errOut); bad || code != exitOK || !strings.Contains(out, `h\x1b[2J<U+202E>`) {
			t.Errorf("%s: exit %d, U+%04X raw, or the path not shown visibly:\n%s", cmd, code, r, out)
		}
	}
}
