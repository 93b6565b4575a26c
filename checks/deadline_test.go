package checks_test

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"strings"
	"testing"
	"time"

	"github.com/vpndoctor/vpndoctor/checks"
)

// stalledStore is a trust store on a share that never answers: Load
// ignores its context and blocks until the test ends.
type stalledStore struct{ release chan struct{} }

func (s stalledStore) Load(context.Context) (*checks.TrustSnapshot, error) {
	<-s.release
	return nil, nil
}

// Whatever the operating system keeps busy, --timeout bounds the run
// (plus a second to write the report up).
func TestDeadlineHoldsAgainstStalledSystem(t *testing.T) {
	p := newCkPKI(t, nil)
	gw := p.gateway(t, nil, nil)
	release := make(chan struct{})
	t.Cleanup(func() { close(release) })
	stall := func() {
		<-release
	}
	cases := []struct {
		name string
		set  func(o *checks.Options)
		see  func(rep *checks.Report) string
	}{
		{"trust store", func(o *checks.Options) { o.Trust = stalledStore{release} },
			func(rep *checks.Report) string { return rep.Trust.Error }},
		{"system verifier", func(o *checks.Options) {
			o.OSVerdict = func(context.Context, []*x509.Certificate, string) (checks.OSVerdict, error) {
				stall()
				return checks.OSVerdict{Trusted: true}, nil
			}
		}, func(rep *checks.Report) string { return rep.Trust.OSVerdict }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			target, _ := checks.ParseTarget(gw)
			opts := checks.Options{Trust: checks.StaticStore{Name: "test", Roots: []*x509.Certificate{p.root}},
				Now: func() time.Time { return currentTime }, Timeout: time.Second}
			tc.set(&opts)
			start := time.Now()
			rep := checks.Run(context.Background(), target, opts)
			if d := time.Since(start); d > 2*time.Second {
				t.Errorf("took %v with a 1 s timeout", d)
			}
			if got := tc.see(rep); !strings.Contains(got, "did not finish") && !strings.Contains(got, "ended before") {
				t.Errorf("report says %q, want the stall named", got)
			}
		})
	}
}

// The gateway demands a device certificate and the look-up of this user's
// certificates stalls: the diagnosis still ends on time.
func TestDeadlineHoldsAgainstStalledIdentityLookup(t *testing.T) {
	p := newCkPKI(t, nil)
	cert := tls.Certificate{Certificate: [][]byte{p.leaf.Raw, p.ica.Raw}, PrivateKey: p.leafKey}
	ln, err := tls.Listen("tcp", "127.0.0.1:0", &tls.Config{Certificates: []tls.Certificate{cert}, ClientAuth: tls.RequireAnyClientCert})
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
				c.SetDeadline(time.Now().Add(3 * time.Second))
				_ = c.(*tls.Conn).Handshake()
			}()
		}
	}()
	release := make(chan struct{})
	t.Cleanup(func() { close(release) })
	target, _ := checks.ParseTarget(ln.Addr().String())
	asked := make(chan struct{}, 1)
	opts := checks.Options{Trust: checks.StaticStore{Name: "test", Roots: []*x509.Certificate{p.root}},
		Now: func() time.Time { return currentTime }, Timeout: time.Second,
		ClientIdentities: func(context.Context) ([]*x509.Certificate, error) {
			asked <- struct{}{}
			<-release
			return nil, nil
		}}
	start := time.Now()
	rep := checks.Run(context.Background(), target, opts)
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("took %v with a 1 s timeout", d)
	}
	select {
	case <-asked:
	default:
		t.Fatalf("the identities were never asked for (%s)", ids(rep))
	}
	// What was learned before the deadline is kept.
	if find(rep, checks.ClientCertRequired) == nil {
		t.Errorf("client_cert_required lost (%s)", ids(rep))
	}
}
