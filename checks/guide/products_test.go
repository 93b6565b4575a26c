package guide

import (
	"slices"
	"strings"
	"testing"
)

// products.json follows the same rules as the texts it replaces: known ids
// and products, declared evidence only, optional evidence guarded, polite
// Japanese, ended English sentences and no forbidden advice.
func TestProductFixesFollowTheRules(t *testing.T) {
	g := guideT(t)
	if _, err := g.productFix(En, "", ""); err != nil {
		t.Fatal(err)
	}
	n := 0
	for lang, byID := range g.products.m {
		if !slices.Contains(Langs, lang) {
			t.Errorf("products.json: unknown language %q", lang)
		}
		for id, byProduct := range byID {
			f, ok := g.findings[id]
			if !ok {
				t.Errorf("products.json: %s is not a finding", id)
				continue
			}
			for product, lines := range byProduct {
				where := string(lang) + "/" + id + "/" + product
				if !slices.Contains(Products, product) {
					t.Errorf("products.json: %s: unknown product", where)
				}
				for _, s := range lines {
					n++
					checkProductLine(t, where, lang, s, f)
				}
			}
		}
	}
	if n == 0 {
		t.Fatal("products.json holds no fix")
	}
}

func checkProductLine(t *testing.T, where string, lang Lang, s string, f finding) {
	t.Helper()
	refs, err := parseRefs(s)
	if err != nil {
		t.Errorf("%s: %v", where, err)
		return
	}
	for _, r := range refs {
		declared := slices.Contains(f.Evidence, r.Key) || r.Key == "host" || r.Key == "port"
		optional := slices.Contains(f.Optional, r.Key)
		if !declared && !optional || optional && r.Guard != r.Key {
			t.Errorf("%s: {%s} is not declared for the finding, or optional and unguarded", where, r.Key)
		}
	}
	for _, fb := range forbidden {
		if m := fb.re.FindString(s); m != "" {
			t.Errorf("%s: forbidden advice %q", where, m)
		}
	}
	r, _ := expand(s, func(_, _ string, cond bool) (string, bool) { return "x", true })
	if lang == Ja && (!strings.HasSuffix(r, "。") || !politeEnd.MatchString(stripTrailingAsides(strings.TrimSuffix(r, "。")))) {
		t.Errorf("%s: not in です/ます form: %q", where, r)
	}
	if lang == En && !strings.HasSuffix(r, ".") {
		t.Errorf("%s: sentence does not end: %q", where, r)
	}
}

// IT sees the fix for the product found, and the general fix otherwise.
func TestForPicksTheProductFix(t *testing.T) {
	g := guideT(t)
	ev := map[string]string{"host": "vpn.example.co.jp", "port": "443", "missing_ca": "Example CA 2", "gateway_product": "fortigate"}
	txt, err := g.For("missing_intermediate", En, Windows, ev, nil)
	if err != nil {
		t.Fatal(err)
	}
	all := strings.Join(txt.ITFix, "\n")
	if !strings.Contains(all, "CA Certificate") || strings.Contains(all, "trust-point") || strings.Contains(all, "Palo Alto") {
		t.Errorf("FortiGate fix = %q", all)
	}
	delete(ev, "gateway_product")
	general, _ := g.For("missing_intermediate", En, Windows, ev, nil)
	if strings.Join(general.ITFix, "\n") == all {
		t.Error("without a product the general fix should be shown")
	}
	ev["gateway_product"] = "sonicwall" // no variant: the general fix
	other, _ := g.For("missing_intermediate", En, Windows, ev, nil)
	if strings.Join(other.ITFix, "\n") != strings.Join(general.ITFix, "\n") {
		t.Error("a product without a variant should get the general fix")
	}
}
