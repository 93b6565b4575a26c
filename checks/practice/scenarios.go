package practice

import (
	"crypto"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net"
	"slices"
	"time"

	"golang.org/x/crypto/ocsp"

	"github.com/vpndoctor/vpndoctor/checks"
)

// Scenario is one practice gateway and what the engine must say about it.
type Scenario struct {
	Name    string      // stable, e.g. "expired"
	Want    checks.ID   // the primary finding the engine must give
	Also    []checks.ID // other findings that must be present
	Title   string      // short English description
	TitleJA string      // the same in Japanese
}

// Scenarios lists every practice gateway: "ok" first, then in the order of
// the wizard's steps (DNS, connect, TLS, certificate, trust, clock,
// revocation).
func Scenarios() []Scenario {
	out := make([]Scenario, len(table))
	for i, d := range table {
		out[i] = d.Scenario
		out[i].Also = slices.Clone(d.Also)
	}
	return out
}

// Lookup finds a scenario by name.
func Lookup(name string) (Scenario, bool) {
	d := find(name)
	if d == nil {
		return Scenario{}, false
	}
	s := d.Scenario
	s.Also = slices.Clone(d.Also)
	return s, true
}

func find(name string) *scenarioDef {
	for i := range table {
		if table[i].Name == name {
			return &table[i]
		}
	}
	return nil
}

type scenarioDef struct {
	Scenario
	// offset is the true time minus this PC's clock: what the scenario's
	// NTP server reports, and how far its certificates are dated from
	// cfg.Now().
	offset time.Duration
	// timeout is Options.Timeout; zero means defaultTimeout.
	timeout time.Duration
	build   func(b *build) (gateway, error)
}

// gateway is what a scenario's builder makes: one of a TLS config, a raw
// protocol handler, or a fixed target with no listener.
type gateway struct {
	tls    *tls.Config
	serve  func(net.Conn)
	target string              // fixed host:port (refused, dns_failure)
	roots  []*x509.Certificate // trust anchors besides the practice root
	// identities are this computer's device certificates (Issue 13).
	identities []*x509.Certificate
}

// build is a builder's workbench.
type build struct {
	*pki
	lab   *Lab
	name  string
	host  string
	start time.Time // cfg.Now() when the lab started: this PC's clock
	now   time.Time // the scenario's true time: start + offset
	root  *ca       // vpndoctor Practice Root CA
	ca1   *ca       // vpndoctor Practice Issuing CA 1
}

// standard serves the healthy leaf from Issuing CA 1, changed by tweak,
// with the intermediate sent.
func (b *build) standard(tweak func(*x509.Certificate)) (gateway, error) {
	t := b.leaf(b.host, b.ca1, b.now)
	if tweak != nil {
		tweak(t)
	}
	return b.serveLeaf(t, nil, b.ca1, true)
}

// serveLeaf issues tmpl from iss for key (nil: a fresh P-256 key) and serves
// it alone or followed by the issuer's certificate.
func (b *build) serveLeaf(tmpl *x509.Certificate, key crypto.Signer, iss *ca, sendIssuer bool) (gateway, error) {
	if key == nil {
		k, err := newKey()
		if err != nil {
			return gateway{}, err
		}
		key = k
	}
	leaf, err := iss.issue(tmpl, key.Public())
	if err != nil {
		return gateway{}, err
	}
	if sendIssuer {
		return tlsGateway(leaf, key, iss.cert), nil
	}
	return tlsGateway(leaf, key), nil
}

// tlsGateway serves leaf followed by the certificates in sent.
func tlsGateway(leaf *x509.Certificate, key crypto.Signer, sent ...*x509.Certificate) gateway {
	chain := [][]byte{leaf.Raw}
	for _, c := range sent {
		chain = append(chain, c.Raw)
	}
	return gateway{tls: &tls.Config{
		Certificates: []tls.Certificate{{Certificate: chain, PrivateKey: key, Leaf: leaf}},
	}}
}

// intermediate makes a CA under the practice root, valid a year back and
// five ahead.
func (b *build) intermediate(slug, cn string, key crypto.Signer, tweak func(*x509.Certificate)) (*ca, error) {
	return b.newCA(caSpec{
		slug: slug, cn: cn, org: orgPractice, parent: b.root, key: key,
		notBefore: b.start.Add(-year), notAfter: b.start.Add(5 * year), tweak: tweak,
	})
}

// reservePort returns a loopback address where nothing listens. The port is
// held until the lab's own listeners are all bound, so none of them gets it.
func (b *build) reservePort() (string, error) {
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	b.lab.reserved = append(b.lab.reserved, ln)
	return ln.Addr().String(), nil
}

const defaultTimeout = 5 * time.Second

var table = []scenarioDef{
	{
		Scenario: Scenario{Name: "ok", Want: checks.OK,
			Title: "Healthy gateway", TitleJA: "正常なゲートウェイ"},
		build: func(b *build) (gateway, error) { return b.standard(nil) },
	},

	// DNS and connection.
	{
		Scenario: Scenario{Name: "dns_failure", Want: checks.DNSFailure,
			Title: "Host name does not exist", TitleJA: "ホスト名が見つからない（DNS エラー）"},
		build: func(b *build) (gateway, error) {
			return gateway{target: net.JoinHostPort(nxName, "443")}, nil
		},
	},
	{
		Scenario: Scenario{Name: "refused", Want: checks.Unreachable,
			Title: "Connection refused", TitleJA: "接続が拒否される"},
		build: func(b *build) (gateway, error) {
			addr, err := b.reservePort()
			if err != nil {
				return gateway{}, err
			}
			_, port, _ := net.SplitHostPort(addr)
			return gateway{target: net.JoinHostPort(b.host, port)}, nil
		},
	},
	{
		Scenario: Scenario{Name: "silent", Want: checks.Timeout,
			Title: "Gateway accepts the connection but never answers", TitleJA: "接続はできるが、ゲートウェイが応答しない"},
		timeout: 2 * time.Second,
		build:   func(b *build) (gateway, error) { return gateway{serve: serveSilent}, nil },
	},
	{
		Scenario: Scenario{Name: "plain_http", Want: checks.NotTLS,
			Title: "Port speaks plain HTTP, not TLS", TitleJA: "このポートは TLS ではなく暗号化なしの HTTP で応答する"},
		build: func(b *build) (gateway, error) { return gateway{serve: servePlainHTTP}, nil },
	},
	{
		Scenario: Scenario{Name: "ssh", Want: checks.NotTLS,
			Title: "Port speaks SSH, not TLS", TitleJA: "このポートは TLS ではなく SSH で応答する"},
		build: func(b *build) (gateway, error) { return gateway{serve: serveSSH}, nil },
	},

	// TLS handshake.
	{
		Scenario: Scenario{Name: "tls10", Want: checks.TLSVersion,
			Title: "Gateway speaks only TLS 1.0", TitleJA: "ゲートウェイが古い TLS 1.0 にしか対応していない"},
		build: func(b *build) (gateway, error) {
			g, err := b.standard(nil)
			if err != nil {
				return g, err
			}
			g.tls.MinVersion, g.tls.MaxVersion = tls.VersionTLS10, tls.VersionTLS10
			// The suites a TLS 1.0 server with an ECDSA key can use.
			g.tls.CipherSuites = []uint16{
				tls.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA,
				tls.TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA,
			}
			return g, nil
		},
	},
	{
		Scenario: Scenario{Name: "client_cert", Want: checks.ClientCertRequired,
			Title: "Gateway requires a device certificate", TitleJA: "ゲートウェイがデバイス証明書を要求している"},
		build: func(b *build) (gateway, error) {
			device, err := b.newCA(caSpec{
				slug: "device-ca", cn: "vpndoctor Practice Device CA", org: orgPractice,
				notBefore: b.start.Add(-2 * year), notAfter: b.start.Add(10 * year),
			})
			if err != nil {
				return gateway{}, err
			}
			g, err := b.standard(nil)
			if err != nil {
				return g, err
			}
			g.tls.ClientAuth = tls.RequireAndVerifyClientCert
			g.tls.ClientCAs = x509.NewCertPool()
			g.tls.ClientCAs.AddCert(device.cert)
			return g, nil
		},
	},
	{
		Scenario: Scenario{Name: "client_cert_expired", Want: checks.ClientCertExpired,
			Title: "This computer's device certificate has expired", TitleJA: "この端末のデバイス証明書の有効期限が切れている"},
		build: buildDeviceExpired,
	},
	{
		Scenario: Scenario{Name: "client_cert_revoked", Want: checks.ClientCertRevoked,
			Title: "This computer's device certificate was revoked", TitleJA: "この端末のデバイス証明書が取り消されている"},
		build: buildDeviceRevoked,
	},

	// The certificate itself.
	{
		Scenario: Scenario{Name: "expired", Want: checks.CertExpired,
			Title: "Expired server certificate", TitleJA: "サーバー証明書の有効期限が切れている"},
		build: func(b *build) (gateway, error) {
			return b.standard(func(t *x509.Certificate) {
				t.NotBefore, t.NotAfter = b.now.Add(-100*day), b.now.Add(-10*day)
			})
		},
	},
	{
		Scenario: Scenario{Name: "not_yet_valid", Want: checks.CertNotYetValid,
			Title: "Server certificate not valid yet", TitleJA: "サーバー証明書の有効期間がまだ始まっていない"},
		build: func(b *build) (gateway, error) {
			return b.standard(func(t *x509.Certificate) {
				t.NotBefore, t.NotAfter = b.now.Add(10*day), b.now.Add(100*day)
			})
		},
	},
	{
		Scenario: Scenario{Name: "expired_intermediate", Want: checks.CertExpired,
			Title: "Expired intermediate certificate", TitleJA: "中間証明書の有効期限が切れている"},
		build: func(b *build) (gateway, error) {
			legacy, err := b.newCA(caSpec{
				slug: "legacy-ca", cn: "vpndoctor Practice Legacy Issuing CA", org: orgPractice, parent: b.root,
				notBefore: b.start.Add(-3*year - 5*day), notAfter: b.start.Add(-5 * day),
			})
			if err != nil {
				return gateway{}, err
			}
			return b.serveLeaf(b.leaf(b.host, legacy, b.now), nil, legacy, true)
		},
	},
	{
		Scenario: Scenario{Name: "hostname_mismatch", Want: checks.HostnameMismatch,
			Title: "Certificate is for another host name", TitleJA: "証明書のホスト名が接続先と一致しない"},
		build: func(b *build) (gateway, error) {
			return b.standard(func(t *x509.Certificate) {
				t.Subject.CommonName, t.DNSNames = "vpn-old.example.com", []string{"vpn-old.example.com"}
			})
		},
	},
	{
		Scenario: Scenario{Name: "cn_only", Want: checks.HostnameMismatch,
			Title: "Host name only in the Common Name, no SAN", TitleJA: "ホスト名が CN（共通名）にしかなく、SAN がない"},
		build: func(b *build) (gateway, error) {
			return b.standard(func(t *x509.Certificate) { t.DNSNames = nil })
		},
	},
	{
		Scenario: Scenario{Name: "missing_intermediate_aia", Want: checks.MissingIntermed,
			Title: "Intermediate not sent (downloadable over AIA)", TitleJA: "中間証明書が送られていない（AIA でダウンロード可能）"},
		build: func(b *build) (gateway, error) {
			return b.serveLeaf(b.leaf(b.host, b.ca1, b.now), nil, b.ca1, false)
		},
	},
	{
		Scenario: Scenario{Name: "missing_intermediate", Want: checks.MissingIntermed,
			Title: "Intermediate not sent and nowhere to download", TitleJA: "中間証明書が送られておらず、入手先もない"},
		build: func(b *build) (gateway, error) {
			ca2, err := b.intermediate("issuing-ca-2", "vpndoctor Practice Issuing CA 2", nil, nil)
			if err != nil {
				return gateway{}, err
			}
			ca2.hidden = true
			t := b.leaf(b.host, ca2, b.now)
			t.IssuingCertificateURL, t.OCSPServer = nil, nil // no AIA extension at all
			return b.serveLeaf(t, nil, ca2, false)
		},
	},
	{
		Scenario: Scenario{Name: "client_auth_eku", Want: checks.WrongUsage,
			Title: "Certificate made for clients, not servers", TitleJA: "サーバー用ではなくクライアント用の証明書が使われている"},
		build: func(b *build) (gateway, error) {
			return b.standard(func(t *x509.Certificate) {
				t.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}
			})
		},
	},
	{
		Scenario: Scenario{Name: "sha1", Want: checks.WeakSignature,
			Title: "Certificate signed with SHA-1", TitleJA: "証明書が古い SHA-1 で署名されている"},
		build: func(b *build) (gateway, error) {
			key, err := b.lab.rsa2048.wait()
			if err != nil {
				return gateway{}, err
			}
			rsaCA, err := b.intermediate("rsa-ca", "vpndoctor Practice RSA Issuing CA", key, nil)
			if err != nil {
				return gateway{}, err
			}
			t := b.leaf(b.host, rsaCA, b.now)
			// crypto/x509 still signs with SHA-1 (it only refuses to verify it).
			t.SignatureAlgorithm = x509.SHA1WithRSA
			return b.serveLeaf(t, nil, rsaCA, true)
		},
	},
	{
		Scenario: Scenario{Name: "weak_key", Want: checks.WeakKey,
			Title: "Weak 1024-bit RSA key", TitleJA: "証明書の鍵が弱い（RSA 1024 ビット）"},
		build: func(b *build) (gateway, error) {
			key, err := b.lab.rsa1024.wait()
			if err != nil {
				return gateway{}, err
			}
			return b.serveLeaf(b.leaf(b.host, b.ca1, b.now), key, b.ca1, true)
		},
	},
	{
		Scenario: Scenario{Name: "name_constraints", Want: checks.NameConstraints,
			Title: "Issuing CA may not issue this name", TitleJA: "発行元 CA の名前制約により、このホスト名は認められない"},
		build: func(b *build) (gateway, error) {
			nc, err := b.intermediate("constrained-ca", "vpndoctor Practice Constrained Issuing CA", nil, func(t *x509.Certificate) {
				t.PermittedDNSDomains = []string{".corp.example"}
				t.PermittedDNSDomainsCritical = true
			})
			if err != nil {
				return gateway{}, err
			}
			return b.serveLeaf(b.leaf(b.host, nc, b.now), nil, nc, true)
		},
	},
	{
		Scenario: Scenario{Name: "too_long", Want: checks.OK, Also: []checks.ID{checks.ValidityTooLong},
			Title: "Certificate valid for three years", TitleJA: "証明書の有効期間が長すぎる（3 年）"},
		build: func(b *build) (gateway, error) {
			return b.standard(func(t *x509.Certificate) { t.NotAfter = t.NotBefore.Add(3 * year) })
		},
	},

	// Trust.
	{
		Scenario: Scenario{Name: "untrusted_root", Want: checks.UntrustedRoot,
			Title: "Chain ends at an untrusted root", TitleJA: "証明書チェーンが信頼されていないルートにつながっている"},
		build: func(b *build) (gateway, error) {
			root, err := b.newCA(caSpec{
				slug: "unknown-corp-root", cn: "Unknown Corp Root CA", org: "Unknown Corp",
				notBefore: b.start.Add(-2 * year), notAfter: b.start.Add(18 * year),
			})
			if err != nil {
				return gateway{}, err
			}
			ica, err := b.newCA(caSpec{
				slug: "unknown-corp-ca", cn: "Unknown Corp Issuing CA", org: "Unknown Corp", parent: root,
				notBefore: b.start.Add(-year), notAfter: b.start.Add(5 * year),
			})
			if err != nil {
				return gateway{}, err
			}
			return b.serveLeaf(b.leaf(b.host, ica, b.now), nil, ica, true)
		},
	},
	{
		Scenario: Scenario{Name: "self_signed", Want: checks.SelfSigned,
			Title: "Self-signed server certificate", TitleJA: "サーバー証明書が自己署名されている"},
		build: func(b *build) (gateway, error) {
			key, err := newKey()
			if err != nil {
				return gateway{}, err
			}
			// Shaped like `openssl req -x509`: its own CA, no AIA, no CRL.
			t := b.leaf(b.host, b.ca1, b.now)
			t.IssuingCertificateURL, t.OCSPServer, t.CRLDistributionPoints = nil, nil, nil
			t.IsCA = true
			t.KeyUsage |= x509.KeyUsageCertSign
			der, err := x509.CreateCertificate(rand.Reader, t, t, key.Public(), key)
			if err != nil {
				return gateway{}, fmt.Errorf("self-sign %s: %w", b.host, err)
			}
			leaf, err := x509.ParseCertificate(der)
			if err != nil {
				return gateway{}, err
			}
			return tlsGateway(leaf, key), nil
		},
	},
	{
		Scenario: Scenario{Name: "interception", Want: checks.TLSInterception,
			Title: "Connection inspected by security software", TitleJA: "セキュリティソフトが TLS 通信を検査（傍受）している"},
		build: func(b *build) (gateway, error) {
			eset, err := b.newCA(caSpec{
				slug: "eset-root", cn: "ESET SSL Filter CA", org: "ESET spol. s r.o.",
				notBefore: b.start.Add(-year), notAfter: b.start.Add(9 * year),
			})
			if err != nil {
				return gateway{}, err
			}
			// Inspection products sign the leaf with their root directly and
			// leave out revocation pointers.
			t := b.leaf(b.host, eset, b.now)
			t.IssuingCertificateURL, t.OCSPServer, t.CRLDistributionPoints = nil, nil, nil
			g, err := b.serveLeaf(t, nil, eset, false)
			g.roots = []*x509.Certificate{eset.cert}
			return g, err
		},
	},

	// Clock.
	{
		Scenario: Scenario{Name: "clock_ahead", Want: checks.ClockSkew,
			Title: "This PC's clock is two years ahead", TitleJA: "この PC の時計が 2 年進んでいる"},
		offset: -2 * year,
		build:  buildClock,
	},
	{
		Scenario: Scenario{Name: "clock_behind", Want: checks.ClockSkew,
			Title: "This PC's clock is two years behind", TitleJA: "この PC の時計が 2 年遅れている"},
		offset: 2 * year,
		build:  buildClock,
	},

	// Revocation.
	{
		Scenario: Scenario{Name: "revoked_ocsp", Want: checks.Revoked,
			Title: "Certificate revoked (OCSP)", TitleJA: "証明書が失効している（OCSP で確認）"},
		build: func(b *build) (gateway, error) {
			return b.standard(func(t *x509.Certificate) {
				t.CRLDistributionPoints = nil // OCSP is the only way to learn it
				b.ca1.revoke(t.SerialNumber, b.now.Add(-3*day), ocsp.KeyCompromise)
			})
		},
	},
	{
		Scenario: Scenario{Name: "revoked_crl", Want: checks.Revoked,
			Title: "Certificate revoked (CRL)", TitleJA: "証明書が失効している（CRL で確認）"},
		build: func(b *build) (gateway, error) {
			return b.standard(func(t *x509.Certificate) {
				t.OCSPServer = nil
				b.ca1.revoke(t.SerialNumber, b.now.Add(-3*day), ocsp.KeyCompromise)
			})
		},
	},
	{
		Scenario: Scenario{Name: "revocation_down", Want: checks.OK, Also: []checks.ID{checks.RevocationUnknown},
			Title: "Revocation servers unreachable", TitleJA: "失効確認サーバー（OCSP・CRL）に接続できない"},
		build: func(b *build) (gateway, error) {
			dead, err := b.reservePort()
			if err != nil {
				return gateway{}, err
			}
			return b.standard(func(t *x509.Certificate) {
				t.OCSPServer = []string{"http://" + dead + "/ocsp/" + b.ca1.slug}
				t.CRLDistributionPoints = []string{"http://" + dead + "/crl/" + b.ca1.slug + ".crl"}
			})
		},
	},
}

// buildClock serves a chain valid at the scenario's true time from its own
// root and intermediate, valid at both true and local time, so that only
// the leaf's dates disagree with this PC's clock. The root is trusted.
func buildClock(b *build) (gateway, error) {
	lo, hi := b.start, b.now
	if hi.Before(lo) {
		lo, hi = hi, lo
	}
	slug := b.name
	root, err := b.newCA(caSpec{
		slug: slug + "-root", cn: "vpndoctor Practice Clock Root CA", org: orgPractice,
		notBefore: lo.Add(-year), notAfter: hi.Add(10 * year), offset: b.now.Sub(b.start),
	})
	if err != nil {
		return gateway{}, err
	}
	ica, err := b.newCA(caSpec{
		slug: slug + "-ca", cn: "vpndoctor Practice Clock Issuing CA", org: orgPractice, parent: root,
		notBefore: lo.Add(-year), notAfter: hi.Add(5 * year),
	})
	if err != nil {
		return gateway{}, err
	}
	g, err := b.serveLeaf(b.leaf(b.host, ica, b.now), nil, ica, true)
	g.roots = []*x509.Certificate{root.cert}
	return g, err
}
