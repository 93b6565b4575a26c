package report

import (
	"encoding/json"
	"testing"
	"unicode/utf8"
)

// FuzzVisible: no hidden character survives, the result is valid UTF-8,
// and cleaning twice changes nothing.
func FuzzVisible(f *testing.F) {
	for _, s := range []string{"vpn.example.com", "a\x1b[2Jb", "\u202egpj.exe", "bad\xff", "東京\u2066"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v := Visible(s)
		if !utf8.ValidString(v) {
			t.Fatalf("Visible(%q) = %q is not UTF-8", s, v)
		}
		for _, r := range v {
			if hidden(r) {
				t.Fatalf("Visible(%q) = %q keeps U+%04X", s, v, r)
			}
		}
		if Visible(v) != v {
			t.Fatalf("not idempotent on %q", s)
		}
	})
}

// FuzzEscapeJSON: the JSON document stays the same value, with no hidden
// character left raw.
func FuzzEscapeJSON(f *testing.F) {
	f.Add("a\u0085b\u202ec")
	f.Add("plain")
	f.Fuzz(func(t *testing.T, s string) {
		data, err := json.MarshalIndent(map[string]string{"k": s}, "", "  ")
		if err != nil {
			return
		}
		out := escapeJSON(data)
		var back map[string]string
		if err := json.Unmarshal(out, &back); err != nil {
			t.Fatalf("escapeJSON broke the document: %v\n%s", err, out)
		}
		var want map[string]string
		_ = json.Unmarshal(data, &want)
		if back["k"] != want["k"] {
			t.Fatalf("value changed: %q -> %q", want["k"], back["k"])
		}
		for _, r := range string(out) {
			if r >= 0x7f && hidden(r) {
				t.Fatalf("U+%04X left raw", r)
			}
		}
	})
}
