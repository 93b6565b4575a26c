package checks

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"
)

// Unit tests of clock_coarse.go: the gateway's Date header as a clock, and
// the bound the chain's own dates give when no source answered.

// The Date header is truncated to the second and was written about half a
// round trip before it arrived: the estimate is date + 0.5 s + rtt/2, and
// its uncertainty 0.5 s + rtt/2.
func TestHTTPDateEstimate(t *testing.T) {
	date := time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Date", date.Format(http.TimeFormat))
	}))
	defer srv.Close()
	host, port, _ := net.SplitHostPort(srv.Listener.Addr().String())
	p, _ := strconv.Atoi(port)
	r := &run{target: Target{Host: host, Port: p}, opts: withDefaults(Options{}), timings: map[string]int64{}}
	t0 := time.Now()
	got, prec, err := r.httpDate(context.Background(), srv.Listener.Addr().String())
	elapsed := time.Since(t0)
	if err != nil {
		t.Fatal(err)
	}
	if prec < time.Second/2 || prec > time.Second/2+elapsed/2 {
		t.Errorf("uncertainty %v, want 0.5 s + half the round trip (the exchange took %v)", prec, elapsed)
	}
	if got.Sub(date) != prec {
		t.Errorf("estimate %v after the Date header, want the uncertainty %v", got.Sub(date), prec)
	}
}

func TestServerName(t *testing.T) {
	for host, want := range map[string]string{"192.0.2.7": "", "2001:db8::1": "", "vpn.example.co.jp": "vpn.example.co.jp"} {
		if got := serverName(host); got != want {
			t.Errorf("serverName(%q) = %q, want %q", host, got, want)
		}
	}
}

// No time source answered and every certificate is out of its dates: the
// clock is off by at least the distance to the chain's validity, in the
// right direction, and no time server is named.
func TestBlameClockBound(t *testing.T) {
	root, inter, leaf := unitChain(t) // valid a year either side of guardTime
	links := linksOf(leaf, inter, root)
	for _, c := range []struct {
		name   string
		local  time.Time
		server string
		offset string
	}{
		// Signed as the clock is off: "+" ahead, "-" behind.
		{"two years ahead", guardTime.AddDate(3, 0, 0), "", "+2y"},
		{"two years behind", guardTime.AddDate(-3, 0, 0), "ntp.unit.test", "-2y"},
	} {
		clock := ClockInfo{Local: c.local, Server: c.server}
		fs := blameClock([]Finding{{ID: CertExpired, Severity: Fail}}, links, clock)
		if len(fs) != 1 || fs[0].ID != ClockSkew {
			t.Fatalf("%s: findings %+v", c.name, fs)
		}
		f := fs[0]
		if f.Cert != -1 {
			t.Errorf("%s: the finding points at certificate %d; it is about this computer's clock (-1)", c.name, f.Cert)
		}
		if !strings.Contains(f.Detail, "the clock is off by at least "+c.offset) {
			t.Errorf("%s: detail %q, want the offset signed %s", c.name, f.Detail, c.offset)
		}
		if _, named := f.Evidence[EvNTPServer]; named != (c.server != "") {
			t.Errorf("%s: evidence %v (server %q)", c.name, f.Evidence, c.server)
		}
	}
}
