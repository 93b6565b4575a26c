package report_test

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"flag"
	"math/big"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/net/html"

	"github.com/vpndoctor/vpndoctor/checks"
	"github.com/vpndoctor/vpndoctor/checks/guide"
	"github.com/vpndoctor/vpndoctor/checks/practice"
	"github.com/vpndoctor/vpndoctor/checks/report"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// currentTime fixes the clock: the lab's certificates are made around it.
var currentTime = time.Date(2026, 6, 15, 9, 30, 0, 0, time.UTC)

var (
	labOnce sync.Once
	lab     *practice.Lab
	labErr  error
	t0      = time.Now()
)

func clock() time.Time { return currentTime.Add(time.Since(t0)) }

func diagnose(t *testing.T, name string) *checks.Report {
	t.Helper()
	labOnce.Do(func() { lab, labErr = practice.Start(practice.Config{Now: clock}) })
	if labErr != nil {
		t.Fatal(labErr)
	}
	addr, err := lab.Target(name)
	if err != nil {
		t.Fatal(err)
	}
	target, err := checks.ParseTarget(addr)
	if err != nil {
		t.Fatal(err)
	}
	opts, err := lab.Options(name)
	if err != nil {
		t.Fatal(err)
	}
	return checks.Run(context.Background(), target, opts)
}

var facts = map[string]string{"os": "Debian GNU/Linux", "os_version": "12", "hostname": "kyoto-pc-0417", "user": "hanako7731", "time_zone": "Asia/Tokyo"}

func view(lang guide.Lang) report.View {
	return report.View{Lang: lang, OS: guide.Windows, Loc: time.FixedZone("JST", 9*3600), Facts: facts}
}

// What differs between runs (keys, ports, timings) is masked before a
// golden comparison; everything else must match byte for byte.
var volatile = []struct {
	re   *regexp.Regexp
	with string
}{
	{regexp.MustCompile(`-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----`), "<PEM>"},
	{regexp.MustCompile(`[0-9a-f]{64}`), "<SHA256>"},
	{regexp.MustCompile(`("serial": "|<code>)[0-9a-f]{2,40}("|</code>)`), "${1}<SERIAL>${2}"},
	{regexp.MustCompile(`(serial\s+|Serial</th><td><code>)[0-9a-f]+`), "${1}<SERIAL>"},
	{regexp.MustCompile(`127\.0\.0\.1:\d+`), "127.0.0.1:<PORT>"},
	{regexp.MustCompile(`(\.test|\]):\d{2,5}`), "${1}:<PORT>"},
	{regexp.MustCompile(`(port |ポート |"port": |"port": ")\d{2,5}`), "${1}<PORT>"},
	{regexp.MustCompile(`"(duration_ms|offset_ms)": "?-?\d+"?`), `"$1": <N>`},
	{regexp.MustCompile(`"[a-z_:./0-9<>A-Z-]+": \d+(,?)\n`), "\"<TIMING>\": <N>$1\n"},
	{regexp.MustCompile(`[-+]?\d+ ms`), "<N> ms"},
	{regexp.MustCompile(`<th>[a-z_:./0-9<>A-Z-]+</th><td>\d+ ms</td>`), "<th><TIMING></th><td><N> ms</td>"},
	{regexp.MustCompile(`(20\d\d-\d\d-\d\dT\d\d:\d\d):\d\d(\.\d+)?Z`), "${1}Z"},
	{regexp.MustCompile(`"(started_at|local_time|true_time)": "[^"]+"`), `"$1": "<TIME>"`},
	{regexp.MustCompile(`Issuer: "[^"]*"|issuer_key_hash[^,]*`), "<X>"},
}

func normalise(s string) string {
	for _, v := range volatile {
		s = v.re.ReplaceAllString(s, v.with)
	}
	return s
}

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	got = normalise(got)
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./checks/report -update to create it)", err)
	}
	if got != string(want) {
		_ = os.WriteFile(path+".got", []byte(got), 0o644)
		t.Errorf("%s differs from the golden file (see %s.got); run with -update after checking the change", name, path)
	}
}

func TestGoldenFormats(t *testing.T) {
	for _, name := range []string{"ok", "expired", "clock_ahead", "missing_intermediate_aia"} {
		rep := diagnose(t, name)
		for _, lang := range []guide.Lang{guide.Ja, guide.En} {
			v := view(lang)
			for _, format := range []report.Format{report.Text, report.JSON, report.HTML} {
				var b bytes.Buffer
				if err := report.Write(&b, format, rep, v); err != nil {
					t.Fatalf("%s %s %s: %v", name, lang, format, err)
				}
				golden(t, name+"."+string(lang)+"."+string(format), b.String())
			}
			var b bytes.Buffer
			if err := report.WriteText(&b, rep, v); err != nil {
				t.Fatal(err)
			}
			golden(t, name+"."+string(lang)+".cli", b.String())
		}
	}
}

// The HTML report must open anywhere without reaching the network: no
// script, no external resource of any kind.
func TestHTMLMakesNoRequest(t *testing.T) {
	for _, name := range []string{"ok", "missing_intermediate_aia", "revoked_ocsp"} {
		var b bytes.Buffer
		if err := report.WriteHTML(&b, diagnose(t, name), view(guide.En)); err != nil {
			t.Fatal(err)
		}
		z := html.NewTokenizer(&b)
		for {
			tt := z.Next()
			if tt == html.ErrorToken {
				break
			}
			tok := z.Token()
			if tt == html.TextToken {
				if strings.Contains(tok.Data, "url(") {
					t.Errorf("%s: CSS url() in the report", name)
				}
				continue
			}
			switch tok.Data {
			case "script", "link", "img", "iframe", "object", "embed", "base", "form", "video", "audio", "source":
				t.Errorf("%s: element <%s> in the report", name, tok.Data)
			}
			for _, a := range tok.Attr {
				switch a.Key {
				case "src", "href", "action", "srcset", "background", "poster", "data":
					t.Errorf("%s: attribute %s=%q could load something", name, a.Key, a.Val)
				}
				if strings.HasPrefix(a.Key, "on") {
					t.Errorf("%s: event handler %s", name, a.Key)
				}
			}
		}
	}
}

// A hostile gateway can put markup in its certificate; the report shows it
// as text.
func TestHostileCertificateIsEscaped(t *testing.T) {
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	evil := `<script>alert("x")</script>`
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(7),
		Subject:      pkix.Name{CommonName: evil, Organization: []string{`<img src=x onerror=alert(1)>`}},
		DNSNames:     []string{"<b>vpn</b>.example.com"},
		NotBefore:    currentTime.Add(-time.Hour), NotAfter: currentTime.Add(24 * time.Hour),
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	target := serveTLS(t, key, der)
	rep := checks.Run(context.Background(), target, checks.Options{Now: clock, Timeout: 5 * time.Second})
	if rep.Primary != checks.SelfSigned {
		t.Fatalf("primary = %s, want self_signed", rep.Primary)
	}
	for _, lang := range []guide.Lang{guide.Ja, guide.En} {
		var b bytes.Buffer
		if err := report.WriteHTML(&b, rep, view(lang)); err != nil {
			t.Fatal(err)
		}
		out := b.String()
		for _, bad := range []string{"<script>", "<img", "<b>vpn"} {
			if strings.Contains(out, bad) {
				t.Errorf("%s: the report contains raw %q", lang, bad)
			}
		}
		if !strings.Contains(out, "&lt;script&gt;") {
			t.Errorf("%s: the hostile subject is not shown as text", lang)
		}
	}
}

// With redaction on, neither this computer's name nor the user's appears
// in any format, wherever it was (facts, store paths in the chain).
func TestRedaction(t *testing.T) {
	rep := diagnose(t, "ok")
	rep.Chain[len(rep.Chain)-1].Origin = "/home/hanako7731/.pki/nssdb (kyoto-pc-0417)"
	rep.Target.Input = "KYOTO-PC-0417.corp.example"
	for _, lang := range []guide.Lang{guide.Ja, guide.En} {
		v := view(lang)
		v.Redact = true
		for _, format := range []report.Format{report.Text, report.JSON, report.HTML} {
			var b bytes.Buffer
			if err := report.Write(&b, format, rep, v); err != nil {
				t.Fatal(err)
			}
			out := strings.ToLower(b.String())
			for _, secret := range []string{"kyoto-pc-0417", "hanako7731"} {
				if strings.Contains(out, secret) {
					t.Errorf("%s %s: %q is still in the report", lang, format, secret)
				}
			}
			if format != report.Text && !strings.Contains(b.String(), report.HiddenUser) {
				t.Errorf("%s %s: no %s placeholder: redaction did not run", lang, format, report.HiddenUser)
			}
		}
	}
	// Without redaction the names are there: the test above can fail.
	var b bytes.Buffer
	_ = report.Write(&b, report.JSON, rep, view(guide.En))
	if !strings.Contains(b.String(), "hanako7731") {
		t.Errorf("unredacted JSON lacks the user name; the redaction test proves nothing")
	}
	if strings.Contains(b.String(), "untrusted_"+report.HiddenUser) {
		t.Errorf("redaction touched an id")
	}
}

func TestFormatFor(t *testing.T) {
	for name, want := range map[string]report.Format{"a.html": report.HTML, "B.HTM": report.HTML, "x.json": report.JSON, "y.txt": report.Text} {
		if got, err := report.FormatFor(name); err != nil || got != want {
			t.Errorf("FormatFor(%q) = %v, %v", name, got, err)
		}
	}
	if _, err := report.FormatFor("report.pdf"); err == nil {
		t.Errorf("FormatFor(report.pdf) accepted")
	}
}

// A user called "root" must not turn "/crl/root.crl" or "untrusted_root"
// into nonsense, yet their home directory is still hidden.
func TestRedactionOfCommonUserNames(t *testing.T) {
	rep := diagnose(t, "ok")
	rep.Chain[len(rep.Chain)-1].Origin = "/root/.pki/nssdb and /home/root/x"
	v := view(guide.En)
	v.Facts = map[string]string{"hostname": "kyoto-pc-0417", "user": "root"}
	v.Redact = true
	var b bytes.Buffer
	if err := report.Write(&b, report.JSON, rep, v); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	if !strings.Contains(out, "/crl/root.crl") || !strings.Contains(out, "Practice Root CA") {
		t.Errorf("redaction damaged technical text")
	}
	if strings.Contains(out, "/home/root") || !strings.Contains(out, "/home/"+report.HiddenUser) {
		t.Errorf("the home directory of user root is not hidden")
	}
}

// IT's support contact from the pre-configuration reaches every format.
func TestSupportContact(t *testing.T) {
	rep := diagnose(t, "expired")
	v := view(guide.Ja)
	v.Support = map[string]string{"name": "情報システム部 ヘルプデスク", "phone": "03-1234-5678", "email": "help@example.co.jp"}
	for _, format := range []report.Format{report.Text, report.HTML} {
		var b bytes.Buffer
		if err := report.Write(&b, format, rep, v); err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{"情報システム部 ヘルプデスク", "03-1234-5678", "help@example.co.jp"} {
			if !strings.Contains(b.String(), want) {
				t.Errorf("%s lacks %q", format, want)
			}
		}
	}
	var b bytes.Buffer
	_ = report.WriteText(&b, rep, v)
	if !strings.Contains(b.String(), "IT の連絡先：情報システム部") {
		t.Errorf("the terminal text lacks the contact:\n%s", b.String())
	}
}
