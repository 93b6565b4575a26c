package platform

import (
	"context"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/vpndoctor/vpndoctor/checks"
	"github.com/vpndoctor/vpndoctor/internal/loginlab"
)

// Configuration files with saved fingerprints, read from disk, against a
// real gateway whose certificate was renewed: each client's pin is found
// stale, and a current pin in either notation is not.
func TestSavedPinsAgainstARenewedGateway(t *testing.T) {
	now := time.Now()
	old, _ := loginlab.SelfSigned([]string{"127.0.0.2"}, now.AddDate(-2, 0, 0), now.AddDate(0, 0, -1))
	cur, err := loginlab.SelfSigned([]string{"127.0.0.2"}, now.AddDate(0, 0, -1), now.AddDate(1, 0, 0))
	if err != nil {
		t.Fatal(err)
	}
	srv, err := loginlab.ServeNodes([]loginlab.Node{{Addr: "127.0.0.2", Cert: cur}})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	port := strconv.Itoa(srv.Port)
	dir := t.TempDir()
	nm := filepath.Join(dir, "nm")
	os.Mkdir(nm, 0o700)
	fortiCfg := filepath.Join(dir, "config")
	write := func(path, text string) {
		if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write(fortiCfg, "host = 127.0.0.2\nport = "+port+"\ntrusted-cert = "+sha256Hex(old.Leaf)+"\n")
	write(filepath.Join(nm, "Work.nmconnection"), "[connection]\nid=Work\ntype=vpn\n[vpn]\ngateway=127.0.0.2:"+port+
		"\nservice-type=org.freedesktop.NetworkManager.openconnect\n[vpn-secrets]\ncertificate:127.0.0.2:"+port+"="+pinSHA256(old.Leaf)+"\n")
	target, _ := checks.ParseTarget("127.0.0.2:" + port)
	for _, tc := range []struct {
		name   string
		cfgs   []string
		nm     []string
		source string
	}{
		{"openfortivpn", []string{fortiCfg}, nil, fortiCfg},
		{"NetworkManager openconnect", nil, []string{nm}, filepath.Join(nm, "Work.nmconnection")},
	} {
		pins := readPins(tc.cfgs, tc.nm)
		if len(pins) != 1 {
			t.Fatalf("%s: pins = %+v", tc.name, pins)
		}
		rep := checks.Run(context.Background(), target, checks.Options{LoginOptions: checks.LoginOptions{Pins: pins}, Timeout: 5 * time.Second})
		if rep.Primary != checks.PinnedCertChanged {
			t.Fatalf("%s: primary = %s", tc.name, rep.Primary)
		}
		f := findingOf(rep, checks.PinnedCertChanged)
		if f.Evidence[checks.EvPinSource] != tc.source || f.Evidence[checks.EvFingerprint] != sha256Hex(cur.Leaf) {
			t.Errorf("%s: evidence %v", tc.name, f.Evidence)
		}
	}
	write(fortiCfg, "host = 127.0.0.2\nport = "+port+"\ntrusted-cert = "+sha256Hex(cur.Leaf)+"\n")
	write(filepath.Join(nm, "Work.nmconnection"), "[vpn]\ngateway=127.0.0.2\n[vpn-secrets]\ncertificate:127.0.0.2:"+port+"="+pinSHA256(cur.Leaf)+"\n")
	pins := readPins([]string{fortiCfg}, []string{nm})
	rep := checks.Run(context.Background(), target, checks.Options{LoginOptions: checks.LoginOptions{Pins: pins}, Timeout: 5 * time.Second})
	if len(pins) != 2 || findingOf(rep, checks.PinnedCertChanged) != nil {
		t.Errorf("current pins %+v reported stale: %s", pins, rep.Primary)
	}
}

func findingOf(rep *checks.Report, id checks.ID) *checks.Finding {
	for i := range rep.Findings {
		if rep.Findings[i].ID == id {
			return &rep.Findings[i]
		}
	}
	return nil
}

func sha256Hex(c *x509.Certificate) string {
	s := sha256.Sum256(c.Raw)
	return hex.EncodeToString(s[:])
}

func pinSHA256(c *x509.Certificate) string {
	s := sha256.Sum256(c.RawSubjectPublicKeyInfo)
	return "pin-sha256:" + base64.StdEncoding.EncodeToString(s[:])
}
