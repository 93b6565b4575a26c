package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"

	"github.com/vpndoctor/vpndoctor/checks"
	"github.com/vpndoctor/vpndoctor/checks/report"
)

// loginView lists, unfolded, the servers behind the gateway's name and the
// other endpoints of the login, one line each, and the product (issue 14);
// the note on which server fails sits under the meaning (result.go).
func (w *Wizard) loginView(rep *checks.Report) fyne.CanvasObject {
	rows := report.LoginRows(rep, report.View{Lang: w.lang})
	if len(rows) == 0 {
		return nil
	}
	title := "Servers of this login"
	if w.lang == "ja" {
		title = "ログインで使われるサーバー"
	}
	box := container.NewVBox(section(title))
	for _, r := range rows {
		box.Add(wrapped(r.Kind + "  " + r.What + "  " + r.Verdict))
	}
	return box
}
