package checks

import (
	"crypto/x509"
	"fmt"
	"net"
)

// checkCAs names the certificates that signed another without being
// allowed to: no basicConstraints at all, CA:FALSE, or more CAs below them
// than their path length constraint allows (RFC 5280 4.2.1.9). The trust
// anchor's own flags are not checked, as platform verifiers do not; its
// path length is.
func checkCAs(links []link, anchored bool) []Finding {
	var out []Finding
	for i := 1; i < len(links); i++ {
		c := links[i].cert
		r := role(i, len(links), c)
		last := anchored && i == len(links)-1
		if !last && (!c.BasicConstraintsValid || !c.IsCA) {
			why := "has no basicConstraints extension, so it is not a CA"
			if c.BasicConstraintsValid {
				why = "is marked CA:FALSE"
			}
			f := newFinding(NotCA, Fail, fmt.Sprintf("the %s certificate is not allowed to issue certificates", r),
				fmt.Sprintf("%q issued %q but %s", displayName(c.Subject), displayName(links[i-1].cert.Subject), why), i)
			certEvidence(&f, c, r)
			out = append(out, f)
			continue
		}
		below := i - 1 // CAs between this one and the leaf
		if c.BasicConstraintsValid && c.MaxPathLen >= 0 && below > c.MaxPathLen {
			f := newFinding(PathTooLong, Fail, "the certificate chain is longer than a CA allows",
				fmt.Sprintf("%q allows %d CA certificates below it (pathLenConstraint), but the chain has %d", displayName(c.Subject), c.MaxPathLen, below), i)
			certEvidence(&f, c, r)
			f.Evidence[EvPathLen] = fmt.Sprint(c.MaxPathLen)
			out = append(out, f)
		}
	}
	return out
}

// ipAllowed applies a CA's IP address constraints (RFC 5280 4.2.1.10):
// excluded ranges first, then, when there are permitted ranges, the
// address must be in one of them.
func ipAllowed(ca *x509.Certificate, ip net.IP) (bool, string) {
	for _, r := range ca.ExcludedIPRanges {
		if r.Contains(ip) {
			return false, "excluded: " + r.String()
		}
	}
	if len(ca.PermittedIPRanges) == 0 {
		return true, ""
	}
	var list []string
	for _, r := range ca.PermittedIPRanges {
		if r.Contains(ip) {
			return true, ""
		}
		list = append(list, r.String())
	}
	return false, "permitted: " + joinComma(list)
}

func joinComma(s []string) string {
	out := ""
	for i, x := range s {
		if i > 0 {
			out += ", "
		}
		out += x
	}
	return out
}
