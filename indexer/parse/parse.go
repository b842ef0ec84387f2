// Package parse turns input files into documents: Markdown with YAML front
// matter, HTML, PDF, JSON, JSON Lines and plain text, chosen by file
// extension.
//
// Parsers only read what an input says. They do not assign ids from paths,
// detect languages or check for duplicates: the indexer does that, because it
// knows the folder an input came from and what is already stored.
//
// # Limits
//
// A hostile file must not stall or crash the server, so every parse is
// bounded in time and memory, and what exceeds a bound is a named failure
// of that file:
//
//   - Time: File gives every parse [Timeout]. The PDF reader (pdfcpu and
//     this package's content interpreter) and the Markdown parser (goldmark,
//     through checking parsers, and the renderer) check the deadline inside
//     their loops and stop ([ErrTooLong]). x/net/html cannot be interrupted:
//     File bounds Markdown and HTML to [MaxMarkupBytes], which it parses
//     within the deadline at its slowest, and the HTML parser checks the
//     deadline between its phases. JSON and text parsers are linear and
//     fast, and need no deadline.
//   - Nesting: more than [MaxMarkdownDepth] levels of Markdown block quotes
//     and lists is a [*NestingError], found by a scan before goldmark sees
//     the text (goldmark's time grows with the square or cube of the depth);
//     so are more than MaxMarkdownDepth levels of emphasis and links, found
//     after goldmark (bounded by the markers below) and before rendering,
//     and JSON arrays and objects deeper than [MaxJSONDepth], found before
//     decoding. HTML deeper than x/net/html's 512 levels is read flattened.
//   - Markup: a Markdown file with more than [MaxMarkdownMarkers] emphasis,
//     link and code markers fails ([ErrTooMuchMarkup]): goldmark needs about
//     500 bytes of memory for each. So does an HTML page with more than
//     [MaxHTMLElements] tags ([ErrTooManyElements]): x/net/html needs about
//     340 bytes for each.
//   - Inflation: the streams of one PDF may inflate to at most a budget
//     derived from the file's size (see [PDFInflateBudget]); past it the
//     PDF fails ([ErrInflate]), or, when text was read before, keeps that
//     text and is marked truncated.
//
// How many files are parsed at once is the caller's choice (the indexer
// allows one per core).
package parse

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/fundus-kb/fundus/search"
)

// Size limits for inputs. A larger file or line is reported, not read.
const (
	MaxFileBytes = 256 << 20 // one input file
	MaxLineBytes = 16 << 20  // one JSON Lines record
)

// MaxMarkupBytes bounds Markdown and HTML files, whose parsers (goldmark,
// x/net/html) take the most time and memory per byte: at their slowest
// (HTML nested hundreds of levels deep) about 2 MB a second, and up to 20
// bytes of memory for each byte read. 32 MB is also the largest upload the
// server takes.
const MaxMarkupBytes = 32 << 20

// Timeout bounds the parse of one file; see File.
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

// ErrNoText is a warning, not a failure: the file (a scanned PDF) has no
// extractable text. Its record, holding what the metadata says, is
// returned along with the error and should be ingested.
var ErrNoText = errors.New("no text (scanned images?)")

// ErrUnsupported reports a file whose extension no parser handles.
var ErrUnsupported = errors.New("unsupported file type")

// Func parses the bytes of the file at path. It returns the records it could
// read and one error per record or file it could not; a file-level failure
// returns no records. Errors are *Error values naming path (and line).
// Parsers that can run long stop when ctx ends, with [ErrTooLong].
type Func func(ctx context.Context, path string, data []byte) ([]Record, []error)

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

// markupExt holds the extensions whose files MaxMarkupBytes bounds.
var markupExt = map[string]bool{".md": true, ".markdown": true, ".html": true, ".htm": true}

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
// the file's extension, within Timeout (or ctx's earlier deadline). A parse
// cut short by the deadline fails with [ErrTooLong]; one whose ctx was
// cancelled fails with ctx's error.
func File(ctx context.Context, path string, data []byte) ([]Record, []error) {
	f, ok := byExt[strings.ToLower(filepath.Ext(path))]
	if !ok {
		return nil, []error{&Error{Path: path, Err: ErrUnsupported}}
	}
	if len(data) > MaxFileBytes {
		return nil, []error{&Error{Path: path, Err: fmt.Errorf("file is %d bytes, over the limit of %d", len(data), MaxFileBytes)}}
	}
	if len(data) > MaxMarkupBytes && markupExt[strings.ToLower(filepath.Ext(path))] {
		return nil, []error{&Error{Path: path, Err: fmt.Errorf("file is %d bytes, over the limit of %d for Markdown and HTML", len(data), MaxMarkupBytes)}}
	}
	ctx, cancel := context.WithTimeoutCause(ctx, Timeout, ErrTooLong)
	defer cancel()
	return f(ctx, path, data)
}

// stopped returns the error for a parse whose ctx has ended: ErrTooLong at
// the deadline, else ctx's error.
func stopped(ctx context.Context) error {
	if errors.Is(context.Cause(ctx), ErrTooLong) || errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return ErrTooLong
	}
	return ctx.Err()
}
