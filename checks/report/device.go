package report

import (
	"fmt"
	"strings"

	"github.com/vpndoctor/vpndoctor/checks"
)

// DeviceLine is one of this device's certificates in plain words, for the
// wizard and the reports: which one the VPN client would present, and what
// is wrong with each of the others.
type DeviceLine struct {
	Name   string   // "laptop-42 (issued by Corp Device CA)"
	Status []string // "This one would be used", "Expired on 3 Nov 2026 09:00", ...
	Used   bool     // the VPN client would present this one
	Bad    bool     // it has a problem that stops the login
}

// DeviceLines lists the report's device certificates, the one that would be
// used first. It is empty when no device certificate is involved.
func DeviceLines(rep *checks.Report, v View) []DeviceLine {
	var out []DeviceLine
	for _, d := range rep.DeviceCerts {
		l := DeviceLine{Name: v.tr(fmt.Sprintf("%s（発行元 %s）", d.Subject, d.Issuer), fmt.Sprintf("%s (issued by %s)", d.Subject, d.Issuer)),
			Used: d.WouldUse, Bad: len(d.Problems) > 0}
		if d.WouldUse {
			l.Status = append(l.Status, usedWords(d, v))
		}
		for _, p := range d.Problems {
			l.Status = append(l.Status, problemWords(p, d, v))
		}
		if len(d.Problems) == 0 {
			l.Status = append(l.Status, v.tr(fmt.Sprintf("有効期限内（%s まで）で、VPNが受け入れる発行元のものです", formatTime(d.NotAfter, v)),
				fmt.Sprintf("Valid until %s, from a CA the VPN accepts", formatTime(d.NotAfter, v))))
		}
		if w := revocationWords(d, v); w != "" {
			l.Status = append(l.Status, w)
		}
		if d.Source == checks.DeviceGiven {
			l.Status = append(l.Status, v.tr("--client-cert で指定された証明書です", "Given with --client-cert"))
		}
		out = append(out, l)
	}
	return out
}

func problemWords(id checks.ID, d checks.DeviceCert, v View) string {
	switch id {
	case checks.ClientCertExpired:
		return v.tr(formatTime(d.NotAfter, v)+" に有効期限が切れています", "Expired on "+formatTime(d.NotAfter, v))
	case checks.ClientCertNotYet:
		return v.tr(formatTime(d.NotBefore, v)+" まで有効になりません", "Not valid until "+formatTime(d.NotBefore, v))
	case checks.ClientCertUntrust:
		return v.tr("VPNが受け入れない発行元のものです", "Issued by a CA the VPN does not accept")
	case checks.ClientCertChain:
		return v.tr(fmt.Sprintf("中間の認証局「%s」が一緒に送られません", d.MissingCA), fmt.Sprintf("Its intermediate CA \"%s\" is not sent with it", d.MissingCA))
	case checks.ClientCertUsage:
		return v.tr("ログイン（クライアント認証）用ではありません", "Not made for logging in (client authentication)")
	case checks.ClientCertNoKey:
		return v.tr("秘密鍵がありません", "Its private key is missing")
	case checks.ClientCertRevoked:
		return revokedWords(d, v)
	}
	return string(id)
}

// DeviceTitle heads the list of this device's certificates.
func DeviceTitle(v View) string {
	return v.tr("この端末の証明書", "This device's certificates")
}

// LoginSummary says in one line what the gateway's first login step
// offered ("" when it was not learned).
func LoginSummary(rep *checks.Report, v View) string {
	li := rep.Login
	if li == nil || (li.Verdict == checks.LoginUnknown && len(li.Methods) == 0) {
		return ""
	}
	var parts []string
	if li.Product != "" {
		parts = append(parts, v.tr("種類: ", "type: ")+li.Product)
	}
	if len(li.Methods) > 0 {
		parts = append(parts, v.tr("ログイン方法: ", "login: ")+strings.Join(li.Methods, ", "))
	}
	if len(li.Groups) > 0 {
		parts = append(parts, v.tr("グループ: ", "groups: ")+strings.Join(li.Groups, ", "))
	}
	if li.SSOURL != "" {
		parts = append(parts, "SSO: "+li.SSOURL)
	}
	if li.Answer != "" {
		parts = append(parts, v.tr("サーバーの返事: ", "answer: ")+li.Answer)
	}
	return li.Verdict + " (" + strings.Join(parts, "; ") + ")"
}

// writeDevice adds the device certificates and the login step to the text
// report.
func writeDevice(b *strings.Builder, rep *checks.Report, v View) {
	if s := LoginSummary(rep, v); s != "" {
		fmt.Fprintf(b, "\n%s %s\n", v.tr("ログインの最初の段階:", "Login first step:"), s)
	}
	lines := DeviceLines(rep, v)
	if len(lines) == 0 {
		return
	}
	fmt.Fprintf(b, "\n%s%s\n", DeviceTitle(v), ":")
	for _, l := range lines {
		mark := "  "
		switch {
		case l.Used && !l.Bad:
			mark = "✔ "
		case l.Bad:
			mark = "✘ "
		}
		fmt.Fprintf(b, "  %s%s\n", mark, l.Name)
		for _, s := range l.Status {
			fmt.Fprintf(b, "      %s\n", s)
		}
	}
}

// deviceFacts are the login step and the device certificates as rows of the
// HTML report's connection table.
func deviceFacts(rep *checks.Report, v View) []kv {
	var out []kv
	if s := LoginSummary(rep, v); s != "" {
		out = append(out, kv{v.tr("ログインの最初の段階", "Login first step"), s})
	}
	for _, l := range DeviceLines(rep, v) {
		out = append(out, kv{v.tr("この端末の証明書", "Device certificate"), l.Name + ": " + strings.Join(l.Status, "; ")})
	}
	return out
}

// usedWords says that the VPN client would present this certificate, and why.
func usedWords(d checks.DeviceCert, v View) string {
	if d.Source == checks.DeviceGiven {
		return v.tr("VPNアプリはこの証明書を使います（指定された証明書のため）", "This one would be used (it is the one the VPN app was given)")
	}
	return v.tr("VPNアプリはこの証明書を使います（有効期限内で、ログイン用で、VPNが受け入れる発行元のもののうち最も新しいため）",
		"This one would be used (valid, made for logging in and from a CA the VPN accepts; the newest such)")
}

// writeDeviceSummary adds, for the helpdesk, which CAs the gateway accepts
// and which certificates this device has.
func writeDeviceSummary(b *strings.Builder, rep *checks.Report, v View) {
	if len(rep.TLS.AcceptedCAs) > 0 && len(rep.DeviceCerts)+boolInt(rep.Login != nil && rep.Login.CertRequested) > 0 {
		fmt.Fprintf(b, "%s %s\n", v.tr("ゲートウェイが受け入れる発行元:", "Gateway accepts device certificates from:"), strings.Join(rep.TLS.AcceptedCAs, "; "))
	}
	for _, l := range DeviceLines(rep, v) {
		fmt.Fprintf(b, "%s %s: %s\n", v.tr("端末の証明書:", "Device certificate:"), l.Name, strings.Join(l.Status, "; "))
	}
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
