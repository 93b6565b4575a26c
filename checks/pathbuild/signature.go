package pathbuild

import (
	"crypto/x509"
	"errors"

	zx509 "github.com/zmap/zcrypto/x509"
)

var errNotIssuer = errors.New("the download does not hold the certificate that signed it")

// ErrNotIssuer is what a FetchFunc's caller sees when the AIA download
// holds certificates, but none signed the certificate.
var ErrNotIssuer = errNotIssuer

// CheckSignature verifies that parent's key made child's signature. Unlike
// x509's CheckSignatureFrom it accepts what current clients refuse (MD5,
// SHA-1, DSA, odd curves) and does not insist that parent is a CA: the
// path must be found before the weak signature or the missing CA flag can
// be named. What crypto/x509 cannot check, zcrypto's x509 checks.
func CheckSignature(child, parent *x509.Certificate) error {
	err := parent.CheckSignature(child.SignatureAlgorithm, child.RawTBSCertificate, child.Signature)
	if err == nil || !legacy(err, child, parent) {
		return err
	}
	zc, zerr := zx509.ParseCertificate(child.Raw)
	if zerr != nil {
		return err
	}
	zp, zerr := zx509.ParseCertificate(parent.Raw)
	if zerr != nil {
		return err
	}
	return zp.CheckSignature(zc.SignatureAlgorithm, zc.RawTBSCertificate, zc.Signature)
}

// legacy says whether crypto/x509 refused to check rather than found the
// signature wrong.
func legacy(err error, child, parent *x509.Certificate) bool {
	var insecure x509.InsecureAlgorithmError
	switch {
	case errors.As(err, &insecure), errors.Is(err, x509.ErrUnsupportedAlgorithm):
		return true
	}
	return child.SignatureAlgorithm == x509.UnknownSignatureAlgorithm || parent.PublicKey == nil
}
