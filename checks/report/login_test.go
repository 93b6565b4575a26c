package report_test

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/vpndoctor/vpndoctor/checks"
	"github.com/vpndoctor/vpndoctor/checks/guide"
	"github.com/vpndoctor/vpndoctor/checks/report"
)

// A login with two servers behind the name and a backup server: text and
// HTML show one line per server and per endpoint, and the product.
func TestLoginLines(t *testing.T) {
	ev := map[string]string{"host": "vpn.example.co.jp", "port": "443", "subject": "vpn.example.co.jp", "role": "leaf",
		"not_after": "2026-06-01T00:00:00Z", "address": "192.0.2.11", "nodes": "1 of 2", "gateway_product": "fortigate"}
	rep := &checks.Report{
		SchemaVersion: 1, Target: checks.Target{Host: "vpn.example.co.jp", Port: 443}, StartedAt: time.Now(),
		Primary:  checks.CertExpired,
		Findings: []checks.Finding{{ID: checks.CertExpired, Severity: checks.Fail, Title: "the leaf certificate has expired", Evidence: ev, Cert: -1}},
		Nodes: []checks.NodeResult{
			{Address: "192.0.2.10", Family: "IPv4", LeafSHA256: "aaaaaaaaaaaaaaaaaaaa", Primary: checks.OK},
			{Address: "192.0.2.11", Family: "IPv4", LeafSHA256: "bbbbbbbbbbbbbbbbbbbb", Primary: checks.CertExpired, Odd: true},
		},
		Endpoints: []checks.EndpointResult{
			{Role: checks.EndpointMain, Host: "vpn.example.co.jp", Port: 443, Primary: checks.CertExpired},
			{Role: checks.EndpointBackup, Host: "vpn2.example.co.jp", Port: 443, Primary: checks.OK},
		},
		Product: &checks.ProductInfo{ID: "fortigate", Name: "Fortinet FortiGate", Clue: "location: /remote/login"},
	}
	v := report.View{Lang: guide.En, OS: guide.Windows, Loc: time.UTC}
	var txt, page bytes.Buffer
	if err := report.WriteText(&txt, rep, v); err != nil {
		t.Fatal(err)
	}
	if err := report.WriteHTML(&page, rep, v); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Only 1 of the 2 servers behind vpn.example.co.jp (192.0.2.11)", "192.0.2.11 (IPv4)", "differs from the others", "Backup server", "vpn2.example.co.jp:443", "Fortinet FortiGate"} {
		if !strings.Contains(txt.String(), want) {
			t.Errorf("text lacks %q:\n%s", want, txt.String())
		}
		if !strings.Contains(page.String(), want) {
			t.Errorf("HTML lacks %q", want)
		}
	}
	// IT's fix is FortiGate's only.
	if !strings.Contains(page.String(), "Local Certificate") || strings.Contains(page.String(), "ssl trust-point") {
		t.Error("the HTML report does not show only FortiGate's fix")
	}
}

// The note names the family when only IPv6 (or IPv4) differs, in both
// languages.
func TestNodeNoteNamesTheFamily(t *testing.T) {
	ev := map[string]string{"host": "vpn.example.co.jp", "port": "443", "address": "2001:db8::11", "nodes": "1 of 2 (all IPv6 addresses)"}
	rep := &checks.Report{Primary: checks.CertExpired, Findings: []checks.Finding{{ID: checks.CertExpired, Severity: checks.Fail, Evidence: ev}}}
	en := report.NodeNote(rep, report.View{Lang: guide.En})
	ja := report.NodeNote(rep, report.View{Lang: guide.Ja})
	if !strings.Contains(en, "IPv6 addresses only") || !strings.Contains(ja, "IPv6 のアドレスだけ") || !strings.Contains(ja, "2001:db8::11") {
		t.Errorf("en %q\nja %q", en, ja)
	}
	rep.Findings[0].Evidence = map[string]string{"host": "h", "port": "1"}
	if n := report.NodeNote(rep, report.View{Lang: guide.En}); n != "" {
		t.Errorf("a single server gets a note: %q", n)
	}
}
