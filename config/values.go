package config

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/vpndoctor/vpndoctor/checks"
	"github.com/vpndoctor/vpndoctor/checks/clients"
)

// The checks of each setting's value. Each reports what is wrong and
// returns the zero value, so that the setting is left out.

func (r *reader) addresses(n *node, name string) []string {
	var out []string
	for i, it := range r.list(n, name, `["vpn.example.co.jp"]`) {
		s := strings.TrimSpace(it.str)
		if _, err := checks.ParseTarget(s); err != nil {
			r.problemAt(it.off, fmt.Sprintf("%s is not a server address: %v", itemName(n, name, i), err))
			continue
		}
		out = append(out, s)
	}
	return out
}

func (r *reader) ntpServer(n *node, name string) string {
	s, ok := r.text(n, name)
	if !ok {
		return ""
	}
	if strings.Contains(s, "://") || strings.Contains(s, "/") {
		r.problemAt(n.off, fmt.Sprintf("%s must be a host name or host:port, like \"ntp.example.co.jp\", not a web address", name))
		return ""
	}
	if _, err := checks.ParseTarget(s); err != nil {
		r.problemAt(n.off, fmt.Sprintf("%s is not a server address: %v", name, err))
		return ""
	}
	return s
}

func (r *reader) expected(n *node, name string, e *ExpectedCert) {
	if !r.want(n, name, kindGroup) {
		return
	}
	var got ExpectedCert
	before := len(r.problems)
	r.group(n, name, expectedFields(&got))
	if !got.Set() && len(r.problems) == before {
		r.problemAt(n.off, fmt.Sprintf(`%s has neither "sha256" nor "issuer", so nothing is checked`, name))
	}
	*e = got
}

func (r *reader) fingerprints(n *node, name string) []string {
	var out []string
	for i, it := range r.list(n, name, `["3A:5F:...:C2"]`) {
		fp, msg := normaliseSHA256(it.str)
		if msg != "" {
			r.problemAt(it.off, fmt.Sprintf("%s %s", itemName(n, name, i), msg))
			continue
		}
		out = append(out, fp)
	}
	return out
}

// normaliseSHA256 accepts a fingerprint as tools print it (colons, spaces
// or dashes between the bytes, either case, an optional "SHA256:" prefix)
// and returns 64 lowercase hex digits, or what is wrong with it.
func normaliseSHA256(s string) (string, string) {
	t := strings.TrimSpace(s)
	if i := strings.IndexByte(t, '='); i >= 0 && strings.EqualFold(strings.TrimSpace(t[:i]), "sha256 fingerprint") {
		t = t[i+1:] // openssl x509 -fingerprint -sha256 prints "sha256 Fingerprint=AB:CD:..."
	}
	for _, p := range []string{"sha256:", "sha-256:"} {
		if len(t) >= len(p) && strings.EqualFold(t[:len(p)], p) {
			t = t[len(p):]
		}
	}
	t = strings.Map(func(r rune) rune {
		if r == ':' || r == ' ' || r == '-' {
			return -1
		}
		return r
	}, t)
	t = strings.ToLower(t)
	for _, c := range t {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return "", fmt.Sprintf("is not a SHA-256 fingerprint: %q is not a hex digit (0-9, A-F)", string(c))
		}
	}
	switch len(t) {
	case 64:
		return t, ""
	case 40:
		return "", "is a SHA-1 fingerprint (40 hex digits); give the SHA-256 one (64 hex digits)"
	}
	return "", fmt.Sprintf("is not a SHA-256 fingerprint: it has %d hex digits, not 64", len(t))
}

func (r *reader) email(n *node, name string) string {
	s, ok := r.text(n, name)
	if !ok {
		return ""
	}
	s = strings.TrimPrefix(s, "mailto:")
	at := strings.IndexByte(s, '@')
	if at <= 0 || at == len(s)-1 || strings.Count(s, "@") != 1 || strings.ContainsAny(s, " <>,;") {
		r.problemAt(n.off, fmt.Sprintf("%s: %q is not an e-mail address (name@example.co.jp)", name, s))
		return ""
	}
	return s
}

func (r *reader) phone(n *node, name string) string {
	s, ok := r.text(n, name)
	if !ok {
		return ""
	}
	if !strings.ContainsAny(s, "0123456789０１２３４５６７８９") {
		r.problemAt(n.off, fmt.Sprintf("%s: %q has no digits; give a phone number like \"03-1234-5678\" or \"+81 3 1234 5678\"", name, s))
		return ""
	}
	return s
}

func (r *reader) webAddress(n *node, name string) string {
	s, ok := r.text(n, name)
	if !ok {
		return ""
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		r.problemAt(n.off, fmt.Sprintf("%s: %q is not a web address; it must start with https:// (or http://)", name, s))
		return ""
	}
	return s
}

func (r *reader) language(n *node, name string) string {
	s, ok := r.text(n, name)
	if !ok {
		return ""
	}
	switch l := strings.ToLower(s); l {
	case "ja", "en":
		return l
	}
	r.problemAt(n.off, fmt.Sprintf(`%s must be "ja" (日本語) or "en" (English), not %q`, name, s))
	return ""
}

// client reads the VPN client's name: a --client name or a profile id.
func (r *reader) client(n *node, name string) string {
	s, ok := r.text(n, name)
	if !ok {
		return ""
	}
	if _, err := clients.Lookup(s, ""); err != nil {
		r.problemAt(n.off, fmt.Sprintf("%s: %v", name, err))
		return ""
	}
	return strings.ToLower(strings.TrimSpace(s))
}
