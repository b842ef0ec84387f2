// Package record holds what the format parsers under indexer/parse share:
// the [Record] a parser returns and the [Error] it reports, the errors and
// limits common to all formats, the normalisation of input fields to a
// search.Document ([FromMap]), and the checks that a file is UTF-8 text
// ([CheckText]).
//
// It exists apart from package parse, the registry, so that the format
// packages can use it while parse imports them.
package record

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/fundus-kb/fundus/search"
)

// Timeout bounds the parse of one file; see parse.File.
const Timeout = 30 * time.Second

// ErrTooLong reports a parse stopped at its deadline.
var ErrTooLong = fmt.Errorf("took too long (more than %v)", Timeout)

// NestingError reports an input nested more deeply than a parser allows.
type NestingError struct {
	What  string // "block quotes and lists", "emphasis and links", "arrays and objects"
	Limit int
	Line  int // 1-based line where the limit is passed
}

func (e *NestingError) Error() string {
	return fmt.Sprintf("too deeply nested (more than %d levels of %s at line %d)", e.Limit, e.What, e.Line)
}

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

// Fail is the result of a parse of path that fails as a whole: no records
// and one *Error, at line (0 when the failure is not tied to a line).
func Fail(path string, line int, err error) ([]Record, []error) {
	return nil, []error{&Error{Path: path, Line: line, Err: err}}
}

// ErrNoText is a warning, not a failure: the file (a scanned PDF) has no
// extractable text. Its record, holding what the metadata says, is
// returned along with the error and should be ingested.
var ErrNoText = errors.New("no text (scanned images?)")

// Stopped returns the error for a parse whose ctx has ended: ErrTooLong at
// the deadline, else ctx's error.
func Stopped(ctx context.Context) error {
	if errors.Is(context.Cause(ctx), ErrTooLong) || errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return ErrTooLong
	}
	return ctx.Err()
}
