//go:build linux

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
	"testing"
	"time"

	"github.com/vpndoctor/vpndoctor/checks"
	"github.com/vpndoctor/vpndoctor/internal/vpnlab"
)

// OpenSSL's server with a CRL (-crl_check) refuses a revoked device
// certificate with the certificate_revoked alert. vpndoctor names it
// client_cert_revoked from that alert alone when the certificate's own CRL
// cannot be read from here (an internal address), and from the CRL, with
// its date and reason, when it can.
func TestOpenSSLRefusesRevokedDeviceCertificate(t *testing.T) {
	dir := t.TempDir()
	gwRoot, devCA := vpnlab.NewCA(t, "Lab Gateway Root"), vpnlab.NewCA(t, "Lab Device CA")
	srv := gwRoot.Issue(t, vpnlab.CertSpec{CN: "127.0.0.1", IPs: []net.IP{net.IPv4(127, 0, 0, 1)}, Server: true})
	srvCert, srvKey := srv.Write(t, dir, "server")
	dev := newDevCAServer(t, devCA)
	revoked := devCA.Issue(t, vpnlab.CertSpec{CN: "device-revoked", Client: true, CRLURLs: []string{dev.base + "/device.crl"}})
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
	for _, v := range []string{"-tls1_2", "-tls1_3"} {
		addr := sServer(t, "-cert", srvCert, "-key", srvKey, "-CAfile", caFile, "-Verify", "1", "-verify_return_error",
			"-crl_check", "-CRL", crlFile, v)
		for _, c := range []struct {
			leaf   *vpnlab.Leaf
			source string // where the revocation was read; "" for the alert alone
		}{{revoked, "crl"}, {offline, ""}} {
			target, _ := checks.ParseTarget(addr)
			rep := checks.Run(context.Background(), target, checks.Options{
				Trust:      checks.StaticStore{Name: "lab", Roots: []*x509.Certificate{gwRoot.Cert, devCA.Cert}},
				ClientCert: &tls.Certificate{Certificate: [][]byte{c.leaf.Cert.Raw}, PrivateKey: c.leaf.Key},
				Timeout:    10 * time.Second,
			})
			name := v + " " + c.leaf.Cert.Subject.CommonName
			if rep.Primary != checks.ClientCertRevoked {
				t.Errorf("%s: primary %s, want client_cert_revoked (%s)", name, rep.Primary, ids(rep))
				continue
			}
			f := find(rep, checks.ClientCertRevoked)
			t.Logf("%s: %s; evidence %v", name, f.Detail, f.Evidence)
			if f.Evidence[checks.EvRevSource] != c.source || f.Evidence[checks.EvSerial] == "" {
				t.Errorf("%s: evidence %v, want source %q and the serial", name, f.Evidence, c.source)
			}
			if c.source == "" && f.Evidence[checks.EvTLSAlert] != "certificate_revoked (44)" {
				t.Errorf("%s: tls_alert %q", name, f.Evidence[checks.EvTLSAlert])
			}
		}
	}
}
