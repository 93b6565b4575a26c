package checks

import (
	"context"
	"crypto"
	"crypto/x509"
	"fmt"
	"runtime"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/Netflix/bettertls/test-suites/certutil"
	"github.com/Netflix/bettertls/test-suites/nameconstraints"
	"github.com/Netflix/bettertls/test-suites/pathbuilding"
	test_case "github.com/Netflix/bettertls/test-suites/test-case"
)

// BetterTLS (github.com/Netflix/bettertls) inside go test: every case's
// certificates go through the engine's own judgement of a chain
// (judgeChain: path building and every certificate check, then Go's
// verifier as cross-check, as the runner does), against a store that
// trusts only the suite's root.

// betterVerdict is the engine's answer for one case.
func betterVerdict(root *x509.Certificate, host string, ders [][]byte) (ID, []Finding, error) {
	sent := make([]*x509.Certificate, 0, len(ders))
	for _, d := range ders {
		c, err := ParseCertificate(d)
		if err != nil {
			return "", nil, fmt.Errorf("parse: %w", err)
		}
		sent = append(sent, c)
	}
	pool := &trustPool{roots: []StoreCert{{Cert: root, Origin: "bettertls root"}}}
	clock := ClockInfo{Local: time.Now()}
	v := judgeChain(context.Background(), sent, pool, host, clock, nil)
	fs := append(append([]Finding{}, v.cert...), v.trust...)
	if !hasFail(fs) {
		fs = append(fs, crossCheck(v, sent, host, clock)...)
	}
	return choosePrimary(fs), fs, nil
}

// pathbuildingWant is the finding a case broken by reason must be
// answered with.
var pathbuildingWant = map[pathbuilding.InvalidReason]ID{
	pathbuilding.INVALID_REASON_EXPIRED:                   CertExpired,
	pathbuilding.INVALID_REASON_NAME_CONSTRAINTS:          NameConstraints,
	pathbuilding.INVALID_REASON_BAD_EKU:                   WrongUsage,
	pathbuilding.INVALID_REASON_MISSING_BASIC_CONSTRAINTS: NotCA,
	pathbuilding.INVALID_REASON_NOT_A_CA:                  NotCA,
	pathbuilding.INVALID_REASON_DEPRECATED_CRYPTO:         WeakSignature,
}

func TestBetterTLSPathBuilding(t *testing.T) {
	root, key, err := certutil.GenerateSelfSignedCert("bettertls_trust_root")
	if err != nil {
		t.Fatal(err)
	}
	p := pathbuilding.NewTestCaseProvider()
	n, _ := p.GetTestCaseCount()
	passed, branching := 0, 0
	for i := uint(0); i < n; i++ {
		tc, _ := p.GetTestCase(i)
		impl := tc.(*pathbuilding.TestCaseImpl)
		for _, f := range tc.RequiredFeatures() {
			if f == pathbuilding.FEATURE_BRANCHING {
				branching++
			}
		}
		chain, err := tc.GetCertificates(root, key)
		if err != nil {
			t.Fatalf("case %d: %v", i, err)
		}
		got, fs, err := betterVerdict(root, tc.GetHostname(), chain.Certificate)
		if err != nil {
			t.Fatalf("case %d: %v", i, err)
		}
		want := OK
		if tc.ExpectedResult() == test_case.EXPECTED_RESULT_FAIL {
			want = pathbuildingWant[impl.InvalidReason]
		}
		if got != want {
			t.Errorf("case %d (%s, trust %s, invalid %v by %s): primary %s, want %s; %s", i,
				impl.ExplicitTestCase.TrustGraph.Name(), impl.ExplicitTestCase.SrcNode, impl.ExplicitTestCase.InvalidEdges,
				impl.InvalidReason, got, want, summary(fs))
			continue
		}
		passed++
	}
	t.Logf("BetterTLS pathbuilding: %d/%d as expected (%d need branching)", passed, n, branching)
	if n != 81 || branching == 0 {
		t.Errorf("the suite has %d cases (%d branching); expected 81 with branching", n, branching)
	}
}

func summary(fs []Finding) string {
	s := ""
	for _, f := range fs {
		if f.Severity == Fail {
			s += fmt.Sprintf("[%s: %s] ", f.ID, f.Detail)
		}
	}
	return s
}

// ncWant is the verdict a name constraints case must get: ok, a refusal
// (with the specific ids allowed), or either (the suite's soft results,
// where clients disagree).
func ncWant(tc nameconstraints.NameConstraintsTestCase) (pass, fail bool, ids []ID) {
	switch tc.ExpectedResult() {
	case test_case.EXPECTED_RESULT_PASS, test_case.EXPECTED_RESULT_SOFT_PASS:
		// A soft pass is a constraint broken only by the common name,
		// which no current client reads for the host: the engine passes it.
		return true, false, nil
	case test_case.EXPECTED_RESULT_SOFT_FAIL:
		return true, true, []ID{NameConstraints, HostnameMismatch}
	}
	return false, true, []ID{NameConstraints, HostnameMismatch}
}

// forbidsHost says whether the case's constraints forbid the very host
// connected to: then name_constraints must be among the findings.
func forbidsHost(tc nameconstraints.NameConstraintsTestCase) bool {
	if tc.ClientHostnameType == nameconstraints.CLIENT_HOSTNAME_TYPE_DNS {
		return tc.NameConstraintsDnsWhitelist == nameconstraints.EXTVAL_INVALID || tc.NameConstraintsDnsBlacklist == nameconstraints.EXTVAL_VALID
	}
	return tc.NameConstraintsIpWhitelist == nameconstraints.EXTVAL_INVALID || tc.NameConstraintsIpBlacklist == nameconstraints.EXTVAL_VALID
}

func TestBetterTLSNameConstraints(t *testing.T) {
	root, key, err := certutil.GenerateSelfSignedCert("bettertls_trust_root")
	if err != nil {
		t.Fatal(err)
	}
	p := nameconstraints.NewTestCaseProvider()
	n, _ := p.GetTestCaseCount()
	results := make([]ncOutcome, n)
	var wg sync.WaitGroup
	next := make(chan uint)
	for w := 0; w < runtime.GOMAXPROCS(0); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				results[i] = ncCase(p, i, root, key)
			}
		}()
	}
	step := uint(1)
	if mutationRun() {
		step = mutationStride
	}
	for i := uint(0); i < n; i += step {
		next <- i
	}
	close(next)
	wg.Wait()
	passed, unclassified := 0, 0
	for i, r := range results {
		if uint(i)%step != 0 {
			continue
		}
		if r.unclas {
			unclassified++
		}
		if r.err != "" {
			t.Errorf("case %d: %s", i, r.err)
			continue
		}
		passed++
	}
	t.Logf("BetterTLS nameconstraints: %d/%d as expected, %d answered unclassified", passed, n, unclassified)
	if n != 9491 {
		t.Errorf("the suite has %d cases, expected 9491", n)
	}
}

type ncOutcome struct {
	err    string
	unclas bool
}

func ncCase(p *nameconstraints.TestCaseProvider, i uint, root *x509.Certificate, key crypto.Signer) ncOutcome {
	tcI, _ := p.GetTestCase(i)
	tc := tcI.(nameconstraints.NameConstraintsTestCase)
	chain, err := tc.GetCertificates(root, key)
	if err != nil {
		return ncOutcome{err: err.Error()}
	}
	got, fs, err := betterVerdict(root, tc.GetHostname(), chain.Certificate)
	if err != nil {
		return ncOutcome{err: err.Error()}
	}
	out := ncOutcome{unclas: got == Unclassified}
	pass, fail, ids := ncWant(tc)
	switch {
	case got == OK && !pass:
		out.err = "accepted, want refused"
	case got != OK && !fail:
		out.err = fmt.Sprintf("refused with %s, want accepted; %s", got, summary(fs))
	case got != OK && !slices.Contains(ids, got):
		out.err = fmt.Sprintf("refused with %s, want one of %v; %s", got, ids, summary(fs))
	case got != OK && forbidsHost(tc) && !hasID(fs, NameConstraints):
		out.err = fmt.Sprintf("the constraints forbid the host, yet no name_constraints; %s", summary(fs))
	}
	if out.err != "" {
		out.err = fmt.Sprintf("%+v: %s", tc, out.err)
	}
	return out
}

func hasID(fs []Finding, id ID) bool {
	for _, f := range fs {
		if f.ID == id && f.Severity == Fail {
			return true
		}
	}
	return false
}
