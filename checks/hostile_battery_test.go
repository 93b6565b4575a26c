//go:build linux

package checks_test

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/vpndoctor/vpndoctor/checks"
	"github.com/vpndoctor/vpndoctor/checks/guide"
	"github.com/vpndoctor/vpndoctor/checks/practice"
	"github.com/vpndoctor/vpndoctor/checks/report"
)

// The hostile battery: a server misbehaving at each stage a diagnosis
// touches, each checked for bounded time, bounded memory, no goroutine
// left behind and a plain finding (hostile_harness_test.go). Run it alone
// with go test -run Hostile ./checks.

// TCP: what the server does right after accepting.
func TestHostileTCP(t *testing.T) {
	junk := make([]byte, 32<<10)
	rand.Read(junk)
	junk[0] = 0x47 // not a TLS record type, not HTTP: random bytes
	for _, tc := range []struct {
		name string
		h    func(net.Conn, <-chan struct{})
		want checks.ID
		also []checks.ID
	}{
		{"accept then silence", func(c net.Conn, done <-chan struct{}) { <-done }, checks.Timeout, nil},
		{"accept then reset", func(c net.Conn, done <-chan struct{}) {
			c.(*net.TCPConn).SetLinger(0)
			c.Close()
			// The reset can reach the client before its connect has
			// returned (connect: connection reset by peer): unreachable.
		}, checks.NotTLS, []checks.ID{checks.Unreachable}},
		{"reset after the hello", func(c net.Conn, done <-chan struct{}) {
			readRecord(c)
			c.(*net.TCPConn).SetLinger(0)
			c.Close()
		}, checks.NotTLS, nil},
		{"one byte a second", func(c net.Conn, done <-chan struct{}) {
			for {
				if _, err := c.Write([]byte{0x16}); err != nil || !pause(time.Second, done) {
					return
				}
			}
		}, checks.Timeout, nil},
		{"endless random bytes", func(c net.Conn, done <-chan struct{}) {
			for {
				if _, err := c.Write(junk); err != nil {
					return
				}
			}
		}, checks.NotTLS, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			hostileCheck(t, rawServer(t, tc.h), hostileOpts(), tc.want, 0, tc.also...)
		})
	}
}

// TLS: a handshake that goes wrong on purpose, written byte by byte where
// crypto/tls would refuse to misbehave.
func TestHostileTLSWire(t *testing.T) {
	for _, tc := range []struct {
		name string
		h    func(net.Conn, <-chan struct{})
		want checks.ID
	}{
		{"server hello then silence", func(c net.Conn, done <-chan struct{}) {
			if _, err := readRecord(c); err == nil {
				c.Write(record(22, serverHello12()))
				<-done
			}
		}, checks.Timeout},
		{"16 MB certificate message trickled", func(c net.Conn, done <-chan struct{}) {
			// A full first record of a certificate message announced at
			// 16 MB, then a byte a second.
			if _, err := readRecord(c); err != nil {
				return
			}
			c.Write(record(22, serverHello12()))
			c.Write(record(22, handshakeMsg(11, 0xffffff, make([]byte, 16<<10-4))))
			for {
				if _, err := c.Write([]byte{22}); err != nil || !pause(time.Second, done) {
					return
				}
			}
		}, checks.ChainTooLarge},
		{"a record trickled", func(c net.Conn, done <-chan struct{}) {
			// The ServerHello, then a record announced at 16 KB whose
			// bytes come one a second: the server is still answering.
			if _, err := readRecord(c); err != nil {
				return
			}
			c.Write(record(22, serverHello12()))
			c.Write([]byte{22, 3, 3, 0x40, 0x00})
			for {
				if _, err := c.Write([]byte{0}); err != nil || !pause(time.Second, done) {
					return
				}
			}
		}, checks.Timeout},
		{"alert of an unknown number", func(c net.Conn, done <-chan struct{}) {
			if _, err := readRecord(c); err == nil {
				c.Write(record(21, []byte{2, 250}))
			}
		}, checks.TLSVersion}, // it refuses every handshake, as a server with no common version does
		{"hello retry then garbage", func(c net.Conn, done <-chan struct{}) {
			hello, err := readRecord(c)
			if err != nil {
				return
			}
			c.Write(record(22, helloRetry(sessionID(hello))))
			readRecord(c) // the second hello (or a compatibility change_cipher_spec)
			for i := 0; i < 100; i++ {
				if _, err := c.Write([]byte("GARBAGE GARBAGE GARBAGE ")); err != nil {
					return
				}
			}
			<-done
		}, checks.NotTLS},
		{"refuses crypto/tls, then an endless certificate message to the permissive probe", func(c net.Conn, done <-chan struct{}) {
			hello, err := readRecord(c)
			if err != nil {
				return
			}
			if bytes.Contains(hello, []byte{0x00, 0x2b}) && bytes.Contains(hello, []byte{0x03, 0x04}) {
				c.Write(record(21, []byte{2, 40})) // crypto/tls offers TLS 1.3: handshake_failure
				return
			}
			c.Write(record(22, serverHello12()))
			c.Write(record(22, handshakeMsg(11, 0xffffff, make([]byte, 16<<10-4))))
			filler := record(22, make([]byte, 16<<10))
			for {
				if _, err := c.Write(filler); err != nil {
					return
				}
			}
		}, checks.ChainTooLarge},
	} {
		t.Run(tc.name, func(t *testing.T) {
			hostileCheck(t, rawServer(t, tc.h), hostileOpts(), tc.want, 0)
		})
	}
}

// tlsGateway serves chain (leaf first) with key, as crypto/tls sends it.
func tlsGateway(t *testing.T, chain [][]byte, key any) string {
	t.Helper()
	ln, err := tls.Listen("tcp", "127.0.0.1:0", &tls.Config{Certificates: []tls.Certificate{{Certificate: chain, PrivateKey: key}}})
	if err != nil {
		t.Fatal(err)
	}
	return serveHandshakes(t, ln) // the login probe gets its 404 at once
}

// nestedSequence is depth SEQUENCEs, each holding the next: deeply nested
// ASN.1, written from the outside in without copying.
func nestedSequence(depth int) []byte {
	hdr := func(n int) int {
		switch {
		case n < 0x80:
			return 2
		case n < 0x100:
			return 3
		case n < 0x10000:
			return 4
		}
		return 5
	}
	content := make([]int, depth) // content length at each level, outermost first
	inner := 0
	for i := depth - 1; i >= 0; i-- {
		content[i] = inner
		inner += hdr(inner)
	}
	out := make([]byte, 0, inner)
	for _, n := range content {
		switch h := hdr(n); h {
		case 2:
			out = append(out, 0x30, byte(n))
		default:
			out = append(out, 0x30, byte(0x80|(h-2)))
			for s := (h - 3) * 8; s >= 0; s -= 8 {
				out = append(out, byte(n>>s))
			}
		}
	}
	return out
}

// TLS: certificates made to hurt the chain analysis.
func TestHostileCertificates(t *testing.T) {
	rootKey := hkey()
	root := hostileCert(t, "Hostile Battery Root", rootKey.Public(), "Hostile Battery Root", rootKey, true, nil)
	leafWith := func(t *testing.T, edit func(*x509.Certificate)) ([]byte, any) {
		k := hkey()
		return hostileCert(t, "127.0.0.1", k.Public(), root.Subject.CommonName, rootKey, false, edit).Raw, k
	}
	names := func(n int) func(*x509.Certificate) {
		return func(c *x509.Certificate) {
			for i := 0; i < n; i++ {
				c.DNSNames = append(c.DNSNames, fmt.Sprintf("h%d.example.com", i))
			}
		}
	}
	nested := func(id asn1.ObjectIdentifier, depth int) func(*x509.Certificate) {
		return func(c *x509.Certificate) {
			c.ExtraExtensions = append(c.ExtraExtensions, pkix.Extension{Id: id, Value: nestedSequence(depth)})
		}
	}
	// Path building over thousands of certificates is work, not waiting:
	// a longer deadline, so that a loaded machine cannot turn it into a
	// timeout.
	hostileOpts := func(roots ...*x509.Certificate) checks.Options {
		o := hostileOpts(roots...)
		o.Timeout = 5 * time.Second
		return o
	}
	small := func(t *testing.T) []byte { // a small unrelated CA certificate
		k := hkey()
		return hostileCert(t, "Unrelated", k.Public(), "Unrelated", k, true, nil).Raw
	}

	t.Run("10,000 certificates", func(t *testing.T) {
		leaf, key := leafWith(t, nil)
		one := small(t)
		chain := [][]byte{leaf}
		for i := 0; i < 10000; i++ {
			chain = append(chain, one)
		}
		// The bound counts the test's own server too, which builds the
		// 3 MB message in this process.
		hostileCheck(t, tlsGateway(t, chain, key), hostileOpts(root), checks.ChainTooLarge, 48<<20)
	})
	t.Run("700 unrelated certificates within what TLS reads", func(t *testing.T) {
		leaf, key := leafWith(t, nil)
		chain := [][]byte{leaf}
		for i := 0; i < 700; i++ {
			chain = append(chain, small(t))
		}
		res := hostileCheck(t, tlsGateway(t, chain, key), hostileOpts(root), checks.ChainTooLarge, 0)
		var text bytes.Buffer
		report.WriteText(&text, res.rep, report.View{Lang: guide.En, OS: guide.Linux})
		if text.Len() > 64<<10 {
			t.Errorf("the text report is %d KiB", text.Len()>>10)
		}
		t.Logf("text report %d bytes, %d candidate paths", text.Len(), len(res.rep.CandidatePaths))
	})
	t.Run("100,000 names", func(t *testing.T) {
		leaf, key := leafWith(t, names(100000))
		hostileCheck(t, tlsGateway(t, [][]byte{leaf}, key), hostileOpts(root), checks.ChainTooLarge, 48<<20) // the server's 2 MB message counts too
	})
	t.Run("10,000 names within what TLS reads", func(t *testing.T) {
		leaf, key := leafWith(t, names(10000))
		hostileCheck(t, tlsGateway(t, [][]byte{leaf}, key), hostileOpts(root), checks.ChainTooLarge, 0)
	})
	t.Run("deeply nested extension", func(t *testing.T) {
		leaf, key := leafWith(t, nested(asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 99999, 1}, 20000))
		hostileCheck(t, tlsGateway(t, [][]byte{leaf}, key), hostileOpts(root), checks.OK, 0)
	})
	t.Run("deeply nested names", func(t *testing.T) {
		// Go refuses the names, so the lenient parser reads the certificate.
		leaf, key := leafWith(t, nested(asn1.ObjectIdentifier{2, 5, 29, 17}, 20000))
		hostileCheck(t, tlsGateway(t, [][]byte{leaf}, key), hostileOpts(root), checks.HostnameMismatch, 0)
	})
	t.Run("a chain loop", func(t *testing.T) {
		// A signs B and B signs A; the leaf is A's; neither reaches a root.
		ka, kb := hkey(), hkey()
		aByB := hostileCert(t, "Loop CA A", ka.Public(), "Loop CA B", kb, true, nil)
		bByA := hostileCert(t, "Loop CA B", kb.Public(), "Loop CA A", ka, true, nil)
		lk := hkey()
		leaf := hostileCert(t, "127.0.0.1", lk.Public(), "Loop CA A", ka, false, nil)
		hostileCheck(t, tlsGateway(t, [][]byte{leaf.Raw, aByB.Raw, bByA.Raw}, lk), hostileOpts(root), checks.UntrustedRoot, 0)
	})
	t.Run("a loop through AIA", func(t *testing.T) {
		// The leaf's issuer is not sent; its AIA address serves A signed by
		// B, whose AIA serves B signed by A, whose AIA serves A again.
		ka, kb := hkey(), hkey()
		mux := http.NewServeMux()
		ln, _ := net.Listen("tcp", "127.0.0.1:0")
		base := "http://" + ln.Addr().String()
		srv := &http.Server{Handler: mux}
		go srv.Serve(ln)
		t.Cleanup(func() { srv.Close() })
		aia := func(p string) func(*x509.Certificate) {
			return func(c *x509.Certificate) { c.IssuingCertificateURL = []string{base + p} }
		}
		aByB := hostileCert(t, "Loop CA A", ka.Public(), "Loop CA B", kb, true, aia("/b.der"))
		bByA := hostileCert(t, "Loop CA B", kb.Public(), "Loop CA A", ka, true, aia("/a.der"))
		aSelf := hostileCert(t, "Loop CA A", ka.Public(), "Loop CA A", ka, true, aia("/a-self.der"))
		mux.HandleFunc("/a.der", func(w http.ResponseWriter, _ *http.Request) { w.Write(aByB.Raw) })
		mux.HandleFunc("/b.der", func(w http.ResponseWriter, _ *http.Request) { w.Write(bByA.Raw) })
		mux.HandleFunc("/a-self.der", func(w http.ResponseWriter, _ *http.Request) { w.Write(aSelf.Raw) })
		for _, first := range []string{"/a.der", "/a-self.der"} {
			lk := hkey()
			leaf := hostileCert(t, "127.0.0.1", lk.Public(), "Loop CA A", ka, false, aia(first))
			hostileCheck(t, tlsGateway(t, [][]byte{leaf.Raw}, lk), hostileOpts(root), checks.UntrustedRoot, 0)
		}
	})
}

// The login probe's stage: a trusted gateway whose web server misbehaves
// after a clean handshake. The chain is fine, so the verdict is ok, and the
// login's own answer says what went wrong without holding the diagnosis.
func TestHostileLogin(t *testing.T) {
	zeros := make([]byte, 16<<10)
	bomb := gzipBomb(1024) // 1 GiB of zeros in about 1 MB
	for _, tc := range []struct {
		name string
		h    func(tc *tls.Conn, br *bufio.Reader, done <-chan struct{})
	}{
		{"silence after the handshake", func(tc *tls.Conn, br *bufio.Reader, done <-chan struct{}) {
			<-done // no answer to the login probe nor to the Date request
		}},
		{"endless headers", func(tc *tls.Conn, br *bufio.Reader, done <-chan struct{}) {
			readRequestHead(br)
			tc.Write([]byte("HTTP/1.1 200 OK\r\n"))
			line := []byte("X-Hostile: " + strings.Repeat("a", 1000) + "\r\n")
			for {
				if _, err := tc.Write(line); err != nil {
					return
				}
			}
		}},
		{"1 GB body trickled", func(tc *tls.Conn, br *bufio.Reader, done <-chan struct{}) {
			readRequestHead(br)
			tc.Write([]byte("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 1073741824\r\n\r\n<html>"))
			for {
				if _, err := tc.Write([]byte("a")); err != nil || !pause(time.Second, done) {
					return
				}
			}
		}},
		{"endless chunked body", func(tc *tls.Conn, br *bufio.Reader, done <-chan struct{}) {
			readRequestHead(br)
			tc.Write([]byte("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nTransfer-Encoding: chunked\r\n\r\n"))
			chunk := []byte(fmt.Sprintf("%x\r\n%s\r\n", len(zeros), zeros))
			for {
				if _, err := tc.Write(chunk); err != nil {
					return
				}
			}
		}},
		{"gzip bomb", func(tc *tls.Conn, br *bufio.Reader, done <-chan struct{}) {
			for readRequestHead(br) {
				fmt.Fprintf(tc, "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Encoding: gzip\r\nContent-Length: %d\r\n\r\n", len(bomb))
				tc.Write(bomb)
			}
		}},
		{"redirect loop and elsewhere", func(tc *tls.Conn, br *bufio.Reader, done <-chan struct{}) {
			to := []string{"/", "file:///etc/passwd", "http://127.0.0.1:1/", "https://169.254.169.254/latest/meta-data/"}
			for i := 0; readRequestHead(br); i++ {
				fmt.Fprintf(tc, "HTTP/1.1 302 Found\r\nLocation: %s\r\nContent-Length: 0\r\n\r\n", to[i%len(to)])
			}
		}},
		{"1xx forever", func(tc *tls.Conn, br *bufio.Reader, done <-chan struct{}) {
			readRequestHead(br)
			for {
				if _, err := tc.Write([]byte("HTTP/1.1 102 Processing\r\nX-A: b\r\n\r\n")); err != nil {
					return
				}
			}
		}},
		{"HTTP/0.9 garbage", func(tc *tls.Conn, br *bufio.Reader, done <-chan struct{}) {
			readRequestHead(br)
			for i := 0; i < 1000; i++ {
				if _, err := tc.Write([]byte("<html>garbage \x00\x01\x02 no status line\n")); err != nil {
					return
				}
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			addr, root := hostileGateway(t, nil, tc.h)
			res := hostileCheck(t, addr, hostileOpts(root), checks.OK, 0)
			if li := res.rep.Login; li != nil {
				t.Logf("login: verdict %s, answer %q, error %q, requests %v", li.Verdict, li.Answer, li.Error, li.Requests)
			}
		})
	}
}

// gzipBomb is a gzip stream of n MiB of zeros: one compressed MiB
// (about 1 KB) repeated as n gzip members, which a gzip reader reads as one
// stream; cheap to make, even under the race detector.
func gzipBomb(n int) []byte {
	var one bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&one, gzip.BestCompression)
	zw.Write(make([]byte, 1<<20))
	zw.Close()
	return bytes.Repeat(one.Bytes(), n)
}

// The revocation stage: OCSP, CRL and AIA answers that never end, loop or
// arrive too late. The chain is fine; revocation stays unknown, said as
// such, and the verdict is ok.
func TestHostileResponders(t *testing.T) {
	for _, tc := range []struct {
		name string
		ext  string // "ocsp" or "crl"
		h    http.HandlerFunc
		want checks.ID
	}{
		{"OCSP answer of 100 MB", "ocsp", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Length", fmt.Sprint(100<<20))
			w.Write(make([]byte, 64<<10))
		}, checks.OK},
		{"OCSP endless chunked answer", "ocsp", func(w http.ResponseWriter, r *http.Request) {
			endlessWrite(w, r)
		}, checks.OK},
		{"OCSP redirect loop", "ocsp", func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, r.URL.Path+"x", http.StatusFound)
		}, checks.OK},
		{"OCSP redirect to a file", "ocsp", func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, "file:///etc/passwd", http.StatusFound)
		}, checks.OK},
		{"OCSP after 30 s", "ocsp", func(w http.ResponseWriter, r *http.Request) {
			select {
			case <-r.Context().Done():
			case <-time.After(30 * time.Second):
			}
		}, checks.OK},
		{"CRL trickled", "crl", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Length", fmt.Sprint(1<<20))
			for {
				if _, err := w.Write([]byte{0x30}); err != nil {
					return
				}
				w.(http.Flusher).Flush()
				select {
				case <-r.Context().Done():
					return
				case <-time.After(time.Second):
				}
			}
		}, checks.OK},
		{"OCSP answer of garbage", "ocsp", func(w http.ResponseWriter, r *http.Request) {
			w.Write([]byte("this is not an OCSP answer"))
		}, checks.OK},
		{"CRL of garbage", "crl", func(w http.ResponseWriter, r *http.Request) {
			w.Write([]byte("this is not a CRL"))
		}, checks.OK},
		{"CRL redirect loop", "crl", func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, r.URL.Path+"x", http.StatusFound)
		}, checks.OK},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ln, _ := net.Listen("tcp", "127.0.0.1:0")
			srv := &http.Server{Handler: tc.h}
			go srv.Serve(ln)
			t.Cleanup(func() { srv.Close() })
			u := "http://" + ln.Addr().String() + "/r"
			addr, root := hostileGateway(t, func(c *x509.Certificate) {
				if tc.ext == "ocsp" {
					c.OCSPServer = []string{u}
				} else {
					c.CRLDistributionPoints = []string{u}
				}
			}, nil)
			res := hostileCheck(t, addr, hostileOpts(root), tc.want, 40<<20)
			f := find(res.rep, checks.RevocationUnknown)
			if f == nil {
				t.Fatalf("no revocation_unknown (%s)", ids(res.rep))
			}
			t.Logf("revocation_unknown: %s", f.Detail)
		})
	}
}

func endlessWrite(w http.ResponseWriter, r *http.Request) {
	chunk := make([]byte, 64<<10)
	for {
		if _, err := w.Write(chunk); err != nil || r.Context().Err() != nil {
			return
		}
	}
}

// The clock stage: a time server that answers badly. The gateway is fine
// and the computer's clock is right; a bad time server must not make
// either look wrong.
func TestHostileTimeServer(t *testing.T) {
	year := 365 * 24 * time.Hour
	for _, tc := range []struct {
		name string
		ntp  func(t *testing.T) string
		want checks.ID
	}{
		{"garbage", func(t *testing.T) string { return ntpAt(t, 0, practice.NTPGarbage) }, checks.OK},
		{"kiss of death", func(t *testing.T) string { return ntpAt(t, 0, practice.NTPKissOfDeath) }, checks.OK},
		{"the year 2100", func(t *testing.T) string { return ntpAt(t, 74*year, practice.NTPGood) }, checks.OK},
		{"silence", func(t *testing.T) string {
			pc, err := net.ListenPacket("udp4", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { pc.Close() })
			return pc.LocalAddr().String() // read by no one, answered never
		}, checks.OK},
	} {
		t.Run(tc.name, func(t *testing.T) {
			addr, root := hostileGateway(t, nil, nil)
			opts := hostileOpts(root)
			opts.NTPServer = tc.ntp(t)
			res := hostileCheck(t, addr, opts, tc.want, 0)
			t.Logf("clock: %+v", res.rep.Clock)
			t.Logf("findings: %+v chain %+v trust %+v", res.rep.Findings, res.rep.Chain, res.rep.Trust)
		})
	}
}

// endlessHeaders answers any request with a status line and headers that
// never end.
func endlessHeaders(w io.Writer) {
	w.Write([]byte("HTTP/1.1 302 Found\r\nLocation: http://portal.example/\r\n"))
	line := []byte("X-Hostile: " + strings.Repeat("a", 1000) + "\r\n")
	for {
		if _, err := w.Write(line); err != nil {
			return
		}
	}
}

// The engine's other requests to the gateway, each read by hand: the
// product look-up (GET / on a connection of its own) and the captive-portal
// probe (plain http, asked when the certificate is for another name).
func TestHostileSideRequests(t *testing.T) {
	t.Run("product look-up, endless headers", func(t *testing.T) {
		addr, root := hostileGateway(t, nil, func(tc *tls.Conn, br *bufio.Reader, done <-chan struct{}) {
			readRequestHead(br)
			endlessHeaders(tc)
		})
		opts := hostileOpts(root)
		opts.IdentifyProduct = true
		hostileCheck(t, addr, opts, checks.OK, 0)
	})
	t.Run("captive-portal probe, endless headers", func(t *testing.T) {
		plain := rawServer(t, func(c net.Conn, done <-chan struct{}) {
			readRequestHead(bufio.NewReader(c))
			endlessHeaders(c)
		})
		_, port, _ := net.SplitHostPort(plain)
		addr, root := hostileGateway(t, func(c *x509.Certificate) {
			c.IPAddresses, c.DNSNames = nil, []string{"portal.example"}
		}, nil)
		opts := hostileOpts(root)
		opts.PlainHTTPPort, _ = strconv.Atoi(port)
		hostileCheck(t, addr, opts, checks.HostnameMismatch, 0)
	})
	t.Run("sign-in page that never answers", func(t *testing.T) {
		// The gateway's AnyConnect answer names a single sign-on page
		// (an endpoint the engine then checks) that accepts and is silent.
		silent := rawServer(t, func(c net.Conn, done <-chan struct{}) { <-done })
		body := `<?xml version="1.0" encoding="UTF-8"?><config-auth client="vpn" type="auth-request"><auth id="main">` +
			`<sso-v2-login>https://` + silent + `/saml</sso-v2-login></auth></config-auth>`
		addr, root := hostileGateway(t, nil, func(tc *tls.Conn, br *bufio.Reader, done <-chan struct{}) {
			for readRequestHead(br) {
				fmt.Fprintf(tc, "HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nX-Transcend-Version: 1\r\nContent-Length: %d\r\n\r\n%s", len(body), body)
			}
		})
		// The gateway is fine; the sign-in page's silence is a warning on
		// its own line, and holds the report no longer than the deadline.
		res := hostileCheck(t, addr, hostileOpts(root), checks.OK, 0)
		eps := res.rep.Endpoints
		if len(eps) != 2 || eps[1].Role != checks.EndpointIdP || eps[1].Primary != checks.Timeout {
			t.Errorf("endpoints %+v, want the sign-in page's line with timeout", eps)
		}
	})
}

// A gateway asking for a device certificate from 1,500 CAs (what fits in a
// CertificateRequest): the diagnosis and the text report stay small.
func TestHostileCertificateRequest(t *testing.T) {
	rootKey := hkey()
	root := hostileCert(t, "Hostile Battery Root", rootKey.Public(), "Hostile Battery Root", rootKey, true, nil)
	lk := hkey()
	leaf := hostileCert(t, "127.0.0.1", lk.Public(), root.Subject.CommonName, rootKey, false, nil)
	cas := x509.NewCertPool()
	caKey := hkey()
	for i := 0; i < 1500; i++ {
		cas.AddCert(hostileCert(t, fmt.Sprintf("CA %d", i), caKey.Public(), "x", caKey, true, nil))
	}
	ln, err := tls.Listen("tcp", "127.0.0.1:0", &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{leaf.Raw}, PrivateKey: lk}},
		ClientAuth: tls.RequireAnyClientCert, ClientCAs: cas})
	if err != nil {
		t.Fatal(err)
	}
	res := hostileCheck(t, serveHandshakes(t, ln), hostileOpts(root), checks.ClientCertRequired, 0)
	var text bytes.Buffer
	report.WriteText(&text, res.rep, report.View{Lang: guide.En, OS: guide.Linux})
	t.Logf("%d accepted CAs; text report %d bytes", len(res.rep.TLS.AcceptedCAs), text.Len())
	if text.Len() > 32<<10 {
		t.Errorf("the text report is %d KiB", text.Len()>>10)
	}
}

// The DNS stage (--dns): a name server that is silent, or answers garbage.
func TestHostileNameServer(t *testing.T) {
	for _, tc := range []struct {
		name   string
		answer func(q []byte) []byte
		want   checks.ID
	}{
		// A lookup that no name server answers is a failed lookup, not
		// the VPN server "stopping to answer" (nothing reached it).
		{"silence", nil, checks.DNSFailure},
		// Go's resolver drops answers it cannot read (a forged one would
		// look the same) and waits on: no answer in time.
		{"garbage", func(q []byte) []byte { return []byte("\xde\xad this is not DNS") }, checks.DNSFailure},
	} {
		t.Run(tc.name, func(t *testing.T) {
			pc, err := net.ListenPacket("udp4", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { pc.Close() })
			go func() {
				buf := make([]byte, 1500)
				for {
					n, from, err := pc.ReadFrom(buf)
					if err != nil {
						return
					}
					if tc.answer != nil {
						pc.WriteTo(tc.answer(buf[:n]), from)
					}
				}
			}()
			opts := hostileOpts()
			opts.Resolver = checks.ResolverAt(pc.LocalAddr().String()) // as --dns makes it
			opts.ResolverName = pc.LocalAddr().String()
			res := hostileCheck(t, "gateway.hostile.test:443", opts, tc.want, 0)
			if f := find(res.rep, tc.want); f != nil {
				t.Logf("detail: %s", f.Detail)
			}
		})
	}
}
