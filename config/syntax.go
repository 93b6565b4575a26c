package config

import (
	"encoding/json"
	"fmt"
	"strings"
	"unicode/utf8"
)

// explainSyntax says in plain words what is wrong at data[off], where
// encoding/json stopped (json.SyntaxError.Offset-1, or len(data) when the
// file ends too early). The decoder's own message is technical ("invalid
// character '}' looking for beginning of object key string"); instead the
// text before off is scanned again to know what was expected there, and
// the offending character tells which common slip it is. It returns the
// offset the message is about, which is sometimes earlier than off (the
// comma that should not be there).
func explainSyntax(data []byte, off int) (int, string) {
	s := scanUpTo(data, off)
	if off >= len(data) {
		return explainEnd(data, s)
	}
	c := data[off]
	if s.inString {
		switch {
		case c == '\n' || c == '\r':
			return off, "text in double quotes must end on the line where it starts: a closing \" is missing, or a line break was meant; write a line break as \\n"
		case off > 0 && data[off-1] == '\\' || s.escape:
			return off, `a backslash (\) in text must be written twice (\\), as in "C:\\ProgramData"`
		case c < 0x20:
			return off, "text contains a control character (a tab?); write a tab as \\t"
		}
		// Else a \u not followed by four hex digits: a backslash all the same.
		return off, `a backslash (\) in text must be written twice (\\), as in "C:\\ProgramData"`
	}
	if off > 0 && isWordByte(data[off-1]) && s.state != stDone {
		if w := wordAround(data, off); !json.Valid([]byte(w)) {
			return off, fmt.Sprintf("%q is not a value: write text in double quotes (\"...\"), a number, true or false", w)
		}
	}
	switch c {
	case '\\':
		return off, `a backslash (\) outside text in double quotes does not belong here`
	case '/', '#':
		return off, `JSON files cannot hold comments; delete it, or keep the note as a setting named "_comment"`
	case '\'':
		return off, `text and setting names need double quotes ("), not single quotes (')`
	}
	if s.state == stDone {
		return off, "there is more after the final }: all settings must be inside one { ... }"
	}
	if (c == '}' || c == ']') && s.lastComma >= 0 && s.afterComma {
		return s.lastComma, fmt.Sprintf("remove this comma: no comma may follow the last item before %c", c)
	}
	if c == '}' || c == ']' {
		if open := s.top(); open != nil && closerOf(open.c) != c {
			l, _ := position(data, open.off)
			return off, fmt.Sprintf("this %c does not match the %c opened on line %d; close it with %c", c, open.c, l, closerOf(open.c))
		}
	}
	switch s.state {
	case stKey, stKeyOrEnd:
		if isWordByte(c) {
			return off, fmt.Sprintf("setting names must be in double quotes: %q", wordAround(data, off+1))
		}
		return off, "a setting name in double quotes was expected here"
	case stColon:
		return off, fmt.Sprintf("a colon (:) is missing after %q", s.lastKey)
	case stCommaOrEnd:
		pl, _ := position(data, s.lastEnd)
		l, _ := position(data, off)
		if pl < l {
			return s.lastEnd + 1, "a comma (,) is missing at the end of this line"
		}
		return off, "a comma (,) is missing before this"
	case stValue, stValueOrEnd:
		if c == '}' || c == ']' || c == ',' {
			return off, "a value is missing here"
		}
		if c == ':' {
			return off, "there is one colon (:) too many here"
		}
		if isWordByte(c) {
			return off, fmt.Sprintf("%q is not a value: write text in double quotes (\"...\"), a number, true or false", wordAround(data, off+1))
		}
	}
	r, _ := utf8.DecodeRune(data[off:])
	return off, fmt.Sprintf("%q does not belong here", string(r))
}

func explainEnd(data []byte, s scanState) (int, string) {
	if strings.TrimSpace(string(data)) == "" {
		return 0, "the file is empty; it should hold the settings in { ... }"
	}
	if s.inString {
		l, _ := position(data, s.stringStart)
		return s.stringStart, fmt.Sprintf("the text that starts on line %d is never closed: a \" is missing", l)
	}
	if open := s.top(); open != nil {
		l, _ := position(data, open.off)
		return open.off, fmt.Sprintf("the %c on line %d is never closed: a %c is missing at the end", open.c, l, closerOf(open.c))
	}
	return len(data), "the file ends too early"
}

// What the scanner expects next.
type expect int

const (
	stValue      expect = iota // a value (start, after ':' or after ',' in a list)
	stValueOrEnd               // after '['
	stKeyOrEnd                 // after '{'
	stKey                      // after ',' in an object
	stColon                    // after a key
	stCommaOrEnd               // after a value inside { } or [ ]
	stDone                     // after the top-level value
)

type open struct {
	c   byte
	off int
}

type scanState struct {
	state       expect
	stack       []open
	inString    bool
	escape      bool
	stringStart int
	isKey       bool
	lastKey     string
	lastEnd     int  // offset of the last byte of the last complete value
	lastComma   int  // offset of the last comma, -1 if none
	afterComma  bool // nothing but spaces since that comma
	inWord      bool
}

func (s *scanState) top() *open {
	if len(s.stack) == 0 {
		return nil
	}
	return &s.stack[len(s.stack)-1]
}

// valueDone moves on after a complete value.
func (s *scanState) valueDone(end int) {
	s.lastEnd = end
	if len(s.stack) == 0 {
		s.state = stDone
	} else {
		s.state = stCommaOrEnd
	}
}

// scanUpTo walks data[:off], which encoding/json found valid, and says what
// comes next. It checks nothing: it only keeps track.
func scanUpTo(data []byte, off int) scanState {
	s := scanState{lastComma: -1}
	for i := 0; i < off && i < len(data); i++ {
		c := data[i]
		if s.inString {
			switch {
			case s.escape:
				s.escape = false
			case c == '\\':
				s.escape = true
			case c == '"':
				s.inString = false
				if s.isKey {
					s.lastKey = string(data[s.stringStart+1 : i])
					s.state = stColon
				} else {
					s.valueDone(i)
				}
			}
			continue
		}
		if s.inWord && !isWordByte(c) {
			s.inWord = false
			s.valueDone(i - 1)
		}
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			continue
		case c == '"':
			s.inString, s.stringStart = true, i
			s.isKey = s.state == stKey || s.state == stKeyOrEnd
		case c == '{' || c == '[':
			s.stack = append(s.stack, open{c, i})
			s.state = stKeyOrEnd
			if c == '[' {
				s.state = stValueOrEnd
			}
		case c == '}' || c == ']':
			if len(s.stack) > 0 {
				s.stack = s.stack[:len(s.stack)-1]
			}
			s.valueDone(i)
		case c == ':':
			s.state = stValue
		case c == ',':
			s.lastComma = i
			s.state = stValue
			if t := s.top(); t != nil && t.c == '{' {
				s.state = stKey
			}
			s.afterComma = true
			continue
		case isWordByte(c):
			if !s.inWord {
				s.inWord = true
			}
		}
		s.afterComma = false
	}
	if s.inWord && off < len(data) && !isWordByte(data[off]) {
		s.inWord = false
		s.valueDone(off - 1)
	}
	return s
}

// isWordByte: what may be part of a bare word a person typed without
// quotes (any non-ASCII byte too, so that 情報 is one word).
func isWordByte(c byte) bool {
	return c >= 0x80 || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '-' || c == '+' || c == '_'
}

// wordAround returns the run of word bytes that ends just before end and
// goes on after it.
func wordAround(data []byte, end int) string {
	i := end
	for i > 0 && isWordByte(data[i-1]) {
		i--
	}
	j := end
	for j < len(data) && isWordByte(data[j]) {
		j++
	}
	return string(data[i:j])
}

func closerOf(c byte) byte {
	if c == '{' {
		return '}'
	}
	return ']'
}
