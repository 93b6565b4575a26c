package guide

import (
	"strings"
	"testing"
)

func TestNegotiate(t *testing.T) {
	tests := []struct {
		name   string
		values []string
		want   Lang
	}{
		{"posix utf-8", []string{"ja_JP.UTF-8"}, Ja},
		{"posix euc", []string{"ja_JP.eucJP"}, Ja},
		{"bare ja", []string{"ja"}, Ja},
		{"bcp47", []string{"ja-JP"}, Ja},
		{"windows setlocale", []string{"Japanese_Japan.932"}, Ja},
		{"english", []string{"en_US.UTF-8"}, En},
		{"C", []string{"C"}, En},
		{"C.UTF-8", []string{"C.UTF-8"}, En},
		{"POSIX", []string{"POSIX"}, En},
		{"empty", []string{""}, En},
		{"nothing", nil, En},
		{"french", []string{"fr_FR.UTF-8"}, En},
		{"LANGUAGE=ja:en", []string{"ja:en", "", "", "en_US.UTF-8"}, Ja},
		{"LANGUAGE=en:ja", []string{"en:ja", "", "", "ja_JP.UTF-8"}, En},
		{"LANGUAGE list skips unsupported", []string{"fr:ja:en"}, Ja},
		{"LANGUAGE all unsupported", []string{"fr:de", "ja_JP.UTF-8"}, En},
		{"first non-empty wins", []string{"", "ja_JP.UTF-8", "en_US.UTF-8"}, Ja},
		{"LC_ALL over LANG", []string{"", "en_GB.UTF-8", "", "ja_JP.UTF-8"}, En},
		{"modifier", []string{"ja_JP@euro"}, Ja},
		{"system language after empty env", []string{"", "", "", "", "ja-JP"}, Ja},
		{"spaces", []string{"  ", " ja_JP.UTF-8 "}, Ja},
	}
	for _, tt := range tests {
		if got := Negotiate(tt.values...); got != tt.want {
			t.Errorf("%s: Negotiate(%q) = %q, want %q", tt.name, tt.values, got, tt.want)
		}
	}
}

func TestFromEnv(t *testing.T) {
	tests := []struct {
		name   string
		env    map[string]string
		system []string
		want   Lang
	}{
		{"LANG ja", map[string]string{"LANG": "ja_JP.UTF-8"}, nil, Ja},
		{"LANGUAGE list first", map[string]string{"LANGUAGE": "ja:en", "LANG": "en_US.UTF-8"}, nil, Ja},
		{"LANGUAGE ignored in C locale", map[string]string{"LANGUAGE": "ja:en", "LANG": "C"}, nil, En},
		{"LC_ALL=C wins", map[string]string{"LC_ALL": "C", "LANG": "ja_JP.UTF-8"}, nil, En},
		{"LC_MESSAGES over LANG", map[string]string{"LC_MESSAGES": "ja_JP.UTF-8", "LANG": "en_US.UTF-8"}, nil, Ja},
		{"nothing set", nil, nil, En},
		{"nothing set, Windows UI Japanese", nil, []string{"ja-JP", "en-US"}, Ja},
		{"explicit env beats system", map[string]string{"LANG": "en_US.UTF-8"}, []string{"ja-JP"}, En},
	}
	for _, tt := range tests {
		got := fromEnv(func(k string) string { return tt.env[k] }, tt.system)
		if got != tt.want {
			t.Errorf("%s: got %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestParseLang(t *testing.T) {
	good := map[string]Lang{
		"ja": Ja, "JA": Ja, "japanese": Ja, "Japanese": Ja, "日本語": Ja, "ja_JP": Ja, "ja-JP": Ja, "ja_JP.UTF-8": Ja, "jp": Ja,
		"en": En, "english": En, "English": En, "en_US": En, "en-GB": En, "英語": En,
	}
	for in, want := range good {
		got, err := ParseLang(in)
		if err != nil || got != want {
			t.Errorf("ParseLang(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, in := range []string{"", "fr", "C", "POSIX", "klingon", "jap"} {
		_, err := ParseLang(in)
		if err == nil {
			t.Errorf("ParseLang(%q): no error", in)
			continue
		}
		if msg := err.Error(); !strings.Contains(msg, "ja") || !strings.Contains(msg, "en") {
			t.Errorf("ParseLang(%q) error %q does not name the allowed values", in, msg)
		}
	}
}

func TestOS(t *testing.T) {
	for goos, want := range map[string]OS{
		"windows": Windows, "darwin": MacOS, "linux": Linux, "ios": IOS, "android": Android, "freebsd": Linux,
	} {
		if got := osFor(goos); got != want {
			t.Errorf("osFor(%q) = %q, want %q", goos, got, want)
		}
	}
	if !containsOS(AllOS, CurrentOS()) {
		t.Errorf("CurrentOS() = %q, not in AllOS", CurrentOS())
	}
	for _, in := range []string{"Windows", "mac", "macOS", "linux", "iPhone", "android"} {
		if _, err := ParseOS(in); err != nil {
			t.Errorf("ParseOS(%q): %v", in, err)
		}
	}
	if _, err := ParseOS("beos"); err == nil {
		t.Error("ParseOS(beos): no error")
	}
}

func containsOS(list []OS, o OS) bool {
	for _, x := range list {
		if x == o {
			return true
		}
	}
	return false
}
