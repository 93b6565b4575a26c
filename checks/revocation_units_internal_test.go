package checks

import (
	"errors"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/ocsp"
)

// Unit tests of revocation.go at its boundaries: an OCSP answer's
// freshness limits, how answers from several sources become findings, the
// reason names and the cap on addresses.

func TestOCSPFreshBoundaries(t *testing.T) {
	now := guardTime
	tests := []struct {
		name       string
		this, next time.Time
		want       string
	}{
		{"fresh", now.Add(-time.Hour), now.Add(time.Hour), ""},
		{"dated at the slack's end", now.Add(maxClockSlack), now.Add(time.Hour), ""},
		// A responder whose clock is four minutes ahead is still believed
		// (the slack in minutes, not only relative to the constant).
		{"dated four minutes ahead", now.Add(4 * time.Minute), now.Add(time.Hour), ""},
		{"dated six minutes ahead", now.Add(6 * time.Minute), now.Add(time.Hour), "future"},
		{"dated beyond the slack", now.Add(maxClockSlack + time.Second), now.Add(time.Hour), "future"},
		{"due exactly now", now.Add(-time.Hour), now, ""},
		{"due a second ago", now.Add(-time.Hour), now.Add(-time.Second), "stale (next update was due"},
		{"no next update, exactly the longest age", now.Add(-maxOCSPAge), time.Time{}, ""},
		{"no next update, a second older", now.Add(-maxOCSPAge - time.Second), time.Time{}, "older than 10 days"},
		{"no next update, old, but next update set", now.Add(-maxOCSPAge - time.Hour), now.Add(time.Hour), ""},
	}
	for _, tc := range tests {
		err := ocspFresh(&ocsp.Response{ThisUpdate: tc.this, NextUpdate: tc.next}, now)
		if (err == nil) != (tc.want == "") || (err != nil && !strings.Contains(err.Error(), tc.want)) {
			t.Errorf("%s: %v, want %q", tc.name, err, tc.want)
		}
	}
}

func TestJudgeRevocationRows(t *testing.T) {
	root, inter, leaf := unitChain(t)
	links := linksOf(leaf, inter, root)
	at := guardTime.Add(-24 * time.Hour)
	revoked := func(cert int, source string) revocationAnswer {
		return revocationAnswer{cert: cert, source: source, url: "http://" + source + ".test", revoked: true, revokedAt: at, reason: 1}
	}
	failed := func(cert int, source, why string) revocationAnswer {
		return revocationAnswer{cert: cert, source: source, url: "http://" + source + ".test", err: errors.New(why)}
	}
	good := func(cert int) revocationAnswer {
		return revocationAnswer{cert: cert, source: "ocsp", url: "http://ocsp.test"}
	}
	tests := []struct {
		name    string
		answers []revocationAnswer
		asked   map[int]bool
		want    string // ID@cert of each finding
	}{
		{"nothing asked", nil, map[int]bool{}, ""},
		{"all good", []revocationAnswer{good(0), good(1)}, map[int]bool{0: true, 1: true}, ""},
		{"revoked once, said twice", []revocationAnswer{revoked(0, "ocsp"), revoked(0, "crl")}, map[int]bool{0: true}, "revoked@0"},
		{"revoked intermediate", []revocationAnswer{good(0), revoked(1, "crl")}, map[int]bool{0: true, 1: true}, "revoked@1"},
		{"one source failed, another answered", []revocationAnswer{failed(0, "crl", "stale"), good(0)}, map[int]bool{0: true}, ""},
		{"every source failed", []revocationAnswer{failed(0, "crl", "stale"), failed(0, "ocsp", "refused")}, map[int]bool{0: true}, "revocation_unknown@0"},
		{"asked, no answer at all", nil, map[int]bool{1: true}, "revocation_unknown@1"},
		{"a failure about a certificate not asked", []revocationAnswer{failed(1, "crl", "x")}, map[int]bool{0: true}, "revocation_unknown@0"},
	}
	for _, tc := range tests {
		fs := judgeRevocation(links, tc.answers, tc.asked)
		var got []string
		for _, f := range fs {
			got = append(got, string(f.ID)+"@"+string(rune('0'+f.Cert)))
		}
		if strings.Join(got, " ") != tc.want {
			t.Errorf("%s: %v, want %q", tc.name, got, tc.want)
		}
	}
	// The revoked finding's evidence and the unknown one's reasons.
	fs := judgeRevocation(links, []revocationAnswer{revoked(1, "crl")}, map[int]bool{1: true})
	if f := fs[0]; f.Severity != Fail || f.Evidence[EvRevokedAt] != at.UTC().Format(time.RFC3339) || f.Evidence[EvRevSource] != "crl" ||
		f.Evidence[EvURL] != "http://crl.test" || f.Evidence[EvRole] != "intermediate" || !strings.Contains(f.Detail, "(reason: key compromise)") {
		t.Errorf("revoked: %+v", f)
	}
	fs = judgeRevocation(links, []revocationAnswer{failed(0, "crl", "stale"), failed(0, "ocsp", "refused")}, map[int]bool{0: true})
	if f := fs[0]; f.Severity != Warn || f.Evidence[EvURL] != "http://crl.test" || f.Evidence[EvRevSource] != "crl" || f.Evidence[EvError] != "stale" ||
		f.Detail != "crl http://crl.test: stale; ocsp http://ocsp.test: refused" || f.Evidence[EvRole] != "leaf" {
		t.Errorf("unknown: %+v", f)
	}
	fs = judgeRevocation(links, nil, map[int]bool{2: true})
	if f := fs[0]; f.Detail != "" || f.Evidence[EvError] != "" || f.Cert != 2 {
		t.Errorf("unknown without answers: %+v", f)
	}
}

func TestReasonNames(t *testing.T) {
	for code, want := range map[int]string{-1: "code -1", 0: "unspecified", 1: "key compromise", 6: "certificate hold", 7: "code 7",
		8: "remove from CRL", 10: "AA compromise", 11: "code 11"} {
		if got := reasonName(code); got != want {
			t.Errorf("reasonName(%d) = %q, want %q", code, got, want)
		}
	}
}

func TestFirstN(t *testing.T) {
	s := []string{"a", "b", "c"}
	for n, want := range map[int]string{2: "a b", 3: "a b c", 4: "a b c"} {
		if got := strings.Join(firstN(s, n), " "); got != want {
			t.Errorf("firstN(%d) = %q", n, got)
		}
	}
}
