package checks

import (
	"crypto/x509"
	"fmt"

	"github.com/vpndoctor/vpndoctor/checks/clients"
)

// ClientVerdict says whose rules judged the findings and how that client
// was chosen, and, when the OS verifier and the engine disagree, which one
// the client follows.
type ClientVerdict struct {
	// Profile is a checks/clients profile id, or "strict" when no client
	// is known and every client's rules apply at once.
	Profile string `json:"profile"`
	Name    string `json:"name,omitempty"`
	// How: "flag" (--client), "config" (vpndoctor.json), "detected" (a
	// VPN client's profile on this computer) or "default".
	How  string `json:"how"`
	From string `json:"from,omitempty"`
	// Verifier is what the client verifies with ("Windows CryptoAPI",
	// "GnuTLS with the system CA bundle").
	Verifier string `json:"verifier,omitempty"`
	// Disagree is set when the OS verifier and the engine reach different
	// verdicts; Follows then names the one the client acts on ("os" or
	// "own"), and Note says it in words for technicians.
	Disagree bool   `json:"disagree,omitempty"`
	Follows  string `json:"follows,omitempty"`
	Note     string `json:"note,omitempty"`
}

// judgeByClient is the post-pass that turns the engine's findings into the
// chosen client's verdict: a finding that blocks it fails, one that does
// not is a warning, and every finding lists the profiles it blocks.
func judgeByClient(rep *Report, findings []Finding, choice clients.Choice) {
	s := clients.Situation{Host: rep.Target.Host, Leaf: chainCert(rep, 0),
		Stapled: rep.TLS.OCSPStapled, ChainTrusted: rep.Trust.Verdict == "trusted"}
	if rep.OSVerifier.Answered() {
		t := rep.OSVerifier.Trusted
		s.OSTrusted = &t
	}
	cv := &ClientVerdict{Profile: choice.ID(), How: string(choice.How), From: choice.From}
	if cv.How == "" {
		cv.How = string(clients.ByDefault)
	}
	if choice.Known() {
		cv.Name, cv.Verifier = choice.Profile.Name, choice.Profile.Verifier
	}
	rep.Client = cv
	explainDisagreement(rep, choice)
	nameAppliance(findings, rep.Chain)
	for i := range findings {
		f := &findings[i]
		cf := clients.Finding{ID: string(f.ID), Fail: f.Severity == Fail, Evidence: f.Evidence, Cert: chainCert(rep, f.Cert)}
		f.BlocksClients = clients.BlockedBy(cf, s)
		if !choice.Known() {
			f.Blocks = clients.StrictBlocks(cf, s)
		} else {
			f.Blocks = choice.Profile.Blocks(cf, s)
		}
		switch {
		case f.Blocks && f.Severity != Fail && f.Severity != Pass:
			f.Severity = Fail
			f.Detail = join(f.Detail, fmt.Sprintf("%s refuses this", clientLabel(choice)))
		case !f.Blocks && f.Severity == Fail:
			f.Severity = Warn
			f.Detail = join(f.Detail, fmt.Sprintf("%s accepts this, but it should still be fixed", clientLabel(choice)))
		}
	}
}

func clientLabel(c clients.Choice) string {
	if c.Known() {
		return c.Profile.Name
	}
	return "this computer's own verifier"
}

func join(a, b string) string {
	if a == "" {
		return b
	}
	return a + "; " + b
}

func chainCert(rep *Report, i int) *x509.Certificate {
	if i < 0 || i >= len(rep.Chain) {
		return nil
	}
	return rep.Chain[i].Cert
}

// explainDisagreement notes when the OS verifier and the engine differ on
// trust, and which of the two the chosen client follows.
func explainDisagreement(rep *Report, choice clients.Choice) {
	ov := rep.OSVerifier
	if !ov.Answered() || rep.Trust.Verdict == "not checked" {
		return
	}
	engineTrusts := rep.Trust.Verdict == "trusted"
	if ov.Trusted == engineTrusts {
		return
	}
	cv := rep.Client
	cv.Disagree = true
	cv.Follows = "os"
	if choice.Known() && !choice.Profile.OSVerifier {
		cv.Follows = "own"
	}
	who := "VPN clients that use it (most on this system) follow it"
	if choice.Known() {
		who = fmt.Sprintf("%s follows %s", choice.Profile.Name, map[string]string{"os": "the operating system", "own": "its own verifier (" + choice.Profile.Verifier + ")"}[cv.Follows])
	}
	if ov.Trusted {
		cv.Note = fmt.Sprintf("%s trusts this chain (it may fetch a root or an intermediate on demand) although it is not complete in the trust store as read; %s", ov.Verifier, who)
	} else {
		cv.Note = fmt.Sprintf("%s refuses this chain (%s) although the engine finds it sound; %s", ov.Verifier, ov.Reason, who)
	}
}
