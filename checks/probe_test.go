//go:build linux

package checks_test

import (
	"bufio"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/pem"
	"errors"
	"math/big"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/vpndoctor/vpndoctor/checks"
	"github.com/vpndoctor/vpndoctor/checks/clients"
	"github.com/vpndoctor/vpndoctor/checks/permissive"
)

// The TLS step against real servers on loopback: OpenSSL's and GnuTLS's
// own servers, set up the way old gateways are, and Go servers that refuse
// a device certificate. Certificates are made in the test.

// tool finds an installed program; in CI (make test installs them) a
// missing one fails the test.
func tool(t *testing.T, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("%s is not installed: %v", name, err)
		}
		t.Skipf("%s is not installed", name)
	}
	return p
}

// rsaPKI is a root and a leaf for 127.0.0.1, both RSA (static RSA and DHE
// key exchange need an RSA key), written as PEM files into dir.
type rsaPKI struct {
	dir                string
	root               *x509.Certificate
	rootFile, rootKey  string
	leafFile, leafKey  string
	leafCert, leafPriv any
}

func writePEM(t *testing.T, path, typ string, der []byte) {
	t.Helper()
	if err := os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
}

func earliest(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

func latest(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func newRSAPKI(t *testing.T, extra ...pkix.Extension) rsaPKI {
	t.Helper()
	p := rsaPKI{dir: t.TempDir()}
	rootKey, _ := rsa.GenerateKey(rand.Reader, 2048)
	rootTmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "Probe Test Root"},
		NotBefore: earliest(currentTime, time.Now()).AddDate(-1, 0, 0), NotAfter: latest(currentTime, time.Now()).AddDate(5, 0, 0),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
	}
	der, err := x509.CreateCertificate(rand.Reader, rootTmpl, rootTmpl, &rootKey.PublicKey, rootKey)
	if err != nil {
		t.Fatal(err)
	}
	p.root, _ = x509.ParseCertificate(der)
	p.rootFile, p.rootKey = filepath.Join(p.dir, "root.pem"), filepath.Join(p.dir, "root.key")
	writePEM(t, p.rootFile, "CERTIFICATE", der)
	k8, _ := x509.MarshalPKCS8PrivateKey(rootKey)
	writePEM(t, p.rootKey, "PRIVATE KEY", k8)

	leafKey, _ := rsa.GenerateKey(rand.Reader, 2048)
	leafTmpl := &x509.Certificate{
		SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "127.0.0.1"},
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")},
		// Valid at the engine's fixed clock and at the real time that
		// openssl s_client checks it at.
		NotBefore: earliest(currentTime, time.Now()).AddDate(0, -1, 0), NotAfter: latest(currentTime, time.Now()).AddDate(0, 3, 0),
		KeyUsage:        x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment,
		ExtKeyUsage:     []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		ExtraExtensions: extra,
	}
	der, err = x509.CreateCertificate(rand.Reader, leafTmpl, p.root, &leafKey.PublicKey, rootKey)
	if err != nil {
		t.Fatal(err)
	}
	p.leafFile, p.leafKey = filepath.Join(p.dir, "leaf.pem"), filepath.Join(p.dir, "leaf.key")
	writePEM(t, p.leafFile, "CERTIFICATE", der)
	k8, _ = x509.MarshalPKCS8PrivateKey(leafKey)
	writePEM(t, p.leafKey, "PRIVATE KEY", k8)
	p.leafCert, p.leafPriv = der, leafKey
	return p
}

// md5Leaf re-issues the leaf signed with MD5, by openssl (Go no longer
// signs with MD5). OpenSSL dates it from now.
func (p rsaPKI) md5Leaf(t *testing.T) string {
	t.Helper()
	ossl := tool(t, "openssl")
	out := filepath.Join(p.dir, "leaf-md5.pem")
	csr := exec.Command(ossl, "req", "-new", "-key", p.leafKey, "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1")
	sign := exec.Command(ossl, "x509", "-req", "-CA", p.rootFile, "-CAkey", p.rootKey, "-md5", "-days", "30",
		"-copy_extensions", "copy", "-set_serial", "3", "-out", out)
	pipe, _ := csr.StdoutPipe()
	sign.Stdin = pipe
	if err := csr.Start(); err != nil {
		t.Fatal(err)
	}
	if b, err := sign.CombinedOutput(); err != nil {
		t.Fatalf("openssl x509 -md5: %v\n%s", err, b)
	}
	_ = csr.Wait()
	return out
}

var acceptLine = regexp.MustCompile(`ACCEPT (127\.0\.0\.1:\d+)`)

// sServer starts `openssl s_server` on a free loopback port and returns
// its address once it accepts.
func sServer(t *testing.T, args ...string) string {
	t.Helper()
	ossl := tool(t, "openssl")
	cmd := exec.Command(ossl, append([]string{"s_server", "-accept", "127.0.0.1:0", "-www"}, args...)...)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = cmd.Stdout
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		var lines []string
		for sc.Scan() {
			if m := acceptLine.FindStringSubmatch(sc.Text()); m != nil {
				found <- m[1]
				for sc.Scan() { // keep draining so the server never blocks
				}
				return
			}
			lines = append(lines, sc.Text())
		}
		found <- "!" + strings.Join(lines, "\n")
	}()
	select {
	case a := <-found:
		if strings.HasPrefix(a, "!") {
			t.Fatalf("openssl s_server %v did not start:\n%s", args, a[1:])
		}
		return a
	case <-time.After(10 * time.Second):
		t.Fatalf("openssl s_server %v did not start", args)
	}
	return ""
}

// freePort is a loopback port nobody listens on, for servers that cannot
// be told to pick one and say which (gnutls-serv).
func freePort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	return port
}

// gnutlsServer starts gnutls-serv with a priority string and waits until
// it accepts.
func gnutlsServer(t *testing.T, p rsaPKI, priority string) string {
	t.Helper()
	bin := tool(t, "gnutls-serv")
	for attempt := 0; attempt < 3; attempt++ {
		port := freePort(t)
		cmd := exec.Command(bin, "-p", port, "--http", "-a", "--x509certfile", p.leafFile, "--x509keyfile", p.leafKey, "--priority", priority)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
		addr := net.JoinHostPort("127.0.0.1", port)
		for i := 0; i < 100; i++ {
			if c, err := net.DialTimeout("tcp", addr, 100*time.Millisecond); err == nil {
				c.Close()
				return addr
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	t.Fatal("gnutls-serv did not start")
	return ""
}

func probeOptions(now func() time.Time, roots ...*x509.Certificate) checks.Options {
	return checks.Options{
		Trust: checks.StaticStore{Name: "probe test", Roots: roots}, Now: now,
		Timeout: 10 * time.Second, Permissive: permissive.Probe,
	}
}

func fixedNow() time.Time { return currentTime }

func diagnoseAddr(t *testing.T, addr string, opts checks.Options) *checks.Report {
	t.Helper()
	target, err := checks.ParseTarget(addr)
	if err != nil {
		t.Fatal(err)
	}
	return checks.Run(context.Background(), target, opts)
}

// noTLSVersion: a gateway VPN clients can talk to is never tls_version.
func noTLSVersion(t *testing.T, rep *checks.Report) {
	t.Helper()
	if f := find(rep, checks.TLSVersion); f != nil {
		t.Errorf("tls_version reported: %s (%s)", f.Detail, ids(rep))
	}
}

// Gateways crypto/tls cannot talk to, but VPN clients can, are judged on
// their certificates; TLS 1.0 alone is still tls_version, said plainly.
func TestRealOldServers(t *testing.T) {
	p := newRSAPKI(t)
	tests := []struct {
		name  string
		args  []string
		want  checks.ID
		check func(t *testing.T, rep *checks.Report)
	}{
		{"static RSA only", []string{"-tls1_2", "-cipher", "AES128-SHA:AES256-GCM-SHA384"}, checks.OK,
			func(t *testing.T, rep *checks.Report) {
				if rep.TLS.KeyExchange != "RSA" || rep.TLS.Probe != "permissive" || rep.TLS.Version != "TLS 1.2" {
					t.Errorf("tls = %+v, want TLS 1.2 with static RSA through the permissive probe", rep.TLS)
				}
			}},
		{"DHE only", []string{"-tls1_2", "-cipher", "DHE-RSA-AES128-GCM-SHA256:DHE-RSA-AES256-SHA"}, checks.OK,
			func(t *testing.T, rep *checks.Report) {
				if rep.TLS.KeyExchange != "DHE" || rep.TLS.Probe != "permissive" || !strings.Contains(rep.TLS.Cipher, "DHE_RSA") {
					t.Errorf("tls = %+v, want DHE through the permissive probe", rep.TLS)
				}
			}},
		{"TLS 1.0 only", []string{"-tls1", "-cipher", "DEFAULT@SECLEVEL=0"}, checks.TLSVersion,
			func(t *testing.T, rep *checks.Report) {
				evidence(t, rep, checks.TLSVersion, checks.EvTLSVersion, "TLS 1.0")
				f := find(rep, checks.TLSVersion)
				if strings.Contains(f.Detail, "accepted TLS 1.2") || !strings.Contains(f.Detail, "chose TLS 1.0") {
					t.Errorf("detail contradicts itself or hides the version: %q", f.Detail)
				}
				if len(rep.Chain) == 0 || rep.Trust.Verdict != "trusted" {
					t.Errorf("the TLS 1.0 gateway's chain was not judged: %d certs, %s", len(rep.Chain), rep.Trust.Verdict)
				}
				// The claim, against the same server: OpenSSL 3's client
				// refuses it at its default security level.
				addr := rep.Target.Host + ":" + strconv.Itoa(rep.Target.Port)
				if out, err := exec.Command(tool(t, "openssl"), "s_client", "-connect", addr).CombinedOutput(); err == nil {
					t.Errorf("openssl s_client connected to a TLS 1.0-only server:\n%s", out)
				}
			}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			addr := sServer(t, append([]string{"-cert", p.leafFile, "-key", p.leafKey}, tc.args...)...)
			rep := diagnoseAddr(t, addr, probeOptions(fixedNow, p.root))
			if rep.Primary != tc.want {
				t.Fatalf("primary = %s, want %s (%s); tls %+v", rep.Primary, tc.want, ids(rep), rep.TLS)
			}
			if tc.want != checks.TLSVersion {
				noTLSVersion(t, rep)
				// A VPN client's TLS stack (OpenSSL 3's) does talk to it.
				cmd := exec.Command(tool(t, "openssl"), "s_client", "-connect", addr, "-CAfile", p.rootFile, "-verify_return_error")
				if out, err := cmd.CombinedOutput(); err != nil {
					t.Errorf("openssl s_client could not talk to it either: %v\n%s", err, out)
				}
			}
			tc.check(t, rep)
		})
	}
}

// An MD5-signed leaf, served by a server that sends it: weak_signature,
// not tls_version and not a missing intermediate.
func TestRealMD5Leaf(t *testing.T) {
	p := newRSAPKI(t)
	leaf := p.md5Leaf(t)
	addr := sServer(t, "-cert", leaf, "-key", p.leafKey, "-cipher", "DEFAULT@SECLEVEL=0")
	rep := diagnoseAddr(t, addr, probeOptions(time.Now, p.root))
	noTLSVersion(t, rep)
	if len(rep.Chain) == 0 || rep.Chain[0].SigAlg != "MD5-RSA" {
		t.Fatalf("the MD5 chain did not reach the certificate checks: %d certs (%s); tls %+v", len(rep.Chain), ids(rep), rep.TLS)
	}
	evidence(t, rep, checks.WeakSignature, checks.EvSigAlg, "MD5")
	if rep.Primary != checks.WeakSignature || find(rep, checks.MissingIntermed) != nil {
		t.Errorf("primary = %s, want weak_signature and no missing intermediate (%s)", rep.Primary, ids(rep))
	}
}

// GnuTLS told to drop RFC 5746: crypto/tls connects, OpenSSL 3's client
// refuses (checked here with openssl s_client), GnuTLS's accepts, and the
// engine names it.
func TestRealServerWithoutSecureRenegotiation(t *testing.T) {
	p := newRSAPKI(t)
	addr := gnutlsServer(t, p, "NORMAL:%DISABLE_SAFE_RENEGOTIATION:-VERS-TLS1.3")
	rep := diagnoseAddr(t, addr, probeOptions(fixedNow, p.root))
	if rep.Primary != checks.LegacyRenegotiation {
		t.Fatalf("primary = %s, want legacy_renegotiation (%s); tls %+v", rep.Primary, ids(rep), rep.TLS)
	}
	evidence(t, rep, checks.LegacyRenegotiation, checks.EvTLSVersion, "TLS 1.2")
	if rep.TLS.SecureRenegotiation == nil || *rep.TLS.SecureRenegotiation || rep.TLS.Probe != "crypto/tls" {
		t.Errorf("tls = %+v, want secure_renegotiation false from the one crypto/tls handshake", rep.TLS)
	}
	// The claim the finding makes, against the same server.
	ossl := tool(t, "openssl")
	out, err := exec.Command(ossl, "s_client", "-connect", addr, "-CAfile", p.rootFile).CombinedOutput()
	if err == nil || !strings.Contains(string(out), "unsafe legacy renegotiation disabled") {
		t.Errorf("openssl s_client was expected to refuse this server: %v\n%s", err, out)
	}
	host, port, _ := net.SplitHostPort(addr)
	gcli := exec.Command(tool(t, "gnutls-cli"), "--x509cafile", p.rootFile, "-p", port, host)
	if out, err := gcli.CombinedOutput(); err != nil {
		t.Errorf("gnutls-cli was expected to connect (GnuTLS allows the first handshake): %v\n%s", err, out)
	}

	// Judged as the user's client: OpenSSL-based refuses, GnuTLS-based does not.
	for id, want := range map[string]checks.ID{"openconnect-openssl": checks.LegacyRenegotiation, "openconnect-gnutls": checks.OK} {
		prof, ok := clients.ByID(id)
		if !ok {
			t.Fatalf("no client profile %s", id)
		}
		opts := probeOptions(fixedNow, p.root)
		opts.Client = clients.Choice{Profile: prof, How: clients.ByFlag}
		if rep := diagnoseAddr(t, addr, opts); rep.Primary != want {
			t.Errorf("as %s: primary = %s (%s), want %s", id, rep.Primary, ids(rep), want)
		}
	}

	// And a server that does support it is not named.
	addr = gnutlsServer(t, p, "NORMAL:-VERS-TLS1.3")
	rep = diagnoseAddr(t, addr, probeOptions(fixedNow, p.root))
	if rep.Primary != checks.OK || find(rep, checks.LegacyRenegotiation) != nil {
		t.Errorf("primary = %s (%s), want ok", rep.Primary, ids(rep))
	}
	if rep.TLS.SecureRenegotiation == nil || !*rep.TLS.SecureRenegotiation {
		t.Errorf("tls = %+v, want secure_renegotiation true", rep.TLS)
	}
}

// bulky is a private extension that makes a certificate n bytes larger.
func bulky(n int) pkix.Extension {
	return pkix.Extension{Id: asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 55555, 1}, Value: make([]byte, n)}
}

// goServer serves pki's leaf (and its key) with crypto/tls.
func goServer(t *testing.T, cfg *tls.Config, hook func(net.Conn)) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				c.SetDeadline(time.Now().Add(5 * time.Second))
				if hook != nil {
					hook(c)
					return
				}
				tc := tls.Server(c, cfg)
				if tc.Handshake() == nil {
					var b [1]byte
					_, _ = tc.Read(b[:])
				}
			}()
		}
	}()
	return ln.Addr().String()
}

func (p rsaPKI) tlsCert() tls.Certificate {
	return tls.Certificate{Certificate: [][]byte{p.leafCert.([]byte)}, PrivateKey: p.leafPriv}
}

// A 480 KB certificate message is more than crypto/tls reads; a 150 KB one
// is more than OpenSSL-based clients read (checked with s_client).
func TestOversizedCertificateMessage(t *testing.T) {
	for _, tc := range []struct {
		name  string
		bytes int
		size  string
	}{
		{"480 KB", 480 << 10, "KiB"},
		{"150 KB", 150 << 10, "KiB"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := newRSAPKI(t, bulky(tc.bytes))
			addr := goServer(t, &tls.Config{Certificates: []tls.Certificate{p.tlsCert()}}, nil)
			rep := diagnoseAddr(t, addr, probeOptions(fixedNow, p.root))
			if rep.Primary != checks.ChainTooLarge {
				t.Fatalf("primary = %s, want chain_too_large (%s)", rep.Primary, ids(rep))
			}
			evidence(t, rep, checks.ChainTooLarge, checks.EvMessageSize, tc.size)
			noTLSVersion(t, rep)
			out, err := exec.Command(tool(t, "openssl"), "s_client", "-connect", addr).CombinedOutput()
			if err == nil || !strings.Contains(string(out), "excessive message size") {
				t.Errorf("openssl s_client was expected to refuse a %s certificate message: %v\n%s", tc.name, err, out)
			}
		})
	}
}

// closeOnClientCert closes the connection, with no alert, as soon as the
// server has the client's certificate message.
func closeOnClientCert(cfg *tls.Config) func(net.Conn) {
	return func(c net.Conn) {
		cfg := cfg.Clone()
		cfg.VerifyConnection = func(tls.ConnectionState) error {
			c.Close()
			return errors.New("refused")
		}
		_ = tls.Server(c, cfg).Handshake()
	}
}

// A gateway that refuses the device certificate, or its absence, by alert
// or by closing, in TLS 1.2 and 1.3: the client-certificate finding with the
// alert named, never tls_version.
func TestDeviceCertificateRefusals(t *testing.T) {
	p := newRSAPKI(t)
	refuse := func([][]byte, [][]*x509.Certificate) error { return errors.New("not our device") }
	offered := deviceIdentity(t)
	for _, v := range []uint16{tls.VersionTLS12, tls.VersionTLS13} {
		base := &tls.Config{Certificates: []tls.Certificate{p.tlsCert()}, MinVersion: v, MaxVersion: v}
		required := base.Clone()
		required.ClientAuth = tls.RequireAnyClientCert
		picky := base.Clone()
		picky.ClientAuth = tls.VerifyClientCertIfGiven
		picky.ClientCAs = x509.NewCertPool()
		picky.ClientCAs.AddCert(p.root)
		requested := base.Clone()
		requested.ClientAuth = tls.RequestClientCert
		tests := []struct {
			name  string
			addr  string
			offer *tls.Certificate
			want  checks.ID
			alert string // "" for a close, "-" when the device judging explains it
		}{
			{"required, none sent", goServer(t, required, nil), nil, checks.ClientCertRequired, map[uint16]string{
				tls.VersionTLS12: "handshake_failure (40)", tls.VersionTLS13: "certificate_required (116)"}[v]},
			{"refused by VerifyPeerCertificate", goServer(t, &tls.Config{Certificates: base.Certificates, MinVersion: v, MaxVersion: v,
				ClientAuth: tls.RequireAnyClientCert, VerifyPeerCertificate: refuse}, nil), &offered, checks.ClientCertRefused, "bad_certificate (42)"},
			// The device judging explains this one itself (its issuer is not
			// among the accepted CAs), so the alert is not quoted.
			{"wrong CA", goServer(t, picky, nil), &offered, checks.ClientCertUntrust, "-"},
			{"closed, none sent", goServer(t, nil, closeOnClientCert(requested)), nil, checks.ClientCertRequired, ""},
		}
		for _, tc := range tests {
			t.Run(tlsName(v)+"/"+tc.name, func(t *testing.T) {
				opts := probeOptions(fixedNow, p.root)
				opts.ClientCert = tc.offer
				rep := diagnoseAddr(t, tc.addr, opts)
				noTLSVersion(t, rep)
				f := find(rep, tc.want)
				if f == nil {
					t.Fatalf("no %s finding (%s); tls %+v", tc.want, ids(rep), rep.TLS)
				}
				// The alert named: by the TLS step (tls_alert) or in the
				// gateway's answer the device-certificate findings quote.
				if named := f.Evidence[checks.EvTLSAlert] + f.Evidence[checks.EvGatewayAnswer]; tc.alert != "-" && !strings.Contains(named, tc.alert) {
					t.Errorf("alert evidence %v, want it to name %q", f.Evidence, tc.alert)
				}
				if tc.alert == "" && !strings.Contains(f.Detail, "closed the connection") {
					t.Errorf("detail %q, want the close named", f.Detail)
				}
				if rep.TLS.Probe != "crypto/tls" || len(rep.Chain) == 0 {
					t.Errorf("a refusal must end the TLS step and keep the server's chain: tls %+v, %d certs", rep.TLS, len(rep.Chain))
				}
			})
		}
	}
	// OpenSSL's server demanding a certificate (-Verify 1), both versions.
	for _, v := range []string{"-tls1_2", "-tls1_3"} {
		t.Run("openssl s_server -Verify 1 "+v, func(t *testing.T) {
			addr := sServer(t, "-cert", p.leafFile, "-key", p.leafKey, "-Verify", "1", v)
			rep := diagnoseAddr(t, addr, probeOptions(fixedNow, p.root))
			noTLSVersion(t, rep)
			if rep.Primary != checks.ClientCertRequired {
				t.Fatalf("primary = %s, want client_cert_required (%s); tls %+v", rep.Primary, ids(rep), rep.TLS)
			}
		})
	}
}

// deviceIdentity is a device certificate for client authentication, from
// a CA of its own.
func deviceIdentity(t *testing.T) tls.Certificate {
	t.Helper()
	caKey, _ := rsa.GenerateKey(rand.Reader, 2048)
	ca := &x509.Certificate{SerialNumber: big.NewInt(10), Subject: pkix.Name{CommonName: "Probe Test Device CA"},
		NotBefore: earliest(currentTime, time.Now()).AddDate(-1, 0, 0), NotAfter: latest(currentTime, time.Now()).AddDate(3, 0, 0),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign}
	caDER, err := x509.CreateCertificate(rand.Reader, ca, ca, &caKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	ca, _ = x509.ParseCertificate(caDER)
	key, _ := rsa.GenerateKey(rand.Reader, 2048)
	leaf := &x509.Certificate{SerialNumber: big.NewInt(11), Subject: pkix.Name{CommonName: "laptop-42"},
		NotBefore: earliest(currentTime, time.Now()).AddDate(0, -1, 0), NotAfter: latest(currentTime, time.Now()).AddDate(1, 0, 0),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}}
	der, err := x509.CreateCertificate(rand.Reader, leaf, ca, &key.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	return tls.Certificate{Certificate: [][]byte{der, caDER}, PrivateKey: key}
}

func tlsName(v uint16) string {
	if v == tls.VersionTLS13 {
		return "TLS1.3"
	}
	return "TLS1.2"
}

// The permissive probe as vpndoctor runs it: the vpndoctor-probe program,
// built here, over its pipe.
func TestPermissiveProgram(t *testing.T) {
	skipUnderMutation(t, "builds vpndoctor-probe (seconds); the probe files are not among the mutated ones")
	goTool := tool(t, "go")
	bin := filepath.Join(t.TempDir(), "vpndoctor-probe")
	if out, err := exec.Command(goTool, "build", "-o", bin, "github.com/vpndoctor/vpndoctor/cmd/vpndoctor-probe").CombinedOutput(); err != nil {
		t.Fatalf("build vpndoctor-probe: %v\n%s", err, out)
	}
	p := newRSAPKI(t)
	addr := sServer(t, "-cert", p.leafFile, "-key", p.leafKey, "-tls1_2", "-cipher", "DHE-RSA-AES256-GCM-SHA384")
	opts := probeOptions(fixedNow, p.root)
	opts.Permissive = checks.ExecPermissive(bin)
	rep := diagnoseAddr(t, addr, opts)
	if rep.Primary != checks.OK || rep.TLS.Probe != "permissive" || rep.TLS.KeyExchange != "DHE" {
		t.Fatalf("primary = %s (%s); tls %+v", rep.Primary, ids(rep), rep.TLS)
	}

	// Without the program, crypto/tls's own legacy attempt (no DHE) fails
	// too, and the engine says what was not tried.
	opts.Permissive = checks.ExecPermissive(filepath.Join(t.TempDir(), "missing"))
	rep = diagnoseAddr(t, addr, opts)
	f := find(rep, checks.TLSVersion)
	if rep.Primary != checks.TLSVersion || f == nil || !strings.Contains(f.Detail, "DHE suites and MD5 signatures were not tried") || rep.TLS.PermissiveError == "" {
		t.Errorf("primary = %s (%s); tls %+v", rep.Primary, ids(rep), rep.TLS)
	}

	// ... but it still reaches a TLS 1.0 or static-RSA gateway.
	for _, args := range [][]string{{"-tls1", "-cipher", "DEFAULT@SECLEVEL=0"}, {"-tls1_2", "-cipher", "AES128-SHA"}} {
		addr := sServer(t, append([]string{"-cert", p.leafFile, "-key", p.leafKey}, args...)...)
		rep = diagnoseAddr(t, addr, opts)
		if len(rep.Chain) == 0 || rep.TLS.Probe != "crypto/tls legacy" {
			t.Errorf("%v without vpndoctor-probe: primary %s (%s); tls %+v", args, rep.Primary, ids(rep), rep.TLS)
		}
	}
}

// A server neither attempt can agree with (OpenSSL offering only PSK
// suites), and one that hangs up on every greeting: each named once, the
// detail saying what both attempts met and never that one was accepted.
func TestNothingAgreed(t *testing.T) {
	addr := sServer(t, "-tls1_2", "-nocert", "-psk", "1a2b3c4d", "-cipher", "PSK-AES128-CBC-SHA")
	rep := diagnoseAddr(t, addr, probeOptions(fixedNow))
	f := find(rep, checks.TLSVersion)
	if rep.Primary != checks.TLSVersion || f == nil {
		t.Fatalf("primary = %s (%s); tls %+v", rep.Primary, ids(rep), rep.TLS)
	}
	if !strings.Contains(f.Detail, "also the older ones") || strings.Contains(f.Detail, "accepted") || rep.TLS.Probe != "permissive" {
		t.Errorf("detail %q; tls %+v", f.Detail, rep.TLS)
	}

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			c.Close()
		}
	}()
	rep = diagnoseAddr(t, ln.Addr().String(), probeOptions(fixedNow))
	if rep.Primary != checks.NotTLS {
		t.Fatalf("primary = %s (%s), want not_tls", rep.Primary, ids(rep))
	}
	// No protocol was spoken: none is named ("it spoke none" read as
	// nonsense in the headline).
	if p, ok := find(rep, checks.NotTLS).Evidence[checks.EvProtocol]; ok {
		t.Errorf("protocol evidence %q for a server that said nothing", p)
	}
}

// The common case does not pay: on a healthy gateway the TLS step makes one
// crypto/tls handshake, never a second attempt, and the permissive probe
// never runs; the ServerHello is read from that one handshake.
func TestHealthyGatewayOneHandshake(t *testing.T) {
	p := newRSAPKI(t)
	for _, v := range []uint16{tls.VersionTLS12, tls.VersionTLS13} {
		// The login probe (issue 13) makes its own connections after the
		// TLS step; a second attempt of the TLS step is recognisable by its
		// ClientHello, which offers no TLS 1.3.
		var hellos, legacy atomic.Int32
		cfg := &tls.Config{Certificates: []tls.Certificate{p.tlsCert()}, MaxVersion: v,
			GetConfigForClient: func(hi *tls.ClientHelloInfo) (*tls.Config, error) {
				hellos.Add(1)
				if !slices.Contains(hi.SupportedVersions, tls.VersionTLS13) {
					legacy.Add(1)
				}
				return nil, nil
			}}
		addr := goServer(t, nil, func(c net.Conn) { _ = tls.Server(c, cfg).Handshake() })
		opts := probeOptions(fixedNow, p.root)
		opts.Permissive = func(context.Context, checks.PermissiveRequest) (checks.PermissiveResult, error) {
			t.Errorf("the permissive probe ran against a healthy gateway")
			return checks.PermissiveResult{}, errors.New("not expected")
		}
		rep := diagnoseAddr(t, addr, opts)
		if rep.Primary != checks.OK || hellos.Load() < 1 || legacy.Load() != 0 || rep.TLS.Probe != "crypto/tls" {
			t.Errorf("%s: primary = %s (%s), %d handshakes of which %d second attempts, probe %q; want ok, no second attempt",
				tlsName(v), rep.Primary, ids(rep), hellos.Load(), legacy.Load(), rep.TLS.Probe)
		}
		if v == tls.VersionTLS12 && (rep.TLS.SecureRenegotiation == nil || !*rep.TLS.SecureRenegotiation) {
			t.Errorf("TLS 1.2: secure_renegotiation not read from the one handshake: %+v", rep.TLS)
		}
		if v == tls.VersionTLS13 && rep.TLS.SecureRenegotiation != nil {
			t.Errorf("TLS 1.3 has no renegotiation, yet secure_renegotiation = %v", *rep.TLS.SecureRenegotiation)
		}
	}
}

// The engine's binary must not link zcrypto's TLS fork: its package
// initialisation (with its certificate-transparency packages) would slow
// every healthy diagnosis, and it does not build for macOS without cgo. It
// belongs in vpndoctor-probe, started only when needed. (zcrypto's x509,
// the parse fallback of checks/pathbuild, is linked; see the notes.)
func TestEngineDoesNotLinkZcryptoTLS(t *testing.T) {
	out, err := exec.Command(tool(t, "go"), "list", "-deps", "github.com/vpndoctor/vpndoctor/checks").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	for _, dep := range strings.Fields(string(out)) {
		if dep == "github.com/zmap/zcrypto/tls" || strings.HasPrefix(dep, "github.com/zmap/zcrypto/ct") {
			t.Errorf("checks imports %s: keep zcrypto's TLS in checks/permissive and cmd/vpndoctor-probe", dep)
		}
	}
}
