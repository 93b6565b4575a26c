package checks

import (
	"context"
	"sync"

	"github.com/vpndoctor/vpndoctor/internal/crash"
)

// shared holds what every host and every address of one diagnosis judge
// against: the true time and the trust store, each learned once, while the
// network steps run.
type shared struct {
	ctx       context.Context
	fallback  func() ClockInfo
	clockCh   chan ClockInfo
	clockOnce sync.Once
	clockV    ClockInfo
	trustCh   chan loadedTrust
	trustOnce sync.Once
	trustV    loadedTrust
	// late endpoints: hosts learned during the diagnosis (the sign-in
	// address in the gateway's pre-login answer), checked as they come.
	lateFn   func(Endpoint)
	lateWG   sync.WaitGroup
	lateMu   sync.Mutex
	lateRuns []endpointRun
}

type loadedTrust struct {
	pool *trustPool
	info TrustInfo
}

// startShared starts the clock check and the trust store read.
func (r *run) startShared(ctx context.Context) *shared {
	s := &shared{ctx: ctx, clockCh: make(chan ClockInfo, 1), trustCh: make(chan loadedTrust, 1)}
	s.fallback = func() ClockInfo {
		return ClockInfo{Server: r.opts.NTPServer, Local: r.opts.Now(), Error: "the diagnosis ended before the time server answered"}
	}
	go func() {
		defer crash.Guard()
		s.clockCh <- r.checkClock(ctx)
	}()
	go func() {
		defer crash.Guard()
		p, info := r.loadTrust(ctx)
		s.trustCh <- loadedTrust{p, info}
	}()
	return s
}

// clock waits for the time server's answer, or the end of the diagnosis.
func (s *shared) clock() ClockInfo {
	s.clockOnce.Do(func() {
		select {
		case c := <-s.clockCh:
			s.clockV = c
		case <-s.ctx.Done():
			s.clockV = s.fallback()
		}
	})
	return s.clockV
}

func (s *shared) trust() loadedTrust {
	s.trustOnce.Do(func() { s.trustV = <-s.trustCh })
	return s.trustV
}

// quiet is a run for another host or address of the same diagnosis: it
// sends no step events (the checklist follows the gateway itself) and
// keeps its own timings.
func (r *run) quiet(t Target) *run {
	o := r.opts
	o.OnEvent = nil
	return &run{target: t, opts: o, timings: map[string]int64{}}
}

// addEndpoint checks one more endpoint of the login, learned during the
// diagnosis (say the SAML address a pre-login answer names), concurrently;
// its line joins the report. It must be called before the gateway's own
// diagnosis returns.
func (s *shared) addEndpoint(e Endpoint) {
	if s.lateFn != nil {
		s.lateFn(e)
	}
}
