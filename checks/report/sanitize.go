package report

import (
	"bytes"
	"fmt"
	"reflect"
	"strings"
	"unicode/utf8"

	"github.com/vpndoctor/vpndoctor/checks"
)

// A certificate's subject, its names and a server's error texts are written
// by whoever runs the server. Passed through as they are, an escape sequence
// in a subject rewrites the terminal (moves the cursor, recolours, hides
// lines), a newline forges a line of the helpdesk summary, and a
// right-to-left override shows "moc.elpmaxe" as "example.com". So every
// rendering (terminal text, helpdesk summary, HTML, the wizard) shows such
// characters as visible text instead: "\x1b", "\n", "<U+202E>".

// hidden says whether r must not reach a person's screen as it is.
func hidden(r rune) bool {
	switch {
	case r < 0x20, r == 0x7f, r >= 0x80 && r <= 0x9f: // C0, DEL, C1
		return true
	case r == 0x061c, r == 0x200e, r == 0x200f: // Arabic letter mark, LRM, RLM
		return true
	case r >= 0x202a && r <= 0x202e: // LRE, RLE, PDF, LRO, RLO
		return true
	case r >= 0x2066 && r <= 0x2069: // LRI, RLI, FSI, PDI
		return true
	case r >= 0x200b && r <= 0x200d, r == 0x2060, r == 0xfeff: // zero-width characters
		return true
	case r == 0x2028, r == 0x2029: // line and paragraph separators
		return true
	case r >= 0xfff9 && r <= 0xfffb: // interlinear annotation
		return true
	}
	return false
}

// Visible returns s with every control, escape and bidirectional-override
// character, and every byte that is not UTF-8, written out visibly. Text
// without them is returned unchanged (and Visible(Visible(s)) ==
// Visible(s)).
func Visible(s string) string {
	if !needsWork(s) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\x%02x`, r)
		case hidden(r):
			fmt.Fprintf(&b, "<U+%04X>", r)
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

func needsWork(s string) bool {
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 || hidden(r) {
			return true
		}
		i += size
	}
	return false
}

// VisibleLines is Visible for text whose line breaks are its own (a
// multi-line message made by this program): each line is cleaned, the
// breaks kept.
func VisibleLines(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = Visible(l)
	}
	return strings.Join(lines, "\n")
}

// Sanitize returns a copy of the report in which every string is Visible,
// for the renderers that show it to people. The PEM blocks are left as
// they are: this program wrote them (base64 and line breaks only). The
// parsed certificates are shared, not copied. Every rendering for people
// passes here, so the copy also gets the clock words the guide needs
// (timeEvidence); the JSON keeps the engine's evidence as it is.
func Sanitize(rep *checks.Report) *checks.Report {
	if rep == nil {
		return nil
	}
	out := visibleValue(reflect.ValueOf(rep).Elem())
	r := out.Interface().(checks.Report)
	timeEvidence(&r)
	return &r
}

// SanitizeView cleans what a view carries from this computer and IT's
// settings (facts such as the computer's name; the support contact).
func SanitizeView(v View) View {
	v.Facts = visibleMap(v.Facts)
	v.Support = visibleMap(v.Support)
	return v
}

func visibleMap(m map[string]string) map[string]string {
	if m == nil {
		return nil
	}
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[Visible(k)] = Visible(v)
	}
	return out
}

// keptFields are string fields that are not text from outside.
var keptFields = map[string]bool{"PEM": true}

// visibleValue copies v, making every string in it Visible. Structs with
// unexported fields (time.Time) and pointers are taken as they are.
func visibleValue(v reflect.Value) reflect.Value {
	switch v.Kind() {
	case reflect.String:
		out := reflect.New(v.Type()).Elem()
		out.SetString(Visible(v.String()))
		return out
	case reflect.Struct:
		t := v.Type()
		for i := 0; i < t.NumField(); i++ {
			if !t.Field(i).IsExported() {
				return v
			}
		}
		out := reflect.New(t).Elem()
		for i := 0; i < t.NumField(); i++ {
			if keptFields[t.Field(i).Name] {
				out.Field(i).Set(v.Field(i))
				continue
			}
			out.Field(i).Set(visibleValue(v.Field(i)))
		}
		return out
	case reflect.Slice:
		if v.IsNil() || v.Type().Elem().Kind() == reflect.Uint8 {
			return v
		}
		out := reflect.MakeSlice(v.Type(), v.Len(), v.Len())
		for i := 0; i < v.Len(); i++ {
			out.Index(i).Set(visibleValue(v.Index(i)))
		}
		return out
	case reflect.Map:
		if v.IsNil() {
			return v
		}
		out := reflect.MakeMapWithSize(v.Type(), v.Len())
		iter := v.MapRange()
		for iter.Next() {
			out.SetMapIndex(visibleValue(iter.Key()), visibleValue(iter.Value()))
		}
		return out
	}
	return v
}

// escapeJSON writes the characters hidden() names as \u escapes in an
// encoded JSON document: the data stay exact for IT's scripts, and a JSON
// file shown in a terminal cannot drive it. encoding/json already escapes
// C0 controls; C1 controls and the bidirectional marks pass through it.
// The runes replaced occur only inside JSON strings (the syntax is ASCII),
// so the result is the same JSON value.
func escapeJSON(data []byte) []byte {
	if !needsWork(string(data)) {
		return data
	}
	var b bytes.Buffer
	for i := 0; i < len(data); {
		r, size := utf8.DecodeRune(data[i:])
		if r >= 0x7f && hidden(r) { // below: the document's own line breaks
			fmt.Fprintf(&b, `\u%04x`, r)
		} else {
			b.Write(data[i : i+size])
		}
		i += size
	}
	return b.Bytes()
}
