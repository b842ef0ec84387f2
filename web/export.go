package web

import (
	"bufio"
	"encoding/csv"
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
	var cw *csv.Writer
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	if format == "csv" {
		bw.WriteString("\ufeff") // a BOM, so spreadsheet programs read UTF-8
		cw = csv.NewWriter(bw)
		cw.Write(csvHeader)
	}
	err := s.kb.EachID(r.Context(), req, func(id string) error {
		d, err := s.kb.Document(r.Context(), id)
		if errors.Is(err, search.ErrNotFound) {
			return nil // deleted while exporting
		}
		if err != nil {
			return err
		}
		if cw != nil {
			return cw.Write([]string{
				d.ID, d.Type, d.Title, d.Date, d.Language,
				strings.Join(d.Topics, "; "), strings.Join(d.People, "; "), strings.Join(d.Organizations, "; "),
				strings.Join(d.Addressees, "; "), d.PolicyArea, d.Summary, d.Source, DocumentPath(d.ID),
			})
		}
		return enc.Encode(d)
	})
	if cw != nil {
		cw.Flush()
		if err == nil {
			err = cw.Error()
		}
	}
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
