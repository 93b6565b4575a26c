package checks

import (
	"errors"
	"strings"
	"testing"
)

// checkTrust's findings for each way path building can end: which
// finding, about which certificate of the path, with which role.
func TestCheckTrustRows(t *testing.T) {
	root, inter, leaf := unitChain(t)
	self := guardRoot(t, "Lone Self-Signed", nil).cert
	aia := []link{{cert: leaf, source: FromServer}, {cert: inter, source: FromAIA, origin: "http://ca.test/i.crt"}, {cert: root, source: FromStore}}
	tests := []struct {
		name string
		p    path
		id   ID
		cert int
		role string
		in   string // in the detail
	}{
		{"trusted", path{links: linksOf(leaf, inter, root), end: endTrusted}, "", 0, "", ""},
		{"self-signed leaf", path{links: linksOf(self), end: endSelfSigned}, SelfSigned, 0, "leaf", "signs itself"},
		{"untrusted root", path{links: linksOf(leaf, inter, root), end: endSelfSigned}, UntrustedRoot, 2, "root", `ends at "Unit Root"`},
		{"issuer of the leaf missing", path{links: linksOf(leaf), end: endIssuerMissing, missingAIA: "http://ca.test/i.crt", aiaErr: errors.New("refused")},
			MissingIntermed, 0, "leaf", "downloading it from http://ca.test/i.crt failed: refused"},
		{"issuer of the intermediate missing", path{links: linksOf(leaf, inter), end: endIssuerMissing}, UntrustedRoot, 1, "intermediate", `was issued by "Unit Root"`},
		{"bad signature", path{links: linksOf(leaf, inter), end: endBadSignature, impostor: &link{cert: root, source: FromStore}}, BadSignature, 1, "intermediate", "(store) did not sign it"},
		{"bad signature on the leaf", path{links: linksOf(leaf), end: endBadSignature, impostor: &link{cert: inter, source: FromServer}}, BadSignature, 0, "leaf", "(sent) did not sign it"},
		{"too deep", path{links: linksOf(leaf, inter, inter), end: endTooDeep}, UntrustedRoot, 2, "intermediate", "gave up after 3 certificates"},
		{"intermediate fetched", path{links: aia, end: endTrusted}, MissingIntermed, 1, "intermediate", "from http://ca.test/i.crt"},
	}
	for _, tc := range tests {
		fs := checkTrust(tc.p, &trustPool{})
		if tc.id == "" {
			if len(fs) != 0 {
				t.Errorf("%s: %+v", tc.name, fs)
			}
			continue
		}
		if len(fs) != 1 {
			t.Errorf("%s: %d findings %+v", tc.name, len(fs), fs)
			continue
		}
		f := fs[0]
		if f.ID != tc.id || f.Cert != tc.cert || f.Evidence[EvRole] != tc.role || !strings.Contains(f.Detail, tc.in) || f.Severity != Fail {
			t.Errorf("%s: got %s cert %d role %q detail %q", tc.name, f.ID, f.Cert, f.Evidence[EvRole], f.Detail)
		}
		if strings.Contains(f.Detail, "other programs") {
			t.Errorf("%s: trusted elsewhere with no other store: %q", tc.name, f.Detail)
		}
	}
	// Trusted elsewhere: said of an untrusted root and a self-signed leaf,
	// not of a missing intermediate.
	elsewhere := &trustPool{elsewhere: []StoreCert{{Cert: root, Origin: "Firefox"}, {Cert: self, Origin: "Chrome"}}}
	for _, tc := range []struct {
		p    path
		want string
	}{
		{path{links: linksOf(leaf, inter, root), end: endSelfSigned}, "(Firefox)"},
		{path{links: linksOf(self), end: endSelfSigned}, "(Chrome)"},
		{path{links: aia, end: endTrusted}, ""},
	} {
		fs := checkTrust(tc.p, elsewhere)
		got := len(fs) == 1 && strings.Contains(fs[0].Detail, "other programs on this computer "+tc.want+" trust it")
		if got != (tc.want != "") {
			t.Errorf("elsewhere %q: %+v", tc.want, fs)
		}
	}
}
