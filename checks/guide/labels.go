package guide

// Labels are the few fixed strings renderers put around the guide's texts.
// Keys: meaning, side, side.device, side.network, side.gateway, steps,
// other_os, when_to_call, tell_it, it_fix, unknown, and os.<os> for each OS.
func Labels(lang Lang) map[string]string {
	src := labels[En]
	if l, ok := labels[lang]; ok {
		src = l
	}
	out := make(map[string]string, len(src))
	for k, v := range src {
		out[k] = v
	}
	return out
}

var labels = map[Lang]map[string]string{
	En: {
		"meaning":      "What this means",
		"side":         "Where the problem is",
		"side.device":  "this device",
		"side.network": "the network (Wi-Fi, router or internet line)",
		"side.gateway": "the VPN server (your organization's side)",
		"steps":        "What you can do",
		"other_os":     "Steps for other systems",
		"when_to_call": "When to contact IT",
		"tell_it":      "What to tell IT",
		"it_fix":       "For IT: the fix on the server side",
		"unknown":      "(unknown)",
		"os.windows":   "Windows",
		"os.macos":     "Mac",
		"os.linux":     "Linux",
		"os.ios":       "iPhone / iPad",
		"os.android":   "Android",
	},
	Ja: {
		"meaning":      "どういうことか",
		"side":         "問題のある場所",
		"side.device":  "この端末",
		"side.network": "ネットワーク（Wi-Fi・ルーター・インターネット回線）",
		"side.gateway": "VPNサーバー（会社側）",
		"steps":        "対処の手順",
		"other_os":     "ほかの機種の手順",
		"when_to_call": "IT担当者に連絡するとき",
		"tell_it":      "IT担当者に伝えること",
		"it_fix":       "IT担当者向け：サーバー側の対処",
		"unknown":      "（不明）",
		"os.windows":   "Windows",
		"os.macos":     "Mac",
		"os.linux":     "Linux",
		"os.ios":       "iPhone・iPad",
		"os.android":   "Android",
	},
}

// words reword evidence values that are codes (role, step) for the reader.
var words = map[Lang]map[string]string{
	En: {
		"role.leaf":         "the server's own certificate",
		"role.intermediate": "an intermediate certificate (one that vouches for the server's)",
		"role.root":         "the root certificate (the starting point of trust)",
		"step.dns":          "looking up the server's address",
		"step.connect":      "connecting",
		"step.tls":          "setting up the encrypted connection",
		"step.certificate":  "reading the certificates",
		"step.trust":        "checking trust",
		"step.clock":        "checking the clock",
		"step.revocation":   "checking whether the certificate was cancelled",
		// Where the true time came from (added by checks/report).
		"time_source.ntp":          "the time server",
		"time_source.http_date":    "the VPN server's clock",
		"time_source.ocsp":         "the date of the OCSP answer the VPN server sent",
		"time_source.certificates": "the validity dates of the certificates",
		"time_source.local":        "this device's own clock",
		"time_bound.after":         "no earlier than",
		"time_bound.before":        "no later than",
		"tls_version.unknown":      "none",
		// Where a revocation was read (the evidence key "source").
		"source.ocsp":    "OCSP",
		"source.crl":     "the CRL",
		"source.stapled": "the OCSP answer the server sent",
	},
	Ja: {
		"role.leaf":                "VPNサーバー自身の証明書",
		"role.intermediate":        "中間証明書（サーバーの証明書を保証する証明書）",
		"role.root":                "ルート証明書（信頼の出発点になる証明書）",
		"step.dns":                 "サーバーのアドレスを調べる",
		"step.connect":             "サーバーに接続する",
		"step.tls":                 "暗号化した通信を始める",
		"step.certificate":         "証明書を読み取る",
		"step.trust":               "信頼できるかを確かめる",
		"step.clock":               "時計を確かめる",
		"step.revocation":          "証明書が取り消されていないかを確かめる",
		"time_source.ntp":          "時刻サーバー",
		"time_source.http_date":    "VPNサーバーの時計",
		"time_source.ocsp":         "VPNサーバーが送った OCSP 応答の日付",
		"time_source.certificates": "証明書の有効期間",
		"time_source.local":        "この端末自身の時計",
		"time_bound.after":         "以降",
		"time_bound.before":        "以前",
		"tls_version.unknown":      "なし",
		"source.ocsp":              "OCSP",
		"source.crl":               "CRL",
		"source.stapled":           "サーバーが送った OCSP 応答",
		// Why a CA revoked a certificate (RFC 5280 reason codes, as the engine names them).
		"revocation_reason.unspecified":            "理由の記載なし",
		"revocation_reason.key compromise":         "鍵の漏えい",
		"revocation_reason.ca compromise":          "認証局の鍵の漏えい",
		"revocation_reason.affiliation changed":    "所属の変更",
		"revocation_reason.superseded":             "新しい証明書への置き換え",
		"revocation_reason.cessation of operation": "利用の終了",
		"revocation_reason.certificate hold":       "一時的な保留",
		"revocation_reason.privilege withdrawn":    "権限の取り消し",
		"revocation_reason.aa compromise":          "属性認証局の鍵の漏えい",
	},
}
