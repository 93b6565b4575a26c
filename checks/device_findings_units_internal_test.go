package checks

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"fmt"
	"strings"
	"testing"
)

// Unit tests of device_findings.go's joins: when the login is reported,
// what the finding says when no certificate was offered, how many of the
// platform's identities are judged, and the refused finding's certificate
// index (scripts/mutation.sh found these unguarded).

func TestDeviceFindingsKeepsWhatTheLoginLearned(t *testing.T) {
	r := &run{opts: withDefaults(Options{})}
	none := func() []DeviceCert { return nil }
	for _, tc := range []struct {
		name string
		li   *LoginInfo
		keep bool
	}{
		{"nothing learned", &LoginInfo{Verdict: LoginUnknown}, false},
		{"a verdict", &LoginInfo{Verdict: LoginPassword}, true},
		{"only the product", &LoginInfo{Verdict: LoginUnknown, Product: "Cisco AnyConnect"}, true},
		{"only a certificate request", &LoginInfo{Verdict: LoginUnknown, CertRequested: true}, true},
	} {
		rep := &Report{}
		r.deviceFindings(rep, tc.li, handshakeResult{}, nil, none)
		if (rep.Login != nil) != tc.keep {
			t.Errorf("%s: login kept %t, want %t", tc.name, rep.Login != nil, tc.keep)
		}
	}
}

// A gateway that asks for a certificate but takes a password too: the
// finding says which other ways in the login offers.
func TestDeviceFindingsNamesTheOtherMethods(t *testing.T) {
	r := &run{opts: withDefaults(Options{})}
	hs := handshakeResult{asked: true, acceptable: []string{"CN=Corp Device CA"}}
	none := func() []DeviceCert { return nil }
	li := &LoginInfo{Verdict: LoginCertOptional, Methods: []string{MethodPassword, MethodSAML}}
	fs := r.deviceFindings(&Report{}, li, hs, nil, none)
	if len(fs) != 1 || !strings.HasSuffix(fs[0].Detail, "; the login also offers: password, saml") {
		t.Fatalf("with methods: %+v", fs)
	}
	fs = r.deviceFindings(&Report{}, &LoginInfo{Verdict: LoginCertOptional}, hs, nil, none)
	if len(fs) != 1 || strings.Contains(fs[0].Detail, "also offers") {
		t.Errorf("without methods: %+v", fs)
	}
	fs = r.deviceFindings(&Report{}, nil, hs, nil, none)
	if len(fs) != 1 || strings.Contains(fs[0].Detail, "also offers") {
		t.Errorf("no login answer: %+v", fs)
	}
}

// judgeAll: an identity given whose certificate cannot be read is left out
// (no panic), and a store with hundreds of identities is judged for its
// first 20.
func TestJudgeAllBounds(t *testing.T) {
	ca := guardRoot(t, "Judge All CA", nil)
	var ids []*x509.Certificate
	for i := 0; i < 25; i++ {
		c, _ := guardCert(t, &x509.Certificate{Subject: pkix.Name{CommonName: fmt.Sprintf("pc-%02d", i)}}, ca)
		ids = append(ids, c)
	}
	r := &run{opts: withDefaults(Options{ClientIdentities: func(context.Context) ([]*x509.Certificate, error) { return ids, nil }}),
		given: &tls.Certificate{Certificate: [][]byte{{0x30, 0x03, 0x02, 0x01, 0x01}}}}
	j := &deviceJudge{r: r, now: guardTime}
	out := r.judgeAll(context.Background(), j)
	if len(out) != 20 {
		t.Fatalf("judged %d identities, want the first 20", len(out))
	}
	for _, d := range out {
		if d.Source != DeviceSystem {
			t.Errorf("the unreadable given certificate was judged: %+v", d)
		}
	}
}

// The gateway refused a certificate with nothing wrong with it: the finding
// is about the device, not about one certificate of the gateway's chain.
func TestOfferedFindingsRefusedValid(t *testing.T) {
	ca := guardRoot(t, "Refused Valid CA", nil)
	c, _ := guardCert(t, &x509.Certificate{Subject: pkix.Name{CommonName: "pc-ok"}}, ca)
	rep := &Report{DeviceCerts: []DeviceCert{{Subject: "pc-ok", Source: DeviceGiven, cert: c, chain: []*x509.Certificate{c}}}}
	r := &run{opts: withDefaults(Options{})}
	fs := r.offeredFindings(rep, &LoginInfo{Verdict: LoginCertRefused, Answer: "HTTP 401"}, handshakeResult{asked: true}, true)
	if len(fs) != 1 || fs[0].ID != ClientCertRefused || fs[0].Cert != -1 || fs[0].Evidence[EvGatewayAnswer] != "HTTP 401" {
		t.Errorf("%+v", fs)
	}
}

// requiredFinding with the given identity judged clean (the gateway asked
// and nothing could be offered, but the judge found no fault): the general
// "requires a certificate" finding, not a fault of that certificate.
func TestRequiredFindingGivenWithoutProblems(t *testing.T) {
	rep := &Report{DeviceCerts: []DeviceCert{{Subject: "pc-clean", Issuer: "Corp Device CA", Source: DeviceGiven}}}
	r := &run{opts: withDefaults(Options{})}
	f := r.requiredFinding(rep, nil, handshakeResult{asked: true, acceptable: []string{"CN=Corp Device CA"}}, nil)
	if f.ID != ClientCertRequired || f.Severity != Fail {
		t.Errorf("%+v", f)
	}
	rep.DeviceCerts[0].Problems = []ID{ClientCertExpired}
	if f = r.requiredFinding(rep, nil, handshakeResult{asked: true}, nil); f.ID != ClientCertExpired {
		t.Errorf("with a problem: %+v", f)
	}
}

// requiredFinding without a usable identity: the gateway's own answer is
// kept, and the identity explained is the closest one, from a CA the
// gateway accepts, before a foreign one.
func TestRequiredFindingRows(t *testing.T) {
	r := &run{opts: withDefaults(Options{})}
	hs := handshakeResult{asked: true, acceptable: []string{"CN=Corp Device CA"}}
	f := r.requiredFinding(&Report{}, &LoginInfo{Answer: "HTTP 401 (certificate required)"}, hs, nil)
	if f.ID != ClientCertRequired || f.Cert != -1 || f.Evidence[EvGatewayAnswer] != "HTTP 401 (certificate required)" ||
		!strings.Contains(f.Detail, "; the gateway said: HTTP 401 (certificate required)") {
		t.Errorf("with an answer: %+v", f)
	}
	f = r.requiredFinding(&Report{}, nil, hs, nil)
	if _, ok := f.Evidence[EvGatewayAnswer]; ok || strings.Contains(f.Detail, "gateway said") {
		t.Errorf("without an answer: %+v", f)
	}
	rep := &Report{DeviceCerts: []DeviceCert{
		{Subject: "clean, not picked", Source: DeviceSystem},
		{Subject: "foreign", Source: DeviceSystem, Problems: []ID{ClientCertUntrust}},
		{Subject: "expired", Source: DeviceSystem, Problems: []ID{ClientCertExpired}, Note: "expired on 2026-01-01"},
	}}
	f = r.requiredFinding(rep, nil, hs, nil)
	if f.ID != ClientCertExpired || f.Cert != -1 || !strings.Contains(f.Detail, `"expired"`) {
		t.Errorf("closest identity: %+v", f)
	}
	rep.DeviceCerts = rep.DeviceCerts[1:2]
	if f = r.requiredFinding(rep, nil, hs, nil); f.ID != ClientCertUntrust {
		t.Errorf("only a foreign identity: %+v", f)
	}
}
