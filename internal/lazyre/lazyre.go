// Package lazyre holds regular expressions that are compiled the first time
// they are used instead of at program start.
//
// Every regexp.MustCompile in a package-level variable runs before main, on
// every start, for every command: vpndoctor's ~25 patterns (login pages,
// macOS and Windows tool output, report redaction) cost about 3 ms and 3,000
// allocations of a 25 ms `vpndoctor check`, although a healthy check uses
// one or two of them and `vpndoctor version` none (GODEBUG=inittrace=1).
package lazyre

import (
	"regexp"
	"sync"
)

// Regexp is a *regexp.Regexp compiled on first use. Every pattern is
// recorded, and cmd/vpndoctor's TestEveryPatternCompiles compiles them all,
// so a typo fails a test, not a user.
type Regexp struct {
	pattern string
	get     func() *regexp.Regexp
}

var (
	mu  sync.Mutex
	all []string
)

// New returns the lazily compiled pattern.
func New(pattern string) *Regexp {
	mu.Lock()
	all = append(all, pattern)
	mu.Unlock()
	return &Regexp{pattern: pattern, get: sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(pattern)
	})}
}

// Re compiles the pattern if needed and returns it.
func (r *Regexp) Re() *regexp.Regexp { return r.get() }

// String is the source text.
func (r *Regexp) String() string { return r.pattern }

func (r *Regexp) MatchString(s string) bool              { return r.get().MatchString(s) }
func (r *Regexp) Match(b []byte) bool                    { return r.get().Match(b) }
func (r *Regexp) FindString(s string) string             { return r.get().FindString(s) }
func (r *Regexp) FindStringSubmatch(s string) []string   { return r.get().FindStringSubmatch(s) }
func (r *Regexp) FindSubmatch(b []byte) [][]byte         { return r.get().FindSubmatch(b) }
func (r *Regexp) FindAllString(s string, n int) []string { return r.get().FindAllString(s, n) }
func (r *Regexp) ReplaceAllString(src, repl string) string {
	return r.get().ReplaceAllString(src, repl)
}
func (r *Regexp) ReplaceAllStringFunc(src string, f func(string) string) string {
	return r.get().ReplaceAllStringFunc(src, f)
}
func (r *Regexp) FindAllStringSubmatch(s string, n int) [][]string {
	return r.get().FindAllStringSubmatch(s, n)
}

// Patterns lists every pattern made with New in this program so far.
func Patterns() []string {
	mu.Lock()
	defer mu.Unlock()
	return append([]string(nil), all...)
}
