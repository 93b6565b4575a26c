// Package platform reads what the diagnosis needs from the operating system:
// the trust store as the OS sees it, the client identities (certificates with
// a private key), system facts that explain certificate failures (clock, time
// sync, DNS, proxy) and the VPN gateways the installed clients know.
//
// One file per OS by file-name suffix, behind the Platform interface. The
// parsers of every external format (command output, XML, plists, registry
// strings) live in OS-neutral files so that they are tested everywhere.
// Nothing here fails hard: a fact that cannot be read is reported as unknown,
// with the reason.
package platform

import (
	"context"
	"crypto/x509"
	"errors"
	"time"

	"github.com/vpndoctor/vpndoctor/checks"
)

// Platform is what cmd gets from New.
type Platform interface {
	// TrustStore returns the OS trust store. Its Load reads afresh on every
	// call, so a root installed while the program runs is seen.
	TrustStore() checks.TrustStore
	// Facts never fails; what could not be read is listed in Facts.Unknown.
	Facts(ctx context.Context) Facts
	// Gateways lists the VPN gateways the installed clients are configured
	// for. Clients that are absent contribute nothing.
	Gateways(ctx context.Context) []Gateway
	// ClientIdentities lists certificates that have a private key: Windows
	// MY stores, macOS find-identity, the user's NSS database on Linux.
	ClientIdentities(ctx context.Context) ([]Identity, error)
	// RefreshHint is the command that makes a newly added root take effect,
	// picked by probing which command exists; "" when there is none.
	RefreshHint() string
	// OSVerdict asks the OS's own verifier about the chain a gateway sent
	// (leaf first) for host, within ctx. It returns ErrNotSupported where
	// the OS has no verifier we can ask.
	OSVerdict(ctx context.Context, chain []*x509.Certificate, host string) (checks.OSVerdict, error)
}

// VerdictTrusted is ParseVerifyCert's answer when macOS accepts the chain.
// Any other answer is the OS's refusal in its own terms (an error code and
// its name), kept raw because the platform verifiers map many causes to one
// code.
const VerdictTrusted = "trusted"

// verdict turns a verifier's raw answer into the engine's typed one.
func verdict(verifier, raw string) checks.OSVerdict {
	if raw == VerdictTrusted {
		return checks.OSVerdict{Verifier: verifier, Trusted: true}
	}
	return checks.OSVerdict{Verifier: verifier, Reason: raw}
}

// ErrNotSupported is returned for what this OS cannot do.
var ErrNotSupported = errors.New("not available on this operating system")

// New returns the adapter for the running OS.
func New() Platform { return newPlatform() }

// Time sync states in Facts.TimeSync.
const (
	SyncOn      = "on"
	SyncOff     = "off"
	SyncUnknown = "unknown"
)

// Facts are system facts that explain certificate failures.
type Facts struct {
	OS        string    `json:"os"`
	OSVersion string    `json:"os_version"`
	Hostname  string    `json:"hostname"`
	User      string    `json:"user"`
	LocalTime time.Time `json:"local_time"`
	TimeZone  string    `json:"time_zone"`
	// TimeSync is SyncOn, SyncOff or SyncUnknown: whether the OS is set to
	// keep its clock in step with a time server.
	TimeSync string `json:"time_sync"`
	// TimeSynced says whether the clock is in step now ("yes", "no",
	// "unknown"), where the OS tells.
	TimeSynced string `json:"time_synced"`
	NTPServer  string `json:"ntp_server"`
	// NTPServers are the servers to ask, read from NTPServer's setting
	// (lists, flags and names such as NT5DS resolved; see TimeServers).
	NTPServers []string `json:"ntp_servers,omitempty"`
	DNSServers []string `json:"dns_servers"`
	// Proxy maps a scheme or setting ("http", "https", "no_proxy", "pac")
	// to its value, with where it was set in the key when that matters.
	Proxy map[string]string `json:"proxy"`
	// Unknown maps a fact's JSON name to why it could not be read.
	Unknown map[string]string `json:"unknown,omitempty"`
}

func newFacts(osName string) Facts {
	return Facts{
		OS:         osName,
		LocalTime:  time.Now(),
		TimeSync:   SyncUnknown,
		TimeSynced: "unknown",
		Proxy:      map[string]string{},
		Unknown:    map[string]string{},
	}
}

// unknown records why a fact could not be read. The first reason wins: it
// is the one from the most authoritative source.
func (f *Facts) unknown(fact, why string) {
	if _, ok := f.Unknown[fact]; !ok {
		f.Unknown[fact] = why
	}
}

// known clears a fact's unknown reason once a later source supplied it.
func (f *Facts) known(fact string) { delete(f.Unknown, fact) }

// Gateway is a VPN gateway a client is configured for.
type Gateway struct {
	Client        string `json:"client"`
	ClientVersion string `json:"client_version,omitempty"`
	// Name is the label the user sees in the client; Address is what the
	// client connects to (host, host:port or URL).
	Name    string `json:"name,omitempty"`
	Address string `json:"address"`
	// Source is the file or registry key it came from.
	Source string `json:"source"`
}

// Identity is a certificate with a private key, a candidate client
// certificate for the gateway.
type Identity struct {
	Subject  string            `json:"subject"`
	Issuer   string            `json:"issuer"`
	NotAfter time.Time         `json:"not_after"`
	SHA256   string            `json:"sha256"`
	Origin   string            `json:"origin"`
	Cert     *x509.Certificate `json:"-"`
}

func newIdentity(c *x509.Certificate, origin string) Identity {
	return Identity{
		Subject:  c.Subject.String(),
		Issuer:   c.Issuer.String(),
		NotAfter: c.NotAfter,
		SHA256:   fingerprint(c),
		Origin:   origin,
		Cert:     c,
	}
}
