// Package pdf reads the text and metadata of PDF files into one document
// each.
//
// PDF reading is split in two. pdfcpu (Apache-2.0, pure Go) reads the file
// structure: the cross-reference table (repairing a broken one), object
// streams, stream filters, and decryption of files that open without a
// password. It has resource limits and stops when its context is cancelled.
// It does not extract text, so this package interprets the page content
// streams itself: the text operators, the fonts and their encodings
// (standard encodings, Differences, ToUnicode CMaps, composite fonts), and a
// layout analysis that puts the glyphs back into lines, columns and
// paragraphs in reading order.
//
// # Files
//
//   - pdf.go: the entry point, its errors and limits.
//   - objects.go: the file structure, read by pdfcpu: objects, streams and
//     the inflate budget, the page tree.
//   - document.go: from pages to a document: the body and the title.
//   - metadata.go: the Info dictionary, XMP and the catalog.
//   - lexer.go: the tokens of content streams.
//   - content.go: the text operators of content streams, and forms.
//   - fonts.go: fonts, their widths and their encodings.
//   - cmap.go: ToUnicode CMaps and the encodings of composite fonts.
//   - encodings.go: glyph names and the simple encodings.
//   - layout.go: glyphs to lines, lines to reading order and paragraphs.
package pdf

import (
	"bytes"
	"context"
	"errors"
	"fmt"

	"github.com/fundus-kb/fundus/indexer/parse/record"
)

// Failures of the PDF parser. They reach callers wrapped in an *record.Error.
var (
	errEmpty     = record.ErrEmpty
	errNotPDF    = errors.New("not a PDF file: no %PDF header")
	errEncrypted = errors.New("encrypted PDFs are not supported")
	errNoText    = record.ErrNoText
	errCorrupt   = errors.New("corrupt PDF")
	// errInternal reports a bug in this package: a panic outside pdfcpu.
	errInternal = errors.New("internal error reading PDF")
)

// Limits that keep a hostile or broken PDF from taking unbounded time or
// memory. A document that reaches the operator, glyph or text limits keeps
// the text read so far and is marked "truncated" in its metadata.
const (
	maxPages         = 20000
	maxObjects       = 2_000_000
	maxOps           = 20_000_000 // content stream tokens, forms included
	maxPageGlyphs    = 200_000
	maxBody          = 32 << 20 // bytes of extracted text
	maxStream        = 64 << 20 // one decoded stream
	maxFormDepth     = 12
	maxOperands      = 64
	maxNesting       = 32 // arrays and dictionaries in content streams
	maxArray         = 1 << 16
	maxCMapEntries   = 1 << 18
	maxOrderLines    = 600 // larger pages are ordered top to bottom
	maxMergeLines    = 4000
	maxTitle         = 200
	maxPageTreeDepth = 64
)

// The inflate budget of one PDF: its streams may decode to at most
// inflateRatio times the file's size, but always to inflateFloor and
// never past inflateCap. Text PDFs decode to 1 to 5 times their size
// (fonts and images, most of a file, are not decoded); a compression bomb
// (zeros) to about 1,000 times.
const (
	inflateRatio = 20
	inflateFloor = 32 << 20
	inflateCap   = 256 << 20
)

// InflateBudget returns how many bytes the streams of a PDF file of size
// bytes may inflate to, all together.
func InflateBudget(size int) int64 {
	return min(max(int64(size)*inflateRatio, inflateFloor), inflateCap)
}

// ErrInflate reports a PDF whose streams inflate past its budget; it
// reaches callers wrapped in an *InflateError.
var ErrInflate = errors.New("inflates past its budget")

// InflateError reports a PDF whose streams inflate past Budget bytes.
type InflateError struct{ Budget int64 }

func (e *InflateError) Error() string {
	return fmt.Sprintf("inflates past %d MB (a PDF's streams may inflate to %d times its size, at least %d MB, at most %d MB)",
		e.Budget>>20, inflateRatio, inflateFloor>>20, inflateCap>>20)
}

func (e *InflateError) Unwrap() error { return ErrInflate }

// Layout thresholds, as fractions of the font size.
const (
	wordGap  = 0.12 // a wider gap between glyphs is a space
	splitGap = 0.8  // a wider gap splits a line into two fragments
)

// Parse parses a PDF file into one document: the text of its pages in
// reading order, paragraphs separated by blank lines; the title, authors,
// creation date, subject, keywords and language from the document's
// metadata (the Info dictionary, its XMP metadata and the catalog's /Lang).
// Without a usable title in the metadata, the first page's largest line is
// the title if it stands out, else the first line.
//
// It reports an empty file, a file without a %PDF header, an encrypted file
// that needs a password, a corrupt file and a PDF without any text (a scan),
// each with no record. Files encrypted with an empty user password (only
// their permissions are restricted) are read like any other.
//
// Reading stops soon after ctx ends: pdfcpu checks it while it reads the
// file, the page tree walk every 1,024 nodes, the text extraction at every
// page and every 1,024 content stream tokens. At the deadline the document
// keeps the text of the pages read so far and is marked truncated (without
// any, the parse fails with [record.ErrTooLong]); a cancelled parse fails
// with ctx's error.
func Parse(ctx context.Context, path string, data []byte) (recs []record.Record, errs []error) {
	if err := check(data); err != nil {
		return record.Fail(path, 0, err)
	}
	defer func() {
		if r := recover(); r != nil {
			recs, errs = record.Fail(path, 0, fmt.Errorf("%w: %v", errInternal, r))
		}
	}()
	d, err := open(ctx, data)
	if err != nil {
		return record.Fail(path, 0, err)
	}
	doc, err := d.document()
	if errors.Is(err, record.ErrNoText) {
		// Ingested with its metadata, and reported.
		return []record.Record{{Doc: doc, Raw: data}}, []error{&record.Error{Path: path, Err: err}}
	}
	if err != nil {
		return record.Fail(path, 0, err)
	}
	return []record.Record{{Doc: doc, Raw: data}}, nil
}

// check rejects inputs that are empty or plainly not PDF. Readers accept
// a header anywhere in the first kilobyte.
func check(data []byte) error {
	if len(bytes.TrimSpace(data)) == 0 {
		return errEmpty
	}
	if !bytes.Contains(data[:min(len(data), 1024)], []byte("%PDF-")) {
		return errNotPDF
	}
	return nil
}
