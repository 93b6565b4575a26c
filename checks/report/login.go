package report

import (
	"fmt"
	"strings"

	"github.com/vpndoctor/vpndoctor/checks"
)

// LoginRow is one line about the login's parts (issue 14): the gateway
// product, each address of the name, each endpoint.
type LoginRow struct{ Kind, What, Verdict string }

// LoginRows lists the product, the servers behind the name (when there are
// several) and the login's endpoints (when there are several).
func LoginRows(rep *checks.Report, v View) []LoginRow {
	var out []LoginRow
	if p := rep.Product; p != nil {
		out = append(out, LoginRow{v.tr("製品", "Product"), p.Name, v.tr("手がかり: ", "clue: ") + p.Clue})
	}
	for _, n := range rep.Nodes {
		what := fmt.Sprintf("%s (%s)", n.Address, n.Family)
		verdict := verdictWord(n.Primary, v)
		if n.Odd {
			verdict += v.tr("（他のサーバーと違います）", " (differs from the others)")
		}
		if n.LeafSHA256 != "" {
			verdict += " · SHA-256 " + shortFP(n.LeafSHA256)
		}
		out = append(out, LoginRow{v.tr("サーバー", "Server"), what, verdict})
	}
	for _, e := range rep.Endpoints {
		verdict := verdictWord(e.Primary, v)
		if e.Summary != "" && !v.ja() { // the engine's words are English
			verdict += " — " + e.Summary
		}
		out = append(out, LoginRow{roleWord(e.Role, v), fmt.Sprintf("%s:%d", e.Host, e.Port), verdict})
	}
	return out
}

func verdictWord(id checks.ID, v View) string {
	if id == checks.OK {
		return v.tr("問題なし", "ok")
	}
	if w, ok := shortWords[id]; ok {
		// The id stays beside the words: IT searches for it.
		return v.tr(w[0], w[1]) + " (" + string(id) + ")"
	}
	return string(id)
}

// shortWords name, in a few words, what is wrong with one server of a login
// (Japanese, English); the fix guide explains the primary one in full.
var shortWords = map[checks.ID][2]string{
	checks.CertExpired:      {"証明書の期限切れ", "certificate expired"},
	checks.CertNotYetValid:  {"証明書がまだ有効になっていない", "certificate not yet valid"},
	checks.UntrustedRoot:    {"信頼されていない発行元", "untrusted issuer"},
	checks.SelfSigned:       {"自己署名の証明書", "self-signed certificate"},
	checks.HostnameMismatch: {"証明書の名前が違う", "name mismatch"},
	checks.MissingIntermed:  {"中間証明書が足りない", "missing intermediate"},
	checks.Revoked:          {"証明書が失効している", "certificate revoked"},
	checks.WeakSignature:    {"弱い署名", "weak signature"},
	checks.WeakKey:          {"弱い鍵", "weak key"},
	checks.TLSVersion:       {"古いTLSだけに対応", "outdated TLS only"},
	checks.Unreachable:      {"接続できない", "unreachable"},
	checks.Timeout:          {"応答がない", "no answer"},
	checks.DNSFailure:       {"名前が見つからない", "name not found"},
	checks.NotTLS:           {"TLSで応答しない", "does not speak TLS"},
}

func shortFP(fp string) string {
	if len(fp) > 16 {
		return fp[:16] + "…"
	}
	return fp
}

// roleWord names an endpoint's part in the login.
func roleWord(role string, v View) string {
	switch role {
	case checks.EndpointMain:
		return v.tr("入力した接続先", "Checked address")
	case checks.EndpointPortal:
		return v.tr("ポータル", "Portal")
	case checks.EndpointGateway:
		return v.tr("ゲートウェイ", "Gateway")
	case checks.EndpointBackup:
		return v.tr("予備サーバー", "Backup server")
	case checks.EndpointIdP:
		return v.tr("サインインページ（IdP）", "Sign-in page (IdP)")
	}
	return role
}

// writeLogin is the text report's section on the login's parts.
func writeLogin(b *strings.Builder, rep *checks.Report, v View) {
	rows := LoginRows(rep, v)
	if len(rows) == 0 {
		return
	}
	fmt.Fprintf(b, "\n%s\n", v.tr("ログインで使われるサーバー:", "Servers of this login:"))
	for _, r := range rows {
		fmt.Fprintf(b, "  %-16s %-28s %s\n", r.Kind, r.What, r.Verdict)
	}
}

// NodeNote says, under the headline, which of several servers or which
// endpoint of the login the primary cause is about; "" when the login has
// one server.
func NodeNote(rep *checks.Report, v View) string {
	f := primaryFinding(rep)
	if rep.Primary == checks.OK {
		return ""
	}
	var parts []string
	if e := f.Evidence[checks.EvEndpoint]; e != "" {
		parts = append(parts, v.tr(fmt.Sprintf("ログインの%s %s:%s で見つかりました。", roleWord(e, v), f.Evidence[checks.EvHost], f.Evidence[checks.EvPort]),
			fmt.Sprintf("Found on the login's %s, %s:%s.", strings.ToLower(roleWord(e, v)), f.Evidence[checks.EvHost], f.Evidence[checks.EvPort])))
	}
	if n := f.Evidence[checks.EvNodes]; n != "" {
		count, fam, _ := strings.Cut(n, " (")
		fam = strings.TrimSuffix(fam, ")")
		of := strings.SplitN(count, " of ", 2)
		if len(of) == 2 {
			ja := fmt.Sprintf("%s の %s台のサーバーのうち %s台（%s）だけで起きています。VPNアプリは接続のたびに違うサーバーにつながることがあるため、つながったりつながらなかったりします。", f.Evidence[checks.EvHost], of[1], of[0], f.Evidence[checks.EvAddress])
			en := fmt.Sprintf("Only %s of the %s servers behind %s (%s) has this problem. A VPN app may reach a different server each time, so logins fail only sometimes.", of[0], of[1], f.Evidence[checks.EvHost], f.Evidence[checks.EvAddress])
			if f := strings.TrimPrefix(strings.TrimSuffix(fam, " addresses"), "all "); f == "IPv4" || f == "IPv6" {
				ja += f + " のアドレスだけで起きています（IPv4 と IPv6 で結果が違います）。"
				en += " It happens on the " + f + " addresses only (IPv4 and IPv6 differ)."
			}
			parts = append(parts, v.tr(ja, en))
		}
	}
	return strings.Join(parts, " ")
}
