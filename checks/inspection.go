package checks

import (
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
)

//go:embed data/inspection.json
var inspectionJSON []byte

type inspectionProduct struct {
	Product string   `json:"product"`
	Match   []string `json:"match"`
}

type inspectionData struct {
	Products   []inspectionProduct `json:"products"`
	Appliances []inspectionProduct `json:"appliances"`
}

var loadInspectionData = sync.OnceValue(func() inspectionData {
	var doc inspectionData
	if err := json.Unmarshal(inspectionJSON, &doc); err != nil {
		panic(fmt.Sprintf("checks: embedded data/inspection.json is broken: %v", err)) // caught by tests
	}
	return doc
})

func loadInspection() []inspectionProduct { return loadInspectionData().Products }

// inspectionProductFor names the TLS-inspection product whose CA name
// appears in a chain certificate's subject or issuer, or "".
func inspectionProductFor(names ...string) string {
	return productFor(loadInspection(), names)
}

// applianceFor names the VPN appliance whose factory certificate this
// looks like, or "".
func applianceFor(names ...string) string {
	return productFor(loadInspectionData().Appliances, names)
}

func productFor(list []inspectionProduct, names []string) string {
	for _, p := range list {
		for _, m := range p.Match {
			lm := strings.ToLower(m)
			for _, n := range names {
				if n != "" && strings.Contains(strings.ToLower(n), lm) {
					return p.Product
				}
			}
		}
	}
	return ""
}

// checkInterception: the certificate seen was made by a product that
// intercepts TLS, whether or not it verifies.
func checkInterception(links []link) []Finding {
	for i, l := range links {
		c := l.cert
		names := []string{c.Subject.CommonName, c.Issuer.CommonName}
		names = append(names, c.Subject.Organization...)
		names = append(names, c.Issuer.Organization...)
		if i == 0 {
			// A leaf's own subject is the gateway's; only its issuer says who made it.
			names = append([]string{c.Issuer.CommonName}, c.Issuer.Organization...)
		}
		if p := inspectionProductFor(names...); p != "" {
			f := newFinding(TLSInterception, Fail, "a security product on this computer or network is intercepting the connection",
				fmt.Sprintf("the certificate seen was issued by %q (%s), not by the gateway's own CA", displayName(c.Issuer), p), i)
			certEvidence(&f, c, role(i, len(links), c))
			f.Evidence[EvProduct] = p
			return []Finding{f}
		}
	}
	return nil
}

// checkExpected compares the chain with what IT said the gateway shows.
// An inspection product's certificate is already tls_interception; any other
// mismatch is unexpected_certificate.
func checkExpected(links []link, want *ExpectedCert, intercepted bool) []Finding {
	if want == nil || intercepted || (len(want.SHA256) == 0 && want.Issuer == "") {
		return nil
	}
	for _, l := range links {
		sum := sha256.Sum256(l.cert.Raw)
		fp := hex.EncodeToString(sum[:])
		for _, w := range want.SHA256 {
			if strings.EqualFold(normaliseFingerprint(w), fp) {
				return nil
			}
		}
		if want.Issuer != "" && strings.Contains(strings.ToLower(l.cert.Issuer.String()), strings.ToLower(want.Issuer)) {
			return nil
		}
	}
	leaf := links[0].cert
	expect := strings.Join(want.SHA256, ", ")
	if want.Issuer != "" {
		if expect != "" {
			expect += "; "
		}
		expect += "issuer " + want.Issuer
	}
	f := newFinding(UnexpectedCert, Fail, "the gateway showed a certificate IT did not expect",
		fmt.Sprintf("IT expects %s, but the server showed %q issued by %q: something between this computer and the gateway may be intercepting the connection", expect, displayName(leaf.Subject), displayName(leaf.Issuer)), 0)
	certEvidence(&f, leaf, "leaf")
	return []Finding{f}
}

// normaliseFingerprint drops the colons and spaces people copy with a
// fingerprint ("AB:CD ..." from certmgr or openssl).
func normaliseFingerprint(s string) string {
	return strings.Map(func(r rune) rune {
		if r == ':' || r == ' ' || r == '-' {
			return -1
		}
		return r
	}, s)
}

// nameAppliance adds the VPN appliance's name to a self_signed or
// untrusted_root finding when the chain is that appliance's factory
// certificate (issue 12): the user's IT then knows which box to give a
// proper certificate.
func nameAppliance(findings []Finding, chain []ChainCert) {
	product := ""
	for _, c := range chain {
		if c.Cert == nil {
			continue
		}
		names := []string{c.Cert.Subject.CommonName, c.Cert.Issuer.CommonName}
		names = append(names, c.Cert.Subject.Organization...)
		names = append(names, c.Cert.Subject.OrganizationalUnit...)
		names = append(names, c.Cert.Issuer.Organization...)
		if product = applianceFor(names...); product != "" {
			break
		}
	}
	if product == "" {
		return
	}
	for _, f := range findings {
		if f.ID == TLSInterception {
			return // an inspection product's CA, named already
		}
	}
	for i := range findings {
		if f := &findings[i]; f.ID == SelfSigned || f.ID == UntrustedRoot {
			f.Detail = join(f.Detail, "this is the factory certificate of a VPN appliance: "+product+"; it needs a certificate from a CA the VPN clients trust")
			f.Evidence[EvProduct] = product
		}
	}
}
