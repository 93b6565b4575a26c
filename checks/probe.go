package checks

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"reflect"
	"strings"
	"syscall"
	"time"
)

// The TLS step. One crypto/tls handshake, made as a VPN client makes it; a
// healthy gateway costs exactly that. When it cannot finish, the reason,
// read from typed errors, decides what follows:
//   - the gateway refusing the device certificate (or its absence): named,
//     and never retried with older versions, which would blame the protocol;
//   - a certificate message too large for TLS clients, an answer that is not
//     TLS, no answer at all: named;
//   - anything else: one permissive second attempt (probe_wire.go) offering
//     what VPN clients offer. A gateway it can talk to is judged on its
//     certificates like any other; only TLS 1.0 and 1.1 are tls_version.

// handshakeResult is what the TLS step learned.
type handshakeResult struct {
	state      tls.ConnectionState
	peer       []*x509.Certificate
	asked      bool     // the server sent a CertificateRequest
	acceptable []string // the CAs it named there
	needed     bool     // ... and refused what we sent, or that we sent none
	err        error

	alert       uint8 // the alert the server refused the device certificate with; 0 for a close
	offered     bool  // a device certificate was offered
	hello       serverHello
	keyExchange string
	cipher      string
	permissive  bool  // only the permissive probe got through
	modernErr   error // why crypto/tls could not finish, when the permissive probe answered
	probeErr    error // why the permissive probe could not run
	notes       []Finding
}

// tlsStep runs the handshake and names what it met.
func (r *run) tlsStep(ctx context.Context, conn net.Conn, addrs []string) (handshakeResult, *Finding) {
	defer conn.Close()
	hs := r.handshake(ctx, conn)
	if hs.err == nil || hs.needed {
		return hs, r.settle(&hs)
	}
	if f := r.modernFailure(ctx, hs); f != nil {
		return hs, f
	}
	return r.secondChance(ctx, conn.RemoteAddr().String(), hs)
}

// handshake is the crypto/tls attempt. It never refuses a certificate:
// judging the chain is the engine's job.
func (r *run) handshake(ctx context.Context, conn net.Conn) handshakeResult {
	res := handshakeResult{offered: r.opts.ClientCert != nil}
	cfg := &tls.Config{
		// The engine verifies the chain itself, against the user's own trust
		// store, to say why it fails; this is never a way to connect anyway.
		InsecureSkipVerify: true,
		MinVersion:         tls.VersionTLS12,
		ServerName:         sniName(r.target.Host),
		GetClientCertificate: func(cri *tls.CertificateRequestInfo) (*tls.Certificate, error) {
			res.asked = true
			res.acceptable = distinguishedNames(cri.AcceptableCAs)
			if r.opts.ClientCert != nil {
				return r.opts.ClientCert, nil
			}
			return &tls.Certificate{}, nil
		},
	}
	hctx, cancel := context.WithTimeout(ctx, tlsBudget)
	defer cancel()
	tap := &helloTap{Conn: conn}
	tc := tls.Client(tap, cfg)
	res.err = tc.HandshakeContext(hctx)
	res.state = tc.ConnectionState()
	// crypto/tls keeps the server's certificates from the moment it read
	// them, also when the handshake failed later (a refused device
	// certificate in TLS 1.2).
	res.peer = res.state.PeerCertificates
	res.hello = parseServerHello(tap.buf)
	res.keyExchange = keyExchangeOf(res.state)
	if res.state.CipherSuite != 0 {
		res.cipher = tls.CipherSuiteName(res.state.CipherSuite)
	}
	if res.err == nil && res.asked && res.state.Version == tls.VersionTLS13 {
		res.err = awaitRefusal(hctx, conn, tc)
	}
	if res.asked && isRefusal(res.err) {
		res.needed = true
		res.alert, _ = remoteAlert(res.err)
	}
	return res
}

// awaitRefusal: in TLS 1.3 the server judges our certificate (or its
// absence) after our Finished, so its refusal arrives on the first read.
func awaitRefusal(ctx context.Context, conn net.Conn, tc *tls.Conn) error {
	deadline := time.Now().Add(clientCertWait)
	if d, ok := ctx.Deadline(); ok && d.Before(deadline) {
		deadline = d
	}
	_ = conn.SetReadDeadline(deadline)
	defer conn.SetReadDeadline(time.Time{})
	var b [1]byte
	if _, err := tc.Read(b[:]); isRefusal(err) {
		return err
	}
	return nil
}

// modernFailure names a failed crypto/tls handshake that a second attempt
// cannot help: no TLS, no answer, or a certificate message too large.
func (r *run) modernFailure(ctx context.Context, hs handshakeResult) *Finding {
	var rh tls.RecordHeaderError
	if errors.As(hs.err, &rh) {
		f := newFinding(NotTLS, Fail, "the port does not speak TLS",
			fmt.Sprintf("the server answered with %q, which is not TLS", printable(rh.RecordHeader[:])), -1)
		f.Evidence[EvPeek] = printable(rh.RecordHeader[:])
		f.Evidence[EvProtocol] = sniffProtocol(rh.RecordHeader[:])
		return &f
	}
	if isTimeout(hs.err) || ctx.Err() != nil {
		return r.timeoutFinding(StepTLS, hs.err)
	}
	if n, ok := oversizedMessage(hs.err); ok {
		return chainTooLarge(n, hs.err)
	}
	return nil
}

// settle names what a handshake that got the server's certificates says
// about the connection itself.
func (r *run) settle(hs *handshakeResult) *Finding {
	if f := renegotiationFinding(*hs); f != nil {
		hs.notes = append(hs.notes, *f)
	}
	if n := certMessageSize(hs.peer); n > openSSLCertListMax && !hs.permissive {
		hs.notes = append(hs.notes, *chainTooLarge(n, nil))
	}
	cf := r.clientCertFinding(*hs)
	if hs.permissive && hs.state.Version < tls.VersionTLS12 {
		if cf != nil {
			hs.notes = append(hs.notes, *cf)
		}
		return outdatedVersion(*hs)
	}
	return cf
}

// secondChance runs the permissive probe after crypto/tls failed.
func (r *run) secondChance(ctx context.Context, addr string, first handshakeResult) (handshakeResult, *Finding) {
	start := time.Now()
	pctx, cancel := context.WithTimeout(ctx, tlsBudget)
	res, err := r.opts.Permissive(pctx, permissiveRequest(addr, r.target.Host, tlsBudget))
	cancel()
	r.addTiming("tls_permissive", time.Since(start))
	if err != nil {
		first.probeErr = err
		return first, modernOnlyFailure(first)
	}
	hs := fromPermissive(res, first.err)
	if len(res.Certificates) == 0 {
		return hs, noChain(first, res)
	}
	certs, perr := parseServerCerts(res.Certificates)
	if perr != nil {
		f := newFinding(Unclassified, Fail, "the server sent a certificate that cannot be read", perr.Error(), -1)
		f.Evidence[EvError] = perr.Error()
		return hs, &f
	}
	hs.peer = certs
	return hs, r.settle(&hs)
}

// fromPermissive turns the probe's answer into the step's result.
func fromPermissive(res PermissiveResult, modernErr error) handshakeResult {
	hs := handshakeResult{
		state: tls.ConnectionState{Version: res.Version, CipherSuite: res.CipherSuite,
			OCSPResponse: res.OCSPResponse, HandshakeComplete: res.Complete},
		asked:       res.CertRequested,
		acceptable:  distinguishedNames(res.AcceptableCAs),
		hello:       parseServerHello(res.Head),
		keyExchange: res.KeyExchange,
		cipher:      res.CipherName,
		permissive:  true,
		modernErr:   modernErr,
	}
	if !res.Complete && res.Error != "" {
		hs.err = errors.New(res.Error)
	}
	if hs.asked && (res.Hangup || refusalAlerts[res.Alert]) {
		hs.needed = true
		hs.alert = res.Alert
	}
	return hs
}

// noChain names a gateway neither attempt got a certificate from.
func noChain(first handshakeResult, res PermissiveResult) *Finding {
	switch {
	case res.Timeout:
		f := newFinding(Timeout, Fail, "the server did not answer in time",
			"no answer during the tls step within the deadline (the second, permissive attempt)", -1)
		f.Evidence[EvStep] = string(StepTLS)
		f.Evidence[EvError] = res.Error
		return &f
	case isHangup(first.err) && res.Hangup && !res.ServerHello:
		f := newFinding(NotTLS, Fail, "the port does not speak TLS",
			fmt.Sprintf("the server closed the connection without answering the TLS greeting (%v)", first.err), -1)
		f.Evidence[EvProtocol] = "none"
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
	// crypto/tls reports a certificate it cannot parse only as text
	// (handshake_client.go wraps x509's untyped error with this prefix).
	if strings.Contains(hs.err.Error(), "failed to parse certificate from server") {
		f := newFinding(Unclassified, Fail, "the server sent a certificate that cannot be read",
			"what the server sent as its certificate cannot be read: "+hs.err.Error(), -1)
		f.Evidence[EvError] = hs.err.Error()
		return &f
	}
	if isHangup(hs.err) {
		f := newFinding(NotTLS, Fail, "the port does not speak TLS",
			fmt.Sprintf("the server closed the connection without answering the TLS greeting (%v)", hs.err), -1)
		f.Evidence[EvProtocol] = "none"
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
		fmt.Sprintf("offered TLS 1.0 to 1.3, the server chose %s (%s); it refused TLS 1.2 and 1.3 (%v). Current VPN clients (OpenSSL 3, Windows, macOS, iOS, Android) refuse TLS 1.0 and 1.1",
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

// oversizedMessage reads the size of a handshake message crypto/tls refused
// as too large. crypto/tls reports it only as text (conn.go, readHandshake:
// "tls: handshake message of length %d bytes exceeds maximum of %d bytes"),
// with no typed error to match, so the numbers are read back from it.
func oversizedMessage(err error) (int, bool) {
	if err == nil {
		return 0, false
	}
	msg := err.Error()
	i := strings.Index(msg, "handshake message of length ")
	if i < 0 {
		return 0, false
	}
	var n, limit int
	if _, e := fmt.Sscanf(msg[i:], "handshake message of length %d bytes exceeds maximum of %d bytes", &n, &limit); e != nil {
		return 0, false
	}
	return n, true
}

// refusalAlerts are the alerts with which a server that asked for a
// certificate refuses the one it got, or its absence.
var refusalAlerts = map[uint8]bool{
	40:  true, // handshake_failure
	42:  true, // bad_certificate
	43:  true, // unsupported_certificate
	44:  true, // certificate_revoked
	45:  true, // certificate_expired
	46:  true, // certificate_unknown
	48:  true, // unknown_ca
	49:  true, // access_denied
	116: true, // certificate_required
}

// isRefusal: after a CertificateRequest, one of those alerts, or a close or
// reset, is the gateway refusing the device certificate.
func isRefusal(err error) bool {
	if a, ok := remoteAlert(err); ok {
		return refusalAlerts[a]
	}
	return isHangup(err)
}

// remoteAlert returns the alert the server sent. crypto/tls hands it back as
// *net.OpError{Op: "remote error", Err: alert(n)} with alert an unexported
// uint8 type (conn.go, readRecordOrCCS); tls.AlertError wraps only QUIC
// errors. So the value is read from the type's kind, never from the text;
// an alert we sent has Op "local error" and does not count.
func remoteAlert(err error) (uint8, bool) {
	var op *net.OpError
	if !errors.As(err, &op) || op.Op != "remote error" || op.Err == nil {
		return 0, false
	}
	v := reflect.ValueOf(op.Err)
	if v.Kind() != reflect.Uint8 {
		return 0, false
	}
	return uint8(v.Uint()), true
}

var alertNames = map[uint8]string{
	10: "unexpected_message", 20: "bad_record_mac", 40: "handshake_failure", 42: "bad_certificate",
	43: "unsupported_certificate", 44: "certificate_revoked", 45: "certificate_expired", 46: "certificate_unknown",
	47: "illegal_parameter", 48: "unknown_ca", 49: "access_denied", 50: "decode_error", 51: "decrypt_error",
	70: "protocol_version", 71: "insufficient_security", 80: "internal_error", 86: "inappropriate_fallback",
	90: "user_canceled", 109: "missing_extension", 110: "unsupported_extension", 112: "unrecognized_name",
	116: "certificate_required", 120: "no_application_protocol",
}

func alertName(a uint8) string {
	if n, ok := alertNames[a]; ok {
		return fmt.Sprintf("%s (%d)", n, a)
	}
	return fmt.Sprintf("alert %d", a)
}

// isHangup reports a bare end of stream or reset: the server hung up, which
// some servers do instead of sending an alert.
func isHangup(err error) bool {
	return errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE)
}

// parseServerCerts reads the certificates a server sent. crypto/x509 reads
// them; the lenient parser for what it refuses (MD5 or DSA signatures, odd
// encodings; checks/chain.go) plugs in here. A certificate that cannot be
// read is an error naming its place in what was sent.
func parseServerCerts(der [][]byte) ([]*x509.Certificate, error) {
	out := make([]*x509.Certificate, 0, len(der))
	for i, d := range der {
		c, err := x509.ParseCertificate(d)
		if err != nil {
			return nil, fmt.Errorf("certificate %d of the %d the server sent cannot be read: %w", i+1, len(der), err)
		}
		out = append(out, c)
	}
	return out, nil
}

// keyExchangeOf names how a crypto/tls connection agreed on its keys.
func keyExchangeOf(st tls.ConnectionState) string {
	switch {
	case st.Version == tls.VersionTLS13:
		return "ECDHE (" + st.CurveID.String() + ")"
	case st.CipherSuite == 0:
		return ""
	case strings.HasPrefix(tls.CipherSuiteName(st.CipherSuite), "TLS_ECDHE_"):
		return "ECDHE (" + st.CurveID.String() + ")"
	}
	return "RSA"
}

// clientCertFinding names what the gateway did with the device certificate.
func (r *run) clientCertFinding(hs handshakeResult) *Finding {
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
	if leaf := offeredLeaf(r.opts.ClientCert); hs.offered && leaf != nil {
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

func sniName(host string) string {
	if net.ParseIP(host) != nil {
		return ""
	}
	return host
}

func tlsInfo(hs handshakeResult) TLSInfo {
	t := TLSInfo{
		Version:          tlsVersionName(hs.state.Version),
		Cipher:           hs.cipher,
		ClientCertAsked:  hs.asked,
		ClientCertNeeded: hs.needed,
		AcceptedCAs:      hs.acceptable,
		OCSPStapled:      len(hs.state.OCSPResponse) > 0,
		SentCertificates: len(hs.peer),
		ALPN:             hs.state.NegotiatedProtocol,
		LegacyOnly:       hs.state.Version != 0 && hs.state.Version < tls.VersionTLS12,
		KeyExchange:      hs.keyExchange,
		Probe:            "crypto/tls",
	}
	if hs.err != nil {
		t.HandshakeError = hs.err.Error()
	}
	if hs.hello.seen && hs.state.Version != 0 && hs.state.Version < tls.VersionTLS13 {
		ri := hs.hello.renegotiationInfo
		t.SecureRenegotiation = &ri
	}
	if hs.permissive {
		t.Probe = "permissive"
		if hs.modernErr != nil {
			t.ModernError = hs.modernErr.Error()
		}
	}
	if hs.probeErr != nil {
		t.PermissiveError = hs.probeErr.Error()
	}
	return t
}
