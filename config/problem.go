package config

import (
	"fmt"
	"strconv"
	"unicode/utf8"
)

// Problem is one thing wrong in a settings file, in plain words for the
// person who wrote the file. The setting it is about is not used; the rest
// of the file is.
type Problem struct {
	File string // the file's path
	Line int    // 1-based; 0 when the problem is about the whole file
	// Col is the 1-based column (in characters) where the exact place
	// matters, as in a JSON syntax error; otherwise 0.
	Col int
	Msg string
}

// Error gives the problem on one line:
//
//	/etc/vpndoctor/vpndoctor.json line 4: "ntp_server" must be text in double quotes, not a number
func (p Problem) Error() string {
	switch {
	case p.Line > 0 && p.Col > 0:
		return fmt.Sprintf("%s line %d, column %d: %s", p.File, p.Line, p.Col, p.Msg)
	case p.Line > 0:
		return fmt.Sprintf("%s line %d: %s", p.File, p.Line, p.Msg)
	}
	return fmt.Sprintf("%s: %s", p.File, p.Msg)
}

// position turns a byte offset into a 1-based line and column (counted in
// characters, as an editor shows them).
func position(data []byte, off int) (line, col int) {
	if off > len(data) {
		off = len(data)
	}
	line, start := 1, 0
	for i := 0; i < off; i++ {
		if data[i] == '\n' {
			line++
			start = i + 1
		}
	}
	return line, utf8.RuneCount(data[start:off]) + 1
}

// ordinal names an item of a list the way a person counts: "the second item".
func ordinal(i int) string {
	words := []string{"first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth"}
	if i < len(words) {
		return "the " + words[i] + " item"
	}
	return "item " + strconv.Itoa(i+1)
}
