package platform

import (
	"testing"
)

func TestParseOpenfortivpnConfig(t *testing.T) {
	text := "# openfortivpn\nhost = vpn.example.co.jp\nport = 10443\nusername = taro\ntrusted-cert = aa11\ntrusted-cert = bb22\n"
	pins := ParseOpenfortivpnConfig(text, "/etc/openfortivpn/config")
	if len(pins) != 2 || pins[0].Host != "vpn.example.co.jp:10443" || pins[1].Fingerprint != "bb22" || pins[0].Client != PinClientOpenfortivpn {
		t.Fatalf("pins = %+v", pins)
	}
	if p := ParseOpenfortivpnConfig("trusted-cert = aa\n", "x"); p != nil {
		t.Errorf("a config without host gave %+v", p)
	}
}

func TestParseNMPins(t *testing.T) {
	oc := "[connection]\nid=Work\ntype=vpn\n\n[vpn]\ngateway=vpn.example.com\nprotocol=anyconnect\nservice-type=org.freedesktop.NetworkManager.openconnect\n\n[vpn-secrets]\ncertificate:vpn.example.com:443=pin-sha256:AAAA\nform:main:username=taro\n"
	pins := ParseNMPins(oc, "Work.nmconnection")
	if len(pins) != 1 || pins[0].Host != "vpn.example.com:443" || pins[0].Fingerprint != "pin-sha256:AAAA" || pins[0].Client != PinClientNMOpenconnect {
		t.Fatalf("openconnect pins = %+v", pins)
	}
	fs := "[connection]\nid=Forti\ntype=vpn\n[vpn]\ngateway=fw.example.com:10443\ntrusted-cert=0123abcd\nservice-type=org.freedesktop.NetworkManager.fortisslvpn\n"
	pins = ParseNMPins(fs, "Forti.nmconnection")
	if len(pins) != 1 || pins[0].Host != "fw.example.com:10443" || pins[0].Client != PinClientNMFortiSSL {
		t.Fatalf("fortisslvpn pins = %+v", pins)
	}
	if p := ParseNMPins("[connection]\ntype=ethernet\n", "x"); p != nil {
		t.Errorf("an ethernet connection gave %+v", p)
	}
}
