package checks

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"testing"
	"time"
)

func TestFetchPolicyAllowed(t *testing.T) {
	tests := []struct {
		gateway, ip string
		want        bool
	}{
		{"203.0.113.5", "198.51.100.7", true},   // public from public
		{"", "198.51.100.7", true},              // public before the gateway is known
		{"203.0.113.5", "10.1.2.3", false},      // private from a public gateway
		{"203.0.113.5", "100.64.0.1", false},    // shared address space
		{"203.0.113.5", "fd00::1", false},       // ULA
		{"192.168.1.1", "10.1.2.3", true},       // private from private
		{"100.64.0.9", "172.16.0.1", true},      // shared space counts as private
		{"", "10.1.2.3", false},                 // private before the gateway is known
		{"10.0.0.1", "127.0.0.1", false},        // loopback only on the gateway's own address
		{"127.0.0.2", "127.0.0.1", false},       // another loopback address is another host
		{"127.0.0.1", "127.0.0.1", true},        // practice gateways
		{"127.0.0.1", "::ffff:127.0.0.1", true}, // mapped form of the same address
		{"203.0.113.5", "::ffff:169.254.169.254", false},
		{"203.0.113.5", "169.254.169.254", false},
		{"169.254.1.1", "169.254.1.1", true},
		{"fe80::1", "fe80::1%eth0", true},
		{"203.0.113.5", "fe80::1", false},
		{"203.0.113.5", "224.0.0.1", false},
		{"203.0.113.5", "ff02::1", false},
		{"203.0.113.5", "0.0.0.0", false},
		{"203.0.113.5", "0.1.2.3", false},
		{"203.0.113.5", "::", false},
		{"203.0.113.5", "255.255.255.255", false},
		{"127.0.0.1", "10.0.0.1", false}, // a loopback gateway is not a private network
	}
	for _, tc := range tests {
		p := newFetchPolicy(nil, net.DefaultResolver)
		if tc.gateway != "" {
			p.setGateway(net.ParseIP(strings.Split(tc.gateway, "%")[0]))
		}
		got, why := p.allowed(netip.MustParseAddr(tc.ip))
		if got != tc.want {
			t.Errorf("gateway %s, fetch from %s: allowed %v (%s), want %v", tc.gateway, tc.ip, got, why, tc.want)
		}
		if !got && why == "" {
			t.Errorf("gateway %s, fetch from %s: refused without a reason", tc.gateway, tc.ip)
		}
	}
}

func TestFetchPolicyURLs(t *testing.T) {
	p := newFetchPolicy(nil, net.DefaultResolver)
	for u, want := range map[string]string{
		"https://ca.example/ca.der":     "only http",
		"ftp://ca.example/ca.der":       "only http",
		"ldap:///cn=ca":                 "not a valid address",
		"http://user:pw@ca.example/crl": "user name or password",
		"http://ca.example/crl":         "",
	} {
		err := p.checkURL(u)
		var re *FetchRefusedError
		if want == "" {
			if err != nil {
				t.Errorf("%s: %v", u, err)
			}
			continue
		}
		if !errors.As(err, &re) || !strings.Contains(re.Reason, want) {
			t.Errorf("%s: %v, want a refusal saying %q", u, err, want)
		}
	}
	if got := httpURLs([]string{"http://a/1", "https://b/", "http://c/2", "http://d/3", "http://e/4"}); len(got) != maxURLsPerCert || got[2] != "http://d/3" {
		t.Errorf("httpURLs = %v", got)
	}
}

// The byte budget of a diagnosis: spent, nothing more is fetched; nearly
// spent, a download is cut to what is left.
func TestFetchBudget(t *testing.T) {
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(strings.Repeat("x", 100)))
	})}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln)
	defer srv.Close()
	u := "http://" + ln.Addr().String() + "/crl"

	r := &run{opts: withDefaults(Options{}), timings: map[string]int64{}}
	r.policy().setGateway(net.ParseIP("127.0.0.1"))
	// The whole budget holds one CRL at its cap plus a chain's
	// certificates and OCSP answers, eight at theirs.
	if left := r.policy().budgetLeft(); left < maxCRLDownload+8*maxCertDownload {
		t.Errorf("a new diagnosis may download %d bytes, want room for a CRL and 8 certificates at their caps", left)
	}
	if data, err := r.fetch(context.Background(), "GET", u, "", nil, maxCertDownload); err != nil || len(data) != 100 {
		t.Fatalf("fetch within budget: %d bytes, %v", len(data), err)
	}
	r.policy().spend(fetchByteBudget - 100 - 10)
	if _, err := r.fetch(context.Background(), "GET", u, "", nil, maxCertDownload); err == nil || !strings.Contains(err.Error(), "too large") {
		t.Errorf("fetch with 10 bytes left: %v, want too large", err)
	}
	r.policy().spend(r.policy().budgetLeft()) // exactly spent: nothing left
	_, err = r.fetch(context.Background(), "GET", u, "", nil, maxCertDownload)
	var re *FetchRefusedError
	if !errors.As(err, &re) || !strings.Contains(re.Reason, "budget") {
		t.Errorf("fetch with the budget spent: %v", err)
	}
	if len(r.policy().Refused()) != 1 {
		t.Errorf("refused = %v", r.policy().Refused())
	}
}

// A caller's dialler that resolves on its own (or is lied to) still cannot
// reach a refused address: the address actually connected is checked.
func TestFetchPolicyChecksDialledAddress(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			c.Close()
		}
	}()
	sneaky := &http.Client{Transport: &http.Transport{DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
		var d net.Dialer
		return d.DialContext(ctx, network, ln.Addr().String())
	}}}
	r := &run{opts: withDefaults(Options{HTTPClient: sneaky}), timings: map[string]int64{}}
	r.policy().setGateway(net.ParseIP("198.51.100.1"))
	_, err = r.fetch(context.Background(), "GET", "http://203.0.113.9/ca.der", "", nil, maxCertDownload)
	var re *FetchRefusedError
	if !errors.As(err, &re) || !strings.Contains(re.Reason, "loopback") {
		t.Errorf("fetch through a dialler that lands on loopback: %v", err)
	}
}

// Only downloads above the certificate cap (CRLs) wait for the one big
// slot: an AIA certificate or OCSP answer at exactly the cap goes ahead
// while a CRL download holds it.
func TestFetchAtTheCertCapSkipsTheBigSlot(t *testing.T) {
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("answer")) })}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln)
	defer srv.Close()
	u := "http://" + ln.Addr().String() + "/ocsp"
	r := &run{opts: withDefaults(Options{}), timings: map[string]int64{}}
	r.policy().setGateway(net.ParseIP("127.0.0.1"))
	r.policy().bigSlot <- struct{}{} // a CRL download is under way
	defer func() { <-r.policy().bigSlot }()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if data, err := r.fetch(ctx, "GET", u, "", nil, maxCertDownload); err != nil || string(data) != "answer" {
		t.Errorf("at the certificate cap, beside a CRL download: %q, %v", data, err)
	}
	ctx2, cancel2 := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel2()
	if _, err := r.fetch(ctx2, "GET", u, "", nil, maxCertDownload+1); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("above the cap, beside a CRL download: %v, want it to wait for the slot", err)
	}
}
