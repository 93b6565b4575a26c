package checks_test

import (
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"math/big"
	"net"
	"net/http"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"

	"github.com/vpndoctor/vpndoctor/checks"
)

// CRLs served on loopback: the big ones within memory and time, delta
// CRLs, scopes, and the ones that must not be believed.

// crlServer serves files by path; a missing path is 404.
type crlServer struct {
	chunked bool // no Content-Length: the body's size is not announced
	mu      sync.Mutex
	files   map[string][]byte
	base    string
}

func newCRLServer(t *testing.T) *crlServer {
	t.Helper()
	s := &crlServer{files: map[string][]byte{}}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		b, ok := s.files[r.URL.Path]
		s.mu.Unlock()
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/pkix-crl")
		if !s.chunked {
			w.Header().Set("Content-Length", strconv.Itoa(len(b))) // as file servers do
		}
		w.Write(b)
	})}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	s.base = "http://" + ln.Addr().String()
	return s
}

func (s *crlServer) put(path string, b []byte) string {
	s.mu.Lock()
	s.files[path] = b
	s.mu.Unlock()
	return s.base + path
}

// dpNames is DistributionPointName [0] fullName [0] { URI [6] ... } with
// its outer [0] tag, as both freshestCRL and the IDP hold it.
func dpName(b *cryptobyte.Builder, urls ...string) {
	b.AddASN1(cbasn1.Tag(0).Constructed().ContextSpecific(), func(b *cryptobyte.Builder) {
		b.AddASN1(cbasn1.Tag(0).Constructed().ContextSpecific(), func(b *cryptobyte.Builder) {
			for _, u := range urls {
				b.AddASN1(cbasn1.Tag(6).ContextSpecific(), func(b *cryptobyte.Builder) { b.AddBytes([]byte(u)) })
			}
		})
	})
}

func freshestExt(urls ...string) pkix.Extension {
	var b cryptobyte.Builder
	b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
		b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) { dpName(b, urls...) })
	})
	return pkix.Extension{Id: asn1.ObjectIdentifier{2, 5, 29, 46}, Value: b.BytesOrPanic()}
}

func deltaExt(base int64) pkix.Extension {
	v, _ := asn1.Marshal(big.NewInt(base))
	return pkix.Extension{Id: asn1.ObjectIdentifier{2, 5, 29, 27}, Critical: true, Value: v}
}

// idpExt is an issuingDistributionPoint for url, limited by flag: end
// entities (1), CA certificates (2), some reasons (3), indirect (4),
// attribute certificates (5).
func idpExt(url string, flag int) pkix.Extension {
	var b cryptobyte.Builder
	b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
		if url != "" {
			dpName(b, url)
		}
		switch {
		case flag == 3: // onlySomeReasons: keyCompromise alone
			b.AddASN1(cbasn1.Tag(3).ContextSpecific(), func(b *cryptobyte.Builder) { b.AddBytes([]byte{6, 0x40}) })
		case flag > 0:
			b.AddASN1(cbasn1.Tag(flag).ContextSpecific(), func(b *cryptobyte.Builder) { b.AddUint8(0xff) })
		}
	})
	return pkix.Extension{Id: asn1.ObjectIdentifier{2, 5, 29, 28}, Critical: true, Value: b.BytesOrPanic()}
}

type crlSpec struct {
	number     int64
	this, next time.Time
	entries    []x509.RevocationListEntry
	ext        []pkix.Extension
	issuer     *x509.Certificate
	key        *ecdsa.PrivateKey
	badSig     bool
}

func (p *ckPKI) crl(t *testing.T, s crlSpec) []byte {
	t.Helper()
	if s.issuer == nil {
		s.issuer, s.key = p.ica, p.icaKey
	}
	if s.this.IsZero() {
		s.this = currentTime.Add(-time.Hour)
	}
	if s.next.IsZero() {
		s.next = currentTime.Add(24 * time.Hour)
	}
	if s.number == 0 {
		s.number = 10
	}
	der, err := x509.CreateRevocationList(rand.Reader, &x509.RevocationList{
		Number: big.NewInt(s.number), ThisUpdate: s.this, NextUpdate: s.next,
		RevokedCertificateEntries: s.entries, ExtraExtensions: s.ext,
	}, s.issuer, s.key)
	if err != nil {
		t.Fatal(err)
	}
	if s.badSig {
		der[len(der)-3] ^= 0x55
	}
	return der
}

func (p *ckPKI) entry(reason int) x509.RevocationListEntry {
	return x509.RevocationListEntry{SerialNumber: p.leaf.SerialNumber, RevocationTime: currentTime.Add(-48 * time.Hour), ReasonCode: reason}
}

func TestCRLByTheBook(t *testing.T) {
	const keyCompromise, hold, remove = 1, 6, 8
	type setup func(t *testing.T, p *ckPKI, s *crlServer) // puts /crl (and more)
	put := func(spec crlSpec) setup {
		return func(t *testing.T, p *ckPKI, s *crlServer) { s.put("/crl", p.crl(t, spec)) }
	}
	otherCA := func(t *testing.T, sameName bool) (*x509.Certificate, *ecdsa.PrivateKey) {
		k := ckKey(t)
		name := "Another CA"
		if sameName {
			name = "Clock Test Issuing CA"
		}
		tmpl := ckCA(name, currentTime.Add(-year), currentTime.Add(year))
		return ckCert(t, tmpl, tmpl, &k.PublicKey, k), k
	}
	tests := []struct {
		name  string
		setup setup
		want  checks.ID
		why   string
	}{
		{"listed", func(t *testing.T, p *ckPKI, s *crlServer) {
			s.put("/crl", p.crl(t, crlSpec{entries: []x509.RevocationListEntry{p.entry(keyCompromise)}}))
		}, checks.Revoked, ""},
		{"not listed", put(crlSpec{}), checks.OK, ""},
		{"wrong issuer", func(t *testing.T, p *ckPKI, s *crlServer) {
			c, k := otherCA(t, false)
			s.put("/crl", p.crl(t, crlSpec{issuer: c, key: k, entries: []x509.RevocationListEntry{p.entry(keyCompromise)}}))
		}, checks.RevocationUnknown, "issued by someone other"},
		{"same name, another key", func(t *testing.T, p *ckPKI, s *crlServer) {
			c, k := otherCA(t, true)
			s.put("/crl", p.crl(t, crlSpec{issuer: c, key: k, entries: []x509.RevocationListEntry{p.entry(keyCompromise)}}))
		}, checks.RevocationUnknown, "another key"},
		{"bad signature", func(t *testing.T, p *ckPKI, s *crlServer) {
			s.put("/crl", p.crl(t, crlSpec{badSig: true, entries: []x509.RevocationListEntry{p.entry(keyCompromise)}}))
		}, checks.RevocationUnknown, "not signed by"},
		{"thisUpdate in the future", func(t *testing.T, p *ckPKI, s *crlServer) {
			s.put("/crl", p.crl(t, crlSpec{this: currentTime.Add(time.Hour), next: currentTime.Add(48 * time.Hour), entries: []x509.RevocationListEntry{p.entry(keyCompromise)}}))
		}, checks.RevocationUnknown, "future"},
		{"stale", func(t *testing.T, p *ckPKI, s *crlServer) {
			s.put("/crl", p.crl(t, crlSpec{this: currentTime.Add(-72 * time.Hour), next: currentTime.Add(-time.Hour), entries: []x509.RevocationListEntry{p.entry(keyCompromise)}}))
		}, checks.RevocationUnknown, "stale"},
		{"a delta CRL where the full one should be", put(crlSpec{ext: []pkix.Extension{deltaExt(9)}}), checks.RevocationUnknown, "delta CRL was found"},
		{"delta revokes", func(t *testing.T, p *ckPKI, s *crlServer) {
			u := s.put("/delta", p.crl(t, crlSpec{number: 11, ext: []pkix.Extension{deltaExt(10)}, entries: []x509.RevocationListEntry{p.entry(keyCompromise)}}))
			s.put("/crl", p.crl(t, crlSpec{ext: []pkix.Extension{freshestExt(u)}}))
		}, checks.Revoked, ""},
		{"delta lifts a hold", func(t *testing.T, p *ckPKI, s *crlServer) {
			u := s.put("/delta", p.crl(t, crlSpec{number: 11, ext: []pkix.Extension{deltaExt(10)}, entries: []x509.RevocationListEntry{p.entry(remove)}}))
			s.put("/crl", p.crl(t, crlSpec{ext: []pkix.Extension{freshestExt(u)}, entries: []x509.RevocationListEntry{p.entry(hold)}}))
		}, checks.OK, ""},
		{"hold without its delta", func(t *testing.T, p *ckPKI, s *crlServer) {
			s.put("/crl", p.crl(t, crlSpec{ext: []pkix.Extension{freshestExt(s.base + "/gone")}, entries: []x509.RevocationListEntry{p.entry(hold)}}))
		}, checks.RevocationUnknown, "delta"},
		{"delta not marked as one", func(t *testing.T, p *ckPKI, s *crlServer) {
			u := s.put("/delta", p.crl(t, crlSpec{number: 11, entries: []x509.RevocationListEntry{p.entry(keyCompromise)}}))
			s.put("/crl", p.crl(t, crlSpec{ext: []pkix.Extension{freshestExt(u)}}))
		}, checks.RevocationUnknown, "not marked"},
		{"delta for a newer base", func(t *testing.T, p *ckPKI, s *crlServer) {
			u := s.put("/delta", p.crl(t, crlSpec{number: 13, ext: []pkix.Extension{deltaExt(12)}, entries: []x509.RevocationListEntry{p.entry(keyCompromise)}}))
			s.put("/crl", p.crl(t, crlSpec{ext: []pkix.Extension{freshestExt(u)}}))
		}, checks.RevocationUnknown, "needs base CRL number"},
		{"forged delta", func(t *testing.T, p *ckPKI, s *crlServer) {
			c, k := otherCA(t, true)
			u := s.put("/delta", p.crl(t, crlSpec{issuer: c, key: k, number: 11, ext: []pkix.Extension{deltaExt(10)}, entries: []x509.RevocationListEntry{p.entry(keyCompromise)}}))
			s.put("/crl", p.crl(t, crlSpec{ext: []pkix.Extension{freshestExt(u)}}))
		}, checks.RevocationUnknown, "another key"},
		{"scope: CA certificates only", func(t *testing.T, p *ckPKI, s *crlServer) {
			s.put("/crl", p.crl(t, crlSpec{ext: []pkix.Extension{idpExt("", 2)}}))
		}, checks.RevocationUnknown, "only CA"},
		{"scope: attribute certificates only", func(t *testing.T, p *ckPKI, s *crlServer) {
			s.put("/crl", p.crl(t, crlSpec{ext: []pkix.Extension{idpExt("", 5)}}))
		}, checks.RevocationUnknown, "attribute"},
		{"scope: indirect", func(t *testing.T, p *ckPKI, s *crlServer) {
			s.put("/crl", p.crl(t, crlSpec{ext: []pkix.Extension{idpExt("", 4)}}))
		}, checks.RevocationUnknown, "indirect"},
		{"scope: some reasons only", func(t *testing.T, p *ckPKI, s *crlServer) {
			s.put("/crl", p.crl(t, crlSpec{ext: []pkix.Extension{idpExt("", 3)}}))
		}, checks.RevocationUnknown, "some revocation reasons"},
		{"unknown critical extension", func(t *testing.T, p *ckPKI, s *crlServer) {
			s.put("/crl", p.crl(t, crlSpec{ext: []pkix.Extension{{Id: asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 99999, 1}, Critical: true, Value: []byte{5, 0}}}}))
		}, checks.RevocationUnknown, "critical extension"},
		{"scope: another distribution point", func(t *testing.T, p *ckPKI, s *crlServer) {
			s.put("/crl", p.crl(t, crlSpec{ext: []pkix.Extension{idpExt(s.base+"/partition2", 0)}}))
		}, checks.RevocationUnknown, "another distribution point"},
		{"scope: this distribution point, end entities", func(t *testing.T, p *ckPKI, s *crlServer) {
			s.put("/crl", p.crl(t, crlSpec{ext: []pkix.Extension{idpExt(s.base+"/crl", 1)}, entries: []x509.RevocationListEntry{p.entry(keyCompromise)}}))
		}, checks.Revoked, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newCRLServer(t)
			// Every distribution point is tried: the first is 404.
			p := newCkPKI(t, func(l *x509.Certificate) { l.CRLDistributionPoints = []string{s.base + "/missing", s.base + "/crl"} })
			tt.setup(t, p, s)
			rep := runClock(t, p.gateway(t, nil, nil), p.root, 0, checks.Options{})
			f := find(rep, checks.RevocationUnknown)
			switch tt.want {
			case checks.Revoked:
				if rep.Primary != checks.Revoked {
					t.Fatalf("primary %s, want revoked (%s) %+v", rep.Primary, ids(rep), f)
				}
			case checks.OK:
				if rep.Primary != checks.OK || f != nil {
					t.Fatalf("primary %s (%s) %+v", rep.Primary, ids(rep), f)
				}
			default:
				if rep.Primary == checks.Revoked || f == nil || !strings.Contains(f.Detail, tt.why) {
					t.Fatalf("primary %s (%s), want revocation_unknown saying %q: %+v", rep.Primary, ids(rep), tt.why, f)
				}
			}
		})
	}
}

// bigEntries is the DER of n revokedCertificates entries with 12-byte
// serials, as CAs use, written by hand: x509.CreateRevocationList would
// take a gigabyte to make them, and cryptobyte minutes under -race.
func bigEntries(n int) []byte {
	revoked := []byte(currentTime.Add(-48 * time.Hour).UTC().Format("060102150405Z"))
	const size = 2 + 2 + 12 + 2 + 13
	out := make([]byte, 0, n*size)
	for i := 0; i < n; i++ {
		out = append(out, 0x30, size-2, 0x02, 12, 0x01, 0, 0, 0, 0, 0, 0, 0, byte(i>>24), byte(i>>16), byte(i>>8), byte(i))
		out = append(out, 0x17, 13)
		out = append(out, revoked...)
	}
	return out
}

// bigCRL signs a CRL of the given entries, the leaf's serial added last
// when listed.
func (p *ckPKI) bigCRL(t *testing.T, entries []byte, listed bool) []byte {
	t.Helper()
	if listed {
		var e cryptobyte.Builder
		e.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
			b.AddASN1BigInt(p.leaf.SerialNumber)
			b.AddASN1UTCTime(currentTime.Add(-48 * time.Hour))
		})
		entries = append(entries[:len(entries):len(entries)], e.BytesOrPanic()...)
	}
	alg := cryptobyte.Builder{}
	alg.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
		b.AddASN1ObjectIdentifier(asn1.ObjectIdentifier{1, 2, 840, 10045, 4, 3, 2})
	})
	algDER := alg.BytesOrPanic()
	var tbs cryptobyte.Builder
	tbs.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
		b.AddASN1Int64(1)
		b.AddBytes(algDER)
		b.AddBytes(p.ica.RawSubject)
		b.AddASN1UTCTime(currentTime.Add(-time.Hour))
		b.AddASN1UTCTime(currentTime.Add(24 * time.Hour))
		b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) { b.AddBytes(entries) })
	})
	tbsDER := tbs.BytesOrPanic()
	h := sha256.Sum256(tbsDER)
	sig, err := ecdsa.SignASN1(rand.Reader, p.icaKey, h[:])
	if err != nil {
		t.Fatal(err)
	}
	var out cryptobyte.Builder
	out.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
		b.AddBytes(tbsDER)
		b.AddBytes(algDER)
		b.AddASN1BitString(sig)
	})
	return out.BytesOrPanic()
}

// peakHeap samples the heap in use while f runs and returns the peak above
// what was in use before.
func peakHeap(f func()) uint64 {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	base := ms.HeapInuse
	var peak atomic.Uint64
	done := make(chan struct{})
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		var m runtime.MemStats
		for {
			runtime.ReadMemStats(&m)
			if m.HeapInuse > peak.Load() {
				peak.Store(m.HeapInuse)
			}
			select {
			case <-done:
				return
			case <-time.After(2 * time.Millisecond):
			}
		}
	}()
	f()
	close(done)
	<-stopped
	if p := peak.Load(); p > base {
		return p - base
	}
	return 0
}

// A CRL of a million entries (about 31 MB, within the 32 MiB cap): read
// within 100 MiB of memory and well within the deadline, listed or not.
func TestMillionEntryCRL(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a 31 MB CRL")
	}
	entries := bigEntries(1_000_000)
	for _, tc := range []struct{ listed, chunked bool }{{true, false}, {false, false}, {true, true}} {
		listed := tc.listed
		s := newCRLServer(t)
		s.chunked = tc.chunked
		p := newCkPKI(t, func(l *x509.Certificate) { l.CRLDistributionPoints = []string{s.base + "/crl"} })
		crl := p.bigCRL(t, entries, listed)
		s.put("/crl", crl)
		gw := p.gateway(t, nil, nil)
		var rep *checks.Report
		start := time.Now()
		peak := peakHeap(func() { rep = runClock(t, gw, p.root, 0, checks.Options{}) })
		took := time.Since(start)
		t.Logf("CRL %.1f MB, listed %v, chunked %v: peak heap %.1f MiB above the start, %v, crl fetch+check %d ms",
			float64(len(crl))/1e6, listed, tc.chunked, float64(peak)/(1<<20), took.Round(time.Millisecond), rep.Timings["revocation"])
		if peak > 100<<20 {
			t.Errorf("peak heap %d MiB, want under 100", peak>>20)
		}
		if !tc.chunked && peak > uint64(len(crl))*3/2 {
			t.Errorf("peak heap %d MiB for a CRL of announced size %d MiB: it should be read into one buffer", peak>>20, len(crl)>>20)
		}
		want := checks.OK
		if listed {
			want = checks.Revoked
		}
		if rep.Primary != want {
			t.Errorf("primary %s, want %s (%s) %+v", rep.Primary, want, ids(rep), find(rep, checks.RevocationUnknown))
		}
	}
}

// A CRL for end entities only says nothing about an intermediate CA, even
// when it lists its serial.
func TestCRLScopeEndEntitiesOnlyForACA(t *testing.T) {
	s := newCRLServer(t)
	p := &ckPKI{rootKey: ckKey(t), icaKey: ckKey(t), leafKey: ckKey(t)}
	rt := ckCA("Clock Test Root", currentTime.Add(-year), currentTime.Add(10*year))
	p.root = ckCert(t, rt, rt, &p.rootKey.PublicKey, p.rootKey)
	it := ckCA("Clock Test Issuing CA", currentTime.Add(-year), currentTime.Add(5*year))
	it.CRLDistributionPoints = []string{s.base + "/crl"}
	p.ica = ckCert(t, it, p.root, &p.icaKey.PublicKey, p.rootKey)
	ckSerial++
	p.leaf = ckCert(t, &x509.Certificate{
		SerialNumber: big.NewInt(ckSerial), Subject: pkix.Name{CommonName: "127.0.0.1"},
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")},
		NotBefore:   currentTime.AddDate(0, -1, 0), NotAfter: currentTime.AddDate(0, 2, 0),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}, p.ica, &p.leafKey.PublicKey, p.icaKey)
	entry := x509.RevocationListEntry{SerialNumber: p.ica.SerialNumber, RevocationTime: currentTime.Add(-48 * time.Hour), ReasonCode: 1}
	s.put("/crl", p.crl(t, crlSpec{issuer: p.root, key: p.rootKey, ext: []pkix.Extension{idpExt(s.base+"/crl", 1)},
		entries: []x509.RevocationListEntry{entry}}))
	rep := runClock(t, p.gateway(t, nil, nil), p.root, 0, checks.Options{})
	f := find(rep, checks.RevocationUnknown)
	if rep.Primary == checks.Revoked || f == nil || !strings.Contains(f.Detail, "only end-entity") {
		t.Fatalf("primary %s (%s): %+v", rep.Primary, ids(rep), f)
	}
}
