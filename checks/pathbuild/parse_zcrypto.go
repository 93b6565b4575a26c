//go:build !windows

package pathbuild

import (
	"crypto/x509"
	"encoding/asn1"

	zx509 "github.com/zmap/zcrypto/x509"
)

// zcrypto's x509 does not build for Windows (it has no system roots
// there): parse_windows.go stands in for this file.

func parseZ(der []byte) (*x509.Certificate, error) {
	z, err := zx509.ParseCertificate(der)
	if err != nil {
		return nil, err
	}
	return fromZ(z), nil
}

// checkZ verifies child's signature with parent's key as zcrypto reads
// them (keys Go has no type for, such as P-192).
func checkZ(child, parent *x509.Certificate) error {
	zc, err := zx509.ParseCertificate(child.Raw)
	if err != nil {
		return err
	}
	zp, err := zx509.ParseCertificate(parent.Raw)
	if err != nil {
		return err
	}
	return zp.CheckSignature(zc.SignatureAlgorithm, zc.RawTBSCertificate, zc.Signature)
}

func fromZ(z *zx509.Certificate) *x509.Certificate {
	c := &x509.Certificate{
		Raw: z.Raw, RawTBSCertificate: z.RawTBSCertificate, RawSubjectPublicKeyInfo: z.RawSubjectPublicKeyInfo,
		RawSubject: z.RawSubject, RawIssuer: z.RawIssuer,
		Signature:          z.Signature,
		SignatureAlgorithm: x509.SignatureAlgorithm(z.SignatureAlgorithm),
		PublicKeyAlgorithm: x509.PublicKeyAlgorithm(z.PublicKeyAlgorithm),
		Version:            lenientVersion,
		SerialNumber:       z.SerialNumber,
		NotBefore:          z.NotBefore, NotAfter: z.NotAfter,
		KeyUsage:              x509.KeyUsage(z.KeyUsage),
		BasicConstraintsValid: z.BasicConstraintsValid, IsCA: z.IsCA,
		MaxPathLen: z.MaxPathLen, MaxPathLenZero: z.MaxPathLenZero,
		SubjectKeyId: z.SubjectKeyId, AuthorityKeyId: z.AuthorityKeyId,
		OCSPServer: z.OCSPServer, IssuingCertificateURL: z.IssuingCertificateURL,
		DNSNames: z.DNSNames, EmailAddresses: z.EmailAddresses, IPAddresses: z.IPAddresses,
		CRLDistributionPoints:       z.CRLDistributionPoints,
		PermittedDNSDomainsCritical: z.NameConstraintsCritical,
	}
	if !z.BasicConstraintsValid {
		c.MaxPathLen = -1
	}
	c.Subject = name(z.RawSubject)
	c.Issuer = name(z.RawIssuer)
	// Go has no type for some keys (P-192): the key stays nil, and
	// CheckSignature asks zcrypto.
	if k, err := x509.ParsePKIXPublicKey(z.RawSubjectPublicKeyInfo); err == nil {
		c.PublicKey = k
	}
	for _, u := range z.ExtKeyUsage {
		c.ExtKeyUsage = append(c.ExtKeyUsage, x509.ExtKeyUsage(u))
	}
	for _, oid := range z.UnknownExtKeyUsage {
		c.UnknownExtKeyUsage = append(c.UnknownExtKeyUsage, asn1.ObjectIdentifier(oid))
	}
	for _, d := range z.PermittedDNSNames {
		c.PermittedDNSDomains = append(c.PermittedDNSDomains, d.Data)
	}
	for _, d := range z.ExcludedDNSNames {
		c.ExcludedDNSDomains = append(c.ExcludedDNSDomains, d.Data)
	}
	for _, d := range z.PermittedIPAddresses {
		n := d.Data
		c.PermittedIPRanges = append(c.PermittedIPRanges, &n)
	}
	for _, d := range z.ExcludedIPAddresses {
		n := d.Data
		c.ExcludedIPRanges = append(c.ExcludedIPRanges, &n)
	}
	return c
}
