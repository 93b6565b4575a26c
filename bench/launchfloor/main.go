// Command launchfloor is the floor for scripts/launch-time.sh: an empty
// Fyne window of the wizard's size, title and background, no text. It
// prints the wizard's "window ready" line when its event loop runs, so
// that the script measures both the same way: what is left above this
// floor is vpndoctor's own; the floor itself is Fyne, GLFW and OpenGL on
// this machine (with Mesa's software renderer under Xvfb, most of it).
package main

import (
	"fmt"
	"os"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/theme"
)

var start = time.Now()

func main() {
	a := app.NewWithID("org.vpndoctor.launchfloor")
	w := a.NewWindow("vpndoctor")
	w.Resize(fyne.NewSize(740, 640))
	w.SetContent(canvas.NewRectangle(theme.Color(theme.ColorNameBackground)))
	a.Lifecycle().SetOnStarted(func() {
		fmt.Fprintf(os.Stderr, "vpndoctor: window ready %d ms after the program started\n", time.Since(start).Milliseconds())
	})
	w.ShowAndRun()
}
