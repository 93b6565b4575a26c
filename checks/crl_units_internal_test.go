package checks

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"errors"
	"io"
	"math/big"
	"runtime"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"
)

// Unit tests of crl.go at its boundaries, on CRLs made and signed in the
// test: judgeCRL's freshness limits and key match, crlCovers' scopes, the
// entry scan, the signature algorithms read, readBody's sizes.

// unitCRL is a CRL of ca, read by parseCRL.
func unitCRL(t *testing.T, ca *guardCA, this, next time.Time, entries []x509.RevocationListEntry, ext ...pkix.Extension) *crlDoc {
	t.Helper()
	der, err := x509.CreateRevocationList(rand.Reader, &x509.RevocationList{Number: big.NewInt(10), ThisUpdate: this, NextUpdate: next,
		RevokedCertificateEntries: entries, ExtraExtensions: ext}, ca.cert, ca.key)
	if err != nil {
		t.Fatal(err)
	}
	d, err := parseCRL(der)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestJudgeCRLBoundaries(t *testing.T) {
	ca := guardRoot(t, "CRL Unit CA", nil)
	leaf := guardLeaf(t, ca, nil)
	now := guardTime
	fresh := func() *crlDoc { return unitCRL(t, ca, now.Add(-time.Hour), now.Add(time.Hour), nil) }
	noSKI := *ca.cert
	noSKI.SubjectKeyId = nil
	tests := []struct {
		name   string
		d      func() *crlDoc
		issuer *x509.Certificate
		now    time.Time
		delta  bool
		want   string // "" accepted
	}{
		{"fresh", fresh, ca.cert, now, false, ""},
		{"due exactly now", fresh, ca.cert, now.Add(time.Hour), false, ""},
		{"due a second ago", fresh, ca.cert, now.Add(time.Hour + time.Second), false, "stale"},
		{"no next update", func() *crlDoc { d := fresh(); d.nextUpdate = time.Time{}; return d }, ca.cert, now.AddDate(5, 0, 0), false, ""},
		{"dated at the slack's end", func() *crlDoc { return unitCRL(t, ca, now.Add(maxClockSlack), now.Add(time.Hour), nil) }, ca.cert, now, false, ""},
		{"dated beyond the slack", func() *crlDoc { return unitCRL(t, ca, now.Add(maxClockSlack+time.Second), now.Add(time.Hour), nil) }, ca.cert, now, false, "future"},
		{"dated four minutes ahead (a drifting clock)", func() *crlDoc { return unitCRL(t, ca, now.Add(4*time.Minute), now.Add(time.Hour), nil) }, ca.cert, now, false, ""},
		{"dated six minutes ahead", func() *crlDoc { return unitCRL(t, ca, now.Add(6*time.Minute), now.Add(time.Hour), nil) }, ca.cert, now, false, "future"},
		{"no key identifier in the CRL", func() *crlDoc { d := fresh(); d.aki = nil; return d }, ca.cert, now, false, ""},
		{"no key identifier in the issuer", fresh, &noSKI, now, false, ""},
		{"another key identifier", func() *crlDoc { d := fresh(); d.aki = []byte{1, 2, 3}; return d }, ca.cert, now, false, "another key"},
		{"signature altered", func() *crlDoc { d := fresh(); d.sig = append([]byte{}, d.sig...); d.sig[len(d.sig)-1] ^= 1; return d }, ca.cert, now, false, "not signed by"},
		{"a delta where the full CRL should be", func() *crlDoc { d := fresh(); d.deltaBase = big.NewInt(9); return d }, ca.cert, now, false, "delta CRL was found"},
		{"a full CRL where the delta should be", fresh, ca.cert, now, true, "not marked as a delta"},
		{"a delta where a delta should be", func() *crlDoc { d := fresh(); d.deltaBase = big.NewInt(9); return d }, ca.cert, now, true, ""},
		{"critical extension", func() *crlDoc { d := fresh(); d.critical = "1.2.3"; return d }, ca.cert, now, false, "critical extension 1.2.3"},
	}
	for _, tc := range tests {
		err := judgeCRL(tc.d(), leaf, tc.issuer, "http://crl.test/ca.crl", tc.now, tc.delta)
		if (err == nil) != (tc.want == "") || (err != nil && !strings.Contains(err.Error(), tc.want)) {
			t.Errorf("%s: %v, want %q", tc.name, err, tc.want)
		}
	}
	// Another issuer's name.
	other := guardRoot(t, "Another CRL CA", nil)
	if err := judgeCRL(unitCRL(t, other, now.Add(-time.Hour), now.Add(time.Hour), nil), leaf, ca.cert, "", now, false); err == nil || !strings.Contains(err.Error(), "someone other") {
		t.Errorf("another issuer: %v", err)
	}
}

func TestCRLCoversRows(t *testing.T) {
	ee := &x509.Certificate{}
	ca := &x509.Certificate{IsCA: true}
	const url = "http://crl.test/a.crl"
	tests := []struct {
		name  string
		sc    crlScope
		cert  *x509.Certificate
		delta bool
		want  string
	}{
		{"no scope", crlScope{}, ee, false, ""},
		{"no scope, flags ignored", crlScope{indirect: true}, ee, false, ""},
		{"indirect", crlScope{present: true, indirect: true}, ee, false, "indirect"},
		{"end entities only, an end entity", crlScope{present: true, userOnly: true}, ee, false, ""},
		{"end entities only, a CA", crlScope{present: true, userOnly: true}, ca, false, "only end-entity"},
		{"CAs only, a CA", crlScope{present: true, caOnly: true}, ca, false, ""},
		{"CAs only, an end entity", crlScope{present: true, caOnly: true}, ee, false, "only CA"},
		{"attributes only", crlScope{present: true, attrOnly: true}, ee, false, "attribute"},
		{"some reasons", crlScope{present: true, someReasons: true}, ee, false, "some revocation reasons"},
		{"this distribution point", crlScope{present: true, urls: []string{"http://other.test/x.crl", url}}, ee, false, ""},
		{"another distribution point", crlScope{present: true, urls: []string{"http://other.test/x.crl"}}, ee, false, "another distribution point (http://other.test/x.crl)"},
		{"another distribution point, delta", crlScope{present: true, urls: []string{"http://other.test/x.crl"}}, ee, true, ""},
		{"no distribution point named", crlScope{present: true}, ca, false, ""},
	}
	for _, tc := range tests {
		err := crlCovers(tc.sc, tc.cert, url, tc.delta)
		if (err == nil) != (tc.want == "") || (err != nil && !strings.Contains(err.Error(), tc.want)) {
			t.Errorf("%s: %v, want %q", tc.name, err, tc.want)
		}
	}
}

func TestCRLLookupAndReasons(t *testing.T) {
	ca := guardRoot(t, "CRL Unit CA", nil)
	when := guardTime.Add(-48 * time.Hour).Truncate(time.Second)
	high := new(big.Int).SetBytes([]byte{0x80, 1, 2, 3}) // DER adds a leading zero
	entries := []x509.RevocationListEntry{
		{SerialNumber: big.NewInt(5), RevocationTime: when, ReasonCode: 1},
		{SerialNumber: high, RevocationTime: when.Add(time.Hour)},
		{SerialNumber: big.NewInt(7), RevocationTime: when, ReasonCode: 6},
	}
	d := unitCRL(t, ca, guardTime.Add(-time.Hour), guardTime.Add(time.Hour), entries)
	for _, tc := range []struct {
		serial *big.Int
		want   crlEntry
	}{
		{big.NewInt(5), crlEntry{found: true, when: when, reason: 1}},
		{high, crlEntry{found: true, when: when.Add(time.Hour)}},
		{big.NewInt(7), crlEntry{found: true, when: when, reason: 6}},
		{big.NewInt(6), crlEntry{}},
		{big.NewInt(0x0502), crlEntry{}},
	} {
		got, err := d.lookup(context.Background(), tc.serial)
		if err != nil || got.found != tc.want.found || !got.when.Equal(tc.want.when) || got.reason != tc.want.reason {
			t.Errorf("serial %x: %+v %v, want %+v", tc.serial, got, err, tc.want)
		}
	}
	// A cancelled scan stops at once.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := d.lookup(ctx, big.NewInt(7)); err == nil || !strings.Contains(err.Error(), "deadline") {
		t.Errorf("cancelled scan: %v", err)
	}
	// ... before the first entry is read, even in a CRL of one entry.
	one := unitCRL(t, ca, guardTime.Add(-time.Hour), guardTime.Add(time.Hour), entries[:1])
	if _, err := one.lookup(ctx, big.NewInt(99)); err == nil {
		t.Error("cancelled scan of one entry: no error")
	}
	if e, err := one.lookup(context.Background(), big.NewInt(99)); err != nil || e.found {
		t.Errorf("scan of one entry: %+v %v", e, err)
	}
	if got := serialBytes(high); !bytes.Equal(got, []byte{0x80, 1, 2, 3}) {
		t.Errorf("serialBytes = %x", got)
	}
}

// errAfter is a context whose Err is nil for its first n calls: a deadline
// that passes in the middle of a scan.
type errAfter struct {
	context.Context
	n int
}

func (c *errAfter) Err() error {
	if c.n--; c.n < 0 {
		return context.DeadlineExceeded
	}
	return nil
}

// The deadline is checked again every crlScanCheck entries of a long CRL.
func TestCRLScanChecksDeadlineAgain(t *testing.T) {
	var b cryptobyte.Builder
	for i := 0; i <= crlScanCheck; i++ {
		b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
			b.AddASN1BigInt(big.NewInt(int64(1000 + i)))
			b.AddASN1UTCTime(guardTime)
		})
	}
	d := &crlDoc{entries: cryptobyte.String(b.BytesOrPanic())}
	if _, err := d.lookup(&errAfter{context.Background(), 1}, big.NewInt(1)); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("deadline passed during the scan: %v", err)
	}
	if e, err := d.lookup(&errAfter{context.Background(), 2}, big.NewInt(1000+crlScanCheck)); err != nil || !e.found {
		t.Errorf("deadline not passed: %+v %v", e, err)
	}
}

func TestCRLSignatureAlgorithms(t *testing.T) {
	algID := func(oid asn1.ObjectIdentifier, params func(*cryptobyte.Builder)) cryptobyte.String {
		var b cryptobyte.Builder
		b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
			b.AddASN1ObjectIdentifier(oid)
			if params != nil {
				params(b)
			}
		})
		return cryptobyte.String(b.BytesOrPanic())
	}
	pss := func(hash asn1.ObjectIdentifier) func(*cryptobyte.Builder) {
		return func(b *cryptobyte.Builder) {
			b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
				b.AddASN1(cbasn1.Tag(0).Constructed().ContextSpecific(), func(b *cryptobyte.Builder) {
					b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) { b.AddASN1ObjectIdentifier(hash) })
				})
			})
		}
	}
	oid := func(s ...int) asn1.ObjectIdentifier { return asn1.ObjectIdentifier(s) }
	rsaPSS := oid(1, 2, 840, 113549, 1, 1, 10)
	tests := []struct {
		raw  cryptobyte.String
		want x509.SignatureAlgorithm
	}{
		{algID(oid(1, 2, 840, 113549, 1, 1, 5), nil), x509.SHA1WithRSA},
		{algID(oid(1, 2, 840, 113549, 1, 1, 11), nil), x509.SHA256WithRSA},
		{algID(oid(1, 2, 840, 113549, 1, 1, 12), nil), x509.SHA384WithRSA},
		{algID(oid(1, 2, 840, 113549, 1, 1, 13), nil), x509.SHA512WithRSA},
		{algID(oid(1, 2, 840, 10045, 4, 1), nil), x509.ECDSAWithSHA1},
		{algID(oid(1, 2, 840, 10045, 4, 3, 2), nil), x509.ECDSAWithSHA256},
		{algID(oid(1, 2, 840, 10045, 4, 3, 3), nil), x509.ECDSAWithSHA384},
		{algID(oid(1, 2, 840, 10045, 4, 3, 4), nil), x509.ECDSAWithSHA512},
		{algID(oid(1, 3, 101, 112), nil), x509.PureEd25519},
		{algID(rsaPSS, pss(oid(2, 16, 840, 1, 101, 3, 4, 2, 1))), x509.SHA256WithRSAPSS},
		{algID(rsaPSS, pss(oid(2, 16, 840, 1, 101, 3, 4, 2, 2))), x509.SHA384WithRSAPSS},
		{algID(rsaPSS, pss(oid(2, 16, 840, 1, 101, 3, 4, 2, 3))), x509.SHA512WithRSAPSS},
		{algID(rsaPSS, pss(oid(1, 3, 14, 3, 2, 26))), 0},
		{algID(rsaPSS, nil), 0},
		{algID(oid(1, 2, 840, 113549, 1, 1, 4), nil), 0}, // MD5 with RSA: not checked
		{cryptobyte.String{0x30, 0x01}, 0},
	}
	for _, tc := range tests {
		got, err := signatureAlgorithm(tc.raw)
		if got != tc.want || (err == nil) != (tc.want != 0) {
			t.Errorf("signatureAlgorithm(%x) = %v, %v; want %v", []byte(tc.raw), got, err, tc.want)
		}
	}
}

// pieceReader returns at most n bytes a read, like a network connection.
type pieceReader struct {
	r io.Reader
	n int
}

func (p pieceReader) Read(b []byte) (int, error) { return p.r.Read(b[:min(len(b), p.n)]) }

func TestReadBodySizes(t *testing.T) {
	body := func(n int) []byte { return bytes.Repeat([]byte{'x'}, n) }
	const limit = 100 << 10
	tests := []struct {
		name      string
		size      int
		announced int64
		want      int
		err       bool
	}{
		{"small, announced", 10, 10, 10, false},
		{"announced at the limit", limit, limit, limit, false},
		{"more than announced: read on to the cap", limit + 50, 20, limit + 1, false},
		{"announced beyond the limit", limit + 50, limit + 50, limit + 1, false},
		{"not announced, many pieces", 3*32<<10 + 7, 0, 3*32<<10 + 7, false},
		{"not announced, one piece", 5, -1, 5, false},
		{"empty", 0, 0, 0, false},
		{"shorter than announced", 10, 20, 10, true},
	}
	for _, tc := range tests {
		got, err := readBody(pieceReader{bytes.NewReader(body(tc.size)), 4096}, tc.announced, limit)
		if len(got) != tc.want || (err != nil) != tc.err || !bytes.Equal(got, body(len(got))) {
			t.Errorf("%s: %d bytes, %v; want %d", tc.name, len(got), err, tc.want)
		}
	}
	// A read error is returned with what came before it.
	broken := io.MultiReader(bytes.NewReader(body(70<<10)), errReader{})
	if got, err := readBody(broken, 0, limit); err == nil || len(got) != 70<<10 {
		t.Errorf("broken body: %d bytes, %v", len(got), err)
	}
}

type errReader struct{}

func (errReader) Read([]byte) (int, error) { return 0, errors.New("connection reset") }

// A body announced at exactly the limit is still read into one buffer of
// its size: a 32 MiB CRL at the cap must not cost the pieces and the join
// (about three times its size). Measured in bytes allocated.
func TestReadBodyAnnouncedAtTheLimitAllocatesOnce(t *testing.T) {
	const limit = 4 << 20
	body := bytes.Repeat([]byte{'x'}, limit)
	for _, announced := range []int64{limit - 1, limit} {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		got, err := readBody(bytes.NewReader(body[:announced]), announced, limit)
		runtime.ReadMemStats(&after)
		if err != nil || len(got) != int(announced) {
			t.Fatalf("announced %d: %d bytes, %v", announced, len(got), err)
		}
		// One buffer (announced+1) and one 32 KiB piece for the rest; the
		// pieces and their join would be about 3 × 4 MiB.
		if spent := after.TotalAlloc - before.TotalAlloc; spent > uint64(announced)*5/4 {
			t.Errorf("announced %d: %d bytes allocated, want at most 1.25 × the body", announced, spent)
		}
	}
}

// A body that fills exactly one piece (32 KiB, an OCSP answer or a small
// CRL) is returned as that piece: no empty piece after it, no join. It
// costs one allocation more than a shorter body (the next, empty read).
func TestReadPiecesOnePieceIsNotJoined(t *testing.T) {
	allocs := func(n int) float64 {
		body := bytes.Repeat([]byte{'x'}, n)
		return testing.AllocsPerRun(50, func() {
			if got, err := readPieces(bytes.NewReader(body)); err != nil || len(got) != n {
				t.Fatalf("%d bytes: got %d, %v", n, len(got), err)
			}
		})
	}
	short, full := allocs(20<<10), allocs(32<<10)
	if full > short+1 {
		t.Errorf("a body of exactly one piece: %.0f allocations, a shorter one %.0f; want at most one more", full, short)
	}
}
