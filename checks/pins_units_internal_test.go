package checks

import (
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"strings"
	"testing"
)

// Unit tests of pins.go: every fingerprint form a VPN client saves, which
// pins are about this gateway, and the finding when none matches.

func TestPinMatchesForms(t *testing.T) {
	_, _, leaf := unitChain(t)
	s256 := sha256.Sum256(leaf.Raw)
	s1 := sha1.Sum(leaf.Raw)
	spki := sha256.Sum256(leaf.RawSubjectPublicKeyInfo)
	hex256, hex1 := hex.EncodeToString(s256[:]), hex.EncodeToString(s1[:])
	colons := func(h string) string {
		var parts []string
		for i := 0; i < len(h); i += 2 {
			parts = append(parts, h[i:i+2])
		}
		return strings.Join(parts, ":")
	}
	for fp, want := range map[string]bool{
		hex256:                              true,
		"sha256:" + strings.ToUpper(hex256): true,
		" " + colons(hex256) + " ":          true,
		hex1:                                true,
		"sha1:" + colons(hex1):              true,
		"pin-sha256:" + base64.StdEncoding.EncodeToString(spki[:]): true,
		"pin-sha256:" + base64.StdEncoding.EncodeToString(s256[:]): false,
		hex256[:62]:                      false,
		hex1[:38] + otherByte(hex1[38:]): false, // the last byte changed
		strings.Repeat("0", 64):          false,
		"":                               false,
	} {
		if got := (Pin{Fingerprint: fp}).matches(leaf); got != want {
			t.Errorf("matches(%q) = %t", fp, got)
		}
	}
}

func TestPinForTarget(t *testing.T) {
	target, _ := ParseTarget("vpn.example.com:8443")
	std, _ := ParseTarget("vpn.example.com")
	for host, want := range map[string]bool{
		"vpn.example.com:8443": true, "VPN.Example.com:8443": true, "vpn.example.com": true,
		"vpn.example.com:9443": false, "other.example.com:8443": false, "bad host:x": false,
	} {
		if got := (Pin{Host: host}).forTarget(target); got != want {
			t.Errorf("forTarget(%q) = %t", host, got)
		}
	}
	if (Pin{Host: "vpn.example.com:8443"}).forTarget(std) {
		t.Error("a pin for port 8443 is not about port 443")
	}
}

func TestCheckPinsRows(t *testing.T) {
	_, _, leaf := unitChain(t)
	sum := sha256.Sum256(leaf.Raw)
	right := Pin{Host: "vpn.example.com", Fingerprint: hex.EncodeToString(sum[:]), Client: "openconnect", Source: "a.conf"}
	wrong := Pin{Host: "vpn.example.com", Fingerprint: strings.Repeat("ab", 32), Client: "openfortivpn", Source: "b.conf"}
	elsewhere := Pin{Host: "other.example.com", Fingerprint: strings.Repeat("cd", 32)}
	target, _ := ParseTarget("vpn.example.com")
	if fs := checkPins(leaf, target, []Pin{wrong, right}, false); len(fs) != 0 {
		t.Errorf("one pin matches: %+v", fs)
	}
	if fs := checkPins(leaf, target, []Pin{elsewhere}, false); len(fs) != 0 {
		t.Errorf("pins for another host: %+v", fs)
	}
	fs := checkPins(leaf, target, []Pin{elsewhere, wrong}, false)
	if len(fs) != 1 || fs[0].Severity != Fail || fs[0].Evidence[EvPinned] != wrong.Fingerprint || fs[0].Evidence[EvPinSource] != "b.conf" ||
		fs[0].Evidence[EvFingerprint] != right.Fingerprint || strings.Contains(fs[0].Detail, "more saved") || fs[0].Cert != 0 {
		t.Errorf("one wrong pin: %+v", fs)
	}
	fs = checkPins(leaf, target, []Pin{wrong, wrong, wrong}, true)
	if len(fs) != 1 || fs[0].Severity != Warn || !strings.HasSuffix(fs[0].Detail, "; 2 more saved fingerprints do not match either") {
		t.Errorf("three wrong pins, trusted: %+v", fs)
	}
}

// otherByte is a two-digit hex byte that is not b (a random certificate's
// fingerprint ends in "00" once in 256).
func otherByte(b string) string {
	if b == "00" {
		return "01"
	}
	return "00"
}
