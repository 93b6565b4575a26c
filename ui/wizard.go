// Package ui is the vpndoctor wizard: one Fyne window that a person who is
// not technical double-clicks and follows from the server's address to the
// fix. It draws the checks.Report of the engine and the texts of the fix
// guide; whatever only the operating system knows comes in through Config.
package ui

import (
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/widget"

	"github.com/vpndoctor/vpndoctor/checks"
	"github.com/vpndoctor/vpndoctor/checks/guide"
)

// AppID identifies the app to Fyne (preferences, single instance).
const AppID = "io.github.vpndoctor"

// Step is one screen of the wizard. The screens are data: the wizard keeps
// its state in Wizard and asks the current step to draw it, so switching the
// language is drawing the same step again.
type Step struct {
	Name string
	View func(w *Wizard) fyne.CanvasObject
	// Footer, when set, draws buttons that stay in view below the
	// scrolling page.
	Footer func(w *Wizard) fyne.CanvasObject
}

// The wizard's screens, in order.
const (
	StepStart    = "start"
	StepChecking = "checking"
	StepResult   = "result"
)

var steps []Step

// The views draw the wizard, which draws its steps: set the table in init
// to break the initialisation cycle.
func init() {
	steps = []Step{
		{Name: StepStart, View: (*Wizard).startView},
		{Name: StepChecking, View: (*Wizard).checkingView, Footer: (*Wizard).checkingFooter},
		{Name: StepResult, View: (*Wizard).resultView, Footer: (*Wizard).resultFooter},
	}
}

// Wizard is the window and everything it shows. Its fields are touched only
// on Fyne's goroutine: work done elsewhere hands its outcome back through
// post, which is fyne.Do.
type Wizard struct {
	app  fyne.App
	win  fyne.Window
	cfg  Config
	lang guide.Lang
	os   guide.OS
	loc  *time.Location
	post func(func())

	step string

	start    startState
	lab      *practiceLab
	run      *checkRun      // the check in progress, nil when none
	report   *checks.Report // the last finished check
	reported checkSource    // what that check was of

	// Widgets the current screen updates in place.
	entry    *widget.Entry
	checkBtn *widget.Button
	// checkTxt is checkBtn's label, drawn over it (bigButton).
	checkTxt *canvas.Text
	langSel  *widget.Select
	pickSel  *widget.Select // the practice problem picker
	inputMsg *widget.Label
	rows     map[checks.Step]*stepRow
	progress *widget.ProgressBar
	note     *widget.Label // result screen: the outcome of the last button
	// loading is set while Config.Later is being read; langPicked once
	// the user chose a language in the window.
	loading, langPicked bool
	// shown is closed once the window's event loop runs; nil in tests.
	shown <-chan struct{}
	// focus is where the keyboard starts on the screen just drawn: the
	// field, Cancel, or the result's first thing to do.
	focus fyne.Focusable
}

// New builds the wizard's window on a; call Window().Show (or ShowAndRun)
// to open it, and Close when done.
func New(a fyne.App, cfg Config) *Wizard { return newWizard(a, cfg, fyne.Do) }

// newWizard lets tests replace fyne.Do: Fyne's test driver runs it on the
// calling goroutine, so the tests queue the calls and run them on the
// test's goroutine instead, as the real driver does on its own.
func newWizard(a fyne.App, cfg Config, post func(func())) *Wizard {
	a.Settings().SetTheme(newTheme())
	return buildWizard(a, newWindow(a), cfg, post, nil)
}

// newWindow is the wizard's empty window.
func newWindow(a fyne.App) fyne.Window {
	win := a.NewWindow("vpndoctor")
	win.Resize(fyne.NewSize(740, 640))
	win.SetMaster()
	return win
}

// buildWizard draws the start page in win, once: the slow reads
// (Config.Later) and the practice gateways start here and arrive later.
func buildWizard(a fyne.App, win fyne.Window, cfg Config, post func(func()), shown <-chan struct{}) *Wizard {
	cfg = visibleConfig(cfg)
	lang := cfg.Lang
	if lang == "" {
		lang = guide.FromEnv()
	}
	w := &Wizard{
		app: a, win: win, cfg: cfg, lang: lang,
		os:    guide.CurrentOS(),
		loc:   time.Local,
		post:  post,
		lab:   &practiceLab{},
		step:  StepStart,
		shown: shown,
	}
	w.win.Canvas().SetOnTypedKey(w.typedKey)
	w.start.init(cfg)
	w.loadLater()
	switch {
	case cfg.Demo != "":
		w.choosePractice(cfg.Demo, cfg.Autostart) // draws the page
	case cfg.Autostart && cfg.Later == nil:
		w.render()
		w.check()
	default:
		w.render()
	}
	return w
}

// Window is the wizard's window.
func (w *Wizard) Window() fyne.Window { return w.win }

// Close cancels a check in progress and stops the practice gateways.
func (w *Wizard) Close() {
	if w.run != nil {
		w.run.cancel()
		w.run = nil
	}
	w.lab.close()
}

// Step is the name of the screen shown.
func (w *Wizard) Step() string { return w.step }

// Lang is the language shown.
func (w *Wizard) Lang() guide.Lang { return w.lang }

// SetLang switches the language and draws the screen again.
func (w *Wizard) SetLang(l guide.Lang) {
	if l == w.lang {
		return
	}
	w.lang = l
	w.render()
}

func (w *Wizard) t(key string, args ...string) string { return text(w.lang, key, args...) }

func (w *Wizard) show(step string) {
	w.step = step
	w.render()
}

// render draws the current step from the wizard's state.
func (w *Wizard) render() {
	w.win.SetTitle("vpndoctor " + checks.Version + " — " + w.t("app.title"))
	for _, r := range w.rows {
		r.stop()
	}
	w.rows, w.progress, w.note, w.pickSel, w.focus = nil, nil, nil, nil, nil
	var body, footer fyne.CanvasObject
	for _, s := range steps {
		if s.Name != w.step {
			continue
		}
		body = s.View(w)
		if s.Footer == nil {
			continue
		}
		if f := s.Footer(w); f != nil {
			footer = container.NewVBox(widget.NewSeparator(), container.NewPadded(f))
		}
	}
	page := container.NewPadded(body)
	w.win.SetContent(container.NewBorder(w.header(), footer, nil, nil, container.NewVScroll(page)))
	if w.focus != nil {
		w.win.Canvas().Focus(w.focus)
	}
}

// header is the bar on every screen: the app's name and the language switch.
func (w *Wizard) header() fyne.CanvasObject {
	title := widget.NewLabelWithStyle("vpndoctor", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	sub := widget.NewLabel(w.t("app.title"))
	names := map[string]guide.Lang{"日本語": guide.Ja, "English": guide.En}
	sel := widget.NewSelect([]string{"日本語", "English"}, func(s string) {
		if names[s] != w.lang {
			w.langPicked = true
		}
		w.SetLang(names[s])
	})
	w.langSel = sel
	for name, l := range names {
		if l == w.lang {
			sel.Selected = name
		}
	}
	bar := container.NewHBox(title, sub, layout.NewSpacer(), sel)
	return container.NewVBox(bar, widget.NewSeparator())
}

func (w *Wizard) typedKey(ev *fyne.KeyEvent) {
	if ev.Name == fyne.KeyEscape && w.step == StepChecking {
		w.cancel()
	}
}
