package checks

import (
	"context"
	"crypto"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"fmt"
	"sort"
	"time"
)

// DeviceCert is one device identity (client certificate) as judged against
// the gateway: the one given with --client-cert, and every one the platform
// lists. No private key is ever part of it.
type DeviceCert struct {
	Subject   string    `json:"subject"`
	Issuer    string    `json:"issuer"`
	NotBefore time.Time `json:"not_before"`
	NotAfter  time.Time `json:"not_after"`
	SHA256    string    `json:"sha256"`
	// Source is "given" (--client-cert) or "system" (the platform's store).
	Source string `json:"source"`
	// Problems are the finding ids that stop the gateway accepting it.
	Problems []ID `json:"problems,omitempty"`
	// Note says, in the engine's English, what is wrong or why it is fine.
	Note string `json:"note,omitempty"`
	// WouldUse marks the identity the VPN client would present; Why says why.
	WouldUse bool   `json:"would_use"`
	Why      string `json:"why,omitempty"`
	// MissingCA names the device intermediate that is not sent.
	MissingCA string `json:"missing_ca,omitempty"`
	// Revocation is what its CA's OCSP responder or CRL says (nil: not
	// asked, see device_revocation.go).
	Revocation *DeviceRevocation `json:"revocation,omitempty"`

	cert  *x509.Certificate
	chain []*x509.Certificate // it and the intermediates given with it
}

// Device identity sources.
const (
	DeviceGiven  = "given"
	DeviceSystem = "system"
)

// deviceJudge holds what judging a device certificate needs.
type deviceJudge struct {
	r          *run
	ctx        context.Context
	acceptable []string
	now        time.Time
	pool       *trustPool
}

// judge checks one identity: chain is the certificate and the intermediates
// given with it; hasKey/keyErr say whether a matching private key is there.
func (j *deviceJudge) judge(chain []*x509.Certificate, source string, keyProblem string) DeviceCert {
	c := chain[0]
	sum := sha256.Sum256(c.Raw)
	d := DeviceCert{Subject: displayName(c.Subject), Issuer: displayName(c.Issuer), NotBefore: c.NotBefore.UTC(),
		NotAfter: c.NotAfter.UTC(), SHA256: hex.EncodeToString(sum[:]), Source: source, cert: c, chain: chain}
	var notes []string
	add := func(id ID, note string) {
		d.Problems = append(d.Problems, id)
		notes = append(notes, note)
	}
	if keyProblem != "" {
		add(ClientCertNoKey, keyProblem)
	}
	switch {
	case j.now.After(c.NotAfter):
		add(ClientCertExpired, "expired on "+c.NotAfter.UTC().Format("2006-01-02"))
	case j.now.Before(c.NotBefore):
		add(ClientCertNotYet, "not valid until "+c.NotBefore.UTC().Format("2006-01-02 15:04 MST"))
	}
	if !allowsClientAuth(c) {
		add(ClientCertUsage, "not made for logging in (its key usage is "+usageList(c)+")")
	}
	switch missing, ok := j.reachesAccepted(chain); {
	case ok && missing != nil:
		d.MissingCA = displayName(missing.Subject)
		add(ClientCertChain, fmt.Sprintf("its intermediate CA %q is not sent with it", d.MissingCA))
	case !ok:
		add(ClientCertUntrust, "issued by a CA the gateway does not accept")
	}
	if len(notes) == 0 {
		d.Note = "valid, for client authentication, from a CA the gateway accepts"
	} else {
		d.Note = joinWith(notes, "; ")
	}
	return d
}

// allowsClientAuth: no extended key usage means any; otherwise clientAuth
// (or anyExtendedKeyUsage) must be there, and a key usage, when present,
// must allow signing the handshake.
func allowsClientAuth(c *x509.Certificate) bool {
	if c.KeyUsage != 0 && c.KeyUsage&x509.KeyUsageDigitalSignature == 0 {
		return false
	}
	if len(c.ExtKeyUsage) == 0 && len(c.UnknownExtKeyUsage) == 0 {
		return true
	}
	for _, u := range c.ExtKeyUsage {
		if u == x509.ExtKeyUsageClientAuth || u == x509.ExtKeyUsageAny {
			return true
		}
	}
	return false
}

// maxDeviceChain bounds the walk up a device certificate's issuers.
const maxDeviceChain = 5

// reachesAccepted walks from the device certificate up through the
// intermediates given with it, then those this computer keeps and the AIA
// address, until a certificate issued by (or named as) an accepted CA. It
// returns the first intermediate that had to come from elsewhere than the
// given chain (the one the VPN client will not send), and whether the walk
// reached an accepted CA. An empty list (the gateway names none) accepts any.
func (j *deviceJudge) reachesAccepted(chain []*x509.Certificate) (*x509.Certificate, bool) {
	if len(j.acceptable) == 0 {
		return nil, true
	}
	var missing *x509.Certificate
	c := chain[0]
	used := map[string]bool{string(c.Raw): true}
	for depth := 0; depth < maxDeviceChain; depth++ {
		if j.accepted(rdnString(c.RawIssuer)) {
			return missing, true
		}
		next := issuerAmong(c, chain[1:], used)
		if next == nil {
			next = j.elsewhere(c, used)
			if next == nil {
				return nil, false
			}
			if missing == nil {
				missing = next
			}
		}
		if j.accepted(rdnString(next.RawSubject)) {
			return missing, true
		}
		used[string(next.Raw)] = true
		c = next
	}
	return nil, false
}

func (j *deviceJudge) accepted(name string) bool {
	for _, a := range j.acceptable {
		if a == name {
			return true
		}
	}
	return false
}

func issuerAmong(c *x509.Certificate, cands []*x509.Certificate, used map[string]bool) *x509.Certificate {
	for _, x := range cands {
		if !used[string(x.Raw)] && signedBy(c, x) {
			return x
		}
	}
	return nil
}

// elsewhere finds c's issuer among the intermediates this computer keeps,
// then at c's AIA address.
func (j *deviceJudge) elsewhere(c *x509.Certificate, used map[string]bool) *x509.Certificate {
	if j.pool != nil {
		for _, sc := range j.pool.intermediates {
			if x, err := sc.Parsed(); err == nil && !used[string(x.Raw)] && signedBy(c, x) {
				return x
			}
		}
	}
	if j.ctx == nil || len(c.IssuingCertificateURL) == 0 {
		return nil
	}
	certs, _, err := j.r.fetchIssuers(j.ctx, c)
	if err != nil {
		return nil
	}
	return issuerAmong(c, certs, used)
}

// keyProblem says why the private key given with a certificate cannot be
// used to log in, or "" when it can.
func keyProblem(leaf *x509.Certificate, key crypto.PrivateKey) string {
	if key == nil {
		return "no private key was found for it"
	}
	s, ok := key.(crypto.Signer)
	if !ok {
		return "its private key cannot sign"
	}
	pub, ok := s.Public().(interface{ Equal(crypto.PublicKey) bool })
	if !ok || !pub.Equal(leaf.PublicKey) {
		return "the private key given does not belong to this certificate"
	}
	return ""
}

// pickIdentity marks the identity the VPN client would present: the one it
// was given, else the newest system certificate with no problem (clients
// filter on the gateway's accepted CAs, the dates and client-authentication
// usage, and prefer the newest).
func pickIdentity(ds []DeviceCert) {
	for i := range ds {
		if ds[i].Source == DeviceGiven {
			ds[i].WouldUse = true
			ds[i].Why = "it is the certificate the VPN client was given"
			return
		}
	}
	best := -1
	for i, d := range ds {
		if len(d.Problems) == 0 && (best < 0 || d.NotBefore.After(ds[best].NotBefore)) {
			best = i
		}
	}
	if best < 0 {
		return
	}
	ds[best].WouldUse = true
	ds[best].Why = "valid now, allowed for client authentication and issued by a CA the gateway accepts"
	if n := countUsable(ds); n > 1 {
		ds[best].Why += fmt.Sprintf("; the newest of %d such certificates", n)
	}
}

func countUsable(ds []DeviceCert) int {
	n := 0
	for _, d := range ds {
		if len(d.Problems) == 0 {
			n++
		}
	}
	return n
}

// sortDevice puts the one that would be used first, then those from an
// accepted CA, then the others, fewest problems first.
func sortDevice(ds []DeviceCert) {
	sort.SliceStable(ds, func(i, j int) bool {
		if ds[i].WouldUse != ds[j].WouldUse {
			return ds[i].WouldUse
		}
		// One from an accepted CA is the one to fix; foreign ones come last.
		ui, uj := hasProblem(ds[i].Problems, ClientCertUntrust), hasProblem(ds[j].Problems, ClientCertUntrust)
		if ui != uj {
			return uj
		}
		return len(ds[i].Problems) < len(ds[j].Problems)
	})
}

func joinWith(parts []string, sep string) string {
	out := ""
	for i, p := range parts {
		if i > 0 {
			out += sep
		}
		out += p
	}
	return out
}
