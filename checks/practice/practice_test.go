package practice_test

import (
	"bufio"
	"bytes"
	"context"
	"crypto"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/base64"
	"errors"
	"io"
	"math/big"
	"net"
	"net/http"
	"net/url"
	"runtime"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/beevik/ntp"
	"golang.org/x/crypto/ocsp"
	"golang.org/x/net/dns/dnsmessage"

	"github.com/vpndoctor/vpndoctor/checks"
	"github.com/vpndoctor/vpndoctor/checks/practice"
)

const (
	day  = 24 * time.Hour
	year = 365 * day
)

// base is the lab's true time in every test: fixed, and advancing.
var base = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

func fixedClock() func() time.Time {
	t0 := time.Now()
	return func() time.Time { return base.Add(time.Since(t0)) }
}

func startLab(t *testing.T) (*practice.Lab, func() time.Time) {
	t.Helper()
	now := fixedClock()
	lab, err := practice.Start(practice.Config{Now: now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := lab.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return lab, now
}

func TestScenarioTable(t *testing.T) {
	// The contract from the design brief: name -> primary [also].
	want := map[string][]checks.ID{
		"ok":                       {checks.OK},
		"expired":                  {checks.CertExpired},
		"not_yet_valid":            {checks.CertNotYetValid},
		"clock_ahead":              {checks.ClockSkew},
		"clock_behind":             {checks.ClockSkew},
		"expired_intermediate":     {checks.CertExpired},
		"untrusted_root":           {checks.UntrustedRoot},
		"self_signed":              {checks.SelfSigned},
		"hostname_mismatch":        {checks.HostnameMismatch},
		"cn_only":                  {checks.HostnameMismatch},
		"missing_intermediate_aia": {checks.MissingIntermed},
		"missing_intermediate":     {checks.MissingIntermed},
		"revoked_ocsp":             {checks.Revoked},
		"revoked_crl":              {checks.Revoked},
		"revocation_down":          {checks.OK, checks.RevocationUnknown},
		"tls10":                    {checks.TLSVersion},
		"sha1":                     {checks.WeakSignature},
		"client_auth_eku":          {checks.WrongUsage},
		"name_constraints":         {checks.NameConstraints},
		"client_cert":              {checks.ClientCertRequired},
		"client_cert_expired":      {checks.ClientCertExpired},
		"client_cert_revoked":      {checks.ClientCertRevoked},
		"interception":             {checks.TLSInterception},
		"too_long":                 {checks.OK, checks.ValidityTooLong},
		"weak_key":                 {checks.WeakKey},
		"refused":                  {checks.Unreachable},
		"silent":                   {checks.Timeout},
		"plain_http":               {checks.NotTLS},
		"ssh":                      {checks.NotTLS},
		"dns_failure":              {checks.DNSFailure},
	}
	all := practice.Scenarios()
	if len(all) == 0 || all[0].Name != "ok" {
		t.Fatalf("Scenarios must start with ok, got %v", all)
	}
	seen := map[string]bool{}
	for _, s := range all {
		if seen[s.Name] {
			t.Errorf("duplicate scenario %q", s.Name)
		}
		seen[s.Name] = true
		ids, ok := want[s.Name]
		if !ok {
			t.Errorf("scenario %q is not in the brief", s.Name)
			continue
		}
		if s.Want != ids[0] || !slices.Equal(s.Also, ids[1:]) {
			t.Errorf("%s: Want %q Also %v, want %v", s.Name, s.Want, s.Also, ids)
		}
		if s.Title == "" || s.TitleJA == "" || s.TitleJA == s.Title {
			t.Errorf("%s: titles %q / %q", s.Name, s.Title, s.TitleJA)
		}
		if got, ok := practice.Lookup(s.Name); !ok || got.Name != s.Name {
			t.Errorf("Lookup(%q) = %v, %v", s.Name, got, ok)
		}
	}
	for name := range want {
		if !seen[name] {
			t.Errorf("scenario %q missing", name)
		}
	}
	// Callers get copies.
	all[0].Name = "changed"
	if practice.Scenarios()[0].Name != "ok" {
		t.Error("Scenarios returns the table itself")
	}
	if _, ok := practice.Lookup("nope"); ok {
		t.Error("Lookup(nope) found something")
	}
}

func TestTargetsAndOptions(t *testing.T) {
	lab, now := startLab(t)
	if lab.Root().Subject.CommonName != "vpndoctor Practice Root CA" || !slices.Equal(lab.Root().Subject.Organization, []string{"vpndoctor practice"}) {
		t.Errorf("Root subject %v", lab.Root().Subject)
	}
	for _, s := range practice.Scenarios() {
		target, err := lab.Target(s.Name)
		if err != nil {
			t.Fatalf("Target(%s): %v", s.Name, err)
		}
		host, port, err := net.SplitHostPort(target)
		if err != nil || !strings.HasSuffix(host, "."+practice.Domain) || port == "" || port == "0" {
			t.Errorf("Target(%s) = %q", s.Name, target)
		}
		opts, err := lab.Options(s.Name)
		if err != nil {
			t.Fatalf("Options(%s): %v", s.Name, err)
		}
		snap, err := opts.Trust.Load(context.Background())
		if err != nil || snap.Name != practice.TrustStoreName || len(snap.Roots) == 0 || !snap.Roots[0].Cert.Equal(lab.Root()) {
			t.Errorf("%s: trust store %+v, %v", s.Name, snap, err)
		}
		wantTimeout := 5 * time.Second
		if s.Name == "silent" {
			wantTimeout = 2 * time.Second
		}
		if opts.Timeout != wantTimeout || opts.Resolver == nil || opts.HTTPClient == nil || opts.Now == nil {
			t.Errorf("%s: options %+v", s.Name, opts)
		}
		if d := opts.Now().Sub(now()); d < -time.Second || d > time.Second {
			t.Errorf("%s: Now is %v off the lab clock", s.Name, d)
		}
		if h, _, err := net.SplitHostPort(opts.NTPServer); err != nil || h != "127.0.0.1" {
			t.Errorf("%s: NTPServer %q", s.Name, opts.NTPServer)
		}
	}
	if target, _ := lab.Target("dns_failure"); target != "nxdomain.practice.vpndoctor.test:443" {
		t.Errorf("dns_failure target %q", target)
	}
	if target, _ := lab.Target("expired"); !strings.HasPrefix(target, "expired.practice.vpndoctor.test:") {
		t.Errorf("expired target %q", target)
	}
	if _, err := lab.Target("nope"); err == nil {
		t.Error("Target(nope) gave no error")
	}
	if _, err := lab.Options("nope"); err == nil {
		t.Error("Options(nope) gave no error")
	}
	// Per-scenario anchors: the interception product and the clock roots
	// are trusted; Unknown Corp is not.
	for name, wantCN := range map[string]string{
		"interception":   "ESET SSL Filter CA",
		"clock_ahead":    "vpndoctor Practice Clock Root CA",
		"clock_behind":   "vpndoctor Practice Clock Root CA",
		"untrusted_root": "",
		"ok":             "",
	} {
		opts, _ := lab.Options(name)
		snap, _ := opts.Trust.Load(context.Background())
		var extra []string
		for _, r := range snap.Roots[1:] {
			extra = append(extra, r.Cert.Subject.CommonName)
		}
		if wantCN == "" && len(extra) != 0 || wantCN != "" && !slices.Equal(extra, []string{wantCN}) {
			t.Errorf("%s: extra roots %v, want %q", name, extra, wantCN)
		}
	}
}

type kind int

const (
	kindTLS        kind = iota // handshake completes
	kindClientCert             // handshake fails for want of a client certificate
	kindRefused
	kindSilent
	kindPlainHTTP
	kindSSH
	kindNoDNS
)

// probe is one connection to a practice gateway, and what the test knows.
type probe struct {
	t     *testing.T
	lab   *practice.Lab
	name  string
	host  string
	now   time.Time
	opts  checks.Options
	state tls.ConnectionState
}

func (p *probe) leaf() *x509.Certificate { return p.state.PeerCertificates[0] }

func (p *probe) issuer() *x509.Certificate {
	p.t.Helper()
	if len(p.state.PeerCertificates) < 2 {
		p.t.Fatalf("server sent %d certificates, want the issuer too", len(p.state.PeerCertificates))
	}
	return p.state.PeerCertificates[1]
}

func (p *probe) chainLen(n int) {
	p.t.Helper()
	if got := len(p.state.PeerCertificates); got != n {
		p.t.Errorf("server sent %d certificates, want %d", got, n)
	}
}

// verify checks the sent chain (plus extra intermediates) against the
// scenario's trust store at time at, for the gateway's host name.
func (p *probe) verify(at time.Time, extra ...*x509.Certificate) error {
	snap, err := p.opts.Trust.Load(context.Background())
	if err != nil {
		p.t.Fatal(err)
	}
	roots, inter := x509.NewCertPool(), x509.NewCertPool()
	for _, r := range snap.Roots {
		roots.AddCert(r.Cert)
	}
	for _, c := range append(p.state.PeerCertificates[1:], extra...) {
		inter.AddCert(c)
	}
	_, err = p.leaf().Verify(x509.VerifyOptions{DNSName: p.host, Roots: roots, Intermediates: inter, CurrentTime: at})
	return err
}

func (p *probe) verifies(at time.Time) {
	p.t.Helper()
	if err := p.verify(at); err != nil {
		p.t.Errorf("chain does not verify at %v: %v", at, err)
	}
}

func (p *probe) invalid(at time.Time, reason x509.InvalidReason) {
	p.t.Helper()
	var ce x509.CertificateInvalidError
	if err := p.verify(at); !errors.As(err, &ce) || ce.Reason != reason {
		p.t.Errorf("verify at %v: %v, want CertificateInvalidError reason %d", at, err, reason)
	}
}

func (p *probe) unknownAuthority() {
	p.t.Helper()
	var ue x509.UnknownAuthorityError
	if err := p.verify(p.now); !errors.As(err, &ue) {
		p.t.Errorf("verify: %v, want UnknownAuthorityError", err)
	}
}

func (p *probe) get(u string) (*http.Response, []byte, error) {
	resp, err := p.opts.HTTPClient.Get(u)
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	return resp, body, err
}

// ocspStatus asks the leaf's responder (POST and GET) and checks both
// answers parse against the issuer and are dated around true time want.
func (p *probe) ocspStatus(leaf, issuer *x509.Certificate, trueNow time.Time) *ocsp.Response {
	p.t.Helper()
	if len(leaf.OCSPServer) != 1 {
		p.t.Fatalf("OCSP servers %v", leaf.OCSPServer)
	}
	req, err := ocsp.CreateRequest(leaf, issuer, nil)
	if err != nil {
		p.t.Fatal(err)
	}
	responder := leaf.OCSPServer[0]
	var answers []*ocsp.Response
	for _, method := range []string{"POST", "GET", "GET raw"} {
		var resp *http.Response
		switch method {
		case "POST":
			resp, err = p.opts.HTTPClient.Post(responder, "application/ocsp-request", bytes.NewReader(req))
		case "GET":
			resp, err = p.opts.HTTPClient.Get(responder + "/" + url.PathEscape(base64.StdEncoding.EncodeToString(req)))
		default:
			resp, err = p.opts.HTTPClient.Get(responder + "/" + base64.StdEncoding.EncodeToString(req))
		}
		if err != nil {
			p.t.Fatalf("OCSP %s: %v", method, err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/ocsp-response" {
			p.t.Fatalf("OCSP %s: %s %q", method, resp.Status, resp.Header.Get("Content-Type"))
		}
		r, err := ocsp.ParseResponseForCert(body, leaf, issuer)
		if err != nil {
			p.t.Fatalf("OCSP %s: %v", method, err)
		}
		if !near(r.ThisUpdate, trueNow.Add(-time.Hour), time.Minute) || !near(r.NextUpdate, trueNow.Add(24*time.Hour), time.Minute) {
			p.t.Errorf("OCSP %s: thisUpdate %v nextUpdate %v, want around %v", method, r.ThisUpdate, r.NextUpdate, trueNow)
		}
		answers = append(answers, r)
	}
	for _, r := range answers[1:] {
		if r.Status != answers[0].Status {
			p.t.Errorf("OCSP GET and POST disagree: %d vs %d", r.Status, answers[0].Status)
		}
	}
	return answers[0]
}

// crl fetches the leaf's CRL and checks it is signed by the issuer.
func (p *probe) crl(leaf, issuer *x509.Certificate) *x509.RevocationList {
	p.t.Helper()
	if len(leaf.CRLDistributionPoints) != 1 {
		p.t.Fatalf("CRL distribution points %v", leaf.CRLDistributionPoints)
	}
	resp, body, err := p.get(leaf.CRLDistributionPoints[0])
	if err != nil || resp.StatusCode != 200 {
		p.t.Fatalf("CRL: %v %v", resp, err)
	}
	rl, err := x509.ParseRevocationList(body)
	if err != nil {
		p.t.Fatal(err)
	}
	if err := rl.CheckSignatureFrom(issuer); err != nil {
		p.t.Errorf("CRL signature: %v", err)
	}
	if !rl.ThisUpdate.Before(p.now) || !rl.NextUpdate.After(p.now) {
		p.t.Errorf("CRL dated %v..%v, now %v", rl.ThisUpdate, rl.NextUpdate, p.now)
	}
	return rl
}

func listed(rl *x509.RevocationList, serial *big.Int) *x509.RevocationListEntry {
	for i, e := range rl.RevokedCertificateEntries {
		if e.SerialNumber.Cmp(serial) == 0 {
			return &rl.RevokedCertificateEntries[i]
		}
	}
	return nil
}

func near(a, b time.Time, tol time.Duration) bool {
	d := a.Sub(b)
	return d > -tol && d < tol
}

func hasExtension(c *x509.Certificate, oid asn1.ObjectIdentifier) bool {
	return slices.ContainsFunc(c.Extensions, func(e pkix.Extension) bool { return e.Id.Equal(oid) })
}

var oidSAN = asn1.ObjectIdentifier{2, 5, 29, 17}

var gatewayTests = []struct {
	name  string
	kind  kind
	check func(p *probe)
}{
	{"ok", kindTLS, func(p *probe) {
		p.chainLen(2)
		leaf, ica := p.leaf(), p.issuer()
		if !slices.Equal(leaf.DNSNames, []string{p.host}) || leaf.NotAfter.Sub(leaf.NotBefore) != 90*day ||
			!near(leaf.NotBefore, p.now.Add(-10*day), time.Minute) {
			p.t.Errorf("leaf %v %v..%v", leaf.DNSNames, leaf.NotBefore, leaf.NotAfter)
		}
		if !slices.Equal(leaf.ExtKeyUsage, []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}) || leaf.KeyUsage != x509.KeyUsageDigitalSignature {
			p.t.Errorf("leaf usage %v %v", leaf.KeyUsage, leaf.ExtKeyUsage)
		}
		if err := ica.CheckSignatureFrom(p.lab.Root()); err != nil || ica.Subject.CommonName != "vpndoctor Practice Issuing CA 1" {
			p.t.Errorf("intermediate %v: %v", ica.Subject, err)
		}
		if len(ica.OCSPServer) != 1 || len(ica.CRLDistributionPoints) != 1 || len(ica.IssuingCertificateURL) != 1 {
			p.t.Errorf("intermediate has no AIA/OCSP/CRL: %v %v %v", ica.IssuingCertificateURL, ica.OCSPServer, ica.CRLDistributionPoints)
		}
		p.verifies(p.now)
		if r := p.ocspStatus(leaf, ica, p.now); r.Status != ocsp.Good {
			p.t.Errorf("leaf OCSP status %d, want good", r.Status)
		}
		if r := p.ocspStatus(ica, p.lab.Root(), p.now); r.Status != ocsp.Good {
			p.t.Errorf("intermediate OCSP status %d, want good", r.Status)
		}
		if e := listed(p.crl(leaf, ica), leaf.SerialNumber); e != nil {
			p.t.Error("healthy leaf is on the CRL")
		}
		if e := listed(p.crl(ica, p.lab.Root()), ica.SerialNumber); e != nil {
			p.t.Error("intermediate is on the root's CRL")
		}
		// The intermediate's AIA gives the root.
		if _, body, err := p.get(ica.IssuingCertificateURL[0]); err != nil || !bytes.Equal(body, p.lab.Root().Raw) {
			p.t.Errorf("root over AIA: %v", err)
		}
	}},
	{"expired", kindTLS, func(p *probe) {
		leaf := p.leaf()
		if !leaf.NotAfter.Before(p.now) || !near(leaf.NotAfter, p.now.Add(-10*day), time.Minute) || !near(leaf.NotBefore, p.now.Add(-100*day), time.Minute) {
			p.t.Errorf("leaf valid %v..%v, now %v", leaf.NotBefore, leaf.NotAfter, p.now)
		}
		p.invalid(p.now, x509.Expired)
	}},
	{"not_yet_valid", kindTLS, func(p *probe) {
		if leaf := p.leaf(); !near(leaf.NotBefore, p.now.Add(10*day), time.Minute) {
			p.t.Errorf("leaf valid from %v, now %v", leaf.NotBefore, p.now)
		}
		p.invalid(p.now, x509.Expired)
	}},
	{"clock_ahead", kindTLS, func(p *probe) {
		trueNow := p.now.Add(-2 * year)
		p.invalid(p.now, x509.Expired)
		p.verifies(trueNow)
		if leaf := p.leaf(); !near(leaf.NotBefore, trueNow.Add(-10*day), time.Minute) || !near(leaf.NotAfter, trueNow.Add(80*day), time.Minute) {
			p.t.Errorf("leaf valid %v..%v, true time %v", leaf.NotBefore, leaf.NotAfter, trueNow)
		}
		if ica := p.issuer(); !(ica.NotBefore.Before(trueNow) && ica.NotAfter.After(p.now)) {
			p.t.Errorf("intermediate valid %v..%v", ica.NotBefore, ica.NotAfter)
		}
		if r := p.ocspStatus(p.leaf(), p.issuer(), trueNow); r.Status != ocsp.Good {
			p.t.Errorf("OCSP status %d", r.Status)
		}
	}},
	{"clock_behind", kindTLS, func(p *probe) {
		trueNow := p.now.Add(2 * year)
		p.invalid(p.now, x509.Expired)
		p.verifies(trueNow)
		if ica := p.issuer(); !(ica.NotBefore.Before(p.now) && ica.NotAfter.After(trueNow)) {
			p.t.Errorf("intermediate valid %v..%v", ica.NotBefore, ica.NotAfter)
		}
		if r := p.ocspStatus(p.leaf(), p.issuer(), trueNow); r.Status != ocsp.Good {
			p.t.Errorf("OCSP status %d", r.Status)
		}
	}},
	{"expired_intermediate", kindTLS, func(p *probe) {
		p.chainLen(2)
		leaf, ica := p.leaf(), p.issuer()
		if !ica.NotAfter.Before(p.now) || !near(ica.NotAfter, p.now.Add(-5*day), time.Minute) {
			p.t.Errorf("intermediate valid until %v, now %v", ica.NotAfter, p.now)
		}
		if leaf.NotAfter.Before(p.now) || leaf.NotBefore.After(p.now) {
			p.t.Errorf("leaf valid %v..%v", leaf.NotBefore, leaf.NotAfter)
		}
		p.invalid(p.now, x509.Expired)
	}},
	{"untrusted_root", kindTLS, func(p *probe) {
		p.chainLen(2)
		if cn := p.issuer().Issuer.CommonName; cn != "Unknown Corp Root CA" {
			p.t.Errorf("intermediate issued by %q", cn)
		}
		p.unknownAuthority()
	}},
	{"self_signed", kindTLS, func(p *probe) {
		p.chainLen(1)
		leaf := p.leaf()
		if !bytes.Equal(leaf.RawIssuer, leaf.RawSubject) || !slices.Equal(leaf.DNSNames, []string{p.host}) {
			p.t.Errorf("leaf %v issued by %v for %v", leaf.Subject, leaf.Issuer, leaf.DNSNames)
		}
		if err := leaf.CheckSignatureFrom(leaf); err != nil {
			p.t.Errorf("not signed by its own key: %v", err)
		}
		p.unknownAuthority()
	}},
	{"hostname_mismatch", kindTLS, func(p *probe) {
		if got := p.leaf().DNSNames; !slices.Equal(got, []string{"vpn-old.example.com"}) {
			p.t.Errorf("SAN %v", got)
		}
		var he x509.HostnameError
		if err := p.verify(p.now); !errors.As(err, &he) {
			p.t.Errorf("verify: %v, want HostnameError", err)
		}
	}},
	{"cn_only", kindTLS, func(p *probe) {
		leaf := p.leaf()
		if hasExtension(leaf, oidSAN) || leaf.Subject.CommonName != p.host {
			p.t.Errorf("leaf CN %q, SAN extension present %v", leaf.Subject.CommonName, hasExtension(leaf, oidSAN))
		}
		var he x509.HostnameError
		if err := p.verify(p.now); !errors.As(err, &he) {
			p.t.Errorf("verify: %v, want HostnameError", err)
		}
	}},
	{"missing_intermediate_aia", kindTLS, func(p *probe) {
		p.chainLen(1)
		leaf := p.leaf()
		if len(leaf.IssuingCertificateURL) != 1 {
			p.t.Fatalf("AIA %v", leaf.IssuingCertificateURL)
		}
		resp, body, err := p.get(leaf.IssuingCertificateURL[0])
		if err != nil || resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/pkix-cert" {
			p.t.Fatalf("AIA fetch: %v %v", resp, err)
		}
		ica, err := x509.ParseCertificate(body)
		if err != nil || ica.Subject.CommonName != "vpndoctor Practice Issuing CA 1" {
			p.t.Fatalf("AIA gave %v: %v", ica, err)
		}
		p.unknownAuthority()
		if err := p.verify(p.now, ica); err != nil {
			p.t.Errorf("verify with the AIA intermediate: %v", err)
		}
	}},
	{"missing_intermediate", kindTLS, func(p *probe) {
		p.chainLen(1)
		leaf := p.leaf()
		if len(leaf.IssuingCertificateURL) != 0 || len(leaf.OCSPServer) != 0 || leaf.Issuer.CommonName != "vpndoctor Practice Issuing CA 2" {
			p.t.Errorf("leaf issued by %q, AIA %v, OCSP %v", leaf.Issuer.CommonName, leaf.IssuingCertificateURL, leaf.OCSPServer)
		}
		p.unknownAuthority()
		// Nor is the CA downloadable by guessing.
		guess := strings.Replace(leaf.CRLDistributionPoints[0], "/crl/issuing-ca-2.crl", "/aia/issuing-ca-2.der", 1)
		if resp, _, err := p.get(guess); err != nil || resp.StatusCode != 404 {
			p.t.Errorf("GET %s: %v %v", guess, resp, err)
		}
	}},
	{"revoked_ocsp", kindTLS, func(p *probe) {
		leaf := p.leaf()
		if len(leaf.CRLDistributionPoints) != 0 {
			p.t.Errorf("leaf has a CRL: %v", leaf.CRLDistributionPoints)
		}
		r := p.ocspStatus(leaf, p.issuer(), p.now)
		if r.Status != ocsp.Revoked || r.RevocationReason != ocsp.KeyCompromise || !near(r.RevokedAt, p.now.Add(-3*day), time.Minute) {
			p.t.Errorf("OCSP status %d reason %d at %v", r.Status, r.RevocationReason, r.RevokedAt)
		}
		p.verifies(p.now)
	}},
	{"revoked_crl", kindTLS, func(p *probe) {
		leaf := p.leaf()
		if len(leaf.OCSPServer) != 0 {
			p.t.Errorf("leaf has OCSP: %v", leaf.OCSPServer)
		}
		e := listed(p.crl(leaf, p.issuer()), leaf.SerialNumber)
		if e == nil || e.ReasonCode != ocsp.KeyCompromise || !near(e.RevocationTime, p.now.Add(-3*day), time.Minute) {
			p.t.Errorf("CRL entry %+v", e)
		}
		p.verifies(p.now)
	}},
	{"revocation_down", kindTLS, func(p *probe) {
		leaf := p.leaf()
		for _, u := range append(slices.Clone(leaf.OCSPServer), leaf.CRLDistributionPoints...) {
			if _, _, err := p.get(u); !errors.Is(err, syscall.ECONNREFUSED) {
				p.t.Errorf("GET %s: %v, want connection refused", u, err)
			}
		}
		if len(leaf.OCSPServer) != 1 || len(leaf.CRLDistributionPoints) != 1 {
			p.t.Errorf("OCSP %v CRL %v", leaf.OCSPServer, leaf.CRLDistributionPoints)
		}
		p.verifies(p.now)
	}},
	{"tls10", kindTLS, func(p *probe) {
		if p.state.Version != tls.VersionTLS10 {
			p.t.Errorf("negotiated %s", tls.VersionName(p.state.Version))
		}
		p.verifies(p.now)
		target, _ := p.lab.Target(p.name)
		_, port, _ := net.SplitHostPort(target)
		c, err := tls.Dial("tcp", "127.0.0.1:"+port, &tls.Config{InsecureSkipVerify: true})
		if err == nil {
			c.Close()
			p.t.Error("a TLS 1.2+ client got through")
		}
	}},
	{"sha1", kindTLS, func(p *probe) {
		leaf, ica := p.leaf(), p.issuer()
		if leaf.SignatureAlgorithm != x509.SHA1WithRSA {
			p.t.Errorf("signature algorithm %v", leaf.SignatureAlgorithm)
		}
		pub, ok := ica.PublicKey.(*rsa.PublicKey)
		if !ok || pub.N.BitLen() != 2048 {
			p.t.Fatalf("intermediate key %T", ica.PublicKey)
		}
		h := sha1.Sum(leaf.RawTBSCertificate)
		if err := rsa.VerifyPKCS1v15(pub, crypto.SHA1, h[:], leaf.Signature); err != nil {
			p.t.Errorf("not a real SHA-1 signature: %v", err)
		}
		var ia x509.InsecureAlgorithmError
		if err := leaf.CheckSignatureFrom(ica); !errors.As(err, &ia) {
			p.t.Errorf("CheckSignatureFrom: %v, want InsecureAlgorithmError", err)
		}
		if p.verify(p.now) == nil {
			p.t.Error("SHA-1 chain verifies")
		}
	}},
	{"client_auth_eku", kindTLS, func(p *probe) {
		if got := p.leaf().ExtKeyUsage; !slices.Equal(got, []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}) {
			p.t.Errorf("EKU %v", got)
		}
		p.invalid(p.now, x509.IncompatibleUsage)
	}},
	{"name_constraints", kindTLS, func(p *probe) {
		ica := p.issuer()
		if !slices.Equal(ica.PermittedDNSDomains, []string{".corp.example"}) || !ica.PermittedDNSDomainsCritical {
			p.t.Errorf("constraints %v critical %v", ica.PermittedDNSDomains, ica.PermittedDNSDomainsCritical)
		}
		p.invalid(p.now, x509.CANotAuthorizedForThisName)
	}},
	{"client_cert", kindClientCert, nil},
	{"client_cert_expired", kindClientCert, nil},
	{"client_cert_revoked", kindClientCert, nil},
	{"interception", kindTLS, func(p *probe) {
		p.chainLen(1)
		iss := p.leaf().Issuer
		if iss.CommonName != "ESET SSL Filter CA" || !slices.Equal(iss.Organization, []string{"ESET spol. s r.o."}) {
			p.t.Errorf("issuer %v", iss)
		}
		if !slices.Equal(p.leaf().DNSNames, []string{p.host}) {
			p.t.Errorf("SAN %v", p.leaf().DNSNames)
		}
		p.verifies(p.now)
	}},
	{"too_long", kindTLS, func(p *probe) {
		if leaf := p.leaf(); leaf.NotAfter.Sub(leaf.NotBefore) != 3*year {
			p.t.Errorf("lifetime %v", leaf.NotAfter.Sub(leaf.NotBefore))
		}
		p.verifies(p.now)
	}},
	{"weak_key", kindTLS, func(p *probe) {
		if pub, ok := p.leaf().PublicKey.(*rsa.PublicKey); !ok || pub.N.BitLen() != 1024 {
			p.t.Errorf("leaf key %T", p.leaf().PublicKey)
		}
		p.verifies(p.now)
	}},
	{"refused", kindRefused, nil},
	{"silent", kindSilent, nil},
	{"plain_http", kindPlainHTTP, nil},
	{"ssh", kindSSH, nil},
	{"dns_failure", kindNoDNS, nil},
}

func TestGateways(t *testing.T) {
	lab, now := startLab(t)
	tested := map[string]bool{}
	for _, tc := range gatewayTests {
		tested[tc.name] = true
		t.Run(tc.name, func(t *testing.T) {
			target, err := lab.Target(tc.name)
			if err != nil {
				t.Fatal(err)
			}
			opts, err := lab.Options(tc.name)
			if err != nil {
				t.Fatal(err)
			}
			host, port, _ := net.SplitHostPort(target)
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()

			addrs, err := opts.Resolver.LookupHost(ctx, host)
			if tc.kind == kindNoDNS {
				var de *net.DNSError
				if !errors.As(err, &de) || !de.IsNotFound {
					t.Fatalf("LookupHost(%s) = %v, %v; want not found", host, addrs, err)
				}
				return
			}
			if err != nil || !slices.Equal(addrs, []string{"127.0.0.1"}) {
				t.Fatalf("LookupHost(%s) = %v, %v", host, addrs, err)
			}
			var d net.Dialer
			conn, err := d.DialContext(ctx, "tcp", net.JoinHostPort(addrs[0], port))
			if tc.kind == kindRefused {
				if !errors.Is(err, syscall.ECONNREFUSED) {
					t.Fatalf("dial: %v, want connection refused", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			_ = conn.SetDeadline(time.Now().Add(5 * time.Second))
			p := &probe{t: t, lab: lab, name: tc.name, host: host, now: now(), opts: opts}
			switch tc.kind {
			case kindSilent:
				checkSilent(t, conn)
			case kindPlainHTTP:
				checkPlainHTTP(t, conn)
			case kindSSH:
				checkSSH(t, conn)
			case kindClientCert:
				checkClientCert(t, conn, host)
			case kindTLS:
				tconn := tls.Client(conn, &tls.Config{InsecureSkipVerify: true, ServerName: host, MinVersion: tls.VersionTLS10})
				if err := tconn.HandshakeContext(ctx); err != nil {
					t.Fatalf("handshake: %v", err)
				}
				p.state = tconn.ConnectionState()
				checkPortal(t, tconn, host, tc.name)
				tc.check(p)
			}
		})
	}
	for _, s := range practice.Scenarios() {
		if !tested[s.Name] {
			t.Errorf("scenario %q has no gateway test", s.Name)
		}
	}
}

// checkPortal asks the gateway for its portal page over the TLS connection.
func checkPortal(t *testing.T, c *tls.Conn, host, name string) {
	t.Helper()
	if _, err := io.WriteString(c, "GET / HTTP/1.1\r\nHost: "+host+"\r\n\r\n"); err != nil {
		t.Fatalf("write request: %v", err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatalf("read response: %v", err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(body), name) {
		t.Errorf("portal: %s %q", resp.Status, body)
	}
}

// clientHello is enough of a TLS record for a server to take it for one.
var clientHello = []byte{0x16, 0x03, 0x01, 0x00, 0x2f, 0x01, 0x00, 0x00, 0x2b, 0x03, 0x03}

func checkSilent(t *testing.T, c net.Conn) {
	if _, err := c.Write(clientHello); err != nil {
		t.Fatal(err)
	}
	_ = c.SetReadDeadline(time.Now().Add(300 * time.Millisecond))
	n, err := c.Read(make([]byte, 1))
	var ne net.Error
	if n != 0 || !errors.As(err, &ne) || !ne.Timeout() {
		t.Errorf("read %d bytes, %v; want a timeout", n, err)
	}
}

func checkPlainHTTP(t *testing.T, c net.Conn) {
	if _, err := c.Write(clientHello); err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(c)
	if err != nil || !strings.HasPrefix(string(got), "HTTP/1.1 400 Bad Request\r\n") {
		t.Errorf("got %q, %v", got, err)
	}
}

func checkSSH(t *testing.T, c net.Conn) {
	line, err := bufio.NewReader(c).ReadString('\n')
	if err != nil || line != "SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n" {
		t.Errorf("banner %q, %v", line, err)
	}
	if _, err := c.Write(clientHello); err != nil {
		t.Errorf("write after banner: %v", err)
	}
}

// checkClientCert offers no certificate: the handshake or the first read
// must fail with "certificate required", and the request must name the
// device CA.
func checkClientCert(t *testing.T, c net.Conn, host string) {
	var accepted [][]byte
	tconn := tls.Client(c, &tls.Config{
		InsecureSkipVerify: true,
		ServerName:         host,
		GetClientCertificate: func(cri *tls.CertificateRequestInfo) (*tls.Certificate, error) {
			accepted = cri.AcceptableCAs
			return &tls.Certificate{}, nil
		},
	})
	err := tconn.Handshake()
	if err == nil {
		_, err = tconn.Read(make([]byte, 1))
	}
	// Over TCP crypto/tls reports a received alert as a *net.OpError
	// "remote error" around its unexported alert type.
	var oe *net.OpError
	if !errors.As(err, &oe) || oe.Op != "remote error" || oe.Err.Error() != "tls: certificate required" {
		t.Errorf("got %v, want a certificate_required alert", err)
	}
	var names []string
	for _, der := range accepted {
		var rdn pkix.RDNSequence
		if _, err := asn1.Unmarshal(der, &rdn); err != nil {
			t.Fatal(err)
		}
		var n pkix.Name
		n.FillFromRDNSequence(&rdn)
		names = append(names, n.CommonName)
	}
	if !slices.Equal(names, []string{"vpndoctor Practice Device CA"}) {
		t.Errorf("acceptable CAs %v", names)
	}
}

func TestDNS(t *testing.T) {
	lab, _ := startLab(t)
	opts, _ := lab.Options("ok")
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()

	ips, err := opts.Resolver.LookupIPAddr(ctx, "ok.practice.vpndoctor.test")
	if err != nil || len(ips) != 1 || !ips[0].IP.Equal(net.IPv4(127, 0, 0, 1)) {
		t.Errorf("LookupIPAddr = %v, %v", ips, err)
	}
	if addrs, err := opts.Resolver.LookupHost(ctx, "Anything.At.All.PRACTICE.vpndoctor.test"); err != nil || !slices.Equal(addrs, []string{"127.0.0.1"}) {
		t.Errorf("LookupHost = %v, %v", addrs, err)
	}
	for _, name := range []string{"nxdomain.practice.vpndoctor.test", "www.example.com", "vpndoctor.test"} {
		_, err := opts.Resolver.LookupHost(ctx, name)
		var de *net.DNSError
		if !errors.As(err, &de) || !de.IsNotFound {
			t.Errorf("LookupHost(%s): %v, want not found", name, err)
		}
	}

	// On the wire.
	for _, tc := range []struct {
		name    string
		qtype   dnsmessage.Type
		rcode   dnsmessage.RCode
		answers int
	}{
		{"ok.practice.vpndoctor.test.", dnsmessage.TypeA, dnsmessage.RCodeSuccess, 1},
		{"ok.practice.vpndoctor.test.", dnsmessage.TypeAAAA, dnsmessage.RCodeSuccess, 0},
		{"nxdomain.practice.vpndoctor.test.", dnsmessage.TypeA, dnsmessage.RCodeNameError, 0},
		{"example.org.", dnsmessage.TypeA, dnsmessage.RCodeNameError, 0},
	} {
		h, answers := rawQuery(t, ctx, opts.Resolver, tc.name, tc.qtype)
		if h.RCode != tc.rcode || len(answers) != tc.answers || !h.Response || !h.Authoritative || h.ID != 0xbeef {
			t.Errorf("%s %v: %+v %v", tc.name, tc.qtype, h, answers)
		}
		for _, a := range answers {
			if r, ok := a.Body.(*dnsmessage.AResource); !ok || r.A != [4]byte{127, 0, 0, 1} {
				t.Errorf("%s: answer %v", tc.name, a)
			}
		}
	}
}

func rawQuery(t *testing.T, ctx context.Context, r *net.Resolver, name string, qtype dnsmessage.Type) (dnsmessage.Header, []dnsmessage.Resource) {
	t.Helper()
	q := dnsmessage.Message{
		Header:    dnsmessage.Header{ID: 0xbeef, RecursionDesired: true},
		Questions: []dnsmessage.Question{{Name: dnsmessage.MustNewName(name), Type: qtype, Class: dnsmessage.ClassINET}},
	}
	packed, err := q.Pack()
	if err != nil {
		t.Fatal(err)
	}
	c, err := r.Dial(ctx, "udp", "ignored:53")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(2 * time.Second))
	if _, err := c.Write(packed); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 1500)
	n, err := c.Read(buf)
	if err != nil {
		t.Fatal(err)
	}
	var m dnsmessage.Message
	if err := m.Unpack(buf[:n]); err != nil {
		t.Fatal(err)
	}
	return m.Header, m.Answers
}

func TestNTP(t *testing.T) {
	lab, now := startLab(t)
	for _, tc := range []struct {
		name   string
		offset time.Duration
	}{
		{"ok", 0},
		{"expired", 0},
		{"clock_ahead", -2 * year},
		{"clock_behind", 2 * year},
	} {
		opts, _ := lab.Options(tc.name)
		resp, err := ntp.QueryWithOptions(opts.NTPServer, ntp.QueryOptions{Timeout: 2 * time.Second, GetSystemTime: now})
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if err := resp.Validate(); err != nil {
			t.Errorf("%s: Validate: %v", tc.name, err)
		}
		if d := resp.ClockOffset - tc.offset; d < -time.Second || d > time.Second {
			t.Errorf("%s: ClockOffset %v, want %v", tc.name, resp.ClockOffset, tc.offset)
		}
		if resp.Stratum != 2 || resp.ReferenceID == 0 || resp.Leap != ntp.LeapNoWarning || resp.RootDistance > time.Second {
			t.Errorf("%s: %+v", tc.name, resp)
		}
	}
}

func TestOCSPUnknownAndMalformed(t *testing.T) {
	lab, _ := startLab(t)
	opts, _ := lab.Options("ok")
	target, _ := lab.Target("ok")
	_, port, _ := net.SplitHostPort(target)
	c, err := tls.Dial("tcp", "127.0.0.1:"+port, &tls.Config{InsecureSkipVerify: true})
	if err != nil {
		t.Fatal(err)
	}
	chain := c.ConnectionState().PeerCertificates
	c.Close()
	leaf, ica := chain[0], chain[1]
	responder := leaf.OCSPServer[0]

	post := func(body []byte) []byte {
		resp, err := opts.HTTPClient.Post(responder, "application/ocsp-request", bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return b
	}
	stranger := &x509.Certificate{SerialNumber: big.NewInt(424242)}
	req, _ := ocsp.CreateRequest(stranger, ica, nil)
	if r, err := ocsp.ParseResponseForCert(post(req), stranger, ica); err != nil || r.Status != ocsp.Unknown {
		t.Errorf("never-issued serial: %v, %v", r, err)
	}
	if got := post([]byte("not der")); !bytes.Equal(got, ocsp.MalformedRequestErrorResponse) {
		t.Errorf("garbage: %x", got)
	}
	// Asking the intermediate's responder about a certificate of the root.
	req, _ = ocsp.CreateRequest(ica, lab.Root(), nil)
	if got := post(req); !bytes.Equal(got, ocsp.UnauthorizedErrorResponse) {
		t.Errorf("wrong issuer: %x", got)
	}
	if resp, err := opts.HTTPClient.Get(strings.Replace(responder, "/ocsp/", "/nothing/", 1)); err != nil || resp.StatusCode != 404 {
		t.Errorf("unknown path: %v %v", resp, err)
	} else {
		resp.Body.Close()
	}
}

// TestCloseStopsEverything starts and closes the lab 20 times, each time
// with a connection held open on the silent gateway, and checks that no
// goroutine outlives Close.
func TestCloseStopsEverything(t *testing.T) {
	before := runtime.NumGoroutine()
	for range 20 {
		lab, err := practice.Start(practice.Config{})
		if err != nil {
			t.Fatal(err)
		}
		target, _ := lab.Target("silent")
		_, port, _ := net.SplitHostPort(target)
		held, err := net.Dial("tcp", "127.0.0.1:"+port)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := held.Write(clientHello); err != nil {
			t.Fatal(err)
		}
		if err := lab.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
		if err := lab.Close(); err != nil {
			t.Errorf("second Close: %v", err)
		}
		// The server side is gone: the held connection reads EOF.
		_ = held.SetReadDeadline(time.Now().Add(2 * time.Second))
		if _, err := held.Read(make([]byte, 1)); err != io.EOF && !errors.Is(err, syscall.ECONNRESET) {
			t.Errorf("held connection after Close: %v", err)
		}
		held.Close()
	}
	deadline := time.Now().Add(2 * time.Second)
	for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if after := runtime.NumGoroutine(); after > before {
		buf := make([]byte, 1<<20)
		t.Errorf("%d goroutines before, %d after\n%s", before, after, buf[:runtime.Stack(buf, true)])
	}
}

func TestStartTime(t *testing.T) {
	var worst time.Duration
	for range 3 {
		t0 := time.Now()
		lab, err := practice.Start(practice.Config{})
		d := time.Since(t0)
		if err != nil {
			t.Fatal(err)
		}
		lab.Close()
		worst = max(worst, d)
	}
	t.Logf("Start took at most %v", worst)
	// The brief asks for < 1 s; leave room for -race and a busy machine.
	if worst > 5*time.Second {
		t.Errorf("Start took %v", worst)
	}
}
