// Package parse turns input files into documents: Markdown with YAML front
// matter, HTML, PDF, JSON, JSON Lines and plain text, chosen by file
// extension.
//
// # Layout
//
// This package is the registry: [File] picks the parser for a file's
// extension, bounds its size and time, and calls it. Each format is a
// package of its own, with an entry point of the [Func] type:
//
//   - [github.com/fundus-kb/fundus/indexer/parse/markdown]: Markdown with
//     YAML front matter (goldmark).
//   - [github.com/fundus-kb/fundus/indexer/parse/html]: HTML pages, their
//     main content and metadata (x/net/html, goquery).
//   - [github.com/fundus-kb/fundus/indexer/parse/pdf]: PDF files (pdfcpu for
//     the file structure, its own content stream interpreter for the text).
//   - [github.com/fundus-kb/fundus/indexer/parse/jsonl]: JSON and JSON Lines.
//   - [github.com/fundus-kb/fundus/indexer/parse/text]: plain text.
//
// What they share, the [Record] and [Error] types, the common errors and
// the normalisation of input fields (FromMap), is package
// [github.com/fundus-kb/fundus/indexer/parse/record]; this package gives
// its types and errors their names here, so that callers need only parse.
// The formats' tests share their helpers in internal/parsetest;
// internal/pdfgen writes the generated PDF fixtures.
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
//     package pdf's content interpreter) and the Markdown parser (goldmark,
//     through checking parsers, and the renderer) check the deadline inside
//     their loops and stop ([ErrTooLong]). x/net/html cannot be interrupted:
//     File bounds Markdown and HTML to [MaxMarkupBytes], which it parses
//     within the deadline at its slowest, and the HTML parser checks the
//     deadline between its phases. JSON and text parsers are linear and
//     fast, and need no deadline.
//   - Nesting: more than [markdown.MaxDepth] levels of Markdown block quotes
//     and lists is a [*record.NestingError], found by a scan before goldmark sees
//     the text (goldmark's time grows with the square or cube of the depth);
//     so are more than markdown.MaxDepth levels of emphasis and links, found
//     after goldmark (bounded by the markers below) and before rendering,
//     and JSON arrays and objects deeper than [jsonl.MaxDepth], found before
//     decoding. HTML deeper than x/net/html's 512 levels is read flattened.
//   - Markup: a Markdown file with more than [markdown.MaxMarkers] emphasis,
//     link and code markers fails ([markdown.ErrTooMuchMarkup]): goldmark needs about
//     500 bytes of memory for each. So does an HTML page with more than
//     [html.MaxElements] tags ([html.ErrTooManyElements]): x/net/html needs about
//     340 bytes for each.
//   - Inflation: the streams of one PDF may inflate to at most a budget
//     derived from the file's size (see [pdf.InflateBudget]); past it the
//     PDF fails ([pdf.ErrInflate]), or, when text was read before, keeps that
//     text and is marked truncated.
//
// How many files are parsed at once is the caller's choice (the indexer
// allows one per core).
package parse

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"path/filepath"
	"slices"
	"strings"

	"github.com/fundus-kb/fundus/indexer/parse/html"
	"github.com/fundus-kb/fundus/indexer/parse/jsonl"
	"github.com/fundus-kb/fundus/indexer/parse/markdown"
	"github.com/fundus-kb/fundus/indexer/parse/pdf"
	"github.com/fundus-kb/fundus/indexer/parse/record"
	"github.com/fundus-kb/fundus/indexer/parse/text"
)

// Size limits for inputs. A larger file or line is reported, not read.
const (
	MaxFileBytes = 256 << 20          // one input file
	MaxLineBytes = jsonl.MaxLineBytes // one JSON Lines record
)

// MaxMarkupBytes bounds Markdown and HTML files, whose parsers (goldmark,
// x/net/html) take the most time and memory per byte: at their slowest
// (HTML nested hundreds of levels deep) about 2 MB a second, and up to 20
// bytes of memory for each byte read. 32 MB is also the largest upload the
// server takes.
const MaxMarkupBytes = 32 << 20

// Timeout bounds the parse of one file; see File.
const Timeout = record.Timeout

// The types and errors the parsers share, named here for callers; see
// package record.
type (
	Record       = record.Record
	Error        = record.Error
	FieldError   = record.FieldError
	NestingError = record.NestingError
)

var (
	// ErrTooLong reports a parse stopped at its deadline.
	ErrTooLong = record.ErrTooLong
	// ErrNoText is a warning, not a failure: the file (a scanned PDF) has
	// no extractable text. Its record, holding what the metadata says, is
	// returned along with the error and should be ingested.
	ErrNoText = record.ErrNoText
)

// ErrUnsupported reports a file whose extension no parser handles.
var ErrUnsupported = errors.New("unsupported file type")

// Func parses the bytes of the file at path. It returns the records it could
// read and one error per record or file it could not; a file-level failure
// returns no records. Errors are *Error values naming path (and line).
// Parsers that can run long stop when ctx ends, with [ErrTooLong].
type Func func(ctx context.Context, path string, data []byte) ([]Record, []error)

var byExt = map[string]Func{
	".md":       markdown.Parse,
	".markdown": markdown.Parse,
	".html":     html.Parse,
	".htm":      html.Parse,
	".json":     jsonl.JSON,
	".jsonl":    jsonl.Lines,
	".ndjson":   jsonl.Lines,
	".txt":      text.Parse,
	".pdf":      pdf.Parse,
}

// markupExt holds the extensions whose files MaxMarkupBytes bounds.
var markupExt = map[string]bool{".md": true, ".markdown": true, ".html": true, ".htm": true}

// Supported reports whether a parser handles the file at path.
func Supported(path string) bool {
	_, ok := byExt[strings.ToLower(filepath.Ext(path))]
	return ok
}

// Extensions lists the file extensions with a parser, each with its dot,
// in sorted order.
func Extensions() []string {
	return slices.Sorted(maps.Keys(byExt))
}

// File parses data, the contents of the file at path, with the parser for
// the file's extension, within Timeout (or ctx's earlier deadline). A parse
// cut short by the deadline fails with [ErrTooLong]; one whose ctx was
// cancelled fails with ctx's error.
func File(ctx context.Context, path string, data []byte) ([]Record, []error) {
	f, ok := byExt[strings.ToLower(filepath.Ext(path))]
	if !ok {
		return record.Fail(path, 0, ErrUnsupported)
	}
	if len(data) > MaxFileBytes {
		return record.Fail(path, 0, fmt.Errorf("file is %d bytes, over the limit of %d", len(data), MaxFileBytes))
	}
	if len(data) > MaxMarkupBytes && markupExt[strings.ToLower(filepath.Ext(path))] {
		return record.Fail(path, 0, fmt.Errorf("file is %d bytes, over the limit of %d for Markdown and HTML", len(data), MaxMarkupBytes))
	}
	ctx, cancel := context.WithTimeoutCause(ctx, Timeout, ErrTooLong)
	defer cancel()
	return f(ctx, path, data)
}
