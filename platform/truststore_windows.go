package platform

import (
	"bytes"
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"syscall"
	"time"
	"unsafe"

	"golang.org/x/sys/windows"

	"github.com/vpndoctor/vpndoctor/checks"
)

// windowsStore reads the system certificate stores of the local machine
// and the current user. Windows fills ROOT on demand from Windows Update
// (automatic root update): a root it would fetch when it meets it is not
// in the store yet, which is why OSVerdict asks Windows itself.
type windowsStore struct{}

type storeLocation struct {
	flag uint32
	name string
}

// LocalMachine first: the CurrentUser view of ROOT includes the machine's
// roots, and the first origin of a certificate is the one kept.
var storeLocations = []storeLocation{
	{windows.CERT_SYSTEM_STORE_LOCAL_MACHINE, "LocalMachine"},
	{windows.CERT_SYSTEM_STORE_CURRENT_USER, "CurrentUser"},
}

// Load reads the stores through the CryptoAPI, which takes no context; it
// is quick, and the engine stops waiting at its deadline.
func (windowsStore) Load(context.Context) (*checks.TrustSnapshot, error) {
	snap := &checks.TrustSnapshot{Name: "Windows certificate stores"}
	var roots, inter, distrusted certSet
	var errs []error
	for _, s := range []struct {
		store string
		set   *certSet
	}{{"ROOT", &roots}, {"CA", &inter}, {"Disallowed", &distrusted}} {
		for _, loc := range storeLocations {
			err := enumStore(loc, s.store, func(c *x509.Certificate, _ *windows.CertContext) {
				s.set.add(c, loc.name+`\`+s.store)
			})
			errs = append(errs, err)
		}
	}
	if len(roots.certs) == 0 {
		return nil, fmt.Errorf("windows stores: no roots read: %w", errors.Join(errs...))
	}
	snap.Roots, snap.Intermediates, snap.Distrusted = roots.certs, inter.certs, distrusted.certs
	return snap, nil
}

// enumStore calls fn for each certificate of a system store. The context
// is valid only during fn; the certificate's bytes are copied out of it.
func enumStore(loc storeLocation, store string, fn func(*x509.Certificate, *windows.CertContext)) error {
	name, err := windows.UTF16PtrFromString(store)
	if err != nil {
		return err
	}
	h, err := windows.CertOpenStore(windows.CERT_STORE_PROV_SYSTEM_W, 0, 0,
		loc.flag|windows.CERT_STORE_READONLY_FLAG|windows.CERT_STORE_OPEN_EXISTING_FLAG,
		uintptr(unsafe.Pointer(name)))
	runtime.KeepAlive(name) // passed as a uintptr: keep it until the call is done
	if errors.Is(err, windows.ERROR_FILE_NOT_FOUND) {
		// A store that was never created has no registry key, and
		// OPEN_EXISTING says so: it is empty, not broken (a new Wine
		// prefix has no Disallowed store at all).
		return nil
	}
	if err != nil {
		return fmt.Errorf(`open %s\%s: %w`, loc.name, store, err)
	}
	defer windows.CertCloseStore(h, 0)
	var ctx *windows.CertContext
	for {
		// Passing the previous context frees it.
		ctx, err = windows.CertEnumCertificatesInStore(h, ctx)
		if ctx == nil {
			if err == nil || errors.Is(err, syscall.Errno(windows.CRYPT_E_NOT_FOUND)) ||
				errors.Is(err, windows.ERROR_NO_MORE_FILES) {
				return nil
			}
			return fmt.Errorf(`read %s\%s: %w`, loc.name, store, err)
		}
		der := bytes.Clone(unsafe.Slice(ctx.EncodedCert, ctx.Length))
		if c, err := x509.ParseCertificate(der); err == nil {
			fn(c, ctx)
		}
	}
}

var procCertGetCertificateContextProperty = windows.NewLazySystemDLL("crypt32.dll").NewProc("CertGetCertificateContextProperty")

const certKeyProvInfoPropID = 2 // CERT_KEY_PROV_INFO_PROP_ID

// hasPrivateKey says whether the certificate is linked to a private key
// (CAPI or CNG): the property is set for both.
func hasPrivateKey(ctx *windows.CertContext) bool {
	if procCertGetCertificateContextProperty.Find() != nil {
		return false
	}
	var size uint32
	r, _, _ := procCertGetCertificateContextProperty.Call(uintptr(unsafe.Pointer(ctx)),
		certKeyProvInfoPropID, 0, uintptr(unsafe.Pointer(&size)))
	return r != 0
}

func windowsIdentities() ([]Identity, error) {
	var ids []Identity
	var errs []error
	seen := certSet{}
	for _, loc := range []storeLocation{storeLocations[1], storeLocations[0]} {
		err := enumStore(loc, "MY", func(c *x509.Certificate, ctx *windows.CertContext) {
			if hasPrivateKey(ctx) && seen.add(c, "") {
				ids = append(ids, newIdentity(c, loc.name+`\MY`))
			}
		})
		errs = append(errs, err)
	}
	return ids, errors.Join(errs...)
}

// serverAuthOID is requested of the chain, as a TLS client does.
var serverAuthOID = []byte("1.3.6.1.5.5.7.3.1\x00")

// windowsVerdict builds the chain with CertGetCertificateChain, the
// gateway's certificates in a memory store beside the leaf, and checks it
// with CertVerifyCertificateChainPolicy and the SSL policy, as Go's
// crypto/x509 systemVerify did. Windows may fetch a missing intermediate
// or root while building (AIA, Windows Update): the verdict says what a
// Windows VPN client would see.
func windowsVerdict(ctx context.Context, chain []*x509.Certificate, host string) (string, error) {
	if len(chain) == 0 {
		return "", errors.New("no certificate")
	}
	store, err := windows.CertOpenStore(windows.CERT_STORE_PROV_MEMORY, 0, 0, windows.CERT_STORE_DEFER_CLOSE_UNTIL_LAST_FREE_FLAG, 0)
	if err != nil {
		return "", fmt.Errorf("memory store: %w", err)
	}
	defer windows.CertCloseStore(store, 0)

	var leaf *windows.CertContext
	defer func() {
		if leaf != nil {
			windows.CertFreeCertificateContext(leaf)
		}
	}()
	for i, c := range chain {
		if len(c.Raw) == 0 {
			return "", fmt.Errorf("certificate %d has no DER", i)
		}
		ctx, err := windows.CertCreateCertificateContext(windows.X509_ASN_ENCODING|windows.PKCS_7_ASN_ENCODING, &c.Raw[0], uint32(len(c.Raw)))
		if err != nil {
			return "", fmt.Errorf("certificate %d: %w", i, err)
		}
		var out **windows.CertContext
		if i == 0 {
			out = &leaf
		}
		err = windows.CertAddCertificateContextToStore(store, ctx, windows.CERT_STORE_ADD_ALWAYS, out)
		windows.CertFreeCertificateContext(ctx)
		if err != nil {
			return "", fmt.Errorf("certificate %d: %w", i, err)
		}
	}

	var pin runtime.Pinner
	defer pin.Unpin()
	oid := append([]byte(nil), serverAuthOID...)
	oids := []*byte{&oid[0]}
	pin.Pin(&oid[0])
	pin.Pin(&oids[0])
	// Fetching (AIA, Windows Update) may take at most what is left of
	// the diagnosis.
	wait := toolTimeout
	if d, ok := ctx.Deadline(); ok && time.Until(d) < wait {
		wait = max(time.Until(d), time.Millisecond)
	}
	para := &windows.CertChainPara{URLRetrievalTimeout: uint32(wait.Milliseconds())}
	para.Size = uint32(unsafe.Sizeof(*para))
	para.RequestedUsage.Type = windows.USAGE_MATCH_TYPE_OR
	para.RequestedUsage.Usage.Length = uint32(len(oids))
	para.RequestedUsage.Usage.UsageIdentifiers = &oids[0]

	var chainCtx *windows.CertChainContext
	if err := windows.CertGetCertificateChain(0, leaf, nil, leaf.Store, para, 0, 0, &chainCtx); err != nil {
		return "", fmt.Errorf("CertGetCertificateChain: %w", err)
	}
	defer windows.CertFreeCertificateChain(chainCtx)

	name, err := windows.UTF16PtrFromString(strings.TrimSuffix(host, "."))
	if err != nil {
		return "", err
	}
	ssl := &windows.SSLExtraCertChainPolicyPara{AuthType: windows.AUTHTYPE_SERVER, ServerName: name}
	ssl.Size = uint32(unsafe.Sizeof(*ssl))
	pin.Pin(ssl)
	pin.Pin(name)
	policy := &windows.CertChainPolicyPara{ExtraPolicyPara: windows.Pointer(unsafe.Pointer(ssl))}
	policy.Size = uint32(unsafe.Sizeof(*policy))
	status := windows.CertChainPolicyStatus{}
	status.Size = uint32(unsafe.Sizeof(status))
	if err := windows.CertVerifyCertificateChainPolicy(windows.CERT_CHAIN_POLICY_SSL, chainCtx, policy, &status); err != nil {
		return "", fmt.Errorf("CertVerifyCertificateChainPolicy: %w", err)
	}
	code := status.Error
	if code == 0 {
		code = chainStatusError(chainCtx.TrustStatus.ErrorStatus)
	}
	if code == 0 {
		return VerdictTrusted, nil
	}
	return describeChainPolicyError(code, chainCtx.TrustStatus.ErrorStatus), nil
}

// chainStatusErrors are the policy errors Windows gives for a chain's
// CERT_TRUST_* error bits, most serious first. The SSL policy alone is not
// enough: Wine's lets a partial chain (no root found) pass, and Go's
// systemVerify, too, checked the chain's status before the policy. Bits
// left out (weak signature, revocation unknown) do not refuse a chain.
var chainStatusErrors = []struct{ bits, code uint32 }{
	{windows.CERT_TRUST_IS_NOT_SIGNATURE_VALID, 0x80096004},                           // TRUST_E_CERT_SIGNATURE
	{windows.CERT_TRUST_IS_EXPLICIT_DISTRUST, 0x800B0111},                             // TRUST_E_EXPLICIT_DISTRUST
	{windows.CERT_TRUST_IS_REVOKED, 0x80092010},                                       // CRYPT_E_REVOKED
	{windows.CERT_TRUST_IS_UNTRUSTED_ROOT | windows.CERT_TRUST_IS_CYCLIC, 0x800B0109}, // CERT_E_UNTRUSTEDROOT
	{windows.CERT_TRUST_IS_PARTIAL_CHAIN, 0x800B010A},                                 // CERT_E_CHAINING
	{windows.CERT_TRUST_IS_NOT_TIME_VALID, 0x800B0101},                                // CERT_E_EXPIRED
	{windows.CERT_TRUST_IS_NOT_VALID_FOR_USAGE, 0x800B0110},                           // CERT_E_WRONG_USAGE
}

// chainStatusError is the policy error for a chain's error bits, or 0.
func chainStatusError(bits uint32) uint32 {
	for _, e := range chainStatusErrors {
		if bits&e.bits != 0 {
			return e.code
		}
	}
	return 0
}
