package main

import (
	"io"

	"github.com/vpndoctor/vpndoctor/checks/report"
)

// visibleWriter shows control, escape and bidirectional-override
// characters visibly in what a command prints line by line (issue 16):
// `vpndoctor system` and `clients` print VPN profiles, which a gateway can
// push, and this computer's settings. Each Write is one Fprintf, whose
// own line breaks are kept.
type visibleWriter struct{ w io.Writer }

func (v visibleWriter) Write(p []byte) (int, error) {
	if _, err := io.WriteString(v.w, report.VisibleLines(string(p))); err != nil {
		return 0, err
	}
	return len(p), nil
}
