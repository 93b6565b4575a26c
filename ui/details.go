package ui

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/vpndoctor/vpndoctor/checks"
	"github.com/vpndoctor/vpndoctor/checks/guide"
	"github.com/vpndoctor/vpndoctor/checks/report"
)

// kv is one line of the technical details.
type kv struct{ k, v string }

// detailsView is the "Technical details" section for the helpdesk: every
// finding with its evidence, the chain, the connection, the clock, the
// trust store and the system. It starts folded.
func (w *Wizard) detailsView(rep *checks.Report, g guide.Text) fyne.CanvasObject {
	body := container.NewVBox()
	copyAll := widget.NewButtonWithIcon(w.t("details.copy"), theme.ContentCopyIcon(), func() {
		w.app.Clipboard().SetContent(w.detailsText(rep, g))
		w.showNote(w.t("details.copied"), widget.SuccessImportance)
	})
	body.Add(container.NewHBox(copyAll))

	body.Add(section(w.t("details.findings")))
	for _, f := range rep.Findings {
		body.Add(w.findingView(f))
	}
	if len(rep.Chain) > 0 {
		body.Add(section(w.t("details.chain")))
		items := make([]*widget.AccordionItem, len(rep.Chain))
		for i, c := range rep.Chain {
			items[i] = widget.NewAccordionItem(w.certTitle(i, c), w.certView(c, w.certNow(rep)))
		}
		chain := widget.NewAccordion(items...)
		chain.MultiOpen = true
		body.Add(chain)
	}
	for _, s := range w.tables(rep) {
		body.Add(section(s.title))
		body.Add(kvForm(s.rows))
	}
	acc := widget.NewAccordion(widget.NewAccordionItem(w.t("details.title"), body))
	return acc
}

func (w *Wizard) findingView(f checks.Finding) fyne.CanvasObject {
	var icon fyne.Resource = theme.NewSuccessThemedResource(theme.ConfirmIcon())
	switch f.Severity {
	case checks.Fail:
		icon = theme.NewErrorThemedResource(theme.ErrorIcon())
	case checks.Warn:
		icon = theme.NewWarningThemedResource(theme.WarningIcon())
	case checks.Info:
		icon = theme.InfoIcon()
	}
	title := bold(string(f.ID)+" — "+f.Title, "")
	items := []fyne.CanvasObject{title}
	if f.Detail != "" {
		items = append(items, selectable(f.Detail))
	}
	if rows := evidenceRows(f); len(rows) > 0 {
		items = append(items, kvForm(rows))
	}
	return iconLine(icon, container.NewVBox(items...))
}

// evidenceRows lists a finding's evidence, sorted by key; host and port,
// which every finding carries, are left to the report's header.
func evidenceRows(f checks.Finding) []kv {
	keys := make([]string, 0, len(f.Evidence))
	for k := range f.Evidence {
		if k != checks.EvHost && k != checks.EvPort {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	rows := make([]kv, len(keys))
	for i, k := range keys {
		rows[i] = kv{k, f.Evidence[k]}
	}
	return rows
}

// certNow is the time the chain's validity is measured from: the true time
// when the clock check learned it, else this computer's clock.
func (w *Wizard) certNow(rep *checks.Report) time.Time {
	if rep.Clock.Known {
		return rep.Clock.True
	}
	return rep.StartedAt
}

func (w *Wizard) certTitle(i int, c checks.ChainCert) string {
	return fmt.Sprintf("%d. %s — %s", i+1, c.Subject, w.t("source."+string(c.Source)))
}

func (w *Wizard) certView(c checks.ChainCert, now time.Time) fyne.CanvasObject {
	form := kvForm(w.certRows(c, now))
	pem := widget.NewLabelWithStyle(c.PEM, fyne.TextAlignLeading, fyne.TextStyle{Monospace: true})
	pem.Selectable = true
	pem.Hide()
	show := widget.NewButtonWithIcon(w.t("cert.show_pem"), theme.VisibilityIcon(), nil)
	show.OnTapped = func() {
		if pem.Visible() {
			pem.Hide()
			show.SetText(w.t("cert.show_pem"))
		} else {
			pem.Show()
			show.SetText(w.t("cert.hide_pem"))
		}
	}
	copyPEM := widget.NewButtonWithIcon(w.t("cert.copy_pem"), theme.ContentCopyIcon(), func() {
		w.app.Clipboard().SetContent(c.PEM)
		w.showNote(w.t("cert.copied"), widget.SuccessImportance)
	})
	return container.NewVBox(form, container.NewHBox(copyPEM, show), pem)
}

func (w *Wizard) certRows(c checks.ChainCert, now time.Time) []kv {
	rows := []kv{
		{w.t("cert.subject"), c.Subject},
		{w.t("cert.issuer"), c.Issuer},
		{w.t("cert.valid"), w.validity(c, now)},
		{w.t("cert.sha256"), c.SHA256},
		{w.t("cert.source"), w.t("source."+string(c.Source)) + originSuffix(c.Origin)},
	}
	if len(c.DNSNames) > 0 || len(c.IPs) > 0 {
		rows = append(rows, kv{w.t("cert.names"), report.NameList(c, report.View{Lang: w.lang})})
	}
	rows = append(rows,
		kv{w.t("cert.key"), c.Key},
		kv{w.t("cert.sigalg"), c.SigAlg},
		kv{w.t("cert.serial"), c.Serial})
	return rows
}

func originSuffix(o string) string {
	if o == "" {
		return ""
	}
	return " (" + o + ")"
}

// validity is "2025-03-01 – 2026-03-01 (expires in 120 days)".
func (w *Wizard) validity(c checks.ChainCert, now time.Time) string {
	span := w.date(c.NotBefore) + " – " + w.date(c.NotAfter)
	var note string
	switch {
	case now.Before(c.NotBefore):
		note = w.t("cert.not_yet", "n", strconv.Itoa(daysLeft(c.NotBefore, now)))
	case now.After(c.NotAfter):
		note = w.t("cert.expired", "n", strconv.Itoa(-daysLeft(c.NotAfter, now)))
	default:
		note = w.t("cert.days_left", "n", strconv.Itoa(daysLeft(c.NotAfter, now)))
	}
	return span + " (" + note + ")"
}

func (w *Wizard) date(t time.Time) string { return t.In(w.loc).Format("2006-01-02 15:04 MST") }

// table is a titled list of lines of the technical details.
type table struct {
	title string
	rows  []kv
}

// tables are the details shown as plain label: value lines, in order;
// empty ones are left out.
func (w *Wizard) tables(rep *checks.Report) []table {
	var out []table
	for _, t := range []table{
		{w.t("details.connection"), w.connectionRows(rep)},
		{w.t("details.clock"), w.clockRows(rep)},
		{w.t("details.trust"), w.trustRows(rep)},
		{w.t("details.system"), w.factRows()},
	} {
		if len(t.rows) > 0 {
			out = append(out, t)
		}
	}
	return out
}

func (w *Wizard) connectionRows(rep *checks.Report) []kv {
	rows := []kv{{w.t("conn.server"), rep.Target.HostPort()}}
	if len(rep.Addresses) > 0 {
		rows = append(rows, kv{w.t("conn.addresses"), strings.Join(rep.Addresses, ", ")})
	}
	t := rep.TLS
	if t.Version != "" {
		rows = append(rows, kv{w.t("conn.tls"), t.Version})
	}
	if t.Cipher != "" {
		rows = append(rows, kv{w.t("conn.cipher"), t.Cipher})
	}
	rows = append(rows, kv{w.t("conn.sent"), strconv.Itoa(t.SentCertificates)})
	if t.ClientCertAsked {
		rows = append(rows, kv{w.t("conn.client_cert"), w.yesNo(t.ClientCertNeeded)})
	}
	rows = append(rows, kv{w.t("conn.stapled"), w.yesNo(t.OCSPStapled)})
	if t.HandshakeError != "" {
		rows = append(rows, kv{w.t("conn.error"), t.HandshakeError})
	}
	rows = append(rows, kv{w.t("conn.duration"), w.t("unit.ms", "n", strconv.FormatInt(rep.DurationMS, 10))})
	return rows
}

func (w *Wizard) clockRows(rep *checks.Report) []kv {
	c := rep.Clock
	var rows []kv
	if c.Server != "" {
		rows = append(rows, kv{w.t("clock.server"), c.Server})
	}
	if c.Known {
		rows = append(rows,
			kv{w.t("clock.offset"), w.offset(msDuration(c.OffsetMS))},
			kv{w.t("clock.true"), w.date(c.True)})
	}
	if !c.Local.IsZero() {
		rows = append(rows, kv{w.t("clock.local"), w.date(c.Local)})
	}
	if c.Error != "" {
		rows = append(rows, kv{w.t("clock.error"), c.Error})
	}
	return rows
}

// offset says how far this computer's clock is off: OffsetMS is the
// correction, so a positive one means the clock is behind.
func (w *Wizard) offset(d time.Duration) string {
	n := d.Abs().Round(time.Millisecond).String()
	switch {
	case d.Abs() < time.Second:
		return w.t("clock.right", "n", n)
	case d > 0:
		return w.t("clock.behind", "n", n)
	}
	return w.t("clock.ahead", "n", n)
}

func (w *Wizard) trustRows(rep *checks.Report) []kv {
	t := rep.Trust
	rows := []kv{}
	if t.Store != "" {
		rows = append(rows, kv{w.t("trust.store"), t.Store}, kv{w.t("trust.roots"), strconv.Itoa(t.Roots)})
	}
	if t.Verdict != "" {
		rows = append(rows, kv{w.t("trust.verdict"), t.Verdict})
	}
	if t.AnchorFrom != "" {
		rows = append(rows, kv{w.t("trust.anchor"), t.AnchorFrom})
	}
	if t.Error != "" {
		rows = append(rows, kv{w.t("trust.error"), t.Error})
	}
	return rows
}

func (w *Wizard) factRows() []kv {
	keys := make([]string, 0, len(w.cfg.Facts))
	for k := range w.cfg.Facts {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	rows := make([]kv, len(keys))
	for i, k := range keys {
		rows[i] = kv{k, w.cfg.Facts[k]}
	}
	return rows
}

func msDuration(ms int64) time.Duration { return time.Duration(ms) * time.Millisecond }

func (w *Wizard) yesNo(b bool) string {
	if b {
		return w.t("yes")
	}
	return w.t("no")
}

// detailsText is the technical details as plain text, for the clipboard.
func (w *Wizard) detailsText(rep *checks.Report, g guide.Text) string {
	var b strings.Builder
	fmt.Fprintf(&b, "vpndoctor %s — %s\n%s\n", rep.Tool.Version, rep.Target.HostPort(), g.Headline)
	b.WriteString("\n# " + w.t("details.findings") + "\n")
	for _, f := range rep.Findings {
		fmt.Fprintf(&b, "- [%s] %s: %s\n", f.Severity, f.ID, f.Title)
		if f.Detail != "" {
			fmt.Fprintf(&b, "  %s\n", f.Detail)
		}
		for _, r := range evidenceRows(f) {
			fmt.Fprintf(&b, "  %s: %s\n", r.k, r.v)
		}
	}
	if len(rep.Chain) > 0 {
		b.WriteString("\n# " + w.t("details.chain") + "\n")
		for i, c := range rep.Chain {
			fmt.Fprintf(&b, "%d.\n", i+1)
			writeRows(&b, w.certRows(c, w.certNow(rep)))
		}
	}
	for _, s := range w.tables(rep) {
		b.WriteString("\n# " + s.title + "\n")
		writeRows(&b, s.rows)
	}
	return b.String()
}

func writeRows(b *strings.Builder, rows []kv) {
	for _, r := range rows {
		fmt.Fprintf(b, "  %s: %s\n", r.k, r.v)
	}
}

func kvForm(rows []kv) fyne.CanvasObject {
	f := widget.NewForm()
	for _, r := range rows {
		f.Append(r.k, selectable(r.v))
	}
	return f
}
