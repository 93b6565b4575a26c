//go:build unix

package vpnlab

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strings"
	"testing"
)

// AuthMode is how ocserv authenticates a user.
type AuthMode int

// Authentication modes.
const (
	// AuthPlain: user name and password from a passwd file (Users).
	AuthPlain AuthMode = iota
	// AuthCertificate: a device certificate issued by CAFile; the user name
	// is its common name.
	AuthCertificate
	// AuthPlainOrCert: a password or a certificate (enable-auth).
	AuthPlainOrCert
	// AuthPlainAndCert: both a certificate and the password (two auth lines).
	AuthPlainAndCert
)

// TLS priority strings for OcservConfig.TLSPriorities (GnuTLS syntax).
const (
	TLS12Only = "NORMAL:%SERVER_PRECEDENCE:-VERS-ALL:+VERS-TLS1.2"
	TLS13Only = "NORMAL:%SERVER_PRECEDENCE:-VERS-ALL:+VERS-TLS1.3"
)

// OcservConfig describes one ocserv gateway.
type OcservConfig struct {
	CertFile, KeyFile string // the gateway's certificate (chain) and key, PEM
	// CAFile holds the CAs whose device certificates ocserv accepts; it is
	// also the list ocserv sends in its CertificateRequest. Required for the
	// certificate modes; empty otherwise means no certificate is requested.
	CAFile            string
	Auth              AuthMode
	Users             map[string]string // user -> password, for the plain modes
	CiscoClientCompat bool
	TLSPriorities     string   // "" keeps ocserv's default
	Extra             []string // raw configuration lines, appended last
}

// Ocserv is a running gateway.
type Ocserv struct {
	Port int
	Addr string // 127.0.0.1:port
	URL  string // https://127.0.0.1:port/
	srv  *server
}

// Log returns what ocserv printed so far (its debug log).
func (o *Ocserv) Log() string { return o.srv.out.String() }

// StartOcserv starts ocserv in the foreground and stops it in t.Cleanup.
func StartOcserv(t testing.TB, cfg OcservConfig) *Ocserv {
	t.Helper()
	bin := Need(t, "ocserv")
	dir := t.TempDir()
	// The socket path must stay short (sun_path is 108 bytes and ocserv
	// appends ".xxxxxxxx.0"); t.TempDir() paths grow with the test name.
	sockDir, err := os.MkdirTemp("", "vpnlab")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(sockDir) })
	auth := authLines(t, dir, cfg)
	for attempt := 0; attempt < 5; attempt++ {
		port := freePort(t)
		conf := filepath.Join(dir, "ocserv.conf")
		writeFile(t, conf, ocservConf(cfg, auth, dir, sockDir, port), 0o600)
		s, err := startServer(t, port, "bind() failed", bin, "-f", "-d", "1", "-c", conf)
		if errors.Is(err, errBind) {
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(s.stop)
		addr := fmt.Sprintf("127.0.0.1:%d", port)
		return &Ocserv{Port: port, Addr: addr, URL: "https://" + addr + "/", srv: s}
	}
	t.Fatal("ocserv: no free port after 5 attempts")
	return nil
}

func ocservConf(cfg OcservConfig, auth []string, dir, sockDir string, port int) string {
	u := currentUser()
	lines := append([]string{}, auth...)
	lines = append(lines,
		fmt.Sprintf("tcp-port = %d", port),
		"listen-host = 127.0.0.1",
		"socket-file = "+filepath.Join(sockDir, "s"),
		"pid-file = "+filepath.Join(dir, "ocserv.pid"),
		"run-as-user = "+u.Username,
		"run-as-group = "+groupName(u),
		"isolate-workers = false",
		"use-occtl = false",
		"server-cert = "+cfg.CertFile,
		"server-key = "+cfg.KeyFile,
		"cert-user-oid = 2.5.4.3",
		fmt.Sprintf("cisco-client-compat = %t", cfg.CiscoClientCompat),
		"max-clients = 64",
		"max-same-clients = 0",
		"auth-timeout = 30",
		// Every test connects from 127.0.0.1: ocserv's ban score (a point
		// per connection, ten per failed login) would soon lock tests out.
		"max-ban-score = 0",
		"device = vpns",
		"ipv4-network = 192.168.99.0/24",
		"dns = 192.168.99.1",
	)
	if cfg.CAFile != "" {
		lines = append(lines, "ca-cert = "+cfg.CAFile)
	}
	if cfg.TLSPriorities != "" {
		lines = append(lines, fmt.Sprintf("tls-priorities = %q", cfg.TLSPriorities))
	}
	lines = append(lines, cfg.Extra...)
	return strings.Join(lines, "\n") + "\n"
}

// authLines writes the passwd file the plain modes need and returns the
// auth configuration.
func authLines(t testing.TB, dir string, cfg OcservConfig) []string {
	t.Helper()
	plain := ""
	if cfg.Auth != AuthCertificate {
		passwd := filepath.Join(dir, "ocpasswd")
		writeFile(t, passwd, passwdFile(t, cfg.Users), 0o600)
		plain = fmt.Sprintf("auth = \"plain[passwd=%s]\"", passwd)
	}
	switch cfg.Auth {
	case AuthCertificate:
		return []string{`auth = "certificate"`}
	case AuthPlainOrCert:
		return []string{plain, `enable-auth = "certificate"`}
	case AuthPlainAndCert:
		return []string{`auth = "certificate"`, plain}
	}
	return []string{plain}
}

// passwdFile is ocpasswd's format, user:group:crypt-hash, hashed by openssl
// (ocpasswd itself insists on a terminal).
func passwdFile(t testing.TB, users map[string]string) string {
	t.Helper()
	var sb strings.Builder
	openssl := ""
	if len(users) > 0 {
		openssl = Need(t, "openssl")
	}
	for name, pw := range users {
		cmd := exec.Command(openssl, "passwd", "-6", "-stdin")
		cmd.Stdin = strings.NewReader(pw + "\n")
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("openssl passwd: %v", err)
		}
		fmt.Fprintf(&sb, "%s:*:%s\n", name, strings.TrimSpace(string(out)))
	}
	return sb.String()
}

func currentUser() *user.User {
	u, err := user.Current()
	if err != nil {
		return &user.User{Username: "root", Gid: "0"}
	}
	return u
}

func groupName(u *user.User) string {
	g, err := user.LookupGroupId(u.Gid)
	if err != nil {
		return "root"
	}
	return g.Name
}
