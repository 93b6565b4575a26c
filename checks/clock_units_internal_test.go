package checks

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/binary"
	"net"
	"runtime/debug"
	"strings"
	"sync"
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
		// Two majorities of three: the group of the first server asked
		// (the configured ones come before the public pool) is believed.
		{"a tie goes to the first server's group", ans(0, 2*s, 2500*time.Millisecond, 4500*time.Millisecond), "abc", ""},
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
		// Cert -1: the finding is about the clock, not a certificate.
		if len(fs) != 1 || fs[0].ID != NTPUnavailable || fs[0].Severity != Info || fs[0].Cert != -1 || !strings.Contains(fs[0].Detail, tc.in) ||
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

// checkClock against time servers on loopback (unitNTP): the clock step
// passes or reports a problem by the offset, its note gives this
// computer's offset with its sign, and the precision is the spread of the
// servers that agreed, or half the round trip.
func TestCheckClockStepAndPrecision(t *testing.T) {
	t0 := time.Now()
	trueNow := func() time.Time { return guardTime.Add(time.Since(t0)) }
	for _, tc := range []struct {
		name    string
		servers []time.Duration // each server's clock against the true time
		hold    time.Duration   // how long the servers hold each answer
		state   StepState
		sign    string // of this computer's offset in the step's note
		minPrec int64  // ms
		maxPrec int64
	}{
		{"a second apart, this clock right", []time.Duration{0, time.Second}, 0, StepPassed, "-", 900, 1300},
		{"both ten minutes ahead: this clock is behind", []time.Duration{10 * time.Minute, 10 * time.Minute}, 0, StepProblem, "-", 1, 300},
		{"both ten minutes behind: this clock is ahead", []time.Duration{-10 * time.Minute, -10 * time.Minute}, 0, StepProblem, "+", 1, 300},
		// A round trip of 400 ms: the precision is half of it.
		{"a slow round trip", []time.Duration{0}, 400 * time.Millisecond, StepPassed, "", 150, 350},
	} {
		var names []string
		for _, off := range tc.servers {
			names = append(names, unitNTP(t, func() time.Time { return trueNow().Add(off) }, tc.hold))
		}
		var last Event
		var mu sync.Mutex
		r := &run{opts: withDefaults(Options{NTPServer: strings.Join(names, " "), Now: trueNow, OnEvent: func(e Event) {
			mu.Lock()
			defer mu.Unlock()
			if e.Step == StepClock && e.State != StepRunning {
				last = e
			}
		}}), timings: map[string]int64{}}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		ci := r.checkClock(ctx)
		cancel()
		mu.Lock()
		ev := last
		mu.Unlock()
		if !ci.Known || ci.Source != ClockNTP {
			t.Fatalf("%s: clock %+v", tc.name, ci)
		}
		if ev.State != tc.state || !strings.HasPrefix(ev.Note, tc.sign) {
			t.Errorf("%s: step %s %q, want %s with sign %q", tc.name, ev.State, ev.Note, tc.state, tc.sign)
		}
		if ci.PrecisionMS < tc.minPrec || ci.PrecisionMS > tc.maxPrec {
			t.Errorf("%s: precision %d ms, want %d to %d", tc.name, ci.PrecisionMS, tc.minPrec, tc.maxPrec)
		}
	}
}

// unitNTP is a time server on loopback whose clock is now(). It holds
// each answer for hold and stamps receive and transmit at the moment it
// answers, so the client sees a round trip of hold.
func unitNTP(t *testing.T, now func() time.Time, hold time.Duration) string {
	t.Helper()
	pc, err := net.ListenPacket("udp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pc.Close() })
	stamp := func(tm time.Time) uint64 {
		return uint64(tm.Unix()+2208988800)<<32 | uint64(tm.Nanosecond())<<32/uint64(time.Second)
	}
	go func() {
		buf := make([]byte, 512)
		for {
			n, from, err := pc.ReadFrom(buf)
			if err != nil {
				return
			}
			if n < 48 {
				continue
			}
			time.Sleep(hold)
			ts := stamp(now())
			r := make([]byte, 48)
			r[0] = 4<<3 | 4 // leap 0, version 4, server
			r[1] = 2        // stratum 2
			r[2], r[3] = 4, 0xec
			copy(r[12:16], []byte{192, 0, 2, 123})
			binary.BigEndian.PutUint64(r[16:], ts)
			copy(r[24:32], buf[40:48])
			binary.BigEndian.PutUint64(r[32:], ts)
			binary.BigEndian.PutUint64(r[40:], ts)
			pc.WriteTo(r, from)
		}
	}()
	return pc.LocalAddr().String()
}
