package checks_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
	"testing"
	"time"

	"github.com/vpndoctor/vpndoctor/checks"
)

// Path building through the whole engine, against real TLS servers on
// loopback that send what real gateways get wrong.

// caWith is newCA with the validity and key id chosen.
func caWith(t *testing.T, name string, key *ecdsa.PrivateKey, parent *testCA, notAfter time.Time, skid []byte) *testCA {
	t.Helper()
	if key == nil {
		key, _ = ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(time.Now().UnixNano()), Subject: pkix.Name{CommonName: name},
		NotBefore: notAfter.AddDate(-3, 0, 0), NotAfter: notAfter, SubjectKeyId: skid,
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent.cert, &key.PublicKey, parent.key)
	if err != nil {
		t.Fatal(err)
	}
	c, _ := x509.ParseCertificate(der)
	return &testCA{c, key}
}

// The gateway sends its expired intermediate and the renewed one: a VPN
// client takes the renewed one, and so must the diagnosis.
func TestExpiredAndRenewedIntermediateSent(t *testing.T) {
	root := newCA(t, "Paths Test Root", nil, "", "")
	old := caWith(t, "Paths Test Issuing CA", nil, root, currentTime.AddDate(0, 0, -3), nil)
	renewed := caWith(t, "Paths Test Issuing CA", old.key, root, currentTime.AddDate(3, 0, 0), nil)
	addr := leafServer(t, old, "", "", old.cert.Raw, renewed.cert.Raw)
	rep, _ := runAgainst(t, addr, root.cert)
	if rep.Primary != checks.OK {
		t.Fatalf("primary = %s, want ok (%s)", rep.Primary, ids(rep))
	}
	if len(rep.CandidatePaths) != 2 || !rep.CandidatePaths[0].Chosen || len(rep.CandidatePaths[0].Faults) != 0 ||
		len(rep.CandidatePaths[1].Faults) == 0 || rep.CandidatePaths[1].Faults[0] != checks.CertExpired {
		t.Errorf("candidate paths %+v", rep.CandidatePaths)
	}
	if !rep.Chain[1].NotAfter.After(currentTime) {
		t.Errorf("the chain shown is the expired one")
	}
}

// The server sends an intermediate of the right name and key id whose key
// did not sign its certificate: bad_signature, not missing_intermediate.
func TestBadSignatureSent(t *testing.T) {
	root := newCA(t, "Paths Test Root", nil, "", "")
	issuing := newCA(t, "Paths Test Issuing CA", root, "", "")
	impostor := caWith(t, "Paths Test Issuing CA", nil, root, currentTime.AddDate(3, 0, 0), issuing.cert.SubjectKeyId)
	addr := leafServer(t, issuing, "", "", impostor.cert.Raw)
	rep, _ := runAgainst(t, addr, root.cert)
	if rep.Primary != checks.BadSignature {
		t.Fatalf("primary = %s, want bad_signature (%s)", rep.Primary, ids(rep))
	}
	evidence(t, rep, checks.BadSignature, checks.EvIssuer, "Paths Test Issuing CA")
}

// Hundreds of same-named issuers sent before the real one: the key id
// leads to it, and the diagnosis stays within its deadline.
func TestFloodOfSameNamedIssuers(t *testing.T) {
	root := newCA(t, "Paths Test Root", nil, "", "")
	issuing := newCA(t, "Paths Test Issuing CA", root, "", "")
	var flood [][]byte
	for i := 0; i < 300; i++ {
		flood = append(flood, caWith(t, "Paths Test Issuing CA", nil, root, currentTime.AddDate(3, 0, 0), nil).cert.Raw)
	}
	addr := leafServer(t, issuing, "", "", append(flood, issuing.cert.Raw)...)
	rep, _ := runAgainst(t, addr, root.cert)
	// 300 certificates make a message of about 120 KB, more than
	// OpenSSL-based clients read (chain_too_large); path building itself
	// must still find the trusted path.
	for _, f := range rep.Findings {
		if f.Severity == checks.Fail && f.ID != checks.ChainTooLarge {
			t.Fatalf("primary = %s, want the path found (%s)", rep.Primary, ids(rep))
		}
	}
	if rep.Trust.Verdict != "trusted" {
		t.Errorf("trust verdict %q, want trusted (%s)", rep.Trust.Verdict, ids(rep))
	}
}
