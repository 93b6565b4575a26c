package platform

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"os"
	"os/user"
	"path/filepath"
	"strings"
	"unsafe"

	"golang.org/x/sys/windows"
	"golang.org/x/sys/windows/registry"

	"github.com/vpndoctor/vpndoctor/checks"
)

type windowsPlatform struct{}

func newPlatform() Platform { return windowsPlatform{} }

func (windowsPlatform) TrustStore() checks.TrustStore { return windowsStore{} }

// RefreshHint is empty: Windows reads its stores live, nothing to rebuild.
func (windowsPlatform) RefreshHint() string { return "" }

// WindowsVerifier names the verifier in OSVerdict answers.
const WindowsVerifier = "Windows CryptoAPI (SSL policy)"

func (windowsPlatform) OSVerdict(ctx context.Context, chain []*x509.Certificate, host string) (checks.OSVerdict, error) {
	raw, err := windowsVerdict(ctx, chain, host)
	if err != nil {
		return checks.OSVerdict{Verifier: WindowsVerifier}, err
	}
	return verdict(WindowsVerifier, raw), nil
}

func (windowsPlatform) ClientIdentities(context.Context) ([]Identity, error) {
	return windowsIdentities()
}

// regString reads a string value; REG_EXPAND_SZ is expanded.
func regString(root registry.Key, path, name string) (string, error) {
	k, err := registry.OpenKey(root, path, registry.QUERY_VALUE)
	if err != nil {
		return "", err
	}
	defer k.Close()
	v, typ, err := k.GetStringValue(name)
	if err == nil && typ == registry.EXPAND_SZ {
		if x, xerr := registry.ExpandString(v); xerr == nil {
			v = x
		}
	}
	return strings.TrimSpace(v), err
}

func regInt(root registry.Key, path, name string) (uint64, error) {
	k, err := registry.OpenKey(root, path, registry.QUERY_VALUE)
	if err != nil {
		return 0, err
	}
	defer k.Close()
	v, _, err := k.GetIntegerValue(name)
	return v, err
}

func regSubKeys(root registry.Key, path string) []string {
	k, err := registry.OpenKey(root, path, registry.ENUMERATE_SUB_KEYS)
	if err != nil {
		return nil
	}
	defer k.Close()
	names, _ := k.ReadSubKeyNames(-1)
	return names
}

func (windowsPlatform) Facts(ctx context.Context) Facts {
	f := newFacts("windows")
	f.OSVersion = windowsVersion()
	var err error
	if f.Hostname, err = os.Hostname(); err != nil {
		f.unknown("hostname", err.Error())
	}
	if u, err := user.Current(); err == nil {
		f.User = u.Username
	} else if f.User = os.Getenv("USERNAME"); f.User == "" {
		f.unknown("user", err.Error())
	}
	zone, err := regString(registry.LOCAL_MACHINE, `SYSTEM\CurrentControlSet\Control\TimeZoneInformation`, "TimeZoneKeyName")
	if err != nil {
		f.unknown("time_zone", "registry TimeZoneKeyName: "+err.Error())
	}
	f.TimeZone = zoneLabel(zone, f.LocalTime)
	windowsTimeSync(ctx, &f)
	windowsDNS(&f)
	windowsProxy(&f)
	return f
}

func windowsVersion() string {
	const cv = `SOFTWARE\Microsoft\Windows NT\CurrentVersion`
	product, _ := regString(registry.LOCAL_MACHINE, cv, "ProductName")
	display, err := regString(registry.LOCAL_MACHINE, cv, "DisplayVersion")
	if err != nil {
		display, _ = regString(registry.LOCAL_MACHINE, cv, "ReleaseId")
	}
	ubr, _ := regInt(registry.LOCAL_MACHINE, cv, "UBR")
	build := uint64(windows.RtlGetVersion().BuildNumber)
	if product == "" {
		product = "Windows"
	}
	return windowsVersionName(product, display, build, ubr)
}

// windowsTimeSync reads the W32Time service's settings from the registry
// (the same in every language) and asks w32tm which source it uses now.
func windowsTimeSync(ctx context.Context, f *Facts) {
	const params = `SYSTEM\CurrentControlSet\Services\W32Time\Parameters`
	typ, err := regString(registry.LOCAL_MACHINE, params, "Type")
	ntp, _ := regString(registry.LOCAL_MACHINE, params, "NtpServer")
	sync, servers := ParseW32TimeRegistry(typ, ntp)
	if err != nil {
		f.unknown("time_sync", "registry W32Time Type: "+err.Error())
	}
	f.TimeSync = sync
	if len(servers) > 0 {
		f.NTPServer = strings.Join(servers, " ")
	}
	if typ == "NT5DS" {
		f.NTPServer = "domain hierarchy (NT5DS)"
	}

	// w32tm's error (with its HRESULT) may come on either stream.
	stdout, stderr, runErr := runToolOutputs(ctx, "w32tm", "/query", "/status")
	st, err := ParseW32tmStatus(decodeConsoleOutput(stdout) + "\n" + decodeConsoleOutput(stderr))
	var we *W32tmError
	switch {
	case errors.As(err, &we) && we.Code == W32TimeNotRunning:
		f.TimeSync, f.TimeSynced = SyncOff, "no"
		f.known("time_sync")
	case err == nil && st.Local:
		f.TimeSynced = "no"
	case err == nil:
		f.TimeSynced = "yes"
		f.NTPServer = st.Source
		if f.TimeSync == SyncUnknown { // W32Time syncs, whatever its registry said
			f.TimeSync = SyncOn
			f.known("time_sync")
		}
	default:
		if runErr != nil {
			err = runErr
		}
		f.unknown("time_synced", err.Error())
	}
	if f.NTPServer == "" {
		f.unknown("ntp_server", "W32Time has no NtpServer and w32tm named no source")
	}
	f.NTPServers = TimeServers(f.NTPServer)
	if strings.EqualFold(strings.TrimSpace(typ), "NT5DS") {
		f.NTPServers = append(f.NTPServers, NT5DSServers(os.Getenv("LOGONSERVER"), os.Getenv("USERDNSDOMAIN"))...)
	}
}

var procGetOEMCP = windows.NewLazySystemDLL("kernel32.dll").NewProc("GetOEMCP")

// decodeConsoleOutput turns a console tool's output into UTF-8. Tools such
// as w32tm write in the OEM code page when their output is a pipe (932,
// Shift_JIS, on Japanese Windows).
func decodeConsoleOutput(b []byte) string {
	if s, ok := decodeToolOutput(b); ok {
		return s
	}
	if procGetOEMCP.Find() != nil || len(b) > 1<<20 {
		return string(b)
	}
	cp, _, _ := procGetOEMCP.Call()
	n, err := windows.MultiByteToWideChar(uint32(cp), 0, &b[0], int32(len(b)), nil, 0)
	if err != nil || n <= 0 {
		return string(b)
	}
	u := make([]uint16, n)
	if _, err := windows.MultiByteToWideChar(uint32(cp), 0, &b[0], int32(len(b)), &u[0], n); err != nil {
		return string(b)
	}
	return windows.UTF16ToString(u)
}

// windowsDNS lists the DNS servers of the adapters that are up.
func windowsDNS(f *Facts) {
	size := uint32(15 << 10)
	var buf []byte
	for i := 0; i < 3; i++ {
		buf = make([]byte, size)
		err := windows.GetAdaptersAddresses(windows.AF_UNSPEC,
			windows.GAA_FLAG_SKIP_UNICAST|windows.GAA_FLAG_SKIP_ANYCAST|windows.GAA_FLAG_SKIP_MULTICAST,
			0, (*windows.IpAdapterAddresses)(unsafe.Pointer(&buf[0])), &size)
		if err == nil {
			break
		}
		if !errors.Is(err, windows.ERROR_BUFFER_OVERFLOW) || i == 2 {
			f.unknown("dns_servers", "GetAdaptersAddresses: "+err.Error())
			return
		}
	}
	for a := (*windows.IpAdapterAddresses)(unsafe.Pointer(&buf[0])); a != nil; a = a.Next {
		if a.OperStatus != windows.IfOperStatusUp {
			continue
		}
		for d := a.FirstDnsServerAddress; d != nil; d = d.Next {
			ip := d.Address.IP()
			// fec0:0:0:ffff::1-3 are placeholders Windows lists when
			// there is no IPv6 DNS server.
			if ip == nil || strings.HasPrefix(ip.String(), "fec0:0:0:ffff::") {
				continue
			}
			f.DNSServers = appendAddr(f.DNSServers, ip.String())
		}
	}
	if len(f.DNSServers) == 0 {
		f.unknown("dns_servers", "no adapter that is up has a DNS server")
	}
}

func windowsProxy(f *Facts) {
	const is = `Software\Microsoft\Windows\CurrentVersion\Internet Settings`
	enable, _ := regInt(registry.CURRENT_USER, is, "ProxyEnable")
	server, _ := regString(registry.CURRENT_USER, is, "ProxyServer")
	override, _ := regString(registry.CURRENT_USER, is, "ProxyOverride")
	pac, _ := regString(registry.CURRENT_USER, is, "AutoConfigURL")
	f.Proxy = proxyFromEnv(os.Getenv)
	for k, v := range ParseWinINetProxy(enable, server, override, pac) {
		f.Proxy[k] = v
	}
}

// installedVersions maps each VPN client found among the installed
// programs to its version.
func installedVersions() map[string]string {
	versions := map[string]string{}
	for _, path := range []string{
		`SOFTWARE\Microsoft\Windows\CurrentVersion\Uninstall`,
		`SOFTWARE\WOW6432Node\Microsoft\Windows\CurrentVersion\Uninstall`,
	} {
		for _, sub := range regSubKeys(registry.LOCAL_MACHINE, path) {
			key := path + `\` + sub
			name, _ := regString(registry.LOCAL_MACHINE, key, "DisplayName")
			client := clientFromProductName(name)
			if client == "" || versions[client] != "" {
				continue
			}
			versions[client], _ = regString(registry.LOCAL_MACHINE, key, "DisplayVersion")
		}
	}
	return versions
}

func (windowsPlatform) Gateways(ctx context.Context) []Gateway {
	versions := installedVersions()
	programData := os.Getenv("ProgramData")
	if programData == "" {
		programData = `C:\ProgramData`
	}
	local := os.Getenv("LOCALAPPDATA")
	installs := []acInstall{
		{Client: ClientSecureClient, ProfileDir: filepath.Join(programData, "Cisco", "Cisco Secure Client", "VPN", "Profile")},
		{Client: ClientAnyConnect, ProfileDir: filepath.Join(programData, "Cisco", "Cisco AnyConnect Secure Mobility Client", "Profile")},
	}
	var prefs []string
	if local != "" {
		prefs = []string{
			filepath.Join(local, "Cisco", "Cisco Secure Client", "VPN", "preferences.xml"),
			filepath.Join(local, "Cisco", "Cisco AnyConnect Secure Mobility Client", "preferences.xml"),
		}
	}
	gws := anyConnectGateways(installs, prefs)
	gws = append(gws, globalProtectGateways()...)
	gws = append(gws, fortiClientGateways()...)
	for i := range gws {
		if gws[i].ClientVersion == "" {
			gws[i].ClientVersion = versions[gws[i].Client]
		}
	}
	return gws
}

// globalProtectGateways reads the pre-deployed portal (PanSetup), the
// portals the user has used (a subkey each under Settings) and the last
// one (LastUrl).
func globalProtectGateways() []Gateway {
	const gp = `SOFTWARE\Palo Alto Networks\GlobalProtect`
	var gws []Gateway
	seen := map[string]bool{}
	add := func(addr, source string) {
		addr = strings.TrimSpace(addr)
		if addr == "" || seen[strings.ToLower(addr)] {
			return
		}
		seen[strings.ToLower(addr)] = true
		gws = append(gws, Gateway{Client: ClientGlobalProtect, Address: addr, Source: source})
	}
	if p, err := regString(registry.LOCAL_MACHINE, gp+`\PanSetup`, "Portal"); err == nil {
		add(p, `HKLM\`+gp+`\PanSetup`)
	}
	if p, err := regString(registry.CURRENT_USER, gp+`\Settings`, "LastUrl"); err == nil {
		add(p, `HKCU\`+gp+`\Settings`)
	}
	for _, sub := range regSubKeys(registry.CURRENT_USER, gp+`\Settings`) {
		if strings.Contains(sub, ".") { // portal subkeys are host names
			add(sub, `HKCU\`+gp+`\Settings\`+sub)
		}
	}
	return gws
}

// fortiClientGateways reads the SSL VPN tunnels, per user and per machine.
func fortiClientGateways() []Gateway {
	const tunnels = `SOFTWARE\Fortinet\FortiClient\Sslvpn\Tunnels`
	var gws []Gateway
	for _, root := range []struct {
		key  registry.Key
		name string
	}{{registry.CURRENT_USER, "HKCU"}, {registry.LOCAL_MACHINE, "HKLM"}} {
		for _, name := range regSubKeys(root.key, tunnels) {
			path := tunnels + `\` + name
			server, err := regString(root.key, path, "Server")
			if err != nil || server == "" {
				continue
			}
			gws = append(gws, Gateway{Client: ClientFortiClient, Name: name, Address: server,
				Source: fmt.Sprintf(`%s\%s`, root.name, path)})
		}
	}
	return gws
}
