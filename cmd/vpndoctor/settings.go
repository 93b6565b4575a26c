package main

import (
	"fmt"
	"io"

	"github.com/vpndoctor/vpndoctor/checks"
	"github.com/vpndoctor/vpndoctor/checks/guide"
	"github.com/vpndoctor/vpndoctor/config"
)

// settings are IT's pre-configuration (vpndoctor.json) and what was wrong
// with it. A malformed file is reported and the program goes on with what
// could be read.
type settings struct {
	config.Config
	Problems []config.Problem
}

// loadSettings reads the file given with --config, else the first
// vpndoctor.json in the documented places.
func loadSettings(file string, stderr io.Writer) settings {
	var s settings
	if file != "" {
		s.Config, s.Problems = config.LoadFile(file)
	} else {
		s.Config, s.Problems = config.Load(config.Paths())
	}
	for _, p := range s.Problems {
		fmt.Fprintf(stderr, "vpndoctor: settings: %v\n", p)
	}
	return s
}

// apply adds IT's roots and expected certificate to a real gateway's
// options (never to a practice gateway's: those have their own PKI).
func (s settings) apply(o *checks.Options) {
	o.ExtraRoots = append(o.ExtraRoots, s.ExtraRoots...)
	if s.ExpectedCert.Set() {
		o.Expected = &checks.ExpectedCert{SHA256: s.ExpectedCert.SHA256, Issuer: s.ExpectedCert.Issuer}
	}
}

func (s settings) lang() guide.Lang {
	l, err := guide.ParseLang(s.Language)
	if err != nil {
		return ""
	}
	return l
}

// support flattens the support contact for reports and the wizard.
func (s settings) support() map[string]string {
	if !s.Support.Set() {
		return nil
	}
	m := map[string]string{"name": s.Support.Name, "email": s.Support.Email, "phone": s.Support.Phone, "url": s.Support.URL}
	for k, v := range m {
		if v == "" {
			delete(m, k)
		}
	}
	return m
}
