package platform

import (
	"os/exec"
	"syscall"

	"golang.org/x/sys/windows"
)

// prepareCmd keeps console windows from flashing up: vpndoctor is a GUI
// program and every tool it runs would otherwise open one.
func prepareCmd(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{HideWindow: true, CreationFlags: windows.CREATE_NO_WINDOW}
}
