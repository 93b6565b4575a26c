package platform

import (
	"context"
	"io"
	"net/netip"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/windows/registry"
)

// The test binary doubles as w32tm.exe: TestWindowsTimeSync copies it
// under that name onto PATH, so that Facts starts a real program through
// the real process-creation path and reads the output the test chose.
const (
	fakeW32tmOutput = "VPNDOCTOR_TEST_W32TM_OUTPUT"
	fakeW32tmExit   = "VPNDOCTOR_TEST_W32TM_EXIT"
)

func init() {
	if name := strings.ToLower(filepath.Base(os.Args[0])); name != "w32tm" && name != "w32tm.exe" {
		return
	}
	io.WriteString(os.Stdout, os.Getenv(fakeW32tmOutput))
	code, _ := strconv.Atoi(os.Getenv(fakeW32tmExit))
	os.Exit(code)
}

func TestWindowsFacts(t *testing.T) {
	start := time.Now()
	f := windowsPlatform{}.Facts(context.Background())
	if f.OS != "windows" {
		t.Errorf("OS = %q", f.OS)
	}
	if !strings.Contains(f.OSVersion, "(build ") {
		t.Errorf("OSVersion = %q, want a build number", f.OSVersion)
	}
	if host, _ := os.Hostname(); f.Hostname != host || host == "" {
		t.Errorf("Hostname = %q, want %q", f.Hostname, host)
	}
	if f.User == "" {
		t.Errorf("no User: %q", f.Unknown["user"])
	}
	if f.TimeZone == "" {
		t.Error("no TimeZone")
	}
	if f.LocalTime.Before(start.Add(-time.Second)) || f.LocalTime.After(time.Now().Add(time.Second)) {
		t.Errorf("LocalTime = %v, not now", f.LocalTime)
	}
	for _, ip := range f.DNSServers {
		if _, err := netip.ParseAddr(ip); err != nil {
			t.Errorf("DNS server %q: %v", ip, err)
		}
	}
	// What is not known says why.
	for fact, missing := range map[string]bool{
		"time_sync":   f.TimeSync == SyncUnknown,
		"time_synced": f.TimeSynced == "unknown",
		"ntp_server":  f.NTPServer == "",
		"dns_servers": len(f.DNSServers) == 0,
	} {
		if missing && f.Unknown[fact] == "" {
			t.Errorf("%s is not known and Unknown gives no reason", fact)
		}
	}
	t.Logf("%+v", f)
}

// fakeW32tm puts the test binary on PATH as w32tm.exe, printing output and
// exiting with code.
func fakeW32tm(t *testing.T, output string, code int) {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(exe)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "w32tm.exe"), data, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", dir+string(os.PathListSeparator)+os.Getenv("PATH"))
	t.Setenv(fakeW32tmOutput, output)
	t.Setenv(fakeW32tmExit, strconv.Itoa(code))
}

const (
	w32tmSyncedOutput = "Leap Indicator: 0(no warning)\r\n" +
		"Stratum: 3 (secondary reference - syncd by (S)NTP)\r\n" +
		"Precision: -23 (119.209ns per tick)\r\n" +
		"Last Successful Sync Time: 6/1/2025 9:03:12 PM\r\n" +
		"Source: ntp1.example.test,0x9\r\n" +
		"Poll Interval: 10 (1024s)\r\n"
	w32tmLocalOutput   = "Stratum: 1 (primary reference - syncd by radio clock)\r\nSource: Local CMOS Clock\r\n"
	w32tmStoppedOutput = "The following error occurred: The service has not been started. (0x80070426)\r\n"
)

// Facts reads W32Time's settings from the registry and asks w32tm (here
// the fake) what it does now.
func TestWindowsTimeSync(t *testing.T) {
	requireWine(t)
	tests := []struct {
		name          string
		typ, servers  string // registry Type and NtpServer; "" leaves them out
		w32tm         string // its output; "" for no w32tm on PATH
		exit          int
		sync, synced  string
		ntp           string
		unknownSynced bool // time_synced has a reason in Unknown
	}{
		{name: "synced", typ: "NTP", servers: "ntp1.example.test,0x9 ntp2.example.test,0x8",
			w32tm: w32tmSyncedOutput, sync: SyncOn, synced: "yes", ntp: "ntp1.example.test"},
		{name: "synced, no Type in the registry",
			w32tm: w32tmSyncedOutput, sync: SyncOn, synced: "yes", ntp: "ntp1.example.test"},
		{name: "domain", typ: "NT5DS",
			w32tm: strings.ReplaceAll(w32tmSyncedOutput, "ntp1.example.test,0x9", "dc01.corp.example.test"),
			sync:  SyncOn, synced: "yes", ntp: "dc01.corp.example.test"},
		{name: "local clock", typ: "NTP", servers: "ntp1.example.test,0x9",
			w32tm: w32tmLocalOutput, sync: SyncOn, synced: "no", ntp: "ntp1.example.test"},
		{name: "service stopped", typ: "NTP", servers: "ntp1.example.test,0x9",
			w32tm: w32tmStoppedOutput, exit: 1, sync: SyncOff, synced: "no", ntp: "ntp1.example.test"},
		{name: "no sync", typ: "NoSync", servers: "ntp1.example.test,0x9",
			w32tm: w32tmStoppedOutput, exit: 1, sync: SyncOff, synced: "no", ntp: "ntp1.example.test"},
		{name: "no w32tm", typ: "NT5DS",
			sync: SyncOn, synced: "unknown", ntp: "domain hierarchy (NT5DS)", unknownSynced: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k := createKey(t, registry.LOCAL_MACHINE, `SYSTEM\CurrentControlSet\Services\W32Time\Parameters`)
			if tt.typ != "" {
				setString(t, k, "Type", tt.typ)
			}
			if tt.servers != "" {
				setString(t, k, "NtpServer", tt.servers)
			}
			if tt.w32tm != "" {
				fakeW32tm(t, tt.w32tm, tt.exit)
			} else {
				t.Setenv("PATH", t.TempDir())
			}
			f := windowsPlatform{}.Facts(context.Background())
			if f.TimeSync != tt.sync || f.TimeSynced != tt.synced || f.NTPServer != tt.ntp {
				t.Errorf("TimeSync, TimeSynced, NTPServer = %q, %q, %q; want %q, %q, %q",
					f.TimeSync, f.TimeSynced, f.NTPServer, tt.sync, tt.synced, tt.ntp)
			}
			if _, ok := f.Unknown["time_sync"]; ok {
				t.Errorf("time_sync unknown: %s", f.Unknown["time_sync"])
			}
			if reason, ok := f.Unknown["time_synced"]; ok != tt.unknownSynced {
				t.Errorf("time_synced unknown = %v (%q), want %v", ok, reason, tt.unknownSynced)
			}
		})
	}
}

func TestWindowsProxy(t *testing.T) {
	requireWine(t)
	k := createKey(t, registry.CURRENT_USER, `Software\Microsoft\Windows\CurrentVersion\Internet Settings`)
	setDWord(t, k, "ProxyEnable", 1)
	setString(t, k, "ProxyServer", "http=proxy.example.test:8080;https=proxy.example.test:8443")
	setString(t, k, "ProxyOverride", "*.corp.example.test;<local>")
	setString(t, k, "AutoConfigURL", "http://wpad.example.test/proxy.pac")
	for _, v := range []string{"http_proxy", "https_proxy", "all_proxy", "no_proxy"} {
		t.Setenv(v, "") // the environment's names are not case-sensitive on Windows
	}
	t.Setenv("HTTPS_PROXY", "http://env-proxy.example.test:3128")
	f := windowsPlatform{}.Facts(context.Background())
	want := map[string]string{
		"http":        "proxy.example.test:8080",
		"https":       "proxy.example.test:8443",
		"exceptions":  "*.corp.example.test,<local>",
		"pac":         "http://wpad.example.test/proxy.pac",
		"https_proxy": "http://env-proxy.example.test:3128",
	}
	if !reflect.DeepEqual(f.Proxy, want) {
		t.Errorf("Proxy = %v\nwant    %v", f.Proxy, want)
	}
}

func TestDecodeConsoleOutput(t *testing.T) {
	if err := procGetOEMCP.Find(); err != nil {
		t.Fatal(err)
	}
	cp, _, _ := procGetOEMCP.Call()
	tests := []struct {
		name string
		cp   uintptr // 0: in every code page
		in   string
		want string
	}{
		{"UTF-8", 0, "Source: ntp.example.test\r\n", "Source: ntp.example.test\r\n"},
		{"UTF-16 with BOM", 0, "\xff\xfeS\x00r\x00c\x00", "Src"},
		{"UTF-16 without BOM", 0, "S\x00o\x00u\x00r\x00c\x00e\x00", "Source"},
		{"code page 437", 437, "Zeitzone: \x84\x94\x81", "Zeitzone: äöü"},
		{"code page 850", 850, "Zeitzone: \x84\x94\x81", "Zeitzone: äöü"},
		{"code page 932", 932, "\x83\x5c\x81\x5b\x83\x58: ntp.nict.jp", "ソース: ntp.nict.jp"},
	}
	ran := 0
	for _, tt := range tests {
		if tt.cp != 0 && tt.cp != cp {
			continue
		}
		ran++
		if got := decodeConsoleOutput([]byte(tt.in)); got != tt.want {
			t.Errorf("%s: got %q, want %q", tt.name, got, tt.want)
		}
	}
	t.Logf("OEM code page %d, %d cases", cp, ran)
}

func TestWindowsGatewaysNone(t *testing.T) {
	requireWine(t) // a new Wine prefix has no VPN client; a real Windows may
	if gws := (windowsPlatform{}).Gateways(context.Background()); len(gws) != 0 {
		t.Errorf("gateways on a machine without VPN clients: %+v", gws)
	}
}

const (
	testProfile = `<?xml version="1.0" encoding="UTF-8"?>
<AnyConnectProfile xmlns="http://schemas.xmlsoap.org/encoding/">
	<ServerList>
		<HostEntry>
			<HostName>Corp VPN</HostName>
			<HostAddress>asa.example.test</HostAddress>
		</HostEntry>
	</ServerList>
</AnyConnectProfile>
`
	testPreferences = `<?xml version="1.0" encoding="UTF-8"?>
<AnyConnectPreferences>
	<DefaultHostName>Corp VPN</DefaultHostName>
	<DefaultHostAddress>asa.example.test</DefaultHostAddress>
</AnyConnectPreferences>
`
)

// Gateways reads the clients' settings where they keep them: FortiClient
// and GlobalProtect in the registry, AnyConnect in files under ProgramData
// and LOCALAPPDATA, the versions from the installed programs' Uninstall
// keys.
func TestWindowsGateways(t *testing.T) {
	requireWine(t)
	const (
		forti    = `SOFTWARE\Fortinet\FortiClient\Sslvpn\Tunnels`
		gp       = `SOFTWARE\Palo Alto Networks\GlobalProtect`
		uninst   = `SOFTWARE\Microsoft\Windows\CurrentVersion\Uninstall`
		uninst32 = `SOFTWARE\WOW6432Node\Microsoft\Windows\CurrentVersion\Uninstall`
	)
	setString(t, createKey(t, registry.CURRENT_USER, forti+`\Office`), "Server", "vpn.example.test:10443")
	setString(t, createKey(t, registry.CURRENT_USER, forti+`\Unfinished`), "Server", "")
	setString(t, createKey(t, registry.LOCAL_MACHINE, forti+`\Branch`), "Server", "branch.example.test")
	setString(t, createKey(t, registry.LOCAL_MACHINE, gp+`\PanSetup`), "Portal", "gp.example.test")
	settings := createKey(t, registry.CURRENT_USER, gp+`\Settings`)
	setString(t, settings, "LastUrl", "GP.example.test") // the same portal as PanSetup's
	createKey(t, registry.CURRENT_USER, gp+`\Settings\portal2.example.test`)
	createKey(t, registry.CURRENT_USER, gp+`\Settings\Notifications`) // not a portal
	for _, p := range []struct{ key, name, version string }{
		{uninst + `\{vpndoctor-test-forticlient}`, "FortiClient VPN", "7.2.4.0972"},
		{uninst32 + `\{vpndoctor-test-globalprotect}`, "GlobalProtect", "6.2.1-43"},
		{uninst + `\{vpndoctor-test-secure-client}`, "Cisco Secure Client - AnyConnect VPN", "5.1.2.42"},
	} {
		k := createKey(t, registry.LOCAL_MACHINE, p.key)
		setString(t, k, "DisplayName", p.name)
		setString(t, k, "DisplayVersion", p.version)
	}
	programData, local := t.TempDir(), t.TempDir()
	t.Setenv("ProgramData", programData)
	t.Setenv("LOCALAPPDATA", local)
	profile := filepath.Join(programData, "Cisco", "Cisco Secure Client", "VPN", "Profile", "corp.xml")
	prefs := filepath.Join(local, "Cisco", "Cisco Secure Client", "VPN", "preferences.xml")
	writeFile(t, profile, []byte(testProfile))
	writeFile(t, prefs, []byte(testPreferences))

	got := windowsPlatform{}.Gateways(context.Background())
	want := []Gateway{
		{Client: ClientSecureClient, ClientVersion: "5.1.2.42", Name: "Corp VPN", Address: "asa.example.test", Source: profile},
		{Client: ClientSecureClient, ClientVersion: "5.1.2.42", Name: "Corp VPN", Address: "asa.example.test", Source: prefs},
		{Client: ClientGlobalProtect, ClientVersion: "6.2.1-43", Address: "gp.example.test", Source: `HKLM\` + gp + `\PanSetup`},
		{Client: ClientGlobalProtect, ClientVersion: "6.2.1-43", Address: "portal2.example.test", Source: `HKCU\` + gp + `\Settings\portal2.example.test`},
		{Client: ClientFortiClient, ClientVersion: "7.2.4.0972", Name: "Office", Address: "vpn.example.test:10443", Source: `HKCU\` + forti + `\Office`},
		{Client: ClientFortiClient, ClientVersion: "7.2.4.0972", Name: "Branch", Address: "branch.example.test", Source: `HKLM\` + forti + `\Branch`},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("gateways:\n%s\nwant:\n%s", gatewayLines(got), gatewayLines(want))
	}
}

func gatewayLines(gws []Gateway) string {
	var b strings.Builder
	for _, g := range gws {
		b.WriteString(strings.Join([]string{g.Client, g.ClientVersion, g.Name, g.Address, g.Source}, " | "))
		b.WriteString("\n")
	}
	return b.String()
}
