package checks

import (
	"bytes"
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/md5"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/json"
	"io"
	"math/big"
	"net"
	"net/http"
	"os"
	"slices"
	"strings"
	"testing"
	"time"
)

// Table tests of the engine's judgement of a chain (judgeChain: path
// building and every certificate check), in the style of crypto/x509's
// verify_test.go: certificates made here, a fixed clock, one row each.

var judgeTime = time.Date(2026, 6, 15, 9, 30, 0, 0, time.UTC)

type kc struct {
	cert *x509.Certificate
	key  crypto.Signer
}

func mk(t testing.TB, tmpl *x509.Certificate, key crypto.Signer, parent *kc) *kc {
	t.Helper()
	if key == nil {
		k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		key = k
	}
	tmpl.SerialNumber = big.NewInt(time.Now().UnixNano())
	if tmpl.NotBefore.IsZero() {
		tmpl.NotBefore, tmpl.NotAfter = judgeTime.AddDate(0, -1, 0), judgeTime.AddDate(0, 11, 0)
	}
	signer, issuer := key, tmpl
	if parent != nil {
		signer, issuer = parent.key, parent.cert
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, issuer, key.Public(), signer)
	if err != nil {
		t.Fatal(err)
	}
	c, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return &kc{c, key}
}

// mk2 is mk for a certificate crypto/x509 cannot read back: it is read
// with the engine's own parser.
func mk2(t testing.TB, tmpl *x509.Certificate, parent *kc) *x509.Certificate {
	t.Helper()
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl.SerialNumber = big.NewInt(time.Now().UnixNano())
	tmpl.NotBefore, tmpl.NotAfter = judgeTime.AddDate(0, -1, 0), judgeTime.AddDate(0, 11, 0)
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent.cert, key.Public(), parent.key)
	if err != nil {
		t.Fatal(err)
	}
	c, err := ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func caTmpl(name string) *x509.Certificate {
	return &x509.Certificate{Subject: pkix.Name{CommonName: name}, BasicConstraintsValid: true, IsCA: true,
		KeyUsage: x509.KeyUsageCertSign, MaxPathLen: -1}
}

func leafTmpl(host string) *x509.Certificate {
	t := &x509.Certificate{Subject: pkix.Name{CommonName: host}, KeyUsage: x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}, BasicConstraintsValid: true}
	if ip := net.ParseIP(host); ip != nil {
		t.IPAddresses = []net.IP{ip}
	} else {
		t.DNSNames = []string{host}
	}
	return t
}

// md5Signed re-signs c's contents with MD5 (crypto/x509 refuses to), by
// parent's RSA key.
func md5Signed(t testing.TB, c *x509.Certificate, parent *rsa.PrivateKey) *x509.Certificate {
	t.Helper()
	md5RSA := pkix.AlgorithmIdentifier{Algorithm: asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 4}, Parameters: asn1.NullRawValue}
	// Replace the inner signature algorithm by walking the TBS fields.
	var fields []asn1.RawValue
	var outer asn1.RawValue
	if _, err := asn1.Unmarshal(c.RawTBSCertificate, &outer); err != nil {
		t.Fatal(err)
	}
	for rest := outer.Bytes; len(rest) > 0; {
		var f asn1.RawValue
		var err error
		if rest, err = asn1.Unmarshal(rest, &f); err != nil {
			t.Fatal(err)
		}
		fields = append(fields, f)
	}
	algDER, _ := asn1.Marshal(md5RSA)
	var body []byte
	for i, f := range fields {
		if i == 2 { // version, serial, signature
			body = append(body, algDER...)
			continue
		}
		body = append(body, f.FullBytes...)
	}
	newTBS, _ := asn1.Marshal(asn1.RawValue{Tag: asn1.TagSequence, IsCompound: true, Bytes: body})
	sum := md5.Sum(newTBS)
	sig, err := rsa.SignPKCS1v15(rand.Reader, parent, crypto.MD5, sum[:])
	if err != nil {
		t.Fatal(err)
	}
	der, err := asn1.Marshal(struct {
		TBS    asn1.RawValue
		Alg    pkix.AlgorithmIdentifier
		BitStr asn1.BitString
	}{asn1.RawValue{FullBytes: newTBS}, md5RSA, asn1.BitString{Bytes: sig, BitLength: len(sig) * 8}})
	if err != nil {
		t.Fatal(err)
	}
	out, err := ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// stubAIA serves certificates by URL, as a round-tripper.
type stubAIA map[string][]byte

func (s stubAIA) RoundTrip(req *http.Request) (*http.Response, error) {
	body, ok := s[req.URL.String()]
	if !ok {
		return &http.Response{StatusCode: 404, Status: "404 Not Found", Body: io.NopCloser(strings.NewReader("")), Request: req}, nil
	}
	return &http.Response{StatusCode: 200, Status: "200 OK", Body: io.NopCloser(bytes.NewReader(body)), ContentLength: int64(len(body)), Request: req}, nil
}

type judgeCase struct {
	name string
	host string
	// setup returns what the server sends, the store, and the AIA server.
	setup func(t testing.TB) (sent []*x509.Certificate, pool *trustPool, aia stubAIA)
	want  ID
	// check, when set, looks further.
	check func(t *testing.T, v chainVerdict)
}

func rootPool(roots ...*kc) *trustPool {
	p := &trustPool{}
	for _, r := range roots {
		p.roots = append(p.roots, StoreCert{Cert: r.cert, Origin: "test store"})
	}
	return p
}

var judgeCases = []judgeCase{
	{
		name: "expired and renewed intermediate sent together",
		setup: func(t testing.TB) ([]*x509.Certificate, *trustPool, stubAIA) {
			root := mk(t, caTmpl("Root"), nil, nil)
			oldT := caTmpl("ICA")
			oldT.NotBefore, oldT.NotAfter = judgeTime.AddDate(-3, 0, 0), judgeTime.AddDate(0, 0, -2)
			old := mk(t, oldT, nil, root)
			renewed := mk(t, caTmpl("ICA"), old.key, root)
			leaf := mk(t, leafTmpl("vpn.example"), nil, old)
			return []*x509.Certificate{leaf.cert, old.cert, renewed.cert}, rootPool(root), nil
		},
		want: OK,
		check: func(t *testing.T, v chainVerdict) {
			if len(v.candidates) != 2 || !v.best.links[1].cert.NotAfter.After(judgeTime) {
				t.Errorf("%d candidates; best intermediate valid until %s", len(v.candidates), v.best.links[1].cert.NotAfter)
			}
			if len(v.infos) != 2 || !v.infos[0].Chosen || len(v.infos[0].Faults) != 0 || !slices.Contains(v.infos[1].Faults, CertExpired) {
				t.Errorf("candidate paths for the report: %+v", v.infos)
			}
		},
	},
	{
		name: "no valid path: the best failing one is explained",
		setup: func(t testing.TB) ([]*x509.Certificate, *trustPool, stubAIA) {
			root := mk(t, caTmpl("Root"), nil, nil)
			oldT := caTmpl("ICA")
			oldT.NotBefore, oldT.NotAfter = judgeTime.AddDate(-3, 0, 0), judgeTime.AddDate(0, 0, -2)
			old := mk(t, oldT, nil, root)
			notCA := caTmpl("ICA")
			notCA.IsCA, notCA.KeyUsage = false, x509.KeyUsageDigitalSignature
			other := mk(t, notCA, old.key, root)
			leaf := mk(t, leafTmpl("vpn.example"), nil, old)
			return []*x509.Certificate{leaf.cert, old.cert, other.cert}, rootPool(root), nil
		},
		want: CertExpired,
		check: func(t *testing.T, v chainVerdict) {
			f := findIn(v.cert, CertExpired)
			if f == nil || !strings.Contains(f.Detail, "none of the 2 candidate paths is valid") {
				t.Errorf("detail: %+v", f)
			}
		},
	},
	{
		name: "cross-sign migration: the right intermediate in the store's intermediates",
		setup: func(t testing.TB) ([]*x509.Certificate, *trustPool, stubAIA) {
			oldRoot := mk(t, caTmpl("Old Root"), nil, nil)
			newRoot := mk(t, caTmpl("New Root"), nil, nil)
			ica := mk(t, caTmpl("ICA"), nil, oldRoot)
			icaNew := mk(t, caTmpl("ICA"), ica.key, newRoot)
			leaf := mk(t, leafTmpl("vpn.example"), nil, ica)
			p := rootPool(newRoot)
			p.intermediates = []StoreCert{{Cert: icaNew.cert, Origin: "CA"}}
			return []*x509.Certificate{leaf.cert, ica.cert}, p, nil
		},
		want: OK,
		check: func(t *testing.T, v chainVerdict) {
			if l := v.best.links[1]; l.source != FromStore || l.origin != "CA" {
				t.Errorf("intermediate from %s %q, want the store's CA list", l.source, l.origin)
			}
		},
	},
	{
		name: "40 intermediates deep",
		setup: func(t testing.TB) ([]*x509.Certificate, *trustPool, stubAIA) {
			root := mk(t, caTmpl("Root"), nil, nil)
			parent, sent := root, []*x509.Certificate{}
			for i := 0; i < 40; i++ {
				parent = mk(t, caTmpl("ICA "+strings.Repeat("I", i+1)), nil, parent)
				sent = append([]*x509.Certificate{parent.cert}, sent...)
			}
			leaf := mk(t, leafTmpl("vpn.example"), nil, parent)
			return append([]*x509.Certificate{leaf.cert}, sent...), rootPool(root), nil
		},
		want: OK,
		check: func(t *testing.T, v chainVerdict) {
			if len(v.best.links) != 42 {
				t.Errorf("path of %d certificates, want 42", len(v.best.links))
			}
		},
	},
	{
		name: "bad signature: the sent intermediate has the name but not the key",
		setup: func(t testing.TB) ([]*x509.Certificate, *trustPool, stubAIA) {
			root := mk(t, caTmpl("Root"), nil, nil)
			ica := mk(t, caTmpl("ICA"), nil, root)
			it := caTmpl("ICA")
			it.SubjectKeyId = ica.cert.SubjectKeyId
			impostor := mk(t, it, nil, root)
			leaf := mk(t, leafTmpl("vpn.example"), nil, ica)
			return []*x509.Certificate{leaf.cert, impostor.cert}, rootPool(root), nil
		},
		want: BadSignature,
	},
	{
		name: "intermediate marked CA:FALSE",
		setup: func(t testing.TB) ([]*x509.Certificate, *trustPool, stubAIA) {
			root := mk(t, caTmpl("Root"), nil, nil)
			it := caTmpl("ICA")
			it.IsCA, it.KeyUsage = false, x509.KeyUsageDigitalSignature
			ica := mk(t, it, nil, root)
			leaf := mk(t, leafTmpl("vpn.example"), nil, ica)
			return []*x509.Certificate{leaf.cert, ica.cert}, rootPool(root), nil
		},
		want: NotCA,
	},
	{
		name: "intermediate without basicConstraints",
		setup: func(t testing.TB) ([]*x509.Certificate, *trustPool, stubAIA) {
			root := mk(t, caTmpl("Root"), nil, nil)
			it := caTmpl("ICA")
			it.BasicConstraintsValid, it.IsCA = false, false
			ica := mk(t, it, nil, root)
			leaf := mk(t, leafTmpl("vpn.example"), nil, ica)
			return []*x509.Certificate{leaf.cert, ica.cert}, rootPool(root), nil
		},
		want: NotCA,
	},
	{
		name: "path length exceeded",
		setup: func(t testing.TB) ([]*x509.Certificate, *trustPool, stubAIA) {
			rt := caTmpl("Root")
			rt.MaxPathLen, rt.MaxPathLenZero = 0, true
			root := mk(t, rt, nil, nil)
			ica := mk(t, caTmpl("ICA"), nil, root)
			leaf := mk(t, leafTmpl("vpn.example"), nil, ica)
			return []*x509.Certificate{leaf.cert, ica.cert}, rootPool(root), nil
		},
		want: PathTooLong,
	},
	{
		name: "IP SAN outside the permitted IP range",
		host: "192.0.2.10",
		setup: func(t testing.TB) ([]*x509.Certificate, *trustPool, stubAIA) {
			root := mk(t, caTmpl("Root"), nil, nil)
			it := caTmpl("ICA")
			_, n, _ := net.ParseCIDR("198.51.100.0/24")
			it.PermittedIPRanges = []*net.IPNet{n}
			ica := mk(t, it, nil, root)
			leaf := mk(t, leafTmpl("192.0.2.10"), nil, ica)
			return []*x509.Certificate{leaf.cert, ica.cert}, rootPool(root), nil
		},
		want: NameConstraints,
		check: func(t *testing.T, v chainVerdict) {
			if f := findIn(v.cert, NameConstraints); f == nil || !strings.Contains(f.Evidence[EvConstraint], "198.51.100.0/24") {
				t.Errorf("constraint evidence: %+v", f)
			}
		},
	},
	{
		name: "IP SAN in an excluded IP range",
		host: "vpn.example",
		setup: func(t testing.TB) ([]*x509.Certificate, *trustPool, stubAIA) {
			root := mk(t, caTmpl("Root"), nil, nil)
			it := caTmpl("ICA")
			_, n, _ := net.ParseCIDR("10.0.0.0/8")
			it.ExcludedIPRanges = []*net.IPNet{n}
			ica := mk(t, it, nil, root)
			lt := leafTmpl("vpn.example")
			lt.IPAddresses = []net.IP{net.ParseIP("10.1.2.3")}
			leaf := mk(t, lt, nil, ica)
			return []*x509.Certificate{leaf.cert, ica.cert}, rootPool(root), nil
		},
		want: NameConstraints,
	},
	{
		name: "MD5-signed leaf is read and named",
		setup: func(t testing.TB) ([]*x509.Certificate, *trustPool, stubAIA) {
			rk, err := rsa.GenerateKey(rand.Reader, 2048)
			if err != nil {
				t.Fatal(err)
			}
			root := mk(t, caTmpl("Root"), rk, nil)
			leaf := mk(t, leafTmpl("vpn.example"), nil, root)
			return []*x509.Certificate{md5Signed(t, leaf.cert, rk)}, rootPool(root), nil
		},
		want: WeakSignature,
		check: func(t *testing.T, v chainVerdict) {
			if f := findIn(v.cert, WeakSignature); f == nil || !strings.Contains(f.Evidence[EvSigAlg], "MD5") {
				t.Errorf("weak signature evidence: %+v", f)
			}
			if v.best.end != endTrusted {
				t.Errorf("the MD5 signature verifies, so the path should reach the root; end %d", v.best.end)
			}
		},
	},
	{
		name: "a subjectAltName neither parser reads: valid for no name, and said so",
		setup: func(t testing.TB) ([]*x509.Certificate, *trustPool, stubAIA) {
			root := mk(t, caTmpl("Root"), nil, nil)
			san, _ := asn1.Marshal([]asn1.RawValue{{Tag: 7, Class: asn1.ClassContextSpecific, Bytes: []byte("127.0.0.1")}})
			lt := leafTmpl("vpn.example")
			lt.DNSNames = nil
			lt.ExtraExtensions = []pkix.Extension{{Id: asn1.ObjectIdentifier{2, 5, 29, 17}, Value: san}}
			leaf := mk2(t, lt, root)
			return []*x509.Certificate{leaf}, rootPool(root), nil
		},
		want: HostnameMismatch,
		check: func(t *testing.T, v chainVerdict) {
			if f := findIn(v.cert, HostnameMismatch); f == nil || f.Evidence[EvDNSNames] != "(unreadable)" {
				t.Errorf("hostname evidence: %+v", f)
			}
			if v.best.end != endTrusted {
				t.Errorf("the rest of the certificate is sound: end %d", v.best.end)
			}
		},
	},
	{
		name: "missing intermediate found by AIA (stub round-tripper)",
		setup: func(t testing.TB) ([]*x509.Certificate, *trustPool, stubAIA) {
			root := mk(t, caTmpl("Root"), nil, nil)
			ica := mk(t, caTmpl("ICA"), nil, root)
			lt := leafTmpl("vpn.example")
			lt.IssuingCertificateURL = []string{"http://aia.example/ica.der"}
			leaf := mk(t, lt, nil, ica)
			return []*x509.Certificate{leaf.cert}, rootPool(root), stubAIA{"http://aia.example/ica.der": ica.cert.Raw}
		},
		want: MissingIntermed,
		check: func(t *testing.T, v chainVerdict) {
			if f := findIn(v.trust, MissingIntermed); f == nil || f.Evidence[EvAIAURL] != "http://aia.example/ica.der" {
				t.Errorf("aia evidence: %+v", f)
			}
			if v.best.end != endTrusted {
				t.Errorf("the downloaded intermediate completes the path; end %d", v.best.end)
			}
		},
	},
}

func findIn(fs []Finding, id ID) *Finding {
	for i := range fs {
		if fs[i].ID == id {
			return &fs[i]
		}
	}
	return nil
}

func TestJudgeChain(t *testing.T) {
	for _, tc := range judgeCases {
		t.Run(tc.name, func(t *testing.T) {
			sent, pool, aia := tc.setup(t)
			host := tc.host
			if host == "" {
				host = "vpn.example"
			}
			r := &run{opts: withDefaults(Options{HTTPClient: &http.Client{Transport: aia}}), timings: map[string]int64{}}
			clock := ClockInfo{Local: judgeTime}
			v := judgeChain(context.Background(), sent, pool, host, clock, r.fetchIssuers)
			fs := append(append([]Finding{}, v.cert...), v.trust...)
			if !hasFail(fs) {
				fs = append(fs, crossCheck(v, sent, host, clock)...)
			}
			if got := choosePrimary(fs); got != tc.want {
				t.Fatalf("primary %s, want %s; %s", got, tc.want, summary(fs))
			}
			if tc.check != nil {
				tc.check(t, v)
			}
			guideEvidence(t, fs)
		})
	}
}

// guideEvidence asserts that every failure carries the evidence the fix
// guide declares for its id (findings.json).
func guideEvidence(t *testing.T, fs []Finding) {
	t.Helper()
	data, err := os.ReadFile("../assets/guide/findings.json")
	if err != nil {
		t.Fatal(err)
	}
	var decl map[string]struct{ Evidence []string }
	if err := json.Unmarshal(data, &decl); err != nil {
		t.Fatal(err)
	}
	for _, f := range fs {
		d, ok := decl[string(f.ID)]
		if !ok {
			t.Errorf("%s has no guide entry", f.ID)
		}
		for _, k := range d.Evidence {
			if f.Evidence[k] == "" && k != EvHost && k != EvPort {
				t.Errorf("%s lacks evidence %q", f.ID, k)
			}
		}
	}
}
