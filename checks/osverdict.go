package checks

import (
	"context"
	"crypto/x509"
	"time"

	"github.com/vpndoctor/vpndoctor/internal/crash"
)

// OSVerdict is the operating system's own verifier's answer about the chain
// a gateway sent: Windows CryptoAPI with the SSL policy, macOS SecTrust.
// Those verifiers may fetch what the engine's reading of the store lacks (a
// root from Windows Update, an intermediate from AIA), and they are what
// most VPN clients on those systems follow.
type OSVerdict struct {
	// Verifier names it for people ("Windows CryptoAPI (SSL policy)").
	Verifier string `json:"verifier"`
	Trusted  bool   `json:"trusted"`
	// Reason is the refusal in the OS's own terms (a code and its name),
	// kept raw: platform verifiers map many causes to one code.
	Reason string `json:"reason,omitempty"`
	// Error is why the OS could not be asked; Trusted and Reason then
	// mean nothing.
	Error string `json:"error,omitempty"`
}

// Answered says whether the OS gave a verdict.
func (v *OSVerdict) Answered() bool { return v != nil && v.Error == "" }

// String is the verdict as TrustInfo.OSVerdict has always shown it.
func (v *OSVerdict) String() string {
	switch {
	case v == nil:
		return ""
	case v.Error != "":
		return "not available: " + v.Error
	case v.Trusted:
		return "trusted"
	}
	return v.Reason
}

// askOS starts the OS verifier on the chain the gateway sent, beside the
// engine's own path building; the returned function waits for its answer,
// at most until ctx ends. It returns nil when there is no OS verifier.
func (r *run) askOS(ctx context.Context, sent []*x509.Certificate) func() *OSVerdict {
	if r.opts.OSVerdict == nil || len(sent) == 0 {
		return func() *OSVerdict { return nil }
	}
	ch := make(chan *OSVerdict, 1)
	go func(t0 time.Time) {
		defer crash.Guard()
		v, err := r.opts.OSVerdict(ctx, sent, r.target.Host)
		if err != nil {
			v = OSVerdict{Verifier: v.Verifier, Error: err.Error()}
		}
		r.addTiming("os_verifier", time.Since(t0))
		ch <- &v
	}(time.Now())
	return func() *OSVerdict {
		select {
		case v := <-ch:
			return v
		case <-ctx.Done():
			return &OSVerdict{Error: "the diagnosis ended before the operating system answered"}
		}
	}
}
