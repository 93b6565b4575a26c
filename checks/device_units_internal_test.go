package checks

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"strings"
	"testing"
)

// Unit tests of device_findings.go's pure parts: which TLS findings are
// about the device certificate, the problem finding's evidence and
// severity, and the gateway's answer.

func TestIsClientCertTLS(t *testing.T) {
	tf := func(id ID, version string) *Finding {
		f := newFinding(id, Fail, "", "", -1)
		if version != "" {
			f.Evidence[EvTLSVersion] = version
		}
		return &f
	}
	asked := handshakeResult{asked: true}
	tests := []struct {
		name string
		tf   *Finding
		hs   handshakeResult
		want bool
	}{
		{"none", nil, asked, false},
		{"required", tf(ClientCertRequired, ""), handshakeResult{}, true},
		{"request", tf(ClientCertRequest, ""), handshakeResult{}, true},
		{"refused", tf(ClientCertRefused, ""), handshakeResult{}, true},
		{"untrusted", tf(ClientCertUntrust, ""), handshakeResult{}, true},
		{"expired", tf(ClientCertExpired, ""), handshakeResult{}, true},
		{"version failure after a request, TLS 1.2", tf(TLSVersion, "TLS 1.2"), asked, true},
		{"version failure after a request, TLS 1.3", tf(TLSVersion, "TLS 1.3"), asked, true},
		{"version failure after a request, unknown", tf(TLSVersion, "unknown"), asked, true},
		{"version failure after a request, TLS 1.0", tf(TLSVersion, "TLS 1.0"), asked, false},
		{"version failure, no request", tf(TLSVersion, "TLS 1.2"), handshakeResult{}, false},
		{"another finding", tf(HostnameMismatch, ""), asked, false},
	}
	for _, tc := range tests {
		if got := isClientCertTLS(tc.tf, tc.hs); got != tc.want {
			t.Errorf("%s: %t", tc.name, got)
		}
	}
}

func TestDeviceProblemRows(t *testing.T) {
	_, _, leaf := unitChain(t)
	d := &DeviceCert{Subject: "device-1", Issuer: "Corp Device CA", Note: "expired 3 days ago", MissingCA: "Corp Sub CA", cert: leaf}
	hs := handshakeResult{acceptable: []string{"Corp Device CA"}}
	f := deviceProblem(ClientCertChain, Fail, d, hs)
	if f.ID != ClientCertChain || f.Severity != Fail || f.Title != deviceTitles[ClientCertChain] || f.Evidence[EvMissingCA] != "Corp Sub CA" ||
		f.Evidence[EvUsage] != "" || f.Evidence[EvAcceptedCAs] != acceptedList(hs.acceptable) || f.Evidence[EvRole] != "leaf" ||
		f.Detail != `device certificate "device-1" (issued by "Corp Device CA"): expired 3 days ago` {
		t.Errorf("chain: %+v", f)
	}
	f = deviceProblem(ClientCertUsage, Warn, d, hs)
	if f.Evidence[EvUsage] != usageList(leaf) || f.Evidence[EvMissingCA] != "" || !strings.HasSuffix(f.Detail, "will not offer it") {
		t.Errorf("usage, accepted this time: %+v", f)
	}
	// Without the parsed certificate, its names are the evidence.
	f = deviceProblem(ClientCertNoKey, Fail, &DeviceCert{Subject: "s", Issuer: "i"}, handshakeResult{})
	if f.Evidence[EvSubject] != "s" || f.Evidence[EvIssuer] != "i" || f.Evidence[EvAcceptedCAs] != "(any)" || f.Evidence[EvRole] != "" {
		t.Errorf("no certificate: %+v", f)
	}
}

func TestGatewayAnswerAndHelpers(t *testing.T) {
	hsErr := handshakeResult{err: errors.New("remote error: tls: bad certificate")}
	if got := gatewayAnswer(&LoginInfo{Answer: "Certificate validation failure"}, hsErr); got != "Certificate validation failure" {
		t.Errorf("the login's answer first: %q", got)
	}
	if got := gatewayAnswer(&LoginInfo{}, hsErr); got != tlsRefusalWords(hsErr.err) || got == "" {
		t.Errorf("then the TLS refusal: %q", got)
	}
	if got := gatewayAnswer(nil, handshakeResult{}); got != "" {
		t.Errorf("nothing: %q", got)
	}
	if !hasProblem([]ID{ClientCertNoKey, ClientCertUsage}, ClientCertUsage) || hasProblem([]ID{ClientCertNoKey}, ClientCertUsage) || hasProblem(nil, ClientCertUsage) {
		t.Error("hasProblem")
	}
	ds := []DeviceCert{{Source: DeviceSystem, Subject: "a"}, {Source: DeviceGiven, Subject: "b"}}
	if d := givenDevice(ds); d == nil || d.Subject != "b" || givenDevice(ds[:1]) != nil {
		t.Errorf("givenDevice: %+v", d)
	}
	if acceptedList(nil) != "(any)" || acceptedList([]string{"A"}) != joinNames([]string{"A"}) {
		t.Error("acceptedList")
	}
}

func TestSplitClientCert(t *testing.T) {
	if g, o := splitClientCert(nil); g != nil || o != nil {
		t.Error("nil")
	}
	if g, o := splitClientCert(&tls.Certificate{}); g != nil || o != nil {
		t.Error("no certificate")
	}
	ca := guardRoot(t, "Device Unit CA", nil)
	leaf, key := guardCert(t, &x509.Certificate{}, ca)
	_, other := guardCert(t, &x509.Certificate{}, ca)
	good := &tls.Certificate{Certificate: [][]byte{leaf.Raw}, PrivateKey: key}
	if g, o := splitClientCert(good); g != good || o != good {
		t.Error("a usable certificate is offered")
	}
	for name, c := range map[string]*tls.Certificate{
		"another key":   {Certificate: [][]byte{leaf.Raw}, PrivateKey: other},
		"unreadable":    {Certificate: [][]byte{{1, 2, 3}}, PrivateKey: key},
		"no key at all": {Certificate: [][]byte{leaf.Raw}},
	} {
		if g, o := splitClientCert(c); g != c || o != nil {
			t.Errorf("%s: kept for judging, not offered: %v %v", name, g, o)
		}
	}
}
