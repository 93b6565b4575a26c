package checks

import (
	"context"
	"crypto/tls"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
)

// ProductInfo names the gateway product, learned from what its public
// login page answers before any sign-in.
type ProductInfo struct {
	ID   string `json:"id"`   // cisco_asa, fortigate, paloalto, ocserv, ivanti, sonicwall, checkpoint
	Name string `json:"name"` // for people: "Cisco ASA / FTD"
	// Clue is what gave it away (a header, an address, a marker in the page).
	Clue string `json:"clue"`
}

// productSigns are markers vendors' login pages carry, in the order they
// are tried: the more specific first (ocserv speaks the AnyConnect
// protocol, so a Cisco marker must win over the protocol's).
var productSigns = []struct {
	id, name string
	markers  []string // lower case; matched in headers, redirect address and page
}{
	{"cisco_asa", "Cisco ASA / FTD", []string{"/+cscoe+/", "/+webvpn+/", "webvpnlogin=", "cisco adaptive security"}},
	{"paloalto", "Palo Alto Networks GlobalProtect", []string{"/global-protect/", "<prelogin-response", "globalprotect"}},
	{"fortigate", "Fortinet FortiGate", []string{"/remote/login", "svpncookie", "fortinet", "fgt_lang"}},
	{"ivanti", "Ivanti Connect Secure (Pulse Secure)", []string{"/dana-na/", "/dana/", "pulse secure", "ivanti"}},
	{"sonicwall", "SonicWall SSL VPN", []string{"sonicwall", "/cgi-bin/welcome", "/sslvpnlogin.html"}},
	{"checkpoint", "Check Point Mobile Access", []string{"/sslvpn/login/", "cpws", "check point"}},
	{"ocserv", "OpenConnect VPN server (ocserv)", []string{"webvpncontext=", "<config-auth", "x-transcend-version"}},
}

// ClassifyProduct names the product from an unauthenticated answer: its
// headers (redirect address and cookies included) and the start of its
// page or XML. It returns nil when nothing is recognised.
func ClassifyProduct(h http.Header, body string) *ProductInfo {
	var parts []string
	for k, vs := range h {
		for _, v := range vs {
			parts = append(parts, strings.ToLower(k+": "+v))
		}
	}
	parts = append(parts, strings.ToLower(body))
	for _, s := range productSigns {
		for _, m := range s.markers {
			for _, p := range parts {
				if strings.Contains(p, m) {
					return &ProductInfo{ID: s.id, Name: s.name, Clue: clue(p, m)}
				}
			}
		}
	}
	return nil
}

// clue keeps the marker with a little context, one line.
func clue(text, marker string) string {
	i := strings.Index(text, marker)
	start, end := max(0, i-30), min(len(text), i+len(marker)+30)
	return strings.Join(strings.Fields(text[start:end]), " ")
}

// maxLoginPage bounds how much of a login page is read.
const maxLoginPage = 64 << 10

// identifyProduct asks the gateway's public login page (GET /, redirects
// not followed: the address it points to is itself the clue). It sends no
// credentials and its answer decides nothing about trust, so the
// certificate is not checked here: the diagnosis judges it.
func (r *run) identifyProduct(ctx context.Context, sh *shared) *ProductInfo {
	// After the gateway's own handshake, at the address it resolved to.
	addrs, ok := sh.gatewayAddresses()
	if !ok || len(addrs) == 0 {
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, fetchBudget)
	defer cancel()
	host := r.target.Host
	addr := addrs[0]
	cfg := &tls.Config{InsecureSkipVerify: true, MinVersion: tls.VersionTLS10}
	if net.ParseIP(host) == nil {
		cfg.ServerName = host
	}
	var d net.Dialer
	raw, err := d.DialContext(ctx, "tcp", net.JoinHostPort(addr, strconv.Itoa(r.target.Port)))
	if err != nil {
		return nil
	}
	defer raw.Close()
	if dl, ok := ctx.Deadline(); ok {
		_ = raw.SetDeadline(dl)
	}
	conn := tls.Client(raw, cfg)
	if err := conn.HandshakeContext(ctx); err != nil {
		return nil
	}
	return readProduct(conn, r.target)
}

// readProduct sends one GET / over conn and classifies the answer.
func readProduct(conn net.Conn, t Target) *ProductInfo {
	req, _ := http.NewRequest("GET", "https://"+t.HostPort()+"/", nil)
	req.Host = t.HostPort()
	if t.Port == DefaultPort {
		req.Host = t.Host
	}
	req.Header.Set("User-Agent", "vpndoctor/"+Version)
	req.Close = true
	if err := req.Write(conn); err != nil {
		return nil
	}
	resp, err := readAnswer(conn, req, maxAnswerHead+maxLoginPage)
	if err != nil {
		return nil
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, maxLoginPage))
	return ClassifyProduct(resp.Header, string(body))
}
