package main

import (
	"context"
	"crypto/x509"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/vpndoctor/vpndoctor/checks"
	"github.com/vpndoctor/vpndoctor/internal/loginlab"
	"github.com/vpndoctor/vpndoctor/platform"
)

// needTool skips a test when a Debian tool is missing, except in CI.
func needTool(t *testing.T, err error, missing error) {
	t.Helper()
	if errors.Is(err, missing) && os.Getenv("CI") == "" {
		t.Skipf("%v", err)
	}
	if err != nil {
		t.Fatal(err)
	}
}

type corpLogin struct {
	root    *loginlab.CA
	dns     *loginlab.DNS
	ocPort  int
	bakPort int
}

// startCorpLogin: a real ocserv answers for vpn.corp.test; its backup
// server, backup.corp.test, sends an expired certificate.
func startCorpLogin(t *testing.T) corpLogin {
	now := time.Now()
	root, err := loginlab.NewRoot("Corp Root", now.AddDate(-3, 0, 0), now.AddDate(5, 0, 0))
	if err != nil {
		t.Fatal(err)
	}
	inter, _ := root.Intermediate("Corp Issuing CA", now.AddDate(-2, 0, 0), now.AddDate(3, 0, 0))
	good, _ := inter.Leaf(loginlab.LeafSpec{Names: []string{"vpn.corp.test"}, NotBefore: now.AddDate(0, -1, 0), NotAfter: now.AddDate(0, 3, 0)})
	expired, _ := inter.Leaf(loginlab.LeafSpec{Names: []string{"backup.corp.test"}, NotBefore: now.AddDate(-1, 0, 0), NotAfter: now.AddDate(0, 0, -2)})
	oc, err := loginlab.StartOcserv("127.0.0.6", good)
	needTool(t, err, loginlab.ErrNoOcserv)
	t.Cleanup(oc.Close)
	bak, err := loginlab.ServeNodes([]loginlab.Node{{Addr: "127.0.0.7", Cert: expired}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(bak.Close)
	dns, err := loginlab.StartDNS(map[string][]string{"vpn.corp.test": {"127.0.0.6"}, "backup.corp.test": {"127.0.0.7"}})
	needTool(t, err, loginlab.ErrNoDnsmasq)
	t.Cleanup(dns.Close)
	return corpLogin{root: root, dns: dns, ocPort: oc.Port, bakPort: bak.Port}
}

// An AnyConnect profile lists ocserv with a backup server: the backup is
// checked too, is the primary cause, and the gateway is named as ocserv.
func TestProfileBackupServerIsChecked(t *testing.T) {
	l := startCorpLogin(t)
	profile := `<?xml version="1.0" encoding="UTF-8"?>
<AnyConnectProfile xmlns="http://schemas.xmlsoap.org/encoding/"><ServerList><HostEntry>
<HostName>Corp VPN</HostName><HostAddress>vpn.corp.test:` + strconv.Itoa(l.ocPort) + `</HostAddress>
<BackupServerList><HostAddress>backup.corp.test:` + strconv.Itoa(l.bakPort) + `</HostAddress></BackupServerList>
</HostEntry></ServerList></AnyConnectProfile>`
	gws, err := platform.ParseAnyConnectProfile([]byte(profile))
	if err != nil {
		t.Fatal(err)
	}
	for i := range gws {
		gws[i].Source = "/opt/cisco/secureclient/vpn/profile/corp.xml"
	}
	eps := profileEndpoints(gws)
	target, _ := checks.ParseTarget("vpn.corp.test:" + strconv.Itoa(l.ocPort))
	rep := checks.Run(context.Background(), target, checks.Options{
		Trust:        checks.StaticStore{Name: "test", Roots: []*x509.Certificate{l.root.Cert}},
		Resolver:     l.dns.Resolver(),
		Timeout:      8 * time.Second,
		LoginOptions: checks.LoginOptions{FindEndpoints: func() []checks.Endpoint { return eps }, IdentifyProduct: true},
	})
	if rep.Primary != checks.CertExpired {
		t.Fatalf("primary = %s: %s", rep.Primary, rep.Summary)
	}
	if len(rep.Endpoints) != 2 || rep.Endpoints[0].Primary != checks.OK || rep.Endpoints[1].Role != checks.EndpointBackup ||
		rep.Endpoints[1].Host != "backup.corp.test" || rep.Endpoints[1].Primary != checks.CertExpired {
		t.Fatalf("endpoints = %+v", rep.Endpoints)
	}
	if rep.Product == nil || rep.Product.ID != "ocserv" {
		t.Errorf("product = %+v, want ocserv", rep.Product)
	}
}

// The same login through the command line: --endpoint adds a host, and
// the JSON report has a line per endpoint.
func TestCheckEndpointFlag(t *testing.T) {
	l := startCorpLogin(t)
	rootFile := filepath.Join(t.TempDir(), "root.pem")
	os.WriteFile(rootFile, loginlab.PEM(l.root.Cert), 0o644)
	code, out, errOut := runCLI("check", "--json", "--dns", l.dns.Addr, "--ca-file", rootFile, "--ntp", "127.0.0.1:9", "--timeout", "8s",
		"--endpoint", "backup.corp.test:"+strconv.Itoa(l.bakPort), "vpn.corp.test:"+strconv.Itoa(l.ocPort))
	var rep checks.Report
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("not JSON (%v): %s %s", err, out, errOut)
	}
	if code != exitProblem || rep.Primary != checks.CertExpired || len(rep.Endpoints) != 2 || rep.Endpoints[1].Source != "--endpoint" {
		t.Fatalf("code %d, primary %s, endpoints %+v", code, rep.Primary, rep.Endpoints)
	}
}

// Profiles group the endpoints: a HostEntry's backups go with it, the
// gateways GlobalProtect cached go with its portal.
func TestProfileEndpointsGrouping(t *testing.T) {
	gws := []platform.Gateway{
		{Client: platform.ClientAnyConnect, Name: "Tokyo", Address: "vpn.example.co.jp", Source: "a.xml"},
		{Client: platform.ClientAnyConnect, Name: "Tokyo (backup)", Address: "vpn2.example.co.jp", Source: "a.xml"},
		{Client: platform.ClientGlobalProtect, Address: "portal.example.com", Source: "pangps.xml"},
	}
	eps := profileEndpoints(gws)
	if len(eps) != 2 || eps[0].For != "vpn.example.co.jp" || eps[0].Role != checks.EndpointBackup || eps[0].Address != "vpn2.example.co.jp" ||
		eps[1].For != "vpn2.example.co.jp" || eps[1].Role != checks.EndpointGateway {
		t.Fatalf("profile endpoints %+v", eps)
	}
	cached := []platform.Gateway{{Client: platform.ClientGlobalProtect, Address: "gw1.example.com", Source: "PanPortalCfg_1"}}
	gp := portalCacheEndpoints(gws, cached)
	if len(gp) != 1 || gp[0].For != "portal.example.com" || gp[0].Address != "gw1.example.com" || gp[0].Role != checks.EndpointGateway {
		t.Fatalf("portal cache endpoints %+v", gp)
	}
}
