package checks

import (
	"context"
	"crypto/x509"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/vpndoctor/vpndoctor/internal/crash"
)

// Device-certificate revocation. A company revokes a device's certificate
// when the laptop is lost or re-imaged; a gateway that checks (Cisco ASA/FTD
// with CRL or OCSP checking, FortiGate, ocserv with a crl file) then refuses
// the login, and the user sees only "certificate verification failed". The
// device certificate's own OCSP responder and CRL are asked here, with the
// code and the fetch policy that ask for the gateway's chain (revocation.go,
// crl.go, fetchpolicy.go).
//
// Asked: every identity judged whose dates hold and whose issuer the gateway
// accepts (an expired or foreign certificate is refused for that already),
// and whose issuing CA is known: sent with it, in this computer's store, or
// at its AIA address. Up to maxRevocationURLs OCSP and CRL addresses each,
// all at once, beside the gateway's chain checks, under the diagnosis'
// deadline. Nothing is asked when no device certificate is involved.
//
// When it cannot be checked (the addresses are internal and the fetch policy
// refuses them, the responder does not answer, the issuer is unknown) the
// state is "unknown" with the reason, in the device list and the JSON, and
// the refused addresses are in RefusedFetches. No finding is made and the
// login is not judged by it: a device certificate's CRL and OCSP responder
// usually sit on the company network, which the gateway reaches and this
// device, outside the VPN, does not, so a warning would stand on nearly
// every company device and say nothing.

// DeviceRevocation is what the device certificate's CA says about it.
type DeviceRevocation struct {
	State string `json:"state"` // DeviceRevGood, DeviceRevRevoked or DeviceRevUnknown
	// Source and URL say where the answer was read: "ocsp" or "crl", and
	// the responder's or the CRL's address.
	Source    string    `json:"source,omitempty"`
	URL       string    `json:"url,omitempty"`
	RevokedAt time.Time `json:"revoked_at,omitzero"`
	Reason    string    `json:"reason,omitempty"` // "key compromise", "superseded", ...
	// Note says, in the engine's English, why it could not be checked.
	Note string `json:"note,omitempty"`
}

// Device revocation states.
const (
	DeviceRevGood    = "good"
	DeviceRevRevoked = "revoked"
	DeviceRevUnknown = "unknown"
)

// startDevices judges this device's identities, revocation included. When
// the handshake asked for a certificate, or one was given, it starts now,
// beside the chain checks; otherwise only when the login step asks for one
// (the returned function is then the first to call it). The function waits
// for the judging and may be called more than once.
func (r *run) startDevices(ctx context.Context, hs handshakeResult, pool *trustPool, clock ClockInfo) func() []DeviceCert {
	now := clock.Local
	if clock.Known {
		now = clock.True
	}
	j := &deviceJudge{r: r, ctx: ctx, acceptable: hs.acceptable, now: now, pool: pool}
	judge := func() []DeviceCert {
		t0 := time.Now()
		defer func() { r.addTiming("device_certificates", time.Since(t0)) }()
		return r.judgeAll(ctx, j)
	}
	if !hs.asked && r.given == nil {
		return sync.OnceValue(judge)
	}
	ch := make(chan []DeviceCert, 1)
	go func() {
		defer close(ch) // after a recovered panic too: the waiter gets none
		defer crash.Guard()
		ch <- judge()
	}()
	return sync.OnceValue(func() []DeviceCert { return <-ch })
}

// checkRevocation asks, at once, the CA of every identity worth asking
// about, and adds client_cert_revoked to those it revoked.
func (j *deviceJudge) checkRevocation(ds []DeviceCert) {
	var wg sync.WaitGroup
	for i := range ds {
		if !worthAsking(&ds[i]) {
			continue
		}
		wg.Add(1)
		go func(d *DeviceCert) {
			defer wg.Done()
			defer crash.Guard()
			d.Revocation = j.revocation(d.chain)
			if d.Revocation == nil || d.Revocation.State != DeviceRevRevoked {
				return
			}
			if len(d.Problems) == 0 {
				d.Note = revokedWords(d.Revocation)
			} else {
				d.Note += "; " + revokedWords(d.Revocation)
			}
			d.Problems = append(d.Problems, ClientCertRevoked)
			// In precedence order: the first problem is the one explained.
			slices.SortStableFunc(d.Problems, func(a, b ID) int { return rank(a) - rank(b) })
		}(&ds[i])
	}
	wg.Wait()
}

// worthAsking: a certificate refused for its dates or its issuer already
// is not asked about (a CA drops expired certificates from its CRL anyway).
func worthAsking(d *DeviceCert) bool {
	if len(d.chain) == 0 {
		return false
	}
	for _, p := range d.Problems {
		if p == ClientCertExpired || p == ClientCertNotYet || p == ClientCertUntrust {
			return false
		}
	}
	return true
}

// revocation asks the OCSP responders and CRLs the certificate names, all
// at once. Nil when it names none: then only the gateway's own list (an
// ocserv crl file, a CRL loaded by hand) can say.
func (j *deviceJudge) revocation(chain []*x509.Certificate) *DeviceRevocation {
	c := chain[0]
	j.r.refuseExtra(c.OCSPServer) // what is not fetched is evidence (issue 16)
	j.r.refuseExtra(c.CRLDistributionPoints)
	ocspURLs := firstN(httpURLs(c.OCSPServer), maxRevocationURLs)
	crlURLs := firstN(httpURLs(c.CRLDistributionPoints), maxRevocationURLs)
	if len(ocspURLs)+len(crlURLs) == 0 {
		named := append(append([]string(nil), c.OCSPServer...), c.CRLDistributionPoints...)
		if len(named) == 0 {
			return nil
		}
		return &DeviceRevocation{State: DeviceRevUnknown, Note: "it names its OCSP responder and CRL only at addresses that are not fetched: " + strings.Join(named, ", ")}
	}
	issuer := j.issuerOf(chain)
	if issuer == nil {
		return &DeviceRevocation{State: DeviceRevUnknown,
			Note: fmt.Sprintf("the certificate of its issuing CA %q is not on this computer, so its CA's answer could not be verified", displayName(c.Issuer))}
	}
	answers := make([]revocationAnswer, len(ocspURLs)+len(crlURLs))
	var wg sync.WaitGroup
	ask := func(k int, f func() revocationAnswer) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer crash.Guard()
			answers[k] = f()
		}()
	}
	for k, u := range ocspURLs {
		ask(k, func() revocationAnswer { return j.r.askOCSP(j.ctx, c, issuer, u, j.now, 0) })
	}
	for k, u := range crlURLs {
		ask(len(ocspURLs)+k, func() revocationAnswer { return j.r.askCRL(j.ctx, c, issuer, u, j.now, 0) })
	}
	wg.Wait()
	return deviceVerdict(answers)
}

// deviceVerdict: one source saying revoked is enough (a gateway that asks
// that source refuses); else one good answer; else what went wrong.
func deviceVerdict(as []revocationAnswer) *DeviceRevocation {
	var good *revocationAnswer
	var errs []string
	for i := range as {
		a := &as[i]
		switch {
		case a.source == "": // its goroutine ended without an answer
		case a.err != nil:
			errs = append(errs, fmt.Sprintf("%s: %v", sourceAt(a.source, a.url), a.err))
		case a.revoked:
			return &DeviceRevocation{State: DeviceRevRevoked, Source: a.source, URL: a.url,
				RevokedAt: a.revokedAt.UTC(), Reason: reasonName(a.reason)}
		case good == nil:
			good = a
		}
	}
	if good != nil {
		return &DeviceRevocation{State: DeviceRevGood, Source: good.source, URL: good.url}
	}
	if len(errs) == 0 {
		errs = append(errs, "no answer")
	}
	return &DeviceRevocation{State: DeviceRevUnknown, Note: strings.Join(errs, "; ")}
}

// issuerOf finds the certificate that issued chain[0]: among the ones
// given with it, this computer's roots and intermediates, then at its AIA
// address (through the fetch policy).
func (j *deviceJudge) issuerOf(chain []*x509.Certificate) *x509.Certificate {
	c := chain[0]
	used := map[string]bool{string(c.Raw): true}
	if x := issuerAmong(c, chain[1:], used); x != nil {
		return x
	}
	if j.pool != nil {
		for _, sc := range j.pool.roots {
			if sc.Cert != nil && signedBy(c, sc.Cert) {
				return sc.Cert
			}
		}
		for _, lr := range j.pool.lazy.named(c.RawIssuer) {
			if sc := lr.parse(); sc != nil && sc.Cert != nil && signedBy(c, sc.Cert) {
				return sc.Cert
			}
		}
	}
	return j.elsewhere(c, used)
}

func revokedWords(rv *DeviceRevocation) string {
	return fmt.Sprintf("revoked on %s (reason: %s), according to %s", rv.RevokedAt.Format("2006-01-02"), rv.Reason, sourceAt(rv.Source, rv.URL))
}

// revocationEvidence fills a client_cert_revoked finding: what IT needs to
// look the certificate up (serial, issuing CA) and where the word came from.
func revocationEvidence(f *Finding, d *DeviceCert, sev Severity) {
	rv := d.Revocation
	if rv == nil {
		return
	}
	if d.cert != nil {
		f.Evidence[EvSerial] = hex.EncodeToString(d.cert.SerialNumber.Bytes())
	}
	f.Evidence[EvRevokedAt] = rv.RevokedAt.Format(time.RFC3339)
	f.Evidence[EvRevReason] = rv.Reason
	f.Evidence[EvRevSource] = rv.Source
	f.Evidence[EvURL] = rv.URL
	if sev == Warn {
		f.Detail += "; the gateway accepted it this time (it does not check revocation now), but one that checks refuses it"
	}
}

// revocationAside is what the refusal of a certificate that looks valid
// can add: whether its CA was asked, and what it said.
func revocationAside(d *DeviceCert) string {
	switch rv := d.Revocation; {
	case rv == nil:
		return ""
	case rv.State == DeviceRevGood:
		return "; its CA says it is not revoked (" + sourceAt(rv.Source, rv.URL) + ")"
	case rv.State == DeviceRevUnknown:
		return "; whether it is revoked could not be checked: " + rv.Note
	}
	return ""
}

// alertRevoked is TLS's certificate_revoked alert (RFC 5246 7.2.2).
const alertRevoked = 44

// gatewaySaysRevoked: the gateway refused the device certificate with the
// certificate_revoked alert, in the handshake or on the login request.
func gatewaySaysRevoked(li *LoginInfo, hs handshakeResult) bool {
	return hs.alert == alertRevoked || (li != nil && li.alert == alertRevoked)
}

// revokedByGateway is client_cert_revoked on the gateway's word alone: the
// certificate looks valid from here and its CA could not be asked (its
// responder is internal) or says otherwise, but the gateway's CRL lists it.
func revokedByGateway(d *DeviceCert, li *LoginInfo, hs handshakeResult) Finding {
	f := newFinding(ClientCertRevoked, Fail, "the gateway refused this device's certificate as revoked",
		"the gateway answered the device certificate with the TLS alert "+alertName(alertRevoked), -1)
	f.Evidence[EvTLSAlert] = alertName(alertRevoked)
	f.Evidence[EvAcceptedCAs] = acceptedList(hs.acceptable)
	if a := gatewayAnswer(li, hs); a != "" {
		f.Evidence[EvGatewayAnswer] = a
	}
	if d == nil {
		return f
	}
	f.Detail = fmt.Sprintf("device certificate %q (issued by %q): %s", d.Subject, d.Issuer, f.Detail) + revocationAside(d)
	deviceEvidence(&f, d)
	if d.cert != nil {
		f.Evidence[EvSerial] = hex.EncodeToString(d.cert.SerialNumber.Bytes())
	}
	return f
}
