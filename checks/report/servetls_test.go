package report_test

import (
	"crypto"
	"crypto/tls"
	"testing"

	"github.com/vpndoctor/vpndoctor/checks"
	"github.com/vpndoctor/vpndoctor/internal/vpnlab"
)

// serveTLS runs a TLS server on loopback that sends chain (DER, leaf
// first, with key) and only completes handshakes, until the test ends, and
// returns it as a target to diagnose.
func serveTLS(t *testing.T, key crypto.Signer, chain ...[]byte) checks.Target {
	t.Helper()
	addr := vpnlab.ServeHandshakes(t, tls.Certificate{Certificate: chain, PrivateKey: key})
	target, err := checks.ParseTarget(addr)
	if err != nil {
		t.Fatal(err)
	}
	return target
}
