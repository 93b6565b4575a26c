// Package config reads vpndoctor.json, the file through which IT
// pre-configures vpndoctor so that users only double-click: the gateway to
// check, the time server, extra company roots, the certificate the gateway
// is expected to show, whom to contact, and the language.
//
// The file is looked for in several places (see Paths) and only the first
// one found is read: its settings are used and nothing is merged from the
// others. A problem in the file never stops the program: each one becomes a
// Problem in plain words (which file, which line, what is wrong), the
// setting it concerns is left out, and every other setting is still used.
//
// Package config imports checks (to read addresses the way the engine
// does) but neither Fyne nor platform/.
package config

import (
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
)

// FileName is the settings file's name in every place it is looked for.
const FileName = "vpndoctor.json"

// maxSize bounds what is read: a settings file with a few PEM certificates
// is a few kilobytes.
const maxSize = 4 << 20

// Config is what IT set. The zero value means "nothing set": every field
// then keeps vpndoctor's own default.
type Config struct {
	// Gateways are VPN server addresses as a person would type them
	// (host, host:port or https://host/path); the first is filled in.
	Gateways []string
	// NTPServer is host or host:port (port 123 by default).
	NTPServer string
	// ExtraRoots are company root certificates, trusted on top of the
	// computer's own trust store.
	ExtraRoots []*x509.Certificate
	// ExpectedCert is the certificate the gateway is expected to show.
	ExpectedCert ExpectedCert
	// Support is whom users should contact; shown on the result page and
	// in the report.
	Support Support
	// Language is "ja", "en" or "" (from the OS).
	Language string
	// Client names the VPN client users run ("anyconnect", a profile id
	// such as "anyconnect-macos"; see `vpndoctor clients`), so findings are
	// judged by its rules; "" means detect it (issue 12).
	Client string
	// Source is the file the settings came from ("" when none was found).
	Source string
}

// ExpectedCert is the gateway certificate IT expects. A chain that matches
// neither a fingerprint nor the issuer is reported as unexpected_certificate
// (or tls_interception when a known inspection product made it).
type ExpectedCert struct {
	// SHA256 are fingerprints of certificates of the gateway's chain (the
	// leaf, or a CA of it), lowercase hex without separators.
	SHA256 []string
	// Issuer is text the gateway certificate's issuer name contains,
	// compared without regard to case ("Example Corp Issuing CA").
	Issuer string
}

// Set reports whether anything is expected.
func (e ExpectedCert) Set() bool { return len(e.SHA256) > 0 || e.Issuer != "" }

// Support is IT's contact for users.
type Support struct {
	Name  string
	Email string
	Phone string
	URL   string
}

// Set reports whether any way of contact is given.
func (s Support) Set() bool { return s != Support{} }

// Load reads the first of paths that exists (see Paths for the order) and
// returns its settings and every problem found in it. Paths that do not
// exist are skipped; one that exists but cannot be read is reported and the
// next is tried. With no file found, Load returns the zero Config and no
// problem.
func Load(paths []string) (Config, []Problem) {
	var problems []Problem
	for _, p := range paths {
		data, err := readFile(p)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			problems = append(problems, Problem{File: p, Msg: readError(err)})
			continue
		}
		cfg, ps := Parse(p, data)
		return cfg, append(problems, ps...)
	}
	return Config{}, problems
}

// LoadFile reads one named file (a --config flag); unlike Load, a missing
// file is a problem.
func LoadFile(path string) (Config, []Problem) {
	data, err := readFile(path)
	if err != nil {
		return Config{}, []Problem{{File: path, Msg: readError(err)}}
	}
	return Parse(path, data)
}

func readFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if st.IsDir() {
		return nil, errIsDir
	}
	data, err := io.ReadAll(io.LimitReader(f, maxSize+1))
	if err != nil {
		return nil, err
	}
	if len(data) > maxSize {
		return nil, errTooLarge
	}
	return data, nil
}

var (
	errIsDir    = errors.New("is a folder")
	errTooLarge = errors.New("too large")
)

func readError(err error) string {
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return "there is no such file"
	case errors.Is(err, fs.ErrPermission):
		return "vpndoctor may not read this file (its permissions do not allow it); the settings in it are not used"
	case errors.Is(err, errIsDir):
		return "this is a folder, not a file; the settings file itself goes there, named " + FileName
	case errors.Is(err, errTooLarge):
		return fmt.Sprintf("the file is larger than %d MB, far more than settings need; it is not used", maxSize>>20)
	}
	return fmt.Sprintf("the file cannot be read (%v); the settings in it are not used", err)
}
