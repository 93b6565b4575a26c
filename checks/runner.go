package checks

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net"
	"strconv"
	"sync"
	"time"

	"github.com/vpndoctor/vpndoctor/checks/pathbuild"
)

// DefaultTimeout bounds a whole diagnosis.
const DefaultTimeout = 10 * time.Second

// run holds one diagnosis in progress.
type run struct {
	target  Target
	opts    Options
	eventMu sync.Mutex
	timeMu  sync.Mutex
	timings map[string]int64
	// finished is set when Run returns: a time server that answers late
	// must neither send events nor touch the report handed out.
	finished bool
	// given is the device identity the user gave, kept for judging even
	// when it cannot be offered (no key).
	given *tls.Certificate
	// The fetch policy of this diagnosis (issue 16), made on first use.
	policyOnce sync.Once
	fetchPol   *fetchPolicy
	// addrs, when set, are the only addresses this run connects to (an
	// endpoint the gateway named, checked against the fetch policy).
	addrs []string
}

func newFinding(id ID, sev Severity, title, detail string, cert int) Finding {
	return Finding{ID: id, Severity: sev, Title: title, Detail: detail, Evidence: map[string]string{}, Cert: cert}
}

func (r *run) addTiming(name string, d time.Duration) {
	r.timeMu.Lock()
	r.timings[name] = d.Milliseconds()
	r.timeMu.Unlock()
}

func (r *run) emit(step Step, state StepState, elapsed time.Duration, note string) {
	if r.opts.OnEvent == nil {
		return
	}
	r.eventMu.Lock()
	defer r.eventMu.Unlock()
	if r.finished {
		return
	}
	r.opts.OnEvent(Event{Step: step, State: state, Elapsed: elapsed, Note: note})
}

// stepTimer starts a step and returns the function that ends it.
func (r *run) start(step Step) func(ok bool, note string) {
	t0 := time.Now()
	r.emit(step, StepRunning, 0, "")
	return func(ok bool, note string) {
		d := time.Since(t0)
		r.addTiming(string(step), d)
		state := StepPassed
		if !ok {
			state = StepProblem
		}
		r.emit(step, state, d, note)
	}
}

func (r *run) skip(steps ...Step) {
	for _, s := range steps {
		r.emit(s, StepSkipped, 0, "")
	}
}

func withDefaults(o Options) Options {
	if o.Timeout <= 0 {
		o.Timeout = DefaultTimeout
	}
	if o.Resolver == nil {
		o.Resolver = net.DefaultResolver
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.HTTPClient == nil {
		o.HTTPClient = defaultHTTPClient()
	}
	if o.Permissive == nil {
		o.Permissive = installedPermissive
	}
	return o
}

// Run diagnoses one gateway. It always returns a report, within
// opts.Timeout (plus a few milliseconds to write it up); a cancelled ctx ends
// it early with what was learned so far.
func Run(ctx context.Context, target Target, opts Options) *Report {
	opts = withDefaults(opts)
	ctx, cancel := context.WithTimeout(ctx, opts.Timeout)
	defer cancel()
	r := &run{target: target, opts: opts, timings: map[string]int64{}}
	r.given, r.opts.ClientCert = splitClientCert(opts.ClientCert) // Issue 13: judge it even when it cannot be offered
	started := opts.Now()
	t0 := time.Now()
	rep := &Report{
		SchemaVersion: SchemaVersion,
		Tool:          ToolInfo{Name: "vpndoctor", Version: Version},
		Target:        target,
		StartedAt:     started.UTC(),
		Chain:         []ChainCert{},
	}
	sh := r.startShared(ctx)
	endpoints := r.startEndpoints(ctx, sh) // issue 14: the login's other endpoints and the product
	findings := r.diagnose(ctx, rep, sh)
	for i := range findings {
		if findings[i].Evidence[EvHost] == "" { // a node's findings may carry it already
			findings[i].Evidence[EvHost] = target.Host
			findings[i].Evidence[EvPort] = strconv.Itoa(target.Port)
		}
	}
	judgeByClient(rep, findings, opts.Client) // Issue 12: the chosen VPN client's verdict
	// Issue 14: the other endpoints, each already judged by the client in
	// its own situation, and the product.
	findings = endpoints(rep, findings)
	rep.RefusedFetches = r.policy().Refused() // the endpoints' refusals too
	rep.Primary = choosePrimary(findings)
	if rep.Primary == OK {
		f := newFinding(OK, Pass, "nothing stops a VPN client from trusting this gateway", "", -1)
		f.Evidence[EvHost] = target.Host
		f.Evidence[EvPort] = strconv.Itoa(target.Port)
		findings = append([]Finding{f}, findings...)
	}
	rep.Findings = findings
	rep.Summary = summarise(rep)
	rep.DurationMS = time.Since(t0).Milliseconds()
	r.eventMu.Lock()
	r.finished = true
	r.eventMu.Unlock()
	r.timeMu.Lock()
	rep.Timings = make(map[string]int64, len(r.timings)+1)
	for k, v := range r.timings {
		rep.Timings[k] = v
	}
	r.timeMu.Unlock()
	rep.Timings["total"] = rep.DurationMS
	return rep
}

func summarise(rep *Report) string {
	for _, f := range rep.Findings {
		if f.ID == rep.Primary {
			return fmt.Sprintf("%s:%s: %s%s", f.Evidence[EvHost], f.Evidence[EvPort], nodePrefix(f), f.Title)
		}
	}
	return ""
}

// diagnose checks one host: every address it resolves to (nodes.go).
func (r *run) diagnose(ctx context.Context, rep *Report, sh *shared) []Finding {
	var findings []Finding
	waitClock := func() ClockInfo { rep.Clock = sh.clock(); return rep.Clock }
	finishEarly := func(f *Finding, skipped ...Step) []Finding {
		r.skip(skipped...)
		waitClock()
		return append(findings, *f)
	}

	end := r.start(StepDNS)
	addrs, f := r.resolve(ctx)
	rep.Addresses = addrs
	if f != nil {
		sh.reachedGateway(r, nil)
		end(false, f.Detail)
		return finishEarly(f, StepConnect, StepTLS, StepChain, StepTrust, StepRevocation)
	}
	end(true, fmt.Sprint(addrs))
	if len(addrs) > 1 {
		return r.diagnoseNodes(ctx, rep, sh, addrs)
	}
	return r.diagnoseNode(ctx, rep, sh, addrs)
}

// diagnoseNode checks the gateway at addrs (the first that answers):
// connection, TLS, chain, trust and revocation.
func (r *run) diagnoseNode(ctx context.Context, rep *Report, sh *shared, addrs []string) []Finding {
	var findings []Finding
	waitClock := func() ClockInfo { rep.Clock = sh.clock(); return rep.Clock }
	finishEarly := func(f *Finding, skipped ...Step) []Finding {
		r.skip(skipped...)
		waitClock()
		return append(findings, *f)
	}
	defer sh.reachedGateway(r, addrs) // also when no handshake happened

	end := r.start(StepConnect)
	conn, f := r.connect(ctx, addrs)
	if f != nil {
		end(false, f.Detail)
		return finishEarly(f, StepTLS, StepChain, StepTrust, StepRevocation)
	}
	gateway := conn.RemoteAddr().String()
	end(true, gateway)
	r.setGateway(conn)

	end = r.start(StepTLS)
	hs, tf := r.tlsStep(ctx, conn, addrs)
	sh.reachedGateway(r, addrs)
	rep.TLS = tlsInfo(hs)
	if len(hs.peer) == 0 {
		hs.closeOpen()
		end(false, rep.TLS.HandshakeError)
		if tf == nil {
			g := newFinding(NotTLS, Fail, "the server sent no certificate", rep.TLS.HandshakeError, -1)
			g.Evidence[EvProtocol] = "TLS"
			tf = &g
		}
		return finishEarly(tf, StepChain, StepTrust, StepRevocation)
	}
	// Issue 13: the first login step runs beside the chain checks; the
	// device-certificate findings are made when it has answered.
	login := r.startLogin(ctx, addrs, hs)
	login = watchLogin(login, sh) // issue 14: its sign-in address is checked too, as soon as known
	if tf != nil && !isClientCertTLS(tf, hs) {
		findings = append(findings, *tf)
	}
	findings = append(findings, hs.notes...)
	end((tf == nil || isClientCertTLS(tf, hs)) && !hasFail(hs.notes), rep.TLS.Version)

	cctx, cancel := r.clockCutoff(ctx)
	rep.Clock = sh.clockBy(cctx)
	clock := r.settleClock(cctx, rep.Clock, gateway, hs)
	cancel()
	rep.Clock = clock
	lt := sh.trust()
	rep.Trust = lt.info
	devices := r.startDevices(ctx, hs, lt.pool, clock) // issue 13: judged beside the chain, revocation included

	end = r.start(StepChain)
	waitOS := r.askOS(ctx, hs.peer) // beside the path building, bounded by ctx
	v := judgeChain(ctx, hs.peer, lt.pool, r.target.Host, clock, r.fetchIssuers)
	p := v.best
	rep.Chain = describeChain(p.links)
	rep.CandidatePaths = v.infos
	certFindings := blameClock(v.cert, p.links, clock)
	end(!hasFail(certFindings), "")

	end = r.start(StepTrust)
	trustFindings := v.trust
	intercepted := checkInterception(p.links)
	trustFindings = append(trustFindings, intercepted...)
	trustFindings = append(trustFindings, checkExpected(p.links, r.opts.Expected, len(intercepted) > 0)...)
	trustFindings = append(trustFindings, checkSentOrder(hs.peer, p.links)...)
	if !hasFail(trustFindings) && !hasFail(certFindings) {
		trustFindings = append(trustFindings, crossCheck(v, hs.peer, r.target.Host, clock)...)
	}
	rep.OSVerifier = waitOS()
	rep.Trust.OSVerdict = rep.OSVerifier.String()
	if rep.OSVerifier.Answered() && !rep.OSVerifier.Trusted && !hasFail(trustFindings) && !hasFail(certFindings) {
		// The platform verifier refused and no specific check explains it:
		// keep its words for IT rather than guess.
		g := newFinding(Unclassified, Fail, "this computer's own certificate check refuses the gateway",
			"the operating system said: "+rep.Trust.OSVerdict, 0)
		g.Evidence[EvError] = rep.Trust.OSVerdict
		g.Evidence[EvVerifier] = "os"
		trustFindings = append(trustFindings, g)
	}
	rep.Trust.Verdict = "trusted"
	if p.end != endTrusted || p.distrusted != nil {
		rep.Trust.Verdict = "untrusted"
	} else {
		rep.Trust.AnchorFrom = p.links[len(p.links)-1].origin
	}
	end(!hasFail(trustFindings), rep.Trust.Verdict)

	end = r.start(StepRevocation)
	truth := clock.Local
	if clock.Known {
		truth = clock.True
	}
	revFindings := r.checkRevocation(ctx, p.links, hs.state.OCSPResponse, truth)
	end(!hasFail(revFindings) && len(revFindings) == 0, "")

	findings = append(findings, certFindings...)
	findings = append(findings, trustFindings...)
	findings = append(findings, revFindings...)
	findings = r.judgeLogin(ctx, findings, p, lt.pool, truth, conn.RemoteAddr()) // issue 14
	findings = append(findings, r.deviceFindings(rep, <-login, hs, tf, devices)...)
	return append(findings, r.ntpFinding(clock)...)
}

func hasFail(fs []Finding) bool {
	for _, f := range fs {
		if f.Severity == Fail {
			return true
		}
	}
	return false
}

// loadTrust reads the trust store afresh and adds --ca-file roots.
func (r *run) loadTrust(ctx context.Context) (*trustPool, TrustInfo) {
	defer func(t0 time.Time) { r.addTiming("trust_load", time.Since(t0)) }(time.Now())
	pool := &trustPool{}
	info := TrustInfo{Verdict: "not checked"}
	if r.opts.Trust != nil {
		snap, err := underDeadline(ctx, "reading the trust store", r.opts.Trust.Load)
		if err != nil {
			info.Error = err.Error()
		}
		if snap != nil {
			info.Store = snap.Name
			for _, sc := range snap.Roots {
				switch {
				case sc.Cert != nil:
					pool.roots = append(pool.roots, sc)
				case !pool.lazy.add(sc):
					info.Error = fmt.Sprintf("a root from %s cannot be read", sc.Origin)
				}
			}
			pool.intermediates = snap.Intermediates
			pool.distrusted = snap.Distrusted
			pool.elsewhere = snap.Elsewhere
		}
	}
	for _, c := range r.opts.ExtraRoots {
		pool.roots = append(pool.roots, StoreCert{Cert: c, Origin: "--ca-file"})
	}
	info.Roots = len(pool.roots) + pool.lazy.n
	return pool, info
}

// crossCheck asks Go's own verifier, which platform verifiers resemble, for
// its verdict on a chain our analysis found sound: over every candidate,
// with every certificate path building gathered as intermediates and the
// anchors it reached as roots. A refusal no specific check explains
// becomes an "unclassified" finding carrying the raw error.
func crossCheck(v chainVerdict, sent []*x509.Certificate, host string, clock ClockInfo) []Finding {
	if v.best.end != endTrusted || pathbuild.Lenient(sent[0]) {
		// Go cannot judge a leaf only zcrypto could read.
		return nil
	}
	roots := x509.NewCertPool()
	inter := x509.NewCertPool()
	for _, c := range v.anchors {
		roots.AddCert(c)
	}
	for _, c := range v.gathered {
		inter.AddCert(c)
	}
	when := clock.Local
	if clock.Known {
		when = clock.True
	}
	_, err := sent[0].Verify(x509.VerifyOptions{Roots: roots, Intermediates: inter, DNSName: host,
		CurrentTime: when, KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}})
	if err == nil {
		return nil
	}
	f := newFinding(Unclassified, Fail, "the certificate chain is refused for a reason not classified", err.Error(), 0)
	f.Evidence[EvError] = err.Error()
	return []Finding{f}
}
