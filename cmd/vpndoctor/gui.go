//go:build !nogui

package main

import (
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/vpndoctor/vpndoctor/assets"
	"github.com/vpndoctor/vpndoctor/checks"
	"github.com/vpndoctor/vpndoctor/checks/clients"
	"github.com/vpndoctor/vpndoctor/checks/guide"
	"github.com/vpndoctor/vpndoctor/checks/practice"
	"github.com/vpndoctor/vpndoctor/checks/report"
	"github.com/vpndoctor/vpndoctor/platform"
	"github.com/vpndoctor/vpndoctor/ui"
)

// defaultDemo is the practice gateway `--demo auto` opens when this
// computer has no VPN configured: a real problem shows more than "ok".
const defaultDemo = "expired"

// openWizard opens the window. Flags: --demo NAME|auto, --lang ja|en,
// --autostart (start the check at once; used by the screenshot script).
func openWizard(args []string, stderr io.Writer) int {
	fs := flag.NewFlagSet("vpndoctor", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	demo := fs.String("demo", "", "")
	langFlag := fs.String("lang", "", "")
	autostart := fs.Bool("autostart", false, "")
	configFile := fs.String("config", "", "")
	clientFlag := fs.String("client", "", "")
	pos, err := parseInterleaved(fs, args)
	if err == nil && len(pos) > 0 {
		err = usagef("unexpected %q; to check a server from the command line run 'vpndoctor check %s'", pos[0], pos[0])
	}
	cfg := ui.Config{Autostart: *autostart}
	if err == nil && *langFlag != "" {
		var l guide.Lang
		if l, err = guide.ParseLang(*langFlag); err == nil {
			cfg.Lang = l
		}
	}
	if err != nil {
		fmt.Fprintf(stderr, "vpndoctor: %s\n", plainError(err))
		return exitUsage
	}
	set := loadSettings(*configFile, stderr)
	for _, p := range set.Problems {
		cfg.SettingsProblems = append(cfg.SettingsProblems, p.Error())
	}
	if cfg.Lang == "" {
		cfg.Lang = set.lang()
	}
	if cfg.Lang == "" {
		cfg.Lang = guide.FromEnv(platform.UILanguages()...)
	}
	sys := newSystem()
	if *clientFlag != "" {
		var err error
		if cfg.Client, err = clients.Choose(*clientFlag, "", string(guide.CurrentOS()), nil, nil); err != nil {
			fmt.Fprintf(stderr, "vpndoctor: --client: %s\n", plainError(err))
			return exitUsage
		}
	}
	for _, g := range set.Gateways { // IT's gateways first: the field is filled with the first
		cfg.Gateways = append(cfg.Gateways, ui.Gateway{Client: "IT", Address: g})
	}
	for _, g := range sys.gateways() {
		cfg.Gateways = append(cfg.Gateways, ui.Gateway{Client: g.Client, Address: g.Address})
	}
	switch *demo {
	case "":
	case "auto":
		if len(cfg.Gateways) == 0 {
			cfg.Demo = defaultDemo
		}
	default:
		if _, ok := practice.Lookup(*demo); !ok {
			fmt.Fprintf(stderr, "vpndoctor: there is no practice gateway %q; run 'vpndoctor demo' to list them\n", *demo)
			return exitUsage
		}
		cfg.Demo = *demo
	}
	cfg.NewOptions = func() checks.Options {
		o := sys.options(set.NTPServer)
		set.apply(&o)
		o.Client, _ = sys.client(*clientFlag, set.Client, guide.CurrentOS())
		return o
	}
	cfg.Support, cfg.Icon = set.support(), assets.Icon
	cfg.Facts = sys.factMap()
	cfg.OpenAction, cfg.Actions = platform.OpenAction, platform.Actions()
	view := func(l guide.Lang) report.View {
		return report.View{Lang: l, OS: guide.CurrentOS(), Loc: time.Local, Facts: cfg.Facts, Support: cfg.Support}
	}
	cfg.SaveReport = func(rep *checks.Report, l guide.Lang, w io.Writer, format string, redact bool) error {
		if format == "text" {
			format = string(report.Text)
		}
		v := view(l)
		v.Redact = redact
		return report.Write(w, report.Format(format), rep, v)
	}
	cfg.OpenFolder = platform.OpenFolder
	ui.Run(cfg)
	return exitOK
}
