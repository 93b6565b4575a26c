package checks

import (
	"context"
	"errors"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/vpndoctor/vpndoctor/internal/crash"
)

// Endpoint is another host the VPN login touches: a backup server of an
// AnyConnect profile, a gateway a GlobalProtect portal lists, the identity
// provider's sign-in page.
type Endpoint struct {
	Role    string // EndpointPortal, EndpointGateway, EndpointBackup, EndpointIdP
	Address string // host, host:port or URL, as the profile or the portal gives it
	Source  string // where it was found: a profile file, the pre-login answer
	// For is the gateway host whose login this endpoint belongs to (a
	// profile lists several); empty means any target's.
	For string
	// named: the gateway's own answer named it (the sign-in page), not the
	// user or the VPN client's profile: it is reached only where the fetch
	// policy lets the diagnosis go (gateNamed).
	named bool
}

// Endpoint roles.
const (
	EndpointMain    = "main"    // the address the user checks
	EndpointPortal  = "portal"  // a GlobalProtect portal
	EndpointGateway = "gateway" // a gateway listed by a portal or a profile
	EndpointBackup  = "backup"  // an AnyConnect backup server
	EndpointIdP     = "identity_provider"
)

// LoginOptions are issue 14's options: everything the login touches
// beyond the one address checked.
type LoginOptions struct {
	// Endpoints are checked beside the target, concurrently.
	Endpoints []Endpoint
	// FindEndpoints, when set, is called at the start, concurrently with
	// the diagnosis (reading VPN client profiles takes a while), for more.
	FindEndpoints func() []Endpoint
	// Pins are certificate fingerprints VPN clients saved for gateways.
	Pins []Pin
	// PublicRoots is the current public root set a chain is compared with
	// when this computer does not trust it; nil means the set Go ships in
	// golang.org/x/crypto/x509roots/fallback.
	PublicRoots func() []StoreCert
	// IdentifyProduct asks the gateway's public login page which product
	// it is (one extra HTTPS request, concurrent with the diagnosis).
	IdentifyProduct bool
	// PlainHTTPPort is where the captive-portal probe asks (80 when 0).
	PlainHTTPPort int
}

// EndpointResult is one line of the login's endpoints in the report.
type EndpointResult struct {
	Role       string   `json:"role"`
	Host       string   `json:"host"`
	Port       int      `json:"port"`
	Source     string   `json:"source,omitempty"`
	Addresses  []string `json:"addresses,omitempty"`
	LeafSHA256 string   `json:"leaf_sha256,omitempty"`
	Primary    ID       `json:"primary"`
	Summary    string   `json:"summary,omitempty"`
}

type endpointRun struct {
	ep       Endpoint
	target   Target
	rep      Report
	findings []Finding
}

// productGrace is how long a report with a problem waits for the product
// probe once the diagnosis itself is done (the probe usually ends first: it
// starts with the diagnosis). A healthy report does not wait at all.
const productGrace = time.Second

// startEndpoints starts checking the login's other endpoints and asking which
// product the gateway is, and returns the function that merges them into
// the gateway's report once its own diagnosis is done.
func (r *run) startEndpoints(ctx context.Context, sh *shared) func(*Report, []Finding) []Finding {
	var runs []endpointRun
	set := &endpointSet{seen: map[string]bool{strings.ToLower(r.target.HostPort()): true}}
	done := make(chan struct{})
	go func() {
		defer crash.Guard()
		defer close(done)
		eps := r.opts.Endpoints
		if r.opts.FindEndpoints != nil {
			eps = append(append([]Endpoint(nil), eps...), r.opts.FindEndpoints()...)
		}
		runs = r.checkEndpoints(ctx, sh, set.fresh(r, eps))
	}()
	sh.lateFn = func(e Endpoint) {
		ts := set.fresh(r, []Endpoint{e})
		if len(ts) == 0 {
			return
		}
		sh.lateWG.Add(1)
		go func() {
			defer crash.Guard()
			defer sh.lateWG.Done()
			got := r.checkEndpoints(ctx, sh, r.gateNamed(ctx, ts))
			sh.lateMu.Lock()
			sh.lateRuns = append(sh.lateRuns, got...)
			sh.lateMu.Unlock()
		}()
	}
	var product chan *ProductInfo
	if r.opts.IdentifyProduct {
		product = make(chan *ProductInfo, 1)
		go func() {
			defer crash.Guard()
			product <- r.identifyProduct(ctx, sh)
		}()
	}
	return func(rep *Report, findings []Finding) []Finding {
		<-done
		sh.lateWG.Wait()
		sh.lateMu.Lock()
		runs = append(runs, sh.lateRuns...)
		sh.lateMu.Unlock()
		own := len(findings) // the gateway's own findings come first
		if len(runs) > 0 {
			findings = mergeEndpoints(rep, findings, runs)
		}
		if product != nil {
			grace := productGrace
			if primaryOf(findings) == OK {
				// The product only picks IT's fix steps: a healthy
				// login's report does not wait for it.
				grace = 0
			}
			select {
			case rep.Product = <-product:
			case <-time.After(grace):
			case <-ctx.Done():
			}
		}
		if rep.Product == nil {
			rep.Product = productFromLogin(rep.Login)
		}
		if rep.Product != nil {
			for i := range findings[:own] {
				findings[i].Evidence[EvGatewayProduct] = rep.Product.ID
			}
		}
		return findings
	}
}

type endpointTarget struct {
	ep     Endpoint
	target Target
	addrs  []string // set by gateNamed: the only addresses to connect to
}

// gateNamed applies the fetch policy to the endpoints the gateway's answer
// named: a hostile or misconfigured gateway must not make vpndoctor open
// connections to this computer (loopback), its link-local neighbours or,
// from a public gateway, the private network. Such an endpoint is checked
// only at the addresses the policy allows, resolved once here (a second
// lookup could answer otherwise); one with none allowed is not checked,
// and the refusal is in the report's refused fetches. A name that does not
// resolve is left to the endpoint's own check, which reports it.
func (r *run) gateNamed(ctx context.Context, ts []endpointTarget) []endpointTarget {
	out := ts[:0:0]
	for _, t := range ts {
		if !t.ep.named {
			out = append(out, t)
			continue
		}
		ips, err := r.policy().resolveAllowed(ctx, t.ep.Address, t.target.Host)
		var refused *FetchRefusedError
		switch {
		case errors.As(err, &refused):
			_ = r.refuse(err)
			continue
		case err == nil:
			for _, ip := range ips {
				t.addrs = append(t.addrs, ip.String())
			}
		}
		out = append(out, t)
	}
	return out
}

// endpointSet remembers the endpoints already taken, the target first.
type endpointSet struct {
	mu   sync.Mutex
	seen map[string]bool
}

// fresh parses the endpoints that belong to this target's login, dropping
// the target itself, those already taken and addresses that cannot be a
// server.
func (s *endpointSet) fresh(r *run, eps []Endpoint) []endpointTarget {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []endpointTarget
	for _, e := range eps {
		if e.For != "" && !sameHost(e.For, r.target.Host) {
			continue
		}
		t, err := ParseTarget(e.Address)
		key := strings.ToLower(t.HostPort())
		if err != nil || s.seen[key] {
			continue
		}
		s.seen[key] = true
		out = append(out, endpointTarget{ep: e, target: t})
	}
	return out
}

// skipFromEndpoints are findings about this computer, not about the
// endpoint: the gateway's own findings already carry them.
var skipFromEndpoints = map[ID]bool{ClockSkew: true, NTPUnavailable: true}

// mergeEndpoints adds one line per endpoint and the endpoints' problems.
// The gateway the user named is explained first: another endpoint's
// failure becomes the primary cause only when the gateway itself is fine.
func mergeEndpoints(rep *Report, findings []Finding, runs []endpointRun) []Finding {
	mainPrimary := primaryOf(findings)
	rep.Endpoints = append(rep.Endpoints, EndpointResult{Role: EndpointMain, Host: rep.Target.Host, Port: rep.Target.Port,
		Addresses: rep.Addresses, LeafSHA256: leafOf(*rep), Primary: mainPrimary, Summary: titleOf(findings, mainPrimary)})
	for _, er := range runs {
		p := primaryOf(er.findings)
		rep.Endpoints = append(rep.Endpoints, EndpointResult{Role: er.ep.Role, Host: er.target.Host, Port: er.target.Port,
			Source: er.ep.Source, Addresses: er.rep.Addresses, LeafSHA256: leafOf(er.rep), Primary: p, Summary: titleOf(er.findings, p)})
		for _, f := range er.findings {
			if (f.Severity != Fail && f.Severity != Warn) || skipFromEndpoints[f.ID] {
				continue
			}
			f.Evidence[EvHost] = er.target.Host
			f.Evidence[EvPort] = strconv.Itoa(er.target.Port)
			f.Evidence[EvEndpoint] = er.ep.Role
			f.Cert = -1 // the report's chain is the gateway's
			// Another endpoint that cannot be reached here is a warning: the
			// client has other servers, and a sign-in page may only resolve
			// where the user's browser is. What it sends is judged in full.
			if f.Severity == Fail && (mainPrimary != OK || connectionOnly[f.ID] || f.ID == DNSFailure) {
				f.Severity = Warn
			}
			findings = append(findings, f)
		}
	}
	return findings
}

func titleOf(fs []Finding, id ID) string {
	if id == OK {
		return ""
	}
	for _, f := range fs {
		if f.ID == id && f.Severity == Fail {
			return nodePrefix(f) + f.Title
		}
	}
	return ""
}

// judgeLogin adds what the login's clients would meet beyond the chain
// itself: an out-of-date trust store, a stale saved fingerprint, a Wi-Fi
// sign-in page in the gateway's place.
func (r *run) judgeLogin(ctx context.Context, fs []Finding, p path, pool *trustPool, now time.Time, remote net.Addr) []Finding {
	fs = r.judgeOutdated(p, pool, fs, now)
	fs = append(fs, checkPins(p.links[0].cert, r.target, r.opts.Pins, p.end == endTrusted && !hasFail(fs))...)
	if host, _, err := net.SplitHostPort(remote.String()); err == nil {
		fs = append(fs, r.judgeCaptive(ctx, host, fs)...)
	}
	return fs
}

// sameHost compares a host as a profile writes it (maybe a URL, a port or
// Unicode) with a target's host.
func sameHost(written, host string) bool {
	t, err := ParseTarget(written)
	return err == nil && strings.EqualFold(t.Host, host)
}

// checkEndpoints diagnoses each endpoint, a few at a time, with the clock
// and trust store of the whole diagnosis.
func (r *run) checkEndpoints(ctx context.Context, sh *shared, eps []endpointTarget) []endpointRun {
	runs := make([]endpointRun, len(eps))
	var wg sync.WaitGroup
	sem := make(chan struct{}, maxAtOnce)
	for i, e := range eps {
		wg.Add(1)
		go func() {
			defer crash.Guard()
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			sub := r.quiet(e.target)
			sub.addrs = e.addrs
			rep := Report{Target: e.target, Chain: []ChainCert{}}
			fs := sub.diagnose(ctx, &rep, sh)
			judgeByClient(&rep, fs, r.opts.Client) // by what the endpoint itself sent
			runs[i] = endpointRun{ep: e.ep, target: e.target, rep: rep, findings: fs}
		}()
	}
	wg.Wait()
	return runs
}

// watchLogin passes the login probe's answer on, and adds the single
// sign-on address it names to the login's endpoints as soon as it is known,
// so the identity provider is checked while the gateway's checks finish.
func watchLogin(in <-chan *LoginInfo, sh *shared) <-chan *LoginInfo {
	out := make(chan *LoginInfo, 1)
	go func() {
		defer crash.Guard()
		li := <-in
		if li != nil && li.SSOURL != "" {
			sh.addEndpoint(Endpoint{Role: EndpointIdP, Address: li.SSOURL, Source: "the gateway's pre-login answer", named: true})
		}
		out <- li
	}()
	return out
}

// productFromLogin names the product from the login probe's answer when
// the login page did not: GlobalProtect's prelogin and FortiGate's login
// are unambiguous; the AnyConnect protocol is spoken by ASA/FTD and ocserv
// alike, so only its Server header can tell.
func productFromLogin(li *LoginInfo) *ProductInfo {
	if li == nil {
		return nil
	}
	switch li.Product {
	case "globalprotect":
		return &ProductInfo{ID: "paloalto", Name: "Palo Alto Networks GlobalProtect", Clue: "pre-login answer"}
	case "fortigate":
		return &ProductInfo{ID: "fortigate", Name: "Fortinet FortiGate", Clue: "SSL-VPN login answer"}
	}
	if li.Server != "" {
		return ClassifyProduct(http.Header{"Server": {li.Server}}, "")
	}
	return nil
}
