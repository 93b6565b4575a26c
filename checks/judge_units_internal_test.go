package checks

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
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

// A trusted root of the old kind (X.509 v1 style: no basicConstraints) is
// an anchor, as platform verifiers take it: it is not judged as a CA that
// may not issue. Only the anchor gets that leniency.
func TestTrustedRootWithoutBasicConstraintsIsAnAnchor(t *testing.T) {
	root := guardRoot(t, "Old Style Root", func(c *x509.Certificate) { c.BasicConstraintsValid, c.IsCA, c.KeyUsage = false, false, 0 })
	leaf := guardLeaf(t, root, nil)
	clock := ClockInfo{Known: true, Local: guardTime, True: guardTime}
	pool := &trustPool{roots: []StoreCert{{Cert: root.cert, Origin: "unit root"}}}
	v := judgeChain(context.Background(), []*x509.Certificate{leaf}, pool, "vpn.example.com", clock, nil)
	if v.best.end != endTrusted || findID(v.cert, NotCA) != nil {
		t.Errorf("trusted: path ends %v, findings %v", v.best.end, failIDs(v.cert, v.trust))
	}
}

// Of two trusted paths, the one through a distrusted certificate (a root
// in Windows' Disallowed store, macOS "Never Trust", the p11-kit blocklist)
// is never the one chosen while the other is clean: the intermediate is
// cross-certified by a distrusted and by a trusted root.
func TestDistrustedPathIsNotChosen(t *testing.T) {
	distrusted, trusted := guardRoot(t, "Distrusted Root", nil), guardRoot(t, "Trusted Root", nil)
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	ica := func(serial int64, by *guardCA) *x509.Certificate {
		tmpl := &x509.Certificate{SerialNumber: big.NewInt(serial), Subject: pkix.Name{CommonName: "Shared ICA"}, IsCA: true, BasicConstraintsValid: true,
			KeyUsage: x509.KeyUsageCertSign, NotBefore: guardTime.AddDate(-1, 0, 0), NotAfter: guardTime.AddDate(1, 0, 0)}
		der, err := x509.CreateCertificate(rand.Reader, tmpl, by.cert, &key.PublicKey, by.key)
		if err != nil {
			t.Fatal(err)
		}
		c, _ := x509.ParseCertificate(der)
		return c
	}
	viaBad, viaGood := ica(1, distrusted), ica(2, trusted)
	leaf := guardLeaf(t, &guardCA{viaBad, key}, nil)
	clock := ClockInfo{Known: true, Local: guardTime, True: guardTime}
	pool := &trustPool{roots: []StoreCert{{Cert: distrusted.cert, Origin: "Root"}, {Cert: trusted.cert, Origin: "Root"}},
		distrusted: []StoreCert{{Cert: distrusted.cert, Origin: "Disallowed"}}}
	for _, sent := range [][]*x509.Certificate{{leaf, viaBad, viaGood}, {leaf, viaGood, viaBad}} {
		v := judgeChain(context.Background(), sent, pool, "vpn.example.com", clock, nil)
		if len(v.candidates) < 2 || v.best.distrusted != nil || v.best.links[len(v.best.links)-1].cert != trusted.cert {
			t.Errorf("sent %v: %d candidates, chose the distrusted path: %v", sent[1].SerialNumber, len(v.candidates), v.best.distrusted != nil)
		}
	}
}

// The choice among candidate paths is explained only when there was a
// choice (more than one path) and the best one still fails, also when it
// fails both a certificate check and the trust check.
func TestChoiceExplainedOnlyAmongSeveral(t *testing.T) {
	clock := ClockInfo{Known: true, Local: guardTime, True: guardTime}
	explained := func(v chainVerdict) bool {
		for _, f := range append(append([]Finding(nil), v.trust...), v.cert...) {
			if strings.Contains(f.Detail, "candidate paths is valid") {
				return true
			}
		}
		return false
	}
	// One path: an expired leaf under an untrusted root.
	root := guardRoot(t, "Lone Root", nil)
	expired := guardLeaf(t, root, func(c *x509.Certificate) {
		c.NotBefore, c.NotAfter = guardTime.AddDate(-1, 0, 0), guardTime.AddDate(0, 0, -1)
	})
	v := judgeChain(context.Background(), []*x509.Certificate{expired, root.cert}, &trustPool{}, "vpn.example.com", clock, nil)
	if len(v.candidates) != 1 || explained(v) {
		t.Errorf("one path: %d candidates, explained %v", len(v.candidates), explained(v))
	}
	// Two paths (an intermediate cross-certified by two untrusted roots),
	// the leaf expired: a certificate failure and a trust failure.
	r1, r2 := guardRoot(t, "Untrusted Root 1", nil), guardRoot(t, "Untrusted Root 2", nil)
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	var icas []*x509.Certificate
	for i, by := range []*guardCA{r1, r2} {
		tmpl := &x509.Certificate{SerialNumber: big.NewInt(int64(i + 1)), Subject: pkix.Name{CommonName: "Cross ICA"}, IsCA: true, BasicConstraintsValid: true,
			KeyUsage: x509.KeyUsageCertSign, NotBefore: guardTime.AddDate(-1, 0, 0), NotAfter: guardTime.AddDate(1, 0, 0)}
		der, err := x509.CreateCertificate(rand.Reader, tmpl, by.cert, &key.PublicKey, by.key)
		if err != nil {
			t.Fatal(err)
		}
		c, _ := x509.ParseCertificate(der)
		icas = append(icas, c)
	}
	leaf := guardLeaf(t, &guardCA{icas[0], key}, func(c *x509.Certificate) {
		c.NotBefore, c.NotAfter = guardTime.AddDate(-1, 0, 0), guardTime.AddDate(0, 0, -1)
	})
	v = judgeChain(context.Background(), []*x509.Certificate{leaf, icas[0], icas[1], r1.cert, r2.cert}, &trustPool{}, "vpn.example.com", clock, nil)
	if len(v.candidates) < 2 || failures(v.cert) == 0 || failures(v.trust) == 0 || !explained(v) {
		t.Errorf("two paths: %d candidates, %d cert and %d trust failures, explained %v", len(v.candidates), failures(v.cert), failures(v.trust), explained(v))
	}
}
