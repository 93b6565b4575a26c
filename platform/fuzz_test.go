package platform

import (
	"testing"
)

// Garbage must give errors or empty results, never a panic. The seeds are
// the samples of the table tests and their damaged forms.

func FuzzParseAnyConnectProfile(f *testing.F) {
	f.Add([]byte(anyConnectProfile))
	f.Add([]byte(anyConnectProfile[:200]))
	f.Add(utf16LEWithBOM(anyConnectProfile))
	f.Add([]byte(`<AnyConnectPreferences><DefaultHostName>a</DefaultHostName></AnyConnectPreferences>`))
	f.Add([]byte{0xFE, 0xFF, 0x00})
	f.Fuzz(func(t *testing.T, data []byte) {
		gws, err := ParseAnyConnectProfile(data)
		if err == nil && len(gws) == 0 {
			t.Error("no gateways and no error")
		}
		for _, g := range gws {
			if g.Address == "" {
				t.Errorf("gateway without address: %+v", g)
			}
		}
		ParseAnyConnectPreferences(data)
		xmlElementTexts(data, "Portal")
	})
}

func FuzzParsePlist(f *testing.F) {
	f.Add([]byte(globalProtectPlist))
	f.Add([]byte(trustSettingsPlist))
	f.Add([]byte(trustSettingsPlist[:900]))
	f.Add([]byte("<plist><array><array><dict><key>k</key><data>!!</data></dict></array></array></plist>"))
	f.Add([]byte("bplist00"))
	f.Fuzz(func(t *testing.T, data []byte) {
		ParsePlist(data)
		ParseGlobalProtectPlist(data)
		ParseTrustSettingsPlist(data)
	})
}

func FuzzParsePEMCertificates(f *testing.F) {
	root := newRoot(f, "Fuzz Root")
	p := pemOf(root)
	f.Add(p)
	f.Add(append([]byte("SHA-1 hash: 00\n"), p...))
	f.Add(p[:len(p)/2])
	f.Add([]byte("-----BEGIN TRUSTED CERTIFICATE-----\nMAA=\n-----END TRUSTED CERTIFICATE-----\n"))
	f.Add([]byte("-----BEGIN CERTIFICATE-----\n-----BEGIN CERTIFICATE-----\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		samePEMAnswer(t, "fuzz", data)
		certs, skipped := ParsePEMCertificates(data)
		if skipped < 0 {
			t.Error("negative skip count")
		}
		for _, c := range certs {
			if c == nil {
				t.Error("nil certificate")
			}
		}
	})
}

func FuzzParseToolText(f *testing.F) {
	for _, s := range []string{w32tmEnglish, w32tmJapanese, w32tmGerman, w32tmStoppedJapanese, scutilDNS,
		"  1) 3E5B9A0C2D8F7E6A1B4C5D6E7F8091A2B3C4D5E6 \"a\" (X)\n     1 identities found\n",
		"Corp Root CA      CT,C,C\n", "[connection]\ntype=vpn\n[vpn]\ngateway=a\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		ParseW32tmStatus(s)
		ParseW32tmSource(s)
		ParseSecurityIdentities(s)
		ParseCertutilList(s)
		ParseNMConnection(s)
		ParseTimedatectl(s)
		ParseScutilProxy(s)
		ParseScutilDNS(s)
		ParseResolvConf(s)
		ParseOSRelease(s)
		ParseSystemsetupNetworkTime(s)
		splitNmcliTerse(s)
	})
}
