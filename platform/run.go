package platform

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os/exec"
	"strings"
	"time"
)

// toolTimeout bounds every external command: a hung tool must not hang the
// diagnosis.
const toolTimeout = 5 * time.Second

// runTool runs a command with a timeout and returns its standard output. The
// error carries the first line of standard error, which is usually the
// tool's reason. Output is returned even on failure: some tools (security
// verify-cert, w32tm) print their answer and exit non-zero.
func runTool(ctx context.Context, name string, args ...string) ([]byte, error) {
	stdout, _, err := runToolOutputs(ctx, name, args...)
	return stdout, err
}

// runToolOutputs is runTool that also returns standard error, for tools
// that give their verdict there.
func runToolOutputs(ctx context.Context, name string, args ...string) (stdout, stderr []byte, err error) {
	ctx, cancel := context.WithTimeout(ctx, toolTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.WaitDelay = time.Second
	var outBuf, errBuf bytes.Buffer
	cmd.Stdout = &outBuf
	cmd.Stderr = &errBuf
	prepareCmd(cmd)
	err = cmd.Run()
	if err != nil {
		if ctx.Err() != nil {
			err = fmt.Errorf("%s: no answer within %s", name, toolTimeout)
		} else if msg := firstLine(errBuf.String()); msg != "" {
			err = fmt.Errorf("%s: %w: %s", name, err, msg)
		} else {
			err = fmt.Errorf("%s: %w", name, err)
		}
	}
	return outBuf.Bytes(), errBuf.Bytes(), err
}

// haveTool says whether name is an executable on PATH (or an absolute path).
func haveTool(name string) bool {
	_, err := exec.LookPath(name)
	return err == nil
}

// exitedNonZero says whether err is a command that ran and failed, as
// opposed to one that could not start or timed out.
func exitedNonZero(err error) bool {
	var ee *exec.ExitError
	return errors.As(err, &ee)
}

func firstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexAny(s, "\r\n"); i >= 0 {
		s = s[:i]
	}
	return strings.TrimSpace(s)
}
