package guide

import (
	"sync"
)

// Products are the gateway products the engine recognises (checks.ProductInfo
// ids); products.json may hold IT's fix for a finding on one of them.
var Products = []string{"cisco_asa", "fortigate", "paloalto", "ocserv", "ivanti", "sonicwall", "checkpoint"}

// productFixes is products.json: per language, per finding id, per product,
// IT's fix on that product. A finding without a variant for the product
// keeps its general it_fix.
type productFixes map[Lang]map[string]map[string][]string

// productsOnce loads products.json once per Guide.
type productsOnce struct {
	once sync.Once
	m    productFixes
	err  error
}

func (g *Guide) productFix(lang Lang, id, product string) ([]string, error) {
	g.products.once.Do(func() {
		var m productFixes
		if err := readJSON(g.fsys, "products.json", &m); err != nil {
			g.products.err = err
			return
		}
		g.products.m = m
	})
	return g.products.m[lang][id][product], g.products.err
}
