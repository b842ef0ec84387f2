package record

import (
	"bytes"
	"errors"
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

// bom is the UTF-8 byte order mark some editors write at the start of a file.
const bom = "\uFEFF"

// TrimBOM returns data without a leading UTF-8 byte order mark.
func TrimBOM(data []byte) []byte {
	return bytes.TrimPrefix(data, []byte(bom))
}

// CheckText checks that data is a text file and returns it without a byte
// order mark. On failure it returns the error and the 1-based line it
// concerns (0 for the whole file).
func CheckText(data []byte) ([]byte, int, error) {
	if bytes.IndexByte(data, 0) >= 0 {
		return nil, 0, ErrBinary
	}
	data = TrimBOM(data)
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, 0, ErrEmpty
	}
	if !utf8.Valid(data) {
		return nil, LineAt(data, InvalidUTF8At(data)), ErrUTF8
	}
	return data, 0, nil
}

// InvalidUTF8At returns the offset of the first byte of b that is not part
// of valid UTF-8, or -1.
func InvalidUTF8At(b []byte) int {
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

// LineAt returns the 1-based line of the byte at offset off in data.
func LineAt(data []byte, off int) int {
	off = min(max(off, 0), len(data))
	return 1 + bytes.Count(data[:off], []byte("\n"))
}
