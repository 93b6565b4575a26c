package vpnlab

import (
	"crypto/tls"
	"net"
	"testing"
)

// ServeHandshakes serves cert on a loopback TLS listener that completes
// each handshake and closes the connection, until the test ends; it
// returns the listener's address.
func ServeHandshakes(t testing.TB, cert tls.Certificate) string {
	t.Helper()
	ln, err := tls.Listen("tcp", "127.0.0.1:0", &tls.Config{Certificates: []tls.Certificate{cert}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func(c net.Conn) { _ = c.(*tls.Conn).Handshake(); c.Close() }(c)
		}
	}()
	return ln.Addr().String()
}
