package web_test

import (
	"bytes"
	"encoding/csv"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/fundus-kb/fundus/web"
)

// xlsxRows reads the rows of the first sheet of a workbook.
func xlsxRows(t *testing.T, data []byte) [][]string {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("not a workbook: %v", err)
	}
	defer f.Close()
	rows, err := f.GetRows(f.GetSheetName(0))
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// TestExportFormats checks the researchers' downloads (issue 13.8): CSV
// with absolute URLs, summary and body; the German-Excel CSV (semicolon,
// BOM, CRLF); and the xlsx workbook with typed date cells and one row per
// document, all with the same columns and rows.
func TestExportFormats(t *testing.T) {
	base, err := web.ParsePublicURL("https://fundus.example.org")
	if err != nil {
		t.Fatal(err)
	}
	h, _ := newServer(t, web.Config{PublicURLs: []*url.URL{base}})
	const query = "type=case&type=recommendation&sort=date"
	header := []string{"id", "type", "title", "date", "language", "topics", "people", "organizations", "addressees", "policy_area", "summary", "body", "source", "url"}
	col := func(name string) int { return slices.Index(header, name) }

	var csvRows [][]string
	for _, tc := range []struct {
		name, format, ctype, ext string
		comma                    rune
		eol                      string
	}{
		{"CSV", "csv", "text/csv; charset=utf-8", ".csv", ',', "\n"},
		{"CSV for German Excel", "csv-excel", "text/csv; charset=utf-8", ".csv", ';', "\r\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := do(t, h, "GET", "https://fundus.example.org/api/search?format="+tc.format+"&"+query, nil, nil)
			if r.Code != 200 || r.Header().Get("Content-Type") != tc.ctype {
				t.Fatalf("%d %s", r.Code, r.Header().Get("Content-Type"))
			}
			if cd := r.Header().Get("Content-Disposition"); !strings.Contains(cd, "attachment") || !strings.HasSuffix(cd, tc.ext+`"`) {
				t.Errorf("Content-Disposition %q", cd)
			}
			body := r.Body.String()
			if !strings.HasPrefix(body, "\ufeff") {
				t.Error("no byte order mark")
			}
			if first, _, _ := strings.Cut(body, tc.eol); strings.Contains(first, "\n") || !strings.HasSuffix(body, tc.eol) {
				t.Errorf("lines do not end in %q", tc.eol)
			}
			cr := csv.NewReader(strings.NewReader(strings.TrimPrefix(body, "\ufeff")))
			cr.Comma = tc.comma
			rows, err := cr.ReadAll()
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(rows[0], header) {
				t.Fatalf("header %v", rows[0])
			}
			if len(rows) != 8 {
				t.Errorf("%d rows, want 7 documents and the header", len(rows))
			}
			for _, row := range rows[1:] {
				if want := "https://fundus.example.org/documents/" + row[0]; row[col("url")] != want {
					t.Errorf("url %q, want %q", row[col("url")], want)
				}
				if row[col("body")] == "" {
					t.Errorf("%s: no body", row[0])
				}
			}
			if tc.format == "csv" {
				csvRows = rows
			} else if csvRows != nil && !slices.EqualFunc(rows, csvRows, slices.Equal) {
				t.Error("the Excel CSV holds other cells than the CSV")
			}
		})
	}
	t.Run("xlsx", func(t *testing.T) {
		r := do(t, h, "GET", "https://fundus.example.org/api/search?format=xlsx&"+query, nil, nil)
		if r.Code != 200 || r.Header().Get("Content-Type") != "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" {
			t.Fatalf("%d %s", r.Code, r.Header().Get("Content-Type"))
		}
		f, err := excelize.OpenReader(bytes.NewReader(r.Body.Bytes()))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		sheet := f.GetSheetName(0)
		rows, err := f.GetRows(sheet)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(rows[0], header) || len(rows) != 8 {
			t.Fatalf("%d rows, header %v", len(rows), rows[0])
		}
		for i, row := range rows[1:] {
			if csvRows != nil && row[0] != csvRows[i+1][0] {
				t.Errorf("row %d is %s, the CSV's %s", i+2, row[0], csvRows[i+1][0])
			}
			cell, _ := excelize.CoordinatesToCellName(col("date")+1, i+2)
			typ, err := f.GetCellType(sheet, cell)
			if err != nil {
				t.Fatal(err)
			}
			raw, _ := f.GetCellValue(sheet, cell, excelize.Options{RawCellValue: true})
			shown, _ := f.GetCellValue(sheet, cell)
			// A date cell is a number (days since 1900) with a date format.
			if typ == excelize.CellTypeSharedString || typ == excelize.CellTypeInlineString || strings.Contains(raw, "-") {
				t.Errorf("%s: date cell %s is text %q (type %v)", row[0], cell, raw, typ)
			}
			if csvRows != nil && shown != csvRows[i+1][col("date")] {
				t.Errorf("%s: date shown %q, CSV %q", row[0], shown, csvRows[i+1][col("date")])
			}
		}
	})
	if r := do(t, h, "GET", "https://fundus.example.org/api/search?format=xls", nil, nil); r.Code != 400 || !strings.Contains(r.Body.String(), "xlsx") {
		t.Errorf("unknown format: %d %s", r.Code, r.Body.String())
	}
}

// TestExportMenu checks that the results page offers every download, each
// for the list as filtered.
func TestExportMenu(t *testing.T) {
	h := demoHandler(t)
	for _, lang := range []string{"de", "en"} {
		_, doc := getPage(t, h, "/search?q=Innovation&type=case", map[string]string{"Cookie": "ui=" + lang})
		for _, format := range []string{"xlsx", "csv-excel", "csv", "ndjson"} {
			a := doc.Find(`aside.export a[href*="format=` + format + `&"], aside.export a[href$="format=` + format + `"]`)
			if a.Length() != 1 {
				t.Errorf("%s: %d links for %s", lang, a.Length(), format)
				continue
			}
			href := a.AttrOr("href", "")
			if !strings.Contains(href, "q=Innovation") || !strings.Contains(href, "type=case") {
				t.Errorf("%s: %s link %q loses the search", lang, format, href)
			}
			if _, ok := a.Attr("download"); !ok || strings.TrimSpace(a.Text()) == "" {
				t.Errorf("%s: %s link is no labelled download", lang, format)
			}
		}
	}
}
