package checks

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"runtime/debug"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/ocsp"
)

// Table tests over clock.go's pure parts: the consensus of time servers,
// what answer is implausible, which servers are asked, and when their
// silence is a finding.

func TestConsensusRows(t *testing.T) {
	s := time.Second
	ans := func(offsets ...time.Duration) []ntpAnswer {
		var out []ntpAnswer
		for i, o := range offsets {
			out = append(out, ntpAnswer{server: string(rune('a' + i)), offset: o})
		}
		return out
	}
	failed := ntpAnswer{server: "x", err: "timeout"}
	tests := []struct {
		name    string
		answers []ntpAnswer
		want    string // the agreeing servers, in offset order; "" none
		why     string // in the reason when none
	}{
		{"one answer", ans(5 * s), "a", ""},
		{"two agree at the limit", ans(0, ntpAgree), "ab", ""},
		{"two just beyond the limit", ans(0, ntpAgree+time.Millisecond), "", "disagree"},
		// The limit in seconds, not only relative to the constant: real
		// servers agree within milliseconds, a wrong one is off by more.
		{"two 1.5 s apart agree", ans(0, 1500*time.Millisecond), "ab", ""},
		{"two 3 s apart disagree", ans(0, 3*s), "", "disagree"},
		{"two of three, sorted by offset", ans(10*s, -60*s, 9*s), "ca", ""},
		{"half is no majority", ans(0, s, 60*s, 61*s), "", "disagree"},
		{"three of four", ans(0, s, 60*s, 2*s), "abd", ""},
		{"failures do not count", append(ans(-3*s), failed, failed), "a", ""},
		{"all failed", []ntpAnswer{failed}, "", "x: timeout"},
	}
	for _, tc := range tests {
		got, why := consensus(tc.answers)
		names := ""
		for _, a := range got {
			names += a.server
		}
		if names != tc.want || (tc.want == "" && !strings.Contains(why, tc.why)) || (tc.want != "" && why != "") {
			t.Errorf("%s: agreed %q (%q), want %q (%q)", tc.name, names, why, tc.want, tc.why)
		}
	}
	// The reason lists what each server said, as this computer's offset.
	if _, why := consensus(ans(0, 90*s)); !strings.Contains(why, "a says +0s, b says -1m30s") {
		t.Errorf("disagreement: %q", why)
	}
}

func TestAbsDur(t *testing.T) {
	for d, want := range map[time.Duration]time.Duration{-3: 3, 0: 0, 5: 5} {
		if absDur(d) != want {
			t.Errorf("absDur(%d) = %d", d, absDur(d))
		}
	}
}

func TestImplausibleRows(t *testing.T) {
	lo := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	r := &run{opts: Options{EarliestTime: lo}}
	for _, tc := range []struct {
		t    time.Time
		want string
	}{
		{lo, ""},
		{lo.Add(-time.Second), "before this program was built (2026-01-01)"},
		{lo.Add(plausibleSpan), ""},
		{lo.Add(plausibleSpan + time.Second), "decades ahead"},
		{lo.AddDate(1, 0, 0), ""},
		// The span in years: 19 years on is plausible, 21 is not.
		{lo.AddDate(19, 0, 0), ""},
		{lo.AddDate(21, 0, 0), "decades ahead"},
	} {
		got := r.implausible(tc.t)
		if (tc.want == "") != (got == "") || !strings.Contains(got, tc.want) {
			t.Errorf("implausible(%s) = %q, want %q", tc.t, got, tc.want)
		}
	}
	// Without a set earliest time, the build's time (or the release floor).
	if got := (&run{}).earliest(); got.Before(releaseFloor) {
		t.Errorf("earliest %s before the release floor", got)
	}
}

func TestNTPServersList(t *testing.T) {
	r := &run{opts: Options{NTPServer: "time.windows.com,0x9 Time.Windows.com ntp.example", NTPServers: []string{"ntp.example", "a.example b.example", "c.example", "d.example", "e.example"}}}
	got := strings.Join(r.ntpServers(), " ")
	if got != "time.windows.com ntp.example a.example b.example c.example d.example" {
		t.Errorf("ntpServers = %q (at most %d, no repeats)", got, maxNTPServers)
	}
}

func TestHostShaped(t *testing.T) {
	for s, want := range map[string]bool{
		"ntp.example": true, "10.0.0.1": true, "[::1]:123": true, "localhost": true, "localhost:123": true,
		"hierarchy": false, "(NT5DS)": false, "a.b/c": false, "ntp_1.example-x:123": true, "::1": true, "x y.z": false,
		// Each end of the letter and digit ranges, and the character just
		// outside each.
		"09az.AZ.example": true, "a/.example": false, "a:.example": false, "a`.example": false,
		"a{.example": false, "a@.example": false, "a[.example": false,
	} {
		if hostShaped(s) != want {
			t.Errorf("hostShaped(%q) = %t", s, !want)
		}
	}
}

func TestNTPFindingRows(t *testing.T) {
	with := &run{opts: Options{NTPServer: "ntp.example"}}
	without := &run{}
	for _, tc := range []struct {
		name  string
		r     *run
		clock ClockInfo
		in    string // "" no finding
	}{
		{"time servers answered", with, ClockInfo{Known: true, Source: ClockNTP}, ""},
		{"no error", with, ClockInfo{}, ""},
		{"no time server to ask", without, ClockInfo{Error: "no time server configured"}, ""},
		{"silent, dates by this clock", with, ClockInfo{Error: "timeout"}, "judged by this computer's clock"},
		{"silent, time from the gateway", with, ClockInfo{Error: "timeout", Known: true, Source: ClockHTTPDate, PrecisionMS: 1500},
			"taken from the gateway's HTTP Date header instead (precision about 1.5s)"},
		{"silent, time from OCSP", with, ClockInfo{Error: "timeout", Known: true, Source: ClockOCSP, PrecisionMS: 1000},
			"the date of the OCSP answer the gateway staples"},
	} {
		fs := tc.r.ntpFinding(tc.clock)
		if tc.in == "" {
			if len(fs) != 0 {
				t.Errorf("%s: %+v", tc.name, fs)
			}
			continue
		}
		if len(fs) != 1 || fs[0].ID != NTPUnavailable || fs[0].Severity != Info || !strings.Contains(fs[0].Detail, tc.in) ||
			!strings.Contains(fs[0].Detail, "ntp.example gave no usable answer (timeout)") || fs[0].Evidence[EvNTPServer] != "ntp.example" || fs[0].Evidence[EvError] != "timeout" {
			t.Errorf("%s: %+v", tc.name, fs)
		}
	}
	if clockSourceName("other") != "other" {
		t.Error("an unknown source is named as it is")
	}
}

// A stapled OCSP answer dated more than a week after this computer's clock
// proves the clock behind and gives the time; one dated a few days ahead
// is as likely the responder's mistake and proves nothing. The answer is
// signed in the test by the leaf's issuer.
func TestSettleClockStapledOCSPWeek(t *testing.T) {
	ca := guardRoot(t, "Staple Root", nil)
	leaf := guardLeaf(t, ca, nil)
	local := guardTime
	for _, tc := range []struct {
		ahead time.Duration
		known bool
	}{
		{-24 * time.Hour, false},
		{6 * 24 * time.Hour, false},
		{7*24*time.Hour - time.Second, false},
		{8 * 24 * time.Hour, true},
		{3 * 365 * 24 * time.Hour, true},
	} {
		this := local.Add(tc.ahead)
		der, err := ocsp.CreateResponse(ca.cert, ca.cert, ocsp.Response{Status: ocsp.Good, SerialNumber: leaf.SerialNumber,
			ThisUpdate: this, NextUpdate: this.Add(24 * time.Hour)}, ca.key)
		if err != nil {
			t.Fatal(err)
		}
		r := &run{opts: Options{Now: func() time.Time { return local }}}
		hs := handshakeResult{state: tls.ConnectionState{OCSPResponse: der}, peer: []*x509.Certificate{leaf, ca.cert}}
		ci := r.settleClock(context.Background(), ClockInfo{}, "", hs)
		if ci.Known != tc.known || (tc.known && (ci.Source != ClockOCSP || !ci.True.Equal(this.Truncate(time.Second)))) {
			t.Errorf("staple dated %s ahead: known %t, source %q, true %s; want known %t", tc.ahead, ci.Known, ci.Source, ci.True, tc.known)
		}
	}
}

// The commit time stamped into a release build is the earliest plausible
// time; anything else in the settings, an unreadable time or one before
// the release floor, is not.
func TestVCSTime(t *testing.T) {
	commit := time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
	set := func(kv ...string) []debug.BuildSetting {
		var out []debug.BuildSetting
		for i := 0; i < len(kv); i += 2 {
			out = append(out, debug.BuildSetting{Key: kv[i], Value: kv[i+1]})
		}
		return out
	}
	for _, tc := range []struct {
		name     string
		settings []debug.BuildSetting
		want     time.Time
	}{
		{"a release build", set("-compiler", "gc", "vcs.revision", "abc", "vcs.time", "2026-11-30T12:00:00Z"), commit},
		{"a test binary", set("-compiler", "gc", "CGO_ENABLED", "0"), releaseFloor},
		{"a time under another key", set("vcs.other", "2026-11-30T12:00:00Z"), releaseFloor},
		{"unreadable", set("vcs.time", "yesterday"), releaseFloor},
		{"before the floor", set("vcs.time", "2020-01-01T00:00:00Z"), releaseFloor},
	} {
		if got := vcsTime(tc.settings); !got.Equal(tc.want) {
			t.Errorf("%s: %s, want %s", tc.name, got, tc.want)
		}
	}
}
