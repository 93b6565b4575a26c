package checks

import (
	"context"
	"encoding/base64"
	"html"
	"net/http"
	"strings"

	"github.com/vpndoctor/vpndoctor/internal/lazyre"
)

// The requests below copy what each vendor's client sends first (read from
// openconnect's auth.c, gpst.c and fortinet.c and checked against ocserv with
// --dump-http-traffic): a gateway that sees a familiar client answers the way
// it answers that client.

const anyConnectInit = `<?xml version="1.0" encoding="UTF-8"?>
<config-auth client="vpn" type="init" aggregate-auth-version="2"><version who="vpn">v9.01</version><device-id>linux-64</device-id><capabilities><auth-method>single-sign-on-v2</auth-method><auth-method>single-sign-on-external-browser</auth-method></capabilities><group-access>%s</group-access></config-auth>`

// anyConnect posts the config-auth init, as openconnect and Cisco Secure
// Client do before asking the user anything.
func (p *loginProbe) anyConnect(ctx context.Context, li *LoginInfo) bool {
	body := strings.Replace(anyConnectInit, "%s", html.EscapeString(p.base+p.path), 1)
	a := p.do(ctx, li, "anyconnect", http.MethodPost, p.path, "application/xml; charset=utf-8", body, map[string]string{
		"User-Agent":          "Open AnyConnect VPN Agent v9.01",
		"Accept":              "*/*",
		"Accept-Encoding":     "identity",
		"X-Transcend-Version": "1",
		"X-Aggregate-Auth":    "1",
		"X-Support-HTTP-Auth": "true",
	})
	if p.settled(li, a) {
		if a.header.Get("X-Transcend-Version") != "" {
			li.Product = "anyconnect"
		}
		return true
	}
	if !strings.Contains(a.body, "<config-auth") {
		return false
	}
	li.Product = "anyconnect"
	readConfigAuth(li, a.body, p.askedNow(), p.offered != nil)
	return true
}

var (
	reSGVersion = lazyre.New(`<version who="sg">([^<]{1,80})</version>`)
	reSSO       = lazyre.New(`<sso-v2-login>([^<]+)</sso-v2-login>`)
	reGroupList = lazyre.New(`(?s)<select[^>]*name="group_list"[^>]*>(.*?)</select>`)
	reOption    = lazyre.New(`<option[^>]*>([^<]{1,200})</option>`)
	reXMLError  = lazyre.New(`<error[^>]*>([^<]{1,300})</error>`)
	// A login form: a password field, or the user-name field gateways ask
	// for first (ocserv asks the password on the next page).
	rePassword = lazyre.New(`(?i)<input[^>]*(type=["']?password|name=["']?(username|password)["' ])`)
)

// readConfigAuth classifies an AnyConnect config-auth answer.
func readConfigAuth(li *LoginInfo, body string, asked, offered bool) {
	if m := reSGVersion.FindStringSubmatch(body); m != nil && li.Server == "" {
		li.Server = "AnyConnect gateway " + strings.TrimSpace(m[1])
	}
	if m := reGroupList.FindStringSubmatch(body); m != nil {
		for _, o := range reOption.FindAllStringSubmatch(m[1], 50) {
			li.Groups = append(li.Groups, html.UnescapeString(strings.TrimSpace(o[1])))
		}
	}
	if m := reXMLError.FindStringSubmatch(body); m != nil {
		li.Answer = html.UnescapeString(strings.TrimSpace(m[1]))
	}
	switch {
	case strings.Contains(body, "<client-cert-request"):
		// Cisco ASA/FTD ask inside the login exchange; the client then
		// connects again offering its certificate.
		li.CertRequested = true
		li.Methods = appendOnce(li.Methods, MethodCertificate)
		li.Verdict = LoginCertRequired
		if offered && asked {
			li.Verdict = LoginCertRefused
		}
		if li.Answer == "" {
			li.Answer = "<client-cert-request/>"
		}
		return
	case strings.Contains(body, `type="complete"`) || strings.Contains(body, "<session-token>"):
		li.Verdict = LoginAccepted
		if offered {
			li.Methods = appendOnce(li.Methods, MethodCertificate)
		}
		return
	}
	if m := reSSO.FindStringSubmatch(body); m != nil {
		li.SSOURL = html.UnescapeString(strings.TrimSpace(m[1]))
		li.Methods = appendOnce(li.Methods, MethodSAML)
	}
	if rePassword.MatchString(body) {
		li.Methods = appendOnce(li.Methods, MethodPassword)
	}
	li.Verdict = formVerdict(li, asked)
}

// formVerdict: a login form reached without a certificate means any
// certificate asked for in the handshake was optional.
func formVerdict(li *LoginInfo, asked bool) string {
	if asked {
		li.CertRequested = true
		li.Methods = append([]string{MethodCertificate}, li.Methods...)
	}
	switch {
	case asked && (containsFold(li.Methods, MethodPassword) || containsFold(li.Methods, MethodSAML)):
		return LoginCertOptional
	case containsFold(li.Methods, MethodSAML):
		return LoginSAML
	case containsFold(li.Methods, MethodPassword):
		return LoginPassword
	}
	return LoginUnknown
}

var (
	rePreloginStatus = lazyre.New(`<status>([^<]{1,40})</status>`)
	rePreloginMsg    = lazyre.New(`<msg>([^<]{1,300})</msg>`)
	reSAMLMethod     = lazyre.New(`<saml-auth-method>([^<]{1,20})</saml-auth-method>`)
	reSAMLRequest    = lazyre.New(`(?s)<saml-request>([^<]+)</saml-request>`)
	reFormAction     = lazyre.New(`(?i)<form[^>]*action=["']([^"']+)["']`)
)

// globalProtect asks the portal's, then the gateway's, prelogin.
func (p *loginProbe) globalProtect(ctx context.Context, li *LoginInfo) bool {
	for _, path := range []string{"/global-protect/prelogin.esp", "/ssl-vpn/prelogin.esp"} {
		q := "tmp=tmp&clientVer=4100&clientos=Windows"
		a := p.do(ctx, li, "globalprotect", http.MethodPost, path+"?"+q, "application/x-www-form-urlencoded", q,
			map[string]string{"User-Agent": "PAN GlobalProtect"})
		if p.settled(li, a) {
			return true
		}
		if !strings.Contains(a.body, "<prelogin-response") {
			continue
		}
		li.Product = "globalprotect"
		readPrelogin(li, a.body, p.askedNow())
		return true
	}
	return false
}

func readPrelogin(li *LoginInfo, body string, asked bool) {
	if m := rePreloginStatus.FindStringSubmatch(body); m != nil && !strings.EqualFold(m[1], "success") {
		if e := rePreloginMsg.FindStringSubmatch(body); e != nil {
			li.Answer = html.UnescapeString(e[1])
		}
	}
	if m := reSAMLMethod.FindStringSubmatch(body); m != nil {
		li.Methods = appendOnce(li.Methods, MethodSAML)
		if r := reSAMLRequest.FindStringSubmatch(body); r != nil {
			li.SSOURL = samlTarget(strings.ToUpper(strings.TrimSpace(m[1])), strings.TrimSpace(r[1]))
		}
	} else if strings.Contains(body, "<username-label") || strings.Contains(body, "<password-label") || strings.Contains(body, "<status>Success</status>") {
		li.Methods = appendOnce(li.Methods, MethodPassword)
	}
	li.Verdict = formVerdict(li, asked)
}

// samlTarget decodes GlobalProtect's saml-request: a URL for REDIRECT, an
// auto-posting HTML form (whose action is the IdP) for POST.
func samlTarget(method, b64 string) string {
	raw, err := base64.StdEncoding.DecodeString(b64)
	if err != nil {
		return ""
	}
	s := string(raw)
	if method == "POST" {
		if m := reFormAction.FindStringSubmatch(s); m != nil {
			return html.UnescapeString(m[1])
		}
		return ""
	}
	return strings.TrimSpace(s)
}

var reFortiSAML = lazyre.New(`/remote/saml/start[^"' <>]{0,200}`)

// fortiGate asks for the SSL-VPN login page, as FortiClient and
// openconnect --protocol=fortinet do.
func (p *loginProbe) fortiGate(ctx context.Context, li *LoginInfo) bool {
	a := p.do(ctx, li, "fortigate", http.MethodGet, "/remote/login?lang=en", "", "", map[string]string{"User-Agent": "Mozilla/5.0 SV1"})
	if p.settled(li, a) {
		return true
	}
	cookies := strings.Join(a.header.Values("Set-Cookie"), ";")
	if !strings.Contains(a.body, "/remote/logincheck") && !strings.Contains(a.body, "/remote/saml/start") &&
		!strings.Contains(cookies, "SVPNCOOKIE") && !strings.Contains(cookies, "SVPNTMPCOOKIE") {
		return false
	}
	li.Product = "fortigate"
	if m := reFortiSAML.FindString(a.body); m != "" {
		li.Methods = appendOnce(li.Methods, MethodSAML)
		li.SSOURL = p.base + html.UnescapeString(m)
	}
	if strings.Contains(a.body, "/remote/logincheck") || rePassword.MatchString(a.body) {
		li.Methods = appendOnce(li.Methods, MethodPassword)
	}
	li.Verdict = formVerdict(li, p.askedNow())
	return true
}

var reSAMLLocation = lazyre.New(`(?i)saml|/adfs/|login\.microsoftonline\.com|okta|/sso/|/idp/`)

// web is the plain request a browser makes, for web-style gateways.
func (p *loginProbe) web(ctx context.Context, li *LoginInfo) bool {
	a := p.do(ctx, li, "web", http.MethodGet, p.path, "", "", map[string]string{"User-Agent": "Mozilla/5.0 (vpndoctor)"})
	if p.settled(li, a) {
		return true
	}
	if a.err != nil || a.status/100 != 2 && a.status/100 != 3 && a.status != http.StatusUnauthorized {
		return false // an error page says nothing about how to log in
	}
	if loc := a.header.Get("Location"); a.status/100 == 3 && reSAMLLocation.MatchString(loc) {
		li.SSOURL = loc
		li.Methods = appendOnce(li.Methods, MethodSAML)
	}
	if rePassword.MatchString(a.body) || a.status == http.StatusUnauthorized {
		li.Methods = appendOnce(li.Methods, MethodPassword)
	}
	if len(li.Methods) > 0 {
		// Only a page that shows a way to log in is a web-style gateway.
		li.Product = "web"
	}
	li.Verdict = formVerdict(li, p.askedNow())
	return true
}

func (p *loginProbe) askedNow() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.asked
}

// settled handles what every probe can meet: a connection refused after the
// handshake, an HTTP refusal for want of a certificate (ocserv's "401 No
// certificate", nginx's "400 No required SSL certificate was sent"). It
// reports whether the verdict is final.
func (p *loginProbe) settled(li *LoginInfo, a answer) bool {
	if s := a.header.Get("Server"); s != "" && li.Server == "" {
		li.Server = s
	}
	if a.err != nil {
		if p.refusedConnection(li, a.err) {
			return true
		}
		// The handshake itself failed: nothing more to learn here.
		p.mu.Lock()
		hsFailed := p.hsErr != nil
		p.mu.Unlock()
		return hsFailed
	}
	asked := p.askedNow()
	low := strings.ToLower(a.reason + " " + a.body)
	certWords := strings.Contains(low, "certificate")
	refusal := (a.status == http.StatusUnauthorized && asked && (certWords || a.header.Get("WWW-Authenticate") == "")) ||
		(a.status == http.StatusBadRequest || a.status == http.StatusForbidden) && certWords
	if !refusal {
		return false
	}
	li.CertRequested = true
	li.Methods = appendOnce(li.Methods, MethodCertificate)
	li.Answer = statusWords(a)
	if t := firstLine(a.body); t != "" && !strings.Contains(li.Answer, t) && len(t) < 120 {
		li.Answer += ": " + t
	}
	li.Verdict = LoginCertRequired
	if p.offered != nil && asked {
		li.Verdict = LoginCertRefused
	}
	return true
}

var reTitle = lazyre.New(`(?is)<title>([^<]{1,200})</title>`)

func firstLine(body string) string {
	if m := reTitle.FindStringSubmatch(body); m != nil {
		return strings.TrimSpace(html.UnescapeString(m[1]))
	}
	s := strings.TrimSpace(body)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	if strings.HasPrefix(s, "<") {
		return ""
	}
	return s
}
