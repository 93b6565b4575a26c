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

// A refused fetch is evidence for IT (issue 16, item 1): a real gateway on
// loopback sends its leaf without the intermediate, and the leaf's AIA
// names the cloud metadata address. The text and the HTML report list it
// with why, a hostile address visibly. (The helpdesk summary is short: it
// names a refusal only in the primary cause's detail.)
func TestRefusedFetchesAreInEveryReport(t *testing.T) {
	caKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	ca := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "Refusal Test CA"},
		NotBefore: currentTime.AddDate(-1, 0, 0), NotAfter: currentTime.AddDate(5, 0, 0),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign,
	}
	caDER, _ := x509.CreateCertificate(rand.Reader, ca, ca, &caKey.PublicKey, caKey)
	ca, _ = x509.ParseCertificate(caDER)
	metadata := "http://169.254.169.254/latest/meta-data/"
	hostile := "ldap://dc\x1b[2J.corp.example/\u202eca"
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	leaf := &x509.Certificate{
		SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "127.0.0.1"},
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)},
		NotBefore:   currentTime.AddDate(0, -1, 0), NotAfter: currentTime.AddDate(0, 2, 0),
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IssuingCertificateURL: []string{metadata, hostile},
	}
	der, err := x509.CreateCertificate(rand.Reader, leaf, ca, &key.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	target := serveTLS(t, key, der)
	// The CA is unknown to this computer: the address in the leaf's AIA
	// would be the only way to the issuer, and it is refused.
	rep := checks.Run(context.Background(), target, checks.Options{Now: clock, Timeout: 5 * time.Second,
		Trust: checks.StaticStore{Name: "test"}})
	if len(rep.RefusedFetches) != 2 {
		t.Fatalf("refused fetches %+v (%s)", rep.RefusedFetches, rep.Primary)
	}
	for _, lang := range []guide.Lang{guide.En, guide.Ja} {
		v := view(lang)
		label := map[guide.Lang]string{guide.En: "Not fetched", guide.Ja: "取得しなかったアドレス"}[lang]
		var text, html bytes.Buffer
		if err := report.WriteText(&text, rep, v); err != nil {
			t.Fatal(err)
		}
		if err := report.WriteHTML(&html, rep, v); err != nil {
			t.Fatal(err)
		}
		if r, bad := forbidden(report.Summary(rep, v)); bad {
			t.Errorf("%s summary passes U+%04X through", lang, r)
		}
		outs := map[string]string{"text": text.String(), "html": stdhtml.UnescapeString(html.String())}
		for name, out := range outs {
			if !strings.Contains(out, label) || !strings.Contains(out, metadata) || !strings.Contains(out, "169.254.169.254 is a link-local address") {
				t.Errorf("%s %s does not list the refused metadata address:\n%s", lang, name, out)
			}
			if !strings.Contains(out, `dc\x1b[2J.corp.example/<U+202E>ca`) {
				t.Errorf("%s %s does not show the hostile address visibly", lang, name)
			}
			if r, bad := forbidden(out); bad {
				t.Errorf("%s %s passes U+%04X through", lang, name, r)
			}
		}
	}
}
