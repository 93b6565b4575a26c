package checks

import (
	"bytes"
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"golang.org/x/crypto/ocsp"

	"github.com/vpndoctor/vpndoctor/internal/crash"
)

// revocationAnswer is what one source (stapled OCSP, OCSP, CRL) said about
// one certificate.
type revocationAnswer struct {
	cert      int
	source    string
	url       string
	revoked   bool
	revokedAt time.Time
	reason    int
	err       error
	when      time.Time // when the source made its answer
}

// maxClockSlack is how far an OCSP or CRL answer may be from the future, as
// responders' clocks drift too.
const maxClockSlack = 5 * time.Minute

const (
	// maxRevocationURLs bounds how many OCSP addresses and how many CRL
	// distribution points are tried per certificate.
	maxRevocationURLs = 3
	// maxOCSPAge is how old an OCSP answer without nextUpdate may be
	// (the CA/Browser Forum's limit on an answer's validity is 10 days).
	maxOCSPAge = 10 * 24 * time.Hour
)

// checkRevocation asks every OCSP responder and CRL the chain names (up to
// maxRevocationURLs of each), concurrently, and returns revoked /
// revocation_unknown findings.
func (r *run) checkRevocation(ctx context.Context, links []link, stapled []byte, now time.Time) []Finding {
	var (
		mu      sync.Mutex
		answers []revocationAnswer
		wg      sync.WaitGroup
	)
	add := func(a revocationAnswer) {
		mu.Lock()
		answers = append(answers, a)
		mu.Unlock()
	}
	asked := map[int]bool{}
	for i := 0; i+1 < len(links); i++ {
		cert, issuer := links[i].cert, links[i+1].cert
		// What is not asked (ldap://, beyond the first few) is evidence
		// (issue 16), as for AIA and the device certificate.
		r.refuseExtra(cert.OCSPServer)
		r.refuseExtra(cert.CRLDistributionPoints)
		if i == 0 && len(stapled) > 0 {
			asked[i] = true
			add(judgeOCSP(stapled, cert, issuer, now, i, "stapled", ""))
		}
		for _, u := range firstN(httpURLs(cert.OCSPServer), maxRevocationURLs) {
			asked[i] = true
			wg.Add(1)
			go func(i int, u string) {
				defer crash.Guard()
				defer wg.Done()
				add(r.askOCSP(ctx, cert, issuer, u, now, i))
			}(i, u)
		}
		for _, u := range firstN(httpURLs(cert.CRLDistributionPoints), maxRevocationURLs) {
			asked[i] = true
			wg.Add(1)
			go func(i int, u string) {
				defer crash.Guard()
				defer wg.Done()
				add(r.askCRL(ctx, cert, issuer, u, now, i))
			}(i, u)
		}
	}
	wg.Wait()
	return judgeRevocation(links, answers, asked)
}

func firstN(s []string, n int) []string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

func judgeRevocation(links []link, answers []revocationAnswer, asked map[int]bool) []Finding {
	var out []Finding
	answered := map[int]bool{}
	var failures = map[int][]revocationAnswer{}
	reported := map[int]bool{}
	for _, a := range answers {
		switch {
		case a.err != nil:
			failures[a.cert] = append(failures[a.cert], a)
		case a.revoked:
			answered[a.cert] = true
			if reported[a.cert] {
				continue
			}
			reported[a.cert] = true
			c := links[a.cert].cert
			r := role(a.cert, len(links), c)
			f := newFinding(Revoked, Fail, fmt.Sprintf("the %s certificate has been revoked", r),
				fmt.Sprintf("%s at %s says %q was revoked on %s (reason: %s)", a.source, a.url, displayName(c.Subject), a.revokedAt.UTC().Format(time.RFC3339), reasonName(a.reason)), a.cert)
			certEvidence(&f, c, r)
			f.Evidence[EvRevokedAt] = a.revokedAt.UTC().Format(time.RFC3339)
			f.Evidence[EvRevSource] = a.source
			f.Evidence[EvURL] = a.url
			out = append(out, f)
		default:
			answered[a.cert] = true
		}
	}
	for i := range links {
		if !asked[i] || answered[i] {
			continue
		}
		c := links[i].cert
		r := role(i, len(links), c)
		fs := failures[i]
		f := newFinding(RevocationUnknown, Warn, fmt.Sprintf("whether the %s certificate is revoked could not be checked", r), "", i)
		certEvidence(&f, c, r)
		for _, a := range fs {
			if f.Detail != "" {
				f.Detail += "; "
			}
			f.Detail += fmt.Sprintf("%s: %v", sourceAt(a.source, a.url), a.err)
		}
		if len(fs) > 0 {
			f.Evidence[EvURL] = fs[0].url
			f.Evidence[EvRevSource] = fs[0].source
			f.Evidence[EvError] = fs[0].err.Error()
		}
		out = append(out, f)
	}
	return out
}

func (r *run) askOCSP(ctx context.Context, cert, issuer *x509.Certificate, u string, now time.Time, i int) revocationAnswer {
	req, err := ocsp.CreateRequest(cert, issuer, &ocsp.RequestOptions{})
	if err != nil {
		return revocationAnswer{cert: i, source: "ocsp", url: u, err: fmt.Errorf("build OCSP request: %w", err)}
	}
	data, err := r.fetch(ctx, "POST", u, "application/ocsp-request", req, maxCertDownload)
	if err != nil {
		return revocationAnswer{cert: i, source: "ocsp", url: u, err: err}
	}
	return judgeOCSP(data, cert, issuer, now, i, "ocsp", u)
}

// judgeOCSP checks the answer by RFC 6960: signed by the issuer itself or
// by a delegate the issuer certified for OCSP signing (4.2.2.2), fresh at
// the true time, then reads the status. Anything that fails is an error,
// never "revoked": a forged answer must not condemn (or clear) a gateway.
func judgeOCSP(data []byte, cert, issuer *x509.Certificate, now time.Time, i int, source, u string) revocationAnswer {
	a := revocationAnswer{cert: i, source: source, url: u}
	// No issuer here: the library would check an embedded certificate's
	// signature against it and so refuse a CA that embeds itself.
	// responderAuthorised does these checks instead.
	resp, err := ocsp.ParseResponseForCert(data, cert, nil)
	if err != nil {
		var re ocsp.ResponseError
		if errors.As(err, &re) {
			a.err = fmt.Errorf("the responder refused: %s", re.Status)
		} else {
			a.err = fmt.Errorf("unreadable or wrongly signed OCSP answer: %w", err)
		}
		return a
	}
	if err := responderAuthorised(resp, issuer, now); err != nil {
		a.err = err
		return a
	}
	if err := ocspFresh(resp, now); err != nil {
		a.err = err
		return a
	}
	switch resp.Status {
	case ocsp.Good:
	case ocsp.Revoked:
		a.revoked, a.revokedAt, a.reason = true, resp.RevokedAt, resp.RevocationReason
	default:
		a.err = errors.New("the responder does not know this certificate")
	}
	a.when = resp.ThisUpdate
	return a
}

// responderAuthorised checks who signed resp. With no embedded certificate,
// or the issuer's own, the issuer's key must verify it; otherwise the
// embedded certificate (whose key the library already checked the answer
// against) must be issued by the issuer, carry id-kp-OCSPSigning and be
// valid at now (a zero now skips the dates).
func responderAuthorised(resp *ocsp.Response, issuer *x509.Certificate, now time.Time) error {
	rc := resp.Certificate
	if rc == nil || bytes.Equal(rc.RawSubjectPublicKeyInfo, issuer.RawSubjectPublicKeyInfo) {
		if err := resp.CheckSignatureFrom(issuer); err != nil {
			return fmt.Errorf("the OCSP answer is not signed by %q: %w", displayName(issuer.Subject), err)
		}
		return nil
	}
	if !bytes.Equal(rc.RawIssuer, issuer.RawSubject) {
		return fmt.Errorf("the OCSP answer is signed by %q, which %q did not issue", displayName(rc.Subject), displayName(issuer.Subject))
	}
	if err := issuer.CheckSignature(rc.SignatureAlgorithm, rc.RawTBSCertificate, rc.Signature); err != nil {
		return fmt.Errorf("the OCSP responder certificate %q is not signed by %q: %w", displayName(rc.Subject), displayName(issuer.Subject), err)
	}
	if !slices.Contains(rc.ExtKeyUsage, x509.ExtKeyUsageOCSPSigning) {
		return fmt.Errorf("the OCSP answer is signed by %q, which %q did not delegate OCSP signing to (no id-kp-OCSPSigning)", displayName(rc.Subject), displayName(issuer.Subject))
	}
	if !now.IsZero() && (now.Before(rc.NotBefore) || now.After(rc.NotAfter)) {
		return fmt.Errorf("the OCSP responder certificate %q is not valid at %s (valid %s to %s)", displayName(rc.Subject),
			now.UTC().Format(time.RFC3339), rc.NotBefore.UTC().Format(time.RFC3339), rc.NotAfter.UTC().Format(time.RFC3339))
	}
	return nil
}

// ocspFresh refuses an answer from the future, past its nextUpdate, or,
// without nextUpdate, older than maxOCSPAge.
func ocspFresh(resp *ocsp.Response, now time.Time) error {
	if resp.ThisUpdate.After(now.Add(maxClockSlack)) {
		return fmt.Errorf("the OCSP answer is dated in the future (%s)", resp.ThisUpdate.UTC().Format(time.RFC3339))
	}
	if !resp.NextUpdate.IsZero() && now.After(resp.NextUpdate) {
		return fmt.Errorf("the OCSP answer is stale (next update was due %s)", resp.NextUpdate.UTC().Format(time.RFC3339))
	}
	if resp.NextUpdate.IsZero() && now.Sub(resp.ThisUpdate) > maxOCSPAge {
		return fmt.Errorf("the OCSP answer is stale (made %s, with no next update, and older than %d days)", resp.ThisUpdate.UTC().Format(time.RFC3339), int(maxOCSPAge.Hours()/24))
	}
	return nil
}

// askCRL reads the CRL at u (and the delta CRLs it points to) and looks
// cert up, without building the list.
func (r *run) askCRL(ctx context.Context, cert, issuer *x509.Certificate, u string, now time.Time, i int) revocationAnswer {
	a := revocationAnswer{cert: i, source: "crl", url: u}
	base, err := r.readCRL(ctx, u, cert, issuer, now, false)
	if err != nil {
		a.err = err
		return a
	}
	a.when = base.thisUpdate
	e, err := base.lookup(ctx, cert.SerialNumber)
	if err != nil {
		a.err = err
		return a
	}
	if len(base.freshest) > 0 {
		// A newer revocation, or the lifting of a hold, is only in the delta.
		d, err := r.readDelta(ctx, base, cert, issuer, now)
		if err != nil {
			if !e.found || e.reason == crlReasonHold {
				a.err = err
				return a
			}
		} else if e, err = mergeDelta(ctx, e, d, cert); err != nil {
			a.err = err
			return a
		}
	}
	if e.found && e.reason != crlReasonRemove {
		a.revoked, a.revokedAt, a.reason = true, e.when, e.reason
	}
	return a
}

// crlReasonHold is certificateHold, the one revocation a delta may lift.
const crlReasonHold = 6

func (r *run) readCRL(ctx context.Context, u string, cert, issuer *x509.Certificate, now time.Time, delta bool) (*crlDoc, error) {
	data, err := r.fetch(ctx, "GET", u, "", nil, maxCRLDownload)
	if err != nil {
		return nil, err
	}
	d, err := parseCRL(data)
	if err != nil {
		return nil, fmt.Errorf("unreadable CRL: %w", err)
	}
	if err := judgeCRL(d, cert, issuer, u, now, delta); err != nil {
		return nil, err
	}
	return d, nil
}

// readDelta reads the first delta CRL (of up to maxRevocationURLs) that
// belongs to base.
func (r *run) readDelta(ctx context.Context, base *crlDoc, cert, issuer *x509.Certificate, now time.Time) (*crlDoc, error) {
	var errs []error
	for _, u := range firstN(httpURLs(base.freshest), maxRevocationURLs) {
		d, err := r.readCRL(ctx, u, cert, issuer, now, true)
		if err == nil && base.number != nil && d.deltaBase.Cmp(base.number) > 0 {
			err = fmt.Errorf("the delta CRL at %s needs base CRL number %s, newer than the full CRL's %s", u, d.deltaBase, base.number)
		}
		if err == nil {
			return d, nil
		}
		errs = append(errs, fmt.Errorf("delta CRL %s: %w", u, err))
	}
	if len(errs) == 0 {
		return nil, errors.New("the CRL names a delta CRL at no http address")
	}
	return nil, errors.Join(errs...)
}

// mergeDelta applies a delta CRL's word on cert over the base's.
func mergeDelta(ctx context.Context, e crlEntry, d *crlDoc, cert *x509.Certificate) (crlEntry, error) {
	de, err := d.lookup(ctx, cert.SerialNumber)
	if err != nil || !de.found {
		return e, err
	}
	return de, nil // removeFromCRL included: askCRL reads it as "not revoked"
}

func reasonName(code int) string {
	names := []string{"unspecified", "key compromise", "CA compromise", "affiliation changed",
		"superseded", "cessation of operation", "certificate hold", "", "remove from CRL",
		"privilege withdrawn", "AA compromise"}
	if code >= 0 && code < len(names) && names[code] != "" {
		return names[code]
	}
	return fmt.Sprintf("code %d", code)
}
