//go:build !linux

// Command vpndoctor-probe is vpndoctor's permissive TLS probe. Its TLS
// library (zmap/zcrypto) builds only on Linux, so here it only says so;
// vpndoctor then reports what Go's TLS saw and that no second attempt ran.
package main

import (
	"fmt"
	"os"
)

func main() {
	fmt.Fprintln(os.Stderr, "vpndoctor-probe: the permissive TLS probe is not available on this system")
	os.Exit(1)
}
