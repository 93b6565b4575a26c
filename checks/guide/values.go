package guide

import (
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/vpndoctor/vpndoctor/internal/lazyre"
)

// dateKeys hold RFC 3339 times the reader should see as local dates.
var dateKeys = map[string]bool{
	"not_after": true, "not_before": true, "revoked_at": true,
	"local_time": true, "true_time": true,
}

// maxValue bounds a value's length in runes: evidence comes from the network.
const maxValue = 400

// value renders one evidence value for the reader.
func value(lang Lang, key, raw string, loc *time.Location) string {
	v := clean(raw)
	switch {
	case dateKeys[key]:
		v = formatDate(lang, v, loc)
	case key == "clock_offset":
		v = formatOffset(lang, v)
	case key == "role" || key == "step" || key == "time_source" || key == "time_bound" || key == "tls_version" ||
		key == "revocation_reason" || key == "source":
		if w, ok := words[lang][key+"."+strings.ToLower(v)]; ok {
			v = w
		}
	}
	return v
}

func formatDate(lang Lang, v string, loc *time.Location) string {
	t, err := time.Parse(time.RFC3339, v)
	if err != nil {
		return v
	}
	if loc == nil {
		loc = time.Local
	}
	t = t.In(loc)
	if lang == Ja {
		return t.Format("2006年1月2日 15:04")
	}
	return t.Format("2 Jan 2006 15:04")
}

var offsetRE = lazyre.New(`^[+-]?((\d+)(ms|y|d|h|m|s))+$`)
var offsetPartRE = lazyre.New(`(\d+)(ms|y|d|h|m|s)`)

// formatOffset rewords the engine's "+2y3d" as "2 years 3 days"; the sign is
// left out because the texts show both clocks.
func formatOffset(lang Lang, v string) string {
	if !offsetRE.MatchString(v) {
		return v
	}
	var parts []string
	for _, m := range offsetPartRE.FindAllStringSubmatch(v, -1) {
		n, _ := strconv.Atoi(m[1])
		parts = append(parts, unitWord(lang, n, m[2]))
	}
	if lang == Ja {
		return strings.Join(parts, "")
	}
	return strings.Join(parts, " ")
}

func unitWord(lang Lang, n int, unit string) string {
	ja := map[string]string{"y": "年", "d": "日", "h": "時間", "m": "分", "s": "秒", "ms": "ミリ秒"}
	en := map[string]string{"y": "year", "d": "day", "h": "hour", "m": "minute", "s": "second", "ms": "millisecond"}
	if lang == Ja {
		return strconv.Itoa(n) + ja[unit]
	}
	w := en[unit]
	if n != 1 {
		w += "s"
	}
	return strconv.Itoa(n) + " " + w
}

// clean makes a value safe to print: a certificate's subject is chosen by
// whoever runs the server, and a terminal obeys escape sequences.
func clean(s string) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || isBidi(r) || r == unicode.ReplacementChar {
			return ' '
		}
		return r
	}, s)
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > maxValue {
		s = string(r[:maxValue-1]) + "…"
	}
	return s
}

func isBidi(r rune) bool {
	return r == '\u200e' || r == '\u200f' || r == '\u061c' ||
		(r >= '\u202a' && r <= '\u202e') || (r >= '\u2066' && r <= '\u2069')
}

// Word rewords one evidence value for the reader as the guide's texts show
// it (a role, a revocation reason, a date), for renderers that list
// evidence outside the texts.
func Word(lang Lang, key, raw string) string { return value(lang, key, raw, nil) }
