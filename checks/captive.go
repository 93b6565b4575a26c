package checks

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/vpndoctor/vpndoctor/internal/lazyre"
)

// captiveBudget bounds the plain-HTTP probe: it runs only when the gateway
// already answered with another name's certificate.
const captiveBudget = fetchBudget

var metaRefresh = lazyre.New(`(?i)<meta[^>]+http-equiv=["']?refresh["']?[^>]*url=([^"'>\s]+)`)

// probeCaptive asks http://HOST/ at the address the gateway's name led to.
// A Wi-Fi sign-in system that answers in every server's place redirects
// it to its login page; a real gateway redirects to itself or not at all.
// It returns the sign-in page's address, or "".
func (r *run) probeCaptive(ctx context.Context, addr string) string {
	ctx, cancel := context.WithTimeout(ctx, captiveBudget)
	defer cancel()
	port := r.opts.PlainHTTPPort
	if port == 0 {
		port = 80
	}
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", net.JoinHostPort(addr, strconv.Itoa(port)))
	if err != nil {
		return ""
	}
	defer conn.Close()
	if dl, ok := ctx.Deadline(); ok {
		_ = conn.SetDeadline(dl)
	}
	req, _ := http.NewRequest("GET", "http://"+r.target.Host+"/", nil)
	req.Header.Set("User-Agent", "vpndoctor/"+Version)
	req.Close = true
	if err := req.Write(conn); err != nil {
		return ""
	}
	resp, err := readAnswer(conn, req, maxAnswerHead+8<<10)
	if err != nil {
		return ""
	}
	defer resp.Body.Close()
	var to string
	switch {
	case resp.StatusCode >= 300 && resp.StatusCode < 400:
		to = resp.Header.Get("Location")
	case resp.StatusCode == http.StatusOK || resp.StatusCode == 511:
		var buf [8 << 10]byte
		n, _ := io.ReadFull(resp.Body, buf[:])
		if m := metaRefresh.FindSubmatch(buf[:n]); m != nil {
			to = string(m[1])
		}
	}
	if to == "" {
		return ""
	}
	u, err := url.Parse(to)
	if err != nil || u.Host == "" || strings.EqualFold(u.Hostname(), r.target.Host) {
		return "" // the gateway sending plain HTTP to its own HTTPS page
	}
	return u.String()
}

// judgeCaptive turns a certificate for another name plus a sign-in
// redirect into captive_portal, the cause the user can fix.
func (r *run) judgeCaptive(ctx context.Context, addr string, certFindings []Finding) []Finding {
	if !hasFinding(certFindings, HostnameMismatch) {
		return nil
	}
	portal := r.probeCaptive(ctx, addr)
	if portal == "" {
		return nil
	}
	f := newFinding(CaptivePortal, Fail, "this network's sign-in page answers in the VPN server's place",
		fmt.Sprintf("the gateway's name led to a server with a certificate for another name, and http://%s/ is redirected to %s: this Wi-Fi wants a sign-in first", r.target.Host, portal), -1)
	f.Evidence[EvPortalURL] = portal
	return []Finding{f}
}

func hasFinding(fs []Finding, id ID) bool {
	for _, f := range fs {
		if f.ID == id {
			return true
		}
	}
	return false
}
