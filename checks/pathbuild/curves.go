package pathbuild

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"errors"
	"math/big"
	"sync"
)

// Keys on elliptic curves crypto/x509 does not know. Go and zcrypto refuse
// the whole certificate ("x509: unsupported elliptic curve"), so a gateway
// whose CA has a P-192 key was "a certificate that cannot be read". P-192
// is read here (its key as an ecdsa.PublicKey over the curve's parameters:
// crypto/ecdsa still verifies over such curves, with math/big), so that
// the chain is built and the key named as the weakness it is. Other curves
// (Brainpool, secp256k1) are named in the error: their arithmetic is not
// that of crypto/elliptic's CurveParams (a = -3), and vpndoctor does not
// pretend to check them.

var (
	oidECPublicKey = asn1.ObjectIdentifier{1, 2, 840, 10045, 2, 1}
	oidP192        = asn1.ObjectIdentifier{1, 2, 840, 10045, 3, 1, 1}
)

// unknownCurves names the curves crypto/x509 cannot read, for messages.
var unknownCurves = map[string]string{
	"1.2.840.10045.3.1.1":   "P-192 (prime192v1)",
	"1.3.36.3.3.2.8.1.1.3":  "brainpoolP192r1",
	"1.3.36.3.3.2.8.1.1.5":  "brainpoolP224r1",
	"1.3.36.3.3.2.8.1.1.7":  "brainpoolP256r1",
	"1.3.36.3.3.2.8.1.1.9":  "brainpoolP320r1",
	"1.3.36.3.3.2.8.1.1.11": "brainpoolP384r1",
	"1.3.36.3.3.2.8.1.1.13": "brainpoolP512r1",
	"1.3.132.0.10":          "secp256k1",
}

// goCurves are the curves crypto/x509 reads: P-224, P-256, P-384, P-521.
var goCurves = map[string]bool{"1.3.132.0.33": true, "1.2.840.10045.3.1.7": true, "1.3.132.0.34": true, "1.3.132.0.35": true}

// p192 is NIST P-192 (SEC 2 secp192r1, FIPS 186-4 D.1.2.1), made when a
// certificate first needs it, not at every start of the program.
var p192 = sync.OnceValue(func() *elliptic.CurveParams {
	hex := func(s string) *big.Int { n, _ := new(big.Int).SetString(s, 16); return n }
	return &elliptic.CurveParams{Name: "P-192", BitSize: 192,
		P:  hex("fffffffffffffffffffffffffffffffeffffffffffffffff"),
		N:  hex("ffffffffffffffffffffffff99def836146bc9b1b4d22831"),
		B:  hex("64210519e59c80e70fa7e9ab72243049feb8deecc146b9b1"),
		Gx: hex("188da80eb03090f67cbf20eb43a18800f4ff0afd82ff1012"),
		Gy: hex("07192b95ffc8da78631011ed6b24cdd573f977a11e794811")}
})

// placeholderSPKI is a P-256 key Go can read, put in the place of the one
// it cannot so that the rest of the certificate is parsed by Go itself.
var placeholderSPKI = sync.OnceValue(func() []byte {
	x, y := elliptic.P256().Params().Gx, elliptic.P256().Params().Gy
	pt := make([]byte, 65)
	pt[0] = 4
	x.FillBytes(pt[1:33])
	y.FillBytes(pt[33:])
	params, _ := asn1.Marshal(asn1.ObjectIdentifier{1, 2, 840, 10045, 3, 1, 7})
	der, _ := asn1.Marshal(spki{Algorithm: pkix.AlgorithmIdentifier{Algorithm: oidECPublicKey, Parameters: asn1.RawValue{FullBytes: params}},
		Key: asn1.BitString{Bytes: pt, BitLength: len(pt) * 8}})
	return der
})

type spki struct {
	Algorithm pkix.AlgorithmIdentifier
	Key       asn1.BitString
}

// ErrUnknownCurve is the error for a certificate whose key is on a curve
// neither crypto/x509 nor vpndoctor reads; its text names the curve.
type ErrUnknownCurve struct{ Curve string }

func (e ErrUnknownCurve) Error() string {
	return "its key is on the elliptic curve " + e.Curve + ", which vpndoctor cannot read"
}

// curveOf returns the named curve of an EC subjectPublicKeyInfo and its
// point, or ok false when the key is not an EC key on a named curve.
func curveOf(raw []byte) (curve asn1.ObjectIdentifier, point []byte, ok bool) {
	var k spki
	if rest, err := asn1.Unmarshal(raw, &k); err != nil || len(rest) > 0 || !k.Algorithm.Algorithm.Equal(oidECPublicKey) {
		return nil, nil, false
	}
	if rest, err := asn1.Unmarshal(k.Algorithm.Parameters.FullBytes, &curve); err != nil || len(rest) > 0 {
		return nil, nil, false
	}
	return curve, k.Key.RightAlign(), true
}

// parseUnknownCurve reads a certificate whose only fault for Go is its
// key's curve. P-192 keys are read; any other curve Go lacks is an
// ErrUnknownCurve; anything else is not for this parser (ok false).
func parseUnknownCurve(der []byte) (c *x509.Certificate, err error, ok bool) {
	fields, wrap, fok := tbsFields(der)
	if !fok {
		return nil, nil, false
	}
	at := 5 // serial, signature, issuer, validity, subject, then the key
	if len(fields) > 0 && fields[0].Class == asn1.ClassContextSpecific && fields[0].Tag == 0 {
		at = 6 // after the explicit version
	}
	if len(fields) <= at {
		return nil, nil, false
	}
	rawKey := fields[at].FullBytes
	curve, point, cok := curveOf(rawKey)
	if !cok {
		return nil, nil, false
	}
	if goCurves[curve.String()] {
		return nil, nil, false // Go reads the key: its fault is elsewhere
	}
	name, known := unknownCurves[curve.String()]
	if !known {
		name = curve.String()
	}
	if !curve.Equal(oidP192) {
		return nil, ErrUnknownCurve{name}, true
	}
	x, y := elliptic.Unmarshal(p192(), point) //nolint:staticcheck // the only way to read a point of a custom curve
	if x == nil {
		return nil, errors.New("its P-192 key is not a point of the curve"), true
	}
	fields[at] = asn1.RawValue{FullBytes: placeholderSPKI()}
	copyDER, mok := wrap(fields)
	if !mok {
		return nil, nil, false
	}
	c, perr := x509.ParseCertificate(copyDER)
	if perr != nil {
		return nil, nil, false
	}
	orig, pok := rawParts(der)
	if !pok {
		return nil, nil, false
	}
	c.Raw, c.RawTBSCertificate, c.Signature, c.RawSubjectPublicKeyInfo = der, orig.tbs, orig.sig, rawKey
	c.PublicKey = &ecdsa.PublicKey{Curve: p192(), X: x, Y: y}
	c.Version = lenientVersion
	return c, nil, true
}
