//go:build !linux

package platform

import "github.com/vpndoctor/vpndoctor/checks"

// SavedPins: the clients that pin gateway certificates in files we can read
// (openfortivpn, NetworkManager) are Linux ones. FortiClient and Secure
// Client on Windows and macOS keep what the user accepted in places not read
// yet.
func SavedPins() []checks.Pin { return nil }
