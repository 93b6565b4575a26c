package packaging

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/BurntSushi/toml"

	"github.com/vpndoctor/vpndoctor/checks"
)

type fyneApp struct {
	Details struct {
		Icon, Name, ID, Version string
		Build                   int
	}
	LinuxAndBSD struct {
		GenericName, Comment string
		Categories, Keywords []string
	}
	Migrations map[string]bool
}

// TestFyneApp keeps FyneApp.toml in step with the code: the version is set
// in checks/model.go only, and the app ID is the one the wizard gives Fyne
// (its preferences are stored under it).
func TestFyneApp(t *testing.T) {
	var app fyneApp
	md, err := toml.DecodeFile(filepath.Join("..", "FyneApp.toml"), &app)
	if err != nil {
		t.Fatal(err)
	}
	if u := md.Undecoded(); len(u) > 0 {
		t.Errorf("FyneApp.toml has keys this test does not know (misspelt?): %v", u)
	}
	if app.Details.Version != checks.Version {
		t.Errorf("FyneApp.toml Version %q, but checks.Version is %q: change the version in checks/model.go and here together", app.Details.Version, checks.Version)
	}
	if want := uiAppID(t); app.Details.ID != want {
		t.Errorf("FyneApp.toml ID %q, but ui.AppID is %q", app.Details.ID, want)
	}
	if app.Details.Name != "vpndoctor" || app.Details.Build < 1 {
		t.Errorf("Details %+v", app.Details)
	}
	if _, err := os.Stat(filepath.Join("..", app.Details.Icon)); err != nil {
		t.Errorf("icon: %v", err)
	}
	if len(app.LinuxAndBSD.Categories) == 0 || app.LinuxAndBSD.Comment == "" {
		t.Errorf("LinuxAndBSD %+v: the .desktop entry needs categories and a comment", app.LinuxAndBSD)
	}
	if !app.Migrations["fyneDo"] {
		t.Error("[Migrations] fyneDo = true is missing: the wizard calls fyne.Do from its goroutines")
	}
}

// uiAppID reads the constant AppID from ui/ without building Fyne.
func uiAppID(t *testing.T) string {
	t.Helper()
	pkgs, err := parser.ParseDir(token.NewFileSet(), filepath.Join("..", "ui"), nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range pkgs {
		for _, f := range p.Files {
			for _, d := range f.Decls {
				g, ok := d.(*ast.GenDecl)
				if !ok || g.Tok != token.CONST {
					continue
				}
				for _, s := range g.Specs {
					vs := s.(*ast.ValueSpec)
					for i, n := range vs.Names {
						if n.Name == "AppID" && i < len(vs.Values) {
							if lit, ok := vs.Values[i].(*ast.BasicLit); ok {
								v, _ := strconv.Unquote(lit.Value)
								return v
							}
						}
					}
				}
			}
		}
	}
	t.Fatal("no const AppID in ui/")
	return ""
}
