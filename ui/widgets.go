package ui

import (
	"strconv"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// Small builders the screens share.

// wrapped is running text: wrapped at the window's width, Japanese too.
func wrapped(s string) *widget.Label {
	l := widget.NewLabel(breakable(s))
	l.Wrapping = fyne.TextWrapWord
	return l
}

// bold is wrapped text in bold, of the given size ("" for normal).
func bold(s string, size fyne.ThemeSizeName) *widget.Label {
	l := wrapped(s)
	l.TextStyle.Bold = true
	l.SizeName = size
	return l
}

// small is secondary text: hints and notes.
func small(s string) *widget.Label {
	l := wrapped(s)
	l.SizeName = theme.SizeNameCaptionText
	return l
}

// selectable is text to copy: no break marks in it.
func selectable(s string) *widget.Label {
	l := widget.NewLabel(s)
	l.Wrapping = fyne.TextWrapWord
	l.Selectable = true
	return l
}

func section(s string) *widget.Label { return bold(s, theme.SizeNameSubHeadingText) }

// numbered is one step of a numbered list, the number in its own column so
// that wrapped lines align with the text.
func numbered(n int, s string) fyne.CanvasObject {
	num := widget.NewLabelWithStyle(strconv.Itoa(n)+".", fyne.TextAlignTrailing, fyne.TextStyle{Bold: true})
	return container.NewBorder(nil, nil, container.NewVBox(num), nil, wrapped(s))
}

func infoLine(s string) fyne.CanvasObject { return iconLine(theme.InfoIcon(), wrapped(s)) }

// iconLine puts an icon before content, level with its first line.
func iconLine(icon fyne.Resource, content fyne.CanvasObject) fyne.CanvasObject {
	return container.NewBorder(nil, nil, container.NewVBox(container.NewPadded(widget.NewIcon(icon))), nil, content)
}

// bigButton is a button whose label is larger than the theme's, for the one
// thing a page must not hide (Check). It is an ordinary button without a
// label, so tapping, the keyboard and hovering work as on any button, with
// the icon and the label drawn over it. A theme override (a bigger text
// size for the button alone) would be simpler, but Fyne keeps its parsed
// fonts per override, so every drawing of the page parsed the Japanese
// font again: tens of milliseconds, and megabytes never freed.
func bigButton(label string, icon fyne.Resource, tapped func()) (*widget.Button, *canvas.Text, fyne.CanvasObject) {
	b := widget.NewButton("", tapped)
	b.Importance = widget.HighImportance
	text := canvas.NewText(label, theme.Color(theme.ColorNameForegroundOnPrimary))
	text.TextStyle.Bold = true
	text.TextSize = theme.TextSize() * 1.35
	img := canvas.NewImageFromResource(theme.NewColoredResource(icon, theme.ColorNameForegroundOnPrimary))
	img.FillMode = canvas.ImageFillContain
	img.SetMinSize(fyne.NewSquareSize(text.TextSize))
	return b, text, container.NewStack(b, container.NewCenter(container.NewHBox(img, text)))
}
