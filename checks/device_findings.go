package checks

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
)

// splitClientCert keeps the identity given (for judging) and returns the
// one to offer in handshakes: none when its key cannot sign for it, since
// offering it would only end the handshake with a local error.
func splitClientCert(c *tls.Certificate) (given, offer *tls.Certificate) {
	if c == nil || len(c.Certificate) == 0 {
		return nil, nil
	}
	leaf, err := x509.ParseCertificate(c.Certificate[0])
	if err != nil || keyProblem(leaf, c.PrivateKey) != "" {
		return c, nil
	}
	return c, c
}

// isClientCertTLS reports whether the TLS step's finding is about the device
// certificate: required, optional, or a refusal of it that the old-version
// retry misread as tls_version (the server accepted the same versions once a
// certificate was no longer at stake).
func isClientCertTLS(tf *Finding, hs handshakeResult) bool {
	if tf == nil {
		return false
	}
	switch tf.ID {
	case ClientCertRequired, ClientCertRequest, ClientCertRefused, ClientCertUntrust, ClientCertExpired:
		// The last two: the TLS step naming a refusal by its alert.
		return true
	case TLSVersion:
		v := tf.Evidence[EvTLSVersion]
		return hs.asked && (v == "TLS 1.2" || v == "TLS 1.3" || v == "unknown")
	}
	return false
}

// deviceFindings joins what the handshake, the login probe and the judging
// of each device identity found into the device-certificate findings, and
// fills the report's Login and DeviceCerts.
func (r *run) deviceFindings(rep *Report, li *LoginInfo, hs handshakeResult, tf *Finding, devices func() []DeviceCert) []Finding {
	if li != nil && (li.Verdict != LoginUnknown || li.Product != "" || li.CertRequested) {
		rep.Login = li // nothing learned is left out, not reported as a blank
	}
	asked := hs.asked || (li != nil && li.CertRequested)
	if !asked {
		return nil
	}
	tlsRefused := isClientCertTLS(tf, hs) && tf.ID != ClientCertRequest
	verdict := LoginUnknown
	if li != nil {
		verdict = li.Verdict
	}
	rep.DeviceCerts = devices() // judged beside the chain checks (startDevices)
	offer := r.usableClientCert()
	switch {
	case offer != nil:
		refused := tlsRefused || verdict == LoginCertRefused
		return r.offeredFindings(rep, li, hs, refused)
	case r.given != nil || tlsRefused || verdict == LoginCertRequired:
		return []Finding{r.requiredFinding(rep, li, hs, tf)}
	}
	f := clientCertFinding(handshakeResult{asked: true, acceptable: hs.acceptable})
	if li != nil && len(li.Methods) > 0 {
		f.Detail += "; the login also offers: " + joinWith(li.Methods, ", ")
	}
	return []Finding{*f}
}

// judgeAll judges the identity given and every one the platform lists.
func (r *run) judgeAll(ctx context.Context, j *deviceJudge) []DeviceCert {
	var out []DeviceCert
	if r.given != nil {
		chain := certChainDER(r.given)
		if len(chain) > 0 {
			out = append(out, j.judge(chain, DeviceGiven, keyProblem(chain[0], r.given.PrivateKey)))
		}
	}
	if r.opts.ClientIdentities != nil {
		ids, err := underDeadline(ctx, "the certificate look-up", r.opts.ClientIdentities)
		if err == nil {
			for i, c := range ids {
				if i >= 20 { // a store with hundreds of identities: judge the first few
					break
				}
				out = append(out, j.judge([]*x509.Certificate{c}, DeviceSystem, ""))
			}
		}
	}
	j.checkRevocation(out) // the device's CA asked, all at once
	pickIdentity(out)
	sortDevice(out)
	return out
}

// offeredFindings: a certificate was offered. Its own faults are failures
// when the gateway refused it (or could not be asked), warnings when the
// gateway took it anyway (other VPN clients filter such a certificate out).
func (r *run) offeredFindings(rep *Report, li *LoginInfo, hs handshakeResult, refused bool) []Finding {
	d := givenDevice(rep.DeviceCerts)
	sev := Fail
	if !refused {
		sev = Warn
	}
	var out []Finding
	if d != nil {
		for _, id := range d.Problems {
			out = append(out, deviceProblem(id, sev, d, hs))
		}
	}
	if len(out) == 0 && refused && gatewaySaysRevoked(li, hs) {
		out = append(out, revokedByGateway(d, li, hs)) // its own word, when the CA could not be asked
	}
	if len(out) == 0 && refused {
		f := newFinding(ClientCertRefused, Fail, "the gateway refused this device's certificate",
			"the certificate is valid, allowed for client authentication and issued by an accepted CA, yet the gateway refused it (revoked, not registered for this user, or a policy on the gateway)", -1)
		if d != nil {
			deviceEvidence(&f, d)
			f.Detail += revocationAside(d)
		}
		f.Evidence[EvAcceptedCAs] = acceptedList(hs.acceptable)
		f.Evidence[EvGatewayAnswer] = gatewayAnswer(li, hs)
		f.Detail += "; the gateway said: " + f.Evidence[EvGatewayAnswer]
		out = append(out, f)
	}
	return out
}

// requiredFinding: no certificate could be offered and the gateway demands
// one. The device's own certificates say why none was offered.
func (r *run) requiredFinding(rep *Report, li *LoginInfo, hs handshakeResult, tf *Finding) Finding {
	if d := givenDevice(rep.DeviceCerts); d != nil && len(d.Problems) > 0 {
		return deviceProblem(d.Problems[0], Fail, d, hs)
	}
	cas := acceptedList(hs.acceptable)
	f := newFinding(ClientCertRequired, Fail, "the gateway requires a certificate from this device",
		fmt.Sprintf("the gateway refused the login without a client certificate; it accepts certificates from: %s", cas), -1)
	if tf != nil && tf.ID == ClientCertRequired {
		f = *tf
	}
	f.Evidence[EvAcceptedCAs] = cas
	if a := gatewayAnswer(li, hs); a != "" {
		f.Evidence[EvGatewayAnswer] = a
		f.Detail += "; the gateway said: " + a
	}
	for _, d := range rep.DeviceCerts {
		if d.WouldUse {
			f.Detail += fmt.Sprintf("; this device has a usable certificate (%q, from %q): the VPN client must be set to use it", d.Subject, d.Issuer)
			return f
		}
	}
	// No usable one: explain the closest, preferring one from an accepted CA.
	for _, d := range rep.DeviceCerts {
		if len(d.Problems) > 0 && !hasProblem(d.Problems, ClientCertUntrust) {
			return deviceProblem(d.Problems[0], Fail, &d, hs)
		}
	}
	// Then the first, from a CA the gateway does not accept (an identity
	// with no problem and not picked has nothing to explain).
	if len(rep.DeviceCerts) > 0 && len(rep.DeviceCerts[0].Problems) > 0 {
		d := rep.DeviceCerts[0]
		return deviceProblem(d.Problems[0], Fail, &d, hs)
	}
	return f
}

var deviceTitles = map[ID]string{
	ClientCertNoKey:   "this device's certificate has no usable private key",
	ClientCertExpired: "this device's certificate has expired",
	ClientCertNotYet:  "this device's certificate is not valid yet",
	ClientCertUntrust: "this device's certificate is not one the gateway accepts",
	ClientCertChain:   "this device's certificate is sent without its intermediate CA",
	ClientCertUsage:   "this device's certificate is not made for logging in",
	ClientCertRevoked: "this device's certificate has been revoked by its CA",
}

// deviceProblem is the finding for one fault of one device certificate.
func deviceProblem(id ID, sev Severity, d *DeviceCert, hs handshakeResult) Finding {
	f := newFinding(id, sev, deviceTitles[id], fmt.Sprintf("device certificate %q (issued by %q): %s", d.Subject, d.Issuer, d.Note), -1)
	deviceEvidence(&f, d)
	f.Evidence[EvAcceptedCAs] = acceptedList(hs.acceptable)
	switch id {
	case ClientCertChain:
		f.Evidence[EvMissingCA] = d.MissingCA
	case ClientCertUsage:
		f.Evidence[EvUsage] = usageList(d.cert)
	case ClientCertRevoked:
		revocationEvidence(&f, d, sev)
	}
	if sev == Warn && id != ClientCertRevoked {
		f.Detail += "; the gateway accepted it this time, but VPN clients that filter certificates will not offer it"
	}
	return f
}

func deviceEvidence(f *Finding, d *DeviceCert) {
	if d.cert != nil {
		certEvidence(f, d.cert, "leaf")
		return
	}
	f.Evidence[EvSubject] = d.Subject
	f.Evidence[EvIssuer] = d.Issuer
}

func givenDevice(ds []DeviceCert) *DeviceCert {
	for i := range ds {
		if ds[i].Source == DeviceGiven {
			return &ds[i]
		}
	}
	return nil
}

func acceptedList(names []string) string {
	if len(names) == 0 {
		return "(any)"
	}
	return joinNames(names)
}

func gatewayAnswer(li *LoginInfo, hs handshakeResult) string {
	if li != nil && li.Answer != "" {
		return li.Answer
	}
	if hs.err != nil {
		return tlsRefusalWords(hs.err)
	}
	return ""
}

func hasProblem(ids []ID, id ID) bool {
	for _, x := range ids {
		if x == id {
			return true
		}
	}
	return false
}
