package checks

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
)

// fetchServer serves handler on 127.0.0.1 and returns a run whose gateway
// is there too, so the policy lets the fetch through.
func fetchServer(t *testing.T, handler http.HandlerFunc) (*run, string) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: handler}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	r := &run{opts: withDefaults(Options{}), timings: map[string]int64{}}
	r.policy().setGateway(net.ParseIP("127.0.0.1"))
	return r, "http://" + ln.Addr().String()
}

// Exactly the cap is accepted, whole; one byte more is refused, with or
// without a Content-Length.
func TestFetchSizeCapEdges(t *testing.T) {
	r, base := fetchServer(t, func(w http.ResponseWriter, req *http.Request) {
		n := 100
		if strings.HasSuffix(req.URL.Path, "101") {
			n = 101
		}
		if strings.HasPrefix(req.URL.Path, "/chunked") {
			w.Write([]byte(strings.Repeat("x", n/2)))
			w.(http.Flusher).Flush()
			w.Write([]byte(strings.Repeat("x", n-n/2)))
			return
		}
		w.Header().Set("Content-Length", fmt.Sprint(n))
		w.Write([]byte(strings.Repeat("x", n)))
	})
	for _, path := range []string{"/sized100", "/chunked100"} {
		data, err := r.fetch(context.Background(), "GET", base+path, "", nil, 100)
		if err != nil || len(data) != 100 {
			t.Errorf("%s: %d bytes, %v; want all 100", path, len(data), err)
		}
	}
	for _, path := range []string{"/sized101", "/chunked101"} {
		if _, err := r.fetch(context.Background(), "GET", base+path, "", nil, 100); err == nil || !strings.Contains(err.Error(), "too large") {
			t.Errorf("%s: %v, want too large", path, err)
		}
	}
	if r.timings["fetch:"+strings.TrimPrefix(base, "http://")+"/sized100"] < 0 || len(r.timings) == 0 {
		t.Errorf("timings %v", r.timings)
	}
	if got := shortURL("http://ocsp.example.com/a?b"); got != "ocsp.example.com/a" {
		t.Errorf("shortURL = %q", got)
	}
}

// An OCSP request goes out with its content type; a GET without one.
func TestFetchContentType(t *testing.T) {
	r, base := fetchServer(t, func(w http.ResponseWriter, req *http.Request) {
		fmt.Fprintf(w, "%s|%s", req.Method, req.Header.Get("Content-Type"))
	})
	data, err := r.fetch(context.Background(), "POST", base+"/ocsp", "application/ocsp-request", []byte{0x30, 0}, 100)
	if err != nil || string(data) != "POST|application/ocsp-request" {
		t.Errorf("POST: %q, %v", data, err)
	}
	data, err = r.fetch(context.Background(), "GET", base+"/ca.der", "", nil, 100)
	if err != nil || string(data) != "GET|" {
		t.Errorf("GET: %q, %v", data, err)
	}
}

// Redirects are followed up to maxRedirects, no further.
func TestFetchRedirectLimit(t *testing.T) {
	var hits atomic.Int32
	r, base := fetchServer(t, func(w http.ResponseWriter, req *http.Request) {
		n := hits.Add(1)
		http.Redirect(w, req, fmt.Sprintf("/r%d", n), http.StatusFound)
	})
	_, err := r.fetch(context.Background(), "GET", base+"/r0", "", nil, 100)
	if err == nil || !strings.Contains(err.Error(), "too many redirects") || hits.Load() != maxRedirects {
		t.Errorf("%d requests, %v; want %d then too many redirects", hits.Load(), err, maxRedirects)
	}
}

// The DNS server named with --dns replaces the system's in a lookup error,
// and only then.
func TestNamedResolver(t *testing.T) {
	de := &net.DNSError{Err: "no such host", Name: "x.example", Server: "127.0.0.53:53", IsNotFound: true}
	r := &run{}
	if err := r.namedResolver(de); !errors.Is(err, de) || de.Server != "127.0.0.53:53" {
		t.Errorf("no name given: server %q", de.Server)
	}
	r.opts.ResolverName = "10.0.0.53:53"
	if r.namedResolver(de); de.Server != "10.0.0.53:53" {
		t.Errorf("named: server %q", de.Server)
	}
	if err := r.namedResolver(errors.New("other")); err.Error() != "other" {
		t.Errorf("a non-DNS error changed: %v", err)
	}
}

// A redirect may not leave http, nor carry a user name and password, and
// the refusal is evidence. Two checks guard this on purpose (the client's
// CheckRedirect and the policy's RoundTripper, which sees every request):
// each alone is enough, so this test fails only when both are gone.
func TestFetchRedirectLeavingHTTPIsRefused(t *testing.T) {
	var base string
	r, base := fetchServer(t, func(w http.ResponseWriter, req *http.Request) {
		switch req.URL.Path {
		case "/to-https":
			http.Redirect(w, req, strings.Replace(base, "http://", "https://", 1)+"/ca.der", http.StatusFound)
		case "/to-user":
			http.Redirect(w, req, strings.Replace(base, "http://", "http://it:secret@", 1)+"/ca.der", http.StatusFound)
		default:
			w.Write([]byte("certificate"))
		}
	})
	for path, why := range map[string]string{"/to-https": "only http addresses", "/to-user": "user name or password"} {
		_, err := r.fetch(context.Background(), "GET", base+path, "", nil, 100)
		var refused *FetchRefusedError
		if !errors.As(err, &refused) || !strings.Contains(refused.Reason, why) {
			t.Errorf("%s: %v, want a refusal: %s", path, err, why)
		}
	}
	if got := len(r.policy().Refused()); got != 2 {
		t.Errorf("%d refusals recorded, want 2: %+v", got, r.policy().Refused())
	}
}
