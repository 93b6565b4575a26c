package ui

import (
	"context"
	"errors"
	"flag"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/vpndoctor/vpndoctor/checks"
	"github.com/vpndoctor/vpndoctor/checks/guide"
	"github.com/vpndoctor/vpndoctor/checks/practice"
)

var update = flag.Bool("update", false, "rewrite the golden markup files in testdata/")

// The tests drive the wizard end to end against the practice gateways, one
// at a time (no t.Parallel: one Fyne app per test, and 2 cores).

// harness is one wizard in a test app. Fyne's test driver runs fyne.Do on
// the calling goroutine, which would let the engine's goroutines touch
// widgets while the test does; the harness queues those calls and runs
// them on the test's goroutine, the way the real driver runs them on its
// own.
type harness struct {
	t  *testing.T
	w  *Wizard
	mu sync.Mutex
	q  []func()
}

func newHarness(t *testing.T, cfg Config) *harness {
	t.Helper()
	a := test.NewTempApp(t)
	h := &harness{t: t}
	h.w = newWizard(a, cfg, h.post)
	h.w.Window().Resize(fyne.NewSize(760, 720))
	h.w.Window().Show()
	t.Cleanup(h.w.Close)
	return h
}

func (h *harness) post(f func()) {
	h.mu.Lock()
	h.q = append(h.q, f)
	h.mu.Unlock()
}

// drain runs what the wizard's goroutines handed back so far.
func (h *harness) drain() {
	for {
		h.mu.Lock()
		q := h.q
		h.q = nil
		h.mu.Unlock()
		if len(q) == 0 {
			return
		}
		for _, f := range q {
			f()
		}
	}
}

// waitFor runs the queue until cond holds, polling every 20 ms for at most
// limit.
func (h *harness) waitFor(what string, limit time.Duration, cond func() bool) {
	h.t.Helper()
	deadline := time.Now().Add(limit)
	for {
		h.drain()
		if cond() {
			return
		}
		if time.Now().After(deadline) {
			h.t.Fatalf("waited %v for %s; the wizard shows %q", limit, what, h.w.Step())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func (h *harness) waitResult() *checks.Report {
	h.t.Helper()
	h.waitFor("the result", 10*time.Second, func() bool { return h.w.Step() == StepResult })
	return h.w.report
}

// objects lists what the window shows.
func (h *harness) objects() []fyne.CanvasObject {
	return test.LaidOutObjects(h.w.Window().Content())
}

// button finds a visible button by its label (Check's is drawn over it).
func (h *harness) button(label string) *widget.Button {
	h.t.Helper()
	for _, o := range h.objects() {
		b, ok := o.(*widget.Button)
		if ok && b.Visible() && (b.Text == label || b == h.w.checkBtn && h.w.checkTxt.Text == label) {
			return b
		}
	}
	h.t.Fatalf("no button %q on the %s screen", label, h.w.Step())
	return nil
}

// shows reports whether a visible label says s (break marks aside).
func (h *harness) shows(s string) bool {
	for _, o := range h.objects() {
		if l, ok := o.(*widget.Label); ok && l.Visible() && strings.Contains(unbreakable(l.Text), s) {
			return true
		}
	}
	return false
}

// position is the place of the first visible label saying s among what
// the window shows, top to bottom; -1 when none does.
func (h *harness) position(s string) int {
	n := 0
	for _, o := range h.objects() {
		if l, ok := o.(*widget.Label); ok && l.Visible() {
			if strings.Contains(unbreakable(l.Text), s) {
				return n
			}
			n++
		}
	}
	return -1
}

func (h *harness) typeAddress(s string) {
	h.t.Helper()
	h.w.entry.SetText("")
	test.Type(h.w.entry, s)
}

func (h *harness) pickPractice(name string) {
	h.t.Helper()
	link := h.hyperlink()
	test.TapAt(link, fyne.NewPos(20, link.Size().Height/2)) // on the words
	for i, s := range practice.Scenarios() {
		if s.Name == name {
			h.w.pickSel.SetSelectedIndex(i)
		}
	}
	h.waitFor("the practice gateway", 10*time.Second, func() bool { return h.w.start.practiceTarget != "" })
}

func (h *harness) hyperlink() *widget.Hyperlink {
	for _, o := range h.objects() {
		if l, ok := o.(*widget.Hyperlink); ok {
			return l
		}
	}
	h.t.Fatal("no practice link")
	return nil
}

func wantHeadline(t *testing.T, h *harness, rep *checks.Report, id checks.ID, lang guide.Lang) {
	t.Helper()
	if rep.Primary != id {
		t.Fatalf("primary finding %s, want %s (findings: %+v)", rep.Primary, id, rep.Findings)
	}
	g, err := guide.For(string(id), lang, guide.CurrentOS(), primaryFinding(rep).Evidence, time.Local)
	if err != nil {
		t.Fatal(err)
	}
	if got := h.w.Headline(); got != g.Headline {
		t.Errorf("headline %q, want the guide's %q", got, g.Headline)
	}
	if !h.shows(g.Headline) {
		t.Errorf("the headline %q is not on screen", g.Headline)
	}
}

// Typing a practice gateway's address and pressing Check diagnoses it with
// the practice trust store; the healthy one is OK.
func TestTypeAddressCheckOK(t *testing.T) {
	h := newHarness(t, Config{Lang: guide.En})
	h.typeAddress("ok.practice.vpndoctor.test")
	test.Tap(h.button("Check"))
	if h.w.Step() != StepChecking {
		t.Fatalf("after Check the wizard shows %q", h.w.Step())
	}
	rep := h.waitResult()
	wantHeadline(t, h, rep, checks.OK, guide.En)
	if v := verdictOf(rep); v != VerdictOK {
		t.Errorf("verdict %s, want ok", v)
	}
	if h.w.reported.practice != "ok" {
		t.Errorf("the check was not recognised as the practice problem: %q", h.w.reported.practice)
	}
}

// Picking a practice problem fills the field; Enter checks it.
func TestPracticeExpired(t *testing.T) {
	h := newHarness(t, Config{Lang: guide.En})
	h.pickPractice("expired")
	if !strings.HasPrefix(h.w.entry.Text, "expired.practice.vpndoctor.test:") {
		t.Fatalf("the field shows %q", h.w.entry.Text)
	}
	h.w.entry.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	rep := h.waitResult()
	wantHeadline(t, h, rep, checks.CertExpired, guide.En)
	if !strings.Contains(strings.ToLower(h.w.Headline()), "expired") {
		t.Errorf("headline %q does not say expired", h.w.Headline())
	}
	if !h.shows("Practice problem") && !h.shows("practice problem") {
		t.Error("the result does not say it was a practice problem")
	}
	// The summary for the helpdesk goes to the clipboard.
	test.Tap(h.button("Copy summary for helpdesk"))
	clip := h.w.app.Clipboard().Content()
	for _, want := range []string{rep.Target.HostPort(), h.w.Headline(), "cert_expired"} {
		if !strings.Contains(clip, want) {
			t.Errorf("summary lacks %q:\n%s", want, clip)
		}
	}
	// The details list the chain with fingerprints, and copy as text.
	details := h.w.detailsText(rep, h.w.guideText(primaryFinding(rep)))
	if len(rep.Chain) == 0 || !strings.Contains(details, rep.Chain[0].SHA256) {
		t.Errorf("details lack the leaf's fingerprint:\n%s", details)
	}
	if !strings.Contains(details, "expired") {
		t.Errorf("details do not say how long ago it expired:\n%s", details)
	}
}

// --demo NAME --autostart: the practice problem is checked at once.
func TestDemoAutostartClockSkew(t *testing.T) {
	h := newHarness(t, Config{Lang: guide.Ja, Demo: "clock_ahead", Autostart: true})
	rep := h.waitResult()
	wantHeadline(t, h, rep, checks.ClockSkew, guide.Ja)
}

// What cannot be a server address gets a message under the field, and no
// check starts.
func TestBadAddress(t *testing.T) {
	h := newHarness(t, Config{Lang: guide.En})
	for _, c := range []struct{ in, want string }{
		{"vpn.example.com:70000", "65535"},
		{"   ", "Enter the VPN server's address"},
		{"vpn example.com", "space"},
		{"ftp://vpn.example.com", "cannot be checked"},
	} {
		h.typeAddress(c.in)
		test.Tap(h.button("Check"))
		h.drain()
		if h.w.Step() != StepStart || h.w.run != nil {
			t.Fatalf("%q: a check started", c.in)
		}
		if !h.w.inputMsg.Visible() || !strings.Contains(h.w.inputMsg.Text, c.want) {
			t.Errorf("%q: message %q, want it to mention %q", c.in, h.w.inputMsg.Text, c.want)
		}
	}
	// Typing again clears the message.
	test.Type(h.w.entry, "x")
	if h.w.inputMsg.Visible() {
		t.Error("the message stayed while the user corrects the address")
	}
	// Japanese: the engine's reason said in Japanese, with no English in it.
	h.w.SetLang(guide.Ja)
	h.typeAddress("vpn.example.com:70000")
	test.Tap(h.button("確認する"))
	if msg := unbreakable(h.w.inputMsg.Text); !strings.Contains(msg, "ポート番号 70000 は使えません") || strings.Contains(msg, "out of range") {
		t.Errorf("Japanese message %q", msg)
	}
}

// Addresses as users paste them are checked; a real server goes through
// cfg.NewOptions (here with a resolver that knows no names, so the check
// ends at once with dns_failure and never leaves the machine).
func TestPastedAddressUsesNewOptions(t *testing.T) {
	var asked int
	cfg := Config{Lang: guide.En, NewOptions: func() checks.Options {
		asked++
		return checks.Options{Resolver: &net.Resolver{PreferGo: true,
			Dial: func(context.Context, string, string) (net.Conn, error) { return nil, errors.New("offline test") }}}
	}}
	h := newHarness(t, cfg)
	h.typeAddress("  https://vpn.example.co.jp/group  ")
	test.Tap(h.button("Check"))
	rep := h.waitResult()
	if rep.Target.Host != "vpn.example.co.jp" || rep.Target.Port != 443 {
		t.Errorf("target %+v", rep.Target)
	}
	if asked != 1 || rep.Primary != checks.DNSFailure {
		t.Errorf("NewOptions asked %d times, primary %s", asked, rep.Primary)
	}
}

// Cancel in the middle of a check goes back to the start screen at once,
// and the check's late report does not take the screen back.
func TestCancelMidway(t *testing.T) {
	h := newHarness(t, Config{Lang: guide.En})
	h.pickPractice("silent")
	test.Tap(h.button("Check"))
	h.waitFor("the handshake to hang", 5*time.Second, func() bool {
		return h.w.run != nil && h.w.run.states[checks.StepTLS] == checks.StepRunning
	})
	// Switching the language mid-check keeps the checklist's states.
	h.w.SetLang(guide.Ja)
	if !h.shows("確認中") || !h.shows("暗号化した通信を始める") {
		t.Error("the checklist lost its states when the language changed")
	}
	h.w.SetLang(guide.En)
	start := time.Now()
	test.Tap(h.button("Cancel"))
	h.waitFor("the start screen", time.Second, func() bool { return h.w.Step() == StepStart })
	if d := time.Since(start); d > time.Second {
		t.Errorf("cancel took %v", d)
	}
	if !h.shows("The check was cancelled.") {
		t.Error("no word that the check was cancelled")
	}
	time.Sleep(300 * time.Millisecond)
	h.drain()
	if h.w.Step() != StepStart {
		t.Errorf("the cancelled check came back: %s", h.w.Step())
	}
	// Esc cancels too.
	test.Tap(h.button("Check"))
	h.w.Window().Canvas().OnTypedKey()(&fyne.KeyEvent{Name: fyne.KeyEscape})
	if h.w.Step() != StepStart {
		t.Errorf("Esc left the wizard on %s", h.w.Step())
	}
}

// The language switch draws the screen again in the other language.
func TestLanguageSwitch(t *testing.T) {
	h := newHarness(t, Config{Lang: guide.Ja})
	if h.w.checkTxt.Text != "確認する" {
		t.Fatalf("Japanese Check button says %q", h.w.checkTxt.Text)
	}
	h.w.langSel.SetSelected("English")
	if h.w.Lang() != guide.En || h.w.checkTxt.Text != "Check" {
		t.Fatalf("after switching: %s, button %q", h.w.Lang(), h.w.checkTxt.Text)
	}
	if !strings.Contains(h.w.Window().Title(), "VPN certificate check") {
		t.Errorf("window title %q", h.w.Window().Title())
	}
	h.w.langSel.SetSelected("日本語")
	h.button("確認する")

	// On the result screen too, from the engine's report.
	h.pickPractice("ok")
	test.Tap(h.button("確認する"))
	rep := h.waitResult()
	wantHeadline(t, h, rep, checks.OK, guide.Ja)
	h.w.langSel.SetSelected("English")
	wantHeadline(t, h, rep, checks.OK, guide.En)
	h.button("Check again")
}

// Several gateways in VPN profiles make a drop-down with the clients'
// names; the first fills the field.
func TestGatewaysFromProfiles(t *testing.T) {
	h := newHarness(t, Config{Lang: guide.En, Gateways: []Gateway{
		{Client: "Cisco Secure Client", Address: "vpn1.example.co.jp"},
		{Client: "FortiClient", Address: "vpn2.example.co.jp:10443"},
	}})
	if h.w.entry.Text != "vpn1.example.co.jp" {
		t.Fatalf("field %q", h.w.entry.Text)
	}
	var picker *widget.Select
	for _, o := range h.objects() {
		if s, ok := o.(*widget.Select); ok && len(s.Options) == 2 && strings.Contains(s.Options[1], "FortiClient") {
			picker = s
		}
	}
	if picker == nil {
		t.Fatal("no drop-down of the gateways found")
	}
	picker.SetSelectedIndex(1)
	if h.w.entry.Text != "vpn2.example.co.jp:10443" {
		t.Errorf("after picking: field %q", h.w.entry.Text)
	}
}

// Golden markup of the start screen, in both languages: the layout a user
// meets first, with nothing in it that changes from run to run.
func TestStartScreenMarkup(t *testing.T) {
	for _, l := range guide.Langs {
		h := newHarness(t, Config{Lang: l, Gateways: []Gateway{{Client: "Cisco Secure Client", Address: "vpn.example.co.jp"}}})
		golden(t, "start_"+string(l)+".xml", test.RenderToMarkup(h.w.Window().Canvas()))
	}
}

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./ui/ -update to create it)", err)
	}
	if string(want) != got {
		failed := filepath.Join(t.TempDir(), name)
		_ = os.WriteFile(failed, []byte(got), 0o644)
		t.Errorf("%s differs from the markup drawn now (written to %s; -update accepts it)", path, failed)
	}
}

// The safe actions for this OS appear for the causes they help with, and
// run through cfg.OpenAction.
func TestActionButtons(t *testing.T) {
	var ran []string
	cfg := Config{Lang: guide.En, Demo: "clock_behind", Autostart: true,
		OpenAction: func(a string) error { ran = append(ran, a); return nil },
		Actions:    []string{ActionDateTime, ActionSyncClock, ActionCertManager}}
	h := newHarness(t, cfg)
	rep := h.waitResult()
	wantHeadline(t, h, rep, checks.ClockSkew, guide.En)
	test.Tap(h.button("Open Date & Time settings"))
	test.Tap(h.button("Set the clock from the internet now"))
	if strings.Join(ran, ",") != "datetime,syncclock" {
		t.Errorf("actions run: %v", ran)
	}
	if !h.shows("The clock was set") {
		t.Error("no word after syncing the clock")
	}
	for _, o := range h.objects() {
		if b, ok := o.(*widget.Button); ok && strings.Contains(b.Text, "certificate") {
			t.Errorf("a certificate action for a clock problem: %q", b.Text)
		}
	}
	// Without OpenAction, no action buttons at all.
	h2 := newHarness(t, Config{Lang: guide.En, Demo: "clock_behind", Autostart: true})
	h2.waitResult()
	for _, o := range h2.objects() {
		if b, ok := o.(*widget.Button); ok && strings.HasPrefix(b.Text, "Open") {
			t.Errorf("action button %q with no OpenAction", b.Text)
		}
	}
}

// "Save report for IT" asks first whether to hide this computer's and the
// user's names, with hiding on by default.
func TestSaveAsksToRedact(t *testing.T) {
	h := newHarness(t, Config{Lang: guide.En, Demo: "expired", Autostart: true,
		SaveReport: func(*checks.Report, guide.Lang, io.Writer, string, bool) error { return nil }})
	h.waitResult()
	test.Tap(h.button("Save report for IT"))
	h.drain()
	var box *widget.Check
	for _, o := range h.w.win.Canvas().Overlays().List() {
		walk(o, func(c fyne.CanvasObject) {
			if ch, ok := c.(*widget.Check); ok {
				box = ch
			}
		})
	}
	if box == nil {
		t.Fatal("no redaction choice before saving")
	}
	if !box.Checked || !strings.Contains(box.Text, "Hide this computer's name") {
		t.Errorf("redaction choice %q checked=%v, want on by default", box.Text, box.Checked)
	}
}

func walk(o fyne.CanvasObject, f func(fyne.CanvasObject)) {
	f(o)
	switch c := o.(type) {
	case *fyne.Container:
		for _, x := range c.Objects {
			walk(x, f)
		}
	case fyne.Widget:
		r := test.WidgetRenderer(c)
		for _, x := range r.Objects() {
			walk(x, f)
		}
	}
}
