package platform

import (
	"bytes"
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/vpndoctor/vpndoctor/checks"
	"github.com/vpndoctor/vpndoctor/internal/crash"
)

// FileStore is a trust store kept in PEM files, as on Linux: Go's
// root_linux.go data plus the stores VPN clients and browsers keep beside
// it. Every Load reads the files afresh; only the parsing of bytes already
// seen is memoised (see parseCached).
type FileStore struct {
	// Name says which store this is, for people.
	Name string
	// Bundles are tried in order; the first that yields certificates is
	// read and the rest are not (they are copies of one another).
	Bundles []string
	// Dirs are read whole: every file in each, like SSL_CERT_DIR.
	Dirs []string
	// CiscoDir is Cisco Secure Client's own CA store; "" for none.
	CiscoDir string
	// DistrustDirs hold certificates explicitly refused (p11-kit's
	// blocklist on Fedora and RHEL).
	DistrustDirs []string
	// NSSDB is the user's NSS database directory (browsers); "" for none.
	// It is read through certutil, when certutil is installed.
	NSSDB string
	// LinksAreBundled says that the symbolic links in Dirs are the sources
	// the bundle was built from (Debian's update-ca-certificates and
	// p11-kit's extract write both), so once a bundle was read only the
	// directories' regular files add anything. Reading a link per root is
	// most of a Load where file system calls are slow.
	LinksAreBundled bool
	// LazyBundle hands the bundle's roots to the engine unparsed
	// (checks.StoreCert.DER): it parses only the few a chain names, and
	// parsing some 150 roots was most of a diagnosis from the command line.
	LazyBundle bool
}

// maxStoreFile bounds one file's read: a CA bundle is well under 1 MiB.
const maxStoreFile = 16 << 20

// Label prefixes of origins that are not the system store, so that the
// engine and the person can tell where a root would be trusted.
const (
	OriginCisco = "Cisco Secure Client store"
	OriginNSS   = "NSS database (browsers)"
)

// Load reads the store as it is now.
func (s FileStore) Load(ctx context.Context) (*checks.TrustSnapshot, error) {
	var roots, distrusted, elsewhere certSet
	var errs []error
	bundle := ""
	for _, b := range s.Bundles {
		n, err := s.readBundle(b, &roots)
		if err != nil {
			if !errors.Is(err, fs.ErrNotExist) {
				errs = append(errs, err)
			}
			continue
		}
		if n > 0 {
			bundle = b
			break
		}
	}
	skipLinks := s.LinksAreBundled && bundle != ""
	for _, d := range s.Dirs {
		errs = append(errs, readCertDir(d, "", bundle, skipLinks, &roots))
	}
	if s.CiscoDir != "" {
		errs = append(errs, readCertDir(s.CiscoDir, OriginCisco+" ", "", false, &roots))
	}
	for _, d := range s.DistrustDirs {
		errs = append(errs, readCertDir(d, "", "", false, &distrusted))
	}
	if s.NSSDB != "" && haveTool("certutil") {
		nss, err := loadNSS(ctx, s.NSSDB)
		errs = append(errs, err)
		for _, e := range nss {
			switch {
			case e.Trust.Distrusted():
				distrusted.add(e.Cert, OriginNSS+" "+s.NSSDB+": "+e.Nickname)
			case e.Trust.TrustedCA():
				// Browsers use it; OpenConnect and the system's TLS do not.
				elsewhere.add(e.Cert, OriginNSS+" "+s.NSSDB+": "+e.Nickname)
			}
		}
	}
	if len(roots.certs) == 0 {
		err := errors.Join(errs...)
		if err == nil {
			err = errors.New("no certificates found")
		}
		return nil, fmt.Errorf("%s: looked in %s: %w", s.Name, strings.Join(s.places(), ", "), err)
	}
	// A certificate both trusted and refused is refused: keep it only there.
	snap := &checks.TrustSnapshot{Name: s.Name, Distrusted: distrusted.certs, Elsewhere: elsewhere.certs}
	for _, sc := range roots.certs {
		if !distrusted.has(sc) {
			snap.Roots = append(snap.Roots, sc)
		}
	}
	return snap, nil
}

// readBundle adds a bundle's certificates, parsed or (LazyBundle) not,
// and says how many it held.
func (s FileStore) readBundle(path string, set *certSet) (int, error) {
	if !s.LazyBundle {
		certs, err := readCertFile(path)
		for _, c := range certs {
			set.add(c, path)
		}
		return len(certs), err
	}
	data, err := readLimited(path)
	if err != nil {
		return 0, err
	}
	ders, _ := pemDERs(data)
	for _, der := range ders {
		set.addDER(der, path)
	}
	return len(ders), nil
}

func (s FileStore) places() []string {
	p := append(append([]string{}, s.Bundles...), s.Dirs...)
	if s.CiscoDir != "" {
		p = append(p, s.CiscoDir)
	}
	return p
}

// readCertFile reads the certificates of one PEM (or DER) file.
func readCertFile(path string) ([]*x509.Certificate, error) {
	data, err := readLimited(path)
	if err != nil {
		return nil, err
	}
	certs, _ := ParsePEMCertificates(data)
	if len(certs) == 0 {
		if c, err := x509.ParseCertificate(data); err == nil {
			certs = append(certs, c)
		}
	}
	return certs, nil
}

func readLimited(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	// Sized to the file, as os.ReadFile does: io.ReadAll grows from 512
	// bytes by doubling, a dozen copies of a 220 KB bundle on every check.
	var buf bytes.Buffer
	if fi, err := f.Stat(); err == nil && fi.Mode().IsRegular() {
		buf.Grow(int(min(fi.Size(), maxStoreFile)) + bytes.MinRead)
	}
	if _, err := buf.ReadFrom(io.LimitReader(f, maxStoreFile)); err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	return buf.Bytes(), nil
}

// readCertDir adds every certificate of every file in dir. As in Go's
// root_unix.go, a symlink to a file in the same directory (the hash links
// of c_rehash) is skipped: its target is read anyway. A missing directory
// is not an error; skip is a file already read (the bundle, which often
// sits in one of the directories).
func readCertDir(dir, originPrefix, skip string, skipLinks bool, set *certSet) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		return err
	}
	var paths []string
	for _, e := range entries {
		if e.IsDir() || skipLinks && e.Type()&fs.ModeSymlink != 0 || isSameDirSymlink(e, dir) {
			continue
		}
		if path := filepath.Join(dir, e.Name()); path != skip {
			paths = append(paths, path)
		}
	}
	// Files are read by a few workers: /etc/ssl/certs holds a link per root,
	// and one open-read-close after another is most of a Load.
	type result struct {
		certs []*x509.Certificate
		err   error
	}
	results := make([]result, len(paths))
	var wg sync.WaitGroup
	next := make(chan int)
	for w := 0; w < dirReaders; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer crash.Guard()
			for i := range next {
				results[i].certs, results[i].err = readCertFile(paths[i])
			}
		}()
	}
	for i := range paths {
		next <- i
	}
	close(next)
	wg.Wait()
	var errs []error
	for i, r := range results {
		if r.err != nil {
			errs = append(errs, r.err)
			continue
		}
		for _, c := range r.certs {
			set.add(c, originPrefix+paths[i])
		}
	}
	return errors.Join(errs...)
}

// dirReaders is how many files of a certificate directory are read at once.
const dirReaders = 8

func isSameDirSymlink(e fs.DirEntry, dir string) bool {
	if e.Type()&fs.ModeSymlink == 0 {
		return false
	}
	target, err := os.Readlink(filepath.Join(dir, e.Name()))
	return err == nil && !strings.Contains(target, "/")
}
