package checks_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/hex"
	"encoding/json"
	"math/big"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vpndoctor/vpndoctor/checks"
	"github.com/vpndoctor/vpndoctor/checks/guide"
	"github.com/vpndoctor/vpndoctor/checks/practice"
)

// currentTime is the fixed clock every validity test runs at: the lab's
// certificates are made around it, and it advances only with real elapsed
// time so that NTP round trips stay meaningful.
var currentTime = time.Date(2026, 6, 15, 9, 30, 0, 0, time.UTC)

var (
	labOnce sync.Once
	lab     *practice.Lab
	labErr  error
)

func testLab(t *testing.T) *practice.Lab {
	t.Helper()
	labOnce.Do(func() {
		t0 := time.Now()
		lab, labErr = practice.Start(practice.Config{Now: func() time.Time { return currentTime.Add(time.Since(t0)) }})
	})
	if labErr != nil {
		t.Fatalf("start practice lab: %v", labErr)
	}
	return lab
}

func diagnose(t *testing.T, name string) *checks.Report {
	t.Helper()
	l := testLab(t)
	addr, err := l.Target(name)
	if err != nil {
		t.Fatalf("target %s: %v", name, err)
	}
	target, err := checks.ParseTarget(addr)
	if err != nil {
		t.Fatalf("parse %s: %v", addr, err)
	}
	opts, err := l.Options(name)
	if err != nil {
		t.Fatalf("options %s: %v", name, err)
	}
	opts.Permissive = permissiveForTests
	return checks.Run(context.Background(), target, opts)
}

func find(rep *checks.Report, id checks.ID) *checks.Finding {
	for i := range rep.Findings {
		if rep.Findings[i].ID == id {
			return &rep.Findings[i]
		}
	}
	return nil
}

func ids(rep *checks.Report) string {
	var s []string
	for _, f := range rep.Findings {
		s = append(s, string(f.ID)+"("+string(f.Severity)+")")
	}
	return strings.Join(s, " ")
}

// evidence asserts that a finding carries a piece of evidence containing want.
func evidence(t *testing.T, rep *checks.Report, id checks.ID, key, want string) {
	t.Helper()
	f := find(rep, id)
	if f == nil {
		t.Fatalf("no %s finding; have %s", id, ids(rep))
	}
	if got := f.Evidence[key]; !strings.Contains(got, want) {
		t.Errorf("%s evidence %s = %q, want it to contain %q", id, key, got, want)
	}
}

// Every practice gateway is diagnosed with its own cause: each row is a real
// TLS server on loopback with a PKI made at start.
func TestDiagnosisOfEveryCause(t *testing.T) {
	extra := map[string]func(t *testing.T, rep *checks.Report){
		"ok": func(t *testing.T, rep *checks.Report) {
			if len(rep.Chain) != 3 || rep.Chain[2].Source != checks.FromStore {
				t.Errorf("chain = %d certs, want leaf, intermediate and the store's root", len(rep.Chain))
			}
			if rep.Trust.Verdict != "trusted" || !rep.Clock.Known {
				t.Errorf("trust %q, clock known %v", rep.Trust.Verdict, rep.Clock.Known)
			}
			if find(rep, checks.RevocationUnknown) != nil {
				t.Errorf("revocation should have been answered: %s", ids(rep))
			}
		},
		"clock_ahead": func(t *testing.T, rep *checks.Report) {
			evidence(t, rep, checks.ClockSkew, checks.EvClockOffset, "+2y")
			if find(rep, checks.CertExpired) != nil {
				t.Errorf("a wrong clock must not be reported as an expired certificate: %s", ids(rep))
			}
		},
		"clock_behind": func(t *testing.T, rep *checks.Report) {
			evidence(t, rep, checks.ClockSkew, checks.EvClockOffset, "-2y")
			if find(rep, checks.CertNotYetValid) != nil {
				t.Errorf("a wrong clock must not be reported as a not-yet-valid certificate: %s", ids(rep))
			}
		},
		"expired": func(t *testing.T, rep *checks.Report) {
			evidence(t, rep, checks.CertExpired, checks.EvRole, "leaf")
		},
		"expired_intermediate": func(t *testing.T, rep *checks.Report) {
			evidence(t, rep, checks.CertExpired, checks.EvRole, "intermediate")
		},
		"untrusted_root": func(t *testing.T, rep *checks.Report) {
			evidence(t, rep, checks.UntrustedRoot, checks.EvIssuer, "Unknown Corp Root CA")
		},
		"hostname_mismatch": func(t *testing.T, rep *checks.Report) {
			evidence(t, rep, checks.HostnameMismatch, checks.EvDNSNames, "vpn-old.example.com")
		},
		"cn_only": func(t *testing.T, rep *checks.Report) {
			evidence(t, rep, checks.HostnameMismatch, checks.EvDNSNames, "common name")
		},
		"missing_intermediate_aia": func(t *testing.T, rep *checks.Report) {
			evidence(t, rep, checks.MissingIntermed, checks.EvAIAURL, "http://127.0.0.1")
			evidence(t, rep, checks.MissingIntermed, checks.EvMissingCA, "Issuing CA")
			if rep.Chain[1].Source != checks.FromAIA {
				t.Errorf("intermediate source = %s, want aia", rep.Chain[1].Source)
			}
		},
		"missing_intermediate": func(t *testing.T, rep *checks.Report) {
			evidence(t, rep, checks.MissingIntermed, checks.EvMissingCA, "Issuing CA 2")
			if f := find(rep, checks.MissingIntermed); f.Evidence[checks.EvAIAURL] != "" {
				t.Errorf("no AIA in this certificate, yet aia_url = %q", f.Evidence[checks.EvAIAURL])
			}
		},
		"revoked_ocsp": func(t *testing.T, rep *checks.Report) {
			evidence(t, rep, checks.Revoked, checks.EvRevSource, "ocsp")
		},
		"revoked_crl": func(t *testing.T, rep *checks.Report) {
			evidence(t, rep, checks.Revoked, checks.EvRevSource, "crl")
		},
		"tls10": func(t *testing.T, rep *checks.Report) {
			evidence(t, rep, checks.TLSVersion, checks.EvTLSVersion, "TLS 1.0")
			if len(rep.Chain) == 0 {
				t.Errorf("the legacy handshake's certificate should still be judged")
			}
		},
		"sha1": func(t *testing.T, rep *checks.Report) {
			evidence(t, rep, checks.WeakSignature, checks.EvSigAlg, "SHA1")
		},
		"client_auth_eku": func(t *testing.T, rep *checks.Report) {
			evidence(t, rep, checks.WrongUsage, checks.EvUsage, "clientAuth")
		},
		"name_constraints": func(t *testing.T, rep *checks.Report) {
			evidence(t, rep, checks.NameConstraints, checks.EvConstraint, ".corp.example")
		},
		"client_cert": func(t *testing.T, rep *checks.Report) {
			evidence(t, rep, checks.ClientCertRequired, checks.EvAcceptedCAs, "vpndoctor Practice Device CA")
		},
		"interception": func(t *testing.T, rep *checks.Report) {
			evidence(t, rep, checks.TLSInterception, checks.EvProduct, "ESET")
			if rep.Trust.Verdict != "trusted" {
				t.Errorf("the interception chain verifies, yet verdict = %s", rep.Trust.Verdict)
			}
		},
		"too_long": func(t *testing.T, rep *checks.Report) {
			evidence(t, rep, checks.ValidityTooLong, checks.EvLimit, "825")
		},
		"weak_key": func(t *testing.T, rep *checks.Report) {
			evidence(t, rep, checks.WeakKey, checks.EvKey, "RSA 1024")
		},
		"silent": func(t *testing.T, rep *checks.Report) {
			evidence(t, rep, checks.Timeout, checks.EvStep, "tls")
		},
		"plain_http": func(t *testing.T, rep *checks.Report) {
			evidence(t, rep, checks.NotTLS, checks.EvProtocol, "HTTP")
		},
		"ssh": func(t *testing.T, rep *checks.Report) {
			evidence(t, rep, checks.NotTLS, checks.EvProtocol, "SSH")
		},
	}
	for _, sc := range practice.Scenarios() {
		t.Run(sc.Name, func(t *testing.T) {
			rep := diagnose(t, sc.Name)
			if rep.Primary != sc.Want {
				t.Fatalf("primary = %s, want %s; findings: %s", rep.Primary, sc.Want, ids(rep))
			}
			for _, id := range sc.Also {
				if find(rep, id) == nil {
					t.Errorf("missing finding %s; findings: %s", id, ids(rep))
				}
			}
			for _, f := range rep.Findings {
				if f.Evidence[checks.EvHost] == "" || f.Evidence[checks.EvPort] == "" {
					t.Errorf("finding %s lacks host/port evidence", f.ID)
				}
			}
			if check := extra[sc.Name]; check != nil {
				check(t, rep)
			}
		})
	}
}

// The whole diagnosis answers within its deadline even when the server
// never speaks.
func TestSilentServerIsBounded(t *testing.T) {
	l := testLab(t)
	addr, _ := l.Target("silent")
	target, _ := checks.ParseTarget(addr)
	opts, _ := l.Options("silent")
	opts.Timeout = 1500 * time.Millisecond
	start := time.Now()
	rep := checks.Run(context.Background(), target, opts)
	if took := time.Since(start); took > opts.Timeout+time.Second {
		t.Errorf("took %s with a %s deadline", took, opts.Timeout)
	}
	if rep.Primary != checks.Timeout {
		t.Errorf("primary = %s, want timeout", rep.Primary)
	}
}

// Cancelling (the wizard's Cancel button) ends the diagnosis at once.
func TestCancelEndsQuickly(t *testing.T) {
	l := testLab(t)
	addr, _ := l.Target("silent")
	target, _ := checks.ParseTarget(addr)
	opts, _ := l.Options("silent")
	opts.Timeout = 30 * time.Second
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(200*time.Millisecond, cancel)
	start := time.Now()
	checks.Run(ctx, target, opts)
	if took := time.Since(start); took > 2*time.Second {
		t.Errorf("cancel took %s to end the diagnosis", took)
	}
}

// Events: every step starts before it ends, and each step ends once.
func TestEventsCoverEveryStep(t *testing.T) {
	l := testLab(t)
	addr, _ := l.Target("ok")
	target, _ := checks.ParseTarget(addr)
	opts, _ := l.Options("ok")
	var mu sync.Mutex
	started := map[checks.Step]bool{}
	ended := map[checks.Step]int{}
	opts.OnEvent = func(e checks.Event) {
		mu.Lock()
		defer mu.Unlock()
		if e.State == checks.StepRunning {
			started[e.Step] = true
			return
		}
		if !started[e.Step] && e.State != checks.StepSkipped {
			t.Errorf("step %s ended (%s) before it started", e.Step, e.State)
		}
		ended[e.Step]++
	}
	checks.Run(context.Background(), target, opts)
	for _, s := range checks.Steps {
		if ended[s] != 1 {
			t.Errorf("step %s ended %d times, want once", s, ended[s])
		}
	}
}

// The JSON document keeps the promised shape.
func TestJSONShape(t *testing.T) {
	rep := diagnose(t, "expired")
	data, err := json.Marshal(rep)
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"schema_version", "tool", "target", "started_at", "duration_ms", "primary", "summary", "findings", "chain", "tls", "clock", "timings_ms"} {
		if _, ok := doc[k]; !ok {
			t.Errorf("JSON lacks %q", k)
		}
	}
	if doc["schema_version"].(float64) != 1 || doc["primary"] != "cert_expired" {
		t.Errorf("schema_version %v primary %v", doc["schema_version"], doc["primary"])
	}
	tool := doc["tool"].(map[string]any)
	target := doc["target"].(map[string]any)
	if tool["name"] != "vpndoctor" || tool["version"] == "" || target["port"] == nil || target["host"] == "" || target["input"] == "" {
		t.Errorf("tool %v target %v", tool, target)
	}
	f := doc["findings"].([]any)[0].(map[string]any)
	for _, k := range []string{"id", "severity", "title", "evidence"} {
		if _, ok := f[k]; !ok {
			t.Errorf("finding lacks %q", k)
		}
	}
	c := doc["chain"].([]any)[0].(map[string]any)
	for _, k := range []string{"subject", "issuer", "serial", "not_before", "not_after", "sha256", "dns_names", "source", "pem"} {
		if _, ok := c[k]; !ok {
			t.Errorf("chain entry lacks %q", k)
		}
	}
	clock := doc["clock"].(map[string]any)
	for _, k := range []string{"server", "offset_ms"} {
		if _, ok := clock[k]; !ok {
			t.Errorf("clock lacks %q", k)
		}
	}
}

// With no time server the diagnosis still works and says so.
func TestNoNTPIsInformationOnly(t *testing.T) {
	l := testLab(t)
	addr, _ := l.Target("ok")
	target, _ := checks.ParseTarget(addr)
	opts, _ := l.Options("ok")
	opts.NTPServer = "127.0.0.1:9" // discard port: nothing answers
	opts.Timeout = 5 * time.Second
	rep := checks.Run(context.Background(), target, opts)
	if rep.Primary != checks.OK {
		t.Fatalf("primary = %s, want ok; %s", rep.Primary, ids(rep))
	}
	if f := find(rep, checks.NTPUnavailable); f == nil || f.Severity != checks.Info {
		t.Errorf("want an info ntp_unavailable finding; %s", ids(rep))
	}
}

// Every finding the engine produces carries the evidence the fix guide
// declares for its id, so no headline shows "(unknown)".
func TestEvidenceMatchesGuide(t *testing.T) {
	g, err := guide.Default()
	if err != nil {
		t.Fatal(err)
	}
	seen := map[checks.ID]bool{}
	for _, sc := range practice.Scenarios() {
		rep := diagnose(t, sc.Name)
		for _, f := range rep.Findings {
			seen[f.ID] = true
			required, _, ok := g.Evidence(string(f.ID))
			if !ok {
				t.Errorf("%s: finding %s has no fix-guide entry", sc.Name, f.ID)
				continue
			}
			for _, k := range required {
				if f.Evidence[k] == "" {
					t.Errorf("%s: finding %s lacks evidence %q the guide needs", sc.Name, f.ID, k)
				}
			}
		}
	}
	if len(seen) < 22 {
		t.Errorf("the practice gateways produce only %d distinct findings", len(seen))
	}
}

// identity makes a certificate as if issued by a CA of the given name.
func identity(t *testing.T, issuerCN, issuerO string, notAfter time.Time) *x509.Certificate {
	t.Helper()
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	parent := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: issuerCN, Organization: []string{issuerO}}}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "device-0417"},
		NotBefore: notAfter.AddDate(-1, 0, 0), NotAfter: notAfter, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	c, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// When the gateway wants a device certificate, the user's own identities
// tell "never enrolled" from "expired" from "the wrong CA".
func TestClientIdentities(t *testing.T) {
	l := testLab(t)
	addr, _ := l.Target("client_cert")
	target, _ := checks.ParseTarget(addr)
	tests := []struct {
		name string
		ids  []*x509.Certificate
		want checks.ID
	}{
		{"none", nil, checks.ClientCertRequired},
		{"expired", []*x509.Certificate{identity(t, "vpndoctor Practice Device CA", "vpndoctor practice", currentTime.AddDate(0, 0, -3))}, checks.ClientCertExpired},
		{"other CA", []*x509.Certificate{identity(t, "Home Lab CA", "me", currentTime.AddDate(1, 0, 0))}, checks.ClientCertUntrust},
		{"valid", []*x509.Certificate{identity(t, "vpndoctor Practice Device CA", "vpndoctor practice", currentTime.AddDate(1, 0, 0))}, checks.ClientCertRequired},
	}
	for _, tc := range tests {
		opts, _ := l.Options("client_cert")
		opts.ClientIdentities = func(context.Context) ([]*x509.Certificate, error) { return tc.ids, nil }
		rep := checks.Run(context.Background(), target, opts)
		if rep.Primary != tc.want {
			t.Errorf("%s: primary = %s, want %s (%s)", tc.name, rep.Primary, tc.want, ids(rep))
		}
	}
}

// The OS verifier's refusal that no check explains is kept, raw.
func TestOSVerdictUnclassified(t *testing.T) {
	l := testLab(t)
	addr, _ := l.Target("ok")
	target, _ := checks.ParseTarget(addr)
	opts, _ := l.Options("ok")
	opts.OSVerdict = func(context.Context, []*x509.Certificate, string) (checks.OSVerdict, error) {
		return checks.OSVerdict{Verifier: "test", Reason: "CERT_E_UNTRUSTEDROOT (0x800B0109)"}, nil
	}
	rep := checks.Run(context.Background(), target, opts)
	if rep.Primary != checks.Unclassified || rep.Trust.OSVerdict == "" {
		t.Fatalf("primary = %s, os verdict %q", rep.Primary, rep.Trust.OSVerdict)
	}
	evidence(t, rep, checks.Unclassified, checks.EvError, "0x800B0109")
	opts.OSVerdict = func(context.Context, []*x509.Certificate, string) (checks.OSVerdict, error) {
		return checks.OSVerdict{Verifier: "test", Trusted: true}, nil
	}
	if rep := checks.Run(context.Background(), target, opts); rep.Primary != checks.OK {
		t.Errorf("an agreeing OS verdict changed the primary to %s", rep.Primary)
	}
}

// IT's expected certificate: a match by fingerprint (in any notation) or
// issuer passes; anything else is unexpected, unless a known inspection
// product explains it.
func TestExpectedCertificate(t *testing.T) {
	l := testLab(t)
	root := sha256.Sum256(l.Root().Raw)
	upper := strings.ToUpper(hex.EncodeToString(root[:]))
	var b strings.Builder // "AB:CD:...", as certmgr and openssl show it
	for i := 0; i < len(upper); i += 2 {
		if i > 0 {
			b.WriteByte(':')
		}
		b.WriteString(upper[i : i+2])
	}
	tests := []struct {
		scenario string
		want     checks.ExpectedCert
		primary  checks.ID
	}{
		{"ok", checks.ExpectedCert{SHA256: []string{strings.Repeat("ab", 32)}}, checks.UnexpectedCert},
		{"ok", checks.ExpectedCert{SHA256: []string{b.String()}}, checks.OK},
		{"ok", checks.ExpectedCert{Issuer: "Practice Issuing CA 1"}, checks.OK},
		{"ok", checks.ExpectedCert{Issuer: "DigiCert"}, checks.UnexpectedCert},
		{"interception", checks.ExpectedCert{Issuer: "DigiCert"}, checks.TLSInterception},
	}
	for _, tc := range tests {
		addr, _ := l.Target(tc.scenario)
		target, _ := checks.ParseTarget(addr)
		opts, _ := l.Options(tc.scenario)
		want := tc.want
		opts.Expected = &want
		rep := checks.Run(context.Background(), target, opts)
		if rep.Primary != tc.primary {
			t.Errorf("%s with %+v: primary = %s, want %s (%s)", tc.scenario, tc.want, rep.Primary, tc.primary, ids(rep))
		}
	}
}

// derStore hands its roots over unparsed, as the Linux adapter does with
// the system bundle.
type derStore struct{ roots []*x509.Certificate }

func (s derStore) Load(context.Context) (*checks.TrustSnapshot, error) {
	snap := &checks.TrustSnapshot{Name: "unparsed"}
	for _, c := range s.roots {
		snap.Roots = append(snap.Roots, checks.StoreCert{DER: c.Raw, Origin: "bundle.pem"})
	}
	snap.Roots = append(snap.Roots, checks.StoreCert{DER: []byte("garbage"), Origin: "broken.pem"})
	return snap, nil
}

// Roots left unparsed by the store are found by name, parsed and trusted
// exactly like parsed ones; an unreadable one is reported, not fatal.
func TestUnparsedRoots(t *testing.T) {
	l := testLab(t)
	for _, tc := range []struct {
		scenario string
		want     checks.ID
	}{{"ok", checks.OK}, {"untrusted_root", checks.UntrustedRoot}, {"missing_intermediate_aia", checks.MissingIntermed}} {
		addr, _ := l.Target(tc.scenario)
		target, _ := checks.ParseTarget(addr)
		opts, _ := l.Options(tc.scenario)
		opts.Trust = derStore{roots: []*x509.Certificate{l.Root()}}
		rep := checks.Run(context.Background(), target, opts)
		if rep.Primary != tc.want {
			t.Errorf("%s: primary = %s, want %s (%s)", tc.scenario, rep.Primary, tc.want, ids(rep))
		}
		if rep.Trust.Roots != 1 || !strings.Contains(rep.Trust.Error, "broken.pem") {
			t.Errorf("%s: trust info %+v", tc.scenario, rep.Trust)
		}
		if tc.want == checks.OK && rep.Trust.AnchorFrom != "bundle.pem" {
			t.Errorf("anchor from %q", rep.Trust.AnchorFrom)
		}
	}
}
