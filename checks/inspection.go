package checks

import (
	_ "embed"
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

var loadInspection = sync.OnceValue(func() []inspectionProduct {
	var doc struct {
		Products []inspectionProduct `json:"products"`
	}
	if err := json.Unmarshal(inspectionJSON, &doc); err != nil {
		panic(fmt.Sprintf("checks: embedded data/inspection.json is broken: %v", err)) // caught by tests
	}
	return doc.Products
})

// inspectionProductFor names the TLS-inspection product whose CA name
// appears in a chain certificate's subject or issuer, or "".
func inspectionProductFor(names ...string) string {
	for _, p := range loadInspection() {
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
