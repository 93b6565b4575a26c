package platform

import (
	"path/filepath"
	"strings"

	"github.com/vpndoctor/vpndoctor/checks"
)

// Where VPN clients keep the certificate fingerprints a user accepted.
const (
	PinClientOpenfortivpn  = "openfortivpn"
	PinClientNMOpenconnect = "NetworkManager openconnect"
	PinClientNMFortiSSL    = "NetworkManager fortisslvpn"
)

// ParseOpenfortivpnConfig reads openfortivpn's configuration ("key = value"
// lines): the gateway (host, port) and every trusted-cert line, a SHA-256
// of the gateway's certificate.
func ParseOpenfortivpnConfig(text, source string) []checks.Pin {
	host, port := "", ""
	var fps []string
	for _, line := range strings.Split(decodeText([]byte(text)), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || line[0] == '#' {
			continue
		}
		k, v, ok := strings.Cut(line, "=")
		if !ok {
			continue
		}
		k, v = strings.TrimSpace(k), strings.TrimSpace(v)
		switch k {
		case "host":
			host = v
		case "port":
			port = v
		case "trusted-cert":
			fps = append(fps, v)
		}
	}
	if host == "" {
		return nil
	}
	if port != "" && !strings.Contains(host, ":") {
		host += ":" + port
	}
	var out []checks.Pin
	for _, fp := range fps {
		out = append(out, checks.Pin{Host: host, Fingerprint: fp, Client: PinClientOpenfortivpn, Source: source})
	}
	return out
}

// ParseNMPins reads a NetworkManager keyfile: NetworkManager-openconnect
// keeps certificates the user accepted as "certificate:HOST:PORT" secrets
// (and a configured one as vpn data servercert); NetworkManager-fortisslvpn
// keeps trusted-cert in the vpn data.
func ParseNMPins(text, source string) []checks.Pin {
	sections := parseKeyfile(text)
	vpn := sections["vpn"]
	if vpn == nil {
		return nil
	}
	gateway := vpn["gateway"]
	client := PinClientNMOpenconnect
	if strings.Contains(vpn["service-type"], "fortisslvpn") {
		client = PinClientNMFortiSSL
	}
	var out []checks.Pin
	for _, k := range []string{"servercert", "trusted-cert"} {
		for _, fp := range strings.Split(vpn[k], ",") {
			if fp = strings.TrimSpace(fp); fp != "" && gateway != "" {
				out = append(out, checks.Pin{Host: gateway, Fingerprint: fp, Client: client, Source: source})
			}
		}
	}
	for _, sec := range []string{"vpn-secrets", "vpn"} {
		for k, v := range sections[sec] {
			rest, ok := strings.CutPrefix(k, "certificate:")
			if !ok || strings.TrimSpace(v) == "" {
				continue
			}
			out = append(out, checks.Pin{Host: rest, Fingerprint: strings.TrimSpace(v), Client: client, Source: source})
		}
	}
	return out
}

// parseKeyfile reads an INI-style keyfile into sections of keys.
func parseKeyfile(text string) map[string]map[string]string {
	sections := map[string]map[string]string{}
	section := ""
	for _, line := range strings.Split(decodeText([]byte(text)), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || line[0] == '#' || line[0] == ';' {
			continue
		}
		if strings.HasPrefix(line, "[") && strings.HasSuffix(line, "]") {
			section = line[1 : len(line)-1]
			continue
		}
		k, v, found := strings.Cut(line, "=")
		if !found {
			continue
		}
		if sections[section] == nil {
			sections[section] = map[string]string{}
		}
		sections[section][strings.TrimSpace(k)] = strings.TrimSpace(v)
	}
	return sections
}

// readPins reads the pins of every openfortivpn config and NetworkManager
// keyfile given; unreadable files (keyfiles are root's) are passed over.
func readPins(openfortivpn []string, nmDirs []string) []checks.Pin {
	var out []checks.Pin
	for _, f := range openfortivpn {
		if data, err := readSmallFile(f); err == nil {
			out = append(out, ParseOpenfortivpnConfig(string(data), f)...)
		}
	}
	for _, dir := range nmDirs {
		files, _ := filepath.Glob(filepath.Join(dir, "*"))
		for _, f := range files {
			if data, err := readSmallFile(f); err == nil {
				out = append(out, ParseNMPins(string(data), f)...)
			}
		}
	}
	return out
}
