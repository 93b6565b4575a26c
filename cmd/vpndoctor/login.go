package main

import (
	"strings"

	"github.com/vpndoctor/vpndoctor/checks"
	"github.com/vpndoctor/vpndoctor/platform"
)

// loginOptions are issue 14's options for a real gateway: the other hosts
// the VPN client's profiles list with it, the fingerprints clients saved,
// the product check, and the hosts given with --endpoint.
func (s systemInfo) loginOptions(extra []string) checks.LoginOptions {
	lo := checks.LoginOptions{
		Pins:            platform.SavedPins(),
		IdentifyProduct: true,
		// Profiles are read while the gateway is being checked: reading
		// them can take longer than a diagnosis.
		FindEndpoints: func() []checks.Endpoint {
			gws := s.gateways()
			return append(profileEndpoints(gws), portalCacheEndpoints(gws, platform.GlobalProtectCachedGateways())...)
		},
	}
	for _, e := range extra {
		lo.Endpoints = append(lo.Endpoints, checks.Endpoint{Role: checks.EndpointGateway, Address: e, Source: "--endpoint"})
	}
	return lo
}

// profileEndpoints: every gateway a profile file lists belongs to the
// login of the others in the same file (an AnyConnect ServerList and its
// backup servers, a GlobalProtect portal and its gateways).
func profileEndpoints(gws []platform.Gateway) []checks.Endpoint {
	bySource := map[string][]platform.Gateway{}
	for _, g := range gws {
		if g.Source != "" {
			bySource[g.Source] = append(bySource[g.Source], g)
		}
	}
	var out []checks.Endpoint
	for _, g := range gws {
		for _, other := range bySource[g.Source] {
			if other.Address == g.Address {
				continue
			}
			role := checks.EndpointGateway
			if strings.HasSuffix(other.Name, "(backup)") {
				role = checks.EndpointBackup
			}
			out = append(out, checks.Endpoint{Role: role, Address: other.Address, Source: other.Source, For: g.Address})
		}
	}
	return out
}

// portalCacheEndpoints: the gateways GlobalProtect cached from its portal
// belong to the login of each GlobalProtect portal configured here.
func portalCacheEndpoints(gws, cached []platform.Gateway) []checks.Endpoint {
	var out []checks.Endpoint
	for _, p := range gws {
		if p.Client != platform.ClientGlobalProtect {
			continue
		}
		for _, c := range cached {
			out = append(out, checks.Endpoint{Role: checks.EndpointGateway, Address: c.Address, Source: c.Source, For: p.Address})
		}
	}
	return out
}

// listFlag is a flag that may be given several times.
type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, ",") }
func (l *listFlag) Set(v string) error { *l = append(*l, v); return nil }
