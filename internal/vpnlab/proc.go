//go:build unix

package vpnlab

import (
	"bytes"
	"fmt"
	"net"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// freePort asks the kernel for a free loopback TCP port. It is free when
// this returns; a server that loses the race is started again on another.
func freePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("free port: %v", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// syncBuffer collects a process' output while it runs.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// server is a started background process listening on Port.
type server struct {
	cmd  *exec.Cmd
	out  *syncBuffer
	done chan struct{}
}

// startServer runs argv in its own process group and waits until port
// accepts connections. It returns errBind when the process reported that the
// port was taken, so the caller can try another.
func startServer(t testing.TB, port int, bindMsg string, argv ...string) (*server, error) {
	t.Helper()
	cmd := exec.Command(argv[0], argv[1:]...)
	out := &syncBuffer{}
	cmd.Stdout, cmd.Stderr = out, out
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", argv[0], err)
	}
	s := &server{cmd: cmd, out: out, done: make(chan struct{})}
	go func() { _ = cmd.Wait(); close(s.done) }()
	addr := fmt.Sprintf("127.0.0.1:%d", port)
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case <-s.done:
			if strings.Contains(out.String(), bindMsg) {
				return nil, errBind
			}
			return nil, fmt.Errorf("%s exited at start:\n%s", argv[0], out.String())
		default:
		}
		if c, err := net.DialTimeout("tcp", addr, 200*time.Millisecond); err == nil {
			c.Close()
			return s, nil
		}
		time.Sleep(20 * time.Millisecond)
	}
	s.stop()
	return nil, fmt.Errorf("%s did not listen on %s within 10s:\n%s", argv[0], addr, out.String())
}

var errBind = fmt.Errorf("port taken")

// stop ends the process group this package started (ocserv forks sec-mod
// and workers) and waits for the leader.
func (s *server) stop() {
	pgid := s.cmd.Process.Pid
	_ = syscall.Kill(-pgid, syscall.SIGTERM)
	select {
	case <-s.done:
	case <-time.After(300 * time.Millisecond):
		_ = syscall.Kill(-pgid, syscall.SIGKILL)
		<-s.done
	}
	// Workers that outlived the leader.
	_ = syscall.Kill(-pgid, syscall.SIGKILL)
}
