package ui

import "strings"

// Fyne wraps a label's text only at spaces, and Japanese has none: a long
// sentence would run on to the first ASCII space ("VPN アプリ") and then be
// cut anywhere. breakable marks where Japanese may break a line with U+200A
// HAIR SPACE, which Fyne takes for a space and which the wizard's font draws
// with no width (assets/fonts/subset.py). The rules are the common kinsoku
// ones: a line may break next to a CJK character, but never before closing
// punctuation, a small kana or a prolonged sound mark, nor after an opening
// bracket; and a number or a Latin word stays with the characters that
// touch it ("2026年11月13日", "VPNサーバー"). Text meant to be copied (selectable labels, the clipboard) is
// left as it is.
const breakMark = '\u200a'

const (
	noLineStart = "、。，．・：；？！ー―‐〜～）」』】〉》〕］｝｠〙〗’”ぁぃぅぇぉっゃゅょゎゕゖァィゥェォッャュョヮヵヶ々ゝゞヽヾ…‥)]}.,:;!?%"
	noLineEnd   = "（「『【〈《〔［｛｟〘〖‘“([{"
)

func isCJK(r rune) bool {
	return r >= 0x2E80 && r <= 0x9FFF || r >= 0xF900 && r <= 0xFAFF || r >= 0xFF00 && r <= 0xFFEF
}

func breakable(s string) string {
	rs := []rune(s)
	if !strings.ContainsFunc(s, isCJK) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) * 2)
	for i, r := range rs {
		if i > 0 && breakBetween(rs[i-1], r) {
			b.WriteRune(breakMark)
		}
		b.WriteRune(r)
	}
	return b.String()
}

func breakBetween(a, b rune) bool {
	if !isCJK(a) || !isCJK(b) {
		return false // Latin breaks at spaces, and stays with CJK it touches
	}
	return !strings.ContainsRune(noLineStart, b) && !strings.ContainsRune(noLineEnd, a)
}

// unbreakable undoes breakable, for tests and anything copied.
func unbreakable(s string) string { return strings.ReplaceAll(s, string(breakMark), "") }
