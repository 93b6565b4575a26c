package platform

import (
	"os"
	"path/filepath"

	"github.com/vpndoctor/vpndoctor/checks"
)

// SavedPins lists the gateway certificate fingerprints VPN clients on this
// computer saved: openfortivpn's configuration and NetworkManager's
// connection files (readable when run as root or through a group that may).
func SavedPins() []checks.Pin {
	configs := []string{"/etc/openfortivpn/config"}
	if home, err := os.UserHomeDir(); err == nil {
		configs = append(configs, filepath.Join(home, ".config", "openfortivpn", "config"))
	}
	return readPins(configs, []string{"/etc/NetworkManager/system-connections"})
}
