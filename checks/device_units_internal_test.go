package checks

import (
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
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
	if f.ID != ClientCertChain || f.Severity != Fail || f.Cert != -1 || f.Title != deviceTitles[ClientCertChain] || f.Evidence[EvMissingCA] != "Corp Sub CA" ||
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

// allowsClientAuth, one row per way a certificate may or may not be used to
// log in (RFC 5280 4.2.1.3 and 4.2.1.12: no extension means no limit).
func TestAllowsClientAuthRows(t *testing.T) {
	unknown := []asn1.ObjectIdentifier{{1, 3, 6, 1, 4, 1, 311, 20, 2, 2}} // smart card logon alone
	for _, tc := range []struct {
		name string
		c    x509.Certificate
		want bool
	}{
		{"no key usage, no extended key usage", x509.Certificate{}, true},
		{"digital signature", x509.Certificate{KeyUsage: x509.KeyUsageDigitalSignature}, true},
		{"key encipherment only: cannot sign the handshake", x509.Certificate{KeyUsage: x509.KeyUsageKeyEncipherment}, false},
		{"client authentication", x509.Certificate{ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}}, true},
		{"any extended key usage", x509.Certificate{ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageAny}}, true},
		{"server authentication only", x509.Certificate{ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}, false},
		{"server and client authentication", x509.Certificate{ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth}}, true},
		{"only a usage Go does not know", x509.Certificate{UnknownExtKeyUsage: unknown}, false},
		{"a usage Go does not know, and client authentication", x509.Certificate{UnknownExtKeyUsage: unknown,
			ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}}, true},
		{"client authentication, but no digital signature", x509.Certificate{KeyUsage: x509.KeyUsageKeyAgreement,
			ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}}, false},
	} {
		if got := allowsClientAuth(&tc.c); got != tc.want {
			t.Errorf("%s: %t, want %t", tc.name, got, tc.want)
		}
	}
}

// The note says why a device certificate is fine when nothing is wrong, and
// lists every problem otherwise.
func TestDeviceJudgeNote(t *testing.T) {
	ca := guardRoot(t, "Device Note CA", nil)
	good, _ := guardCert(t, &x509.Certificate{Subject: pkix.Name{CommonName: "pc-1"},
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}}, ca)
	j := &deviceJudge{now: guardTime, acceptable: []string{rdnString(ca.cert.RawSubject)}}
	d := j.judge([]*x509.Certificate{good}, DeviceSystem, "")
	if len(d.Problems) != 0 || d.Note != "valid, for client authentication, from a CA the gateway accepts" {
		t.Errorf("good device: %v %q", d.Problems, d.Note)
	}
	bad, _ := guardCert(t, &x509.Certificate{Subject: pkix.Name{CommonName: "pc-2"}, NotBefore: guardTime.AddDate(-2, 0, 0),
		NotAfter: guardTime.AddDate(0, 0, -3), ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}, ca)
	d = j.judge([]*x509.Certificate{bad}, DeviceGiven, "no private key was found for it")
	want := "no private key was found for it; expired on " + guardTime.AddDate(0, 0, -3).UTC().Format("2006-01-02") +
		"; not made for logging in (its key usage is " + usageList(bad) + ")"
	if d.Note != want || len(d.Problems) != 3 {
		t.Errorf("bad device: %v %q, want %q", d.Problems, d.Note, want)
	}
}

// The walk up a device certificate's issuers stops after maxDeviceChain
// steps: a CA the gateway accepts further up is not reached (a chain that
// long is a loop or a hostile one, and no VPN client sends it).
func TestReachesAcceptedStopsAtMaxDepth(t *testing.T) {
	// cas[0] is the root; cas[i] issued by cas[i-1].
	var cas []*guardCA
	for i := 0; i <= maxDeviceChain+1; i++ {
		var parent *guardCA
		if i > 0 {
			parent = cas[i-1]
		}
		tmpl := &x509.Certificate{Subject: pkix.Name{CommonName: fmt.Sprintf("Device CA level %d", i)}, IsCA: true,
			BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign}
		c, k := guardCert(t, tmpl, parent)
		cas = append(cas, &guardCA{c, k})
	}
	last := cas[len(cas)-1]
	device, _ := guardCert(t, &x509.Certificate{Subject: pkix.Name{CommonName: "pc-deep"}}, last)
	chain := []*x509.Certificate{device}
	for i := len(cas) - 1; i >= 0; i-- {
		chain = append(chain, cas[i].cert)
	}
	// The device's issuer is step 1; the CA maxDeviceChain steps up is the
	// last one the walk reads, the one above it is out of reach.
	for steps := 1; steps <= maxDeviceChain+1; steps++ {
		name := rdnString(cas[len(cas)-steps].cert.RawSubject)
		j := &deviceJudge{now: guardTime, acceptable: []string{name}}
		missing, ok := j.reachesAccepted(chain)
		if want := steps <= maxDeviceChain; ok != want || missing != nil {
			t.Errorf("accepted CA %d steps up: reached %t (missing %v), want %t", steps, ok, missing, want)
		}
	}
}

// A device intermediate that is not sent with the certificate but that this
// computer keeps is found there, and named as the one the VPN client will
// not send.
func TestReachesAcceptedThroughTheStore(t *testing.T) {
	root := guardRoot(t, "Device Store Root", nil)
	ic, ik := guardCert(t, &x509.Certificate{Subject: pkix.Name{CommonName: "Device Store Issuing CA"}, IsCA: true,
		BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign}, root)
	device, _ := guardCert(t, &x509.Certificate{Subject: pkix.Name{CommonName: "pc-store"}}, &guardCA{ic, ik})
	accepts := []string{rdnString(root.cert.RawSubject)}

	j := &deviceJudge{now: guardTime, acceptable: accepts, pool: &trustPool{intermediates: []StoreCert{{Cert: ic, Origin: "store"}}}}
	if missing, ok := j.reachesAccepted([]*x509.Certificate{device}); !ok || missing != ic {
		t.Errorf("intermediate in the store: reached %t, missing %v", ok, missing)
	}
	// Sent with it: nothing is missing.
	if missing, ok := j.reachesAccepted([]*x509.Certificate{device, ic}); !ok || missing != nil {
		t.Errorf("intermediate sent: reached %t, missing %v", ok, missing)
	}
	// Nowhere: the gateway's CA is not reached.
	j.pool = &trustPool{}
	if missing, ok := j.reachesAccepted([]*x509.Certificate{device}); ok || missing != nil {
		t.Errorf("intermediate nowhere: reached %t, missing %v", ok, missing)
	}
	j.pool = nil
	if _, ok := j.reachesAccepted([]*x509.Certificate{device}); ok {
		t.Error("no store: reached")
	}
}

// pickIdentity: the newest usable system certificate, wherever it is in
// the list; the reason counts the usable ones only when there are several.
func TestPickIdentityRows(t *testing.T) {
	day := func(n int) time.Time { return guardTime.AddDate(0, 0, n) }
	const one = "valid now, allowed for client authentication and issued by a CA the gateway accepts"
	for _, tc := range []struct {
		name string
		ds   []DeviceCert
		want int // index marked, -1 none
		why  string
	}{
		{"one usable", []DeviceCert{{NotBefore: day(-5)}}, 0, one},
		{"newest first", []DeviceCert{{NotBefore: day(-1)}, {NotBefore: day(-9)}}, 0, one + "; the newest of 2 such certificates"},
		{"newest last", []DeviceCert{{NotBefore: day(-9)}, {NotBefore: day(-5)}, {NotBefore: day(-1)}}, 2,
			one + "; the newest of 3 such certificates"},
		{"newest has a problem", []DeviceCert{{NotBefore: day(-9)}, {NotBefore: day(-1), Problems: []ID{ClientCertExpired}}}, 0, one},
		{"two usable, one not", []DeviceCert{{NotBefore: day(-9)}, {NotBefore: day(-1), Problems: []ID{ClientCertExpired}}, {NotBefore: day(-5)}}, 2,
			one + "; the newest of 2 such certificates"},
		{"none usable", []DeviceCert{{NotBefore: day(-1), Problems: []ID{ClientCertUsage}}}, -1, ""},
		{"given wins", []DeviceCert{{NotBefore: day(-1)}, {NotBefore: day(-9), Source: DeviceGiven, Problems: []ID{ClientCertExpired}}}, 1,
			"it is the certificate the VPN client was given"},
	} {
		for i := range tc.ds {
			if tc.ds[i].Source == "" {
				tc.ds[i].Source = DeviceSystem
			}
		}
		pickIdentity(tc.ds)
		for i, d := range tc.ds {
			if d.WouldUse != (i == tc.want) {
				t.Errorf("%s: certificate %d would be used: %t", tc.name, i, d.WouldUse)
			}
			if i == tc.want && d.Why != tc.why {
				t.Errorf("%s: why %q, want %q", tc.name, d.Why, tc.why)
			}
		}
	}
}

// countUsable counts identities without a problem; sortDevice puts the one
// the client would use first, then those from an accepted CA by fewest
// problems, the foreign ones last.
func TestCountAndSortDevices(t *testing.T) {
	ds := []DeviceCert{
		{Subject: "foreign", Problems: []ID{ClientCertUntrust}},
		{Subject: "two faults", Problems: []ID{ClientCertExpired, ClientCertUsage}},
		{Subject: "usable, older"},
		{Subject: "one fault", Problems: []ID{ClientCertExpired}},
		{Subject: "used", WouldUse: true},
		{Subject: "one fault too", Problems: []ID{ClientCertUsage}},
	}
	if n := countUsable(ds); n != 2 {
		t.Errorf("usable: %d, want 2", n)
	}
	sortDevice(ds)
	var got []string
	for _, d := range ds {
		got = append(got, d.Subject)
	}
	// Equals keep their order (the store's).
	want := "used, usable, older, one fault, one fault too, two faults, foreign"
	if joinWith(got, ", ") != want {
		t.Errorf("order %q, want %q", joinWith(got, ", "), want)
	}
	if joinWith(nil, ", ") != "" || joinWith([]string{"a"}, ", ") != "a" {
		t.Error("joinWith of none or one")
	}
}
