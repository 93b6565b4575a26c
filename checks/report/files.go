package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/vpndoctor/vpndoctor/checks"
)

// Format is a report file's kind.
type Format string

// Report formats.
const (
	HTML Format = "html"
	JSON Format = "json"
	Text Format = "txt"
)

// FormatFor picks the format from a file name's extension.
func FormatFor(name string) (Format, error) {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".html", ".htm":
		return HTML, nil
	case ".json":
		return JSON, nil
	case ".txt", ".text":
		return Text, nil
	}
	return "", fmt.Errorf("the report file %q must end in .html, .json or .txt", filepath.Base(name))
}

// Document is the JSON report: the engine's report plus this computer's
// facts. It keeps the schema of `vpndoctor check --json`.
type Document struct {
	*checks.Report
	System map[string]string `json:"system,omitempty"`
}

// WriteJSON writes the JSON document.
func WriteJSON(w io.Writer, rep *checks.Report, v View) error {
	return WriteJSONValue(w, Document{Report: rep, System: v.Facts})
}

// WriteJSONValue writes any document the commands print (check --json,
// system --json, clients --json) as WriteJSON does: indented, with the
// characters a terminal would obey escaped (issue 16). A certificate's
// subject, a VPN profile's address or a server's error text in it cannot
// drive the terminal it is printed on.
func WriteJSONValue(w io.Writer, doc any) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return err
	}
	_, err := w.Write(escapeJSON(buf.Bytes()))
	return err
}

// Write renders the report in one format.
func Write(w io.Writer, format Format, rep *checks.Report, v View) error {
	if v.Redact {
		rep, v = redact(rep, v)
	}
	switch format {
	case JSON:
		return WriteJSON(w, rep, v)
	case Text:
		_, err := io.WriteString(w, Summary(rep, v))
		return err
	case HTML:
		return WriteHTML(w, rep, v)
	}
	return fmt.Errorf("unknown report format %q", format)
}

// WriteFile writes the report to a file, the format chosen by its extension.
func WriteFile(name string, rep *checks.Report, v View) error {
	format, err := FormatFor(name)
	if err != nil {
		return err
	}
	f, err := os.Create(name)
	if err != nil {
		return err
	}
	if err := Write(f, format, rep, v); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// Summary is the short text for a ticket or a chat: what, where, when, the
// cause and the key evidence. "Copy summary for helpdesk" puts it on the
// clipboard.
func Summary(rep *checks.Report, v View) string {
	rep, v = Sanitize(rep), SanitizeView(v)
	var b strings.Builder
	pf := primaryFinding(rep)
	g := PrimaryText(rep, v)
	fmt.Fprintf(&b, "vpndoctor %s — %s\n", rep.Tool.Version, g.Headline)
	fmt.Fprintf(&b, "%s %s:%d\n", v.tr("接続先:", "Gateway:"), rep.Target.Host, rep.Target.Port)
	fmt.Fprintf(&b, "%s %s\n", v.tr("確認日時:", "Checked:"), formatTime(rep.StartedAt, v))
	fmt.Fprintf(&b, "%s %s (%s)\n", v.tr("原因:", "Cause:"), rep.Primary, pf.Title)
	if l := ClientLine(rep, v); l != "" {
		fmt.Fprintf(&b, "%s %s\n", v.tr("VPN アプリ:", "VPN app:"), l)
	}
	if pf.Detail != "" {
		fmt.Fprintf(&b, "%s %s\n", v.tr("詳細:", "Detail:"), pf.Detail)
	}
	for _, f := range rep.Findings {
		if f.ID == rep.Primary || f.Severity == checks.Pass {
			continue
		}
		fmt.Fprintf(&b, "%s %s %s\n", v.tr("他にも:", "Also:"), f.ID, f.Title)
	}
	for _, a := range Advisories(rep, v) {
		id := string(a.ID)
		if a.Server != "" {
			id += " (" + a.Server + ")"
		}
		fmt.Fprintf(&b, "%s %s: %s\n", v.tr("IT が直すこと:", "IT should fix:"), id, a.Line)
	}
	if rep.Client != nil {
		fmt.Fprintf(&b, "%s %s (%s)\n", v.tr("判定した VPN アプリ:", "Judged as:"), rep.Client.Profile, rep.Client.How)
	}
	if len(rep.Chain) > 0 {
		c := rep.Chain[0]
		fmt.Fprintf(&b, "%s %s / %s / %s .. %s / sha256 %s\n", v.tr("サーバー証明書:", "Server certificate:"),
			c.Subject, c.Issuer, formatTime(c.NotBefore, v), formatTime(c.NotAfter, v), c.SHA256)
	}
	writeDeviceSummary(&b, rep, v) // Issue 13
	if rep.TLS.Version != "" {
		fmt.Fprintf(&b, "TLS: %s %s\n", rep.TLS.Version, rep.TLS.Cipher)
	}
	if rep.Clock.Known {
		fmt.Fprintf(&b, "%s %s (%s)\n", v.tr("時計の補正量:", "Clock correction:"), fmtOffset(rep.Clock.OffsetMS, v), clockSource(rep.Clock, v))
	}
	if c := SupportLine(v.Support); c != "" {
		fmt.Fprintf(&b, "%s %s\n", v.tr("IT の連絡先:", "IT contact:"), c)
	}
	if os := v.Facts["os"]; os != "" {
		fmt.Fprintf(&b, "OS: %s %s\n", os, v.Facts["os_version"])
	}
	return b.String()
}
