package platform

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestLinuxTrustStoreEnv(t *testing.T) {
	env := map[string]string{"SSL_CERT_FILE": "/tmp/one.pem", "SSL_CERT_DIR": "/a:/b::"}
	s := LinuxTrustStore(func(k string) string { return env[k] }, "")
	if !reflect.DeepEqual(s.Bundles, []string{"/tmp/one.pem"}) || !reflect.DeepEqual(s.Dirs, []string{"/a", "/b"}) {
		t.Errorf("overrides: %+v", s)
	}
	if s.CiscoDir != ciscoCADir || s.NSSDB != "" {
		t.Errorf("extras: %+v", s)
	}
	def := LinuxTrustStore(func(string) string { return "" }, t.TempDir())
	if !reflect.DeepEqual(def.Bundles, linuxBundles) || !reflect.DeepEqual(def.Dirs, linuxCertDirs) || def.NSSDB != "" {
		t.Errorf("defaults: %+v", def)
	}
}

// The real trust store of this machine.
func TestLinuxTrustStoreReal(t *testing.T) {
	if _, err := os.Stat("/etc/ssl/certs/ca-certificates.crt"); err != nil {
		t.Skip("no Debian bundle on this machine")
	}
	snap, err := New().TrustStore().Load(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(snap.Roots) <= 50 {
		t.Errorf("only %d roots", len(snap.Roots))
	}
	fromBundle := 0
	for _, r := range snap.Roots {
		if _, err := r.Parsed(); r.Origin == "" || err != nil {
			t.Fatalf("root without origin or unreadable (%v) from %q", err, r.Origin)
		}
		if r.Origin == "/etc/ssl/certs/ca-certificates.crt" {
			fromBundle++
		}
	}
	if fromBundle <= 50 {
		t.Errorf("%d roots from the bundle", fromBundle)
	}
}

// A root installed with update-ca-certificates while the program runs is
// seen by the next Load. Runs as root only; it changes the machine's store
// and puts it back.
func TestUpdateCACertificates(t *testing.T) {
	if os.Geteuid() != 0 || testing.Short() {
		t.Skip("needs root; skipped with -short")
	}
	tool, err := exec.LookPath("update-ca-certificates")
	if err != nil {
		if tool, err = exec.LookPath("/usr/sbin/update-ca-certificates"); err != nil {
			t.Skip("no update-ca-certificates")
		}
	}
	const dir = "/usr/local/share/ca-certificates"
	if _, err := os.Stat(dir); err != nil {
		t.Skip("no " + dir)
	}
	// A run killed before its cleanup left its root behind: remove it.
	stale, _ := filepath.Glob(filepath.Join(dir, "vpndoctor-test-*.crt"))
	for _, f := range stale {
		os.Remove(f)
	}
	store := New().TrustStore()
	root := newRoot(t, "vpndoctor test root "+time.Now().Format("150405.000"))
	path := filepath.Join(dir, "vpndoctor-test-"+fingerprint(root)[:12]+".crt")
	t.Cleanup(func() {
		os.Remove(path)
		// --fresh: a plain run leaves the removed root's links dangling.
		if out, err := exec.Command(tool, "--fresh").CombinedOutput(); err != nil {
			t.Errorf("restoring the store: %v: %s", err, out)
		}
	})
	before, err := store.Load(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, path, pemOf(root))
	if out, err := exec.Command(tool).CombinedOutput(); err != nil {
		t.Fatalf("%s: %v: %s", tool, err, out)
	}
	after, err := store.Load(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	origin := originOf(after.Roots, root.Subject.CommonName)
	if origin == "" {
		t.Fatalf("installed root not seen: %d roots before, %d after", len(before.Roots), len(after.Roots))
	}
	if !strings.HasPrefix(origin, "/etc/ssl/certs") {
		t.Errorf("origin %q", origin)
	}
	if len(after.Roots) != len(before.Roots)+1 {
		t.Errorf("%d roots before, %d after", len(before.Roots), len(after.Roots))
	}
}

// An NSS database made with the real certutil: trusted, distrusted and
// client certificates are told apart.
func TestNSSDatabase(t *testing.T) {
	if !haveTool("certutil") {
		t.Skip("certutil not installed (libnss3-tools)")
	}
	db := t.TempDir()
	run := func(args ...string) {
		t.Helper()
		if out, err := exec.Command("certutil", append(args, "-d", "sql:"+db)...).CombinedOutput(); err != nil {
			t.Fatalf("certutil %v: %v: %s", args, err, out)
		}
	}
	run("-N", "--empty-password")
	trusted, refused := newRoot(t, "NSS Trusted"), newRoot(t, "NSS Refused")
	for _, c := range []struct {
		nick, trust string
		pem         []byte
	}{{"Corp Root", "CT,C,C", pemOf(trusted)}, {"Refused CA", "p,p,p", pemOf(refused)}} {
		f := filepath.Join(t.TempDir(), "c.pem")
		writeFile(t, f, c.pem)
		run("-A", "-n", c.nick, "-t", c.trust, "-i", f)
	}
	bundle := filepath.Join(t.TempDir(), "bundle.pem")
	writeFile(t, bundle, pemOf(newRoot(t, "System")))
	snap, err := FileStore{Name: "nss", Bundles: []string{bundle}, NSSDB: db}.Load(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	// Browsers trust it, the VPN client does not: never in Roots.
	if got := originOf(snap.Elsewhere, "NSS Trusted"); got != OriginNSS+" "+db+": Corp Root" {
		t.Errorf("trusted: origin %q", got)
	}
	if got := originOf(snap.Roots, "NSS Trusted"); got != "" {
		t.Errorf("an NSS root is among the VPN client's roots (%s)", got)
	}
	if got := originOf(snap.Distrusted, "NSS Refused"); got == "" {
		t.Error("distrusted certificate not in Distrusted")
	}
}

func TestLinuxRefresh(t *testing.T) {
	tests := []struct {
		have []string
		want string
	}{
		{[]string{"update-ca-certificates", "trust"}, "sudo update-ca-certificates"},
		{[]string{"update-ca-trust", "trust"}, "sudo update-ca-trust extract"},
		{[]string{"trust"}, "sudo trust extract-compat"},
		{nil, ""},
	}
	for _, tt := range tests {
		have := func(n string) bool {
			for _, h := range tt.have {
				if h == n {
					return true
				}
			}
			return false
		}
		if got := linuxRefresh(have); got != tt.want {
			t.Errorf("%v: got %q, want %q", tt.have, got, tt.want)
		}
	}
	// This machine is Debian: the probe must find the sbin tool even when
	// sbin is not on PATH.
	if _, err := os.Stat("/usr/sbin/update-ca-certificates"); err == nil {
		t.Setenv("PATH", "/usr/bin:/bin")
		if got := New().RefreshHint(); got != "sudo update-ca-certificates" {
			t.Errorf("RefreshHint() = %q", got)
		}
	}
}

// Facts on the real machine: never a panic, and every gap has a reason.
func TestLinuxFacts(t *testing.T) {
	f := New().Facts(context.Background())
	if f.OS != "linux" || f.OSVersion == "" || f.TimeZone == "" || f.LocalTime.IsZero() {
		t.Errorf("facts: %+v", f)
	}
	if f.TimeSync == SyncUnknown && f.Unknown["time_sync"] == "" {
		t.Error("time sync unknown without a reason")
	}
	if len(f.DNSServers) == 0 && f.Unknown["dns_servers"] == "" {
		t.Error("no DNS servers and no reason")
	}
	for fact, why := range f.Unknown {
		if why == "" {
			t.Errorf("%s unknown without a reason", fact)
		}
	}
	t.Logf("%+v", f)
}

func TestLinuxGatewaysAndIdentities(t *testing.T) {
	p := New()
	for _, g := range p.Gateways(context.Background()) {
		if g.Address == "" || g.Source == "" || g.Client == "" {
			t.Errorf("incomplete gateway %+v", g)
		}
	}
	if _, err := p.ClientIdentities(context.Background()); err != nil {
		t.Error(err)
	}
	if _, err := p.OSVerdict(context.Background(), nil, "vpn.example.com"); err != ErrNotSupported {
		t.Errorf("OSVerdict: %v", err)
	}
}
