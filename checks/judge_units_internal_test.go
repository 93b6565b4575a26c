package checks

import (
	"context"
	"crypto/x509"
	"strings"
	"testing"
	"time"

	"github.com/vpndoctor/vpndoctor/checks/pathbuild"
)

// Unit tests of judge.go's helpers: what is gathered for the cross-check,
// how failures are counted, where the choice among paths is explained.

func names(cs []*x509.Certificate) string {
	var s []string
	for _, c := range cs {
		s = append(s, c.Subject.CommonName)
	}
	return strings.Join(s, ",")
}

func TestGather(t *testing.T) {
	root, inter, leaf := unitChain(t)
	stray := guardRoot(t, "Stray", nil).cert
	fetched := guardRoot(t, "Fetched", nil).cert
	trusted := path{links: linksOf(leaf, inter, root), end: endTrusted}
	untrusted := path{links: linksOf(leaf, inter, root), end: endSelfSigned}
	short := path{links: linksOf(leaf, inter), end: endIssuerMissing}
	tests := []struct {
		name            string
		paths           []path
		sent            []*x509.Certificate
		fetched         []pathbuild.Cert
		anchors, others string
	}{
		{"trusted: the root is an anchor", []path{trusted}, []*x509.Certificate{leaf, inter}, nil, "Unit Root", "Unit Issuing CA"},
		{"untrusted: the root is another certificate", []path{untrusted}, []*x509.Certificate{leaf, inter}, nil, "", "Unit Issuing CA,Unit Root"},
		{"seen once", []path{short, trusted}, []*x509.Certificate{leaf, inter, inter}, nil, "Unit Root", "Unit Issuing CA"},
		{"sent and fetched but on no path", []path{short}, []*x509.Certificate{leaf, stray}, []pathbuild.Cert{{Cert: fetched}, {Cert: inter}}, "", "Unit Issuing CA,Stray,Fetched"},
	}
	for _, tc := range tests {
		a, o := gather(tc.paths, tc.sent, tc.fetched)
		if names(a) != tc.anchors || names(o) != tc.others {
			t.Errorf("%s: anchors %q others %q, want %q %q", tc.name, names(a), names(o), tc.anchors, tc.others)
		}
	}
}

func TestFailuresAndFirstFailure(t *testing.T) {
	fs := []Finding{{ID: ChainOrder, Severity: Info}, {ID: ClockSkew, Severity: Warn}, {ID: CertExpired, Severity: Fail}, {ID: WeakKey, Severity: Fail}}
	if failures(fs) != 2 || failures(nil) != 0 || failures(fs[:2]) != 0 {
		t.Errorf("failures: %d", failures(fs))
	}
	if !addToFirstFailure(fs, "; note") || fs[2].Detail != "; note" || fs[3].Detail != "" || fs[0].Detail != "" {
		t.Errorf("first failure: %+v", fs)
	}
	if addToFirstFailure(fs[:2], "; x") || fs[0].Detail != "" || fs[1].Detail != "" {
		t.Errorf("no failure: %+v", fs[:2])
	}
	if got := failIDs(fs[:2], fs[2:]); len(got) != 2 || got[0] != CertExpired || got[1] != WeakKey {
		t.Errorf("failIDs = %v", got)
	}
}

func TestPathInfosAndExplainChoice(t *testing.T) {
	root, inter, leaf := unitChain(t)
	a := path{links: linksOf(leaf, inter), end: endIssuerMissing}
	b := path{links: linksOf(leaf, inter, root), end: endSelfSigned}
	if pathInfos(chainVerdict{candidates: []path{a}}, [][]ID{nil}) != nil {
		t.Error("one candidate: no list")
	}
	infos := pathInfos(chainVerdict{candidates: []path{b, a}}, [][]ID{{UntrustedRoot}, nil})
	if len(infos) != 2 || !infos[0].Chosen || infos[1].Chosen || infos[0].End != "untrusted_root" || infos[1].End != "issuer_missing" ||
		len(infos[0].Faults) != 1 || strings.Join(infos[0].Certs, " > ") != "127.0.0.1 (sent) > Unit Issuing CA (sent) > Unit Root (sent)" {
		t.Errorf("infos %+v", infos)
	}
	// The note goes to the first trust failure, else to the first
	// certificate failure.
	v := chainVerdict{best: b, candidates: []path{b, a}, trust: []Finding{{Severity: Fail}}, cert: []Finding{{Severity: Fail}}}
	explainChoice(&v)
	if !strings.Contains(v.trust[0].Detail, "none of the 2 candidate paths is valid, this is the best one: 127.0.0.1 (sent) > ") || v.cert[0].Detail != "" {
		t.Errorf("trust first: %+v %+v", v.trust, v.cert)
	}
	v = chainVerdict{best: b, candidates: []path{b, a}, trust: []Finding{{Severity: Warn}}, cert: []Finding{{Severity: Fail}}}
	explainChoice(&v)
	if v.trust[0].Detail != "" || !strings.Contains(v.cert[0].Detail, "none of the 2 candidate paths") {
		t.Errorf("certificate next: %+v %+v", v.trust, v.cert)
	}
}

// A path search the deadline cut short says so in the trust failure's
// detail, and does not blame the server's certificates for it.
func TestJudgeChainOutOfTime(t *testing.T) {
	root, inter, leaf := unitChain(t)
	pool := &trustPool{roots: []StoreCert{{Cert: root, Origin: "unit root"}}}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	v := judgeChain(ctx, []*x509.Certificate{leaf, inter}, pool, "vpn.unit.test", ClockInfo{Local: time.Now()}, nil)
	detail := ""
	for _, f := range v.trust {
		if f.Severity == Fail {
			detail = f.Detail
			break
		}
	}
	if !strings.Contains(detail, "cut short by the diagnosis' time limit") || strings.Contains(detail, "too many") {
		t.Errorf("out of time: trust failure's detail %q", detail)
	}
	if v = judgeChain(context.Background(), []*x509.Certificate{leaf, inter}, pool, "vpn.unit.test", ClockInfo{Local: time.Now()}, nil); v.best.end != endTrusted {
		t.Errorf("in time: best path ends %v", v.best.end)
	}
}
