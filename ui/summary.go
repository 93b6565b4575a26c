package ui

import (
	"fmt"
	"strings"

	"github.com/vpndoctor/vpndoctor/checks"
	"github.com/vpndoctor/vpndoctor/checks/guide"
)

// summary is the wizard's own text for the helpdesk, used when cmd gives
// no Config.Summary: what was checked, the plain-words result, whose side
// it is on, and the facts a helpdesk asks for first.
func (w *Wizard) summary(rep *checks.Report) string {
	g := w.guideText(primaryFinding(rep))
	labels := guide.Labels(w.lang)
	var b strings.Builder
	line := func(k, v string) {
		if v != "" {
			fmt.Fprintf(&b, "%s: %s\n", k, v)
		}
	}
	fmt.Fprintf(&b, "%s (vpndoctor %s)\n", w.t("summary.title"), rep.Tool.Version)
	line(w.t("conn.server"), rep.Target.HostPort())
	if w.reported.practice != "" {
		line(w.t("practice.label"), w.practiceTitle(w.reported.practice))
	}
	line(w.t("summary.when"), w.date(rep.StartedAt))
	line(w.t("summary.result"), g.Headline)
	line(labels["side"], g.SideLabel)
	line(labels["tell_it"], g.TellIT)
	b.WriteString(w.t("details.findings") + ":\n")
	for _, f := range rep.Findings {
		fmt.Fprintf(&b, "- [%s] %s: %s\n", f.Severity, f.ID, f.Title)
	}
	if len(rep.Chain) > 0 {
		leaf := rep.Chain[0]
		line(w.t("summary.cert"), leaf.Subject+", "+w.validity(leaf, w.certNow(rep)))
		line(w.t("cert.issuer"), leaf.Issuer)
	}
	line(w.t("conn.tls"), rep.TLS.Version)
	if rep.Clock.Known {
		line(w.t("clock.offset"), w.offset(msDuration(rep.Clock.OffsetMS)))
	}
	return b.String()
}
