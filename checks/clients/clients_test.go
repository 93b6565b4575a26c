package clients

import (
	"strings"
	"testing"
)

// Every rule of every profile names its source; an inferred one says so.
func TestEveryRuleCited(t *testing.T) {
	seen := map[string]bool{}
	for _, p := range All() {
		if seen[p.ID] || p.ID == Strict {
			t.Errorf("profile id %q repeated or reserved", p.ID)
		}
		seen[p.ID] = true
		if p.Name == "" || p.Verifier == "" || p.MinTLS == 0 || p.Family == "" {
			t.Errorf("%s: incomplete %+v", p.ID, p)
		}
		for _, r := range Rules {
			if c := strings.TrimSpace(p.Cite[r]); len(c) < 12 {
				t.Errorf("%s: rule %s has no source", p.ID, r)
			}
		}
		if len(p.Cite) != len(Rules) {
			t.Errorf("%s: cites %d rules, the table has %d", p.ID, len(p.Cite), len(Rules))
		}
	}
	for _, want := range []string{"anyconnect-windows", "anyconnect-macos", "anyconnect-linux", "globalprotect-windows",
		"globalprotect-macos", "forticlient-windows", "forticlient-macos", "openconnect-gnutls", "openconnect-openssl",
		"openfortivpn", "windows-sstp", "windows-ikev2", "ios", "android"} {
		if !seen[want] {
			t.Errorf("no profile %s", want)
		}
	}
}

func TestLookup(t *testing.T) {
	tests := []struct{ name, os, want string }{
		{"anyconnect", "windows", "anyconnect-windows"},
		{"AnyConnect", "macos", "anyconnect-macos"},
		{"secureclient", "linux", "anyconnect-linux"},
		{"globalprotect", "linux", "globalprotect-windows"},
		{"openconnect", "linux", "openconnect-gnutls"},
		{"openconnect-openssl", "linux", "openconnect-openssl"},
		{"windows", "windows", "windows-sstp"},
		{"windows-ikev2", "linux", "windows-ikev2"},
		{"ios", "windows", "ios"},
		{"android", "linux", "android"},
		{"openfortivpn", "linux", "openfortivpn"},
		{"forticlient", "macos", "forticlient-macos"},
	}
	for _, tt := range tests {
		p, err := Lookup(tt.name, tt.os)
		if err != nil || p.ID != tt.want {
			t.Errorf("Lookup(%q, %q) = %s, %v; want %s", tt.name, tt.os, p.ID, err, tt.want)
		}
	}
	if _, err := Lookup("netscape", "linux"); err == nil || !strings.Contains(err.Error(), "anyconnect") {
		t.Errorf("unknown name: %v", err)
	}
}

func TestChoose(t *testing.T) {
	c, _ := Choose("", "", "windows", []string{"Cisco Secure Client", "Cisco Secure Client"}, []string{`C:\p.xml`, ""})
	if c.How != ByDetected || c.ID() != "anyconnect-windows" || !strings.Contains(c.From, `C:\p.xml`) {
		t.Errorf("detected: %+v", c)
	}
	c, _ = Choose("", "", "linux", []string{"NetworkManager openconnect (anyconnect)"}, nil)
	if c.ID() != "openconnect-gnutls" {
		t.Errorf("NetworkManager openconnect: %s", c.ID())
	}
	c, _ = Choose("", "", "linux", []string{"NetworkManager fortisslvpn"}, nil)
	if c.ID() != "openfortivpn" {
		t.Errorf("NetworkManager fortisslvpn: %s", c.ID())
	}
	c, _ = Choose("", "", "windows", []string{"GlobalProtect", "FortiClient"}, nil)
	if c.How != ByDefault || c.ID() != Strict || c.Known() {
		t.Errorf("two clients must judge by all: %+v", c)
	}
	c, _ = Choose("", "globalprotect", "macos", []string{"FortiClient"}, nil)
	if c.How != ByConfig || c.ID() != "globalprotect-macos" {
		t.Errorf("config: %+v", c)
	}
	c, _ = Choose("ios", "globalprotect", "macos", nil, nil)
	if c.How != ByFlag || c.ID() != "ios" {
		t.Errorf("flag: %+v", c)
	}
	if _, err := Choose("nope", "", "linux", nil, nil); err == nil {
		t.Error("an unknown --client must be an error")
	}
}

// A failure the table does not know blocks every client; a warning none.
func TestUnknownFindingIsConservative(t *testing.T) {
	s := Situation{Host: "gw.example"}
	if got := BlockedBy(Finding{ID: "something_new", Fail: true}, s); len(got) != len(All()) {
		t.Errorf("unknown failure blocks %v", got)
	}
	if got := BlockedBy(Finding{ID: "something_new"}, s); len(got) != 0 {
		t.Errorf("unknown warning blocks %v", got)
	}
	if got := BlockedBy(Finding{ID: "revocation_unknown", Fail: true}, s); len(got) != 0 {
		t.Errorf("revocation_unknown blocks %v", got)
	}
}

// The OS verifier overrules a trust failure only for clients that use it.
func TestOSTrustOverrules(t *testing.T) {
	yes := true
	s := Situation{Host: "gw.example", OSTrusted: &yes}
	for _, fid := range []string{"untrusted_root", "self_signed", "missing_intermediate", "trust_store_outdated"} {
		f := Finding{ID: fid, Fail: true}
		got := BlockedBy(f, s)
		for _, id := range got {
			p, _ := ByID(id)
			if p.OSVerifier {
				t.Errorf("%s: %s uses the OS verifier, which trusts the chain, yet is blocked", fid, id)
			}
		}
		if StrictBlocks(f, s) {
			t.Errorf("%s: strict blocks although the OS verifier trusts the chain", fid)
		}
		if fid != "missing_intermediate" && len(got) == 0 { // AIA fetchers accept a missing intermediate anyway
			t.Errorf("%s: own-verifier clients must still be blocked", fid)
		}
		no := false
		if !StrictBlocks(f, Situation{Host: "gw.example", OSTrusted: &no}) {
			t.Errorf("%s: not blocking although the OS verifier refuses the chain too", fid)
		}
	}
}
