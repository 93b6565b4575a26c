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
		if f.ID == checks.TLSInterception {
			line = guide.InspectionAccepted(v.Lang, clientID(rep), f.Evidence[checks.EvProduct])
		}
		out = append(out, Advisory{ID: f.ID, Headline: Guide(f, v).Headline, Line: line})
	}
	return out
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
	if rep.Primary != checks.OK || len(Advisories(rep, v)) == 0 {
		return
	}
	g.Headline = guide.AcceptedHeadline(v.Lang, clientID(rep), rep.Target.Host)
	g.Meaning = guide.AcceptedMeaning(v.Lang)
}
