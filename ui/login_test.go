package ui

import (
	"context"
	"errors"
	"net"
	"testing"

	"fyne.io/fyne/v2/test"

	"github.com/vpndoctor/vpndoctor/checks"
	"github.com/vpndoctor/vpndoctor/checks/guide"
)

// The result screen shows one line per endpoint of the login.
func TestResultListsEndpoints(t *testing.T) {
	cfg := Config{Lang: guide.En, NewOptions: func() checks.Options {
		return checks.Options{
			Resolver: &net.Resolver{PreferGo: true,
				Dial: func(context.Context, string, string) (net.Conn, error) { return nil, errors.New("offline test") }},
			LoginOptions: checks.LoginOptions{Endpoints: []checks.Endpoint{{Role: checks.EndpointPortal, Address: "portal.example.co.jp"}}},
		}
	}}
	h := newHarness(t, cfg)
	h.typeAddress("vpn.example.co.jp")
	test.Tap(h.button("Check"))
	rep := h.waitResult()
	if len(rep.Endpoints) != 2 {
		t.Fatalf("endpoints %+v", rep.Endpoints)
	}
	for _, want := range []string{"Servers of this login", "Checked address  vpn.example.co.jp:443", "Portal  portal.example.co.jp:443  name not found (dns_failure)"} {
		if !h.shows(want) {
			t.Errorf("the result screen does not show %q", want)
		}
	}
}
