package guide

import (
	"strings"
	"testing"
)

// The revoked device certificate: IT gets the serial, the issuing CA, the
// date, the reason (in the reader's language) and where it was read; the
// user is sent to IT for a new certificate.
func TestClientCertRevokedText(t *testing.T) {
	ev := map[string]string{"host": "vpn.example.com", "port": "443", "subject": "laptop-42", "issuer": "Corp Device CA",
		"serial": "1a2b3c", "revoked_at": "2026-11-20T01:00:00Z", "revocation_reason": "superseded",
		"source": "crl", "url": "http://pki.corp.example/device.crl"}
	ja := mustFor(t, "client_cert_revoked", Ja, Windows, ev)
	for _, want := range []string{"1a2b3c", "「Corp Device CA」", "2026年11月20日 10:00", "新しい証明書への置き換え", "http://pki.corp.example/device.crl", "vpn.example.com:443"} {
		if !strings.Contains(ja.TellIT, want) {
			t.Errorf("ja tell_it lacks %q: %q", want, ja.TellIT)
		}
	}
	en := mustFor(t, "client_cert_revoked", En, MacOS, ev)
	for _, want := range []string{"serial number 1a2b3c", "\"Corp Device CA\"", "20 Nov 2026", "reason: superseded", "the CRL at http://pki.corp.example/device.crl"} {
		if !strings.Contains(en.TellIT, want) {
			t.Errorf("en tell_it lacks %q: %q", want, en.TellIT)
		}
	}
	if steps := strings.Join(en.Steps, " "); !strings.Contains(steps, "ask for a new certificate") {
		t.Errorf("en steps do not send the user to IT for a new certificate: %q", steps)
	}
}
