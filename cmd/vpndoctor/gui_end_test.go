//go:build !nogui && linux

package main

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// startXvfb starts a virtual X display for the test and returns its name.
func startXvfb(t *testing.T) string {
	t.Helper()
	xvfb, err := exec.LookPath("Xvfb")
	if err != nil {
		if os.Getenv("CI") == "" {
			t.Skip("Xvfb is not installed (make test installs it)")
		}
		t.Fatal("Xvfb is missing: make test installs it")
	}
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(xvfb, "-displayfd", "3", "-screen", "0", "1024x768x24", "-nolisten", "tcp")
	cmd.ExtraFiles = []*os.File{w}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	w.Close()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	num := make(chan string, 1)
	go func() {
		line, _ := bufio.NewReader(r).ReadString('\n')
		num <- strings.TrimSpace(line)
	}()
	select {
	case n := <-num:
		if n == "" {
			t.Fatal("Xvfb did not start")
		}
		return ":" + n
	case <-time.After(30 * time.Second):
		t.Fatal("Xvfb did not start within 30 s")
	}
	return ""
}

// Asked to end (a logout's SIGTERM, Ctrl+C) while the window is still
// opening and its settings, the practice gateway and the check report
// back, the program ends quietly with 0: nothing touches the window after
// its event loop has ended (Fyne then runs fyne.Do's function on the
// caller's goroutine, where GLFW is gone), and a GLFW panic after the
// window opened is never reported as a missing display.
func TestEndWhileTheWindowOpens(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the GUI toolkit")
	}
	display := startXvfb(t)
	for _, end := range []struct {
		at    string // the launch stage (VPNDOCTOR_LAUNCH_TRACE) after which
		after time.Duration
	}{{"window shown", 0}, {"window ready", 0}, {"window ready", 0}, {"window ready", 0}, {"window ready", 20 * time.Millisecond}, {"window ready", 100 * time.Millisecond}} {
		at, after := end.at, end.after
		home := t.TempDir()
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), "VPNDOCTOR_AS_MAIN=1", "VPNDOCTOR_ARGS=--demo expired --lang en",
			"DISPLAY="+display, "WAYLAND_DISPLAY=", "VPNDOCTOR_LAUNCH_TRACE=1", "LANG=C", "HOME="+home, "XDG_CACHE_HOME="+home, "XDG_CONFIG_HOME="+home)
		stderr, err := cmd.StderrPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		var seen strings.Builder
		ready := make(chan struct{})
		rest := make(chan struct{})
		go func() {
			defer close(rest)
			sc := bufio.NewScanner(stderr)
			once := false
			for sc.Scan() {
				fmt.Fprintln(&seen, sc.Text())
				if !once && strings.Contains(sc.Text(), at) {
					once = true
					close(ready)
				}
			}
		}()
		select {
		case <-ready:
		case <-time.After(60 * time.Second):
			_ = cmd.Process.Kill()
			<-rest
			t.Fatalf("no %q within 60 s:\n%s", at, seen.String())
		}
		time.Sleep(after)
		_ = cmd.Process.Signal(syscall.SIGTERM)
		done := make(chan error, 1)
		go func() { <-rest; done <- cmd.Wait() }()
		select {
		case err = <-done:
		case <-time.After(20 * time.Second):
			_ = cmd.Process.Kill()
			t.Fatalf("SIGTERM %v after %s: the program did not end", after, at)
		}
		out := seen.String()
		if err != nil {
			t.Errorf("SIGTERM %v after %s: %v, want exit 0; stderr:\n%s", after, at, err, out)
		}
		for _, bad := range []string{"Error in Fyne call thread", noDisplayLine, "internal error", "panic"} {
			if strings.Contains(out, bad) {
				t.Errorf("SIGTERM %v after %s: stderr says %q:\n%s", after, at, bad, out)
			}
		}
		if files, _ := filepath.Glob(filepath.Join(home, "vpndoctor", "crash-*")); len(files) > 0 {
			t.Errorf("SIGTERM %v after %s: crash files %v", after, at, files)
		}
	}
}
