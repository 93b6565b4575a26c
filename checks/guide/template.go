package guide

import (
	"fmt"
	"strings"
)

// A template is a text with {key} placeholders, {?key:...} conditionals
// (kept when key has a value) and {!key:...} (kept when it has none); see
// the package documentation.

// ref is one placeholder in a template. Guard is the key of the conditional
// it sits in, or "" when it is unconditional; a conditional's own key is a
// ref with Guard equal to Key and Cond set.
type ref struct {
	Key   string
	Guard string
	Cond  bool
}

// parseRefs lists the placeholders of s, or says why s is malformed.
func parseRefs(s string) ([]ref, error) {
	var refs []ref
	_, err := expand(s, func(key, guard string, cond bool) (string, bool) {
		refs = append(refs, ref{Key: key, Guard: guard, Cond: cond})
		return "", true
	})
	return refs, err
}

// expand fills the template s. lookup is called for every conditional (cond
// true: keep the part when ok) and every placeholder (the value), with the
// key of the enclosing conditional as guard.
func expand(s string, lookup func(key, guard string, cond bool) (string, bool)) (string, error) {
	var b strings.Builder
	if err := expandInto(&b, s, "", lookup); err != nil {
		return "", err
	}
	return b.String(), nil
}

func expandInto(b *strings.Builder, s, guard string, lookup func(key, guard string, cond bool) (string, bool)) error {
	for len(s) > 0 {
		i := strings.IndexAny(s, "{}")
		if i < 0 {
			b.WriteString(s)
			return nil
		}
		b.WriteString(s[:i])
		if s[i] == '}' {
			return fmt.Errorf("stray %q in %q", "}", s)
		}
		s = s[i+1:]
		if strings.HasPrefix(s, "?") || strings.HasPrefix(s, "!") {
			unless := s[0] == '!'
			if guard != "" {
				return fmt.Errorf("nested conditional in {?%s:...}", guard)
			}
			colon := strings.IndexByte(s, ':')
			if colon < 0 {
				return fmt.Errorf("conditional without %q: {%s", ":", s)
			}
			key := s[1:colon]
			if !validKey(key) {
				return fmt.Errorf("bad conditional key %q", key)
			}
			end, err := closing(s[colon+1:])
			if err != nil {
				return fmt.Errorf("{?%s:...}: %w", key, err)
			}
			body := s[colon+1 : colon+1+end]
			s = s[colon+1+end+1:]
			_, keep := lookup(key, key, true)
			if unless {
				keep = !keep
			}
			var inner strings.Builder
			if err := expandInto(&inner, body, key, lookup); err != nil {
				return err
			}
			if keep {
				b.WriteString(inner.String())
			}
			continue
		}
		end := strings.IndexByte(s, '}')
		if end < 0 {
			return fmt.Errorf("unclosed %q in %q", "{", s)
		}
		key := s[:end]
		if !validKey(key) {
			return fmt.Errorf("bad placeholder {%s}", key)
		}
		v, _ := lookup(key, guard, false)
		b.WriteString(v)
		s = s[end+1:]
	}
	return nil
}

// closing finds the brace that ends a conditional's part: the first '}' not
// closing a placeholder inside it.
func closing(s string) (int, error) {
	depth := 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '{':
			depth++
		case '}':
			if depth == 0 {
				return i, nil
			}
			depth--
		}
	}
	return 0, fmt.Errorf("unclosed conditional")
}

func validKey(k string) bool {
	if k == "" {
		return false
	}
	for _, r := range k {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_') {
			return false
		}
	}
	return true
}
