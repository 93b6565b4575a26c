package report_test

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	stdhtml "html"
	"math/big"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/vpndoctor/vpndoctor/checks"
	"github.com/vpndoctor/vpndoctor/checks/guide"
	"github.com/vpndoctor/vpndoctor/checks/report"
)

// What the view carries from this computer and IT's settings (the OS
// name, the support contact) is shown visibly in the text, the helpdesk
// summary and the HTML, as the certificate's text is (issue 16, item 2).
func TestViewTextShownVisibly(t *testing.T) {
	rep := diagnose(t, "expired")
	v := view(guide.En)
	v.Facts = map[string]string{"os": "Debian\x1b]0;x\x07", "os_version": "12\u202e", "hostname": "pc\x1b[8m"}
	v.Support = map[string]string{"name": "Help\x1b[2Jdesk\u202e", "phone": "03-1234-5678"}
	var text, html bytes.Buffer
	if err := report.WriteText(&text, rep, v); err != nil {
		t.Fatal(err)
	}
	if err := report.WriteHTML(&html, rep, v); err != nil {
		t.Fatal(err)
	}
	outs := map[string]string{"text": text.String(), "summary": report.Summary(rep, v), "html": stdhtml.UnescapeString(html.String())}
	for name, out := range outs {
		if r, bad := forbidden(out); bad {
			t.Errorf("%s passes U+%04X through:\n%s", name, r, out)
		}
		if !strings.Contains(out, `Help\x1b[2Jdesk<U+202E>`) {
			t.Errorf("%s does not show the support contact visibly:\n%s", name, out)
		}
	}
}

// The one sentence (Headline, Guide) fills the guide's placeholders from a
// finding's evidence, here the issuer a hostile server chose: shown
// visibly even on a report that was not sanitized first (the demo list
// and the wizard's result line call them directly).
func TestHeadlineShowsEvidenceVisibly(t *testing.T) {
	issuer := "Evil\x1b]0;pwned\x07\u202eCA"
	caKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	ca := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: issuer},
		NotBefore: currentTime.AddDate(-1, 0, 0), NotAfter: currentTime.AddDate(5, 0, 0),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign,
	}
	caDER, _ := x509.CreateCertificate(rand.Reader, ca, ca, &caKey.PublicKey, caKey)
	ca, _ = x509.ParseCertificate(caDER)
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	leaf := &x509.Certificate{
		SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "127.0.0.1"},
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)},
		NotBefore:   currentTime.AddDate(0, -1, 0), NotAfter: currentTime.AddDate(0, 2, 0),
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, _ := x509.CreateCertificate(rand.Reader, leaf, ca, &key.PublicKey, caKey)
	target := serveTLS(t, key, der, caDER)
	rep := checks.Run(context.Background(), target, checks.Options{Now: clock, Timeout: 5 * time.Second, Trust: checks.StaticStore{Name: "test"}})
	for _, lang := range []guide.Lang{guide.En, guide.Ja} {
		v := view(lang)
		h := report.Headline(rep, v)
		if r, bad := forbidden(h); bad || !strings.Contains(h, `Evil\x1b]0;pwned\x07<U+202E>CA`) {
			t.Errorf("%s headline (primary %s) passes U+%04X or hides the issuer: %q", lang, rep.Primary, r, h)
		}
	}
}
