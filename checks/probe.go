package checks

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"strings"
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

	alert       uint8             // the alert the server refused the device certificate with; 0 for a close
	offered     bool              // a device certificate was offered
	offeredLeaf *x509.Certificate // ... and its leaf, when it can be read
	hello       serverHello
	keyExchange string
	cipher      string
	permissive  bool  // only the permissive probe got through
	modernErr   error // why crypto/tls could not finish, when the permissive probe answered
	probeErr    error // why the permissive probe could not run
	notes       []Finding
	// open is the diagnosis's own connection, still open after a clean
	// handshake that asked for no device certificate: the login probe sends
	// its first request over it (login.go) instead of a handshake of its own.
	// Whoever holds the result closes it.
	open *tls.Conn
}

// closeOpen closes the connection kept for the login probe, when nothing
// will use it.
func (hs *handshakeResult) closeOpen() {
	if hs.open != nil {
		hs.open.Close()
		hs.open = nil
	}
}

// tlsStep runs the handshake and names what it met. After a clean handshake
// that asked for no device certificate the connection stays open in
// hs.open (the caller owns it); otherwise it is closed.
func (r *run) tlsStep(ctx context.Context, conn net.Conn, addrs []string) (handshakeResult, *Finding) {
	hs := r.handshake(ctx, conn)
	if hs.err == nil && !hs.asked && hs.open != nil {
		return hs, r.settle(&hs) // hs.open stays open for the login probe
	}
	hs.open = nil
	defer conn.Close()
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
	res := handshakeResult{offered: r.opts.ClientCert != nil, offeredLeaf: offeredLeaf(r.opts.ClientCert)}
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
	res.open = tc
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
			fmt.Sprintf("the server answered with %q, which is not TLS", rh.RecordHeader[:]), -1)
		f.Evidence[EvPeek] = printable(rh.RecordHeader[:])
		if p := sniffProtocol(rh.RecordHeader[:]); p != "" {
			f.Evidence[EvProtocol] = p
		}
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
	cf := clientCertFinding(*hs)
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
	defer cancel()
	req := permissiveRequest(addr, r.target.Host, tlsBudget)
	res, probeErr := r.opts.Permissive(pctx, req)
	if probeErr != nil {
		var err error
		if res, err = goLegacy(pctx, req); err != nil {
			first.probeErr = probeErr
			return first, modernOnlyFailure(first)
		}
	}
	r.addTiming("tls_permissive", time.Since(start))
	hs := fromPermissive(res, first.err)
	hs.probeErr = probeErr
	if len(res.Certificates) == 0 {
		if n, ok := oversizedMessage(errors.New(res.Error)); ok && res.ServerHello && n > openSSLCertListMax {
			// The permissive probe stops at 64 KiB; past what OpenSSL-based
			// clients read (100 KiB) the size is the cause, not the
			// versions, as with crypto/tls (modernFailure).
			return hs, chainTooLarge(n, errors.New(res.Error))
		}
		return hs, noChain(first, res, probeErr)
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

// parseServerCerts reads the certificates a server sent, with crypto/x509
// and, for what it refuses (MD5 or DSA signatures, P-192 keys, odd
// encodings), zcrypto's parser (ParseCertificate, chain.go). A certificate
// neither reads is an error naming its place in what was sent.
func parseServerCerts(der [][]byte) ([]*x509.Certificate, error) {
	out := make([]*x509.Certificate, 0, len(der))
	for i, d := range der {
		c, err := ParseCertificate(d)
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
		if hs.probeErr != nil {
			t.Probe = "crypto/tls legacy" // vpndoctor-probe could not run
		}
		if hs.modernErr != nil {
			t.ModernError = hs.modernErr.Error()
		}
	}
	if hs.probeErr != nil {
		t.PermissiveError = hs.probeErr.Error()
	}
	return t
}
