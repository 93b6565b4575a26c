package main

import (
	"fmt"
	"io"
	"os"
	"os/user"
	"path/filepath"
	"runtime"
	"sync/atomic"
	"time"

	"github.com/vpndoctor/vpndoctor/checks"
	"github.com/vpndoctor/vpndoctor/checks/report"
	"github.com/vpndoctor/vpndoctor/internal/crash"
	"github.com/vpndoctor/vpndoctor/internal/lazyre"
)

// exitCrash ends the program after an internal error (a panic), once the
// crash file is written.
const exitCrash = 4

// windowOpened is set once the wizard's window runs: a GLFW panic after
// that is not a missing display but an internal error, and gets a crash
// file like any other.
var windowOpened atomic.Bool

// installCrashHandler makes every panic (main's and the goroutines' that
// defer crash.Guard) end in a crash file and one plain line on stderr.
func installCrashHandler(stderr io.Writer, exit func(int)) {
	crash.SetHandler(func(v any, stack []byte) {
		if !windowOpened.Load() && noDisplayPanic(v) {
			fmt.Fprintln(stderr, noDisplayLine)
			exit(exitUsage)
			return
		}
		name, err := writeCrashFile(crashDir(), v, stack, time.Now())
		if err != nil {
			fmt.Fprintf(stderr, "vpndoctor: an internal error stopped the program (%s); the crash file could not be written: %v\n", report.Visible(fmt.Sprint(v)), err)
		} else {
			fmt.Fprintf(stderr, "vpndoctor: an internal error stopped the program; what happened is in %s (it holds no password or key; please send it to IT)\n", name)
		}
		exit(exitCrash)
	})
}

func crashDir() string {
	if d, err := os.UserCacheDir(); err == nil {
		return filepath.Join(d, "vpndoctor")
	}
	return os.TempDir()
}

// pemBlock and secretWords find what must never reach a crash file even
// if a panic value carried it: key material and password-like settings.
var (
	pemBlock    = lazyre.New(`(?s)-----BEGIN [A-Z ]*PRIVATE KEY-----.*?(-----END [A-Z ]*PRIVATE KEY-----|$)`)
	secretWords = lazyre.New(`(?i)((?:password|passwd|pass|secret|token|cookie|key)\s*[=:]\s*)\S+`)
)

// crashText is the crash file's content: version, system, the panic and
// the stack, with this computer's and the user's names hidden and no
// command line (it may name key files), no environment. The panic value
// may carry a server's text: its escapes are shown visibly (issue 16), as
// the file is read in a terminal or an editor.
func crashText(v any, stack []byte, now time.Time, facts map[string]string) string {
	text := fmt.Sprintf("vpndoctor %s crash report\ntime: %s\nsystem: %s/%s, %s\n\npanic: %v\n\n%s",
		checks.Version, now.UTC().Format(time.RFC3339), runtime.GOOS, runtime.GOARCH, runtime.Version(), report.VisibleLines(fmt.Sprint(v)), stack)
	text = pemBlock.ReplaceAllString(text, "[private key removed]")
	text = secretWords.ReplaceAllString(text, "${1}[removed]")
	return report.RedactText(text, facts)
}

// crashFacts are the names the crash file must not carry.
func crashFacts() map[string]string {
	facts := map[string]string{}
	if h, err := os.Hostname(); err == nil {
		facts["hostname"] = h
	}
	if u, err := user.Current(); err == nil {
		facts["user"] = filepath.Base(u.Username)
	}
	return facts
}

func writeCrashFile(dir string, v any, stack []byte, now time.Time) (string, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", err
	}
	name := filepath.Join(dir, "crash-"+now.UTC().Format("20060102-150405")+".txt")
	return name, os.WriteFile(name, []byte(crashText(v, stack, now, crashFacts())), 0o600)
}
