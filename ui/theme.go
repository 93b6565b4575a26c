package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"

	"github.com/vpndoctor/vpndoctor/assets"
)

var (
	fontRegular = fyne.NewStaticResource("NotoSansCJKjp-Regular-subset.otf", assets.FontRegular)
	fontBold    = fyne.NewStaticResource("NotoSansCJKjp-Bold-subset.otf", assets.FontBold)
)

// appTheme is Fyne's default theme (light or dark, as the system says) with
// a font that has Japanese glyphs. Monospace text (fingerprints, PEM) keeps
// Fyne's own monospace font: it is ASCII only.
type appTheme struct{ fyne.Theme }

func newTheme() fyne.Theme { return appTheme{theme.DefaultTheme()} }

func (t appTheme) Font(s fyne.TextStyle) fyne.Resource {
	switch {
	case s.Monospace, s.Symbol:
		return t.Theme.Font(s)
	case s.Bold:
		return fontBold
	}
	return fontRegular
}
