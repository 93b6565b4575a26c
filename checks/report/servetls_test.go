package report_test

import (
	"crypto"
	"crypto/tls"
	"testing"

	"github.com/vpndoctor/vpndoctor/checks"
)

// serveTLS runs a TLS server on loopback that sends chain (DER, leaf
// first, with key) and only completes handshakes, until the test ends, and
// returns it as a target to diagnose.
func serveTLS(t *testing.T, key crypto.Signer, chain ...[]byte) checks.Target {
	t.Helper()
	ln, err := tls.Listen("tcp", "127.0.0.1:0", &tls.Config{Certificates: []tls.Certificate{{Certificate: chain, PrivateKey: key}}})
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
			go func() { _ = c.(*tls.Conn).Handshake(); c.Close() }()
		}
	}()
	target, err := checks.ParseTarget(ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	return target
}
