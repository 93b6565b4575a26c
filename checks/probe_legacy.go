package checks

import (
	"context"
	"crypto/tls"
	"net"
	"strings"
)

// goLegacy is the second attempt when vpndoctor-probe cannot run (not
// installed, or on a system zcrypto does not build for): crypto/tls itself
// with TLS 1.0 and 1.1 and every suite it still has (static RSA, CBC,
// 3DES). It reaches less than the permissive probe (no DHE, no MD5
// signature algorithms) but still tells an old gateway from a dead one.
func goLegacy(ctx context.Context, req PermissiveRequest) (PermissiveResult, error) {
	var res PermissiveResult
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", req.Addr)
	if err != nil {
		return res, err
	}
	defer conn.Close()
	var suites []uint16
	for _, s := range append(tls.CipherSuites(), tls.InsecureCipherSuites()...) {
		suites = append(suites, s.ID)
	}
	cfg := &tls.Config{
		// Only to read what the server sends; the engine judges it.
		InsecureSkipVerify: true,
		MinVersion:         tls.VersionTLS10,
		MaxVersion:         tls.VersionTLS12,
		CipherSuites:       suites,
		ServerName:         req.ServerName,
		GetClientCertificate: func(cri *tls.CertificateRequestInfo) (*tls.Certificate, error) {
			res.CertRequested, res.AcceptableCAs = true, cri.AcceptableCAs
			return &tls.Certificate{}, nil
		},
	}
	tap := &helloTap{Conn: conn}
	tc := tls.Client(tap, cfg)
	herr := tc.HandshakeContext(ctx)
	st := tc.ConnectionState()
	res.Head = tap.buf
	res.ServerHello = parseServerHello(tap.buf).seen
	res.Version, res.CipherSuite, res.OCSPResponse = st.Version, st.CipherSuite, st.OCSPResponse
	if st.CipherSuite != 0 {
		res.CipherName = tls.CipherSuiteName(st.CipherSuite)
		res.KeyExchange = "RSA"
		if strings.HasPrefix(res.CipherName, "TLS_ECDHE_") {
			res.KeyExchange = "ECDHE"
		}
	}
	for _, c := range st.PeerCertificates {
		res.Certificates = append(res.Certificates, c.Raw)
	}
	res.Complete = herr == nil
	if herr != nil {
		res.Error = herr.Error()
		if a, ok := remoteAlert(herr); ok {
			res.Alert = a
		} else {
			res.Hangup, res.Timeout = isHangup(herr), isTimeout(herr) || ctx.Err() != nil
		}
	}
	return res, nil
}
