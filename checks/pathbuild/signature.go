package pathbuild

import (
	"crypto"
	"crypto/dsa" // deprecated, but DSA-signed gateways exist and must be named
	"crypto/md5"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/x509"
	"encoding/asn1"
	"errors"
	"math/big"
)

var errNotIssuer = errors.New("the download does not hold the certificate that signed it")

// ErrNotIssuer is what a FetchFunc's caller sees when the AIA download
// holds certificates, but none signed the certificate.
var ErrNotIssuer = errNotIssuer

// CheckSignature verifies that parent's key made child's signature. Unlike
// x509's CheckSignatureFrom it accepts what current clients refuse (MD5,
// SHA-1, DSA, odd curves) and does not insist that parent is a CA: the
// path must be found before the weak signature or the missing CA flag can
// be named.
func CheckSignature(child, parent *x509.Certificate) error {
	err := parent.CheckSignature(child.SignatureAlgorithm, child.RawTBSCertificate, child.Signature)
	if err == nil || !refused(err, child, parent) {
		return err
	}
	if ok, lerr := checkLegacy(child, parent); ok {
		return lerr
	}
	if zerr := checkZ(child, parent); zerr == nil {
		return nil
	}
	return err
}

// refused says whether crypto/x509 declined to check rather than found
// the signature wrong.
func refused(err error, child, parent *x509.Certificate) bool {
	var insecure x509.InsecureAlgorithmError
	switch {
	case errors.As(err, &insecure), errors.Is(err, x509.ErrUnsupportedAlgorithm):
		return true
	}
	return child.SignatureAlgorithm == x509.UnknownSignatureAlgorithm || parent.PublicKey == nil
}

// checkLegacy verifies MD5-RSA and DSA signatures, which crypto/x509
// refuses to; ok is false for anything else.
func checkLegacy(child, parent *x509.Certificate) (ok bool, err error) {
	tbs := child.RawTBSCertificate
	switch pub := parent.PublicKey.(type) {
	case *rsa.PublicKey:
		if child.SignatureAlgorithm != x509.MD5WithRSA {
			return false, nil
		}
		sum := md5.Sum(tbs)
		return true, rsa.VerifyPKCS1v15(pub, crypto.MD5, sum[:], child.Signature)
	case *dsa.PublicKey:
		var digest []byte
		switch child.SignatureAlgorithm {
		case x509.DSAWithSHA1:
			s := sha1.Sum(tbs)
			digest = s[:]
		case x509.DSAWithSHA256:
			s := sha256.Sum256(tbs)
			digest = s[:]
		default:
			return false, nil
		}
		var sig struct{ R, S *big.Int }
		if rest, err := asn1.Unmarshal(child.Signature, &sig); err != nil || len(rest) > 0 || sig.R == nil || sig.S == nil {
			return true, errors.New("malformed DSA signature")
		}
		if !dsa.Verify(pub, digest, sig.R, sig.S) {
			return true, errors.New("DSA signature does not verify")
		}
		return true, nil
	}
	return false, nil
}
