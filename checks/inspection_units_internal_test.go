package checks

import (
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/hex"
	"strings"
	"testing"
)

// Unit tests of inspection.go: which names reveal an inspection product
// (the leaf's issuer only; a CA's own names too), IT's expected
// certificate, and the appliance note.

func named(subjectCN, issuerCN string, issuerOrg ...string) *x509.Certificate {
	return &x509.Certificate{Subject: pkix.Name{CommonName: subjectCN}, Issuer: pkix.Name{CommonName: issuerCN, Organization: issuerOrg}}
}

func TestCheckInterceptionRows(t *testing.T) {
	const eset = "ESET SSL Filter CA"
	tests := []struct {
		name  string
		links []link
		cert  int // -1 none
	}{
		{"clean", linksOf(named("vpn.example.com", "Issuing CA"), named("Issuing CA", "Root")), -1},
		{"issued by the product", linksOf(named("vpn.example.com", eset), named(eset, eset)), 0},
		{"the product's name in the issuer's organisation", linksOf(named("vpn.example.com", "x", "eset ssl filter ca (lower case)")), 0},
		{"the leaf's own name does not count", linksOf(named(eset, "Issuing CA"), named("Issuing CA", "Root")), -1},
		{"a CA's own name counts", linksOf(named("vpn.example.com", "Issuing CA"), named(eset, "Root")), 1},
	}
	for _, tc := range tests {
		fs := checkInterception(tc.links)
		got := -1
		if len(fs) == 1 {
			got = fs[0].Cert
			if fs[0].ID != TLSInterception || fs[0].Evidence[EvProduct] != "ESET (SSL/TLS protocol filtering)" || fs[0].Evidence[EvRole] != role(got, len(tc.links), tc.links[got].cert) {
				t.Errorf("%s: %+v", tc.name, fs[0])
			}
		}
		if got != tc.cert || len(fs) > 1 {
			t.Errorf("%s: finding at %d (%d findings), want %d", tc.name, got, len(fs), tc.cert)
		}
	}
	if productFor(loadInspection(), []string{"", "nothing"}) != "" {
		t.Error("empty names match nothing")
	}
}

func TestCheckExpectedRows(t *testing.T) {
	root, inter, leaf := unitChain(t)
	links := linksOf(leaf, inter, root)
	sum := sha256.Sum256(inter.Raw)
	fp := strings.ToUpper(hex.EncodeToString(sum[:]))
	colons := ""
	for i := 0; i < len(fp); i += 2 {
		if i > 0 {
			colons += ":"
		}
		colons += fp[i : i+2]
	}
	tests := []struct {
		name        string
		want        *ExpectedCert
		intercepted bool
		expect      string // "" no finding
	}{
		{"nothing expected", nil, false, ""},
		{"empty expectation", &ExpectedCert{}, false, ""},
		{"already intercepted", &ExpectedCert{Issuer: "Nobody"}, true, ""},
		{"fingerprint of a CA, with colons", &ExpectedCert{SHA256: []string{colons}}, false, ""},
		{"fingerprint with spaces and dashes", &ExpectedCert{SHA256: []string{strings.ReplaceAll(colons, ":", " ")[:10] + strings.ReplaceAll(colons, ":", "-")[10:]}}, false, ""},
		{"issuer, any case", &ExpectedCert{Issuer: "unit root"}, false, ""},
		{"another fingerprint", &ExpectedCert{SHA256: []string{"AB:CD"}}, false, "IT expects AB:CD, but"},
		{"another issuer", &ExpectedCert{Issuer: "Corp CA"}, false, "IT expects issuer Corp CA, but"},
		{"neither", &ExpectedCert{SHA256: []string{"AB"}, Issuer: "Corp CA"}, false, "IT expects AB; issuer Corp CA, but"},
	}
	for _, tc := range tests {
		fs := checkExpected(links, tc.want, tc.intercepted)
		if tc.expect == "" {
			if len(fs) != 0 {
				t.Errorf("%s: %+v", tc.name, fs)
			}
			continue
		}
		if len(fs) != 1 || fs[0].ID != UnexpectedCert || fs[0].Cert != 0 || !strings.HasPrefix(fs[0].Detail, tc.expect) {
			t.Errorf("%s: %+v", tc.name, fs)
		}
	}
	if normaliseFingerprint("AB:cd ef-01") != "ABcdef01" {
		t.Error(normaliseFingerprint("AB:cd ef-01"))
	}
}

func TestNameApplianceRows(t *testing.T) {
	factory := &x509.Certificate{Subject: pkix.Name{CommonName: "FortiGate", OrganizationalUnit: []string{"x"}}, Issuer: pkix.Name{CommonName: "FortiGate"}}
	ou := &x509.Certificate{Subject: pkix.Name{CommonName: "gw", OrganizationalUnit: []string{"PAN-OS"}}}
	plain := &x509.Certificate{Subject: pkix.Name{CommonName: "vpn.example.com"}}
	untrusted := func() []Finding {
		return []Finding{newFinding(UntrustedRoot, Fail, "", "not trusted", 0), newFinding(SelfSigned, Fail, "", "", 0), newFinding(CertExpired, Fail, "", "old", 0)}
	}
	fs := untrusted()
	nameAppliance(fs, []ChainCert{{}, {Cert: plain}, {Cert: factory}})
	if !strings.HasPrefix(fs[0].Detail, "not trusted; this is the factory certificate of a VPN appliance: Fortinet") ||
		!strings.HasPrefix(fs[1].Detail, "this is the factory") || fs[2].Detail != "old" || fs[0].Evidence[EvProduct] == "" || fs[2].Evidence[EvProduct] != "" {
		t.Errorf("factory certificate: %+v", fs)
	}
	fs = untrusted()
	nameAppliance(fs, []ChainCert{{Cert: ou}})
	if !strings.Contains(fs[0].Detail, "Palo Alto") {
		t.Errorf("by organisational unit: %+v", fs[0])
	}
	fs = untrusted()
	nameAppliance(fs, []ChainCert{{Cert: plain}})
	if fs[0].Detail != "not trusted" || fs[1].Detail != "" {
		t.Errorf("no appliance: %+v", fs)
	}
	fs = append(untrusted(), newFinding(TLSInterception, Fail, "", "", 0))
	nameAppliance(fs, []ChainCert{{Cert: factory}})
	if fs[0].Detail != "not trusted" {
		t.Errorf("named already as interception: %+v", fs[0])
	}
}
