package checks

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"syscall"
	"time"
)

// Download caps: a hostile or broken server must not make us read forever.
const (
	maxCertDownload = 1 << 20  // AIA caIssuers and OCSP answers
	maxCRLDownload  = 32 << 20 // CRLs of big public CAs run to a few MiB
	// fetchByteBudget bounds what one diagnosis downloads in all: one
	// CRL at its cap plus the certificates and OCSP answers of a chain.
	fetchByteBudget = maxCRLDownload + 8*maxCertDownload
	// maxURLsPerCert bounds the addresses of one kind (AIA, OCSP, CRL)
	// tried for one certificate: a certificate naming hundreds of
	// addresses must not turn the diagnosis into a scanner.
	maxURLsPerCert = 3
	maxRedirects   = 3
)

func defaultHTTPClient() *http.Client {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxResponseHeaderBytes = 64 << 10
	return &http.Client{Timeout: fetchBudget, Transport: t}
}

// httpURLs keeps the plain-http addresses, at most maxURLsPerCert of them.
// AIA, OCSP and CRL are fetched over http only: RFC 5280 (4.2.1.13,
// 4.2.2.1) tells CAs not to use https there, since checking the https
// server's certificate would need the very answers being fetched. The
// addresses left out are recorded as refused by the caller's fetch policy
// (see refuseExtra).
func httpURLs(urls []string) []string {
	var out []string
	for _, u := range urls {
		if len(out) == maxURLsPerCert {
			break
		}
		if p, err := url.Parse(u); err == nil && p.Scheme == "http" && p.Host != "" {
			out = append(out, u)
		}
	}
	return out
}

// fetch GETs (or POSTs, when body is set) a URL with a deadline, a size cap
// and the fetch policy: the address actually dialled must be allowed, the
// diagnosis' byte budget must not be spent, and large downloads (CRLs) run
// one at a time.
func (r *run) fetch(ctx context.Context, method, u, contentType string, body []byte, limit int64) ([]byte, error) {
	pol := r.policy()
	if err := pol.checkURL(u); err != nil {
		return nil, r.refuse(err)
	}
	if limit > maxCertDownload {
		select {
		case pol.bigSlot <- struct{}{}:
			defer func() { <-pol.bigSlot }()
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	if left := pol.budgetLeft(); left <= 0 {
		return nil, r.refuse(&FetchRefusedError{URL: u, Reason: fmt.Sprintf("the download budget of this diagnosis (%d bytes) is spent", fetchByteBudget)})
	} else if left < limit {
		limit = left
	}
	outer := ctx
	ctx, cancel := context.WithTimeout(ctx, fetchBudget)
	defer cancel()
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, u, rd)
	if err != nil {
		return nil, fmt.Errorf("bad address %q: %w", u, err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	req.Header.Set("User-Agent", "vpndoctor/"+Version)
	start := time.Now()
	resp, err := pol.client.Do(req)
	if err != nil {
		var refused *FetchRefusedError
		if errors.As(err, &refused) {
			return nil, r.refuse(refused)
		}
		return nil, fetchError(outer, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("%s answered %s", u, resp.Status)
	}
	if resp.ContentLength > limit {
		return nil, fmt.Errorf("%s is too large (%d bytes; at most %d are read)", u, resp.ContentLength, limit)
	}
	data, err := readBody(resp.Body, resp.ContentLength, limit)
	pol.spend(int64(len(data)))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", u, err)
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("%s is too large (more than %d bytes)", u, limit)
	}
	r.addTiming("fetch:"+shortURL(u), time.Since(start))
	return data, nil
}

// fetchError words a failed request for the report's details, which IT
// reads: net/http's `Post "http://…": context deadline exceeded` becomes
// "no answer within 4s" (the address is named beside it already), or says
// that the diagnosis' own deadline (outer) ended it.
func fetchError(outer context.Context, err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	switch {
	case errors.Is(outer.Err(), context.Canceled):
		return errors.New("the check was cancelled before it answered")
	case outer.Err() != nil:
		return errors.New("the diagnosis' time ran out before it answered")
	case isTimeout(err):
		return fmt.Errorf("no answer within %v", fetchBudget)
	case errors.Is(err, syscall.ECONNREFUSED):
		return errors.New("the connection was refused")
	}
	return err
}

// refuse records a refused fetch as evidence for the report and returns it.
func (r *run) refuse(err error) error {
	var refused *FetchRefusedError
	if errors.As(err, &refused) {
		r.policy().record(RefusedFetch{URL: refused.URL, Reason: refused.Reason})
	}
	return err
}

// refuseExtra records the addresses a certificate names beyond what is
// fetched (not http, or more than maxURLsPerCert).
func (r *run) refuseExtra(urls []string) {
	kept := map[string]bool{}
	for _, u := range httpURLs(urls) {
		kept[u] = true
	}
	for _, u := range urls {
		switch p, err := url.Parse(u); {
		case kept[u]:
		case err != nil || p.Scheme != "http" || p.Host == "":
			r.policy().record(RefusedFetch{URL: u, Reason: "only http addresses are fetched"})
		default:
			r.policy().record(RefusedFetch{URL: u, Reason: fmt.Sprintf("at most %d addresses of one kind are fetched per certificate", maxURLsPerCert)})
		}
	}
}

func shortURL(u string) string {
	if p, err := url.Parse(u); err == nil {
		return p.Host + p.Path
	}
	return strings.TrimPrefix(u, "http://")
}

// gatewayAddr remembers the address the gateway was reached at: the fetch
// policy lets AIA, OCSP and CRL addresses into loopback, link-local and
// private ranges only in its company.
func (r *run) setGateway(c net.Conn) {
	if a, ok := c.RemoteAddr().(*net.TCPAddr); ok {
		r.policy().setGateway(a.IP)
	}
}

// namedResolver puts the DNS server the user named (Options.ResolverName)
// into a lookup error, where Go's resolver names the system's server even
// when its Dial went elsewhere.
func (r *run) namedResolver(err error) error {
	var de *net.DNSError
	if r.opts.ResolverName != "" && errors.As(err, &de) {
		de.Server = r.opts.ResolverName
	}
	return err
}

// sourceAt names where a revocation answer came from: "ocsp
// http://ocsp.example/", or for a stapled answer, which has no address,
// "the OCSP answer stapled by the gateway".
func sourceAt(source, u string) string {
	if u == "" {
		if source == "stapled" {
			return "the OCSP answer stapled by the gateway"
		}
		return source
	}
	return source + " " + u
}
