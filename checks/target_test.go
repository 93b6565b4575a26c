package checks

import (
	"errors"
	"strings"
	"testing"
)

func TestParseTargetAccepts(t *testing.T) {
	tests := []struct {
		in         string
		host       string
		port       int
		inputShown string
	}{
		{"vpn.example.com", "vpn.example.com", 443, ""},
		{"  vpn.example.com  ", "vpn.example.com", 443, ""},
		{"\tvpn.example.com\n", "vpn.example.com", 443, ""},
		{"VPN.Example.COM.", "vpn.example.com", 443, ""},
		{"vpn.example.com:8443", "vpn.example.com", 8443, ""},
		{"https://vpn.example.co.jp/group", "vpn.example.co.jp", 443, ""},
		{"https://vpn.example.co.jp:10443/a?b=c#d", "vpn.example.co.jp", 10443, ""},
		{"http://vpn.example.com", "vpn.example.com", 443, ""},
		{"vpn.example.com/remote", "vpn.example.com", 443, ""},
		{"[2001:db8::1]:8443", "2001:db8::1", 8443, ""},
		{"[::1]", "::1", 443, ""},
		{"2001:db8::5", "2001:db8::5", 443, ""},
		{"192.0.2.7:443", "192.0.2.7", 443, ""},
		{"ブイピーエヌ.例え.jp", "xn--ecki2i4ai4u.xn--r8jz45g.jp", 443, ""},
		{"https://user:secret@vpn.example.com/", "vpn.example.com", 443, "https://vpn.example.com/"},
		{"localhost", "localhost", 443, ""},
		{"vpn.example.co.jp：４４３", "vpn.example.co.jp", 443, ""},
		{"　ｖｐｎ.example.co.jp　", "vpn.example.co.jp", 443, ""},
	}
	for _, tc := range tests {
		got, err := ParseTarget(tc.in)
		if err != nil {
			t.Errorf("ParseTarget(%q): %v", tc.in, err)
			continue
		}
		if got.Host != tc.host || got.Port != tc.port {
			t.Errorf("ParseTarget(%q) = %s:%d, want %s:%d", tc.in, got.Host, got.Port, tc.host, tc.port)
		}
		if tc.inputShown != "" && got.Input != tc.inputShown {
			t.Errorf("ParseTarget(%q).Input = %q, want %q (no password kept)", tc.in, got.Input, tc.inputShown)
		}
		if strings.Contains(got.Input, "secret") {
			t.Errorf("ParseTarget(%q) kept the password: %q", tc.in, got.Input)
		}
	}
}

// Each malformed target gives one plain sentence naming what is wrong.
func TestParseTargetRejects(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", "no server address"},
		{"   ", "no server address"},
		{"vpn.example.com:70000", "port 70000 is out of range"},
		{"vpn.example.com:0", "port 0 is out of range"},
		{"vpn.example.com:", "port after the colon is missing"},
		{"vpn.example.com:https", `port "https" is not a number`},
		{"vpn.example.com:-1", `port "-1" is not a number`},
		{"vpn.example.com:443:443", "neither a server name nor an IPv6 address"},
		{"ftp://vpn.example.com", `"ftp" addresses cannot be checked`},
		{"https://", "has no server name"},
		{"vpn example.com", "contains a space"},
		{"vpn..example.com", "empty part between dots"},
		{"-vpn.example.com", "starts or ends with a hyphen"},
		{strings.Repeat("a", 64) + ".example.com", "longer than 63 characters"},
		{strings.Repeat("abcdefghi.", 26) + "com", "too long"},
		{"[2001:db8::1", "no closing bracket"},
		{"[vpn.example.com]:443", "not a valid IPv6 address"},
		{"2001:db8::zz", "neither a server name nor an IPv6 address"},
		{"<script>alert(1)</script>", "cannot be part of a server name"},
		{"vpn_gw.example.com", `"_" cannot be part of a server name`},
		{":443", "has a port but no server name"},
		{"999.1.1.1", "not a valid IP address"},
		{"vpn.example.com\x00", "control character"},
		{"[::1]x", "unexpected text"},
	}
	for _, tc := range tests {
		_, err := ParseTarget(tc.in)
		if err == nil {
			t.Errorf("ParseTarget(%q) accepted it", tc.in)
			continue
		}
		if !IsInputError(err) {
			t.Errorf("ParseTarget(%q): error %v is not an InputError", tc.in, err)
		}
		msg := err.Error()
		if !strings.Contains(msg, tc.want) {
			t.Errorf("ParseTarget(%q) = %q, want it to say %q", tc.in, msg, tc.want)
		}
		if strings.Contains(msg, "\n") || len(msg) > 200 {
			t.Errorf("ParseTarget(%q): message is not one short line: %q", tc.in, msg)
		}
	}
}

func FuzzParseTarget(f *testing.F) {
	for _, s := range []string{"vpn.example.com", "https://a:b@c/d", "[::1]:1", "例え.jp", ":::", "%zz"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		tg, err := ParseTarget(s)
		if err == nil && (tg.Host == "" || tg.Port < 1 || tg.Port > 65535) {
			t.Fatalf("ParseTarget(%q) = %+v without error", s, tg)
		}
	})
}

// A user interface translates by Kind and Value, not by the English text.
func TestInputErrorKinds(t *testing.T) {
	tests := []struct {
		in    string
		kind  InputProblem
		value string
	}{
		{"", InputEmpty, ""},
		{"vpn.example.com:70000", InputPortRange, "70000"},
		{"vpn.example.com:x", InputPortNumber, "x"},
		{"ssh://vpn.example.com", InputScheme, "ssh"},
		{"vpn_gw.example.com", InputCharacter, "_"},
		{"a b", InputSpace, "a b"},
	}
	for _, tc := range tests {
		_, err := ParseTarget(tc.in)
		var ie *InputError
		if !errors.As(err, &ie) || ie.Kind != tc.kind || ie.Value != tc.value {
			t.Errorf("ParseTarget(%q) = %#v, want kind %s value %q", tc.in, err, tc.kind, tc.value)
		}
	}
}
