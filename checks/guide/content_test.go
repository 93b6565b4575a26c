package guide

import (
	"go/ast"
	"go/parser"
	"go/token"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// modelPath is the engine's model, the contract this guide follows;
// rendererPath holds the evidence the report package adds for the guide.
const (
	modelPath    = "../model.go"
	rendererPath = "../report/timewords.go"
)

// notReported are ids that never appear in a report.
var notReported = []string{"bad_input"}

// model reads the finding ids (constants of type ID) and the evidence keys
// (constants named Ev...) from checks/model.go and from the evidence
// checks/report adds for the guide, so that an id or a key added there is
// seen here without anyone updating a list.
func model(t *testing.T) (ids []string, evKeys map[string]bool) {
	t.Helper()
	evKeys = map[string]bool{}
	for _, path := range []string{modelPath, rendererPath} {
		f, err := parser.ParseFile(token.NewFileSet(), path, nil, 0)
		if err != nil {
			t.Fatalf("parse %s: %v", path, err)
		}
		ids = append(ids, constants(t, f, evKeys)...)
	}
	if len(ids) < 20 || len(evKeys) < 20 {
		t.Fatalf("%s: found %d ids and %d evidence keys; has the model moved?", modelPath, len(ids), len(evKeys))
	}
	return ids, evKeys
}

// constants adds the file's Ev* string constants to evKeys and returns its
// ID constants.
func constants(t *testing.T, f *ast.File, evKeys map[string]bool) (ids []string) {
	for _, decl := range f.Decls {
		gd, ok := decl.(*ast.GenDecl)
		if !ok || gd.Tok != token.CONST {
			continue
		}
		for _, spec := range gd.Specs {
			vs := spec.(*ast.ValueSpec)
			for i, name := range vs.Names {
				if i >= len(vs.Values) {
					continue
				}
				lit, ok := vs.Values[i].(*ast.BasicLit)
				if !ok || lit.Kind != token.STRING {
					continue
				}
				v, err := strconv.Unquote(lit.Value)
				if err != nil {
					t.Fatal(err)
				}
				if typ, ok := vs.Type.(*ast.Ident); ok && typ.Name == "ID" {
					ids = append(ids, v)
				}
				if strings.HasPrefix(name.Name, "Ev") {
					evKeys[v] = true
				}
			}
		}
	}
	return ids
}

func guideT(t *testing.T) *Guide {
	t.Helper()
	g, err := Default()
	if err != nil {
		t.Fatalf("load the embedded guide: %v", err)
	}
	for _, lang := range Langs { // the tests read g.texts directly
		if _, err := g.entries(lang); err != nil {
			t.Fatalf("load the embedded guide: %v", err)
		}
	}
	return g
}

func TestEveryFindingHasAnEntry(t *testing.T) {
	ids, _ := model(t)
	g := guideT(t)
	var want []string
	for _, id := range ids {
		if !slices.Contains(notReported, id) {
			want = append(want, id)
		}
	}
	sort.Strings(want)
	if got := g.IDs(); !slices.Equal(got, want) {
		t.Errorf("findings.json ids differ from checks/model.go\n missing: %v\n extra:   %v", minus(want, got), minus(got, want))
	}
	for _, lang := range Langs {
		var got []string
		for id := range g.texts[lang] {
			got = append(got, id)
		}
		sort.Strings(got)
		if !slices.Equal(got, want) {
			t.Errorf("%s.json: missing %v, extra %v", lang, minus(want, got), minus(got, want))
		}
	}
}

func TestEveryEntryIsComplete(t *testing.T) {
	g := guideT(t)
	for _, id := range g.IDs() {
		for _, lang := range Langs {
			e, ok := g.texts[lang][id]
			if !ok {
				continue // reported by TestEveryFindingHasAnEntry
			}
			where := string(lang) + ".json: " + id
			for field, s := range map[string]string{
				"headline": e.Headline, "meaning": e.Meaning, "when_to_call_it": e.WhenToCall, "tell_it": e.TellIT,
			} {
				if strings.TrimSpace(s) == "" {
					t.Errorf("%s: no %s", where, field)
				}
			}
			if len(nonEmpty(e.ITFix)) == 0 {
				t.Errorf("%s: no it_fix", where)
			}
			for _, os := range AllOS {
				if len(nonEmpty(e.Steps[os])) == 0 {
					t.Errorf("%s: no steps for %s", where, os)
				}
			}
			for _, s := range e.strings() {
				if s != strings.TrimSpace(s) {
					t.Errorf("%s: leading or trailing space in %q", where, s)
				}
			}
		}
	}
}

// TestStepsRenderForEveryOS renders every entry the way a renderer does,
// with and without evidence, in both languages.
func TestStepsRenderForEveryOS(t *testing.T) {
	_, evKeys := model(t)
	full := map[string]string{}
	for k := range evKeys {
		full[k] = "x"
	}
	full["not_after"], full["not_before"], full["revoked_at"] = "2026-11-23T00:30:00Z", "2026-11-23T00:30:00Z", "2026-11-23T00:30:00Z"
	full["local_time"], full["true_time"] = "2024-11-23T00:30:00Z", "2026-11-23T00:30:00Z"
	g := guideT(t)
	for _, id := range g.IDs() {
		for _, lang := range Langs {
			for _, os := range AllOS {
				for _, ev := range []map[string]string{nil, full} {
					tx, err := g.For(id, lang, os, ev, jst)
					if err != nil {
						t.Fatal(err)
					}
					if len(tx.Steps) == 0 || tx.Headline == "" || tx.TellIT == "" || len(tx.ITFix) == 0 {
						t.Errorf("%s %s %s: empty part in %+v", id, lang, os, tx)
					}
					all := strings.Join(append(append([]string{tx.Headline, tx.Meaning, tx.WhenToCall, tx.TellIT}, tx.Steps...), tx.ITFix...), "\n")
					if strings.ContainsAny(all, "{}") {
						t.Errorf("%s %s %s: braces left after rendering", id, lang, os)
					}
				}
			}
		}
	}
}

// TestEvidenceContract checks the placeholders against the engine: each is an
// evidence key of checks/model.go and declared for its finding, and each
// declared key is mentioned, in both languages.
func TestEvidenceContract(t *testing.T) {
	_, evKeys := model(t)
	g := guideT(t)
	always := []string{"host", "port"}
	for _, id := range g.IDs() {
		f := g.findings[id]
		for _, k := range append(slices.Clone(f.Evidence), f.Optional...) {
			if !evKeys[k] {
				t.Errorf("findings.json: %s declares %q, which is not an evidence key in checks/model.go", id, k)
			}
		}
		for _, k := range f.Optional {
			if slices.Contains(f.Evidence, k) || slices.Contains(always, k) {
				t.Errorf("findings.json: %s: %q is both always there and optional", id, k)
			}
		}
		for _, lang := range Langs {
			e, ok := g.texts[lang][id]
			if !ok {
				continue
			}
			where := string(lang) + ".json: " + id
			mentioned := map[string]bool{} // unconditionally, outside the steps
			usedOptional := map[string]bool{}
			check := func(s string, common bool) {
				refs, err := parseRefs(s)
				if err != nil {
					t.Errorf("%s: %v", where, err)
					return
				}
				for _, r := range refs {
					switch {
					case !evKeys[r.Key]:
						t.Errorf("%s: {%s} is not an evidence key in checks/model.go", where, r.Key)
					case slices.Contains(f.Optional, r.Key):
						if r.Guard != r.Key {
							t.Errorf("%s: optional {%s} used outside {?%s:...}", where, r.Key, r.Key)
						}
						usedOptional[r.Key] = true
					case r.Cond:
						t.Errorf("%s: {?%s:...} but %q is not declared optional", where, r.Key, r.Key)
					case !slices.Contains(f.Evidence, r.Key) && !slices.Contains(always, r.Key):
						t.Errorf("%s: {%s} is not declared in findings.json (evidence: %v, optional: %v)", where, r.Key, f.Evidence, f.Optional)
					case common && r.Guard == "":
						mentioned[r.Key] = true
					}
				}
			}
			for _, s := range []string{e.Headline, e.Meaning, e.WhenToCall, e.TellIT} {
				check(s, true)
			}
			for _, s := range e.ITFix {
				check(s, true)
			}
			for _, os := range AllOS {
				for _, s := range e.Steps[os] {
					check(s, false)
				}
			}
			for _, k := range f.Evidence {
				if !mentioned[k] {
					t.Errorf("%s: declared evidence {%s} is never mentioned outside the steps", where, k)
				}
			}
			for _, k := range f.Optional {
				if !usedOptional[k] {
					t.Errorf("%s: optional evidence {%s} is never used", where, k)
				}
			}
			if refs, _ := parseRefs(e.TellIT); !slices.Contains(refs, ref{Key: "host"}) {
				t.Errorf("%s: tell_it does not name the server ({host})", where)
			}
		}
	}
}

func TestGuideEvidence(t *testing.T) {
	g := guideT(t)
	req, opt, ok := g.Evidence("missing_intermediate")
	if !ok || !slices.Contains(req, "missing_ca") || !slices.Contains(opt, "aia_url") {
		t.Errorf("Evidence(missing_intermediate) = %v, %v, %v", req, opt, ok)
	}
	if _, _, ok := g.Evidence("bad_input"); ok {
		t.Error("bad_input has guide text; it never appears in a report")
	}
}

// politeEnd matches the end of a sentence in です/ます form.
var politeEnd = regexp.MustCompile(`(です|ます|ません|でした|ました|ください|しょう)$`)

// TestJapaneseIsPolite checks that every Japanese sentence a user reads ends in
// です/ます form, with or without its optional parts.
func TestJapaneseIsPolite(t *testing.T) {
	g := guideT(t)
	for _, id := range g.IDs() {
		e := g.texts[Ja][id]
		texts := append([]string{e.Meaning, e.WhenToCall, e.TellIT}, e.ITFix...)
		for _, os := range AllOS {
			texts = append(texts, e.Steps[os]...)
		}
		for _, s := range texts {
			for _, keep := range []bool{false, true} {
				r, _ := expand(s, func(_, _ string, cond bool) (string, bool) { return "x", !cond || keep })
				if r == "" {
					continue
				}
				if !strings.HasSuffix(r, "。") {
					t.Errorf("ja.json: %s: does not end with 。: %q", id, r)
					continue
				}
				if !politeEnd.MatchString(stripTrailingAsides(strings.TrimSuffix(r, "。"))) {
					t.Errorf("ja.json: %s: not in です/ます form: %q", id, r)
				}
			}
		}
	}
}

// stripTrailingAsides drops closing brackets and bracketed asides at the end
// of a sentence: 「…を選びます（Windows 11 では…）」 ends in ます.
func stripTrailingAsides(s string) string {
	for {
		switch {
		case strings.HasSuffix(s, "）"):
			i := strings.LastIndex(s, "（")
			if i < 0 {
				return s
			}
			s = s[:i]
		case strings.HasSuffix(s, "」"):
			s = strings.TrimSuffix(s, "」")
		default:
			return s
		}
	}
}

// katakanaJargon lists loanwords a plain Japanese word says better, for the
// parts a user reads.
var katakanaJargon = []string{
	"サーティフィケート", "サーティフィケイト", "エクスパイア", "ベリファイ", "ベリフィケーション", "バリデーション",
	"ハンドシェイク", "インターセプト", "リボーク", "トラストストア", "クロック", "タイムスタンプ", "エラーコード",
}

func TestJapanesePlainWords(t *testing.T) {
	g := guideT(t)
	for _, id := range g.IDs() {
		e := g.texts[Ja][id]
		texts := []string{e.Headline, e.Meaning, e.WhenToCall}
		for _, os := range AllOS {
			texts = append(texts, e.Steps[os]...)
		}
		for _, s := range texts {
			for _, w := range katakanaJargon {
				if strings.Contains(s, w) {
					t.Errorf("ja.json: %s: %q: say it in plain Japanese instead of 「%s」", id, s, w)
				}
			}
		}
	}
}

func TestEnglishSentencesEnd(t *testing.T) {
	g := guideT(t)
	for _, id := range g.IDs() {
		e := g.texts[En][id]
		texts := append([]string{e.Meaning, e.WhenToCall, e.TellIT}, e.ITFix...)
		for _, os := range AllOS {
			texts = append(texts, e.Steps[os]...)
		}
		for _, s := range texts {
			r, _ := expand(s, func(_, _ string, cond bool) (string, bool) { return "x", true })
			if !strings.HasSuffix(r, ".") && !strings.HasSuffix(r, ".)") && !strings.HasSuffix(r, ")") {
				t.Errorf("en.json: %s: sentence does not end: %q", id, r)
			}
		}
	}
}

func nonEmpty(ss []string) []string {
	var out []string
	for _, s := range ss {
		if strings.TrimSpace(s) != "" {
			out = append(out, s)
		}
	}
	return out
}

func minus(a, b []string) []string {
	var out []string
	for _, x := range a {
		if !slices.Contains(b, x) {
			out = append(out, x)
		}
	}
	return out
}
