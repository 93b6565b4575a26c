// Package checks is the diagnosis engine: it connects to a VPN gateway the way a
// VPN client would and names, with a stable id, every reason the client could
// refuse the gateway's certificate. It imports neither Fyne nor platform/: the
// trust store comes in as a TrustStore value.
package checks

import (
	"crypto/x509"
	"time"
)

// ID is a finding's stable identifier. The strings are a public contract: the
// fix guide, the JSON output and IT's scripts key on them.
type ID string

// Finding ids. Keep the strings exact.
const (
	OK                 ID = "ok"
	DNSFailure         ID = "dns_failure"
	Unreachable        ID = "unreachable"
	Timeout            ID = "timeout"
	NotTLS             ID = "not_tls"
	TLSVersion         ID = "tls_version"
	CertExpired        ID = "cert_expired"
	CertNotYetValid    ID = "cert_not_yet_valid"
	ClockSkew          ID = "clock_skew"
	UntrustedRoot      ID = "untrusted_root"
	SelfSigned         ID = "self_signed"
	HostnameMismatch   ID = "hostname_mismatch"
	MissingIntermed    ID = "missing_intermediate"
	Revoked            ID = "revoked"
	RevocationUnknown  ID = "revocation_unknown"
	WeakSignature      ID = "weak_signature"
	WrongUsage         ID = "wrong_usage"
	NameConstraints    ID = "name_constraints"
	ClientCertRequired ID = "client_cert_required"
	TLSInterception    ID = "tls_interception"
	ValidityTooLong    ID = "validity_too_long"

	// Added beyond the first list.
	WeakKey           ID = "weak_key"             // RSA < 2048 bits: refused by current clients
	ClientCertRequest ID = "client_cert_optional" // the gateway asks for, but does not demand, a device certificate
	NTPUnavailable    ID = "ntp_unavailable"      // the true time could not be learned; validity judged by the local clock
	Unclassified      ID = "unclassified"         // the platform verifier refused, and no specific cause explains it
	ChainOrder        ID = "chain_order"          // the server sends extra or out-of-order certificates (harmless for most clients)
	ClientCertExpired ID = "client_cert_expired"  // reserved for the platform adapters (issue 4)
	ClientCertUntrust ID = "client_cert_untrusted"
	UnexpectedCert    ID = "unexpected_certificate" // reserved for IT pre-configuration (issue 8)

	// Issue 11: chains, paths and the permissive probe.
	//
	BadSignature        ID = "bad_signature"        // a certificate's signature does not verify with its issuer's key
	NotCA               ID = "not_a_ca"             // a certificate that issued another is not a CA (no basicConstraints, or CA:FALSE)
	PathTooLong         ID = "path_too_long"        // a CA's path length constraint is exceeded
	LegacyRenegotiation ID = "legacy_renegotiation" // no RFC 5746 secure renegotiation: OpenSSL 3 based clients refuse the server
	ChainTooLarge       ID = "chain_too_large"      // the certificate message is larger than TLS clients read

	// Issue 12: judging like the VPN client.
	//

	// Issue 13: device-certificate login.
	ClientCertNoKey   ID = "client_cert_no_key"        // the device certificate has no usable private key
	ClientCertNotYet  ID = "client_cert_not_yet_valid" // the device certificate's dates have not begun
	ClientCertUsage   ID = "client_cert_usage"         // the device certificate is not for client authentication
	ClientCertChain   ID = "client_cert_chain"         // the device intermediate CA is not sent with it
	ClientCertRefused ID = "client_cert_refused"       // the gateway refused the device certificate for a reason not visible here
	ClientCertRevoked ID = "client_cert_revoked"       // the device certificate's CA revoked it (its OCSP responder or CRL says so)

	// Issue 14: every endpoint and node.
	PinnedCertChanged  ID = "pinned_certificate_changed" // a fingerprint the VPN client saved no longer matches the gateway
	CaptivePortal      ID = "captive_portal"             // a Wi-Fi sign-in page answers in the gateway's place
	TrustStoreOutdated ID = "trust_store_outdated"       // the chain ends at a current public root this computer lacks or holds only in an old form

	// Issue 15: clock and revocation.
	//

	// Issue 16: hardening.
	//
)

// Severity says how much a finding matters.
type Severity string

// Severities, from worst to best.
const (
	Fail Severity = "fail"
	Warn Severity = "warn"
	Info Severity = "info"
	Pass Severity = "pass"
)

// Evidence keys. The fix guide's placeholders ({host}, {not_after}, ...) are
// filled from these, so they are a contract too.
const (
	EvHost        = "host"
	EvPort        = "port"
	EvStep        = "step"         // which step a timeout or error happened in
	EvError       = "error"        // the raw error text, for IT
	EvAddresses   = "addresses"    // resolved addresses, comma separated
	EvTLSVersion  = "tls_version"  // e.g. "TLS 1.0"
	EvCipher      = "cipher"       // cipher suite name
	EvSubject     = "subject"      // the certificate the finding is about
	EvIssuer      = "issuer"       // its issuer
	EvRole        = "role"         // leaf, intermediate or root
	EvNotBefore   = "not_before"   // RFC 3339
	EvNotAfter    = "not_after"    // RFC 3339
	EvMissingCA   = "missing_ca"   // the CA name the chain needs but nobody sent
	EvAIAURL      = "aia_url"      // where the missing CA can be downloaded
	EvClockOffset = "clock_offset" // human duration, e.g. "+2y3d" or "-5m"
	EvOffsetMS    = "offset_ms"    // the same in milliseconds (signed)
	EvNTPServer   = "ntp_server"
	EvLocalTime   = "local_time" // RFC 3339
	EvTrueTime    = "true_time"  // RFC 3339, by NTP
	EvAcceptedCAs = "accepted_cas"
	EvProduct     = "product" // TLS inspection product name
	EvSigAlg      = "signature_algorithm"
	EvDNSNames    = "dns_names"     // the names a certificate is valid for
	EvRevokedAt   = "revoked_at"    // RFC 3339
	EvRevSource   = "source"        // ocsp, crl or stapled
	EvURL         = "url"           // the responder or CRL address
	EvUsage       = "usage"         // the key usages the certificate carries
	EvLifetime    = "lifetime_days" // the leaf's lifetime in days
	EvLimit       = "limit_days"    // the platform limit it exceeds
	EvConstraint  = "constraint"    // the name constraint that was broken
	EvKey         = "key"           // e.g. "RSA 1024"
	EvPeek        = "received"      // first bytes the port sent (not_tls)
	EvProtocol    = "protocol"      // what the port seems to speak instead (not_tls)

	// Issue 11: chains, paths and the permissive probe.
	//
	EvPathLen     = "path_len"     // the path length a CA allows below it (path_too_long)
	EvTLSAlert    = "tls_alert"    // the alert a gateway refused the device certificate with, e.g. "bad_certificate (42)"
	EvMessageSize = "message_size" // the size of the server's certificate message (chain_too_large)

	// Issue 12: judging like the VPN client.
	EvVerifier = "verifier" // "os" on the finding that is the OS verifier's own refusal

	// Issue 13: device-certificate login.
	EvGatewayAnswer = "gateway_answer" // what the gateway said when it refused ("HTTP 401 No certificate")

	// The device certificate's revocation (client_cert_revoked).
	EvSerial    = "serial"            // a certificate's serial number, in hex (client_cert_revoked)
	EvRevReason = "revocation_reason" // why the CA revoked it, in the engine's English ("key compromise")

	// Issue 14: every endpoint and node.
	EvAddress        = "address"         // the server address (node) a finding is about, when a name has several
	EvNodes          = "nodes"           // how many of the name's servers show it, e.g. "1 of 2"
	EvEndpoint       = "endpoint"        // which endpoint of the login: gateway, portal, backup, identity provider
	EvPinned         = "pinned_sha256"   // the fingerprint the VPN client saved
	EvFingerprint    = "sha256"          // the gateway certificate's fingerprint now
	EvPinSource      = "pin_source"      // the file that holds the saved fingerprint
	EvPortalURL      = "portal_url"      // where the Wi-Fi's sign-in page is
	EvPublicRoot     = "public_root"     // the current public root the chain needs
	EvGatewayProduct = "gateway_product" // the gateway product id (cisco_asa, fortigate, ...)

	// Issue 15: clock and revocation.
	//

	// Issue 16: hardening.
	//
)

// Finding is one thing the diagnosis found. Title and Detail are the engine's
// own English for technicians; the fix guide gives plain words in each language.
type Finding struct {
	ID       ID                `json:"id"`
	Severity Severity          `json:"severity"`
	Title    string            `json:"title"`
	Detail   string            `json:"detail,omitempty"`
	Evidence map[string]string `json:"evidence,omitempty"`
	// Cert is the index in Report.Chain of the certificate the finding is
	// about, or -1.
	Cert int `json:"cert"`
	// Issue 12: Blocks says whether this finding makes the chosen VPN
	// client refuse the gateway; BlocksClients lists every client profile
	// it would make refuse.
	Blocks        bool     `json:"blocks"`
	BlocksClients []string `json:"blocks_clients"`
}

// Source says where a chain certificate came from.
type Source string

// Certificate sources.
const (
	FromServer Source = "sent"
	FromAIA    Source = "aia"
	FromStore  Source = "store"
)

// ChainCert is one certificate of the chain as the engine built it: the ones
// the server sent, then whatever was needed to reach a root.
type ChainCert struct {
	Subject   string    `json:"subject"`
	Issuer    string    `json:"issuer"`
	Serial    string    `json:"serial"`
	NotBefore time.Time `json:"not_before"`
	NotAfter  time.Time `json:"not_after"`
	SHA256    string    `json:"sha256"`
	DNSNames  []string  `json:"dns_names,omitempty"`
	IPs       []string  `json:"ip_addresses,omitempty"`
	SigAlg    string    `json:"signature_algorithm"`
	Key       string    `json:"key"`
	IsCA      bool      `json:"is_ca"`
	Source    Source    `json:"source"`
	// Origin says more about Source: the store file or store name a root came
	// from, or the AIA URL an intermediate was fetched from.
	Origin string `json:"origin,omitempty"`
	PEM    string `json:"pem"`

	Cert *x509.Certificate `json:"-"`
}

// TLSInfo is what the handshake taught us.
type TLSInfo struct {
	Version          string   `json:"version,omitempty"`
	Cipher           string   `json:"cipher,omitempty"`
	ALPN             string   `json:"alpn,omitempty"`
	ClientCertAsked  bool     `json:"client_cert_requested"`
	ClientCertNeeded bool     `json:"client_cert_required"`
	AcceptedCAs      []string `json:"accepted_cas,omitempty"`
	OCSPStapled      bool     `json:"ocsp_stapled"`
	LegacyOnly       bool     `json:"legacy_only"` // spoke only TLS 1.1 or older
	SentCertificates int      `json:"sent_certificates"`
	HandshakeError   string   `json:"handshake_error,omitempty"`

	// Issue 11: what the server really negotiated, and which attempt got through.
	KeyExchange string `json:"key_exchange,omitempty"` // "ECDHE (X25519)", "DHE" or "RSA" (static)
	// SecureRenegotiation: the server supports RFC 5746; absent for TLS 1.3,
	// where renegotiation does not exist.
	SecureRenegotiation *bool  `json:"secure_renegotiation,omitempty"`
	Probe               string `json:"probe,omitempty"`                  // "crypto/tls", or "permissive" when only the second attempt got through
	ModernError         string `json:"modern_handshake_error,omitempty"` // why crypto/tls could not finish, when the permissive attempt did
	PermissiveError     string `json:"permissive_error,omitempty"`       // why the permissive attempt could not run
}

// ClockInfo compares this computer's clock with NTP.
type ClockInfo struct {
	Server   string    `json:"server"`
	OffsetMS int64     `json:"offset_ms"`
	Local    time.Time `json:"local_time"`
	True     time.Time `json:"true_time,omitempty"`
	Error    string    `json:"error,omitempty"`
	Known    bool      `json:"known"`

	// Issue 15: clock and revocation.
	// Source says where the true time came from (ClockNTP, ClockHTTPDate,
	// ClockOCSP) and PrecisionMS how far it may be off.
	Source      string       `json:"source,omitempty"`
	PrecisionMS int64        `json:"precision_ms,omitempty"`
	Servers     []ServerTime `json:"servers,omitempty"`
	// Coarse lists the fallback sources tried and why they were not used.
	Coarse []string `json:"coarse,omitempty"`
}

// ServerTime is one time server's answer (issue 15).
type ServerTime struct {
	Server   string `json:"server"`
	OffsetMS int64  `json:"offset_ms"`
	Error    string `json:"error,omitempty"`
}

// Target is a parsed gateway address.
type Target struct {
	Input string `json:"input"`
	Host  string `json:"host"` // ASCII (punycode) host, no brackets
	Port  int    `json:"port"`
	// Display is the host as the user typed it, Unicode kept.
	Display string `json:"display,omitempty"`
}

// Report is the one model every renderer (text, JSON, HTML, GUI) draws from.
type Report struct {
	SchemaVersion int              `json:"schema_version"`
	Tool          ToolInfo         `json:"tool"`
	Target        Target           `json:"target"`
	StartedAt     time.Time        `json:"started_at"`
	DurationMS    int64            `json:"duration_ms"`
	Primary       ID               `json:"primary"`
	Summary       string           `json:"summary"`
	Findings      []Finding        `json:"findings"`
	Chain         []ChainCert      `json:"chain"`
	TLS           TLSInfo          `json:"tls"`
	Clock         ClockInfo        `json:"clock"`
	Addresses     []string         `json:"addresses,omitempty"`
	Timings       map[string]int64 `json:"timings_ms"`
	Trust         TrustInfo        `json:"trust"`

	// Issue 11: chains, paths and the permissive probe.
	//
	// CandidatePaths lists every path from the leaf to an anchor that path
	// building found, the chosen one first, when there was more than one.
	CandidatePaths []PathInfo `json:"candidate_paths,omitempty"`

	// Issue 12: judging like the VPN client.
	Client     *ClientVerdict `json:"client,omitempty"`      // whose rules the findings were judged by
	OSVerifier *OSVerdict     `json:"os_verifier,omitempty"` // the OS's own verifier's answer, when asked

	// Issue 13: device-certificate login.
	Login       *LoginInfo   `json:"login,omitempty"`
	DeviceCerts []DeviceCert `json:"device_certificates,omitempty"`

	// Issue 14: every endpoint and node.
	Nodes     []NodeResult     `json:"nodes,omitempty"`     // one per address, when the name has several
	Endpoints []EndpointResult `json:"endpoints,omitempty"` // one per host of the login, when there are several
	Product   *ProductInfo     `json:"product,omitempty"`   // the gateway product, when recognised

	// Issue 15: clock and revocation.
	//

	// Issue 16: hardening.
	// RefusedFetches are AIA, OCSP and CRL addresses the certificates named
	// that the fetch policy did not fetch, and why.
	RefusedFetches []RefusedFetch `json:"refused_fetches,omitempty"`
}

// ToolInfo names the program that made a report.
type ToolInfo struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

// TrustInfo describes the trust store the chain was judged against.
type TrustInfo struct {
	Store      string `json:"store"`
	Roots      int    `json:"roots"`
	Error      string `json:"error,omitempty"`
	Verdict    string `json:"verdict"` // "trusted", "untrusted" or "not checked"
	OSVerdict  string `json:"os_verdict,omitempty"`
	AnchorFrom string `json:"anchor_from,omitempty"` // where the root the chain reached came from
}

// SchemaVersion of the JSON document.
const SchemaVersion = 1

// Version of vpndoctor; set from one place (the linker may override it).
var Version = "0.1.0"
