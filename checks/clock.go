package checks

import (
	"context"
	"fmt"
	"net"
	"runtime/debug"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/beevik/ntp"

	"github.com/vpndoctor/vpndoctor/internal/crash"
)

// Clock sources, in ClockInfo.Source.
const (
	ClockNTP      = "ntp"       // time servers, by consensus
	ClockHTTPDate = "http_date" // the gateway's own HTTP Date header (1 s)
	ClockOCSP     = "ocsp"      // the stapled OCSP answer's thisUpdate (a lower bound)
)

const (
	// maxNTPServers bounds how many time servers one diagnosis asks.
	maxNTPServers = 6
	// ntpAgree is how close two servers must be to count as agreeing: real
	// servers agree within milliseconds; a wrong one is off by minutes.
	ntpAgree = 2 * time.Second
	// plausibleSpan is how far after the earliest plausible time an answer
	// may lie: a server that says 2100 is broken, not right.
	plausibleSpan = 20 * 365 * 24 * time.Hour
	// coarseBudget bounds the HTTP Date request to the gateway.
	coarseBudget = 2 * time.Second
)

// releaseFloor is the earliest true time any answer may give when the build
// carries no date: this code did not exist before it.
var releaseFloor = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)

// buildTime is when this program was built (the VCS commit time Go stamps
// into release builds), or releaseFloor.
var buildTime = sync.OnceValue(func() time.Time {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return releaseFloor
	}
	return vcsTime(bi.Settings)
})

// vcsTime reads the commit time from the build settings (apart from
// buildTime: a test binary carries no VCS settings, a test gives them).
func vcsTime(settings []debug.BuildSetting) time.Time {
	for _, s := range settings {
		if s.Key == "vcs.time" {
			if t, err := time.Parse(time.RFC3339, s.Value); err == nil && t.After(releaseFloor) {
				return t
			}
		}
	}
	return releaseFloor
}

// earliest is the earliest true time an answer may claim.
func (r *run) earliest() time.Time {
	if !r.opts.EarliestTime.IsZero() {
		return r.opts.EarliestTime
	}
	return buildTime()
}

// implausible says why a claimed true time cannot be right, or "".
func (r *run) implausible(t time.Time) string {
	lo := r.earliest()
	switch {
	case t.Before(lo):
		return fmt.Sprintf("it says %s, before this program was built (%s)", t.UTC().Format(time.RFC3339), lo.UTC().Format("2006-01-02"))
	case t.After(lo.Add(plausibleSpan)):
		return fmt.Sprintf("it says %s, decades ahead", t.UTC().Format(time.RFC3339))
	}
	return ""
}

// TimeServerNames turns a configured time-server setting into host[:port]
// names: lists separated by spaces or commas lose Windows' ",0x9" mode
// flags, and what names no server ("domain hierarchy (NT5DS)", "Local CMOS
// Clock", "VM IC Time Synchronization Provider") is dropped.
func TimeServerNames(setting string) []string {
	var out []string
	for _, f := range strings.Fields(setting) {
		host, _, _ := strings.Cut(f, ",0x")
		host, _, _ = strings.Cut(host, ",0X")
		host = strings.Trim(host, ",;")
		if host == "" || !hostShaped(host) {
			continue
		}
		out = append(out, host)
	}
	return out
}

// hostShaped accepts a DNS name, an IPv4 address, or either with a port,
// or a bracketed IPv6 address: a word such as "hierarchy" or "(NT5DS)" is
// not a server.
func hostShaped(s string) bool {
	if strings.HasPrefix(s, "[") || net.ParseIP(s) != nil {
		return true
	}
	h := s
	if hh, _, err := net.SplitHostPort(s); err == nil {
		h = hh
	}
	if !strings.Contains(h, ".") && h != "localhost" {
		return false
	}
	for _, c := range h {
		if !(c == '.' || c == '-' || c == '_' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
			return false
		}
	}
	return true
}

// ntpServers lists the servers to ask: the configured ones first, then the
// extra (public) ones, without repeats, at most maxNTPServers.
func (r *run) ntpServers() []string {
	var out []string
	seen := map[string]bool{}
	for _, s := range append(TimeServerNames(r.opts.NTPServer), r.opts.NTPServers...) {
		for _, n := range TimeServerNames(s) {
			if !seen[strings.ToLower(n)] && len(out) < maxNTPServers {
				seen[strings.ToLower(n)] = true
				out = append(out, n)
			}
		}
	}
	return out
}

// ntpAnswer is one time server's answer.
type ntpAnswer struct {
	server string
	offset time.Duration
	rtt    time.Duration
	err    string
}

// checkClock asks every time server at once and believes what a majority
// of the plausible answers agree on.
func (r *run) checkClock(ctx context.Context) ClockInfo {
	end := r.start(StepClock)
	servers := r.ntpServers()
	ci := ClockInfo{Server: strings.Join(servers, " "), Local: r.opts.Now().UTC()}
	if len(servers) == 0 {
		ci.Error = "no time server configured"
		r.emit(StepClock, StepSkipped, 0, ci.Error)
		return ci
	}
	answers := r.askTimeServers(ctx, servers)
	ci.Local = r.opts.Now().UTC()
	for _, a := range answers {
		ci.Servers = append(ci.Servers, ServerTime{Server: a.server, OffsetMS: a.offset.Milliseconds(), Error: a.err})
	}
	agreed, why := consensus(answers)
	if len(agreed) == 0 {
		ci.Error = why
		end(true, "time servers unavailable")
		return ci
	}
	off, prec := agreed[len(agreed)/2].offset, time.Duration(0)
	var names []string
	for _, a := range agreed {
		names = append(names, a.server)
		prec = max(prec, a.rtt/2, absDur(a.offset-off))
	}
	ci.Known, ci.Source = true, ClockNTP
	ci.Server = strings.Join(names, " ")
	ci.PrecisionMS = max(prec.Milliseconds(), 1)
	ci.OffsetMS = off.Milliseconds()
	ci.True = ci.Local.Add(off)
	end(off < skewWarn && off > -skewWarn, humanOffset(-off))
	return ci
}

func (r *run) askTimeServers(ctx context.Context, servers []string) []ntpAnswer {
	budget := ntpBudget
	if d, ok := ctx.Deadline(); ok && time.Until(d) < budget {
		budget = time.Until(d)
	}
	answers := make([]ntpAnswer, len(servers))
	var wg sync.WaitGroup
	for i, s := range servers {
		wg.Add(1)
		go func() {
			defer crash.Guard()
			defer wg.Done()
			answers[i] = r.askTimeServer(s, budget)
		}()
	}
	wg.Wait()
	return answers
}

func (r *run) askTimeServer(server string, budget time.Duration) ntpAnswer {
	a := ntpAnswer{server: server}
	resp, err := queryNTP(server, ntp.QueryOptions{Timeout: budget, GetSystemTime: r.opts.Now})
	if err == nil {
		err = resp.Validate()
	}
	if err != nil {
		a.err = err.Error()
		return a
	}
	a.offset, a.rtt = resp.ClockOffset, resp.RTT
	if why := r.implausible(r.opts.Now().Add(resp.ClockOffset)); why != "" {
		a.err = "implausible answer: " + why
	}
	return a
}

// queryNTP asks one time server. beevik/ntp v1.6.0 panics on an answer
// whose precision byte is 0x80 (toInterval negates the int8 -128, which
// stays -128, and shifts by it): one byte from any server on the path
// would end the diagnosis in a crash file. Such an answer is unreadable,
// an error like any other (found by FuzzNTPAnswer, issue 16; its crasher
// is kept in testdata/fuzz/FuzzNTPAnswer).
func queryNTP(server string, opts ntp.QueryOptions) (resp *ntp.Response, err error) {
	defer func() {
		if v := recover(); v != nil {
			resp, err = nil, fmt.Errorf("unreadable answer (%v)", v)
		}
	}()
	return ntp.QueryWithOptions(server, opts)
}

// consensus returns the answers of the largest group that agree with each
// other, sorted by offset, when that group is a strict majority of the
// usable answers; otherwise none, and why.
func consensus(answers []ntpAnswer) ([]ntpAnswer, string) {
	var ok []ntpAnswer
	var errs []string
	for _, a := range answers {
		if a.err != "" {
			errs = append(errs, a.server+": "+a.err)
			continue
		}
		ok = append(ok, a)
	}
	if len(ok) == 0 {
		return nil, strings.Join(errs, "; ")
	}
	var best []ntpAnswer
	for _, a := range ok {
		var group []ntpAnswer
		for _, b := range ok {
			if absDur(a.offset-b.offset) <= ntpAgree {
				group = append(group, b)
			}
		}
		if len(group) > len(best) {
			best = group
		}
	}
	if 2*len(best) <= len(ok) {
		var parts []string
		for _, a := range ok {
			parts = append(parts, fmt.Sprintf("%s says %s", a.server, humanOffset(-a.offset)))
		}
		return nil, "the time servers disagree (" + strings.Join(parts, ", ") + ")"
	}
	sort.Slice(best, func(i, j int) bool { return best[i].offset < best[j].offset })
	return best, ""
}

func absDur(d time.Duration) time.Duration {
	if d < 0 {
		return -d
	}
	return d
}

// ntpFinding says the true time could not be learned, and why, when the
// user had time servers to ask.
func (r *run) ntpFinding(clock ClockInfo) []Finding {
	if clock.Source == ClockNTP || clock.Error == "" || len(r.ntpServers()) == 0 {
		return nil
	}
	detail := fmt.Sprintf("the time servers %s gave no usable answer (%s)", strings.Join(r.ntpServers(), ", "), clock.Error)
	switch {
	case clock.Known:
		detail += fmt.Sprintf("; the time was taken from %s instead (precision about %s)", clockSourceName(clock.Source), time.Duration(clock.PrecisionMS)*time.Millisecond)
	default:
		detail += "; certificate dates were judged by this computer's clock"
	}
	g := newFinding(NTPUnavailable, Info, "the true time could not be checked", detail, -1)
	g.Evidence[EvNTPServer] = strings.Join(r.ntpServers(), " ")
	g.Evidence[EvError] = clock.Error
	return []Finding{g}
}

func clockSourceName(s string) string {
	switch s {
	case ClockHTTPDate:
		return "the gateway's HTTP Date header"
	case ClockOCSP:
		return "the date of the OCSP answer the gateway staples"
	}
	return s
}
