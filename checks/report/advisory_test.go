package report_test

import (
	"bytes"
	"context"
	"html/template"
	"strings"
	"testing"

	"github.com/vpndoctor/vpndoctor/checks"
	"github.com/vpndoctor/vpndoctor/checks/clients"
	"github.com/vpndoctor/vpndoctor/checks/guide"
	"github.com/vpndoctor/vpndoctor/checks/report"
)

// The headings above "IT should fix" lists, as the renderers print them.
var (
	notWhy  = map[guide.Lang]string{guide.En: "Not why your VPN fails", guide.Ja: "VPN の接続は妨げませんが"}
	refused = map[guide.Lang]string{guide.En: "VPN apps refuse these other servers of your login", guide.Ja: "ほかのサーバーに VPN アプリが接続できません"}
)

// diagnoseWithBackup checks the practice gateway name with the practice
// gateway backup as its backup server, both real servers on loopback.
func diagnoseWithBackup(t *testing.T, name, backup string, more ...func(*checks.Options)) *checks.Report {
	t.Helper()
	diagnose(t, "ok") // starts the lab
	addr, err := lab.Target(name)
	if err != nil {
		t.Fatal(err)
	}
	other, err := lab.Target(backup)
	if err != nil {
		t.Fatal(err)
	}
	target, err := checks.ParseTarget(addr)
	if err != nil {
		t.Fatal(err)
	}
	opts, err := lab.Options(name)
	if err != nil {
		t.Fatal(err)
	}
	opts.LoginOptions.Endpoints = []checks.Endpoint{{Role: checks.EndpointBackup, Address: other}}
	for _, f := range more {
		f(&opts)
	}
	return checks.Run(context.Background(), target, opts)
}

// renderings are the text report, the HTML report and the helpdesk summary.
func renderings(t *testing.T, rep *checks.Report, v report.View) map[string]string {
	t.Helper()
	var txt, htm bytes.Buffer
	if err := report.WriteText(&txt, rep, v); err != nil {
		t.Fatal(err)
	}
	if err := report.WriteHTML(&htm, rep, v); err != nil {
		t.Fatal(err)
	}
	return map[string]string{"text": txt.String(), "html": htm.String(), "summary": report.Summary(rep, v)}
}

// A backup server whose certificate expired is kept as a warning when the
// gateway has its own cause; every VPN app refuses that server, so it is
// never listed under "Not why your VPN fails".
func TestServerVPNAppsRefuseIsNotUnderNotWhy(t *testing.T) {
	rep := diagnoseWithBackup(t, "untrusted_root", "expired")
	if rep.Primary != checks.UntrustedRoot {
		t.Fatalf("primary %s, want untrusted_root", rep.Primary)
	}
	var backup *checks.Finding
	for i, f := range rep.Findings {
		if f.ID == checks.CertExpired && f.Evidence[checks.EvEndpoint] == checks.EndpointBackup {
			backup = &rep.Findings[i]
		}
	}
	if backup == nil || backup.Severity != checks.Warn || !backup.Blocks {
		t.Fatalf("the backup's expired certificate: %+v", backup)
	}
	for _, lang := range []guide.Lang{guide.En, guide.Ja} {
		v := view(lang)
		secs := report.AdvisorySections(rep, v)
		if len(secs) == 0 || !secs[0].Refused || secs[0].List[0].ID != checks.CertExpired {
			t.Errorf("%s: sections %+v", lang, secs)
		}
		headline := report.Guide(*backup, v).Headline
		for kind, out := range renderings(t, rep, v) {
			if kind != "summary" && strings.Contains(out, notWhy[lang]) {
				t.Errorf("%s %s: the backup's expired certificate is under %q:\n%s", lang, kind, notWhy[lang], out)
			}
			for _, never := range []string{"app accepts this", "はこれを受け入れます"} {
				if strings.Contains(out, never) {
					t.Errorf("%s %s says %q", lang, kind, never)
				}
			}
			if kind == "summary" {
				if !strings.Contains(out, "cert_expired (") || !strings.Contains(out, backup.Evidence[checks.EvHost]+":") {
					t.Errorf("%s summary does not name the backup server:\n%s", lang, out)
				}
				continue
			}
			want := headline
			if kind == "html" {
				want = template.HTMLEscapeString(headline)
			}
			h, e := strings.Index(out, refused[lang]), strings.Index(out, want)
			if h < 0 || e < h {
				t.Errorf("%s %s: %q is not under %q:\n%s", lang, kind, headline, refused[lang], out)
			}
			// The cause's own steps come first, right after the cause.
			steps := guide.Labels(lang)["steps"]
			if kind == "html" {
				steps = map[guide.Lang]string{guide.En: "Steps suggested to the user", guide.Ja: "利用者への案内"}[lang]
			}
			if s := strings.Index(out, steps); s < 0 || h < s {
				t.Errorf("%s %s: the steps are not above %q:\n%s", lang, kind, refused[lang], out)
			}
		}
	}
}

// With the user's VPN app known, the backup's expired certificate is said
// to stop that app, not that the app accepts it.
func TestServerTheChosenAppRefuses(t *testing.T) {
	p, err := clients.Lookup("anyconnect", "windows")
	if err != nil {
		t.Fatal(err)
	}
	rep := diagnoseWithBackup(t, "untrusted_root", "expired", func(o *checks.Options) {
		o.Client = clients.Choice{Profile: p, How: clients.ByFlag, From: "anyconnect"}
	})
	secs := report.AdvisorySections(rep, view(guide.En))
	if len(secs) == 0 || !secs[0].Refused || secs[0].List[0].ID != checks.CertExpired || !strings.Contains(secs[0].List[0].Line, "Cisco Secure Client cannot connect") {
		t.Errorf("sections %+v", secs)
	}
}

// A warning VPN apps accept (a certificate valid for too long) stays under
// "Not why your VPN fails", and the other heading is not shown.
func TestWarningVPNAppsAcceptStaysUnderNotWhy(t *testing.T) {
	rep := diagnose(t, "too_long")
	for _, lang := range []guide.Lang{guide.En, guide.Ja} {
		for kind, out := range renderings(t, rep, view(lang)) {
			if kind == "summary" {
				continue
			}
			if !strings.Contains(out, notWhy[lang]) || strings.Contains(out, refused[lang]) {
				t.Errorf("%s %s: headings wrong:\n%s", lang, kind, out)
			}
		}
	}
}
