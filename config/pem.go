package config

import (
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"strings"

	"github.com/vpndoctor/vpndoctor/internal/lazyre"
)

// roots reads "extra_roots_pem": one text or a list of texts, each holding
// one or more PEM certificates ("-----BEGIN CERTIFICATE-----" ...). JSON
// text cannot span lines, so the line breaks are written as \n; a PEM
// pasted onto one line, with spaces where the line breaks were, is read
// too.
func (r *reader) roots(n *node, name string) []*x509.Certificate {
	var out []*x509.Certificate
	for i, it := range r.list(n, name, `["-----BEGIN CERTIFICATE-----\nMIIB...\n-----END CERTIFICATE-----\n"]`) {
		certs, msg := parsePEMCerts(it.str)
		if msg != "" {
			r.problemAt(it.off, fmt.Sprintf("%s %s", itemName(n, name, i), msg))
			continue
		}
		out = append(out, certs...)
	}
	return out
}

// oneLinePEM is a PEM block whose line breaks became spaces.
var oneLinePEM = lazyre.New(`-----BEGIN ([A-Z0-9 ]+)-----([A-Za-z0-9+/=\s]*)-----END ([A-Z0-9 ]+)-----`)

func parsePEMCerts(s string) ([]*x509.Certificate, string) {
	if strings.TrimSpace(s) == "" {
		return nil, "is empty"
	}
	// Base64 has no backslash: a "\n" left as two characters (escaped
	// twice over) can only have meant a line break.
	text := strings.ReplaceAll(s, `\n`, "\n")
	text = oneLinePEM.ReplaceAllStringFunc(text, func(m string) string {
		p := oneLinePEM.FindStringSubmatch(m)
		body := strings.Join(strings.Fields(p[2]), "")
		return "-----BEGIN " + p[1] + "-----\n" + body + "\n-----END " + p[3] + "-----\n"
	})
	var certs []*x509.Certificate
	rest := []byte(text)
	for {
		var b *pem.Block
		b, rest = pem.Decode(rest)
		if b == nil {
			break
		}
		switch {
		case strings.Contains(b.Type, "PRIVATE KEY"):
			return nil, fmt.Sprintf("is a private key (%s), not a certificate; delete it from this file, which users can read", b.Type)
		case b.Type != "CERTIFICATE":
			return nil, fmt.Sprintf("is not a certificate: it holds a %q block, and only -----BEGIN CERTIFICATE----- blocks belong here", b.Type)
		}
		c, err := x509.ParseCertificate(b.Bytes)
		if err != nil {
			return nil, fmt.Sprintf("is not a certificate that can be read (cut short or changed?): %v", err)
		}
		certs = append(certs, c)
	}
	if len(certs) == 0 {
		if strings.Contains(s, "PRIVATE KEY") {
			return nil, "is a private key, not a certificate; delete it from this file, which users can read"
		}
		if strings.Contains(s, "-----BEGIN") {
			return nil, "is not a certificate: its PEM text is broken (is -----END CERTIFICATE----- missing, or a line break written as a real line break rather than \\n?)"
		}
		return nil, "is not a certificate: PEM text starts with -----BEGIN CERTIFICATE-----"
	}
	return certs, ""
}
