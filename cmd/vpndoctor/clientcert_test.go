package main

import (
	"crypto/ecdsa"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vpndoctor/vpndoctor/internal/vpnlab"
)

// A PKCS#12 file made by OpenSSL 3 (AES-256, PBKDF2: what IT exports today)
// opens with the password asked for, keeps its intermediate, and neither the
// password nor the key reaches the report.
func TestClientCertPKCS12(t *testing.T) {
	openssl := vpnlab.Need(t, "openssl")
	dir := t.TempDir()
	root := vpnlab.NewCA(t, "P12 Root")
	issuing := root.Intermediate(t, "P12 Issuing")
	leaf := issuing.Issue(t, vpnlab.CertSpec{CN: "laptop-42", Client: true})
	certFile, keyFile := leaf.Write(t, dir, "dev", issuing)
	p12 := filepath.Join(dir, "dev.p12")
	const secret = "pa55-w0rd-never-kept"
	out, err := exec.Command(openssl, "pkcs12", "-export", "-in", certFile, "-inkey", keyFile, "-out", p12, "-passout", "pass:"+secret).CombinedOutput()
	if err != nil {
		t.Fatalf("openssl pkcs12: %v\n%s", err, out)
	}
	asked := 0
	id, err := loadClientIdentity(p12, "", func(string) ([]byte, error) { asked++; return []byte(secret), nil })
	if err != nil {
		t.Fatal(err)
	}
	if asked != 1 || len(id.Certificate) != 2 {
		t.Errorf("asked %d times, %d certificates; want 1 and 2", asked, len(id.Certificate))
	}
	if k, ok := id.PrivateKey.(*ecdsa.PrivateKey); !ok || !k.Equal(leaf.Key) {
		t.Errorf("the key in the PKCS#12 file was not read back: %T", id.PrivateKey)
	}
	if _, err := loadClientIdentity(p12, "", func(string) ([]byte, error) { return []byte("wrong"), nil }); err == nil || !strings.Contains(err.Error(), "not right") {
		t.Errorf("wrong password: %v", err)
	}

	// The whole command, the password typed on stdin.
	r, w, _ := os.Pipe()
	w.WriteString(secret + "\n")
	w.Close()
	old := os.Stdin
	os.Stdin = r
	defer func() { os.Stdin = old }()
	report := filepath.Join(dir, "report.json")
	code, stdout, stderr := runCLI("check", "--json", "--report", report, "--client-cert", p12, "--demo", "client_cert")
	if code == exitUsage {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	saved, _ := os.ReadFile(report)
	keyPEM := string(vpnlab.KeyPEM(t, leaf.Key))
	for _, s := range []string{stdout, stderr, string(saved)} {
		if strings.Contains(s, secret) || strings.Contains(s, strings.Split(keyPEM, "\n")[1]) {
			t.Fatal("the password or the private key reached the output")
		}
	}
	if !strings.Contains(stdout, `"device_certificates"`) || !strings.Contains(stdout, "laptop-42") {
		t.Errorf("the device certificate is not in the report: %.400s", stdout)
	}
}

// A PEM certificate without its key is still judged, as "no private key".
func TestClientCertWithoutKey(t *testing.T) {
	dir := t.TempDir()
	leaf := vpnlab.NewCA(t, "Root").Issue(t, vpnlab.CertSpec{CN: "laptop-7", Client: true})
	certFile, _ := leaf.Write(t, dir, "dev")
	id, err := loadClientIdentity(certFile, "", nil)
	if err != nil || id.PrivateKey != nil || len(id.Certificate) != 1 {
		t.Fatalf("got %v, %v", id, err)
	}
	code, stdout, _ := runCLI("check", "--json", "--client-cert", certFile, "--demo", "client_cert")
	if code != exitProblem || !strings.Contains(stdout, `"primary": "client_cert_no_key"`) {
		t.Errorf("exit %d: %.600s", code, stdout)
	}
}
