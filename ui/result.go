package ui

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/vpndoctor/vpndoctor/checks"
	"github.com/vpndoctor/vpndoctor/checks/guide"
	"github.com/vpndoctor/vpndoctor/checks/report"
)

// Verdict is the result's overall mood, which picks its icon.
type Verdict string

// Verdicts.
const (
	VerdictOK      Verdict = "ok"
	VerdictWarning Verdict = "warning"
	VerdictProblem Verdict = "problem"
)

func verdictOf(rep *checks.Report) Verdict {
	if rep.Primary != checks.OK {
		return VerdictProblem
	}
	for _, f := range rep.Findings {
		if f.Severity == checks.Warn {
			return VerdictWarning
		}
	}
	return VerdictOK
}

func verdictIcon(v Verdict) fyne.Resource {
	switch v {
	case VerdictProblem:
		return theme.NewErrorThemedResource(theme.ErrorIcon())
	case VerdictWarning:
		return theme.NewWarningThemedResource(theme.WarningIcon())
	}
	return theme.NewSuccessThemedResource(theme.ConfirmIcon())
}

// primaryFinding is the finding the report names as the cause (or ok).
func primaryFinding(rep *checks.Report) checks.Finding {
	for _, f := range rep.Findings {
		if f.ID == rep.Primary {
			return f
		}
	}
	return checks.Finding{ID: rep.Primary, Cert: -1}
}

// guideText is the fix guide's text for f, or, when the guide has none,
// the engine's own words.
func (w *Wizard) guideText(f checks.Finding) guide.Text {
	t, err := guide.For(string(f.ID), w.lang, w.os, f.Evidence, w.loc)
	if err != nil {
		return guide.Text{ID: string(f.ID), Headline: capitalise(f.Title), Meaning: capitalise(f.Detail)}
	}
	return t
}

// Headline is the result screen's headline ("" on other screens).
func (w *Wizard) Headline() string {
	if w.step != StepResult || w.report == nil {
		return ""
	}
	g := w.guideText(primaryFinding(w.report))
	report.AdjustAccepted(w.report, report.View{Lang: w.lang, OS: w.os, Loc: w.loc}, &g)
	return g.Headline
}

func (w *Wizard) resultView() fyne.CanvasObject {
	rep := w.report
	if rep == nil {
		return widget.NewLabel("")
	}
	g := w.guideText(primaryFinding(rep))
	report.AdjustAccepted(rep, report.View{Lang: w.lang, OS: w.os, Loc: w.loc}, &g)
	labels := guide.Labels(w.lang)

	headline := bold(g.Headline, theme.SizeNameHeadingText)
	icon := container.NewGridWrap(fyne.NewSize(64, 64), widget.NewIcon(verdictIcon(verdictOf(rep))))
	when := rep.StartedAt.In(w.loc).Format("2006-01-02 15:04")
	server := small(w.t("result.server", "server", rep.Target.HostPort(), "time", when))
	top := container.NewBorder(nil, nil, container.NewVBox(icon), nil, container.NewVBox(headline, server))

	items := []fyne.CanvasObject{top}
	if w.reported.practice != "" {
		items = append(items, infoLine(w.t("practice.result", "title", w.practiceTitle(w.reported.practice))))
	}
	view := report.View{Lang: w.lang, OS: w.os, Loc: w.loc}
	if l := report.ClientLine(rep, view); l != "" {
		items = append(items, iconLine(theme.NewErrorThemedResource(theme.ErrorIcon()), bold(l, "")))
	}
	if g.Meaning != "" {
		items = append(items, wrapped(g.Meaning))
	}
	if note := report.NodeNote(rep, report.View{Lang: w.lang}); note != "" { // issue 14
		items = append(items, bold(note, ""))
	}
	// What IT should fix besides the cause: right after the meaning when
	// nothing stops the VPN (it is all there is to say), after the cause's
	// own steps otherwise, so that the steps follow the cause they fix.
	adv := w.advisories(rep, view)
	if adv != nil && rep.Primary == checks.OK {
		items = append(items, adv)
		adv = nil
	}
	if g.SideLabel != "" {
		colon := ": "
		if w.lang == guide.Ja {
			colon = "："
		}
		side := bold(labels["side"]+colon+g.SideLabel, "")
		items = append(items, iconLine(sideIcon(g.Side), side))
	}
	if len(g.Steps) > 0 {
		items = append(items, section(labels["steps"]))
		for i, s := range g.Steps {
			items = append(items, numbered(i+1, s))
		}
	}
	if dev := w.deviceList(rep); dev != nil { // Issue 13
		items = append(items, dev)
	}
	if acts := w.actionButtons(rep.Primary); acts != nil {
		items = append(items, acts)
	}
	if adv != nil {
		items = append(items, adv)
	}
	if also := w.alsoFound(rep); also != nil {
		items = append(items, also)
	}
	if login := w.loginView(rep); login != nil { // issue 14
		items = append(items, login)
	}
	if g.WhenToCall != "" {
		items = append(items, section(labels["when_to_call"]), wrapped(g.WhenToCall))
	}
	if g.TellIT != "" {
		tell := wrapped(g.TellIT)
		items = append(items, section(labels["tell_it"]), widget.NewCard("", "", tell))
	}
	if c := report.SupportLine(w.cfg.Support); c != "" && rep.Primary != checks.OK {
		items = append(items, iconLine(theme.MailComposeIcon(), bold(w.t("result.support", "contact", c), "")))
	}

	items = append(items, widget.NewSeparator(), w.detailsView(rep, g))
	return container.NewVBox(items...)
}

func sideIcon(side string) fyne.Resource {
	switch side {
	case "device":
		return theme.ComputerIcon()
	case "gateway":
		return theme.StorageIcon()
	}
	return theme.SettingsIcon()
}

// alsoFound lists the other problems and warnings, one headline each.
func (w *Wizard) alsoFound(rep *checks.Report) fyne.CanvasObject {
	var rows []fyne.CanvasObject
	seen := map[checks.ID]bool{rep.Primary: true}
	for _, a := range report.Advisories(rep, report.View{Lang: w.lang, OS: w.os, Loc: w.loc}) {
		seen[a.ID] = true // shown with why IT should fix it
	}
	for _, f := range rep.Findings {
		if seen[f.ID] || f.Severity != checks.Fail && f.Severity != checks.Warn {
			continue
		}
		seen[f.ID] = true
		var icon fyne.Resource = theme.NewWarningThemedResource(theme.WarningIcon())
		if f.Severity == checks.Fail {
			icon = theme.NewErrorThemedResource(theme.ErrorIcon())
		}
		rows = append(rows, iconLine(icon, wrapped(w.guideText(f).Headline)))
	}
	if rows == nil {
		return nil
	}
	return container.NewVBox(append([]fyne.CanvasObject{section(w.t("result.also"))}, rows...)...)
}

// actionsFor are the safe actions that help with a finding.
var actionsFor = map[checks.ID][]string{
	checks.ClockSkew:          {ActionSyncClock, ActionDateTime},
	checks.CertNotYetValid:    {ActionSyncClock, ActionDateTime},
	checks.UntrustedRoot:      {ActionCertManager},
	checks.SelfSigned:         {ActionCertManager},
	checks.TLSInterception:    {ActionCertManager},
	checks.ClientCertRequired: {ActionCertManager},
	checks.ClientCertExpired:  {ActionCertManager},
	checks.ClientCertUntrust:  {ActionCertManager},
	checks.ClientCertNoKey:    {ActionCertManager},
	checks.ClientCertNotYet:   {ActionCertManager},
	checks.ClientCertUsage:    {ActionCertManager},
	checks.ClientCertChain:    {ActionCertManager},
	checks.ClientCertRevoked:  {ActionCertManager},
}

func (w *Wizard) actionButtons(id checks.ID) fyne.CanvasObject {
	var btns []fyne.CanvasObject
	for _, a := range actionsFor[id] {
		if !slices.Contains(w.cfg.actions(), a) {
			continue
		}
		btns = append(btns, widget.NewButtonWithIcon(w.actionLabel(a), theme.SettingsIcon(), func() { w.runAction(a) }))
	}
	if btns == nil {
		return nil
	}
	return container.NewHBox(btns...)
}

func (w *Wizard) actionLabel(a string) string {
	if a == ActionCertManager {
		return w.t("action.certmanager." + string(w.os))
	}
	return w.t("action." + a)
}

func (w *Wizard) runAction(a string) {
	// OpenAction starts a program and returns; it does not wait for it.
	if err := w.cfg.OpenAction(a); err != nil {
		w.showNote(w.t("action.failed", "error", err.Error()), widget.DangerImportance)
		return
	}
	key := "action.done"
	if a == ActionSyncClock {
		key = "action.synced"
	}
	w.showNote(w.t(key), widget.SuccessImportance)
}

func (w *Wizard) showNote(s string, imp widget.Importance) {
	if w.note == nil {
		return
	}
	w.note.Importance = imp
	w.note.SetText(breakable(s))
	w.note.Show()
}

// resultFooter holds the buttons, always in view: Check again, Copy
// summary, Save report, Check another server; above them, the outcome of
// the last one pressed.
func (w *Wizard) resultFooter() fyne.CanvasObject {
	if w.report == nil {
		return nil
	}
	w.note = widget.NewLabel("")
	w.note.Wrapping = fyne.TextWrapWord
	w.note.Hide()
	return container.NewVBox(w.note, w.resultButtons())
}

func (w *Wizard) resultButtons() fyne.CanvasObject {
	again := widget.NewButtonWithIcon(w.t("result.again"), theme.ViewRefreshIcon(), w.checkAgain)
	copyBtn := widget.NewButtonWithIcon(w.t("result.copy"), theme.ContentCopyIcon(), w.copySummary)
	// The first thing to do: fix it here and check again, or hand the
	// problem to those whose side it is on.
	if w.guideText(primaryFinding(w.report)).Side == "gateway" {
		copyBtn.Importance = widget.HighImportance
		w.focus = copyBtn
	} else if w.report.Primary != checks.OK {
		again.Importance = widget.HighImportance
		w.focus = again
	}
	btns := []fyne.CanvasObject{again, copyBtn}
	if w.cfg.SaveReport != nil {
		btns = append(btns, widget.NewButtonWithIcon(w.t("result.save"), theme.DocumentSaveIcon(), w.saveReport))
	}
	other := widget.NewButtonWithIcon(w.t("result.new"), theme.NavigateBackIcon(), func() { w.show(StepStart) })
	btns = append(btns, other)
	return container.NewGridWithColumns(2, btns...)
}

// checkAgain checks the same server (or practice problem) once more.
func (w *Wizard) checkAgain() {
	if w.run == nil {
		w.begin(w.reported)
	}
}

// Summary is the text "Copy summary for helpdesk" puts on the clipboard.
func (w *Wizard) Summary() string {
	if w.report == nil {
		return ""
	}
	return report.Summary(w.report, report.View{Lang: w.lang, OS: w.os, Loc: w.loc, Facts: w.cfg.Facts, Support: w.cfg.Support})
}

func (w *Wizard) copySummary() {
	w.app.Clipboard().SetContent(w.Summary())
	w.showNote(w.t("result.copied"), widget.SuccessImportance)
}

// saveReport first asks whether to hide this computer's and the user's
// names (on by default: the file is often forwarded beyond IT, and IT
// knows who sent it), then where to save.
func (w *Wizard) saveReport() {
	redact := widget.NewCheck(w.t("save.redact"), nil)
	redact.SetChecked(true)
	body := container.NewVBox(wrapped(w.t("save.intro")), redact, small(w.t("save.private")))
	dialog.ShowCustomConfirm(w.t("result.save"), w.t("save.choose"), w.t("save.cancel"), body, func(ok bool) {
		if ok {
			w.chooseReportFile(redact.Checked)
		}
	}, w.win)
}

func (w *Wizard) chooseReportFile(redact bool) {
	rep, lang := w.report, w.lang
	d := dialog.NewFileSave(func(out fyne.URIWriteCloser, err error) {
		if err != nil || out == nil {
			if err != nil {
				w.showNote(w.t("result.save_failed", "error", err.Error()), widget.DangerImportance)
			}
			return
		}
		name := out.URI().Path()
		err = w.cfg.SaveReport(rep, lang, out, formatFor(name), redact)
		if cerr := out.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			w.showNote(w.t("result.save_failed", "error", err.Error()), widget.DangerImportance)
			return
		}
		w.showNote(w.t("result.saved", "path", name), widget.SuccessImportance)
		if w.cfg.OpenFolder != nil {
			dialog.ShowConfirm(w.t("result.save"), w.t("save.open_folder", "path", name), func(open bool) {
				if open {
					if err := w.cfg.OpenFolder(filepath.Dir(name)); err != nil {
						w.showNote(w.t("action.failed", "error", err.Error()), widget.DangerImportance)
					}
				}
			}, w.win)
		}
	}, w.win)
	d.SetFileName(reportFileName(rep))
	d.Resize(w.win.Canvas().Size())
	d.Show()
}

// formatFor picks the report format from the file name the user chose.
func formatFor(name string) string {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".json":
		return "json"
	case ".txt", ".text":
		return "text"
	}
	return "html"
}

func reportFileName(rep *checks.Report) string {
	host := strings.NewReplacer(":", "_", "/", "_", "\\", "_").Replace(rep.Target.Host)
	return fmt.Sprintf("vpndoctor-%s-%s.html", host, rep.StartedAt.Local().Format("20060102-1504"))
}

// daysLeft is whole days from now to t, negative once t has passed.
func daysLeft(t, now time.Time) int {
	return int(t.Sub(now).Hours() / 24)
}

// advisories are the findings IT should fix although they are not the
// cause found, each with the plain reason, under report's headings: the
// servers of the login VPN apps refuse apart from what they accept.
func (w *Wizard) advisories(rep *checks.Report, view report.View) fyne.CanvasObject {
	var rows []fyne.CanvasObject
	for _, sec := range report.AdvisorySections(rep, view) {
		rows = append(rows, section(sec.Title))
		for _, a := range sec.List {
			rows = append(rows, iconLine(theme.NewWarningThemedResource(theme.WarningIcon()), bold(a.Headline, "")), wrapped(a.Line))
		}
	}
	if rows == nil {
		return nil
	}
	return container.NewVBox(rows...)
}
