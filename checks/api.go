package checks

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"net"
	"net/http"
	"time"

	"github.com/vpndoctor/vpndoctor/checks/clients"
)

// StoreCert is a certificate from a trust store, with where it came from
// ("/etc/ssl/certs/ca-certificates.crt", "LocalMachine\\ROOT", "login keychain").
type StoreCert struct {
	// Cert is the parsed certificate; it is nil when a store left the
	// parsing to the engine and set DER instead.
	Cert   *x509.Certificate
	Origin string
	// DER is the certificate unparsed. A store with many roots (a system
	// bundle of some 150) may hand them over this way: the engine parses
	// only the few whose names an issuer in the chain matches.
	DER []byte
}

// Parsed returns the certificate, parsing DER when needed.
func (s StoreCert) Parsed() (*x509.Certificate, error) {
	if s.Cert != nil {
		return s.Cert, nil
	}
	return x509.ParseCertificate(s.DER)
}

// TrustSnapshot is a trust store as read at one moment.
type TrustSnapshot struct {
	// Name says which store this is, for people ("Linux system bundle").
	Name string
	// Roots are trusted anchors.
	Roots []StoreCert
	// Intermediates are CA certificates the OS will use to complete a chain
	// without trusting them (Windows "Intermediate Certification Authorities").
	Intermediates []StoreCert
	// Distrusted certificates are explicitly refused (Windows "Disallowed",
	// macOS "Never Trust").
	Distrusted []StoreCert
	// Elsewhere are roots other programs on this computer trust but the
	// VPN client does not (the browsers' NSS database on Linux). They never
	// make a chain trusted; they explain "it works in my browser".
	Elsewhere []StoreCert
}

// TrustStore is what the engine needs from the operating system. Load must
// read the store afresh on every call: a root installed while the program
// runs must be seen by the next diagnosis. It runs under the diagnosis'
// context and should stop (with what it has, or an error) when it ends.
type TrustStore interface {
	Load(ctx context.Context) (*TrustSnapshot, error)
}

// StaticStore is a TrustStore over a fixed set of roots (practice gateways,
// --ca-file alone, tests).
type StaticStore struct {
	Name  string
	Roots []*x509.Certificate
}

// Load returns the fixed roots.
func (s StaticStore) Load(context.Context) (*TrustSnapshot, error) {
	snap := &TrustSnapshot{Name: s.Name}
	for _, c := range s.Roots {
		snap.Roots = append(snap.Roots, StoreCert{Cert: c, Origin: s.Name})
	}
	return snap, nil
}

// Step names a stage of the diagnosis, as the wizard shows it.
type Step string

// Steps, in the order the wizard lists them.
const (
	StepDNS        Step = "dns"
	StepConnect    Step = "connect"
	StepTLS        Step = "tls"
	StepChain      Step = "certificate"
	StepTrust      Step = "trust"
	StepClock      Step = "clock"
	StepRevocation Step = "revocation"
)

// Steps lists every step in display order.
var Steps = []Step{StepDNS, StepConnect, StepTLS, StepChain, StepTrust, StepClock, StepRevocation}

// StepState is where a step stands.
type StepState string

// Step states.
const (
	StepRunning StepState = "running"
	StepPassed  StepState = "passed"
	StepProblem StepState = "problem"
	StepSkipped StepState = "skipped"
)

// Event is sent when a step starts or ends.
type Event struct {
	Step    Step
	State   StepState
	Elapsed time.Duration // set when the step ends
	Note    string        // short English note for logs
}

// Options configure one diagnosis. The zero value works: the system resolver,
// no trust store (everything untrusted), no NTP, a 10 s deadline.
type Options struct {
	Trust      TrustStore
	ExtraRoots []*x509.Certificate // --ca-file, on top of Trust
	// NTPServer is host[:port], or the OS's setting as it reads (a list,
	// Windows flags); empty with no NTPServers skips the clock check.
	NTPServer string
	// Timeout bounds the whole diagnosis.
	Timeout time.Duration
	// Resolver defaults to net.DefaultResolver.
	Resolver *net.Resolver
	// ResolverName, when set, is the DNS server Resolver asks (--dns): a
	// resolver with its own Dial reports the system's server in its errors,
	// so the engine puts this name there instead.
	ResolverName string
	// Now is this computer's clock (time.Now by default). Tests fix it.
	Now func() time.Time
	// HTTPClient fetches AIA, OCSP and CRL; its transport must not follow
	// proxies the user did not set. Defaults to a client with no redirects
	// to other schemes.
	HTTPClient *http.Client
	// ClientCert, when set, is offered if the gateway asks for one.
	ClientCert *tls.Certificate
	// OSVerdict, when set, asks the operating system's own verifier about
	// the chain the gateway sent (what a VPN client that uses it will
	// conclude). It is asked while the engine builds its own path, and
	// must return by ctx's deadline.
	OSVerdict func(ctx context.Context, chain []*x509.Certificate, host string) (OSVerdict, error)
	// Client is the VPN client whose rules judge the findings; the zero
	// value judges by every client's rules at once (the strictest).
	Client clients.Choice
	// ClientIdentities, when set, lists this user's certificates that have
	// a private key, to tell a missing device certificate from an unusable
	// one.
	ClientIdentities func(ctx context.Context) ([]*x509.Certificate, error)
	// Expected, when set (IT's pre-configuration), is what the gateway's
	// certificate must match; anything else is reported as intercepted or
	// unexpected, even when it verifies.
	Expected *ExpectedCert
	// OnEvent, when set, is called as each step starts and ends, from the
	// engine's goroutines (never concurrently with itself).
	OnEvent func(Event)
	// Permissive, when crypto/tls cannot finish a handshake, makes the
	// second, permissive attempt (probe_wire.go). Default: the
	// vpndoctor-probe program installed beside this one.
	Permissive PermissiveProbe
	// LoginOptions (issue 14): the login's other endpoints, the
	// fingerprints VPN clients saved, the current public roots.
	LoginOptions

	// Issue 15: clock and revocation.
	// NTPServers are more time servers (host[:port]) asked at the same time
	// as NTPServer, typically public pools; the answer is their consensus.
	NTPServers []string
	// EarliestTime is the earliest true time a time source may claim; zero
	// means when this program was built. The practice lab, whose true time
	// is simulated, sets it.
	EarliestTime time.Time
}

// ExpectedCert is the gateway certificate IT expects: any certificate of the
// chain with one of these SHA-256 fingerprints, or a chain issued by a CA
// whose name contains Issuer.
type ExpectedCert struct {
	SHA256 []string
	Issuer string
}
