package ui

import (
	"os"
	"os/signal"
	"sync/atomic"
	"syscall"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/theme"

	"github.com/vpndoctor/vpndoctor/internal/crash"
)

// Run opens the wizard and returns when the window is closed.
//
// A double-click must show a window at once. Two slow things start
// together: the window (the display connection, the OpenGL context, a
// software renderer on many PCs) on this goroutine, which must own them,
// and the fonts on another. Fyne parses a font the first time a text of
// its style is measured: our 1.8 MB Japanese font, Fyne's own Latin font,
// and a system font for the language, after indexing the system's fonts.
// The start page is drawn when both are done.
func Run(cfg Config) {
	trace := cfg.Trace
	if trace == nil {
		trace = func(string) {}
	}
	a := app.NewWithID(AppID)
	var closing atomic.Bool
	stopOnSignal(&closing, func() { fyne.Do(a.Quit) })
	if cfg.Icon != nil {
		a.SetIcon(fyne.NewStaticResource("vpndoctor.png", cfg.Icon))
	}
	a.Settings().SetTheme(newTheme())
	trace("app created")
	fonts := preloadFonts()
	win := newWindow(a)
	// The page's background until the page itself is drawn: no text, so
	// no font is needed yet.
	win.SetContent(canvas.NewRectangle(theme.Color(theme.ColorNameBackground)))
	win.Show()
	trace("window shown")
	<-fonts
	trace("fonts parsed")
	shown := make(chan struct{})
	w := buildWizard(a, win, cfg, guardedPost(fyne.Do, &closing), shown)
	trace("start page built")
	win.SetOnClosed(func() { closing.Store(true) })
	a.Lifecycle().SetOnStopped(func() {
		closing.Store(true)
		w.Close()
	})
	a.Lifecycle().SetOnStarted(func() {
		close(shown)
		if cfg.OnStarted != nil {
			cfg.OnStarted()
		}
	})
	w.win.ShowAndRun() // paints the page now, then runs the event loop
	closing.Store(true)
}

// guardedPost is the wizard's way to reach its window from other
// goroutines (the check, the settings read, a practice gateway): do is
// fyne.Do. Once the window is closing, what arrives is dropped. Fyne runs
// a function given to fyne.Do on the caller's goroutine once its event
// loop has ended, and there it would touch a window whose OpenGL is gone:
// a settings read or a check finishing just as the window closes ended in
// a GLFW panic.
func guardedPost(do func(func()), closing *atomic.Bool) func(func()) {
	return func(f func()) {
		if closing.Load() {
			return
		}
		do(func() {
			if !closing.Load() {
				f()
			}
		})
	}
}

// stopOnSignal marks the window closing as soon as the program is asked
// to end (Ctrl+C, a logout's SIGTERM), and quits. Fyne quits on the same
// signals, but listens only once its event loop starts, and tells the
// lifecycle only after the loop has ended; a signal caught here before
// that would otherwise leave the program running.
func stopOnSignal(closing *atomic.Bool, quit func()) {
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, os.Interrupt, syscall.SIGTERM)
	go func() {
		defer crash.Guard()
		<-ch
		closing.Store(true)
		quit() // a second Quit is harmless
	}()
}

// preloadFonts measures a text in each style the start page uses, off
// Fyne's goroutine, so that Fyne parses and caches the fonts there; the
// channel is closed when it has.
func preloadFonts() <-chan struct{} {
	done := make(chan struct{})
	go func() {
		defer close(done)
		defer crash.Guard()
		for _, s := range []fyne.TextStyle{{}, {Bold: true}} {
			fyne.MeasureText("Aあ", theme.TextSize(), s)
		}
	}()
	return done
}
