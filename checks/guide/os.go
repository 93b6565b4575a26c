package guide

import (
	"fmt"
	"runtime"
	"strings"
)

// OS is an operating system the guide has steps for.
type OS string

// The operating systems, as keys of "steps" in the guide's JSON.
const (
	Windows OS = "windows"
	MacOS   OS = "macos"
	Linux   OS = "linux"
	IOS     OS = "ios"
	Android OS = "android"
)

// AllOS lists every OS, in the order a renderer offers them.
var AllOS = []OS{Windows, MacOS, Linux, IOS, Android}

// CurrentOS is the OS this program runs on. Other Unix systems get the Linux
// steps, the closest match.
func CurrentOS() OS { return osFor(runtime.GOOS) }

func osFor(goos string) OS {
	switch goos {
	case "windows":
		return Windows
	case "darwin":
		return MacOS
	case "ios":
		return IOS
	case "android":
		return Android
	}
	return Linux
}

// ParseOS reads an OS name as a user or a flag gives it.
func ParseOS(s string) (OS, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "windows", "win":
		return Windows, nil
	case "macos", "mac", "darwin", "osx":
		return MacOS, nil
	case "linux":
		return Linux, nil
	case "ios", "iphone", "ipad", "ipados":
		return IOS, nil
	case "android":
		return Android, nil
	}
	return "", fmt.Errorf("unknown system %q: use windows, macos, linux, ios or android", s)
}
