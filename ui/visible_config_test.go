package ui

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/widget"

	"github.com/vpndoctor/vpndoctor/checks"
	"github.com/vpndoctor/vpndoctor/checks/guide"
)

// shownTexts is every text the window shows: labels, drop-downs, the
// address field, rich text, links and drawn text.
func (h *harness) shownTexts() string {
	var b strings.Builder
	for _, o := range h.objects() {
		switch x := o.(type) {
		case *widget.Label:
			b.WriteString(x.Text)
		case *widget.Select:
			b.WriteString(strings.Join(x.Options, "\n") + x.Selected)
		case *widget.Entry:
			b.WriteString(x.Text)
		case *widget.Hyperlink:
			b.WriteString(x.Text)
		case *widget.RichText:
			b.WriteString(x.String())
		case *canvas.Text:
			b.WriteString(x.Text)
		}
		b.WriteByte('\n')
	}
	return b.String()
}

// rawHidden reports the first control, C1 or bidirectional-override
// character in s (line breaks aside).
func rawHidden(s string) (rune, bool) {
	for _, r := range s {
		if r == '\n' || r == '\t' {
			continue
		}
		if r < 0x20 || r == 0x7f || r >= 0x80 && r <= 0x9f || r >= 0x202a && r <= 0x202e || r >= 0x2066 && r <= 0x2069 {
			return r, true
		}
	}
	return 0, false
}

// What the wizard is configured with comes from outside the program: VPN
// profiles (a gateway can push them), this computer's facts and IT's
// settings file. The start page (the gateways' drop-down, the address
// field, the settings problems), the result page (the support contact)
// and the details (the facts) show their hidden characters visibly
// (issue 16, item 2).
func TestConfigTextShownVisibly(t *testing.T) {
	h := newHarness(t, Config{Lang: guide.En,
		Gateways: []Gateway{
			{Client: "Cisco\x1b[2J\u202e", Address: "vpn1\u202e.example.co.jp"},
			{Client: "Forti\u0085Client", Address: "vpn2.example.co.jp\x1b[8m"},
		},
		Facts:            map[string]string{"hostname": "pc\x1b]0;x\x07"},
		Support:          map[string]string{"name": "Help\x1b[2Jdesk\u202e"},
		SettingsProblems: []string{"line 3: \x1b[31mbad\u202e"},
	})
	start := h.shownTexts()
	if r, bad := rawHidden(start); bad {
		t.Errorf("the start page shows U+%04X raw:\n%q", r, start)
	}
	for _, want := range []string{`Cisco\x1b[2J<U+202E>`, "vpn1<U+202E>.example.co.jp", "Forti<U+0085>Client", `line 3: \x1b[31mbad<U+202E>`} {
		if !strings.Contains(start, want) {
			t.Errorf("the start page does not show %q:\n%s", want, start)
		}
	}

	run := &checkRun{}
	h.w.run = run
	h.w.finished(run, &checks.Report{Primary: checks.SelfSigned, Target: checks.Target{Host: "127.0.0.1", Port: 443},
		Findings: []checks.Finding{{ID: checks.SelfSigned, Severity: checks.Fail, Title: "self-signed"}}})
	result := h.shownTexts()
	if r, bad := rawHidden(result); bad || !strings.Contains(result, `Help\x1b[2Jdesk<U+202E>`) {
		t.Errorf("the result page shows U+%04X raw, or not the support contact:\n%q", r, result)
	}
	details := h.w.detailsText(h.w.report, h.w.guideText(primaryFinding(h.w.report)))
	if r, bad := rawHidden(details); bad || !strings.Contains(details, `pc\x1b]0;x\x07`) {
		t.Errorf("the details show U+%04X raw, or not the computer's name:\n%q", r, details)
	}
}
