package checks

import (
	"strings"
	"testing"
	"time"
)

func TestHumanOffset(t *testing.T) {
	tests := []struct {
		d    time.Duration
		want string
	}{
		{0, "+0s"},
		{90 * time.Second, "+1m30s"},
		{-5 * time.Minute, "-5m0s"},
		{26 * time.Hour, "+1d2h"},
		{-(730*24 + 5) * time.Hour, "-2y"},
		{(365*24 + 72) * time.Hour, "+1y3d"},
	}
	for _, tc := range tests {
		if got := humanOffset(tc.d); got != tc.want {
			t.Errorf("humanOffset(%s) = %q, want %q", tc.d, got, tc.want)
		}
	}
}

func TestDomainMatch(t *testing.T) {
	tests := []struct {
		name, constraint string
		want             bool
	}{
		{"vpn.corp.example", ".corp.example", true},
		{"corp.example", ".corp.example", false},
		{"corp.example", "corp.example", true},
		{"vpn.corp.example", "corp.example", true},
		{"vpnxcorp.example", "corp.example", false},
		{"*.corp.example", ".corp.example", true},
		{"vpn.other.example", ".corp.example", false},
	}
	for _, tc := range tests {
		if got := domainMatch(tc.name, tc.constraint); got != tc.want {
			t.Errorf("domainMatch(%q, %q) = %v", tc.name, tc.constraint, got)
		}
	}
}

// The precedence is a documented judgement; these are its load-bearing rules.
func TestPrecedence(t *testing.T) {
	tests := []struct {
		name  string
		found []ID
		want  ID
	}{
		{"clock before validity", []ID{CertExpired, ClockSkew}, ClockSkew},
		{"interception before trust", []ID{UntrustedRoot, TLSInterception}, TLSInterception},
		{"connection before everything", []ID{HostnameMismatch, Timeout}, Timeout},
		{"trust before names", []ID{HostnameMismatch, UntrustedRoot}, UntrustedRoot},
		{"server certificate before client certificate", []ID{ClientCertRequired, CertExpired}, CertExpired},
	}
	for _, tc := range tests {
		var fs []Finding
		for _, id := range tc.found {
			fs = append(fs, Finding{ID: id, Severity: Fail})
		}
		if got := choosePrimary(fs); got != tc.want {
			t.Errorf("%s: primary = %s, want %s", tc.name, got, tc.want)
		}
	}
	warnOnly := []Finding{{ID: RevocationUnknown, Severity: Warn}, {ID: ValidityTooLong, Severity: Warn}}
	if got := choosePrimary(warnOnly); got != OK {
		t.Errorf("warnings alone gave primary %s, want ok", got)
	}
	for _, id := range precedence {
		if rank(id) >= len(precedence) {
			t.Errorf("%s has no rank", id)
		}
	}
}

func TestInspectionDataLoads(t *testing.T) {
	if len(loadInspection()) < 15 {
		t.Fatalf("only %d inspection products", len(loadInspection()))
	}
	for _, tc := range []struct{ name, want string }{
		{"ESET SSL Filter CA", "ESET"}, {"Zscaler Root CA", "Zscaler"}, {"eDellRoot", "eDellRoot"},
		{"Let's Encrypt", ""}, {"DigiCert Global G2 TLS RSA SHA256 2020 CA1", ""},
	} {
		got := inspectionProductFor(tc.name)
		if tc.want == "" && got != "" || tc.want != "" && !strings.Contains(got, tc.want) {
			t.Errorf("inspectionProductFor(%q) = %q, want %q", tc.name, got, tc.want)
		}
	}
}
