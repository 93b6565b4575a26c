package platform

import (
	"bytes"
	"encoding/asn1"
	"encoding/pem"
	"os"
	"slices"
	"strings"
	"testing"
)

// pemDERsByPEM is pemDERs as it was before plainCertBlock: every block
// through encoding/pem. The fast path must give exactly its answer.
func pemDERsByPEM(data []byte) (ders [][]byte, skipped int) {
	for len(data) > 0 {
		var block *pem.Block
		block, data = pem.Decode(data)
		if block == nil {
			if bytes.Contains(data, []byte("-----BEGIN")) {
				skipped++
			}
			break
		}
		der := block.Bytes
		switch block.Type {
		case "CERTIFICATE":
		case "TRUSTED CERTIFICATE":
			var raw asn1.RawValue
			if _, err := asn1.Unmarshal(der, &raw); err != nil {
				skipped++
				continue
			}
			der = raw.FullBytes
		default:
			continue
		}
		ders = append(ders, der)
	}
	return ders, skipped
}

func samePEMAnswer(t *testing.T, name string, data []byte) {
	t.Helper()
	got, gotSkipped := pemDERs(data)
	want, wantSkipped := pemDERsByPEM(data)
	if gotSkipped != wantSkipped || !slices.EqualFunc(got, want, bytes.Equal) {
		t.Errorf("%s: fast path read %d blocks (%d skipped), encoding/pem %d (%d skipped)", name, len(got), gotSkipped, len(want), wantSkipped)
	}
}

func TestPlainCertBlockAgreesWithPEM(t *testing.T) {
	root := newRoot(t, "Fast Root")
	p := pemOf(root)
	s := string(p)
	body := strings.TrimSuffix(strings.TrimPrefix(s, "-----BEGIN CERTIFICATE-----\n"), "-----END CERTIFICATE-----\n")
	cases := map[string]string{
		"one":                 s,
		"three":               s + s + s,
		"text around":         "SHA-1 hash: 00\n" + s + "# comment\n" + s + "trailing",
		"crlf":                strings.ReplaceAll(s, "\n", "\r\n") + s,
		"header":              "-----BEGIN CERTIFICATE-----\nProc-Type: 4,ENCRYPTED\n\n" + body + "-----END CERTIFICATE-----\n" + s,
		"trusted":             "-----BEGIN TRUSTED CERTIFICATE-----\n" + body + "-----END TRUSTED CERTIFICATE-----\n" + s,
		"key first":           "-----BEGIN PRIVATE KEY-----\nMAA=\n-----END PRIVATE KEY-----\n" + s,
		"bad base64":          "-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n" + s,
		"spaces in base64":    "-----BEGIN CERTIFICATE-----\n " + body + "-----END CERTIFICATE-----\n" + s,
		"end with junk":       strings.Replace(s, "-----END CERTIFICATE-----", "-----END CERTIFICATE-----x", 1) + s,
		"end with spaces":     strings.Replace(s, "-----END CERTIFICATE-----\n", "-----END CERTIFICATE-----  \n", 1) + s,
		"no end":              s + "-----BEGIN CERTIFICATE-----\n" + body,
		"nested begin":        "-----BEGIN CERTIFICATE-----\n" + s,
		"begin mid-line":      "x-----BEGIN CERTIFICATE-----\n" + body + "-----END CERTIFICATE-----\n" + s,
		"empty block":         "-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n" + s,
		"begin with trailing": "-----BEGIN CERTIFICATE----- \n" + body + "-----END CERTIFICATE-----\n",
		"begin with junk":     "-----BEGIN CERTIFICATE-----X\n" + body + "-----END CERTIFICATE-----\n" + s,
		"begin at the end":    s + "-----BEGIN CERTIFICATE-----",
		"no final newline":    strings.TrimSuffix(s, "\n"),
		"end type differs":    "-----BEGIN CERTIFICATE-----\n" + body + "-----END X509 CRL-----\n" + s,
	}
	for name, c := range cases {
		samePEMAnswer(t, name, []byte(c))
	}
	// The real bundle of this machine, when it has one (Debian, Fedora).
	for _, b := range []string{"/etc/ssl/certs/ca-certificates.crt", "/etc/pki/tls/certs/ca-bundle.crt"} {
		if data, err := os.ReadFile(b); err == nil {
			samePEMAnswer(t, b, data)
			if ders, _ := pemDERs(data); len(ders) < 50 {
				t.Errorf("%s: only %d certificates read", b, len(ders))
			}
		}
	}
}
