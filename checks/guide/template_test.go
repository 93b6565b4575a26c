package guide

import (
	"reflect"
	"testing"
)

func TestParseRefs(t *testing.T) {
	tests := []struct {
		in   string
		want []ref
	}{
		{"plain text", nil},
		{"{host}:{port}", []ref{{Key: "host"}, {Key: "port"}}},
		{"a{?aia_url: at {aia_url}.} b", []ref{{Key: "aia_url", Guard: "aia_url", Cond: true}, {Key: "aia_url", Guard: "aia_url"}}},
		{"「{issuer}」", []ref{{Key: "issuer"}}},
	}
	for _, tt := range tests {
		got, err := parseRefs(tt.in)
		if err != nil {
			t.Errorf("parseRefs(%q): %v", tt.in, err)
			continue
		}
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("parseRefs(%q) = %+v, want %+v", tt.in, got, tt.want)
		}
	}
}

func TestParseRefsErrors(t *testing.T) {
	for _, in := range []string{
		"{host",       // unclosed
		"host}",       // stray
		"{Host}",      // bad key
		"{}",          // empty key
		"{not after}", // space
		"{?aia_url no colon}",
		"{?aia_url: {aia_url}", // unclosed conditional
		"{?a: {?b: x}}",        // nested
		"{?: x}",               // empty conditional key
	} {
		if _, err := parseRefs(in); err == nil {
			t.Errorf("parseRefs(%q): no error", in)
		}
	}
}

func TestExpandConditional(t *testing.T) {
	lookup := func(ev map[string]string) func(string, string, bool) (string, bool) {
		return func(key, _ string, cond bool) (string, bool) {
			v, ok := ev[key]
			if cond {
				return "", ok
			}
			return v, ok
		}
	}
	const tmpl = "Send the chain.{?aia_url: It is at {aia_url}.} Done."
	got, err := expand(tmpl, lookup(map[string]string{"aia_url": "http://ca.example/i.crt"}))
	if err != nil || got != "Send the chain. It is at http://ca.example/i.crt. Done." {
		t.Errorf("with key: %q, %v", got, err)
	}
	got, err = expand(tmpl, lookup(nil))
	if err != nil || got != "Send the chain. Done." {
		t.Errorf("without key: %q, %v", got, err)
	}
	const either = "off by {?time_bound:at least}{!time_bound:about} {clock_offset}"
	for ev, want := range map[string]string{"before": "off by at least 2y", "": "off by about 2y"} {
		m := map[string]string{"clock_offset": "2y"}
		if ev != "" {
			m["time_bound"] = ev
		}
		if got, err := expand(either, lookup(m)); err != nil || got != want {
			t.Errorf("time_bound %q: %q, %v; want %q", ev, got, err, want)
		}
	}
	if refs, err := parseRefs(either); err != nil || len(refs) != 3 || !refs[1].Cond || refs[1].Key != "time_bound" {
		t.Errorf("parseRefs(%q) = %+v, %v", either, refs, err)
	}
}
