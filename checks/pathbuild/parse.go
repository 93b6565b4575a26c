package pathbuild

import (
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"fmt"
)

// ParseCertificate reads a DER certificate with crypto/x509 and, for what
// Go refuses (a negative serial, an IP SAN of the wrong length, odd string
// encodings), with zcrypto's x509, so that the user hears what is wrong
// with the certificate rather than "unreadable". The fields the checks use
// are copied over; the key stays nil when Go has no type for it
// (CheckSignature then asks zcrypto). A P-192 key, which neither reads, is
// read by parseUnknownCurve (curves.go).
func ParseCertificate(der []byte) (*x509.Certificate, error) {
	c, err := x509.ParseCertificate(der)
	if err == nil {
		return c, nil
	}
	if c, zerr := parseZ(der); zerr == nil {
		return c, nil
	}
	if c, cerr, ok := parseUnknownCurve(der); ok {
		return c, cerr
	}
	stripped, ok := withoutSAN(der)
	if !ok {
		return nil, err
	}
	c, serr := ParseCertificate(stripped)
	if serr != nil {
		return nil, err
	}
	// The judged certificate is the one sent: its bytes, its signature.
	orig, ok := rawParts(der)
	if !ok {
		return nil, err
	}
	c.Raw, c.RawTBSCertificate, c.Signature = der, orig.tbs, orig.sig
	c.Version = namesUnreadableVersion
	return c, nil
}

type parts struct{ tbs, sig []byte }

func rawParts(der []byte) (parts, bool) {
	var cert struct {
		TBS    asn1.RawValue
		SigAlg asn1.RawValue
		Sig    asn1.BitString
	}
	if _, err := asn1.Unmarshal(der, &cert); err != nil {
		return parts{}, false
	}
	return parts{cert.TBS.FullBytes, cert.Sig.RightAlign()}, true
}

// Lenient reports whether c was read by the zcrypto fallback.
func Lenient(c *x509.Certificate) bool { return c.Version < 0 }

// NamesUnreadable reports whether c's subjectAltName could not be read
// by either parser and was left out.
func NamesUnreadable(c *x509.Certificate) bool { return c.Version == namesUnreadableVersion }

// lenientVersion and namesUnreadableVersion mark fallback certificates
// (Go's own are 1 to 3).
const (
	lenientVersion         = -1
	namesUnreadableVersion = -2
)

func name(raw []byte) pkix.Name {
	var seq pkix.RDNSequence
	var n pkix.Name
	if rest, err := asn1.Unmarshal(raw, &seq); err == nil && len(rest) == 0 {
		n.FillFromRDNSequence(&seq)
	} else {
		n.CommonName = fmt.Sprintf("(unreadable name, %d bytes)", len(raw))
	}
	return n
}

var oidSAN = asn1.ObjectIdentifier{2, 5, 29, 17}

// withoutSAN re-encodes a certificate without its subjectAltName
// extension, for a certificate whose names neither parser can read (an IP
// address of nine bytes): the rest of it can still be judged, and a
// certificate without readable names is valid for no host. The signature
// no longer matches the copy; the caller restores the original bytes.
func withoutSAN(der []byte) ([]byte, bool) {
	fields, wrap, ok := tbsFields(der)
	if !ok {
		return nil, false
	}
	dropped := false
	for i, f := range fields {
		if f.Class != asn1.ClassContextSpecific || f.Tag != 3 {
			continue
		}
		var exts []asn1.RawValue
		if _, err := asn1.Unmarshal(f.Bytes, &exts); err != nil {
			return nil, false
		}
		var kept []byte
		for _, e := range exts {
			var id asn1.ObjectIdentifier
			if _, err := asn1.Unmarshal(e.Bytes, &id); err == nil && id.Equal(oidSAN) {
				dropped = true
				continue
			}
			kept = append(kept, e.FullBytes...)
		}
		seq, _ := asn1.Marshal(asn1.RawValue{Class: asn1.ClassUniversal, Tag: asn1.TagSequence, IsCompound: true, Bytes: kept})
		fields[i] = asn1.RawValue{Class: asn1.ClassContextSpecific, Tag: 3, IsCompound: true, Bytes: seq}
	}
	if !dropped {
		return nil, false
	}
	return wrap(fields)
}

// tbsFields splits a certificate's to-be-signed part into its fields, and
// returns wrap, which encodes a certificate from (changed) fields with the
// original signature algorithm and signature.
func tbsFields(der []byte) (fields []asn1.RawValue, wrap func([]asn1.RawValue) ([]byte, bool), ok bool) {
	var cert struct {
		TBS    asn1.RawValue
		SigAlg asn1.RawValue
		Sig    asn1.RawValue
	}
	if rest, err := asn1.Unmarshal(der, &cert); err != nil || len(rest) > 0 {
		return nil, nil, false
	}
	for rest := cert.TBS.Bytes; len(rest) > 0; {
		var f asn1.RawValue
		var err error
		if rest, err = asn1.Unmarshal(rest, &f); err != nil {
			return nil, nil, false
		}
		fields = append(fields, f)
	}
	wrap = func(fields []asn1.RawValue) ([]byte, bool) {
		var tbs []byte
		for _, f := range fields {
			b, err := asn1.Marshal(f)
			if err != nil {
				return nil, false
			}
			tbs = append(tbs, b...)
		}
		tbsDER, err1 := asn1.Marshal(asn1.RawValue{Class: asn1.ClassUniversal, Tag: asn1.TagSequence, IsCompound: true, Bytes: tbs})
		out, err2 := asn1.Marshal(asn1.RawValue{Class: asn1.ClassUniversal, Tag: asn1.TagSequence, IsCompound: true,
			Bytes: append(append(tbsDER, cert.SigAlg.FullBytes...), cert.Sig.FullBytes...)})
		return out, err1 == nil && err2 == nil
	}
	return fields, wrap, true
}
