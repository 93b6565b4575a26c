//go:build !windows && !darwin

package platform

// UILanguages: on Linux and other Unix systems the session's locale
// variables (LANG, LC_*) already say it.
func UILanguages() []string { return nil }
