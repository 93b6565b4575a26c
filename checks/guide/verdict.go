package guide

import (
	"slices"
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
		"ios": "iPhone/iPad", "android": "Android"},
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

// RefusesDevice is Refuses for a device-certificate cause: the VPN server
// refuses this computer's login, whatever the app.
func RefusesDevice(lang Lang) string {
	if lang == Ja {
		return "この問題があると、VPN サーバーはこの端末からのログインを拒否します。"
	}
	return "The VPN server refuses this computer's login because of this."
}

// NotTheCause says that a finding does not stop the user's VPN app, and
// why IT should fix it anyway: the clients it would stop, when there are
// some.
func NotTheCause(lang Lang, clientID string, blocks []string) string {
	name := ClientName(lang, clientID)
	if name == "" && len(blocks) == len(clients.All()) {
		// Every client refuses it, yet it is not this check's cause (another
		// server of the login, kept as a warning): "your app accepts this"
		// would be false.
		return RefusedElsewhere(lang, clientID, blocks)
	}
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

// RefusedElsewhere is the line for a warning the user's VPN app (or, with
// no client known, every client it names) refuses: another server of the
// login, kept as a warning because the server checked has its own cause or
// because the client can use another. It never says the app accepts it.
func RefusedElsewhere(lang Lang, clientID string, blocks []string) string {
	who := ClientName(lang, clientID)
	if who == "" && len(blocks) < len(clients.All()) {
		who = otherClients(lang, "", blocks)
	}
	if lang == Ja {
		if who == "" {
			who = "VPN アプリ"
		} else {
			who += " "
		}
		return "今回 VPN がつながらない原因ではありませんが、この問題があるサーバーには " + who + "が接続できないため、IT 担当者に直してもらう必要があります。"
	}
	if who == "" {
		return "Not the cause found for this check, but IT should fix it: VPN apps refuse a server with this problem."
	}
	return "Not the cause found for this check, but IT should fix it: " + who + " cannot connect to a server with this problem."
}

// osNames name a profile's OS when only some of a family's profiles are
// stopped ("Cisco Secure Client on macOS").
var osNames = map[Lang]map[string]string{
	En: {"windows": "Windows", "macos": "macOS", "linux": "Linux"},
	Ja: {"windows": "Windows", "macos": "Mac", "linux": "Linux"},
}

// otherClients names the clients a finding blocks, one phrase per family:
// the family alone when it is blocked on every OS, else with the OSes.
func otherClients(lang Lang, self string, blocks []string) string {
	blocked := map[string][]string{} // family -> OSes blocked
	var order []string
	for _, id := range blocks {
		p, ok := clients.ByID(id)
		if !ok || id == self {
			continue
		}
		if _, seen := blocked[p.Family]; !seen {
			order = append(order, p.Family)
		}
		blocked[p.Family] = append(blocked[p.Family], p.OS)
	}
	names := shortNames[lang]
	if names == nil {
		lang, names = En, shortNames[En]
	}
	var out []string
	for _, fam := range order {
		n := names[fam]
		if oses := blocked[fam]; len(oses) < familySize(fam) {
			var on []string
			for _, o := range oses {
				if w := osNames[lang][o]; w != "" && !slices.Contains(on, w) {
					on = append(on, w)
				}
			}
			if len(on) > 0 && lang == Ja {
				n += "（" + strings.Join(on, "・") + "）"
			} else if len(on) > 0 {
				n += " on " + strings.Join(on, " and ")
			}
		}
		out = append(out, n)
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

func familySize(fam string) int {
	n := 0
	for _, p := range clients.All() {
		if p.Family == fam {
			n++
		}
	}
	return n
}

func capital(s string) string {
	if s == "" || strings.HasPrefix(s, "iPhone") || strings.HasPrefix(s, "openfortivpn") {
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

// AcceptedHeadline replaces "no problem found" when the user's VPN app
// accepts the certificate but IT has something to fix.
func AcceptedHeadline(lang Lang, clientID, host string) string {
	name := ClientName(lang, clientID)
	if lang == Ja {
		if name == "" {
			return host + " の証明書は VPN アプリに受け入れられますが、IT 担当者が直すことがあります"
		}
		return name + " は " + host + " の証明書を受け入れますが、IT 担当者が直すことがあります"
	}
	if name == "" {
		return "VPN apps accept " + host + "'s certificate, but IT has something to fix"
	}
	return capital(name) + " accepts " + host + "'s certificate, but IT has something to fix"
}

// AcceptedMeaning says what that means. elsewhere: some of the points
// are other servers of the login that VPN apps refuse, which "will stop
// other devices or a future update" would play down.
func AcceptedMeaning(lang Lang, elsewhere bool) string {
	if lang == Ja {
		s := "vpndoctor は VPN アプリと同じ方法でサーバーに接続しました。お使いの VPN アプリはこの証明書を受け入れるため、証明書は VPN がつながらない原因ではありません。"
		if elsewhere {
			return s + "ただし、ログインで使われるほかのサーバーに、VPN アプリが接続できない問題があります。下に挙げたことは IT 担当者に直してもらう必要があります。"
		}
		return s + "ただし、下に挙げたことは、ほかの端末や今後の更新で問題になるため、IT 担当者に直してもらう必要があります。"
	}
	s := "vpndoctor connected to the server the same way a VPN app does. Your VPN app accepts this certificate, so the certificate is not why the VPN fails."
	if elsewhere {
		return s + " But VPN apps refuse other servers of this login because of the problems below, so IT should fix them."
	}
	return s + " But the points below will stop other devices or a future update, so IT should fix them."
}

// ClientList names the clients of blocks for people ("Cisco Secure Client
// on macOS, iPhone/iPad and Android").
func ClientList(lang Lang, blocks []string) string { return otherClients(lang, "", blocks) }
