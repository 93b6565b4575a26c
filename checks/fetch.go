package checks

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Download caps: a hostile or broken server must not make us read forever.
const (
	maxCertDownload = 1 << 20  // AIA caIssuers and OCSP answers
	maxCRLDownload  = 32 << 20 // CRLs of big public CAs run to a few MiB
)

func defaultHTTPClient() *http.Client {
	return &http.Client{
		Timeout: fetchBudget,
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if len(via) >= 3 {
				return errors.New("too many redirects")
			}
			if req.URL.Scheme != "http" {
				return fmt.Errorf("redirect to %s is not followed", req.URL.Scheme)
			}
			return nil
		},
	}
}

// httpURLs keeps the plain-http addresses: AIA, OCSP and CRL are fetched over
// http by design (fetching them over https would need the very trust we are
// checking).
func httpURLs(urls []string) []string {
	var out []string
	for _, u := range urls {
		if p, err := url.Parse(u); err == nil && p.Scheme == "http" && p.Host != "" {
			out = append(out, u)
		}
	}
	return out
}

// fetch GETs (or POSTs, when body is set) a URL with a deadline and a size cap.
func (r *run) fetch(ctx context.Context, method, u, contentType string, body []byte, limit int64) ([]byte, error) {
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
	resp, err := r.opts.HTTPClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("%s answered %s", u, resp.Status)
	}
	if resp.ContentLength > limit {
		return nil, fmt.Errorf("%s is too large (%d bytes; at most %d are read)", u, resp.ContentLength, limit)
	}
	data, err := readBody(resp.Body, resp.ContentLength, limit)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", u, err)
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("%s is too large (more than %d bytes)", u, limit)
	}
	r.addTiming("fetch:"+shortURL(u), time.Since(start))
	return data, nil
}

func shortURL(u string) string {
	if p, err := url.Parse(u); err == nil {
		return p.Host + p.Path
	}
	return strings.TrimPrefix(u, "http://")
}
