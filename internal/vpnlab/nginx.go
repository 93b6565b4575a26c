//go:build unix

package vpnlab

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// NginxConfig describes one nginx HTTPS server asking for client
// certificates.
type NginxConfig struct {
	CertFile, KeyFile string
	// ClientCAFile: the CAs accepted for client certificates; nginx also
	// sends their names in its CertificateRequest.
	ClientCAFile string
	VerifyClient string   // ssl_verify_client: on, optional, optional_no_ca, off ("" = off)
	Protocols    string   // ssl_protocols, default "TLSv1.2 TLSv1.3"
	Extra        []string // raw lines inside the server block
}

// Nginx is a running server. A request that passes answers 200 with
// "vpnlab ok <ssl_client_verify>".
type Nginx struct {
	Port int
	Addr string
	URL  string
	srv  *server
}

// Log returns nginx's error log (sent to stderr).
func (n *Nginx) Log() string { return n.srv.out.String() }

// StartNginx runs nginx in the foreground (daemon off, one process) and
// stops it in t.Cleanup.
func StartNginx(t testing.TB, cfg NginxConfig) *Nginx {
	t.Helper()
	bin := Need(t, "nginx")
	dir := t.TempDir()
	for _, d := range []string{"body", "proxy", "fastcgi", "uwsgi", "scgi"} {
		if err := os.MkdirAll(filepath.Join(dir, d), 0o700); err != nil {
			t.Fatal(err)
		}
	}
	for attempt := 0; attempt < 5; attempt++ {
		port := freePort(t)
		conf := filepath.Join(dir, "nginx.conf")
		writeFile(t, conf, nginxConf(cfg, dir, port), 0o600)
		s, err := startServer(t, port, "Address already in use", bin, "-p", dir, "-e", "stderr", "-c", conf)
		if errors.Is(err, errBind) {
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(s.stop)
		addr := fmt.Sprintf("127.0.0.1:%d", port)
		return &Nginx{Port: port, Addr: addr, URL: "https://" + addr + "/", srv: s}
	}
	t.Fatal("nginx: no free port after 5 attempts")
	return nil
}

func nginxConf(cfg NginxConfig, dir string, port int) string {
	verify := cfg.VerifyClient
	if verify == "" {
		verify = "off"
	}
	protocols := cfg.Protocols
	if protocols == "" {
		protocols = "TLSv1.2 TLSv1.3"
	}
	server := []string{
		fmt.Sprintf("listen 127.0.0.1:%d ssl;", port),
		"ssl_certificate " + cfg.CertFile + ";",
		"ssl_certificate_key " + cfg.KeyFile + ";",
		"ssl_protocols " + protocols + ";",
		"ssl_verify_client " + verify + ";",
		"ssl_verify_depth 4;",
		`location / { return 200 "vpnlab ok $ssl_client_verify\n"; }`,
	}
	if cfg.ClientCAFile != "" {
		server = append(server, "ssl_client_certificate "+cfg.ClientCAFile+";")
	}
	server = append(server, cfg.Extra...)
	return fmt.Sprintf(`daemon off;
master_process off;
user %s;
pid %s;
error_log stderr info;
events { worker_connections 64; }
http {
  access_log off;
  client_body_temp_path %s;
  proxy_temp_path %s;
  fastcgi_temp_path %s;
  uwsgi_temp_path %s;
  scgi_temp_path %s;
  server {
    %s
  }
}
`, currentUser().Username, filepath.Join(dir, "nginx.pid"),
		filepath.Join(dir, "body"), filepath.Join(dir, "proxy"), filepath.Join(dir, "fastcgi"),
		filepath.Join(dir, "uwsgi"), filepath.Join(dir, "scgi"), strings.Join(server, "\n    "))
}
