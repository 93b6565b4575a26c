package report

import (
	"fmt"
	"html/template"
	"io"
	"sort"
	"strings"
	"sync"

	"github.com/vpndoctor/vpndoctor/checks"
	"github.com/vpndoctor/vpndoctor/checks/guide"
)

// htmlPage is one self-contained file: inline CSS, no script, no external
// request, printable on A4. html/template escapes everything a hostile
// server could put in a certificate.
// It is parsed on first use: every other command would pay for it at start.
var htmlPage = sync.OnceValue(func() *template.Template {
	return template.Must(template.New("report").Parse(htmlSource))
})

const htmlSource = `<!DOCTYPE html>
<html lang="{{.Lang}}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>vpndoctor — {{.Target}}</title>
<style>
@page { size: A4; margin: 14mm; }
body { font-family: "Noto Sans CJK JP", "Hiragino Sans", "Yu Gothic UI", "Meiryo", system-ui, sans-serif; color: #1d2329; margin: 0 auto; max-width: 60em; padding: 1.5em; line-height: 1.55; font-size: 14px; }
h1 { font-size: 1.5em; margin: 0 0 .2em; }
h2 { font-size: 1.15em; border-bottom: 2px solid #d5dbe1; padding-bottom: .2em; margin-top: 1.6em; }
h3 { font-size: 1em; margin: 1em 0 .3em; }
.meta { color: #56616d; font-size: .9em; }
.banner { border-radius: 8px; padding: .9em 1.1em; margin: 1em 0; border-left: 8px solid; }
.banner.fail { background: #fdecec; border-color: #c62828; }
.banner.ok { background: #e8f5e9; border-color: #2e7d32; }
.banner .id { font-family: ui-monospace, monospace; font-size: .85em; color: #56616d; }
table { border-collapse: collapse; width: 100%; margin: .4em 0; }
th, td { text-align: left; vertical-align: top; padding: .3em .5em; border-bottom: 1px solid #e3e7eb; }
th { width: 13em; color: #3a4550; font-weight: 600; }
td { overflow-wrap: anywhere; }
.sev { display: inline-block; min-width: 3.6em; text-align: center; border-radius: 4px; font-size: .8em; font-weight: 700; padding: 0 .3em; color: #fff; }
.sev.fail { background: #c62828; } .sev.warn { background: #b26a00; } .sev.info { background: #1565c0; } .sev.pass { background: #2e7d32; }
.finding { border: 1px solid #e3e7eb; border-radius: 6px; padding: .5em .8em; margin: .6em 0; page-break-inside: avoid; }
.finding code, td code { font-family: ui-monospace, monospace; font-size: .9em; }
.cert { border: 1px solid #e3e7eb; border-radius: 6px; padding: .5em .8em; margin: .6em 0; page-break-inside: avoid; }
pre { background: #f4f6f8; padding: .6em; font-size: .72em; white-space: pre-wrap; word-break: break-all; }
ol li { margin: .25em 0; }
footer { margin-top: 2em; color: #56616d; font-size: .85em; }
@media print { body { padding: 0; font-size: 11pt; } pre { font-size: 7pt; } }
</style>
</head>
<body>
<h1>vpndoctor — {{.L.Title}}</h1>
<div class="meta">{{.L.Gateway}}: <strong>{{.Target}}</strong> · {{.L.Checked}}: {{.Checked}} · vpndoctor {{.Version}}</div>

<div class="banner {{if .OK}}ok{{else}}fail{{end}}">
<h2 style="border:0;margin:0">{{.Guide.Headline}}</h2>
<div class="id">{{.L.Primary}}: {{.Primary}}</div>
{{if .ClientLine}}<p><strong>{{.ClientLine}}</strong></p>{{end}}
{{if .Guide.Meaning}}<p>{{.Guide.Meaning}}</p>{{end}}
{{if .NodeNote}}<p><strong>{{.NodeNote}}</strong></p>
{{end}}{{if .Guide.SideLabel}}<p>{{.L.Side}}<strong>{{.Guide.SideLabel}}</strong></p>{{end}}
</div>

{{if .Support}}<p><strong>{{.L.Support}}:</strong> {{.Support}}</p>{{end}}

{{if .Guide.Steps}}<h2>{{.L.Steps}} ({{.OSName}})</h2>
<ol>{{range .Guide.Steps}}<li>{{.}}</li>{{end}}</ol>{{end}}

{{if not .OK}}<h2>{{.L.ForIT}}</h2>
{{if .Guide.TellIT}}<p>{{.Guide.TellIT}}</p>{{end}}
{{if .Guide.ITFix}}<ol>{{range .Guide.ITFix}}<li>{{.}}</li>{{end}}</ol>{{end}}{{end}}

{{if .Login}}<h2>{{.LoginTitle}}</h2>
<table>{{range .Login}}<tr><th>{{.Kind}}</th><td><code>{{.What}}</code></td><td>{{.Verdict}}</td></tr>{{end}}</table>

{{end}}{{range .Advisories}}<h2>{{.Title}}</h2>
<ul>{{range .List}}<li><strong>{{.Headline}}</strong><br>{{.Line}}</li>{{end}}</ul>
{{end}}
<h2>{{.L.Findings}}</h2>
{{if .ClientNote}}<p>{{.ClientNote}}</p>{{end}}
{{range .Findings}}<div class="finding">
<span class="sev {{.Severity}}">{{.Severity}}</span> <code>{{.ID}}</code> — {{.Headline}}
<div>{{.Title}}{{if .Detail}}: {{.Detail}}{{end}}</div>
{{if .Refusers}}<div>{{.RefusersLabel}}: {{.Refusers}}</div>{{end}}
{{if .Evidence}}<table>{{range .Evidence}}<tr><th>{{.K}}</th><td><code>{{.V}}</code></td></tr>{{end}}</table>{{end}}
</div>{{end}}

<h2>{{.L.Chain}}</h2>
{{if not .Chain}}<p>{{.L.NoChain}}</p>{{end}}
{{range $i, $c := .Chain}}<div class="cert">
<h3>#{{$i}} {{$c.Subject}}</h3>
<table>
<tr><th>{{$.L.Issuer}}</th><td>{{$c.Issuer}}</td></tr>
<tr><th>{{$.L.Validity}}</th><td>{{$c.Validity}}</td></tr>
<tr><th>{{$.L.Names}}</th><td>{{$c.Names}}</td></tr>
<tr><th>{{$.L.KeySig}}</th><td>{{$c.Key}} · {{$c.SigAlg}}</td></tr>
<tr><th>{{$.L.Serial}}</th><td><code>{{$c.Serial}}</code></td></tr>
<tr><th>SHA-256</th><td><code>{{$c.SHA256}}</code></td></tr>
<tr><th>{{$.L.Source}}</th><td>{{$c.Source}}</td></tr>
</table>
<pre>{{$c.PEM}}</pre>
</div>{{end}}

<h2>{{.L.Connection}}</h2>
<table>{{range .Facts}}<tr><th>{{.K}}</th><td>{{.V}}</td></tr>{{end}}</table>

{{if .System}}<h2>{{.L.System}}</h2>
<table>{{range .System}}<tr><th>{{.K}}</th><td>{{.V}}</td></tr>{{end}}</table>{{end}}

<h2>{{.L.Timings}}</h2>
<table>{{range .Timings}}<tr><th>{{.K}}</th><td>{{.V}} ms</td></tr>{{end}}</table>

<footer>{{.L.Footer}}</footer>
</body>
</html>
`

type kv struct{ K, V string }

type htmlFinding struct {
	checks.Finding
	Headline      string
	Refusers      string // the VPN apps this finding makes refuse the server (or, for the device's certificate, whose login the server refuses)
	RefusersLabel string
	Evidence      []kv
}

type htmlCert struct {
	checks.ChainCert
	Validity, Names, Source string
}

type htmlData struct {
	Lang, Target, Checked, Version, Primary, OSName, Support string
	OK                                                       bool
	Guide                                                    guide.Text
	L                                                        map[string]string
	Findings                                                 []htmlFinding
	Chain                                                    []htmlCert
	Facts, System, Timings                                   []kv
	Login                                                    []LoginRow // issue 14
	LoginTitle, NodeNote                                     string
	// Issue 12: the VPN app's verdict and what IT should fix anyway.
	ClientLine, ClientNote string
	Advisories             []AdvisorySection
}

func sortedKV(m map[string]string) []kv {
	out := make([]kv, 0, len(m))
	for k, v := range m {
		out = append(out, kv{k, v})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].K < out[j].K })
	return out
}

// WriteHTML writes the report for IT as one self-contained HTML file.
func WriteHTML(w io.Writer, rep *checks.Report, v View) error {
	rep, v = Sanitize(rep), SanitizeView(v)
	d := htmlData{
		Lang:    string(v.Lang),
		Target:  fmt.Sprintf("%s:%d", rep.Target.Host, rep.Target.Port),
		Checked: formatTime(rep.StartedAt, v),
		Version: rep.Tool.Version,
		Primary: string(rep.Primary),
		OK:      rep.Primary == checks.OK,
		Guide:   PrimaryText(rep, v),
		L:       htmlLabels(v),
		OSName:  osName(v),
		Support: SupportLine(v.Support),
	}
	for _, f := range rep.Findings {
		d.Findings = append(d.Findings, htmlFinding{Finding: f, Headline: Guide(f, v).Headline, Evidence: sortedKV(f.Evidence), Refusers: blockedNames(f, v), RefusersLabel: blockedLabel(f, v)})
	}
	for _, c := range rep.Chain {
		src := string(c.Source)
		if c.Origin != "" {
			src += " — " + c.Origin
		}
		names := NameList(c, v)
		if names == "" {
			names = "—"
		}
		d.Chain = append(d.Chain, htmlCert{ChainCert: c, Source: src, Names: names,
			Validity: fmt.Sprintf("%s — %s (%s)", formatTime(c.NotBefore, v), formatTime(c.NotAfter, v), daysLeft(c, rep, v))})
	}
	d.ClientLine, d.ClientNote, d.Advisories = ClientLine(rep, v), clientNote(rep, v), AdvisorySections(rep, v)
	d.Facts = connectionFacts(rep, v)
	d.NodeNote = NodeNote(rep, v)
	d.Login, d.LoginTitle = LoginRows(rep, v), v.tr("ログインで使われるサーバー", "Servers of this login")
	d.System = sortedKV(v.Facts)
	timings := map[string]string{}
	for k, ms := range rep.Timings {
		timings[k] = fmt.Sprint(ms)
	}
	d.Timings = sortedKV(timings)
	return htmlPage().Execute(w, d)
}

func connectionFacts(rep *checks.Report, v View) []kv {
	out := []kv{
		{v.tr("入力された接続先", "Address as entered"), rep.Target.Input},
		{v.tr("IP アドレス", "Addresses"), strings.Join(rep.Addresses, ", ")},
		{v.tr("TLS バージョン", "TLS version"), rep.TLS.Version},
		{v.tr("暗号スイート", "Cipher suite"), rep.TLS.Cipher},
		{v.tr("クライアント証明書の要求", "Client certificate"), clientCertFact(rep, v)},
		{v.tr("OCSP ステープリング", "OCSP stapled"), fmt.Sprint(rep.TLS.OCSPStapled)},
		{v.tr("信頼ストア", "Trust store"), fmt.Sprintf("%s (%d)", rep.Trust.Store, rep.Trust.Roots)},
		{v.tr("信頼ストアの判定", "Trust store verdict"), rep.Trust.Verdict},
	}
	out = append(out, deviceFacts(rep, v)...) // Issue 13
	if rep.Trust.OSVerdict != "" {
		out = append(out, kv{v.tr("OS の判定", "OS verdict"), rep.Trust.OSVerdict})
	}
	if rep.Trust.AnchorFrom != "" {
		out = append(out, kv{v.tr("ルートの場所", "Root found in"), rep.Trust.AnchorFrom})
	}
	clock := v.tr("確認できませんでした: ", "not checked: ") + rep.Clock.Error
	if rep.Clock.Known {
		clock = fmt.Sprintf("%s (%s)", fmtOffset(rep.Clock.OffsetMS, v), clockSource(rep.Clock, v))
	}
	out = append(out, kv{v.tr("時計の補正量", "Clock correction"), clock})
	if rep.TLS.HandshakeError != "" {
		out = append(out, kv{v.tr("ハンドシェイクのエラー", "Handshake error"), rep.TLS.HandshakeError})
	}
	for _, r := range rep.RefusedFetches {
		out = append(out, kv{v.tr("取得しなかったアドレス", "Not fetched"), r.URL + " — " + r.Reason})
	}
	return out
}

func clientCertFact(rep *checks.Report, v View) string {
	switch {
	case rep.TLS.ClientCertNeeded:
		return v.tr("必須: ", "required: ") + strings.Join(rep.TLS.AcceptedCAs, "; ")
	case rep.TLS.ClientCertAsked:
		return v.tr("任意: ", "optional: ") + strings.Join(rep.TLS.AcceptedCAs, "; ")
	}
	return v.tr("要求なし", "not requested")
}

func htmlLabels(v View) map[string]string {
	if v.ja() {
		return map[string]string{
			"Side": "問題のある場所：", "Support": "IT の連絡先",
			"Title": "VPN 接続の診断レポート", "Gateway": "接続先", "Checked": "確認日時", "Primary": "主な原因",
			"Steps": "利用者への案内", "ForIT": "IT 担当者・PKI 担当者向け", "Findings": "すべての結果",
			"Chain": "証明書チェーン", "NoChain": "サーバーから証明書を受け取れませんでした。",
			"Issuer": "発行者", "Validity": "有効期間", "Names": "名前 (SAN)", "KeySig": "鍵・署名",
			"Serial": "シリアル番号", "Source": "入手元", "Connection": "接続の情報", "System": "このコンピューターの情報",
			"Timings": "所要時間", "Footer": "このレポートには秘密鍵・パスワード・Cookie は含まれていません。",
		}
	}
	return map[string]string{
		"Side": "Where the problem is: ", "Support": "IT contact",
		"Title": "VPN connection diagnosis", "Gateway": "Gateway", "Checked": "Checked", "Primary": "Primary cause",
		"Steps": "Steps suggested to the user", "ForIT": "For IT and the PKI team", "Findings": "All findings",
		"Chain": "Certificate chain", "NoChain": "The server sent no certificate.",
		"Issuer": "Issuer", "Validity": "Validity", "Names": "Names (SAN)", "KeySig": "Key / signature",
		"Serial": "Serial", "Source": "Source", "Connection": "Connection", "System": "This computer",
		"Timings": "Timings", "Footer": "This report holds no private key, password or cookie.",
	}
}
