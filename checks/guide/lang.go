package guide

import (
	"fmt"
	"os"
	"strings"
)

// Lang is a language of the guide.
type Lang string

// The languages the guide is written in.
const (
	Ja Lang = "ja"
	En Lang = "en"
)

// Langs lists every language the guide has, in display order.
var Langs = []Lang{Ja, En}

// Negotiate picks the language from locale values given in precedence order,
// normally LANGUAGE, LC_ALL, LC_MESSAGES, LANG (then, where the platform
// knows it, the desktop's UI language). The first non-empty value decides. A
// value may be a colon list as LANGUAGE allows ("fr:ja:en"); its first
// supported entry wins. POSIX ("ja_JP.UTF-8", "ja_JP.eucJP"), BCP 47 ("ja-JP")
// and Windows ("Japanese_Japan.932") forms are understood. C, POSIX and
// anything not Japanese or English give English.
func Negotiate(values ...string) Lang {
	for _, v := range values {
		v = strings.TrimSpace(v)
		if v == "" {
			continue
		}
		for _, part := range strings.Split(v, ":") {
			if l, ok := langOf(part); ok {
				return l
			}
		}
		return En
	}
	return En
}

// FromEnv negotiates from LANGUAGE, LC_ALL, LC_MESSAGES and LANG. When none
// of them is set (as for a program double-clicked on Windows or macOS), the
// system values the platform adapter read (Windows' preferred UI languages,
// macOS AppleLanguages) are tried, in their order. As gettext does, LANGUAGE
// is ignored when the locale is C or POSIX, so "LANG=C vpndoctor" is English.
func FromEnv(system ...string) Lang {
	return fromEnv(os.Getenv, system)
}

func fromEnv(getenv func(string) string, system []string) Lang {
	lcAll, lcMessages, lang := getenv("LC_ALL"), getenv("LC_MESSAGES"), getenv("LANG")
	language := getenv("LANGUAGE")
	if isCLocale(firstNonEmpty(lcAll, lcMessages, lang)) {
		language = ""
	}
	values := append([]string{language, lcAll, lcMessages, lang}, system...)
	return Negotiate(values...)
}

// ParseLang reads the --lang flag: "ja", "en", a locale such as "ja_JP",
// "japanese", "english", 「日本語」 or 「英語」.
func ParseLang(s string) (Lang, error) {
	t := strings.ToLower(strings.TrimSpace(s))
	switch t {
	case "日本語", "にほんご":
		return Ja, nil
	case "英語", "english", "eng":
		return En, nil
	}
	if !isCLocale(t) {
		if l, ok := langOf(t); ok {
			return l, nil
		}
	}
	return "", fmt.Errorf("unknown language %q: use ja (日本語) or en (English)", s)
}

// langOf reads one locale value. ok is false when the value names no
// language the guide has, so that a LANGUAGE list can go on to its next entry.
func langOf(v string) (Lang, bool) {
	v = strings.ToLower(strings.TrimSpace(v))
	if i := strings.IndexAny(v, ".@"); i >= 0 {
		v = v[:i]
	}
	if v == "" {
		return "", false
	}
	if v == "c" || v == "posix" {
		return En, true
	}
	if i := strings.IndexAny(v, "_-"); i >= 0 {
		v = v[:i]
	}
	switch v {
	case "ja", "jp", "jpn", "japanese":
		return Ja, true
	case "en", "eng", "english":
		return En, true
	}
	return "", false
}

func isCLocale(v string) bool {
	v = strings.ToLower(strings.TrimSpace(v))
	if i := strings.IndexAny(v, ".@"); i >= 0 {
		v = v[:i]
	}
	return v == "c" || v == "posix"
}

func firstNonEmpty(vs ...string) string {
	for _, v := range vs {
		if strings.TrimSpace(v) != "" {
			return v
		}
	}
	return ""
}
