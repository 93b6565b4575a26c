package checks

import (
	"bufio"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"syscall"
	"time"
)

// Per-step deadlines, each inside the whole diagnosis' deadline.
const (
	dnsBudget     = 5 * time.Second
	connectBudget = 5 * time.Second
	tlsBudget     = 6 * time.Second
	ntpBudget     = 3 * time.Second
	fetchBudget   = 4 * time.Second
	// clientCertWait is how long we wait after a TLS 1.3 handshake for the
	// server to refuse us for sending no client certificate.
	clientCertWait = 700 * time.Millisecond
)

// resolve looks the host up. An IP literal needs no lookup.
func (r *run) resolve(ctx context.Context) ([]string, *Finding) {
	if len(r.addrs) > 0 {
		return r.addrs, nil
	}
	if ip := net.ParseIP(r.target.Host); ip != nil {
		return []string{ip.String()}, nil
	}
	ctx, cancel := context.WithTimeout(ctx, dnsBudget)
	defer cancel()
	addrs, err := r.opts.Resolver.LookupIPAddr(ctx, r.target.Host)
	err = r.namedResolver(err)
	if err == nil && len(addrs) == 0 {
		err = &net.DNSError{Err: "no addresses", Name: r.target.Host, IsNotFound: true}
	}
	if err != nil {
		if errors.Is(ctx.Err(), context.Canceled) {
			return nil, r.timeoutFinding(StepDNS, err)
		}
		title := "the server name does not resolve"
		if isTimeout(err) || ctx.Err() != nil {
			// No name server answered: the lookup failed, and nothing
			// reached the VPN server ("the VPN server stopped answering"
			// would blame it). Unreachable or blocked DNS, a captive
			// portal: what dns_failure's steps are about.
			title = "no name server answered the lookup in time"
		}
		f := newFinding(DNSFailure, Fail, title,
			fmt.Sprintf("looking up %s failed: %v", r.target.Host, err), -1)
		f.Evidence[EvError] = err.Error()
		return nil, &f
	}
	out := make([]string, 0, len(addrs))
	for _, a := range addrs {
		out = append(out, a.IP.String())
	}
	return out, nil
}

// connect opens a TCP connection to the first address that answers.
func (r *run) connect(ctx context.Context, addrs []string) (net.Conn, *Finding) {
	var lastErr error
	d := net.Dialer{}
	for _, a := range addrs {
		cctx, cancel := context.WithTimeout(ctx, connectBudget)
		conn, err := d.DialContext(cctx, "tcp", net.JoinHostPort(a, fmt.Sprint(r.target.Port)))
		cancel()
		if err == nil {
			return conn, nil
		}
		lastErr = err
		if ctx.Err() != nil {
			break
		}
	}
	if isTimeout(lastErr) || ctx.Err() != nil {
		return nil, r.timeoutFinding(StepConnect, lastErr)
	}
	what := "the connection was refused: nothing listens on that port"
	switch {
	case errors.Is(lastErr, syscall.ECONNREFUSED):
	case errors.Is(lastErr, syscall.EHOSTUNREACH), errors.Is(lastErr, syscall.ENETUNREACH):
		what = "there is no route to the server from this network"
	default:
		what = "the server could not be reached"
	}
	f := newFinding(Unreachable, Fail, "the server cannot be reached", what, -1)
	f.Evidence[EvError] = lastErr.Error()
	return nil, &f
}

// sniffProtocol names what a port speaks from the first bytes it sent.
func sniffProtocol(b []byte) string {
	s := string(b)
	switch {
	case strings.HasPrefix(s, "HTTP/"):
		return "HTTP"
	case strings.HasPrefix(s, "SSH-"):
		return "SSH"
	case strings.HasPrefix(s, "220"):
		return "FTP/SMTP"
	case strings.HasPrefix(s, "+OK"):
		return "POP3"
	case strings.HasPrefix(s, "* OK"):
		return "IMAP"
	}
	// Unknown: no name at all, rather than "unknown", which the
	// headline would print as the protocol spoken.
	return ""
}

func printable(b []byte) string {
	var sb strings.Builder
	for _, c := range b {
		if c >= 0x20 && c < 0x7f {
			sb.WriteByte(c)
		} else {
			fmt.Fprintf(&sb, "\\x%02x", c)
		}
	}
	return sb.String()
}

func isTimeout(err error) bool {
	if err == nil {
		return false
	}
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, os.ErrDeadlineExceeded) {
		return true
	}
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

func (r *run) timeoutFinding(step Step, err error) *Finding {
	f := newFinding(Timeout, Fail, "the server did not answer in time",
		fmt.Sprintf("no answer during the %s step within the deadline", step), -1)
	f.Evidence[EvStep] = string(step)
	if err != nil {
		f.Evidence[EvError] = err.Error()
	}
	return &f
}

func distinguishedNames(raw [][]byte) []string {
	var out []string
	for _, der := range raw {
		out = append(out, rdnString(der))
	}
	return out
}

func tlsVersionName(v uint16) string {
	switch v {
	case tls.VersionTLS13:
		return "TLS 1.3"
	case tls.VersionTLS12:
		return "TLS 1.2"
	case tls.VersionTLS11:
		return "TLS 1.1"
	case tls.VersionTLS10:
		return "TLS 1.0"
	case 0x0300:
		return "SSL 3.0"
	}
	if v == 0 {
		return ""
	}
	return fmt.Sprintf("0x%04x", v)
}

// maxAnswerHead bounds the status line and headers of an HTTP answer the
// engine reads by hand (the gateway's Date, the captive-portal probe, the
// product look-up). http.ReadResponse alone reads headers without end: a
// gateway sending them forever grew the heap by 90 MiB in 2 s.
const maxAnswerHead = 64 << 10

// readAnswer reads the answer to req from conn, at most limit bytes of it
// in all, head and body; past the limit the answer simply ends there.
func readAnswer(conn io.Reader, req *http.Request, limit int64) (*http.Response, error) {
	return http.ReadResponse(bufio.NewReaderSize(io.LimitReader(conn, limit), 4096), req)
}

// ResolverAt is a resolver that asks only the DNS server at addr
// (host:port), as --dns does. Its connections close as soon as the lookup's
// context ends: Go's resolver otherwise keeps reading from a silent server
// until its own timeout (5 s), goroutines and socket outliving the
// diagnosis that asked.
func ResolverAt(addr string) *net.Resolver {
	var d net.Dialer
	return &net.Resolver{PreferGo: true, Dial: func(ctx context.Context, network, _ string) (net.Conn, error) {
		c, err := d.DialContext(ctx, network, addr)
		if err == nil {
			context.AfterFunc(ctx, func() { c.Close() })
		}
		return c, err
	}}
}
