package checks_test

import (
	"context"
	"crypto/x509"
	"slices"
	"testing"

	"github.com/vpndoctor/vpndoctor/checks"
	"github.com/vpndoctor/vpndoctor/checks/clients"
)

func diagnoseAs(t *testing.T, name, client string, osv func(context.Context, []*x509.Certificate, string) (checks.OSVerdict, error)) *checks.Report {
	t.Helper()
	l := testLab(t)
	addr, err := l.Target(name)
	if err != nil {
		t.Fatal(err)
	}
	target, _ := checks.ParseTarget(addr)
	opts, err := l.Options(name)
	if err != nil {
		t.Fatal(err)
	}
	opts.OSVerdict = osv
	if client != "" {
		p, ok := clients.ByID(client)
		if !ok {
			t.Fatalf("no profile %s", client)
		}
		opts.Client = clients.Choice{Profile: p, How: clients.ByFlag, From: client}
	}
	return checks.Run(context.Background(), target, opts)
}

func findingOf(rep *checks.Report, id checks.ID) *checks.Finding {
	for i := range rep.Findings {
		if rep.Findings[i].ID == id {
			return &rep.Findings[i]
		}
	}
	return nil
}

// The practice gateways judged by real client profiles: the fault is
// still named (the finding is there), and the primary cause is the first
// one that blocks that client, else ok. "" means the scenario's own cause.
func TestVerdictByClient(t *testing.T) {
	const ok = checks.OK
	tests := []struct {
		scenario string
		fault    checks.ID // the finding that must be named whatever the client
		want     map[string]checks.ID
	}{
		{"tls10", checks.TLSVersion, map[string]checks.ID{"openconnect-gnutls": ok, "anyconnect-windows": "", "ios": ""}},
		{"cn_only", checks.HostnameMismatch, map[string]checks.ID{"openconnect-gnutls": ok, "anyconnect-windows": ok, "ios": "", "android": ""}},
		{"hostname_mismatch", checks.HostnameMismatch, map[string]checks.ID{"openconnect-gnutls": "", "anyconnect-windows": "", "ios": ""}},
		{"missing_intermediate_aia", checks.MissingIntermed, map[string]checks.ID{"openconnect-gnutls": "", "anyconnect-windows": ok, "ios": ok, "android": ""}},
		{"missing_intermediate", checks.MissingIntermed, map[string]checks.ID{"openconnect-gnutls": "", "anyconnect-windows": ""}},
		{"client_auth_eku", checks.WrongUsage, map[string]checks.ID{"openconnect-gnutls": ok, "openconnect-openssl": "", "anyconnect-windows": ""}},
		{"sha1", checks.WeakSignature, map[string]checks.ID{"openconnect-gnutls": "", "anyconnect-windows": ok, "ios": ""}},
		{"weak_key", checks.WeakKey, map[string]checks.ID{"anyconnect-windows": ok, "ios": "", "openconnect-openssl": ""}},
		{"too_long", checks.ValidityTooLong, map[string]checks.ID{"openconnect-gnutls": ok, "anyconnect-macos": checks.ValidityTooLong, "ios": checks.ValidityTooLong}},
		{"interception", checks.TLSInterception, map[string]checks.ID{"openconnect-gnutls": ok, "anyconnect-windows": ok}},
		{"revoked_ocsp", checks.Revoked, map[string]checks.ID{"openconnect-gnutls": ok, "anyconnect-windows": "", "windows-sstp": ""}},
		{"expired", checks.CertExpired, map[string]checks.ID{"openconnect-gnutls": "", "ios": "", "android": ""}},
		{"name_constraints", checks.NameConstraints, map[string]checks.ID{"openconnect-gnutls": "", "anyconnect-windows": ""}},
		{"self_signed", checks.SelfSigned, map[string]checks.ID{"openconnect-gnutls": "", "anyconnect-windows": ""}},
	}
	for _, tt := range tests {
		def := diagnoseAs(t, tt.scenario, "", nil)
		if def.Client == nil || def.Client.Profile != clients.Strict || def.Client.How != "default" {
			t.Errorf("%s: default client = %+v", tt.scenario, def.Client)
		}
		for client, want := range tt.want {
			rep := diagnoseAs(t, tt.scenario, client, nil)
			f := findingOf(rep, tt.fault)
			if f == nil {
				t.Errorf("%s as %s: %s is no longer named", tt.scenario, client, tt.fault)
				continue
			}
			if want == "" {
				want = def.Primary
			}
			if rep.Primary != want {
				t.Errorf("%s as %s: primary %s, want %s", tt.scenario, client, rep.Primary, want)
			}
			blocks := want == tt.fault || want == def.Primary && want != ok
			if f.Blocks != blocks && want == tt.fault {
				t.Errorf("%s as %s: %s blocks=%v", tt.scenario, client, tt.fault, f.Blocks)
			}
			if f.Blocks != (f.Severity == checks.Fail) {
				t.Errorf("%s as %s: blocks=%v but severity %s", tt.scenario, client, f.Blocks, f.Severity)
			}
			if slices.Contains(f.BlocksClients, client) != f.Blocks {
				t.Errorf("%s as %s: blocks_clients %v disagrees with blocks %v", tt.scenario, client, f.BlocksClients, f.Blocks)
			}
			if rep.Client.Profile != client || rep.Client.How != "flag" {
				t.Errorf("%s: client %+v", tt.scenario, rep.Client)
			}
		}
	}
}

// The default judges as before profiles: every scenario's own primary.
func TestDefaultStillStrict(t *testing.T) {
	for _, name := range []string{"tls10", "cn_only", "client_auth_eku", "interception", "revoked_ocsp", "sha1"} {
		rep := diagnoseAs(t, name, "", nil)
		f := findingOf(rep, rep.Primary)
		// A trusted inspection root blocks no profile (none pins by
		// default), yet the strict default keeps it a failure.
		if rep.Primary == checks.OK || f == nil || !f.Blocks || len(f.BlocksClients) == 0 && name != "interception" {
			t.Errorf("%s: default primary %s, finding %+v", name, rep.Primary, f)
		}
	}
}

func trustingOS(context.Context, []*x509.Certificate, string) (checks.OSVerdict, error) {
	return checks.OSVerdict{Verifier: "Windows CryptoAPI (SSL policy)", Trusted: true}, nil
}

func refusingOS(context.Context, []*x509.Certificate, string) (checks.OSVerdict, error) {
	return checks.OSVerdict{Verifier: "Windows CryptoAPI (SSL policy)", Reason: "CERT_E_UNTRUSTEDROOT (0x800B0109)"}, nil
}

// A chain the OS verifier trusts (Windows fetched the root on demand) is no
// blocking trust failure for a client that uses the OS verifier, nor by
// default; a client with its own verifier still fails, and the report says
// whom the client follows.
func TestOSVerifierFirst(t *testing.T) {
	for _, client := range []string{"", "anyconnect-windows", "windows-sstp"} {
		rep := diagnoseAs(t, "untrusted_root", client, trustingOS)
		f := findingOf(rep, checks.UntrustedRoot)
		if f == nil || f.Blocks || f.Severity != checks.Warn || rep.Primary != checks.OK {
			t.Errorf("client %q: primary %s, untrusted_root %+v", client, rep.Primary, f)
		}
		if !rep.Client.Disagree || rep.Client.Follows != "os" || rep.Client.Note == "" {
			t.Errorf("client %q: disagreement not explained: %+v", client, rep.Client)
		}
	}
	rep := diagnoseAs(t, "untrusted_root", "openconnect-gnutls", trustingOS)
	if rep.Primary != checks.UntrustedRoot || rep.Client.Follows != "own" {
		t.Errorf("openconnect: primary %s, follows %q", rep.Primary, rep.Client.Follows)
	}
	// The OS refuses a chain the engine finds sound: a client that uses it
	// fails with the OS's words; one with its own verifier does not.
	rep = diagnoseAs(t, "ok", "anyconnect-windows", refusingOS)
	if rep.Primary != checks.Unclassified || rep.Client.Follows != "os" {
		t.Errorf("anyconnect, OS refuses: primary %s, client %+v", rep.Primary, rep.Client)
	}
	rep = diagnoseAs(t, "ok", "openconnect-gnutls", refusingOS)
	if f := findingOf(rep, checks.Unclassified); rep.Primary != checks.OK || f == nil || f.Severity != checks.Warn {
		t.Errorf("openconnect, OS refuses: primary %s, unclassified %+v", rep.Primary, f)
	}
	// The engine and the OS agree: the engine's cause explains it.
	rep = diagnoseAs(t, "untrusted_root", "anyconnect-windows", refusingOS)
	if rep.Primary != checks.UntrustedRoot || rep.Client.Disagree {
		t.Errorf("agreeing refusal: primary %s, client %+v", rep.Primary, rep.Client)
	}
}

// The OS verifier is asked beside the path building and bounded by the
// diagnosis deadline: a verifier that hangs does not hold the report.
func TestOSVerifierBounded(t *testing.T) {
	l := testLab(t)
	addr, _ := l.Target("ok")
	target, _ := checks.ParseTarget(addr)
	opts, _ := l.Options("ok")
	release := make(chan struct{})
	defer close(release)
	opts.OSVerdict = func(ctx context.Context, _ []*x509.Certificate, _ string) (checks.OSVerdict, error) {
		select {
		case <-release:
		case <-ctx.Done():
		}
		return checks.OSVerdict{}, ctx.Err()
	}
	opts.Timeout = 1500 * 1e6
	rep := checks.Run(context.Background(), target, opts)
	if rep.OSVerifier == nil || rep.OSVerifier.Error == "" || rep.DurationMS > 3000 {
		t.Errorf("os verifier %+v after %d ms", rep.OSVerifier, rep.DurationMS)
	}
}
