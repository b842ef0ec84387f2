// Package jsonl parses JSON and JSON Lines files: a JSON object is one
// document, a JSON array or a JSON Lines file one document per object.
// Objects are read with record.FromMap, and nesting is bounded by
// [MaxDepth] before decoding.
package jsonl

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"unicode/utf8"

	"github.com/fundus-kb/fundus/indexer/parse/record"
	"github.com/fundus-kb/fundus/search"
)

// MaxLineBytes bounds one JSON Lines record. A longer line is reported,
// not read.
const MaxLineBytes = 16 << 20

// JSON parses a JSON file holding one object, which yields one record with
// Raw set to data, or an array of objects, which yields a record per
// element with Suffix "#<index>" (0-based), Line the line the element starts
// on and Raw its bytes. An element that is not an object, or whose fields
// have the wrong shape, is an error of its own; the other elements are
// still returned. Objects are read with FromMap; numbers keep their digits.
func JSON(ctx context.Context, path string, data []byte) ([]record.Record, []error) {
	src, line, err := record.CheckText(data)
	if err != nil {
		return record.Fail(path, line, err)
	}
	if line := tooDeep(src, MaxDepth); line > 0 {
		return record.Fail(path, line, &record.NestingError{What: "arrays and objects", Limit: MaxDepth, Line: line})
	}
	// Check the whole file first: a syntax error anywhere fails the file.
	var whole json.RawMessage
	if err := json.Unmarshal(src, &whole); err != nil {
		var se *json.SyntaxError
		if errors.As(err, &se) {
			return record.Fail(path, record.LineAt(src, int(se.Offset)-1), fmt.Errorf("invalid JSON: %v", se))
		}
		return record.Fail(path, 0, fmt.Errorf("invalid JSON: %v", err))
	}

	switch whole[0] {
	case '{':
		doc, err := decodeDoc(whole)
		if err != nil {
			return record.Fail(path, record.LineAt(src, bytes.IndexByte(src, '{')), err)
		}
		return []record.Record{{Doc: doc, Raw: data}}, nil
	case '[':
	default:
		return record.Fail(path, 0, fmt.Errorf("want an object or an array of objects, got %s", kindOf(whole)))
	}

	dec := json.NewDecoder(bytes.NewReader(src))
	if _, err := dec.Token(); err != nil { // the '['
		return record.Fail(path, 0, fmt.Errorf("invalid JSON: %v", err))
	}
	var recs []record.Record
	var errs []error
	for i := 0; dec.More(); i++ {
		var el json.RawMessage
		if err := dec.Decode(&el); err != nil {
			// Cannot happen after json.Unmarshal accepted src.
			errs = append(errs, &record.Error{Path: path, Err: fmt.Errorf("element %d: invalid JSON: %v", i, err)})
			break
		}
		start := int(dec.InputOffset()) - len(el)
		line := record.LineAt(src, start)
		if el[0] != '{' {
			errs = append(errs, &record.Error{Path: path, Line: line, Err: fmt.Errorf("element %d: want an object, got %s", i, kindOf(el))})
			continue
		}
		doc, err := decodeDoc(el)
		if err != nil {
			errs = append(errs, &record.Error{Path: path, Line: line, Err: fmt.Errorf("element %d: %w", i, err)})
			continue
		}
		recs = append(recs, record.Record{Doc: doc, Suffix: "#" + strconv.Itoa(i), Line: line, Raw: el})
	}
	return recs, errs
}

// Lines parses a JSON Lines file: one object a line, blank lines
// skipped. Each object yields a record with Suffix "#<line>", Line its
// 1-based line and Raw the line without its line break. A line that cannot
// be read is an error of its own, and so is a line longer than MaxLineBytes,
// which is not decoded; the other lines are still returned. A file with NUL
// bytes fails as a whole, as a binary file.
func Lines(ctx context.Context, path string, data []byte) ([]record.Record, []error) {
	if bytes.IndexByte(data, 0) >= 0 {
		return record.Fail(path, 0, record.ErrBinary)
	}
	src := record.TrimBOM(data)
	if len(bytes.TrimSpace(src)) == 0 {
		return record.Fail(path, 0, record.ErrEmpty)
	}
	var recs []record.Record
	var errs []error
	for off, n := 0, 1; off < len(src); n++ {
		line := src[off:]
		if i := bytes.IndexByte(line, '\n'); i >= 0 {
			line = line[:i]
			off += i + 1
		} else {
			off = len(src)
		}
		line = bytes.TrimSuffix(line, []byte("\r"))
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		fail := func(err error) {
			errs = append(errs, &record.Error{Path: path, Line: n, Err: err})
		}
		if len(line) > MaxLineBytes {
			fail(fmt.Errorf("line is %d bytes, over the limit of %d bytes", len(line), MaxLineBytes))
			continue
		}
		if !utf8.Valid(line) {
			fail(fmt.Errorf("%w at column %d", record.ErrUTF8, record.InvalidUTF8At(line)+1))
			continue
		}
		if tooDeep(line, MaxDepth) > 0 {
			fail(&record.NestingError{What: "arrays and objects", Limit: MaxDepth, Line: n})
			continue
		}
		doc, err := decodeDoc(line)
		if err != nil {
			fail(err)
			continue
		}
		recs = append(recs, record.Record{Doc: doc, Suffix: "#" + strconv.Itoa(n), Line: n, Raw: line})
	}
	return recs, errs
}

// MaxDepth bounds the nesting of arrays and objects in a JSON or JSON
// Lines document. encoding/json stops at 10,000 levels; fields nested that
// deep would still reach the store, the index and the pages, which walk
// them recursively. No document's metadata needs more than a few levels.
const MaxDepth = 256

// tooDeep returns the 1-based line of src where arrays and objects
// nest more than limit levels deep, or 0. It reads strings and escapes but
// does not validate: src may be invalid JSON.
func tooDeep(src []byte, limit int) int {
	depth := 0
	inString := false
	for i := 0; i < len(src); i++ {
		c := src[i]
		switch {
		case inString:
			if c == '\\' {
				i++
			} else if c == '"' {
				inString = false
			}
		case c == '"':
			inString = true
		case c == '[' || c == '{':
			depth++
			if depth > limit {
				return record.LineAt(src, i)
			}
		case c == ']' || c == '}':
			depth--
		}
	}
	return 0
}

// decodeDoc decodes b, which must hold one JSON object and nothing else,
// into a Document. Numbers are decoded as json.Number, so they stay exact.
func decodeDoc(b []byte) (search.Document, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		var se *json.SyntaxError
		if errors.As(err, &se) {
			return search.Document{}, fmt.Errorf("invalid JSON at column %d: %v", max(se.Offset, 1), se)
		}
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			return search.Document{}, errors.New("invalid JSON: unexpected end of input")
		}
		return search.Document{}, fmt.Errorf("invalid JSON: %v", err)
	}
	if rest := b[dec.InputOffset():]; len(bytes.TrimSpace(rest)) > 0 {
		col := int(dec.InputOffset()) + len(rest) - len(bytes.TrimLeft(rest, " \t\r\n")) + 1
		return search.Document{}, fmt.Errorf("invalid JSON at column %d: data after the object", col)
	}
	m, ok := v.(map[string]any)
	if !ok {
		return search.Document{}, fmt.Errorf("want an object, got %s", kindOf(bytes.TrimSpace(b)))
	}
	return record.FromMap(m)
}

// kindOf names the kind of the JSON value b, which is valid JSON.
func kindOf(b []byte) string {
	switch b[0] {
	case '{':
		return "an object"
	case '[':
		return "an array"
	case '"':
		return "a string"
	case 't', 'f':
		return "a boolean"
	case 'n':
		return "null"
	}
	return "a number"
}
