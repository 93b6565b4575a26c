package checks

import (
	"context"
	"crypto/x509"
	"fmt"
	"strings"
)

// judgeIdentities is superseded by deviceFindings (device_findings.go),
// which judges every identity against what the gateway did; it stays only
// so that branches still calling it merge. Remove it once none does.
//
// judgeIdentities refines client_cert_required with the user's own
// certificates: none at all (the device was never enrolled), one from an
// accepted CA but expired, or only ones from CAs the gateway does not accept.
func (r *run) judgeIdentities(ctx context.Context, f *Finding, acceptable []string) *Finding {
	if r.opts.ClientIdentities == nil {
		return f
	}
	ids, err := underDeadline(ctx, "the certificate look-up", r.opts.ClientIdentities)
	if err != nil || len(ids) == 0 {
		return f
	}
	now := r.opts.Now()
	var matching []*x509.Certificate
	for _, c := range ids {
		if issuerAccepted(c, acceptable) {
			matching = append(matching, c)
		}
	}
	if len(matching) == 0 {
		c := ids[0]
		g := newFinding(ClientCertUntrust, Fail, "this device's certificate is not one the gateway accepts",
			fmt.Sprintf("this user has %d certificate(s) with a private key, none issued by a CA the gateway accepts (%s)", len(ids), f.Evidence[EvAcceptedCAs]), -1)
		certEvidence(&g, c, "leaf")
		g.Evidence[EvAcceptedCAs] = f.Evidence[EvAcceptedCAs]
		return &g
	}
	for _, c := range matching {
		if !now.After(c.NotAfter) && !now.Before(c.NotBefore) {
			f.Detail += fmt.Sprintf("; this user has a valid certificate from an accepted CA (%q): the VPN client must be set to use it", displayName(c.Subject))
			return f
		}
	}
	c := matching[0]
	g := newFinding(ClientCertExpired, Fail, "this device's certificate has expired",
		fmt.Sprintf("the device certificate %q from an accepted CA expired on %s", displayName(c.Subject), c.NotAfter.UTC().Format("2006-01-02")), -1)
	certEvidence(&g, c, "leaf")
	return &g
}

// issuerAccepted: the gateway names the CAs it accepts by distinguished
// name; an empty list accepts any.
func issuerAccepted(c *x509.Certificate, acceptable []string) bool {
	if len(acceptable) == 0 {
		return true
	}
	for _, a := range acceptable {
		if strings.EqualFold(a, c.Issuer.String()) {
			return true
		}
	}
	return false
}
