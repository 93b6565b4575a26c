package report

import (
	"encoding/json"
	"regexp"
	"strings"

	"github.com/vpndoctor/vpndoctor/checks"
)

// Placeholders that stand for what redaction hides.
const (
	HiddenHost = "[this-computer]"
	HiddenUser = "[user]"
)

// redact returns copies of the report and the view in which this
// computer's name and the user's name are replaced everywhere: facts,
// evidence, store paths (/home/NAME/.pki/nssdb, C:\Users\NAME\...).
func redact(rep *checks.Report, v View) (*checks.Report, View) {
	repl := replacements(v.Facts)
	if len(repl) == 0 {
		return rep, v
	}
	data, err := json.Marshal(rep)
	if err != nil {
		return rep, v
	}
	text := string(data)
	text = applyAll(repl, text)
	out := &checks.Report{}
	if err := json.Unmarshal([]byte(text), out); err != nil {
		return rep, v
	}
	facts := make(map[string]string, len(v.Facts))
	for k, val := range v.Facts {
		facts[k] = applyAll(repl, val)
	}
	v.Facts = facts
	return out, v
}

type replacement struct {
	re   *regexp.Regexp
	with string
}

// replacements match the names as whole words (case-insensitively for
// the host name, which DNS treats so), so that a user called "root" does
// not turn "untrusted_root" into nonsense.
func replacements(facts map[string]string) []replacement {
	var out []replacement
	add := func(name, with string, fold bool) {
		name = strings.TrimSpace(name)
		if name == "" {
			return
		}
		pat := `(^|[^A-Za-z0-9_.-])` + regexp.QuoteMeta(name) + `($|[^A-Za-z0-9_-])`
		if fold {
			pat = "(?i)" + pat
		}
		out = append(out, replacement{regexp.MustCompile(pat), "${1}" + with + "${2}"})
	}
	host := facts["hostname"]
	add(host, HiddenHost, true)
	if short, _, ok := strings.Cut(host, "."); ok {
		add(short, HiddenHost, true)
	}
	user := facts["user"]
	if _, after, ok := strings.Cut(user, `\`); ok { // DOMAIN\user
		add(user, HiddenUser, true)
		user = after
	}
	add(user, HiddenUser, false)
	return out
}

// applyAll replaces twice: a match consumes the separator after it, so
// "alice alice" needs a second pass.
func applyAll(repl []replacement, s string) string {
	for pass := 0; pass < 2; pass++ {
		for _, r := range repl {
			s = r.re.ReplaceAllString(s, r.with)
		}
	}
	return s
}
