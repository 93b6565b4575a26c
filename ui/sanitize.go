package ui

import "github.com/vpndoctor/vpndoctor/checks/report"

// visibleConfig makes what comes from outside the program visible text:
// VPN profiles (which a gateway can push), system facts and IT's settings
// are shown on the start page and in the details, and must not carry
// control or bidirectional-override characters to the screen. The report
// is cleaned when it arrives (finished).
func visibleConfig(c Config) Config {
	gws := make([]Gateway, len(c.Gateways))
	for i, g := range c.Gateways {
		gws[i] = Gateway{Client: report.Visible(g.Client), Address: report.Visible(g.Address)}
	}
	c.Gateways = gws
	v := report.SanitizeView(report.View{Facts: c.Facts, Support: c.Support})
	c.Facts, c.Support = v.Facts, v.Support
	probs := make([]string, len(c.SettingsProblems))
	for i, p := range c.SettingsProblems {
		probs[i] = report.Visible(p)
	}
	c.SettingsProblems = probs
	return c
}
