package guide

import (
	"strings"
	"testing"

	"github.com/vpndoctor/vpndoctor/checks/clients"
)

// The client verdict sentences: both kinds, both languages, the client
// named, the reason given, Japanese in です/ます form.
func TestClientVerdictWords(t *testing.T) {
	if got := Refuses(En, "anyconnect-windows", nil); got != "Cisco Secure Client will refuse this server." {
		t.Errorf("en refuses: %q", got)
	}
	if got := Refuses(Ja, "ios", nil); !strings.HasPrefix(got, "iPhone・iPad は") || !strings.HasSuffix(got, "ます。") {
		t.Errorf("ja refuses: %q", got)
	}
	var all []string
	for _, p := range clients.All() {
		all = append(all, p.ID)
	}
	if got := Refuses(En, "strict", all); !strings.Contains(got, "VPN apps refuse") {
		t.Errorf("strict refuses: %q", got)
	}
	if got := Refuses(En, "strict", []string{"ios", "anyconnect-macos"}); got != "iPhone/iPad and Cisco Secure Client on macOS refuse this server because of this." {
		t.Errorf("strict, some: %q", got)
	}
	if got := Refuses(En, "strict", nil); got != "" {
		t.Errorf("strict, none: %q", got)
	}
	blocks := []string{"anyconnect-macos", "ios", "globalprotect-macos", "ios"}
	en := NotTheCause(En, "openconnect-gnutls", blocks)
	if !strings.HasPrefix(en, "Not the reason your VPN fails: OpenConnect accepts this.") ||
		!strings.Contains(en, "because Cisco Secure Client on macOS, iPhone/iPad and GlobalProtect on macOS refuse it") {
		t.Errorf("en not the cause: %q", en)
	}
	ja := NotTheCause(Ja, "openconnect-gnutls", blocks)
	if !strings.HasPrefix(ja, "VPN がつながらない原因ではありません。") || !strings.Contains(ja, "iPhone・iPad") {
		t.Errorf("ja not the cause: %q", ja)
	}
	for _, s := range []string{ja, NotTheCause(Ja, "", nil), Refuses(Ja, "", all), InspectionAccepted(Ja, "ios", "Zscaler")} {
		for _, sentence := range strings.SplitAfter(s, "。") {
			if sentence != "" && !strings.HasSuffix(sentence, "ます。") && !strings.HasSuffix(sentence, "ません。") && !strings.HasSuffix(sentence, "です。") {
				t.Errorf("not です/ます: %q", sentence)
			}
		}
	}
	if s := InspectionAccepted(En, "openconnect-gnutls", "Zscaler"); !strings.Contains(s, "Zscaler can read") || !strings.Contains(s, "pin") {
		t.Errorf("inspection: %q", s)
	}
}

// A warning every client would refuse (another server of the login) never
// says "your VPN app accepts this".
func TestNotTheCauseWhenEveryClientRefuses(t *testing.T) {
	var all []string
	for _, p := range clients.All() {
		all = append(all, p.ID)
	}
	for _, lang := range []Lang{En, Ja} {
		s := NotTheCause(lang, "", all)
		if strings.Contains(s, "accepts this") || strings.Contains(s, "受け入れます") || s == "" {
			t.Errorf("%s: %q", lang, s)
		}
	}
}

// A warning the user's own VPN app refuses (another server of the login,
// not the cause found) names that app as refusing, never as accepting, in
// polite Japanese; with no client known, it names the clients that refuse.
func TestRefusedElsewhere(t *testing.T) {
	en := RefusedElsewhere(En, "anyconnect-windows", []string{"anyconnect-windows", "ios"})
	if !strings.Contains(en, "Cisco Secure Client cannot connect") || strings.Contains(en, "accepts") {
		t.Errorf("en, client known: %q", en)
	}
	if s := RefusedElsewhere(En, "", []string{"ios"}); !strings.Contains(s, "iPhone/iPad cannot connect") {
		t.Errorf("en, some clients: %q", s)
	}
	for _, s := range []string{RefusedElsewhere(Ja, "anyconnect-windows", nil), RefusedElsewhere(Ja, "", nil)} {
		if strings.Contains(s, "受け入れ") || !strings.HasSuffix(s, "ます。") || strings.Contains(s, "  ") {
			t.Errorf("ja: %q", s)
		}
	}
	for _, elsewhere := range []bool{false, true} {
		if s := AcceptedMeaning(Ja, elsewhere); !strings.HasSuffix(s, "ます。") {
			t.Errorf("ja meaning: %q", s)
		}
	}
	if s := AcceptedMeaning(En, true); !strings.Contains(s, "VPN apps refuse other servers of this login") {
		t.Errorf("en meaning: %q", s)
	}
}
