package main

import (
	"context"
	"crypto/x509"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/vpndoctor/vpndoctor/checks"
	"github.com/vpndoctor/vpndoctor/checks/report"
	"github.com/vpndoctor/vpndoctor/platform"
)

// systemInfo is what the platform adapter tells about this computer. Facts
// and gateways are read on first use: `check` with --ntp and a target needs
// neither, and reading them (running timedatectl, scanning VPN profiles)
// would cost more than the diagnosis itself.
type systemInfo struct {
	plat     platform.Platform
	trust    checks.TrustStore
	facts    func() platform.Facts
	gateways func() []platform.Gateway
}

func newSystem() systemInfo {
	p := platform.New()
	return systemInfo{
		plat:  p,
		trust: p.TrustStore(),
		facts: sync.OnceValue(func() platform.Facts {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			return p.Facts(ctx)
		}),
		gateways: sync.OnceValue(func() []platform.Gateway {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			return p.Gateways(ctx)
		}),
	}
}

// options are the engine options for a real gateway: this computer's own
// trust store, time server, verifier and client certificates.
func (s systemInfo) options(ntpServer string) checks.Options {
	var servers []string
	if ntpServer == "" {
		// The OS's own servers and public ones, asked at once: a consensus
		// outvotes one wrong server, and a public one answers when the
		// corporate one is out of reach before the VPN is up. A server
		// named by --ntp or IT's settings is asked alone.
		servers = append(s.facts().NTPServers, publicTimeServers...)
	}
	return checks.Options{
		Trust:      s.trust,
		NTPServer:  ntpServer,
		NTPServers: servers,
		OSVerdict:  s.plat.OSVerdict,
		ClientIdentities: func(ctx context.Context) ([]*x509.Certificate, error) {
			ids, err := s.plat.ClientIdentities(ctx)
			var out []*x509.Certificate
			for _, id := range ids {
				if id.Cert != nil {
					out = append(out, id.Cert)
				}
			}
			return out, err
		},
	}
}

// publicTimeServers are asked beside the configured ones.
var publicTimeServers = []string{"time.google.com", "pool.ntp.org", "time.cloudflare.com"}

// factMap flattens the facts for reports.
func (s systemInfo) factMap() map[string]string {
	f := s.facts()
	m := map[string]string{
		"os": f.OS, "os_version": f.OSVersion, "hostname": f.Hostname, "user": f.User,
		"time_zone": f.TimeZone, "time_sync": f.TimeSync, "ntp_server": f.NTPServer,
		"dns_servers": strings.Join(f.DNSServers, ", "),
	}
	for k, v := range f.Proxy {
		m["proxy_"+k] = v
	}
	for i, g := range s.gateways() {
		m[fmt.Sprintf("vpn_gateway_%d", i+1)] = fmt.Sprintf("%s %s: %s (%s)", g.Client, g.ClientVersion, g.Address, g.Source)
	}
	for k, v := range m {
		if v == "" {
			delete(m, k)
		}
	}
	return m
}

// onlyGateway is the gateway to diagnose when none was named: the one the
// VPN client on this computer is configured for.
func onlyGateway(sys systemInfo) (string, error) {
	seen := map[string]bool{}
	var addrs []string
	for _, g := range sys.gateways() {
		if !seen[g.Address] {
			seen[g.Address] = true
			addrs = append(addrs, g.Address)
		}
	}
	switch len(addrs) {
	case 1:
		return addrs[0], nil
	case 0:
		return "", usagef("no server address was given, and no VPN client profile was found on this computer; run 'vpndoctor check vpn.example.com'")
	}
	sort.Strings(addrs)
	return "", usagef("several VPN gateways are configured (%s); name the one to check", strings.Join(addrs, ", "))
}

func cmdSystem(args []string, stdout io.Writer) (int, error) {
	fs := flag.NewFlagSet("system", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	asJSON := fs.Bool("json", false, "")
	pos, err := parseInterleaved(fs, args)
	if err != nil {
		return exitUsage, err
	}
	if len(pos) > 0 {
		return exitUsage, usagef("'vpndoctor system' takes no address")
	}
	sys := newSystem()
	// The store and the identities are read by other programs (certutil,
	// security): bound them as a diagnosis is bounded.
	ctx, cancel := context.WithTimeout(context.Background(), checks.DefaultTimeout)
	defer cancel()
	doc := struct {
		Facts      platform.Facts      `json:"facts"`
		Gateways   []platform.Gateway  `json:"vpn_gateways"`
		Trust      trustSummary        `json:"trust_store"`
		Identities []platform.Identity `json:"client_identities"`
		IdentError string              `json:"client_identities_error,omitempty"`
		Refresh    string              `json:"refresh_command,omitempty"`
	}{Facts: sys.facts(), Gateways: sys.gateways(), Trust: summariseTrust(ctx, sys.trust), Refresh: sys.plat.RefreshHint()}
	if doc.Gateways == nil {
		doc.Gateways = []platform.Gateway{}
	}
	ids, err := sys.plat.ClientIdentities(ctx)
	if err != nil {
		doc.IdentError = err.Error()
	}
	doc.Identities = ids
	if doc.Identities == nil {
		doc.Identities = []platform.Identity{}
	}
	if *asJSON {
		return exitOK, report.WriteJSONValue(stdout, doc)
	}
	stdout = visibleWriter{stdout}
	f := doc.Facts
	fmt.Fprintf(stdout, "OS:           %s %s\n", f.OS, f.OSVersion)
	fmt.Fprintf(stdout, "Time zone:    %s (sync %s, server %s)\n", f.TimeZone, f.TimeSync, orUnknown(f.NTPServer))
	fmt.Fprintf(stdout, "DNS servers:  %s\n", orUnknown(strings.Join(f.DNSServers, ", ")))
	for k, v := range f.Proxy {
		fmt.Fprintf(stdout, "Proxy %-7s %s\n", k+":", v)
	}
	fmt.Fprintf(stdout, "Trust store:  %s, %d roots, %d intermediates, %d distrusted%s\n", doc.Trust.Name, doc.Trust.Roots,
		doc.Trust.Intermediates, doc.Trust.Distrusted, errSuffix(doc.Trust.Error))
	if doc.Refresh != "" {
		fmt.Fprintf(stdout, "Refresh with: %s\n", doc.Refresh)
	}
	fmt.Fprintf(stdout, "Client certificates: %d%s\n", len(ids), errSuffix(doc.IdentError))
	if len(doc.Gateways) == 0 {
		fmt.Fprintln(stdout, "VPN gateways: none found in any VPN client's profile")
	}
	for _, g := range doc.Gateways {
		fmt.Fprintf(stdout, "VPN gateway:  %s (%s %s, from %s)\n", g.Address, g.Client, g.ClientVersion, g.Source)
	}
	for k, why := range f.Unknown {
		fmt.Fprintf(stdout, "Unknown %s: %s\n", k, why)
	}
	return exitOK, nil
}

type trustSummary struct {
	Name          string `json:"name"`
	Roots         int    `json:"roots"`
	Intermediates int    `json:"intermediates"`
	Distrusted    int    `json:"distrusted"`
	Error         string `json:"error,omitempty"`
}

func summariseTrust(ctx context.Context, ts checks.TrustStore) trustSummary {
	snap, err := ts.Load(ctx)
	var s trustSummary
	if err != nil {
		s.Error = err.Error()
	}
	if snap != nil {
		s.Name, s.Roots, s.Intermediates, s.Distrusted = snap.Name, len(snap.Roots), len(snap.Intermediates), len(snap.Distrusted)
	}
	return s
}

func orUnknown(s string) string {
	if s == "" {
		return "unknown"
	}
	return s
}

func errSuffix(e string) string {
	if e == "" {
		return ""
	}
	return " (" + e + ")"
}

// maxPEMFile bounds what --ca-file reads.
const maxPEMFile = 16 << 20

// readPEMCerts reads the certificates of a PEM file, in plain words when it
// holds none.
func readPEMCerts(path string) ([]*x509.Certificate, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, usagef("--ca-file: %s cannot be read: %v", path, unwrapPathError(err))
	}
	if st.Size() > maxPEMFile {
		return nil, usagef("--ca-file: %s is too large (%d bytes) to be a certificate file", path, st.Size())
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, usagef("--ca-file: %s cannot be read: %v", path, unwrapPathError(err))
	}
	certs, err := checks.ParseCertificates(data)
	if err != nil {
		return nil, usagef("--ca-file: %s holds no certificate that can be read (PEM \"BEGIN CERTIFICATE\" or DER expected): %v", path, err)
	}
	return certs, nil
}

func unwrapPathError(err error) error {
	if pe, ok := err.(*os.PathError); ok {
		return pe.Err
	}
	return err
}
