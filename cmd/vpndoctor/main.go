// Command vpndoctor diagnoses why a VPN client refuses its gateway's
// certificate. With no arguments it opens the wizard; `vpndoctor check`
// is the command-line diagnosis. main only wires the parts together.
package main

import (
	"io"
	"os"
	"time"

	_ "github.com/vpndoctor/vpndoctor/cmd/vpndoctor/internal/plainlocale" // before Fyne reads the locale
	"github.com/vpndoctor/vpndoctor/internal/crash"
)

// processStart is when the program's packages were initialised, for the
// launch-time trace (VPNDOCTOR_LAUNCH_TRACE).
var processStart = time.Now()

func main() {
	os.Exit(guarded(os.Stderr, os.Exit, func() int {
		if len(os.Args) > 1 {
			attachConsole() // a command typed in a Windows console prints there
		}
		return run(os.Args[1:], os.Stdout, os.Stderr)
	}))
}

// guarded runs the program's body with the crash handler installed and
// main's own panics recovered into a crash file (issue 16, item 3); the
// tests run it as main does (hardening_test.go).
func guarded(stderr io.Writer, exit func(int), body func() int) int {
	installCrashHandler(stderr, exit)
	defer crash.Guard()
	return body()
}
