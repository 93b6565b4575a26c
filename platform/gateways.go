package platform

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// acInstall is where one AnyConnect / Secure Client installation keeps its
// VPN profiles and version.
type acInstall struct {
	Client       string
	ProfileDir   string
	VersionFiles []string // update.txt; the first readable one counts
}

// anyConnectGateways reads the profiles of each installation, and the
// preference files' last-used host. The last-used host is reported even
// when a profile lists it too: it says which one the person picked.
func anyConnectGateways(installs []acInstall, prefFiles []string) []Gateway {
	var gws []Gateway
	client, version := "", ""
	for _, in := range installs {
		files, _ := filepath.Glob(filepath.Join(in.ProfileDir, "*.xml"))
		v := firstVersion(in.VersionFiles)
		if client == "" && (len(files) > 0 || v != "") {
			client, version = in.Client, v
		}
		for _, f := range files {
			data, err := readSmallFile(f)
			if err != nil {
				continue
			}
			found, _ := ParseAnyConnectProfile(data)
			for _, g := range found {
				g.Client, g.ClientVersion, g.Source = in.Client, v, f
				gws = append(gws, g)
			}
		}
	}
	for _, f := range prefFiles {
		data, err := readSmallFile(f)
		if err != nil {
			continue
		}
		g, err := ParseAnyConnectPreferences(data)
		if err != nil {
			continue
		}
		g.Client, g.ClientVersion, g.Source = client, version, f
		if g.Client == "" {
			g.Client = ClientAnyConnect
			if strings.Contains(f, "Secure Client") {
				g.Client = ClientSecureClient
			}
		}
		gws = append(gws, g)
	}
	return gws
}

func firstVersion(files []string) string {
	for _, f := range files {
		if data, err := readSmallFile(f); err == nil {
			if v := ParseAnyConnectUpdateTxt(string(data)); v != "" {
				return v
			}
		}
	}
	return ""
}

// maxConfigFile bounds one configuration file's read.
const maxConfigFile = 4 << 20

func readSmallFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(io.LimitReader(f, maxConfigFile))
}

// zoneLabel names the time zone for people: "Asia/Tokyo (JST, UTC+09:00)".
func zoneLabel(name string, t time.Time) string {
	abbr, offset := t.Zone()
	sign := "+"
	if offset < 0 {
		sign, offset = "-", -offset
	}
	utc := "UTC" + sign + twoDigits(offset/3600) + ":" + twoDigits(offset%3600/60)
	if name == "" || name == abbr {
		return abbr + " (" + utc + ")"
	}
	return name + " (" + abbr + ", " + utc + ")"
}

func twoDigits(n int) string {
	return string([]byte{byte('0' + n/10%10), byte('0' + n%10)})
}

// unixCiscoGateways: Cisco Secure Client and AnyConnect keep the same
// layout on Linux and macOS (profiles under /opt/cisco, the last-used host
// in the user's .anyconnect preferences).
func unixCiscoGateways(home string) []Gateway {
	installs := []acInstall{
		{ClientSecureClient, "/opt/cisco/secureclient/vpn/profile", []string{"/opt/cisco/secureclient/update.txt", "/opt/cisco/secureclient/vpn/update.txt"}},
		{ClientAnyConnect, "/opt/cisco/anyconnect/profile", []string{"/opt/cisco/anyconnect/update.txt"}},
	}
	var prefs []string
	if home != "" {
		prefs = []string{filepath.Join(home, ".cisco", "vpn", ".anyconnect"), filepath.Join(home, ".anyconnect")}
	}
	return anyConnectGateways(installs, prefs)
}
