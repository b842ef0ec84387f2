package web

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"github.com/fundus-kb/fundus/search"
)

// Citations: a document, or every match of a search, as BibTeX, RIS or
// CSL-JSON, the formats reference managers (Zotero, Citavi, EndNote,
// JabRef, Mendeley) import. A document page also carries Highwire
// citation_* meta tags, which their browser connectors read.
//
// Fundus documents name people as participants and subjects, not as
// authors, so a citation's author is the issuing organisation: a
// "publisher", "issuer" or "herausgeber" metadata field when the document
// has one, else its first organisation (the organisation whose case it is,
// the network's carrier for webinars and recommendations), else the
// network itself (Config.Network).

// citeFormats are the citation downloads, by their format parameter.
var citeFormats = map[string]struct{ ctype, ext string }{
	"bibtex":   {"application/x-bibtex; charset=utf-8", "bib"},
	"ris":      {"application/x-research-info-systems; charset=utf-8", "ris"},
	"csl-json": {"application/vnd.citationstyles.csl+json; charset=utf-8", "json"},
}

// citeFormatNames lists citeFormats for error messages.
const citeFormatNames = "bibtex, ris or csl-json"

// citeItem is what every citation format says about one document.
type citeItem struct {
	Key       string // BibTeX key and CSL id, unique within one download
	Type      string // the document's type
	TypeLabel string // the type in the reader's language ("Praxisfall")
	Title     string
	Author    string // an organisation or the network (see above)
	Date      string // YYYY-MM-DD, or ""
	URL       string // the permalink
	Accessed  string // YYYY-MM-DD
	Abstract  string
	Keywords  []string
	Language  string // ISO 639-1, or ""
	Publisher string // the network
}

// issuerKeys are the metadata fields that name a document's issuer, in
// order of precedence (compared case-insensitively).
var issuerKeys = []string{"publisher", "issuer", "herausgeber", "institution"}

// network is the name of the learning network in lang.
func (s *Server) network(lang string) string {
	if s.cfg.Network != "" {
		return s.cfg.Network
	}
	return translate(lang, "cite.network")
}

// issuer is the organisation a document is cited under (see above).
func (s *Server) issuer(doc *search.Document, lang string) string {
	for _, want := range issuerKeys {
		for k, v := range doc.Metadata {
			if strings.EqualFold(k, want) {
				if name := strings.TrimSpace(metaString(v)); name != "" {
					return name
				}
			}
		}
	}
	if len(doc.Organizations) > 0 && strings.TrimSpace(doc.Organizations[0]) != "" {
		return doc.Organizations[0]
	}
	return s.network(lang)
}

// citeItem describes doc for a citation in lang; base is the scheme and
// host of the permalink, now the day of access.
func (s *Server) citeItem(doc *search.Document, lang, base string, now time.Time) citeItem {
	title := doc.Title
	if title == "" {
		title = doc.ID
	}
	label := translate(lang, "type."+doc.Type)
	if label == "type."+doc.Type {
		label = doc.Type
	}
	it := citeItem{
		Type: doc.Type, TypeLabel: label, Title: title,
		Author:    s.issuer(doc, lang),
		URL:       base + DocumentPath(doc.ID),
		Accessed:  now.UTC().Format(search.DateLayout),
		Abstract:  doc.Summary,
		Keywords:  doc.Topics,
		Language:  doc.Language,
		Publisher: s.network(lang),
	}
	if _, err := time.Parse(search.DateLayout, doc.Date); err == nil {
		it.Date = doc.Date
	}
	return it
}

// citeKeys makes BibTeX keys: the author's first word, the year and the
// title's first telling word, in ASCII ("nordwerk2020intrapreneurship"),
// with a letter added when a key repeats within one download.
type citeKeys map[string]int

func (k citeKeys) key(it citeItem) string {
	author := keyWords(it.Author)
	var b strings.Builder
	if len(author) > 0 {
		b.WriteString(author[0])
	} else {
		b.WriteString("fundus")
	}
	if len(it.Date) >= 4 {
		b.WriteString(it.Date[:4])
	}
	for _, w := range keyWords(it.Title) {
		if len(w) >= 4 && !keyStopWords[w] && (len(author) == 0 || w != author[0]) {
			b.WriteString(w)
			break
		}
	}
	key := b.String()
	n := k[key]
	k[key] = n + 1
	if n == 0 {
		return key
	}
	// a, b, …, z, then aa, ab, …
	suffix := ""
	for n > 0 {
		n--
		suffix = string(rune('a'+n%26)) + suffix
		n /= 26
	}
	return key + suffix
}

// keyStopWords are title words a key skips.
var keyStopWords = map[string]bool{
	"eine": true, "einer": true, "eines": true, "einem": true, "einen": true, "der": true, "die": true, "das": true,
	"und": true, "oder": true, "fuer": true, "with": true, "from": true, "into": true, "this": true, "that": true,
	"webinar": true, "follow": true, "case": true, "wie": true, "was": true, "warum": true, "what": true, "when": true,
}

// keyWords splits s into lower-case ASCII words: umlauts become ae, oe,
// ue, ß becomes ss, other accents are dropped.
func keyWords(s string) []string {
	s = strings.NewReplacer("ä", "ae", "ö", "oe", "ü", "ue", "Ä", "Ae", "Ö", "Oe", "Ü", "Ue", "ß", "ss").Replace(s)
	var words []string
	var w strings.Builder
	flush := func() {
		if w.Len() > 0 {
			words = append(words, w.String())
			w.Reset()
		}
	}
	for _, r := range norm.NFD.String(s) {
		switch {
		case unicode.Is(unicode.Mn, r):
		case r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			w.WriteRune(unicode.ToLower(r))
		default:
			flush()
		}
	}
	flush()
	return words
}

// oneLine folds line breaks and runs of spaces into single spaces.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// bibtexEscaper escapes TeX's special characters in a field value.
var bibtexEscaper = strings.NewReplacer(
	`\`, `\textbackslash{}`, `{`, `\{`, `}`, `\}`, `%`, `\%`, `&`, `\&`, `$`, `\$`,
	`#`, `\#`, `_`, `\_`, `^`, `\^{}`, `~`, `\~{}`,
)

// bibtexLangs are biblatex's langid values for document languages.
var bibtexLangs = map[string]string{"de": "ngerman", "en": "english", "fr": "french", "es": "spanish", "it": "italian", "nl": "dutch"}

var bibtexMonths = [...]string{"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"}

// writeBibTeX writes it as an @misc entry (a report for a
// recommendation), for BibTeX and biblatex alike, in UTF-8. The title and
// the organisation are braced twice, so that styles neither change their
// case (German nouns keep their capitals) nor split the organisation into
// first and last names.
func writeBibTeX(w io.Writer, it citeItem) error {
	kind := "misc"
	if it.Type == search.TypeRecommendation {
		kind = "report"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "@%s{%s,\n", kind, it.Key)
	field := func(name, value string, braces int) {
		if value == "" {
			return
		}
		fmt.Fprintf(&b, "  %-12s = %s%s%s,\n", name, strings.Repeat("{", braces), bibtexEscaper.Replace(oneLine(value)), strings.Repeat("}", braces))
	}
	field("author", it.Author, 2)
	field("title", it.Title, 2)
	if kind == "report" {
		field("institution", it.Author, 2)
		field("type", it.TypeLabel, 1)
	} else {
		field("howpublished", it.TypeLabel, 1)
	}
	if it.Date != "" {
		field("year", it.Date[:4], 1)
		if m, err := strconv.Atoi(it.Date[5:7]); err == nil && m >= 1 && m <= 12 {
			fmt.Fprintf(&b, "  %-12s = %s,\n", "month", bibtexMonths[m-1])
		}
		field("date", it.Date, 1)
	}
	field("organization", it.Publisher, 2)
	field("url", it.URL, 1)
	field("urldate", it.Accessed, 1)
	field("abstract", it.Abstract, 1)
	field("keywords", strings.Join(it.Keywords, ", "), 1)
	field("langid", bibtexLangs[it.Language], 1)
	field("note", "Fundus", 1)
	out := strings.TrimSuffix(b.String(), ",\n") + "\n}\n\n"
	_, err := io.WriteString(w, out)
	return err
}

// writeRIS writes it as one RIS record (tags, CRLF line ends, ER last).
// The organisation ends in a comma, the convention that keeps reference
// managers from reading "Nordwerk Maschinenbau GmbH" as first and last
// names.
func writeRIS(w io.Writer, it citeItem) error {
	var b strings.Builder
	tag := func(t, v string) {
		if v = oneLine(v); v != "" {
			b.WriteString(t + "  - " + v + "\r\n")
		}
	}
	kind := "GEN"
	if it.Type == search.TypeRecommendation {
		kind = "RPRT"
	}
	tag("TY", kind)
	tag("ID", it.Key)
	tag("TI", it.Title)
	tag("AU", it.Author+",")
	tag("M3", it.TypeLabel)
	if it.Date != "" {
		tag("PY", it.Date[:4])
		tag("DA", strings.ReplaceAll(it.Date, "-", "/"))
	}
	tag("PB", it.Publisher)
	tag("DB", "Fundus")
	tag("UR", it.URL)
	tag("Y2", strings.ReplaceAll(it.Accessed, "-", "/"))
	tag("AB", it.Abstract)
	for _, k := range it.Keywords {
		tag("KW", k)
	}
	tag("LA", it.Language)
	b.WriteString("ER  - \r\n\r\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// cslItem is a CSL-JSON item (citationstyles.org/ schema csl-data.json).
type cslItem struct {
	ID        string    `json:"id"`
	Type      string    `json:"type"`
	Title     string    `json:"title"`
	Author    []cslName `json:"author"`
	Issued    *cslDate  `json:"issued,omitempty"`
	Accessed  *cslDate  `json:"accessed,omitempty"`
	Genre     string    `json:"genre,omitempty"`
	Publisher string    `json:"publisher,omitempty"`
	Source    string    `json:"source,omitempty"`
	URL       string    `json:"URL"`
	Abstract  string    `json:"abstract,omitempty"`
	Keyword   string    `json:"keyword,omitempty"`
	Language  string    `json:"language,omitempty"`
}

// cslName is an institutional name: CSL prints a literal as it is.
type cslName struct {
	Literal string `json:"literal"`
}

type cslDate struct {
	DateParts [][]int `json:"date-parts"`
}

func newCSLDate(ymd string) *cslDate {
	t, err := time.Parse(search.DateLayout, ymd)
	if err != nil {
		return nil
	}
	return &cslDate{DateParts: [][]int{{t.Year(), int(t.Month()), t.Day()}}}
}

func cslOf(it citeItem) cslItem {
	kind := "document"
	if it.Type == search.TypeRecommendation {
		kind = "report"
	}
	return cslItem{
		ID: it.Key, Type: kind, Title: it.Title,
		Author: []cslName{{Literal: it.Author}},
		Issued: newCSLDate(it.Date), Accessed: newCSLDate(it.Accessed),
		Genre: it.TypeLabel, Publisher: it.Publisher, Source: "Fundus",
		URL: it.URL, Abstract: it.Abstract, Keyword: strings.Join(it.Keywords, ", "), Language: it.Language,
	}
}

// citeWriter writes the items of one download in a format.
type citeWriter struct {
	w      *bufio.Writer
	format string
	keys   citeKeys
	n      int
}

func newCiteWriter(w io.Writer, format string) *citeWriter {
	return &citeWriter{w: bufio.NewWriterSize(w, 64<<10), format: format, keys: citeKeys{}}
}

func (c *citeWriter) write(it citeItem) error {
	it.Key = c.keys.key(it)
	c.n++
	switch c.format {
	case "bibtex":
		if c.n == 1 {
			c.w.WriteString("% Encoding: UTF-8\n\n")
		}
		return writeBibTeX(c.w, it)
	case "ris":
		return writeRIS(c.w, it)
	}
	sep := ",\n"
	if c.n == 1 {
		sep = "[\n"
	}
	b, err := json.Marshal(cslOf(it))
	if err != nil {
		return err
	}
	c.w.WriteString(sep)
	_, err = c.w.Write(b)
	return err
}

// close ends the download (CSL-JSON is an array, empty when nothing
// matched) and flushes it.
func (c *citeWriter) close() error {
	if c.format == "csl-json" {
		if c.n == 0 {
			c.w.WriteString("[")
		}
		c.w.WriteString("\n]\n")
	}
	return c.w.Flush()
}

// citeLanguage is the language of a download's type labels: the ui
// parameter, else the UI's language.
func citeLanguage(r *http.Request) (string, error) { return feedLanguage(r) }

// apiCitation serves one document's citation:
// /api/documents/{id}/citation?format=bibtex|ris|csl-json.
func (s *Server) apiCitation(w http.ResponseWriter, r *http.Request, id string) error {
	format := r.URL.Query().Get("format")
	f, ok := citeFormats[format]
	if !ok {
		return &search.InvalidRequestError{Param: "format", Reason: "unknown citation format " + strconv.Quote(format) + " (want " + citeFormatNames + ")"}
	}
	lang, err := citeLanguage(r)
	if err != nil {
		return err
	}
	doc, err := s.kb.Document(r.Context(), id)
	if err != nil {
		return err
	}
	it := s.citeItem(doc, lang, s.baseURL(r), s.now())
	name := "fundus-" + citeKeys{}.key(it)
	attachment(w, f.ctype, name+"."+f.ext)
	cw := newCiteWriter(w, format)
	if err := cw.write(it); err != nil {
		return err
	}
	return cw.close()
}

// now is the server's clock.
func (s *Server) now() time.Time { return s.cfg.Now() }

// highwireTags are a document's Highwire Press citation_* meta tags, as
// Google Scholar and the reference managers' browser connectors read them.
func highwireTags(it citeItem) []metaTag {
	tags := []metaTag{
		{"citation_title", it.Title},
		{"citation_author", it.Author},
	}
	if it.Date != "" {
		d := strings.ReplaceAll(it.Date, "-", "/")
		tags = append(tags, metaTag{"citation_publication_date", d}, metaTag{"citation_date", d})
	}
	tags = append(tags, metaTag{"citation_publisher", it.Publisher})
	if it.Type == search.TypeRecommendation {
		tags = append(tags, metaTag{"citation_technical_report_institution", it.Author})
	}
	if it.Language != "" {
		tags = append(tags, metaTag{"citation_language", it.Language})
	}
	if len(it.Keywords) > 0 {
		tags = append(tags, metaTag{"citation_keywords", strings.Join(it.Keywords, "; ")})
	}
	tags = append(tags, metaTag{"citation_abstract_html_url", it.URL}, metaTag{"citation_public_url", it.URL})
	return tags
}

// metaTag is a <meta name content> in a page's head.
type metaTag struct{ Name, Content string }
