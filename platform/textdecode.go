package platform

import (
	"bytes"
	"encoding/binary"
	"io"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// decodeText turns a file's bytes into a string: a UTF-8 byte-order mark is
// dropped and UTF-16 with a byte-order mark (what Windows editors and
// PowerShell write) is decoded. Anything else is taken as UTF-8.
func decodeText(b []byte) string {
	switch {
	case bytes.HasPrefix(b, []byte{0xEF, 0xBB, 0xBF}):
		return string(b[3:])
	case bytes.HasPrefix(b, []byte{0xFF, 0xFE}):
		return decodeUTF16(b[2:], binary.LittleEndian)
	case bytes.HasPrefix(b, []byte{0xFE, 0xFF}):
		return decodeUTF16(b[2:], binary.BigEndian)
	}
	return string(b)
}

// decodeToolOutput decodes a tool's output when its encoding can be told
// from the bytes: UTF-16 (with a byte-order mark, or little-endian text
// whose ASCII shows as every other byte zero) or UTF-8. ok is false for
// anything else, which on Windows is the console's code page.
func decodeToolOutput(b []byte) (s string, ok bool) {
	if bytes.HasPrefix(b, []byte{0xFF, 0xFE}) || bytes.HasPrefix(b, []byte{0xFE, 0xFF}) {
		return decodeText(b), true
	}
	if len(b) >= 4 && len(b)%2 == 0 {
		zeros := 0
		for i := 1; i < len(b); i += 2 {
			if b[i] == 0 {
				zeros++
			}
		}
		if zeros*4 >= len(b) { // at least half the characters are ASCII
			return decodeUTF16(b, binary.LittleEndian), true
		}
	}
	if utf8.Valid(b) {
		return string(b), true
	}
	return "", false
}

func decodeUTF16(b []byte, order binary.ByteOrder) string {
	u := make([]uint16, len(b)/2)
	for i := range u {
		u[i] = order.Uint16(b[2*i:])
	}
	return string(utf16.Decode(u))
}

// lenientCharset lets encoding/xml read documents that declare a charset
// it does not know (Shift_JIS, windows-1252): the markup and the addresses
// we want are ASCII in all of them, and a misread display name is better
// than no gateway at all. Bytes that are not UTF-8 become U+FFFD, which
// encoding/xml would otherwise reject.
func lenientCharset(_ string, r io.Reader) (io.Reader, error) {
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	return strings.NewReader(strings.ToValidUTF8(string(b), string(utf8.RuneError))), nil
}
