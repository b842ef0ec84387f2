package indexer

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/fundus-kb/fundus/indexer/crawl"
	"github.com/fundus-kb/fundus/indexer/parse"
	"github.com/fundus-kb/fundus/search"
)

// want is what the test expects of one entry of an input.
type want struct {
	kind    kind
	label   string
	id      string
	line    int
	field   string // of the write result, for an entry not ready
	message string // as reported (prepared.message); "" for ready
}

// TestEntries pins the one step from parsed records to items for every
// source — a folder's file, an upload, a fetched page — with the claims
// its consumer applies: ids, labels, lines, fields and messages.
func TestEntries(t *testing.T) {
	folder := func(name string) *input {
		f := &file{src: &Source{Root: "/daten"}, name: name, label: name, id: strings.TrimSuffix(name, name[strings.LastIndexByte(name, '.'):])}
		return f.input()
	}
	page := func(url, ctype string) *input {
		return pageInput(crawl.Page{URL: url, ContentType: ctype, ETag: `"v1"`, LastModified: "Tue, 03 Mar 2020 10:00:00 GMT"})
	}
	noText := func(name string) ([]parse.Record, []error) {
		return []parse.Record{{Doc: search.Document{Title: "Scan"}}}, []error{&parse.Error{Path: name, Err: parse.ErrNoText}}
	}
	dupJSONL := `{"id":"a","title":"A","body":"Eins."}` + "\n" + `{"title":"B","body":"Zwei."}` + "\n" + `{"id":"a","title":"A again","body":"Drei."}` + "\n"
	badField := `{"id":"a","title":"A","body":"Eins."}` + "\n" + `{"id":"b","title":{"x":1}}` + "\n"
	badID := `{"id":"a/../b","title":"A","body":"Eins."}` + "\n"
	two := `[{"title":"A","body":"Eins."},{"title":"B","body":"Zwei."}]`
	cases := []struct {
		name  string
		in    *input
		data  string                                      // parsed as in.parsedAs, else in.label
		parse func(name string) ([]parse.Record, []error) // instead of data
		want  []want
	}{
		{"folder: JSONL lines and a duplicate id", folder("liste.jsonl"), dupJSONL, nil, []want{
			{ready, "liste.jsonl:1", "a", 1, "", ""},
			{ready, "liste.jsonl:2", "liste#2", 2, "", ""},
			{duplicate, "liste.jsonl:3", "a", 3, "", `liste.jsonl:3: duplicate id "a", already read from liste.jsonl:1`},
		}},
		{"upload: JSONL lines and a duplicate id", uploadInput("liste.jsonl", ""), dupJSONL, nil, []want{
			{ready, "liste.jsonl:1", "a", 1, "", ""},
			{ready, "liste.jsonl:2", "liste#2", 2, "", ""},
			{duplicate, "liste.jsonl:3", "a", 3, "", `liste.jsonl:3: duplicate id "a", already read from liste.jsonl:1`},
		}},
		{"folder: no text is a warning", folder("scan.pdf"), "", noText, []want{
			{warned, "scan.pdf", "", 0, "", "scan.pdf: no text (scanned images?); ingested with its metadata only"},
			{ready, "scan.pdf", "scan", 0, "", ""},
		}},
		{"upload: no text is a warning", uploadInput("scan.pdf", ""), "", noText, []want{
			{warned, "scan.pdf", "", 0, "", "scan.pdf: no text (scanned images?); ingested with its metadata only"},
			{ready, "scan.pdf", "scan", 0, "", ""},
		}},
		{"page: no text is a warning named by the URL", page("https://example.org/akten/scan", "application/pdf"), "", noText, []want{
			{warned, "https://example.org/akten/scan", "", 0, "", "https://example.org/akten/scan: no text (scanned images?); ingested with its metadata only"},
			{ready, "https://example.org/akten/scan", "https://example.org/akten/scan", 0, "", ""},
		}},
		{"folder: a field of the wrong shape", folder("liste.jsonl"), badField, nil, []want{
			{failed, "liste.jsonl", "", 2, "title", `liste.jsonl:2: field "title": want a string, got map`},
			{ready, "liste.jsonl:1", "a", 1, "", ""},
		}},
		{"upload: a field of the wrong shape", uploadInput("liste.jsonl", ""), badField, nil, []want{
			{failed, "liste.jsonl", "", 2, "title", `liste.jsonl:2: field "title": want a string, got map`},
			{ready, "liste.jsonl:1", "a", 1, "", ""},
		}},
		{"folder: an id refused", folder("liste.jsonl"), badID, nil, []want{
			{invalid, "liste.jsonl:1", "a/../b", 1, "id", `liste.jsonl:1: invalid document: id: "a/../b" holds a ".." path segment`},
		}},
		{"upload: an id refused", uploadInput("liste.jsonl", ""), badID, nil, []want{
			{invalid, "liste.jsonl:1", "a/../b", 1, "id", `liste.jsonl:1: invalid document: id: "a/../b" holds a ".." path segment`},
		}},
		{"upload: an id given and two documents", uploadInput("zwei.json", "notiz"), two, nil, []want{
			{failed, "zwei.json", "notiz", 0, "", "the body must hold exactly one document"},
		}},
		{"upload: an id given and one document", uploadInput("eins.json", "notizen/eins"), `{"id":"anders","title":"A","body":"Eins."}`, nil, []want{
			{ready, "eins.json", "notizen/eins", 0, "", ""},
		}},
		{"folder: ids from the path", folder("webinare/kultur.md"), "# Kultur\n\nText.", nil, []want{
			{ready, "webinare/kultur.md", "webinare/kultur", 0, "", ""},
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			name := tc.in.label
			if tc.in.parsedAs != "" {
				name = tc.in.parsedAs
			}
			parseFn := tc.parse
			if parseFn == nil {
				parseFn = func(name string) ([]parse.Record, []error) {
					return parse.File(context.Background(), name, []byte(tc.data))
				}
			}
			recs, errs := parseFn(name)
			got := tc.in.entries(recs, errs)
			seen := claims{}
			for i := range got {
				seen.take(&got[i])
			}
			if len(got) != len(tc.want) {
				t.Fatalf("got %d entries %+v, want %d", len(got), got, len(tc.want))
			}
			for i, w := range tc.want {
				p := got[i]
				if p.kind != w.kind || p.label != w.label || p.item.Doc.ID != w.id || p.line != w.line {
					t.Errorf("entry %d: kind %d label %q id %q line %d; want %d %q %q %d", i, p.kind, p.label, p.item.Doc.ID, p.line, w.kind, w.label, w.id, w.line)
				}
				if w.kind == ready {
					if p.err != nil || p.item.JSON == nil || p.item.Origin != tc.in.origin {
						t.Errorf("entry %d: err %v, JSON %d bytes, origin %q; want an item from %q", i, p.err, len(p.item.JSON), p.item.Origin, tc.in.origin)
					}
					continue
				}
				if msg := p.message().Error(); msg != w.message {
					t.Errorf("entry %d: message %q, want %q", i, msg, w.message)
				}
				if w.kind == warned {
					continue
				}
				if r := p.result(); r.Status != search.Failed || r.Field != w.field || r.ID != w.id || r.Line != w.line {
					t.Errorf("entry %d: result %+v, want failed, id %q, line %d, field %q", i, r, w.id, w.line, w.field)
				}
			}
		})
	}
}

// TestPageInput checks what a fetched page's entry takes from the fetch:
// its URL as id and source, a type from the URL's folders, its date from
// Last-Modified and the validators; and that a failure to parse it is
// named by the URL, not the stand-in name it was parsed under.
func TestPageInput(t *testing.T) {
	in := pageInput(crawl.Page{URL: "https://example.org/webinare/kultur.html", ContentType: "text/html; charset=utf-8", ETag: `"v1"`, LastModified: "Tue, 03 Mar 2020 10:00:00 GMT"})
	recs, errs := parse.File(context.Background(), in.parsedAs, []byte(`<html lang="de"><head><title>Kultur</title></head><body><main><h1>Kultur</h1><p>Wie Offenheit entsteht.</p></main></body></html>`))
	got := in.entries(recs, errs)
	if len(got) != 1 || got[0].kind != ready {
		t.Fatalf("entries %+v, want one item", got)
	}
	it := got[0].item
	for _, c := range [][2]string{
		{it.Doc.ID, in.id}, {it.Doc.Source, in.id}, {it.Origin, in.id}, {it.Doc.Type, search.TypeWebinar},
		{it.Doc.Date, "2020-03-03"}, {it.ETag, `"v1"`}, {it.LastModified, "Tue, 03 Mar 2020 10:00:00 GMT"},
	} {
		if c[0] != c[1] {
			t.Errorf("item %+v: got %q, want %q", it, c[0], c[1])
		}
	}
	bad := in.entries(nil, []error{&parse.Error{Path: "page.html", Err: errors.New("parse HTML: broken")}})
	if want := in.label + ": parse HTML: broken"; len(bad) != 1 || bad[0].kind != failed || bad[0].message().Error() != want {
		t.Errorf("failure %+v, want %q", bad, want)
	}
}

// TestSummaryCounts checks that a run counts every outcome of its writes
// once, and that a failed write is counted and reported with its input.
func TestSummaryCounts(t *testing.T) {
	var reported []string
	tl := tally{opts: IngestOptions{OnError: func(err error) { reported = append(reported, err.Error()) }}}
	res := []search.WriteResult{
		{ID: "a", Status: search.Added}, {ID: "b", Status: search.Updated}, {ID: "c", Status: search.Unchanged},
		{ID: "d", Status: search.Deleted}, {ID: "e", Status: search.NotFound}, {ID: "f", Status: search.Failed, Error: "disk full"},
	}
	tl.count(res, func(i int) string { return fmt.Sprintf("in-%s", res[i].ID) })
	if want := (Summary{Added: 1, Updated: 1, Unchanged: 1, Deleted: 1, Failed: 1}); tl.sum != want {
		t.Errorf("summary %+v, want %+v", tl.sum, want)
	}
	if len(reported) != 1 || reported[0] != "in-f: disk full" {
		t.Errorf("reported %q, want the failed write named by its input", reported)
	}
}

// TestApplyWatchedCounts checks that a watched folder's batches count what
// they did once each: the initial scan, a changed file whose record is gone
// (pruned), and a removed file's documents (deleted).
func TestApplyWatchedCounts(t *testing.T) {
	var failed []error
	opts := IngestOptions{OnError: func(err error) { failed = append(failed, err) }}
	dir := writeFiles(t, map[string]string{"a.md": "# A\n\nText.", "b.md": "# B\n\nText.",
		"liste.jsonl": `{"id":"eins","title":"Eins"}` + "\n" + `{"id":"zwei","title":"Zwei"}` + "\n"})
	kb := tempKB(t)
	sum, err := kb.ApplyWatched(t.Context(), dir, nil, nil, true, opts)
	if err != nil || sum != (Summary{Added: 4}) {
		t.Fatalf("initial: %+v, %v; want 4 added", sum, err)
	}
	if err := os.WriteFile(filepath.Join(dir, "liste.jsonl"), []byte(`{"id":"eins","title":"Eins"}`+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(filepath.Join(dir, "b.md")); err != nil {
		t.Fatal(err)
	}
	sum, err = kb.ApplyWatched(t.Context(), dir, []string{"liste.jsonl"}, []string{"b.md"}, false, opts)
	if err != nil || sum != (Summary{Unchanged: 1, Deleted: 2}) {
		t.Errorf("changes: %+v, %v; want 1 unchanged, 2 deleted (zwei pruned, b removed)", sum, err)
	}
	if len(failed) > 0 {
		t.Errorf("failures: %v", failed)
	}
	if got := searchIDs(t, kb, ""); !slices.Equal(got, []string{"a", "eins"}) {
		t.Errorf("ids %v, want a and eins", got)
	}
}
