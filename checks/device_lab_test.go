//go:build unix

package checks_test

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vpndoctor/vpndoctor/checks"
	"github.com/vpndoctor/vpndoctor/internal/vpnlab"
)

// deviceLab is the PKI of the device-certificate matrix: a root for the
// gateways' own certificates, a device root (the only CA the gateways
// accept) with an issuing intermediate, and a CA nobody accepts.
type deviceLab struct {
	dir                string
	gwRoot             *vpnlab.CA
	gwRootFile         string
	srvCert, srvKey    string
	devRoot, devIssuer *vpnlab.CA
	acceptFile         string // the device root alone: the intermediate must come from the client
	cases              []deviceCase
}

// deviceCase is one device identity, as openconnect and vpndoctor get it.
type deviceCase struct {
	name              string
	certFile, keyFile string
	want              checks.ID // vpndoctor's primary where the certificate is demanded
}

func newDeviceLab(t *testing.T) *deviceLab {
	t.Helper()
	dir := t.TempDir()
	l := &deviceLab{dir: dir, gwRoot: vpnlab.NewCA(t, "Lab Gateway Root"), devRoot: vpnlab.NewCA(t, "Lab Device Root")}
	l.devIssuer = l.devRoot.Intermediate(t, "Lab Device Issuing CA")
	l.gwRootFile = l.gwRoot.Write(t, dir, "gwroot")
	l.acceptFile = l.devRoot.Write(t, dir, "accepted")
	srv := l.gwRoot.Issue(t, vpnlab.CertSpec{CN: "127.0.0.1", IPs: []net.IP{net.IPv4(127, 0, 0, 1)}, Server: true})
	l.srvCert, l.srvKey = srv.Write(t, dir, "server")

	// The device intermediate is downloadable (AIA), as with a real
	// enterprise CA; it is still not sent by a client that was given only
	// the leaf.
	aia := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.Write(l.devIssuer.Cert.Raw) }))
	t.Cleanup(aia.Close)
	aiaURL := aia.URL + "/device-issuing.der"

	now := time.Now()
	issue := func(name string, s vpnlab.CertSpec, ca *vpnlab.CA, with ...*vpnlab.CA) (string, string) {
		s.CN = "device-" + name
		if s.EKU == nil {
			s.Client = true
		}
		return ca.Issue(t, s).Write(t, dir, name, with...)
	}
	add := func(name string, want checks.ID, cert, key string) {
		l.cases = append(l.cases, deviceCase{name: name, certFile: cert, keyFile: key, want: want})
	}
	add("none", checks.ClientCertRequired, "", "")
	c, k := issue("valid", vpnlab.CertSpec{}, l.devIssuer, l.devIssuer)
	add("valid", checks.OK, c, k)
	c, k = issue("expired", vpnlab.CertSpec{NotBefore: now.Add(-72 * time.Hour), NotAfter: now.Add(-24 * time.Hour)}, l.devIssuer, l.devIssuer)
	add("expired", checks.ClientCertExpired, c, k)
	c, k = issue("notyet", vpnlab.CertSpec{NotBefore: now.Add(24 * time.Hour), NotAfter: now.Add(72 * time.Hour)}, l.devIssuer, l.devIssuer)
	add("not_yet_valid", checks.ClientCertNotYet, c, k)
	c, k = issue("foreign", vpnlab.CertSpec{}, vpnlab.NewCA(t, "Home Lab CA"))
	add("unaccepted_ca", checks.ClientCertUntrust, c, k)
	c, k = issue("noeku", vpnlab.CertSpec{EKU: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}, l.devIssuer, l.devIssuer)
	add("no_client_auth_eku", checks.ClientCertUsage, c, k)
	c, _ = issue("nokey", vpnlab.CertSpec{}, l.devIssuer, l.devIssuer)
	add("no_private_key", checks.ClientCertNoKey, c, "")
	c, k = issue("nochain", vpnlab.CertSpec{IssuerURLs: []string{aiaURL}}, l.devIssuer)
	add("missing_intermediate", checks.ClientCertChain, c, k)
	return l
}

// identity loads a case the way cmd does: the certificate chain and, when
// there is one, its key; an identity without a usable key is still judged.
func (c deviceCase) identity(t *testing.T) *tls.Certificate {
	t.Helper()
	if c.certFile == "" {
		return nil
	}
	if c.keyFile != "" {
		pair, err := tls.LoadX509KeyPair(c.certFile, c.keyFile)
		if err != nil {
			t.Fatal(err)
		}
		return &pair
	}
	data, err := os.ReadFile(c.certFile)
	if err != nil {
		t.Fatal(err)
	}
	certs, err := checks.ParseCertificates(data)
	if err != nil {
		t.Fatal(err)
	}
	var out tls.Certificate
	for _, x := range certs {
		out.Certificate = append(out.Certificate, x.Raw)
	}
	return &out
}

// gatewayKind is one server configuration of the matrix.
type gatewayKind struct {
	name string
	url  string
	// demands: without a good certificate there is no login at all (as
	// opposed to a password form or an optional certificate).
	demands bool
	nginx   bool
}

func (l *deviceLab) gateways(t *testing.T) []gatewayKind {
	var out []gatewayKind
	for _, tv := range []struct{ name, ocserv, nginx string }{
		{"tls1.2", vpnlab.TLS12Only, "TLSv1.2"},
		{"tls1.3", vpnlab.TLS13Only, "TLSv1.3"},
	} {
		for _, m := range []struct {
			name   string
			auth   vpnlab.AuthMode
			compat bool
		}{
			{"ocserv-cert-compat", vpnlab.AuthCertificate, true},
			{"ocserv-cert-strict", vpnlab.AuthCertificate, false},
			{"ocserv-password-or-cert", vpnlab.AuthPlainOrCert, true},
		} {
			gw := vpnlab.StartOcserv(t, vpnlab.OcservConfig{CertFile: l.srvCert, KeyFile: l.srvKey, CAFile: l.acceptFile,
				Auth: m.auth, Users: map[string]string{"alice": "secret"}, CiscoClientCompat: m.compat, TLSPriorities: tv.ocserv})
			out = append(out, gatewayKind{name: m.name + "/" + tv.name, url: gw.URL, demands: m.auth == vpnlab.AuthCertificate})
		}
		for _, v := range []string{"on", "optional"} {
			ng := vpnlab.StartNginx(t, vpnlab.NginxConfig{CertFile: l.srvCert, KeyFile: l.srvKey, ClientCAFile: l.acceptFile,
				VerifyClient: v, Protocols: tv.nginx})
			out = append(out, gatewayKind{name: "nginx-" + v + "/" + tv.name, url: ng.URL, demands: v == "on", nginx: true})
		}
	}
	return out
}

// openconnectThrough reads openconnect's answer as "the certificate stage
// was passed": a session cookie, or a request for a user name or password.
// Against nginx, which is no VPN, any HTTP answer but a certificate refusal
// counts.
func openconnectThrough(g gatewayKind, r vpnlab.LoginResult) bool {
	if r.OK {
		return true
	}
	out := r.Output
	if g.nginx {
		return strings.Contains(out, "Got HTTP response: HTTP/1.1 200")
	}
	// A form with a field to fill (ocserv's empty form after "401 No
	// certificate" is not one).
	return strings.Contains(out, "User input required in non-interactive mode")
}

// TestDeviceCertificateMatrix runs the real openconnect client and
// vpndoctor side by side against ocserv (certificate-only in both request
// modes, password-or-certificate) and nginx (ssl_verify_client on and
// optional), in TLS 1.2 and 1.3, with every kind of device certificate.
// Both must agree on whether the login gets past the certificate, and
// vpndoctor must name the cause.
func TestDeviceCertificateMatrix(t *testing.T) {
	skipUnderMutation(t, "the matrix runs openconnect, ocserv and nginx (25 s); TestDeviceCertificateRefusals judges the same certificates")
	vpnlab.Need(t, "ocserv")
	vpnlab.Need(t, "openconnect")
	vpnlab.Need(t, "nginx")
	l := newDeviceLab(t)
	gws := l.gateways(t)
	// The runs wait on the network, not the CPU: run them eight at a time
	// (t.Parallel would run GOMAXPROCS at a time), then judge each in its
	// own subtest.
	type result struct {
		g   gatewayKind
		c   deviceCase
		oc  vpnlab.LoginResult
		rep *checks.Report
	}
	var results []*result
	for _, g := range gws {
		for _, c := range l.cases {
			results = append(results, &result{g: g, c: c})
		}
	}
	sem := make(chan struct{}, 8)
	var wg sync.WaitGroup
	for _, r := range results {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			r.oc = vpnlab.Openconnect(t, vpnlab.LoginOptions{URL: r.g.url, CAFile: l.gwRootFile, CertFile: r.c.certFile, KeyFile: r.c.keyFile,
				Timeout: 20 * time.Second, Extra: []string{"--dump-http-traffic"}})
			r.rep = runDevice(t, r.g.url, l.gwRoot.Cert, r.c.identity(t))
		}()
	}
	wg.Wait()
	var table []string
	for _, r := range results {
		t.Run(r.g.name+"/"+r.c.name, func(t *testing.T) {
			table = append(table, checkDeviceResult(t, r.g, r.c, r.oc, r.rep))
		})
	}
	sort.Strings(table)
	if p := os.Getenv("VPNDOCTOR_MATRIX"); p != "" {
		os.WriteFile(p, []byte(strings.Join(table, "\n")+"\n"), 0o644)
	}
}

// checkDeviceResult compares one run of both clients and returns its line
// of the matrix.
func checkDeviceResult(t *testing.T, g gatewayKind, c deviceCase, oc vpnlab.LoginResult, rep *checks.Report) string {
	ocThrough := openconnectThrough(g, oc)
	vdThrough := rep.Primary == checks.OK
	verdict := ""
	if rep.Login != nil {
		verdict = rep.Login.Verdict
	}
	line := fmt.Sprintf("%-31s %-21s openconnect=%-5t vpndoctor=%-5t %-26s login=%s", g.name, c.name, ocThrough, vdThrough, rep.Primary, verdict)
	if ocThrough != vdThrough {
		t.Errorf("openconnect through=%t, vpndoctor primary %s (%s)\nopenconnect:\n%s", ocThrough, rep.Primary, ids(rep), oc.Output)
	}
	want := c.want
	if !g.demands && c.name == "none" {
		want = checks.OK
	}
	switch {
	case want == checks.OK && !vdThrough:
		t.Errorf("want ok, got %s (%s)", rep.Primary, ids(rep))
	case want != checks.OK && vdThrough && find(rep, want) == nil:
		t.Errorf("the gateway let %s through; want %s as a warning, got %s", c.name, want, ids(rep))
	case want != checks.OK && !vdThrough && rep.Primary != want:
		t.Errorf("primary %s, want %s (%s)", rep.Primary, want, ids(rep))
	}
	return line
}

func runDevice(t *testing.T, url string, root *x509.Certificate, id *tls.Certificate) *checks.Report {
	t.Helper()
	target, err := checks.ParseTarget(url)
	if err != nil {
		t.Fatal(err)
	}
	return checks.Run(context.Background(), target, checks.Options{
		Trust:      checks.StaticStore{Name: "lab", Roots: []*x509.Certificate{root}},
		ClientCert: id,
		Timeout:    10 * time.Second,
	})
}
