// Package parse turns input files into documents: Markdown with YAML front
// matter, HTML, PDF, JSON, JSON Lines and plain text, chosen by file
// extension.
//
// Parsers only read what an input says. They do not assign ids from paths,
// detect languages or check for duplicates: the indexer does that, because it
// knows the folder an input came from and what is already stored.
package parse

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/fundus-kb/fundus/search"
)

// Size limits for inputs. A larger file or line is reported, not read.
const (
	MaxFileBytes = 256 << 20 // one input file
	MaxLineBytes = 16 << 20  // one JSON Lines record
)

// Record is one document read from an input.
type Record struct {
	// Doc holds the fields the input gives. Doc.ID is empty unless the
	// input names an id; Doc.Language is empty unless the input declares one.
	Doc search.Document
	// Suffix tells records of a multi-record file apart: "#<line>" (JSON
	// Lines, 1-based) or "#<index>" (JSON array, 0-based). It is "" for a
	// file that holds one document. A record without an id gets the file's
	// id plus this suffix.
	Suffix string
	// Line is the record's 1-based line in its file, or 0.
	Line int
	// Raw is the record's source bytes: the whole file for a one-document
	// file, the record's line or array element otherwise.
	Raw []byte
}

// Error is the failure to parse one input, or one record of it.
type Error struct {
	Path string
	Line int // 1-based; 0 when the failure is not tied to a line
	Err  error
}

func (e *Error) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %v", e.Path, e.Line, e.Err)
	}
	return fmt.Sprintf("%s: %v", e.Path, e.Err)
}

func (e *Error) Unwrap() error { return e.Err }

// ErrNoText is a warning, not a failure: the file (a scanned PDF) has no
// extractable text. Its record, holding what the metadata says, is
// returned along with the error and should be ingested.
var ErrNoText = errors.New("no text (scanned images?)")

// ErrUnsupported reports a file whose extension no parser handles.
var ErrUnsupported = errors.New("unsupported file type")

// Func parses the bytes of the file at path. It returns the records it could
// read and one error per record or file it could not; a file-level failure
// returns no records. Errors are *Error values naming path (and line).
type Func func(path string, data []byte) ([]Record, []error)

var byExt = map[string]Func{
	".md":       Markdown,
	".markdown": Markdown,
	".html":     HTML,
	".htm":      HTML,
	".json":     JSON,
	".jsonl":    JSONLines,
	".ndjson":   JSONLines,
	".txt":      Text,
	".pdf":      PDF,
}

// Supported reports whether a parser handles the file at path.
func Supported(path string) bool {
	_, ok := byExt[strings.ToLower(filepath.Ext(path))]
	return ok
}

// Extensions lists the file extensions with a parser, each with its dot.
func Extensions() []string {
	out := make([]string, 0, len(byExt))
	for ext := range byExt {
		out = append(out, ext)
	}
	return out
}

// File parses data, the contents of the file at path, with the parser for
// the file's extension.
func File(path string, data []byte) ([]Record, []error) {
	f, ok := byExt[strings.ToLower(filepath.Ext(path))]
	if !ok {
		return nil, []error{&Error{Path: path, Err: ErrUnsupported}}
	}
	if len(data) > MaxFileBytes {
		return nil, []error{&Error{Path: path, Err: fmt.Errorf("file is %d bytes, over the limit of %d", len(data), MaxFileBytes)}}
	}
	return f(path, data)
}
