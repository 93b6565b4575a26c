// Package practice runs the practice gateways: one TLS gateway per failure
// cause, in process, on 127.0.0.1, with the DNS, NTP and AIA/OCSP/CRL
// servers a diagnosis talks to. The PKI is generated at Start; nothing is
// checked in, so nothing expires. The engine's tests and the product
// (`vpndoctor demo`, the GUI's practice mode) both use it.
package practice

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/vpndoctor/vpndoctor/checks"
)

// TrustStoreName names the trust store Options hands the engine.
const TrustStoreName = "vpndoctor practice trust store"

// Config configures a lab.
type Config struct {
	// Now is the lab's notion of the TRUE time and also the local clock the
	// engine is given; default time.Now. Tests pass a fixed base that
	// advances, e.g. func() time.Time { return base.Add(time.Since(t0)) }.
	// The lab's servers call it from their goroutines.
	Now func() time.Time
}

// Lab is a running set of practice gateways. Its methods are safe for
// concurrent use.
type Lab struct {
	now   func() time.Time
	pki   *pki
	root  *ca
	gates map[string]*gate

	dns  *udpServer
	ntp  map[time.Duration]*udpServer // one responder per clock offset
	web  *httpServer
	rslv *net.Resolver
	http *http.Client

	rsa2048, rsa1024 *rsaKeys
	reserved         []net.Listener // ports kept free of our own listeners while starting

	closeOnce sync.Once
	closeErr  error
}

// gate is one scenario as it runs.
type gate struct {
	def    *scenarioDef
	target string
	roots  []*x509.Certificate
	srv    *tcpServer // nil when nothing listens (refused, dns_failure)

	identities []*x509.Certificate // this computer's device certificates, if the scenario has any
}

// Start generates the PKI and starts every server. Close stops them.
func Start(cfg Config) (*Lab, error) {
	now := cfg.Now
	if now == nil {
		now = time.Now
	}
	l := &Lab{
		now:     now,
		gates:   map[string]*gate{},
		ntp:     map[time.Duration]*udpServer{},
		rsa2048: generateRSA(2048),
		rsa1024: generateRSA(1024),
	}
	if err := l.start(); err != nil {
		_ = l.Close()
		return nil, fmt.Errorf("start practice lab: %w", err)
	}
	return l, nil
}

func (l *Lab) start() error {
	start := l.now()
	webLn, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		return err
	}
	l.pki = &pki{base: "http://" + webLn.Addr().String(), cas: map[string]*ca{}}
	l.web = newHTTPServer(webLn, &revocationHandler{cas: l.pki.cas, now: l.now})

	if l.dns, err = newDNSServer(); err != nil {
		return err
	}
	l.dns.start()
	dnsAddr := l.dns.addr()
	l.rslv = &net.Resolver{PreferGo: true, Dial: func(ctx context.Context, _, _ string) (net.Conn, error) {
		// Always UDP, even when asked for TCP: the resolver frames by
		// connection type, and no answer of ours is ever truncated.
		var d net.Dialer
		return d.DialContext(ctx, "udp4", dnsAddr)
	}}
	l.http = &http.Client{
		Transport: &http.Transport{
			Proxy:                  nil, // loopback; never the user's proxy
			DialContext:            (&net.Dialer{Timeout: defaultTimeout}).DialContext,
			DisableKeepAlives:      true, // nothing lingers after Close
			ResponseHeaderTimeout:  defaultTimeout,
			MaxResponseHeaderBytes: 64 << 10,
		},
		Timeout: 2 * defaultTimeout,
	}

	if l.root, err = l.pki.newCA(caSpec{
		slug: "root", cn: "vpndoctor Practice Root CA", org: orgPractice,
		notBefore: start.Add(-8 * year), notAfter: start.Add(17 * year),
	}); err != nil {
		return err
	}
	ca1, err := l.pki.newCA(caSpec{
		slug: "issuing-ca-1", cn: "vpndoctor Practice Issuing CA 1", org: orgPractice, parent: l.root,
		notBefore: start.Add(-year), notAfter: start.Add(5 * year),
	})
	if err != nil {
		return err
	}

	for i := range table {
		d := &table[i]
		if err := l.startScenario(d, start, ca1); err != nil {
			return fmt.Errorf("scenario %s: %w", d.Name, err)
		}
	}
	l.releaseReserved()
	// Last: the CAs' maps are complete and from now on only read.
	l.web.start()
	return nil
}

func (l *Lab) startScenario(d *scenarioDef, start time.Time, ca1 *ca) error {
	b := &build{
		pki: l.pki, lab: l, name: d.Name, host: hostFor(d.Name),
		start: start, now: start.Add(d.offset), root: l.root, ca1: ca1,
	}
	g, err := d.build(b)
	if err != nil {
		return err
	}
	if _, ok := l.ntp[d.offset]; !ok {
		srv, err := newNTPServer(l.now, d.offset)
		if err != nil {
			return err
		}
		srv.start()
		l.ntp[d.offset] = srv
	}
	gt := &gate{def: d, target: g.target, roots: g.roots, identities: g.identities}
	l.gates[d.Name] = gt

	handle := g.serve
	if g.tls != nil {
		handle = serveTLS(g.tls, d.Name)
	}
	if handle == nil {
		return nil
	}
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		return err
	}
	gt.srv = newTCPServer(ln, handle)
	gt.srv.start()
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	gt.target = net.JoinHostPort(b.host, port)
	return nil
}

// hostFor is the gateway's DNS name. Underscores become hyphens: they are
// not allowed in host names (RFC 1123) and IDNA lookup rejects them.
func hostFor(name string) string {
	return strings.ReplaceAll(name, "_", "-") + "." + Domain
}

func (l *Lab) releaseReserved() {
	for _, ln := range l.reserved {
		_ = ln.Close()
	}
	l.reserved = nil
}

// Close stops every server and waits for all of the lab's goroutines. It
// may be called more than once.
func (l *Lab) Close() error {
	l.closeOnce.Do(func() {
		var errs []error
		for _, g := range l.gates {
			if g.srv != nil {
				errs = append(errs, g.srv.close())
			}
		}
		if l.web != nil {
			errs = append(errs, l.web.close())
		}
		if l.dns != nil {
			errs = append(errs, l.dns.close())
		}
		for _, s := range l.ntp {
			errs = append(errs, s.close())
		}
		l.releaseReserved()
		// The key generators end by themselves; wait so none outlives us.
		_, _ = l.rsa2048.wait()
		_, _ = l.rsa1024.wait()
		if l.http != nil {
			l.http.CloseIdleConnections()
		}
		l.closeErr = errors.Join(errs...)
	})
	return l.closeErr
}

func (l *Lab) gate(name string) (*gate, error) {
	g := l.gates[name]
	if g == nil {
		return nil, fmt.Errorf("unknown practice scenario %q", name)
	}
	return g, nil
}

// Target is the scenario's gateway address, "expired.practice.vpndoctor.test:PORT".
// Names with underscores use hyphens in the host ("not-yet-valid.…").
func (l *Lab) Target(name string) (string, error) {
	g, err := l.gate(name)
	if err != nil {
		return "", err
	}
	return g.target, nil
}

// Options is everything the engine needs to diagnose the scenario's gateway:
// the practice trust store, the lab's resolver, HTTP client and NTP server,
// and the lab's clock.
func (l *Lab) Options(name string) (checks.Options, error) {
	g, err := l.gate(name)
	if err != nil {
		return checks.Options{}, err
	}
	timeout := g.def.timeout
	if timeout == 0 {
		timeout = defaultTimeout
	}
	roots := append([]*x509.Certificate{l.root.cert}, g.roots...)
	var ids func(context.Context) ([]*x509.Certificate, error)
	if g.identities != nil {
		ids = func(context.Context) ([]*x509.Certificate, error) { return g.identities, nil }
	}
	return checks.Options{
		ClientIdentities: ids,
		Trust:            checks.StaticStore{Name: TrustStoreName, Roots: roots},
		NTPServer:        l.ntp[g.def.offset].addr(),
		Timeout:          timeout,
		Resolver:         l.rslv,
		Now:              l.now,
		HTTPClient:       l.http,
		// The practice world's true time is simulated, years from the
		// build date in the clock scenarios.
		EarliestTime: l.now().Add(-5 * year),
	}, nil
}

// Root is the practice root CA, "vpndoctor Practice Root CA".
func (l *Lab) Root() *x509.Certificate { return l.root.cert }

func ignoreClosed(err error) error {
	if errors.Is(err, net.ErrClosed) {
		return nil
	}
	return err
}

// DNSAddr is the lab's DNS server ("127.0.0.1:PORT"), for tools outside
// the process (vpndoctor check --dns, benchmarks).
func (l *Lab) DNSAddr() string { return l.dns.addr() }
