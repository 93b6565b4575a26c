package ui

import (
	"context"
	"fmt"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/vpndoctor/vpndoctor/checks"
	"github.com/vpndoctor/vpndoctor/checks/practice"
	"github.com/vpndoctor/vpndoctor/checks/report"
	"github.com/vpndoctor/vpndoctor/internal/crash"
)

// checkSource is what a check is of: an address the user gave, or a
// practice problem.
type checkSource struct {
	address  string
	practice string
}

// checkRun is one check in progress.
type checkRun struct {
	src     checkSource
	target  string // host:port once known
	cancel  context.CancelFunc
	states  map[checks.Step]checks.StepState
	elapsed map[checks.Step]time.Duration
}

// check starts a check of what the start screen holds, or shows why the
// address cannot be checked.
func (w *Wizard) check() {
	if w.run != nil {
		return
	}
	st := &w.start
	src := checkSource{address: strings.TrimSpace(st.address)}
	if st.practice != "" && (st.practiceTarget == "" || src.address == st.practiceTarget) {
		src.practice = st.practice
	} else {
		if _, err := parseAddress(src.address); err != nil {
			st.inputErr = err
			w.showInputError()
			if w.entry != nil {
				w.win.Canvas().Focus(w.entry)
			}
			return
		}
	}
	st.inputErr, st.notice = nil, ""
	w.begin(src)
}

// begin runs the engine off Fyne's goroutine and hands every event and the
// report back through w.post, once each.
func (w *Wizard) begin(src checkSource) {
	ctx, cancel := context.WithCancel(context.Background())
	run := &checkRun{src: src, cancel: cancel,
		states: map[checks.Step]checks.StepState{}, elapsed: map[checks.Step]time.Duration{}}
	w.run = run
	w.show(StepChecking)
	go func() {
		defer crash.Guard()
		name, target, opts, err := w.prepare(src)
		if err != nil {
			w.post(func() { w.failed(run, err) })
			return
		}
		w.post(func() { w.targetKnown(run, name, target) })
		opts.OnEvent = func(e checks.Event) { w.post(func() { w.event(run, e) }) }
		rep := checks.Run(ctx, target, opts)
		w.post(func() { w.finished(run, rep) })
	}()
}

// prepare finds the target and the engine's options, and the practice
// problem checked, if any: one chosen, or one whose address was typed. It
// may block (the practice gateways start on first use), so it runs off
// Fyne's goroutine.
func (w *Wizard) prepare(src checkSource) (string, checks.Target, checks.Options, error) {
	name := src.practice
	if name == "" {
		t, err := checks.ParseTarget(src.address)
		if err != nil {
			return "", t, checks.Options{}, err
		}
		if !strings.HasSuffix(t.Host, "."+practice.Domain) {
			var opts checks.Options
			if w.cfg.NewOptions != nil {
				opts = w.cfg.NewOptions()
			}
			return "", t, opts, nil
		}
		if name, err = w.lab.scenarioAt(t.Host); err != nil {
			return "", t, checks.Options{}, err
		}
	}
	t, opts, err := w.lab.check(name)
	if w.cfg.Client.Known() {
		opts.Client = w.cfg.Client
	}
	return name, t, opts, err
}

func (w *Wizard) targetKnown(run *checkRun, name string, t checks.Target) {
	if w.run != run {
		return
	}
	run.src.practice = name
	run.target = t.HostPort()
	if w.step == StepChecking {
		w.render()
	}
}

func (w *Wizard) event(run *checkRun, e checks.Event) {
	if w.run != run {
		return // a cancelled check still winding down
	}
	run.states[e.Step] = e.State
	if e.Elapsed > 0 {
		run.elapsed[e.Step] = e.Elapsed
	}
	if row := w.rows[e.Step]; row != nil {
		row.set(w, e.State, run.elapsed[e.Step])
	}
	if w.progress != nil {
		w.progress.SetValue(run.progress())
	}
}

func (w *Wizard) finished(run *checkRun, rep *checks.Report) {
	if w.run != run {
		return
	}
	w.run = nil
	// The wizard draws a copy with hostile characters made visible (issue 16).
	w.report, w.reported = report.Sanitize(rep), run.src
	w.show(StepResult)
}

// failed returns to the start screen when a check could not begin (the
// practice gateways did not start).
func (w *Wizard) failed(run *checkRun, err error) {
	if w.run != run {
		return
	}
	w.run = nil
	if run.src.practice != "" {
		w.start.labErr, w.start.practice = err, ""
	} else {
		w.start.inputErr = err
	}
	w.show(StepStart)
}

// cancel stops the check in progress and goes back to the start screen
// at once; the engine's goroutine ends shortly after, unheard.
func (w *Wizard) cancel() {
	if w.run == nil {
		return
	}
	w.run.cancel()
	w.run = nil
	w.start.notice = "start.cancelled"
	w.show(StepStart)
}

// progress is the share of steps that are over.
func (r *checkRun) progress() float64 {
	done := 0
	for _, s := range checks.Steps {
		switch r.states[s] {
		case checks.StepPassed, checks.StepProblem, checks.StepSkipped:
			done++
		}
	}
	return float64(done) / float64(len(checks.Steps))
}

func (w *Wizard) checkingView() fyne.CanvasObject {
	run := w.run
	if run == nil {
		return widget.NewLabel("")
	}
	what := run.target
	if what == "" {
		what = run.src.address
	}
	if what == "" {
		what = w.practiceTitle(run.src.practice)
	}
	heading := bold(w.t("checking.heading", "server", what), theme.SizeNameSubHeadingText)
	items := []fyne.CanvasObject{heading}
	if run.src.practice != "" {
		items = append(items, small(w.practiceNote(run.src.practice)))
	}
	items = append(items, small(w.t("checking.intro")))

	w.progress = widget.NewProgressBar()
	w.progress.SetValue(run.progress())
	items = append(items, w.progress)

	w.rows = map[checks.Step]*stepRow{}
	list := container.NewVBox()
	for _, s := range checks.Steps {
		row := newStepRow(w.t("step." + string(s)))
		row.set(w, run.states[s], run.elapsed[s])
		w.rows[s] = row
		list.Add(row.box)
	}
	items = append(items, widget.NewCard("", "", list))

	items = append(items, small(w.t("checking.esc")))
	return container.NewVBox(items...)
}

func (w *Wizard) checkingFooter() fyne.CanvasObject {
	cancel := widget.NewButtonWithIcon(w.t("checking.cancel"), theme.CancelIcon(), w.cancel)
	w.focus = cancel
	return container.NewHBox(cancel)
}

func (w *Wizard) practiceNote(name string) string {
	return w.t("practice.note", "title", w.practiceTitle(name))
}

func (w *Wizard) practiceTitle(name string) string {
	if s, ok := practice.Lookup(name); ok {
		return scenarioTitle(s, w.lang)
	}
	return name
}

// stepRow is one line of the live checklist.
type stepRow struct {
	box   *fyne.Container
	icon  *fyne.Container
	state *widget.Label
}

func newStepRow(name string) *stepRow {
	r := &stepRow{icon: container.NewGridWrap(fyne.NewSize(24, 24)), state: widget.NewLabel("")}
	r.box = container.NewBorder(nil, nil, container.NewCenter(r.icon), r.state, wrapped(name))
	return r
}

func (r *stepRow) set(w *Wizard, s checks.StepState, elapsed time.Duration) {
	var icon fyne.CanvasObject
	imp := widget.MediumImportance
	switch s {
	case checks.StepRunning:
		a := widget.NewActivity()
		a.Start()
		icon = a
		imp = widget.HighImportance
	case checks.StepPassed:
		icon = widget.NewIcon(theme.NewSuccessThemedResource(theme.ConfirmIcon()))
		imp = widget.SuccessImportance
	case checks.StepProblem:
		icon = widget.NewIcon(theme.NewErrorThemedResource(theme.ErrorIcon()))
		imp = widget.DangerImportance
	case checks.StepSkipped:
		icon = widget.NewIcon(theme.NewDisabledResource(theme.ContentRemoveIcon()))
		imp = widget.LowImportance
	default:
		icon = widget.NewIcon(theme.NewDisabledResource(theme.RadioButtonIcon()))
		imp = widget.LowImportance
	}
	r.stop()
	r.icon.Objects = []fyne.CanvasObject{icon}
	r.icon.Refresh()
	label := w.t("state." + stateKey(s))
	if elapsed >= 100*time.Millisecond && s != checks.StepRunning {
		label += "  " + w.t("unit.seconds", "n", fmt.Sprintf("%.1f", elapsed.Seconds()))
	}
	r.state.Importance = imp
	r.state.SetText(label)
}

// stop ends the row's spinner, if it has one.
func (r *stepRow) stop() {
	if a, ok := firstObject(r.icon).(*widget.Activity); ok {
		a.Stop()
	}
}

func stateKey(s checks.StepState) string {
	if s == "" {
		return "waiting"
	}
	return string(s)
}

func firstObject(c *fyne.Container) fyne.CanvasObject {
	if len(c.Objects) == 0 {
		return nil
	}
	return c.Objects[0]
}
