//go:build unix

package checks_test

import (
	"context"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vpndoctor/vpndoctor/checks"
	"github.com/vpndoctor/vpndoctor/internal/vpnlab"
)

// The real thing: ocserv with a crl file refuses a revoked device
// certificate, the real openconnect client cannot log in with it, and
// vpndoctor names the revocation, read from the CRL the certificate names
// (the same list, served on loopback). A certificate from the same CA that
// is not on the list gets through both.
func TestOcservRefusesRevokedDeviceCertificate(t *testing.T) {
	vpnlab.Need(t, "ocserv")
	vpnlab.Need(t, "openconnect")
	dir := t.TempDir()
	gwRoot, devCA := vpnlab.NewCA(t, "Lab Gateway Root"), vpnlab.NewCA(t, "Lab Device CA")
	srv := gwRoot.Issue(t, vpnlab.CertSpec{CN: "127.0.0.1", IPs: []net.IP{net.IPv4(127, 0, 0, 1)}, Server: true})
	srvCert, srvKey := srv.Write(t, dir, "server")
	gwRootFile := gwRoot.Write(t, dir, "gwroot")
	dev := newDevCAServer(t, devCA)
	crlURL := []string{dev.base + "/device.crl"}
	revoked := devCA.Issue(t, vpnlab.CertSpec{CN: "device-revoked", Client: true, CRLURLs: crlURL})
	good := devCA.Issue(t, vpnlab.CertSpec{CN: "device-good", Client: true, CRLURLs: crlURL})
	// Its CRL address answers nothing: only the gateway's own list knows.
	offline := devCA.Issue(t, vpnlab.CertSpec{CN: "device-offline", Client: true, CRLURLs: []string{closedURL(t)}})
	dev.crlRevoked[revoked.Cert.SerialNumber.String()] = true
	dev.crlRevoked[offline.Cert.SerialNumber.String()] = true
	der, err := x509.CreateRevocationList(rand.Reader, dev.crl(), devCA.Cert, devCA.Key)
	if err != nil {
		t.Fatal(err)
	}
	crlFile := filepath.Join(dir, "device-crl.pem")
	if err := os.WriteFile(crlFile, pem.EncodeToMemory(&pem.Block{Type: "X509 CRL", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	caFile := devCA.Write(t, dir, "devca")
	for _, compat := range []bool{true, false} {
		gw := vpnlab.StartOcserv(t, vpnlab.OcservConfig{CertFile: srvCert, KeyFile: srvKey, CAFile: caFile,
			Auth: vpnlab.AuthCertificate, CiscoClientCompat: compat, Extra: []string{"crl = " + crlFile}})
		for _, c := range []struct {
			leaf *vpnlab.Leaf
			want checks.ID
		}{{revoked, checks.ClientCertRevoked}, {good, checks.OK},
			// ocserv closes the connection without an alert: nothing says
			// why, and vpndoctor says it could not check the CRL itself.
			{offline, checks.ClientCertRefused}} {
			name := c.leaf.Cert.Subject.CommonName
			certFile, keyFile := c.leaf.Write(t, dir, name)
			oc := vpnlab.Openconnect(t, vpnlab.LoginOptions{URL: gw.URL, CAFile: gwRootFile, CertFile: certFile, KeyFile: keyFile, Timeout: 20 * time.Second})
			target, _ := checks.ParseTarget(gw.URL)
			rep := checks.Run(context.Background(), target, checks.Options{
				Trust:      checks.StaticStore{Name: "lab", Roots: []*x509.Certificate{gwRoot.Cert, devCA.Cert}},
				ClientCert: &tls.Certificate{Certificate: [][]byte{c.leaf.Cert.Raw}, PrivateKey: c.leaf.Key},
				Timeout:    10 * time.Second,
			})
			t.Logf("compat=%t %s: openconnect ok=%t, vpndoctor %s (%s)", compat, name, oc.OK, rep.Primary, ids(rep))
			if f := find(rep, rep.Primary); f != nil {
				t.Logf("  %s; evidence %v", f.Detail, f.Evidence)
			}
			if oc.OK != (c.want == checks.OK) {
				t.Errorf("compat=%t %s: openconnect ok=%t; output:\n%s\nocserv:\n%s", compat, name, oc.OK, oc.Output, gw.Log())
			}
			if rep.Primary != c.want {
				t.Errorf("compat=%t %s: primary %s, want %s (%s)", compat, name, rep.Primary, c.want, ids(rep))
			}
			if f := find(rep, checks.ClientCertRefused); c.leaf == offline && (f == nil || !strings.Contains(f.Detail, "whether it is revoked could not be checked")) {
				t.Errorf("compat=%t: client_cert_refused %+v", compat, f)
			}
			if f := find(rep, checks.ClientCertRevoked); c.leaf == revoked && (f == nil || f.Severity != checks.Fail || f.Evidence[checks.EvRevSource] != "crl") {
				t.Errorf("compat=%t: client_cert_revoked %+v", compat, f)
			}
		}
	}
}
