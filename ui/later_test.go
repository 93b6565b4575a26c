package ui

import (
	"strings"
	"testing"
	"time"

	"github.com/vpndoctor/vpndoctor/checks"
	"github.com/vpndoctor/vpndoctor/checks/guide"
)

// The window opens before the slow reads: Config.Later blocks here until
// the test releases it, and the start page is already on screen and takes
// typing. What arrives then fills the field, the facts and the settings
// problems, all made visible text.
func TestWindowFirstThenProfiles(t *testing.T) {
	release := make(chan struct{})
	h := newHarness(t, Config{Lang: guide.En, Later: func() Later {
		<-release
		return Later{
			Gateways:         []Gateway{{Client: "Cisco Secure Client", Address: "vpn.example.co.jp\x1b[2J"}},
			Facts:            map[string]string{"hostname": "pc\u202e"},
			SettingsProblems: []string{"line 4: unknown setting"},
		}
	}})
	if h.w.Step() != StepStart || h.w.entry == nil || h.w.entry.Disabled() || !h.w.loading {
		t.Fatalf("the start page should be up and take input while profiles load (step %s)", h.w.Step())
	}
	if !h.shows("Reading VPN settings") {
		t.Error("no note that the VPN settings are being read")
	}
	close(release)
	h.waitFor("the profiles", 5*time.Second, func() bool { return !h.w.loading })
	if h.shows("Reading VPN settings") {
		t.Error("the note stays after the settings arrived")
	}
	if got := h.w.entry.Text; got != `vpn.example.co.jp\x1b[2J` {
		t.Errorf("field = %q, want the profile's gateway, made visible", got)
	}
	if h.w.cfg.Facts["hostname"] != "pc<U+202E>" || len(h.w.cfg.SettingsProblems) != 1 {
		t.Errorf("facts %v, problems %v", h.w.cfg.Facts, h.w.cfg.SettingsProblems)
	}
}

// What the user typed while profiles loaded is kept; --demo auto opens the
// practice gateway only when no gateway is configured at all.
func TestLaterKeepsTypingAndDemoAuto(t *testing.T) {
	h := newHarness(t, Config{Lang: guide.En, Later: func() Later {
		time.Sleep(50 * time.Millisecond)
		return Later{Gateways: []Gateway{{Client: "IT", Address: "vpn.example.com"}}, DemoIfNone: "expired"}
	}})
	h.w.entry.SetText("typed.example.org")
	h.waitFor("the profiles", 5*time.Second, func() bool { return !h.w.loading })
	if h.w.entry.Text != "typed.example.org" || h.w.start.practice != "" {
		t.Errorf("field %q, practice %q", h.w.entry.Text, h.w.start.practice)
	}

	h2 := newHarness(t, Config{Lang: guide.En, Later: func() Later { return Later{DemoIfNone: "expired", Lang: guide.Ja} }})
	h2.waitFor("the profiles", 5*time.Second, func() bool { return !h2.w.loading })
	if h2.w.start.practice != "expired" || h2.w.Lang() != guide.Ja {
		t.Errorf("no gateway with --demo auto: practice %q, lang %s", h2.w.start.practice, h2.w.Lang())
	}
}

// The wizard draws a report whose certificate carries escapes visibly.
func TestWizardShowsHostileTextVisibly(t *testing.T) {
	h := newHarness(t, Config{Lang: guide.En})
	run := &checkRun{}
	h.w.run = run
	rep := &checks.Report{Primary: checks.SelfSigned, Target: checks.Target{Host: "127.0.0.1", Port: 443},
		Findings: []checks.Finding{{ID: checks.SelfSigned, Severity: checks.Fail, Title: "self-signed",
			Evidence: map[string]string{checks.EvSubject: "evil\x1b]0;x\x07\u202egpj.exe", checks.EvIssuer: "evil"}}},
		Chain: []checks.ChainCert{{Subject: "CN=evil\x1b[31m"}}}
	h.w.finished(run, rep)
	text := h.w.detailsText(h.w.report, h.w.guideText(primaryFinding(h.w.report)))
	if strings.ContainsAny(text, "\x1b\x07\u202e") || !strings.Contains(text, `\x1b`) {
		t.Errorf("details text passes hidden characters through:\n%q", text)
	}
	if !strings.Contains(h.w.Headline(), "<U+202E>") && strings.ContainsRune(h.w.Headline(), '\u202e') {
		t.Errorf("headline %q", h.w.Headline())
	}
}
