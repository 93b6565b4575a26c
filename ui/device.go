package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/vpndoctor/vpndoctor/checks"
	"github.com/vpndoctor/vpndoctor/checks/report"
)

// deviceList shows this device's certificates when a device certificate is
// involved: which one the VPN client would use, and what is wrong with each
// (expired on …, issued by a CA the VPN does not accept). Nil otherwise.
func (w *Wizard) deviceList(rep *checks.Report) fyne.CanvasObject {
	v := report.View{Lang: w.lang, OS: w.os, Loc: w.loc}
	lines := report.DeviceLines(rep, v)
	if len(lines) == 0 {
		return nil
	}
	box := container.NewVBox()
	for _, l := range lines {
		var icon fyne.Resource = theme.NewSuccessThemedResource(theme.ConfirmIcon())
		if l.Bad {
			icon = theme.NewErrorThemedResource(theme.ErrorIcon())
		} else if !l.Used {
			icon = theme.InfoIcon()
		}
		text := container.NewVBox(bold(l.Name, ""))
		for _, s := range l.Status {
			text.Add(wrapped(s))
		}
		box.Add(iconLine(icon, text))
	}
	return container.NewVBox(section(report.DeviceTitle(v)), widget.NewCard("", "", box))
}
