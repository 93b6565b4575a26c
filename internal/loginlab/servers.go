package loginlab

import (
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"sync"
)

// Server is a set of listeners on one port, on several addresses, each
// serving its own handler: the nodes behind one gateway name.
type Server struct {
	Port      int
	listeners []net.Listener
	servers   []*http.Server
	wg        sync.WaitGroup
}

// Node is what one address of a gateway answers.
type Node struct {
	Addr    string // an IP address on loopback: 127.0.0.2, ::1
	Cert    tls.Certificate
	Handler http.Handler // the login page; nil answers 404
}

// ListenSamePort listens on every address with one port number, as nodes
// behind one name must; it retries when the port is taken on one of them.
func ListenSamePort(network string, addrs []string) ([]net.Listener, int, error) {
	for try := 0; try < 20; try++ {
		first, err := net.Listen(network, net.JoinHostPort(addrs[0], "0"))
		if err != nil {
			return nil, 0, err
		}
		port := first.Addr().(*net.TCPAddr).Port
		lns := []net.Listener{first}
		ok := true
		for _, a := range addrs[1:] {
			ln, err := net.Listen(network, net.JoinHostPort(a, strconv.Itoa(port)))
			if err != nil {
				ok = false
				break
			}
			lns = append(lns, ln)
		}
		if ok {
			return lns, port, nil
		}
		for _, ln := range lns {
			ln.Close()
		}
	}
	return nil, 0, errors.New("no port free on every address")
}

// ServeNodes starts one HTTPS server per node, all on one port.
func ServeNodes(nodes []Node) (*Server, error) {
	addrs := make([]string, len(nodes))
	for i, n := range nodes {
		addrs[i] = n.Addr
	}
	lns, port, err := ListenSamePort("tcp", addrs)
	if err != nil {
		return nil, err
	}
	s := &Server{Port: port, listeners: lns}
	for i, n := range nodes {
		h := n.Handler
		if h == nil {
			h = http.NotFoundHandler()
		}
		srv := &http.Server{Handler: h, TLSConfig: &tls.Config{Certificates: []tls.Certificate{n.Cert}}, ErrorLog: quietLog()}
		s.servers = append(s.servers, srv)
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			_ = srv.ServeTLS(lns[i], "", "")
		}()
	}
	return s, nil
}

// ServeHTTP starts a plain-HTTP server on addr (port 0: a free one).
func ServeHTTP(addr string, h http.Handler) (*Server, error) {
	ln, err := net.Listen("tcp", net.JoinHostPort(addr, "0"))
	if err != nil {
		return nil, err
	}
	srv := &http.Server{Handler: h, ErrorLog: quietLog()}
	s := &Server{Port: ln.Addr().(*net.TCPAddr).Port, listeners: []net.Listener{ln}, servers: []*http.Server{srv}}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		_ = srv.Serve(ln)
	}()
	return s, nil
}

// Close stops every listener and waits for the servers.
func (s *Server) Close() {
	for _, srv := range s.servers {
		srv.Close()
	}
	s.wg.Wait()
}

// Addr is host:port of the first listener.
func (s *Server) Addr() string { return s.listeners[0].Addr().String() }

// HasIPv6Loopback reports whether ::1 can be listened on here.
func HasIPv6Loopback() bool {
	ln, err := net.Listen("tcp", "[::1]:0")
	if err != nil {
		return false
	}
	ln.Close()
	return true
}

// URL is http://addr/path.
func URL(addr, path string) string { return fmt.Sprintf("http://%s%s", addr, path) }
