//go:build !linux && !windows && !darwin

package platform

import (
	"context"
	"crypto/x509"
	"errors"
	"os"
	"runtime"

	"github.com/vpndoctor/vpndoctor/checks"
)

// errUnsupportedOS says plainly that this OS has no adapter.
var errUnsupportedOS = errors.New("vpndoctor does not support " + runtime.GOOS + ": it cannot read this system's trust store")

type otherPlatform struct{}

func newPlatform() Platform { return otherPlatform{} }

type unsupportedStore struct{}

func (unsupportedStore) Load(context.Context) (*checks.TrustSnapshot, error) {
	return nil, errUnsupportedOS
}

func (otherPlatform) TrustStore() checks.TrustStore { return unsupportedStore{} }
func (otherPlatform) RefreshHint() string           { return "" }
func (otherPlatform) ClientIdentities(context.Context) ([]Identity, error) {
	return nil, errUnsupportedOS
}
func (otherPlatform) Gateways(context.Context) []Gateway { return nil }

func (otherPlatform) OSVerdict(context.Context, []*x509.Certificate, string) (checks.OSVerdict, error) {
	return checks.OSVerdict{}, ErrNotSupported
}

func (otherPlatform) Facts(context.Context) Facts {
	f := newFacts(runtime.GOOS)
	f.Hostname, _ = os.Hostname()
	f.TimeZone = zoneLabel("", f.LocalTime)
	f.Proxy = proxyFromEnv(os.Getenv)
	for _, fact := range []string{"os_version", "time_sync", "ntp_server", "dns_servers"} {
		f.unknown(fact, runtime.GOOS+" is not supported")
	}
	return f
}
