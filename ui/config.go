package ui

import (
	"io"

	"github.com/vpndoctor/vpndoctor/checks"
	"github.com/vpndoctor/vpndoctor/checks/clients"
	"github.com/vpndoctor/vpndoctor/checks/guide"
)

// Gateway is a VPN server found in a VPN client's profile.
type Gateway struct {
	Client  string // the VPN client's name, e.g. "Cisco Secure Client"
	Address string // as the profile has it
}

// Config is everything cmd hands the wizard. ui imports no platform code:
// what only the platform knows comes in here as values and functions.
type Config struct {
	// Lang is the first language; "" means guide.FromEnv().
	Lang guide.Lang
	// Gateways found in VPN client profiles: the first pre-fills the field,
	// several make a drop-down.
	Gateways []Gateway
	// Demo names a practice scenario to pre-select ("" for none).
	Demo string
	// Autostart starts the check as soon as the window opens (with Demo, or
	// with the first gateway).
	Autostart bool
	// NewOptions builds the engine options for a real gateway: the OS trust
	// store, the NTP server. nil: checks.Options{} (no trust store).
	NewOptions func() checks.Options
	// Facts about the system, shown in the technical details. May be nil.
	Facts map[string]string
	// SaveReport writes the report for IT in format ("html", "json" or
	// "text", from the file name the user chose), with this computer's and
	// the user's names hidden when redact is set. nil hides the button.
	SaveReport func(rep *checks.Report, lang guide.Lang, w io.Writer, format string, redact bool) error
	// OpenFolder shows a folder in the OS's file manager (offered after a
	// report is saved). May be nil.
	OpenFolder func(dir string) error
	// OpenAction runs a safe OS action: ActionDateTime, ActionCertManager,
	// ActionSyncClock. nil: no action buttons.
	OpenAction func(action string) error
	// Actions lists the actions OpenAction can do on this system. nil with
	// OpenAction set means ActionDateTime and ActionCertManager.
	Actions []string
	// Support is IT's contact from the pre-configuration ("name", "phone",
	// "email", "url"), shown with a problem's advice. May be nil.
	Support map[string]string
	// SettingsProblems are what was wrong with IT's settings file, in plain
	// words; the wizard shows them on the start page and runs on.
	SettingsProblems []string
	// Icon is the application's icon (PNG). May be nil.
	Icon []byte
	// Later, when set, reads what the window does not wait for (profiles,
	// facts, settings); it is called off Fyne's goroutine once the window
	// is open, and its answer merged in through fyne.Do.
	Later func() Later
	// OnStarted, when set, is called once the window's event loop runs
	// (the window takes input): scripts/launch-time.sh measures to it.
	OnStarted func()
	// Trace, when set, is told when each stage of the launch is done
	// ("app created", "window shown", "fonts parsed", "start page built").
	Trace func(stage string)
	// Client is the VPN client chosen with --client, which also judges
	// the practice gateways (real gateways get theirs from NewOptions).
	Client clients.Choice
}

// The actions OpenAction is asked for.
const (
	ActionDateTime    = "datetime"    // open the Date & Time settings
	ActionCertManager = "certmanager" // open the certificate manager / Keychain Access
	ActionSyncClock   = "syncclock"   // set the clock from the network, where no admin rights are needed
)

func (c Config) actions() []string {
	if c.OpenAction == nil {
		return nil
	}
	if c.Actions == nil {
		return []string{ActionDateTime, ActionCertManager}
	}
	return c.Actions
}
