package checks

import (
	"context"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"sync"
	"time"

	"golang.org/x/crypto/ocsp"
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
}

// maxClockSlack is how far an OCSP or CRL answer may be from the future, as
// responders' clocks drift too.
const maxClockSlack = 5 * time.Minute

// checkRevocation asks every OCSP responder and CRL the chain names,
// concurrently, and returns revoked / revocation_unknown findings.
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
		if i == 0 && len(stapled) > 0 {
			asked[i] = true
			add(judgeOCSP(stapled, cert, issuer, now, i, "stapled", ""))
		}
		for _, u := range httpURLs(cert.OCSPServer) {
			asked[i] = true
			wg.Add(1)
			go func(i int, u string) {
				defer wg.Done()
				add(r.askOCSP(ctx, cert, issuer, u, now, i))
			}(i, u)
			break // the first responder is the one clients use
		}
		for _, u := range httpURLs(cert.CRLDistributionPoints) {
			asked[i] = true
			wg.Add(1)
			go func(i int, u string) {
				defer wg.Done()
				add(r.askCRL(ctx, cert, issuer, u, now, i))
			}(i, u)
			break
		}
	}
	wg.Wait()
	return judgeRevocation(links, answers, asked)
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

// judgeOCSP checks the responder's signature (by the issuer or a delegate
// it certified) and freshness, then reads the status.
func judgeOCSP(data []byte, cert, issuer *x509.Certificate, now time.Time, i int, source, u string) revocationAnswer {
	a := revocationAnswer{cert: i, source: source, url: u}
	resp, err := ocsp.ParseResponseForCert(data, cert, issuer)
	if err != nil {
		var re ocsp.ResponseError
		if errors.As(err, &re) {
			a.err = fmt.Errorf("the responder refused: %s", re.Status)
		} else {
			a.err = fmt.Errorf("unreadable or wrongly signed OCSP answer: %w", err)
		}
		return a
	}
	if resp.ThisUpdate.After(now.Add(maxClockSlack)) {
		a.err = fmt.Errorf("the OCSP answer is dated in the future (%s)", resp.ThisUpdate.UTC().Format(time.RFC3339))
		return a
	}
	if !resp.NextUpdate.IsZero() && now.After(resp.NextUpdate) {
		a.err = fmt.Errorf("the OCSP answer is stale (next update was due %s)", resp.NextUpdate.UTC().Format(time.RFC3339))
		return a
	}
	switch resp.Status {
	case ocsp.Good:
	case ocsp.Revoked:
		a.revoked, a.revokedAt, a.reason = true, resp.RevokedAt, resp.RevocationReason
	default:
		a.err = errors.New("the responder does not know this certificate")
	}
	return a
}

func (r *run) askCRL(ctx context.Context, cert, issuer *x509.Certificate, u string, now time.Time, i int) revocationAnswer {
	a := revocationAnswer{cert: i, source: "crl", url: u}
	data, err := r.fetch(ctx, "GET", u, "", nil, maxCRLDownload)
	if err != nil {
		a.err = err
		return a
	}
	if b, _ := pem.Decode(data); b != nil {
		data = b.Bytes
	}
	crl, err := x509.ParseRevocationList(data)
	if err != nil {
		a.err = fmt.Errorf("unreadable CRL: %w", err)
		return a
	}
	if err := crl.CheckSignatureFrom(issuer); err != nil {
		a.err = fmt.Errorf("the CRL is not signed by %q: %w", displayName(issuer.Subject), err)
		return a
	}
	if !crl.NextUpdate.IsZero() && now.After(crl.NextUpdate) {
		a.err = fmt.Errorf("the CRL is stale (next update was due %s)", crl.NextUpdate.UTC().Format(time.RFC3339))
		return a
	}
	for _, e := range crl.RevokedCertificateEntries {
		if e.SerialNumber != nil && e.SerialNumber.Cmp(cert.SerialNumber) == 0 {
			a.revoked, a.revokedAt, a.reason = true, e.RevocationTime, e.ReasonCode
			return a
		}
	}
	return a
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
