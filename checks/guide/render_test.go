package guide

import (
	"strings"
	"testing"
	"time"
)

// jst is a fixed zone, so date tests do not depend on the machine's.
var jst = time.FixedZone("JST", 9*60*60)

func mustFor(t *testing.T, id string, lang Lang, os OS, ev map[string]string) Text {
	t.Helper()
	tx, err := For(id, lang, os, ev, jst)
	if err != nil {
		t.Fatalf("For(%s, %s, %s): %v", id, lang, os, err)
	}
	return tx
}

func TestForFillsPlaceholdersAndDates(t *testing.T) {
	ev := map[string]string{
		"host": "vpn.example.co.jp", "port": "443",
		"subject": "CN=vpn.example.co.jp", "role": "leaf",
		"not_after": "2026-11-23T00:30:00Z",
	}
	ja := mustFor(t, "cert_expired", Ja, Windows, ev)
	if want := "VPNサーバーの証明書の有効期限が 2026年11月23日 09:30 に切れています"; ja.Headline != want {
		t.Errorf("ja headline = %q, want %q", ja.Headline, want)
	}
	if !strings.Contains(ja.TellIT, "vpn.example.co.jp:443") || !strings.Contains(ja.TellIT, "VPNサーバー自身の証明書") {
		t.Errorf("ja tell_it lacks host:port or the role in words: %q", ja.TellIT)
	}
	en := mustFor(t, "cert_expired", En, MacOS, ev)
	if want := "The VPN server's certificate expired on 23 Nov 2026 09:30"; en.Headline != want {
		t.Errorf("en headline = %q, want %q", en.Headline, want)
	}
	if !strings.Contains(en.Meaning, "the server's own certificate") || !strings.Contains(en.Meaning, `"CN=vpn.example.co.jp"`) {
		t.Errorf("en meaning lacks role or subject: %q", en.Meaning)
	}
	if en.Side != "gateway" || en.SideLabel != Labels(En)["side.gateway"] || ja.SideLabel != "VPNサーバー（会社側）" {
		t.Errorf("side = %q / %q / %q", en.Side, en.SideLabel, ja.SideLabel)
	}
	if en.ID != "cert_expired" || en.Lang != En || en.OS != MacOS {
		t.Errorf("identity fields = %q %q %q", en.ID, en.Lang, en.OS)
	}
}

func TestForDateInCallersZone(t *testing.T) {
	ev := map[string]string{"not_after": "2026-01-02T23:30:00Z"}
	ny, _ := time.LoadLocation("America/New_York")
	if ny == nil {
		ny = time.FixedZone("EST", -5*60*60)
	}
	tx, err := For("cert_expired", En, Linux, ev, ny)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(tx.Headline, "2 Jan 2026 18:30") {
		t.Errorf("headline %q: want the date in New York time", tx.Headline)
	}
	tx = mustFor(t, "cert_expired", Ja, Linux, ev)
	if !strings.Contains(tx.Headline, "2026年1月3日 08:30") {
		t.Errorf("headline %q: want the date in Japan time", tx.Headline)
	}
}

func TestForMissingEvidenceIsNeutral(t *testing.T) {
	for _, lang := range Langs {
		tx := mustFor(t, "cert_expired", lang, Windows, nil)
		want := Labels(lang)["unknown"]
		if !strings.Contains(tx.Headline, want) {
			t.Errorf("%s headline %q: want %q for the missing date", lang, tx.Headline, want)
		}
		if strings.ContainsAny(tx.Headline+tx.Meaning+tx.TellIT, "{}") {
			t.Errorf("%s: braces left in %q", lang, tx.Headline+tx.Meaning+tx.TellIT)
		}
	}
	// An empty value counts as missing.
	tx := mustFor(t, "hostname_mismatch", En, Windows, map[string]string{"host": "vpn.example.com", "dns_names": "  "})
	if !strings.Contains(tx.Meaning, "valid for (unknown)") {
		t.Errorf("meaning %q: want (unknown) for an empty value", tx.Meaning)
	}
}

func TestForOptionalEvidence(t *testing.T) {
	base := map[string]string{"host": "vpn.example.com", "port": "443", "missing_ca": "Example Issuing CA 2"}
	without := mustFor(t, "missing_intermediate", En, Windows, base)
	with := mustFor(t, "missing_intermediate", En, Windows, merge(base, map[string]string{"aia_url": "http://ca.example.com/issuing2.crt"}))
	if len(with.ITFix) != len(without.ITFix)+1 {
		t.Fatalf("it_fix: %d items with aia_url, %d without; want one more with it", len(with.ITFix), len(without.ITFix))
	}
	if !strings.Contains(strings.Join(with.ITFix, "\n"), "http://ca.example.com/issuing2.crt") {
		t.Errorf("it_fix with aia_url does not mention it: %q", with.ITFix)
	}
	for _, s := range without.ITFix {
		if strings.Contains(s, "aia") || strings.Contains(s, Labels(En)["unknown"]) || s == "" {
			t.Errorf("it_fix without aia_url has %q", s)
		}
	}
	// Inside a sentence: the part goes, the sentence stays.
	ja := mustFor(t, "revocation_unknown", Ja, IOS, map[string]string{"host": "vpn.example.com", "subject": "CN=vpn"})
	if strings.Contains(ja.Meaning, "問い合わせ先") || !strings.Contains(ja.Meaning, "応答がありませんでした。") {
		t.Errorf("ja meaning without url: %q", ja.Meaning)
	}
	ja = mustFor(t, "revocation_unknown", Ja, IOS, map[string]string{"host": "vpn.example.com", "subject": "CN=vpn", "url": "http://ocsp.example.com"})
	if !strings.Contains(ja.Meaning, "（問い合わせ先：http://ocsp.example.com）") {
		t.Errorf("ja meaning with url: %q", ja.Meaning)
	}
}

func TestForRewordsCodes(t *testing.T) {
	ev := map[string]string{"clock_offset": "+2y3d", "local_time": "2024-11-20T09:00:00+09:00", "true_time": "2026-11-23T09:00:00+09:00"}
	if tx := mustFor(t, "clock_skew", Ja, Android, ev); tx.Headline != "この端末の時計が約2年3日ずれています" {
		t.Errorf("ja clock headline = %q", tx.Headline)
	}
	if tx := mustFor(t, "clock_skew", En, Android, ev); tx.Headline != "This device's clock is off by about 2 years 3 days" {
		t.Errorf("en clock headline = %q", tx.Headline)
	}
	for in, want := range map[string]string{"-5m": "5 minutes", "+1h": "1 hour", "90s": "90 seconds", "+1y": "1 year", "soon": "soon"} {
		if got := formatOffset(En, in); got != want {
			t.Errorf("formatOffset(%q) = %q, want %q", in, got, want)
		}
	}
	tx := mustFor(t, "timeout", En, Windows, map[string]string{"host": "vpn.example.com", "step": "tls"})
	if !strings.Contains(tx.Headline, "while setting up the encrypted connection") {
		t.Errorf("timeout headline = %q", tx.Headline)
	}
	tx = mustFor(t, "timeout", Ja, Windows, map[string]string{"host": "vpn.example.com", "step": "connect"})
	if !strings.Contains(tx.Headline, "サーバーに接続する途中で") {
		t.Errorf("ja timeout headline = %q", tx.Headline)
	}
	// A value the guide has no word for is shown as it is.
	tx = mustFor(t, "timeout", En, Windows, map[string]string{"step": "quantum"})
	if !strings.Contains(tx.Headline, "while quantum") {
		t.Errorf("unknown step: %q", tx.Headline)
	}
	// A date that does not parse is shown as it is.
	if got := value(En, "not_after", "next Tuesday", jst); got != "next Tuesday" {
		t.Errorf("unparsable date = %q", got)
	}
}

func TestForCleansHostileValues(t *testing.T) {
	ev := map[string]string{"subject": "CN=evil\x1b[2J\u202eexe.com\nX", "not_after": "2026-11-23T00:30:00Z"}
	tx := mustFor(t, "cert_expired", En, Windows, ev)
	if strings.ContainsAny(tx.Meaning, "\x1b\u202e\n") {
		t.Errorf("control characters survived: %q", tx.Meaning)
	}
	long := strings.Repeat("a", 5000)
	if got := []rune(clean(long)); len(got) != maxValue {
		t.Errorf("clean kept %d runes, want %d", len(got), maxValue)
	}
	// A value that looks like a placeholder is not expanded again.
	tx = mustFor(t, "untrusted_root", En, Windows, map[string]string{"issuer": "{host}"})
	if !strings.Contains(tx.Meaning, `"{host}"`) {
		t.Errorf("value re-expanded: %q", tx.Meaning)
	}
}

func TestForErrors(t *testing.T) {
	if _, err := For("no_such_id", En, Windows, nil, jst); err == nil {
		t.Error("unknown id: no error")
	}
	if _, err := For("ok", Lang("fr"), Windows, nil, jst); err == nil {
		t.Error("unknown language: no error")
	}
	if _, err := For("ok", En, OS("beos"), nil, jst); err == nil {
		t.Error("unknown OS: no error")
	}
	if _, err := For("ok", En, Windows, nil, nil); err != nil {
		t.Errorf("nil location: %v", err)
	}
}

func TestLabels(t *testing.T) {
	en, ja := Labels(En), Labels(Ja)
	if len(en) != len(ja) {
		t.Errorf("labels: %d in en, %d in ja", len(en), len(ja))
	}
	for k := range en {
		if ja[k] == "" {
			t.Errorf("label %q has no Japanese", k)
		}
	}
	for _, side := range Sides {
		if side != "none" && en["side."+side] == "" {
			t.Errorf("no label for side %q", side)
		}
	}
	for _, o := range AllOS {
		if en["os."+string(o)] == "" {
			t.Errorf("no label for OS %q", o)
		}
	}
	// The steps point at the "What to tell IT" section by its label.
	if !strings.Contains(strings.Join(mustFor(t, "tls_version", Ja, Windows, nil).Steps, ""), "「"+ja["tell_it"]+"」") {
		t.Errorf("ja steps do not name the section %q", ja["tell_it"])
	}
	if !strings.Contains(strings.Join(mustFor(t, "tls_version", En, Windows, nil).Steps, ""), `"`+en["tell_it"]+`"`) {
		t.Errorf("en steps do not name the section %q", en["tell_it"])
	}
	Labels(En)["unknown"] = "changed"
	if Labels(En)["unknown"] == "changed" {
		t.Error("Labels returns the shared map")
	}
}

func merge(a, b map[string]string) map[string]string {
	out := map[string]string{}
	for k, v := range a {
		out[k] = v
	}
	for k, v := range b {
		out[k] = v
	}
	return out
}
