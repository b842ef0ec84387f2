package parse

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"unicode/utf8"
)

// Errors for inputs that hold no text to parse.
var (
	// ErrEmpty reports a file that is empty or holds only white space.
	ErrEmpty = errors.New("empty file")
	// ErrBinary reports a file with NUL bytes, which text never holds.
	ErrBinary = errors.New("binary file")
	// ErrUTF8 reports text that is not valid UTF-8.
	ErrUTF8 = errors.New("not valid UTF-8")
)

// utf8BOM is the UTF-8 byte order mark some editors write at the start of a file.
var utf8BOM = []byte("\uFEFF")

// checkTextFile checks that data is a text file and returns it without a byte
// order mark. On failure it returns the error and the 1-based line it
// concerns (0 for the whole file).
func checkTextFile(data []byte) ([]byte, int, error) {
	if bytes.IndexByte(data, 0) >= 0 {
		return nil, 0, ErrBinary
	}
	data = bytes.TrimPrefix(data, utf8BOM)
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, 0, ErrEmpty
	}
	if !utf8.Valid(data) {
		return nil, lineNumberAt(data, invalidUTF8At(data)), ErrUTF8
	}
	return data, 0, nil
}

// invalidUTF8At returns the offset of the first byte of b that is not part
// of valid UTF-8, or -1.
func invalidUTF8At(b []byte) int {
	for i := 0; i < len(b); {
		if b[i] < utf8.RuneSelf {
			i++
			continue
		}
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n == 1 {
			return i
		}
		i += n
	}
	return -1
}

// lineNumberAt returns the 1-based line of the byte at offset off in data.
func lineNumberAt(data []byte, off int) int {
	off = min(max(off, 0), len(data))
	return 1 + bytes.Count(data[:off], []byte("\n"))
}

// Text parses a plain text file: its first non-empty line is the title and
// the rest is the body. The file yields one record with Raw set to data.
func Text(ctx context.Context, path string, data []byte) ([]Record, []error) {
	text, line, err := checkTextFile(data)
	if err != nil {
		return nil, []error{&Error{Path: path, Line: line, Err: err}}
	}
	s := strings.ReplaceAll(string(text), "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	var title, body string
	rest := s
	for rest != "" {
		var first string
		first, rest, _ = strings.Cut(rest, "\n")
		if first = strings.TrimSpace(first); first != "" {
			title = first
			break
		}
	}
	body = strings.TrimSpace(rest)
	rec := Record{Raw: data}
	rec.Doc.Title = title
	rec.Doc.Body = body
	return []Record{rec}, nil
}
