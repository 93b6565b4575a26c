package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/vpndoctor/vpndoctor/checks/practice"
	"github.com/vpndoctor/vpndoctor/internal/crash"
)

// asMain is main for the test binary run as the program (TestMain):
// main's guarded body, and, when asked, a panic in a goroutine of the
// program's kind or in main's own goroutine.
func asMain() int {
	return guarded(os.Stderr, os.Exit, func() int {
		switch os.Getenv("VPNDOCTOR_TEST_PANIC") {
		case "goroutine":
			done := make(chan struct{})
			go func() {
				defer crash.Guard()
				panic("test panic with password=hunter2 on " + mustHostname())
			}()
			<-done
		case "main":
			panic("test panic in main with token: s3cr3t")
		}
		return run(strings.Fields(os.Getenv("VPNDOCTOR_ARGS")), os.Stdout, os.Stderr)
	})
}

func mustHostname() string {
	h, _ := os.Hostname()
	return h
}

// asProgram runs this test binary as vpndoctor with args and env.
func asProgram(t *testing.T, args string, env ...string) (code int, stdout, stderr string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "VPNDOCTOR_AS_MAIN=1", "VPNDOCTOR_ARGS="+args)
	cmd.Env = append(cmd.Env, env...)
	var o, e bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	err := cmd.Run()
	if ctx.Err() != nil {
		t.Fatalf("%s: did not end: %s", args, e.String())
	}
	if ee, ok := err.(*exec.ExitError); ok {
		return ee.ExitCode(), o.String(), e.String()
	} else if err != nil {
		t.Fatal(err)
	}
	return 0, o.String(), e.String()
}

// Started where there is no display, the wizard says so in one line and
// exits 2: no panic, no stack trace. The second case has a display set
// that cannot be opened (a forwarded X11 gone): GLFW fails inside Fyne.
func TestNoDisplay(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the GUI toolkit")
	}
	for _, display := range []string{"", ":54321"} {
		code, _, errOut := asProgram(t, "--demo ok", "DISPLAY="+display, "WAYLAND_DISPLAY=")
		if code != exitUsage || strings.TrimSpace(errOut) != noDisplayLine {
			t.Errorf("DISPLAY=%q: exit %d, stderr:\n%s", display, code, errOut)
		}
	}
}

func TestHasDisplay(t *testing.T) {
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	if hasDisplay(env(nil)) {
		t.Error("no DISPLAY, no WAYLAND_DISPLAY: want no display")
	}
	if !hasDisplay(env(map[string]string{"WAYLAND_DISPLAY": "wayland-0"})) || !hasDisplay(env(map[string]string{"DISPLAY": ":0"})) {
		t.Error("a display is set")
	}
}

// A panic in a goroutine ends in a crash file without secrets, one line
// saying where it is, and exit 4.
func TestCrashFile(t *testing.T) {
	cache := t.TempDir()
	code, _, errOut := asProgram(t, "version", "VPNDOCTOR_TEST_PANIC=goroutine", "XDG_CACHE_HOME="+cache, "HOME="+cache)
	if code != exitCrash {
		t.Fatalf("exit %d, want %d; stderr:\n%s", code, exitCrash, errOut)
	}
	files, _ := filepath.Glob(filepath.Join(cache, "vpndoctor", "crash-*.txt"))
	if len(files) != 1 || !strings.Contains(errOut, files[0]) || strings.Count(strings.TrimSpace(errOut), "\n") != 0 {
		t.Fatalf("crash files %v; stderr:\n%s", files, errOut)
	}
	data, _ := os.ReadFile(files[0])
	text := string(data)
	if !strings.Contains(text, "test panic") || !strings.Contains(text, "goroutine") {
		t.Errorf("the crash file lacks the panic and its stack:\n%s", text)
	}
	if strings.Contains(text, "hunter2") {
		t.Errorf("the crash file holds a password:\n%s", text)
	}
	if h := mustHostname(); len(h) > 3 && strings.Contains(text, h) {
		t.Errorf("the crash file names this computer %q", h)
	}
	if fi, err := os.Stat(files[0]); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("crash file mode %v, %v", fi.Mode(), err)
	}
}

// A panic in main's own goroutine (the wizard's event loop runs there) is
// recovered by main's deferred Guard: a crash file and exit 4, no stack
// trace on the terminal.
func TestCrashInMain(t *testing.T) {
	cache := t.TempDir()
	code, _, errOut := asProgram(t, "version", "VPNDOCTOR_TEST_PANIC=main", "XDG_CACHE_HOME="+cache, "HOME="+cache)
	files, _ := filepath.Glob(filepath.Join(cache, "vpndoctor", "crash-*.txt"))
	if code != exitCrash || len(files) != 1 || strings.Contains(errOut, "goroutine ") {
		t.Fatalf("exit %d (want %d), crash files %v; stderr:\n%s", code, exitCrash, files, errOut)
	}
	if data, _ := os.ReadFile(files[0]); !strings.Contains(string(data), "test panic in main") || strings.Contains(string(data), "s3cr3t") {
		t.Errorf("crash file:\n%s", data)
	}
}

// The computer's and the user's names are hidden wherever the panic or
// the stack names them (this test machine's own names may be too short or
// too common to be hidden, so they are given).
func TestCrashTextHidesNames(t *testing.T) {
	facts := map[string]string{"hostname": "kyoto-pc-0417.corp.example", "user": "hanako7731"}
	text := crashText("cannot read /home/hanako7731/vpn.json on kyoto-pc-0417", []byte("main.go:12 KYOTO-PC-0417.corp.example"), time.Now(), facts)
	for _, bad := range []string{"hanako7731", "kyoto-pc-0417", "KYOTO-PC-0417"} {
		if strings.Contains(text, bad) {
			t.Errorf("crash text names %q:\n%s", bad, text)
		}
	}
}

func TestCrashTextHidesKeys(t *testing.T) {
	v := "oops -----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIB\n-----END EC PRIVATE KEY----- token: abc123 key=s3cr3t"
	text := crashText(v, []byte("stack"), time.Now(), nil)
	for _, bad := range []string{"MHcCAQEEIB", "abc123", "s3cr3t"} {
		if strings.Contains(text, bad) {
			t.Errorf("crash text holds %q:\n%s", bad, text)
		}
	}
}

// `vpndoctor --demo` alone opens the wizard on the automatic practice
// gateway: without a display it gets as far as the one plain line, not
// "flag needs an argument"; a wrong name is still bad input.
func TestDemoAloneReachesTheWizard(t *testing.T) {
	t.Setenv("DISPLAY", "")
	t.Setenv("WAYLAND_DISPLAY", "")
	for _, args := range [][]string{{"--demo"}, {"--demo", "--lang", "en"}, {"--lang", "en", "--demo"}} {
		if code, _, errOut := runCLI(args...); code != exitUsage || strings.TrimSpace(errOut) != noDisplayLine {
			t.Errorf("%v: exit %d, stderr %q", args, code, errOut)
		}
	}
	if code, _, errOut := runCLI("--demo", "no-such-case"); code != exitUsage || !strings.Contains(errOut, "there is no practice gateway") {
		t.Errorf("--demo no-such-case: exit %d, stderr %q", code, errOut)
	}
}

// The GLFW panic of a display that is set but cannot be opened, should it
// get past displayReachable, ends in the plain line and exit 2; any other
// panic in a crash file and exit 4.
func TestGLFWPanicIsNoDisplay(t *testing.T) {
	cache := t.TempDir()
	t.Setenv("XDG_CACHE_HOME", cache)
	t.Setenv("HOME", cache)
	defer crash.SetHandler(nil)
	var errOut bytes.Buffer
	code := -1
	installCrashHandler(&errOut, func(c int) { code = c })
	crash.Handle("GLFW library is not initialized")
	if code != exitUsage || strings.TrimSpace(errOut.String()) != noDisplayLine {
		t.Errorf("GLFW panic: exit %d, stderr %q", code, errOut.String())
	}
	errOut.Reset()
	crash.Handle("index out of range [3] with length 3")
	if code != exitCrash || !strings.Contains(errOut.String(), "crash-") {
		t.Errorf("other panic: exit %d, stderr %q", code, errOut.String())
	}
}

// Output that cannot be written (a closed pipe, a full disk) is an I/O
// error, 3, for the text and the JSON alike.
func TestOutputNotWritable(t *testing.T) {
	f, err := os.Create(filepath.Join(t.TempDir(), "out"))
	if err != nil {
		t.Fatal(err)
	}
	f.Close() // every write now fails
	for _, args := range [][]string{{"check", "--demo", "ok"}, {"check", "--json", "--demo", "ok"}} {
		var e bytes.Buffer
		if code := run(args, f, &e); code != exitIO {
			t.Errorf("%v to a closed file: exit %d, stderr %q", args, code, e.String())
		}
	}
}

// Practice gateways that cannot start are an I/O error (3): here the
// program runs with so few file descriptors (ulimit -n, a real limit of
// the process) that the lab's listeners fail, in each command that starts
// the lab.
func TestPracticeLabCannotStart(t *testing.T) {
	sh, err := exec.LookPath("sh")
	if err != nil || runtime.GOOS == "windows" {
		t.Skip("needs a POSIX shell for ulimit")
	}
	for _, args := range []string{"check --demo ok", "demo --all", "demo --serve ok"} {
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		cmd := exec.CommandContext(ctx, sh, "-c", `ulimit -n 12 && exec "$0" -test.run='^$'`, os.Args[0])
		cmd.Env = append(os.Environ(), "VPNDOCTOR_AS_MAIN=1", "VPNDOCTOR_ARGS="+args)
		out, err := cmd.CombinedOutput()
		cancel()
		code := -1
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		}
		if code != exitIO || !strings.Contains(string(out), "the practice gateways could not start") {
			t.Errorf("%s with 12 file descriptors: exit %d (%v), want %d:\n%s", args, code, err, exitIO, out)
		}
	}
}

// A report that cannot be written is an I/O error (3), not bad input (2).
func TestReportNotWritable(t *testing.T) {
	path := filepath.Join(t.TempDir(), "no-such-dir", "r.html")
	code, _, errOut := runCLI("check", "--demo", "ok", "--report", path)
	if code != exitIO || !strings.Contains(errOut, "write the report") {
		t.Errorf("exit %d, stderr %q", code, errOut)
	}
}

func TestDemoAlone(t *testing.T) {
	tests := map[string]string{
		"--demo":                "--demo auto",
		"--demo --lang en":      "--demo auto --lang en",
		"--lang en --demo":      "--lang en --demo auto",
		"--demo expired":        "--demo expired",
		"-demo --autostart":     "-demo auto --autostart",
		"--lang ja":             "--lang ja",
		"--demo=expired --demo": "--demo=expired --demo auto",
	}
	for in, want := range tests {
		if got := strings.Join(demoAlone(strings.Fields(in)), " "); got != want {
			t.Errorf("demoAlone(%s) = %s, want %s", in, got, want)
		}
	}
	code, _, errOut := runCLI("check", "--demo")
	if code != exitUsage || !strings.Contains(errOut, "--demo needs the name of a practice gateway") {
		t.Errorf("check --demo: exit %d, %q", code, errOut)
	}
}

// A --dns failure names the DNS server asked, not the system's resolver.
func TestDNSFailureNamesTheServerAsked(t *testing.T) {
	lab, err := practice.Start(practice.Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer lab.Close()
	code, out, errOut := runCLI("check", "--dns", lab.DNSAddr(), "--ntp", "127.0.0.1:1", "--lang", "en", "no-such-name.example")
	if code != exitProblem || !strings.Contains(out, "dns_failure") || !strings.Contains(out, "on "+lab.DNSAddr()) {
		t.Errorf("exit %d, stderr %q, output:\n%s", code, errOut, out)
	}
}

// GLFW's "not initialized" panic means no display only before the window
// has opened; after that (the window closing under a late redraw) it is an
// internal error with a crash file, not "no graphical display".
func TestGLFWPanicAfterTheWindowOpened(t *testing.T) {
	cache := t.TempDir()
	t.Setenv("XDG_CACHE_HOME", cache)
	t.Setenv("HOME", cache)
	var out bytes.Buffer
	code := -1
	installCrashHandler(&out, func(c int) { code = c })
	defer crash.SetHandler(nil)
	defer windowOpened.Store(false)
	glfw := "The GLFW library is not initialized"
	crash.Handle(glfw)
	if code != exitUsage || strings.TrimSpace(out.String()) != noDisplayLine {
		t.Errorf("before the window opened: exit %d, stderr %q", code, out.String())
	}
	out.Reset()
	windowOpened.Store(true)
	crash.Handle(glfw)
	if code != exitCrash || strings.Contains(out.String(), noDisplayLine) || !strings.Contains(out.String(), filepath.Join(cache, "vpndoctor")) {
		t.Errorf("after the window opened: exit %d, stderr %q", code, out.String())
	}
}
