package ui

import (
	"errors"
	"fmt"
	"net"
	"strings"
	"sync"

	"github.com/vpndoctor/vpndoctor/checks"
	"github.com/vpndoctor/vpndoctor/checks/practice"
)

// practiceLab starts the practice gateways the first time a practice
// problem is chosen and keeps them for the app's life. Its methods block
// while the lab starts: call them off Fyne's goroutine (close excepted,
// which runs when the app stops).
type practiceLab struct {
	once sync.Once
	lab  *practice.Lab
	err  error
}

var errLabClosed = errors.New("the practice gateways were stopped")

func (p *practiceLab) get() (*practice.Lab, error) {
	p.once.Do(func() { p.lab, p.err = practice.Start(practice.Config{}) })
	return p.lab, p.err
}

// target is the practice gateway's address for scenario name.
func (p *practiceLab) target(name string) (string, error) {
	lab, err := p.get()
	if err != nil {
		return "", err
	}
	return lab.Target(name)
}

// check gives what a check of scenario name needs.
func (p *practiceLab) check(name string) (checks.Target, checks.Options, error) {
	lab, err := p.get()
	if err != nil {
		return checks.Target{}, checks.Options{}, err
	}
	addr, err := lab.Target(name)
	if err != nil {
		return checks.Target{}, checks.Options{}, err
	}
	t, err := checks.ParseTarget(addr)
	if err != nil {
		return t, checks.Options{}, err
	}
	opts, err := lab.Options(name)
	return t, opts, err
}

// scenarioAt finds the practice problem whose gateway is host.
func (p *practiceLab) scenarioAt(host string) (string, error) {
	lab, err := p.get()
	if err != nil {
		return "", err
	}
	for _, s := range practice.Scenarios() {
		addr, err := lab.Target(s.Name)
		if err != nil {
			continue
		}
		if h, _, err := net.SplitHostPort(addr); err == nil && strings.EqualFold(h, host) {
			return s.Name, nil
		}
	}
	return "", fmt.Errorf("%s is not one of the practice gateways", host)
}

// close stops the gateways, if they were started (waiting for a start in
// progress), and makes later starts fail.
func (p *practiceLab) close() {
	p.once.Do(func() { p.err = errLabClosed })
	if p.lab != nil {
		_ = p.lab.Close()
	}
}
