package config

import (
	"os"
	"path"
	"path/filepath"
	"runtime"
	"strings"
)

// DefaultPaths lists where vpndoctor.json is looked for, first found wins:
//
//  1. beside the executable (a copy IT hands out on a share or USB stick);
//     on macOS, beside the .app, since a file inside a signed bundle would
//     break its signature
//  2. the machine-wide place, for IT's deployment tools:
//     Windows  %ProgramData%\vpndoctor\vpndoctor.json
//     macOS    /Library/Application Support/vpndoctor/vpndoctor.json
//     others   /etc/vpndoctor/vpndoctor.json
//  3. the user's own config folder (os.UserConfigDir):
//     Windows  %AppData%\vpndoctor\vpndoctor.json
//     macOS    ~/Library/Application Support/vpndoctor/vpndoctor.json
//     others   ~/.config/vpndoctor/vpndoctor.json ($XDG_CONFIG_HOME)
//
// It is pure so that every OS's list is tested anywhere: goos is a GOOS
// value, and a place whose folder is "" is left out.
func DefaultPaths(goos, exeDir, programData, userConfigDir string) []string {
	join := path.Join
	if goos == "windows" {
		join = joinWindows
	}
	var out []string
	add := func(dir string, elem ...string) {
		if dir == "" {
			return
		}
		p := join(append([]string{dir}, elem...)...)
		for _, q := range out {
			if q == p {
				return
			}
		}
		out = append(out, p)
	}
	if goos == "darwin" {
		if i := strings.Index(exeDir, ".app/Contents/"); i >= 0 {
			exeDir = path.Dir(exeDir[:i+len(".app")])
		}
	}
	add(exeDir, FileName)
	switch goos {
	case "windows":
		add(programData, "vpndoctor", FileName)
	case "darwin":
		add("/Library/Application Support", "vpndoctor", FileName)
	default:
		add("/etc", "vpndoctor", FileName)
	}
	add(userConfigDir, "vpndoctor", FileName)
	return out
}

// joinWindows joins with backslashes, keeping the \\ of a share
// (\\server\share\tools) that path.Join would fold.
func joinWindows(elem ...string) string {
	s := strings.Join(elem, `\`)
	prefix := ""
	if strings.HasPrefix(s, `\\`) || strings.HasPrefix(s, "//") {
		prefix, s = `\\`, s[2:]
	}
	parts := strings.FieldsFunc(s, func(r rune) bool { return r == '\\' || r == '/' })
	return prefix + strings.Join(parts, `\`)
}

// Paths is DefaultPaths for this computer.
func Paths() []string {
	exeDir := ""
	if exe, err := os.Executable(); err == nil {
		if real, err := filepath.EvalSymlinks(exe); err == nil {
			exe = real
		}
		exeDir = filepath.Dir(exe)
	}
	programData := os.Getenv("ProgramData")
	if programData == "" && runtime.GOOS == "windows" {
		programData = `C:\ProgramData`
	}
	userDir, _ := os.UserConfigDir()
	return DefaultPaths(runtime.GOOS, exeDir, programData, userDir)
}
