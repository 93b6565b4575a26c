//go:build nogui

package main

import (
	"fmt"
	"io"
)

// openWizard: this build has no wizard (cross-compiled without cgo).
func openWizard(_ []string, stderr io.Writer) int {
	fmt.Fprintln(stderr, "vpndoctor: this build has no window; use 'vpndoctor check ADDRESS' (run 'vpndoctor help')")
	return exitUsage
}
