package platform

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vpndoctor/vpndoctor/checks"
)

func originOf(snap []checks.StoreCert, cn string) string {
	for _, sc := range snap {
		if c, err := sc.Parsed(); err == nil && c.Subject.CommonName == cn {
			return sc.Origin
		}
	}
	return ""
}

func TestFileStore(t *testing.T) {
	dir := t.TempDir()
	a, b, c, d, e := newRoot(t, "A"), newRoot(t, "B"), newRoot(t, "C"), newRoot(t, "D"), newRoot(t, "E")
	bundle := filepath.Join(dir, "bundle.crt")
	second := filepath.Join(dir, "second.crt")
	certs := filepath.Join(dir, "certs")
	cisco := filepath.Join(dir, "cisco")
	block := filepath.Join(dir, "blocklist")
	writeFile(t, bundle, pemOf(a, b))
	writeFile(t, second, pemOf(e)) // not read: the first bundle wins
	writeFile(t, filepath.Join(certs, "b.pem"), pemOf(b))
	writeFile(t, filepath.Join(certs, "c.der"), c.Raw)
	writeFile(t, filepath.Join(certs, "junk.txt"), []byte("not a certificate"))
	if err := os.Symlink("b.pem", filepath.Join(certs, "1a2b3c4d.0")); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(cisco, "corp.pem"), pemOf(d))
	writeFile(t, filepath.Join(block, "b.pem"), pemOf(b))

	s := FileStore{
		Name:         "test store",
		Bundles:      []string{filepath.Join(dir, "missing.crt"), bundle, second},
		Dirs:         []string{certs, filepath.Join(dir, "no-such-dir")},
		CiscoDir:     cisco,
		DistrustDirs: []string{block},
	}
	snap, err := s.Load(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if snap.Name != "test store" {
		t.Errorf("name %q", snap.Name)
	}
	wantRoots := map[string]string{
		"A": bundle,
		"C": filepath.Join(certs, "c.der"),
		"D": OriginCisco + " " + filepath.Join(cisco, "corp.pem"),
	}
	if len(snap.Roots) != len(wantRoots) {
		t.Errorf("got %d roots, want %d", len(snap.Roots), len(wantRoots))
	}
	for cn, origin := range wantRoots {
		if got := originOf(snap.Roots, cn); got != origin {
			t.Errorf("root %s: origin %q, want %q", cn, got, origin)
		}
	}
	if originOf(snap.Roots, "E") != "" {
		t.Error("the second bundle was read")
	}
	if got := originOf(snap.Distrusted, "B"); got != filepath.Join(block, "b.pem") || originOf(snap.Roots, "B") != "" {
		t.Errorf("B: distrusted origin %q, roots origin %q", got, originOf(snap.Roots, "B"))
	}
}

// A root written while the program runs is seen by the next Load: no
// cache, no restart.
func TestFileStoreReadsAfresh(t *testing.T) {
	dir := t.TempDir()
	bundle := filepath.Join(dir, "ca-certificates.crt")
	anchors := filepath.Join(dir, "anchors")
	writeFile(t, bundle, pemOf(newRoot(t, "Existing")))
	s := FileStore{Name: "afresh", Bundles: []string{bundle}, Dirs: []string{anchors}}

	before, err := s.Load(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(before.Roots) != 1 {
		t.Fatalf("before: %d roots", len(before.Roots))
	}
	writeFile(t, filepath.Join(anchors, "new.pem"), pemOf(newRoot(t, "Installed Later")))
	after, err := s.Load(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if got := originOf(after.Roots, "Installed Later"); got != filepath.Join(anchors, "new.pem") {
		t.Errorf("new root: origin %q; roots %d", got, len(after.Roots))
	}
	// And the bundle rewritten in place, as update-ca-certificates does.
	writeFile(t, bundle, pemOf(newRoot(t, "Existing"), newRoot(t, "Rebuilt")))
	again, err := s.Load(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if originOf(again.Roots, "Rebuilt") != bundle {
		t.Error("rebuilt bundle not re-read")
	}
}

func TestFileStoreNothing(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "garbage.crt"), []byte("-----BEGIN CERTIFICATE-----\nAAAA"))
	s := FileStore{Name: "empty", Bundles: []string{filepath.Join(dir, "garbage.crt")}, Dirs: []string{filepath.Join(dir, "none")}}
	snap, err := s.Load(context.Background())
	if err == nil || snap != nil {
		t.Fatalf("got %v, %v", snap, err)
	}
	if !strings.Contains(err.Error(), "garbage.crt") {
		t.Errorf("error does not say where it looked: %v", err)
	}
}
