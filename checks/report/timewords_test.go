package report_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
	"net"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/vpndoctor/vpndoctor/checks"
	"github.com/vpndoctor/vpndoctor/checks/guide"
	"github.com/vpndoctor/vpndoctor/checks/report"
)

// clockGateway is a TLS server on loopback whose chain (a root and a leaf
// for 127.0.0.1) is valid from notBefore to notAfter; with httpDate it
// answers HTTP, with the Date header Go's server writes (the real time).
func clockGateway(t *testing.T, notBefore, notAfter time.Time, httpDate bool) (checks.Target, *x509.Certificate) {
	t.Helper()
	rootKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	leafKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	rootT := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "Clock Test Root"},
		NotBefore: notBefore, NotAfter: notAfter, IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageCRLSign}
	rootDER, err := x509.CreateCertificate(rand.Reader, rootT, rootT, &rootKey.PublicKey, rootKey)
	if err != nil {
		t.Fatal(err)
	}
	root, _ := x509.ParseCertificate(rootDER)
	leafT := &x509.Certificate{SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "127.0.0.1"},
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}, NotBefore: notBefore, NotAfter: notAfter,
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	leafDER, err := x509.CreateCertificate(rand.Reader, leafT, root, &leafKey.PublicKey, rootKey)
	if err != nil {
		t.Fatal(err)
	}
	cfg := &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{leafDER, rootDER}, PrivateKey: leafKey}}}
	ln, err := tls.Listen("tcp", "127.0.0.1:0", cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	if httpDate {
		srv := &http.Server{Handler: http.HandlerFunc(func(http.ResponseWriter, *http.Request) {})}
		go func() { _ = srv.Serve(ln) }()
		t.Cleanup(func() { srv.Close() })
	} else {
		go func() {
			for {
				c, err := ln.Accept()
				if err != nil {
					return
				}
				go func() { _ = c.(*tls.Conn).Handshake(); c.Close() }()
			}
		}()
	}
	target, err := checks.ParseTarget(ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	return target, root
}

// closedNTP is a UDP address nothing listens on: the time server refuses.
func closedNTP(t *testing.T) string {
	t.Helper()
	c, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := c.LocalAddr().String()
	c.Close()
	return addr
}

// exactTime is "the correct time is 30 Nov…": a reading, not a bound.
var exactTime = regexp.MustCompile(`correct time is [0-9]|correct: [0-9]|正しい時刻は [0-9][^。）]*[0-9] です|正しい時刻：[0-9][^、）]*[0-9]）`)

// When no time server answers, the guide never calls an estimate "the
// correct time", names where the time came from, and never says the clock
// was checked against the time server that failed.
func TestClockWordsSayWhereTheTimeCameFrom(t *testing.T) {
	now := time.Now()
	for _, c := range []struct {
		name       string
		local      time.Time // this computer's clock
		httpDate   bool
		source     string
		en, ja     []string // in the meaning and what to tell IT
		neverEN    []string
		primary    checks.ID
		ntpFinding string // what ntp_unavailable's meaning says
		ntpFindJA  string
	}{
		{name: "no source, clock behind", local: now.Add(-3 * 365 * 24 * time.Hour), source: "",
			en:      []string{"judging by the validity dates of the certificates, the correct time is no earlier than", "correct: no earlier than"},
			ja:      []string{"証明書の有効期間によると、正しい時刻は", "以降です。"},
			primary: checks.ClockSkew, ntpFinding: "judged by this device's own clock", ntpFindJA: "この端末自身の時計で判断しました"},
		{name: "no source, clock ahead", local: now.Add(3 * 365 * 24 * time.Hour), source: "",
			en: []string{"judging by the validity dates of the certificates, the correct time is no later than"},
			ja: []string{"以前です。"}, primary: checks.ClockSkew},
		{name: "gateway's Date header", local: now.Add(-3 * 365 * 24 * time.Hour), httpDate: true, source: checks.ClockHTTPDate,
			en: []string{"judging by the VPN server's clock, the correct time is " + "", "correct: "}, ja: []string{"VPNサーバーの時計によると、正しい時刻は"},
			neverEN: []string{"no earlier than", "was used for the check"}, primary: checks.ClockSkew,
			ntpFinding: "Certificate dates were judged by the VPN server's clock.", ntpFindJA: "証明書の日付はVPNサーバーの時計で判断しました。"},
	} {
		t.Run(c.name, func(t *testing.T) {
			target, root := clockGateway(t, now.Add(-24*time.Hour), now.Add(365*24*time.Hour), c.httpDate)
			local, t0 := c.local, time.Now()
			rep := checks.Run(context.Background(), target, checks.Options{
				Now:          func() time.Time { return local.Add(time.Since(t0)) },
				NTPServer:    closedNTP(t),
				Trust:        checks.StaticStore{Name: "test", Roots: []*x509.Certificate{root}},
				EarliestTime: now.Add(-10 * 365 * 24 * time.Hour),
				Timeout:      5 * time.Second,
			})
			if rep.Primary != c.primary || rep.Clock.Source != c.source {
				t.Fatalf("primary %s, clock %+v; findings %+v", rep.Primary, rep.Clock, rep.Findings)
			}
			for _, lang := range []guide.Lang{guide.En, guide.Ja} {
				v := view(lang)
				g := report.PrimaryText(report.Sanitize(rep), v)
				said := g.Meaning + "\n" + g.TellIT + "\n" + strings.Join(g.ITFix, "\n")
				want, never := c.en, append([]string{"was used for the check"}, c.neverEN...)
				if lang == guide.Ja {
					want, never = c.ja, []string{"を使いました"}
				}
				for _, w := range want {
					if !strings.Contains(said, w) {
						t.Errorf("%s: does not say %q:\n%s", lang, w, said)
					}
				}
				for _, n := range never {
					if strings.Contains(said, n) {
						t.Errorf("%s: says %q:\n%s", lang, n, said)
					}
				}
				if c.source == "" && exactTime.MatchString(said) {
					t.Errorf("%s: an estimate is called the correct time:\n%s", lang, said)
				}
				if c.ntpFinding == "" {
					continue
				}
				for _, f := range report.Sanitize(rep).Findings {
					if f.ID != checks.NTPUnavailable {
						continue
					}
					m, w := report.Guide(f, v).Meaning, c.ntpFinding
					if lang == guide.Ja {
						w = c.ntpFindJA
					}
					if !strings.Contains(m, w) || strings.Contains(m, "did not answer") {
						t.Errorf("%s: ntp_unavailable says %q", lang, m)
					}
				}
			}
			// The engine's JSON keeps its own evidence.
			for _, f := range rep.Findings {
				if _, ok := f.Evidence[report.EvTimeSource]; ok {
					t.Errorf("the report itself was changed: %+v", f.Evidence)
				}
			}
		})
	}
}

// With the time from the time servers, the guide gives the correct time
// and the server it came from.
func TestClockWordsWithTheTimeServer(t *testing.T) {
	rep := diagnose(t, "clock_ahead")
	if rep.Primary != checks.ClockSkew || rep.Clock.Source != checks.ClockNTP {
		t.Fatalf("primary %s, clock %+v", rep.Primary, rep.Clock)
	}
	g := report.PrimaryText(report.Sanitize(rep), view(guide.En))
	if !strings.Contains(g.Meaning, "judging by the time server, the correct time is 15 Jun 2024") ||
		strings.Contains(g.Meaning, "no earlier") || !strings.Contains(strings.Join(g.ITFix, " "), "was used for the check") {
		t.Errorf("meaning %q; IT %q", g.Meaning, g.ITFix)
	}
}
