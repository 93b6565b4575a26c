package guide

import (
	"regexp"
	"strings"
	"testing"
)

// forbidden is advice the guide must never give, in any field, in either
// language: turning certificate checks off, clicking past a warning, or
// switching off protection. Each pattern has an example it must catch.
var forbidden = []struct {
	re      *regexp.Regexp
	example string
}{
	{regexp.MustCompile(`(?i)\b(disable|turn off|switch off|deactivate)[sd]?\s+(the\s+|all\s+)?(certificate|server certificate|ssl|tls|revocation)\s+(verification|validation|check(s|ing)?)`), "Disable certificate verification in the app."},
	{regexp.MustCompile(`(?i)\bignore\s+(the\s+|this\s+|any\s+)?(warning|certificate|error)s?\b`), "Ignore the warning and go on."},
	{regexp.MustCompile(`(?i)\b(connect|continue|proceed)\s+anyway\b`), "Click Connect Anyway."},
	{regexp.MustCompile(`(?i)\btrust\s+(this|the)\s+certificate\s+anyway\b`), "Trust this certificate anyway."},
	{regexp.MustCompile(`(?i)\binsecure\b`), "Allow insecure connections."},
	{regexp.MustCompile(`(?i)\bskip\s+(the\s+)?(certificate\s+|tls\s+|ssl\s+)?(verification|validation|check)`), "Skip verification."},
	{regexp.MustCompile(`(?i)\baccept\s+the\s+risk`), "Accept the risk and continue."},
	// The settings that do exactly that in the VPN apps this guide names.
	{regexp.MustCompile(`(?i)block\s+connections\s+to\s+untrusted\s+servers`), "Untick Block connections to untrusted servers."},
	{regexp.MustCompile(`(?i)do\s+not\s+warn\s+(about\s+)?invalid\s+server\s+certificate`), "Tick Do not warn invalid server certificate."},
	{regexp.MustCompile(`(?i)(--no-cert-check|--servercert|no_cert_check)`), "Run openconnect --no-cert-check."},
	// Blanket advice to switch protection off.
	{regexp.MustCompile(`(?i)\b(turn off|disable|uninstall|remove|stop)\s+(your\s+|the\s+)?(antivirus|anti-virus|security software|firewall)`), "Turn off your antivirus."},
	// Old protocols on the user's side.
	{regexp.MustCompile(`(?i)\benable\s+(the\s+)?(ssl\s*[23]|tls\s*1\.[01])`), "Enable TLS 1.0 in Internet Options."},
	{regexp.MustCompile(`検証を(無効|オフ|スキップ|しない)`), "証明書の検証を無効にしてください。"},
	{regexp.MustCompile(`(証明書|サーバー?)の(確認|チェック)を(無効|オフ|スキップ|しない)`), "証明書の確認を無効にします。"},
	{regexp.MustCompile(`無視して(接続|続行|進)`), "警告を無視して接続します。"},
	{regexp.MustCompile(`(警告|エラー|証明書)を無視`), "警告を無視してください。"},
	{regexp.MustCompile(`このまま接続`), "このまま接続を選びます。"},
	{regexp.MustCompile(`(とにかく|強制的に)接続`), "とにかく接続してください。"},
	{regexp.MustCompile(`続行してください`), "「続行」を押して続行してください。"},
	{regexp.MustCompile(`接続を続行`), "接続を続行します。"},
	{regexp.MustCompile(`信頼されていないサーバー?への接続をブロック`), "「信頼されていないサーバへの接続をブロック」のチェックを外します。"},
	{regexp.MustCompile(`無効なサーバー?証明書を警告しない`), "「無効なサーバ証明書を警告しない」をオンにします。"},
	{regexp.MustCompile(`(ウイルス対策|ウイルスバスター|セキュリティソフト|ファイアウォール)[^。]{0,15}(オフに|無効に|停止|アンインストール|削除)`), "ウイルス対策ソフトをオフにしてください。"},
	{regexp.MustCompile(`(TLS\s*1\.[01]|SSL\s*[23]\.?0?)\s*を(有効|オン)`), "TLS 1.0 を有効にします。"},
	{regexp.MustCompile(`危険を承知`), "危険を承知で接続します。"},
}

func TestForbiddenPatternsCatchTheirExamples(t *testing.T) {
	for _, f := range forbidden {
		if !f.re.MatchString(f.example) {
			t.Errorf("pattern %v misses its example %q", f.re, f.example)
		}
	}
}

func TestNoForbiddenAdvice(t *testing.T) {
	g := guideT(t)
	for _, lang := range Langs {
		for _, id := range g.IDs() {
			for _, s := range g.texts[lang][id].strings() {
				for _, f := range forbidden {
					if m := f.re.FindString(s); m != "" {
						t.Errorf("%s.json: %s: forbidden advice %q in %q", lang, id, m, s)
					}
				}
			}
		}
	}
}

var (
	// installs finds a step that has the user install or add a certificate.
	installs = []*regexp.Regexp{
		regexp.MustCompile(`(?i)\b(install|add|import)(s|ed|ing)?\b[^.]{0,80}\b(certificate|root|profile)s?\b`),
		regexp.MustCompile(`(?i)\b(certificate|root|profile)s?\b[^.]{0,40}\b(install|add|import)(s|ed|ing)?\b`),
		regexp.MustCompile(`(証明書|ルート|プロファイル)[^。]{0,40}(インストール|追加|取り込|読み込)`),
		regexp.MustCompile(`(インストール|追加)[^。]{0,10}証明書`),
	}
	fingerprint = map[Lang]*regexp.Regexp{
		En: regexp.MustCompile(`(?i)\bfingerprint`),
		Ja: regexp.MustCompile(`指紋|フィンガープリント`),
	}
	itWord = map[Lang]*regexp.Regexp{
		En: regexp.MustCompile(`\bIT\b`),
		Ja: regexp.MustCompile(`IT担当者`),
	}
)

// TestInstallingNeedsFingerprint: wherever the steps for an OS have the user
// add a certificate, the same steps say to confirm its fingerprint with IT.
func TestInstallingNeedsFingerprint(t *testing.T) {
	g := guideT(t)
	found := 0
	for _, lang := range Langs {
		for _, id := range g.IDs() {
			for _, os := range AllOS {
				steps := strings.Join(g.texts[lang][id].Steps[os], "\n")
				if !matchesAny(installs, steps) {
					continue
				}
				found++
				if !fingerprint[lang].MatchString(steps) {
					t.Errorf("%s.json: %s: the %s steps add a certificate without confirming its fingerprint", lang, id, os)
				}
				if !itWord[lang].MatchString(steps) {
					t.Errorf("%s.json: %s: the %s steps add a certificate without going through IT", lang, id, os)
				}
			}
		}
	}
	if found == 0 {
		t.Error("no steps add a certificate: the install patterns have stopped matching (untrusted_root should)")
	}
}

func TestInstallPatterns(t *testing.T) {
	for _, s := range []string{
		"Install the company root certificate.",
		"Add the certificate to Trusted Root Certification Authorities.",
		"certificates added this way",
		"ルート証明書をインストールします。",
		"「証明書のインストール」を選びます。",
	} {
		if !matchesAny(installs, s) {
			t.Errorf("install patterns miss %q", s)
		}
	}
	for _, s := range []string{"Install any waiting updates in Settings → Windows Update.", "更新プログラムを適用します。"} {
		if matchesAny(installs, s) {
			t.Errorf("install patterns match %q", s)
		}
	}
}

func matchesAny(res []*regexp.Regexp, s string) bool {
	for _, re := range res {
		if re.MatchString(s) {
			return true
		}
	}
	return false
}
