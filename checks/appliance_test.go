package checks_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/vpndoctor/vpndoctor/checks"
)

func selfSigned(t *testing.T, subj pkix.Name, host string, ca bool) (*x509.Certificate, *ecdsa.PrivateKey) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(7), Subject: subj, DNSNames: []string{host},
		NotBefore: currentTime.Add(-24 * time.Hour), NotAfter: currentTime.Add(300 * 24 * time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IsCA: ca, BasicConstraintsValid: true}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	c, _ := x509.ParseCertificate(der)
	return c, key
}

// A VPN appliance's factory certificate carries its vendor's name, which is
// also the name of an inspection product of the same vendor: it is the
// gateway's own certificate, self-signed or from the appliance's CA, never
// an interception; the detail names the appliance.
func TestApplianceIsNotInterception(t *testing.T) {
	tests := []struct {
		name    string
		subject pkix.Name
		want    checks.ID
		product string
	}{
		{"FortiGate factory", pkix.Name{CommonName: "FGT60E4Q16000000", Organization: []string{"Fortinet"}, OrganizationalUnit: []string{"FortiGate"}}, checks.SelfSigned, "FortiGate"},
		{"Palo Alto", pkix.Name{CommonName: "127.0.0.1", Organization: []string{"Palo Alto Networks"}}, checks.SelfSigned, "Palo Alto"},
		{"Check Point", pkix.Name{CommonName: "127.0.0.1", Organization: []string{"Check Point Software Technologies"}}, checks.SelfSigned, "Check Point"},
		{"Sophos", pkix.Name{CommonName: "127.0.0.1", Organization: []string{"Sophos"}}, checks.SelfSigned, "Sophos"},
		{"WatchGuard", pkix.Name{CommonName: "127.0.0.1", Organization: []string{"WatchGuard Technologies"}}, checks.SelfSigned, "WatchGuard"},
		{"Barracuda", pkix.Name{CommonName: "127.0.0.1", Organization: []string{"Barracuda Networks"}}, checks.SelfSigned, "Barracuda"},
	}
	for _, tt := range tests {
		c, key := selfSigned(t, tt.subject, "127.0.0.1", false)
		c.IPAddresses = nil
		addr := tlsServer(t, [][]byte{c.Raw}, key)
		rep, _ := runAgainst(t, addr)
		if find(rep, checks.TLSInterception) != nil {
			t.Errorf("%s: reported as interception: %s", tt.name, ids(rep))
		}
		f := find(rep, tt.want)
		if f == nil {
			t.Errorf("%s: no %s: %s", tt.name, tt.want, ids(rep))
			continue
		}
		if !strings.Contains(f.Evidence[checks.EvProduct], tt.product) || !strings.Contains(f.Detail, tt.product) {
			t.Errorf("%s: product not named: %q / %q", tt.name, f.Evidence[checks.EvProduct], f.Detail)
		}
	}
	// A real inspection CA of the same vendor is still interception.
	c, key := selfSigned(t, pkix.Name{CommonName: "FortiGate CA", Organization: []string{"Fortinet"}}, "127.0.0.1", true)
	addr := tlsServer(t, [][]byte{c.Raw}, key)
	if rep, _ := runAgainst(t, addr); find(rep, checks.TLSInterception) == nil {
		t.Errorf("FortiGate CA (deep inspection) not recognised: %s", ids(rep))
	}
}
