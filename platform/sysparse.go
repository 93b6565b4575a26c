package platform

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"
)

// ParseResolvConf returns the nameserver addresses of a resolv.conf, in
// order, each once. Lines that are not addresses are skipped.
func ParseResolvConf(text string) []string {
	var out []string
	for _, line := range strings.Split(text, "\n") {
		f := strings.Fields(line)
		if len(f) < 2 || f[0] != "nameserver" {
			continue
		}
		out = appendAddr(out, f[1])
	}
	return out
}

// appendAddr appends s if it is an IP address not yet in list.
func appendAddr(list []string, s string) []string {
	a, err := netip.ParseAddr(s)
	if err != nil {
		return list
	}
	v := a.String()
	for _, x := range list {
		if x == v {
			return list
		}
	}
	return append(list, v)
}

// onlyLoopback says whether every server is on this computer: a local stub
// resolver (systemd-resolved's 127.0.0.53, dnsmasq) whose upstreams are
// the real answer.
func onlyLoopback(servers []string) bool {
	for _, s := range servers {
		if a, err := netip.ParseAddr(s); err != nil || !a.IsLoopback() {
			return false
		}
	}
	return len(servers) > 0
}

// ParseOSRelease reads /etc/os-release and returns a name for people
// ("Debian GNU/Linux 12 (bookworm)"): PRETTY_NAME, else NAME VERSION.
func ParseOSRelease(text string) string {
	kv := map[string]string{}
	for _, line := range strings.Split(text, "\n") {
		k, v, ok := strings.Cut(strings.TrimSpace(line), "=")
		if !ok || strings.HasPrefix(k, "#") {
			continue
		}
		if u, err := strconv.Unquote(v); err == nil {
			v = u
		} else {
			v = strings.Trim(v, `"'`)
		}
		kv[k] = v
	}
	if kv["PRETTY_NAME"] != "" {
		return kv["PRETTY_NAME"]
	}
	return strings.TrimSpace(kv["NAME"] + " " + kv["VERSION"])
}

// ParseSwVers reads macOS `sw_vers` and returns "macOS 14.4.1 (23E224)".
func ParseSwVers(out string) string {
	kv := map[string]string{}
	for _, line := range strings.Split(cleanToolText(out), "\n") {
		if k, v, ok := cutLabel(line); ok {
			kv[k] = v
		}
	}
	s := strings.TrimSpace(kv["ProductName"] + " " + kv["ProductVersion"])
	if b := kv["BuildVersion"]; b != "" && s != "" {
		s += " (" + b + ")"
	}
	return s
}

// ParseScutilDNS returns the nameserver[n] addresses of macOS `scutil
// --dns`, each once, in the order of the resolvers.
func ParseScutilDNS(out string) []string {
	var servers []string
	for _, line := range strings.Split(out, "\n") {
		k, v, ok := strings.Cut(line, " : ")
		if !ok || !strings.HasPrefix(strings.TrimSpace(k), "nameserver[") {
			continue
		}
		servers = appendAddr(servers, strings.TrimSpace(v))
	}
	return servers
}

// ParseScutilProxy reads macOS `scutil --proxy` and returns the enabled
// proxies: "http", "https", "socks" as host:port, "pac" as a URL, "wpad"
// when auto-discovery is on, and "exceptions" comma-separated.
func ParseScutilProxy(out string) map[string]string {
	kv := map[string]string{}
	var exceptions []string
	inExceptions := false
	for _, line := range strings.Split(out, "\n") {
		line = strings.TrimSpace(line)
		k, v, ok := strings.Cut(line, " : ")
		switch {
		case ok && k == "ExceptionsList":
			inExceptions = strings.HasPrefix(v, "<array>")
		case inExceptions && line == "}":
			inExceptions = false
		case inExceptions && ok:
			exceptions = append(exceptions, strings.TrimSpace(v))
		case ok:
			kv[strings.TrimSpace(k)] = strings.TrimSpace(v)
		}
	}
	p := map[string]string{}
	for _, s := range []struct{ key, prefix string }{{"http", "HTTP"}, {"https", "HTTPS"}, {"socks", "SOCKS"}} {
		if kv[s.prefix+"Enable"] == "1" && kv[s.prefix+"Proxy"] != "" {
			p[s.key] = hostPort(kv[s.prefix+"Proxy"], kv[s.prefix+"Port"])
		}
	}
	if kv["ProxyAutoConfigEnable"] == "1" && kv["ProxyAutoConfigURLString"] != "" {
		p["pac"] = kv["ProxyAutoConfigURLString"]
	}
	if kv["ProxyAutoDiscoveryEnable"] == "1" {
		p["wpad"] = "on"
	}
	if len(p) > 0 && len(exceptions) > 0 {
		p["exceptions"] = strings.Join(exceptions, ",")
	}
	return p
}

func hostPort(host, port string) string {
	if port == "" || port == "0" {
		return host
	}
	return host + ":" + port
}

// ParseWinINetProxy reads the WinINet values under HKCU\Software\Microsoft\
// Windows\CurrentVersion\Internet Settings. ProxyServer is "host:port" for
// every scheme or "http=host:port;https=host:port".
func ParseWinINetProxy(enable uint64, server, override, autoConfigURL string) map[string]string {
	p := map[string]string{}
	if enable != 0 && strings.TrimSpace(server) != "" {
		for _, part := range strings.Split(server, ";") {
			part = strings.TrimSpace(part)
			if part == "" {
				continue
			}
			if scheme, addr, ok := strings.Cut(part, "="); ok {
				p[strings.ToLower(strings.TrimSpace(scheme))] = strings.TrimSpace(addr)
			} else {
				p["http"], p["https"] = part, part
			}
		}
		if o := strings.TrimSpace(override); o != "" {
			p["exceptions"] = strings.ReplaceAll(o, ";", ",")
		}
	}
	if u := strings.TrimSpace(autoConfigURL); u != "" {
		p["pac"] = u
	}
	return p
}

// proxyFromEnv returns the proxy variables that are set, keyed by their
// lower-case name ("https_proxy"). Values are passed through as set: they
// are what VPN clients and command-line tools will use.
func proxyFromEnv(getenv func(string) string) map[string]string {
	p := map[string]string{}
	for _, name := range []string{"http_proxy", "https_proxy", "all_proxy", "no_proxy"} {
		v := getenv(name)
		if v == "" {
			v = getenv(strings.ToUpper(name))
		}
		if v != "" {
			p[name] = v
		}
	}
	return p
}

// windowsVersionName names a Windows release from the registry's
// CurrentVersion values. ProductName still says "Windows 10" on Windows 11;
// the build number tells them apart (11 starts at build 22000).
func windowsVersionName(product, displayVersion string, build, ubr uint64) string {
	if build >= 22000 && strings.HasPrefix(product, "Windows 10") {
		product = "Windows 11" + strings.TrimPrefix(product, "Windows 10")
	}
	s := strings.TrimSpace(product + " " + displayVersion)
	if build > 0 {
		s += fmt.Sprintf(" (build %d.%d)", build, ubr)
	}
	return strings.TrimSpace(s)
}

// zoneFromLocaltime returns the IANA zone name from the target of the
// /etc/localtime link ("/usr/share/zoneinfo/Asia/Tokyo",
// "/var/db/timezone/zoneinfo/Europe/Paris").
func zoneFromLocaltime(target string) string {
	i := strings.LastIndex(target, "zoneinfo/")
	if i < 0 {
		return ""
	}
	zone := target[i+len("zoneinfo/"):]
	zone = strings.TrimPrefix(zone, "posix/")
	zone = strings.TrimPrefix(zone, "right/")
	return zone
}
