package ui

import (
	"errors"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/vpndoctor/vpndoctor/checks"
	"github.com/vpndoctor/vpndoctor/checks/guide"
	"github.com/vpndoctor/vpndoctor/checks/practice"
	"github.com/vpndoctor/vpndoctor/internal/crash"
)

// startState is what the start screen shows. It outlives the screen's
// widgets, which are rebuilt when the language changes.
type startState struct {
	address  string
	inputErr error // why address cannot be checked, nil when it can
	notice   string
	// The practice problem chosen, "" for a real server, and its address
	// once the practice gateways run.
	practice       string
	practiceTarget string
	showPractice   bool
	labErr         error
}

func (s *startState) init(cfg Config) {
	if len(cfg.Gateways) > 0 {
		s.address = cfg.Gateways[0].Address
	}
}

// errEmpty is the input error for a Check with nothing typed.
var errEmpty = errors.New("empty")

func (w *Wizard) startView() fyne.CanvasObject {
	st := &w.start
	heading := bold(w.t("start.heading"), theme.SizeNameSubHeadingText)
	intro := wrapped(w.t("start.intro"))

	items := []fyne.CanvasObject{heading, intro}
	for _, p := range w.cfg.SettingsProblems {
		n := wrapped(w.t("settings.problem", "problem", p))
		n.Importance = widget.WarningImportance
		items = append(items, iconLine(theme.WarningIcon(), n))
	}
	if st.notice != "" {
		n := wrapped(w.t(st.notice))
		n.Importance = widget.WarningImportance
		items = append(items, iconLine(theme.InfoIcon(), n))
	}

	field := bold(w.t("start.field"), "")
	items = append(items, field)
	if len(w.cfg.Gateways) > 1 {
		items = append(items, w.gatewayPicker())
	}

	w.entry = widget.NewEntry()
	w.entry.SetPlaceHolder(w.t("start.placeholder"))
	w.entry.SetText(st.address)
	w.entry.OnChanged = w.addressChanged
	w.entry.OnSubmitted = func(string) { w.check() }
	if st.practice != "" && st.practiceTarget == "" && st.labErr == nil {
		w.entry.SetPlaceHolder(w.t("practice.preparing"))
		w.entry.Disable()
	}
	items = append(items, w.entry)
	if !w.entry.Disabled() {
		w.focus = w.entry
	}

	hint := w.t("start.hint")
	if len(w.cfg.Gateways) == 1 && st.practice == "" && st.address == w.cfg.Gateways[0].Address {
		hint = w.t("start.found_one", "client", w.cfg.Gateways[0].Client)
	}
	items = append(items, small(hint))
	if w.loading {
		// Profiles and settings are still being read (Config.Later): say
		// so, or an empty field looks like nothing was found.
		items = append(items, small(w.t("start.loading")))
	}

	w.inputMsg = widget.NewLabel("")
	w.inputMsg.Importance = widget.DangerImportance
	w.inputMsg.Wrapping = fyne.TextWrapWord
	w.showInputError()
	items = append(items, w.inputMsg)

	var big fyne.CanvasObject
	w.checkBtn, w.checkTxt, big = bigButton(w.t("start.check"), theme.SearchIcon(), w.check)
	items = append(items, container.NewHBox(container.NewGridWrap(fyne.NewSize(260, 56), big)))

	link := widget.NewHyperlink(w.t("practice.link"), nil)
	link.OnTapped = func() {
		st.showPractice = !st.showPractice
		w.render()
	}
	items = append(items, container.NewHBox(link))
	if st.showPractice {
		items = append(items, w.practiceBox())
	}
	return container.NewVBox(items...)
}

// gatewayPicker lists the servers found in VPN client profiles, with the
// client's name, and puts the one picked into the field.
func (w *Wizard) gatewayPicker() fyne.CanvasObject {
	opts := make([]string, len(w.cfg.Gateways))
	for i, g := range w.cfg.Gateways {
		opts[i] = g.Address + "  (" + g.Client + ")"
	}
	sel := widget.NewSelect(opts, nil)
	for i, g := range w.cfg.Gateways {
		if g.Address == w.start.address && w.start.practice == "" {
			sel.Selected = opts[i]
		}
	}
	sel.OnChanged = func(string) {
		if i := sel.SelectedIndex(); i >= 0 {
			w.setAddress(w.cfg.Gateways[i].Address)
		}
	}
	return container.NewVBox(small(w.t("start.found_many")), sel)
}

func (w *Wizard) practiceBox() fyne.CanvasObject {
	st := &w.start
	scen := practice.Scenarios()
	opts := make([]string, len(scen))
	for i, s := range scen {
		opts[i] = scenarioTitle(s, w.lang)
	}
	sel := widget.NewSelect(opts, nil)
	sel.PlaceHolder = w.t("practice.choose")
	w.pickSel = sel
	for i, s := range scen {
		if s.Name == st.practice {
			sel.Selected = opts[i]
		}
	}
	sel.OnChanged = func(string) {
		if i := sel.SelectedIndex(); i >= 0 && scen[i].Name != st.practice {
			w.choosePractice(scen[i].Name, false)
		}
	}
	items := []fyne.CanvasObject{small(w.t("practice.intro")), sel}
	if st.labErr != nil {
		e := wrapped(w.t("practice.failed", "error", st.labErr.Error()))
		e.Importance = widget.DangerImportance
		items = append(items, e)
	}
	return widget.NewCard("", w.t("practice.label"), container.NewVBox(items...))
}

func scenarioTitle(s practice.Scenario, l guide.Lang) string {
	if l == guide.Ja && s.TitleJA != "" {
		return s.TitleJA
	}
	return s.Title
}

// choosePractice selects a practice problem. The practice gateways start
// on first use, off Fyne's goroutine; the field shows the gateway's
// address when they run.
func (w *Wizard) choosePractice(name string, autostart bool) {
	st := &w.start
	st.practice, st.practiceTarget, st.showPractice, st.labErr = name, "", true, nil
	st.inputErr, st.notice = nil, ""
	go func() {
		defer crash.Guard()
		w.whenShown()
		target, err := w.lab.target(name)
		w.post(func() { w.practiceReady(name, target, err) })
	}()
	w.render()
	if autostart {
		w.check()
	}
}

func (w *Wizard) practiceReady(name, target string, err error) {
	st := &w.start
	if st.practice != name {
		return // another problem was chosen meanwhile
	}
	if err != nil {
		st.labErr = err
		st.practice = ""
	} else {
		st.practiceTarget = target
		st.address = target
	}
	if w.step == StepStart {
		w.render()
	}
}

// addressChanged follows the field as the user types or pastes.
func (w *Wizard) addressChanged(s string) {
	st := &w.start
	if s == st.address {
		return // set by the wizard itself
	}
	st.address = s
	if st.practice != "" && s != st.practiceTarget {
		// Typed over: a real server now, or a practice one by its address.
		st.practice, st.practiceTarget = "", ""
		if w.pickSel != nil {
			w.pickSel.Selected = ""
			w.pickSel.Refresh()
		}
	}
	if st.inputErr != nil || st.notice != "" {
		st.inputErr, st.notice = nil, ""
		w.showInputError()
	}
}

// setAddress puts an address in the field, leaving practice mode.
func (w *Wizard) setAddress(a string) {
	st := &w.start
	st.address, st.practice, st.practiceTarget, st.inputErr = a, "", "", nil
	w.render()
}

func (w *Wizard) showInputError() {
	if w.inputMsg == nil {
		return
	}
	msg := w.inputMessage(w.start.inputErr)
	w.inputMsg.SetText(breakable(msg))
	if msg == "" {
		w.inputMsg.Hide()
	} else {
		w.inputMsg.Show()
	}
}

// inputMessage is the inline message for an address that cannot be
// checked: one plain sentence and an example. The engine's sentence says
// exactly what is wrong, but in English only.
func (w *Wizard) inputMessage(err error) string {
	switch {
	case err == nil:
		return ""
	case errors.Is(err, errEmpty):
		return w.t("input.empty")
	case w.lang == guide.En:
		return capitalise(err.Error()) + ". " + w.t("input.example")
	}
	var ie *checks.InputError
	if errors.As(err, &ie) {
		if key := "input.kind." + string(ie.Kind); hasLabel(key) {
			return w.t(key, "value", ie.Value) + w.t("input.example")
		}
	}
	return w.t("input.bad") + w.t("input.example")
}

func capitalise(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// parseAddress reads the field as a server address.
func parseAddress(s string) (checks.Target, error) {
	if strings.TrimSpace(s) == "" {
		return checks.Target{}, errEmpty
	}
	return checks.ParseTarget(s)
}
