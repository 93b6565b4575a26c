package platform

import (
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"reflect"
	"strings"
	"testing"
)

func TestParseSecurityPEMs(t *testing.T) {
	a, b := newRoot(t, "Root A"), newRoot(t, "Root B")
	pa, pb := string(pemOf(a)), string(pemOf(b))
	trusted := string(pem.EncodeToMemory(&pem.Block{Type: "TRUSTED CERTIFICATE", Bytes: append(append([]byte{}, b.Raw...), 0x30, 0x03, 0x06, 0x01, 0x00)}))
	badBody := "-----BEGIN CERTIFICATE-----\nTm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n"
	tests := []struct {
		name    string
		in      string
		want    []*x509.Certificate
		skipped int
	}{
		{"two", pa + pb, []*x509.Certificate{a, b}, 0},
		{"with -Z hash lines", "SHA-256 hash: 00AA\nSHA-1 hash: 11BB\n" + pa + "SHA-256 hash: 22CC\nSHA-1 hash: 33DD\n" + pb, []*x509.Certificate{a, b}, 0},
		{"garbage block between", pa + badBody + pb, []*x509.Certificate{a, b}, 1},
		{"key block ignored", pa + "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n" + pb, []*x509.Certificate{a, b}, 0},
		{"truncated last", pa + pb[:len(pb)/2], []*x509.Certificate{a}, 1},
		{"openssl trusted certificate", pa + trusted, []*x509.Certificate{a, b}, 0},
		{"crlf", strings.ReplaceAll(pa, "\n", "\r\n"), []*x509.Certificate{a}, 0},
		{"error text only", "security: SecKeychainSearchCopyNext: The specified item could not be found in the keychain.\n", nil, 0},
		{"empty", "", nil, 0},
	}
	for _, tt := range tests {
		got, skipped := ParseSecurityPEMs([]byte(tt.in))
		if skipped != tt.skipped || len(got) != len(tt.want) {
			t.Errorf("%s: got %d certificates, %d skipped; want %d, %d", tt.name, len(got), skipped, len(tt.want), tt.skipped)
			continue
		}
		for i := range got {
			if !got[i].Equal(tt.want[i]) {
				t.Errorf("%s: certificate %d is %s", tt.name, i, got[i].Subject)
			}
		}
	}
}

func TestParseSecurityIdentities(t *testing.T) {
	withoutV := `Policy: SSL (client)
  Matching identities
  1) 3E5B9A0C2D8F7E6A1B4C5D6E7F8091A2B3C4D5E6 "山田 太郎"
  2) 0123456789ABCDEF0123456789ABCDEF01234567 "VPN Device Cert" (CSSMERR_TP_CERT_EXPIRED)
     2 identities found

  Valid identities only
  1) 3E5B9A0C2D8F7E6A1B4C5D6E7F8091A2B3C4D5E6 "山田 太郎"
     1 valid identities found
`
	withV := `  1) 3e5b9a0c2d8f7e6a1b4c5d6e7f8091a2b3c4d5e6 "山田 太郎"
     1 valid identities found
`
	taro := SecurityIdentity{SHA1: "3E5B9A0C2D8F7E6A1B4C5D6E7F8091A2B3C4D5E6", Name: "山田 太郎"}
	device := SecurityIdentity{SHA1: "0123456789ABCDEF0123456789ABCDEF01234567", Name: "VPN Device Cert", Problem: "CSSMERR_TP_CERT_EXPIRED"}
	tests := []struct {
		name    string
		in      string
		want    []SecurityIdentity
		wantErr bool
	}{
		{"without -v", withoutV, []SecurityIdentity{taro, device}, false},
		{"with -v", withV, []SecurityIdentity{taro}, false},
		{"none", "Policy: SSL (client)\n  Matching identities\n     0 identities found\n\n  Valid identities only\n     0 valid identities found\n", nil, false},
		{"name with quotes", `  1) 3E5B9A0C2D8F7E6A1B4C5D6E7F8091A2B3C4D5E6 "Taro "T" Yamada"` + "\n     1 valid identities found\n",
			[]SecurityIdentity{{SHA1: taro.SHA1, Name: `Taro "T" Yamada`}}, false},
		{"truncated", withoutV[:strings.Index(withoutV, "     2 identities")], []SecurityIdentity{taro, device}, true},
		{"count mismatch", "  1) 3E5B9A0C2D8F7E6A1B4C5D6E7F8091A2B3C4D5E6 \"a\"\n     3 identities found\n", []SecurityIdentity{{SHA1: taro.SHA1, Name: "a"}}, true},
		{"short hash", "  1) 3E5B \"a\"\n     1 identities found\n", nil, true},
		{"error", "security: SecPolicyCreateWithOID: unknown policy\n", nil, true},
		{"empty", "", nil, true},
	}
	for _, tt := range tests {
		got, err := ParseSecurityIdentities(tt.in)
		if (err != nil) != tt.wantErr || !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s: got %+v, %v", tt.name, got, err)
		}
	}
}

func TestParseVerifyCert(t *testing.T) {
	tests := []struct {
		name string
		out  string
		ok   bool
		want string
	}{
		{"ok", "...certificate verification successful.\n", true, VerdictTrusted},
		{"untrusted", "Cert Verify Result: CSSMERR_TP_NOT_TRUSTED\n", false, "CSSMERR_TP_NOT_TRUSTED"},
		{"newer wording", "\nCert Verify Result: Root certificate is not trusted.\n", false, "Root certificate is not trusted."},
		{"host mismatch", "Cert Verify Result: Host name mismatch\n...certificate verification failed.\n", false, "Host name mismatch"},
		{"other failure", "Error reading file /tmp/x: No such file\n", false, "Error reading file /tmp/x: No such file"},
		{"silent failure", "", false, "refused, without a reason"},
		{"succeeded, wording changed", "ok\n", true, "ok"},
	}
	for _, tt := range tests {
		if got := ParseVerifyCert(tt.out, tt.ok); got != tt.want {
			t.Errorf("%s: got %q, want %q", tt.name, got, tt.want)
		}
	}
}

const trustSettingsPlist = `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0">
<dict>
	<key>trustList</key>
	<dict>
		<key>0563B8630D62D75ABBC8AB1E4BDFB5A899B24D43</key>
		<dict>
			<key>issuerName</key>
			<data>MBMxETAPBgNVBAMMCFRlc3QgUm9vdA==</data>
			<key>modDate</key>
			<date>2025-05-30T01:02:03Z</date>
			<key>serialNumber</key>
			<data>AQ==</data>
			<key>trustSettings</key>
			<array/>
		</dict>
		<key>1111111111111111111111111111111111111111</key>
		<dict>
			<key>trustSettings</key>
			<array>
				<dict>
					<key>kSecTrustSettingsPolicy</key>
					<data>KoZIhvdjZAED</data>
					<key>kSecTrustSettingsPolicyName</key>
					<string>sslServer</string>
					<key>kSecTrustSettingsResult</key>
					<integer>3</integer>
				</dict>
			</array>
		</dict>
		<key>2222222222222222222222222222222222222222</key>
		<dict>
			<key>trustSettings</key>
			<array>
				<dict>
					<key>kSecTrustSettingsPolicy</key>
					<data>KoZIhvdjZAEI</data>
					<key>kSecTrustSettingsPolicyName</key>
					<string>SMIME</string>
					<key>kSecTrustSettingsResult</key>
					<integer>1</integer>
				</dict>
			</array>
		</dict>
		<key>3333333333333333333333333333333333333333</key>
		<dict>
			<key>trustSettings</key>
			<array>
				<dict>
					<key>kSecTrustSettingsPolicy</key>
					<data>KoZIhvdjZAED</data>
					<key>kSecTrustSettingsResult</key>
					<integer>4</integer>
				</dict>
				<dict>
					<key>kSecTrustSettingsResult</key>
					<integer>2</integer>
				</dict>
			</array>
		</dict>
		<key>4444444444444444444444444444444444444444</key>
		<dict>
			<key>trustSettings</key>
			<array>
				<dict>
					<key>kSecTrustSettingsApplication</key>
					<data>AAAA</data>
					<key>kSecTrustSettingsResult</key>
					<integer>3</integer>
				</dict>
			</array>
		</dict>
		<key>not-a-hash</key>
		<dict/>
	</dict>
	<key>trustVersion</key>
	<integer>1</integer>
</dict>
</plist>
`

func TestParseTrustSettingsPlist(t *testing.T) {
	if got := base64.StdEncoding.EncodeToString(sslPolicyOID); got != "KoZIhvdjZAED" {
		t.Fatalf("SSL policy OID encodes as %s", got)
	}
	got, err := ParseTrustSettingsPlist([]byte(trustSettingsPlist))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]Trust{
		"0563B8630D62D75ABBC8AB1E4BDFB5A899B24D43": TrustAsRoot,      // no constraints: always trusted
		"1111111111111111111111111111111111111111": TrustDeny,        // Never Trust for SSL
		"2222222222222222222222222222222222222222": TrustUnspecified, // S/MIME only
		"3333333333333333333333333333333333333333": TrustAsRoot,      // unspecified, then trust as root
		"4444444444444444444444444444444444444444": TrustUnspecified, // one application only
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %v\nwant %v", got, want)
	}

	truncated := trustSettingsPlist[:strings.Index(trustSettingsPlist, "<key>2222")]
	got, err = ParseTrustSettingsPlist([]byte(truncated))
	if err == nil || got["1111111111111111111111111111111111111111"] != TrustDeny {
		t.Errorf("truncated: got %v, %v", got, err)
	}
	for _, bad := range []string{"", "<plist><array/></plist>", "SecTrustSettingsCreateExternalRepresentation: No Trust Settings were found."} {
		if got, err := ParseTrustSettingsPlist([]byte(bad)); err == nil || len(got) != 0 {
			t.Errorf("%q: got %v, %v", bad, got, err)
		}
	}
}

func TestDescribeChainPolicyError(t *testing.T) {
	tests := []struct {
		code, bits uint32
		want       string
	}{
		{0x800B0109, 0x20, "CERT_E_UNTRUSTEDROOT (0x800B0109); chain: untrusted root"},
		{0x800B010A, 0x10000 | 0x40, "CERT_E_CHAINING (0x800B010A); chain: revocation status unknown, partial chain"},
		{0x800B010F, 0, "CERT_E_CN_NO_MATCH (0x800B010F)"},
		{0x80001234, 0, "error (0x80001234)"},
	}
	for _, tt := range tests {
		if got := describeChainPolicyError(tt.code, tt.bits); got != tt.want {
			t.Errorf("got %q, want %q", got, tt.want)
		}
	}
}

func TestParseCertutilList(t *testing.T) {
	out := `
Certificate Nickname                                         Trust Attributes
                                                             SSL,S/MIME,JAR/XPI

Corp Root CA                                                 CT,C,C
山田 太郎 - Corp ID                                          u,u,u
Distrusted Intermediate                                      p,p,p
Intermediate CA                                              c,,
truncated-line                                               CT,
`
	got := ParseCertutilList(out)
	want := []NSSEntry{
		{Nickname: "Corp Root CA", Trust: "CT,C,C"},
		{Nickname: "山田 太郎 - Corp ID", Trust: "u,u,u"},
		{Nickname: "Distrusted Intermediate", Trust: "p,p,p"},
		{Nickname: "Intermediate CA", Trust: "c,,"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %+v", got)
	}
	flags := []struct{ ca, key, distrust bool }{{true, false, false}, {false, true, false}, {false, false, true}, {false, false, false}}
	for i, e := range got {
		if e.Trust.TrustedCA() != flags[i].ca || e.Trust.HasKey() != flags[i].key || e.Trust.Distrusted() != flags[i].distrust {
			t.Errorf("%s: ca %v key %v distrust %v", e.Nickname, e.Trust.TrustedCA(), e.Trust.HasKey(), e.Trust.Distrusted())
		}
	}
	if got := ParseCertutilList("certutil: function failed: SEC_ERROR_BAD_DATABASE: security library: bad database.\n"); got != nil {
		t.Errorf("error output: %+v", got)
	}
}
