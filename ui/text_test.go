package ui

import (
	"bytes"
	"io/fs"
	"strings"
	"testing"

	"github.com/go-text/typesetting/font"

	"github.com/vpndoctor/vpndoctor/assets"
	"github.com/vpndoctor/vpndoctor/checks/guide"
	"github.com/vpndoctor/vpndoctor/checks/practice"
)

// Both label files have the same keys, none empty.
func TestLabelsComplete(t *testing.T) {
	en, ja := allLabels[guide.En], allLabels[guide.Ja]
	for k, v := range en {
		if strings.TrimSpace(ja[k]) == "" {
			t.Errorf("ja.json lacks %q (en: %q)", k, v)
		}
	}
	for k := range ja {
		if strings.TrimSpace(en[k]) == "" {
			t.Errorf("en.json lacks %q", k)
		}
	}
}

// Every character the wizard can show in Japanese is in the embedded
// font: the labels, the fix guide, the practice problems' titles.
func TestFontCoversTexts(t *testing.T) {
	var texts []string
	for _, l := range allLabels {
		for _, v := range l {
			texts = append(texts, v)
		}
	}
	files, _ := fs.Glob(assets.Guide, "guide/*.json")
	for _, f := range files {
		data, err := fs.ReadFile(assets.Guide, f)
		if err != nil {
			t.Fatal(err)
		}
		texts = append(texts, string(data))
	}
	for _, s := range practice.Scenarios() {
		texts = append(texts, s.TitleJA)
	}
	texts = append(texts, "日本語", string(breakMark))
	for name, data := range map[string][]byte{"regular": assets.FontRegular, "bold": assets.FontBold} {
		face, err := font.ParseTTF(bytes.NewReader(data))
		if err != nil {
			t.Fatalf("%s font: %v", name, err)
		}
		missing := map[rune]bool{}
		for _, s := range texts {
			for _, r := range s {
				if r < 0x20 || missing[r] {
					continue
				}
				if _, ok := face.NominalGlyph(r); !ok {
					missing[r] = true
					t.Errorf("%s font has no glyph for %q (U+%04X): rerun assets/fonts/subset.py", name, r, r)
				}
			}
		}
		gid, _ := face.NominalGlyph(breakMark)
		if adv := face.HorizontalAdvance(gid); adv != 0 {
			t.Errorf("%s font: U+200A advances %v, want 0", name, adv)
		}
	}
}

func TestBreakable(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"Check the server.", "Check the server."},
		{"VPN アプリ", "VPN ア|プ|リ"},
		{"VPNサーバー", "VPNサー|バー"},
		{"確認する。", "確|認|す|る。"},
		{"「証明書」です", "「証|明|書」|で|す"},
		{"ちょっと", "ちょっ|と"},
		{"vpn.example.co.jp を", "vpn.example.co.jp を"},
		{"2026年11月13日 01:14 に切れ", "2026年11月13日 01:14 に|切|れ"},
	} {
		got := strings.ReplaceAll(breakable(c.in), string(breakMark), "|")
		if got != c.want {
			t.Errorf("breakable(%q) = %q, want %q", c.in, got, c.want)
		}
		if unbreakable(breakable(c.in)) != c.in {
			t.Errorf("unbreakable does not undo breakable for %q", c.in)
		}
	}
}
