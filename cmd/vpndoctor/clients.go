package main

import (
	"flag"
	"fmt"
	"io"

	"github.com/vpndoctor/vpndoctor/checks/clients"
	"github.com/vpndoctor/vpndoctor/checks/guide"
	"github.com/vpndoctor/vpndoctor/checks/report"
)

// client chooses whose rules judge a real gateway: --client, else IT's
// setting, else the one VPN client whose profile is on this computer.
func (s systemInfo) client(flagName, configName string, os guide.OS) (clients.Choice, error) {
	var installed, sources []string
	if flagName == "" && configName == "" {
		for _, g := range s.gateways() {
			installed, sources = append(installed, g.Client), append(sources, g.Source)
		}
	}
	return clients.Choose(flagName, configName, string(os), installed, sources)
}

// cmdClients lists the client profiles and says which one applies here.
func cmdClients(args []string, stdout io.Writer) (int, error) {
	fs := flag.NewFlagSet("clients", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	asJSON := fs.Bool("json", false, "")
	configFile := fs.String("config", "", "")
	pos, err := parseInterleaved(fs, args)
	if err != nil {
		return exitUsage, err
	}
	if len(pos) > 0 {
		return exitUsage, usagef("'vpndoctor clients' takes no argument")
	}
	set := loadSettings(*configFile, io.Discard)
	choice, _ := newSystem().client("", set.Client, guide.CurrentOS())
	if *asJSON {
		doc := struct {
			Chosen   string            `json:"chosen"`
			How      clients.How       `json:"how"`
			From     string            `json:"from,omitempty"`
			Profiles []clients.Profile `json:"profiles"`
		}{Chosen: choice.ID(), How: choice.How, From: choice.From}
		doc.Profiles = clients.All()
		return exitOK, report.WriteJSONValue(stdout, doc)
	}
	stdout = visibleWriter{stdout}
	for _, p := range clients.All() {
		mark := "  "
		if p.ID == choice.ID() {
			mark = "* "
		}
		fmt.Fprintf(stdout, "%s%-22s %-14s %s (%s)\n", mark, p.ID, p.Family, p.Name, p.Verifier)
	}
	switch choice.How {
	case clients.ByDefault:
		fmt.Fprintln(stdout, "\nNo single VPN client was found on this computer: findings are judged by every client's rules at once.")
	default:
		fmt.Fprintf(stdout, "\n* %s (%s: %s)\n", choice.Profile.Name, choice.How, choice.From)
	}
	fmt.Fprintln(stdout, "Use 'vpndoctor check --client NAME' (a name of the second column or an id) to judge as another client.")
	return exitOK, nil
}
