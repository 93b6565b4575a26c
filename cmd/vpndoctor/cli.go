package main

import (
	"context"
	"encoding/pem"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/vpndoctor/vpndoctor/checks"
	"github.com/vpndoctor/vpndoctor/checks/clients"
	"github.com/vpndoctor/vpndoctor/checks/guide"
	"github.com/vpndoctor/vpndoctor/checks/practice"
	"github.com/vpndoctor/vpndoctor/checks/report"
	"github.com/vpndoctor/vpndoctor/internal/crash"
	"github.com/vpndoctor/vpndoctor/platform"
)

// Exit codes are the command's contract.
const (
	exitOK      = 0 // the primary cause is ok
	exitProblem = 1 // a problem was found
	exitUsage   = 2 // bad input or usage
	exitIO      = 3 // the input was fine, but reading or writing failed (a report file, the practice gateways)
	// exitCrash (4, crash.go): an internal error; a crash file says more.
)

const usageText = `vpndoctor: find out why a VPN client refuses its gateway's certificate

Usage:
  vpndoctor                       open the wizard
  vpndoctor --demo NAME           open the wizard on a practice gateway
  vpndoctor check [flags] TARGET  diagnose a gateway (host, host:port or https://host/...)
  vpndoctor check --demo NAME     diagnose a built-in practice gateway
  vpndoctor demo [--all]          list the practice gateways (--all: diagnose each)
  vpndoctor system [--json]       print this computer's facts: OS, clock, trust store, VPN clients
  vpndoctor clients [--json]      list the VPN clients whose rules vpndoctor knows, and the one detected here
  vpndoctor version

Check flags:
  --json               print the report as JSON
  --report FILE        also write the report to FILE (.html, .json or .txt)
  --redact             hide this computer's name and the user name in the report
  --lang ja|en         language of the text (default: from the OS locale)
  --os NAME            whose steps to print: windows, macos, linux, ios, android (default: this OS)
  --ntp HOST[:PORT]    time server (default: the one this OS uses, else pool.ntp.org)
  --ca-file PEM        extra trusted roots, on top of this computer's trust store
  --config FILE        IT's settings file (default: the first vpndoctor.json found)
  --dns HOST[:PORT]    ask this DNS server instead of the system's resolver
  --timeout DURATION   bound for the whole diagnosis (default 10s)
  --client-cert FILE   the device certificate to offer: PEM (key inside, or
                       --client-key PEM) or PKCS#12 .p12/.pfx (password asked, never kept)
  --endpoint HOST      also check this host of the login (portal, gateway, sign-in page); repeatable
  --client NAME        judge as this VPN client does: anyconnect, globalprotect, forticlient,
                       openconnect, openfortivpn, windows, ios, android, or a profile id
                       (default: the client found on this computer, else every client's rules)

Exit status: 0 nothing wrong, 1 a problem was found, 2 bad input, 3 a file could not be
written or read (e.g. --report), 4 an internal error (a crash file says where).
`

// usageError is a mistake in the command line; its text is one plain line.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return usageError{fmt.Sprintf(format, args...)} }

func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		return openWizard(nil, stderr)
	}
	var err error
	code := exitOK
	switch args[0] {
	case "check":
		code, err = cmdCheck(args[1:], stdout, stderr)
	case "demo":
		code, err = cmdDemo(args[1:], stdout)
	case "system":
		code, err = cmdSystem(args[1:], stdout)
	case "clients":
		code, err = cmdClients(args[1:], stdout)
	case "version", "--version", "-version":
		fmt.Fprintf(stdout, "vpndoctor %s\n", checks.Version)
	case "help", "-h", "--help", "-help":
		fmt.Fprint(stdout, usageText)
	default:
		if strings.HasPrefix(args[0], "-") {
			return openWizard(args, stderr)
		}
		err = usagef("unknown command %q; run 'vpndoctor help' to see the commands", args[0])
	}
	if err != nil {
		fmt.Fprintf(stderr, "vpndoctor: %s\n", plainError(err))
		if code == exitOK {
			code = exitUsage
		}
	}
	return code
}

// plainError keeps only the first line of an error.
func plainError(err error) string {
	msg := err.Error()
	if i := strings.IndexByte(msg, '\n'); i >= 0 {
		msg = msg[:i]
	}
	// An error may quote a profile's address or a server's text (issue 16).
	return report.Visible(msg)
}

// parseInterleaved lets flags come before or after the positional
// arguments ("check vpn.example.com --json" works too).
func parseInterleaved(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, flagError(err)
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}

func flagError(err error) error {
	msg := err.Error()
	if strings.HasPrefix(msg, "flag provided but not defined: ") {
		return usagef("unknown option %s; run 'vpndoctor help' to see the options", strings.TrimPrefix(msg, "flag provided but not defined: "))
	}
	if msg == "flag needs an argument: -demo" {
		return usagef("--demo needs the name of a practice gateway; run 'vpndoctor demo' to list them")
	}
	if errors.Is(err, flag.ErrHelp) {
		return usagef("run 'vpndoctor help' to see the options")
	}
	return usagef("%s", msg)
}

type checkFlags struct {
	json       bool
	reportFile string
	lang       string
	osName     string
	ntp        string
	caFile     string
	timeout    time.Duration
	clientCert string
	clientKey  string
	demo       string
	dns        string
	redact     bool
	config     string
	endpoints  listFlag // issue 14
	client     string
}

func cmdCheck(args []string, stdout, stderr io.Writer) (int, error) {
	var f checkFlags
	fs := flag.NewFlagSet("check", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.BoolVar(&f.json, "json", false, "")
	fs.StringVar(&f.reportFile, "report", "", "")
	fs.StringVar(&f.lang, "lang", "", "")
	fs.StringVar(&f.osName, "os", "", "")
	fs.StringVar(&f.ntp, "ntp", "", "")
	fs.StringVar(&f.caFile, "ca-file", "", "")
	fs.DurationVar(&f.timeout, "timeout", checks.DefaultTimeout, "")
	fs.StringVar(&f.clientCert, "client-cert", "", "")
	fs.StringVar(&f.clientKey, "client-key", "", "")
	fs.StringVar(&f.demo, "demo", "", "")
	fs.StringVar(&f.dns, "dns", "", "")
	fs.BoolVar(&f.redact, "redact", false, "")
	fs.StringVar(&f.config, "config", "", "")
	fs.Var(&f.endpoints, "endpoint", "")
	fs.StringVar(&f.client, "client", "", "")
	pos, err := parseInterleaved(fs, args)
	if err != nil {
		return exitUsage, err
	}
	set := loadSettings(f.config, stderr)
	view, err := viewFromFlags(f.lang, f.osName)
	if err != nil {
		return exitUsage, err
	}
	if f.lang == "" && set.lang() != "" {
		view.Lang = set.lang()
	}
	// The fix guide's texts are parsed while the network steps run: they
	// are needed only to print the result.
	go func(v report.View) { // a copy: view is changed below
		defer crash.Guard()
		report.Prepare(v)
	}(view)
	view.Support = set.support()
	if f.timeout <= 0 || f.timeout > 5*time.Minute {
		return exitUsage, usagef("--timeout %s is out of range (give 1s to 5m)", f.timeout)
	}
	if f.reportFile != "" {
		if _, err := report.FormatFor(f.reportFile); err != nil {
			return exitUsage, usagef("%v", err)
		}
	}
	started := time.Now()
	var target checks.Target
	var opts checks.Options
	sys := newSystem() // facts and profiles are read only if used
	if f.demo != "" {
		if len(pos) > 0 {
			return exitUsage, usagef("give either --demo NAME or a server address, not both")
		}
		lab, err := practice.Start(practice.Config{})
		if err != nil {
			return exitIO, fmt.Errorf("the practice gateways could not start: %w", err)
		}
		defer lab.Close()
		if target, opts, err = practiceCase(lab, f.demo); err != nil {
			return exitUsage, err
		}
		if f.client != "" { // a practice gateway is judged by a client only when asked
			if opts.Client, err = clients.Choose(f.client, "", string(view.OS), nil, nil); err != nil {
				return exitUsage, usagef("--client: %v", err)
			}
		}
	} else {
		if len(pos) > 1 {
			return exitUsage, usagef("give one server address, not %d (%s)", len(pos), strings.Join(pos, " "))
		}
		input := ""
		if len(pos) == 1 {
			input = pos[0]
		} else if len(set.Gateways) > 0 {
			input = set.Gateways[0] // IT's gateway comes first
		} else {
			gw, err := onlyGateway(sys)
			if err != nil {
				return exitUsage, err
			}
			input = gw
		}
		if target, err = checks.ParseTarget(input); err != nil {
			return exitUsage, err
		}
		if opts, err = realOptions(sys, f, set); err != nil {
			return exitUsage, err
		}
		if opts.Client, err = sys.client(f.client, set.Client, view.OS); err != nil {
			return exitUsage, usagef("--client: %v", err)
		}
	}
	if f.demo == "" || flagSet(fs, "timeout") {
		// A practice case otherwise keeps its own deadline. --timeout bounds
		// the whole command: reading this computer's settings comes off it.
		opts.Timeout = max(f.timeout-time.Since(started), 100*time.Millisecond)
	}
	if opts.ClientCert, err = flagIdentity(f.clientCert, f.clientKey); err != nil {
		return exitUsage, err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	rep := checks.Run(ctx, target, opts)
	if f.reportFile != "" {
		view.Facts = sys.factMap()
		view.Redact = f.redact
		if err := report.WriteFile(f.reportFile, rep, view); err != nil {
			return exitIO, fmt.Errorf("write the report: %w", err)
		}
	}
	if f.json {
		if err := report.WriteJSONValue(stdout, rep); err != nil {
			return exitIO, err
		}
	} else if err := report.WriteText(stdout, rep, view); err != nil {
		return exitIO, err
	}
	if rep.Primary == checks.OK {
		return exitOK, nil
	}
	return exitProblem, nil
}

func viewFromFlags(langFlag, osFlag string) (report.View, error) {
	v := report.View{Lang: guide.FromEnv(platform.UILanguages()...), OS: guide.CurrentOS(), Loc: time.Local}
	if langFlag != "" {
		l, err := guide.ParseLang(langFlag)
		if err != nil {
			return v, usagef("%v", err)
		}
		v.Lang = l
	}
	if osFlag != "" {
		o, err := guide.ParseOS(osFlag)
		if err != nil {
			return v, usagef("%v", err)
		}
		v.OS = o
	}
	return v, nil
}

// practiceCase gives the target and options of one practice gateway.
func practiceCase(lab *practice.Lab, name string) (checks.Target, checks.Options, error) {
	addr, err := lab.Target(name)
	if err != nil {
		return checks.Target{}, checks.Options{}, usagef("there is no practice gateway %q; run 'vpndoctor demo' to list them", name)
	}
	t, err := checks.ParseTarget(addr)
	if err != nil {
		return t, checks.Options{}, err
	}
	o, err := lab.Options(name)
	return t, o, err
}

func flagSet(fs *flag.FlagSet, name string) bool {
	set := false
	fs.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}

// realOptions builds the options for a real gateway: this computer's own
// trust store and time server, plus what the flags add.
func realOptions(sys systemInfo, f checkFlags, set settings) (checks.Options, error) {
	ntp := f.ntp
	if ntp != "" {
		if err := validNTP(ntp); err != nil {
			return checks.Options{}, err
		}
	} else {
		ntp = set.NTPServer
	}
	opts := sys.options(ntp)
	set.apply(&opts)
	opts.LoginOptions = sys.loginOptions(f.endpoints)
	if f.dns != "" {
		r, err := resolverFor(f.dns)
		if err != nil {
			return opts, err
		}
		opts.Resolver = r
		opts.ResolverName = f.dns // errors name it, not the system's resolver
	}
	if f.caFile != "" {
		roots, err := readPEMCerts(f.caFile)
		if err != nil {
			return opts, err
		}
		opts.ExtraRoots = append(opts.ExtraRoots, roots...)
	}
	return opts, nil
}

// resolverFor asks one DNS server (host[:port], port 53 by default), as
// when IT wants the answer of the company's own DNS.
func resolverFor(server string) (*net.Resolver, error) {
	host, port := server, "53"
	if h, p, err := net.SplitHostPort(server); err == nil {
		host, port = h, p
	}
	t, err := checks.ParseTarget(net.JoinHostPort(host, port))
	if err != nil {
		return nil, usagef("--dns: %v", err)
	}
	return checks.ResolverAt(t.HostPort()), nil
}

func validNTP(s string) error {
	if _, err := checks.ParseTarget(s); err != nil {
		return usagef("--ntp: %v", err)
	}
	return nil
}

func cmdDemo(args []string, stdout io.Writer) (int, error) {
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	all := fs.Bool("all", false, "")
	langFlag := fs.String("lang", "", "")
	serve := fs.String("serve", "", "")
	envFile := fs.String("env", "", "")
	pos, err := parseInterleaved(fs, args)
	if err != nil {
		return exitUsage, err
	}
	if *serve != "" {
		return serveDemo(*serve, *envFile, stdout)
	}
	if len(pos) > 0 {
		return exitUsage, usagef("to diagnose one practice gateway, run 'vpndoctor check --demo %s'", pos[0])
	}
	view, err := viewFromFlags(*langFlag, "")
	if err != nil {
		return exitUsage, err
	}
	if !*all {
		for _, s := range practice.Scenarios() {
			title := s.Title
			if view.Lang == guide.Ja {
				title = s.TitleJA
			}
			fmt.Fprintf(stdout, "%-26s %-22s %s\n", s.Name, s.Want, title)
		}
		fmt.Fprintln(stdout, "\nRun 'vpndoctor check --demo NAME' to diagnose one, or 'vpndoctor demo --all' for all.")
		return exitOK, nil
	}
	lab, err := practice.Start(practice.Config{})
	if err != nil {
		return exitIO, fmt.Errorf("the practice gateways could not start: %w", err)
	}
	defer lab.Close()
	wrong := 0
	for _, s := range practice.Scenarios() {
		t, o, err := practiceCase(lab, s.Name)
		if err != nil {
			return exitUsage, err
		}
		rep := checks.Run(context.Background(), t, o)
		mark := "ok "
		if rep.Primary != s.Want {
			mark = "!! "
			wrong++
		}
		fmt.Fprintf(stdout, "%s%-26s -> %-22s %5d ms  %s\n", mark, s.Name, rep.Primary, rep.DurationMS, report.Headline(rep, view))
	}
	if wrong > 0 {
		fmt.Fprintf(stdout, "\n%d practice gateways were not diagnosed as expected\n", wrong)
		return exitProblem, nil
	}
	return exitOK, nil
}

// serveDemo keeps one practice gateway running until interrupted, and
// writes how to reach it as shell variables (for benchmarks and for trying
// other tools against it).
func serveDemo(name, envFile string, stdout io.Writer) (int, error) {
	lab, err := practice.Start(practice.Config{})
	if err != nil {
		return exitIO, fmt.Errorf("the practice gateways could not start: %w", err)
	}
	defer lab.Close()
	addr, err := lab.Target(name)
	if err != nil {
		return exitUsage, usagef("there is no practice gateway %q; run 'vpndoctor demo' to list them", name)
	}
	opts, _ := lab.Options(name)
	rootFile, err := os.CreateTemp("", "vpndoctor-practice-root-*.pem")
	if err != nil {
		return exitIO, err
	}
	defer os.Remove(rootFile.Name())
	pem.Encode(rootFile, &pem.Block{Type: "CERTIFICATE", Bytes: lab.Root().Raw})
	rootFile.Close()
	host, port, _ := net.SplitHostPort(addr)
	env := fmt.Sprintf("VPNDOCTOR_TARGET=%s\nVPNDOCTOR_HOST=%s\nVPNDOCTOR_ADDR=%s\nVPNDOCTOR_DNS=%s\nVPNDOCTOR_NTP=%s\nVPNDOCTOR_ROOT_FILE=%s\n",
		addr, host, net.JoinHostPort("127.0.0.1", port), lab.DNSAddr(), opts.NTPServer, rootFile.Name())
	if envFile != "" {
		if err := os.WriteFile(envFile, []byte(env), 0o644); err != nil {
			return exitIO, err
		}
	}
	fmt.Fprint(stdout, env)
	fmt.Fprintln(stdout, "# serving until interrupted (Ctrl+C)")
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	<-ctx.Done()
	return exitOK, nil
}
