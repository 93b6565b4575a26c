package report

import (
	"strings"
	"testing"
	"time"

	"github.com/vpndoctor/vpndoctor/checks"
	"github.com/vpndoctor/vpndoctor/checks/guide"
)

// The device list says "revoked" with the date, the reason and where it was
// read; a certificate whose CA could not be asked says so, with why.
func TestDeviceLinesRevocation(t *testing.T) {
	at := time.Date(2026, 11, 20, 1, 0, 0, 0, time.UTC)
	rep := &checks.Report{
		Primary: checks.ClientCertRevoked,
		DeviceCerts: []checks.DeviceCert{
			{Subject: "laptop-42", Issuer: "Corp Device CA", WouldUse: true, Source: checks.DeviceGiven, Problems: []checks.ID{checks.ClientCertRevoked},
				Revocation: &checks.DeviceRevocation{State: checks.DeviceRevRevoked, Source: "crl", URL: "http://pki.corp/device.crl", RevokedAt: at, Reason: "superseded"}},
			{Subject: "laptop-43", Issuer: "Corp Device CA",
				Revocation: &checks.DeviceRevocation{State: checks.DeviceRevUnknown, Note: "http://10.0.0.5/ocsp was not fetched: 10.0.0.5 is a private address"}},
			{Subject: "laptop-44", Issuer: "Corp Device CA",
				Revocation: &checks.DeviceRevocation{State: checks.DeviceRevGood, Source: "ocsp", URL: "http://ocsp.corp"}},
		},
	}
	for _, c := range []struct {
		lang  guide.Lang
		wants []string
	}{
		{guide.En, []string{"Revoked by its CA on 20 Nov 2026 01:00 UTC (reason: superseded; according to the CRL at http://pki.corp/device.crl)",
			"Whether it is revoked could not be checked (http://10.0.0.5/ocsp was not fetched", "Not revoked, according to its CA (OCSP at http://ocsp.corp)"}},
		{guide.Ja, []string{"2026年11月20日 01:00 UTC に発行元によって取り消されています（理由：新しい証明書への置き換え",
			"取り消されていないかは確認できませんでした", "発行元は取り消していません"}},
	} {
		lines := DeviceLines(rep, View{Lang: c.lang, Loc: time.UTC})
		if !lines[0].Bad {
			t.Errorf("%s: a revoked certificate is not marked bad", c.lang)
		}
		var all []string
		for _, l := range lines {
			all = append(all, strings.Join(l.Status, "; "))
		}
		s := strings.Join(all, "\n")
		for _, w := range c.wants {
			if !strings.Contains(s, w) {
				t.Errorf("%s lines lack %q:\n%s", c.lang, w, s)
			}
		}
	}
}
