package checks

import (
	"context"
	"crypto/tls"
	"fmt"
	"net"
	"net/http"
	"time"

	"golang.org/x/crypto/ocsp"
)

// settleClock, when no time server gave a usable answer, takes the time
// from what is there whenever the gateway is: its HTTP Date header (to the
// second), else the thisUpdate of the OCSP answer it staples (a lower
// bound, hours to days old). ClockInfo says which and how precise.
func (r *run) settleClock(ctx context.Context, ci ClockInfo, gateway string, hs handshakeResult) ClockInfo {
	if ci.Known {
		return ci
	}
	if gateway != "" {
		t, prec, err := r.httpDate(ctx, gateway)
		if err == nil {
			if why := r.implausible(t); why != "" {
				err = fmt.Errorf("implausible Date header: %s", why)
			}
		}
		if err == nil {
			return knownAt(ci, ClockHTTPDate, r.opts.Now().UTC(), t, prec)
		}
		ci.Coarse = append(ci.Coarse, "http_date: "+err.Error())
	}
	if t, ok := r.stapledThisUpdate(hs); ok {
		local := r.opts.Now().UTC()
		// An answer made well after this computer's "now" proves the clock
		// is behind; an older one proves nothing, since answers are cached,
		// and one a few days ahead is as likely the responder's mistake.
		if t.After(local.Add(coarseOCSPMin)) {
			return knownAt(ci, ClockOCSP, local, t, 24*time.Hour)
		}
		ci.Coarse = append(ci.Coarse, "ocsp: the stapled answer's date does not contradict this computer's clock")
	}
	return ci
}

// coarseOCSPMin is how far ahead of this computer's clock a stapled OCSP
// answer must be dated to be taken as the time.
const coarseOCSPMin = 7 * 24 * time.Hour

func knownAt(ci ClockInfo, source string, local, truth time.Time, prec time.Duration) ClockInfo {
	ci.Known, ci.Source = true, source
	ci.Local, ci.True = local, truth
	ci.OffsetMS = truth.Sub(local).Milliseconds()
	ci.PrecisionMS = max(prec.Milliseconds(), 1)
	return ci
}

// httpDate asks the gateway for "/" on a second TLS connection and reads
// the Date header. The certificate is not judged here (the engine does that
// on the first connection); only the header is read, and nothing is sent
// but a HEAD request.
func (r *run) httpDate(ctx context.Context, gateway string) (time.Time, time.Duration, error) {
	ctx, cancel := context.WithTimeout(ctx, coarseBudget)
	defer cancel()
	d := tls.Dialer{Config: &tls.Config{
		InsecureSkipVerify: true, // reading a Date header; trust is judged elsewhere
		ServerName:         serverName(r.target.Host),
		NextProtos:         []string{"http/1.1"},
	}}
	conn, err := d.DialContext(ctx, "tcp", gateway)
	if err != nil {
		return time.Time{}, 0, err
	}
	defer conn.Close()
	if dl, ok := ctx.Deadline(); ok {
		_ = conn.SetDeadline(dl)
	}
	req, _ := http.NewRequest(http.MethodHead, "https://"+net.JoinHostPort(r.target.Host, fmt.Sprint(r.target.Port))+"/", nil)
	req.Header.Set("User-Agent", "vpndoctor/"+Version)
	req.Close = true
	sent := time.Now()
	if err := req.Write(conn); err != nil {
		return time.Time{}, 0, err
	}
	resp, err := readAnswer(conn, req, maxAnswerHead)
	if err != nil {
		return time.Time{}, 0, fmt.Errorf("no HTTP answer: %w", err)
	}
	resp.Body.Close()
	rtt := time.Since(sent)
	date, err := http.ParseTime(resp.Header.Get("Date"))
	if err != nil {
		return time.Time{}, 0, fmt.Errorf("no Date header in the gateway's answer")
	}
	// The header is truncated to the second and was written about half a
	// round trip ago: the true time now is about date + 0.5 s + rtt/2.
	return date.Add(time.Second/2 + rtt/2), time.Second/2 + rtt/2, nil
}

func serverName(host string) string {
	if net.ParseIP(host) != nil {
		return ""
	}
	return host
}

// stapledThisUpdate reads the stapled OCSP answer's thisUpdate when it
// is signed by the leaf's issuer as sent (directly or by its delegate).
func (r *run) stapledThisUpdate(hs handshakeResult) (time.Time, bool) {
	if len(hs.state.OCSPResponse) == 0 || len(hs.peer) < 2 {
		return time.Time{}, false
	}
	resp, err := ocsp.ParseResponseForCert(hs.state.OCSPResponse, hs.peer[0], nil)
	if err != nil {
		return time.Time{}, false
	}
	if err := responderAuthorised(resp, hs.peer[1], time.Time{}); err != nil {
		return time.Time{}, false
	}
	return resp.ThisUpdate, true
}

// blameClock handles the case no source told the true time: when every
// certificate of the chain, the root included, is out of its dates by this
// computer's clock, the clock is wrong, not the gateway (no one runs a
// chain whose own root is not valid yet). The finding names the nearest
// time at which the whole chain is valid, a bound on the true time.
func blameClock(found []Finding, links []link, clock ClockInfo) []Finding {
	if clock.Known || len(links) == 0 {
		return found
	}
	local := clock.Local
	var lo, hi time.Time
	for i, l := range links {
		c := l.cert
		if !local.Before(c.NotBefore) && !local.After(c.NotAfter) {
			return found
		}
		if i == 0 || c.NotBefore.After(lo) {
			lo = c.NotBefore
		}
		if i == 0 || c.NotAfter.Before(hi) {
			hi = c.NotAfter
		}
	}
	if lo.After(hi) {
		return found // no moment at which the chain is valid: not the clock
	}
	bound := lo
	if local.After(hi) {
		bound = hi
	}
	est := clock
	est.True = bound
	est.OffsetMS = bound.Sub(local).Milliseconds()
	f := newFinding(ClockSkew, Fail, "this computer's clock looks wrong",
		fmt.Sprintf("no time source answered, and by this computer's clock (%s) every certificate of the chain, the root included, is outside its dates; the chain is valid from %s to %s, so the clock is off by at least %s",
			local.UTC().Format(time.RFC3339), lo.UTC().Format(time.RFC3339), hi.UTC().Format(time.RFC3339), humanOffset(-bound.Sub(local))), -1)
	clockEvidence(&f, est)
	if clock.Server == "" {
		delete(f.Evidence, EvNTPServer)
	}
	var out []Finding
	for _, g := range found {
		if g.ID != CertExpired && g.ID != CertNotYetValid {
			out = append(out, g)
		}
	}
	return append([]Finding{f}, out...)
}
