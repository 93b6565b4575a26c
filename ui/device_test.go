package ui

import (
	"testing"

	"github.com/vpndoctor/vpndoctor/checks"
	"github.com/vpndoctor/vpndoctor/checks/guide"
)

// A device-certificate case lists this device's certificates on the result
// page, each with what is wrong with it, in the user's language.
func TestDeviceCertificatesListed(t *testing.T) {
	for _, c := range []struct {
		lang  guide.Lang
		wants []string
	}{
		{guide.En, []string{"This device's certificates", "laptop-0042.corp.example (issued by vpndoctor Practice Device CA)", "Expired on", "Issued by a CA the VPN does not accept"}},
		{guide.Ja, []string{"この端末の証明書", "に有効期限が切れています", "VPNが受け入れない発行元のものです"}},
	} {
		h := newHarness(t, Config{Lang: c.lang, Demo: "client_cert_expired", Autostart: true})
		rep := h.waitResult()
		wantHeadline(t, h, rep, checks.ClientCertExpired, c.lang)
		for _, w := range c.wants {
			if !h.shows(w) {
				t.Errorf("%s: the result page does not show %q", c.lang, w)
			}
		}
	}
}
