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
	// The gateway's own first handshake: main is the run that signals it,
	// gatewayCh is closed when it has ended (or could not happen), with
	// the addresses the name resolved to. The product's look at the login
	// page waits for it (product.go): on a healthy gateway it would only
	// compete with the critical path for the CPU, and it needs no look-up
	// of its own.
	main         *run
	gatewayOnce  sync.Once
	gatewayCh    chan struct{}
	gatewayAddrs []string
}

// reachedGateway records that the main run's first TLS step has ended
// (addrs nil: the name did not resolve); only the first call counts.
func (s *shared) reachedGateway(r *run, addrs []string) {
	if r != s.main {
		return // another endpoint's run, or another address of the name
	}
	s.gatewayOnce.Do(func() {
		s.gatewayAddrs = addrs
		close(s.gatewayCh)
	})
}

// gatewayAddresses waits for reachedGateway, or the end of the diagnosis.
func (s *shared) gatewayAddresses() ([]string, bool) {
	select {
	case <-s.gatewayCh:
		return s.gatewayAddrs, true
	case <-s.ctx.Done():
		return nil, false
	}
}

type loadedTrust struct {
	pool *trustPool
	info TrustInfo
}

// startShared starts the clock check and the trust store read.
func (r *run) startShared(ctx context.Context) *shared {
	s := &shared{ctx: ctx, clockCh: make(chan ClockInfo, 1), trustCh: make(chan loadedTrust, 1), main: r, gatewayCh: make(chan struct{})}
	s.fallback = func() ClockInfo {
		return ClockInfo{Server: r.opts.NTPServer, Local: r.opts.Now(), Error: "the time server did not answer in time"}
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
func (s *shared) clock() ClockInfo { return s.clockBy(s.ctx) }

// clockBy waits for the time server's answer, or the end of ctx; the first
// caller's wait decides for all.
func (s *shared) clockBy(ctx context.Context) ClockInfo {
	s.clockOnce.Do(func() {
		select {
		case c := <-s.clockCh:
			s.clockV = c
		case <-ctx.Done():
			select {
			case c := <-s.clockCh: // it answered just now
				s.clockV = c
			default:
				s.clockV = s.fallback()
			}
		}
	})
	return s.clockV
}

// clockReserve: the wait for the true time (a time server, then the
// gateway's Date) ends a quarter of the diagnosis' time before its
// deadline. That quarter is kept for judging the chain, trust and
// revocation: a silent time server (UDP blocked, common) held the wait to
// the very deadline, and the path search, left no time, reported a healthy
// gateway as missing its intermediate (TestHostileTimeServer/silence).
const clockReserve = 4

// clockCutoff is the context the wait for the true time runs under.
func (r *run) clockCutoff(ctx context.Context) (context.Context, context.CancelFunc) {
	d, ok := ctx.Deadline()
	if !ok {
		return context.WithCancel(ctx)
	}
	return context.WithDeadline(ctx, d.Add(-r.opts.Timeout/clockReserve))
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
