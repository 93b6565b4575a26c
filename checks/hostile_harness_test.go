//go:build linux

package checks_test

import (
	"bufio"
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
	"net"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vpndoctor/vpndoctor/checks"
	"github.com/vpndoctor/vpndoctor/checks/guide"
	"github.com/vpndoctor/vpndoctor/checks/permissive"
	"github.com/vpndoctor/vpndoctor/checks/report"
)

// The hostile battery's harness (hostile_battery_test.go has the cases).
// Every case is a real server on loopback that misbehaves at one stage of
// a diagnosis; every diagnosis against one must show the four things a
// user of a hostile network needs:
//  1. it ends by its deadline (plus a margin for a loaded machine);
//  2. its heap grows by a bounded amount, whatever the server sends;
//  3. it leaves no goroutine of its own running once it has returned;
//  4. its headline is a plain-language finding with the expected id,
//     never empty and never a Go error string.

// hostileDeadline is the diagnosis deadline of the battery: short, since
// a third of its servers hold a diagnosis to its deadline, and still far
// longer than any step needs on loopback (tens of milliseconds).
const hostileDeadline = 1500 * time.Millisecond

// hostileMargin is how far past its deadline a diagnosis may end: the
// machine running the battery is shared and often loaded.
const hostileMargin = 2 * time.Second

// hostileHeap is the default bound on heap growth (HeapInuse above the
// start, sampled through the run): the largest download the engine allows
// is a 32 MiB CRL, and nothing in the battery should come near it.
const hostileHeap = 24 << 20

// hostileOpts are the options of a battery diagnosis: a test trust store,
// the fixed clock, the permissive probe in process, the short deadline.
func hostileOpts(roots ...*x509.Certificate) checks.Options {
	return checks.Options{
		Trust: checks.StaticStore{Name: "hostile test", Roots: roots}, Now: func() time.Time { return currentTime },
		Timeout: hostileDeadline, Permissive: permissive.Probe,
	}
}

// hostileResult is one measured diagnosis, logged as a row of the table in
// the notes.
type hostileResult struct {
	rep  *checks.Report
	took time.Duration
	peak uint64
}

// hostileCheck runs one diagnosis of addr and asserts the four bounds;
// want is the primary id expected (or one of also, where the network
// decides), heap the bound on heap growth (0 for hostileHeap).
func hostileCheck(t *testing.T, addr string, opts checks.Options, want checks.ID, heap uint64, also ...checks.ID) hostileResult {
	t.Helper()
	if heap == 0 {
		heap = hostileHeap
	}
	target, err := checks.ParseTarget(addr)
	if err != nil {
		t.Fatal(err)
	}
	before := goroutineIDs()
	var res hostileResult
	start := time.Now()
	res.peak = peakHeap(func() { res.rep = checks.Run(context.Background(), target, opts) })
	res.took = time.Since(start)
	rep := res.rep
	headline := report.Headline(rep, report.View{Lang: guide.En, OS: guide.Linux})
	t.Logf("HOSTILE %s | %v | %.1f MiB | %s | %q", t.Name(), res.took.Round(10*time.Millisecond),
		float64(res.peak)/(1<<20), rep.Primary, headline)
	if res.took > opts.Timeout+hostileMargin {
		t.Errorf("took %s with a deadline of %s", res.took, opts.Timeout)
	}
	if res.peak > heap {
		t.Errorf("heap grew by %.1f MiB, bound %.1f MiB", float64(res.peak)/(1<<20), float64(heap)/(1<<20))
	}
	if leaked := engineGoroutinesLeft(before, 3*time.Second); leaked != "" {
		t.Errorf("goroutines of the diagnosis still running after it returned:\n%s", leaked)
	}
	if f := find(rep, rep.Primary); f != nil && testing.Verbose() {
		t.Logf("primary detail: %s", f.Detail)
	}
	plainHeadline(t, rep, headline)
	if rep.Primary != want && !slices.Contains(also, rep.Primary) {
		t.Errorf("primary = %s, want %s (%s)", rep.Primary, want, ids(rep))
	}
	return res
}

// goErrorWords are what a Go error string looks like; a headline or a
// primary finding's title carrying one is not plain language.
var goErrorWords = regexp.MustCompile(`(?i)\b(tls|x509|asn1|http|net/http|dial tcp|read tcp|write tcp)\s*:|\bEOF\b|%!|<nil>|panic|goroutine`)

// plainHeadline: a primary id, a title and a headline, all plain words.
func plainHeadline(t *testing.T, rep *checks.Report, headline string) {
	t.Helper()
	if rep.Primary == "" {
		t.Fatalf("no primary finding (%s)", ids(rep))
	}
	f := find(rep, rep.Primary)
	if f == nil || strings.TrimSpace(f.Title) == "" {
		t.Fatalf("the primary %s has no finding with a title (%s)", rep.Primary, ids(rep))
	}
	for _, s := range []string{f.Title, headline} {
		if strings.TrimSpace(s) == "" || goErrorWords.MatchString(s) || strings.Contains(strings.ToLower(s), "unknown") || strings.Contains(s, "spoke none") {
			t.Errorf("headline or title is not plain language: %q", s)
		}
	}
}

// goroutineIDs lists the goroutines running now.
func goroutineIDs() map[string]bool {
	ids := map[string]bool{}
	for _, g := range goroutineStacks() {
		ids[goroutineID(g)] = true
	}
	return ids
}

func goroutineStacks() []string {
	buf := make([]byte, 1<<20)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			return strings.Split(string(buf[:n]), "\n\n")
		}
		buf = make([]byte, 2*len(buf))
	}
}

func goroutineID(stack string) string {
	head, _, _ := strings.Cut(stack, " [")
	return head
}

// serverSide are goroutines of the test's own hostile servers, not of the
// diagnosis: started by this test package, by a net/http server, by the
// practice lab's time servers.
var serverSide = regexp.MustCompile(`created by (github\.com/vpndoctor/vpndoctor/checks_test\.|github\.com/vpndoctor/vpndoctor/checks/practice\.|net/http\.\(\*Server\)\.Serve|testing\.)`)

// engineGoroutinesLeft waits up to settle for the goroutines started
// since before, other than the test servers', to end, and returns the
// stacks of those still running.
func engineGoroutinesLeft(before map[string]bool, settle time.Duration) string {
	deadline := time.Now().Add(settle)
	for {
		var left []string
		for _, g := range goroutineStacks() {
			if before[goroutineID(g)] || serverSide.MatchString(g) || strings.Contains(g, "runtime.Stack(") {
				continue
			}
			left = append(left, g)
		}
		if len(left) == 0 {
			return ""
		}
		if time.Now().After(deadline) {
			return strings.Join(left, "\n\n")
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// rawServer serves every connection with h on a plain TCP listener; the
// connections are closed when the test ends, which ends h's writes.
func rawServer(t *testing.T, h func(c net.Conn, done <-chan struct{})) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	var mu sync.Mutex
	var conns []net.Conn
	var wg sync.WaitGroup
	t.Cleanup(func() {
		close(done)
		ln.Close()
		mu.Lock()
		for _, c := range conns {
			c.Close()
		}
		mu.Unlock()
		wg.Wait()
	})
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer c.Close()
				h(c, done)
			}()
		}
	}()
	return ln.Addr().String()
}

// pause waits d or until the test ends; false when it ended.
func pause(d time.Duration, done <-chan struct{}) bool {
	select {
	case <-done:
		return false
	case <-time.After(d):
		return true
	}
}

// readRecord reads one TLS record (the ClientHello) and returns its body.
func readRecord(c net.Conn) ([]byte, error) {
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	defer c.SetReadDeadline(time.Time{})
	hdr := make([]byte, 5)
	if _, err := readFull(c, hdr); err != nil {
		return nil, err
	}
	body := make([]byte, int(hdr[3])<<8|int(hdr[4]))
	_, err := readFull(c, body)
	return body, err
}

func readFull(c net.Conn, b []byte) (int, error) {
	n := 0
	for n < len(b) {
		m, err := c.Read(b[n:])
		n += m
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

// sessionID is the legacy session id of a ClientHello record body, which a
// TLS 1.3 server echoes.
func sessionID(hello []byte) []byte {
	const at = 4 + 2 + 32 // handshake header, version, random
	if len(hello) <= at || len(hello) < at+1+int(hello[at]) {
		return nil
	}
	return hello[at+1 : at+1+int(hello[at])]
}

// record wraps a body as a TLS record of type typ.
func record(typ byte, body []byte) []byte {
	return append([]byte{typ, 3, 3, byte(len(body) >> 8), byte(len(body))}, body...)
}

// handshakeMsg wraps a body as a handshake message of type typ with the
// given length field (the body may be shorter: the rest is trickled).
func handshakeMsg(typ byte, length int, body []byte) []byte {
	return append([]byte{typ, byte(length >> 16), byte(length >> 8), byte(length)}, body...)
}

// serverHello12 is a TLS 1.2 ServerHello choosing
// ECDHE-RSA-AES128-GCM-SHA256, which Go's client offers.
func serverHello12() []byte {
	b := []byte{3, 3}
	b = append(b, make([]byte, 32)...) // random
	b[2] = 1
	b = append(b, 0)          // no session id
	b = append(b, 0xc0, 0x2f) // cipher suite
	b = append(b, 0)          // no compression
	return handshakeMsg(2, len(b), b)
}

// hrrRandom is the fixed random that makes a ServerHello a
// HelloRetryRequest (RFC 8446, 4.1.3).
var hrrRandom = []byte{0xCF, 0x21, 0xAD, 0x74, 0xE5, 0x9A, 0x61, 0x11, 0xBE, 0x1D, 0x8C, 0x02, 0x1E, 0x65, 0xB8, 0x91,
	0xC2, 0xA2, 0x11, 0x16, 0x7A, 0xBB, 0x8C, 0x5E, 0x07, 0x9E, 0x09, 0xE2, 0xC8, 0xA8, 0x33, 0x9C}

// helloRetry asks for a P-256 key share, which Go's client supports but
// does not send at first: a valid HelloRetryRequest.
func helloRetry(sid []byte) []byte {
	b := []byte{3, 3}
	b = append(b, hrrRandom...)
	b = append(b, byte(len(sid)))
	b = append(b, sid...)
	b = append(b, 0x13, 0x01, 0)
	ext := []byte{0x00, 0x2b, 0, 2, 3, 4, 0x00, 0x33, 0, 2, 0x00, 0x17}
	b = append(b, byte(len(ext)>>8), byte(len(ext)))
	b = append(b, ext...)
	return handshakeMsg(2, len(b), b)
}

// hostileCert makes a certificate of subject cn for pub, signed by signer
// as issuer; edit changes the template before signing.
func hostileCert(t *testing.T, cn string, pub crypto.PublicKey, issuer string, signer crypto.Signer, ca bool, edit func(*x509.Certificate)) *x509.Certificate {
	t.Helper()
	serial, _ := rand.Int(rand.Reader, big.NewInt(1<<62))
	tmpl := &x509.Certificate{
		SerialNumber: serial, Subject: pkix.Name{CommonName: cn},
		NotBefore: currentTime.AddDate(0, -1, 0), NotAfter: currentTime.AddDate(1, 0, 0),
	}
	if ca {
		tmpl.IsCA, tmpl.BasicConstraintsValid = true, true
		tmpl.KeyUsage = x509.KeyUsageCertSign | x509.KeyUsageCRLSign
	} else {
		tmpl.IPAddresses = []net.IP{net.ParseIP("127.0.0.1")}
		tmpl.KeyUsage = x509.KeyUsageDigitalSignature
		tmpl.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}
	}
	if edit != nil {
		edit(tmpl)
	}
	parent := &x509.Certificate{Subject: pkix.Name{CommonName: issuer}, PublicKey: signer.Public()}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, pub, signer)
	if err != nil {
		t.Fatal(err)
	}
	c, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func hkey() *ecdsa.PrivateKey {
	k, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	return k
}

// hostileGateway is a trusted gateway (a root and a leaf for 127.0.0.1)
// whose TLS connections, once the handshake is done, are served by h:
// the login probe's stage.
func hostileGateway(t *testing.T, edit func(*x509.Certificate), h func(tc *tls.Conn, br *bufio.Reader, done <-chan struct{})) (string, *x509.Certificate) {
	t.Helper()
	rootKey := hkey()
	root := hostileCert(t, "Hostile Battery Root", rootKey.Public(), "Hostile Battery Root", rootKey, true, nil)
	leafKey := hkey()
	leaf := hostileCert(t, "127.0.0.1", leafKey.Public(), root.Subject.CommonName, rootKey, false, edit)
	cfg := &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{leaf.Raw}, PrivateKey: leafKey}}}
	addr := rawServer(t, func(c net.Conn, done <-chan struct{}) {
		tc := tls.Server(c, cfg)
		c.SetDeadline(time.Now().Add(5 * time.Second))
		if tc.Handshake() != nil {
			return
		}
		c.SetDeadline(time.Time{})
		if h != nil {
			h(tc, bufio.NewReader(tc), done)
			return
		}
		var b [1]byte
		tc.Read(b[:])
	})
	return addr, root
}

// readRequestHead reads one HTTP request's head.
func readRequestHead(br *bufio.Reader) bool {
	for {
		line, err := br.ReadString('\n')
		if err != nil {
			return false
		}
		if line == "\r\n" || line == "\n" {
			return true
		}
	}
}
