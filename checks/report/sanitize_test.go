package report_test

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	stdhtml "html"
	"math/big"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/vpndoctor/vpndoctor/checks"
	"github.com/vpndoctor/vpndoctor/checks/guide"
	"github.com/vpndoctor/vpndoctor/checks/report"
)

func TestVisible(t *testing.T) {
	tests := map[string]string{
		"vpn.example.co.jp":         "vpn.example.co.jp",
		"東京 VPN":                    "東京 VPN",
		"a\x1b[2Jb":                 `a\x1b[2Jb`,
		"line\nforged":              `line\nforged`,
		"tab\there\r":               `tab\there\r`,
		"nul\x00del\x7f":            `nul\x00del\x7f`,
		"c1\u0085\u009b":            "c1<U+0085><U+009B>",
		"moc.elpmaxe\u202e":         "moc.elpmaxe<U+202E>",
		"\u2066x\u2069\u200e\u200f": "<U+2066>x<U+2069><U+200E><U+200F>",
		"zero\u200bwidth\ufeff":     "zero<U+200B>width<U+FEFF>",
		"bad\xffutf8":               `bad\xffutf8`,
		"sep\u2028":                 "sep<U+2028>",
		"note\ufff9ruby\ufffb":      "note<U+FFF9>ruby<U+FFFB>",
	}
	for in, want := range tests {
		got := report.Visible(in)
		if got != want {
			t.Errorf("Visible(%q) = %q, want %q", in, got, want)
		}
		if again := report.Visible(got); again != got {
			t.Errorf("Visible is not idempotent on %q: %q", got, again)
		}
	}
}

// forbidden reports the first character of out no person may be shown raw.
func forbidden(out string) (rune, bool) {
	for i, r := range out {
		if r == utf8.RuneError {
			return rune(out[i]), true
		}
		if r == '\n' || r == '\t' {
			continue // the renderers' own layout
		}
		if r < 0x20 || r == 0x7f || r >= 0x80 && r <= 0x9f || r >= 0x202a && r <= 0x202e ||
			r >= 0x2066 && r <= 0x2069 || r == 0x200e || r == 0x200f {
			return r, true
		}
	}
	return 0, false
}

// A real TLS server whose certificate carries terminal escapes, a forged
// line and bidirectional overrides in its subject and names: no rendering
// passes them through, each shows them visibly, and the JSON keeps the
// exact text (escaped).
func TestHostileCertificateIsShownVisibly(t *testing.T) {
	cn := "vpn\x1b]0;pwned\x07\x1b[2J\u202egpj.exe"
	org := "Evil\u2066Corp\u0085\nCause: none"
	dns := "a\x1b[31m.example.com"
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(9),
		Subject:      pkix.Name{CommonName: cn, Organization: []string{org}},
		DNSNames:     []string{dns},
		NotBefore:    currentTime.Add(-time.Hour), NotAfter: currentTime.Add(24 * time.Hour),
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	target := serveTLS(t, key, der)
	rep := checks.Run(context.Background(), target, checks.Options{Now: clock, Timeout: 5 * time.Second})
	if !strings.Contains(rep.Chain[0].Subject, "\x1b") {
		t.Fatalf("the engine's report should keep the subject exact: %q", rep.Chain[0].Subject)
	}
	hostileView := view(guide.En)
	hostileView.Facts = map[string]string{"hostname": "pc\x1b[8m"}
	for _, lang := range []guide.Lang{guide.Ja, guide.En} {
		v := hostileView
		v.Lang = lang
		var text, html bytes.Buffer
		if err := report.WriteText(&text, rep, v); err != nil {
			t.Fatal(err)
		}
		if err := report.WriteHTML(&html, rep, v); err != nil {
			t.Fatal(err)
		}
		outs := map[string]string{"text": text.String(), "summary": report.Summary(rep, v), "html": html.String(),
			"headline": report.Headline(rep, v)}
		for name, out := range outs {
			if r, bad := forbidden(out); bad {
				t.Errorf("%s %s passes U+%04X through", lang, name, r)
			}
		}
		for _, name := range []string{"text", "summary", "html"} {
			shown := stdhtml.UnescapeString(outs[name])
			if !strings.Contains(shown, `\x1b`) || !strings.Contains(shown, "<U+202E>") {
				t.Errorf("%s %s does not show the hidden characters visibly:\n%s", lang, name, outs[name])
			}
		}
		if strings.Contains(outs["summary"], "\nCause: none") {
			t.Errorf("%s: a line break in the certificate forged a summary line", lang)
		}
	}
	var js bytes.Buffer
	if err := report.WriteJSON(&js, rep, hostileView); err != nil {
		t.Fatal(err)
	}
	if r, bad := forbidden(strings.ReplaceAll(js.String(), "\n", "")); bad {
		t.Errorf("json passes U+%04X through", r)
	}
	var back checks.Report
	if err := json.Unmarshal(js.Bytes(), &back); err != nil {
		t.Fatal(err)
	}
	if back.Chain[0].Subject != rep.Chain[0].Subject || back.Chain[0].DNSNames[0] != dns {
		t.Errorf("json changed the text: %q", back.Chain[0].Subject)
	}
}
