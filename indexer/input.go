package indexer

import (
	"errors"
	"fmt"
	"path"
	"strings"
	"unicode/utf8"

	"github.com/fundus-kb/fundus/indexer/langdetect"
	"github.com/fundus-kb/fundus/indexer/parse"
	"github.com/fundus-kb/fundus/search"
)

// input is one input of any source — a file of a folder (watched or not),
// an upload through the API, a fetched page — as the one step that turns
// its parsed records into items ([input.entries]) needs it.
type input struct {
	// label names the input in messages: a path, a file name or a URL. A
	// record of a multi-record input is named label:line.
	label string
	// parsedAs, when set, is the name the input was parsed under instead
	// of label (a page's stand-in "page.html"): its parse failures are
	// named by label instead, without a line.
	parsedAs string
	// fileID is the id of a record that names none, plus the record's
	// suffix; its folders type a record that names no type (see Prepare).
	fileID string
	// typePath, when set, types a record that names no type from its
	// folders instead of fileID's (a URL's path).
	typePath string
	// id, when set, is the id of the input's one document (an upload to
	// a document's address, a page): an input holding more is refused.
	id string
	// source is the source of a one-document input that names none ("":
	// none).
	source string
	// origin is where the input's documents are recorded as coming from.
	origin string
	// etag and lastModified are a fetched page's HTTP validators;
	// lastModified also dates a document that gives no date.
	etag, lastModified string
}

// kind says what an entry of an input is.
type kind int

const (
	ready     kind = iota // an item to write
	warned                // a problem that does not stop the input (err)
	failed                // the input, or a part of it, failed to parse (err names it)
	invalid               // a record could not be prepared (label: err)
	duplicate             // a record's id was claimed before (label: err)
)

// prepared is one entry of an input: an item prepared for writing, or a
// failure or warning of the input or of one of its records.
type prepared struct {
	kind  kind
	item  Item   // ready; for invalid and duplicate, the record as far as prepared
	label string // the input named in messages: label, or label:line
	line  int    // the record's or the failure's line, or 0
	err   error  // why it is not ready
}

// errOneDocument refuses an input with an id given for it and more than
// one document.
var errOneDocument = errors.New("the body must hold exactly one document")

// entries turns what parsing an input returned into its entries: its
// failures and warnings first, then one entry per record, in order. It is
// the one step from parsed records to store items for every source; an
// id given for the input (in.id) with more than one document refuses the
// input. A caller handing an input's records over in parts passes errs
// with the first part only.
func (in *input) entries(recs []parse.Record, errs []error) []prepared {
	out := make([]prepared, 0, len(errs)+len(recs))
	for _, err := range errs {
		out = append(out, in.problem(err))
	}
	if in.id != "" && len(recs)+countKind(out, failed) > 1 {
		return append(out, prepared{kind: failed, item: Item{Doc: search.Document{ID: in.id}}, label: in.label, err: errOneDocument})
	}
	for _, rec := range recs {
		out = append(out, in.prepare(rec))
	}
	return out
}

// problem sorts a parse failure of the input into a warning or a failure.
func (in *input) problem(err error) prepared {
	if in.parsedAs != "" {
		err = &parse.Error{Path: in.label, Err: causeOf[*parse.Error](err)}
	}
	if w, ok := asWarning(err); ok {
		return prepared{kind: warned, label: in.label, err: w}
	}
	p := prepared{kind: failed, label: in.label, err: err}
	var pe *parse.Error
	if errors.As(err, &pe) {
		p.line = pe.Line
	}
	return p
}

// prepare turns one record of the input into an item (see Prepare).
func (in *input) prepare(rec parse.Record) prepared {
	label := in.label
	if rec.Line > 0 {
		label = fmt.Sprintf("%s:%d", label, rec.Line)
	}
	if in.id != "" {
		rec.Doc.ID = in.id
	}
	if rec.Doc.Type == "" && in.typePath != "" {
		rec.Doc.Type = typeFromPath(in.typePath)
	}
	if rec.Doc.Date == "" && in.lastModified != "" {
		if d, err := search.NormalizeDate(in.lastModified); err == nil {
			rec.Doc.Date = d
		}
	}
	item, err := Prepare(rec, in.fileID, in.source)
	item.Origin, item.ETag, item.LastModified = in.origin, in.etag, in.lastModified
	p := prepared{item: item, label: label, line: rec.Line}
	if err != nil {
		p.kind, p.err = invalid, err
		if p.item.Doc.ID == "" {
			p.item.Doc.ID = rec.Doc.ID
		}
	}
	return p
}

// Prepare turns a parsed record into a normalised Item: it assigns the id
// (the record's own, or fileID plus the record's suffix), infers the type
// from the path when the input gives none, fills a missing title, detects
// the language when the input declares none, and normalises. origin
// becomes the document's source when the input names none.
func Prepare(rec parse.Record, fileID, origin string) (Item, error) {
	d := rec.Doc
	if strings.TrimSpace(d.ID) == "" {
		d.ID = fileID + rec.Suffix
	}
	if strings.TrimSpace(d.Type) == "" {
		d.Type = typeFromPath(fileID)
	}
	if strings.TrimSpace(d.Source) == "" && rec.Suffix == "" {
		// A file that is one document is that document's source; a record
		// in a JSON or JSON Lines file keeps the source it names, if any,
		// so that an export reads back unchanged.
		d.Source = origin
	}
	if strings.TrimSpace(d.Title) == "" {
		d.Title = titleFrom(d.Body, d.Summary, fileID)
	}
	if strings.TrimSpace(d.Language) == "" {
		d.Language = langdetect.Detect(d.Title + "\n" + d.Summary + "\n" + d.Body)
	}
	if err := d.Normalize(); err != nil {
		return Item{Doc: d}, err
	}
	js, hash := d.EncodeAndHash()
	return Item{Doc: d, Raw: rec.Raw, Hash: hash, JSON: js}, nil
}

// typeFromPath guesses a document type from the folders of its path, so
// that a folder "webinars/" or "empfehlungen/" types the notes in it.
func typeFromPath(id string) string {
	dirs := strings.Split(path.Dir(id), "/")
	for i := len(dirs) - 1; i >= 0; i-- {
		if t := search.NormalizeType(dirs[i]); t != search.TypeOther {
			return t
		}
	}
	return search.TypeOther
}

// titleFrom makes a title for a document that has none: the first line of
// its text, shortened, or else its file name.
func titleFrom(body, summary, fileID string) string {
	for _, text := range []string{summary, body} {
		for line := range strings.SplitSeq(text, "\n") {
			line = strings.TrimSpace(line)
			if line == "" {
				continue
			}
			if utf8.RuneCountInString(line) > 100 {
				r := []rune(line)[:100]
				if i := strings.LastIndexByte(string(r), ' '); i > 40 {
					return string(r)[:i] + "…"
				}
				return string(r) + "…"
			}
			return line
		}
	}
	base := path.Base(fileID)
	if i := strings.IndexByte(base, '#'); i > 0 {
		base = base[:i]
	}
	return strings.NewReplacer("-", " ", "_", " ").Replace(base)
}

// message is the failure or warning of p as reported: naming the input,
// or the record (label: err).
func (p *prepared) message() error {
	if p.kind == invalid || p.kind == duplicate {
		return fmt.Errorf("%s: %w", p.label, p.err)
	}
	return p.err
}

// result is p, not ready, as a write result: the record's id (when it
// has one), its line, and the field at fault (when known).
func (p *prepared) result() search.WriteResult {
	r := search.WriteResult{ID: p.item.Doc.ID, Status: search.Failed, Error: p.err.Error(), Line: p.line}
	var fe *parse.FieldError
	var ie *search.InvalidError
	switch {
	case errors.As(p.err, &fe):
		r.Field = fe.Key
	case errors.As(p.err, &ie):
		r.Field = ie.Field
	}
	return r
}

func countKind(ps []prepared, k kind) int {
	n := 0
	for i := range ps {
		if ps[i].kind == k {
			n++
		}
	}
	return n
}

// claims records which input claimed each id of one ingest: the first
// wins, a second is a duplicate (the same rule for every ingest path).
type claims map[string]string

// take claims the id of a ready entry for its label, or makes the entry a
// duplicate that names the first.
func (c claims) take(p *prepared) {
	if p.kind != ready {
		return
	}
	id := p.item.Doc.ID
	if first, dup := c[id]; dup {
		p.kind, p.err = duplicate, fmt.Errorf("duplicate id %q, already read from %s", id, first)
		return
	}
	c[id] = p.label
}

// asWarning returns the warning that a parse failure err is, when it does
// not stop the input from being written (a file without text is written
// with its metadata only): one rule for every ingest path.
func asWarning(err error) (error, bool) {
	if errors.Is(err, parse.ErrNoText) {
		return fmt.Errorf("%w; ingested with its metadata only", err), true
	}
	return nil, false
}

// causeOf is what an error of type E in err's chain wraps (the failure
// without the path a *fs.PathError or *parse.Error names), or else err.
func causeOf[E interface {
	error
	Unwrap() error
}](err error) error {
	var e E
	if errors.As(err, &e) {
		return e.Unwrap()
	}
	return err
}

// tally counts what an ingest did in its Summary and hands its failures
// and warnings to the options' callbacks: one place for every source.
type tally struct {
	sum  Summary
	opts IngestOptions
}

// fail counts a failed input and hands it to OnError.
func (t *tally) fail(err error) {
	t.sum.Failed++
	if t.opts.OnError != nil {
		t.opts.OnError(err)
	}
}

// warn hands a warning to OnWarning.
func (t *tally) warn(err error) {
	if t.opts.OnWarning != nil {
		t.opts.OnWarning(err)
	}
}

// count counts the outcomes of writes; a failed write is reported, named
// by label(i) (the input it came from).
func (t *tally) count(res []search.WriteResult, label func(i int) string) {
	for i, r := range res {
		if r.Error != "" {
			t.fail(fmt.Errorf("%s: %s", label(i), r.Error))
			continue
		}
		t.sum.add(r.Status)
	}
}
