package report

import (
	"strings"
	"testing"
	"time"

	"github.com/vpndoctor/vpndoctor/checks"
	"github.com/vpndoctor/vpndoctor/checks/guide"
)

func TestDeviceLines(t *testing.T) {
	exp := time.Date(2026, 11, 3, 9, 0, 0, 0, time.UTC)
	rep := &checks.Report{
		Primary: checks.ClientCertRequired,
		TLS:     checks.TLSInfo{AcceptedCAs: []string{"CN=Corp Device CA"}},
		Login:   &checks.LoginInfo{Verdict: checks.LoginCertRequired, CertRequested: true, Methods: []string{"certificate"}, Answer: "HTTP 401 No certificate"},
		DeviceCerts: []checks.DeviceCert{
			{Subject: "laptop-1", Issuer: "Corp Device CA", WouldUse: true, NotAfter: exp.AddDate(1, 0, 0)},
			{Subject: "laptop-old", Issuer: "Corp Device CA", NotAfter: exp, Problems: []checks.ID{checks.ClientCertExpired}},
			{Subject: "home", Issuer: "Home CA", Problems: []checks.ID{checks.ClientCertUntrust}},
		},
	}
	for _, c := range []struct {
		lang  guide.Lang
		wants []string
	}{
		{guide.En, []string{"laptop-1 (issued by Corp Device CA): This one would be used", "laptop-old (issued by Corp Device CA): Expired on 3 Nov 2026 09:00", "home (issued by Home CA): Issued by a CA the VPN does not accept", "Gateway accepts device certificates from: CN=Corp Device CA"}},
		{guide.Ja, []string{"VPNアプリはこの証明書を使います", "2026年11月3日 09:00 UTC に有効期限が切れています", "VPNが受け入れない発行元のものです"}},
	} {
		v := View{Lang: c.lang, Loc: time.UTC}
		s := Summary(rep, v)
		for _, w := range c.wants {
			if !strings.Contains(s, w) {
				t.Errorf("%s summary lacks %q:\n%s", c.lang, w, s)
			}
		}
		if got := LoginSummary(rep, v); !strings.Contains(got, "HTTP 401 No certificate") {
			t.Errorf("login summary %q", got)
		}
	}
	// The gateway refuses the device: the line under the headline says so,
	// not that the VPN app refuses the server.
	rep.Findings = []checks.Finding{{ID: checks.ClientCertRequired, Severity: checks.Fail, Blocks: true}}
	for lang, want := range map[guide.Lang]string{guide.En: "The VPN server refuses this computer's login", guide.Ja: "VPN サーバーはこの端末からのログインを拒否します"} {
		if got := ClientLine(rep, View{Lang: lang}); !strings.Contains(got, want) {
			t.Errorf("%s client line %q, want %q", lang, got, want)
		}
	}
	// In the list of findings too: the server refuses the login in these
	// apps; it is not the apps that refuse the server.
	rep.Findings[0].BlocksClients = []string{"anyconnect-windows", "openconnect-gnutls"}
	rep.Findings = append(rep.Findings, checks.Finding{ID: checks.CertExpired, Severity: checks.Fail, Blocks: true, BlocksClients: []string{"anyconnect-windows"}})
	for _, c := range []struct {
		lang           guide.Lang
		device, server string
	}{
		{guide.En, "login refused by the VPN server in: ", "refused by: "},
		{guide.Ja, "VPN サーバーにログインを拒否される VPN アプリ: ", "拒否する VPN アプリ: "},
	} {
		for _, format := range []Format{"text", HTML} {
			var b strings.Builder
			var err error
			if format == HTML {
				err = Write(&b, format, rep, View{Lang: c.lang, Loc: time.UTC})
			} else {
				err = WriteText(&b, rep, View{Lang: c.lang, Loc: time.UTC})
			}
			if err != nil {
				t.Fatal(err)
			}
			out := b.String()
			dev := strings.Index(out, c.device)
			srv := strings.LastIndex(out, c.server)
			if dev < 0 || srv < 0 || srv < dev || strings.Count(out, c.server) != 1 {
				t.Errorf("%s %s report: the device finding's apps are not under %q and the server finding's under %q:\n%s", c.lang, format, c.device, c.server, out)
			}
		}
	}
	if DeviceLines(&checks.Report{}, View{}) != nil {
		t.Error("no device certificate involved, yet lines")
	}
}
