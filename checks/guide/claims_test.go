package guide

import (
	"strings"
	"testing"
)

// unchecked are statements the texts make on the user's behalf or as facts
// although no check of vpndoctor establishes them. What to tell IT is
// pasted into a ticket as the user's words, so it must not assert them.
var unchecked = map[Lang][]string{
	En: {"Websites open normally", "could not reach a time server", "The time server did not answer"},
	Ja: {"ホームページは普通に開けます", "時刻サーバー{?ntp_server:（{ntp_server}）}に届きませんでした", "時刻サーバーから応答がなかったため"},
}

func TestNoUncheckedClaims(t *testing.T) {
	g := guideT(t)
	for _, id := range g.IDs() {
		for _, lang := range Langs {
			for _, os := range AllOS {
				tx, err := g.For(id, lang, os, nil, jst)
				if err != nil {
					t.Fatal(err)
				}
				all := strings.Join(append(append([]string{tx.Headline, tx.Meaning, tx.WhenToCall, tx.TellIT}, tx.Steps...), tx.ITFix...), "\n")
				for _, c := range unchecked[lang] {
					c = strings.ReplaceAll(c, "{?ntp_server:（{ntp_server}）}", "")
					if strings.Contains(all, c) {
						t.Errorf("%s %s %s says %q, which nothing checked", id, lang, os, c)
					}
				}
			}
		}
	}
}

// The clock texts give the correct time only as what its source says, and
// a bound as a bound.
func TestClockSkewSaysWhereTheTimeCameFrom(t *testing.T) {
	ev := map[string]string{"clock_offset": "+2y", "local_time": "2026-11-20T09:00:00+09:00", "true_time": "2024-11-20T09:00:00+09:00"}
	bound := map[string]string{"time_source": "certificates", "time_bound": "before"}
	for k, v := range ev {
		bound[k] = v
	}
	if m := mustFor(t, "clock_skew", En, Windows, bound).Meaning; !strings.Contains(m, "judging by the validity dates of the certificates, the correct time is no later than 20 Nov 2024") {
		t.Errorf("en: %q", m)
	}
	if m := mustFor(t, "clock_skew", Ja, Windows, bound).Meaning; !strings.Contains(m, "証明書の有効期間によると、正しい時刻は 2024年11月20日 09:00 以前です。") {
		t.Errorf("ja: %q", m)
	}
	ntp := map[string]string{"time_source": "ntp"}
	for k, v := range ev {
		ntp[k] = v
	}
	if m := mustFor(t, "clock_skew", Ja, Windows, ntp).Meaning; !strings.Contains(m, "時刻サーバーによると、正しい時刻は 2024年11月20日 09:00 です。") {
		t.Errorf("ja ntp: %q", m)
	}
	// The headline too: a bound gives the least the clock is off by.
	for _, c := range []struct {
		lang      Lang
		ev        map[string]string
		want, not string
	}{
		{En, bound, "off by at least 2 years", "about"},
		{Ja, bound, "少なくとも2年", "約"},
		{En, ntp, "off by about 2 years", "at least"},
		{Ja, ntp, "約2年", "少なくとも"},
	} {
		if h := mustFor(t, "clock_skew", c.lang, Windows, c.ev).Headline; !strings.Contains(h, c.want) || strings.Contains(h, c.not) {
			t.Errorf("%s headline %q, want %q and not %q", c.lang, h, c.want, c.not)
		}
	}
}

// tls_version also names a server with which no version and suite could
// be agreed at all (tls_version "unknown", or TLS 1.2 without a shared
// suite): the texts then do not say "it only offers TLS 1.2, TLS 1.2 is not
// available"; the outdated version is named when a handshake chose it.
func TestTLSVersionSaysOnlyWhatWasAgreed(t *testing.T) {
	for _, v := range []string{"unknown", "TLS 1.2"} {
		for _, lang := range Langs {
			tx := mustFor(t, "tls_version", lang, Windows, map[string]string{"tls_version": v, "host": "vpn.example.com", "port": "443"})
			all := tx.Headline + tx.Meaning + tx.TellIT
			for _, bad := range []string{"only offers", "unknown", "TLS 1.2 and 1.3 are not available", "しか使え", "(only", "のみ"} {
				if strings.Contains(all, bad) {
					t.Errorf("%s %s says %q: %s", v, lang, bad, all)
				}
			}
		}
	}
	tx := mustFor(t, "tls_version", En, Windows, map[string]string{"tls_version": "TLS 1.0", "cipher": "TLS_RSA_WITH_AES_128_CBC_SHA"})
	if !strings.Contains(tx.Headline, "(only the outdated TLS 1.0)") || !strings.Contains(tx.TellIT, "TLS 1.0, with TLS_RSA_WITH_AES_128_CBC_SHA; it refused TLS 1.2 and 1.3") {
		t.Errorf("outdated: %q / %q", tx.Headline, tx.TellIT)
	}
}
