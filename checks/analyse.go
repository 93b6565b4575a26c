package checks

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/x509"
	"fmt"
	"net"
	"strings"
	"time"

	"github.com/vpndoctor/vpndoctor/checks/pathbuild"
)

// Thresholds the findings use.
const (
	// skewWarn is the clock offset that is worth a warning on its own.
	skewWarn = 5 * time.Minute
	// appleMaxDays is what Apple platforms accept for any TLS server
	// certificate issued after 2019-07-01; publicMaxDays is the CA/Browser
	// Forum limit for publicly trusted ones since 2020-09-01.
	appleMaxDays  = 825
	publicMaxDays = 398
	minRSABits    = 2048
	minECBits     = 224 // P-192 is refused; P-224 is Go's smallest
)

func role(i, n int, c *x509.Certificate) string {
	switch {
	case i == 0:
		return "leaf"
	case i == n-1 && isSelfSigned(c):
		return "root"
	}
	return "intermediate"
}

// certEvidence is the evidence every certificate finding carries.
func certEvidence(f *Finding, c *x509.Certificate, r string) {
	f.Evidence[EvSubject] = displayName(c.Subject)
	f.Evidence[EvIssuer] = displayName(c.Issuer)
	f.Evidence[EvRole] = r
	f.Evidence[EvNotBefore] = c.NotBefore.UTC().Format(time.RFC3339)
	f.Evidence[EvNotAfter] = c.NotAfter.UTC().Format(time.RFC3339)
}

// checkTrust turns how path building ended into findings.
func checkTrust(p path, pool *trustPool) []Finding {
	var out []Finding
	n := len(p.links)
	last := p.links[n-1].cert
	for i, l := range p.links {
		if l.source == FromAIA {
			f := newFinding(MissingIntermed, Fail, "the server does not send its intermediate certificate",
				fmt.Sprintf("the chain is complete only after downloading %q from %s; VPN clients that do not fetch it refuse the server", displayName(l.cert.Subject), l.origin), i)
			f.Evidence[EvMissingCA] = displayName(l.cert.Subject)
			f.Evidence[EvAIAURL] = l.origin
			certEvidence(&f, l.cert, "intermediate")
			f.Evidence[EvSubject] = displayName(l.cert.Subject)
			out = append(out, f)
		}
	}
	if p.distrusted != nil {
		f := newFinding(UntrustedRoot, Fail, "a certificate of the chain is explicitly distrusted on this computer",
			fmt.Sprintf("%q is in the store's untrusted list (%s)", displayName(p.distrusted.cert.Subject), p.distrusted.origin), -1)
		certEvidence(&f, p.distrusted.cert, "")
		f.Evidence[EvIssuer] = displayName(p.distrusted.cert.Subject)
		out = append(out, f)
	}
	switch p.end {
	case endSelfSigned:
		if n == 1 {
			f := newFinding(SelfSigned, Fail, "the server's certificate is self-signed",
				"the certificate signs itself and this computer does not trust it", 0)
			certEvidence(&f, last, "leaf")
			out = append(out, f)
			break
		}
		f := newFinding(UntrustedRoot, Fail, "the certificate comes from a CA this computer does not trust",
			fmt.Sprintf("the chain ends at %q, which is not in this computer's trusted roots", displayName(last.Subject)), n-1)
		certEvidence(&f, last, "root")
		f.Evidence[EvIssuer] = displayName(last.Subject)
		out = append(out, f)
	case endIssuerMissing:
		if n == 1 {
			f := newFinding(MissingIntermed, Fail, "the server does not send its intermediate certificate",
				fmt.Sprintf("the certificate that issued the server's certificate, %q, was neither sent by the server nor found on this computer", displayName(last.Issuer)), 0)
			certEvidence(&f, last, "leaf")
			f.Evidence[EvMissingCA] = displayName(last.Issuer)
			if p.missingAIA != "" {
				f.Evidence[EvAIAURL] = p.missingAIA
				if p.aiaErr != nil {
					f.Detail += fmt.Sprintf("; downloading it from %s failed: %v", p.missingAIA, p.aiaErr)
				}
			}
			out = append(out, f)
			break
		}
		f := newFinding(UntrustedRoot, Fail, "the certificate comes from a CA this computer does not trust",
			fmt.Sprintf("%q was issued by %q, which is not in this computer's trusted roots", displayName(last.Subject), displayName(last.Issuer)), n-1)
		certEvidence(&f, last, "intermediate")
		f.Evidence[EvIssuer] = displayName(last.Issuer)
		out = append(out, f)
	case endBadSignature:
		f := newFinding(BadSignature, Fail, "a certificate's signature does not match its issuer",
			fmt.Sprintf("%q names %q as its issuer, but the certificate of that name (%s) did not sign it: the certificate was altered, or the wrong issuer is installed", displayName(last.Subject), displayName(last.Issuer), p.impostor.source), n-1)
		certEvidence(&f, last, role(n-1, n+1, last))
		f.Evidence[EvIssuer] = displayName(last.Issuer)
		out = append(out, f)
	case endTooDeep:
		f := newFinding(UntrustedRoot, Fail, "the certificate chain is too long to reach a trusted root",
			fmt.Sprintf("gave up after %d certificates", n), n-1)
		certEvidence(&f, last, "intermediate")
		out = append(out, f)
	}
	for i := range out {
		if out[i].ID != UntrustedRoot && out[i].ID != SelfSigned {
			continue
		}
		if where := pool.trustedElsewhere(last); where != "" {
			out[i].Detail += fmt.Sprintf("; other programs on this computer (%s) trust it, which is why it may work in a web browser", where)
		}
	}
	return out
}

// checkValidity compares every certificate's dates with this computer's
// clock and with the true time. When the clock alone explains a failure the
// finding is clock_skew, not the certificate's.
func checkValidity(links []link, clock ClockInfo) []Finding {
	local := clock.Local
	truth := local
	if clock.Known {
		truth = clock.True
	}
	var out []Finding
	localBad := false
	for i, l := range links {
		c := l.cert
		r := role(i, len(links), c)
		if local.After(c.NotAfter) || local.Before(c.NotBefore) {
			localBad = true
		}
		switch {
		case truth.After(c.NotAfter):
			f := newFinding(CertExpired, Fail, fmt.Sprintf("the %s certificate has expired", r),
				fmt.Sprintf("%q expired on %s", displayName(c.Subject), c.NotAfter.UTC().Format(time.RFC3339)), i)
			certEvidence(&f, c, r)
			out = append(out, f)
		case truth.Before(c.NotBefore):
			f := newFinding(CertNotYetValid, Fail, fmt.Sprintf("the %s certificate is not valid yet", r),
				fmt.Sprintf("%q is valid only from %s", displayName(c.Subject), c.NotBefore.UTC().Format(time.RFC3339)), i)
			certEvidence(&f, c, r)
			out = append(out, f)
		}
	}
	if !clock.Known {
		return out
	}
	for i := range out {
		// The dates were judged at the true time: say by which server.
		out[i].Evidence[EvNTPServer] = clock.Server
	}
	offset := time.Duration(clock.OffsetMS) * time.Millisecond
	if len(out) == 0 && localBad {
		f := newFinding(ClockSkew, Fail, "this computer's clock is wrong, so a valid certificate looks invalid",
			fmt.Sprintf("this computer's clock is off by %s; at the true time every certificate is valid", humanOffset(-offset)), -1)
		clockEvidence(&f, clock)
		return []Finding{f}
	}
	if offset > skewWarn || offset < -skewWarn {
		f := newFinding(ClockSkew, Warn, "this computer's clock is wrong",
			fmt.Sprintf("this computer's clock is off by %s", humanOffset(-offset)), -1)
		clockEvidence(&f, clock)
		out = append(out, f)
	}
	return out
}

func clockEvidence(f *Finding, clock ClockInfo) {
	offset := time.Duration(clock.OffsetMS) * time.Millisecond
	f.Evidence[EvClockOffset] = humanOffset(-offset)
	f.Evidence[EvOffsetMS] = fmt.Sprint(-clock.OffsetMS)
	f.Evidence[EvNTPServer] = clock.Server
	f.Evidence[EvLocalTime] = clock.Local.UTC().Format(time.RFC3339)
	f.Evidence[EvTrueTime] = clock.True.UTC().Format(time.RFC3339)
}

// humanOffset writes how far this computer's clock is from the truth:
// positive when it is ahead ("+2y3d", "-5m12s").
func humanOffset(d time.Duration) string {
	sign := "+"
	if d < 0 {
		sign, d = "-", -d
	}
	const day = 24 * time.Hour
	if d >= day {
		d = d.Round(time.Hour) // NTP round trips leave milliseconds that would read as "1y364d"
	}
	years := d / (365 * day)
	d -= years * 365 * day
	days := d / day
	d -= days * day
	var b strings.Builder
	b.WriteString(sign)
	if years > 0 {
		fmt.Fprintf(&b, "%dy", years)
	}
	if days > 0 {
		fmt.Fprintf(&b, "%dd", days)
	}
	if years == 0 {
		if days > 0 {
			fmt.Fprintf(&b, "%dh", d/time.Hour)
		} else {
			b.WriteString(d.Round(time.Second).String())
		}
	}
	return b.String()
}

func checkHostname(leaf *x509.Certificate, host string) []Finding {
	if err := leaf.VerifyHostname(host); err == nil {
		return nil
	}
	names := append([]string{}, leaf.DNSNames...)
	for _, ip := range leaf.IPAddresses {
		names = append(names, ip.String())
	}
	list := strings.Join(names, ", ")
	detail := fmt.Sprintf("%s is not among the names the certificate is valid for (%s)", host, list)
	if len(names) == 0 && pathbuild.NamesUnreadable(leaf) {
		list = "(unreadable)"
		detail = "the certificate's list of names (subjectAltName) is malformed and cannot be read, so it is valid for no name"
	} else if len(names) == 0 {
		list = "(none)"
		if leaf.Subject.CommonName != "" {
			list = fmt.Sprintf("(none; only the old common name %q, which browsers, Apple and Android devices no longer accept; some VPN clients still do)", leaf.Subject.CommonName)
		}
		detail = fmt.Sprintf("the certificate lists no names (subjectAltName); %s", list)
	}
	f := newFinding(HostnameMismatch, Fail, "the certificate is for another name", detail, 0)
	certEvidence(&f, leaf, "leaf")
	f.Evidence[EvDNSNames] = list
	return []Finding{f}
}

var weakAlgs = map[x509.SignatureAlgorithm]bool{
	x509.MD2WithRSA: true, x509.MD5WithRSA: true, x509.SHA1WithRSA: true,
	x509.DSAWithSHA1: true, x509.ECDSAWithSHA1: true,
}

// checkSignatures flags SHA-1 and MD5 signatures on every certificate but a
// trust anchor, whose own signature nobody checks.
func checkSignatures(links []link, anchored bool) []Finding {
	var out []Finding
	for i, l := range links {
		if anchored && i == len(links)-1 && i > 0 {
			continue
		}
		if weakAlgs[l.cert.SignatureAlgorithm] {
			r := role(i, len(links), l.cert)
			f := newFinding(WeakSignature, Fail, fmt.Sprintf("the %s certificate uses an outdated signature (%s)", r, l.cert.SignatureAlgorithm),
				fmt.Sprintf("%q is signed with %s, which current clients refuse", displayName(l.cert.Subject), l.cert.SignatureAlgorithm), i)
			certEvidence(&f, l.cert, r)
			f.Evidence[EvSigAlg] = l.cert.SignatureAlgorithm.String()
			out = append(out, f)
		}
	}
	return out
}

func keyDescription(c *x509.Certificate) string {
	switch k := c.PublicKey.(type) {
	case *rsa.PublicKey:
		return fmt.Sprintf("RSA %d", k.N.BitLen())
	case *ecdsa.PublicKey:
		return fmt.Sprintf("ECDSA %s", k.Curve.Params().Name)
	case ed25519.PublicKey:
		return "Ed25519"
	}
	return c.PublicKeyAlgorithm.String()
}

func checkKeys(links []link) []Finding {
	var out []Finding
	for i, l := range links {
		detail := weakKey(l.cert)
		if detail == "" {
			continue
		}
		r := role(i, len(links), l.cert)
		f := newFinding(WeakKey, Fail, fmt.Sprintf("the %s certificate's key is too short", r), detail, i)
		certEvidence(&f, l.cert, r)
		f.Evidence[EvKey] = keyDescription(l.cert)
		out = append(out, f)
	}
	return out
}

// weakKey says why c's key is too short for VPN clients, or "".
func weakKey(c *x509.Certificate) string {
	switch k := c.PublicKey.(type) {
	case *rsa.PublicKey:
		if k.N.BitLen() < minRSABits {
			return fmt.Sprintf("%q has an RSA key of %d bits; at least %d are required", displayName(c.Subject), k.N.BitLen(), minRSABits)
		}
	case *ecdsa.PublicKey:
		// P-192 (read by pathbuild, curves.go): 96-bit security. OpenSSL
		// refuses keys under 112 bits at its default security level 2
		// ("ca key too small"; man SSL_CTX_set_security_level); Windows'
		// CNG verifies ECDSA only on P-256, P-384 and P-521.
		if p := k.Curve.Params(); p.BitSize < minECBits {
			return fmt.Sprintf("%q has an ECDSA key on %s (%d-bit security); VPN clients need P-256 or stronger", displayName(c.Subject), p.Name, p.BitSize/2)
		}
	}
	return ""
}

var ekuNames = map[x509.ExtKeyUsage]string{
	x509.ExtKeyUsageAny: "any", x509.ExtKeyUsageServerAuth: "serverAuth", x509.ExtKeyUsageClientAuth: "clientAuth",
	x509.ExtKeyUsageCodeSigning: "codeSigning", x509.ExtKeyUsageEmailProtection: "emailProtection",
	x509.ExtKeyUsageTimeStamping: "timeStamping", x509.ExtKeyUsageOCSPSigning: "OCSPSigning",
	x509.ExtKeyUsageIPSECEndSystem: "ipsecEndSystem", x509.ExtKeyUsageIPSECTunnel: "ipsecTunnel",
	x509.ExtKeyUsageIPSECUser: "ipsecUser",
}

func usageList(c *x509.Certificate) string {
	var parts []string
	for _, u := range c.ExtKeyUsage {
		if n, ok := ekuNames[u]; ok {
			parts = append(parts, n)
		} else {
			parts = append(parts, fmt.Sprintf("eku(%d)", u))
		}
	}
	for _, oid := range c.UnknownExtKeyUsage {
		parts = append(parts, oid.String())
	}
	if c.KeyUsage != 0 {
		var ku []string
		if c.KeyUsage&x509.KeyUsageDigitalSignature != 0 {
			ku = append(ku, "digitalSignature")
		}
		if c.KeyUsage&x509.KeyUsageKeyEncipherment != 0 {
			ku = append(ku, "keyEncipherment")
		}
		if c.KeyUsage&x509.KeyUsageCertSign != 0 {
			ku = append(ku, "keyCertSign")
		}
		parts = append(parts, "keyUsage="+strings.Join(ku, "+"))
	}
	if len(parts) == 0 {
		return "(no usage restrictions)"
	}
	return strings.Join(parts, ", ")
}

func allowsServerAuth(c *x509.Certificate) bool {
	if len(c.ExtKeyUsage) == 0 && len(c.UnknownExtKeyUsage) == 0 {
		return true
	}
	for _, u := range c.ExtKeyUsage {
		if u == x509.ExtKeyUsageServerAuth || u == x509.ExtKeyUsageAny {
			return true
		}
	}
	return false
}

// checkUsage: the leaf must allow TLS server authentication, and so must every
// CA that restricts its own extended key usage.
func checkUsage(links []link) []Finding {
	var out []Finding
	for i, l := range links {
		c := l.cert
		bad := !allowsServerAuth(c)
		if i == 0 && c.KeyUsage != 0 && c.KeyUsage&(x509.KeyUsageDigitalSignature|x509.KeyUsageKeyEncipherment) == 0 {
			bad = true
		}
		if !bad {
			continue
		}
		r := role(i, len(links), c)
		f := newFinding(WrongUsage, Fail, fmt.Sprintf("the %s certificate is not meant for a server", r),
			fmt.Sprintf("%q allows only %s, not TLS server authentication", displayName(c.Subject), usageList(c)), i)
		certEvidence(&f, c, r)
		f.Evidence[EvUsage] = usageList(c)
		out = append(out, f)
	}
	return out
}

// checkNameConstraints applies every CA's name constraints, DNS and IP
// (permitted and excluded), to the leaf's names and addresses and to the
// host connected to.
func checkNameConstraints(links []link, host string) []Finding {
	if len(links) < 2 {
		return nil
	}
	leaf := links[0].cert
	names := append([]string{}, leaf.DNSNames...)
	ips := append([]net.IP{}, leaf.IPAddresses...)
	if hostIP := net.ParseIP(host); hostIP != nil {
		if !containsIP(ips, hostIP) {
			ips = append(ips, hostIP)
		}
	} else if !containsFold(names, host) {
		names = append(names, host)
	}
	var out []Finding
	for i, l := range links[1:] {
		ca := l.cert
		name, why := firstRefused(ca, names, ips)
		if why == "" {
			continue
		}
		what := "name"
		if net.ParseIP(name) != nil {
			what = "address"
		}
		f := newFinding(NameConstraints, Fail, "a CA of the chain may not issue certificates for this "+what,
			fmt.Sprintf("%q is restricted to %s, but the certificate is for %s", displayName(ca.Subject), why, name), i+1)
		certEvidence(&f, ca, role(i+1, len(links), ca))
		f.Evidence[EvConstraint] = why
		f.Evidence[EvDNSNames] = name
		out = append(out, f)
	}
	return out
}

// firstRefused returns the first name or address ca's constraints refuse,
// and the constraint.
func firstRefused(ca *x509.Certificate, names []string, ips []net.IP) (string, string) {
	for _, n := range names {
		if ok, why := dnsAllowed(ca, n); !ok {
			return n, why
		}
	}
	for _, ip := range ips {
		if ok, why := ipAllowed(ca, ip); !ok {
			return ip.String(), why
		}
	}
	return "", ""
}

func containsIP(list []net.IP, ip net.IP) bool {
	for _, x := range list {
		if x.Equal(ip) {
			return true
		}
	}
	return false
}

func containsFold(list []string, s string) bool {
	for _, x := range list {
		if strings.EqualFold(x, s) {
			return true
		}
	}
	return false
}

func dnsAllowed(ca *x509.Certificate, name string) (bool, string) {
	name = strings.ToLower(strings.TrimSuffix(name, "."))
	for _, ex := range ca.ExcludedDNSDomains {
		if domainMatch(name, ex) {
			return false, "excluded: " + ex
		}
	}
	if len(ca.PermittedDNSDomains) == 0 {
		return true, ""
	}
	for _, p := range ca.PermittedDNSDomains {
		if domainMatch(name, p) {
			return true, ""
		}
	}
	return false, "permitted: " + strings.Join(ca.PermittedDNSDomains, ", ")
}

// domainMatch follows RFC 5280 4.2.1.10: "example.com" covers itself and its
// subdomains, ".example.com" only subdomains.
func domainMatch(name, constraint string) bool {
	constraint = strings.ToLower(constraint)
	if strings.HasPrefix(name, "*.") {
		name = name[1:] // a wildcard covers subdomains only
	}
	if strings.HasPrefix(constraint, ".") {
		return strings.HasSuffix(name, constraint)
	}
	return name == constraint || strings.HasSuffix(name, "."+constraint)
}

func checkLifetime(leaf *x509.Certificate) []Finding {
	days := int(leaf.NotAfter.Sub(leaf.NotBefore).Hours() / 24)
	limit := 0
	switch {
	case days > appleMaxDays:
		limit = appleMaxDays
	case days > publicMaxDays:
		limit = publicMaxDays
	default:
		return nil
	}
	f := newFinding(ValidityTooLong, Warn, "the server's certificate is valid for longer than some devices accept",
		fmt.Sprintf("the certificate is valid for %d days; Apple devices refuse more than %d, public CAs may issue at most %d", days, appleMaxDays, publicMaxDays), 0)
	certEvidence(&f, leaf, "leaf")
	f.Evidence[EvLifetime] = fmt.Sprint(days)
	f.Evidence[EvLimit] = fmt.Sprint(limit)
	return []Finding{f}
}

// checkSentOrder notes certificates the server sends that are not part of
// the path, or sends out of order. Most clients cope; some old ones do not,
// and it often means a forgotten certificate in the gateway's bundle.
func checkSentOrder(sent []*x509.Certificate, links []link) []Finding {
	inPath := map[string]bool{}
	for _, l := range links {
		inPath[string(l.cert.Raw)] = true
	}
	var extra []string
	for _, c := range sent {
		if !inPath[string(c.Raw)] {
			extra = append(extra, displayName(c.Subject))
		}
	}
	outOfOrder := false
	for i := 0; i+1 < len(sent) && i+1 < len(links); i++ {
		if links[i+1].source == FromServer && !sameCert(sent[i+1], links[i+1].cert) {
			outOfOrder = true
		}
	}
	if len(extra) == 0 && !outOfOrder {
		return nil
	}
	detail := "the server sends its certificates out of order"
	if len(extra) > 0 {
		detail = fmt.Sprintf("the server sends certificates that are not part of the chain: %s", strings.Join(extra, "; "))
	}
	f := newFinding(ChainOrder, Info, "the server's certificate list is untidy", detail, -1)
	f.Evidence[EvSubject] = strings.Join(extra, "; ")
	return []Finding{f}
}
