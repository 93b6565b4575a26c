package platform

import (
	"context"
	"crypto/sha1"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/vpndoctor/vpndoctor/checks"
)

// security is called by its full path: a PATH entry must not stand in for it.
const securityTool = "/usr/bin/security"

const (
	systemRootsKeychain = "/System/Library/Keychains/SystemRootCertificates.keychain"
	systemKeychain      = "/Library/Keychains/System.keychain"
)

// darwinStore reads the macOS trust store through /usr/bin/security, with
// no cgo, so the program cross-compiles. What it reads:
//   - System Roots: Apple's anchors, trusted unless a trust setting says
//     Never Trust;
//   - the System and login keychains: trusted as roots only where an admin
//     or user trust setting says so ("Always Trust"); the other CA
//     certificates there are intermediates macOS uses to complete a chain;
//   - admin and user trust settings, by certificate hash (user wins).
type darwinStore struct{}

type keychainSource struct {
	path   string // "" is the user's default search list
	origin string
}

func darwinKeychains() []keychainSource {
	ks := []keychainSource{{systemRootsKeychain, "System Roots"}, {systemKeychain, "System keychain"}}
	if home, err := os.UserHomeDir(); err == nil {
		login := filepath.Join(home, "Library", "Keychains", "login.keychain-db")
		if _, err := os.Stat(login); err != nil {
			login = strings.TrimSuffix(login, "-db") // before macOS 10.12
		}
		ks = append(ks, keychainSource{login, "login keychain"})
	}
	return ks
}

func (darwinStore) Load(ctx context.Context) (*checks.TrustSnapshot, error) {
	trust, trustErr := darwinTrustSettings(ctx)
	snap := &checks.TrustSnapshot{Name: "macOS keychains"}
	var roots, inter, distrusted certSet
	var errs []error
	for _, k := range darwinKeychains() {
		out, err := runTool(ctx, securityTool, "find-certificate", "-a", "-p", k.path)
		if err != nil {
			if _, statErr := os.Stat(k.path); statErr == nil {
				errs = append(errs, fmt.Errorf("%s: %w", k.origin, err))
			}
			continue
		}
		certs, _ := ParseSecurityPEMs(out)
		for _, c := range certs {
			switch t := trust[sha1Hex(c)]; {
			case t == TrustDeny:
				distrusted.add(c, k.origin+" (Never Trust)")
			case t == TrustAsRoot:
				roots.add(c, k.origin+" (Always Trust)")
			case k.path == systemRootsKeychain:
				roots.add(c, k.origin)
			case c.IsCA:
				inter.add(c, k.origin)
			}
		}
	}
	if len(roots.certs) == 0 {
		return nil, fmt.Errorf("macOS keychains: no roots read: %w", errors.Join(append(errs, trustErr)...))
	}
	snap.Roots, snap.Intermediates, snap.Distrusted = roots.certs, inter.certs, distrusted.certs
	return snap, nil
}

// darwinTrustSettings merges the admin and the user trust settings; the
// user's win, as in macOS. A domain with no settings is not an error.
func darwinTrustSettings(ctx context.Context) (map[string]Trust, error) {
	merged := map[string]Trust{}
	var errs []error
	for _, domain := range [][]string{{"-d"}, {}} {
		t, err := exportTrustSettings(ctx, domain)
		if err != nil {
			errs = append(errs, err)
		}
		for h, v := range t {
			merged[h] = v
		}
	}
	return merged, errors.Join(errs...)
}

func exportTrustSettings(ctx context.Context, domain []string) (map[string]Trust, error) {
	dir, err := os.MkdirTemp("", "vpndoctor-trust-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	file := filepath.Join(dir, "trust.plist")
	args := append(append([]string{"trust-settings-export"}, domain...), file)
	if _, err := runTool(ctx, securityTool, args...); err != nil {
		if strings.Contains(err.Error(), "No Trust Settings") {
			return nil, nil
		}
		return nil, fmt.Errorf("trust settings %v: %w", domain, err)
	}
	data, err := readSmallFile(file)
	if err != nil {
		return nil, err
	}
	return ParseTrustSettingsPlist(data)
}

func sha1Hex(c *x509.Certificate) string {
	sum := sha1.Sum(c.Raw)
	return strings.ToUpper(hex.EncodeToString(sum[:]))
}
