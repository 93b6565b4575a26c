package clients

import (
	"crypto/rsa"
	"crypto/tls"
	"crypto/x509"
	"strconv"
	"strings"
	"time"
)

// Finding is what a rule needs to know about one of the engine's findings.
// The ids are the engine's (checks.ID as a string).
type Finding struct {
	ID       string
	Fail     bool // the engine's own severity is a failure
	Evidence map[string]string
	// Cert is the certificate the finding is about, nil when none.
	Cert *x509.Certificate
}

// Situation is what the rules need to know about the whole diagnosis.
type Situation struct {
	Host string
	Leaf *x509.Certificate
	// OSTrusted is the OS verifier's answer: nil when it was not asked
	// (Linux, or it failed), else whether it trusts the chain.
	OSTrusted *bool
	// Stapled: the gateway stapled an OCSP answer.
	Stapled bool
	// ChainTrusted: the engine's own path reached a trusted root.
	ChainTrusted bool
}

// appleLifetimeSince is when Apple's 825-day limit starts (HT210176).
var appleLifetimeSince = time.Date(2019, 7, 1, 0, 0, 0, 0, time.UTC)

// trustIDs are the findings about who issued the chain: the ones an OS
// verifier that trusts the chain (a root fetched from Windows Update, an
// intermediate from AIA or the OS's cache) overrules. trust_store_outdated
// is one: a current public root missing from the store as read is what
// Windows' automatic root update fetches when CryptoAPI builds the chain
// ("Configure Trusted Roots and Disallowed Certificates", Microsoft Learn),
// so a client that asks CryptoAPI connects although the store is old.
var trustIDs = map[string]bool{"untrusted_root": true, "self_signed": true, "missing_intermediate": true,
	"trust_store_outdated": true}

// never are findings that no client refuses a gateway for: notes, and a
// warning about a check that could not be made.
var never = map[string]bool{"ok": true, "chain_order": true, "client_cert_optional": true,
	"ntp_unavailable": true, "revocation_unknown": true}

// Blocks says whether the finding makes the client described by p refuse
// the gateway. An id no rule knows blocks when the engine calls it a
// failure: the conservative answer for findings added after this table.
func (p Profile) Blocks(f Finding, s Situation) bool {
	if never[f.ID] {
		return false
	}
	if trustIDs[f.ID] && p.OSVerifier && s.OSTrusted != nil && *s.OSTrusted {
		return false
	}
	switch f.ID {
	case "clock_skew":
		return f.Fail // a warning-size offset refuses nothing
	case "tls_version":
		v, ok := parseTLS(f.Evidence["tls_version"])
		// At TLS 1.2 or newer the trouble is the cipher suites, which
		// this table does not model: refused, conservatively.
		return !ok || v < p.MinTLS || v >= tls.VersionTLS12
	case "missing_intermediate":
		return !(p.FetchesAIA && f.Evidence["aia_url"] != "")
	case "revoked":
		stapled := f.Evidence["source"] == "stapled" || s.Stapled && f.Cert != nil && s.Leaf != nil && f.Cert.Equal(s.Leaf)
		return p.Revocation.Online || p.Revocation.Stapled && stapled
	case "hostname_mismatch":
		return !(p.CNFallback && cnOnlyMatch(s.Leaf, s.Host))
	case "wrong_usage":
		return p.NeedsEKU || !ekuOnly(f.Cert)
	case "name_constraints":
		return p.NameConstraints
	case "weak_signature":
		alg := f.Evidence["signature_algorithm"]
		return !p.AcceptsSHA1 || !strings.Contains(alg, "SHA1")
	case "weak_key":
		return rsaBits(f.Cert, f.Evidence["key"]) < p.MinRSABits
	case "tls_interception":
		// Re-signed by a root this computer trusts: a client that trusts
		// the OS store connects (through the inspection); one that pins
		// refuses. An untrusted inspection root is already untrusted_root.
		return p.Pins || !s.ChainTrusted
	case "validity_too_long":
		return p.MaxLifetimeDays > 0 && s.Leaf != nil && !s.Leaf.NotBefore.Before(appleLifetimeSince) &&
			lifetimeDays(s.Leaf) > p.MaxLifetimeDays
	case "legacy_renegotiation":
		// OpenSSL 3 clients refuse a server without RFC 5746
		// (SSL_OP_LEGACY_SERVER_CONNECT is off by default since 3.0);
		// GnuTLS, CryptoAPI, Apple's and BoringSSL-based stacks connect.
		// Measured against gnutls-serv in checks/probe_test.go.
		return strings.Contains(p.Verifier, "OpenSSL")
	case "unclassified":
		// Refused by the OS verifier alone: only a client that uses it.
		if f.Evidence["verifier"] == "os" {
			return p.OSVerifier
		}
	}
	return f.Fail
}

// BlockedBy lists the ids of the profiles the finding blocks.
func BlockedBy(f Finding, s Situation) []string {
	out := []string{}
	for _, p := range profiles {
		if p.Blocks(f, s) {
			out = append(out, p.ID)
		}
	}
	return out
}

func parseTLS(s string) (uint16, bool) {
	switch s {
	case "TLS 1.0":
		return tls.VersionTLS10, true
	case "TLS 1.1":
		return tls.VersionTLS11, true
	case "TLS 1.2":
		return tls.VersionTLS12, true
	case "TLS 1.3":
		return tls.VersionTLS13, true
	case "SSL 3.0":
		return tls.VersionSSL30, true //nolint:staticcheck // named to be refused
	}
	return 0, false
}

// cnOnlyMatch: the leaf has no subjectAltName names at all and its common
// name is the host, the case libraries with a CN fallback accept.
func cnOnlyMatch(leaf *x509.Certificate, host string) bool {
	if leaf == nil || len(leaf.DNSNames) > 0 || len(leaf.IPAddresses) > 0 || len(leaf.URIs) > 0 || len(leaf.EmailAddresses) > 0 {
		return false
	}
	cn := strings.ToLower(strings.TrimSuffix(leaf.Subject.CommonName, "."))
	h := strings.ToLower(strings.TrimSuffix(host, "."))
	if cn == h {
		return true
	}
	if strings.HasPrefix(cn, "*.") {
		if i := strings.IndexByte(h, '.'); i > 0 && h[i+1:] == cn[2:] {
			return true
		}
	}
	return false
}

// ekuOnly: the certificate is refused only for its extended key usage
// (no serverAuth), not for a key usage that forbids signing: clients that
// do not check the EKU still need the key usage to allow the handshake.
func ekuOnly(c *x509.Certificate) bool {
	if c == nil {
		return false
	}
	if c.IsCA {
		return true // a CA's EKU restriction: the same lenient libraries ignore it
	}
	return c.KeyUsage == 0 || c.KeyUsage&(x509.KeyUsageDigitalSignature|x509.KeyUsageKeyEncipherment) != 0
}

func rsaBits(c *x509.Certificate, ev string) int {
	if c != nil {
		if k, ok := c.PublicKey.(*rsa.PublicKey); ok {
			return k.N.BitLen()
		}
	}
	if n, err := strconv.Atoi(strings.TrimPrefix(ev, "RSA ")); err == nil {
		return n
	}
	return 0
}

func lifetimeDays(c *x509.Certificate) int {
	return int(c.NotAfter.Sub(c.NotBefore).Hours() / 24)
}

// StrictBlocks is the verdict when no client is known: the engine's own
// (strictest) reading, except that a trust failure the OS verifier
// overrules is no failure: on Windows and macOS the OS verifier is what
// nearly every VPN client follows, and it may fetch what the store lacked.
func StrictBlocks(f Finding, s Situation) bool {
	if trustIDs[f.ID] && s.OSTrusted != nil && *s.OSTrusted {
		return false
	}
	return f.Fail
}
