//go:build linux

package permissive

import (
	"context"
	"errors"
	"io"
	"net"
	"os"
	"syscall"
	"time"

	ztls "github.com/zmap/zcrypto/tls"
	zx509 "github.com/zmap/zcrypto/x509"

	"github.com/vpndoctor/vpndoctor/checks"
)

// suites is what VPN clients built on OpenSSL, SChannel, GnuTLS and Apple's
// stack still offer between them, best first; RC4 and export suites are left
// out because no current client offers them.
var suites = []uint16{
	ztls.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, ztls.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
	ztls.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384, ztls.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
	ztls.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256, ztls.TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
	ztls.TLS_DHE_RSA_WITH_AES_128_GCM_SHA256, ztls.TLS_DHE_RSA_WITH_AES_256_GCM_SHA384,
	ztls.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256, ztls.TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256,
	ztls.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA, ztls.TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA,
	ztls.TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA, ztls.TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA,
	ztls.TLS_DHE_RSA_WITH_AES_128_CBC_SHA256, ztls.TLS_DHE_RSA_WITH_AES_256_CBC_SHA256,
	ztls.TLS_DHE_RSA_WITH_AES_128_CBC_SHA, ztls.TLS_DHE_RSA_WITH_AES_256_CBC_SHA,
	ztls.TLS_RSA_WITH_AES_128_GCM_SHA256, ztls.TLS_RSA_WITH_AES_256_GCM_SHA384,
	ztls.TLS_RSA_WITH_AES_128_CBC_SHA256, ztls.TLS_RSA_WITH_AES_256_CBC_SHA256,
	ztls.TLS_RSA_WITH_AES_128_CBC_SHA, ztls.TLS_RSA_WITH_AES_256_CBC_SHA,
	ztls.TLS_ECDHE_ECDSA_WITH_3DES_EDE_CBC_SHA, ztls.TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA,
	ztls.TLS_DHE_RSA_WITH_3DES_EDE_CBC_SHA, ztls.TLS_RSA_WITH_3DES_EDE_CBC_SHA,
}

// sigAlgs is the signature_algorithms extension: every TLS 1.2 scheme from
// SHA-512 down to MD5 with RSA, ECDSA and DSA, and RSA-PSS and Ed25519, so
// that a server whose chain is signed with an old hash still sends it.
// zcrypto's own SignatureAlgorithmExtension cannot express ECDSA (it checks
// the pairs against internal codes that differ from the wire's), so this
// writes the wire codes itself.
type sigAlgs struct{}

var schemes = func() []uint16 {
	out := []uint16{0x0804, 0x0805, 0x0806, 0x0807}   // RSA-PSS with SHA-256/384/512, Ed25519
	for _, hash := range []uint16{6, 5, 4, 3, 2, 1} { // SHA-512, -384, -256, -224, SHA-1, MD5
		for _, sig := range []uint16{1, 3, 2} { // RSA, ECDSA, DSA
			out = append(out, hash<<8|sig)
		}
	}
	return out
}()

func (sigAlgs) Marshal() []byte {
	n := 2 * len(schemes)
	b := []byte{0x00, 0x0d, byte((n + 2) >> 8), byte(n + 2), byte(n >> 8), byte(n)}
	for _, s := range schemes {
		b = append(b, byte(s>>8), byte(s))
	}
	return b
}

func (sigAlgs) CheckImplemented() error { return nil }

// WriteToConfig lists the (hash, signature) pairs zcrypto checks a DHE
// server's signature against; ECDHE's check reads the wire codes above.
func (sigAlgs) WriteToConfig(c *ztls.Config) error {
	c.SignatureAndHashes = nil
	for _, hash := range []uint8{6, 5, 4, 3, 2, 1} {
		for _, sig := range []uint8{1, 2} { // RSA, DSA in zcrypto's numbering
			c.SignatureAndHashes = append(c.SignatureAndHashes, ztls.SigAndHash{Signature: sig, Hash: hash})
		}
	}
	return nil
}

// hello is the ClientHello: TLS 1.2 at most (a server that speaks 1.3 was
// already served by crypto/tls), with the extensions VPN clients send.
func hello(serverName string) *ztls.ClientFingerprintConfiguration {
	var ext []ztls.ClientExtension
	if serverName != "" {
		ext = append(ext, &ztls.SNIExtension{Domains: []string{serverName}})
	}
	ext = append(ext,
		&ztls.SupportedCurvesExtension{Curves: []ztls.CurveID{ztls.X25519, ztls.CurveP256, ztls.CurveP384, ztls.CurveP521}},
		&ztls.PointFormatExtension{Formats: []uint8{0}},
		sigAlgs{},
		&ztls.StatusRequestExtension{},
		// extended_master_secret is left out: with it zcrypto's TLS 1.0
		// handshakes end in bad_record_mac against Go's server.
		&ztls.SecureRenegotiationExtension{},
	)
	return &ztls.ClientFingerprintConfiguration{
		HandshakeVersion:   ztls.VersionTLS12,
		CipherSuites:       suites,
		CompressionMethods: []uint8{0},
		Extensions:         ext,
	}
}

// Probe dials req.Addr and makes one permissive handshake. Its error is only
// for a failure to dial; what the handshake met is in the result.
func Probe(ctx context.Context, req checks.PermissiveRequest) (checks.PermissiveResult, error) {
	var res checks.PermissiveResult
	budget := time.Duration(req.TimeoutMS) * time.Millisecond
	if budget <= 0 {
		budget = 6 * time.Second
	}
	ctx, cancel := context.WithTimeout(ctx, budget)
	defer cancel()
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", req.Addr)
	if err != nil {
		return res, err
	}
	defer conn.Close()
	cfg := &ztls.Config{
		// The engine judges the chain against the user's own trust store;
		// an empty pool keeps zcrypto from loading the system's.
		InsecureSkipVerify:             true,
		RootCAs:                        zx509.NewCertPool(),
		MinVersion:                     ztls.VersionTLS10,
		MaxVersion:                     ztls.VersionTLS12,
		ServerName:                     req.ServerName,
		ClientFingerprintConfiguration: hello(req.ServerName),
		GetClientCertificate: func(cri *ztls.CertificateRequestInfo) (*ztls.Certificate, error) {
			res.CertRequested = true
			res.AcceptableCAs = cri.AcceptableCAs
			// No identity crosses into this program: an empty certificate
			// tells whether the gateway insists on one.
			return &ztls.Certificate{}, nil
		},
	}
	head := &headTap{Conn: conn}
	tc := ztls.Client(head, cfg)
	herr := tc.HandshakeContext(ctx)
	record(&res, tc)
	res.Head = head.buf
	res.Complete = herr == nil
	if herr != nil {
		res.Error = herr.Error()
		classify(&res, herr, ctx)
	}
	return res, nil
}

// record copies what the handshake log holds, whether or not it finished.
func record(res *checks.PermissiveResult, tc *ztls.Conn) {
	log := tc.GetHandshakeLog()
	if log == nil {
		return
	}
	if sh := log.ServerHello; sh != nil {
		res.ServerHello = true
		res.Version = uint16(sh.Version)
		res.CipherSuite = uint16(sh.CipherSuite)
		// CipherSuiteID knows every IANA name (DHE included);
		// CipherSuiteName only the suites crypto/tls has.
		res.CipherName = ztls.CipherSuiteID(res.CipherSuite).String()
		if res.CipherName == "unknown" {
			res.CipherName = ztls.CipherSuiteName(res.CipherSuite)
		}
	}
	if sc := log.ServerCertificates; sc != nil && len(sc.Certificate.Raw) > 0 {
		res.Certificates = append(res.Certificates, sc.Certificate.Raw)
		for _, c := range sc.Chain {
			res.Certificates = append(res.Certificates, c.Raw)
		}
	}
	if res.ServerHello {
		res.KeyExchange = "RSA"
		if skx := log.ServerKeyExchange; skx != nil {
			switch {
			case skx.ECDHParams != nil:
				res.KeyExchange = "ECDHE"
			case skx.DHParams != nil:
				res.KeyExchange = "DHE"
			}
		}
	}
	res.OCSPResponse = tc.ConnectionState().OCSPResponse
}

// classify says how the handshake ended, from typed errors: zcrypto wraps
// an alert the server sent as *net.OpError{Op: "remote error", Err: Alert}
// (an alert we sent has Op "local error").
func classify(res *checks.PermissiveResult, err error, ctx context.Context) {
	var op *net.OpError
	var a ztls.Alert
	switch {
	case errors.As(err, &op) && op.Op == "remote error" && errors.As(op.Err, &a):
		res.Alert = uint8(a)
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE):
		res.Hangup = true
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, os.ErrDeadlineExceeded), ctx.Err() != nil:
		res.Timeout = true
	}
}

// headTap keeps the first bytes the server sends, its ServerHello among
// them: zcrypto's log reports renegotiation_info only when it is non-empty,
// which it never is in a first handshake, so the engine reads it itself.
type headTap struct {
	net.Conn
	buf []byte
}

func (t *headTap) Read(p []byte) (int, error) {
	n, err := t.Conn.Read(p)
	if room := checks.PermissiveHeadMax - len(t.buf); room > 0 && n > 0 {
		t.buf = append(t.buf, p[:min(n, room)]...)
	}
	return n, err
}
