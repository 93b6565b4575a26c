package vpnlab

import (
	"os"
	"os/exec"
	"testing"
)

// Need returns the path of binary. When it is missing the test is skipped,
// unless CI is set: there make test installs it, so a missing tool fails.
func Need(t testing.TB, binary string) string {
	t.Helper()
	p, err := exec.LookPath(binary)
	if err != nil {
		p, err = exec.LookPath("/usr/sbin/" + binary)
	}
	if err == nil {
		return p
	}
	if os.Getenv("CI") != "" {
		t.Fatalf("%s is not installed (make test installs it): %v", binary, err)
	}
	t.Skipf("%s is not installed", binary)
	return ""
}

// writeFile writes a configuration or secret file for a server.
func writeFile(t testing.TB, path, content string, mode os.FileMode) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), mode); err != nil {
		t.Fatal(err)
	}
}
