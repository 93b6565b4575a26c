package platform

import (
	"bytes"
	"encoding/base64"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Client names, as Gateway.Client.
const (
	ClientAnyConnect    = "Cisco AnyConnect"
	ClientSecureClient  = "Cisco Secure Client"
	ClientGlobalProtect = "GlobalProtect"
	ClientFortiClient   = "FortiClient"
	ClientNetworkMgr    = "NetworkManager"
)

func newXMLDecoder(data []byte) *xml.Decoder {
	d := xml.NewDecoder(strings.NewReader(strings.ToValidUTF8(decodeText(data), string(utf8.RuneError))))
	d.CharsetReader = lenientCharset
	d.Strict = false
	return d
}

type acProfile struct {
	Entries []acHostEntry `xml:"ServerList>HostEntry"`
}

type acHostEntry struct {
	HostName    string   `xml:"HostName"`
	HostAddress string   `xml:"HostAddress"`
	UserGroup   string   `xml:"UserGroup"`
	Backups     []string `xml:"BackupServerList>HostAddress"`
}

// ParseAnyConnectProfile returns the gateways of an AnyConnect / Secure
// Client VPN profile: one per <ServerList><HostEntry>, addressed by
// <HostAddress> (the client falls back to <HostName> when it is absent),
// plus the entry's backup servers. A damaged file yields the entries read
// before the damage, and the error.
func ParseAnyConnectProfile(data []byte) ([]Gateway, error) {
	var p acProfile
	err := newXMLDecoder(data).Decode(&p)
	var gws []Gateway
	for _, e := range p.Entries {
		name, addr := strings.TrimSpace(e.HostName), strings.TrimSpace(e.HostAddress)
		if addr == "" {
			addr = name
		}
		if addr == "" {
			continue
		}
		if g := strings.Trim(strings.TrimSpace(e.UserGroup), "/"); g != "" && !strings.Contains(addr, "/") {
			addr += "/" + g
		}
		gws = append(gws, Gateway{Name: name, Address: addr})
		for _, b := range e.Backups {
			if b = strings.TrimSpace(b); b != "" {
				gws = append(gws, Gateway{Name: name + " (backup)", Address: b})
			}
		}
	}
	if err != nil {
		return gws, fmt.Errorf("anyconnect profile: %w", err)
	}
	if len(gws) == 0 {
		return nil, errors.New("anyconnect profile: no HostEntry with an address")
	}
	return gws, nil
}

type acPreferences struct {
	DefaultHostName    string `xml:"DefaultHostName"`
	DefaultHostAddress string `xml:"DefaultHostAddress"`
}

// ParseAnyConnectPreferences returns the last-used host of an AnyConnect
// preferences.xml (<DefaultHostName>, <DefaultHostAddress>).
func ParseAnyConnectPreferences(data []byte) (Gateway, error) {
	var p acPreferences
	err := newXMLDecoder(data).Decode(&p)
	g := Gateway{Name: strings.TrimSpace(p.DefaultHostName), Address: strings.TrimSpace(p.DefaultHostAddress)}
	if g.Address == "" {
		g.Address = g.Name
	}
	if g.Address == "" {
		if err != nil {
			return Gateway{}, fmt.Errorf("anyconnect preferences: %w", err)
		}
		return Gateway{}, errors.New("anyconnect preferences: no DefaultHostName")
	}
	return g, nil
}

// ParseAnyConnectUpdateTxt reads the version from AnyConnect's update.txt
// ("4,10,05095" -> "4.10.05095").
func ParseAnyConnectUpdateTxt(text string) string {
	v := strings.TrimSpace(firstLine(decodeText([]byte(text))))
	v = strings.ReplaceAll(v, ",", ".")
	for _, r := range v {
		if (r < '0' || r > '9') && r != '.' {
			return ""
		}
	}
	return v
}

// ParseNMConnection reads a NetworkManager keyfile (.nmconnection) and
// returns its VPN gateway. ok is false for a connection that is not a VPN
// with a gateway.
func ParseNMConnection(text string) (g Gateway, ok bool) {
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
	conn, vpn := sections["connection"], sections["vpn"]
	if conn["type"] != "vpn" || vpn == nil {
		return Gateway{}, false
	}
	return nmGateway(conn["id"], vpn)
}

// ParseNMVPNData reads nmcli's vpn.data ("gateway = vpn.example.com,
// protocol = anyconnect") for a connection named id with service type st.
func ParseNMVPNData(id, serviceType, data string) (Gateway, bool) {
	vpn := map[string]string{"service-type": serviceType}
	for _, part := range strings.Split(data, ",") {
		if k, v, ok := strings.Cut(part, "="); ok {
			vpn[strings.TrimSpace(k)] = strings.TrimSpace(v)
		}
	}
	return nmGateway(id, vpn)
}

func nmGateway(id string, vpn map[string]string) (Gateway, bool) {
	addr := ""
	for _, k := range []string{"gateway", "remote", "IPSec gateway"} {
		if addr = vpn[k]; addr != "" {
			break
		}
	}
	if addr == "" {
		return Gateway{}, false
	}
	plugin := vpn["service-type"]
	if i := strings.LastIndex(plugin, "."); i >= 0 {
		plugin = plugin[i+1:]
	}
	client := ClientNetworkMgr
	if plugin != "" {
		client += " " + plugin
	}
	if p := vpn["protocol"]; p != "" {
		client += " (" + p + ")"
	}
	return Gateway{Client: client, Name: id, Address: addr}, true
}

// maxPlistDepth bounds nesting, so hostile input cannot exhaust the stack.
const maxPlistDepth = 64

// ParsePlist reads an XML property list into Go values: dict is
// map[string]any, array []any, string and date string, integer int64, real
// float64, true/false bool, data []byte. Binary plists are not XML: on
// macOS they are converted with plutil first.
func ParsePlist(data []byte) (any, error) {
	if bytes.HasPrefix(data, []byte("bplist")) {
		return nil, errors.New("plist: binary plist (convert with plutil -convert xml1)")
	}
	d := newXMLDecoder(data)
	for {
		tok, err := d.Token()
		if err != nil {
			return nil, fmt.Errorf("plist: %w", err)
		}
		if se, ok := tok.(xml.StartElement); ok {
			if se.Name.Local == "plist" {
				continue
			}
			return plistValue(d, se, 0)
		}
	}
}

func plistValue(d *xml.Decoder, se xml.StartElement, depth int) (any, error) {
	if depth > maxPlistDepth {
		return nil, errors.New("plist: nested too deeply")
	}
	switch se.Name.Local {
	case "dict":
		m := map[string]any{}
		key := ""
		for {
			tok, err := d.Token()
			if err != nil {
				return m, fmt.Errorf("plist: %w", err)
			}
			switch t := tok.(type) {
			case xml.EndElement:
				return m, nil
			case xml.StartElement:
				if t.Name.Local == "key" {
					if key, err = plistText(d); err != nil {
						return m, err
					}
					continue
				}
				v, err := plistValue(d, t, depth+1)
				m[key] = v
				if err != nil {
					return m, err
				}
			}
		}
	case "array":
		var a []any
		for {
			tok, err := d.Token()
			if err != nil {
				return a, fmt.Errorf("plist: %w", err)
			}
			switch t := tok.(type) {
			case xml.EndElement:
				return a, nil
			case xml.StartElement:
				v, err := plistValue(d, t, depth+1)
				a = append(a, v)
				if err != nil {
					return a, err
				}
			}
		}
	case "true", "false":
		return se.Name.Local == "true", d.Skip()
	}
	s, err := plistText(d)
	if err != nil {
		return nil, err
	}
	switch se.Name.Local {
	case "integer":
		n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
		if err != nil {
			return nil, fmt.Errorf("plist: integer %q", s)
		}
		return n, nil
	case "real":
		f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
		if err != nil {
			return nil, fmt.Errorf("plist: real %q", s)
		}
		return f, nil
	case "data":
		b, err := base64.StdEncoding.DecodeString(strings.Join(strings.Fields(s), ""))
		if err != nil {
			return nil, fmt.Errorf("plist: data: %w", err)
		}
		return b, nil
	}
	return s, nil // string, date, and anything unknown
}

// plistText reads the character data up to the end of the current element.
func plistText(d *xml.Decoder) (string, error) {
	var sb strings.Builder
	for {
		tok, err := d.Token()
		if err != nil {
			return sb.String(), fmt.Errorf("plist: %w", err)
		}
		switch t := tok.(type) {
		case xml.CharData:
			sb.Write(t)
		case xml.StartElement:
			if err := d.Skip(); err != nil {
				return sb.String(), fmt.Errorf("plist: %w", err)
			}
		case xml.EndElement:
			return sb.String(), nil
		}
	}
}

// plistStrings collects, depth first, the string values of every key in
// names found anywhere in v.
func plistStrings(v any, names map[string]bool) []string {
	var out []string
	var walk func(any, int)
	walk = func(v any, depth int) {
		if depth > maxPlistDepth {
			return
		}
		switch t := v.(type) {
		case map[string]any:
			for _, k := range slices.Sorted(maps.Keys(t)) {
				if s, ok := t[k].(string); ok && names[k] && strings.TrimSpace(s) != "" {
					out = appendOnce(out, strings.TrimSpace(s))
				}
				walk(t[k], depth+1)
			}
		case []any:
			for _, x := range t {
				walk(x, depth+1)
			}
		}
	}
	walk(v, 0)
	return out
}

// ParseGlobalProtectPlist returns the portal addresses in a GlobalProtect
// plist (the Portal values under PanSetup, and LastUrl), each once.
func ParseGlobalProtectPlist(data []byte) ([]string, error) {
	v, err := ParsePlist(data)
	return plistStrings(v, map[string]bool{"Portal": true, "LastUrl": true}), err
}

// plistString returns the string value of key in a top-level dict.
func plistString(v any, key string) string {
	if m, ok := v.(map[string]any); ok {
		s, _ := m[key].(string)
		return strings.TrimSpace(s)
	}
	return ""
}

// xmlElementTexts returns the text of every element with one of the local
// names, anywhere in the document (GlobalProtect's pangps.xml <Portal>).
func xmlElementTexts(data []byte, names ...string) ([]string, error) {
	want := map[string]bool{}
	for _, n := range names {
		want[n] = true
	}
	d := newXMLDecoder(data)
	var out []string
	var cur *strings.Builder
	for {
		tok, err := d.Token()
		if err != nil {
			if errors.Is(err, io.EOF) {
				return out, nil
			}
			return out, fmt.Errorf("xml: %w", err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			cur = nil
			if want[t.Name.Local] {
				cur = &strings.Builder{}
			}
		case xml.CharData:
			if cur != nil {
				cur.Write(t)
			}
		case xml.EndElement:
			if cur != nil && want[t.Name.Local] {
				if s := strings.TrimSpace(cur.String()); s != "" {
					out = appendOnce(out, s)
				}
			}
			cur = nil
		}
	}
}

// clientFromProductName maps an installed program's display name (Windows
// Uninstall key, macOS bundle) to a client name, or "".
func clientFromProductName(name string) string {
	n := strings.ToLower(name)
	switch {
	case strings.Contains(n, "secure client") && strings.Contains(n, "cisco"):
		return ClientSecureClient
	case strings.Contains(n, "anyconnect"):
		return ClientAnyConnect
	case strings.Contains(n, "globalprotect"):
		return ClientGlobalProtect
	case strings.Contains(n, "forticlient"):
		return ClientFortiClient
	}
	return ""
}

func appendOnce(list []string, s string) []string {
	for _, x := range list {
		if x == s {
			return list
		}
	}
	return append(list, s)
}

// splitNmcliTerse splits one line of nmcli -t output at the colons that
// are not escaped with a backslash.
func splitNmcliTerse(line string) []string {
	var fields []string
	var cur strings.Builder
	for i := 0; i < len(line); i++ {
		switch {
		case line[i] == '\\' && i+1 < len(line):
			i++
			cur.WriteByte(line[i])
		case line[i] == ':':
			fields = append(fields, cur.String())
			cur.Reset()
		default:
			cur.WriteByte(line[i])
		}
	}
	return append(fields, cur.String())
}
