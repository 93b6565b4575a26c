package platform

import (
	"context"
	"crypto/x509"
	"errors"
	"io/fs"
	"os"
	"os/user"
	"path/filepath"
	"strings"

	"github.com/vpndoctor/vpndoctor/checks"
)

type linuxPlatform struct{}

func newPlatform() Platform { return linuxPlatform{} }

func (linuxPlatform) TrustStore() checks.TrustStore {
	home, _ := os.UserHomeDir()
	return LinuxTrustStore(os.Getenv, home)
}

func (linuxPlatform) RefreshHint() string { return linuxRefresh(haveToolInSbin) }

// haveToolInSbin also looks in the sbin directories, which are not on a
// normal user's PATH on Debian but are where update-ca-certificates lives.
func haveToolInSbin(name string) bool {
	if haveTool(name) {
		return true
	}
	for _, dir := range []string{"/usr/sbin", "/sbin", "/usr/local/sbin"} {
		if fi, err := os.Stat(filepath.Join(dir, name)); err == nil && fi.Mode()&0o111 != 0 {
			return true
		}
	}
	return false
}

func (linuxPlatform) OSVerdict(context.Context, []*x509.Certificate, string) (checks.OSVerdict, error) {
	return checks.OSVerdict{}, ErrNotSupported
}

// ClientIdentities lists the certificates whose key is in the user's NSS
// database (browsers). Linux VPN clients take their certificate from a
// file named in their own settings, which we cannot find in general.
func (linuxPlatform) ClientIdentities(ctx context.Context) ([]Identity, error) {
	home, err := os.UserHomeDir()
	if err != nil || !haveTool("certutil") {
		return nil, nil
	}
	db := filepath.Join(home, ".pki", "nssdb")
	if _, err := os.Stat(db); err != nil {
		return nil, nil
	}
	entries, err := loadNSS(ctx, db)
	var ids []Identity
	for _, e := range entries {
		if e.Trust.HasKey() {
			ids = append(ids, newIdentity(e.Cert, OriginNSS+" "+db+": "+e.Nickname))
		}
	}
	return ids, err
}

func (linuxPlatform) Facts(ctx context.Context) Facts {
	f := newFacts("linux")
	f.OSVersion = linuxVersion()
	if f.OSVersion == "" {
		f.unknown("os_version", "no /etc/os-release")
	}
	hostAndUser(&f)
	linuxTime(ctx, &f)
	linuxDNS(&f)
	f.Proxy = proxyFromEnv(os.Getenv)
	return f
}

func hostAndUser(f *Facts) {
	var err error
	if f.Hostname, err = os.Hostname(); err != nil {
		f.unknown("hostname", err.Error())
	}
	if u, err := user.Current(); err == nil {
		f.User = u.Username
	} else if f.User = os.Getenv("USER"); f.User == "" {
		f.unknown("user", err.Error())
	}
}

func linuxVersion() string {
	v := ""
	for _, p := range []string{"/etc/os-release", "/usr/lib/os-release"} {
		if data, err := readSmallFile(p); err == nil {
			v = ParseOSRelease(string(data))
			break
		}
	}
	if k, err := readSmallFile("/proc/sys/kernel/osrelease"); err == nil {
		if v != "" {
			v += ", "
		}
		v += "kernel " + strings.TrimSpace(string(k))
	}
	return v
}

func linuxTime(ctx context.Context, f *Facts) {
	zone := ""
	out, err := runTool(ctx, "timedatectl", "show")
	if err == nil {
		var td Timedatectl
		if td, err = ParseTimedatectl(string(out)); err == nil {
			zone, f.TimeSync, f.TimeSynced = td.Timezone, td.NTP, td.Synchronized
		}
	}
	if err != nil {
		f.unknown("time_sync", err.Error())
	}
	if zone == "" {
		zone = linuxZoneName()
	}
	f.TimeZone = zoneLabel(zone, f.LocalTime)

	if out, err := runTool(ctx, "timedatectl", "show-timesync"); err == nil {
		f.NTPServer = ParseTimesyncShow(string(out))
	}
	if f.NTPServer == "" {
		f.NTPServer = configuredNTPServer()
	}
	if f.NTPServer == "" {
		f.unknown("ntp_server", "no server in timedatectl show-timesync, timesyncd.conf, chrony.conf or ntp.conf")
	}
	f.NTPServers = TimeServers(f.NTPServer)
}

func linuxZoneName() string {
	if tz := os.Getenv("TZ"); tz != "" {
		return strings.TrimPrefix(tz, ":")
	}
	if data, err := readSmallFile("/etc/timezone"); err == nil {
		if z := firstLine(string(data)); z != "" {
			return z
		}
	}
	if target, err := os.Readlink("/etc/localtime"); err == nil {
		return zoneFromLocaltime(target)
	}
	return ""
}

// configuredNTPServer reads the NTP daemons' configuration: chrony first
// (the default on Fedora, RHEL, SUSE and Ubuntu 25.10), then
// systemd-timesyncd, then ntpd.
func configuredNTPServer() string {
	for _, p := range []string{"/etc/chrony/chrony.conf", "/etc/chrony.conf"} {
		data, err := readSmallFile(p)
		if err != nil {
			continue
		}
		conf := ParseNTPConf(string(data))
		for _, dir := range conf.Dirs {
			files, _ := filepath.Glob(filepath.Join(dir, "*.sources"))
			more, _ := filepath.Glob(filepath.Join(dir, "*.conf"))
			for _, file := range append(files, more...) {
				if d, err := readSmallFile(file); err == nil {
					conf.Servers = append(conf.Servers, ParseNTPConf(string(d)).Servers...)
				}
			}
		}
		if len(conf.Servers) > 0 {
			return strings.Join(conf.Servers, " ")
		}
	}
	var ntp, fallback []string
	drop, _ := filepath.Glob("/etc/systemd/timesyncd.conf.d/*.conf")
	for _, p := range append([]string{"/etc/systemd/timesyncd.conf"}, drop...) {
		if data, err := readSmallFile(p); err == nil {
			n, fb := ParseTimesyncdConf(string(data))
			if n != nil {
				ntp = n
			}
			if fb != nil {
				fallback = fb
			}
		}
	}
	if len(ntp) == 0 {
		ntp = fallback
	}
	if len(ntp) > 0 {
		return strings.Join(ntp, " ")
	}
	if data, err := readSmallFile("/etc/ntp.conf"); err == nil {
		return strings.Join(ParseNTPConf(string(data)).Servers, " ")
	}
	return ""
}

// linuxDNS reads resolv.conf. When it names only a local stub resolver
// (systemd-resolved's 127.0.0.53), the upstream servers are read from
// resolved's own file, since they are the ones that answer.
func linuxDNS(f *Facts) {
	data, err := readSmallFile("/etc/resolv.conf")
	if err != nil {
		f.unknown("dns_servers", err.Error())
		return
	}
	f.DNSServers = ParseResolvConf(string(data))
	if onlyLoopback(f.DNSServers) {
		if up, err := readSmallFile("/run/systemd/resolve/resolv.conf"); err == nil {
			if s := ParseResolvConf(string(up)); len(s) > 0 {
				f.DNSServers = s
			}
		}
	}
	if len(f.DNSServers) == 0 {
		f.unknown("dns_servers", "no nameserver line in /etc/resolv.conf")
	}
}

func (linuxPlatform) Gateways(ctx context.Context) []Gateway {
	home, _ := os.UserHomeDir()
	gws := unixCiscoGateways(home)
	gws = append(gws, networkManagerGateways(ctx)...)
	if data, err := readSmallFile("/opt/paloaltonetworks/globalprotect/pangps.xml"); err == nil {
		portals, _ := xmlElementTexts(data, "Portal")
		for _, p := range portals {
			gws = append(gws, Gateway{Client: ClientGlobalProtect, Address: p, Source: "/opt/paloaltonetworks/globalprotect/pangps.xml"})
		}
	}
	return gws
}

const nmConnectionDir = "/etc/NetworkManager/system-connections"

// networkManagerGateways reads the VPN connections' keyfiles. They are
// readable by root only; for anyone else nmcli asks NetworkManager, which
// shows the (non-secret) vpn.data to the user.
func networkManagerGateways(ctx context.Context) []Gateway {
	entries, err := os.ReadDir(nmConnectionDir)
	var gws []Gateway
	denied := errors.Is(err, fs.ErrPermission)
	for _, e := range entries {
		path := filepath.Join(nmConnectionDir, e.Name())
		data, err := readSmallFile(path)
		if err != nil {
			denied = denied || errors.Is(err, fs.ErrPermission)
			continue
		}
		if g, ok := ParseNMConnection(string(data)); ok {
			g.Source = path
			gws = append(gws, g)
		}
	}
	if denied && len(gws) == 0 && haveTool("nmcli") {
		return nmcliGateways(ctx)
	}
	return gws
}

func nmcliGateways(ctx context.Context) []Gateway {
	out, err := runTool(ctx, "nmcli", "-t", "-f", "NAME,UUID,TYPE", "connection", "show")
	if err != nil {
		return nil
	}
	var gws []Gateway
	for _, line := range strings.Split(string(out), "\n") {
		f := splitNmcliTerse(line)
		if len(f) != 3 || f[2] != "vpn" {
			continue
		}
		data, err := runTool(ctx, "nmcli", "-t", "-g", "vpn.service-type,vpn.data", "connection", "show", f[1])
		if err != nil {
			continue
		}
		lines := strings.SplitN(strings.TrimSpace(string(data)), "\n", 2)
		if len(lines) == 2 {
			if g, ok := ParseNMVPNData(f[0], lines[0], lines[1]); ok {
				g.Source = "nmcli connection " + f[1]
				gws = append(gws, g)
			}
		}
	}
	return gws
}
