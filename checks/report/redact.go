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
// the host name, which DNS treats so). A user name that is also a common
// word ("root", "admin") is replaced only where it names the user: in
// home-directory paths and DOMAIN\user forms, so that "/crl/root.crl" and
// "untrusted_root" stay intact.
func replacements(facts map[string]string) []replacement {
	var out []replacement
	word := func(name, with string, fold bool) {
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
	word(host, HiddenHost, true)
	if short, _, ok := strings.Cut(host, "."); ok {
		word(short, HiddenHost, true)
	}
	user := strings.TrimSpace(facts["user"])
	if _, after, ok := strings.Cut(user, `\`); ok { // DOMAIN\user
		word(user, HiddenUser, true)
		user = after
	}
	if user == "" {
		return out
	}
	// Home directories on Linux, macOS and Windows (also JSON-escaped).
	home := `(?i)(/home/|/Users/|\\Users\\|\\\\Users\\\\)` + regexp.QuoteMeta(user) + `($|[^A-Za-z0-9_.-])`
	out = append(out, replacement{regexp.MustCompile(home), "${1}" + HiddenUser + "${2}"})
	if !commonAccount[strings.ToLower(user)] {
		word(user, HiddenUser, false)
	}
	return out
}

// commonAccount names are also ordinary words in certificates and URLs.
var commonAccount = map[string]bool{
	"root": true, "admin": true, "administrator": true, "user": true, "guest": true,
	"test": true, "pi": true, "ubuntu": true, "debian": true, "vagrant": true, "ca": true,
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

// RedactText hides this computer's name and the user's name (facts
// "hostname" and "user") in any text, by the report's rules: the crash file
// uses it.
func RedactText(s string, facts map[string]string) string {
	return applyAll(replacements(facts), s)
}
