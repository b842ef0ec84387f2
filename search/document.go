package search

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Document types. Any other type given by an input is normalised to TypeOther.
const (
	TypeWebinar        = "webinar"
	TypeCase           = "case"
	TypeRecommendation = "recommendation"
	TypeOther          = "other"
)

// Language codes with an analyzer of their own. Every other language is kept
// as its primary subtag and indexed with a language-neutral analyzer;
// LangUnknown marks text whose language could not be told.
const (
	LangGerman  = "de"
	LangEnglish = "en"
	LangUnknown = "und"
)

// VisibilityMembers marks a members-only document.
const VisibilityMembers = "members"

// DateLayout is the layout of Document.Date.
const DateLayout = "2006-01-02"

// Document is one entry of the knowledge base: webinar notes, a case
// write-up, a policy recommendation or anything else. It is what the
// indexer stores in Badger and what the search index is derived from.
type Document struct {
	ID            string   `json:"id"`
	Type          string   `json:"type"`
	Title         string   `json:"title"`
	Summary       string   `json:"summary,omitempty"`
	Body          string   `json:"body,omitempty"`
	Date          string   `json:"date,omitempty"` // YYYY-MM-DD
	Topics        []string `json:"topics,omitempty"`
	People        []string `json:"people,omitempty"`
	Organizations []string `json:"organizations,omitempty"`
	Language      string   `json:"language"`
	Source        string   `json:"source,omitempty"`

	// Recommendations.
	Addressees []string `json:"addressees,omitempty"`
	PolicyArea string   `json:"policy_area,omitempty"`

	// Cases.
	Challenge string `json:"challenge,omitempty"`
	Approach  string `json:"approach,omitempty"`
	Outcome   string `json:"outcome,omitempty"`

	// Visibility is "" for public documents and VisibilityMembers for
	// documents only requests with the read token may see.
	Visibility string `json:"visibility,omitempty"`

	// Metadata keeps input fields Fundus has no field of its own for.
	Metadata map[string]any `json:"metadata,omitempty"`
}

// Year returns the year of the document's date, or "" when it has none.
func (d *Document) Year() string {
	if len(d.Date) >= 4 {
		return d.Date[:4]
	}
	return ""
}

// Time returns the document's date as a time, and false when it has none.
func (d *Document) Time() (time.Time, bool) {
	t, err := time.Parse(DateLayout, d.Date)
	return t, err == nil
}

// Hash returns a hex SHA-256 of the document's canonical JSON. Two documents
// with the same hash have the same content.
func (d *Document) Hash() string {
	_, h := d.EncodeAndHash()
	return h
}

// EncodeAndHash returns the document's canonical JSON and its hash (see
// Hash), so a writer that needs both encodes once. The JSON is nil when the
// document cannot be encoded.
func (d *Document) EncodeAndHash() ([]byte, string) {
	b, err := json.Marshal(d)
	if err != nil {
		// Metadata comes from decoded JSON or YAML and always marshals;
		// fall back to a hash of the formatted value rather than panic.
		sum := sha256.Sum256(fmt.Appendf(nil, "%#v", d))
		return nil, hex.EncodeToString(sum[:])
	}
	sum := sha256.Sum256(b)
	return b, hex.EncodeToString(sum[:])
}

// InvalidError reports a document that cannot be accepted, naming the field.
type InvalidError struct {
	Field  string
	Reason string
}

func (e *InvalidError) Error() string {
	if e.Field == "" {
		return "invalid document: " + e.Reason
	}
	return fmt.Sprintf("invalid document: %s: %s", e.Field, e.Reason)
}

// ParseType reads a document type as a user writes it (any spelling
// NormalizeType knows, and "other" with its German names); ok is false
// for a word that names no type.
func ParseType(s string) (t string, ok bool) {
	if t = NormalizeType(s); t != TypeOther {
		return t, true
	}
	switch strings.ToLower(strings.TrimSpace(s)) {
	case TypeOther, "others", "sonstige", "sonstiges", "andere":
		return TypeOther, true
	}
	return "", false
}

// TypeHelp lists the types for a message about a type that is none.
const TypeHelp = "webinar, case, recommendation or other; German names such as Fall or Empfehlung work too"

// NormalizeType maps the spellings of a document type used in inputs
// (English and German, any case) to one of the four types.
func NormalizeType(s string) string {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "webinar", "webinars", "webinare", "webinar-notes", "webinarnotiz", "webinarnotizen", "webinar notes", "notes":
		return TypeWebinar
	case "case", "cases", "case study", "case-studies", "fall", "fälle", "faelle", "fallstudie", "fallstudien", "praxisfall", "praxisfälle", "peer-case", "peer-to-peer", "beratung", "fallbeispiel", "fallbeispiele":
		return TypeCase
	case "recommendation", "recommendations", "empfehlung", "empfehlungen", "handlungsempfehlung", "handlungsempfehlungen", "policy", "policy recommendation", "policy-recommendations":
		return TypeRecommendation
	default:
		return TypeOther
	}
}

// NormalizeLanguage reduces a language tag such as "de-DE" or "EN_us" to its
// lowercased primary subtag. It returns "" for an empty or malformed tag.
func NormalizeLanguage(tag string) string {
	tag = strings.TrimSpace(tag)
	if i := strings.IndexAny(tag, "-_"); i >= 0 {
		tag = tag[:i]
	}
	tag = strings.ToLower(tag)
	if len(tag) < 2 || len(tag) > 3 {
		return ""
	}
	for _, r := range tag {
		if r < 'a' || r > 'z' {
			return ""
		}
	}
	return tag
}

// dateLayouts are the date spellings accepted from inputs, most specific first.
var dateLayouts = []string{
	time.RFC3339Nano,
	time.RFC3339,
	"2006-01-02T15:04:05",
	"2006-01-02T15:04",
	"2006-01-02 15:04:05",
	"2006-01-02 15:04",
	"2006-01-02",
	"2006/01/02",
	"02.01.2006",
	"2.1.2006",
	"01.2006",
	"2006-01",
	"2006",
	time.RFC1123Z,
	time.RFC1123,
	"Mon, 2 Jan 2006 15:04:05 -0700",
	"January 2, 2006",
	"2 January 2006",
	"Jan 2, 2006",
}

// NormalizeDate parses the date spellings found in inputs and returns the
// date as YYYY-MM-DD. It reports an error naming the value when none fits.
func NormalizeDate(s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", nil
	}
	for _, layout := range dateLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			if t.Year() < 1000 || t.Year() > 9999 {
				break
			}
			return t.Format(DateLayout), nil
		}
	}
	return "", fmt.Errorf("unrecognised date %q (want YYYY-MM-DD)", s)
}

// Normalize trims and cleans the document in place: it maps the type,
// language and date to their canonical forms, removes empty and duplicate
// list values (keeping the first spelling) and checks that the document has
// an id and some text. It does not detect the language; see indexer.
func (d *Document) Normalize() error {
	d.ID = strings.TrimSpace(d.ID)
	if err := ValidateID(d.ID); err != nil {
		return &InvalidError{Field: "id", Reason: err.Error()}
	}
	for _, f := range []struct {
		name string
		s    *string
	}{
		{"id", &d.ID}, {"title", &d.Title}, {"summary", &d.Summary}, {"body", &d.Body}, {"source", &d.Source},
		{"policy_area", &d.PolicyArea}, {"challenge", &d.Challenge}, {"approach", &d.Approach}, {"outcome", &d.Outcome},
	} {
		if !utf8.ValidString(*f.s) {
			return &InvalidError{Field: f.name, Reason: "not valid UTF-8"}
		}
		*f.s = strings.TrimSpace(strings.ReplaceAll(*f.s, "\x00", ""))
	}
	d.Type = NormalizeType(d.Type)
	if d.Language != "" {
		d.Language = NormalizeLanguage(d.Language)
		if d.Language == "" {
			return &InvalidError{Field: "language", Reason: "not a language tag"}
		}
	}
	switch strings.ToLower(strings.TrimSpace(d.Visibility)) {
	case "", "public", "öffentlich", "oeffentlich":
		d.Visibility = ""
	case "members", "member", "members-only", "mitglieder", "intern", "internal":
		d.Visibility = VisibilityMembers
	default:
		return &InvalidError{Field: "visibility", Reason: fmt.Sprintf("unknown visibility %q (want public or members)", d.Visibility)}
	}
	date, err := NormalizeDate(d.Date)
	if err != nil {
		return &InvalidError{Field: "date", Reason: err.Error()}
	}
	d.Date = date
	d.Topics = cleanList(d.Topics)
	d.People = cleanList(d.People)
	d.Organizations = cleanList(d.Organizations)
	d.Addressees = cleanList(d.Addressees)
	if len(d.Metadata) == 0 {
		d.Metadata = nil
	}
	if d.Title == "" && d.Body == "" && d.Summary == "" {
		return &InvalidError{Field: "body", Reason: "document has no title and no text"}
	}
	return nil
}

// MaxIDBytes is the longest id accepted, in bytes.
const MaxIDBytes = 512

// ValidateID reports why id cannot be a document id, naming it, or nil.
//
// An id becomes a path (/documents/<id>, /api/documents/<id>) and a part of
// store keys, so it must read the same wherever it goes: it is valid UTF-8
// of at most MaxIDBytes bytes without control characters (NUL included),
// and its "/"-separated segments are neither empty nor "." or "..", which
// browsers, proxies and routers would resolve to another path: no leading
// or trailing "/", no "//". An http or https URL, the id of a fetched web
// page, may have its "//" after the scheme and a trailing "/", and its
// path (not its query) must be clean just the same.
//
// ValidateID is the one check of ids: documents are held to it when they
// are written (Normalize), the API when it takes an id to write.
func ValidateID(id string) error {
	if id == "" {
		return errors.New("missing")
	}
	if len(id) > MaxIDBytes {
		cut := 40
		for cut > 0 && !utf8.RuneStart(id[cut]) {
			cut--
		}
		return fmt.Errorf("%q… (%d bytes) is longer than %d bytes", id[:cut], len(id), MaxIDBytes)
	}
	if !utf8.ValidString(id) {
		return fmt.Errorf("%q is not valid UTF-8", id)
	}
	for _, r := range id {
		if unicode.IsControl(r) {
			return fmt.Errorf("%q holds the control character %U", id, r)
		}
	}
	rest := id
	if scheme, after, ok := strings.Cut(id, "://"); ok && (strings.EqualFold(scheme, "http") || strings.EqualFold(scheme, "https")) {
		if i := strings.IndexAny(after, "?#"); i >= 0 {
			after = after[:i] // a query or fragment is no path
		}
		rest = strings.TrimSuffix(after, "/")
		if rest == "" {
			return fmt.Errorf("%q is a URL without a host", id)
		}
	}
	if strings.HasPrefix(rest, "/") || strings.HasSuffix(rest, "/") {
		return fmt.Errorf("%q starts or ends with \"/\"", id)
	}
	for seg := range strings.SplitSeq(rest, "/") {
		switch seg {
		case "":
			return fmt.Errorf("%q holds an empty path segment (\"//\")", id)
		case ".", "..":
			return fmt.Errorf("%q holds a %q path segment", id, seg)
		}
	}
	return nil
}

// cleanList trims values, drops empty ones and case-insensitive duplicates,
// keeping the first spelling and the input order.
func cleanList(in []string) []string {
	var out []string
	seen := make(map[string]bool, len(in))
	for _, v := range in {
		v = strings.Join(strings.Fields(v), " ")
		if v == "" || !utf8.ValidString(v) {
			continue
		}
		k := strings.ToLower(v)
		if seen[k] {
			continue
		}
		seen[k] = true
		out = append(out, v)
	}
	return slices.Clip(out)
}

// ErrNotFound reports a document id that is not in the knowledge base.
var ErrNotFound = errors.New("document not found")

// ErrConflict reports a write that contradicts the current state, such as
// restoring a deleted document whose id has been taken again.
var ErrConflict = errors.New("conflict")

// ErrNotReady reports a knowledge base whose index is still being
// replayed or rebuilt.
var ErrNotReady = errors.New("the search index is being rebuilt; try again shortly")

// Outcome is what a write did to one document. It travels typed from the
// store to the edge and becomes a string only in JSON ("added" …).
type Outcome int

// Write outcomes. The zero value is Failed: a result that says nothing
// else did not write.
const (
	Failed    Outcome = iota
	Added             // a new document
	Updated           // a changed document
	Unchanged         // the same document again: no journal entry
	Deleted           // a document deleted (moved to the trash)
	NotFound          // a delete of an id that has no document
	Restored          // a document brought back from the trash
)

var outcomeNames = [...]string{Failed: "failed", Added: "added", Updated: "updated", Unchanged: "unchanged", Deleted: "deleted", NotFound: "not_found", Restored: "restored"}

func (o Outcome) String() string {
	if o >= 0 && int(o) < len(outcomeNames) {
		return outcomeNames[o]
	}
	return "unknown"
}

// MarshalText writes the outcome as its name.
func (o Outcome) MarshalText() ([]byte, error) { return []byte(o.String()), nil }

// UnmarshalText reads an outcome's name.
func (o *Outcome) UnmarshalText(b []byte) error {
	for i, n := range outcomeNames {
		if n == string(b) {
			*o = Outcome(i)
			return nil
		}
	}
	return fmt.Errorf("unknown write outcome %q", b)
}

// WriteResult is what one document write did: its Outcome (with Error
// when it failed, and Field when one field was at fault).
type WriteResult struct {
	ID     string  `json:"id,omitempty"`
	Status Outcome `json:"status"`
	Error  string  `json:"error,omitempty"`
	Field  string  `json:"field,omitempty"`
	Line   int     `json:"line,omitempty"`
	// Warning notes a problem that did not stop the write, such as a PDF
	// without text.
	Warning string `json:"warning,omitempty"`
}

// TrashEntry is a deleted document that can still be restored.
type TrashEntry struct {
	ID      string    `json:"id"`
	Type    string    `json:"type"`
	Title   string    `json:"title"`
	Deleted time.Time `json:"deleted"`
}

// Gauges are the knowledge base's figures for monitoring.
type Gauges struct {
	Ready      bool
	Documents  int
	Indexed    uint64
	Seq        uint64
	Checkpoint uint64
	StoreBytes int64
	IndexBytes int64
	Trashed    int
}
