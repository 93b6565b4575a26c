// Package report renders a diagnosis (checks.Report) for people: the text
// the CLI prints and the helpdesk pastes, the JSON document, and the HTML
// file for IT. Every format is drawn from the same Report.
package report

import (
	"fmt"
	"io"
	"reflect"
	"strings"
	"time"

	"github.com/vpndoctor/vpndoctor/checks"
	"github.com/vpndoctor/vpndoctor/checks/guide"
)

// View says how a report is shown: language, whose OS steps, which zone.
type View struct {
	Lang guide.Lang
	OS   guide.OS
	Loc  *time.Location
	// Facts are this computer's facts (platform.Facts as strings), added to
	// the JSON and HTML documents when set.
	Facts map[string]string
	// Support is IT's contact (name, email, phone, url) from the
	// pre-configuration, shown with the advice.
	Support map[string]string
	// Redact hides this computer's name and the user's name everywhere in
	// the document (Facts "hostname" and "user" say what they are).
	Redact bool
}

func (v View) loc() *time.Location {
	if v.Loc == nil {
		return time.Local
	}
	return v.Loc
}

func (v View) ja() bool { return v.Lang == guide.Lang("ja") }

// tr picks the Japanese or English wording.
func (v View) tr(ja, en string) string {
	if v.ja() {
		return ja
	}
	return en
}

// primaryFinding is the finding the headline is about.
func primaryFinding(rep *checks.Report) checks.Finding {
	for _, f := range rep.Findings {
		if f.ID == rep.Primary {
			return f
		}
	}
	return checks.Finding{ID: rep.Primary, Evidence: map[string]string{}}
}

// Prepare reads the fix guide's texts for the view's language, so that a
// caller can do it while the diagnosis runs.
func Prepare(v View) {
	_, _ = guide.For(string(checks.OK), v.Lang, v.OS, nil, v.loc())
}

// Guide returns the fix-guide text for a finding in this view.
func Guide(f checks.Finding, v View) guide.Text {
	f = visibleValue(reflect.ValueOf(f)).Interface().(checks.Finding)
	t, err := guide.For(string(f.ID), v.Lang, v.OS, f.Evidence, v.loc())
	if err != nil {
		// A finding the guide does not know yet still says something true.
		return guide.Text{Headline: f.Title, Meaning: f.Detail}
	}
	return t
}

// Headline is the one plain sentence for the primary cause.
func Headline(rep *checks.Report, v View) string {
	return PrimaryText(rep, v).Headline
}

var severityMark = map[checks.Severity]string{checks.Fail: "FAIL", checks.Warn: "WARN", checks.Info: "INFO", checks.Pass: "PASS"}

// WriteText prints the report for a terminal: the headline and what to do,
// then the findings, then the chain.
func WriteText(w io.Writer, rep *checks.Report, v View) error {
	rep, v = Sanitize(rep), SanitizeView(v)
	var b strings.Builder
	g := PrimaryText(rep, v)
	mark := "✔"
	if rep.Primary != checks.OK {
		mark = "✘"
	}
	fmt.Fprintf(&b, "%s %s\n", mark, g.Headline)
	if l := ClientLine(rep, v); l != "" {
		fmt.Fprintf(&b, "%s\n", l)
	}
	if g.Meaning != "" {
		fmt.Fprintf(&b, "\n%s\n", g.Meaning)
	}
	if note := NodeNote(rep, v); note != "" { // issue 14
		fmt.Fprintf(&b, "\n%s\n", note)
	}
	// What IT should fix besides the cause: all there is to say when
	// nothing stops the VPN, after the cause's own steps otherwise (as in
	// the wizard and the HTML report).
	if rep.Primary == checks.OK {
		writeAdvisories(&b, rep, v)
	}
	labels := guide.Labels(v.Lang)
	if g.SideLabel != "" {
		fmt.Fprintf(&b, "%s%s%s\n", labels["side"], v.tr("：", ": "), g.SideLabel)
	}
	if len(g.Steps) > 0 {
		fmt.Fprintf(&b, "\n%s (%s):\n", labels["steps"], osName(v))
		for i, s := range g.Steps {
			fmt.Fprintf(&b, "  %d. %s\n", i+1, s)
		}
	}
	if rep.Primary != checks.OK {
		writeAdvisories(&b, rep, v)
	}
	if g.TellIT != "" && rep.Primary != checks.OK {
		fmt.Fprintf(&b, "\n%s%s%s\n", labels["tell_it"], v.tr("：", ": "), g.TellIT)
	}
	if c := SupportLine(v.Support); c != "" && rep.Primary != checks.OK {
		fmt.Fprintf(&b, "%s%s\n", v.tr("IT の連絡先：", "IT contact: "), c)
	}
	fmt.Fprintf(&b, "\n%s %s:%d  (%s, %d ms)\n", v.tr("確認した接続先:", "Checked:"), rep.Target.Host, rep.Target.Port,
		formatTime(rep.StartedAt, v), rep.DurationMS)
	writeLogin(&b, rep, v) // issue 14
	fmt.Fprintf(&b, "\n%s\n", v.tr("結果の一覧:", "Findings:"))
	for _, f := range rep.Findings {
		fmt.Fprintf(&b, "  %-4s %-22s %s\n", severityMark[f.Severity], f.ID, f.Title)
		if f.Detail != "" {
			fmt.Fprintf(&b, "       %s\n", f.Detail)
		}
		if n := blockedNames(f, v); n != "" && f.Severity != checks.Pass {
			fmt.Fprintf(&b, "       %s: %s\n", blockedLabel(f, v), n)
		}
	}
	if n := clientNote(rep, v); n != "" {
		fmt.Fprintf(&b, "\n%s\n", n)
	}
	writeDevice(&b, rep, v) // Issue 13
	if len(rep.Chain) > 0 {
		fmt.Fprintf(&b, "\n%s\n", v.tr("証明書チェーン:", "Certificate chain:"))
		for i, c := range rep.Chain {
			writeCert(&b, i, c, rep, v)
		}
	}
	writeFacts(&b, rep, v)
	_, err := io.WriteString(w, b.String())
	return err
}

func writeCert(b *strings.Builder, i int, c checks.ChainCert, rep *checks.Report, v View) {
	fmt.Fprintf(b, "  %d %s\n", i, c.Subject)
	fmt.Fprintf(b, "    %s %s\n", pad(v.tr("発行者", "issuer"), 9), c.Issuer)
	fmt.Fprintf(b, "    %s %s .. %s (%s)\n", pad(v.tr("有効期間", "valid"), 9), formatTime(c.NotBefore, v), formatTime(c.NotAfter, v), daysLeft(c, rep, v))
	if len(c.DNSNames) > 0 || len(c.IPs) > 0 {
		fmt.Fprintf(b, "    %s %s\n", pad(v.tr("名前", "names"), 9), NameList(c, v))
	}
	fmt.Fprintf(b, "    %s %s, %s\n", pad(v.tr("鍵/署名", "key/sig"), 9), c.Key, c.SigAlg)
	fmt.Fprintf(b, "    %s %s\n", pad("sha256", 9), c.SHA256)
	src := string(c.Source)
	if c.Origin != "" {
		src += " (" + c.Origin + ")"
	}
	fmt.Fprintf(b, "    %s %s\n", pad(v.tr("入手元", "source"), 9), src)
}

func writeFacts(b *strings.Builder, rep *checks.Report, v View) {
	fmt.Fprintln(b)
	if rep.TLS.Version != "" {
		fmt.Fprintf(b, "TLS: %s, %s\n", rep.TLS.Version, rep.TLS.Cipher)
	}
	if rep.Clock.Known {
		fmt.Fprintf(b, "%s %s (%s)\n", v.tr("時計の補正量:", "Clock correction:"), fmtOffset(rep.Clock.OffsetMS, v), clockSource(rep.Clock, v))
	} else if rep.Clock.Error != "" {
		fmt.Fprintf(b, "%s %s (%s)\n", v.tr("時計:", "Clock:"), v.tr("確認できませんでした", "not checked"), rep.Clock.Error)
	}
	if rep.Trust.Store != "" {
		fmt.Fprintf(b, "%s %s, %d %s, %s\n", v.tr("信頼ストア:", "Trust store:"), rep.Trust.Store, rep.Trust.Roots, v.tr("件のルート", "roots"), rep.Trust.Verdict)
	}
	for _, r := range rep.RefusedFetches {
		fmt.Fprintf(b, "%s %s (%s)\n", v.tr("取得しなかったアドレス:", "Not fetched:"), r.URL, r.Reason)
	}
}

// daysLeft says how long a certificate remains valid, judged at the true
// time when the clock was checked.
func daysLeft(c checks.ChainCert, rep *checks.Report, v View) string {
	now := rep.StartedAt
	if rep.Clock.Known {
		now = rep.Clock.True
	}
	d := int(c.NotAfter.Sub(now).Hours() / 24)
	switch {
	case now.Before(c.NotBefore):
		return v.tr("まだ有効になっていません", "not valid yet")
	case d < 0:
		return fmt.Sprintf(v.tr("%d 日前に期限切れ", "expired %d days ago"), -d)
	}
	return fmt.Sprintf(v.tr("残り %d 日", "%d days left"), d)
}

func formatTime(t time.Time, v View) string {
	if t.IsZero() {
		return "-"
	}
	t = t.In(v.loc())
	if v.ja() {
		return t.Format("2006年1月2日 15:04 MST")
	}
	return t.Format("2 Jan 2006 15:04 MST")
}

func osName(v View) string {
	if n := guide.Labels(v.Lang)["os."+string(v.OS)]; n != "" {
		return n
	}
	return string(v.OS)
}

// fmtOffset shows the NTP correction (true time minus this computer's
// time) to the second: finer is noise to a person.
func fmtOffset(ms int64, v View) string {
	d := (time.Duration(ms) * time.Millisecond).Round(time.Second)
	if d >= 48*time.Hour || d <= -48*time.Hour {
		return fmt.Sprintf(v.tr("%+d 日", "%+d days"), int64(d/(24*time.Hour)))
	}
	if d >= 0 {
		return "+" + d.String()
	}
	return d.String()
}

// pad fills s to width terminal columns; CJK characters take two.
func pad(s string, width int) string {
	w := 0
	for _, r := range s {
		if r >= 0x1100 && (r <= 0x115f || r >= 0x2e80 && r <= 0xa4cf || r >= 0xac00 && r <= 0xd7a3 || r >= 0xf900 && r <= 0xfaff || r >= 0xfe30 && r <= 0xfe4f || r >= 0xff00 && r <= 0xff60 || r >= 0xffe0 && r <= 0xffe6) {
			w += 2
		} else {
			w++
		}
	}
	if w >= width {
		return s
	}
	return s + strings.Repeat(" ", width-w)
}

// SupportLine is IT's contact from the pre-configuration ("name", "phone",
// "email", "url"), on one line.
func SupportLine(contact map[string]string) string {
	var parts []string
	for _, k := range []string{"name", "phone", "email", "url"} {
		if x := contact[k]; x != "" {
			parts = append(parts, x)
		}
	}
	return strings.Join(parts, " / ")
}

// writeAdvisories lists what IT should fix although it is not the cause
// found, under the headings of AdvisorySections.
func writeAdvisories(b *strings.Builder, rep *checks.Report, v View) {
	for _, sec := range AdvisorySections(rep, v) {
		fmt.Fprintf(b, "\n%s%s\n", sec.Title, v.tr("：", ":"))
		for _, a := range sec.List {
			fmt.Fprintf(b, "  ! %s\n    %s\n", a.Headline, a.Line)
		}
	}
}
