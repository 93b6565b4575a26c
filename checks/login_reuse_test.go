package checks_test

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"net"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vpndoctor/vpndoctor/checks"
	"github.com/vpndoctor/vpndoctor/internal/vpnlab"
)

// connCounter is a real HTTPS server on loopback that records, for every
// request, the connection it came on.
type connCounter struct {
	mu    sync.Mutex
	conns int
	// requests maps "METHOD path" to the connection numbers it came on.
	requests map[string][]int
}

type connKey struct{}

func startCountingGateway(t *testing.T, keepAlive bool) (*connCounter, string, *x509.Certificate) {
	t.Helper()
	ca := vpnlab.NewCA(t, "Reuse Lab Root")
	leaf := ca.Issue(t, vpnlab.CertSpec{CN: "127.0.0.1", IPs: []net.IP{net.IPv4(127, 0, 0, 1)}, Server: true})
	cfg := &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{leaf.Cert.Raw}, PrivateKey: leaf.Key}}}
	l, err := tls.Listen("tcp", "127.0.0.1:0", cfg)
	if err != nil {
		t.Fatal(err)
	}
	cc := &connCounter{requests: map[string][]int{}}
	srv := &http.Server{
		ReadHeaderTimeout: 5 * time.Second,
		ConnContext: func(ctx context.Context, _ net.Conn) context.Context {
			cc.mu.Lock()
			defer cc.mu.Unlock()
			cc.conns++
			return context.WithValue(ctx, connKey{}, cc.conns)
		},
		// A plain web login page for every path: no VPN vendor's answer,
		// so the login probe asks all four steps.
		Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			cc.mu.Lock()
			k := r.Method + " " + r.URL.Path
			cc.requests[k] = append(cc.requests[k], r.Context().Value(connKey{}).(int))
			cc.mu.Unlock()
			if !keepAlive {
				w.Header().Set("Connection", "close")
			}
			w.Write([]byte(`<html><title>Welcome</title><form method="post"><input type="password" name="password"></form></html>`))
		}),
	}
	go srv.Serve(l)
	t.Cleanup(func() { srv.Close() })
	return cc, "https://" + l.Addr().String() + "/", ca.Cert
}

func (cc *connCounter) snapshot() (int, map[string][]int) {
	cc.mu.Lock()
	defer cc.mu.Unlock()
	m := map[string][]int{}
	for k, v := range cc.requests {
		m[k] = slices.Clone(v)
	}
	return cc.conns, m
}

// The login probe's first request goes over the diagnosis's own connection,
// and when the gateway keeps connections open the other steps follow on it:
// one handshake for the whole login probe instead of five.
func TestLoginProbeReusesTheDiagnosisConnection(t *testing.T) {
	t.Parallel()
	for _, keepAlive := range []bool{true, false} {
		cc, url, root := startCountingGateway(t, keepAlive)
		target, err := checks.ParseTarget(url)
		if err != nil {
			t.Fatal(err)
		}
		rep := checks.Run(context.Background(), target, checks.Options{
			Trust: checks.StaticStore{Name: "lab", Roots: []*x509.Certificate{root}}, Timeout: 8 * time.Second})
		if rep.Primary != checks.OK || rep.Login == nil {
			t.Fatalf("keep-alive %v: primary %s, login %+v", keepAlive, rep.Primary, rep.Login)
		}
		steps := map[string]bool{}
		for _, q := range rep.Login.Requests {
			steps[q[strings.LastIndex(q, "(")+1:len(q)-1]] = true
		}
		if len(steps) != 4 || rep.Login.Verdict != checks.LoginPassword {
			t.Errorf("keep-alive %v: verdict %s after steps %v, want a password form after all four vendors' steps", keepAlive, rep.Login.Verdict, rep.Login.Requests)
		}
		conns, reqs := cc.snapshot()
		var login []int
		for k, on := range reqs {
			if k != "HEAD /" { // the product's look at the page (product.go), on its own connection
				login = append(login, on...)
			}
		}
		slices.Sort(login)
		if len(login) != len(rep.Login.Requests) {
			t.Fatalf("keep-alive %v: the gateway saw %v for the login requests %v", keepAlive, reqs, rep.Login.Requests)
		}
		if keepAlive {
			// One connection for the diagnosis and every login step, one for
			// the product.
			if conns != 2 || login[0] != login[len(login)-1] {
				t.Errorf("keep-alive gateway: %d connections, login requests on %v, want every step on the diagnosis's", conns, login)
			}
			continue
		}
		// A gateway that closes after each answer: each step on a fresh
		// connection, the first on the diagnosis's own.
		if len(slices.Compact(slices.Clone(login))) != len(login) || conns != len(login)+1 {
			t.Errorf("closing gateway: %d connections, login requests on %v", conns, login)
		}
	}
}
