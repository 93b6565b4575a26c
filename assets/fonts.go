package assets

import _ "embed"

// The wizard's text font: Noto Sans CJK JP, because Fyne's bundled font has
// no Japanese glyphs and a double-clicked program cannot count on the
// system's fonts (Fyne falls back to them, but finds none on a bare Linux
// desktop and may pick a Chinese face elsewhere). The files are subsets
// (ASCII, Latin-1, kana, JIS X 0208 levels 1 and 2, the symbols the texts
// use), made from Debian's fonts-noto-cjk; fonts/README.md has the recipe
// and fonts/OFL.txt the licence, which asks that it travel with the font.

// FontRegular is Noto Sans CJK JP Regular, subset (OpenType/CFF).
//
//go:embed fonts/NotoSansCJKjp-Regular-subset.otf
var FontRegular []byte

// FontBold is Noto Sans CJK JP Bold, subset (OpenType/CFF).
//
//go:embed fonts/NotoSansCJKjp-Bold-subset.otf
var FontBold []byte

// FontLicence is the SIL Open Font License text of the fonts.
//
//go:embed fonts/OFL.txt
var FontLicence string
