package practice

import (
	"bufio"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/vpndoctor/vpndoctor/internal/crash"
)

const (
	// ioTimeout bounds every read, write and handshake of the lab's servers,
	// so a slow or stuck client cannot pin a goroutine.
	ioTimeout = 10 * time.Second
	// silentHold is how long the silent gateway keeps a connection it never
	// answers. It must outlast any client's timeout, yet not be endless.
	silentHold = 2 * time.Minute
	// maxConns per listener; more are closed at once.
	maxConns = 64
)

// tcpServer accepts on one loopback listener and runs handle for each
// connection under a deadline. close stops it and waits for every goroutine.
type tcpServer struct {
	ln     net.Listener
	handle func(net.Conn)

	mu     sync.Mutex
	conns  map[net.Conn]struct{}
	closed bool
	wg     sync.WaitGroup
}

func newTCPServer(ln net.Listener, handle func(net.Conn)) *tcpServer {
	return &tcpServer{ln: ln, handle: handle, conns: map[net.Conn]struct{}{}}
}

func (s *tcpServer) start() {
	s.wg.Add(1)
	go s.accept()
}

func (s *tcpServer) accept() {
	defer crash.Guard()
	defer s.wg.Done()
	backoff := 5 * time.Millisecond
	for {
		c, err := s.ln.Accept()
		if err != nil {
			if errors.Is(err, net.ErrClosed) || s.isClosed() {
				return
			}
			// Out of file descriptors or the like: wait, do not spin.
			time.Sleep(backoff)
			backoff = min(2*backoff, time.Second)
			continue
		}
		backoff = 5 * time.Millisecond
		if !s.track(c) {
			c.Close()
			continue
		}
		go func() {
			defer s.wg.Done()
			defer crash.Guard()
			defer s.untrack(c)
			_ = c.SetDeadline(time.Now().Add(ioTimeout))
			s.handle(c)
		}()
	}
}

// track registers c and counts its goroutine, unless the server is closed
// or full.
func (s *tcpServer) track(c net.Conn) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed || len(s.conns) >= maxConns {
		return false
	}
	s.conns[c] = struct{}{}
	s.wg.Add(1)
	return true
}

func (s *tcpServer) untrack(c net.Conn) {
	c.Close()
	s.mu.Lock()
	delete(s.conns, c)
	s.mu.Unlock()
}

func (s *tcpServer) isClosed() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.closed
}

func (s *tcpServer) close() error {
	err := s.ln.Close()
	s.mu.Lock()
	s.closed = true
	for c := range s.conns {
		c.Close()
	}
	s.mu.Unlock()
	s.wg.Wait()
	return ignoreClosed(err)
}

// serveTLS completes the handshake, then answers HTTP requests the way an
// SSL VPN portal does: HTTP/1.1 with keep-alive (Cisco ASA, FortiGate,
// PAN-OS and ocserv all keep the connection for the next request), until
// the client closes it, asks to close it, or stays idle.
func serveTLS(cfg *tls.Config, name string) func(net.Conn) {
	body := fmt.Sprintf("vpndoctor practice gateway: %s\n", name)
	return func(c net.Conn) {
		tc := tls.Server(c, cfg)
		defer tc.Close()
		_ = tc.SetDeadline(time.Now().Add(keepAliveIdle))
		if err := tc.Handshake(); err != nil {
			return
		}
		br := bufio.NewReader(tc)
		for range maxRequestsPerConn {
			req, err := http.ReadRequest(br)
			if err != nil {
				return
			}
			_, _ = io.Copy(io.Discard, io.LimitReader(req.Body, 64<<10))
			req.Body.Close()
			conn := "keep-alive"
			if req.Close {
				conn = "close"
			}
			if _, err := fmt.Fprintf(tc, "HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: %d\r\nConnection: %s\r\n\r\n%s", len(body), conn, body); err != nil || req.Close {
				return
			}
			_ = tc.SetDeadline(time.Now().Add(keepAliveIdle))
		}
	}
}

const (
	// keepAliveIdle is how long a practice gateway keeps an idle
	// connection, as a portal's keep-alive timeout would (short: the lab
	// serves one diagnosis at a time).
	keepAliveIdle = 5 * time.Second
	// maxRequestsPerConn bounds one connection, as servers do.
	maxRequestsPerConn = 100
)

// serveSilent accepts and never answers, until the client hangs up or the
// lab closes.
func serveSilent(c net.Conn) {
	_ = c.SetDeadline(time.Now().Add(silentHold))
	_, _ = io.Copy(io.Discard, c)
}

// servePlainHTTP is a web server on the port: whatever arrives (a TLS
// ClientHello included) is a bad HTTP request.
func servePlainHTTP(c net.Conn) {
	buf := make([]byte, 4096)
	if n, err := c.Read(buf); n == 0 && err != nil {
		return
	}
	const body = "400 Bad Request: this port speaks plain HTTP\n"
	fmt.Fprintf(c, "HTTP/1.1 400 Bad Request\r\nServer: vpndoctor-practice\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s", len(body), body)
	lingeringClose(c)
}

// lingeringClose ends our side and drains the client's for a moment:
// closing a socket with unread input sends a reset, which can destroy the
// answer before the client reads it.
func lingeringClose(c net.Conn) {
	if tc, ok := c.(*net.TCPConn); ok {
		_ = tc.CloseWrite()
	}
	_ = c.SetReadDeadline(time.Now().Add(time.Second))
	_, _ = io.Copy(io.Discard, io.LimitReader(c, 64<<10))
}

// sshBanner is what OpenSSH on Debian 12 says first.
const sshBanner = "SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n"

// serveSSH greets like an SSH server, then reads and discards.
func serveSSH(c net.Conn) {
	if _, err := io.WriteString(c, sshBanner); err != nil {
		return
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(c, 64<<10))
}
