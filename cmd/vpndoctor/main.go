// Command vpndoctor diagnoses why a VPN client refuses its gateway's
// certificate. With no arguments it opens the wizard; `vpndoctor check`
// is the command-line diagnosis. main only wires the parts together.
package main

import "os"

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}
