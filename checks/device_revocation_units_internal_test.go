package checks

import (
	"crypto/x509"
	"errors"
	"strings"
	"testing"
	"time"
)

// Unit tests of device_revocation.go's pure parts: which certificates are
// asked about, how the answers make one verdict, and what the findings
// carry.

func TestWorthAsking(t *testing.T) {
	c, _, _ := unitChain(t)
	for _, tc := range []struct {
		name     string
		problems []ID
		chain    bool
		want     bool
	}{
		{"valid", nil, true, true},
		{"expired", []ID{ClientCertExpired}, true, false},
		{"not yet valid", []ID{ClientCertNotYet}, true, false},
		{"from a CA the gateway does not accept", []ID{ClientCertUntrust}, true, false},
		{"another problem: still asked", []ID{ClientCertRefused}, true, true},
		{"no certificate to ask about", nil, false, false},
	} {
		d := &DeviceCert{Problems: tc.problems}
		if tc.chain {
			d.chain = []*x509.Certificate{c}
		}
		if got := worthAsking(d); got != tc.want {
			t.Errorf("%s: worthAsking = %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestDeviceVerdictNotes(t *testing.T) {
	boom := revocationAnswer{source: "ocsp", url: "http://ocsp.unit.test/", err: errors.New("boom")}
	for _, tc := range []struct {
		name    string
		answers []revocationAnswer
		state   string
		note    string
	}{
		{"no answer at all", []revocationAnswer{{}, {}}, DeviceRevUnknown, "no answer"},
		{"one error", []revocationAnswer{boom, {}}, DeviceRevUnknown, "ocsp http://ocsp.unit.test/: boom"},
		{"an error and a good answer", []revocationAnswer{boom, {source: "crl", url: "http://crl.unit.test/"}}, DeviceRevGood, ""},
	} {
		rv := deviceVerdict(tc.answers)
		if rv.State != tc.state || rv.Note != tc.note {
			t.Errorf("%s: %+v, want state %s note %q", tc.name, rv, tc.state, tc.note)
		}
	}
}

func TestRevocationEvidenceSaysWhenTheGatewayAccepted(t *testing.T) {
	d := &DeviceCert{Revocation: &DeviceRevocation{State: DeviceRevRevoked, Source: "ocsp", URL: "http://ocsp.unit.test/", RevokedAt: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC), Reason: "superseded"}}
	for sev, want := range map[Severity]bool{Warn: true, Fail: false} {
		f := newFinding(ClientCertRevoked, sev, "t", "d", -1)
		revocationEvidence(&f, d, sev)
		if got := strings.Contains(f.Detail, "the gateway accepted it this time"); got != want {
			t.Errorf("%s: detail %q", sev, f.Detail)
		}
		if f.Evidence[EvRevReason] != "superseded" || f.Evidence[EvURL] != "http://ocsp.unit.test/" {
			t.Errorf("%s: evidence %v", sev, f.Evidence)
		}
	}
}

func TestGatewaySaysRevoked(t *testing.T) {
	for _, tc := range []struct {
		name string
		li   *LoginInfo
		hs   handshakeResult
		want bool
	}{
		{"in the handshake", nil, handshakeResult{alert: alertRevoked}, true},
		{"on the login request", &LoginInfo{alert: alertRevoked}, handshakeResult{}, true},
		{"another alert", &LoginInfo{alert: 42}, handshakeResult{alert: 42}, false},
		{"none", &LoginInfo{}, handshakeResult{}, false},
		{"no login", nil, handshakeResult{}, false},
	} {
		if got := gatewaySaysRevoked(tc.li, tc.hs); got != tc.want {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
	}
}

// The gateway's word alone: a finding about the device, not about a
// certificate of the gateway's chain (Cert -1), with the gateway's answer
// when it gave one.
func TestRevokedByGateway(t *testing.T) {
	f := revokedByGateway(nil, &LoginInfo{Answer: "HTTP 403 certificate revoked"}, handshakeResult{})
	if f.Cert != -1 || f.Evidence[EvGatewayAnswer] != "HTTP 403 certificate revoked" || f.Evidence[EvTLSAlert] == "" {
		t.Errorf("with an answer: cert %d, evidence %v", f.Cert, f.Evidence)
	}
	f = revokedByGateway(nil, &LoginInfo{}, handshakeResult{})
	if _, ok := f.Evidence[EvGatewayAnswer]; ok || f.Cert != -1 {
		t.Errorf("without an answer: cert %d, evidence %v", f.Cert, f.Evidence)
	}
}
