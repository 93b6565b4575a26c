package checks

import (
	"crypto/x509"
	"net"
	"strings"
	"testing"
)

// Unit tests of authority.go: which certificates may issue, path length
// limits at their boundary, and IP constraints.

func TestCheckCAsRows(t *testing.T) {
	root, inter, leaf := unitChain(t)
	ca := func(c *x509.Certificate, valid, isCA bool, maxPath int) *x509.Certificate {
		cp := *c
		cp.BasicConstraintsValid, cp.IsCA, cp.MaxPathLen = valid, isCA, maxPath
		return &cp
	}
	tests := []struct {
		name     string
		links    []link
		anchored bool
		want     string // ID@cert ...
	}{
		{"fine", linksOf(leaf, inter, root), true, ""},
		{"leaf alone", linksOf(leaf), true, ""},
		{"intermediate without basicConstraints", linksOf(leaf, ca(inter, false, false, -1), root), true, "not_a_ca@1"},
		{"intermediate CA:FALSE", linksOf(leaf, ca(inter, true, false, -1), root), true, "not_a_ca@1"},
		{"anchor CA:FALSE: not checked", linksOf(leaf, inter, ca(root, true, false, -1)), true, ""},
		{"last CA:FALSE, not anchored", linksOf(leaf, inter, ca(root, true, false, -1)), false, "not_a_ca@2"},
		{"path length 0, no CA below", linksOf(leaf, ca(inter, true, true, 0), root), true, ""},
		{"path length 0, one CA below", linksOf(leaf, inter, ca(root, true, true, 0)), true, "path_too_long@2"},
		{"path length 1, one CA below", linksOf(leaf, inter, ca(root, true, true, 1)), true, ""},
		{"unlimited", linksOf(leaf, inter, ca(root, true, true, -1)), true, ""},
		{"path length of an anchor without basicConstraints: none", linksOf(leaf, inter, ca(root, false, false, 0)), true, ""},
	}
	for _, tc := range tests {
		fs := checkCAs(tc.links, tc.anchored)
		var got []string
		for _, f := range fs {
			got = append(got, string(f.ID)+"@"+string(rune('0'+f.Cert)))
			if f.Evidence[EvRole] != role(f.Cert, len(tc.links), tc.links[f.Cert].cert) {
				t.Errorf("%s: role %q", tc.name, f.Evidence[EvRole])
			}
		}
		if strings.Join(got, " ") != tc.want {
			t.Errorf("%s: %v, want %q", tc.name, got, tc.want)
		}
	}
	fs := checkCAs(linksOf(leaf, ca(inter, false, false, -1), root), true)
	if !strings.Contains(fs[0].Detail, "has no basicConstraints extension") || !strings.Contains(fs[0].Detail, `issued "127.0.0.1"`) {
		t.Errorf("detail %q", fs[0].Detail)
	}
	fs = checkCAs(linksOf(leaf, ca(inter, true, false, -1), root), true)
	if !strings.Contains(fs[0].Detail, "is marked CA:FALSE") {
		t.Errorf("detail %q", fs[0].Detail)
	}
	fs = checkCAs(linksOf(leaf, inter, ca(root, true, true, 0)), true)
	if fs[0].Evidence[EvPathLen] != "0" || !strings.Contains(fs[0].Detail, "allows 0 CA certificates below it (pathLenConstraint), but the chain has 1") {
		t.Errorf("path length: %+v", fs[0])
	}
}

func TestIPAllowedRows(t *testing.T) {
	cidr := func(s string) *net.IPNet { _, n, _ := net.ParseCIDR(s); return n }
	ca := &x509.Certificate{ExcludedIPRanges: []*net.IPNet{cidr("10.1.0.0/16")}, PermittedIPRanges: []*net.IPNet{cidr("10.0.0.0/8"), cidr("192.0.2.0/24")}}
	for ip, want := range map[string]string{
		"10.2.3.4":   "",
		"192.0.2.9":  "",
		"10.1.2.3":   "excluded: 10.1.0.0/16",
		"172.16.0.1": "permitted: 10.0.0.0/8, 192.0.2.0/24",
	} {
		ok, why := ipAllowed(ca, net.ParseIP(ip))
		if ok != (want == "") || why != want {
			t.Errorf("ipAllowed(%s) = %t %q, want %q", ip, ok, why, want)
		}
	}
	if ok, why := ipAllowed(&x509.Certificate{}, net.ParseIP("8.8.8.8")); !ok || why != "" {
		t.Error("no constraints")
	}
	if joinComma(nil) != "" || joinComma([]string{"a"}) != "a" || joinComma([]string{"a", "b", "c"}) != "a, b, c" {
		t.Error("joinComma")
	}
}
