package checks

import (
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"testing"
)

// judgeOutdated, one row per boundary: which expired certificates the
// out-of-date store explains (the root it holds in an old form, not the
// gateway's own expired leaf), and when it is looked for at all
// (scripts/mutation.sh found these unguarded).
func TestJudgeOutdatedRows(t *testing.T) {
	// The public root, re-issued: the store holds the old, expired form.
	old := guardRoot(t, "Public Root R1", func(c *x509.Certificate) {
		c.NotBefore, c.NotAfter = guardTime.AddDate(-20, 0, 0), guardTime.AddDate(0, -1, 0)
	})
	tmpl := *old.cert
	tmpl.NotBefore, tmpl.NotAfter = guardTime.AddDate(-1, 0, 0), guardTime.AddDate(15, 0, 0)
	current, err := x509.CreateCertificate(rand.Reader, &tmpl, &tmpl, &old.key.PublicKey, old.key)
	if err != nil {
		t.Fatal(err)
	}
	ic, ik := guardCert(t, &x509.Certificate{Subject: pkix.Name{CommonName: "Public Issuing CA"}, IsCA: true,
		BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign}, old)
	leaf := guardLeaf(t, &guardCA{ic, ik}, nil)
	o := Options{}
	o.PublicRoots = func() []StoreCert { return []StoreCert{{DER: current, Origin: "public"}} }
	r := &run{opts: withDefaults(o)}
	pool := &trustPool{roots: []StoreCert{{Cert: old.cert, Origin: "store"}}}
	p := path{links: linksOf(leaf, ic, old.cert)}
	expired := func(i int) Finding { return newFinding(CertExpired, Fail, "", "", i) }

	// The root (link 2) expired, and the leaf too: the store explains the
	// root only.
	out := r.judgeOutdated(p, pool, []Finding{expired(0), expired(2)}, guardTime)
	if len(out) != 2 || out[0].ID != CertExpired || out[0].Cert != 0 || out[1].ID != TrustStoreOutdated || out[1].Cert != -1 ||
		out[1].Evidence[EvPublicRoot] != "Public Root R1" {
		t.Errorf("expired leaf and root: %+v", out)
	}
	// Only the leaf expired: the store's roots are not the question.
	out = r.judgeOutdated(p, pool, []Finding{expired(0)}, guardTime)
	if len(out) != 1 || out[0].ID != CertExpired {
		t.Errorf("expired leaf only: %+v", out)
	}
	// The intermediate expired (link 1, below where the chain meets the
	// public root): it stays, the gateway's to fix.
	out = r.judgeOutdated(p, pool, []Finding{expired(1), expired(2)}, guardTime)
	if len(out) != 2 || out[0].Cert != 1 || out[1].ID != TrustStoreOutdated {
		t.Errorf("expired intermediate and root: %+v", out)
	}
}
