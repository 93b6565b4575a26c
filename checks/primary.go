package checks

import "sort"

// precedence orders the failures by which to fix first; Primary is the
// first failure in this list. The order is a judgement, so here is why:
//
//  1. Nothing about the certificate can be known until the connection works:
//     name, route, answer, TLS at all, a protocol version we share, a
//     certificate message clients will read.
//  2. The clock before validity: a wrong clock makes good certificates look
//     expired or not yet valid, and fixing it fixes them.
//  3. Interception before trust: the certificate seen is not the gateway's,
//     so judging its trust or names would blame the wrong party.
//  4. Trust (who issued it) before the certificate's own faults: an unknown
//     issuer makes every other statement about the chain unanchored.
//  5. Validity and revocation, then names and usage, then algorithms; then
//     the missing RFC 5746 support, which only OpenSSL 3 based clients
//     refuse, so that a certificate fault every client sees comes first.
//  6. The device's client certificate last: the gateway's certificate is
//     judged first in the handshake, so the user meets those problems first.
//     Among its faults, a missing key first (nothing else can be tried
//     without it), then dates, issuer, revocation, chain and usage, then a refusal no
//     local check explains, then a certificate missing altogether.
var precedence = []ID{
	DNSFailure, Unreachable, Timeout, NotTLS, TLSVersion, ChainTooLarge,
	CaptivePortal, // issue 14: the certificate seen is the Wi-Fi's, not the gateway's
	ClockSkew,
	TLSInterception, UnexpectedCert,
	PinnedCertChanged,  // issue 14: the user accepted the old certificate; only IT can vouch for the new one
	TrustStoreOutdated, // issue 14: before untrusted_root, which it explains
	SelfSigned, UntrustedRoot, MissingIntermed, BadSignature,
	CertExpired, CertNotYetValid, Revoked,
	HostnameMismatch, NameConstraints, WrongUsage, NotCA, PathTooLong,
	WeakSignature, WeakKey,
	LegacyRenegotiation,
	ClientCertNoKey, ClientCertExpired, ClientCertNotYet, ClientCertUntrust,
	ClientCertRevoked, // before chain and usage: the new certificate IT issues settles those too
	ClientCertChain, ClientCertUsage, ClientCertRefused, ClientCertRequired,
	Unclassified,
}

func rank(id ID) int {
	for i, p := range precedence {
		if p == id {
			return i
		}
	}
	return len(precedence)
}

var severityRank = map[Severity]int{Fail: 0, Warn: 1, Info: 2, Pass: 3}

// choosePrimary sorts findings (failures by precedence, then warnings and
// information) and returns the primary cause: the first failure, or ok.
func choosePrimary(fs []Finding) ID {
	sort.SliceStable(fs, func(i, j int) bool {
		si, sj := severityRank[fs[i].Severity], severityRank[fs[j].Severity]
		if si != sj {
			return si < sj
		}
		return rank(fs[i].ID) < rank(fs[j].ID)
	})
	if len(fs) > 0 && fs[0].Severity == Fail {
		return fs[0].ID
	}
	return OK
}
