package checks_test

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/x509"
	"io"
	"math/big"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/crypto/ocsp"

	"github.com/vpndoctor/vpndoctor/checks"
)

// OCSP by the book: real signed answers from a responder on loopback,
// signed as the CA, as its delegate, and as certificates that must not be
// believed.

// ocspSigner is who signs an answer: the key, and the certificate embedded
// (nil: none).
type ocspSigner struct {
	key  crypto.Signer
	cert *x509.Certificate
}

// delegate makes a responder certificate issued by issuer (key ik).
func delegate(t *testing.T, issuer *x509.Certificate, ik *ecdsa.PrivateKey, eku bool, from, to time.Time) ocspSigner {
	t.Helper()
	k := ckKey(t)
	ckSerial++
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(ckSerial), Subject: issuer.Subject, NotBefore: from, NotAfter: to,
		KeyUsage: x509.KeyUsageDigitalSignature}
	tmpl.Subject.CommonName = "OCSP responder"
	if eku {
		tmpl.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageOCSPSigning}
	}
	return ocspSigner{k, ckCert(t, tmpl, issuer, &k.PublicKey, ik)}
}

// ocspAnswer signs an answer about p.leaf with status at thisUpdate/nextUpdate.
func (p *ckPKI) ocspAnswer(t *testing.T, s ocspSigner, status int, this, next time.Time) []byte {
	t.Helper()
	tmpl := ocsp.Response{SerialNumber: p.leaf.SerialNumber, Status: status, ThisUpdate: this, NextUpdate: next,
		Certificate: s.cert}
	if status == ocsp.Revoked {
		tmpl.RevokedAt, tmpl.RevocationReason = this.Add(-time.Hour), ocsp.KeyCompromise
	}
	responder := s.cert
	if responder == nil { // named as the CA, nothing embedded
		responder = p.ica
	}
	der, err := ocsp.CreateResponse(p.ica, responder, tmpl, s.key)
	if err != nil {
		t.Fatal(err)
	}
	return der
}

// ocspResponder serves answer at /ok and 404 elsewhere, and counts the
// requests.
func ocspResponder(t *testing.T, answer *[]byte, hits *atomic.Int32) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		hits.Add(1)
		if r.URL.Path != "/ok" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/ocsp-response")
		w.Write(*answer)
	})}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return "http://" + ln.Addr().String()
}

func TestOCSPByTheBook(t *testing.T) {
	now := currentTime
	fresh := func(p *ckPKI, s ocspSigner, status int) []byte {
		return p.ocspAnswer(t, s, status, now.Add(-time.Hour), now.Add(24*time.Hour))
	}
	tests := []struct {
		name   string
		answer func(p *ckPKI) []byte
		want   checks.ID // revoked, revocation_unknown, or OK for a good answer
		why    string    // in the revocation_unknown detail
	}{
		{"signed by the CA", func(p *ckPKI) []byte { return fresh(p, ocspSigner{p.icaKey, nil}, ocsp.Revoked) }, checks.Revoked, ""},
		{"signed by the CA embedding its own certificate", func(p *ckPKI) []byte {
			return fresh(p, ocspSigner{p.icaKey, p.ica}, ocsp.Revoked)
		}, checks.Revoked, ""},
		{"signed by a proper delegate", func(p *ckPKI) []byte {
			return fresh(p, delegate(t, p.ica, p.icaKey, true, now.Add(-time.Hour*48), now.Add(time.Hour*48)), ocsp.Revoked)
		}, checks.Revoked, ""},
		{"proper delegate, good", func(p *ckPKI) []byte {
			return fresh(p, delegate(t, p.ica, p.icaKey, true, now.Add(-time.Hour*48), now.Add(time.Hour*48)), ocsp.Good)
		}, checks.OK, ""},
		{"forged by an undelegated sibling", func(p *ckPKI) []byte {
			return fresh(p, delegate(t, p.ica, p.icaKey, false, now.Add(-time.Hour*48), now.Add(time.Hour*48)), ocsp.Revoked)
		}, checks.RevocationUnknown, "id-kp-OCSPSigning"},
		{"forged good by an undelegated sibling", func(p *ckPKI) []byte {
			return fresh(p, delegate(t, p.ica, p.icaKey, false, now.Add(-time.Hour*48), now.Add(time.Hour*48)), ocsp.Good)
		}, checks.RevocationUnknown, "id-kp-OCSPSigning"},
		{"delegate of another CA", func(p *ckPKI) []byte {
			return fresh(p, delegate(t, p.root, p.rootKey, true, now.Add(-time.Hour*48), now.Add(time.Hour*48)), ocsp.Revoked)
		}, checks.RevocationUnknown, "did not issue"},
		{"delegate certified by another CA of the same name", func(p *ckPKI) []byte {
			k := ckKey(t)
			tmpl := ckCA("Clock Test Issuing CA", now.Add(-year), now.Add(year))
			twin := ckCert(t, tmpl, tmpl, &k.PublicKey, k)
			return fresh(p, delegate(t, twin, k, true, now.Add(-time.Hour*48), now.Add(time.Hour*48)), ocsp.Revoked)
		}, checks.RevocationUnknown, "is not signed by"},
		{"delegate expired at the true time", func(p *ckPKI) []byte {
			return fresh(p, delegate(t, p.ica, p.icaKey, true, now.Add(-time.Hour*48), now.Add(-time.Hour*2)), ocsp.Revoked)
		}, checks.RevocationUnknown, "not valid at"},
		{"signed by an unrelated key", func(p *ckPKI) []byte { return fresh(p, ocspSigner{ckKey(t), nil}, ocsp.Revoked) }, checks.RevocationUnknown, "not signed by"},
		{"stale", func(p *ckPKI) []byte {
			return p.ocspAnswer(t, ocspSigner{p.icaKey, nil}, ocsp.Revoked, now.Add(-72*time.Hour), now.Add(-time.Hour))
		}, checks.RevocationUnknown, "stale"},
		{"no nextUpdate, a month old", func(p *ckPKI) []byte {
			return p.ocspAnswer(t, ocspSigner{p.icaKey, nil}, ocsp.Revoked, now.Add(-30*24*time.Hour), time.Time{})
		}, checks.RevocationUnknown, "no next update"},
		{"no nextUpdate, a day old", func(p *ckPKI) []byte {
			return p.ocspAnswer(t, ocspSigner{p.icaKey, nil}, ocsp.Good, now.Add(-24*time.Hour), time.Time{})
		}, checks.OK, ""},
		{"dated in the future", func(p *ckPKI) []byte {
			return p.ocspAnswer(t, ocspSigner{p.icaKey, nil}, ocsp.Revoked, now.Add(24*time.Hour), now.Add(48*time.Hour))
		}, checks.RevocationUnknown, "future"},
	}
	for _, tt := range tests {
		for _, stapled := range []bool{false, true} {
			name := tt.name
			if stapled {
				name += " (stapled)"
			}
			t.Run(name, func(t *testing.T) {
				var hits atomic.Int32
				var answer []byte
				base := ocspResponder(t, &answer, &hits)
				p := newCkPKI(t, func(l *x509.Certificate) {
					if !stapled { // every address is tried: the first answers 404
						l.OCSPServer = []string{base + "/missing", base + "/ok"}
					}
				})
				answer = tt.answer(p)
				gw := p.gateway(t, nil, nil)
				if stapled {
					gw = p.gateway(t, nil, answer)
				}
				rep := runClock(t, gw, p.root, 0, checks.Options{})
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
				if n := hits.Load(); !stapled && n < 2 {
					t.Errorf("%d OCSP requests, want both addresses tried", n)
				}
			})
		}
	}
}

// NTP blocked and no HTTP on the gateway: the date of the OCSP answer it
// staples shows this PC's clock three years behind.
func TestClockFromStapledOCSP(t *testing.T) {
	p := newCkPKI(t, nil)
	staple := p.ocspAnswer(t, ocspSigner{p.icaKey, nil}, ocsp.Good, currentTime.Add(-time.Hour), currentTime.Add(24*time.Hour))
	gw := p.gateway(t, nil, staple)
	rep := runClock(t, gw, p.root, -3*year, checks.Options{NTPServer: closedUDP(t)})
	c := rep.Clock
	if !c.Known || c.Source != checks.ClockOCSP || !c.True.Equal(currentTime.Add(-time.Hour)) {
		t.Fatalf("clock %+v, want the stapled answer's date", c)
	}
	if rep.Primary != checks.ClockSkew || find(rep, checks.CertNotYetValid) != nil {
		t.Errorf("primary %s (%s)", rep.Primary, ids(rep))
	}
	// A staple by an undelegated sibling says nothing about the time.
	sib := delegate(t, p.ica, p.icaKey, false, currentTime.Add(-48*time.Hour), currentTime.Add(48*time.Hour))
	gw = p.gateway(t, nil, p.ocspAnswer(t, sib, ocsp.Good, currentTime.Add(-time.Hour), currentTime.Add(24*time.Hour)))
	rep = runClock(t, gw, p.root, -3*year, checks.Options{NTPServer: closedUDP(t)})
	if rep.Clock.Known {
		t.Errorf("a forged staple set the clock: %+v", rep.Clock)
	}
}
