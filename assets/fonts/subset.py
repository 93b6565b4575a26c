#!/usr/bin/python3
"""Make the wizard's Japanese fonts: subsets of Noto Sans CJK JP.

    apt-get install fonts-noto-cjk python3-fonttools
    /usr/bin/python3 assets/fonts/subset.py assets/guide/*.json ui/translations/*.json

Keeps ASCII, Latin-1 and Latin Extended-A (names in certificates), JIS X 0208
(kana, levels 1 and 2 kanji, symbols), CJK punctuation, full- and half-width
forms, general punctuation, arrows, circled digits, and every character of
the files named on the command line. Horizontal text only: no vertical
tables, no hinting, only the ccmp and kern layout features.

One change to the font: U+200A HAIR SPACE is mapped to an empty glyph of no
width (the en space's, which is unmapped). Fyne wraps text only at spaces;
the wizard puts U+200A where Japanese may break a line (see ui/wrap.go).
"""
import sys
from fontTools import subset
from fontTools.ttLib import TTFont

SOURCE = "/usr/share/fonts/opentype/noto/NotoSansCJK-%s.ttc"
OUT = "NotoSansCJKjp-%s-subset.otf"
BREAK, DONOR = 0x200A, 0x2002


def codepoints(paths):
    cps = set(range(0x20, 0x7F)) | set(range(0xA0, 0x180))
    for row in range(0x21, 0x7F):  # JIS X 0208 through ISO-2022-JP
        for col in range(0x21, 0x7F):
            b = bytes([0x1B, 0x24, 0x42, row, col, 0x1B, 0x28, 0x42])
            try:
                cps.update(ord(c) for c in b.decode("iso2022_jp"))
            except UnicodeDecodeError:
                pass
    for lo, hi in ((0x3000, 0x3100), (0xFF00, 0xFFF0), (0x2010, 0x2070),
                   (0x2190, 0x21A0), (0x2460, 0x2474)):
        cps.update(range(lo, hi))
    cps.update((0x2022, 0x2026, 0x2713, 0x2714, 0x2715, 0x2716, 0x2717,
                0x26A0, 0x25CB, 0x25CF, 0x25B6, 0x00D7, 0x2212, DONOR))
    for p in paths:
        with open(p, encoding="utf-8") as f:
            cps.update(ord(c) for c in f.read() if ord(c) >= 0x20)
    return cps


def make(weight, cps):
    font = TTFont(SOURCE % weight, fontNumber=0)
    opts = subset.Options()
    opts.layout_features = ["ccmp", "kern"]
    opts.drop_tables += ["vhea", "vmtx", "VORG"]
    opts.hinting = False
    sub = subset.Subsetter(opts)
    sub.populate(unicodes=cps)
    sub.subset(font)
    glyph = font.getBestCmap()[DONOR]
    for table in font["cmap"].tables:
        if table.isUnicode() and DONOR in table.cmap:
            del table.cmap[DONOR]
            table.cmap[BREAK] = glyph
    font["hmtx"][glyph] = (0, 0)
    font.save(OUT % weight)


if __name__ == "__main__":
    cps = codepoints(sys.argv[1:])
    for w in ("Regular", "Bold"):
        make(w, cps)
