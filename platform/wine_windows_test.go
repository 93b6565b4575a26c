package platform

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha1"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"errors"
	"math/big"
	"strings"
	"testing"
	"time"
	"unsafe"

	"golang.org/x/sys/windows"
	"golang.org/x/sys/windows/registry"
)

// Helpers of the Windows tests. scripts/wine-test.sh runs them under Wine
// in a prefix it makes for the run and throws away, so the tests that
// change the machine (the system certificate stores, HKLM) run only there:
// on a real Windows, adding to CurrentUser\ROOT stops at a confirmation
// dialog and HKLM needs an administrator.

// underWine says whether this process runs under Wine: its ntdll exports
// wine_get_version.
func underWine() bool {
	return windows.NewLazySystemDLL("ntdll.dll").NewProc("wine_get_version").Find() == nil
}

func requireWine(t *testing.T) {
	t.Helper()
	if !underWine() {
		t.Skip("changes the machine's certificate stores or registry: runs only under Wine (scripts/wine-test.sh)")
	}
}

// keyedCert is a certificate and its key, which can sign others.
type keyedCert struct {
	cert *x509.Certificate
	key  crypto.Signer
}

// issueCert makes a certificate from tmpl signed by parent, or self-signed when
// parent is nil. Windows checks validity against the system clock, so these
// certificates are valid around time.Now, not the fixed testNow.
func issueCert(t *testing.T, tmpl *x509.Certificate, parent *keyedCert) *keyedCert {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	if tmpl.SerialNumber, err = rand.Int(rand.Reader, big.NewInt(1<<62)); err != nil {
		t.Fatal(err)
	}
	if tmpl.NotBefore.IsZero() {
		now := time.Now()
		tmpl.NotBefore, tmpl.NotAfter = now.Add(-time.Hour), now.Add(48*time.Hour)
	}
	signer, signerKey := tmpl, crypto.Signer(key)
	if parent != nil {
		signer, signerKey = parent.cert, parent.key
	}
	for {
		der, err := x509.CreateCertificate(rand.Reader, tmpl, signer, &key.PublicKey, signerKey)
		if err != nil {
			t.Fatal(err)
		}
		c, err := x509.ParseCertificate(der)
		if err != nil {
			t.Fatal(err)
		}
		// Wine 8's crypt32 refuses an ECDSA signature whose r or s is
		// shorter than the curve's 32 bytes (about 1 signature in 128);
		// Windows takes it. Sign again: the nonce, and so r and s, change.
		if !shortECDSASignature(c.Signature) {
			return &keyedCert{cert: c, key: key}
		}
	}
}

func shortECDSASignature(sig []byte) bool {
	var rs struct{ R, S *big.Int }
	if _, err := asn1.Unmarshal(sig, &rs); err != nil {
		return false
	}
	return rs.R.BitLen() <= 248 || rs.S.BitLen() <= 248
}

func caTemplate(cn string) *x509.Certificate {
	return &x509.Certificate{
		Subject:               pkix.Name{CommonName: cn, Organization: []string{"vpndoctor test"}},
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
	}
}

func serverTemplate(host string) *x509.Certificate {
	return &x509.Certificate{
		Subject:     pkix.Name{CommonName: host},
		DNSNames:    []string{host},
		KeyUsage:    x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
}

// openSystemStore opens a system store for writing; the store is created
// when it does not exist.
func openSystemStore(t *testing.T, loc storeLocation, store string) windows.Handle {
	t.Helper()
	name, err := windows.UTF16PtrFromString(store)
	if err != nil {
		t.Fatal(err)
	}
	h, err := windows.CertOpenStore(windows.CERT_STORE_PROV_SYSTEM_W, 0, 0, loc.flag, uintptr(unsafe.Pointer(name)))
	if err != nil {
		t.Fatalf(`open %s\%s: %v`, loc.name, store, err)
	}
	return h
}

// addToStore puts c into a system store until the test ends. edit, when
// not nil, is given the store's copy to set properties on. The store is
// closed before addToStore returns: a registry store is written back only
// when its last context is freed.
func addToStore(t *testing.T, loc storeLocation, store string, c *x509.Certificate, edit func(*windows.CertContext)) {
	t.Helper()
	h := openSystemStore(t, loc, store)
	defer windows.CertCloseStore(h, 0)
	ctx, err := windows.CertCreateCertificateContext(windows.X509_ASN_ENCODING, &c.Raw[0], uint32(len(c.Raw)))
	if err != nil {
		t.Fatal(err)
	}
	defer windows.CertFreeCertificateContext(ctx)
	var added *windows.CertContext
	if err := windows.CertAddCertificateContextToStore(h, ctx, windows.CERT_STORE_ADD_REPLACE_EXISTING, &added); err != nil {
		t.Fatalf(`add to %s\%s: %v`, loc.name, store, err)
	}
	if edit != nil {
		edit(added)
	}
	windows.CertFreeCertificateContext(added)
	t.Cleanup(func() { removeFromStore(t, loc, store, c) })
}

func removeFromStore(t *testing.T, loc storeLocation, store string, c *x509.Certificate) {
	t.Helper()
	h := openSystemStore(t, loc, store)
	defer windows.CertCloseStore(h, 0)
	sum := sha1.Sum(c.Raw)
	blob := windows.CryptHashBlob{Size: uint32(len(sum)), Data: &sum[0]}
	ctx, err := windows.CertFindCertificateInStore(h, windows.X509_ASN_ENCODING, 0, windows.CERT_FIND_SHA1_HASH, unsafe.Pointer(&blob), nil)
	if err != nil {
		t.Errorf(`find in %s\%s: %v`, loc.name, store, err)
		return
	}
	if err := windows.CertDeleteCertificateFromStore(ctx); err != nil { // frees ctx
		t.Errorf(`delete from %s\%s: %v`, loc.name, store, err)
	}
	// Wine 8 keeps the registry store open after a delete, so closing it
	// would not write the delete back: commit it now.
	if r, _, err := procCertControlStore.Call(uintptr(h), 0, certStoreCtrlCommit, 0); r == 0 {
		t.Errorf(`commit %s\%s: %v`, loc.name, store, err)
	}
}

var procCertControlStore = windows.NewLazySystemDLL("crypt32.dll").NewProc("CertControlStore")

const certStoreCtrlCommit = 3 // CERT_STORE_CTRL_COMMIT

// createKey creates path under root, and the keys above it that are
// missing; those it created are deleted when the test ends.
func createKey(t *testing.T, root registry.Key, path string) registry.Key {
	t.Helper()
	parts := strings.Split(path, `\`)
	for i := range parts {
		sub := strings.Join(parts[:i+1], `\`)
		k, existed, err := registry.CreateKey(root, sub, registry.ALL_ACCESS)
		if err != nil {
			t.Fatalf("create %s: %v", sub, err)
		}
		k.Close()
		if !existed {
			t.Cleanup(func() {
				if err := registry.DeleteKey(root, sub); err != nil {
					t.Errorf("delete key %s: %v", sub, err)
				}
			})
		}
	}
	k, err := registry.OpenKey(root, path, registry.ALL_ACCESS)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { k.Close() })
	return k
}

// setString sets a REG_SZ value until the test ends, then puts back what
// was there.
func setString(t *testing.T, k registry.Key, name, value string) {
	t.Helper()
	old, typ, err := k.GetStringValue(name)
	restore := func() error { return k.DeleteValue(name) }
	if err == nil && typ == registry.SZ {
		restore = func() error { return k.SetStringValue(name, old) }
	}
	if err := k.SetStringValue(name, value); err != nil {
		t.Fatalf("set %s: %v", name, err)
	}
	t.Cleanup(func() {
		if err := restore(); err != nil && !errors.Is(err, registry.ErrNotExist) {
			t.Errorf("restore %s: %v", name, err)
		}
	})
}

// setDWord is setString for REG_DWORD.
func setDWord(t *testing.T, k registry.Key, name string, value uint32) {
	t.Helper()
	old, typ, err := k.GetIntegerValue(name)
	restore := func() error { return k.DeleteValue(name) }
	if err == nil && typ == registry.DWORD {
		restore = func() error { return k.SetDWordValue(name, uint32(old)) }
	}
	if err := k.SetDWordValue(name, value); err != nil {
		t.Fatalf("set %s: %v", name, err)
	}
	t.Cleanup(func() {
		if err := restore(); err != nil && !errors.Is(err, registry.ErrNotExist) {
			t.Errorf("restore %s: %v", name, err)
		}
	})
}
