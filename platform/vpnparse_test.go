package platform

import (
	"reflect"
	"strings"
	"testing"
	"unicode/utf16"
)

const anyConnectProfile = `<?xml version="1.0" encoding="UTF-8"?>
<AnyConnectProfile xmlns="http://schemas.xmlsoap.org/encoding/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://schemas.xmlsoap.org/encoding/ AnyConnectProfile.xsd">
	<ClientInitialization>
		<UseStartBeforeLogon UserControllable="true">false</UseStartBeforeLogon>
		<StrictCertificateTrust>true</StrictCertificateTrust>
	</ClientInitialization>
	<ServerList>
		<HostEntry>
			<HostName>東京本社 VPN</HostName>
			<HostAddress>vpn.example.co.jp</HostAddress>
			<BackupServerList>
				<HostAddress>vpn2.example.co.jp</HostAddress>
			</BackupServerList>
		</HostEntry>
		<HostEntry>
			<HostName>Osaka</HostName>
			<HostAddress>osaka.vpn.example.co.jp</HostAddress>
			<UserGroup>staff</UserGroup>
		</HostEntry>
		<HostEntry>
			<HostName>legacy.example.com</HostName>
		</HostEntry>
	</ServerList>
</AnyConnectProfile>
`

func utf16LEWithBOM(s string) []byte {
	out := []byte{0xFF, 0xFE}
	for _, u := range utf16.Encode([]rune(s)) {
		out = append(out, byte(u), byte(u>>8))
	}
	return out
}

func TestParseAnyConnectProfile(t *testing.T) {
	full := []Gateway{
		{Name: "東京本社 VPN", Address: "vpn.example.co.jp"},
		{Name: "東京本社 VPN (backup)", Address: "vpn2.example.co.jp"},
		{Name: "Osaka", Address: "osaka.vpn.example.co.jp/staff"},
		{Name: "legacy.example.com", Address: "legacy.example.com"},
	}
	tests := []struct {
		name    string
		in      []byte
		want    []Gateway
		wantErr bool
	}{
		{"full", []byte(anyConnectProfile), full, false},
		{"utf-8 BOM", append([]byte{0xEF, 0xBB, 0xBF}, anyConnectProfile...), full, false},
		{"utf-16 with BOM", utf16LEWithBOM(strings.Replace(anyConnectProfile, "UTF-8", "UTF-16", 1)), full, false},
		{"declared Shift_JIS", []byte(strings.Replace(anyConnectProfile, "UTF-8", "Shift_JIS", 1)), full, false},
		{"no namespace", []byte("<AnyConnectProfile><ServerList><HostEntry><HostName>a</HostName><HostAddress> a.example </HostAddress></HostEntry></ServerList></AnyConnectProfile>"),
			[]Gateway{{Name: "a", Address: "a.example"}}, false},
		{"truncated after first entry", []byte(anyConnectProfile[:strings.Index(anyConnectProfile, "<HostName>Osaka")]),
			full[:2], true},
		{"no server list", []byte(`<AnyConnectProfile><ClientInitialization/></AnyConnectProfile>`), nil, true},
		{"empty", nil, nil, true},
		{"html", []byte("<html><body>404 Not Found</body></html>"), nil, true},
		{"binary", []byte{0x00, 0x01, 0xff, '<', 0x80}, nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseAnyConnectProfile(tt.in)
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, want error %v", err, tt.wantErr)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

func TestParseAnyConnectPreferences(t *testing.T) {
	prefs := `<?xml version="1.0" encoding="UTF-8"?>
<AnyConnectPreferences>
<DefaultUser>taro</DefaultUser>
<DefaultSecondUser></DefaultSecondUser>
<ClientCertificateThumbprint></ClientCertificateThumbprint>
<ServerCertificateThumbprint></ServerCertificateThumbprint>
<DefaultHostName>東京本社 VPN</DefaultHostName>
<DefaultHostAddress>vpn.example.co.jp</DefaultHostAddress>
<DefaultGroup></DefaultGroup>
<ProxyHost></ProxyHost>
<ProxyPort></ProxyPort>
<SDITokenType>none</SDITokenType>
<ControllablePreferences></ControllablePreferences>
</AnyConnectPreferences>
`
	tests := []struct {
		name    string
		in      string
		want    Gateway
		wantErr bool
	}{
		{"full", prefs, Gateway{Name: "東京本社 VPN", Address: "vpn.example.co.jp"}, false},
		{"name only", "<AnyConnectPreferences><DefaultHostName>vpn.example.com</DefaultHostName></AnyConnectPreferences>", Gateway{Name: "vpn.example.com", Address: "vpn.example.com"}, false},
		{"truncated after host", prefs[:strings.Index(prefs, "<DefaultGroup>")], Gateway{Name: "東京本社 VPN", Address: "vpn.example.co.jp"}, false},
		{"truncated before host", prefs[:strings.Index(prefs, "<DefaultHostName>")], Gateway{}, true},
		{"never connected", "<AnyConnectPreferences><DefaultHostName></DefaultHostName></AnyConnectPreferences>", Gateway{}, true},
		{"garbage", "\x00\x00", Gateway{}, true},
	}
	for _, tt := range tests {
		got, err := ParseAnyConnectPreferences([]byte(tt.in))
		if (err != nil) != tt.wantErr || got != tt.want {
			t.Errorf("%s: got %+v, %v", tt.name, got, err)
		}
	}
}

func TestParseAnyConnectUpdateTxt(t *testing.T) {
	for in, want := range map[string]string{
		"4,10,05095\n": "4.10.05095",
		"5,1,2,42\r\n": "5.1.2.42",
		"":             "",
		"<html>":       "",
		"4,10,0509":    "4.10.0509",
	} {
		if got := ParseAnyConnectUpdateTxt(in); got != want {
			t.Errorf("%q: got %q, want %q", in, got, want)
		}
	}
}

func TestParseNMConnection(t *testing.T) {
	openconnect := `[connection]
id=会社 VPN
uuid=0b3e0f7e-2f0a-4c1e-9a51-7d2f3d4b5c6a
type=vpn
autoconnect=false

[vpn]
authtype=password
autoconnect-flags=0
certsigs-flags=0
cookie-flags=2
enable_csd_trojan=no
gateway=vpn.example.co.jp
protocol=anyconnect
service-type=org.freedesktop.NetworkManager.openconnect

[ipv4]
method=auto
`
	tests := []struct {
		name string
		in   string
		want Gateway
		ok   bool
	}{
		{"openconnect", openconnect, Gateway{Client: "NetworkManager openconnect (anyconnect)", Name: "会社 VPN", Address: "vpn.example.co.jp"}, true},
		{"globalprotect", strings.Replace(openconnect, "protocol=anyconnect", "protocol=gp", 1), Gateway{Client: "NetworkManager openconnect (gp)", Name: "会社 VPN", Address: "vpn.example.co.jp"}, true},
		{"openvpn", "[connection]\nid=ovpn\ntype=vpn\n[vpn]\nremote=ovpn.example.com:1194\nservice-type=org.freedesktop.NetworkManager.openvpn\n",
			Gateway{Client: "NetworkManager openvpn", Name: "ovpn", Address: "ovpn.example.com:1194"}, true},
		{"vpnc", "[connection]\nid=v\ntype=vpn\n[vpn]\nIPSec gateway=ipsec.example.com\nservice-type=org.freedesktop.NetworkManager.vpnc\n",
			Gateway{Client: "NetworkManager vpnc", Name: "v", Address: "ipsec.example.com"}, true},
		{"wifi", "[connection]\nid=Home\ntype=wifi\n[wifi]\nssid=Home\n", Gateway{}, false},
		{"vpn without gateway", "[connection]\nid=x\ntype=vpn\n[vpn]\nservice-type=org.freedesktop.NetworkManager.openconnect\n", Gateway{}, false},
		{"truncated before vpn", openconnect[:strings.Index(openconnect, "[vpn]")], Gateway{}, false},
		{"truncated in gateway", openconnect[:strings.Index(openconnect, "protocol=")], Gateway{Client: "NetworkManager", Name: "会社 VPN", Address: "vpn.example.co.jp"}, true},
		{"garbage", "[[[\n=\n]\x00", Gateway{}, false},
	}
	for _, tt := range tests {
		got, ok := ParseNMConnection(tt.in)
		if ok != tt.ok || got != tt.want {
			t.Errorf("%s: got %+v %v, want %+v %v", tt.name, got, ok, tt.want, tt.ok)
		}
	}
}

func TestParseNMVPNData(t *testing.T) {
	got, ok := ParseNMVPNData("Work", "org.freedesktop.NetworkManager.openconnect",
		"authtype = password, gateway = vpn.example.com, protocol = anyconnect, cookie-flags = 2")
	want := Gateway{Client: "NetworkManager openconnect (anyconnect)", Name: "Work", Address: "vpn.example.com"}
	if !ok || got != want {
		t.Errorf("got %+v %v", got, ok)
	}
	if _, ok := ParseNMVPNData("x", "", ""); ok {
		t.Error("empty data gave a gateway")
	}
}

func TestSplitNmcliTerse(t *testing.T) {
	for in, want := range map[string][]string{
		`Work VPN:0b3e:vpn`: {"Work VPN", "0b3e", "vpn"},
		`a\:b:c:vpn`:        {"a:b", "c", "vpn"},
		`back\\slash:u:vpn`: {`back\slash`, "u", "vpn"},
		``:                  {""},
		`trailing\`:         {`trailing\`},
	} {
		if got := splitNmcliTerse(in); !reflect.DeepEqual(got, want) {
			t.Errorf("%q: got %q, want %q", in, got, want)
		}
	}
}

const globalProtectPlist = `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0">
<dict>
	<key>Palo Alto Networks</key>
	<dict>
		<key>GlobalProtect</key>
		<dict>
			<key>PanSetup</key>
			<dict>
				<key>Portal</key>
				<string>gp.example.co.jp</string>
				<key>Prelogon</key>
				<integer>0</integer>
			</dict>
			<key>Settings</key>
			<dict>
				<key>LastUrl</key>
				<string>gp2.example.co.jp</string>
				<key>enabled</key>
				<true/>
				<key>ratio</key>
				<real>0.5</real>
				<key>blob</key>
				<data>
				AAEC
				</data>
				<key>Portals</key>
				<array>
					<dict><key>Portal</key><string>gp.example.co.jp</string></dict>
				</array>
			</dict>
		</dict>
	</dict>
</dict>
</plist>
`

func TestParseGlobalProtectPlist(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    []string
		wantErr bool
	}{
		{"settings", globalProtectPlist, []string{"gp.example.co.jp", "gp2.example.co.jp"}, false},
		{"truncated after portal", globalProtectPlist[:strings.Index(globalProtectPlist, "<key>Prelogon")], []string{"gp.example.co.jp"}, true},
		{"empty dict", `<plist version="1.0"><dict/></plist>`, nil, false},
		{"binary plist", "bplist00\xd1\x01\x02", nil, true},
		{"bad integer", `<plist><dict><key>Portal</key><string>a.example</string><key>n</key><integer>x</integer></dict></plist>`, []string{"a.example"}, true},
		{"not xml", "Portal = gp.example.com", nil, true},
		{"empty", "", nil, true},
	}
	for _, tt := range tests {
		got, err := ParseGlobalProtectPlist([]byte(tt.in))
		if (err != nil) != tt.wantErr || !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s: got %q, %v", tt.name, got, err)
		}
	}
}

func TestParsePlistValues(t *testing.T) {
	v, err := ParsePlist([]byte(globalProtectPlist))
	if err != nil {
		t.Fatal(err)
	}
	settings := v.(map[string]any)["Palo Alto Networks"].(map[string]any)["GlobalProtect"].(map[string]any)["Settings"].(map[string]any)
	if settings["enabled"] != true || settings["ratio"] != 0.5 || !reflect.DeepEqual(settings["blob"], []byte{0, 1, 2}) {
		t.Errorf("values: %#v", settings)
	}
	deep := strings.Repeat("<array>", maxPlistDepth+5) + strings.Repeat("</array>", maxPlistDepth+5)
	if _, err := ParsePlist([]byte("<plist>" + deep + "</plist>")); err == nil {
		t.Error("deep nesting accepted")
	}
	if got := plistString(map[string]any{"CFBundleShortVersionString": " 6.2.1 "}, "CFBundleShortVersionString"); got != "6.2.1" {
		t.Errorf("plistString: %q", got)
	}
}

func TestXMLElementTexts(t *testing.T) {
	pangps := `<?xml version="1.0" encoding="UTF-8"?><GlobalProtect><Settings><PanSetup><Portal>gp.example.com</Portal><Prelogon>0</Prelogon></PanSetup><Portal> gp.example.com </Portal><Portal></Portal></Settings></GlobalProtect>`
	got, err := xmlElementTexts([]byte(pangps), "Portal")
	if err != nil || !reflect.DeepEqual(got, []string{"gp.example.com"}) {
		t.Errorf("got %q, %v", got, err)
	}
	got, err = xmlElementTexts([]byte(pangps[:60]), "Portal")
	if err == nil || len(got) != 0 {
		t.Errorf("truncated: got %q, %v", got, err)
	}
}

func TestClientFromProductName(t *testing.T) {
	for in, want := range map[string]string{
		"Cisco AnyConnect Secure Mobility Client": ClientAnyConnect,
		"Cisco Secure Client - AnyConnect VPN":    ClientSecureClient,
		"GlobalProtect":                           ClientGlobalProtect,
		"FortiClient VPN":                         ClientFortiClient,
		"Microsoft Edge":                          "",
		"":                                        "",
	} {
		if got := clientFromProductName(in); got != want {
			t.Errorf("%q: got %q, want %q", in, got, want)
		}
	}
}
