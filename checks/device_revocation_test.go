package checks_test

import (
	"context"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"log"
	"math/big"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/crypto/ocsp"

	"github.com/vpndoctor/vpndoctor/checks"
	"github.com/vpndoctor/vpndoctor/internal/vpnlab"
)

// Device certificates revoked by their CA: a real OCSP responder and a real
// CRL on loopback, signed by the device CA made here, and TLS gateways that
// demand a device certificate, one of which refuses the revoked ones as an
// ASA with revocation checking does.

// devCAServer is the device CA's OCSP responder and CRL distribution point.
type devCAServer struct {
	ca   *vpnlab.CA
	base string
	hits atomic.Int32
	mu   sync.Mutex
	// ocspRevoked and crlRevoked hold the serials each source calls revoked.
	ocspRevoked, crlRevoked map[string]bool
}

func newDevCAServer(t *testing.T, ca *vpnlab.CA) *devCAServer {
	t.Helper()
	s := &devCAServer{ca: ca, ocspRevoked: map[string]bool{}, crlRevoked: map[string]bool{}}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.hits.Add(1)
		body, _ := io.ReadAll(r.Body)
		switch r.URL.Path {
		case "/ocsp":
			s.serveOCSP(t, w, body)
		case "/device.crl":
			s.serveCRL(t, w)
		default:
			http.NotFound(w, r)
		}
	})}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	s.base = "http://" + ln.Addr().String()
	return s
}

func (s *devCAServer) serveOCSP(t *testing.T, w http.ResponseWriter, body []byte) {
	req, err := ocsp.ParseRequest(body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	now := time.Now()
	tmpl := ocsp.Response{SerialNumber: req.SerialNumber, Status: ocsp.Good, ThisUpdate: now.Add(-time.Hour), NextUpdate: now.Add(24 * time.Hour)}
	s.mu.Lock()
	if s.ocspRevoked[req.SerialNumber.String()] {
		tmpl.Status, tmpl.RevokedAt, tmpl.RevocationReason = ocsp.Revoked, now.Add(-3*time.Hour), ocsp.KeyCompromise
	}
	s.mu.Unlock()
	der, err := ocsp.CreateResponse(s.ca.Cert, s.ca.Cert, tmpl, s.ca.Key)
	if err != nil {
		t.Error(err)
		return
	}
	w.Header().Set("Content-Type", "application/ocsp-response")
	w.Write(der)
}

func (s *devCAServer) serveCRL(t *testing.T, w http.ResponseWriter) {
	der, err := x509.CreateRevocationList(rand.Reader, s.crl(), s.ca.Cert, s.ca.Key)
	if err != nil {
		t.Error(err)
		return
	}
	w.Header().Set("Content-Type", "application/pkix-crl")
	w.Write(der)
}

// crl is the device CA's current list, as the gateway and the CRL server
// both read it.
func (s *devCAServer) crl() *x509.RevocationList {
	now := time.Now()
	l := &x509.RevocationList{Number: big.NewInt(7), ThisUpdate: now.Add(-time.Hour), NextUpdate: now.Add(24 * time.Hour)}
	s.mu.Lock()
	defer s.mu.Unlock()
	for serial := range s.crlRevoked {
		n, _ := new(big.Int).SetString(serial, 10)
		l.RevokedCertificateEntries = append(l.RevokedCertificateEntries, x509.RevocationListEntry{
			SerialNumber: n, RevocationTime: now.Add(-5 * time.Hour), ReasonCode: 4}) // superseded: the PC was re-imaged
	}
	return l
}

// revokedAnywhere is what a gateway that checks both sources refuses.
func (s *devCAServer) revokedAnywhere(c *x509.Certificate) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.ocspRevoked[c.SerialNumber.String()] || s.crlRevoked[c.SerialNumber.String()]
}

// startCertGateway is a TLS gateway that demands a device certificate and
// names the device CA as the one it accepts. With checksRevocation it
// refuses a revoked certificate in the handshake (bad_certificate), as an
// ASA or FortiGate with CRL/OCSP checking does; without, it lets any in.
func startCertGateway(t *testing.T, srv *vpnlab.Leaf, dev *devCAServer, checksRevocation bool) string {
	t.Helper()
	accepted := x509.NewCertPool()
	accepted.AddCert(dev.ca.Cert)
	cfg := &tls.Config{
		Certificates: []tls.Certificate{{Certificate: [][]byte{srv.Cert.Raw}, PrivateKey: srv.Key}},
		ClientAuth:   tls.RequireAnyClientCert,
		ClientCAs:    accepted, // only its names are sent in the CertificateRequest
		VerifyPeerCertificate: func(raw [][]byte, _ [][]*x509.Certificate) error {
			c, err := x509.ParseCertificate(raw[0])
			if err != nil {
				return err
			}
			if checksRevocation && dev.revokedAnywhere(c) {
				return errors.New("certificate revoked")
			}
			return nil
		},
	}
	ln, err := tls.Listen("tcp", "127.0.0.1:0", cfg)
	if err != nil {
		t.Fatal(err)
	}
	hs := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { io.WriteString(w, "welcome") }),
		ErrorLog: log.New(io.Discard, "", 0)} // refusals are the point here, not news
	go hs.Serve(ln)
	t.Cleanup(func() { hs.Close() })
	return "https://" + ln.Addr().String()
}

type devRevLab struct {
	gwRoot, devCA *vpnlab.CA
	dev           *devCAServer
	server        *vpnlab.Leaf
	strict, lax   string // gateway URLs: refuses revoked certificates, or not
}

func newDevRevLab(t *testing.T) *devRevLab {
	t.Helper()
	l := &devRevLab{gwRoot: vpnlab.NewCA(t, "Lab Gateway Root"), devCA: vpnlab.NewCA(t, "Lab Device CA")}
	l.server = l.gwRoot.Issue(t, vpnlab.CertSpec{CN: "127.0.0.1", IPs: []net.IP{net.IPv4(127, 0, 0, 1)}, Server: true})
	l.dev = newDevCAServer(t, l.devCA)
	l.strict = startCertGateway(t, l.server, l.dev, true)
	l.lax = startCertGateway(t, l.server, l.dev, false)
	return l
}

// device issues a device certificate that names the given OCSP and CRL
// addresses ("ocsp" and "crl" stand for the lab's own).
func (l *devRevLab) device(t *testing.T, name string, ocspURLs, crlURLs []string) *vpnlab.Leaf {
	t.Helper()
	sub := func(us []string) []string {
		var out []string
		for _, u := range us {
			switch u {
			case "ocsp":
				u = l.dev.base + "/ocsp"
			case "crl":
				u = l.dev.base + "/device.crl"
			}
			out = append(out, u)
		}
		return out
	}
	return l.devCA.Issue(t, vpnlab.CertSpec{CN: "device-" + name, Client: true, OCSPServers: sub(ocspURLs), CRLURLs: sub(crlURLs)})
}

func (l *devRevLab) run(t *testing.T, url string, offer *vpnlab.Leaf, system ...*x509.Certificate) *checks.Report {
	t.Helper()
	target, err := checks.ParseTarget(url)
	if err != nil {
		t.Fatal(err)
	}
	opts := checks.Options{
		Trust:   checks.StaticStore{Name: "lab", Roots: []*x509.Certificate{l.gwRoot.Cert, l.devCA.Cert}},
		Timeout: 10 * time.Second,
	}
	if offer != nil {
		opts.ClientCert = &tls.Certificate{Certificate: [][]byte{offer.Cert.Raw}, PrivateKey: offer.Key, Leaf: offer.Cert}
	}
	if system != nil {
		opts.ClientIdentities = func(context.Context) ([]*x509.Certificate, error) { return system, nil }
	}
	return checks.Run(context.Background(), target, opts)
}

func TestDeviceCertificateRevocation(t *testing.T) {
	l := newDevRevLab(t)
	closed := closedURL(t)
	tests := []struct {
		name       string
		ocsp, crl  []string
		revoke     string // "ocsp", "crl" or ""
		lax        bool   // the gateway does not check revocation
		want       checks.ID
		sev        checks.Severity // of client_cert_revoked, when there
		state      string          // the device certificate's revocation state
		source     string
		note       string // in the state's note (unknown)
		refused    string // a refused fetch that must be recorded
		detailWant string // in the primary finding's detail
	}{
		{name: "revoked via OCSP", ocsp: []string{"ocsp"}, revoke: "ocsp", want: checks.ClientCertRevoked, sev: checks.Fail, state: checks.DeviceRevRevoked, source: "ocsp"},
		{name: "revoked via CRL", crl: []string{"crl"}, revoke: "crl", want: checks.ClientCertRevoked, sev: checks.Fail, state: checks.DeviceRevRevoked, source: "crl"},
		// No OCSP and two CRLs, the first unreachable: each answer has a
		// place of its own.
		{name: "revoked in the second of two CRLs", crl: []string{closed, "crl"}, revoke: "crl", want: checks.ClientCertRevoked, sev: checks.Fail, state: checks.DeviceRevRevoked, source: "crl"},
		{name: "revoked in the CRL, OCSP says good", ocsp: []string{"ocsp"}, crl: []string{"crl"}, revoke: "crl", want: checks.ClientCertRevoked, sev: checks.Fail, state: checks.DeviceRevRevoked, source: "crl"},
		{name: "good", ocsp: []string{"ocsp"}, crl: []string{"crl"}, want: checks.OK, state: checks.DeviceRevGood},
		{name: "revoked, gateway does not check", ocsp: []string{"ocsp"}, revoke: "ocsp", lax: true, want: checks.OK, sev: checks.Warn, state: checks.DeviceRevRevoked, source: "ocsp"},
		{name: "responder unreachable", ocsp: []string{closed}, want: checks.OK, state: checks.DeviceRevUnknown, note: "the connection was refused"},
		{name: "responder unreachable, gateway refuses", ocsp: []string{closed}, revoke: "crl", want: checks.ClientCertRefused, state: checks.DeviceRevUnknown,
			note: "the connection was refused", detailWant: "whether it is revoked could not be checked"},
		{name: "internal responder, refused by the fetch policy", ocsp: []string{"http://10.1.2.3/ocsp"}, want: checks.OK, state: checks.DeviceRevUnknown,
			note: "private address", refused: "http://10.1.2.3/ocsp"},
		{name: "names no responder", want: checks.OK, state: ""},
		// Issue 16: what is not asked is evidence too.
		{name: "an ldap CRL beside OCSP", ocsp: []string{"ocsp"}, crl: []string{"ldap:///CN=Lab%20Device%20CA?certificateRevocationList"},
			want: checks.OK, state: checks.DeviceRevGood, refused: "ldap:///CN=Lab%20Device%20CA?certificateRevocationList"},
		{name: "more OCSP addresses than are asked", ocsp: []string{"ocsp", "ocsp", "ocsp", "http://192.0.2.1/ocsp"},
			want: checks.OK, state: checks.DeviceRevGood, refused: "http://192.0.2.1/ocsp"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			leaf := l.device(t, strings.ReplaceAll(tc.name, " ", "-"), tc.ocsp, tc.crl)
			serial := leaf.Cert.SerialNumber.String()
			l.dev.mu.Lock()
			switch tc.revoke {
			case "ocsp":
				l.dev.ocspRevoked[serial] = true
			case "crl":
				l.dev.crlRevoked[serial] = true
			}
			l.dev.mu.Unlock()
			url := l.strict
			if tc.lax {
				url = l.lax
			}
			rep := l.run(t, url, leaf)
			if rep.Primary != tc.want {
				t.Fatalf("primary %s, want %s (%s)", rep.Primary, tc.want, ids(rep))
			}
			if len(rep.DeviceCerts) != 1 {
				t.Fatalf("device certificates: %+v", rep.DeviceCerts)
			}
			d := rep.DeviceCerts[0]
			checkDeviceRevocation(t, d, tc.state, tc.source, tc.note)
			if tc.state == checks.DeviceRevRevoked && !strings.HasPrefix(d.Note, "revoked on ") {
				t.Errorf("device note %q, want it to begin with what its CA said", d.Note)
			}
			f := find(rep, checks.ClientCertRevoked)
			switch {
			case tc.sev == "" && f != nil:
				t.Errorf("unexpected client_cert_revoked: %+v", f)
			case tc.sev != "" && f == nil:
				t.Fatalf("no client_cert_revoked (%s)", ids(rep))
			case tc.sev != "":
				if f.Severity != tc.sev {
					t.Errorf("severity %s, want %s", f.Severity, tc.sev)
				}
				checkRevokedEvidence(t, f, leaf, tc.source, d.Revocation.URL)
			}
			if tc.detailWant != "" {
				if p := find(rep, rep.Primary); p == nil || !strings.Contains(p.Detail, tc.detailWant) {
					t.Errorf("primary's detail lacks %q: %+v", tc.detailWant, p)
				}
			}
			if tc.refused != "" && !refusedFetch(rep, tc.refused) {
				t.Errorf("refused fetch %s not recorded: %+v", tc.refused, rep.RefusedFetches)
			}
		})
	}
}

func checkDeviceRevocation(t *testing.T, d checks.DeviceCert, state, source, note string) {
	t.Helper()
	rv := d.Revocation
	if state == "" {
		if rv != nil {
			t.Errorf("revocation %+v, want none asked", rv)
		}
		return
	}
	if rv == nil {
		t.Fatalf("revocation not checked, want %s", state)
	}
	if rv.State != state || (source != "" && rv.Source != source) || !strings.Contains(rv.Note, note) {
		t.Errorf("revocation %+v, want state %s, source %q, note with %q", rv, state, source, note)
	}
	if revoked := slicesContains(d.Problems, checks.ClientCertRevoked); revoked != (state == checks.DeviceRevRevoked) {
		t.Errorf("problems %v with state %s", d.Problems, state)
	}
}

// checkRevokedEvidence: what IT needs to find the certificate and the word.
func checkRevokedEvidence(t *testing.T, f *checks.Finding, leaf *vpnlab.Leaf, source, url string) {
	t.Helper()
	want := map[string]string{
		checks.EvSerial:    leaf.Cert.SerialNumber.Text(16),
		checks.EvIssuer:    "Lab Device CA",
		checks.EvRevSource: source,
		checks.EvURL:       url,
	}
	for k, v := range want {
		if got := f.Evidence[k]; !strings.EqualFold(strings.TrimLeft(got, "0"), strings.TrimLeft(v, "0")) && !strings.Contains(got, v) {
			t.Errorf("evidence %s = %q, want %q", k, got, v)
		}
	}
	reason := map[string]string{"ocsp": "key compromise", "crl": "superseded"}[source]
	if f.Evidence[checks.EvRevReason] != reason {
		t.Errorf("reason %q, want %q", f.Evidence[checks.EvRevReason], reason)
	}
	at, err := time.Parse(time.RFC3339, f.Evidence[checks.EvRevokedAt])
	if err != nil || time.Since(at) < 2*time.Hour || time.Since(at) > 6*time.Hour {
		t.Errorf("revoked_at %q", f.Evidence[checks.EvRevokedAt])
	}
}

// A certificate from this computer's store, revoked, and a gateway that
// demands one: the reason no usable certificate was offered is named.
func TestSystemDeviceCertificateRevoked(t *testing.T) {
	l := newDevRevLab(t)
	leaf := l.device(t, "system", []string{"ocsp"}, nil)
	l.dev.mu.Lock()
	l.dev.ocspRevoked[leaf.Cert.SerialNumber.String()] = true
	l.dev.mu.Unlock()
	rep := l.run(t, l.strict, nil, leaf.Cert)
	if rep.Primary != checks.ClientCertRevoked {
		t.Fatalf("primary %s, want client_cert_revoked (%s)", rep.Primary, ids(rep))
	}
	if len(rep.DeviceCerts) != 1 || rep.DeviceCerts[0].WouldUse {
		t.Errorf("a revoked certificate is not one the VPN client can use: %+v", rep.DeviceCerts)
	}
}

// No device certificate involved: the device CA is never asked, and this
// device's certificates are not even looked up.
func TestDeviceRevocationCostsNothingWithoutDeviceCertificate(t *testing.T) {
	l := newDevRevLab(t)
	leaf := l.device(t, "unused", []string{"ocsp"}, []string{"crl"})
	plain := startPlainGateway(t, l.server)
	var looked atomic.Int32
	target, _ := checks.ParseTarget(plain)
	rep := checks.Run(context.Background(), target, checks.Options{
		Trust: checks.StaticStore{Name: "lab", Roots: []*x509.Certificate{l.gwRoot.Cert}},
		ClientIdentities: func(context.Context) ([]*x509.Certificate, error) {
			looked.Add(1)
			return []*x509.Certificate{leaf.Cert}, nil
		},
	})
	if rep.Primary != checks.OK || len(rep.DeviceCerts) != 0 {
		t.Fatalf("primary %s, device certificates %+v", rep.Primary, rep.DeviceCerts)
	}
	if n, m := l.dev.hits.Load(), looked.Load(); n != 0 || m != 0 {
		t.Errorf("device CA asked %d times, identities looked up %d times; want none", n, m)
	}
}

func startPlainGateway(t *testing.T, srv *vpnlab.Leaf) string {
	t.Helper()
	ln, err := tls.Listen("tcp", "127.0.0.1:0", &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{srv.Cert.Raw}, PrivateKey: srv.Key}}})
	if err != nil {
		t.Fatal(err)
	}
	hs := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { io.WriteString(w, "hello") })}
	go hs.Serve(ln)
	t.Cleanup(func() { hs.Close() })
	return "https://" + ln.Addr().String()
}

// closedURL is an http address on loopback where nothing listens.
func closedURL(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return "http://" + addr + "/ocsp"
}

func refusedFetch(rep *checks.Report, url string) bool {
	for _, r := range rep.RefusedFetches {
		if r.URL == url {
			return true
		}
	}
	return false
}

func slicesContains(ids []checks.ID, id checks.ID) bool {
	for _, x := range ids {
		if x == id {
			return true
		}
	}
	return false
}
