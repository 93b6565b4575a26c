// Command vpndoctor diagnoses why a VPN client refuses its gateway's
// certificate. With no arguments it opens the wizard; `vpndoctor check`
// is the command-line diagnosis. main only wires the parts together.
package main

import (
	"os"
	"time"

	_ "github.com/vpndoctor/vpndoctor/cmd/vpndoctor/internal/plainlocale" // before Fyne reads the locale
	"github.com/vpndoctor/vpndoctor/internal/crash"
)

// processStart is when the program's packages were initialised, for the
// launch-time trace (VPNDOCTOR_LAUNCH_TRACE).
var processStart = time.Now()

func main() {
	installCrashHandler(os.Stderr, os.Exit)
	defer crash.Guard()
	if len(os.Args) > 1 {
		attachConsole() // a command typed in a Windows console prints there
	}
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}
