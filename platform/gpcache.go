package platform

import (
	"encoding/xml"
	"os"
	"path/filepath"
	"strings"
)

// gpPortalConfig is the part of a GlobalProtect portal configuration (the
// getconfig.esp answer the app caches as PanPortalCfg_*) that lists the
// gateways: <gateways><external|internal><list><entry name="host">.
type gpPortalConfig struct {
	External []gpGateway `xml:"gateways>external>list>entry"`
	Internal []gpGateway `xml:"gateways>internal>list>entry"`
	// Older portals list them one level up.
	Flat []gpGateway `xml:"gateways>list>entry"`
}

type gpGateway struct {
	Name        string `xml:"name,attr"`
	Description string `xml:"description"`
}

// ParseGlobalProtectPortalConfig returns the gateway addresses of a
// GlobalProtect portal configuration, each once. A cache the app stored
// encrypted (not XML) yields nothing.
func ParseGlobalProtectPortalConfig(data []byte) []string {
	var cfg gpPortalConfig
	d := newXMLDecoder(data)
	for {
		// The configuration may be wrapped (<response><policy>...): find
		// the element that holds <gateways>.
		tok, err := d.Token()
		if err != nil {
			return nil
		}
		se, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		if se.Name.Local == "policy" || se.Name.Local == "portal-config" || se.Name.Local == "config" {
			if d.DecodeElement(&cfg, &se) != nil {
				return nil
			}
			break
		}
	}
	var out []string
	for _, g := range append(append(cfg.External, cfg.Internal...), cfg.Flat...) {
		if a := strings.TrimSpace(g.Name); a != "" {
			out = appendOnce(out, a)
		}
	}
	return out
}

// globalProtectCacheDirs are where the app keeps PanPortalCfg_* for the
// user (Palo Alto Networks KB "Using Cached Portal").
func globalProtectCacheDirs() []string {
	var dirs []string
	if la := os.Getenv("LOCALAPPDATA"); la != "" {
		dirs = append(dirs, filepath.Join(la, "Palo Alto Networks", "GlobalProtect"))
	}
	if home, err := os.UserHomeDir(); err == nil {
		dirs = append(dirs, filepath.Join(home, "Library", "Application Support", "PaloAltoNetworks", "GlobalProtect"),
			filepath.Join(home, ".GlobalProtect"))
	}
	return dirs
}

// GlobalProtectCachedGateways lists the gateways in the portal
// configurations GlobalProtect cached, with the file each came from.
func GlobalProtectCachedGateways() []Gateway {
	return cachedGateways(globalProtectCacheDirs())
}

func cachedGateways(dirs []string) []Gateway {
	var gws []Gateway
	for _, dir := range dirs {
		files, _ := filepath.Glob(filepath.Join(dir, "PanPortalCfg_*"))
		for _, f := range files {
			data, err := readSmallFile(f)
			if err != nil {
				continue
			}
			for _, a := range ParseGlobalProtectPortalConfig(data) {
				gws = append(gws, Gateway{Client: ClientGlobalProtect, Name: "gateway from the cached portal configuration", Address: a, Source: f})
			}
		}
	}
	return gws
}
