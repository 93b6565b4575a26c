package checks

import (
	"crypto/sha1"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
)

// Pin is a gateway certificate fingerprint a VPN client saved when the user
// accepted it (openfortivpn's trusted-cert, OpenConnect's --servercert and
// NetworkManager's certsigs).
type Pin struct {
	// Host is the gateway the pin is for: host or host:port.
	Host string
	// Fingerprint as the client wrote it: hex SHA-256 or SHA-1 of the
	// certificate ("sha256:..." and "sha1:..." too), or "pin-sha256:BASE64"
	// of its public key.
	Fingerprint string
	Client      string // openfortivpn, NetworkManager openconnect, ...
	Source      string // the file it was read from
}

// matches reports whether the pin names this certificate.
func (p Pin) matches(c *x509.Certificate) bool {
	fp := strings.TrimSpace(p.Fingerprint)
	if b64, ok := strings.CutPrefix(fp, "pin-sha256:"); ok {
		sum := sha256.Sum256(c.RawSubjectPublicKeyInfo)
		return b64 == base64.StdEncoding.EncodeToString(sum[:])
	}
	fp = strings.TrimPrefix(strings.TrimPrefix(fp, "sha256:"), "sha1:")
	fp = strings.ToLower(normaliseFingerprint(fp))
	switch len(fp) {
	case 64:
		sum := sha256.Sum256(c.Raw)
		return fp == hex.EncodeToString(sum[:])
	case 40:
		sum := sha1.Sum(c.Raw)
		return fp == hex.EncodeToString(sum[:])
	}
	return false
}

// forTarget reports whether the pin was saved for this gateway.
func (p Pin) forTarget(t Target) bool {
	// A pin saved without a port (the default) is for any port.
	pt, err := ParseTarget(p.Host)
	return err == nil && strings.EqualFold(pt.Host, t.Host) && (pt.Port == t.Port || pt.Port == DefaultPort)
}

// checkPins compares the gateway's certificate with the fingerprints VPN
// clients saved for it. A saved fingerprint that matches nothing means the
// certificate changed since the user accepted it: the client refuses it
// (when it does not also trust the chain), and only IT can say whether the
// new one is genuine.
func checkPins(leaf *x509.Certificate, t Target, pins []Pin, trusted bool) []Finding {
	var mine []Pin
	for _, p := range pins {
		if p.forTarget(t) {
			if p.matches(leaf) {
				return nil
			}
			mine = append(mine, p)
		}
	}
	if len(mine) == 0 {
		return nil
	}
	sum := sha256.Sum256(leaf.Raw)
	now := hex.EncodeToString(sum[:])
	sev := Fail
	if trusted {
		// The client accepts a certificate the system trusts whatever it
		// saved; the stale entry only matters on the next change.
		sev = Warn
	}
	p := mine[0]
	f := newFinding(PinnedCertChanged, sev, "the gateway's certificate is not the one the VPN client saved",
		fmt.Sprintf("%s (%s) saved the fingerprint %s for %s; the gateway now sends %s", p.Client, p.Source, p.Fingerprint, t.Host, now), 0)
	certEvidence(&f, leaf, "leaf")
	f.Evidence[EvPinned] = p.Fingerprint
	f.Evidence[EvFingerprint] = now
	f.Evidence[EvPinSource] = p.Source
	if len(mine) > 1 {
		f.Detail += "; " + strconv.Itoa(len(mine)-1) + " more saved fingerprints do not match either"
	}
	return []Finding{f}
}
