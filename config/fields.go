package config

import (
	"fmt"
	"strings"
)

// Parse reads the settings in data, the contents of file. Problems are
// reported with their line, and the setting concerned is left out; the
// others are used.
func Parse(file string, data []byte) (Config, []Problem) {
	cfg := Config{Source: file}
	r := reader{file: file, data: toUTF8(data)}
	if i := firstInvalidUTF8(r.data); i >= 0 {
		r.problemAt(i, "this line is not UTF-8 text (was the file saved as Shift_JIS or ANSI?); save it as UTF-8, or names and text on it come out garbled")
	}
	root, p := parseJSON(r.data)
	if p != nil {
		p.File = file
		p.Msg += "; no setting in this file is used"
		return cfg, append(r.problems, *p)
	}
	if root.kind != kindGroup {
		r.problemAt(root.off, fmt.Sprintf("the file must hold its settings in one group { ... }, not %s; no setting in this file is used", root.kind))
		return cfg, r.problems
	}
	r.group(root, "", topFields(&cfg))
	return cfg, r.problems
}

// A field reads one setting into the Config being built.
type field struct {
	key  string
	read func(r *reader, n *node, name string)
}

func topFields(c *Config) []field {
	return []field{
		{"gateways", func(r *reader, n *node, name string) { c.Gateways = r.addresses(n, name) }},
		{"ntp_server", func(r *reader, n *node, name string) { c.NTPServer = r.ntpServer(n, name) }},
		{"extra_roots_pem", func(r *reader, n *node, name string) { c.ExtraRoots = r.roots(n, name) }},
		{"expected_certificate", func(r *reader, n *node, name string) { r.expected(n, name, &c.ExpectedCert) }},
		{"support", func(r *reader, n *node, name string) {
			if r.want(n, name, kindGroup) {
				r.group(n, name, supportFields(&c.Support))
			}
		}},
		{"language", func(r *reader, n *node, name string) { c.Language = r.language(n, name) }},
		{"client", func(r *reader, n *node, name string) { c.Client = r.client(n, name) }},
	}
}

func supportFields(s *Support) []field {
	return []field{
		{"name", func(r *reader, n *node, name string) { s.Name, _ = r.text(n, name) }},
		{"email", func(r *reader, n *node, name string) { s.Email = r.email(n, name) }},
		{"phone", func(r *reader, n *node, name string) { s.Phone = r.phone(n, name) }},
		{"url", func(r *reader, n *node, name string) { s.URL = r.webAddress(n, name) }},
	}
}

func expectedFields(e *ExpectedCert) []field {
	return []field{
		{"sha256", func(r *reader, n *node, name string) { e.SHA256 = r.fingerprints(n, name) }},
		{"issuer", func(r *reader, n *node, name string) { e.Issuer, _ = r.text(n, name) }},
	}
}

type reader struct {
	file     string
	data     []byte
	problems []Problem
}

func (r *reader) problemAt(off int, msg string) {
	l, _ := position(r.data, off)
	r.problems = append(r.problems, Problem{File: r.file, Line: l, Msg: msg})
}

// group reads the members of a { } against fields. A key that starts with
// "_" is a comment; an unknown one is reported with the nearest known name;
// a key given twice is reported and the last one is used, as JSON readers do.
func (r *reader) group(n *node, parent string, fields []field) {
	byKey := map[string]field{}
	var known []string
	for _, f := range fields {
		byKey[f.key] = f
		known = append(known, f.key)
	}
	seen := map[string]int{}
	for _, m := range n.members {
		name := quoteName(parent, m.key)
		if strings.HasPrefix(m.key, "_") {
			continue
		}
		f, ok := byKey[m.key]
		if !ok {
			msg := fmt.Sprintf("unknown setting %s; it is ignored", name)
			if s := suggest(m.key, known); s != "" {
				msg = fmt.Sprintf("unknown setting %s (did you mean %q?); it is ignored", name, s)
			}
			r.problemAt(m.keyOff, msg)
			continue
		}
		if prev, dup := seen[m.key]; dup {
			l, _ := position(r.data, prev)
			r.problemAt(m.keyOff, fmt.Sprintf("%s is given twice (also on line %d); this one is used", name, l))
		}
		seen[m.key] = m.keyOff
		if m.val.kind == kindNull {
			continue // null: not set
		}
		f.read(r, m.val, name)
	}
}

// quoteName names a setting as the file spells it: "email" in "support".
func quoteName(parent, key string) string {
	if parent == "" {
		return fmt.Sprintf("%q", key)
	}
	return fmt.Sprintf("%q in %s", key, parent)
}

// want reports whether n is of kind k, and says what is wrong if not.
func (r *reader) want(n *node, name string, k kind) bool {
	if n.kind == k {
		return true
	}
	what := map[kind]string{
		kindString: "text in double quotes",
		kindGroup:  "a group of settings in { }",
	}[k]
	r.problemAt(n.off, fmt.Sprintf("%s must be %s, not %s", name, what, n.kind))
	return false
}

// text is a non-empty string, trimmed.
func (r *reader) text(n *node, name string) (string, bool) {
	if !r.want(n, name, kindString) {
		return "", false
	}
	s := strings.TrimSpace(n.str)
	if s == "" {
		r.problemAt(n.off, fmt.Sprintf("%s is empty; leave it out, or fill it in", name))
		return "", false
	}
	return s, true
}

// list accepts one text or a list of texts ("a": "x" is "a": ["x"]) and
// returns the nodes of the items, reporting those that are not text.
func (r *reader) list(n *node, name, example string) []*node {
	switch n.kind {
	case kindString:
		return []*node{n}
	case kindList:
	default:
		r.problemAt(n.off, fmt.Sprintf("%s must be a list like %s, not %s", name, example, n.kind))
		return nil
	}
	var out []*node
	for i, it := range n.items {
		if it.kind != kindString {
			r.problemAt(it.off, fmt.Sprintf("%s: %s must be text in double quotes, not %s", name, ordinal(i), it.kind))
			continue
		}
		out = append(out, it)
	}
	return out
}

// itemName names one item of a list, or the value itself when it was given
// as one text rather than a list.
func itemName(parent *node, name string, i int) string {
	if parent.kind != kindList {
		return name
	}
	return name + ": " + ordinal(i)
}
