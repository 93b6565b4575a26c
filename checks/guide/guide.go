package guide

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io/fs"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/vpndoctor/vpndoctor/assets"
)

// Text is the guide for one finding, in one language, for one OS, with the
// evidence filled in.
type Text struct {
	ID        string
	Lang      Lang
	OS        OS
	Headline  string
	Meaning   string
	Side      string // "device", "network", "gateway" or "none"
	SideLabel string // Side in words; empty for "none"
	Steps     []string
	// WhenToCall says when to stop and contact IT.
	WhenToCall string
	// TellIT is a short message the user can send IT as it is.
	TellIT string
	// ITFix is for IT: what to change on the gateway or in the PKI.
	ITFix []string
}

// Sides a finding can be on.
var Sides = []string{"device", "network", "gateway", "none"}

// finding is an entry of findings.json: what all languages share.
type finding struct {
	Side     string   `json:"side"`
	Evidence []string `json:"evidence"`
	Optional []string `json:"optional_evidence,omitempty"`
}

// entry is one finding's texts in one language file.
type entry struct {
	Headline   string          `json:"headline"`
	Meaning    string          `json:"meaning"`
	Steps      map[OS][]string `json:"steps"`
	WhenToCall string          `json:"when_to_call_it"`
	TellIT     string          `json:"tell_it"`
	ITFix      []string        `json:"it_fix"`
}

// Guide is the loaded fix guide. A language's texts are read on first use,
// and an entry is decoded when it is first asked for: the command line
// prints one or two entries in one language, and decoding everything was
// most of its start-up cost.
type Guide struct {
	fsys     fs.FS
	findings map[string]finding
	mu       sync.Mutex
	raw      map[Lang]map[string]json.RawMessage
	texts    map[Lang]map[string]entry
	products productsOnce // issue 14: IT's fix per gateway product (products.go)
}

// Load reads findings.json and one <lang>.json per language from fsys. It
// checks the shape (known fields, known OS keys, well-formed placeholders);
// the tests check that the content is complete.
func Load(fsys fs.FS) (*Guide, error) {
	g, err := loadFindings(fsys)
	if err != nil {
		return nil, err
	}
	for _, lang := range Langs {
		if _, err := g.entries(lang); err != nil {
			return nil, err
		}
	}
	return g, nil
}

func loadFindings(fsys fs.FS) (*Guide, error) {
	g := &Guide{fsys: fsys, raw: map[Lang]map[string]json.RawMessage{}, texts: map[Lang]map[string]entry{}}
	if err := readJSON(fsys, "findings.json", &g.findings); err != nil {
		return nil, err
	}
	for id, f := range g.findings {
		if !slices.Contains(Sides, f.Side) {
			return nil, fmt.Errorf("findings.json: %s: side %q is not one of %v", id, f.Side, Sides)
		}
	}
	return g, nil
}

// entries decodes and checks every text of one language.
func (g *Guide) entries(lang Lang) (map[string]entry, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	raw, err := g.rawTexts(lang)
	if err != nil {
		return nil, err
	}
	for id := range raw {
		if _, _, err := g.decode(lang, id); err != nil {
			return nil, err
		}
	}
	return g.texts[lang], nil
}

// entry is one finding's text in one language; ok is false when it has none.
func (g *Guide) entry(lang Lang, id string) (e entry, ok bool, err error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if _, err := g.rawTexts(lang); err != nil {
		return entry{}, false, err
	}
	return g.decode(lang, id)
}

// rawTexts reads a language's file, its entries left undecoded. g.mu held.
func (g *Guide) rawTexts(lang Lang) (map[string]json.RawMessage, error) {
	if m, ok := g.raw[lang]; ok {
		return m, nil
	}
	if !slices.Contains(Langs, lang) {
		return nil, fmt.Errorf("guide: no texts in language %q", lang)
	}
	name := string(lang) + ".json"
	data, err := fs.ReadFile(g.fsys, name)
	if err != nil {
		return nil, fmt.Errorf("read guide: %w", err)
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, fmt.Errorf("read guide %s: %w", name, err)
	}
	for id := range m {
		if _, ok := g.findings[id]; !ok {
			return nil, fmt.Errorf("%s: %s is not in findings.json", name, id)
		}
	}
	g.raw[lang] = m
	g.texts[lang] = map[string]entry{}
	return m, nil
}

// decode turns one raw entry into checked text, once. g.mu held.
func (g *Guide) decode(lang Lang, id string) (entry, bool, error) {
	if e, ok := g.texts[lang][id]; ok {
		return e, true, nil
	}
	msg, ok := g.raw[lang][id]
	if !ok {
		return entry{}, false, nil
	}
	name := string(lang) + ".json"
	var e entry
	dec := json.NewDecoder(bytes.NewReader(msg))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&e); err != nil {
		return entry{}, false, fmt.Errorf("read guide %s: %s: %w", name, id, err)
	}
	if err := e.check(); err != nil {
		return entry{}, false, fmt.Errorf("%s: %s: %w", name, id, err)
	}
	g.texts[lang][id] = e
	return e, true, nil
}

func readJSON(fsys fs.FS, name string, v any) error {
	data, err := fs.ReadFile(fsys, name)
	if err != nil {
		return fmt.Errorf("read guide: %w", err)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("read guide %s: %w", name, err)
	}
	return nil
}

func (e entry) check() error {
	for os := range e.Steps {
		if !slices.Contains(AllOS, os) {
			return fmt.Errorf("steps: unknown system %q (want one of %v)", os, AllOS)
		}
	}
	for _, s := range e.strings() {
		if _, err := parseRefs(s); err != nil {
			return err
		}
	}
	return nil
}

// strings lists every text of the entry, steps of every OS included.
func (e entry) strings() []string {
	out := []string{e.Headline, e.Meaning, e.WhenToCall, e.TellIT}
	out = append(out, e.ITFix...)
	for _, os := range AllOS {
		out = append(out, e.Steps[os]...)
	}
	return out
}

var loadDefault = sync.OnceValues(func() (*Guide, error) {
	sub, err := fs.Sub(assets.Guide, "guide")
	if err != nil {
		return nil, err
	}
	return loadFindings(sub)
})

// Default is the guide embedded in the program.
func Default() (*Guide, error) { return loadDefault() }

// For renders the embedded guide's text for a finding; see [Guide.For].
func For(id string, lang Lang, os OS, evidence map[string]string, loc *time.Location) (Text, error) {
	g, err := Default()
	if err != nil {
		return Text{}, err
	}
	return g.For(id, lang, os, evidence, loc)
}

// IDs lists the finding ids the guide has texts for, sorted.
func (g *Guide) IDs() []string {
	ids := make([]string, 0, len(g.findings))
	for id := range g.findings {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return ids
}

// Evidence returns the evidence keys the guide expects for a finding: those
// the engine promises, and those it may add.
func (g *Guide) Evidence(id string) (required, optional []string, ok bool) {
	f, ok := g.findings[id]
	return slices.Clone(f.Evidence), slices.Clone(f.Optional), ok
}

// For renders the text for finding id in lang, with the steps for os, the
// placeholders filled from evidence and dates shown in loc (time.Local when
// nil).
func (g *Guide) For(id string, lang Lang, os OS, evidence map[string]string, loc *time.Location) (Text, error) {
	f, ok := g.findings[id]
	if !ok {
		return Text{}, fmt.Errorf("guide: no text for finding %q", id)
	}
	e, ok, err := g.entry(lang, id)
	if err != nil {
		return Text{}, err
	}
	if !ok {
		return Text{}, fmt.Errorf("guide: no %s text for finding %q", lang, id)
	}
	if !slices.Contains(AllOS, os) {
		return Text{}, fmt.Errorf("guide: unknown system %q", os)
	}
	r := renderer{lang: lang, ev: evidence, loc: loc, unknown: Labels(lang)["unknown"]}
	t := Text{
		ID: id, Lang: lang, OS: os,
		Headline:   r.one(e.Headline),
		Meaning:    r.one(e.Meaning),
		Side:       f.Side,
		Steps:      r.list(e.Steps[os]),
		WhenToCall: r.one(e.WhenToCall),
		TellIT:     r.one(e.TellIT),
		ITFix:      r.list(e.ITFix),
	}
	if f.Side != "none" {
		t.SideLabel = Labels(lang)["side."+f.Side]
	}
	if fix, _ := g.productFix(lang, id, evidence["gateway_product"]); len(fix) > 0 {
		t.ITFix = r.list(fix) // IT sees only the steps for the product found
	}
	return t, nil
}

type renderer struct {
	lang    Lang
	ev      map[string]string
	loc     *time.Location
	unknown string
}

func (r renderer) one(s string) string {
	out, err := expand(s, r.lookup)
	if err != nil {
		// Load checked every template; keep the words if one slips through.
		return s
	}
	return strings.TrimSpace(out)
}

func (r renderer) list(ss []string) []string {
	out := make([]string, 0, len(ss))
	for _, s := range ss {
		if v := r.one(s); v != "" {
			out = append(out, v)
		}
	}
	return out
}

func (r renderer) lookup(key, _ string, cond bool) (string, bool) {
	raw, ok := r.ev[key]
	ok = ok && strings.TrimSpace(raw) != ""
	if cond {
		return "", ok
	}
	if !ok {
		return r.unknown, false
	}
	return value(r.lang, key, raw, r.loc), true
}
