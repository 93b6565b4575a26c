//go:build unix

package clients_test

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"fmt"
	"math/big"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/ocsp"

	"github.com/vpndoctor/vpndoctor/checks"
	"github.com/vpndoctor/vpndoctor/checks/clients"
	"github.com/vpndoctor/vpndoctor/internal/vpnlab"
)

// The real client beside the engine: one ocserv per kind of server
// certificate fault, `openconnect --authenticate` logging in to it, and
// vpndoctor judging the same gateway with the openconnect-gnutls profile.
// They must agree on accept/refuse, and vpndoctor must still name the
// fault. This is where the profile's "measured" rules come from.

const labHost = "localhost" // resolves to loopback for both, without a DNS server

type key struct {
	signer crypto.Signer
	pub    crypto.PublicKey
}

func ecKey(t *testing.T) key {
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return key{k, &k.PublicKey}
}

var rsaOnce = sync.OnceValues(func() (*rsa.PrivateKey, error) { return rsa.GenerateKey(rand.Reader, 2048) })

func rsaKey(t *testing.T) key {
	k, err := rsaOnce()
	if err != nil {
		t.Fatal(err)
	}
	return key{k, &k.PublicKey}
}

type node struct {
	cert *x509.Certificate
	key  key
}

var serial int64 = 1000
var serialMu sync.Mutex

func issue(t *testing.T, tmpl *x509.Certificate, k key, parent *node) *node {
	t.Helper()
	serialMu.Lock()
	serial++
	tmpl.SerialNumber = big.NewInt(serial)
	serialMu.Unlock()
	if tmpl.NotBefore.IsZero() {
		tmpl.NotBefore, tmpl.NotAfter = time.Now().Add(-24*time.Hour), time.Now().Add(60*24*time.Hour)
	}
	signer, signKey := tmpl, k.signer
	if parent != nil {
		signer, signKey = parent.cert, parent.key.signer
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, signer, k.pub, signKey)
	if err != nil {
		t.Fatal(err)
	}
	c, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return &node{c, k}
}

func ca(cn string) *x509.Certificate {
	return &x509.Certificate{Subject: pkix.Name{CommonName: cn, Organization: []string{"vpndoctor parity"}},
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
		NotBefore: time.Now().Add(-48 * time.Hour), NotAfter: time.Now().Add(5 * 365 * 24 * time.Hour)}
}

func server(names ...string) *x509.Certificate {
	return &x509.Certificate{Subject: pkix.Name{CommonName: labHost}, DNSNames: names,
		KeyUsage:    x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
}

// pki is the trusted root and issuing CA every case starts from, and the
// loopback HTTP server for AIA and OCSP.
type pki struct {
	root, inter *node
	http        *httptest.Server
	mu          sync.Mutex
	files       map[string][]byte // path -> body
	revoked     map[string]bool   // serial -> revoked
}

func newPKI(t *testing.T) *pki {
	p := &pki{files: map[string][]byte{}, revoked: map[string]bool{}}
	p.root = issue(t, ca("vpndoctor Parity Root CA"), ecKey(t), nil)
	p.inter = issue(t, ca("vpndoctor Parity Issuing CA"), ecKey(t), p.root)
	p.http = httptest.NewServer(http.HandlerFunc(p.serve))
	t.Cleanup(p.http.Close)
	return p
}

func (p *pki) serve(w http.ResponseWriter, r *http.Request) {
	p.mu.Lock()
	body, ok := p.files[r.URL.Path]
	p.mu.Unlock()
	if ok {
		w.Write(body)
		return
	}
	http.NotFound(w, r)
}

func (p *pki) put(path string, body []byte) string {
	p.mu.Lock()
	p.files[path] = body
	p.mu.Unlock()
	return p.http.URL + path
}

// ocspFor serves, at a path of its own, a signed OCSP answer about leaf
// ("revoked" or "good") and returns its URL and DER.
func (p *pki) ocspFor(t *testing.T, leaf *x509.Certificate, issuer *node, revoked bool) []byte {
	status := ocsp.Good
	if revoked {
		status = ocsp.Revoked
	}
	resp := ocsp.Response{Status: status, SerialNumber: leaf.SerialNumber, ThisUpdate: time.Now().Add(-time.Hour),
		NextUpdate: time.Now().Add(24 * time.Hour), RevokedAt: time.Now().Add(-2 * time.Hour), RevocationReason: ocsp.KeyCompromise}
	der, err := ocsp.CreateResponse(issuer.cert, issuer.cert, resp, issuer.key.signer)
	if err != nil {
		t.Fatal(err)
	}
	return der
}

// parityCase is one gateway: the chain ocserv sends, what openconnect is
// expected to do (a measured fact, checked), and the finding vpndoctor must
// name whatever the verdict.
type parityCase struct {
	name   string
	fault  checks.ID
	accept bool // openconnect logs in
	build  func(t *testing.T, p *pki) (chain []*x509.Certificate, k key, trusted []*x509.Certificate, extra []string)
}

func leafCase(mod func(*x509.Certificate)) func(*testing.T, *pki) ([]*x509.Certificate, key, []*x509.Certificate, []string) {
	return func(t *testing.T, p *pki) ([]*x509.Certificate, key, []*x509.Certificate, []string) {
		tmpl := server(labHost)
		if mod != nil {
			mod(tmpl)
		}
		leaf := issue(t, tmpl, ecKey(t), p.inter)
		return []*x509.Certificate{leaf.cert, p.inter.cert}, leaf.key, []*x509.Certificate{p.root.cert}, nil
	}
}

var parityCases = []parityCase{
	{"ok", checks.OK, true, leafCase(nil)},
	{"expired", checks.CertExpired, false, leafCase(func(c *x509.Certificate) {
		c.NotBefore, c.NotAfter = time.Now().Add(-90*24*time.Hour), time.Now().Add(-24*time.Hour)
	})},
	{"not_yet_valid", checks.CertNotYetValid, false, leafCase(func(c *x509.Certificate) {
		c.NotBefore, c.NotAfter = time.Now().Add(24*time.Hour), time.Now().Add(90*24*time.Hour)
	})},
	{"wrong_name", checks.HostnameMismatch, false, leafCase(func(c *x509.Certificate) {
		c.DNSNames, c.Subject.CommonName = []string{"other.example"}, "other.example"
	})},
	{"cn_only", checks.HostnameMismatch, true, leafCase(func(c *x509.Certificate) { c.DNSNames = nil })},
	{"client_auth_eku", checks.WrongUsage, true, leafCase(func(c *x509.Certificate) {
		c.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}
	})},
	{"long_lifetime", checks.ValidityTooLong, true, leafCase(func(c *x509.Certificate) {
		c.NotBefore, c.NotAfter = time.Now().Add(-24*time.Hour), time.Now().Add(3*365*24*time.Hour)
	})},
	{"tls10_only", checks.TLSVersion, true, func(t *testing.T, p *pki) ([]*x509.Certificate, key, []*x509.Certificate, []string) {
		chain, k, trusted, _ := leafCase(nil)(t, p)
		return chain, k, trusted, []string{`tls-priorities = "NORMAL:%SERVER_PRECEDENCE:-VERS-ALL:+VERS-TLS1.0"`}
	}},
	{"untrusted", checks.UntrustedRoot, false, func(t *testing.T, p *pki) ([]*x509.Certificate, key, []*x509.Certificate, []string) {
		other := issue(t, ca("Unknown Corp Root CA"), ecKey(t), nil)
		inter := issue(t, ca("Unknown Corp Issuing CA"), ecKey(t), other)
		leaf := issue(t, server(labHost), ecKey(t), inter)
		return []*x509.Certificate{leaf.cert, inter.cert}, leaf.key, []*x509.Certificate{p.root.cert}, nil
	}},
	{"self_signed", checks.SelfSigned, false, func(t *testing.T, p *pki) ([]*x509.Certificate, key, []*x509.Certificate, []string) {
		tmpl := server(labHost)
		tmpl.IsCA, tmpl.BasicConstraintsValid = true, true
		tmpl.KeyUsage |= x509.KeyUsageCertSign
		self := issue(t, tmpl, ecKey(t), nil)
		return []*x509.Certificate{self.cert}, self.key, []*x509.Certificate{p.root.cert}, nil
	}},
	{"missing_intermediate", checks.MissingIntermed, false, func(t *testing.T, p *pki) ([]*x509.Certificate, key, []*x509.Certificate, []string) {
		leaf := issue(t, server(labHost), ecKey(t), p.inter)
		return []*x509.Certificate{leaf.cert}, leaf.key, []*x509.Certificate{p.root.cert}, nil
	}},
	{"missing_intermediate_aia", checks.MissingIntermed, false, func(t *testing.T, p *pki) ([]*x509.Certificate, key, []*x509.Certificate, []string) {
		tmpl := server(labHost)
		tmpl.IssuingCertificateURL = []string{p.put("/aia/"+t.Name()+".der", p.inter.cert.Raw)}
		leaf := issue(t, tmpl, ecKey(t), p.inter)
		return []*x509.Certificate{leaf.cert}, leaf.key, []*x509.Certificate{p.root.cert}, nil
	}},
	{"expired_intermediate", checks.CertExpired, false, func(t *testing.T, p *pki) ([]*x509.Certificate, key, []*x509.Certificate, []string) {
		tmpl := ca("vpndoctor Parity Old Issuing CA")
		tmpl.NotBefore, tmpl.NotAfter = time.Now().Add(-400*24*time.Hour), time.Now().Add(-24*time.Hour)
		old := issue(t, tmpl, ecKey(t), p.root)
		leaf := issue(t, server(labHost), ecKey(t), old)
		return []*x509.Certificate{leaf.cert, old.cert}, leaf.key, []*x509.Certificate{p.root.cert}, nil
	}},
	{"name_constraints", checks.NameConstraints, false, func(t *testing.T, p *pki) ([]*x509.Certificate, key, []*x509.Certificate, []string) {
		tmpl := ca("vpndoctor Parity Constrained CA")
		tmpl.PermittedDNSDomains, tmpl.PermittedDNSDomainsCritical = []string{".corp.example"}, true
		nc := issue(t, tmpl, ecKey(t), p.root)
		leaf := issue(t, server(labHost), ecKey(t), nc)
		return []*x509.Certificate{leaf.cert, nc.cert}, leaf.key, []*x509.Certificate{p.root.cert}, nil
	}},
	{"sha1", checks.WeakSignature, false, func(t *testing.T, p *pki) ([]*x509.Certificate, key, []*x509.Certificate, []string) {
		rk := rsaKey(t)
		root := issue(t, ca("vpndoctor Parity RSA Root CA"), rk, nil)
		tmpl := server(labHost)
		tmpl.SignatureAlgorithm = x509.SHA1WithRSA
		leaf := issue(t, tmpl, ecKey(t), root)
		return []*x509.Certificate{leaf.cert}, leaf.key, []*x509.Certificate{root.cert}, nil
	}},
	{"inspection_root", checks.TLSInterception, true, func(t *testing.T, p *pki) ([]*x509.Certificate, key, []*x509.Certificate, []string) {
		tmpl := ca("Zscaler Root CA")
		tmpl.Subject.Organization = []string{"Zscaler Inc."}
		z := issue(t, tmpl, ecKey(t), nil)
		leaf := issue(t, server(labHost), ecKey(t), z)
		return []*x509.Certificate{leaf.cert}, leaf.key, []*x509.Certificate{z.cert}, nil
	}},
	{"revoked_stapled", checks.Revoked, false, revokedCase(true)},
	{"revoked_not_stapled", checks.Revoked, true, revokedCase(false)},
}

// revokedCase: the leaf names an OCSP responder that says revoked; with
// stapled, ocserv also staples that answer.
func revokedCase(stapled bool) func(*testing.T, *pki) ([]*x509.Certificate, key, []*x509.Certificate, []string) {
	return func(t *testing.T, p *pki) ([]*x509.Certificate, key, []*x509.Certificate, []string) {
		path := "/ocsp/" + strings.ReplaceAll(t.Name(), "/", "_")
		tmpl := server(labHost)
		tmpl.OCSPServer = []string{p.http.URL + path}
		leaf := issue(t, tmpl, ecKey(t), p.inter)
		der := p.ocspFor(t, leaf.cert, p.inter, true)
		p.put(path, der)
		var extra []string
		if stapled {
			f := filepath.Join(t.TempDir(), "ocsp.der")
			if err := os.WriteFile(f, der, 0o600); err != nil {
				t.Fatal(err)
			}
			extra = []string{"ocsp-response = " + f}
		}
		return []*x509.Certificate{leaf.cert, p.inter.cert}, leaf.key, []*x509.Certificate{p.root.cert}, extra
	}
}

func TestParityWithOpenConnect(t *testing.T) {
	vpnlab.Need(t, "ocserv")
	vpnlab.Need(t, "openconnect")
	p := newPKI(t)
	profile, _ := clients.ByID("openconnect-gnutls")
	var mu sync.Mutex
	agree := 0
	t.Cleanup(func() {
		t.Logf("vpndoctor (openconnect-gnutls profile) agrees with openconnect on %d of %d gateways", agree, len(parityCases))
	})
	for _, tc := range parityCases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			chain, k, trusted, extra := tc.build(t, p)
			dir := t.TempDir()
			certFile, keyFile := filepath.Join(dir, "server.pem"), filepath.Join(dir, "server.key")
			writePEM(t, certFile, vpnlab.CertPEM(chain...))
			writePEM(t, keyFile, vpnlab.KeyPEM(t, k.signer))
			caFile := filepath.Join(dir, "ca.pem")
			writePEM(t, caFile, vpnlab.CertPEM(trusted...))
			gw := vpnlab.StartOcserv(t, vpnlab.OcservConfig{CertFile: certFile, KeyFile: keyFile,
				Auth: vpnlab.AuthPlain, Users: map[string]string{"alice": "secret"}, CiscoClientCompat: true, Extra: extra})
			url := fmt.Sprintf("https://%s:%d/", labHost, gw.Port)
			res := vpnlab.Openconnect(t, vpnlab.LoginOptions{URL: url, CAFile: caFile, User: "alice", Password: "secret"})
			t.Logf("%s: openconnect accept=%v: %s", tc.name, res.OK, certLine(res.Output))
			if res.OK != tc.accept {
				t.Errorf("openconnect accepted=%v, the profile's measurement says %v:\n%s", res.OK, tc.accept, res.Output)
			}
			target, err := checks.ParseTarget(fmt.Sprintf("%s:%d", labHost, gw.Port))
			if err != nil {
				t.Fatal(err)
			}
			rep := checks.Run(context.Background(), target, checks.Options{
				Trust:   checks.StaticStore{Name: "parity CA file", Roots: trusted},
				Client:  clients.Choice{Profile: profile, How: clients.ByFlag},
				Timeout: 10 * time.Second,
			})
			named := tc.fault == checks.OK
			for _, f := range rep.Findings {
				named = named || f.ID == tc.fault
			}
			if !named {
				t.Errorf("vpndoctor no longer names %s: %v", tc.fault, ids(rep))
			}
			engineAccepts := rep.Primary == checks.OK
			if engineAccepts != res.OK {
				t.Errorf("vpndoctor says accept=%v (primary %s, %v), openconnect accept=%v:\n%s", engineAccepts, rep.Primary, ids(rep), res.OK, res.Output)
				return
			}
			mu.Lock()
			agree++
			mu.Unlock()
		})
	}
}

func ids(rep *checks.Report) []string {
	var out []string
	for _, f := range rep.Findings {
		out = append(out, fmt.Sprintf("%s/%s", f.ID, f.Severity))
	}
	return out
}

func writePEM(t *testing.T, path string, data []byte) {
	t.Helper()
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
}

// certLine is what openconnect said about the certificate, for the log.
func certLine(out string) string {
	for _, l := range strings.Split(out, "\n") {
		if strings.Contains(l, "erver certificate verify failed") || strings.Contains(l, "ertificate") && !strings.Contains(l, "negotiation") || strings.Contains(l, "Connected to HTTPS") {
			return strings.TrimSpace(l)
		}
	}
	return ""
}
