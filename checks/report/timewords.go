package report

import (
	"time"

	"github.com/vpndoctor/vpndoctor/checks"
)

// Evidence the renderers add to the clock findings, for the fix guide: the
// findings carry the times, but only the report's Clock says where the true
// time came from, and the guide must not call an estimate "the correct
// time" (checks/guide's contract test reads these constants too).
const (
	// EvTimeSource: where the true time came from: "ntp", "http_date",
	// "ocsp", "certificates" (no source answered: the chain's own dates),
	// or "local" (nothing: this computer's clock was used).
	EvTimeSource = "time_source"
	// EvTimeBound: set when true_time is a bound, not a reading: "after"
	// (the true time is no earlier) or "before" (no later).
	EvTimeBound = "time_bound"
)

// timeEvidence adds time_source and time_bound to the clock findings and
// removes ntp_server where no time server gave the time: ClockInfo.Server
// then lists the servers that failed, and "checked against the time server
// {ntp_server}" would be false.
func timeEvidence(rep *checks.Report) {
	for i := range rep.Findings {
		f := &rep.Findings[i]
		if f.Evidence == nil {
			continue
		}
		switch f.ID {
		case checks.NTPUnavailable:
			f.Evidence[EvTimeSource] = "local"
			if rep.Clock.Known {
				f.Evidence[EvTimeSource] = rep.Clock.Source
			}
		case checks.ClockSkew:
			src, bound := skewSource(rep.Clock, f.Evidence)
			f.Evidence[EvTimeSource] = src
			if bound != "" {
				f.Evidence[EvTimeBound] = bound
			}
			fallthrough
		case checks.CertExpired, checks.CertNotYetValid:
			if !rep.Clock.Known || rep.Clock.Source != checks.ClockNTP {
				delete(f.Evidence, checks.EvNTPServer)
			}
		}
	}
}

// skewSource says where a clock_skew finding's true_time came from and
// whether it is only a bound: a stapled OCSP answer's date is a lower
// bound; without any source the engine names the nearest moment at which
// the whole chain is valid (checks.blameClock), a bound on the side of the
// local clock's error.
func skewSource(c checks.ClockInfo, ev map[string]string) (source, bound string) {
	switch {
	case c.Known && c.Source == checks.ClockOCSP:
		return c.Source, "after"
	case c.Known && c.Source != "":
		return c.Source, ""
	case c.Known:
		return checks.ClockNTP, ""
	}
	local, err1 := time.Parse(time.RFC3339, ev[checks.EvLocalTime])
	truth, err2 := time.Parse(time.RFC3339, ev[checks.EvTrueTime])
	if err1 != nil || err2 != nil {
		return "certificates", ""
	}
	if truth.Before(local) {
		return "certificates", "before"
	}
	return "certificates", "after"
}
