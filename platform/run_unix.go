//go:build !windows

package platform

import "os/exec"

// prepareCmd makes tool output parseable: the C locale, so messages are
// the English the parsers know.
func prepareCmd(cmd *exec.Cmd) {
	cmd.Env = append(cmd.Environ(), "LC_ALL=C", "LANG=C")
}
