package main

import (
	"fmt"
	"net"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"
)

// noDisplayLine is all a person sees who starts the wizard where there is
// no screen (logged in over SSH, a server).
const noDisplayLine = "vpndoctor: no graphical display: run `vpndoctor check HOST` in a terminal"

// hasDisplay says whether a window can open. On Linux and the BSDs the
// window needs an X11 or Wayland display; Windows and macOS always have
// one for a logged-in user. Asked before Fyne starts: without a display
// GLFW fails and Fyne panics.
func hasDisplay(getenv func(string) string) bool {
	switch runtime.GOOS {
	case "windows", "darwin", "ios", "android":
		return true
	}
	return getenv("DISPLAY") != "" || getenv("WAYLAND_DISPLAY") != ""
}

// noDisplayPanic recognises the panic of a display that is set but cannot
// be opened (an SSH session's forwarded X11 gone): GLFW's initialisation
// failing.
func noDisplayPanic(v any) bool {
	s := strings.ToLower(fmt.Sprint(v))
	return strings.Contains(s, "glfw") && (strings.Contains(s, "not initialized") || strings.Contains(s, "init") || strings.Contains(s, "display"))
}

// displayReachable tries the display's socket, so that a DISPLAY left
// over from an SSH session whose forwarding is gone gets the plain line
// too, before Fyne (whose GLFW would log an X11 error and panic). A
// display it cannot make sense of counts as reachable: Fyne then decides,
// and a failure there is still caught (noDisplayPanic).
func displayReachable(getenv func(string) string) bool {
	switch runtime.GOOS {
	case "windows", "darwin", "ios", "android":
		return true
	}
	if w := getenv("WAYLAND_DISPLAY"); w != "" {
		if !filepath.IsAbs(w) {
			w = filepath.Join(getenv("XDG_RUNTIME_DIR"), w)
		}
		if dialOK("unix", w) {
			return true
		}
	}
	d := getenv("DISPLAY")
	if d == "" {
		return false
	}
	host, rest, ok := strings.Cut(d, ":")
	if !ok {
		return true
	}
	num, _, _ := strings.Cut(rest, ".")
	n, err := strconv.Atoi(num)
	if err != nil || strings.HasPrefix(host, "/") { // launchd-style paths (XQuartz) and the like
		return true
	}
	if host == "" || host == "unix" {
		sock := fmt.Sprintf("/tmp/.X11-unix/X%d", n)
		return dialOK("unix", sock) || dialOK("unix", "@"+sock)
	}
	return dialOK("tcp", net.JoinHostPort(host, strconv.Itoa(6000+n)))
}

func dialOK(network, addr string) bool {
	c, err := net.DialTimeout(network, addr, 2*time.Second)
	if err != nil {
		return false
	}
	c.Close()
	return true
}
