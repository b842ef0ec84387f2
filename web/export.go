package web

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/fundus-kb/fundus/search"
)

// csvHeader lists the columns of a CSV export.
var csvHeader = []string{"id", "type", "title", "date", "language", "topics", "people", "organizations", "addressees", "policy_area", "summary", "source", "url"}

// export streams every match of req (not one page) as CSV or NDJSON, in
// the request's sort order. Documents come from the store, whole.
//
// CSV is what spreadsheet programs open, so its cells are written to be
// read as text, never as formulas (see csvCell). NDJSON is left exact: it
// is read back by ingest and by programs, not by spreadsheets.
func (s *Server) export(w http.ResponseWriter, r *http.Request, req search.Request, format string) error {
	// Check the request before any byte is sent, so errors are still JSON.
	probe := req
	probe.Size, probe.Page, probe.NoFacets, probe.NoSnippets = 1, 1, true, true
	if _, err := s.kb.Search(r.Context(), probe); err != nil {
		return err
	}
	stamp := time.Now().UTC().Format("20060102-150405")
	ctype := "text/csv; charset=utf-8"
	if format == "ndjson" {
		ctype = "application/x-ndjson"
	}
	w.Header().Set("Content-Type", ctype)
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="fundus-export-%s.%s"`, stamp, format))
	bw := bufio.NewWriterSize(w, 64<<10)
	csv := format == "csv"
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	if csv {
		bw.WriteString("\ufeff") // a BOM, so spreadsheet programs read UTF-8
		writeCSVRecord(bw, csvHeader)
	}
	err := s.kb.EachID(r.Context(), req, func(id string) error {
		d, err := s.kb.Document(r.Context(), id)
		if errors.Is(err, search.ErrNotFound) {
			return nil // deleted while exporting
		}
		if err != nil {
			return err
		}
		if csv {
			return writeCSVRecord(bw, []string{
				d.ID, d.Type, d.Title, d.Date, d.Language,
				strings.Join(d.Topics, "; "), strings.Join(d.People, "; "), strings.Join(d.Organizations, "; "),
				strings.Join(d.Addressees, "; "), d.PolicyArea, d.Summary, d.Source, DocumentPath(d.ID),
			})
		}
		return enc.Encode(d)
	})
	if ferr := bw.Flush(); err == nil {
		err = ferr
	}
	if err != nil {
		// Headers are sent; all that is left is to cut the stream short
		// so the client sees an incomplete download, and to log.
		s.log.Error("export failed", "err", err)
		panic(http.ErrAbortHandler)
	}
	return nil
}

// writeCSVRecord writes one CSV record (RFC 4180) with every field quoted
// and neutralised by csvCell. Quoting every field, not only those holding a
// comma, keeps a cell whole in a spreadsheet that splits at semicolons or
// tabs (a German Excel opens CSV with ";"), so text after a separator
// inside a field cannot start a cell of its own.
func writeCSVRecord(w *bufio.Writer, fields []string) error {
	for i, f := range fields {
		if i > 0 {
			w.WriteByte(',')
		}
		w.WriteByte('"')
		w.WriteString(strings.ReplaceAll(csvCell(f), `"`, `""`))
		w.WriteByte('"')
	}
	_, err := w.WriteString("\n")
	return err
}

// csvCell neutralises a cell a spreadsheet would read as a formula (CSV or
// formula injection): a value starting with =, +, -, @, a tab or a carriage
// return gets a leading apostrophe, as OWASP recommends, so that it is
// shown as the text it is. This applies to negative numbers too ("-5"
// becomes "'-5"): Fundus's fields are text, and telling a number from a
// formula such as -1+cmd|' /C calc'!A0 is what the rule avoids.
//
// A spreadsheet that reads the file with another separator than the comma
// (a German Excel splits at semicolons) keeps only the first field of a
// row quoted and starts a cell after every semicolon, tab or line break in
// the rest. So =, +, - and @ after one of those characters (and any
// spaces) get an apostrophe as well: "Kultur; =1+1" is written
// "Kultur; '=1+1".
func csvCell(s string) string {
	if s == "" || !strings.ContainsAny(s, "=+-@\t\r") {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 2)
	if strings.IndexByte("=+-@\t\r", s[0]) >= 0 {
		b.WriteByte('\'')
	}
	afterSep := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case strings.IndexByte(",;\t\r\n", c) >= 0:
			afterSep = true
		case c == ' ':
		case afterSep && strings.IndexByte("=+-@", c) >= 0:
			b.WriteByte('\'')
			afterSep = false
		default:
			afterSep = false
		}
		b.WriteByte(c)
	}
	return b.String()
}
