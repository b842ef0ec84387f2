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
package pdf

import (
	"bytes"
	"compress/zlib"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"math"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/pdfcpu/pdfcpu/pkg/filter"
	"github.com/pdfcpu/pdfcpu/pkg/font"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/types"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/unicode/norm"

	"github.com/fundus-kb/fundus/indexer/parse/record"
	"github.com/fundus-kb/fundus/search"
)

func init() {
	// pdfcpu's default configuration otherwise creates a configuration
	// directory in the user's home on first use.
	model.ConfigPath = "disable"
}

// Failures of the PDF parser. They reach callers wrapped in an *record.Error.
var (
	errPDFEmpty     = errors.New("empty file")
	errPDFNotPDF    = errors.New("not a PDF file: no %PDF header")
	errPDFEncrypted = errors.New("encrypted PDFs are not supported")
	errPDFNoText    = record.ErrNoText
	errPDFCorrupt   = errors.New("corrupt PDF")
	// errPDFInternal reports a bug in this file: a panic outside pdfcpu.
	errPDFInternal = errors.New("internal error reading PDF")
)

// Limits that keep a hostile or broken PDF from taking unbounded time or
// memory. A document that reaches the operator, glyph or text limits keeps
// the text read so far and is marked "truncated" in its metadata.
const (
	pdfMaxPages         = 20000
	pdfMaxObjects       = 2_000_000
	pdfMaxOps           = 20_000_000 // content stream tokens, forms included
	pdfMaxPageGlyphs    = 200_000
	pdfMaxBody          = 32 << 20 // bytes of extracted text
	pdfMaxStream        = 64 << 20 // one decoded stream
	pdfMaxFormDepth     = 12
	pdfMaxOperands      = 64
	pdfMaxNesting       = 32 // arrays and dictionaries in content streams
	pdfMaxArray         = 1 << 16
	pdfMaxCMapEntries   = 1 << 18
	pdfMaxOrderLines    = 600 // larger pages are ordered top to bottom
	pdfMaxMergeLines    = 4000
	pdfMaxTitle         = 200
	pdfMaxPageTreeDepth = 64
)

// The inflate budget of one PDF: its streams may decode to at most
// pdfInflateRatio times the file's size, but always to pdfInflateFloor and
// never past pdfInflateCap. Text PDFs decode to 1 to 5 times their size
// (fonts and images, most of a file, are not decoded); a compression bomb
// (zeros) to about 1,000 times.
const (
	pdfInflateRatio = 20
	pdfInflateFloor = 32 << 20
	pdfInflateCap   = 256 << 20
)

// InflateBudget returns how many bytes the streams of a PDF file of size
// bytes may inflate to, all together.
func InflateBudget(size int) int64 {
	return min(max(int64(size)*pdfInflateRatio, pdfInflateFloor), pdfInflateCap)
}

// ErrInflate reports a PDF whose streams inflate past its budget; it
// reaches callers wrapped in an *InflateError.
var ErrInflate = errors.New("inflates past its budget")

// InflateError reports a PDF whose streams inflate past Budget bytes.
type InflateError struct{ Budget int64 }

func (e *InflateError) Error() string {
	return fmt.Sprintf("inflates past %d MB (a PDF's streams may inflate to %d times its size, at least %d MB, at most %d MB)",
		e.Budget>>20, pdfInflateRatio, pdfInflateFloor>>20, pdfInflateCap>>20)
}

func (e *InflateError) Unwrap() error { return ErrInflate }

// Layout thresholds, as fractions of the font size.
const (
	pdfWordGap  = 0.12 // a wider gap between glyphs is a space
	pdfSplitGap = 0.8  // a wider gap splits a line into two fragments
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
func Parse(ctx context.Context, path string, data []byte) (recs []record.Record, errs []error) {
	fail := func(err error) ([]record.Record, []error) {
		return nil, []error{&record.Error{Path: path, Err: err}}
	}
	if err := pdfCheck(data); err != nil {
		return fail(err)
	}
	defer func() {
		if r := recover(); r != nil {
			recs, errs = fail(fmt.Errorf("%w: %v", errPDFInternal, r))
		}
	}()
	d, err := pdfOpen(ctx, data)
	if err != nil {
		return fail(err)
	}
	doc, err := d.document()
	if errors.Is(err, record.ErrNoText) {
		// Ingested with its metadata, and reported.
		return []record.Record{{Doc: doc, Raw: data}}, []error{&record.Error{Path: path, Err: err}}
	}
	if err != nil {
		return fail(err)
	}
	return []record.Record{{Doc: doc, Raw: data}}, nil
}

// pdfCheck rejects inputs that are empty or plainly not PDF. Readers accept
// a header anywhere in the first kilobyte.
func pdfCheck(data []byte) error {
	if len(bytes.TrimSpace(data)) == 0 {
		return errPDFEmpty
	}
	if !bytes.Contains(data[:min(len(data), 1024)], []byte("%PDF-")) {
		return errPDFNotPDF
	}
	return nil
}

// ---------------------------------------------------------------------------
// The document: pdfcpu's model, objects, pages, streams.

// pdfDoc is one PDF being read.
type pdfDoc struct {
	ctx       *model.Context
	stopCtx   context.Context // reading stops when it ends
	ops       int
	decoded   int64
	inflate   int64 // bytes all streams may inflate to; see InflateBudget
	streams   map[int][]byte
	fonts     map[pdfFontKey]*pdfFont
	truncated bool  // a limit was reached
	stop      error // set when reading must stop (deadline, inflate budget)
}

type pdfFontKey struct {
	obj  int
	dict uintptr // the font resource dictionary of a direct font
	name string
}

func pdfOpen(stop context.Context, data []byte) (*pdfDoc, error) {
	budget := InflateBudget(len(data))
	ctx, err := pdfRead(stop, data, budget)
	switch {
	case err == nil && ctx != nil:
	case errors.Is(err, pdfcpu.ErrWrongPassword):
		return nil, errPDFEncrypted
	case stop.Err() != nil:
		return nil, record.Stopped(stop)
	case errors.Is(err, filter.ErrDecodeLimitExceeded):
		return nil, &InflateError{Budget: budget}
	case pdfEncryptRe.Match(data):
		// pdfcpu could not read an encrypted file: an unsupported
		// security handler or a broken encryption dictionary.
		return nil, fmt.Errorf("%w (%v)", errPDFEncrypted, err)
	case err == nil:
		return nil, errPDFCorrupt
	default:
		return nil, fmt.Errorf("%w: %v", errPDFCorrupt, err)
	}
	return &pdfDoc{
		ctx:     ctx,
		stopCtx: stop,
		inflate: budget,
		streams: map[int][]byte{},
		fonts:   map[pdfFontKey]*pdfFont{},
	}, nil
}

// pdfEncryptRe finds the encryption entry of a trailer dictionary.
var pdfEncryptRe = regexp.MustCompile(`/Encrypt\s*(?:\d+\s+\d+\s+R|<<)`)

// pdfRead reads the file structure. pdfcpu decodes object and
// cross-reference streams as it reads; each may inflate to the budget.
func pdfRead(stop context.Context, data []byte, budget int64) (ctx *model.Context, err error) {
	defer pdfRecoverLib(&err)
	conf := model.NewDefaultConfiguration()
	conf.ValidationMode = model.ValidationRelaxed
	conf.Limits.MaxDecodeBytes = min(pdfMaxStream, budget)
	conf.Limits.MaxObjectCount = pdfMaxObjects
	conf.Limits.MaxXRefEntries = pdfMaxObjects
	return pdfcpu.ReadWithContext(stop, bytes.NewReader(data), conf)
}

// pdfRecoverLib turns a panic in pdfcpu into an error. Every call into
// pdfcpu goes through a function that defers it, so that a panic anywhere
// else is a bug of this file (see errPDFInternal).
func pdfRecoverLib(err *error) {
	if r := recover(); r != nil {
		*err = fmt.Errorf("%w: %v", errPDFCorrupt, r)
	}
}

// budget counts one content token and reports whether reading must stop.
func (d *pdfDoc) budget() bool {
	d.ops++
	if d.ops > pdfMaxOps {
		d.truncated = true
		return true
	}
	if d.ops&1023 == 0 && d.stopCtx.Err() != nil {
		d.truncated = true
		d.stop = record.Stopped(d.stopCtx)
	}
	return d.stop != nil
}

// resolve follows indirect references. A missing object is nil.
func (d *pdfDoc) resolve(o types.Object) (out types.Object) {
	var err error
	defer pdfRecoverLib(&err)
	for range 16 {
		ref, ok := o.(types.IndirectRef)
		if !ok {
			return o
		}
		o, err = d.ctx.Dereference(ref)
		if err != nil {
			return nil
		}
	}
	return nil
}

func (d *pdfDoc) dict(o types.Object) types.Dict {
	switch v := d.resolve(o).(type) {
	case types.Dict:
		return v
	case types.StreamDict:
		return v.Dict
	}
	return nil
}

func (d *pdfDoc) array(o types.Object) types.Array {
	a, _ := d.resolve(o).(types.Array)
	return a
}

func (d *pdfDoc) name(o types.Object) string {
	n, _ := d.resolve(o).(types.Name)
	return string(n)
}

func (d *pdfDoc) num(o types.Object) (float64, bool) {
	switch v := d.resolve(o).(type) {
	case types.Integer:
		return float64(v), true
	case types.Float:
		f := float64(v)
		return f, !math.IsNaN(f) && !math.IsInf(f, 0)
	}
	return 0, false
}

// text decodes a text string: UTF-16BE or UTF-8 with a byte order mark,
// else PDFDocEncoding.
func (d *pdfDoc) text(o types.Object) string {
	o = d.resolve(o)
	if o == nil {
		return ""
	}
	s, err := pdfText(o)
	if err != nil {
		return ""
	}
	return pdfCleanMeta(s)
}

func pdfText(o types.Object) (s string, err error) {
	defer pdfRecoverLib(&err)
	return model.Text(o)
}

// matrix reads six numbers.
func (d *pdfDoc) matrix(o types.Object) (pdfMatrix, bool) {
	a := d.array(o)
	if len(a) != 6 {
		return pdfIdentity, false
	}
	var m pdfMatrix
	for i, v := range a {
		f, ok := d.num(v)
		if !ok {
			return pdfIdentity, false
		}
		m[i] = f
	}
	return m, true
}

// streamData returns the decoded data of a stream, or nil.
func (d *pdfDoc) streamData(o types.Object) []byte {
	nr := -1
	if ref, ok := o.(types.IndirectRef); ok {
		nr = ref.ObjectNumber.Value()
		if b, ok := d.streams[nr]; ok {
			return b
		}
	}
	sd, ok := d.resolve(o).(types.StreamDict)
	if !ok {
		return nil
	}
	if d.stop != nil {
		return nil
	}
	left := d.inflate - d.decoded
	b, over := pdfDecode(&sd, min(pdfMaxStream, left), left > pdfMaxStream)
	switch {
	case over && left <= pdfMaxStream:
		// Past the document's budget: a compression bomb. Reading stops.
		d.truncated = true
		d.stop = &InflateError{Budget: d.inflate}
		return nil
	case over:
		// Past the limit of one stream: keep its start.
		d.truncated = true
	}
	d.decoded += int64(len(b))
	if nr >= 0 {
		d.streams[nr] = b
	}
	return b
}

// pdfDecode decodes a stream to at most limit bytes; over reports a stream
// that inflates past limit, with, if keep, the first limit bytes of a Flate
// stream. A truncated or corrupt Flate stream, common in damaged files,
// yields what could be inflated.
func pdfDecode(sd *types.StreamDict, limit int64, keep bool) (out []byte, over bool) {
	flateOnly := len(sd.FilterPipeline) == 1 && sd.FilterPipeline[0].Name == "FlateDecode" && sd.FilterPipeline[0].DecodeParms == nil
	if flateOnly && !keep && int64(len(sd.Raw))*pdfMaxFlateRatio > limit && pdfInflatesPast(sd.Raw, limit) {
		// Found without holding the output: pdfcpu would buffer up to
		// twice the limit before it gives up.
		return nil, true
	}
	b, err := pdfDecodeLib(sd, limit)
	if err == nil {
		return b, false
	}
	over = errors.Is(err, filter.ErrDecodeLimitExceeded)
	if over && !keep {
		return nil, true
	}
	if len(sd.FilterPipeline) != 1 || sd.FilterPipeline[0].Name != "FlateDecode" || sd.FilterPipeline[0].DecodeParms != nil {
		return nil, over
	}
	zr, zerr := zlib.NewReader(bytes.NewReader(sd.Raw))
	if zerr != nil {
		return nil, over
	}
	buf := bytes.NewBuffer(make([]byte, 0, min(limit, 1<<20)))
	n, _ := io.Copy(buf, io.LimitReader(zr, limit+1))
	if n > limit {
		return buf.Bytes()[:limit], true
	}
	return buf.Bytes(), over
}

// pdfMaxFlateRatio is the most a Flate stream can inflate, per byte.
const pdfMaxFlateRatio = 1032

// pdfInflatesPast reports whether the zlib stream raw inflates to more than
// limit bytes, counting them without keeping them.
func pdfInflatesPast(raw []byte, limit int64) bool {
	zr, err := zlib.NewReader(bytes.NewReader(raw))
	if err != nil {
		return false
	}
	n, _ := io.Copy(io.Discard, io.LimitReader(zr, limit+1))
	return n > limit
}

func pdfDecodeLib(sd *types.StreamDict, limit int64) (b []byte, err error) {
	defer pdfRecoverLib(&err)
	return sd.DecodeLengthWithLimit(-1, limit)
}

// pdfPage is a page dictionary and its (inherited) resources.
type pdfPage struct {
	dict, res types.Dict
}

// pages walks the page tree in order, skipping loops.
func (d *pdfDoc) pages() []pdfPage {
	root, err := d.catalog()
	if err != nil || root == nil {
		return nil
	}
	type frame struct {
		o     types.Object
		res   types.Dict
		depth int
	}
	var out []pdfPage
	seen := map[int]bool{}
	stack := []frame{{o: root["Pages"]}}
	for len(stack) > 0 && len(out) < pdfMaxPages {
		f := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if ref, ok := f.o.(types.IndirectRef); ok {
			if seen[ref.ObjectNumber.Value()] {
				continue
			}
			seen[ref.ObjectNumber.Value()] = true
		}
		node := d.dict(f.o)
		if node == nil {
			continue
		}
		res := f.res
		if r := d.dict(node["Resources"]); r != nil {
			res = r
		}
		kids := d.array(node["Kids"])
		if d.name(node["Type"]) == "Page" || kids == nil {
			if node["Contents"] != nil || d.name(node["Type"]) == "Page" {
				out = append(out, pdfPage{dict: node, res: res})
			}
			continue
		}
		if f.depth >= pdfMaxPageTreeDepth {
			continue
		}
		for i := min(len(kids), pdfMaxPages) - 1; i >= 0; i-- {
			stack = append(stack, frame{o: kids[i], res: res, depth: f.depth + 1})
		}
	}
	return out
}

func (d *pdfDoc) catalog() (root types.Dict, err error) {
	defer pdfRecoverLib(&err)
	return d.ctx.Catalog()
}

// pageContent concatenates a page's content streams.
func (d *pdfDoc) pageContent(page types.Dict) []byte {
	c := page["Contents"]
	if a := d.array(c); a != nil {
		var out []byte
		for _, s := range a {
			out = append(out, d.streamData(s)...)
			out = append(out, '\n')
		}
		return out
	}
	return d.streamData(c)
}

// ---------------------------------------------------------------------------
// From pages to a document.

// pdfPageText is the text of one page: its paragraphs in reading order.
type pdfPageText struct {
	paras [][]*pdfLine
}

func (d *pdfDoc) document() (search.Document, error) {
	var doc search.Document
	meta := d.metadata()
	pages := d.pages()

	var first []pdfPageText // the pages up to the first with text, for the title
	var body []string
	bodyLen := 0
	sizes := map[float64]int{}
	for _, p := range pages {
		if d.stop == nil && d.stopCtx.Err() != nil {
			d.stop = record.Stopped(d.stopCtx)
		}
		if d.stop != nil || d.ops > pdfMaxOps || bodyLen > pdfMaxBody {
			d.truncated = true
			break
		}
		in := pdfInterp{d: d}
		in.gs = pdfGState{ctm: pdfIdentity, th: 1}
		in.run(d.pageContent(p.dict), p.res)
		pt := pdfPageText{paras: pdfLayout(in.glyphs)}
		for _, para := range pt.paras {
			for _, l := range para {
				sizes[math.Round(l.size*2)/2] += len(l.g)
			}
			t := pdfParaText(para)
			if t == "" {
				continue
			}
			body = pdfAppendPara(body, t)
			bodyLen += len(t) + 2
		}
		if len(first) == 0 || len(first[len(first)-1].paras) == 0 {
			first = append(first, pt)
		}
	}
	if d.stop != nil && bodyLen == 0 {
		return doc, d.stop
	}

	doc.Body = norm.NFC.String(strings.Join(body, "\n\n"))
	var noText error
	if !strings.ContainsFunc(doc.Body, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }) {
		// A scan: keep what the metadata says, and say there is no text.
		doc.Body, noText = "", record.ErrNoText
	}
	doc.Title = meta.title
	if doc.Title == "" {
		doc.Title = pdfGuessTitle(first, pdfBodySize(sizes))
	}
	doc.Summary = meta.summary
	doc.People = meta.people
	doc.Topics = meta.topics
	doc.Date = meta.date
	doc.Language = meta.lang
	doc.Metadata = map[string]any{"pages": len(pages)}
	if meta.producer != "" {
		doc.Metadata["producer"] = meta.producer
	}
	if meta.creatorTool != "" {
		doc.Metadata["creator_tool"] = meta.creatorTool
	}
	if d.truncated {
		doc.Metadata["truncated"] = true
	}
	if noText != nil {
		doc.Metadata["no_text"] = true
	}
	return doc, noText
}

// pdfAppendPara adds a paragraph to the body. A paragraph that ends with a
// hyphenated word continues in the next one (at a column or page break)
// when that one starts with a lowercase letter.
func pdfAppendPara(body []string, t string) []string {
	if n := len(body); n > 0 {
		if r, _ := utf8.DecodeRuneInString(t); !unicode.IsLower(r) {
			return append(body, t)
		}
		if joined, ok := pdfJoinHyphen(body[n-1], t); ok {
			body[n-1] = joined
			return body
		}
	}
	return append(body, t)
}

// pdfBodySize is the font size of most of the text.
func pdfBodySize(sizes map[float64]int) float64 {
	best, n := 0.0, 0
	for s, c := range sizes {
		if c > n || c == n && s < best {
			best, n = s, c
		}
	}
	return best
}

// pdfGuessTitle picks a title from the first page with text: its largest
// line when it is clearly larger than the body text, else its first line.
func pdfGuessTitle(pages []pdfPageText, bodySize float64) string {
	for _, p := range pages {
		if len(p.paras) == 0 {
			continue
		}
		var best []*pdfLine
		bestSize := 0.0
		seen := 0
		for _, para := range p.paras {
			for i, l := range para {
				seen++
				if l.size > bestSize*1.05 && pdfLetters(l.text()) >= 2 {
					bestSize = l.size
					best = para[i:]
				}
			}
			if seen > 40 {
				break
			}
		}
		if best != nil && bestSize >= bodySize*1.2 {
			// The lines of the title's paragraph in the title's size.
			n := 1
			for n < len(best) && n < 3 && best[n].size >= bestSize*0.9 {
				n++
			}
			if t := pdfTitleText(strings.TrimRight(pdfParaText(best[:n]), pdfFootnoteMarks)); t != "" {
				return t
			}
		}
		for _, para := range p.paras {
			for _, l := range para {
				if t := pdfTitleText(l.text()); t != "" {
					return t
				}
			}
		}
	}
	return ""
}

// pdfFootnoteMarks end a guessed title that has a footnote.
const pdfFootnoteMarks = "*∗†‡§¹²³ "

func pdfLetters(s string) int {
	n := 0
	for _, r := range s {
		if unicode.IsLetter(r) {
			n++
		}
	}
	return n
}

// pdfTitleText collapses white space and shortens a long title at a word
// boundary.
func pdfTitleText(s string) string {
	s = strings.Join(strings.Fields(norm.NFC.String(s)), " ")
	if len(s) <= pdfMaxTitle {
		return s
	}
	cut := s[:pdfMaxTitle]
	if i := strings.LastIndexByte(cut, ' '); i > pdfMaxTitle/2 {
		cut = cut[:i]
	}
	return strings.ToValidUTF8(cut, "")
}

// ---------------------------------------------------------------------------
// Metadata: the Info dictionary, XMP and the catalog.

type pdfMeta struct {
	title, summary, date, lang, producer, creatorTool string
	people, topics                                    []string
}

func (d *pdfDoc) metadata() pdfMeta {
	var m pdfMeta
	info := map[string]string{}
	if d.ctx.Info != nil {
		if dict := d.dict(*d.ctx.Info); dict != nil {
			for _, k := range []string{"Title", "Author", "Subject", "Keywords", "CreationDate", "Producer", "Creator"} {
				info[k] = d.text(dict[k])
			}
		}
	}
	var x pdfXMP
	root, _ := d.catalog()
	if root != nil {
		if b := d.streamData(root["Metadata"]); len(b) > 0 && len(b) < 4<<20 {
			x = pdfParseXMP(b)
		}
		m.lang = d.text(root["Lang"])
	}

	for _, t := range []string{x.title, info["Title"]} {
		if t = pdfTitleText(t); t != "" && !pdfJunkTitle(t) {
			m.title = t
			break
		}
	}
	m.people = x.creators
	if len(m.people) == 0 {
		m.people = pdfSplitNames(info["Author"])
	}
	m.people = slices.DeleteFunc(m.people, pdfJunkAuthor)
	m.summary = pdfOr(info["Subject"], x.description)
	if kw := pdfOr(info["Keywords"], x.keywords); kw != "" {
		m.topics = pdfSplitKeywords(kw)
	} else {
		m.topics = x.subjects
	}
	m.date = pdfDate(info["CreationDate"])
	if m.date == "" {
		m.date = pdfDate(x.createDate)
	}
	if m.lang == "" {
		m.lang = x.language
	}
	if search.NormalizeLanguage(m.lang) == "" {
		m.lang = ""
	}
	m.producer = pdfOr(info["Producer"], x.producer)
	m.creatorTool = pdfOr(info["Creator"], x.creatorTool)
	return m
}

// pdfOr returns the first non-empty string.
func pdfOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

var (
	pdfDateRe     = regexp.MustCompile(`^(?:D\s*:)?\s*(\d{4})(?:-?(\d{2}))?(?:-?(\d{2}))?`)
	pdfJunkTitles = regexp.MustCompile(`(?i)^(untitled|unbenannt|ohne titel|title|titel|document\d*|dokument\d*|microsoft (word|powerpoint) ?- .*|powerpoint[- ]pr(ä|ae|e)sentation|folie \d+|slide \d+|(layout|druck) ?\d*|.*\.(docx?|pptx?|xlsx?|odt|odp|rtf|pdf|indd|qxd|qxp|tex|dvi|ps|eps|ai|cdr|pub|pages|key|txt|html?))$`)
	pdfJunkNames  = map[string]bool{"administrator": true, "admin": true, "user": true, "benutzer": true,
		"windows user": true, "windows-benutzer": true, "microsoft office user": true,
		"microsoft office-anwender": true, "unknown": true, "owner": true, "author": true, "autor": true}
)

// pdfDate reads a PDF date ("D:20200327101500+01'00'") or an XMP date
// ("2020-03-27T10:15:00+01:00") as YYYY-MM-DD; "" when it is not one.
func pdfDate(s string) string {
	m := pdfDateRe.FindStringSubmatch(strings.TrimSpace(s))
	if m == nil {
		return ""
	}
	v := m[1]
	if m[2] != "" {
		v += "-" + m[2]
		if m[3] != "" {
			v += "-" + m[3]
		}
	}
	date, err := search.NormalizeDate(v)
	if err != nil {
		return ""
	}
	return date
}

// pdfJunkTitle tells titles that generators fill in (file names, "Untitled",
// "Microsoft Word - x.docx") from real ones.
func pdfJunkTitle(t string) bool {
	return pdfJunkTitles.MatchString(t) || strings.ContainsAny(t, `\`) || pdfLetters(t) == 0
}

func pdfJunkAuthor(s string) bool {
	return pdfJunkNames[strings.ToLower(s)]
}

var pdfNameSepRe = regexp.MustCompile(`\s*(?:,|&|\band\b|\bund\b)\s*`)

// pdfSplitNames splits an author field: at semicolons and line breaks, and
// at commas or "and"/"und" when every part has a first and a last name
// (so "Mustermann, Max" stays one name).
func pdfSplitNames(s string) []string {
	var out []string
	for _, part := range strings.FieldsFunc(s, func(r rune) bool { return r == ';' || r == '\n' || r == '\r' }) {
		pieces := pdfNameSepRe.Split(part, -1)
		whole := len(pieces) > 1
		for _, p := range pieces {
			if len(strings.Fields(p)) < 2 {
				whole = false
			}
		}
		if whole {
			out = append(out, pieces...)
		} else {
			out = append(out, part)
		}
	}
	for i := range out {
		out[i] = strings.Join(strings.Fields(out[i]), " ")
	}
	return slices.DeleteFunc(out, func(s string) bool { return s == "" })
}

// pdfSplitKeywords splits a keyword field at semicolons or commas (or line
// breaks).
func pdfSplitKeywords(s string) []string {
	sep := func(r rune) bool { return r == ';' || r == '\n' || r == '\r' }
	if !strings.ContainsAny(s, ";\n\r") {
		sep = func(r rune) bool { return r == ',' }
	}
	var out []string
	for _, k := range strings.FieldsFunc(s, sep) {
		if k = strings.Join(strings.Fields(k), " "); k != "" {
			out = append(out, k)
		}
	}
	return out
}

// pdfCleanMeta makes a metadata value valid UTF-8 without control
// characters and trims it.
func pdfCleanMeta(s string) string {
	s = strings.ToValidUTF8(s, "")
	s = strings.Map(func(r rune) rune {
		if r < 0x20 && r != '\n' || r == 0x7f {
			return -1
		}
		return r
	}, s)
	return strings.TrimSpace(s)
}

// pdfXMP is what XMP metadata gives.
type pdfXMP struct {
	title, description, createDate, keywords, language, creatorTool, producer string
	creators, subjects                                                        []string
}

const (
	pdfNSdc  = "http://purl.org/dc/elements/1.1/"
	pdfNSxmp = "http://ns.adobe.com/xap/1.0/"
	pdfNSpdf = "http://ns.adobe.com/pdf/1.3/"
	pdfNSrdf = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
)

// pdfParseXMP reads the Dublin Core, XMP and PDF properties of an XMP
// packet, written as elements (with rdf:Alt, rdf:Seq or rdf:Bag lists) or as
// attributes of rdf:Description.
func pdfParseXMP(data []byte) pdfXMP {
	var x pdfXMP
	vals := map[string][]string{}
	set := func(key string, v []string) {
		if _, ok := vals[key]; !ok && len(v) > 0 {
			vals[key] = v
		}
	}
	key := func(n xml.Name) string {
		switch n.Space {
		case pdfNSdc:
			return "dc:" + n.Local
		case pdfNSxmp:
			return "xmp:" + n.Local
		case pdfNSpdf:
			return "pdf:" + n.Local
		}
		return ""
	}
	dec := xml.NewDecoder(bytes.NewReader(data))
	dec.Strict = false
	dec.CharsetReader = func(_ string, r io.Reader) (io.Reader, error) { return r, nil }
	var (
		depth, propDepth int
		prop             string
		text             strings.Builder
		items            []string
	)
	for range 200_000 {
		tok, err := dec.Token()
		if err != nil {
			break
		}
		switch t := tok.(type) {
		case xml.StartElement:
			depth++
			for _, a := range t.Attr {
				if k := key(a.Name); k != "" {
					set(k, []string{pdfCleanMeta(a.Value)})
				}
			}
			if prop == "" {
				if k := key(t.Name); k != "" {
					prop, propDepth = k, depth
					items = nil
					text.Reset()
				}
			} else if t.Name.Local == "li" {
				text.Reset()
			}
		case xml.CharData:
			if prop != "" && text.Len() < 1<<16 {
				text.Write(t)
			}
		case xml.EndElement:
			if prop != "" {
				switch {
				case depth == propDepth:
					if len(items) == 0 {
						items = append(items, pdfCleanMeta(text.String()))
					}
					items = slices.DeleteFunc(items, func(s string) bool { return s == "" })
					set(prop, items)
					prop = ""
				case t.Name.Local == "li" && (t.Name.Space == pdfNSrdf || t.Name.Space == ""):
					items = append(items, pdfCleanMeta(text.String()))
					text.Reset()
				}
			}
			depth--
		}
	}
	first := func(k string) string {
		if v := vals[k]; len(v) > 0 {
			return v[0]
		}
		return ""
	}
	x.title = first("dc:title")
	x.description = first("dc:description")
	x.createDate = first("xmp:CreateDate")
	x.keywords = first("pdf:Keywords")
	x.language = first("dc:language")
	x.creatorTool = first("xmp:CreatorTool")
	x.producer = first("pdf:Producer")
	x.creators = vals["dc:creator"]
	x.subjects = vals["dc:subject"]
	return x
}

// ---------------------------------------------------------------------------
// Content streams: tokens.

type pdfTokKind uint8

const (
	pdfTokNum pdfTokKind = iota + 1
	pdfTokStr
	pdfTokName
	pdfTokArr
	pdfTokDict
	pdfTokOp
)

type pdfTok struct {
	kind pdfTokKind
	num  float64
	s    string   // string bytes, name or operator
	arr  []pdfTok // elements of an array; keys and values of a dictionary
}

// pdfLexer splits a content stream (or a CMap) into tokens.
type pdfLexer struct {
	b   []byte
	pos int
}

func pdfIsSpace(c byte) bool {
	return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f' || c == 0
}

func pdfIsDelim(c byte) bool {
	switch c {
	case '(', ')', '<', '>', '[', ']', '{', '}', '/', '%':
		return true
	}
	return false
}

func (l *pdfLexer) skipSpace() {
	for l.pos < len(l.b) {
		c := l.b[l.pos]
		switch {
		case pdfIsSpace(c):
			l.pos++
		case c == '%':
			for l.pos < len(l.b) && l.b[l.pos] != '\n' && l.b[l.pos] != '\r' {
				l.pos++
			}
		default:
			return
		}
	}
}

// next returns the next token, and false at the end of the data.
func (l *pdfLexer) next(depth int) (pdfTok, bool) {
	l.skipSpace()
	if l.pos >= len(l.b) {
		return pdfTok{}, false
	}
	c := l.b[l.pos]
	switch c {
	case '(':
		return pdfTok{kind: pdfTokStr, s: l.literal()}, true
	case '<':
		if l.pos+1 < len(l.b) && l.b[l.pos+1] == '<' {
			l.pos += 2
			if depth >= pdfMaxNesting {
				return pdfTok{kind: pdfTokOp, s: "<<"}, true
			}
			return l.collect(pdfTokDict, ">>", depth), true
		}
		return pdfTok{kind: pdfTokStr, s: l.hex()}, true
	case '>':
		l.pos++
		if l.pos < len(l.b) && l.b[l.pos] == '>' {
			l.pos++
			return pdfTok{kind: pdfTokOp, s: ">>"}, true
		}
		return pdfTok{kind: pdfTokOp, s: ">"}, true
	case '[':
		l.pos++
		if depth >= pdfMaxNesting {
			return pdfTok{kind: pdfTokOp, s: "["}, true
		}
		return l.collect(pdfTokArr, "]", depth), true
	case ']', ')', '{', '}':
		l.pos++
		return pdfTok{kind: pdfTokOp, s: string(c)}, true
	case '/':
		return pdfTok{kind: pdfTokName, s: l.name()}, true
	}
	start := l.pos
	for l.pos < len(l.b) && !pdfIsSpace(l.b[l.pos]) && !pdfIsDelim(l.b[l.pos]) {
		l.pos++
	}
	word := l.b[start:l.pos]
	if c == '+' || c == '-' || c == '.' || c >= '0' && c <= '9' {
		f, err := strconv.ParseFloat(string(word), 64)
		if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
			f = 0
		}
		return pdfTok{kind: pdfTokNum, num: f}, true
	}
	return pdfTok{kind: pdfTokOp, s: string(word)}, true
}

// collect reads the elements of an array or dictionary up to its end. An
// operator ends it too: arrays in content streams hold only operands.
func (l *pdfLexer) collect(kind pdfTokKind, end string, depth int) pdfTok {
	t := pdfTok{kind: kind}
	for {
		at := l.pos
		e, ok := l.next(depth + 1)
		if !ok {
			return t
		}
		if e.kind == pdfTokOp {
			switch e.s {
			case end:
				return t
			case "true", "false", "null":
			case "]", ">>", ">", ")", "}":
				return t
			default:
				l.pos = at
				return t
			}
		}
		if len(t.arr) < pdfMaxArray {
			t.arr = append(t.arr, e)
		}
	}
}

// literal reads a string in parentheses.
func (l *pdfLexer) literal() string {
	l.pos++
	var b []byte
	depth := 1
	for l.pos < len(l.b) {
		c := l.b[l.pos]
		l.pos++
		switch c {
		case '(':
			depth++
		case ')':
			depth--
			if depth == 0 {
				return string(b)
			}
		case '\\':
			if l.pos >= len(l.b) {
				return string(b)
			}
			c = l.b[l.pos]
			l.pos++
			switch c {
			case 'n':
				c = '\n'
			case 'r':
				c = '\r'
			case 't':
				c = '\t'
			case 'b':
				c = '\b'
			case 'f':
				c = '\f'
			case '\r':
				if l.pos < len(l.b) && l.b[l.pos] == '\n' {
					l.pos++
				}
				continue
			case '\n':
				continue
			case '0', '1', '2', '3', '4', '5', '6', '7':
				v := c - '0'
				for i := 0; i < 2 && l.pos < len(l.b) && l.b[l.pos] >= '0' && l.b[l.pos] <= '7'; i++ {
					v = v<<3 | (l.b[l.pos] - '0')
					l.pos++
				}
				c = v
			}
		}
		b = append(b, c)
	}
	return string(b)
}

// hex reads a hexadecimal string.
func (l *pdfLexer) hex() string {
	l.pos++
	var b []byte
	var hi byte
	half := false
	for l.pos < len(l.b) {
		c := l.b[l.pos]
		l.pos++
		if c == '>' {
			break
		}
		v, ok := pdfUnhex(c)
		if !ok {
			continue
		}
		if half {
			b = append(b, hi<<4|v)
		} else {
			hi = v
		}
		half = !half
	}
	if half {
		b = append(b, hi<<4)
	}
	return string(b)
}

func pdfUnhex(c byte) (byte, bool) {
	switch {
	case c >= '0' && c <= '9':
		return c - '0', true
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10, true
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

// name reads a name, decoding #xx escapes.
func (l *pdfLexer) name() string {
	l.pos++
	var b []byte
	for l.pos < len(l.b) && !pdfIsSpace(l.b[l.pos]) && !pdfIsDelim(l.b[l.pos]) {
		c := l.b[l.pos]
		l.pos++
		if c == '#' && l.pos+1 < len(l.b) {
			h, ok1 := pdfUnhex(l.b[l.pos])
			lo, ok2 := pdfUnhex(l.b[l.pos+1])
			if ok1 && ok2 {
				c = h<<4 | lo
				l.pos += 2
			}
		}
		b = append(b, c)
	}
	return string(b)
}

// skipInlineImage moves past the data of an inline image, which follows
// its "ID" operator and ends with "EI".
func (l *pdfLexer) skipInlineImage() {
	i := l.pos + 1
	for i+1 < len(l.b) {
		j := bytes.Index(l.b[i:], []byte("EI"))
		if j < 0 {
			break
		}
		i += j
		if pdfIsSpace(l.b[i-1]) && (i+2 == len(l.b) || pdfIsSpace(l.b[i+2]) || pdfIsDelim(l.b[i+2])) {
			l.pos = i + 2
			return
		}
		i += 2
	}
	l.pos = len(l.b)
}

// ---------------------------------------------------------------------------
// Content streams: the text operators.

// pdfMatrix is [a b c d e f], applied to row vectors: [x y 1] × M.
type pdfMatrix [6]float64

var pdfIdentity = pdfMatrix{1, 0, 0, 1, 0, 0}

// mul returns m × n: first m, then n.
func (m pdfMatrix) mul(n pdfMatrix) pdfMatrix {
	return pdfMatrix{
		m[0]*n[0] + m[1]*n[2], m[0]*n[1] + m[1]*n[3],
		m[2]*n[0] + m[3]*n[2], m[2]*n[1] + m[3]*n[3],
		m[4]*n[0] + m[5]*n[2] + n[4], m[4]*n[1] + m[5]*n[3] + n[5],
	}
}

func (m pdfMatrix) apply(x, y float64) (float64, float64) {
	return x*m[0] + y*m[2] + m[4], x*m[1] + y*m[3] + m[5]
}

// translate returns translate(tx, ty) × m.
func (m pdfMatrix) translate(tx, ty float64) pdfMatrix {
	m[4] += tx*m[0] + ty*m[2]
	m[5] += tx*m[1] + ty*m[3]
	return m
}

// pdfGState is the part of the graphics state that places text.
type pdfGState struct {
	ctm                             pdfMatrix
	font                            *pdfFont
	size, cs, ws, th, leading, rise float64
}

// pdfGlyph is one shown glyph in device space: where it starts and ends on
// its baseline and its "up" vector, as long as the font size.
type pdfGlyph struct {
	x, y, ex, ey, ux, uy float64
	text                 string
}

// pdfInterp runs the content streams of one page.
type pdfInterp struct {
	d        *pdfDoc
	gs       pdfGState
	saved    []pdfGState
	tm, tlm  pdfMatrix
	glyphs   []pdfGlyph
	forms    []int // the form XObjects being run, against loops
	codes    []pdfCode
	overflow int // q operators beyond the saved states kept
}

func (in *pdfInterp) run(content []byte, res types.Dict) {
	l := pdfLexer{b: content}
	var args []pdfTok
	for !in.d.budget() {
		t, ok := l.next(0)
		if !ok {
			return
		}
		if t.kind != pdfTokOp {
			if len(args) < pdfMaxOperands {
				args = append(args, t)
			}
			continue
		}
		in.op(t.s, args, res, &l)
		args = args[:0]
	}
}

// pdfNums returns the last n operands as numbers.
func pdfNums(args []pdfTok, n int) ([]float64, bool) {
	if len(args) < n {
		return nil, false
	}
	out := make([]float64, n)
	for i, a := range args[len(args)-n:] {
		if a.kind != pdfTokNum {
			return nil, false
		}
		out[i] = a.num
	}
	return out, true
}

// pdfLast returns the last operand if it has the kind.
func pdfLast(args []pdfTok, kind pdfTokKind) (pdfTok, bool) {
	if len(args) == 0 || args[len(args)-1].kind != kind {
		return pdfTok{}, false
	}
	return args[len(args)-1], true
}

func (in *pdfInterp) op(op string, args []pdfTok, res types.Dict, l *pdfLexer) {
	gs := &in.gs
	switch op {
	case "q":
		if len(in.saved) < 256 {
			in.saved = append(in.saved, *gs)
		} else {
			in.overflow++
		}
	case "Q":
		if in.overflow > 0 {
			in.overflow--
		} else if n := len(in.saved); n > 0 {
			*gs = in.saved[n-1]
			in.saved = in.saved[:n-1]
		}
	case "cm":
		if v, ok := pdfNums(args, 6); ok {
			gs.ctm = pdfMatrix(v).mul(gs.ctm)
		}
	case "BT":
		in.tm, in.tlm = pdfIdentity, pdfIdentity
	case "Tc", "Tw", "Tz", "TL", "Ts":
		v, ok := pdfNums(args, 1)
		if !ok {
			return
		}
		switch op {
		case "Tc":
			gs.cs = v[0]
		case "Tw":
			gs.ws = v[0]
		case "Tz":
			gs.th = v[0] / 100
		case "TL":
			gs.leading = v[0]
		case "Ts":
			gs.rise = v[0]
		}
	case "Tf":
		if len(args) >= 2 && args[len(args)-2].kind == pdfTokName && args[len(args)-1].kind == pdfTokNum {
			gs.font = in.d.font(res, args[len(args)-2].s)
			gs.size = args[len(args)-1].num
		}
	case "Td", "TD":
		if v, ok := pdfNums(args, 2); ok {
			if op == "TD" {
				gs.leading = -v[1]
			}
			in.tlm = in.tlm.translate(v[0], v[1])
			in.tm = in.tlm
		}
	case "Tm":
		if v, ok := pdfNums(args, 6); ok {
			in.tm, in.tlm = pdfMatrix(v), pdfMatrix(v)
		}
	case "T*":
		in.nextLine()
	case "Tj":
		if t, ok := pdfLast(args, pdfTokStr); ok {
			in.show(t.s)
		}
	case "'":
		in.nextLine()
		if t, ok := pdfLast(args, pdfTokStr); ok {
			in.show(t.s)
		}
	case `"`:
		if len(args) >= 3 && args[len(args)-3].kind == pdfTokNum && args[len(args)-2].kind == pdfTokNum {
			gs.ws, gs.cs = args[len(args)-3].num, args[len(args)-2].num
		}
		in.nextLine()
		if t, ok := pdfLast(args, pdfTokStr); ok {
			in.show(t.s)
		}
	case "TJ":
		t, ok := pdfLast(args, pdfTokArr)
		if !ok {
			return
		}
		for _, e := range t.arr {
			switch e.kind {
			case pdfTokStr:
				in.show(e.s)
			case pdfTokNum:
				in.tm = in.tm.translate(-e.num/1000*gs.size*gs.th, 0)
			}
		}
	case "Do":
		if t, ok := pdfLast(args, pdfTokName); ok {
			in.form(res, t.s)
		}
	case "ID":
		l.skipInlineImage()
	}
}

func (in *pdfInterp) nextLine() {
	in.tlm = in.tlm.translate(0, -in.gs.leading)
	in.tm = in.tlm
}

// show places the glyphs of a string.
func (in *pdfInterp) show(s string) {
	gs := &in.gs
	f := gs.font
	if f == nil {
		f = pdfDefaultFont()
	}
	in.codes = f.codes(s, in.codes[:0])
	for _, c := range in.codes {
		w, text := f.glyph(c)
		m := in.tm.mul(gs.ctm)
		adv := w * gs.size * gs.th
		g := pdfGlyph{text: text}
		g.x, g.y = m.apply(0, gs.rise)
		g.ex, g.ey = m.apply(adv, gs.rise)
		g.ux, g.uy = m[2]*gs.size, m[3]*gs.size
		in.emit(g)
		tx := w*gs.size + gs.cs
		if c.n == 1 && c.v == 32 {
			tx += gs.ws
		}
		in.tm = in.tm.translate(tx*gs.th, 0)
	}
}

func (in *pdfInterp) emit(g pdfGlyph) {
	for _, v := range [...]float64{g.x, g.y, g.ex, g.ey, g.ux, g.uy} {
		if math.IsNaN(v) || math.Abs(v) > 1e7 {
			return
		}
	}
	if len(in.glyphs) >= pdfMaxPageGlyphs {
		in.d.truncated = true
		return
	}
	in.glyphs = append(in.glyphs, g)
}

// form runs a form XObject.
func (in *pdfInterp) form(res types.Dict, name string) {
	d := in.d
	o := d.dict(res["XObject"])[name]
	sd := d.dict(o)
	if sd == nil || d.name(sd["Subtype"]) != "Form" || len(in.forms) >= pdfMaxFormDepth {
		return
	}
	nr := -1
	if ref, ok := o.(types.IndirectRef); ok {
		nr = ref.ObjectNumber.Value()
		if slices.Contains(in.forms, nr) {
			return
		}
	}
	content := d.streamData(o)
	if len(content) == 0 {
		return
	}
	formRes := d.dict(sd["Resources"])
	if formRes == nil {
		formRes = res
	}
	m, _ := d.matrix(sd["Matrix"])
	gs, tm, tlm, saved := in.gs, in.tm, in.tlm, len(in.saved)
	in.gs.ctm = m.mul(in.gs.ctm)
	in.forms = append(in.forms, nr)
	in.run(content, formRes)
	in.forms = in.forms[:len(in.forms)-1]
	in.gs, in.tm, in.tlm, in.saved = gs, tm, tlm, in.saved[:min(saved, len(in.saved))]
}

// ---------------------------------------------------------------------------
// Fonts.

// pdfCode is a character code of n bytes.
type pdfCode struct {
	v uint32
	n uint8
}

// pdfFont decodes the strings shown with one font.
type pdfFont struct {
	simple bool
	// Simple fonts: the text and width (in text space units per unit of
	// font size) of each code.
	text  [256]string
	width [256]float64
	// Composite fonts.
	cmap    *pdfCMap // character codes to CIDs; nil: two-byte identity
	utf16   bool     // the codes are UTF-16 (Uni…-UCS2 and -UTF16 CMaps)
	toUni   *pdfCMap
	dw      float64
	cidW    map[uint32]float64
	cidWR   []pdfCIDWidth
	gidUni  map[uint16]rune // from an embedded TrueType font's cmap
	cidGID  []uint16        // CIDToGIDMap; nil: identity
	cache   map[pdfCode]pdfGlyphInfo
	symbols bool
}

type pdfCIDWidth struct {
	lo, hi uint32
	w      float64
}

type pdfGlyphInfo struct {
	w    float64
	text string
}

// pdfDefaultFont stands in for a missing or broken font: Helvetica.
var pdfDefaultFont = sync.OnceValue(func() *pdfFont {
	f := &pdfFont{simple: true}
	f.setSimple(pdfWinAnsi, nil, 0, 0, "Helvetica", 0.001)
	return f
})

// codes splits a string into character codes.
func (f *pdfFont) codes(s string, out []pdfCode) []pdfCode {
	if f.simple {
		for i := 0; i < len(s); i++ {
			out = append(out, pdfCode{v: uint32(s[i]), n: 1})
		}
		return out
	}
	for i := 0; i < len(s); {
		n := f.codeLen(s[i:])
		var v uint32
		for j := range n {
			v = v<<8 | uint32(s[i+j])
		}
		out = append(out, pdfCode{v: v, n: uint8(n)})
		i += n
	}
	return out
}

func (f *pdfFont) codeLen(s string) int {
	if f.utf16 {
		if len(s) >= 4 && s[0] >= 0xD8 && s[0] <= 0xDB {
			return 4
		}
		return min(2, len(s))
	}
	if f.cmap == nil || len(f.cmap.space) == 0 {
		return min(2, len(s))
	}
	for n := 1; n <= 4 && n <= len(s); n++ {
		for _, r := range f.cmap.space {
			if r.n == n && r.match(s[:n]) {
				return n
			}
		}
	}
	return min(f.cmap.minLen, len(s))
}

// glyph returns a code's width and text.
func (f *pdfFont) glyph(c pdfCode) (float64, string) {
	if f.simple {
		b := byte(c.v)
		if f.toUni != nil {
			if s, ok := f.toUni.lookup(c); ok {
				return f.width[b], pdfCleanGlyph(s)
			}
		}
		return f.width[b], f.text[b]
	}
	if g, ok := f.cache[c]; ok {
		return g.w, g.text
	}
	var g pdfGlyphInfo
	cid := f.cid(c)
	g.w = f.dw
	if w, ok := f.cidW[cid]; ok {
		g.w = w
	} else {
		for _, r := range f.cidWR {
			if cid >= r.lo && cid <= r.hi {
				g.w = r.w
				break
			}
		}
	}
	switch {
	case f.toUni != nil && f.toUni.has(c):
		s, _ := f.toUni.lookup(c)
		g.text = s
	case f.utf16:
		var u []uint16
		if c.n == 4 {
			u = []uint16{uint16(c.v >> 16), uint16(c.v)}
		} else {
			u = []uint16{uint16(c.v)}
		}
		g.text = string(utf16.Decode(u))
	case f.gidUni != nil:
		gid := uint16(cid)
		if f.cidGID != nil {
			gid = 0
			if int(cid) < len(f.cidGID) {
				gid = f.cidGID[cid]
			}
		}
		if r, ok := f.gidUni[gid]; ok {
			g.text = string(r)
		}
	}
	g.text = pdfCleanGlyph(g.text)
	if f.cache == nil {
		f.cache = map[pdfCode]pdfGlyphInfo{}
	}
	if len(f.cache) < 1<<16 {
		f.cache[c] = g
	}
	return g.w, g.text
}

func (f *pdfFont) cid(c pdfCode) uint32 {
	if f.cmap != nil {
		if cid, ok := f.cmap.cid(c); ok {
			return cid
		}
	}
	return c.v
}

// font returns the font a Tf operator names, loading it once.
func (d *pdfDoc) font(res types.Dict, name string) *pdfFont {
	fonts := d.dict(res["Font"])
	o := fonts[name]
	if o == nil {
		return nil
	}
	key := pdfFontKey{obj: -1, name: name}
	if ref, ok := o.(types.IndirectRef); ok {
		key = pdfFontKey{obj: ref.ObjectNumber.Value()}
	} else {
		key.dict = reflect.ValueOf(fonts).Pointer()
	}
	if f, ok := d.fonts[key]; ok {
		return f
	}
	d.ops += 1000 // loading a font costs as much as many operators
	f := d.loadFont(d.dict(o))
	d.fonts[key] = f
	return f
}

func (d *pdfDoc) loadFont(fd types.Dict) *pdfFont {
	if fd == nil {
		return pdfDefaultFont()
	}
	f := &pdfFont{}
	if d.name(fd["Subtype"]) == "Type0" {
		d.loadComposite(f, fd)
	} else {
		f.simple = true
		d.loadSimple(f, fd)
	}
	if b := d.streamData(fd["ToUnicode"]); len(b) > 0 {
		f.toUni = d.parseCMap(b)
	} else if !f.simple && strings.HasPrefix(d.name(fd["ToUnicode"]), "Identity") {
		f.utf16 = true
	}
	if !f.simple && f.toUni == nil && !f.utf16 {
		d.loadTrueTypeCmap(f, fd)
	}
	return f
}

func (d *pdfDoc) loadSimple(f *pdfFont, fd types.Dict) {
	subtype := d.name(fd["Subtype"])
	base := pdfStripSubset(d.name(fd["BaseFont"]))
	desc := d.dict(fd["FontDescriptor"])
	flags, _ := d.num(desc["Flags"])
	symbolic := int(flags)&4 != 0

	scale := 0.001
	if subtype == "Type3" {
		if m, ok := d.matrix(fd["FontMatrix"]); ok && m[0] != 0 && math.Abs(m[0]) < 1 {
			scale = math.Abs(m[0])
		}
	}

	// The encoding: a base encoding, then the differences.
	var enc *[256]string
	var diffs types.Array
	baseName := ""
	switch e := d.resolve(fd["Encoding"]).(type) {
	case types.Name:
		baseName = string(e)
	case types.Dict:
		baseName = d.name(e["BaseEncoding"])
		diffs = d.array(e["Differences"])
	}
	switch baseName {
	case "WinAnsiEncoding":
		enc = pdfWinAnsi
	case "MacRomanEncoding":
		enc = pdfMacRoman
	case "StandardEncoding", "MacExpertEncoding":
		enc = pdfStandard
	default:
		if b := d.type1Encoding(desc); b != nil {
			enc = b
		} else if subtype == "TrueType" || symbolic {
			enc = pdfWinAnsi
		} else {
			enc = pdfStandard
		}
	}
	text := *enc
	code := 0
	for _, o := range diffs {
		switch v := d.resolve(o).(type) {
		case types.Integer:
			code = int(v)
		case types.Float:
			code = int(v)
		case types.Name:
			if code >= 0 && code < 256 {
				if s := pdfGlyphName(string(v)); s != "" {
					text[code] = s
				}
			}
			code++
		}
	}

	// Widths, from the font dictionary or for the standard 14 fonts from
	// their metrics.
	var widths []float64
	for _, o := range d.array(fd["Widths"]) {
		if len(widths) >= 256 {
			break
		}
		w, _ := d.num(o)
		widths = append(widths, w)
	}
	first, _ := d.num(fd["FirstChar"])
	missing, _ := d.num(desc["MissingWidth"])
	core := ""
	if len(widths) == 0 {
		core = pdfCoreFont(base)
	}
	f.symbols = symbolic
	f.setSimple(&text, widths, int(first), missing, core, scale)
}

// setSimple fills the text and width of each code.
func (f *pdfFont) setSimple(text *[256]string, widths []float64, first int, missing float64, core string, scale float64) {
	for c := range 256 {
		f.text[c] = pdfCleanGlyph(text[c])
		w := missing
		switch i := c - first; {
		case i >= 0 && i < len(widths):
			w = widths[i]
		case core != "":
			w = pdfCoreWidth(core, f.text[c], c)
		case w == 0:
			w = 500
		}
		if math.IsNaN(w) || math.Abs(w) > 1e5 {
			w = 500
		}
		f.width[c] = w * scale
	}
}

// pdfCoreFont maps a font name to one of the standard 14 fonts whose
// metrics pdfcpu has, for fonts without widths.
func pdfCoreFont(name string) string {
	if font.IsCoreFont(name) {
		return name
	}
	n := strings.ToLower(name)
	style := 0
	if strings.Contains(n, "bold") {
		style |= 1
	}
	if strings.Contains(n, "italic") || strings.Contains(n, "oblique") {
		style |= 2
	}
	switch {
	case strings.Contains(n, "courier"):
		return [...]string{"Courier", "Courier-Bold", "Courier-Oblique", "Courier-BoldOblique"}[style]
	case strings.Contains(n, "times"):
		return [...]string{"Times-Roman", "Times-Bold", "Times-Italic", "Times-BoldItalic"}[style]
	case strings.Contains(n, "symbol"):
		return "Symbol"
	case strings.Contains(n, "dingbats"):
		return "ZapfDingbats"
	}
	return [...]string{"Helvetica", "Helvetica-Bold", "Helvetica-Oblique", "Helvetica-BoldOblique"}[style]
}

func pdfCoreWidth(core, text string, code int) float64 {
	c := code
	if r, size := utf8.DecodeRuneInString(text); size > 0 && size == len(text) {
		if b, ok := charmap.Windows1252.EncodeRune(r); ok {
			c = int(b)
		}
	}
	w, err := pdfCharWidth(core, c)
	if err != nil {
		return 500
	}
	return float64(w)
}

func pdfCharWidth(core string, c int) (w int, err error) {
	defer pdfRecoverLib(&err)
	return font.CharWidth(core, rune(c))
}

var pdfType1DupRe = regexp.MustCompile(`dup\s+(\d{1,3})\s*/([^\s/\[\]{}()<>]+)\s+put`)

// type1Encoding reads the built-in encoding of an embedded Type 1 font
// from the clear-text part of its program; nil when there is none.
func (d *pdfDoc) type1Encoding(desc types.Dict) *[256]string {
	if desc == nil || desc["FontFile"] == nil {
		return nil
	}
	data := d.streamData(desc["FontFile"])
	if i := bytes.Index(data, []byte("eexec")); i >= 0 {
		data = data[:i]
	}
	data = data[:min(len(data), 256<<10)]
	if bytes.Contains(data, []byte("/Encoding StandardEncoding")) {
		return pdfStandard
	}
	m := pdfType1DupRe.FindAllSubmatch(data, 512)
	if len(m) == 0 {
		return nil
	}
	var enc [256]string
	for _, sm := range m {
		if c, err := strconv.Atoi(string(sm[1])); err == nil && c < 256 {
			enc[c] = pdfGlyphName(string(sm[2]))
		}
	}
	return &enc
}

func (d *pdfDoc) loadComposite(f *pdfFont, fd types.Dict) {
	switch e := d.resolve(fd["Encoding"]).(type) {
	case types.Name:
		n := string(e)
		if strings.HasPrefix(n, "Uni") && (strings.Contains(n, "UCS2") || strings.Contains(n, "UTF16")) {
			f.utf16 = true
		}
	case types.StreamDict:
		if b := d.streamData(fd["Encoding"]); len(b) > 0 {
			f.cmap = d.parseCMap(b)
		}
	}
	desc := d.dict(pdfFirst(d.array(fd["DescendantFonts"])))
	f.dw = 1
	if dw, ok := d.num(desc["DW"]); ok {
		f.dw = dw / 1000
	}
	w := d.array(desc["W"])
	f.cidW = map[uint32]float64{}
	for i := 0; i+1 < len(w) && len(f.cidW) < 1<<16 && len(f.cidWR) < 1<<16; {
		c, _ := d.num(w[i])
		if a := d.array(w[i+1]); a != nil {
			for j, o := range a {
				if len(f.cidW) >= 1<<16 {
					break
				}
				v, _ := d.num(o)
				f.cidW[uint32(c)+uint32(j)] = v / 1000
			}
			i += 2
			continue
		}
		if i+2 >= len(w) {
			break
		}
		c2, _ := d.num(w[i+1])
		v, _ := d.num(w[i+2])
		if c2 >= c && c >= 0 {
			f.cidWR = append(f.cidWR, pdfCIDWidth{uint32(c), uint32(c2), v / 1000})
		}
		i += 3
	}
	if b := d.streamData(desc["CIDToGIDMap"]); len(b) >= 2 {
		f.cidGID = make([]uint16, min(len(b)/2, 1<<16))
		for i := range f.cidGID {
			f.cidGID[i] = uint16(b[2*i])<<8 | uint16(b[2*i+1])
		}
	}
}

// pdfFirst returns the first element of an array, or nil.
func pdfFirst(a types.Array) types.Object {
	if len(a) == 0 {
		return nil
	}
	return a[0]
}

// loadTrueTypeCmap lets a composite font without a ToUnicode map decode its
// glyphs through the cmap table of its embedded TrueType program.
func (d *pdfDoc) loadTrueTypeCmap(f *pdfFont, fd types.Dict) {
	desc := d.dict(pdfFirst(d.array(fd["DescendantFonts"])))
	fdesc := d.dict(desc["FontDescriptor"])
	if fdesc == nil || fdesc["FontFile2"] == nil {
		return
	}
	data := d.streamData(fdesc["FontFile2"])
	if len(data) == 0 {
		return
	}
	f.gidUni = pdfInvertCmap(data)
}

func pdfInvertCmap(data []byte) (out map[uint16]rune) {
	defer func() {
		if recover() != nil {
			out = nil
		}
	}()
	ft, err := sfnt.Parse(data)
	if err != nil {
		return nil
	}
	out = map[uint16]rune{}
	var buf sfnt.Buffer
	for r := rune(0x20); r < 0x10000; r++ {
		if r >= 0xD800 && r < 0xE000 {
			continue
		}
		gi, err := ft.GlyphIndex(&buf, r)
		if err != nil || gi == 0 {
			continue
		}
		if _, ok := out[uint16(gi)]; !ok {
			out[uint16(gi)] = r
		}
	}
	return out
}

// pdfStripSubset removes the "ABCDEF+" tag of a font subset.
func pdfStripSubset(name string) string {
	if len(name) > 7 && name[6] == '+' {
		return name[7:]
	}
	return name
}

// ---------------------------------------------------------------------------
// CMaps: ToUnicode maps and the encodings of composite fonts.

type pdfCMap struct {
	space     []pdfCodeSpace
	minLen    int
	chars     map[uint64]string
	ranges    []pdfCMapRange
	cids      map[uint64]uint32
	cidRanges []pdfCMapRange
}

type pdfCodeSpace struct {
	lo, hi [4]byte
	n      int
}

func (r pdfCodeSpace) match(s string) bool {
	for i := 0; i < r.n; i++ {
		if s[i] < r.lo[i] || s[i] > r.hi[i] {
			return false
		}
	}
	return true
}

// pdfCMapRange maps the codes lo…hi of length n: to text (dst with its last
// rune incremented, or one entry of arr each), or to CIDs from cid on.
type pdfCMapRange struct {
	lo, hi uint32
	n      uint8
	dst    []rune
	arr    []string
	cid    uint32
}

func pdfKey(v uint32, n uint8) uint64 { return uint64(n)<<32 | uint64(v) }

func pdfCodeValue(s string) (uint32, uint8, bool) {
	if len(s) == 0 || len(s) > 4 {
		return 0, 0, false
	}
	var v uint32
	for i := 0; i < len(s); i++ {
		v = v<<8 | uint32(s[i])
	}
	return v, uint8(len(s)), true
}

// parseCMap reads the code space, bfchar/bfrange (ToUnicode) and
// cidchar/cidrange (encodings) sections of a CMap.
func (d *pdfDoc) parseCMap(data []byte) *pdfCMap {
	m := &pdfCMap{chars: map[uint64]string{}, cids: map[uint64]uint32{}}
	l := pdfLexer{b: data}
	var args []pdfTok
	entries := 0
	for !d.budget() && entries < pdfMaxCMapEntries {
		t, ok := l.next(0)
		if !ok {
			break
		}
		if t.kind != pdfTokOp {
			if len(args) < 3*pdfMaxArray {
				args = append(args, t)
			}
			continue
		}
		switch t.s {
		case "endcodespacerange":
			for i := 0; i+1 < len(args); i += 2 {
				lo, hi := args[i].s, args[i+1].s
				if len(lo) == 0 || len(lo) > 4 || len(lo) != len(hi) {
					continue
				}
				r := pdfCodeSpace{n: len(lo)}
				copy(r.lo[:], lo)
				copy(r.hi[:], hi)
				m.space = append(m.space, r)
			}
		case "endbfchar":
			for i := 0; i+1 < len(args); i += 2 {
				v, n, ok := pdfCodeValue(args[i].s)
				if !ok {
					continue
				}
				switch dst := args[i+1]; dst.kind {
				case pdfTokStr:
					m.chars[pdfKey(v, n)] = pdfUTF16(dst.s)
				case pdfTokName:
					m.chars[pdfKey(v, n)] = pdfGlyphName(dst.s)
				}
				entries++
			}
		case "endbfrange":
			for i := 0; i+2 < len(args); i += 3 {
				lo, n, ok1 := pdfCodeValue(args[i].s)
				hi, n2, ok2 := pdfCodeValue(args[i+1].s)
				if !ok1 || !ok2 || n != n2 || hi < lo {
					continue
				}
				r := pdfCMapRange{lo: lo, hi: hi, n: n}
				switch dst := args[i+2]; dst.kind {
				case pdfTokStr:
					r.dst = []rune(pdfUTF16(dst.s))
					if len(r.dst) == 0 {
						continue
					}
				case pdfTokArr:
					for _, e := range dst.arr {
						r.arr = append(r.arr, pdfUTF16(e.s))
					}
				default:
					continue
				}
				m.ranges = append(m.ranges, r)
				entries++
			}
		case "endcidchar":
			for i := 0; i+1 < len(args); i += 2 {
				v, n, ok := pdfCodeValue(args[i].s)
				if ok && args[i+1].kind == pdfTokNum && args[i+1].num >= 0 {
					m.cids[pdfKey(v, n)] = uint32(args[i+1].num)
					entries++
				}
			}
		case "endcidrange":
			for i := 0; i+2 < len(args); i += 3 {
				lo, n, ok1 := pdfCodeValue(args[i].s)
				hi, n2, ok2 := pdfCodeValue(args[i+1].s)
				if ok1 && ok2 && n == n2 && hi >= lo && args[i+2].kind == pdfTokNum && args[i+2].num >= 0 {
					m.cidRanges = append(m.cidRanges, pdfCMapRange{lo: lo, hi: hi, n: n, cid: uint32(args[i+2].num)})
					entries++
				}
			}
		case "usecmap":
			if t, ok := pdfLast(args, pdfTokName); ok && strings.HasPrefix(t.s, "Identity") && len(m.space) == 0 {
				m.space = append(m.space, pdfCodeSpace{n: 2, hi: [4]byte{0xff, 0xff}})
			}
		}
		args = args[:0]
	}
	m.minLen = 4
	for _, r := range m.space {
		m.minLen = min(m.minLen, r.n)
	}
	if len(m.space) == 0 {
		m.minLen = 2
	}
	byStart := func(a, b pdfCMapRange) int {
		if a.n != b.n {
			return int(a.n) - int(b.n)
		}
		return int(int64(a.lo) - int64(b.lo))
	}
	slices.SortStableFunc(m.ranges, byStart)
	slices.SortStableFunc(m.cidRanges, byStart)
	return m
}

// pdfUTF16 decodes the UTF-16BE text of a ToUnicode map; an odd number of
// bytes is read as Latin-1.
func pdfUTF16(s string) string {
	if len(s)%2 != 0 {
		var b strings.Builder
		for i := 0; i < len(s); i++ {
			b.WriteRune(rune(s[i]))
		}
		return b.String()
	}
	u := make([]uint16, len(s)/2)
	for i := range u {
		u[i] = uint16(s[2*i])<<8 | uint16(s[2*i+1])
	}
	return string(utf16.Decode(u))
}

// find returns the range that holds a code.
func pdfFindRange(rs []pdfCMapRange, v uint32, n uint8) (pdfCMapRange, bool) {
	i, _ := slices.BinarySearchFunc(rs, pdfCMapRange{lo: v, n: n}, func(a, b pdfCMapRange) int {
		if a.n != b.n {
			return int(a.n) - int(b.n)
		}
		if a.lo <= b.lo {
			return -1
		}
		return 1
	})
	// rs[i-1] is the last range of length n starting at or before v.
	for j := i - 1; j >= 0 && j >= i-8; j-- {
		r := rs[j]
		if r.n == n && r.lo <= v && v <= r.hi {
			return r, true
		}
	}
	return pdfCMapRange{}, false
}

func (m *pdfCMap) has(c pdfCode) bool {
	_, ok := m.lookup(c)
	return ok
}

// lookup returns the text of a code. A code of another length than the
// map's entries is tried with the same value.
func (m *pdfCMap) lookup(c pdfCode) (string, bool) {
	if s, ok := m.lookupN(c.v, c.n); ok {
		return s, true
	}
	for n := uint8(1); n <= 4; n++ {
		if n != c.n && (n == 4 || c.v < 1<<(8*n)) {
			if s, ok := m.lookupN(c.v, n); ok {
				return s, true
			}
		}
	}
	return "", false
}

func (m *pdfCMap) lookupN(v uint32, n uint8) (string, bool) {
	if s, ok := m.chars[pdfKey(v, n)]; ok {
		return s, true
	}
	r, ok := pdfFindRange(m.ranges, v, n)
	if !ok {
		return "", false
	}
	off := v - r.lo
	if r.arr != nil {
		if int(off) < len(r.arr) {
			return r.arr[off], true
		}
		return "", false
	}
	out := slices.Clone(r.dst)
	out[len(out)-1] += rune(off)
	return string(out), true
}

func (m *pdfCMap) cid(c pdfCode) (uint32, bool) {
	if v, ok := m.cids[pdfKey(c.v, c.n)]; ok {
		return v, true
	}
	if r, ok := pdfFindRange(m.cidRanges, c.v, c.n); ok {
		return r.cid + (c.v - r.lo), true
	}
	return 0, false
}

// ---------------------------------------------------------------------------
// Glyph names and encodings.

// pdfCleanGlyph normalises the text of one glyph: ligatures are expanded,
// the various spaces become a space, invisible and private-use characters
// are dropped (private-use bullets of symbol fonts become "•").
func pdfCleanGlyph(s string) string {
	clean := true
	for _, r := range s {
		if r < 0x20 || r >= 0x7f {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '\t' || r == 0xA0 || r >= 0x2000 && r <= 0x200A || r == 0x202F || r == 0x205F || r == 0x3000:
			b.WriteByte(' ')
		case r < 0x20 || r >= 0x7f && r < 0xA0 || r == 0xFFFD || r == 0xFEFF || r >= 0x200B && r <= 0x200F:
		case r >= 0xFB00 && r <= 0xFB06:
			b.WriteString([]string{"ff", "fi", "fl", "ffi", "ffl", "st", "st"}[r-0xFB00])
		case r == 0xF0B7 || r == 0xF0A7 || r == 0xF0D8 || r == 0xF0FC || r == 0xF0E0 || r == 0xF06E || r == 0xF075:
			b.WriteString("•")
		case r >= 0xE000 && r <= 0xF8FF:
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

var pdfGlyphs = sync.OnceValue(func() map[string]rune {
	m := make(map[string]rune, 700)
	for _, f := range strings.Fields(pdfGlyphList) {
		name, hex, _ := strings.Cut(f, ":")
		v, err := strconv.ParseUint(hex, 16, 32)
		if err == nil {
			if _, dup := m[name]; !dup {
				m[name] = rune(v)
			}
		}
	}
	for i, name := range strings.Fields(pdfLatin1Names) {
		if _, dup := m[name]; !dup {
			m[name] = rune(0xA1 + i)
		}
	}
	for c := 'A'; c <= 'Z'; c++ {
		m[string(c)] = c
		m[string(c+32)] = c + 32
	}
	return m
})

// pdfGlyphName returns the text of a glyph name (Adobe Glyph List rules:
// suffixes after a dot are dropped, underscores join ligatures, "uniXXXX"
// and "uXXXX" give code points). Unknown names give "".
func pdfGlyphName(name string) string {
	if i := strings.IndexByte(name, '.'); i > 0 {
		name = name[:i]
	}
	if strings.Contains(name, "_") {
		var b strings.Builder
		for part := range strings.SplitSeq(name, "_") {
			s := pdfGlyphName(part)
			if s == "" {
				return ""
			}
			b.WriteString(s)
		}
		return b.String()
	}
	if r, ok := pdfGlyphs()[name]; ok {
		return string(r)
	}
	if hex, ok := strings.CutPrefix(name, "uni"); ok && len(hex) >= 4 && len(hex)%4 == 0 {
		var b strings.Builder
		for i := 0; i < len(hex); i += 4 {
			v, err := strconv.ParseUint(hex[i:i+4], 16, 16)
			if err != nil || v >= 0xD800 && v < 0xE000 {
				return ""
			}
			b.WriteRune(rune(v))
		}
		return b.String()
	}
	if hex, ok := strings.CutPrefix(name, "u"); ok && len(hex) >= 4 && len(hex) <= 6 {
		v, err := strconv.ParseUint(hex, 16, 32)
		if err == nil && v <= unicode.MaxRune && !(v >= 0xD800 && v < 0xE000) {
			return string(rune(v))
		}
	}
	return ""
}

// The simple encodings: the text of each code.
var (
	pdfWinAnsi  = pdfCharmap(charmap.Windows1252, map[byte]string{0xA0: " ", 0xAD: "-"})
	pdfMacRoman = pdfCharmap(charmap.Macintosh, map[byte]string{0xCA: " "})
	pdfStandard = pdfStandardEncoding()
)

func pdfCharmap(cm *charmap.Charmap, fix map[byte]string) *[256]string {
	var enc [256]string
	for c := 0x20; c < 256; c++ {
		r := cm.DecodeByte(byte(c))
		if r != utf8.RuneError && r != 0x7F && !(r >= 0x80 && r < 0xA0) {
			enc[c] = string(r)
		}
	}
	for c, s := range fix {
		enc[c] = s
	}
	return &enc
}

func pdfStandardEncoding() *[256]string {
	var enc [256]string
	for c := 0x20; c < 0x7F; c++ {
		enc[c] = string(rune(c))
	}
	enc[0x27], enc[0x60] = "\u2019", "\u2018"
	for _, f := range strings.Fields(pdfStandardHigh) {
		code, name, _ := strings.Cut(f, ":")
		c, err := strconv.ParseUint(code, 16, 8)
		if err == nil {
			enc[c] = pdfGlyphName(name)
		}
	}
	return &enc
}

// pdfStandardHigh is Adobe StandardEncoding above 0x7F: code:glyph name.
const pdfStandardHigh = `a1:exclamdown a2:cent a3:sterling a4:fraction a5:yen a6:florin a7:section
a8:currency a9:quotesingle aa:quotedblleft ab:guillemotleft ac:guilsinglleft ad:guilsinglright
ae:fi af:fl b1:endash b2:dagger b3:daggerdbl b4:periodcentered b6:paragraph b7:bullet
b8:quotesinglbase b9:quotedblbase ba:quotedblright bb:guillemotright bc:ellipsis bd:perthousand
bf:questiondown c1:grave c2:acute c3:circumflex c4:tilde c5:macron c6:breve c7:dotaccent
c8:dieresis ca:ring cb:cedilla cd:hungarumlaut ce:ogonek cf:caron d0:emdash e1:AE
e3:ordfeminine e8:Lslash e9:Oslash ea:OE eb:ordmasculine f1:ae f5:dotlessi f8:lslash
f9:oslash fa:oe fb:germandbls`

// pdfLatin1Names are the glyph names of U+00A1…U+00FF.
const pdfLatin1Names = `exclamdown cent sterling currency yen brokenbar section dieresis copyright
ordfeminine guillemotleft logicalnot sfthyphen registered macron degree plusminus twosuperior
threesuperior acute mu paragraph periodcentered cedilla onesuperior ordmasculine guillemotright
onequarter onehalf threequarters questiondown Agrave Aacute Acircumflex Atilde Adieresis Aring
AE Ccedilla Egrave Eacute Ecircumflex Edieresis Igrave Iacute Icircumflex Idieresis Eth Ntilde
Ograve Oacute Ocircumflex Otilde Odieresis multiply Oslash Ugrave Uacute Ucircumflex Udieresis
Yacute Thorn germandbls agrave aacute acircumflex atilde adieresis aring ae ccedilla egrave
eacute ecircumflex edieresis igrave iacute icircumflex idieresis eth ntilde ograve oacute
ocircumflex otilde odieresis divide oslash ugrave uacute ucircumflex udieresis yacute thorn
ydieresis`

// pdfGlyphList maps the other common glyph names (of the Adobe Glyph List)
// to code points: name:hex.
const pdfGlyphList = `space:20 exclam:21 quotedbl:22 numbersign:23 dollar:24 percent:25
ampersand:26 quotesingle:27 parenleft:28 parenright:29 asterisk:2a plus:2b comma:2c hyphen:2d
period:2e slash:2f zero:30 one:31 two:32 three:33 four:34 five:35 six:36 seven:37 eight:38
nine:39 colon:3a semicolon:3b less:3c equal:3d greater:3e question:3f at:40 bracketleft:5b
backslash:5c bracketright:5d asciicircum:5e underscore:5f grave:60 braceleft:7b bar:7c
braceright:7d asciitilde:7e nbspace:a0 nonbreakingspace:a0 hyphen:2d minus:2212
Amacron:100 amacron:101 Abreve:102 abreve:103 Aogonek:104 aogonek:105 Cacute:106 cacute:107
Ccircumflex:108 ccircumflex:109 Cdotaccent:10a cdotaccent:10b Ccaron:10c ccaron:10d
Dcaron:10e dcaron:10f Dcroat:110 dcroat:111 Emacron:112 emacron:113 Ebreve:114 ebreve:115
Edotaccent:116 edotaccent:117 Eogonek:118 eogonek:119 Ecaron:11a ecaron:11b Gcircumflex:11c
gcircumflex:11d Gbreve:11e gbreve:11f Gdotaccent:120 gdotaccent:121 Gcommaaccent:122
gcommaaccent:123 Hcircumflex:124 hcircumflex:125 Hbar:126 hbar:127 Itilde:128 itilde:129
Imacron:12a imacron:12b Ibreve:12c ibreve:12d Iogonek:12e iogonek:12f Idotaccent:130
dotlessi:131 IJ:132 ij:133 Jcircumflex:134 jcircumflex:135 Kcommaaccent:136 kcommaaccent:137
kgreenlandic:138 Lacute:139 lacute:13a Lcommaaccent:13b lcommaaccent:13c Lcaron:13d lcaron:13e
Ldot:13f ldot:140 Lslash:141 lslash:142 Nacute:143 nacute:144 Ncommaaccent:145 ncommaaccent:146
Ncaron:147 ncaron:148 napostrophe:149 Eng:14a eng:14b Omacron:14c omacron:14d Obreve:14e
obreve:14f Ohungarumlaut:150 ohungarumlaut:151 OE:152 oe:153 Racute:154 racute:155
Rcommaaccent:156 rcommaaccent:157 Rcaron:158 rcaron:159 Sacute:15a sacute:15b Scircumflex:15c
scircumflex:15d Scedilla:15e scedilla:15f Scaron:160 scaron:161 Tcommaaccent:162
tcommaaccent:163 Tcaron:164 tcaron:165 Tbar:166 tbar:167 Utilde:168 utilde:169 Umacron:16a
umacron:16b Ubreve:16c ubreve:16d Uring:16e uring:16f Uhungarumlaut:170 uhungarumlaut:171
Uogonek:172 uogonek:173 Wcircumflex:174 wcircumflex:175 Ycircumflex:176 ycircumflex:177
Ydieresis:178 Zacute:179 zacute:17a Zdotaccent:17b zdotaccent:17c Zcaron:17d zcaron:17e
longs:17f florin:192 Scommaaccent:218 scommaaccent:219 Tcedilla:162 tcedilla:163 dotlessj:237
circumflex:2c6 caron:2c7 breve:2d8 dotaccent:2d9 ring:2da ogonek:2db tilde:2dc hungarumlaut:2dd
gravecomb:300 acutecomb:301 tildecomb:303 hookabovecomb:309 dotbelowcomb:323
Alpha:391 Beta:392 Gamma:393 Delta:394 Epsilon:395 Zeta:396 Eta:397 Theta:398 Iota:399
Kappa:39a Lambda:39b Mu:39c Nu:39d Xi:39e Omicron:39f Pi:3a0 Rho:3a1 Sigma:3a3 Tau:3a4
Upsilon:3a5 Phi:3a6 Chi:3a7 Psi:3a8 Omega:3a9 alpha:3b1 beta:3b2 gamma:3b3 delta:3b4
epsilon:3b5 zeta:3b6 eta:3b7 theta:3b8 iota:3b9 kappa:3ba lambda:3bb nu:3bd xi:3be
omicron:3bf pi:3c0 rho:3c1 sigma1:3c2 sigma:3c3 tau:3c4 upsilon:3c5 phi:3c6 chi:3c7 psi:3c8
omega:3c9 theta1:3d1 phi1:3d5 omega1:3d6 Germandbls:1e9e
figuredash:2012 endash:2013 emdash:2014 afii00208:2015 quoteleft:2018 quoteright:2019
quotesinglbase:201a quotereversed:201b quotedblleft:201c quotedblright:201d quotedblbase:201e
dagger:2020 daggerdbl:2021 bullet:2022 onedotenleader:2024 twodotenleader:2025 ellipsis:2026
perthousand:2030 minute:2032 second:2033 guilsinglleft:2039 guilsinglright:203a
exclamdbl:203c fraction:2044 Euro:20ac trademark:2122 Ifraktur:2111 Rfraktur:211c
weierstrass:2118 aleph:2135 Ohm:2126 estimated:212e onethird:2153 twothirds:2154
oneeighth:215b threeeighths:215c fiveeighths:215d seveneighths:215e arrowleft:2190
arrowup:2191 arrowright:2192 arrowdown:2193 arrowboth:2194 arrowupdn:2195 arrowdblleft:21d0
arrowdblup:21d1 arrowdblright:21d2 arrowdbldown:21d3 arrowdblboth:21d4 universal:2200
partialdiff:2202 existential:2203 emptyset:2205 increment:2206 gradient:2207 element:2208
notelement:2209 suchthat:220b product:220f summation:2211 asteriskmath:2217 radical:221a
proportional:221d infinity:221e angle:2220 logicaland:2227 logicalor:2228 intersection:2229
union:222a integral:222b therefore:2234 similar:223c congruent:2245 approxequal:2248
notequal:2260 equivalence:2261 lessequal:2264 greaterequal:2265 propersubset:2282
propersuperset:2283 reflexsubset:2286 reflexsuperset:2287 circleplus:2295
circlemultiply:2297 perpendicular:22a5 dotmath:22c5 lozenge:25ca openbullet:25e6
filledbox:25a0 H22073:25a1 circle:25cb blackcircle:25cf checkmark:2713 visiblespace:2423
ff:fb00 fi:fb01 fl:fb02 ffi:fb03 ffl:fb04 cwm:200c compwordmark:200c nbhyphen:2011
`

// ---------------------------------------------------------------------------
// Layout: glyphs to lines, lines to reading order, lines to paragraphs.

// pdfFGlyph is a glyph in the frame of its text direction: x grows along
// the line, base grows down the page.
type pdfFGlyph struct {
	x0, x1, base, size float64
	text               string
	space              bool // a word break precedes the glyph
}

// pdfLine is a run of glyphs on one baseline: a whole line, or a fragment
// of one where a wide gap (a column gutter, a table cell) splits it.
type pdfLine struct {
	g                                    []pdfFGlyph
	x0, x1, top, bottom, base, size, mid float64
}

func (l *pdfLine) add(g pdfFGlyph) {
	if len(l.g) == 0 {
		l.x0, l.x1 = g.x0, g.x1
		l.top, l.bottom = math.Inf(1), math.Inf(-1)
	}
	l.g = append(l.g, g)
	l.x0, l.x1 = min(l.x0, g.x0), max(l.x1, g.x1)
	l.top, l.bottom = min(l.top, g.base-0.8*g.size), max(l.bottom, g.base+0.2*g.size)
	if g.size > l.size*1.01 || len(l.g) == 1 {
		l.size, l.base = g.size, g.base
	}
	l.mid = (l.top + l.bottom) / 2
}

// pdfLayout orders the glyphs of a page into paragraphs of lines. Glyphs
// are grouped by text direction (in steps of 1°, snapped to the axes within
// 11°) and each group is laid out in its own frame; the main direction
// comes first, other directions (rotated margin notes, stamps) follow in
// the order they were drawn.
func pdfLayout(glyphs []pdfGlyph) [][]*pdfLine {
	groups := map[int][]pdfFGlyph{}
	var keys []int
	for _, g := range glyphs {
		size := math.Hypot(g.ux, g.uy)
		if size < 0.01 {
			continue
		}
		dx, dy := g.ex-g.x, g.ey-g.y
		if math.Hypot(dx, dy) < 0.01*size {
			dx, dy = g.uy, -g.ux
		}
		deg := math.Atan2(dy, dx) * 180 / math.Pi
		if q := math.Round(deg/90) * 90; math.Abs(deg-q) <= 11 {
			deg = q
		} else {
			deg = math.Round(deg)
		}
		key := (int(deg) + 360) % 360
		sin, cos := math.Sincos(float64(key) * math.Pi / 180)
		switch key {
		case 0, 90, 180, 270:
			sin, cos = math.Round(sin), math.Round(cos)
		}
		// Rotate by -key degrees: the text runs along +x.
		x0, y0 := g.x*cos+g.y*sin, -g.x*sin+g.y*cos
		x1 := g.ex*cos + g.ey*sin
		if _, ok := groups[key]; !ok {
			keys = append(keys, key)
		}
		groups[key] = append(groups[key], pdfFGlyph{
			x0: min(x0, x1), x1: max(x0, x1), base: -y0, size: size, text: g.text,
		})
	}
	slices.SortStableFunc(keys, func(a, b int) int { return len(groups[b]) - len(groups[a]) })
	var paras [][]*pdfLine
	for _, k := range keys {
		lines := pdfOrder(pdfJoinRows(pdfMergeLines(pdfLines(groups[k]))))
		paras = append(paras, pdfParagraphs(lines)...)
	}
	return paras
}

// pdfSameRow reports whether two glyphs share a line: their boxes overlap
// vertically by half the smaller one's height (superscripts included).
func pdfSameRow(aTop, aBottom, bTop, bBottom float64) bool {
	ov := min(aBottom, bBottom) - max(aTop, bTop)
	return ov >= 0.5*min(aBottom-aTop, bBottom-bTop)
}

func pdfGlyphRow(a, b pdfFGlyph) bool {
	return pdfSameRow(a.base-0.8*a.size, a.base+0.2*a.size, b.base-0.8*b.size, b.base+0.2*b.size)
}

// pdfLines joins glyphs, in the order they were drawn, into lines: a glyph
// continues the line when it is on the same row and close after the last
// glyph. Spaces come from space glyphs and from gaps between glyphs. A
// glyph drawn again over itself (fake bold) is dropped.
func pdfLines(gs []pdfFGlyph) []*pdfLine {
	var lines []*pdfLine
	var cur *pdfLine
	space := false
	for _, g := range gs {
		if g.text != "" && strings.TrimSpace(g.text) == "" {
			space = true
			continue
		}
		if cur != nil {
			last := cur.g[len(cur.g)-1]
			sz := max(last.size, g.size)
			gap := g.x0 - last.x1
			back := -0.6 * sz
			if _, ok := pdfAccent(last.text); ok {
				back = -1.2 * sz // TeX draws an accent, then steps back to its letter
			}
			if pdfGlyphRow(last, g) && gap > back && gap < pdfSplitGap*sz {
				if g.text == last.text && math.Abs(g.x0-last.x0) < min(0.1*sz, (last.x1-last.x0)/2) &&
					math.Abs(g.base-last.base) < 0.1*sz {
					space = false
					continue
				}
				g.space = space || gap > pdfWordGap*sz
				cur.add(g)
				space = false
				continue
			}
		}
		cur = &pdfLine{}
		cur.add(g)
		lines = append(lines, cur)
		space = false
	}
	return lines
}

// pdfMergeLines joins line fragments that continue each other on a row but
// were drawn apart, and drops fragments drawn twice.
func pdfMergeLines(lines []*pdfLine) []*pdfLine {
	n := len(lines)
	if n < 2 || n > pdfMaxMergeLines {
		return lines
	}
	order := make([]int, n)
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return pdfCompare(lines[a].x0, lines[b].x0) })
	alive := make([]bool, n)
	for i := range alive {
		alive[i] = true
	}
	for _, j := range order {
		b := lines[j]
		best, bestGap := -1, math.Inf(1)
		for _, i := range order {
			a := lines[i]
			if i == j || !alive[i] || !pdfSameRow(a.top, a.bottom, b.top, b.bottom) {
				continue
			}
			sz := max(a.size, b.size)
			if math.Abs(a.x0-b.x0) < 0.1*sz && math.Abs(a.x1-b.x1) < 0.1*sz && math.Abs(a.base-b.base) < 0.1*sz &&
				i < j && pdfSameText(a, b) {
				alive[j] = false
				best = -1
				break
			}
			gap := b.x0 - a.x1
			if b.x0 <= a.x0 || gap <= -0.6*sz || gap >= pdfSplitGap*sz {
				continue
			}
			if math.Abs(gap) < bestGap {
				best, bestGap = i, math.Abs(gap)
			}
		}
		if best < 0 || !alive[j] {
			continue
		}
		a := lines[best]
		sz := max(a.size, b.size)
		for k, g := range b.g {
			if k == 0 {
				g.space = g.space || b.x0-a.x1 > pdfWordGap*sz
			}
			a.add(g)
		}
		alive[j] = false
	}
	out := lines[:0]
	for i, l := range lines {
		if alive[i] {
			out = append(out, l)
		}
	}
	return out
}

// pdfJoinRows joins fragments of a row that a wide gap separates when the
// gap is no column gutter: a line just above or below crosses it, as in
// justified text with wide spaces. Gaps that run down the page (columns,
// table cells) keep their fragments apart.
func pdfJoinRows(lines []*pdfLine) []*pdfLine {
	n := len(lines)
	if n < 3 || n > pdfMaxMergeLines {
		return lines
	}
	slices.SortStableFunc(lines, func(a, b *pdfLine) int { return pdfCompare(a.x0, b.x0) })
	alive := make([]bool, n)
	for i := range alive {
		alive[i] = true
	}
	for j, b := range lines {
		best := -1
		for i, a := range lines[:j] {
			sz := max(a.size, b.size)
			if alive[i] && math.Abs(a.base-b.base) < 0.3*sz && pdfSameRow(a.top, a.bottom, b.top, b.bottom) &&
				b.x0 >= a.x1 && b.x0-a.x1 < 10*sz && (best < 0 || a.x1 > lines[best].x1) {
				best = i
			}
		}
		if best < 0 {
			continue
		}
		a := lines[best]
		sz := max(a.size, b.size)
		crossed := false
		for k, c := range lines {
			if k == best || k == j || !alive[k] {
				continue
			}
			if d := math.Abs(c.base - a.base); d > 0.5*sz && d < 1.6*sz &&
				c.x0 < a.x1-0.5*sz && c.x1 > b.x0+0.5*sz {
				crossed = true
				break
			}
		}
		if !crossed {
			continue
		}
		for k, g := range b.g {
			if k == 0 {
				g.space = true
			}
			a.add(g)
		}
		alive[j] = false
	}
	out := lines[:0]
	for i, l := range lines {
		if alive[i] {
			out = append(out, l)
		}
	}
	return out
}

func pdfSameText(a, b *pdfLine) bool {
	if len(a.g) != len(b.g) {
		return false
	}
	for i := range a.g {
		if a.g[i].text != b.g[i].text {
			return false
		}
	}
	return true
}

func pdfCompare(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// pdfOrder puts lines into reading order (T. Breuel, "High Performance
// Document Layout Analysis", 2003): a line comes before another when their
// horizontal extents overlap and it is higher on the page, or when it lies
// entirely to the left of the other and no line between them in height
// spans the gap between the two. Columns are so read one after the other,
// and a full-width heading or figure caption between column sections
// separates them.
func pdfOrder(lines []*pdfLine) []*pdfLine {
	slices.SortStableFunc(lines, func(a, b *pdfLine) int {
		if c := pdfCompare(a.mid, b.mid); c != 0 {
			return c
		}
		return pdfCompare(a.x0, b.x0)
	})
	n := len(lines)
	if n < 2 || n > pdfMaxOrderLines {
		return lines
	}
	succ := make([][]int, n)
	indeg := make([]int, n)
	for i := range n {
		for j := range n {
			if i != j && pdfBefore(lines, i, j) {
				succ[i] = append(succ[i], j)
				indeg[j]++
			}
		}
	}
	done := make([]bool, n)
	out := make([]*pdfLine, 0, n)
	for len(out) < n {
		pick := -1
		for i := range n {
			if !done[i] && indeg[i] == 0 {
				pick = i
				break
			}
		}
		if pick < 0 { // a cycle: take the highest line left
			for i := range n {
				if !done[i] {
					pick = i
					break
				}
			}
		}
		done[pick] = true
		out = append(out, lines[pick])
		for _, j := range succ[pick] {
			indeg[j]--
		}
	}
	return out
}

// pdfBefore reports whether lines[i] comes before lines[j]; lines are
// sorted by height.
func pdfBefore(lines []*pdfLine, i, j int) bool {
	a, b := lines[i], lines[j]
	tol := 0.1 * min(a.size, b.size)
	if min(a.x1, b.x1)-max(a.x0, b.x0) > tol {
		if a.mid != b.mid {
			return a.mid < b.mid
		}
		return a.x0 < b.x0
	}
	if a.x0 >= b.x0 {
		return false
	}
	lo, hi := min(a.mid, b.mid), max(a.mid, b.mid)
	for k := min(i, j) + 1; k < max(i, j); k++ {
		c := lines[k]
		if c.mid > lo && c.mid < hi && c.x0 < a.x1 && c.x1 > b.x0 {
			return false
		}
	}
	if a.mid > b.bottom {
		// a is lower than b: only columns side by side put it first, not
		// a short line under something on the right (a letter's
		// greeting under its date).
		return pdfColumnsMeet(lines, i, j)
	}
	return true
}

// pdfColumnsMeet reports whether lines[i], left of and lower than
// lines[j], is in a column beside that of lines[j]: the run of lines above
// lines[i] in its column reaches up to the height of lines[j], or the run
// below lines[j] down to lines[i]. A run is made of lines that overlap its
// first line by half and either have about its font size or are aligned
// with it (a heading); it ends at a gap of more than four lines.
func pdfColumnsMeet(lines []*pdfLine, i, j int) bool {
	a, b := lines[i], lines[j]
	tol := 0.1 * min(a.size, b.size)
	inColumn := func(c, of *pdfLine) bool {
		sz := max(c.size, of.size)
		return min(c.x1, of.x1)-max(c.x0, of.x0) >= 0.5*min(c.x1-c.x0, of.x1-of.x0) &&
			(math.Abs(c.size-of.size) <= 0.2*sz || math.Abs(c.x0-of.x0) < sz || math.Abs(c.x1-of.x1) < sz)
	}
	top := a.top
	for k := i - 1; k >= 0 && top > b.bottom; k-- {
		c := lines[k]
		if c.x1 > b.x0+tol || !inColumn(c, a) {
			continue
		}
		if c.bottom < top-4*a.size {
			break
		}
		top = min(top, c.top)
	}
	if top <= b.bottom {
		return true
	}
	bottom := b.bottom
	for k := j + 1; k < len(lines) && bottom < a.top; k++ {
		c := lines[k]
		if c.x0 < a.x1-tol || !inColumn(c, b) {
			continue
		}
		if c.top > bottom+4*b.size {
			break
		}
		bottom = max(bottom, c.bottom)
	}
	return bottom >= a.top
}

// pdfParagraphs groups ordered lines into paragraphs. A line continues the
// paragraph of the line before it when it is in the same column, in the
// same font size, and not further below than the usual line spacing; an
// indented line after a short one starts a new paragraph.
func pdfParagraphs(lines []*pdfLine) [][]*pdfLine {
	step := pdfLineStep(lines)
	var paras [][]*pdfLine
	var cur []*pdfLine
	right := 0.0
	for i, c := range lines {
		if len(c.g) == 0 {
			continue
		}
		if i > 0 && len(cur) > 0 && !pdfSamePara(cur[len(cur)-1], c, step, right) {
			paras = append(paras, cur)
			cur = nil
		}
		if len(cur) == 0 {
			right = c.x1
		}
		right = max(right, c.x1)
		cur = append(cur, c)
	}
	if len(cur) > 0 {
		paras = append(paras, cur)
	}
	return paras
}

// pdfLineStep is the most common distance between the baselines of
// consecutive lines of a column, as a fraction of the font size.
func pdfLineStep(lines []*pdfLine) float64 {
	hist := map[float64]int{}
	for i := 1; i < len(lines); i++ {
		p, c := lines[i-1], lines[i]
		if math.Abs(p.size-c.size) > 0.05*p.size || min(p.x1, c.x1) <= max(p.x0, c.x0) || p.size <= 0 {
			continue
		}
		if r := (c.base - p.base) / p.size; r > 0.8 && r < 3 {
			hist[math.Round(r*20)/20]++
		}
	}
	best, n := 1.2, 0
	for r, c := range hist {
		if c > n || c == n && r < best {
			best, n = r, c
		}
	}
	return best
}

func pdfSamePara(p, c *pdfLine, step, right float64) bool {
	sz := max(p.size, c.size)
	if math.Abs(c.base-p.base) < 0.3*sz && c.x0 >= p.x1-0.5*sz {
		return true // the same row, further right
	}
	d := c.base - p.base
	if d <= 0 || math.Abs(p.size-c.size) > 0.15*sz || min(p.x1, c.x1) <= max(p.x0, c.x0) {
		return false
	}
	if d > max(step*1.25, 1.0)*sz {
		return false
	}
	if c.x0-p.x0 > 0.8*sz && right-p.x1 > 2*sz {
		return false
	}
	return true
}

// pdfParaText joins the lines of a paragraph. A line break becomes a space
// where the text wrapped (the next line's first word would not have fit on
// the line) and stays a line break where the line was ended early, as in
// an address. Hyphenated words are joined.
func pdfParaText(para []*pdfLine) string {
	right := 0.0
	for _, l := range para {
		right = max(right, l.x1)
	}
	var b strings.Builder
	for i, l := range para {
		t := strings.TrimSpace(l.text())
		if t == "" {
			continue
		}
		if b.Len() == 0 {
			b.WriteString(t)
			continue
		}
		p := para[i-1]
		sep := " "
		if math.Abs(l.base-p.base) >= 0.3*max(l.size, p.size) && right-p.x1 > l.firstWord()+0.5*l.size {
			sep = "\n"
		}
		s := b.String()
		if joined, ok := pdfJoinHyphen(s, t); ok {
			b.Reset()
			b.WriteString(joined)
			continue
		}
		b.WriteString(sep)
		b.WriteString(t)
	}
	return strings.ReplaceAll(b.String(), "\u00ad", "")
}

// firstWord returns the width of the line's first word.
func (l *pdfLine) firstWord() float64 {
	end := l.x0
	for i, g := range l.g {
		if i > 0 && g.space {
			break
		}
		end = max(end, g.x1)
	}
	return end - l.x0
}

// text returns the line's text. Spacing accents drawn over a letter (as
// TeX does) become combining marks of that letter.
func (l *pdfLine) text() string {
	var b strings.Builder
	gs := l.g
	for i := 0; i < len(gs); i++ {
		g := gs[i]
		if comb, ok := pdfAccent(g.text); ok {
			c, tol := (g.x0+g.x1)/2, 0.05*g.size
			over := func(h pdfFGlyph) bool {
				r, _ := utf8.DecodeRuneInString(h.text)
				return unicode.IsLetter(r) && c >= h.x0-tol && c <= h.x1+tol
			}
			if i+1 < len(gs) && over(gs[i+1]) {
				if g.space && b.Len() > 0 {
					b.WriteByte(' ')
				}
				b.WriteString(gs[i+1].text)
				b.WriteRune(comb)
				i++
				continue
			}
			if i > 0 && over(gs[i-1]) {
				b.WriteRune(comb)
				continue
			}
		}
		if g.space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(g.text)
	}
	return b.String()
}

// pdfAccent returns the combining mark of a spacing accent or of a
// combining mark drawn on its own.
func pdfAccent(s string) (rune, bool) {
	r, size := utf8.DecodeRuneInString(s)
	if size == 0 || size != len(s) {
		return 0, false
	}
	if unicode.Is(unicode.Mn, r) {
		return r, true
	}
	switch r {
	case '\u00a8':
		return '\u0308', true
	case '\u00b4', '\u02ca':
		return '\u0301', true
	case '`', '\u02cb':
		return '\u0300', true
	case '\u02c6':
		return '\u0302', true
	case '\u02dc':
		return '\u0303', true
	case '\u00af', '\u02c9':
		return '\u0304', true
	case '\u02d8':
		return '\u0306', true
	case '\u02d9':
		return '\u0307', true
	case '\u02da':
		return '\u030a', true
	case '\u00b8':
		return '\u0327', true
	case '\u02db':
		return '\u0328', true
	case '\u02c7':
		return '\u030c', true
	case '\u02dd':
		return '\u030b', true
	}
	return 0, false
}

// pdfSuspended are the words after which a line-final hyphen is a
// suspended hyphen ("Arbeits- und Lebenswelt") that stays.
var pdfSuspended = map[string]bool{"und": true, "oder": true, "bzw": true, "sowie": true, "bis": true,
	"wie": true, "noch": true, "als": true, "and": true, "or": true, "nor": true, "to": true}

// pdfJoinHyphen joins the text before a line break that ends in a hyphen
// with the text after it: a soft hyphen always goes; a hyphen before a
// lowercase letter goes too ("Innovations-" "kultur"), unless a conjunction
// follows it; before anything else it stays ("E-" "Mail"). It reports
// false when a does not end in a hyphen after a letter.
func pdfJoinHyphen(a, b string) (string, bool) {
	h, hs := utf8.DecodeLastRuneInString(a)
	if h != '-' && h != '\u00ad' && h != '\u2010' {
		return "", false
	}
	stem := a[:len(a)-hs]
	if l, _ := utf8.DecodeLastRuneInString(stem); !unicode.IsLetter(l) {
		return "", false
	}
	next, _ := utf8.DecodeRuneInString(b)
	switch {
	case h == '\u00ad':
		return stem + b, true
	case unicode.IsLower(next):
		word := strings.ToLower(strings.TrimRightFunc(strings.Fields(b)[0], func(r rune) bool { return !unicode.IsLetter(r) }))
		if pdfSuspended[word] {
			return a + " " + b, true
		}
		return stem + b, true
	case unicode.IsUpper(next) || unicode.IsDigit(next):
		return a + b, true
	}
	return "", false
}
