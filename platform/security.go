package platform

import (
	"bytes"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/vpndoctor/vpndoctor/internal/lazyre"
)

// SecurityIdentity is one line of macOS `security find-identity`.
type SecurityIdentity struct {
	SHA1 string // upper-case hex of the certificate
	Name string
	// Problem is why macOS calls it invalid ("CSSMERR_TP_CERT_EXPIRED"),
	// empty for a valid identity.
	Problem string
}

var (
	identityLine    = lazyre.New(`^\s*\d+\)\s+([0-9A-Fa-f]{40})\s+"(.*)"\s*(?:\((.*)\))?\s*$`)
	identityTrailer = lazyre.New(`^\s*(\d+)\s+(valid\s+)?identit(y|ies)\s+found`)
)

// ParseSecurityIdentities reads `security find-identity [-v] -p ssl-client`:
// lines `  1) HEX "name"` (with " (CSSMERR_...)" for invalid ones) and
// "N identities found" trailers. An identity listed in both the matching
// and the valid section appears once. A missing trailer (truncated output)
// or a count that does not add up returns what was read and an error.
func ParseSecurityIdentities(out string) ([]SecurityIdentity, error) {
	var ids []SecurityIdentity
	seen := map[string]int{}
	trailers, sectionCount, badCount := 0, 0, false
	for _, line := range strings.Split(cleanToolText(out), "\n") {
		if m := identityLine.FindStringSubmatch(line); m != nil {
			sectionCount++
			h := strings.ToUpper(m[1])
			if i, ok := seen[h]; ok {
				if m[3] == "" {
					ids[i].Problem = "" // listed among the valid ones
				}
				continue
			}
			seen[h] = len(ids)
			ids = append(ids, SecurityIdentity{SHA1: h, Name: m[2], Problem: m[3]})
			continue
		}
		if m := identityTrailer.FindStringSubmatch(line); m != nil {
			trailers++
			if n, _ := strconv.Atoi(m[1]); n != sectionCount {
				badCount = true
			}
			sectionCount = 0
		}
	}
	switch {
	case trailers == 0:
		return ids, errors.New("find-identity: output ends without the 'identities found' line")
	case badCount:
		return ids, errors.New("find-identity: the count of identities does not match the lines listed")
	}
	return ids, nil
}

// ParseVerifyCert turns the output of `security verify-cert` into an
// OSVerdict answer: VerdictTrusted when it succeeded, else the "Cert Verify
// Result" it printed, else its first line.
func ParseVerifyCert(out string, succeeded bool) string {
	text := cleanToolText(out)
	if succeeded && strings.Contains(text, "successful") {
		return VerdictTrusted
	}
	for _, line := range strings.Split(text, "\n") {
		if _, v, ok := strings.Cut(line, "Cert Verify Result:"); ok && strings.TrimSpace(v) != "" {
			return strings.TrimSpace(v)
		}
	}
	if l := firstLine(text); l != "" {
		return l
	}
	if succeeded {
		return VerdictTrusted
	}
	return "refused, without a reason"
}

// Trust settings results, as macOS stores them.
const (
	trustResultRoot        = 1
	trustResultAsRoot      = 2
	trustResultDeny        = 3
	trustResultUnspecified = 4
)

// Trust is a macOS trust setting's effect on TLS server certificates.
type Trust int

// Trust effects.
const (
	TrustUnspecified Trust = iota // no setting for SSL: macOS decides as usual
	TrustAsRoot                   // "Always Trust"
	TrustDeny                     // "Never Trust"
)

// sslPolicyOID is Apple's SSL policy, 1.2.840.113635.100.1.3, DER-encoded
// without and with its tag.
var sslPolicyOID = []byte{0x2a, 0x86, 0x48, 0x86, 0xf7, 0x63, 0x64, 0x01, 0x03}

// ParseTrustSettingsPlist reads the plist `security trust-settings-export`
// writes and returns each certificate's effect on TLS, keyed by its
// upper-case SHA-1. Entries are keyed by hash, not by name, so two
// certificates with one name cannot be confused (as with the text of
// dump-trust-settings).
//
// As in Go's old macOS root loader: settings for another policy or for
// one application are ignored; no settings at all means always trusted.
func ParseTrustSettingsPlist(data []byte) (map[string]Trust, error) {
	v, err := ParsePlist(data)
	if err != nil && v == nil {
		return nil, err
	}
	root, _ := v.(map[string]any)
	list, ok := root["trustList"].(map[string]any)
	if !ok {
		if err == nil {
			err = errors.New("trust settings: no trustList")
		}
		return nil, err
	}
	out := map[string]Trust{}
	for hash, entry := range list {
		if b, herr := hex.DecodeString(hash); herr != nil || len(b) != 20 {
			continue
		}
		e, _ := entry.(map[string]any)
		settings, present := e["trustSettings"].([]any)
		if !present || len(settings) == 0 {
			out[strings.ToUpper(hash)] = TrustAsRoot
			continue
		}
		out[strings.ToUpper(hash)] = sslTrust(settings)
	}
	return out, err
}

func sslTrust(settings []any) Trust {
	for _, s := range settings {
		d, _ := s.(map[string]any)
		if d == nil || d["kSecTrustSettingsApplication"] != nil {
			continue
		}
		if !isSSLPolicy(d) {
			continue
		}
		result := int64(trustResultRoot) // the default when the key is absent
		if r, ok := d["kSecTrustSettingsResult"].(int64); ok {
			result = r
		}
		switch result {
		case trustResultRoot, trustResultAsRoot:
			return TrustAsRoot
		case trustResultDeny:
			return TrustDeny
		}
	}
	return TrustUnspecified
}

func isSSLPolicy(d map[string]any) bool {
	if name, ok := d["kSecTrustSettingsPolicyName"].(string); ok && name != "" {
		return name == "sslServer" || name == "SSL"
	}
	oid, ok := d["kSecTrustSettingsPolicy"].([]byte)
	if !ok {
		return true // no policy: applies to all
	}
	return bytes.Equal(oid, sslPolicyOID) || bytes.HasSuffix(oid, sslPolicyOID)
}

// Windows chain errors: CertVerifyCertificateChainPolicy's status codes and
// the CERT_TRUST_* bits of a chain. Kept here, OS-neutral, so the names are
// tested; the values are from winerror.h and wincrypt.h.
var chainPolicyErrors = map[uint32]string{
	0x800B0101: "CERT_E_EXPIRED",
	0x800B0102: "CERT_E_VALIDITYPERIODNESTING",
	0x800B0103: "CERT_E_ROLE",
	0x800B0104: "CERT_E_PATHLENCONST",
	0x800B0105: "CERT_E_CRITICAL",
	0x800B0106: "CERT_E_PURPOSE",
	0x800B0107: "CERT_E_ISSUERCHAINING",
	0x800B0108: "CERT_E_MALFORMED",
	0x800B0109: "CERT_E_UNTRUSTEDROOT",
	0x800B010A: "CERT_E_CHAINING",
	0x800B010C: "CERT_E_REVOKED",
	0x800B010D: "CERT_E_UNTRUSTEDTESTROOT",
	0x800B010E: "CERT_E_REVOCATION_FAILURE",
	0x800B010F: "CERT_E_CN_NO_MATCH",
	0x800B0110: "CERT_E_WRONG_USAGE",
	0x800B0111: "TRUST_E_EXPLICIT_DISTRUST",
	0x800B0112: "CERT_E_UNTRUSTEDCA",
	0x800B0113: "CERT_E_INVALID_POLICY",
	0x800B0114: "CERT_E_INVALID_NAME",
	0x80096004: "TRUST_E_CERT_SIGNATURE",
	0x80096010: "TRUST_E_BAD_DIGEST",
	0x80092010: "CRYPT_E_REVOKED",
	0x80092012: "CRYPT_E_NO_REVOCATION_CHECK",
	0x80092013: "CRYPT_E_REVOCATION_OFFLINE",
}

var trustErrorBits = []struct {
	bit  uint32
	name string
}{
	{0x00000001, "not time valid"},
	{0x00000004, "revoked"},
	{0x00000008, "signature not valid"},
	{0x00000010, "not valid for usage"},
	{0x00000020, "untrusted root"},
	{0x00000040, "revocation status unknown"},
	{0x00000080, "cyclic"},
	{0x00000800, "name constraint violation"},
	{0x00010000, "partial chain"},
	{0x01000000, "revocation offline"},
	{0x02000000, "no issuance chain policy"},
	{0x04000000, "explicitly distrusted"},
	{0x08000000, "unsupported critical extension"},
	{0x10000000, "weak signature"},
}

// describeChainPolicyError names a CertVerifyCertificateChainPolicy status
// and the chain's CERT_TRUST_* error bits for an OSVerdict answer, such as
// "CERT_E_UNTRUSTEDROOT (0x800B0109); chain: untrusted root".
func describeChainPolicyError(code, chainBits uint32) string {
	name, ok := chainPolicyErrors[code]
	if !ok {
		name = "error"
	}
	s := fmt.Sprintf("%s (0x%08X)", name, code)
	var bits []string
	for _, b := range trustErrorBits {
		if chainBits&b.bit != 0 {
			bits = append(bits, b.name)
		}
	}
	if len(bits) > 0 {
		s += "; chain: " + strings.Join(bits, ", ")
	}
	return s
}
