package checks_test

import (
	"context"
	"crypto/x509"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/net/dns/dnsmessage"

	"github.com/vpndoctor/vpndoctor/checks"
	"github.com/vpndoctor/vpndoctor/internal/loginlab"
)

// rebindingDNS is a DNS server on loopback whose A answer for one name
// changes after the first query (DNS rebinding); every other name has one
// fixed address.
func rebindingDNS(t *testing.T, fixed map[string][4]byte, name string, first, later [4]byte) string {
	t.Helper()
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pc.Close() })
	var asked atomic.Int32
	go func() {
		buf := make([]byte, 1500)
		for {
			n, from, err := pc.ReadFrom(buf)
			if err != nil {
				return
			}
			var p dnsmessage.Parser
			h, err := p.Start(buf[:n])
			if err != nil {
				continue
			}
			q, err := p.Question()
			if err != nil {
				continue
			}
			b := dnsmessage.NewBuilder(nil, dnsmessage.Header{ID: h.ID, Response: true, Authoritative: true, RecursionDesired: h.RecursionDesired})
			_ = b.StartQuestions()
			_ = b.Question(q)
			host := strings.TrimSuffix(strings.ToLower(q.Name.String()), ".")
			a, ok := fixed[host]
			if host == name {
				a, ok = later, true
				if q.Type == dnsmessage.TypeA && asked.Add(1) == 1 {
					a = first
				}
			}
			if ok && q.Type == dnsmessage.TypeA {
				_ = b.StartAnswers()
				_ = b.AResource(dnsmessage.ResourceHeader{Name: q.Name, Type: dnsmessage.TypeA, Class: dnsmessage.ClassINET, TTL: 0}, dnsmessage.AResource{A: a})
			}
			out, _ := b.Finish()
			_, _ = pc.WriteTo(out, from)
		}
	}()
	return pc.LocalAddr().String()
}

// The sign-in page the gateway names is resolved once, under the fetch
// policy, and only the addresses allowed then are connected to: a name
// that first resolves to the gateway's own address and then to another
// loopback address (DNS rebinding) never reaches the other one.
func TestSignInPageIsNotRebound(t *testing.T) {
	p := newLoginPKI(t)
	var reached atomic.Int32
	idp, err := net.Listen("tcp", "127.0.0.5:0")
	if err != nil {
		t.Skipf("cannot listen on 127.0.0.5: %v", err)
	}
	t.Cleanup(func() { idp.Close() })
	go func() {
		for {
			c, err := idp.Accept()
			if err != nil {
				return
			}
			reached.Add(1)
			c.Close()
		}
	}()
	sso := "https://idp.sso.test:" + strconv.Itoa(idp.Addr().(*net.TCPAddr).Port) + "/saml2/idp/SSO"
	redirect := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet && r.URL.Path == "/" {
			http.Redirect(w, r, sso, http.StatusFound)
			return
		}
		http.NotFound(w, r)
	})
	gw := serveNodes(t, loginlab.Node{Addr: "127.0.0.2", Cert: p.leaf(t, false, "vpn.sso.test"), Handler: redirect})
	dns := rebindingDNS(t, map[string][4]byte{"vpn.sso.test": {127, 0, 0, 2}}, "idp.sso.test", [4]byte{127, 0, 0, 2}, [4]byte{127, 0, 0, 5})
	resolver := &net.Resolver{PreferGo: true, Dial: func(ctx context.Context, _, _ string) (net.Conn, error) {
		return (&net.Dialer{}).DialContext(ctx, "udp", dns)
	}}
	rep := runLogin(t, "vpn.sso.test", gw.Port, checks.Options{
		Trust:    checks.StaticStore{Name: "test store", Roots: []*x509.Certificate{p.root.Cert}},
		Resolver: resolver, Timeout: 8 * time.Second,
	})
	if rep.Login == nil || rep.Login.SSOURL != sso {
		t.Fatalf("login answer %+v; primary %s (%s)", rep.Login, rep.Primary, ids(rep))
	}
	if n := reached.Load(); n != 0 {
		t.Errorf("the diagnosis connected %d times to 127.0.0.5, where the sign-in page's name pointed on a second lookup", n)
	}
}
