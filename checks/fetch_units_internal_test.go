package checks

import (
	"context"
	"errors"
	"net"
	"net/http"
	"testing"
	"time"
)

// A failed fetch reads plainly in the report's details: no net/http
// `Post "url": context deadline exceeded`, and a deadline of the diagnosis
// is told from the fetch's own.
func TestFetchErrorWords(t *testing.T) {
	stall, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer stall.Close() // accepts nothing: the request waits
	closed, _ := net.Listen("tcp", "127.0.0.1:0")
	refusedURL := "http://" + closed.Addr().String() + "/ocsp"
	closed.Close()
	get := func(ctx context.Context, u string, timeout time.Duration) error {
		req, _ := http.NewRequestWithContext(ctx, http.MethodPost, u, nil)
		_, err := (&http.Client{Timeout: timeout}).Do(req)
		if err == nil {
			t.Fatalf("%s answered", u)
		}
		return err
	}
	bg := context.Background()
	ended, cancel := context.WithTimeout(bg, time.Millisecond)
	defer cancel()
	<-ended.Done()
	stopped, stop := context.WithCancel(bg)
	stop()
	for _, c := range []struct {
		name  string
		outer context.Context
		err   error
		want  string
	}{
		{"the fetch's own time", bg, get(bg, "http://"+stall.Addr().String()+"/ocsp", 50*time.Millisecond), "no answer within " + fetchBudget.String()},
		{"the diagnosis' time", ended, get(ended, "http://"+stall.Addr().String()+"/ocsp", time.Minute), "the diagnosis' time ran out before it answered"},
		{"cancelled", stopped, get(stopped, "http://"+stall.Addr().String()+"/ocsp", time.Minute), "the check was cancelled before it answered"},
		{"refused", bg, get(bg, refusedURL, time.Minute), "the connection was refused"},
		{"other", bg, errors.New("stopped after 3 redirects"), "stopped after 3 redirects"},
	} {
		if got := fetchError(c.outer, c.err).Error(); got != c.want {
			t.Errorf("%s: %q (from %q), want %q", c.name, got, c.err, c.want)
		}
	}
}
