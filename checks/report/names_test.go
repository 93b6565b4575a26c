package report_test

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/vpndoctor/vpndoctor/checks"
	"github.com/vpndoctor/vpndoctor/checks/guide"
	"github.com/vpndoctor/vpndoctor/checks/report"
)

// A certificate with 10,000 names (a hostile server's, within what TLS
// reads) is shown with its first 20 and a count, in every rendering for
// people; the JSON keeps them all.
func TestManyNamesShownShort(t *testing.T) {
	c := checks.ChainCert{Subject: "CN=127.0.0.1", IPs: []string{"127.0.0.1"}}
	for i := 0; i < 10000; i++ {
		c.DNSNames = append(c.DNSNames, fmt.Sprintf("h%d.example.com", i))
	}
	rep := &checks.Report{Primary: checks.OK, Chain: []checks.ChainCert{c},
		Findings: []checks.Finding{{ID: checks.OK, Severity: checks.Pass, Title: "fine", Evidence: map[string]string{"host": "127.0.0.1", "port": "443"}}}}
	for _, lang := range []guide.Lang{guide.En, guide.Ja} {
		v := report.View{Lang: lang, OS: guide.Linux}
		var text, html bytes.Buffer
		if err := report.WriteText(&text, rep, v); err != nil {
			t.Fatal(err)
		}
		if err := report.WriteHTML(&html, rep, v); err != nil {
			t.Fatal(err)
		}
		for name, out := range map[string]string{"text": text.String(), "html": html.String()} {
			if len(out) > 20<<10 || strings.Contains(out, "h20.example.com") || !strings.Contains(out, "h19.example.com") {
				t.Errorf("%s %s: %d bytes, want the first 20 names only", lang, name, len(out))
			}
			if !strings.Contains(out, "9981") {
				t.Errorf("%s %s: the count of names not shown (9981) is missing", lang, name)
			}
		}
	}
	var js bytes.Buffer
	if err := report.WriteJSON(&js, rep, report.View{Lang: guide.En}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(js.String(), "h9999.example.com") {
		t.Error("the JSON report lost names")
	}
}
