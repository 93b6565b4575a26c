package checks_test

import (
	"context"
	"crypto/x509"
	"strings"
	"testing"
	"time"

	"github.com/vpndoctor/vpndoctor/checks"
)

// stalledStore is a trust store on a share that never answers: Load
// ignores its context and blocks until the test ends.
type stalledStore struct{ release chan struct{} }

func (s stalledStore) Load(context.Context) (*checks.TrustSnapshot, error) {
	<-s.release
	return nil, nil
}

// Whatever the operating system keeps busy, --timeout bounds the run
// (plus a second to write the report up).
func TestDeadlineHoldsAgainstStalledSystem(t *testing.T) {
	p := newCkPKI(t, nil)
	gw := p.gateway(t, nil, nil)
	release := make(chan struct{})
	t.Cleanup(func() { close(release) })
	stall := func() {
		<-release
	}
	cases := []struct {
		name string
		set  func(o *checks.Options)
		see  func(rep *checks.Report) string
	}{
		{"trust store", func(o *checks.Options) { o.Trust = stalledStore{release} },
			func(rep *checks.Report) string { return rep.Trust.Error }},
		{"system verifier", func(o *checks.Options) {
			o.OSVerdict = func(context.Context, []*x509.Certificate, string) (string, error) { stall(); return "trusted", nil }
		}, func(rep *checks.Report) string { return rep.Trust.OSVerdict }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			target, _ := checks.ParseTarget(gw)
			opts := checks.Options{Trust: checks.StaticStore{Name: "test", Roots: []*x509.Certificate{p.root}},
				Now: func() time.Time { return currentTime }, Timeout: time.Second}
			tc.set(&opts)
			start := time.Now()
			rep := checks.Run(context.Background(), target, opts)
			if d := time.Since(start); d > 2*time.Second {
				t.Errorf("took %v with a 1 s timeout", d)
			}
			if got := tc.see(rep); !strings.Contains(got, "did not finish") {
				t.Errorf("report says %q, want the stall named", got)
			}
		})
	}
}
