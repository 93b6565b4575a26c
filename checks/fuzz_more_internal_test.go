package checks

import (
	"context"
	"crypto/rand"
	"crypto/x509"
	"encoding/binary"
	"math/big"
	"net"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// FuzzParseCRL reads a CRL as a distribution point serves it (our own
// parser, cryptobyte over hostile bytes), looks the leaf up in it and
// judges it as a full and as a delta CRL (issue 16, item 7).
func FuzzParseCRL(f *testing.F) {
	p := fuzzPKI()
	now := time.Date(2026, 6, 15, 9, 30, 0, 0, time.UTC)
	// The fuzz CA again (same name and key), allowed to sign CRLs.
	tmpl := *p.issuer
	tmpl.KeyUsage |= x509.KeyUsageCRLSign
	caDER, err := x509.CreateCertificate(rand.Reader, &tmpl, &tmpl, &p.key.PublicKey, p.key)
	if err != nil {
		f.Fatal(err)
	}
	issuer, _ := x509.ParseCertificate(caDER)
	der, err := x509.CreateRevocationList(rand.Reader, &x509.RevocationList{
		Number: big.NewInt(7), ThisUpdate: now.Add(-time.Hour), NextUpdate: now.Add(24 * time.Hour),
		RevokedCertificateEntries: []x509.RevocationListEntry{
			{SerialNumber: big.NewInt(2), RevocationTime: now.Add(-2 * time.Hour), ReasonCode: 1},
			{SerialNumber: big.NewInt(99), RevocationTime: now.Add(-3 * time.Hour)},
		},
	}, issuer, p.key)
	if err != nil {
		f.Fatal(err)
	}
	if d, err := parseCRL(der); err != nil || judgeCRL(d, p.leaf, issuer, "http://ca.example.com/ca.crl", now, false) != nil {
		f.Fatalf("the seed CRL is not read as good: %v", err)
	}
	f.Add(der)
	f.Add(der[:len(der)/2])
	f.Add([]byte("-----BEGIN X509 CRL-----\nMAA=\n-----END X509 CRL-----\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		d, err := parseCRL(data)
		if err != nil {
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		_, _ = d.lookup(ctx, p.leaf.SerialNumber)
		_ = judgeCRL(d, p.leaf, issuer, "http://ca.example.com/ca.crl", now, false)
		_ = judgeCRL(d, p.leaf, issuer, "http://ca.example.com/ca.crl", now, true)
	})
}

// fuzzNTP is a time server on loopback that answers every query with the
// bytes it is given, the query's transmit time copied into the origin
// field (as a real server does, so that the answer is read past the
// client's origin check).
var fuzzNTP = sync.OnceValues(func() (*net.UDPConn, *atomic.Pointer[[]byte]) {
	pc, err := net.ListenUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		panic(err)
	}
	var answer atomic.Pointer[[]byte]
	go func() {
		buf := make([]byte, 1500)
		for {
			n, from, err := pc.ReadFromUDP(buf)
			if err != nil {
				return
			}
			out := append([]byte(nil), *answer.Load()...)
			if len(out) >= 48 && n >= 48 {
				copy(out[24:32], buf[40:48])
			}
			_, _ = pc.WriteToUDP(out, from)
		}
	}()
	return pc, &answer
})

// ntpStamp is t in NTP's 64-bit format.
func ntpStamp(t time.Time) []byte {
	secs := uint64(t.Unix()) + 2208988800
	frac := uint64(t.Nanosecond()) << 32 / 1e9
	b := make([]byte, 8)
	binary.BigEndian.PutUint64(b, secs<<32|frac)
	return b
}

// FuzzNTPAnswer: whatever a time server answers is judged (validity,
// plausibility, the majority of three) without a panic, and an answer is
// either an offset or an error (issue 16, item 7).
func FuzzNTPAnswer(f *testing.F) {
	now := time.Date(2026, 6, 15, 9, 30, 0, 0, time.UTC)
	good := make([]byte, 48)
	good[0], good[1], good[2], good[3] = 0x24, 2, 6, 0xec // v4 server, stratum 2
	copy(good[12:16], "GPS\x00")
	copy(good[16:24], ntpStamp(now.Add(-time.Minute)))
	copy(good[32:40], ntpStamp(now.Add(90*time.Second)))
	copy(good[40:48], ntpStamp(now.Add(90*time.Second)))
	f.Add(good)
	kod := append([]byte(nil), good...)
	kod[1] = 0 // stratum 0: a kiss-o'-death
	copy(kod[12:16], "RATE")
	f.Add(kod)
	f.Add(good[:20])
	pc, answer := fuzzNTP()
	addr := pc.LocalAddr().String()
	answer.Store(&good)
	r := &run{opts: withDefaults(Options{Now: func() time.Time { return now }})}
	if a := r.askTimeServer(addr, time.Second); a.err != "" || a.offset < time.Minute {
		f.Fatalf("the seed answer is not read as 90 s ahead: %+v", a)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		answer.Store(&data)
		r := &run{opts: withDefaults(Options{Now: func() time.Time { return now }})}
		a := r.askTimeServer(addr, 200*time.Millisecond)
		if a.err == "" && a.offset == 0 && a.rtt == 0 && len(data) < 48 {
			t.Fatalf("a %d-byte answer was taken as a time", len(data))
		}
		b := a
		b.server = "second"
		_, _ = consensus([]ntpAnswer{a, b, {server: "third", err: "timeout"}})
	})
}
