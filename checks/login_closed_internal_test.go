package checks

import (
	"crypto/tls"
	"errors"
	"fmt"
	"testing"
)

// net/http reports a new connection the gateway closed right after the
// handshake as "server closed idle connection" when its reader sees the
// close before the request is written (seen in make test: the login step of
// a gateway that hangs up on a device without a certificate came out
// "unknown"). It is the same refusal as an EOF.
func TestClosedBeforeRequestIsARefusal(t *testing.T) {
	err := fmt.Errorf("Get %q: %w", "https://127.0.0.1:36331/", errors.New("http: server closed idle connection"))
	for _, offered := range []bool{false, true} {
		p := &loginProbe{asked: true}
		if offered {
			p.offered = &tls.Certificate{}
		}
		li := &LoginInfo{}
		if !p.refusedConnection(li, err) {
			t.Fatalf("offered %v: not read as a refusal", offered)
		}
		want := LoginCertRequired
		if offered {
			want = LoginCertRefused
		}
		if li.Verdict != want || li.Answer != "the gateway closed the connection right after the TLS handshake" {
			t.Errorf("offered %v: verdict %s, answer %q", offered, li.Verdict, li.Answer)
		}
	}
	// Not asked for a certificate: a closed connection settles nothing.
	if (&loginProbe{}).refusedConnection(&LoginInfo{}, err) {
		t.Error("a close without a certificate request read as a refusal")
	}
}
