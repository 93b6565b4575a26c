package checks_test

import (
	"bufio"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/vpndoctor/vpndoctor/checks"
	"github.com/vpndoctor/vpndoctor/checks/practice"
)

// The clock: time servers named as each OS names them, answering well and
// badly, on loopback; the gateway's own HTTP Date when they are blocked.

const year = 365 * 24 * time.Hour

// ckPKI is a root, an intermediate and a leaf for 127.0.0.1, valid around
// currentTime; the root and intermediate are young (made a year ago), as
// a PC whose clock is three years behind sees them "not yet valid".
type ckPKI struct {
	root, ica, leaf *x509.Certificate
	rootKey, icaKey *ecdsa.PrivateKey
	leafKey         *ecdsa.PrivateKey
}

func ckCert(t *testing.T, tmpl, parent *x509.Certificate, pub, signer any) *x509.Certificate {
	t.Helper()
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, pub, signer)
	if err != nil {
		t.Fatal(err)
	}
	c, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func ckKey(t *testing.T) *ecdsa.PrivateKey {
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

var ckSerial = time.Now().UnixNano()

func ckCA(name string, from, to time.Time) *x509.Certificate {
	ckSerial++
	return &x509.Certificate{
		SerialNumber: big.NewInt(ckSerial), Subject: pkix.Name{CommonName: name, Organization: []string{"vpndoctor clock test"}},
		NotBefore: from, NotAfter: to, IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
	}
}

// newCkPKI makes the chain; leafTweak may change the leaf's template.
func newCkPKI(t *testing.T, leafTweak func(*x509.Certificate)) *ckPKI {
	t.Helper()
	p := &ckPKI{rootKey: ckKey(t), icaKey: ckKey(t), leafKey: ckKey(t)}
	rt := ckCA("Clock Test Root", currentTime.Add(-year), currentTime.Add(10*year))
	p.root = ckCert(t, rt, rt, &p.rootKey.PublicKey, p.rootKey)
	p.ica = ckCert(t, ckCA("Clock Test Issuing CA", currentTime.Add(-year), currentTime.Add(5*year)), p.root, &p.icaKey.PublicKey, p.rootKey)
	ckSerial++
	lt := &x509.Certificate{
		SerialNumber: big.NewInt(ckSerial), Subject: pkix.Name{CommonName: "127.0.0.1"},
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")},
		NotBefore:   currentTime.AddDate(0, -1, 0), NotAfter: currentTime.AddDate(0, 2, 0),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	if leafTweak != nil {
		leafTweak(lt)
	}
	p.leaf = ckCert(t, lt, p.ica, &p.leafKey.PublicKey, p.icaKey)
	return p
}

// gateway serves the chain on loopback. With date set, it answers HTTP
// requests with that Date header (the gateway's true time); otherwise it
// closes after the handshake. staple is an OCSP answer to staple.
func (p *ckPKI) gateway(t *testing.T, date func() time.Time, staple []byte) string {
	t.Helper()
	cert := tls.Certificate{Certificate: [][]byte{p.leaf.Raw, p.ica.Raw}, PrivateKey: p.leafKey, OCSPStaple: staple}
	ln, err := tls.Listen("tcp", "127.0.0.1:0", &tls.Config{Certificates: []tls.Certificate{cert}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				c.SetDeadline(time.Now().Add(5 * time.Second))
				if c.(*tls.Conn).Handshake() != nil || date == nil {
					return
				}
				req, err := http.ReadRequest(bufio.NewReader(c))
				if err != nil {
					return
				}
				resp := &http.Response{StatusCode: 200, ProtoMajor: 1, ProtoMinor: 1, Request: req,
					Header: http.Header{"Date": {date().UTC().Format(http.TimeFormat)}}}
				resp.Write(c)
			}()
		}
	}()
	return ln.Addr().String()
}

// ntpAt starts a time server whose clock is currentTime+offset (the true
// time in these tests), behaving as b.
func ntpAt(t *testing.T, offset time.Duration, b practice.NTPBehaviour) string {
	t.Helper()
	t0 := time.Now()
	s, err := practice.StartNTPServer(func() time.Time { return currentTime.Add(time.Since(t0)) }, offset, b)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s.Addr()
}

// closedUDP is a loopback address nobody listens on: a blocked time server
// that fails at once (the port-unreachable answer).
func closedUDP(t *testing.T) string {
	t.Helper()
	pc, err := net.ListenPacket("udp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := pc.LocalAddr().String()
	pc.Close()
	return addr
}

// runClock diagnoses addr with this PC's clock at currentTime+local.
func runClock(t *testing.T, addr string, root *x509.Certificate, local time.Duration, opts checks.Options) *checks.Report {
	t.Helper()
	target, err := checks.ParseTarget(addr)
	if err != nil {
		t.Fatal(err)
	}
	t0 := time.Now()
	opts.Trust = checks.StaticStore{Name: "test", Roots: []*x509.Certificate{root}}
	opts.Now = func() time.Time { return currentTime.Add(local).Add(time.Since(t0)) }
	if opts.Timeout == 0 {
		opts.Timeout = 8 * time.Second
	}
	return checks.Run(context.Background(), target, opts)
}

// Time-server settings as each OS writes them, with servers that answer
// well and badly: the consensus of the plausible answers is believed.
func TestClockFromTimeServers(t *testing.T) {
	p := newCkPKI(t, nil)
	gw := p.gateway(t, nil, nil)
	good := func() string { return ntpAt(t, 0, practice.NTPGood) }
	tests := []struct {
		name string
		// setting is Options.NTPServer, built from the servers started.
		setting func() string
		extra   func() []string
		known   bool
		agreed  int    // servers in the consensus
		errHas  string // in ClockInfo.Error when unknown
	}{
		{name: "windows w32tm list with flags",
			setting: func() string { return good() + ",0x9 " + good() + ",0x9" }, known: true, agreed: 2},
		{name: "windows registry with mixed flags",
			setting: func() string { return good() + ",0x1 " + good() + ",0xa" }, known: true, agreed: 2},
		{name: "windows domain hierarchy, public pool asked",
			setting: func() string { return "domain hierarchy (NT5DS)" }, extra: func() []string { return []string{good()} }, known: true, agreed: 1},
		{name: "windows Hyper-V provider, public pool asked",
			setting: func() string { return "VM IC Time Synchronization Provider" }, extra: func() []string { return []string{good()} }, known: true, agreed: 1},
		{name: "windows local CMOS clock only",
			setting: func() string { return "Local CMOS Clock" }, known: false, errHas: "no time server"},
		{name: "linux timesyncd/chrony space-separated list, one wrong by an hour",
			setting: func() string { return good() + " " + ntpAt(t, time.Hour, practice.NTPGood) + " " + good() }, known: true, agreed: 2},
		{name: "macos ntp.conf list, comma separated",
			setting: func() string { return good() + ", " + good() }, known: true, agreed: 2},
		{name: "two servers that disagree: no majority",
			setting: func() string { return good() + " " + ntpAt(t, time.Hour, practice.NTPGood) }, errHas: "disagree"},
		{name: "far future (2100)",
			setting: func() string {
				return ntpAt(t, time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC).Sub(currentTime), practice.NTPGood)
			}, errHas: "decades ahead"},
		{name: "before the program was built",
			setting: func() string { return ntpAt(t, -10*year, practice.NTPGood) }, errHas: "before this program was built"},
		{name: "far future outvoted by a good server",
			setting: func() string { return ntpAt(t, 70*year, practice.NTPGood) + " " + good() }, known: true, agreed: 1},
		{name: "garbage", setting: func() string { return ntpAt(t, 0, practice.NTPGarbage) }, errHas: "127.0.0.1"},
		{name: "kiss of death", setting: func() string { return ntpAt(t, 0, practice.NTPKissOfDeath) }, errHas: "kiss"},
		{name: "unsynchronised (leap 3)", setting: func() string { return ntpAt(t, 0, practice.NTPUnsynced) }, errHas: "leap"},
		{name: "never synchronised", setting: func() string { return ntpAt(t, 0, practice.NTPUnsyncedRefTime) }, errHas: "127.0.0.1"},
		{name: "truncated", setting: func() string { return ntpAt(t, 0, practice.NTPShortAnswer) }, errHas: "127.0.0.1"},
		{name: "bad answers beside a good one",
			setting: func() string {
				return ntpAt(t, 0, practice.NTPKissOfDeath) + " " + ntpAt(t, 0, practice.NTPUnsynced) + " " + good()
			}, known: true, agreed: 1},
		{name: "blocked", setting: func() string { return closedUDP(t) }, errHas: "127.0.0.1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts := checks.Options{NTPServer: tt.setting()}
			if tt.extra != nil {
				opts.NTPServers = tt.extra()
			}
			rep := runClock(t, gw, p.root, 0, opts)
			c := rep.Clock
			if c.Known != tt.known {
				t.Fatalf("known = %v, want %v (error %q, servers %+v)", c.Known, tt.known, c.Error, c.Servers)
			}
			if tt.known {
				if c.Source != checks.ClockNTP || len(strings.Fields(c.Server)) != tt.agreed || c.OffsetMS > 1000 || c.OffsetMS < -1000 {
					t.Errorf("clock %+v: want ntp from %d servers, offset ~0", c, tt.agreed)
				}
				if rep.Primary != checks.OK || find(rep, checks.NTPUnavailable) != nil {
					t.Errorf("primary %s, findings %s", rep.Primary, ids(rep))
				}
				return
			}
			if !strings.Contains(strings.ToLower(c.Error), tt.errHas) {
				t.Errorf("error %q, want it to mention %q", c.Error, tt.errHas)
			}
			if tt.errHas != "no time server" {
				evidence(t, rep, checks.NTPUnavailable, checks.EvError, c.Error)
			}
			if rep.Primary != checks.OK {
				t.Errorf("this PC's clock is right: primary %s, want ok (%s)", rep.Primary, ids(rep))
			}
		})
	}
}

// A silent time server costs its budget once, not once per server, and
// the good server still decides.
func TestSilentTimeServerBeside(t *testing.T) {
	p := newCkPKI(t, nil)
	gw := p.gateway(t, nil, nil)
	start := time.Now()
	rep := runClock(t, gw, p.root, 2*year, checks.Options{
		NTPServer: ntpAt(t, 0, practice.NTPSilent) + " " + ntpAt(t, 0, practice.NTPSilent), NTPServers: []string{ntpAt(t, 0, practice.NTPGood)}})
	if d := time.Since(start); d > 4500*time.Millisecond {
		t.Errorf("took %v", d)
	}
	if !rep.Clock.Known || rep.Primary != checks.ClockSkew {
		t.Fatalf("clock %+v, primary %s (%s)", rep.Clock, rep.Primary, ids(rep))
	}
}

// NTP blocked: the gateway's HTTP Date gives the time to the second, and
// a clock two years ahead is named.
func TestClockFromHTTPDate(t *testing.T) {
	p := newCkPKI(t, nil)
	t0 := time.Now()
	gw := p.gateway(t, func() time.Time { return currentTime.Add(time.Since(t0)) }, nil)
	rep := runClock(t, gw, p.root, 2*year, checks.Options{NTPServer: closedUDP(t)})
	c := rep.Clock
	if !c.Known || c.Source != checks.ClockHTTPDate || c.PrecisionMS < 500 || c.PrecisionMS > 2000 {
		t.Fatalf("clock %+v, want the HTTP date to about a second", c)
	}
	if off := time.Duration(c.OffsetMS) * time.Millisecond; off > -2*year+2*time.Second || off < -2*year-2*time.Second {
		t.Errorf("offset %v, want -2y", off)
	}
	if rep.Primary != checks.ClockSkew {
		t.Errorf("primary %s, want clock_skew (%s)", rep.Primary, ids(rep))
	}
	evidence(t, rep, checks.NTPUnavailable, checks.EvError, "127.0.0.1")
	if f := find(rep, checks.NTPUnavailable); f == nil || !strings.Contains(f.Detail, "HTTP Date") {
		t.Errorf("ntp_unavailable should say the HTTP Date was used: %+v", f)
	}
}

// A gateway whose Date header says 2100 is not believed.
func TestImplausibleHTTPDate(t *testing.T) {
	p := newCkPKI(t, nil)
	gw := p.gateway(t, func() time.Time { return time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC) }, nil)
	rep := runClock(t, gw, p.root, 0, checks.Options{NTPServer: closedUDP(t)})
	if rep.Clock.Known {
		t.Fatalf("believed %+v", rep.Clock)
	}
	if got := strings.Join(rep.Clock.Coarse, " "); !strings.Contains(got, "decades ahead") {
		t.Errorf("coarse %q, want the reason", got)
	}
	if rep.Primary != checks.OK {
		t.Errorf("primary %s (%s)", rep.Primary, ids(rep))
	}
}

// No source of time at all, and this PC three years behind: the root is
// "not yet valid" too, so the clock is blamed, not the gateway.
func TestClockBlamedWithoutTrueTime(t *testing.T) {
	p := newCkPKI(t, nil)
	gw := p.gateway(t, nil, nil)
	rep := runClock(t, gw, p.root, -3*year, checks.Options{NTPServer: closedUDP(t)})
	if rep.Clock.Known {
		t.Fatalf("clock known: %+v", rep.Clock)
	}
	if rep.Primary != checks.ClockSkew {
		t.Fatalf("primary %s, want clock_skew (%s)", rep.Primary, ids(rep))
	}
	if find(rep, checks.CertNotYetValid) != nil {
		t.Errorf("the gateway is blamed too: %s", ids(rep))
	}
	evidence(t, rep, checks.ClockSkew, checks.EvClockOffset, "-")
	// The chain is valid from the leaf's start: the true time is at least that.
	evidence(t, rep, checks.ClockSkew, checks.EvTrueTime, currentTime.AddDate(0, -1, 0).Format("2006-01-02"))

	// The same PC, clock ahead: every certificate "expired".
	rep = runClock(t, gw, p.root, 11*year, checks.Options{NTPServer: closedUDP(t)})
	if rep.Primary != checks.ClockSkew || find(rep, checks.CertExpired) != nil {
		t.Errorf("clock ahead: primary %s (%s)", rep.Primary, ids(rep))
	}
}

// When the root is valid at this PC's time, an expired leaf is the
// gateway's fault, even with no true time.
func TestExpiredLeafWithoutTrueTimeIsTheGateways(t *testing.T) {
	p := newCkPKI(t, func(l *x509.Certificate) {
		l.NotBefore, l.NotAfter = currentTime.AddDate(0, -6, 0), currentTime.AddDate(0, 0, -1)
	})
	gw := p.gateway(t, nil, nil)
	rep := runClock(t, gw, p.root, 0, checks.Options{NTPServer: closedUDP(t)})
	if rep.Primary != checks.CertExpired {
		t.Errorf("primary %s, want cert_expired (%s)", rep.Primary, ids(rep))
	}
}

// What names no server is not asked; flags are not part of the name.
func TestTimeServerNames(t *testing.T) {
	tests := map[string][]string{
		"time.windows.com,0x9 time.nist.gov,0x9":  {"time.windows.com", "time.nist.gov"},
		"domain hierarchy (NT5DS)":                nil,
		"VM IC Time Synchronization Provider":     nil,
		"Local CMOS Clock":                        nil,
		"ntp1.example, ntp2.example":              {"ntp1.example", "ntp2.example"},
		"127.0.0.1:11123 [::1]:123 localhost:123": {"127.0.0.1:11123", "[::1]:123", "localhost:123"},
	}
	for in, want := range tests {
		got := checks.TimeServerNames(in)
		if strings.Join(got, "|") != strings.Join(want, "|") {
			t.Errorf("TimeServerNames(%q) = %q, want %q", in, got, want)
		}
	}
}

// A chain with no moment at which it is all valid (the leaf expired before
// its CA existed) is the gateway's fault whatever the clock says.
func TestChainNeverValidIsNotTheClock(t *testing.T) {
	p := newCkPKI(t, func(l *x509.Certificate) {
		l.NotBefore, l.NotAfter = currentTime.Add(-10*year), currentTime.Add(-9*year)
	})
	gw := p.gateway(t, nil, nil)
	rep := runClock(t, gw, p.root, 11*year, checks.Options{NTPServer: closedUDP(t)})
	if rep.Primary != checks.CertExpired {
		t.Errorf("primary %s, want cert_expired (%s)", rep.Primary, ids(rep))
	}
}
