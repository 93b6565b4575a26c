package platform

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

// A portal configuration as the portal's getconfig.esp answers it, cached
// in plain XML; an encrypted cache gives nothing.
func TestGlobalProtectCachedGateways(t *testing.T) {
	cfg := `<?xml version="1.0" encoding="UTF-8" ?>
<policy><portal-name>portal</portal-name><version>6.2</version>
<gateways><cutoff-time>5</cutoff-time>
<external><list>
<entry name="gw-tokyo.example.co.jp"><priority-rule><entry name="Any"><priority>1</priority></entry></priority-rule><description>Tokyo</description></entry>
<entry name="203.0.113.20"><description>Osaka</description></entry>
</list></external>
<internal><list><entry name="gw-int.example.co.jp"><description>HQ</description></entry></list></internal>
</gateways></policy>`
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "PanPortalCfg_1a2b.dat"), []byte(cfg), 0o600)
	os.WriteFile(filepath.Join(dir, "PanPortalCfg_ffff.dat"), []byte{0x01, 0x00, 0x00, 0x00, 0xd0, 0x8c, 0x9d, 0xdf}, 0o600)
	gws := cachedGateways([]string{dir})
	var addrs []string
	for _, g := range gws {
		addrs = append(addrs, g.Address)
	}
	if want := []string{"gw-tokyo.example.co.jp", "203.0.113.20", "gw-int.example.co.jp"}; !reflect.DeepEqual(addrs, want) {
		t.Fatalf("gateways %v, want %v", addrs, want)
	}
	if gws[0].Client != ClientGlobalProtect || filepath.Base(gws[0].Source) != "PanPortalCfg_1a2b.dat" {
		t.Errorf("gateway %+v", gws[0])
	}
}
