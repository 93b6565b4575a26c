package config

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"math/big"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

// The certificates are made in the test; validity is never judged here, so
// the fixed dates only keep the DER stable within a run.
var testNow = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

func newCert(t *testing.T, cn string) (*x509.Certificate, string) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: cn, Organization: []string{"Example Corp"}},
		NotBefore:             testNow.Add(-time.Hour),
		NotAfter:              testNow.Add(365 * 24 * time.Hour),
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageCertSign,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	c, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return c, string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}))
}

// js writes a Go value as JSON text (for PEM strings with their \n).
func js(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

const fp = "3a5f0c1d2e3f405162738495a6b7c8d9e0f1a2b3c4d5e6f708192a3b4c5d6e7f"

// TestFields reads every setting, in each of the forms it may take.
func TestFields(t *testing.T) {
	root1, pem1 := newCert(t, "Example Corp Root CA")
	root2, pem2 := newCert(t, "Example Corp Root CA 2")
	oneLine := strings.Join(strings.Fields(pem1), " ") // what pasting into one line gives
	colons := strings.ToUpper(fp[:2])
	for i := 2; i < 64; i += 2 {
		colons += ":" + strings.ToUpper(fp[i:i+2])
	}
	tests := []struct {
		name string
		json string
		want Config
	}{
		{"empty group", `{}`, Config{}},
		{"gateways list", `{"gateways": ["vpn.example.co.jp", " vpn2.example.co.jp:10443 ", "https://vpn3.example.co.jp/sales", "[2001:db8::1]:443", "ヴイピーエヌ.example.jp"]}`,
			Config{Gateways: []string{"vpn.example.co.jp", "vpn2.example.co.jp:10443", "https://vpn3.example.co.jp/sales", "[2001:db8::1]:443", "ヴイピーエヌ.example.jp"}}},
		{"one gateway as text", `{"gateways": "vpn.example.co.jp"}`, Config{Gateways: []string{"vpn.example.co.jp"}}},
		{"ntp host", `{"ntp_server": "ntp.example.co.jp"}`, Config{NTPServer: "ntp.example.co.jp"}},
		{"ntp host:port", `{"ntp_server": "10.0.0.1:123"}`, Config{NTPServer: "10.0.0.1:123"}},
		{"roots as one text", `{"extra_roots_pem": ` + js(t, pem1) + `}`, Config{ExtraRoots: []*x509.Certificate{root1}}},
		{"roots as a list", `{"extra_roots_pem": ` + js(t, []string{pem1, pem2}) + `}`, Config{ExtraRoots: []*x509.Certificate{root1, root2}}},
		{"two roots in one text", `{"extra_roots_pem": ` + js(t, pem1+pem2) + `}`, Config{ExtraRoots: []*x509.Certificate{root1, root2}}},
		{"root pasted on one line", `{"extra_roots_pem": ` + js(t, oneLine) + `}`, Config{ExtraRoots: []*x509.Certificate{root1}}},
		{"fingerprint plain", `{"expected_certificate": {"sha256": "` + fp + `"}}`, Config{ExpectedCert: ExpectedCert{SHA256: []string{fp}}}},
		{"fingerprint with colons, upper case, in a list", `{"expected_certificate": {"sha256": ["` + colons + `"]}}`, Config{ExpectedCert: ExpectedCert{SHA256: []string{fp}}}},
		{"fingerprint as openssl prints it", `{"expected_certificate": {"sha256": "sha256 Fingerprint=` + colons + `"}}`, Config{ExpectedCert: ExpectedCert{SHA256: []string{fp}}}},
		{"fingerprint with spaces", `{"expected_certificate": {"sha256": "` + strings.ReplaceAll(colons, ":", " ") + `"}}`, Config{ExpectedCert: ExpectedCert{SHA256: []string{fp}}}},
		{"issuer", `{"expected_certificate": {"issuer": " Example Corp Issuing CA "}}`, Config{ExpectedCert: ExpectedCert{Issuer: "Example Corp Issuing CA"}}},
		{"both", `{"expected_certificate": {"sha256": "` + fp + `", "issuer": "O=Example Corp"}}`, Config{ExpectedCert: ExpectedCert{SHA256: []string{fp}, Issuer: "O=Example Corp"}}},
		{"support", `{"support": {"name": "情報システム部 ヘルプデスク", "email": "helpdesk@example.co.jp", "phone": "03-1234-5678 (内線 1234)", "url": "https://intra.example.co.jp/vpn"}}`,
			Config{Support: Support{Name: "情報システム部 ヘルプデスク", Email: "helpdesk@example.co.jp", Phone: "03-1234-5678 (内線 1234)", URL: "https://intra.example.co.jp/vpn"}}},
		{"support mailto", `{"support": {"email": "mailto:it@example.com"}}`, Config{Support: Support{Email: "it@example.com"}}},
		{"language ja", `{"language": "ja"}`, Config{Language: "ja"}},
		{"language EN", `{"language": "EN"}`, Config{Language: "en"}},
		{"client", `{"client": " AnyConnect "}`, Config{Client: "anyconnect"}},
		{"client profile id", `{"client": "openconnect-openssl"}`, Config{Client: "openconnect-openssl"}},
		{"null means not set", `{"ntp_server": null, "gateways": null, "support": null}`, Config{}},
		{"comments", `{"_comment": "set by IT, ticket 1234", "_note": ["a", 1], "language": "en"}`, Config{Language: "en"}},
		{"comment inside a group", `{"support": {"_comment": "desk hours 9-17", "name": "IT"}}`, Config{Support: Support{Name: "IT"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, problems := Parse("vpndoctor.json", []byte(tt.json))
			for _, p := range problems {
				t.Errorf("unexpected problem: %v", p)
			}
			tt.want.Source = "vpndoctor.json"
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got  %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

// TestProblems: each malformed file gives one clear message on the right
// line, and the settings that are fine are still used.
func TestProblems(t *testing.T) {
	_, rootPEM := newCert(t, "Example Corp Root CA")
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	keyDER, _ := x509.MarshalECPrivateKey(key)
	keyPEM := string(pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER}))
	csrPEM := "-----BEGIN CERTIFICATE REQUEST-----\nMIIB\n-----END CERTIFICATE REQUEST-----\n"
	badDER := "-----BEGIN CERTIFICATE-----\nMIIBAAAA\n-----END CERTIFICATE-----\n"
	tests := []struct {
		name     string
		json     string
		line     int    // of the (only) problem
		col      int    // 0 unless a syntax error
		msg      string // the message contains this
		language string // still read, when not ""
	}{
		// JSON syntax: the whole file is unusable.
		{"empty file", "", 1, 1, "the file is empty", ""},
		{"trailing comma in group", "{\n  \"language\": \"en\",\n}\n", 2, 19, "remove this comma: no comma may follow the last item before }", ""},
		{"trailing comma in list", "{\"gateways\": [\"a.example\",\n \"b.example\",\n]}", 2, 13, "remove this comma", ""},
		{"missing comma across lines", "{\n  \"language\": \"en\"\n  \"ntp_server\": \"ntp.example\"\n}", 2, 19, "a comma (,) is missing at the end of this line", ""},
		{"missing comma on one line", `{"language": "en" "ntp_server": "x"}`, 1, 19, "a comma (,) is missing before this", ""},
		{"missing colon", `{"language" "en"}`, 1, 13, `a colon (:) is missing after "language"`, ""},
		{"comment", "{\n  // the gateway\n  \"gateways\": []\n}", 2, 3, "JSON files cannot hold comments", ""},
		{"hash comment", "{\n  # the gateway\n}", 2, 3, "JSON files cannot hold comments", ""},
		{"single quotes", `{'language': 'en'}`, 1, 2, "double quotes", ""},
		{"key without quotes", `{language: "en"}`, 1, 2, `setting names must be in double quotes: "language"`, ""},
		{"word without quotes", `{"language": en}`, 1, 14, `"en" is not a value`, ""},
		{"bare Japanese text", `{"support": {"name": 情報システム部}}`, 1, 22, `"情報システム部" is not a value`, ""},
		{"double colon", `{"language": : "en"}`, 1, 14, "there is one colon (:) too many here", ""},
		{"broken literal", `{"language": tru}`, 1, 17, `"tru" is not a value`, ""},
		{"line break in text", "{\"extra_roots_pem\": \"-----BEGIN CERTIFICATE-----\nMIIB\"}", 1, 49, "text in double quotes must end on the line where it starts", ""},
		{"windows path backslash", `{"support": {"url": "\\server\share"}}`, 1, 31, `a backslash (\) in text must be written twice`, ""},
		{"unclosed group", "{\n  \"language\": \"en\"\n", 1, 1, "the { on line 1 is never closed: a } is missing", ""},
		{"unclosed text", "{\"language\": \"en}", 1, 14, `the text that starts on line 1 is never closed`, ""},
		{"mismatched bracket", `{"gateways": ["a.example"}`, 1, 26, "this } does not match the [ opened on line 1; close it with ]", ""},
		{"text after the end", "{\"language\": \"en\"}\n}", 2, 1, "there is more after the final }", ""},
		{"a list, not a group", `["vpn.example.co.jp"]`, 1, 0, "must hold its settings in one group { ... }, not a list", ""},
		// Wrong types: that setting is left out.
		{"ntp number", "{\n  \"language\": \"en\",\n  \"ntp_server\": 123\n}", 3, 0, `"ntp_server" must be text in double quotes, not a number`, "en"},
		{"gateways number", `{"language": "en", "gateways": 443}`, 1, 0, `"gateways" must be a list like ["vpn.example.co.jp"], not a number`, "en"},
		{"gateway item group", "{\"language\": \"en\", \"gateways\": [\"a.example\",\n {\"host\": \"b\"}]}", 2, 0, `"gateways": the second item must be text in double quotes, not a group {...}`, "en"},
		{"support text", `{"language": "en", "support": "call IT"}`, 1, 0, `"support" must be a group of settings in { }, not text`, "en"},
		{"email bool", `{"language": "en", "support": {"email": true}}`, 1, 0, `"email" in "support" must be text in double quotes, not true or false`, "en"},
		{"roots number", `{"language": "en", "extra_roots_pem": 1}`, 1, 0, `"extra_roots_pem" must be a list like`, "en"},
		{"expected text", `{"language": "en", "expected_certificate": "` + fp + `"}`, 1, 0, `"expected_certificate" must be a group of settings in { }, not text`, "en"},
		// Unknown or repeated keys.
		{"typo", "{\n  \"language\": \"en\",\n  \"gatway\": [\"vpn.example.co.jp\"]\n}", 3, 0, `unknown setting "gatway" (did you mean "gateways"?); it is ignored`, "en"},
		{"singular", `{"language": "en", "gateway": "vpn.example.co.jp"}`, 1, 0, `(did you mean "gateways"?)`, "en"},
		{"other case", `{"language": "en", "NTP_Server": "x"}`, 1, 0, `(did you mean "ntp_server"?)`, "en"},
		{"cut short", `{"language": "en", "ntp": "x"}`, 1, 0, `(did you mean "ntp_server"?)`, "en"},
		{"unknown in group", `{"language": "en", "support": {"mail": "a@b.c"}}`, 1, 0, `unknown setting "mail" in "support" (did you mean "email"?)`, "en"},
		{"unknown, nothing near", `{"language": "en", "proxy": "x"}`, 1, 0, `unknown setting "proxy"; it is ignored`, "en"},
		{"twice", "{\"language\": \"ja\",\n\"language\": \"en\"}", 2, 0, `"language" is given twice (also on line 1); this one is used`, "en"},
		// Values that are the right type but wrong.
		{"gateway with a space", `{"language": "en", "gateways": ["vpn example"]}`, 1, 0, `"gateways": the first item is not a server address: the address "vpn example" contains a space`, "en"},
		{"gateway port", `{"language": "en", "gateways": "vpn.example.co.jp:70000"}`, 1, 0, `"gateways" is not a server address: port 70000 is out of range`, "en"},
		{"ntp url", `{"language": "en", "ntp_server": "https://ntp.example"}`, 1, 0, `"ntp_server" must be a host name or host:port`, "en"},
		{"ntp empty", `{"language": "en", "ntp_server": " "}`, 1, 0, `"ntp_server" is empty`, "en"},
		{"private key", `{"language": "en", "extra_roots_pem": ` + js(t, []string{rootPEM, keyPEM}) + `}`, 1, 0, `"extra_roots_pem": the second item is a private key (EC PRIVATE KEY), not a certificate`, "en"},
		{"broken private key", `{"language": "en", "extra_roots_pem": "-----BEGIN PRIVATE KEY-----\nMIG\n-----END PRIVATE KEY-----"}`, 1, 0, `"extra_roots_pem" is a private key, not a certificate`, "en"},
		{"csr", `{"language": "en", "extra_roots_pem": ` + js(t, csrPEM) + `}`, 1, 0, `"extra_roots_pem" is not a certificate: it holds a "CERTIFICATE REQUEST" block`, "en"},
		{"bad DER", `{"language": "en", "extra_roots_pem": ` + js(t, badDER) + `}`, 1, 0, `"extra_roots_pem" is not a certificate that can be read`, "en"},
		{"not PEM", `{"language": "en", "extra_roots_pem": ["MIIBxyz"]}`, 1, 0, `"extra_roots_pem": the first item is not a certificate: PEM text starts with -----BEGIN CERTIFICATE-----`, "en"},
		{"PEM cut short", `{"language": "en", "extra_roots_pem": ` + js(t, rootPEM[:len(rootPEM)-30]) + `}`, 1, 0, `its PEM text is broken`, "en"},
		{"sha1 fingerprint", `{"language": "en", "expected_certificate": {"sha256": "` + fp[:40] + `"}}`, 1, 0, `"sha256" in "expected_certificate" is a SHA-1 fingerprint`, "en"},
		{"short fingerprint", `{"language": "en", "expected_certificate": {"sha256": ["` + fp + `", "abc"]}}`, 1, 0, `the second item is not a SHA-256 fingerprint: it has 3 hex digits, not 64`, "en"},
		{"not hex", `{"language": "en", "expected_certificate": {"sha256": "` + fp[:63] + `g"}}`, 1, 0, `"g" is not a hex digit`, "en"},
		{"expected nothing", `{"language": "en", "expected_certificate": {}}`, 1, 0, `has neither "sha256" nor "issuer", so nothing is checked`, "en"},
		{"email no at", `{"language": "en", "support": {"email": "helpdesk.example.co.jp"}}`, 1, 0, `"email" in "support": "helpdesk.example.co.jp" is not an e-mail address`, "en"},
		{"phone no digits", `{"language": "en", "support": {"phone": "ask reception"}}`, 1, 0, `"phone" in "support": "ask reception" has no digits`, "en"},
		{"url no scheme", `{"language": "en", "support": {"url": "intra.example.co.jp/vpn"}}`, 1, 0, `"url" in "support": "intra.example.co.jp/vpn" is not a web address; it must start with https://`, "en"},
		{"url ftp", `{"language": "en", "support": {"url": "ftp://x.example"}}`, 1, 0, `is not a web address`, "en"},
		{"language fr", `{"language": "fr", "ntp_server": 1}`, 1, 0, `"language" must be "ja" (日本語) or "en" (English), not "fr"`, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, problems := Parse("vpndoctor.json", []byte(tt.json))
			var match *Problem
			for i, p := range problems {
				if strings.Contains(p.Msg, tt.msg) {
					match = &problems[i]
				}
			}
			if match == nil {
				t.Fatalf("no problem says %q; got %q", tt.msg, problems)
			}
			if match.Line != tt.line || match.Col != tt.col {
				t.Errorf("problem at line %d column %d, want line %d column %d: %v", match.Line, match.Col, tt.line, tt.col, match)
			}
			if tt.language == "" && tt.name != "language fr" && len(problems) != 1 {
				t.Errorf("want exactly one problem, got %q", problems)
			}
			if got.Language != tt.language {
				t.Errorf("language %q, want %q (the other settings must still be read)", got.Language, tt.language)
			}
			if got.Source != "vpndoctor.json" {
				t.Errorf("Source %q", got.Source)
			}
		})
	}
}

// TestOtherSettingsKept: a bad value costs only its own setting.
func TestOtherSettingsKept(t *testing.T) {
	in := `{
  "gateways": ["vpn.example.co.jp", "bad address", "vpn2.example.co.jp"],
  "ntp_server": 123,
  "support": {"name": "IT", "email": "nope"},
  "language": "ja"
}`
	got, problems := Parse("f.json", []byte(in))
	want := Config{Gateways: []string{"vpn.example.co.jp", "vpn2.example.co.jp"}, Support: Support{Name: "IT"}, Language: "ja", Source: "f.json"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v, want %+v", got, want)
	}
	var lines []int
	for _, p := range problems {
		lines = append(lines, p.Line)
	}
	if !reflect.DeepEqual(lines, []int{2, 3, 4}) {
		t.Errorf("problems on lines %v, want [2 3 4]: %q", lines, problems)
	}
}

func TestProblemError(t *testing.T) {
	for _, tt := range []struct {
		p    Problem
		want string
	}{
		{Problem{File: "/etc/vpndoctor/vpndoctor.json", Line: 4, Msg: `"ntp_server" must be text in double quotes, not a number`},
			`/etc/vpndoctor/vpndoctor.json line 4: "ntp_server" must be text in double quotes, not a number`},
		{Problem{File: "vpndoctor.json", Line: 2, Col: 19, Msg: "remove this comma"}, "vpndoctor.json line 2, column 19: remove this comma"},
		{Problem{File: "vpndoctor.json", Msg: "there is no such file"}, "vpndoctor.json: there is no such file"},
	} {
		if got := tt.p.Error(); got != tt.want {
			t.Errorf("got %q, want %q", got, tt.want)
		}
	}
}

// TestEncodings: what Windows editors save is read too, and text that is
// not UTF-8 is named.
func TestEncodings(t *testing.T) {
	body := "{\n\"support\": {\"name\": \"情報システム部\"}\n}"
	utf16le := []byte{0xFF, 0xFE}
	for _, r := range body {
		utf16le = append(utf16le, byte(r), byte(r>>8))
	}
	for _, tt := range []struct {
		name string
		data []byte
	}{
		{"UTF-8 with BOM", append([]byte{0xEF, 0xBB, 0xBF}, body...)},
		{"UTF-16 LE", utf16le},
	} {
		got, problems := Parse("f.json", tt.data)
		if len(problems) > 0 || got.Support.Name != "情報システム部" {
			t.Errorf("%s: got %+v, %q", tt.name, got, problems)
		}
	}
	// "情報" in Shift_JIS.
	sjis := []byte("{\n\"support\": {\"name\": \"\x8f\xee\x95\xf1\"}\n}")
	_, problems := Parse("f.json", sjis)
	if len(problems) != 1 || problems[0].Line != 2 || !strings.Contains(problems[0].Msg, "not UTF-8") {
		t.Errorf("Shift_JIS: %q", problems)
	}
}

// TestLoadPrecedence: the first file that exists wins, whole; later ones
// are not merged in.
func TestLoadPrecedence(t *testing.T) {
	exe, machine, user := t.TempDir(), t.TempDir(), t.TempDir()
	paths := []string{filepath.Join(exe, FileName), filepath.Join(machine, FileName), filepath.Join(user, FileName)}
	write := func(p, s string) {
		t.Helper()
		if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	check := func(name, wantSource, wantLang string, wantProblems int) {
		t.Helper()
		got, problems := Load(paths)
		if got.Source != wantSource || got.Language != wantLang || len(problems) != wantProblems {
			t.Errorf("%s: source %q language %q problems %q; want %q %q %d", name, got.Source, got.Language, problems, wantSource, wantLang, wantProblems)
		}
	}
	check("no file", "", "", 0)
	write(paths[2], `{"language": "en", "ntp_server": "ntp.user.example"}`)
	check("user only", paths[2], "en", 0)
	write(paths[1], `{"language": "ja"}`)
	check("machine over user", paths[1], "ja", 0)
	if got, _ := Load(paths); got.NTPServer != "" {
		t.Errorf("settings were merged from the user's file: %+v", got)
	}
	write(paths[0], `{"gateways": ["vpn.example.co.jp"]}`)
	check("beside the exe over machine", paths[0], "", 0)
	// A broken file still wins: IT's intent is in it, and it is reported.
	write(paths[0], `{"language": "en",}`)
	check("broken file wins", paths[0], "", 1)
	// A file that cannot be read is reported, and the next one is used.
	os.Remove(paths[0])
	os.Mkdir(paths[0], 0o755)
	got, problems := Load(paths)
	if got.Source != paths[1] || len(problems) != 1 || problems[0].File != paths[0] || !strings.Contains(problems[0].Msg, "this is a folder") {
		t.Errorf("unreadable first file: %+v %q", got, problems)
	}
}

func TestLoadFile(t *testing.T) {
	p := filepath.Join(t.TempDir(), "x.json")
	if _, problems := LoadFile(p); len(problems) != 1 || problems[0].Msg != "there is no such file" {
		t.Errorf("missing file: %q", problems)
	}
	os.WriteFile(p, []byte(`{"language":"ja"}`), 0o644)
	if got, problems := LoadFile(p); got.Language != "ja" || len(problems) != 0 {
		t.Errorf("got %+v %q", got, problems)
	}
}

func TestTooLarge(t *testing.T) {
	p := filepath.Join(t.TempDir(), FileName)
	os.WriteFile(p, []byte(`{"_comment": "`+strings.Repeat("x", maxSize)+`"}`), 0o644)
	if _, problems := Load([]string{p}); len(problems) != 1 || !strings.Contains(problems[0].Msg, "larger than") {
		t.Errorf("%q", problems)
	}
}

func TestDefaultPaths(t *testing.T) {
	tests := []struct {
		goos, exeDir, programData, userDir string
		want                               []string
	}{
		{"windows", `C:\Program Files\vpndoctor`, `C:\ProgramData`, `C:\Users\taro\AppData\Roaming`, []string{
			`C:\Program Files\vpndoctor\vpndoctor.json`,
			`C:\ProgramData\vpndoctor\vpndoctor.json`,
			`C:\Users\taro\AppData\Roaming\vpndoctor\vpndoctor.json`,
		}},
		{"windows", `\\fileserver\tools\vpndoctor\`, `D:\ProgramData`, "", []string{
			`\\fileserver\tools\vpndoctor\vpndoctor.json`,
			`D:\ProgramData\vpndoctor\vpndoctor.json`,
		}},
		{"darwin", "/Applications/vpndoctor.app/Contents/MacOS", "", "/Users/taro/Library/Application Support", []string{
			"/Applications/vpndoctor.json",
			"/Library/Application Support/vpndoctor/vpndoctor.json",
			"/Users/taro/Library/Application Support/vpndoctor/vpndoctor.json",
		}},
		{"darwin", "/Users/taro/bin", "", "", []string{
			"/Users/taro/bin/vpndoctor.json",
			"/Library/Application Support/vpndoctor/vpndoctor.json",
		}},
		{"linux", "/usr/local/bin", "", "/home/taro/.config", []string{
			"/usr/local/bin/vpndoctor.json",
			"/etc/vpndoctor/vpndoctor.json",
			"/home/taro/.config/vpndoctor/vpndoctor.json",
		}},
		{"freebsd", "", "", "/home/taro/.config", []string{
			"/etc/vpndoctor/vpndoctor.json",
			"/home/taro/.config/vpndoctor/vpndoctor.json",
		}},
		{"linux", "/etc/vpndoctor", "", "", []string{"/etc/vpndoctor/vpndoctor.json"}},
	}
	for _, tt := range tests {
		got := DefaultPaths(tt.goos, tt.exeDir, tt.programData, tt.userDir)
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("DefaultPaths(%q, %q, %q, %q)\n got %q\nwant %q", tt.goos, tt.exeDir, tt.programData, tt.userDir, got, tt.want)
		}
	}
}

func TestPaths(t *testing.T) {
	ps := Paths()
	exe, err := os.Executable()
	if err != nil {
		t.Skip(err)
	}
	exe, _ = filepath.EvalSymlinks(exe)
	if len(ps) < 2 || ps[0] != filepath.Join(filepath.Dir(exe), FileName) {
		t.Errorf("Paths() = %q; the first should be beside %s", ps, exe)
	}
}

// TestExample: the documented example file is valid as it stands.
func TestExample(t *testing.T) {
	p := filepath.Join("..", "packaging", "vpndoctor.example.json")
	got, problems := LoadFile(p)
	for _, pr := range problems {
		t.Error(pr)
	}
	if len(got.Gateways) == 0 || got.NTPServer == "" || len(got.ExtraRoots) == 0 || !got.ExpectedCert.Set() || !got.Support.Set() || got.Language == "" || got.Client == "" {
		t.Errorf("the example should show every setting: %+v", got)
	}
}

// FuzzParse: no input makes Parse panic, and every problem has a message
// and a line inside the file.
func FuzzParse(f *testing.F) {
	f.Add([]byte(`{"gateways": ["a"], "support": {"email": "x"}}`))
	f.Add([]byte("{\"a\": [1,2,]}"))
	f.Add([]byte("{\"x\": \"\\q\"}"))
	f.Fuzz(func(t *testing.T, data []byte) {
		_, problems := Parse("f", data)
		lines := strings.Count(string(toUTF8(data)), "\n") + 1
		for _, p := range problems {
			if p.Msg == "" || p.Line < 0 || p.Line > lines {
				t.Fatalf("bad problem %+v for %q", p, data)
			}
		}
	})
}
