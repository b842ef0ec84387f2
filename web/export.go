package web

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"github.com/fundus-kb/fundus/search"
)

// exportHeader lists the columns of a CSV or spreadsheet export.
var exportHeader = []string{"id", "type", "title", "date", "language", "topics", "people", "organizations", "addressees", "policy_area", "summary", "body", "source", "url"}

// exportFormats are the download formats of a result list, by their
// format parameter.
var exportFormats = map[string]struct{ ctype, ext string }{
	"csv":       {"text/csv; charset=utf-8", "csv"},
	"csv-excel": {"text/csv; charset=utf-8", "csv"},
	"xlsx":      {"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"},
	"ndjson":    {"application/x-ndjson", "ndjson"},
}

// exportRow is a document as a row of exportHeader; url is absolute.
func exportRow(d *search.Document, url string) []string {
	return []string{
		d.ID, d.Type, d.Title, d.Date, d.Language,
		strings.Join(d.Topics, "; "), strings.Join(d.People, "; "), strings.Join(d.Organizations, "; "),
		strings.Join(d.Addressees, "; "), d.PolicyArea, d.Summary, d.Body, d.Source, url,
	}
}

// export streams every match of req (not one page) in format, in the
// request's sort order. Documents come from the store, whole.
//
//   - csv: RFC 4180 with commas, a UTF-8 byte order mark and LF, for
//     programs and most spreadsheets;
//   - csv-excel: the same with semicolons and CRLF, which is what a German
//     Excel opens by a double click without an import dialogue;
//   - xlsx: an Excel workbook (excelize), one row per document, the date a
//     typed date cell;
//   - ndjson: the stored documents, exact, as ingest reads them back.
//
// CSV is what spreadsheet programs open, so its cells are written to be
// read as text, never as formulas (see csvCell); xlsx cells are typed
// strings, which a spreadsheet never evaluates.
func (s *Server) export(w http.ResponseWriter, r *http.Request, req search.Request, format string) error {
	// Check the request before any byte is sent, so errors are still JSON.
	probe := req
	probe.Size, probe.Page, probe.NoFacets, probe.NoSnippets = 1, 1, true, true
	if _, err := s.kb.Search(r.Context(), probe); err != nil {
		return err
	}
	f := exportFormats[format]
	stamp := time.Now().UTC().Format("20060102-150405")
	base := s.baseURL(r)
	each := func(fn func(d *search.Document) error) error {
		return s.kb.EachID(r.Context(), req, func(id string) error {
			d, err := s.kb.Document(r.Context(), id)
			if errors.Is(err, search.ErrNotFound) {
				return nil // deleted while exporting
			}
			if err != nil {
				return err
			}
			return fn(d)
		})
	}
	if cf, ok := citeFormats[format]; ok {
		lang, err := citeLanguage(r)
		if err != nil {
			return err
		}
		now := s.now()
		attachment(w, cf.ctype, "fundus-citations-"+stamp+"."+cf.ext)
		cw := newCiteWriter(w, format)
		err = each(func(d *search.Document) error { return cw.write(s.citeItem(d, lang, base, now)) })
		if cerr := cw.close(); err == nil {
			err = cerr
		}
		if err != nil {
			s.abortStream("citation export failed", err)
		}
		return nil
	}
	if format == "xlsx" {
		// A workbook is a zip archive: it is built (rows stream to a
		// temporary file) and sent when complete, so a failure is still an
		// error response.
		buf, err := writeXLSX(each, base)
		if err != nil {
			return err
		}
		attachment(w, f.ctype, "fundus-export-"+stamp+"."+f.ext)
		_, err = buf.WriteTo(w)
		if err != nil {
			s.log.Warn("export: send workbook", "err", err)
		}
		return nil
	}
	attachment(w, f.ctype, "fundus-export-"+stamp+"."+f.ext)
	bw := bufio.NewWriterSize(w, 64<<10)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	sep, eol := byte(','), "\n"
	if format == "csv-excel" {
		sep, eol = ';', "\r\n"
	}
	if format != "ndjson" {
		bw.WriteString("\ufeff") // a BOM, so spreadsheet programs read UTF-8
		writeCSVRecord(bw, exportHeader, sep, eol)
	}
	err := each(func(d *search.Document) error {
		if format == "ndjson" {
			return enc.Encode(d)
		}
		return writeCSVRecord(bw, exportRow(d, base+DocumentPath(d.ID)), sep, eol)
	})
	if ferr := bw.Flush(); err == nil {
		err = ferr
	}
	if err != nil {
		s.abortStream("export failed", err)
	}
	return nil
}

// attachment sets the headers of a download of type ctype named
// filename (which must need no quoting: see contentDisposition).
func attachment(w http.ResponseWriter, ctype, filename string) {
	w.Header().Set("Content-Type", ctype)
	w.Header().Set("Content-Disposition", `attachment; filename="`+filename+`"`)
}

// abortStream ends a response whose headers are sent: all that is left
// is to log err and to cut the stream short, so that the client sees an
// incomplete download.
func (s *Server) abortStream(msg string, err error) {
	s.log.Error(msg, "err", err)
	panic(http.ErrAbortHandler)
}

// xlsxMaxCell is the longest text an Excel cell holds.
const xlsxMaxCell = 32767

// writeXLSX builds a workbook of the documents each yields: a bold header
// row, then one row per document, its date a date cell (shown as
// YYYY-MM-DD, which Excel of every locale reads), every other cell text.
func writeXLSX(each func(func(d *search.Document) error) error, base string) (*bytes.Buffer, error) {
	f := excelize.NewFile()
	defer f.Close()
	const sheet = "Fundus"
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return nil, fmt.Errorf("xlsx: name sheet: %w", err)
	}
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return nil, fmt.Errorf("xlsx: %w", err)
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return nil, fmt.Errorf("xlsx: style: %w", err)
	}
	dateFmt := "yyyy-mm-dd"
	dateStyle, err := f.NewStyle(&excelize.Style{CustomNumFmt: &dateFmt})
	if err != nil {
		return nil, fmt.Errorf("xlsx: style: %w", err)
	}
	header := make([]any, len(exportHeader))
	for i, h := range exportHeader {
		header[i] = excelize.Cell{StyleID: bold, Value: h}
	}
	// The header row stays in view while scrolling.
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return nil, fmt.Errorf("xlsx: panes: %w", err)
	}
	if err := sw.SetRow("A1", header); err != nil {
		return nil, fmt.Errorf("xlsx: header: %w", err)
	}
	row := 1
	err = each(func(d *search.Document) error {
		row++
		rec := exportRow(d, base+DocumentPath(d.ID))
		cells := make([]any, len(rec))
		for i, v := range rec {
			if len(v) > xlsxMaxCell {
				v = truncateRunes(v, xlsxMaxCell-1) + "…"
			}
			cells[i] = v
		}
		if t, err := time.Parse(search.DateLayout, d.Date); err == nil {
			cells[3] = excelize.Cell{StyleID: dateStyle, Value: t}
		}
		cell, err := excelize.CoordinatesToCellName(1, row)
		if err != nil {
			return err
		}
		return sw.SetRow(cell, cells)
	})
	if err != nil {
		return nil, err
	}
	if err := sw.Flush(); err != nil {
		return nil, fmt.Errorf("xlsx: %w", err)
	}
	return f.WriteToBuffer()
}

// truncateRunes cuts s to at most n bytes on a rune boundary.
func truncateRunes(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// writeCSVRecord writes one CSV record (RFC 4180) with every field quoted
// and neutralised by csvCell. Quoting every field, not only those holding a
// comma, keeps a cell whole in a spreadsheet that splits at semicolons or
// tabs (a German Excel opens CSV with ";"), so text after a separator
// inside a field cannot start a cell of its own.
func writeCSVRecord(w *bufio.Writer, fields []string, sep byte, eol string) error {
	for i, f := range fields {
		if i > 0 {
			w.WriteByte(sep)
		}
		w.WriteByte('"')
		w.WriteString(strings.ReplaceAll(csvCell(f), `"`, `""`))
		w.WriteByte('"')
	}
	_, err := w.WriteString(eol)
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
