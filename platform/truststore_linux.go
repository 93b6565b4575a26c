package platform

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// Where Linux distributions keep the system bundle, as in Go's
// crypto/x509/root_linux.go; the first that exists is read.
var linuxBundles = []string{
	"/etc/ssl/certs/ca-certificates.crt",                // Debian, Ubuntu, Gentoo, Arch
	"/etc/pki/tls/certs/ca-bundle.crt",                  // Fedora, RHEL 6
	"/etc/ssl/ca-bundle.pem",                            // openSUSE
	"/etc/pki/tls/cacert.pem",                           // OpenELEC
	"/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem", // CentOS, RHEL 7
	"/etc/ssl/cert.pem",                                 // Alpine
}

// Directories read whole, as in Go's root_linux.go.
var linuxCertDirs = []string{
	"/etc/ssl/certs",               // SLES10, SLES11
	"/etc/pki/tls/certs",           // Fedora, RHEL
	"/system/etc/security/cacerts", // Android
}

// p11-kit keeps explicitly distrusted certificates here (Fedora, RHEL,
// Arch); the older name is "blacklist".
var linuxDistrustDirs = []string{
	"/etc/pki/ca-trust/source/blocklist",
	"/etc/pki/ca-trust/source/blacklist",
	"/usr/share/pki/ca-trust-source/blocklist",
	"/usr/share/pki/ca-trust-source/blacklist",
	"/etc/ca-certificates/trust-source/blocklist",
	"/etc/ca-certificates/trust-source/blacklist",
}

// ciscoCADir is Cisco Secure Client's own store of trusted CAs on Linux.
const ciscoCADir = "/opt/.cisco/certificates/ca"

// LinuxTrustStore returns the Linux store with its default places.
// SSL_CERT_FILE replaces the bundle list and SSL_CERT_DIR (colon-separated)
// the directories, as they do for Go and OpenSSL programs. home is the
// user's home directory, for the NSS database; "" skips it.
func LinuxTrustStore(getenv func(string) string, home string) FileStore {
	s := FileStore{
		Name:         "Linux system trust store",
		Bundles:      linuxBundles,
		Dirs:         linuxCertDirs,
		CiscoDir:     ciscoCADir,
		DistrustDirs: linuxDistrustDirs,
		// Debian's /etc/ssl/certs links are what update-ca-certificates
		// concatenated into the bundle.
		LinksAreBundled: true,
		LazyBundle:      true,
	}
	if f := getenv("SSL_CERT_FILE"); f != "" {
		s.Bundles = []string{f}
	}
	if d := getenv("SSL_CERT_DIR"); d != "" {
		s.Dirs = nil
		for _, dir := range strings.Split(d, ":") {
			if dir != "" {
				s.Dirs = append(s.Dirs, dir)
				// A directory of the user's own choosing is read whole.
				s.LinksAreBundled = s.LinksAreBundled && slices.Contains(linuxCertDirs, dir)
			}
		}
	}
	if home != "" {
		s.NSSDB = filepath.Join(home, ".pki", "nssdb")
		if _, err := os.Stat(s.NSSDB); err != nil {
			s.NSSDB = ""
		}
	}
	return s
}

// linuxRefresh picks the command that rebuilds the system bundle after a
// root is added, by which one exists: update-ca-certificates (Debian,
// Ubuntu, SUSE), update-ca-trust (Fedora, RHEL), trust extract-compat
// (Arch, p11-kit).
func linuxRefresh(have func(string) bool) string {
	switch {
	case have("update-ca-certificates"):
		return "sudo update-ca-certificates"
	case have("update-ca-trust"):
		return "sudo update-ca-trust extract"
	case have("trust"):
		return "sudo trust extract-compat"
	}
	return ""
}
