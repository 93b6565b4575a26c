//go:build unix

package vpnlab

import (
	"context"
	"errors"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"
)

// LoginOptions is one openconnect --authenticate run.
type LoginOptions struct {
	URL    string
	CAFile string // trusted CAs for the gateway (--cafile); --servercert is never used
	// CertFile and KeyFile: the device identity (--certificate, --sslkey),
	// PEM or PKCS#12 (then KeyFile may be empty and KeyPassword opens it).
	CertFile, KeyFile, KeyPassword string
	User, Password                 string
	AuthGroup                      string
	Protocol                       string        // "" = anyconnect
	Timeout                        time.Duration // default 15s
	Extra                          []string      // more openconnect flags
}

// LoginResult is what openconnect said.
type LoginResult struct {
	OK       bool   // exit 0 and a session cookie: the login got through
	ExitCode int    // -1 when killed by the timeout
	Output   string // stdout and stderr; contains the session cookie when OK
}

// Openconnect runs the real client non-interactively up to the end of the
// login (--authenticate: no tunnel, no tun device, no root needed).
func Openconnect(t testing.TB, o LoginOptions) LoginResult {
	t.Helper()
	bin := Need(t, "openconnect")
	if o.Timeout == 0 {
		o.Timeout = 15 * time.Second
	}
	args := []string{"--authenticate", "--non-inter", "--passwd-on-stdin"}
	if o.CAFile != "" {
		args = append(args, "--cafile", o.CAFile)
	}
	if o.CertFile != "" {
		args = append(args, "--certificate", o.CertFile)
	}
	if o.KeyFile != "" {
		args = append(args, "--sslkey", o.KeyFile)
	}
	if o.KeyPassword != "" {
		args = append(args, "--key-password", o.KeyPassword)
	}
	if o.User != "" {
		args = append(args, "--user", o.User)
	}
	if o.AuthGroup != "" {
		args = append(args, "--authgroup", o.AuthGroup)
	}
	if o.Protocol != "" {
		args = append(args, "--protocol", o.Protocol)
	}
	args = append(args, o.Extra...)
	args = append(args, o.URL)
	ctx, cancel := context.WithTimeout(context.Background(), o.Timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	// --passwd-on-stdin fails on an empty stdin even when no password is
	// asked for, so there is always one line.
	cmd.Stdin = strings.NewReader(o.Password + "\n")
	out, err := cmd.CombinedOutput()
	res := LoginResult{Output: string(out)}
	var ee *exec.ExitError
	switch {
	case err == nil:
		res.ExitCode = 0
	case ctx.Err() != nil:
		res.ExitCode = -1
	case errors.As(err, &ee):
		res.ExitCode = ee.ExitCode()
	default:
		t.Fatalf("openconnect: %v", err)
	}
	res.OK = res.ExitCode == 0 && strings.Contains(res.Output, "COOKIE=")
	return res
}
