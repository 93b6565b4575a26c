package clients

import (
	"fmt"
	"sort"
	"strings"
)

// How says how the client was chosen.
type How string

// Ways a client is chosen, strongest first.
const (
	ByFlag     How = "flag"     // --client
	ByConfig   How = "config"   // IT's vpndoctor.json
	ByDetected How = "detected" // the VPN client's profile found on this computer
	ByDefault  How = "default"  // none known: every client's rules at once
)

// Strict is the id reported when no client is known: a finding fails when
// the engine's strictest reading says so, as before client profiles.
const Strict = "strict"

// Choice is the client the findings are judged for.
type Choice struct {
	Profile Profile // zero when How is ByDefault
	How     How
	// From says what it was chosen from: the name given, or the profile
	// files found ("Cisco Secure Client: C:\ProgramData\...").
	From string
}

// ID is the chosen profile's id, or Strict.
func (c Choice) ID() string {
	if c.Profile.ID == "" {
		return Strict
	}
	return c.Profile.ID
}

// Known says whether a real client was chosen.
func (c Choice) Known() bool { return c.Profile.ID != "" }

// familyOS maps a family and an OS to its profile id; the first entry of a
// family is its default on other systems.
var familyOS = map[string]map[string]string{
	"anyconnect":    {"windows": "anyconnect-windows", "macos": "anyconnect-macos", "linux": "anyconnect-linux"},
	"globalprotect": {"windows": "globalprotect-windows", "macos": "globalprotect-macos"},
	"forticlient":   {"windows": "forticlient-windows", "macos": "forticlient-macos"},
	"openconnect":   {"linux": "openconnect-gnutls", "macos": "openconnect-openssl", "windows": "openconnect-gnutls"},
	"openfortivpn":  {"linux": "openfortivpn", "macos": "openfortivpn"},
	"windows":       {"windows": "windows-sstp"},
	"ios":           {"ios": "ios"},
	"android":       {"android": "android"},
}

// aliases are other names people type for a family.
var aliases = map[string]string{
	"secureclient": "anyconnect", "cisco": "anyconnect", "secure-client": "anyconnect",
	"gp": "globalprotect", "fortinet": "forticlient", "sstp": "windows", "iphone": "ios", "ipad": "ios",
}

// Lookup turns a name (a family such as "anyconnect", or a profile id such
// as "anyconnect-macos") into a profile for this OS ("windows", "macos",
// "linux", "ios", "android"). The error lists the names it knows.
func Lookup(name, osName string) (Profile, error) {
	n := strings.ToLower(strings.TrimSpace(name))
	if p, ok := ByID(n); ok {
		return p, nil
	}
	if a, ok := aliases[n]; ok {
		n = a
	}
	byOS, ok := familyOS[n]
	if !ok {
		return Profile{}, fmt.Errorf("unknown VPN client %q; known: %s", name, strings.Join(Names(), ", "))
	}
	if osName == "ios" || osName == "android" {
		// A vendor's app on a phone verifies with the phone's OS.
		p, _ := ByID(osName)
		return p, nil
	}
	if id, ok := byOS[osName]; ok {
		p, _ := ByID(id)
		return p, nil
	}
	for _, p := range profiles { // the family's first profile
		if p.Family == n {
			return p, nil
		}
	}
	return Profile{}, fmt.Errorf("unknown VPN client %q", name)
}

// Names lists the family names --client takes.
func Names() []string {
	out := make([]string, 0, len(familyOS))
	for n := range familyOS {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// FamilyOf maps the client name the platform adapters give a configured
// gateway ("Cisco Secure Client", "GlobalProtect", "NetworkManager
// openconnect (anyconnect)") to a family, or "".
func FamilyOf(client string) string {
	c := strings.ToLower(client)
	switch {
	case strings.Contains(c, "networkmanager") && strings.Contains(c, "fortisslvpn"):
		return "openfortivpn" // the NetworkManager plugin runs openfortivpn
	case strings.Contains(c, "networkmanager") && strings.Contains(c, "openconnect"):
		return "openconnect"
	case strings.Contains(c, "secure client"), strings.Contains(c, "anyconnect"):
		return "anyconnect"
	case strings.Contains(c, "globalprotect"):
		return "globalprotect"
	case strings.Contains(c, "forticlient"):
		return "forticlient"
	case strings.Contains(c, "openfortivpn"):
		return "openfortivpn"
	case strings.Contains(c, "openconnect"):
		return "openconnect"
	}
	return ""
}

// Choose picks the client: the flag, else IT's setting, else the one
// client found on this computer. Several different clients found, or none,
// give the default (every client's rules). installed are the platform's
// client names of the configured gateways, source their files.
func Choose(flag, config, osName string, installed, sources []string) (Choice, error) {
	if flag != "" {
		p, err := Lookup(flag, osName)
		return Choice{Profile: p, How: ByFlag, From: flag}, err
	}
	if config != "" {
		p, err := Lookup(config, osName)
		if err == nil {
			return Choice{Profile: p, How: ByConfig, From: config}, nil
		}
	}
	fams := map[string]string{}
	for i, c := range installed {
		if f := FamilyOf(c); f != "" && fams[f] == "" {
			fams[f] = c
			if i < len(sources) && sources[i] != "" {
				fams[f] += ": " + sources[i]
			}
		}
	}
	if len(fams) == 1 {
		for f, from := range fams {
			p, err := Lookup(f, osName)
			if err == nil {
				return Choice{Profile: p, How: ByDetected, From: from}, nil
			}
		}
	}
	return Choice{How: ByDefault}, nil
}
