package ui

import (
	"image/png"
	"os"
	"path/filepath"
	"testing"

	"fyne.io/fyne/v2"

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

// A revoked device certificate: the guide's headline, and the device list
// says revoked, when, why and where it was read.
func TestRevokedDeviceCertificateListed(t *testing.T) {
	for _, c := range []struct {
		lang  guide.Lang
		wants []string
	}{
		{guide.En, []string{"This device's certificates", "laptop-0042.corp.example (issued by vpndoctor Practice Device CA)", "Revoked by its CA on", "reason: superseded", "ask for a new certificate for this device"}},
		{guide.Ja, []string{"この端末の証明書", "に発行元によって取り消されています", "新しい証明書への置き換え", "この端末の新しい証明書を依頼します"}},
	} {
		h := newHarness(t, Config{Lang: c.lang, Demo: "client_cert_revoked", Autostart: true})
		rep := h.waitResult()
		wantHeadline(t, h, rep, checks.ClientCertRevoked, c.lang)
		for _, w := range c.wants {
			if !h.shows(w) {
				t.Errorf("%s: the result page does not show %q", c.lang, w)
			}
		}
		if dir := os.Getenv("VPNDOCTOR_SHOTS"); dir != "" {
			h.w.Window().Resize(fyne.NewSize(760, 2400))
			f, err := os.Create(filepath.Join(dir, "client-cert-revoked-"+string(c.lang)+".png"))
			if err != nil {
				t.Fatal(err)
			}
			if err := png.Encode(f, h.w.Window().Canvas().Capture()); err != nil {
				t.Fatal(err)
			}
			_ = f.Close()
		}
	}
}
