// Package plainlocale clears the "C" and "POSIX" locale variables before
// the GUI toolkit reads them. Fyne's lang package parses the locale in its
// init and logs "Error parsing user locale C" for C.UTF-8 (Debian's default
// in containers and CI) on every run, even `vpndoctor version`. Unset, the
// toolkit and the fix guide both fall back to English, which is what C
// means here.
//
// It must be imported by main before anything that imports Fyne. Go
// initialises packages in import-path order among those whose dependencies
// are ready; this one depends only on os, and its path sorts before
// golang.org/x/text, which Fyne's lang package waits for, so it runs first
// (checked by TestNoLocaleNoise in cmd/vpndoctor).
package plainlocale

import (
	"os"
	"strings"
)

func init() {
	for _, k := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		v := os.Getenv(k)
		base, _, _ := strings.Cut(v, ".")
		if base == "C" || base == "POSIX" {
			os.Unsetenv(k)
		}
	}
}
