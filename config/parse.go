package config

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"unicode/utf16"
	"unicode/utf8"
)

// kind is what a JSON value is, named as the messages name it.
type kind int

const (
	kindNull kind = iota
	kindBool
	kindNumber
	kindString
	kindList
	kindGroup
)

func (k kind) String() string {
	return [...]string{"null", "true or false", "a number", "text", "a list [...]", "a group {...}"}[k]
}

// node is a JSON value with where it starts in the file, so that every
// message can name its line.
type node struct {
	kind    kind
	off     int
	str     string // kindString
	items   []*node
	members []member
}

type member struct {
	key    string
	keyOff int
	val    *node
}

// parseJSON checks data and returns its tree, or a problem at the place
// where it stops being JSON.
func parseJSON(data []byte) (*node, *Problem) {
	var v any
	if err := json.Unmarshal(data, &v); err != nil {
		at, msg := explainSyntax(data, syntaxOffset(data, err))
		l, c := position(data, at)
		return nil, &Problem{Line: l, Col: c, Msg: msg}
	}
	// The text is valid JSON, so the decoder's tokens can be trusted; its
	// offsets tell where each value starts.
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	w := walker{dec: dec, data: data}
	n, err := w.value()
	if err != nil {
		l, c := position(data, int(dec.InputOffset()))
		return nil, &Problem{Line: l, Col: c, Msg: fmt.Sprintf("the file cannot be read as JSON: %v", err)}
	}
	return n, nil
}

// syntaxOffset is the offset of the byte where data stops being JSON, or
// len(data) when it ends too early. SyntaxError.Offset counts the bytes read
// up to and including the offending one, and is len(data) both when the
// last byte is wrong and when the text is unfinished: one byte that is wrong
// everywhere in JSON, appended, tells which.
func syntaxOffset(data []byte, err error) int {
	var se *json.SyntaxError
	if !errors.As(err, &se) || se.Offset <= 0 || int(se.Offset) > len(data) {
		return len(data)
	}
	if int(se.Offset) == len(data) {
		var v any
		var again *json.SyntaxError
		if errors.As(json.Unmarshal(append(data[:len(data):len(data)], 0x01), &v), &again) && int(again.Offset) > len(data) {
			return len(data)
		}
	}
	return int(se.Offset) - 1
}

// walker reads the tree of a valid JSON text.
type walker struct {
	dec  *json.Decoder
	data []byte
}

// start is where the next value begins: past spaces and the : or , the
// decoder has not consumed yet.
func (w *walker) start() int {
	i := int(w.dec.InputOffset())
	for i < len(w.data) {
		switch w.data[i] {
		case ' ', '\t', '\r', '\n', ':', ',':
			i++
			continue
		}
		break
	}
	return i
}

func (w *walker) value() (*node, error) {
	n := &node{off: w.start()}
	tok, err := w.dec.Token()
	if err != nil {
		return nil, err
	}
	switch t := tok.(type) {
	case nil:
		n.kind = kindNull
	case bool:
		n.kind = kindBool
	case json.Number:
		n.kind = kindNumber
	case string:
		n.kind, n.str = kindString, t
	case json.Delim:
		if t == '[' {
			n.kind = kindList
			for w.dec.More() {
				item, err := w.value()
				if err != nil {
					return nil, err
				}
				n.items = append(n.items, item)
			}
		} else {
			n.kind = kindGroup
			for w.dec.More() {
				keyOff := w.start()
				k, err := w.dec.Token()
				if err != nil {
					return nil, err
				}
				val, err := w.value()
				if err != nil {
					return nil, err
				}
				n.members = append(n.members, member{key: k.(string), keyOff: keyOff, val: val})
			}
		}
		if _, err := w.dec.Token(); err != nil && err != io.EOF {
			return nil, err
		}
	}
	return n, nil
}

// toUTF8 undoes what Windows editors do to a text file: a UTF-8 byte order
// mark (Notepad before 2019), or UTF-16 ("Unicode" in Notepad's Save as).
func toUTF8(data []byte) []byte {
	switch {
	case bytes.HasPrefix(data, []byte{0xEF, 0xBB, 0xBF}):
		return data[3:]
	case len(data) >= 2 && (data[0] == 0xFF && data[1] == 0xFE || data[0] == 0xFE && data[1] == 0xFF):
		le := data[0] == 0xFF
		u := make([]uint16, 0, len(data)/2)
		for i := 2; i+1 < len(data); i += 2 {
			if le {
				u = append(u, uint16(data[i])|uint16(data[i+1])<<8)
			} else {
				u = append(u, uint16(data[i])<<8|uint16(data[i+1]))
			}
		}
		var b bytes.Buffer
		for _, r := range utf16.Decode(u) {
			b.WriteRune(r)
		}
		return b.Bytes()
	}
	return data
}

// firstInvalidUTF8 is the offset of the first byte that is not UTF-8, or -1.
func firstInvalidUTF8(data []byte) int {
	for i := 0; i < len(data); {
		r, size := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && size <= 1 {
			return i
		}
		i += size
	}
	return -1
}
