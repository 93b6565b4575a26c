package platform

import (
	"fmt"
	"os/exec"
	"runtime"
)

// Safe actions the wizard offers as buttons: they open the OS's own
// settings and change nothing by themselves.
const (
	ActionDateTime    = "datetime"    // the Date & Time settings
	ActionCertManager = "certmanager" // the certificate manager / Keychain Access
)

// actionCommands lists, per OS and action, the commands to try in order;
// the first whose program exists is used.
var actionCommands = map[string]map[string][][]string{
	"windows": {
		ActionDateTime:    {{"rundll32.exe", "url.dll,FileProtocolHandler", "ms-settings:dateandtime"}},
		ActionCertManager: {{"mmc.exe", "certmgr.msc"}},
	},
	"darwin": {
		ActionDateTime:    {{"/usr/bin/open", "x-apple.systempreferences:com.apple.Date-Time-Settings.extension"}},
		ActionCertManager: {{"/usr/bin/open", "-b", "com.apple.keychainaccess"}},
	},
	"linux": {
		ActionDateTime: {
			{"gnome-control-center", "datetime"},
			{"kcmshell6", "kcm_clock"},
			{"kcmshell5", "clock"},
			{"xfce4-datetime-settings"},
			{"cinnamon-settings", "calendar"},
			{"mate-time-admin"},
		},
		// Linux desktops have no common certificate manager the VPN client
		// reads; the guide's steps use the terminal instead.
	},
}

// Actions lists the actions this computer can open.
func Actions() []string { return actionsFor(runtime.GOOS, hasProgram) }

func actionsFor(goos string, has func(string) bool) []string {
	var out []string
	for _, a := range []string{ActionDateTime, ActionCertManager} {
		if commandFor(goos, a, has) != nil {
			out = append(out, a)
		}
	}
	return out
}

func commandFor(goos, action string, has func(string) bool) []string {
	for _, c := range actionCommands[goos][action] {
		if has(c[0]) {
			return c
		}
	}
	return nil
}

func hasProgram(name string) bool {
	_, err := exec.LookPath(name)
	return err == nil
}

// OpenAction opens the settings an action names, without waiting for the
// window it opens.
func OpenAction(action string) error {
	c := commandFor(runtime.GOOS, action, hasProgram)
	if c == nil {
		return fmt.Errorf("%q cannot be opened on this computer", action)
	}
	cmd := exec.Command(c[0], c[1:]...)
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("open %s: %w", action, err)
	}
	go cmd.Wait() // reap it; its exit status says nothing useful
	return nil
}

// folderOpeners are the file managers' commands, per OS.
var folderOpeners = map[string][]string{"windows": {"explorer.exe"}, "darwin": {"/usr/bin/open"}, "linux": {"xdg-open"}}

// OpenFolder shows a folder in the OS's file manager.
func OpenFolder(dir string) error {
	c, ok := folderOpeners[runtime.GOOS]
	if !ok || !hasProgram(c[0]) {
		return fmt.Errorf("no file manager to open %s", dir)
	}
	cmd := exec.Command(c[0], append(c[1:], dir)...)
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("open %s: %w", dir, err)
	}
	go cmd.Wait()
	return nil
}
