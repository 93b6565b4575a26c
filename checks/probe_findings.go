package checks

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"strings"
)

// The findings the TLS step makes, each with a detail that says what both
// attempts met and never contradicts itself.

// noChain names a gateway neither attempt got a certificate from.
func noChain(first handshakeResult, res PermissiveResult, probeErr error) *Finding {
	switch {
	case certParseFailure(first.err):
		return unreadableCert(first.err)
	case res.Timeout:
		f := newFinding(Timeout, Fail, "the server did not answer in time",
			"no answer during the tls step within the deadline (the second, permissive attempt)", -1)
		f.Evidence[EvStep] = string(StepTLS)
		f.Evidence[EvError] = res.Error
		return &f
	case isHangup(first.err) && res.Hangup && !res.ServerHello:
		f := newFinding(NotTLS, Fail, "the port does not speak TLS",
			fmt.Sprintf("the server closed the connection without answering the TLS greeting (%v)", first.err), -1)
		f.Evidence[EvError] = first.err.Error()
		return &f
	}
	version := "unknown"
	if res.ServerHello {
		version = tlsVersionName(res.Version)
	}
	f := newFinding(TLSVersion, Fail, "no secure connection could be agreed with the server",
		fmt.Sprintf("the server refused the modern handshake (TLS 1.2 and 1.3 with ECDHE: %v) and also the older ones VPN clients still offer (TLS 1.0 to 1.2 with static RSA, DHE, CBC and 3DES suites: %s)",
			first.err, permissiveOutcome(res)), -1)
	if probeErr != nil {
		f.Detail += fmt.Sprintf("; DHE suites and MD5 signatures were not tried (%v)", probeErr)
	}
	f.Evidence[EvTLSVersion] = version
	f.Evidence[EvError] = first.err.Error()
	return &f
}

func permissiveOutcome(res PermissiveResult) string {
	switch {
	case res.Alert != 0:
		return "alert " + alertName(res.Alert)
	case res.Hangup:
		return "the server closed the connection"
	case res.Error != "":
		return res.Error
	}
	return "no certificate was sent"
}

// modernOnlyFailure names a failed crypto/tls handshake when the permissive
// probe could not run (not installed): what crypto/tls saw, and no more.
func modernOnlyFailure(hs handshakeResult) *Finding {
	if certParseFailure(hs.err) {
		return unreadableCert(hs.err)
	}
	if isHangup(hs.err) {
		f := newFinding(NotTLS, Fail, "the port does not speak TLS",
			fmt.Sprintf("the server closed the connection without answering the TLS greeting (%v)", hs.err), -1)
		f.Evidence[EvError] = hs.err.Error()
		return &f
	}
	f := newFinding(TLSVersion, Fail, "no secure connection could be agreed with the server",
		fmt.Sprintf("the server refused TLS 1.2 and 1.3 with modern suites (%v); whether it speaks older versions or suites was not tried (%v)", hs.err, hs.probeErr), -1)
	f.Evidence[EvTLSVersion] = "unknown"
	f.Evidence[EvError] = hs.err.Error()
	return &f
}

// outdatedVersion: the server speaks only TLS 1.0 or 1.1.
func outdatedVersion(hs handshakeResult) *Finding {
	v := tlsVersionName(hs.state.Version)
	f := newFinding(TLSVersion, Fail, "the server only speaks an outdated TLS version",
		fmt.Sprintf("offered TLS 1.0 to 1.3, the server chose %s (%s); it refused TLS 1.2 and 1.3 (%v). current VPN clients refuse TLS 1.0 and 1.1 (OpenSSL 3 at its default security level) or are dropping them (Windows, Apple, Android)",
			v, hs.cipher, hs.modernErr), -1)
	f.Evidence[EvTLSVersion] = v
	f.Evidence[EvCipher] = hs.cipher
	if hs.modernErr != nil {
		f.Evidence[EvError] = hs.modernErr.Error()
	}
	return &f
}

// renegotiationFinding: a TLS 1.2 or older server without RFC 5746.
func renegotiationFinding(hs handshakeResult) *Finding {
	if !hs.hello.seen || hs.hello.renegotiationInfo || hs.state.Version == 0 || hs.state.Version >= tls.VersionTLS13 {
		return nil
	}
	v := tlsVersionName(hs.state.Version)
	f := newFinding(LegacyRenegotiation, Fail, "the gateway does not support secure renegotiation (RFC 5746)",
		fmt.Sprintf("the server's %s answer carries no renegotiation_info extension. VPN clients built on OpenSSL 3 (OpenConnect built with OpenSSL, openfortivpn, others) refuse such a server (\"unsafe legacy renegotiation disabled\"); clients on Windows' SChannel, Apple's TLS and GnuTLS still connect", v), -1)
	f.Evidence[EvTLSVersion] = v
	return &f
}

// openSSLCertListMax is OpenSSL's default limit on the certificate message
// a client accepts (SSL_MAX_CERT_LIST_DEFAULT, 100 KiB); crypto/tls stops at
// 256 KiB.
const openSSLCertListMax = 100 << 10

// certMessageSize is the size of the TLS 1.2 Certificate message that
// carries these certificates (each with its 3-byte length, in a list with one).
func certMessageSize(certs []*x509.Certificate) int {
	n := 3
	for _, c := range certs {
		n += 3 + len(c.Raw)
	}
	return n
}

func chainTooLarge(n int, err error) *Finding {
	size := fmt.Sprintf("%d KiB (%d bytes)", (n+1023)/1024, n)
	f := newFinding(ChainTooLarge, Fail, "the server's certificate message is too large for VPN clients",
		fmt.Sprintf("the server sends its certificates in one message of %s; TLS clients stop reading long before that (OpenSSL-based clients at 100 KiB, Go at 256 KiB). A server normally sends 2 to 6 KiB: its own certificate and one or two intermediates", size), -1)
	f.Evidence[EvMessageSize] = size
	if err != nil {
		f.Evidence[EvError] = err.Error()
	}
	return &f
}

// clientCertFinding names what the gateway did with the device certificate.
func clientCertFinding(hs handshakeResult) *Finding {
	if !hs.asked {
		return nil
	}
	cas := "(any)"
	if len(hs.acceptable) > 0 {
		cas = joinNames(hs.acceptable)
	}
	if !hs.needed {
		f := newFinding(ClientCertRequest, Info, "the gateway asks for a device certificate but does not require one",
			fmt.Sprintf("accepted issuers: %s", cas), -1)
		f.Evidence[EvAcceptedCAs] = cas
		return &f
	}
	how := "closed the connection"
	if hs.alert != 0 {
		how = "answered with the alert " + alertName(hs.alert)
	}
	if leaf := hs.offeredLeaf; leaf != nil {
		id, title := ClientCertUntrust, "the gateway refused this device's certificate"
		if hs.alert == 45 { // certificate_expired
			id, title = ClientCertExpired, "the gateway refused this device's certificate as expired"
		}
		f := newFinding(id, Fail, title,
			fmt.Sprintf("offered the device certificate %q (issued by %q), the gateway %s; it accepts certificates from: %s",
				displayName(leaf.Subject), displayName(leaf.Issuer), how, cas), -1)
		certEvidence(&f, leaf, "leaf")
		f.Evidence[EvAcceptedCAs] = cas
		if hs.alert != 0 {
			f.Evidence[EvTLSAlert] = alertName(hs.alert)
		}
		return &f
	}
	f := newFinding(ClientCertRequired, Fail, "the gateway requires a certificate from this device",
		fmt.Sprintf("the gateway asked for a client certificate, got none and %s; it accepts certificates from: %s", how, cas), -1)
	f.Evidence[EvAcceptedCAs] = cas
	if hs.alert != 0 {
		f.Evidence[EvTLSAlert] = alertName(hs.alert)
	}
	return &f
}

func offeredLeaf(c *tls.Certificate) *x509.Certificate {
	if c == nil || len(c.Certificate) == 0 {
		return nil
	}
	if c.Leaf != nil {
		return c.Leaf
	}
	leaf, err := x509.ParseCertificate(c.Certificate[0])
	if err != nil {
		return nil
	}
	return leaf
}

func joinNames(names []string) string {
	return strings.Join(names, "; ")
}

func unreadableCert(err error) *Finding {
	f := newFinding(Unclassified, Fail, "the server sent a certificate that cannot be read",
		"what the server sent as its certificate cannot be read: "+err.Error(), -1)
	f.Evidence[EvError] = err.Error()
	return &f
}
