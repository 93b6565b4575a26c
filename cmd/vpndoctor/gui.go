//go:build !nogui

package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
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

// openWizard opens the window. Flags: --demo NAME|auto (alone: auto),
// --lang ja|en, --autostart (start the check at once; used by the
// screenshot script). The window opens at once: IT's settings, the VPN
// client profiles and the system facts are read after it is on screen and
// arrive in it (ui.Config.Later).
func openWizard(args []string, stderr io.Writer) int {
	fs := flag.NewFlagSet("vpndoctor", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	demo := fs.String("demo", "", "")
	langFlag := fs.String("lang", "", "")
	autostart := fs.Bool("autostart", false, "")
	configFile := fs.String("config", "", "")
	clientFlag := fs.String("client", "", "")
	pos, err := parseInterleaved(fs, demoAlone(args))
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
	if err == nil && *demo != "" && *demo != "auto" {
		if _, ok := practice.Lookup(*demo); !ok {
			err = usagef("there is no practice gateway %q; run 'vpndoctor demo' to list them", *demo)
		}
		cfg.Demo = *demo
	}
	if err != nil {
		fmt.Fprintf(stderr, "vpndoctor: %s\n", plainError(err))
		return exitUsage
	}
	// After the flags (a mistyped flag is said first, and the tests see how
	// the flags are read without a display), before anything is read.
	if !hasDisplay(os.Getenv) || !displayReachable(os.Getenv) {
		fmt.Fprintln(stderr, noDisplayLine)
		return exitUsage
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
	set := sync.OnceValue(func() settings { return loadSettings(*configFile, stderr) })
	cfg.Later = func() ui.Later {
		s := set()
		l := ui.Later{Support: s.support(), Facts: sys.factMap()}
		if *langFlag == "" {
			l.Lang = s.lang()
		}
		for _, p := range s.Problems {
			l.SettingsProblems = append(l.SettingsProblems, p.Error())
		}
		for _, g := range s.Gateways { // IT's gateways first: the field is filled with the first
			l.Gateways = append(l.Gateways, ui.Gateway{Client: "IT", Address: g})
		}
		for _, g := range sys.gateways() {
			l.Gateways = append(l.Gateways, ui.Gateway{Client: g.Client, Address: g.Address})
		}
		if *demo == "auto" {
			l.DemoIfNone = defaultDemo
		}
		return l
	}
	cfg.NewOptions = func() checks.Options {
		s := set()
		o := sys.options(s.NTPServer)
		s.apply(&o)
		o.LoginOptions = sys.loginOptions(nil)
		o.Client, _ = sys.client(*clientFlag, s.Client, guide.CurrentOS())
		return o
	}
	cfg.Icon = assets.Icon
	cfg.OpenAction, cfg.Actions = platform.OpenAction, platform.Actions()
	cfg.SaveReport = func(rep *checks.Report, l guide.Lang, w io.Writer, format string, redact bool) error {
		if format == "text" {
			format = string(report.Text)
		}
		v := report.View{Lang: l, OS: guide.CurrentOS(), Loc: time.Local, Facts: sys.factMap(), Support: set().support(), Redact: redact}
		return report.Write(w, report.Format(format), rep, v)
	}
	cfg.OpenFolder = platform.OpenFolder
	tracing := os.Getenv("VPNDOCTOR_LAUNCH_TRACE") != ""
	if tracing {
		cfg.Trace = func(stage string) {
			fmt.Fprintf(stderr, "vpndoctor: %s %d ms after the program started\n", stage, time.Since(processStart).Milliseconds())
		}
	}
	cfg.OnStarted = func() {
		windowOpened.Store(true)
		if tracing {
			fmt.Fprintf(stderr, "vpndoctor: window ready %d ms after the program started\n", time.Since(processStart).Milliseconds())
		}
	}
	ui.Run(cfg)
	return exitOK
}

// demoAlone reads `--demo` with no name (last, or followed by another
// flag) as `--demo auto`.
func demoAlone(args []string) []string {
	out := make([]string, 0, len(args)+1)
	for i, a := range args {
		out = append(out, a)
		if (a == "--demo" || a == "-demo") && (i+1 == len(args) || strings.HasPrefix(args[i+1], "-")) {
			out = append(out, "auto")
		}
	}
	return out
}
