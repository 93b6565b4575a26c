package practice

import (
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"time"

	"golang.org/x/crypto/ocsp"
)

// buildDeviceExpired is a gateway that demands a device certificate, on a
// computer whose certificates are an expired one from the accepted device
// CA and a valid one from a CA the gateway does not accept: what a laptop
// looks like when the company's renewal did not reach it.
func buildDeviceExpired(b *build) (gateway, error) {
	device, err := b.newCA(caSpec{
		slug: "device-ca-renewal", cn: "vpndoctor Practice Device CA", org: orgPractice,
		notBefore: b.start.Add(-2 * year), notAfter: b.start.Add(10 * year),
	})
	if err != nil {
		return gateway{}, err
	}
	home, err := b.newCA(caSpec{
		slug: "home-lab-ca", cn: "Home Lab CA", org: "me",
		notBefore: b.start.Add(-year), notAfter: b.start.Add(5 * year),
	})
	if err != nil {
		return gateway{}, err
	}
	expired, err := deviceCert(device, "laptop-0042.corp.example", b.now.Add(-400*day), b.now.Add(-3*day))
	if err != nil {
		return gateway{}, err
	}
	other, err := deviceCert(home, "my-laptop", b.now.Add(-30*day), b.now.Add(300*day))
	if err != nil {
		return gateway{}, err
	}
	g, err := b.standard(nil)
	if err != nil {
		return g, err
	}
	g.tls.ClientAuth = tls.RequireAndVerifyClientCert
	g.tls.ClientCAs = x509.NewCertPool()
	g.tls.ClientCAs.AddCert(device.cert)
	g.identities = []*x509.Certificate{other, expired}
	return g, nil
}

// deviceCert is a client-authentication certificate; its key is thrown
// away: the engine only lists and judges this computer's identities.
func deviceCert(iss *ca, cn string, notBefore, notAfter time.Time, tweak ...func(*x509.Certificate)) (*x509.Certificate, error) {
	key, err := newKey()
	if err != nil {
		return nil, err
	}
	tmpl := &x509.Certificate{
		Subject:     pkix.Name{CommonName: cn},
		NotBefore:   notBefore,
		NotAfter:    notAfter,
		KeyUsage:    x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
	}
	for _, f := range tweak {
		f(tmpl)
	}
	return iss.issue(tmpl, key.Public())
}

// buildDeviceRevoked is a gateway that demands a device certificate, on a
// computer whose only one the company revoked when the PC was set up again
// (superseded): its CA's OCSP responder and CRL, served by the lab, say so.
// The device CA is issued by the lab's root, so the engine finds it at its
// AIA address and can check the CA's answers.
func buildDeviceRevoked(b *build) (gateway, error) {
	device, err := b.newCA(caSpec{
		slug: "device-ca-reimaged", cn: "vpndoctor Practice Device CA", org: orgPractice, parent: b.root,
		notBefore: b.start.Add(-2 * year), notAfter: b.start.Add(5 * year),
	})
	if err != nil {
		return gateway{}, err
	}
	revoked, err := deviceCert(device, "laptop-0042.corp.example", b.now.Add(-200*day), b.now.Add(165*day), func(t *x509.Certificate) {
		t.IssuingCertificateURL = []string{b.aiaURL(device)}
		t.OCSPServer = []string{b.ocspURL(device)}
		t.CRLDistributionPoints = []string{b.crlURL(device)}
	})
	if err != nil {
		return gateway{}, err
	}
	device.revoke(revoked.SerialNumber, b.now.Add(-2*day), ocsp.Superseded)
	g, err := b.standard(nil)
	if err != nil {
		return g, err
	}
	g.tls.ClientAuth = tls.RequireAndVerifyClientCert
	g.tls.ClientCAs = x509.NewCertPool()
	g.tls.ClientCAs.AddCert(device.cert)
	g.identities = []*x509.Certificate{revoked}
	return g, nil
}
