package report

import (
	"strings"

	"github.com/vpndoctor/vpndoctor/checks"
	"github.com/vpndoctor/vpndoctor/checks/guide"
)

// Advisory is a finding that does not make the user's VPN app refuse the
// server, but that IT should fix (issue 12).
type Advisory struct {
	ID       checks.ID
	Headline string // the guide's plain headline for the finding
	Line     string // "Not the reason your VPN fails: ... because ..."
	// Refused: the user's VPN app (with no client known: the strict
	// reading) refuses the server this is about. Only another server of
	// the login is kept as such a warning (checks.mergeEndpoints), so it
	// goes under its own heading, never under "does not stop your VPN".
	Refused bool
	// Server names the other server of the login it is about ("Backup
	// server vpn2.example.com:443"), "" for the server checked.
	Server string
}

// notIT are warnings that are not a server fault for IT.
var notIT = map[checks.ID]bool{checks.RevocationUnknown: true, checks.ClockSkew: true, checks.NTPUnavailable: true}

func clientID(rep *checks.Report) string {
	if rep.Client == nil {
		return ""
	}
	return rep.Client.Profile
}

// ClientLine is the sentence about the primary cause and the user's VPN
// app ("Cisco Secure Client will refuse this server."), "" when nothing
// blocks it.
func ClientLine(rep *checks.Report, v View) string {
	pf := primaryFinding(rep)
	if rep.Primary == checks.OK || !pf.Blocks {
		return ""
	}
	if deviceCause(pf.ID) {
		// Here the gateway refuses the device, not the app the server.
		return guide.RefusesDevice(v.Lang)
	}
	return guide.Refuses(v.Lang, clientID(rep), pf.BlocksClients)
}

// Advisories lists the warnings IT should fix although the user's VPN app
// accepts them, with the plain reason.
func Advisories(rep *checks.Report, v View) []Advisory {
	var out []Advisory
	for _, f := range rep.Findings {
		if f.Severity != checks.Warn || notIT[f.ID] {
			continue
		}
		line := guide.NotTheCause(v.Lang, clientID(rep), f.BlocksClients)
		switch {
		case f.Blocks:
			line = guide.RefusedElsewhere(v.Lang, clientID(rep), f.BlocksClients)
		case f.ID == checks.TLSInterception:
			line = guide.InspectionAccepted(v.Lang, clientID(rep), f.Evidence[checks.EvProduct])
		}
		a := Advisory{ID: f.ID, Headline: Guide(f, v).Headline, Line: line, Refused: f.Blocks, Server: endpointOf(f, v)}
		if a.Server != "" {
			// The guide's headline says "the VPN server", which would read
			// as the server the user checked.
			a.Headline += v.tr("（"+a.Server+"）", " — "+a.Server)
		}
		out = append(out, a)
	}
	return out
}

// endpointOf names the other server of the login a finding is about
// ("Backup server vpn2.example.com:443"), "" for the server checked.
func endpointOf(f checks.Finding, v View) string {
	role := f.Evidence[checks.EvEndpoint]
	if role == "" || role == checks.EndpointMain {
		return ""
	}
	return roleWord(role, v) + " " + f.Evidence[checks.EvHost] + ":" + f.Evidence[checks.EvPort]
}

// AdvisorySection is one headed list of advisories.
type AdvisorySection struct {
	Title   string
	Refused bool
	List    []Advisory
}

// AdvisorySections are the advisories under the headings every renderer
// shows, in this order: servers of the login the VPN app refuses, then
// what it accepts. An empty list has no section.
func AdvisorySections(rep *checks.Report, v View) []AdvisorySection {
	var out []AdvisorySection
	adv := Advisories(rep, v)
	for _, refused := range []bool{true, false} {
		sec := AdvisorySection{Title: AdvisoryHeading(v, refused), Refused: refused}
		for _, a := range adv {
			if a.Refused == refused {
				sec.List = append(sec.List, a)
			}
		}
		if len(sec.List) > 0 {
			out = append(out, sec)
		}
	}
	return out
}

// AdvisoryHeading is the title above one of those lists.
func AdvisoryHeading(v View, refused bool) string {
	if refused {
		return v.tr("今回の原因ではありませんが、ログインで使われるほかのサーバーに VPN アプリが接続できません（IT 担当者に直してもらうこと）",
			"Not the cause found here, but VPN apps refuse these other servers of your login (IT should fix)")
	}
	return v.tr("VPN の接続は妨げませんが、IT 担当者に直してもらうこと", "Not why your VPN fails, but IT should fix")
}

// clientNote says whose rules judged the findings, and when the OS
// verifier and the engine disagree, which one the VPN app follows.
func clientNote(rep *checks.Report, v View) string {
	c := rep.Client
	if c == nil {
		return ""
	}
	var b strings.Builder
	if name := guide.ClientName(v.Lang, c.Profile); name != "" {
		how := map[string]string{"flag": v.tr("指定", "chosen"), "config": v.tr("IT の設定", "IT's settings"), "detected": v.tr("この端末で検出", "found on this computer")}[c.How]
		b.WriteString(v.tr("判定に使った VPN アプリ: ", "Judged as: ") + c.Name + " (" + how + ")")
	} else {
		b.WriteString(v.tr("判定: すべての VPN アプリの規則（VPN アプリを特定できませんでした）", "Judged by: every VPN client's rules (no single VPN client found)"))
	}
	if c.Disagree {
		b.WriteString("\n" + v.tr("OS の判定とエンジンの判定が異なります: ", "The OS verifier and vpndoctor disagree: ") + c.Note)
	}
	return b.String()
}

// blockedNames lists the clients a finding blocks, by the names people know.
func blockedNames(f checks.Finding, v View) string {
	return guide.ClientList(v.Lang, f.BlocksClients)
}

// deviceCause says whether a finding is about this computer's own
// (client) certificate: then the VPN server refuses the login, where other
// findings are about the VPN app refusing the server.
func deviceCause(id checks.ID) bool { return strings.HasPrefix(string(id), "client_cert_") }

// blockedLabel heads the list of blockedNames in a report's findings.
func blockedLabel(f checks.Finding, v View) string {
	if deviceCause(f.ID) {
		return v.tr("VPN サーバーにログインを拒否される VPN アプリ", "login refused by the VPN server in")
	}
	return v.tr("拒否する VPN アプリ", "refused by")
}

// PrimaryText is the fix guide's text for the primary cause. When the
// VPN app accepts the server but IT has something to fix, "no problem
// found" becomes "your app accepts it, but IT has something to fix".
func PrimaryText(rep *checks.Report, v View) guide.Text {
	g := Guide(primaryFinding(rep), v)
	AdjustAccepted(rep, v, &g)
	return g
}

// AdjustAccepted rewrites an ok text when there are advisories.
func AdjustAccepted(rep *checks.Report, v View, g *guide.Text) {
	secs := AdvisorySections(rep, v)
	if rep.Primary != checks.OK || len(secs) == 0 {
		return
	}
	g.Headline = guide.AcceptedHeadline(v.Lang, clientID(rep), rep.Target.Host)
	g.Meaning = guide.AcceptedMeaning(v.Lang, secs[0].Refused)
}
