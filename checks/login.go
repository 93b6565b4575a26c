package checks

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/vpndoctor/vpndoctor/internal/crash"
)

// LoginInfo is what the gateway's first login step said when asked without
// credentials, the way each VPN client starts: the AnyConnect/OpenConnect
// config-auth init, GlobalProtect's prelogin, FortiGate's SSL-VPN login page
// and a plain GET for web-style gateways. Other checks read it (the SSO
// address, the product), so it stays a plain exported struct.
type LoginInfo struct {
	// Verdict is one of the Login* constants.
	Verdict string `json:"verdict"`
	// Product is what the endpoint answered like: "anyconnect" (Cisco ASA/FTD,
	// ocserv), "globalprotect", "fortigate", "web" or "" when unknown.
	Product string `json:"product,omitempty"`
	// Server is the Server header or the version the gateway gave, if any.
	Server string `json:"server,omitempty"`
	// Methods are the ways to log in the gateway offered: "certificate",
	// "password", "saml".
	Methods []string `json:"methods,omitempty"`
	// Groups is the connection-profile (tunnel group) list, when offered.
	Groups []string `json:"groups,omitempty"`
	// SSOURL is the single-sign-on (SAML) address the gateway sends users to.
	SSOURL string `json:"sso_url,omitempty"`
	// CertRequested: the gateway asked for a device certificate, in the TLS
	// handshake or in the login exchange (<client-cert-request/>).
	CertRequested bool `json:"client_cert_requested"`
	// CertOffered: this diagnosis offered a device certificate.
	CertOffered bool `json:"client_cert_offered"`
	// Answer is the gateway's own words for its verdict, e.g.
	// "HTTP 401 No certificate" or "remote error: tls: certificate required".
	Answer string `json:"answer,omitempty"`
	// Requests lists what was asked, in order ("POST / (anyconnect)").
	Requests []string `json:"requests,omitempty"`
	Error    string   `json:"error,omitempty"`

	alert uint8 // the TLS alert the gateway refused with (certificate_revoked...), 0 for none
}

// Login verdicts.
const (
	LoginCertRequired = "certificate_required" // no login without a device certificate
	LoginCertOptional = "certificate_optional" // a certificate is asked for, a password or SSO also works
	LoginCertRefused  = "certificate_refused"  // the certificate offered was refused
	LoginAccepted     = "accepted"             // the device certificate alone completed the login
	LoginPassword     = "password"             // a user name and password form
	LoginSAML         = "saml"                 // a single-sign-on redirect
	LoginUnknown      = "unknown"              // no answer we could read
)

// Login methods.
const (
	MethodCertificate = "certificate"
	MethodPassword    = "password"
	MethodSAML        = "saml"
)

const (
	// loginBudget bounds the whole login probe, inside the diagnosis deadline.
	loginBudget = 4 * time.Second
	// maxLoginBody caps what is read of any answer: login pages are small.
	maxLoginBody = 64 << 10
)

// loginProbe is one probe in progress: the HTTP client over our own TLS
// connections, and what those handshakes saw.
type loginProbe struct {
	r       *run
	addrs   []string
	offered *tls.Certificate
	client  *http.Client
	base    string
	path    string

	mu sync.Mutex
	// reuse is the diagnosis's own connection, for the first request.
	reuse  *tls.Conn
	asked  bool
	hsErr  error
	closed bool // a connection ended right after the handshake
	// keptAlive: the last answer left its connection open for another
	// request (HTTP/1.1 keep-alive).
	keptAlive bool
}

// startLogin runs the login probe in the background; the caller reads the
// channel when it needs the answer.
func (r *run) startLogin(ctx context.Context, addrs []string, hs handshakeResult) <-chan *LoginInfo {
	ch := make(chan *LoginInfo, 1)
	go func() {
		defer crash.Guard()
		t0 := time.Now()
		li := r.probeLogin(ctx, addrs, hs)
		r.addTiming("login", time.Since(t0))
		ch <- li
	}()
	return ch
}

func (r *run) probeLogin(ctx context.Context, addrs []string, hs handshakeResult) *LoginInfo {
	ctx, cancel := context.WithTimeout(ctx, loginBudget)
	defer cancel()
	p := &loginProbe{r: r, addrs: addrs, offered: r.usableClientCert(), path: r.loginPath(), reuse: hs.open}
	defer p.dropReuse()
	host := r.target.Host
	if strings.Contains(host, ":") {
		host = "[" + host + "]"
	}
	p.base = "https://" + host + ":" + strconv.Itoa(r.target.Port)
	p.client = &http.Client{
		Transport: &http.Transport{
			DialTLSContext:         p.dialTLS,
			DisableCompression:     true,
			MaxResponseHeaderBytes: 32 << 10,
			// An empty map turns HTTP/2 off: VPN login endpoints speak 1.1.
			TLSNextProto: map[string]func(string, *tls.Conn) http.RoundTripper{},
		},
		// Redirects are answers to read (SSO), not to follow.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	defer p.client.CloseIdleConnections()
	base := LoginInfo{Verdict: LoginUnknown, CertRequested: hs.asked, CertOffered: p.offered != nil}
	li := p.runSteps(ctx, base, []func(context.Context, *LoginInfo) bool{p.anyConnect, p.globalProtect, p.fortiGate, p.web})
	p.mu.Lock()
	li.CertRequested = li.CertRequested || p.asked
	p.mu.Unlock()
	if li.Verdict == LoginUnknown && li.Error == "" && ctx.Err() != nil {
		li.Error = "the gateway did not answer the login request in time"
	}
	return li
}

// loginPath is the path the user gave (https://vpn.example.com/group), "/"
// otherwise: AnyConnect posts to it.
func (r *run) loginPath() string {
	u, err := url.Parse(strings.TrimSpace(r.target.Input))
	if err != nil || u.Path == "" || u.Host == "" {
		return "/"
	}
	return u.EscapedPath()
}

// usableClientCert is the device identity to offer: one whose private key
// can sign. Without a key it cannot be offered (the judge says so).
func (r *run) usableClientCert() *tls.Certificate {
	_, offer := splitClientCert(r.opts.ClientCert)
	return offer
}

// dropReuse closes the diagnosis's connection if no request took it.
func (p *loginProbe) dropReuse() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.reuse != nil {
		p.reuse.Close()
		p.reuse = nil
	}
}

// dialTLS opens one connection the way the VPN client does and remembers
// whether the gateway asked for a certificate. The first call takes the
// diagnosis's own connection when it was handed over: the same handshake
// (same name, same device certificate offered, none asked for), so the
// answer is the same, for one handshake less on the critical path.
func (p *loginProbe) dialTLS(ctx context.Context, _, _ string) (net.Conn, error) {
	p.mu.Lock()
	c := p.reuse
	p.reuse = nil
	p.mu.Unlock()
	if c != nil {
		return c, nil
	}
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", net.JoinHostPort(p.addrs[0], strconv.Itoa(p.r.target.Port)))
	if err != nil {
		return nil, err
	}
	cfg := &tls.Config{
		// The engine judges the gateway's chain itself; nothing secret is
		// sent on this connection (no user name, no password).
		InsecureSkipVerify: true,
		MinVersion:         tls.VersionTLS12,
		NextProtos:         []string{"http/1.1"},
		GetClientCertificate: func(*tls.CertificateRequestInfo) (*tls.Certificate, error) {
			p.mu.Lock()
			p.asked = true
			p.mu.Unlock()
			if p.offered != nil {
				return p.offered, nil
			}
			return &tls.Certificate{}, nil
		},
	}
	if net.ParseIP(p.r.target.Host) == nil {
		cfg.ServerName = p.r.target.Host
	}
	tc := tls.Client(conn, cfg)
	if err := tc.HandshakeContext(ctx); err != nil {
		conn.Close()
		p.mu.Lock()
		p.hsErr = err
		p.mu.Unlock()
		return nil, err
	}
	return tc, nil
}

// answer is one HTTP exchange, read within the caps.
type answer struct {
	status int
	reason string
	header http.Header
	body   string
	err    error
}

func (p *loginProbe) do(ctx context.Context, li *LoginInfo, label, method, path, ctype, body string, hdr map[string]string) answer {
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, p.base+path, rd)
	if err != nil {
		return answer{err: err}
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	li.Requests = append(li.Requests, method+" "+path+" ("+label+")")
	rctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	resp, err := p.client.Do(req.WithContext(rctx))
	if err != nil {
		return answer{err: err}
	}
	defer resp.Body.Close()
	p.mu.Lock()
	p.keptAlive = !resp.Close
	p.mu.Unlock()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxLoginBody))
	a := answer{status: resp.StatusCode, header: resp.Header, body: string(data)}
	a.reason = strings.TrimSpace(strings.TrimPrefix(resp.Status, strconv.Itoa(resp.StatusCode)))
	if err != nil && len(data) == 0 {
		a.err = err
	}
	return a
}

// refusedConnection reads a failed request: a TLS alert, a close or a reset
// right after the handshake, after the gateway asked for a certificate, is
// the gateway refusing that certificate or its absence. It reports whether
// it settled the verdict.
func (p *loginProbe) refusedConnection(li *LoginInfo, err error) bool {
	p.mu.Lock()
	asked := p.asked
	p.mu.Unlock()
	li.Error = err.Error()
	if !asked || !(isAlert(err) || isHangup(err) || errors.Is(err, net.ErrClosed)) {
		return false
	}
	li.CertRequested = true
	li.Answer = tlsRefusalWords(err)
	li.alert, _ = remoteAlert(err)
	li.Methods = appendOnce(li.Methods, MethodCertificate)
	if p.offered != nil {
		li.Verdict = LoginCertRefused
	} else {
		li.Verdict = LoginCertRequired
	}
	return true
}

// tlsRefusalWords names how the connection ended.
func tlsRefusalWords(err error) string {
	var ae tls.AlertError
	switch {
	case errors.As(err, &ae):
		return "TLS alert: " + ae.Error()
	case isAlert(err):
		a, _ := remoteAlert(err) // typed (probe_errors.go), not the message
		return "TLS alert " + alertName(a)
	case isHangup(err):
		return "the gateway closed the connection right after the TLS handshake"
	}
	return err.Error()
}

func appendOnce(list []string, s string) []string {
	for _, x := range list {
		if x == s {
			return list
		}
	}
	return append(list, s)
}

// certChainDER is what a device identity's chain looks like to the judge.
func certChainDER(c *tls.Certificate) []*x509.Certificate {
	if c == nil {
		return nil
	}
	var out []*x509.Certificate
	for _, der := range c.Certificate {
		if x, err := x509.ParseCertificate(der); err == nil {
			out = append(out, x)
		}
	}
	return out
}

func statusWords(a answer) string {
	s := fmt.Sprintf("HTTP %d", a.status)
	if a.reason != "" {
		s += " " + a.reason
	}
	return s
}

// runSteps asks the first vendor's step (AnyConnect's, which most gateways
// answer) alone, then, when it settles nothing, every other vendor's: one
// after another over the same connection when the gateway keeps it open,
// otherwise at once, each on its own connection, and reads their answers in order: the first
// that settles the verdict wins, and what the steps before it learnt is kept,
// as if they had run one after another. Measured with bench/wan.sh: all four
// at once cost 1.36x the WAN floor on a gateway that answers the first (four
// handshakes through one proxy), the first alone 1.04x; one after another,
// a gateway that answers none cost 2.17x.
func (p *loginProbe) runSteps(ctx context.Context, base LoginInfo, steps []func(context.Context, *LoginInfo) bool) *LoginInfo {
	out := cloneLogin(base)
	if len(steps) == 0 || steps[0](ctx, &out) || ctx.Err() != nil {
		return &out
	}
	rest := steps[1:]
	p.mu.Lock()
	kept := p.keptAlive
	p.mu.Unlock()
	if kept {
		// The gateway keeps the connection open: the other steps go over it
		// one after another, a round trip each and no handshake, which is
		// as fast as new connections at once (TCP, TLS and the request: three
		// round trips) and stops at the first answer that settles.
		for _, step := range rest {
			if step(ctx, &out) || ctx.Err() != nil {
				break
			}
		}
		return &out
	}
	type result struct {
		li      LoginInfo
		settled bool
	}
	results := make([]result, len(rest))
	var wg sync.WaitGroup
	for i, step := range rest {
		results[i].li = cloneLogin(out)
		wg.Add(1)
		go func() {
			defer crash.Guard()
			defer wg.Done()
			results[i].settled = step(ctx, &results[i].li)
		}()
	}
	wg.Wait()
	from := cloneLogin(out)
	for _, res := range results {
		overlayLogin(&out, &from, &res.li)
		if res.settled {
			break
		}
	}
	return &out
}

// cloneLogin copies li with slices of its own, so that steps running at
// once never append into one array.
func cloneLogin(li LoginInfo) LoginInfo {
	li.Methods = slices.Clone(li.Methods)
	li.Groups = slices.Clone(li.Groups)
	li.Requests = slices.Clone(li.Requests)
	return li
}

// overlayLogin applies to out what one step changed from base.
func overlayLogin(out, base, step *LoginInfo) {
	set := func(dst *string, was, now string) {
		if now != was {
			*dst = now
		}
	}
	set(&out.Verdict, base.Verdict, step.Verdict)
	set(&out.Product, base.Product, step.Product)
	if out.Server == "" {
		out.Server = step.Server
	}
	set(&out.SSOURL, base.SSOURL, step.SSOURL)
	set(&out.Answer, base.Answer, step.Answer)
	set(&out.Error, base.Error, step.Error)
	for _, m := range step.Methods {
		out.Methods = appendOnce(out.Methods, m)
	}
	for _, g := range step.Groups {
		out.Groups = appendOnce(out.Groups, g)
	}
	out.CertRequested = out.CertRequested || step.CertRequested
	out.Requests = append(out.Requests, step.Requests[len(base.Requests):]...)
}
