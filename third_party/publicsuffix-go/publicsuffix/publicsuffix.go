// Package publicsuffix stands in for github.com/weppos/publicsuffix-go
// (go.mod replaces it with this directory). zcrypto's x509 imports it only
// for Certificate.GetParsedDNSNames and GetParsedSubjectCommonName, zlint
// helpers vpndoctor never calls; the real package builds its 10,000-rule
// list at program start (6 to 30 ms measured here, 870 KB of allocations),
// which every diagnosis would pay. This stand-in has no rules: every lookup
// fails, which zcrypto reports as a parse error of that name.
package publicsuffix

import "errors"

// Rule is a public suffix rule.
type Rule struct{}

// List is a list of rules; this one is always empty.
type List struct{}

// FindOptions are the real package's lookup options.
type FindOptions struct {
	IgnorePrivate bool
	DefaultRule   *Rule
}

// DomainName is a name split at its public suffix.
type DomainName struct {
	TLD, SLD, TRD string
	Rule          *Rule
}

// String joins the labels that are set.
func (d *DomainName) String() string {
	if d == nil {
		return ""
	}
	s := d.TLD
	if d.SLD != "" {
		s = d.SLD + "." + s
	}
	if d.TRD != "" {
		s = d.TRD + "." + s
	}
	return s
}

// DefaultList is the empty list.
var DefaultList = &List{}

// DefaultRule is the "*" rule.
var DefaultRule = &Rule{}

var errNoList = errors.New("publicsuffix: this build has no public suffix list")

// ParseFromListWithOptions always fails: there is no list.
func ParseFromListWithOptions(_ *List, _ string, _ *FindOptions) (*DomainName, error) {
	return nil, errNoList
}
