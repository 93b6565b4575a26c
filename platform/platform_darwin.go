package platform

import (
	"context"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"os"
	"os/user"
	"path/filepath"
	"strings"

	"github.com/vpndoctor/vpndoctor/checks"
)

type darwinPlatform struct{}

func newPlatform() Platform { return darwinPlatform{} }

func (darwinPlatform) TrustStore() checks.TrustStore { return darwinStore{} }

// RefreshHint is empty: keychain and trust setting changes take effect at
// once on macOS.
func (darwinPlatform) RefreshHint() string { return "" }

// OSVerdict asks `security verify-cert` with the SSL policy and the host
// name, the chain given as the leaf and then the certificates to help
// build the path, as the gateway sent them.
func (darwinPlatform) OSVerdict(ctx context.Context, chain []*x509.Certificate, host string) (checks.OSVerdict, error) {
	const verifier = "macOS SecTrust (security verify-cert, SSL policy)"
	raw, err := darwinVerdict(ctx, chain, host)
	if err != nil {
		return checks.OSVerdict{Verifier: verifier}, err
	}
	return verdict(verifier, raw), nil
}

func darwinVerdict(ctx context.Context, chain []*x509.Certificate, host string) (string, error) {
	if len(chain) == 0 {
		return "", fmt.Errorf("verify-cert: no certificate")
	}
	dir, err := os.MkdirTemp("", "vpndoctor-verify-")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(dir)
	args := []string{"verify-cert", "-p", "ssl", "-s", host}
	for i, c := range chain {
		f := filepath.Join(dir, fmt.Sprintf("cert%d.pem", i))
		if err := os.WriteFile(f, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.Raw}), 0o600); err != nil {
			return "", err
		}
		args = append(args, "-c", f)
	}
	stdout, stderr, err := runToolOutputs(ctx, securityTool, args...)
	if err != nil && !exitedNonZero(err) {
		return "", err
	}
	return ParseVerifyCert(string(stdout)+"\n"+string(stderr), err == nil), nil
}

// ClientIdentities lists `security find-identity -p ssl-client`. Without
// -v, so that expired identities are listed too: an expired device
// certificate is a cause we report. Each is matched by SHA-1 to the
// certificates of the keychain search list.
func (darwinPlatform) ClientIdentities(ctx context.Context) ([]Identity, error) {
	out, err := runTool(ctx, securityTool, "find-identity", "-p", "ssl-client")
	if err != nil {
		return nil, fmt.Errorf("find-identity: %w", err)
	}
	found, parseErr := ParseSecurityIdentities(string(out))
	if len(found) == 0 {
		return nil, parseErr
	}
	bySHA1 := map[string]*x509.Certificate{}
	if pems, err := runTool(ctx, securityTool, "find-certificate", "-a", "-p"); err == nil {
		certs, _ := ParseSecurityPEMs(pems)
		for _, c := range certs {
			bySHA1[sha1Hex(c)] = c
		}
	}
	var ids []Identity
	for _, f := range found {
		origin := "keychain identity " + f.Name
		if f.Problem != "" {
			origin += " (" + f.Problem + ")"
		}
		if c := bySHA1[f.SHA1]; c != nil {
			ids = append(ids, newIdentity(c, origin))
		} else {
			ids = append(ids, Identity{Subject: f.Name, Origin: origin})
		}
	}
	return ids, parseErr
}

func (darwinPlatform) Facts(ctx context.Context) Facts {
	f := newFacts("darwin")
	if out, err := runTool(ctx, "/usr/bin/sw_vers"); err == nil {
		f.OSVersion = ParseSwVers(string(out))
	}
	if f.OSVersion == "" {
		f.unknown("os_version", "sw_vers gave no version")
	}
	var err error
	if f.Hostname, err = os.Hostname(); err != nil {
		f.unknown("hostname", err.Error())
	}
	if u, err := user.Current(); err == nil {
		f.User = u.Username
	} else {
		f.User = os.Getenv("USER")
	}
	zone := ""
	if target, err := os.Readlink("/etc/localtime"); err == nil {
		zone = zoneFromLocaltime(target)
	}
	f.TimeZone = zoneLabel(zone, f.LocalTime)
	darwinTimeSync(ctx, &f)
	darwinDNS(ctx, &f)
	f.Proxy = proxyFromEnv(os.Getenv)
	if out, err := runTool(ctx, "/usr/sbin/scutil", "--proxy"); err == nil {
		for k, v := range ParseScutilProxy(string(out)) {
			f.Proxy[k] = v
		}
	} else {
		f.unknown("proxy", err.Error())
	}
	return f
}

// darwinTimeSync asks systemsetup, which answers only administrators; the
// server is also in /etc/ntp.conf, which timed reads and anyone can.
func darwinTimeSync(ctx context.Context, f *Facts) {
	out, err := runTool(ctx, "/usr/sbin/systemsetup", "-getusingnetworktime")
	if err == nil || len(out) > 0 {
		var sync string
		if sync, _, err = ParseSystemsetupNetworkTime(string(out)); err == nil {
			f.TimeSync = sync
		}
	}
	if err != nil {
		f.unknown("time_sync", err.Error())
	}
	if data, err := readSmallFile("/etc/ntp.conf"); err == nil {
		f.NTPServer = strings.Join(ParseNTPConf(string(data)).Servers, " ")
	}
	if f.NTPServer == "" {
		if out, err := runTool(ctx, "/usr/sbin/systemsetup", "-getnetworktimeserver"); err == nil {
			_, f.NTPServer, _ = ParseSystemsetupNetworkTime(string(out))
		}
	}
	if f.NTPServer == "" {
		f.unknown("ntp_server", "no server in /etc/ntp.conf, and systemsetup did not tell")
	}
	f.NTPServers = TimeServers(f.NTPServer)
}

func darwinDNS(ctx context.Context, f *Facts) {
	if out, err := runTool(ctx, "/usr/sbin/scutil", "--dns"); err == nil {
		f.DNSServers = ParseScutilDNS(string(out))
	}
	if len(f.DNSServers) == 0 {
		if data, err := readSmallFile("/etc/resolv.conf"); err == nil {
			f.DNSServers = ParseResolvConf(string(data))
		}
	}
	if len(f.DNSServers) == 0 {
		f.unknown("dns_servers", "neither scutil --dns nor /etc/resolv.conf names a server")
	}
}

func (darwinPlatform) Gateways(ctx context.Context) []Gateway {
	home, _ := os.UserHomeDir()
	gws := unixCiscoGateways(home)

	gpVersion := plistVersion(ctx, "/Applications/GlobalProtect.app/Contents/Info.plist")
	gpFiles := []string{"/Library/Preferences/com.paloaltonetworks.GlobalProtect.settings.plist"}
	if home != "" {
		gpFiles = append(gpFiles,
			filepath.Join(home, "Library", "Preferences", "com.paloaltonetworks.GlobalProtect.settings.plist"),
			filepath.Join(home, "Library", "Preferences", "com.paloaltonetworks.GlobalProtect.client.plist"))
	}
	for _, file := range gpFiles {
		data, err := readPlistXML(ctx, file)
		if err != nil {
			continue
		}
		portals, _ := ParseGlobalProtectPlist(data)
		for _, p := range portals {
			gws = append(gws, Gateway{Client: ClientGlobalProtect, ClientVersion: gpVersion, Address: p, Source: file})
		}
	}
	return gws
}

// readPlistXML returns a plist as XML: preference files are often binary,
// and plutil converts them.
func readPlistXML(ctx context.Context, path string) ([]byte, error) {
	if _, err := os.Stat(path); err != nil {
		return nil, err
	}
	return runTool(ctx, "/usr/bin/plutil", "-convert", "xml1", "-o", "-", path)
}

func plistVersion(ctx context.Context, infoPlist string) string {
	data, err := readPlistXML(ctx, infoPlist)
	if err != nil {
		return ""
	}
	v, _ := ParsePlist(data)
	return plistString(v, "CFBundleShortVersionString")
}
