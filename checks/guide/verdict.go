package guide

import (
	"strings"

	"github.com/vpndoctor/vpndoctor/checks/clients"
)

// The client verdict: whether a finding is why the user's VPN app refuses
// the server ("Cisco Secure Client will refuse this server") or something
// it accepts that IT should still fix ("not the reason your VPN fails,
// but ..."). Issue 12.

// shortNames are the client names people know, per profile family.
var shortNames = map[Lang]map[string]string{
	En: {"anyconnect": "Cisco Secure Client", "globalprotect": "GlobalProtect", "forticlient": "FortiClient",
		"openconnect": "OpenConnect", "openfortivpn": "openfortivpn", "windows": "the Windows VPN",
		"ios": "iPhone and iPad", "android": "Android"},
	Ja: {"anyconnect": "Cisco Secure Client", "globalprotect": "GlobalProtect", "forticlient": "FortiClient",
		"openconnect": "OpenConnect", "openfortivpn": "openfortivpn", "windows": "Windows の VPN",
		"ios": "iPhone・iPad", "android": "Android"},
}

// ClientName is the name people know for a profile id ("Cisco Secure
// Client"), or "" for an unknown id or the strict default.
func ClientName(lang Lang, id string) string {
	p, ok := clients.ByID(id)
	if !ok {
		return ""
	}
	names := shortNames[lang]
	if names == nil {
		names = shortNames[En]
	}
	return names[p.Family]
}

// Refuses says that the user's VPN app refuses the server for this cause.
// With no client known (the strict default), blocks names the clients the
// cause stops: all of them, some (named), or none ("").
func Refuses(lang Lang, clientID string, blocks []string) string {
	name := ClientName(lang, clientID)
	if name == "" {
		switch {
		case len(blocks) == len(clients.All()) && lang == Ja:
			return "この問題があると、VPN アプリはこのサーバーへの接続を拒否します。"
		case len(blocks) == len(clients.All()):
			return "VPN apps refuse this server because of this."
		case len(blocks) == 0:
			return ""
		}
		name = otherClients(lang, "", blocks)
		if lang == Ja {
			return name + " はこのサーバーへの接続を拒否します。"
		}
		return capital(name) + " refuse this server because of this."
	}
	if lang == Ja {
		return name + " はこのサーバーへの接続を拒否します。"
	}
	return capital(name) + " will refuse this server."
}

// NotTheCause says that a finding does not stop the user's VPN app, and
// why IT should fix it anyway: the clients it would stop, when there are
// some.
func NotTheCause(lang Lang, clientID string, blocks []string) string {
	name := ClientName(lang, clientID)
	others := otherClients(lang, clientID, blocks)
	if lang == Ja {
		s := "VPN がつながらない原因ではありません。"
		if name != "" {
			s += name + " はこれを受け入れます。"
		} else {
			s += "お使いの VPN アプリはこれを受け入れます。"
		}
		if others != "" {
			return s + "ただし " + others + " では接続できなくなるため、IT 担当者に直してもらう必要があります。"
		}
		return s + "ただし安全のため、IT 担当者に直してもらう必要があります。"
	}
	app := "your VPN app accepts this"
	if name != "" {
		app = name + " accepts this"
	}
	if others != "" {
		return "Not the reason your VPN fails: " + app + ". But IT should fix it, because " + others + " refuse it."
	}
	return "Not the reason your VPN fails: " + app + ". But IT should fix it, because it weakens the protection the certificate gives."
}

// otherClients names the clients (by family, once each) a finding blocks.
func otherClients(lang Lang, self string, blocks []string) string {
	seen := map[string]bool{}
	var out []string
	for _, id := range blocks {
		if id == self {
			continue
		}
		if n := ClientName(lang, id); n != "" && !seen[n] {
			seen[n] = true
			out = append(out, n)
		}
	}
	if len(out) == 0 {
		return ""
	}
	if lang == Ja {
		return strings.Join(out, "・")
	}
	if len(out) == 1 {
		return out[0]
	}
	return strings.Join(out[:len(out)-1], ", ") + " and " + out[len(out)-1]
}

func capital(s string) string {
	if s == "" || strings.HasPrefix(s, "iPhone") {
		return s // a name spelt with a small first letter stays so
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// InspectionAccepted says what a trusted inspection root means for a
// client that accepts it: it connects, the product sees the VPN traffic,
// clients that pin the server or keep their own store refuse.
func InspectionAccepted(lang Lang, clientID, product string) string {
	name := ClientName(lang, clientID)
	if lang == Ja {
		if name == "" {
			name = "お使いの VPN アプリ"
		}
		return "VPN がつながらない原因ではありません。" + name + " はこの端末が信頼している検査用の証明書を受け入れるため接続できますが、VPN の通信は " + product + " に読まれます。サーバーの証明書を固定（ピン留め）している VPN アプリは接続を拒否します。IT 担当者に、VPN サーバーを検査の対象から外してもらう必要があります。"
	}
	if name == "" {
		name = "your VPN app"
	}
	return "Not the reason your VPN fails: " + name + " accepts the inspection certificate this computer trusts, so it connects, but " + product + " can read the VPN traffic; VPN apps that pin the server's certificate refuse it. IT should exempt the VPN server from inspection."
}
