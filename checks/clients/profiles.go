// Package clients holds what each VPN client on each operating system
// checks in a gateway's certificate, as data, and judges the engine's
// findings by it: does this finding make *this* VPN app refuse the gateway
// (a failure), or does the app accept it while IT should still fix it (a
// warning)?
//
// Every rule cites its source in Cite. A source is a vendor document, a
// measurement here ("measured: openconnect 9.01 + GnuTLS 3.7.9 against
// ocserv on loopback", see clients_lab_test.go), or "inferred: ..." with the
// reasoning, when neither was available. The package imports nothing of the
// engine: checks converts its findings into Finding and calls Judge.
package clients

import "crypto/tls"

// Rule names a field of Profile, to cite its source.
type Rule string

// The rules a profile states.
const (
	RuleVerifier   Rule = "verifier"    // who judges the chain: the OS or the client's own TLS library
	RuleMinTLS     Rule = "min_tls"     // oldest TLS version it still speaks
	RuleCN         Rule = "cn_fallback" // accepts a certificate whose name is only in the common name
	RuleEKU        Rule = "eku"         // requires serverAuth in the extended key usage
	RuleRevocation Rule = "revocation"  // which revocation answers it acts on
	RuleAIA        Rule = "aia"         // downloads a missing intermediate from the AIA address
	RuleLifetime   Rule = "lifetime"    // longest leaf lifetime it accepts
	RuleSHA1       Rule = "sha1"        // accepts SHA-1 signatures in the chain
	RuleRSA        Rule = "rsa"         // shortest RSA key it accepts
	RuleNameConstr Rule = "name_constraints"
	RuleUntrusted  Rule = "untrusted" // what it does with a certificate it cannot verify ("block untrusted servers")
	RulePinning    Rule = "pinning"   // whether it pins the gateway's certificate or key
)

// Rules lists every rule a profile must cite.
var Rules = []Rule{RuleVerifier, RuleMinTLS, RuleCN, RuleEKU, RuleRevocation, RuleAIA, RuleLifetime,
	RuleSHA1, RuleRSA, RuleNameConstr, RuleUntrusted, RulePinning}

// Revocation says which revocation answers a client acts on.
type Revocation struct {
	// Stapled: refuses a gateway whose stapled OCSP answer says revoked.
	Stapled bool `json:"stapled"`
	// Online: asks the OCSP responder or CRL itself and refuses a revoked
	// certificate (soft-fail: an unreachable responder does not refuse).
	Online bool `json:"online"`
}

// Profile is one VPN client on one OS and the rules it applies.
type Profile struct {
	ID     string `json:"id"`     // stable: JSON, --client and vpndoctor.json use it
	Family string `json:"family"` // the --client name: anyconnect, globalprotect, ...
	Name   string `json:"name"`   // for people: "Cisco Secure Client (AnyConnect) on Windows"
	OS     string `json:"os"`     // windows, macos, linux, ios, android
	// OSVerifier: the client hands the chain to the OS (CryptoAPI,
	// SecTrust, Android's TrustManager), so what the OS trusts, it trusts.
	OSVerifier bool       `json:"os_verifier"`
	Verifier   string     `json:"verifier"` // the verifier's name, for people
	MinTLS     uint16     `json:"min_tls"`
	CNFallback bool       `json:"cn_fallback"`
	NeedsEKU   bool       `json:"needs_server_auth_eku"`
	Revocation Revocation `json:"revocation"`
	FetchesAIA bool       `json:"fetches_aia"`
	// MaxLifetimeDays is the longest leaf lifetime accepted for
	// certificates issued on or after LifetimeSince (Apple: 825 days from
	// 2019-07-01); 0 means no limit.
	MaxLifetimeDays int  `json:"max_lifetime_days"`
	AcceptsSHA1     bool `json:"accepts_sha1"`
	MinRSABits      int  `json:"min_rsa_bits"`
	NameConstraints bool `json:"name_constraints"`
	// BlocksUntrusted: an unverifiable certificate is refused, not offered
	// to the user to accept.
	BlocksUntrusted bool `json:"blocks_untrusted"`
	// Pins: the client compares the gateway's certificate with one it
	// knows, so a re-signed (inspected) certificate is refused even when
	// its root is trusted.
	Pins bool            `json:"pins"`
	Cite map[Rule]string `json:"cite"`
}

// Sources used by many profiles, cited once.
const (
	srcHT210176   = "Apple HT210176 'Requirements for trusted certificates in iOS 13 and macOS 10.15' (SAN required, serverAuth EKU required, RSA >= 2048, SHA-2, <= 825 days for certificates issued from 2019-07-01)"
	srcMSAIA      = "Microsoft Learn 'Certificate chain building' / CertGetCertificateChain: CryptoAPI retrieves missing issuers from AIA URLs and roots through automatic root update"
	srcMSSHA1     = "Microsoft 'SHA-1 deprecation' (2017): SHA-1 TLS server certificates are refused only when they chain to a root of the Microsoft Trusted Root Program; enterprise roots are exempt"
	srcMSSSL      = "CertVerifyCertificateChainPolicy(CERT_CHAIN_POLICY_SSL) with the serverAuth usage requested, as platform/truststore_windows.go asks it"
	srcCiscoBlock = "Cisco Secure Client admin guide, 'Block connections to untrusted servers' (on by default since AnyConnect 4.x): an unverifiable server certificate is refused"
	srcCiscoPin   = "Cisco Secure Client admin guide, 'Server certificate pinning' (profile setting, off by default)"
	srcCiscoEKU   = "Cisco Secure Client admin guide, server certificate requirements: Server Authentication EKU (1.3.6.1.5.5.7.3.1) when EKU is present"
	srcCiscoTLS   = "Cisco Secure Client 5 release notes: TLS 1.2 or newer"
	srcMeasured   = "measured: openconnect 9.01 + GnuTLS 3.7.9 (Debian 12) against ocserv 1.1.6 on loopback (checks/clients lab test)"
	srcRFC6125CN  = "inferred: the verifier falls back to the common name when there is no subjectAltName (RFC 6125 6.4.4 allows it; the library does it by default)"
	srcNC         = "inferred: RFC 5280 name constraints are enforced by every verifier named here (CryptoAPI, SecTrust, GnuTLS, OpenSSL, Conscrypt)"
	srcNoPin      = "inferred: no pinning unless the administrator configures it; none is documented as a default"
	srcOwnSoftRev = "inferred: revocation checked online by the OS verifier with soft-fail (an unreachable responder does not refuse)"
	srcNoAIA      = "inferred: the library does not download missing intermediates (no AIA fetching in GnuTLS/OpenSSL verification)"
)

// profiles is the table. Order: as `vpndoctor clients` lists them.
var profiles = []Profile{
	ciscoWindows(), ciscoMac(), ciscoLinux(),
	gpWindows(), gpMac(),
	fortiWindows(), fortiMac(),
	openconnectGnuTLS(), openconnectOpenSSL(), openfortivpn(),
	windowsSSTP(), windowsIKEv2(),
	iOS(), android(),
}

func ciscoWindows() Profile {
	return Profile{ID: "anyconnect-windows", Family: "anyconnect", OS: "windows",
		Name:       "Cisco Secure Client (AnyConnect) on Windows",
		OSVerifier: true, Verifier: "Windows CryptoAPI",
		MinTLS: tls.VersionTLS12, CNFallback: true, NeedsEKU: true,
		Revocation: Revocation{Online: true}, FetchesAIA: true,
		AcceptsSHA1: true, MinRSABits: 1024, NameConstraints: true, BlocksUntrusted: true,
		Cite: map[Rule]string{
			RuleVerifier:   "Cisco Secure Client admin guide, 'Server certificate verification': uses the Windows certificate store and CryptoAPI",
			RuleMinTLS:     srcCiscoTLS,
			RuleCN:         srcRFC6125CN + " (CryptoAPI SSL policy)",
			RuleEKU:        srcCiscoEKU + "; " + srcMSSSL,
			RuleRevocation: srcOwnSoftRev + " (CryptoAPI with the client's revocation setting)",
			RuleAIA:        srcMSAIA,
			RuleLifetime:   "inferred: Windows sets no lifetime limit",
			RuleSHA1:       srcMSSHA1,
			RuleRSA:        "Microsoft KB2661254: RSA keys under 1024 bits are refused",
			RuleNameConstr: srcNC,
			RuleUntrusted:  srcCiscoBlock,
			RulePinning:    srcCiscoPin,
		}}
}

func ciscoMac() Profile {
	p := ciscoWindows()
	p.ID, p.OS, p.Name, p.Verifier = "anyconnect-macos", "macos", "Cisco Secure Client (AnyConnect) on macOS", "macOS SecTrust"
	apple(&p)
	p.Cite[RuleVerifier] = "Cisco Secure Client admin guide: on macOS the server certificate is verified against the system keychain (SecTrust)"
	return p
}

func ciscoLinux() Profile {
	p := ciscoWindows()
	p.ID, p.OS, p.Name = "anyconnect-linux", "linux", "Cisco Secure Client (AnyConnect) on Linux"
	p.OSVerifier, p.Verifier, p.FetchesAIA, p.AcceptsSHA1, p.MinRSABits = false, "OpenSSL (bundled) with the system CA bundle", false, false, 2048
	p.Revocation = Revocation{}
	p.Cite = copyCite(p.Cite)
	p.Cite[RuleVerifier] = "Cisco Secure Client admin guide, Linux: its own OpenSSL with the system CA bundle (/etc/ssl/certs) and the NSS store"
	p.Cite[RuleAIA] = srcNoAIA
	p.Cite[RuleSHA1] = "inferred: OpenSSL 3 security level 1+ refuses SHA-1 signatures"
	p.Cite[RuleRSA] = "inferred: OpenSSL 3 security level 2 refuses RSA keys under 2048 bits"
	p.Cite[RuleRevocation] = "inferred: no online revocation checking documented for the Linux client"
	return p
}

func gpWindows() Profile {
	return Profile{ID: "globalprotect-windows", Family: "globalprotect", OS: "windows",
		Name:       "GlobalProtect on Windows",
		OSVerifier: true, Verifier: "Windows CryptoAPI",
		MinTLS: tls.VersionTLS12, CNFallback: true, NeedsEKU: true,
		Revocation: Revocation{Online: true}, FetchesAIA: true,
		AcceptsSHA1: true, MinRSABits: 1024, NameConstraints: true, BlocksUntrusted: true,
		Cite: map[Rule]string{
			RuleVerifier:   "Palo Alto GlobalProtect admin guide: the server certificate must chain to a root in the endpoint's trusted root store",
			RuleMinTLS:     "Palo Alto: GlobalProtect app 6.x with PAN-OS SSL/TLS service profile minimum TLS 1.2 (recommended default)",
			RuleCN:         srcRFC6125CN + " (CryptoAPI SSL policy)",
			RuleEKU:        srcMSSSL,
			RuleRevocation: srcOwnSoftRev + " (GlobalProtect 'Enable CRL/OCSP' portal settings decide more)",
			RuleAIA:        srcMSAIA,
			RuleLifetime:   "inferred: Windows sets no lifetime limit",
			RuleSHA1:       srcMSSHA1,
			RuleRSA:        "Microsoft KB2661254: RSA keys under 1024 bits are refused",
			RuleNameConstr: srcNC,
			RuleUntrusted:  "Palo Alto GlobalProtect: 'Block login if the server certificate is not trusted' (recommended on; inferred as on)",
			RulePinning:    srcNoPin,
		}}
}

func gpMac() Profile {
	p := gpWindows()
	p.ID, p.OS, p.Name, p.Verifier = "globalprotect-macos", "macos", "GlobalProtect on macOS", "macOS SecTrust"
	apple(&p)
	p.Cite[RuleVerifier] = "Palo Alto GlobalProtect admin guide: on macOS the root must be trusted in the System keychain (SecTrust)"
	return p
}

func fortiWindows() Profile {
	return Profile{ID: "forticlient-windows", Family: "forticlient", OS: "windows",
		Name:       "FortiClient on Windows",
		OSVerifier: true, Verifier: "Windows CryptoAPI",
		MinTLS: tls.VersionTLS12, CNFallback: true, NeedsEKU: true,
		Revocation: Revocation{}, FetchesAIA: true,
		AcceptsSHA1: true, MinRSABits: 1024, NameConstraints: true, BlocksUntrusted: true,
		Cite: map[Rule]string{
			RuleVerifier:   "Fortinet FortiClient admin guide: the server certificate is checked against the Windows certificate store",
			RuleMinTLS:     "Fortinet FortiOS 7.x: ssl-min-proto-ver defaults to TLS 1.2; FortiClient 7 offers TLS 1.2 and 1.3",
			RuleCN:         srcRFC6125CN + " (CryptoAPI SSL policy)",
			RuleEKU:        srcMSSSL,
			RuleRevocation: "inferred: FortiClient documents no server-certificate revocation check by default",
			RuleAIA:        srcMSAIA,
			RuleLifetime:   "inferred: Windows sets no lifetime limit",
			RuleSHA1:       srcMSSHA1,
			RuleRSA:        "Microsoft KB2661254: RSA keys under 1024 bits are refused",
			RuleNameConstr: srcNC,
			RuleUntrusted:  "Fortinet FortiClient EMS: 'Do not warn invalid server certificate' off and 'Block invalid server certificate' (inferred as IT's usual setting; otherwise the user is asked)",
			RulePinning:    srcNoPin,
		}}
}

func fortiMac() Profile {
	p := fortiWindows()
	p.ID, p.OS, p.Name, p.Verifier = "forticlient-macos", "macos", "FortiClient on macOS", "macOS SecTrust"
	apple(&p)
	p.Cite[RuleVerifier] = "inferred: FortiClient on macOS checks the server certificate against the keychain (SecTrust)"
	return p
}

func openconnectGnuTLS() Profile {
	return Profile{ID: "openconnect-gnutls", Family: "openconnect", OS: "linux",
		Name:     "OpenConnect (GnuTLS build, as in Debian and Ubuntu)",
		Verifier: "GnuTLS with the system CA bundle",
		MinTLS:   tls.VersionTLS10, CNFallback: true, NeedsEKU: false,
		Revocation: Revocation{Stapled: true}, FetchesAIA: false,
		AcceptsSHA1: false, MinRSABits: 1024, NameConstraints: true, BlocksUntrusted: true,
		Cite: map[Rule]string{
			RuleVerifier:   "openconnect gnutls.c: gnutls_certificate_verify_peers3 against the system trust (gnutls_certificate_set_x509_system_trust)",
			RuleMinTLS:     srcMeasured + ": a TLS 1.0-only ocserv is accepted",
			RuleCN:         srcMeasured + ": a certificate with the name only in the CN is accepted",
			RuleEKU:        srcMeasured + ": a clientAuth-only leaf is accepted (verify_peers3 sets no key purpose)",
			RuleRevocation: srcMeasured + ": a revoked leaf is refused only when ocserv staples the OCSP answer",
			RuleAIA:        srcMeasured + ": a chain with a missing intermediate is refused even when AIA names it",
			RuleLifetime:   srcMeasured + ": a 3650-day leaf is accepted",
			RuleSHA1:       srcMeasured + ": a SHA-1 signed leaf is refused (GnuTLS marks SHA-1 insecure for certificates)",
			RuleRSA:        "inferred: GnuTLS's default verification profile accepts RSA 1024",
			RuleNameConstr: srcMeasured,
			RuleUntrusted:  "openconnect --non-inter: an unverifiable certificate is refused unless --servercert pins it",
			RulePinning:    "openconnect --servercert (off unless given)",
		}}
}

func openconnectOpenSSL() Profile {
	p := openconnectGnuTLS()
	p.ID, p.Name, p.Verifier = "openconnect-openssl", "OpenConnect (OpenSSL build, as in Fedora before 2021 and Homebrew)", "OpenSSL with the system CA bundle"
	p.MinTLS, p.NeedsEKU, p.Revocation, p.MinRSABits = tls.VersionTLS12, true, Revocation{}, 2048
	p.Cite = map[Rule]string{
		RuleVerifier:   "openconnect openssl.c: SSL_get_verify_result with the default X509 store, then its own host name match",
		RuleMinTLS:     "inferred: OpenSSL 3 security level 1+ disables TLS 1.0 and 1.1 (SHA-1 in their handshake)",
		RuleCN:         "openconnect openssl.c match_cert_hostname: falls back to the CN when there is no subjectAltName",
		RuleEKU:        "inferred: libssl checks the 'ssl_server' purpose, which refuses an EKU without serverAuth",
		RuleRevocation: "inferred: openconnect's OpenSSL build requests no OCSP status and checks no CRL",
		RuleAIA:        srcNoAIA,
		RuleLifetime:   "inferred: OpenSSL sets no lifetime limit",
		RuleSHA1:       "inferred: OpenSSL 3 security level 1+ refuses SHA-1 signatures",
		RuleRSA:        "inferred: OpenSSL 3 default security level 2 refuses RSA keys under 2048 bits",
		RuleNameConstr: srcNC,
		RuleUntrusted:  "openconnect --non-inter: an unverifiable certificate is refused unless --servercert pins it",
		RulePinning:    "openconnect --servercert (off unless given)",
	}
	return p
}

func openfortivpn() Profile {
	p := openconnectOpenSSL()
	p.ID, p.Family, p.Name = "openfortivpn", "openfortivpn", "openfortivpn (FortiGate SSL VPN, Linux)"
	p.CNFallback = true
	p.Cite = copyCite(p.Cite)
	p.Cite[RuleVerifier] = "openfortivpn tunnel.c ssl_verify_cert: SSL_get_verify_result with the system CA store, then its own host name check; otherwise only a --trusted-cert digest passes"
	p.Cite[RuleCN] = "openfortivpn tunnel.c: X509_check_host, which falls back to the CN without subjectAltName"
	p.Cite[RuleUntrusted] = "openfortivpn: refuses and prints the --trusted-cert digest to pin"
	p.Cite[RulePinning] = "openfortivpn --trusted-cert (off unless given)"
	return p
}

func windowsSSTP() Profile {
	return Profile{ID: "windows-sstp", Family: "windows", OS: "windows",
		Name:       "Windows built-in VPN (SSTP)",
		OSVerifier: true, Verifier: "Windows CryptoAPI (Schannel)",
		MinTLS: tls.VersionTLS12, CNFallback: true, NeedsEKU: true,
		Revocation: Revocation{Online: true, Stapled: true}, FetchesAIA: true,
		AcceptsSHA1: true, MinRSABits: 1024, NameConstraints: true, BlocksUntrusted: true,
		Cite: map[Rule]string{
			RuleVerifier:   "Microsoft Learn, SSTP: the server certificate is validated by Schannel/CryptoAPI against the machine's trusted roots",
			RuleMinTLS:     "inferred: Windows 11 disables TLS 1.0 and 1.1 by default (Microsoft, 2023 announcement)",
			RuleCN:         srcRFC6125CN + " (CryptoAPI SSL policy)",
			RuleEKU:        "Microsoft Learn, SSTP certificate requirements: Server Authentication EKU",
			RuleRevocation: "Microsoft Learn, SSTP: the client checks the server certificate's CRL; revocation must be reachable (NoCertRevocationCheck registry value turns it off)",
			RuleAIA:        srcMSAIA,
			RuleLifetime:   "inferred: Windows sets no lifetime limit",
			RuleSHA1:       srcMSSHA1,
			RuleRSA:        "Microsoft KB2661254: RSA keys under 1024 bits are refused",
			RuleNameConstr: srcNC,
			RuleUntrusted:  "Windows: an untrusted SSTP server is refused, never offered to accept",
			RulePinning:    srcNoPin,
		}}
}

func windowsIKEv2() Profile {
	p := windowsSSTP()
	p.ID, p.Name, p.Verifier = "windows-ikev2", "Windows built-in VPN (IKEv2, certificate)", "Windows CryptoAPI"
	p.Revocation = Revocation{Online: true}
	p.Cite = copyCite(p.Cite)
	p.Cite[RuleVerifier] = "Microsoft Learn, IKEv2 machine certificate authentication: the server certificate is validated by CryptoAPI"
	p.Cite[RuleEKU] = "Microsoft Learn, IKEv2 VPN: the server certificate needs Server Authentication EKU (and optionally IP security IKE intermediate)"
	p.Cite[RuleMinTLS] = "inferred: IKEv2 does not use TLS; the gateway's TLS port is judged as for SSTP"
	return p
}

func iOS() Profile {
	p := Profile{ID: "ios", Family: "ios", OS: "ios", Name: "iPhone / iPad (built-in IKEv2 and VPN apps)",
		OSVerifier: true, Verifier: "iOS SecTrust", MinTLS: tls.VersionTLS12, NameConstraints: true, BlocksUntrusted: true,
		Cite: map[Rule]string{
			RuleVerifier:   "Apple Platform Deployment, VPN: the server certificate is evaluated by the system trust (SecTrust)",
			RuleMinTLS:     "inferred: Apple deprecated TLS 1.0 and 1.1 in iOS 15 (WWDC 2021) and VPN apps require TLS 1.2",
			RuleNameConstr: srcNC,
			RuleUntrusted:  "iOS: an untrusted VPN server is refused",
			RulePinning:    srcNoPin,
		}}
	apple(&p)
	return p
}

func android() Profile {
	return Profile{ID: "android", Family: "android", OS: "android", Name: "Android (built-in VPN and VPN apps)",
		OSVerifier: true, Verifier: "Android TrustManager (Conscrypt)",
		MinTLS: tls.VersionTLS12, CNFallback: false, NeedsEKU: true,
		Revocation: Revocation{}, FetchesAIA: false,
		AcceptsSHA1: false, MinRSABits: 2048, NameConstraints: true, BlocksUntrusted: true,
		Cite: map[Rule]string{
			RuleVerifier:   "Android developers, 'Security with network protocols': apps verify with the platform TrustManager and the system + user CA store",
			RuleMinTLS:     "inferred: Conscrypt on Android 10+ negotiates TLS 1.2/1.3 and VPN apps disable older versions",
			RuleCN:         "Android 9 release notes: hostname verification no longer falls back to the common name (inferred to hold for VPN apps using the default HostnameVerifier)",
			RuleEKU:        "inferred: Conscrypt's TrustManagerImpl checks the serverAuth EKU when the extension is present",
			RuleRevocation: "Android developers: the platform does not check revocation by default",
			RuleAIA:        "inferred: Android does not fetch missing intermediates (a known cause of 'works in Chrome, not in apps')",
			RuleLifetime:   "inferred: Android sets no lifetime limit",
			RuleSHA1:       "inferred: Android 9+ (BoringSSL/Conscrypt) refuses SHA-1 signed server certificates",
			RuleRSA:        "inferred: RSA under 2048 bits is refused by current Android",
			RuleNameConstr: srcNC,
			RuleUntrusted:  "Android: an untrusted VPN server is refused",
			RulePinning:    srcNoPin,
		}}
}

// apple applies the rules of Apple's verifier (macOS, iOS) to a profile.
func apple(p *Profile) {
	p.OSVerifier, p.CNFallback, p.NeedsEKU = true, false, true
	p.FetchesAIA, p.AcceptsSHA1, p.MinRSABits, p.MaxLifetimeDays = true, false, 2048, 825
	p.Revocation = Revocation{Stapled: true}
	p.Cite = copyCite(p.Cite)
	p.Cite[RuleCN], p.Cite[RuleEKU], p.Cite[RuleSHA1], p.Cite[RuleRSA], p.Cite[RuleLifetime] =
		srcHT210176, srcHT210176, srcHT210176, srcHT210176, srcHT210176
	p.Cite[RuleAIA] = "inferred: SecTrust downloads missing intermediates from the AIA address (as Safari shows)"
	p.Cite[RuleRevocation] = "Apple Platform Security, 'Certificate revocation': stapled OCSP is honoured; online checks only for EV or when required"
}

func copyCite(m map[Rule]string) map[Rule]string {
	out := make(map[Rule]string, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// All returns every profile, in display order.
func All() []Profile {
	out := make([]Profile, len(profiles))
	copy(out, profiles)
	return out
}

// ByID returns the profile with this id.
func ByID(id string) (Profile, bool) {
	for _, p := range profiles {
		if p.ID == id {
			return p, true
		}
	}
	return Profile{}, false
}
