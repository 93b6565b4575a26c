package practice

import (
	"bytes"
	"crypto"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/base64"
	"io"
	"log"
	"math/big"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"golang.org/x/crypto/ocsp"

	"github.com/vpndoctor/vpndoctor/internal/crash"
)

// revocationHandler serves what a client fetches while it checks a chain:
//
//	GET  /aia/<ca>.der        the CA certificate (DER)
//	POST /ocsp/<ca>           OCSP, application/ocsp-request body
//	GET  /ocsp/<ca>/<base64>  OCSP, RFC 6960 appendix A.1
//	GET  /crl/<ca>.crl        the CA's CRL (DER)
//
// It is its own router, not a ServeMux: a ServeMux cleans paths and would
// redirect the "//" a base64 OCSP request can contain.
type revocationHandler struct {
	cas map[string]*ca
	now func() time.Time
}

const maxOCSPRequest = 16 << 10

func (h *revocationHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	path := r.URL.EscapedPath()
	switch {
	case strings.HasPrefix(path, "/aia/"):
		h.serveAIA(w, r, strings.TrimPrefix(path, "/aia/"))
	case strings.HasPrefix(path, "/crl/"):
		h.serveCRL(w, r, strings.TrimPrefix(path, "/crl/"))
	case strings.HasPrefix(path, "/ocsp/"):
		h.serveOCSP(w, r, strings.TrimPrefix(path, "/ocsp/"))
	default:
		http.NotFound(w, r)
	}
}

func (h *revocationHandler) serveAIA(w http.ResponseWriter, r *http.Request, file string) {
	c := h.cas[strings.TrimSuffix(file, ".der")]
	if c == nil || c.hidden || !strings.HasSuffix(file, ".der") {
		http.NotFound(w, r)
		return
	}
	if !getOrHead(w, r) {
		return
	}
	writeBody(w, "application/pkix-cert", c.cert.Raw)
}

func (h *revocationHandler) serveCRL(w http.ResponseWriter, r *http.Request, file string) {
	c := h.cas[strings.TrimSuffix(file, ".crl")]
	if c == nil || !strings.HasSuffix(file, ".crl") {
		http.NotFound(w, r)
		return
	}
	if !getOrHead(w, r) {
		return
	}
	der, err := c.crl(h.now())
	if err != nil {
		http.Error(w, "cannot sign the CRL", http.StatusInternalServerError)
		return
	}
	writeBody(w, "application/pkix-crl", der)
}

func (h *revocationHandler) serveOCSP(w http.ResponseWriter, r *http.Request, rest string) {
	slug, encoded, _ := strings.Cut(rest, "/")
	c := h.cas[slug]
	if c == nil {
		http.NotFound(w, r)
		return
	}
	var req []byte
	switch {
	case r.Method == http.MethodPost && encoded == "":
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxOCSPRequest))
		if err != nil {
			http.Error(w, "request too large", http.StatusRequestEntityTooLarge)
			return
		}
		req = body
	case r.Method == http.MethodGet && encoded != "":
		req = decodeOCSPGet(encoded)
	default:
		w.Header().Set("Allow", "GET, POST")
		http.Error(w, "OCSP takes GET /ocsp/<ca>/<base64> or POST /ocsp/<ca>", http.StatusMethodNotAllowed)
		return
	}
	// Errors are OCSP responses too (RFC 6960 4.2.1), sent with status 200.
	writeBody(w, "application/ocsp-response", c.ocsp(req, h.now()))
}

// decodeOCSPGet undoes the URL and base64 encodings clients apply to a GET
// request; nil when it is not base64 (ocsp answers "malformed").
func decodeOCSPGet(encoded string) []byte {
	s, err := url.PathUnescape(encoded)
	if err != nil {
		return nil
	}
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if b, err := enc.DecodeString(s); err == nil {
			return b
		}
	}
	return nil
}

// getOrHead answers 405 to any other method.
func getOrHead(w http.ResponseWriter, r *http.Request) bool {
	if r.Method == http.MethodGet || r.Method == http.MethodHead {
		return true
	}
	w.Header().Set("Allow", "GET, HEAD")
	http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
	return false
}

func writeBody(w http.ResponseWriter, contentType string, body []byte) {
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write(body)
}

// ocsp answers one DER request, signed by the CA itself (no delegated
// responder): good for its serials, revoked as recorded, unknown otherwise.
func (c *ca) ocsp(der []byte, now time.Time) []byte {
	req, err := ocsp.ParseRequest(der)
	if err != nil {
		return ocsp.MalformedRequestErrorResponse
	}
	if !c.matches(req) {
		return ocsp.UnauthorizedErrorResponse
	}
	t := now.Add(c.offset)
	tmpl := ocsp.Response{
		SerialNumber: req.SerialNumber,
		ThisUpdate:   t.Add(-time.Hour),
		NextUpdate:   t.Add(24 * time.Hour),
		IssuerHash:   req.HashAlgorithm,
		Status:       ocsp.Unknown,
	}
	key := serialKey(req.SerialNumber)
	if rev, ok := c.revoked[key]; ok {
		tmpl.Status, tmpl.RevokedAt, tmpl.RevocationReason = ocsp.Revoked, rev.at, rev.reason
	} else if c.issued[key] {
		tmpl.Status = ocsp.Good
	}
	resp, err := ocsp.CreateResponse(c.cert, c.cert, tmpl, c.key)
	if err != nil {
		return ocsp.InternalErrorErrorResponse
	}
	return resp
}

// matches reports whether an OCSP request names c as the issuer.
func (c *ca) matches(req *ocsp.Request) bool {
	if !req.HashAlgorithm.Available() {
		return false
	}
	var spki struct {
		Algorithm pkix.AlgorithmIdentifier
		PublicKey asn1.BitString
	}
	if _, err := asn1.Unmarshal(c.cert.RawSubjectPublicKeyInfo, &spki); err != nil {
		return false
	}
	return bytes.Equal(req.IssuerNameHash, digest(req.HashAlgorithm, c.cert.RawSubject)) &&
		bytes.Equal(req.IssuerKeyHash, digest(req.HashAlgorithm, spki.PublicKey.RightAlign()))
}

func digest(h crypto.Hash, b []byte) []byte {
	d := h.New()
	d.Write(b)
	return d.Sum(nil)
}

// crl lists every serial c revoked, dated at the CA's true time.
func (c *ca) crl(now time.Time) ([]byte, error) {
	t := now.Add(c.offset)
	var entries []x509.RevocationListEntry
	for key, rev := range c.revoked {
		serial, _ := new(big.Int).SetString(key, 16)
		entries = append(entries, x509.RevocationListEntry{SerialNumber: serial, RevocationTime: rev.at, ReasonCode: rev.reason})
	}
	slices.SortFunc(entries, func(a, b x509.RevocationListEntry) int { return a.SerialNumber.Cmp(b.SerialNumber) })
	return x509.CreateRevocationList(rand.Reader, &x509.RevocationList{
		Number:                    big.NewInt(t.Unix()),
		ThisUpdate:                t.Add(-time.Hour),
		NextUpdate:                t.Add(7 * day),
		RevokedCertificateEntries: entries,
	}, c.cert, c.key)
}

// httpServer is an http.Server whose close also waits for every connection
// goroutine to end.
type httpServer struct {
	srv     *http.Server
	ln      net.Listener
	conns   sync.WaitGroup
	served  chan struct{}
	started bool
}

func newHTTPServer(ln net.Listener, h http.Handler) *httpServer {
	s := &httpServer{ln: ln, served: make(chan struct{})}
	s.srv = &http.Server{
		Handler:           h,
		ReadHeaderTimeout: ioTimeout,
		ReadTimeout:       ioTimeout,
		WriteTimeout:      ioTimeout,
		IdleTimeout:       ioTimeout,
		MaxHeaderBytes:    16 << 10,
		ErrorLog:          log.New(io.Discard, "", 0),
		ConnState: func(_ net.Conn, st http.ConnState) {
			switch st {
			case http.StateNew:
				s.conns.Add(1)
			case http.StateClosed, http.StateHijacked:
				s.conns.Done()
			}
		},
	}
	return s
}

func (s *httpServer) start() {
	s.started = true
	go func() {
		defer close(s.served)
		defer crash.Guard()
		_ = s.srv.Serve(s.ln)
	}()
}

func (s *httpServer) close() error {
	err := s.srv.Close()
	if !s.started {
		return ignoreClosed(s.ln.Close())
	}
	<-s.served
	// A connection accepted while the first Close ran is tracked by now.
	_ = s.srv.Close()
	s.conns.Wait()
	return ignoreClosed(err)
}
