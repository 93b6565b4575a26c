package checks

import (
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"io"
	"strings"
	"testing"
)

// Table tests over probe_findings.go: every finding of the TLS step is
// about the connection, not one certificate of the chain (Cert -1), and
// carries exactly the evidence it names (scripts/mutation.sh found these
// unguarded).

func checkTLSFinding(t *testing.T, name string, f *Finding, id ID, detail []string, ev map[string]string, absent ...string) {
	t.Helper()
	if f == nil {
		t.Fatalf("%s: no finding", name)
	}
	if f.ID != id || f.Cert != -1 {
		t.Errorf("%s: id %s, cert %d", name, f.ID, f.Cert)
	}
	for _, d := range detail {
		if !strings.Contains(f.Detail, d) {
			t.Errorf("%s: detail %q lacks %q", name, f.Detail, d)
		}
	}
	for k, v := range ev {
		if f.Evidence[k] != v {
			t.Errorf("%s: evidence %s = %q, want %q", name, k, f.Evidence[k], v)
		}
	}
	for _, k := range absent {
		if _, ok := f.Evidence[k]; ok {
			t.Errorf("%s: evidence %s = %q, want none", name, k, f.Evidence[k])
		}
	}
}

func TestNoChainRows(t *testing.T) {
	refused := errors.New("remote error: tls: handshake failure")
	f := noChain(handshakeResult{err: refused}, PermissiveResult{ServerHello: true, Version: tls.VersionTLS10, Alert: 40},
		errors.New("no DHE support"))
	checkTLSFinding(t, "refused both, probe partial", f, TLSVersion,
		[]string{"(TLS 1.2 and 1.3 with ECDHE: " + refused.Error() + ")", "alert handshake_failure (40)",
			"; DHE suites and MD5 signatures were not tried (no DHE support)"},
		map[string]string{EvTLSVersion: "TLS 1.0", EvError: refused.Error()})

	f = noChain(handshakeResult{err: refused}, PermissiveResult{Alert: 40}, nil)
	checkTLSFinding(t, "refused both", f, TLSVersion, nil, map[string]string{EvTLSVersion: "unknown"})
	if strings.Contains(f.Detail, "not tried") {
		t.Errorf("nothing left untried: %q", f.Detail)
	}

	f = noChain(handshakeResult{err: io.EOF}, PermissiveResult{Hangup: true}, nil)
	checkTLSFinding(t, "hang-up", f, NotTLS, []string{"without answering the TLS greeting (EOF)"}, map[string]string{EvError: "EOF"})

	f = noChain(handshakeResult{err: io.EOF}, PermissiveResult{Timeout: true, Error: "i/o timeout"}, nil)
	checkTLSFinding(t, "timeout", f, Timeout, nil, map[string]string{EvStep: string(StepTLS), EvError: "i/o timeout"})
}

func TestModernOnlyFailureRows(t *testing.T) {
	f := modernOnlyFailure(handshakeResult{err: io.ErrUnexpectedEOF})
	checkTLSFinding(t, "hang-up", f, NotTLS, nil, map[string]string{EvError: io.ErrUnexpectedEOF.Error()})
	refused := errors.New("remote error: tls: protocol version not supported")
	f = modernOnlyFailure(handshakeResult{err: refused, probeErr: errors.New("probe missing")})
	checkTLSFinding(t, "refused", f, TLSVersion, []string{"(" + refused.Error() + ")", "was not tried (probe missing)"},
		map[string]string{EvTLSVersion: "unknown", EvError: refused.Error()})
}

func TestOutdatedVersionRows(t *testing.T) {
	hs := handshakeResult{state: tls.ConnectionState{Version: tls.VersionTLS11}, cipher: "TLS_RSA_WITH_AES_128_CBC_SHA"}
	f := outdatedVersion(hs)
	checkTLSFinding(t, "no modern error", f, TLSVersion, []string{"the server chose TLS 1.1 (TLS_RSA_WITH_AES_128_CBC_SHA)"},
		map[string]string{EvTLSVersion: "TLS 1.1", EvCipher: "TLS_RSA_WITH_AES_128_CBC_SHA"}, EvError)
	hs.modernErr = errors.New("remote error: tls: protocol version not supported")
	f = outdatedVersion(hs)
	checkTLSFinding(t, "modern error", f, TLSVersion, nil, map[string]string{EvError: hs.modernErr.Error()})
}

func TestRenegotiationFindingRows(t *testing.T) {
	hs := handshakeResult{state: tls.ConnectionState{Version: tls.VersionTLS12}, hello: serverHello{seen: true}}
	checkTLSFinding(t, "TLS 1.2 without RFC 5746", renegotiationFinding(hs), LegacyRenegotiation,
		[]string{"the server's TLS 1.2 answer carries no renegotiation_info"}, map[string]string{EvTLSVersion: "TLS 1.2"})
}

func TestChainTooLargeRows(t *testing.T) {
	for _, tc := range []struct {
		n    int
		size string
	}{
		{1, "1 KiB (1 bytes)"},
		{1024, "1 KiB (1024 bytes)"},
		{1025, "2 KiB (1025 bytes)"},
		{480 << 10, "480 KiB (491520 bytes)"},
	} {
		f := chainTooLarge(tc.n, nil)
		checkTLSFinding(t, tc.size, f, ChainTooLarge, []string{"in one message of " + tc.size + ";"},
			map[string]string{EvMessageSize: tc.size}, EvError)
	}
	f := chainTooLarge(300<<10, errors.New("tls: received message too large"))
	checkTLSFinding(t, "with the error", f, ChainTooLarge, nil, map[string]string{EvError: "tls: received message too large"})
}

func TestClientCertFindingRows(t *testing.T) {
	leaf := &x509.Certificate{Subject: pkix.Name{CommonName: "pc-1"}, Issuer: pkix.Name{CommonName: "Corp Device CA"}, Raw: []byte{1}}
	if clientCertFinding(handshakeResult{}) != nil {
		t.Error("not asked: a finding")
	}
	f := clientCertFinding(handshakeResult{asked: true})
	checkTLSFinding(t, "asked, any CA", f, ClientCertRequest, []string{"accepted issuers: (any)"}, map[string]string{EvAcceptedCAs: "(any)"})
	f = clientCertFinding(handshakeResult{asked: true, acceptable: []string{"CN=A", "CN=B"}})
	checkTLSFinding(t, "asked, two CAs", f, ClientCertRequest, nil, map[string]string{EvAcceptedCAs: "CN=A; CN=B"})

	f = clientCertFinding(handshakeResult{asked: true, needed: true, acceptable: []string{"CN=A"}})
	checkTLSFinding(t, "required, closed", f, ClientCertRequired, []string{"got none and closed the connection; it accepts certificates from: CN=A"},
		map[string]string{EvAcceptedCAs: "CN=A"}, EvTLSAlert)
	f = clientCertFinding(handshakeResult{asked: true, needed: true, alert: 116})
	checkTLSFinding(t, "required, alert", f, ClientCertRequired, []string{"got none and answered with the alert " + alertName(116)},
		map[string]string{EvTLSAlert: alertName(116), EvAcceptedCAs: "(any)"})

	f = clientCertFinding(handshakeResult{asked: true, needed: true, offeredLeaf: leaf, alert: 45})
	checkTLSFinding(t, "refused as expired", f, ClientCertExpired, []string{`offered the device certificate "pc-1" (issued by "Corp Device CA"), the gateway answered with the alert ` + alertName(45)},
		map[string]string{EvTLSAlert: alertName(45)})
	f = clientCertFinding(handshakeResult{asked: true, needed: true, offeredLeaf: leaf, alert: 48})
	checkTLSFinding(t, "refused, unknown CA", f, ClientCertUntrust, nil, map[string]string{EvTLSAlert: alertName(48)})
	f = clientCertFinding(handshakeResult{asked: true, needed: true, offeredLeaf: leaf})
	checkTLSFinding(t, "refused, closed", f, ClientCertUntrust, []string{"the gateway closed the connection"}, nil, EvTLSAlert)
}

// offeredLeaf: the device certificate named in the refusal, from Leaf when
// the caller parsed it, else from its DER; nothing when it cannot be read.
func TestOfferedLeafRows(t *testing.T) {
	ca := guardRoot(t, "Offered Leaf CA", nil)
	leaf, key := guardCert(t, &x509.Certificate{Subject: pkix.Name{CommonName: "pc-offered"}}, ca)
	if offeredLeaf(nil) != nil || offeredLeaf(&tls.Certificate{PrivateKey: key}) != nil {
		t.Error("no certificate: a leaf")
	}
	if got := offeredLeaf(&tls.Certificate{Certificate: [][]byte{{1, 2, 3}}, Leaf: leaf}); got != leaf {
		t.Errorf("Leaf set: %v", got)
	}
	if got := offeredLeaf(&tls.Certificate{Certificate: [][]byte{leaf.Raw}}); got == nil || got.Subject.CommonName != "pc-offered" {
		t.Errorf("DER only: %v", got)
	}
	if got := offeredLeaf(&tls.Certificate{Certificate: [][]byte{{1, 2, 3}}}); got != nil {
		t.Errorf("unreadable DER: %v", got)
	}
}

// permissiveOutcome says what the older handshake met, in that order of
// precedence; unreadableCert is about what was sent, not a chain position.
func TestPermissiveOutcomeRows(t *testing.T) {
	for _, tc := range []struct {
		res  PermissiveResult
		want string
	}{
		{PermissiveResult{Alert: 40, Hangup: true, Error: "x"}, "alert " + alertName(40)},
		{PermissiveResult{Hangup: true, Error: "x"}, "the server closed the connection"},
		{PermissiveResult{Error: "read: connection timed out"}, "read: connection timed out"},
		{PermissiveResult{ServerHello: true}, "no certificate was sent"},
	} {
		if got := permissiveOutcome(tc.res); got != tc.want {
			t.Errorf("%+v: %q, want %q", tc.res, got, tc.want)
		}
	}
	f := unreadableCert(errors.New("x509: malformed certificate"))
	checkTLSFinding(t, "unreadable", f, Unclassified, []string{"cannot be read: x509: malformed certificate"},
		map[string]string{EvError: "x509: malformed certificate"})
}
