package packaging

import (
	"debug/pe"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// TestSign runs scripts/package-sign.sh, the step that signs the release
// .exe with the company's key, with a throw-away key made here, on a small
// Windows program built here (the step is the same whatever it signs), and
// checks the Authenticode signature with osslsigncode against that key's
// certificate.
func TestSign(t *testing.T) {
	for _, tool := range []string{"osslsigncode", "openssl"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s is not installed (Debian package %s); `make test` installs it", tool, tool)
		}
	}
	dir := t.TempDir()
	run := func(env []string, name string, args ...string) string {
		t.Helper()
		cmd := exec.Command(name, args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), env...)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
		}
		return string(out)
	}
	os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module hello\n\ngo 1.26\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "main.go"), []byte("package main\n\nfunc main() {}\n"), 0o644)
	goTool := filepath.Join(runtime.GOROOT(), "bin", "go")
	run([]string{"GOOS=windows", "GOARCH=amd64", "CGO_ENABLED=0", "GOFLAGS=", "GOWORK=off"},
		goTool, "build", "-ldflags=-H=windowsgui", "-o", "hello.exe", ".")

	run(nil, "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "key.pem", "-out", "cert.pem",
		"-days", "2", "-subj", "/CN=vpndoctor throw-away test signer",
		"-addext", "extendedKeyUsage=codeSigning", "-addext", "keyUsage=digitalSignature")
	run(nil, "openssl", "pkcs12", "-export", "-inkey", "key.pem", "-in", "cert.pem", "-out", "test.p12", "-passout", "pass:throw-away")

	script, _ := filepath.Abs(filepath.Join("..", "scripts", "package-sign.sh"))
	run([]string{"SIGN_P12=test.p12", "SIGN_PASS=throw-away", "SIGN_PASS_FILE="}, script, "hello.exe")

	f, err := pe.Open(filepath.Join(dir, "hello.exe"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if dd := f.OptionalHeader.(*pe.OptionalHeader64).DataDirectory[pe.IMAGE_DIRECTORY_ENTRY_SECURITY]; dd.Size == 0 {
		t.Fatal("no Authenticode signature in the signed .exe")
	}
	out := run(nil, "osslsigncode", "verify", "-in", "hello.exe", "-CAfile", "cert.pem")
	for _, want := range []string{"Subject: /CN=vpndoctor throw-away test signer", "Signature verification: ok", "Text description: vpndoctor"} {
		if !strings.Contains(out, want) {
			t.Errorf("osslsigncode verify does not say %q:\n%s", want, out)
		}
	}
}
