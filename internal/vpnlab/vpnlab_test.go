//go:build unix

package vpnlab

import (
	"crypto/tls"
	"crypto/x509"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

type lab struct {
	root, devCA         *CA
	rootFile, devCAFile string
	srvCert, srvKey     string
	devCert, devKey     string
	otherCert, otherKey string
}

func newLab(t *testing.T) *lab {
	dir := t.TempDir()
	l := &lab{root: NewCA(t, "Lab Root"), devCA: NewCA(t, "Lab Device CA")}
	l.rootFile = l.root.Write(t, dir, "root")
	l.devCAFile = l.devCA.Write(t, dir, "devca")
	srv := l.root.Issue(t, CertSpec{CN: "127.0.0.1", IPs: []net.IP{net.IPv4(127, 0, 0, 1)}, Server: true})
	l.srvCert, l.srvKey = srv.Write(t, dir, "server")
	l.devCert, l.devKey = l.devCA.Issue(t, CertSpec{CN: "alice", Client: true}).Write(t, dir, "dev")
	l.otherCert, l.otherKey = NewCA(t, "Other CA").Issue(t, CertSpec{CN: "alice", Client: true}).Write(t, dir, "other")
	return l
}

// The lab is only useful if a valid device certificate gets through and a
// missing or foreign one does not, as openconnect sees it.
func TestOcservCertificateLogin(t *testing.T) {
	t.Parallel()
	l := newLab(t)
	for _, compat := range []bool{true, false} {
		for _, prio := range []string{TLS12Only, TLS13Only} {
			gw := StartOcserv(t, OcservConfig{CertFile: l.srvCert, KeyFile: l.srvKey, CAFile: l.devCAFile,
				Auth: AuthCertificate, CiscoClientCompat: compat, TLSPriorities: prio})
			name := map[bool]string{true: "compat", false: "strict"}[compat] + "/" + prio[len(prio)-3:]
			t.Run(name, func(t *testing.T) {
				if r := Openconnect(t, LoginOptions{URL: gw.URL, CAFile: l.rootFile, CertFile: l.devCert, KeyFile: l.devKey}); !r.OK {
					t.Errorf("valid device certificate refused:\n%s\nserver:\n%s", r.Output, gw.Log())
				}
				if r := Openconnect(t, LoginOptions{URL: gw.URL, CAFile: l.rootFile}); r.OK {
					t.Errorf("login without a certificate got through:\n%s", r.Output)
				}
				if r := Openconnect(t, LoginOptions{URL: gw.URL, CAFile: l.rootFile, CertFile: l.otherCert, KeyFile: l.otherKey}); r.OK {
					t.Errorf("certificate from another CA got through:\n%s", r.Output)
				}
			})
		}
	}
}

func TestOcservPassword(t *testing.T) {
	t.Parallel()
	l := newLab(t)
	gw := StartOcserv(t, OcservConfig{CertFile: l.srvCert, KeyFile: l.srvKey, CAFile: l.devCAFile,
		Auth: AuthPlainOrCert, Users: map[string]string{"bob": "s3cret"}, CiscoClientCompat: true})
	if r := Openconnect(t, LoginOptions{URL: gw.URL, CAFile: l.rootFile, User: "bob", Password: "s3cret"}); !r.OK {
		t.Errorf("right password refused:\n%s\n%s", r.Output, gw.Log())
	}
	if r := Openconnect(t, LoginOptions{URL: gw.URL, CAFile: l.rootFile, User: "bob", Password: "wrong"}); r.OK {
		t.Errorf("wrong password accepted:\n%s", r.Output)
	}
	if r := Openconnect(t, LoginOptions{URL: gw.URL, CAFile: l.rootFile, CertFile: l.devCert, KeyFile: l.devKey}); !r.OK {
		t.Errorf("password-or-certificate refused the certificate:\n%s\n%s", r.Output, gw.Log())
	}
}

func TestNginxVerifyClient(t *testing.T) {
	t.Parallel()
	l := newLab(t)
	roots := x509.NewCertPool()
	roots.AddCert(l.root.Cert)
	dev, err := tls.LoadX509KeyPair(l.devCert, l.devKey)
	if err != nil {
		t.Fatal(err)
	}
	get := func(url string, cert *tls.Certificate) string {
		cfg := &tls.Config{RootCAs: roots}
		if cert != nil {
			cfg.Certificates = []tls.Certificate{*cert}
		}
		c := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{TLSClientConfig: cfg}}
		resp, err := c.Get(url)
		if err != nil {
			return "error: " + err.Error()
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.Status + " " + string(b)
	}
	on := StartNginx(t, NginxConfig{CertFile: l.srvCert, KeyFile: l.srvKey, ClientCAFile: l.devCAFile, VerifyClient: "on"})
	opt := StartNginx(t, NginxConfig{CertFile: l.srvCert, KeyFile: l.srvKey, ClientCAFile: l.devCAFile, VerifyClient: "optional"})
	for _, c := range []struct {
		url  string
		cert *tls.Certificate
		want string
	}{
		{on.URL, nil, "No required SSL certificate was sent"},
		{on.URL, &dev, "vpnlab ok SUCCESS"},
		{opt.URL, nil, "vpnlab ok NONE"},
		{opt.URL, &dev, "vpnlab ok SUCCESS"},
	} {
		if got := get(c.url, c.cert); !strings.Contains(got, c.want) {
			t.Errorf("%s (cert %v): got %q, want %q\n%s", c.url, c.cert != nil, got, c.want, on.Log())
		}
	}
}
