package platform

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"strings"

	"github.com/vpndoctor/vpndoctor/internal/lazyre"
)

// NSSTrust is the trust attributes certutil shows for a certificate
// ("CT,C,C"): SSL, S/MIME and code signing, each a set of letters.
type NSSTrust string

// SSL returns the letters that apply to TLS.
func (t NSSTrust) SSL() string {
	ssl, _, _ := strings.Cut(string(t), ",")
	return ssl
}

// TrustedCA says whether the certificate is a trusted issuer for TLS
// servers (C) or clients (T).
func (t NSSTrust) TrustedCA() bool { return strings.ContainsAny(t.SSL(), "CT") }

// HasKey says whether NSS holds the private key (u): a client identity.
func (t NSSTrust) HasKey() bool { return strings.Contains(string(t), "u") }

// Distrusted says whether TLS trust was explicitly taken away: NSS shows
// "p" (valid peer, not a CA) for a distrusted certificate.
func (t NSSTrust) Distrusted() bool {
	s := t.SSL()
	return strings.Contains(s, "p") && !strings.ContainsAny(s, "cCTP")
}

// NSSEntry is one certificate of an NSS database.
type NSSEntry struct {
	Nickname string
	Trust    NSSTrust
	Cert     *x509.Certificate
}

var nssTrustShape = lazyre.New(`^[pPcCTuwskvgi]*,[pPcCTuwskvgi]*,[pPcCTuwskvgi]*$`)

// ParseCertutilList reads `certutil -L -d sql:DIR`: a header, then one
// line per certificate, the nickname padded to a column and the trust
// attributes last. Lines that do not end in trust attributes are skipped.
func ParseCertutilList(out string) []NSSEntry {
	var list []NSSEntry
	for _, line := range strings.Split(cleanToolText(out), "\n") {
		line = strings.TrimRight(line, " \t")
		i := strings.LastIndexAny(line, " \t")
		if i < 0 {
			continue
		}
		trust, nick := line[i+1:], strings.TrimSpace(line[:i])
		if nick == "" || !nssTrustShape.MatchString(trust) {
			continue
		}
		list = append(list, NSSEntry{Nickname: nick, Trust: NSSTrust(trust)})
	}
	return list
}

// maxNSSEntries bounds the certutil calls of one Load.
const maxNSSEntries = 200

// loadNSS reads an NSS database through certutil: the list, then each
// certificate by nickname, one process each, until ctx ends.
func loadNSS(ctx context.Context, dir string) ([]NSSEntry, error) {
	db := "sql:" + dir
	out, err := runTool(ctx, "certutil", "-L", "-d", db)
	if err != nil {
		return nil, fmt.Errorf("nss database %s: %w", dir, err)
	}
	list := ParseCertutilList(string(out))
	if len(list) > maxNSSEntries {
		list = list[:maxNSSEntries]
	}
	var entries []NSSEntry
	var errs []error
	for _, e := range list {
		if ctx.Err() != nil {
			errs = append(errs, fmt.Errorf("nss database %s: stopped after %d of %d certificates: %w", dir, len(entries), len(list), ctx.Err()))
			break
		}
		pemOut, err := runTool(ctx, "certutil", "-L", "-d", db, "-n", e.Nickname, "-a")
		if err != nil {
			errs = append(errs, fmt.Errorf("nss database %s: %q: %w", dir, e.Nickname, err))
			continue
		}
		certs, _ := ParsePEMCertificates(pemOut)
		for _, c := range certs {
			entries = append(entries, NSSEntry{Nickname: e.Nickname, Trust: e.Trust, Cert: c})
		}
	}
	return entries, errors.Join(errs...)
}
