package packaging

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vpndoctor/vpndoctor/checks"
)

// TestLinuxPackage unpacks the tar.xz that scripts/package.sh built, checks
// its .desktop entry, installs it with its own Makefile (as `sudo make
// install` would, into a scratch root) and runs the installed program.
func TestLinuxPackage(t *testing.T) {
	tarball := os.Getenv("VPNDOCTOR_TARXZ")
	if tarball == "" {
		t.Skip("VPNDOCTOR_TARXZ is not set: `make package-check` builds the Linux package and runs this test on it")
	}
	dir := t.TempDir()
	run := func(name string, args ...string) string {
		t.Helper()
		cmd := exec.Command(name, args...)
		cmd.Dir = dir
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
		}
		return string(out)
	}
	run("tar", "-xJf", tarball)
	// fyne package puts everything in one folder, vpndoctor/.
	top := filepath.Join(dir, "vpndoctor")
	if _, err := os.Stat(filepath.Join(top, "Makefile")); err != nil {
		t.Fatalf("no vpndoctor/Makefile in the package:\n%s", run("tar", "-tJf", tarball))
	}
	desktops, _ := filepath.Glob(filepath.Join(top, "usr", "local", "share", "applications", "*.desktop"))
	if len(desktops) != 1 {
		t.Fatalf("want one .desktop entry, got %v:\n%s", desktops, run("tar", "-tJf", tarball))
	}
	entry, _ := os.ReadFile(desktops[0])
	for _, want := range []string{"Type=Application", "Name=vpndoctor", "Exec=vpndoctor", "Icon=", "Categories=Network;Utility;", "Comment=", "GenericName="} {
		if !strings.Contains(string(entry), "\n"+want) {
			t.Errorf(".desktop entry has no %q line:\n%s", want, entry)
		}
	}

	root := filepath.Join(dir, "root")
	run("make", "-C", top, "install", "DESTDIR="+root, "PREFIX=/usr/local")
	bin := filepath.Join(root, "usr", "local", "bin", "vpndoctor")
	for _, p := range []string{bin,
		filepath.Join(root, "usr", "local", "share", "applications", filepath.Base(desktops[0]))} {
		if _, err := os.Stat(p); err != nil {
			t.Errorf("not installed: %v", err)
		}
	}
	icons, _ := filepath.Glob(filepath.Join(root, "usr", "local", "share", "pixmaps", "*.png"))
	if len(icons) != 1 {
		t.Errorf("icon not installed: %v", icons)
	}
	cmd := exec.Command(bin, "version")
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil || strings.TrimSpace(string(out)) != "vpndoctor "+checks.Version {
		t.Errorf("installed vpndoctor version: %q (%v), want %q", out, err, "vpndoctor "+checks.Version)
	}
	if stderr.Len() > 0 {
		t.Logf("vpndoctor version also wrote to stderr: %s", stderr.String())
	}
	checkInstalledProbe(t, filepath.Join(filepath.Dir(bin), "vpndoctor-probe"))
	run("make", "-C", top, "uninstall", "DESTDIR="+root, "PREFIX=/usr/local")
	for _, p := range []string{bin, filepath.Join(filepath.Dir(bin), "vpndoctor-probe")} {
		if _, err := os.Stat(p); err == nil {
			t.Errorf("make uninstall left %s", p)
		}
	}
}

// checkInstalledProbe runs the installed permissive probe the way vpndoctor
// does (checks/probe_exec.go) against a real TLS server on loopback: the
// chain it reads back must be the server's.
func checkInstalledProbe(t *testing.T, probe string) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "probe.test"},
		DNSNames: []string{"probe.test"}, NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	l, err := tls.Listen("tcp", "127.0.0.1:0", &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}}})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			_ = c.(*tls.Conn).Handshake()
			c.Close()
		}
	}()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	res, err := checks.ExecPermissive(probe)(ctx, checks.PermissiveRequest{Addr: l.Addr().String(), ServerName: "probe.test", TimeoutMS: 5000})
	if err != nil {
		t.Fatalf("installed vpndoctor-probe: %v", err)
	}
	if len(res.Certificates) != 1 || !bytes.Equal(res.Certificates[0], der) || res.KeyExchange == "" {
		t.Errorf("installed vpndoctor-probe read %d certificates (key exchange %q), want the server's one", len(res.Certificates), res.KeyExchange)
	}
}
