package ui

import (
	"embed"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/vpndoctor/vpndoctor/checks/guide"
)

// The wizard's own labels live in translations/<lang>.json, flat files in
// the go-i18n format Fyne's lang package reads. They are not loaded through
// lang.L: Fyne picks one locale from the system when the program starts and
// offers no way to change it later, and the wizard has a language switch.
// So the files are read into one map per guide.Lang, and the switch simply
// renders the screen again with the other map.
//
//go:embed translations/*.json
var translationFiles embed.FS

// labels maps a key to its text in one language.
type labels map[string]string

var allLabels = mustLoadLabels()

func mustLoadLabels() map[guide.Lang]labels {
	out := map[guide.Lang]labels{}
	for _, l := range guide.Langs {
		data, err := translationFiles.ReadFile("translations/" + string(l) + ".json")
		if err != nil {
			panic(fmt.Sprintf("ui: %v", err)) // embedded: a build without it is broken
		}
		m := labels{}
		if err := json.Unmarshal(data, &m); err != nil {
			panic(fmt.Sprintf("ui: translations/%s.json: %v", l, err))
		}
		out[l] = m
	}
	return out
}

// text returns the label for key in lang, with {name} placeholders filled
// from args given as name, value pairs. A key missing in lang falls back to
// English, and a key missing there too shows as itself, so a gap is visible
// rather than blank (the tests check that both files have every key).
func text(lang guide.Lang, key string, args ...string) string {
	s, ok := allLabels[lang][key]
	if !ok {
		if s, ok = allLabels[guide.En][key]; !ok {
			s = key
		}
	}
	if len(args) == 0 {
		return s
	}
	pairs := make([]string, 0, len(args))
	for i := 0; i+1 < len(args); i += 2 {
		pairs = append(pairs, "{"+args[i]+"}", args[i+1])
	}
	return strings.NewReplacer(pairs...).Replace(s)
}

func hasLabel(key string) bool {
	_, ok := allLabels[guide.En][key]
	return ok
}
