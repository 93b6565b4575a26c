package platform

import (
	"context"
	"os/exec"
	"time"
)

// UILanguages are the desktop's display languages, most preferred first
// ("ja-JP"): an app opened from the Finder has no LANG to read.
func UILanguages() []string {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, "/usr/bin/defaults", "read", "-g", "AppleLanguages").Output()
	if err != nil {
		return nil
	}
	return ParseAppleLanguages(string(out))
}
