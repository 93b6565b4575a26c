package checks

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"sync"
)

// FetchRefusedError says why an AIA, OCSP or CRL address was not fetched.
type FetchRefusedError struct {
	URL    string
	Reason string
}

func (e *FetchRefusedError) Error() string {
	return fmt.Sprintf("%s was not fetched: %s", e.URL, e.Reason)
}

// fetchPolicy decides which addresses a certificate may make us fetch. A
// certificate is the server's to write: without a policy, any address in
// it (a cloud metadata service at 169.254.169.254, a router's admin page,
// this computer's own services) would be requested from the user's
// machine. Only what the gateway's own neighbourhood justifies is allowed:
//
//   - public addresses: always;
//   - private ones (RFC 1918, RFC 6598 shared space, IPv6 ULA): only when
//     the gateway itself is on a private address;
//   - loopback, link-local, multicast, unspecified and broadcast: only the
//     very address the gateway is on (practice gateways and tests run there).
//     A second loopback address is another host: a gateway on 127.0.0.2
//     may not make us fetch from 127.0.0.1.
//
// The address checked is the one dialled: names are resolved once, with the
// diagnosis' resolver, and the connection goes to the checked IP, so a name
// that resolves differently the second time (DNS rebinding) gains nothing.
// Redirects go through the same check.
type fetchPolicy struct {
	mu       sync.Mutex
	gateway  netip.Addr
	spent    int64
	refused  []RefusedFetch
	resolver *net.Resolver
	client   *http.Client
	// bigSlot lets one large download (a CRL) run at a time.
	bigSlot chan struct{}
}

// RefusedFetch is an address a certificate named that was not fetched, and why.
type RefusedFetch struct {
	URL    string `json:"url"`
	Reason string `json:"reason"`
}

type fetchTargetKey struct{}

// fetchTarget is what the policy resolved and allowed for one request; the
// dialler connects only to these addresses.
type fetchTarget struct {
	host string
	ips  []netip.Addr
}

func newFetchPolicy(base *http.Client, resolver *net.Resolver) *fetchPolicy {
	p := &fetchPolicy{resolver: resolver, bigSlot: make(chan struct{}, 1)}
	p.client = p.wrap(base)
	return p
}

// policy returns the run's fetch policy, made on first use.
func (r *run) policy() *fetchPolicy {
	r.policyOnce.Do(func() { r.fetchPol = newFetchPolicy(r.opts.HTTPClient, r.opts.Resolver) })
	return r.fetchPol
}

func (p *fetchPolicy) setGateway(ip net.IP) {
	if a, ok := netip.AddrFromSlice(ip); ok {
		p.mu.Lock()
		p.gateway = a.Unmap().WithZone("")
		p.mu.Unlock()
	}
}

func (p *fetchPolicy) record(f RefusedFetch) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, g := range p.refused {
		if g == f {
			return
		}
	}
	p.refused = append(p.refused, f)
}

// Refused lists the refused fetches, in the order they were refused.
func (p *fetchPolicy) Refused() []RefusedFetch {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]RefusedFetch(nil), p.refused...)
}

func (p *fetchPolicy) budgetLeft() int64 {
	p.mu.Lock()
	defer p.mu.Unlock()
	return fetchByteBudget - p.spent
}

func (p *fetchPolicy) spend(n int64) {
	p.mu.Lock()
	p.spent += n
	p.mu.Unlock()
}

// checkURL refuses what no address can make acceptable: another scheme,
// user information, no host.
func (p *fetchPolicy) checkURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return &FetchRefusedError{URL: raw, Reason: "not a valid address"}
	}
	if u.Scheme != "http" {
		return &FetchRefusedError{URL: raw, Reason: "only http addresses are fetched"}
	}
	if u.User != nil {
		return &FetchRefusedError{URL: raw, Reason: "addresses with a user name or password are not fetched"}
	}
	return nil
}

// allowed says whether ip may be fetched from, and if not, why.
func (p *fetchPolicy) allowed(ip netip.Addr) (bool, string) {
	ip = ip.Unmap().WithZone("")
	p.mu.Lock()
	gw := p.gateway
	p.mu.Unlock()
	switch {
	case isSpecial(ip):
		if gw.IsValid() && ip == gw {
			return true, ""
		}
		return false, fmt.Sprintf("%s is a %s address and the gateway is not on it", ip, specialKind(ip))
	case isPrivate(ip):
		if gw.IsValid() && (isPrivate(gw) || ip == gw) {
			return true, ""
		}
		return false, fmt.Sprintf("%s is a private address and the gateway is not on a private network", ip)
	}
	return true, ""
}

func isSpecial(ip netip.Addr) bool {
	return ip.IsLoopback() || ip.IsLinkLocalUnicast() || ip.IsMulticast() || ip.IsUnspecified() ||
		ip.IsInterfaceLocalMulticast() || ip.IsLinkLocalMulticast() ||
		(ip.Is4() && (ip.As4()[0] == 0 || ip == netip.AddrFrom4([4]byte{255, 255, 255, 255})))
}

var sharedSpace = netip.MustParsePrefix("100.64.0.0/10") // RFC 6598, carrier-grade NAT

func isPrivate(ip netip.Addr) bool {
	return ip.IsPrivate() || sharedSpace.Contains(ip)
}

func specialKind(ip netip.Addr) string {
	switch {
	case ip.IsLoopback():
		return "loopback"
	case ip.IsLinkLocalUnicast():
		return "link-local"
	case ip.IsMulticast():
		return "multicast"
	}
	return "reserved"
}

// resolveAllowed resolves host (or reads it as an IP) and keeps the
// addresses the policy allows; none allowed is a refusal.
func (p *fetchPolicy) resolveAllowed(ctx context.Context, rawURL, host string) ([]netip.Addr, error) {
	var ips []netip.Addr
	if a, err := netip.ParseAddr(host); err == nil {
		ips = []netip.Addr{a}
	} else {
		found, err := p.resolver.LookupNetIP(ctx, "ip", host)
		if err != nil {
			return nil, fmt.Errorf("resolve %s: %w", host, err)
		}
		ips = found
	}
	var ok []netip.Addr
	var why string
	for _, ip := range ips {
		if yes, reason := p.allowed(ip); yes {
			ok = append(ok, ip.Unmap())
		} else if why == "" {
			why = reason
		}
	}
	if len(ok) == 0 {
		if why == "" {
			why = "the name has no address"
		}
		return nil, &FetchRefusedError{URL: rawURL, Reason: why}
	}
	return ok, nil
}

// wrap returns a client that fetches like base (its proxy, timeouts and
// dialler) but through the policy: every request, redirects included, is
// checked, and the dialler connects only to the addresses checked.
func (p *fetchPolicy) wrap(base *http.Client) *http.Client {
	if base == nil {
		base = defaultHTTPClient()
	}
	c := *base
	c.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		if len(via) >= maxRedirects {
			return errors.New("too many redirects")
		}
		return p.checkURL(req.URL.String())
	}
	rt := base.Transport
	if rt == nil {
		rt = http.DefaultTransport
	}
	if t, ok := rt.(*http.Transport); ok {
		t = t.Clone()
		inner := t.DialContext
		if inner == nil {
			inner = (&net.Dialer{}).DialContext
		}
		t.DialContext = p.dialer(inner)
		t.DisableKeepAlives = true // nothing outlives the diagnosis
		rt = t
	}
	_, dials := rt.(*http.Transport)
	c.Transport = &policyTransport{p: p, next: rt, resolve: dials}
	return &c
}

// policyTransport checks every request's address before it leaves.
type policyTransport struct {
	p    *fetchPolicy
	next http.RoundTripper
	// resolve is set when the policy's own dialler connects (an
	// *http.Transport): names are resolved and checked here. A caller's
	// other RoundTripper (a test's stub) does its own networking: only the
	// scheme and literal addresses are checked for it.
	resolve bool
}

func (t *policyTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	raw := req.URL.String()
	if err := t.p.checkURL(raw); err != nil {
		return nil, err
	}
	if _, err := netip.ParseAddr(req.URL.Hostname()); err != nil && !t.resolve {
		return t.next.RoundTrip(req)
	}
	ips, err := t.p.resolveAllowed(req.Context(), raw, req.URL.Hostname())
	if err != nil {
		return nil, err
	}
	ctx := context.WithValue(req.Context(), fetchTargetKey{}, &fetchTarget{host: req.URL.Hostname(), ips: ips})
	return t.next.RoundTrip(req.WithContext(ctx))
}

// dialer connects to the addresses the policy checked for this request,
// never to a fresh resolution of the name. A dial to any other host is the
// user's proxy (the transport's Proxy setting), which is theirs to choose.
func (p *fetchPolicy) dialer(inner func(ctx context.Context, network, addr string) (net.Conn, error)) func(ctx context.Context, network, addr string) (net.Conn, error) {
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		host, port, err := net.SplitHostPort(addr)
		if err != nil {
			return nil, err
		}
		ft, _ := ctx.Value(fetchTargetKey{}).(*fetchTarget)
		if ft == nil {
			return nil, &FetchRefusedError{URL: addr, Reason: "the address was not checked"}
		}
		if ft.host != host {
			return inner(ctx, network, addr)
		}
		var lastErr error
		for _, ip := range ft.ips {
			conn, err := inner(ctx, network, net.JoinHostPort(ip.String(), port))
			if err != nil {
				lastErr = err
				continue
			}
			if err := p.checkDialled(conn); err != nil {
				conn.Close()
				return nil, err
			}
			return conn, nil
		}
		return nil, lastErr
	}
}

// checkDialled checks the address the connection really reached, against
// a dialler of the caller's that does its own resolving.
func (p *fetchPolicy) checkDialled(c net.Conn) error {
	a, ok := c.RemoteAddr().(*net.TCPAddr)
	if !ok {
		return nil
	}
	ip, ok := netip.AddrFromSlice(a.IP)
	if !ok {
		return nil
	}
	if yes, why := p.allowed(ip); !yes {
		return &FetchRefusedError{URL: c.RemoteAddr().String(), Reason: why}
	}
	return nil
}
