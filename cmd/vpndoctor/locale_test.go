package main

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

// TestMain lets a test run this binary as the program itself (its package
// inits included), with the environment the test chooses.
func TestMain(m *testing.M) {
	if os.Getenv("VPNDOCTOR_AS_MAIN") == "1" {
		os.Exit(asMain()) // hardening_test.go
	}
	os.Exit(m.Run())
}

// LANG=C and C.UTF-8 (Debian's default in containers) give English and not
// a word on stderr: the GUI toolkit's locale parser must not see them.
func TestNoLocaleNoise(t *testing.T) {
	for _, lang := range []string{"C", "C.UTF-8", "POSIX"} {
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), "VPNDOCTOR_AS_MAIN=1", "VPNDOCTOR_ARGS=check --demo ok", "LANG="+lang, "LC_ALL=", "LANGUAGE=", "LC_MESSAGES=")
		var stderr strings.Builder
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			t.Errorf("LANG=%s: %v, stderr %q", lang, err, stderr.String())
		}
		if stderr.Len() != 0 {
			t.Errorf("LANG=%s: stderr %q", lang, stderr.String())
		}
		if !strings.Contains(string(out), "No certificate problem") {
			t.Errorf("LANG=%s: not English:\n%s", lang, out)
		}
	}
}
