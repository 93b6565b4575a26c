package ui

import (
	"github.com/vpndoctor/vpndoctor/checks/guide"
	"github.com/vpndoctor/vpndoctor/internal/crash"
)

// Later is what the window need not wait for: VPN client profiles, system
// facts and IT's settings, which on a real PC take external tools and up
// to seconds to read. Config.Later returns it, off Fyne's goroutine, while
// the window is already open and accepting input.
type Later struct {
	// Gateways are added after Config.Gateways (IT's first, then the VPN
	// clients' profiles).
	Gateways []Gateway
	Facts    map[string]string
	Support  map[string]string
	// SettingsProblems are shown on the start page.
	SettingsProblems []string
	// Lang, when set (IT's settings), is switched to unless the user has
	// already picked a language in the window.
	Lang guide.Lang
	// DemoIfNone names the practice problem to open when no gateway is
	// configured at all (`--demo auto`).
	DemoIfNone string
}

// loadLater reads what the window did not wait for and merges it in.
func (w *Wizard) loadLater() {
	if w.cfg.Later == nil {
		return
	}
	w.loading = true
	go func() {
		defer crash.Guard()
		w.whenShown()
		l := w.cfg.Later()
		w.post(func() { w.arrived(l) })
	}()
}

func (w *Wizard) arrived(l Later) {
	w.loading = false
	more := visibleConfig(Config{Gateways: l.Gateways, Facts: l.Facts, Support: l.Support, SettingsProblems: l.SettingsProblems})
	w.cfg.Gateways = append(w.cfg.Gateways, more.Gateways...)
	if more.Facts != nil {
		w.cfg.Facts = more.Facts
	}
	if more.Support != nil {
		w.cfg.Support = more.Support
	}
	w.cfg.SettingsProblems = append(w.cfg.SettingsProblems, more.SettingsProblems...)
	if l.Lang != "" && !w.langPicked {
		w.lang = l.Lang
	}
	st := &w.start
	untouched := st.address == "" && st.practice == "" && w.step == StepStart
	switch {
	case untouched && len(w.cfg.Gateways) > 0:
		st.address = w.cfg.Gateways[0].Address
		if w.cfg.Autostart {
			w.render()
			w.check()
			return
		}
	case untouched && l.DemoIfNone != "":
		w.choosePractice(l.DemoIfNone, w.cfg.Autostart)
		return
	}
	if w.step == StepStart {
		w.render()
	}
}

// whenShown waits until the window's event loop runs (Run): the practice
// gateways' keys and the slow reads then do not take the CPU from drawing
// the first page. Without Run (tests) it does not wait.
func (w *Wizard) whenShown() {
	if w.shown != nil {
		<-w.shown
	}
}
