package web_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/fundus-kb/fundus/indexer"
	"github.com/fundus-kb/fundus/search"
	"github.com/fundus-kb/fundus/web"
)

const corpusPath = "../testdata/web/corpus.jsonl"

// fixtureDocs reads the test corpus directly, independently of Fundus's
// parsers, for computing expected results.
func fixtureDocs(t testing.TB) []map[string]any {
	t.Helper()
	f, err := os.Open(corpusPath)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var docs []map[string]any
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var d map[string]any
		if err := json.Unmarshal(sc.Bytes(), &d); err != nil {
			t.Fatal(err)
		}
		docs = append(docs, d)
	}
	return docs
}

func newKB(t testing.TB) *indexer.KB {
	t.Helper()
	kb, err := indexer.Open(context.Background(), indexer.Config{DataDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { kb.Close() })
	data, err := os.ReadFile(corpusPath)
	if err != nil {
		t.Fatal(err)
	}
	res, err := kb.IngestBytes(context.Background(), "corpus.jsonl", data, "")
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range res {
		if r.Status != search.Added {
			t.Fatalf("fixture %s: %s %s", r.ID, r.Status, r.Error)
		}
	}
	return kb
}

func newServer(t testing.TB, cfg web.Config) (http.Handler, *indexer.KB) {
	kb := newKB(t)
	return mustServer(t, atExample(t, cfg), kb, kb), kb
}

// mustServer is web.NewServer for a test, which it fails on an error.
func mustServer(t testing.TB, cfg web.Config, kb web.KnowledgeBase, w web.Writer) *web.Server {
	t.Helper()
	srv, err := web.NewServer(cfg, kb, w)
	if err != nil {
		t.Fatal(err)
	}
	return srv
}

// atExample configures cfg, unless it says otherwise, for the address
// test requests go to: httptest.NewRequest's Host, example.com.
func atExample(t testing.TB, cfg web.Config) web.Config {
	t.Helper()
	if cfg.PublicURLs == nil && cfg.ListenAddr == "" {
		cfg.PublicURLs = []*url.URL{mustURL(t, web.ParsePublicURL, "http://example.com")}
	}
	return cfg
}

// mustURL is parse(raw) for a test, which it fails on an error; parse is
// url.Parse or web.ParsePublicURL.
func mustURL(t testing.TB, parse func(string) (*url.URL, error), raw string) *url.URL {
	t.Helper()
	u, err := parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

type response struct {
	*httptest.ResponseRecorder
	JSON map[string]any
}

// do sends a request to h from loopback with the header fields; the
// pseudo-fields "RemoteAddr" and "Host" set the client's address and the
// request's Host. A JSON response is decoded into JSON.
func do(t testing.TB, h http.Handler, method, target string, body io.Reader, header map[string]string) response {
	t.Helper()
	req := httptest.NewRequest(method, target, body)
	req.RemoteAddr = "127.0.0.1:5555"
	for k, v := range header {
		switch k {
		case "RemoteAddr":
			req.RemoteAddr = v
		case "Host":
			req.Host = v
		default:
			req.Header.Set(k, v)
		}
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	r := response{ResponseRecorder: rec}
	if strings.HasPrefix(rec.Header().Get("Content-Type"), "application/json") {
		if err := json.Unmarshal(rec.Body.Bytes(), &r.JSON); err != nil {
			t.Fatalf("%s %s: bad JSON %q", method, target, rec.Body.String())
		}
	}
	return r
}

// wantStatus stops the test unless r has the status code.
func wantStatus(t testing.TB, r response, code int) {
	t.Helper()
	if r.Code != code {
		t.Fatalf("status %d, want %d: %s", r.Code, code, r.Body.String())
	}
}

func errorOf(r response) (code, msg, field string) {
	e, _ := r.JSON["error"].(map[string]any)
	code, _ = e["code"].(string)
	msg, _ = e["message"].(string)
	field, _ = e["field"].(string)
	return
}

func hitIDs(r response) []string {
	var ids []string
	hits, _ := r.JSON["hits"].([]any)
	for _, h := range hits {
		ids = append(ids, h.(map[string]any)["id"].(string))
	}
	return ids
}

func TestSearchEndpoint(t *testing.T) {
	h, _ := newServer(t, web.Config{})
	cases := []struct {
		name    string
		target  string
		status  int
		total   int
		first   string
		errWord string
	}{
		{"query", "/api/search?q=Innovationskultur", 200, 2, "webinars/kultur", ""},
		{"browse newest first", "/api/search", 200, 12, "recs/data-spaces", ""},
		{"type", "/api/search?type=case", 200, 4, "cases/rheinland", ""},
		{"two types OR-ed", "/api/search?type=case&type=webinar", 200, 8, "webinars/ecosystems-en", ""},
		{"topic any case", "/api/search?topic=open+innovation", 200, 6, "recs/data-spaces", ""},
		{"org and year", "/api/search?org=Stifterverband&year=2021", 200, 4, "recs/data-spaces", ""},
		{"addressee", "/api/search?addressee=EU", 200, 1, "recs/data-spaces", ""},
		{"policy area", "/api/search?policy_area=Wirtschaftspolitik", 200, 1, "recs/kmu", ""},
		{"person", "/api/search?person=Henrik+Vogel", 200, 2, "webinars/oekosysteme", ""},
		{"lang", "/api/search?lang=en&sort=date", 200, 3, "cases/wesertal", ""},
		{"from to years", "/api/search?from=2020&to=2020&sort=date", 200, 8, "other/glossar", ""},
		{"sort title", "/api/search?sort=title", 200, 12, "webinars/ecosystems-en", ""},
		{"size too large", "/api/search?size=101", 400, 0, "", "size"},
		{"size zero", "/api/search?size=0", 400, 0, "", "size"},
		{"page zero", "/api/search?page=0", 400, 0, "", "page"},
		{"page too deep", "/api/search?page=200&size=100", 400, 0, "", "cursor"},
		{"facet size", "/api/search?facet_size=0", 400, 0, "", "facet_size"},
		{"bad sort", "/api/search?sort=best", 400, 0, "", "sort"},
		{"bad from", "/api/search?from=2020-13-01", 400, 0, "", "from"},
		{"from after to", "/api/search?from=2021&to=2020", 400, 0, "", "from"},
		{"bad format", "/api/search?format=xml", 400, 0, "", "format"},
		{"bad cursor", "/api/search?cursor=xyz", 400, 0, "", "cursor"},
		{"query too long", "/api/search?q=" + strings.Repeat("x", 1001), 400, 0, "", "q"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := do(t, h, "GET", tc.target, nil, nil)
			wantStatus(t, r, tc.status)
			if tc.status != 200 {
				code, msg, _ := errorOf(r)
				if code != "invalid_parameter" || !strings.Contains(msg, tc.errWord) {
					t.Errorf("error %s %q does not name %s", code, msg, tc.errWord)
				}
				return
			}
			if int(r.JSON["total"].(float64)) != tc.total {
				t.Errorf("total = %v, want %d", r.JSON["total"], tc.total)
			}
			if ids := hitIDs(r); len(ids) == 0 || ids[0] != tc.first {
				t.Errorf("hits = %v, want %s first", ids, tc.first)
			}
			hit := r.JSON["hits"].([]any)[0].(map[string]any)
			for _, k := range []string{"id", "type", "title", "date", "topics", "language", "score", "snippet", "url"} {
				if _, ok := hit[k]; !ok {
					t.Errorf("hit lacks %s", k)
				}
			}
		})
	}
}

// expectedFacet counts a facet's values over the fixture documents that
// pass every filter except the facet's own.
func expectedFacet(docs []map[string]any, facet string, filters map[string][]string) map[string]int {
	values := func(d map[string]any, f string) []string {
		switch f {
		case "year":
			return []string{d["date"].(string)[:4]}
		case "language":
			return []string{d["language"].(string)}
		}
		switch v := d[f].(type) {
		case string:
			return []string{v}
		case []any:
			var out []string
			for _, x := range v {
				out = append(out, x.(string))
			}
			return out
		}
		return nil
	}
	out := map[string]int{}
	for _, d := range docs {
		ok := true
		for f, want := range filters {
			if f == facet {
				continue
			}
			if !slices.ContainsFunc(values(d, f), func(v string) bool {
				return slices.ContainsFunc(want, func(w string) bool { return strings.EqualFold(v, w) })
			}) {
				ok = false
			}
		}
		if ok {
			for _, v := range values(d, facet) {
				out[v]++
			}
		}
	}
	return out
}

func TestFacetCountsMatchFixtures(t *testing.T) {
	h, _ := newServer(t, web.Config{})
	docs := fixtureDocs(t)
	params := map[string]string{"type": "type", "topics": "topic", "year": "year", "language": "lang", "organizations": "org", "people": "person", "addressees": "addressee", "policy_area": "policy_area"}
	cases := []struct {
		name    string
		filters map[string][]string
	}{
		{"none", nil},
		{"one topic", map[string][]string{"topics": {"Open Innovation"}}},
		{"topic and type", map[string][]string{"topics": {"Open Innovation"}, "type": {"case"}}},
		{"two types, a year, a language", map[string][]string{"type": {"case", "recommendation"}, "year": {"2021"}, "language": {"de"}}},
		{"addressee", map[string][]string{"addressees": {"Bund"}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			q := url.Values{}
			for f, vs := range tc.filters {
				for _, v := range vs {
					q.Add(params[f], v)
				}
			}
			r := do(t, h, "GET", "/api/search?"+q.Encode(), nil, nil)
			if r.Code != 200 {
				t.Fatal(r.Body.String())
			}
			facets := r.JSON["facets"].(map[string]any)
			for _, f := range search.FacetNames {
				got := map[string]int{}
				for _, v := range facets[f].([]any) {
					m := v.(map[string]any)
					if c := int(m["count"].(float64)); c > 0 {
						got[m["value"].(string)] = c
					}
					sel := slices.Contains(tc.filters[f], m["value"].(string))
					if m["selected"] != sel {
						t.Errorf("%s %v: selected = %v, want %v", f, m["value"], m["selected"], sel)
					}
				}
				if want := expectedFacet(docs, f, tc.filters); fmt.Sprint(got) != fmt.Sprint(want) {
					t.Errorf("facet %s = %v, want %v", f, got, want)
				}
			}
		})
	}
}

func TestCursorPaging(t *testing.T) {
	h, _ := newServer(t, web.Config{})
	var ids []string
	target := "/api/search?sort=-date&size=5"
	for range 5 {
		r := do(t, h, "GET", target, nil, nil)
		if r.Code != 200 {
			t.Fatal(r.Body.String())
		}
		ids = append(ids, hitIDs(r)...)
		next, _ := r.JSON["next_cursor"].(string)
		if next == "" {
			break
		}
		target = "/api/search?sort=-date&size=5&cursor=" + url.QueryEscape(next)
	}
	if len(ids) != 12 || len(slices.Compact(slices.Sorted(slices.Values(ids)))) != 12 {
		t.Errorf("cursor paging gave %d ids: %v", len(ids), ids)
	}
}

func TestDocumentsRelatedTopicsSuggest(t *testing.T) {
	h, _ := newServer(t, web.Config{})
	cases := []struct {
		name   string
		target string
		status int
		check  func(t *testing.T, r response)
	}{
		{"document with slash", "/api/documents/cases/nordwerk", 200, func(t *testing.T, r response) {
			if r.JSON["challenge"] != "Wie entsteht Unternehmergeist im Maschinenbau?" {
				t.Errorf("document = %v", r.JSON)
			}
		}},
		{"escaped slash", "/api/documents/cases%2Fnordwerk", 200, nil},
		{"missing document", "/api/documents/nope", 404, nil},
		{"related", "/api/documents/webinars/oekosysteme/related", 200, func(t *testing.T, r response) {
			ids := hitIDs(r)
			if len(ids) == 0 || slices.Contains(ids, "webinars/oekosysteme") || !slices.Contains(ids[:min(3, len(ids))], "cases/hanse") {
				t.Errorf("related = %v: want cases/hanse near the top, never the document itself", ids)
			}
		}},
		{"related of missing", "/api/documents/nope/related", 404, nil},
		{"topics", "/api/topics", 200, func(t *testing.T, r response) {
			for _, tp := range r.JSON["topics"].([]any) {
				m := tp.(map[string]any)
				if m["topic"] == "Open Innovation" {
					bt := m["by_type"].(map[string]any)
					if m["total"] != 6.0 || bt["case"] != 2.0 || bt["recommendation"] != 2.0 || bt["webinar"] != 1.0 || bt["other"] != 1.0 {
						t.Errorf("Open Innovation = %v", m)
					}
					return
				}
			}
			t.Error("Open Innovation missing")
		}},
		{"topic page newest first", "/api/topics/Digitale%20%C3%96kosysteme", 200, func(t *testing.T, r response) {
			if ids := hitIDs(r); !slices.Equal(ids, []string{"webinars/ecosystems-en", "cases/hanse", "webinars/oekosysteme"}) {
				t.Errorf("topic hits = %v", ids)
			}
			if r.JSON["facets"] == nil {
				t.Error("no facets")
			}
		}},
		{"unknown topic", "/api/topics/Gibtsnicht", 404, nil},
		{"suggest", "/api/suggest?q=digi", 200, func(t *testing.T, r response) {
			var texts []string
			for _, s := range r.JSON["suggestions"].([]any) {
				texts = append(texts, s.(map[string]any)["text"].(string))
			}
			if !slices.Contains(texts, "Digitale Ökosysteme") || !slices.Contains(texts, "Digital ecosystems in practice") {
				t.Errorf("suggestions = %v", texts)
			}
		}},
		{"suggest bad size", "/api/suggest?q=a&size=50", 400, nil},
		{"openapi", "/api/openapi.json", 200, func(t *testing.T, r response) {
			if !strings.HasPrefix(r.JSON["openapi"].(string), "3.1") {
				t.Errorf("openapi = %v", r.JSON["openapi"])
			}
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := do(t, h, "GET", tc.target, nil, nil)
			wantStatus(t, r, tc.status)
			if tc.status == 404 {
				if code, _, _ := errorOf(r); code != "not_found" {
					t.Errorf("error code %q", code)
				}
			}
			if tc.check != nil {
				tc.check(t, r)
			}
		})
	}
}

func TestExport(t *testing.T) {
	h, _ := newServer(t, web.Config{})
	// CSV: every match, not one page.
	r := do(t, h, "GET", "/api/search?format=csv&size=2&type=case&type=recommendation&sort=date", nil, nil)
	if r.Code != 200 || !strings.HasPrefix(r.Header().Get("Content-Type"), "text/csv") {
		t.Fatalf("csv: %d %s", r.Code, r.Header().Get("Content-Type"))
	}
	if cd := r.Header().Get("Content-Disposition"); !strings.Contains(cd, "attachment") || !strings.Contains(cd, ".csv") {
		t.Errorf("Content-Disposition = %q", cd)
	}
	rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(r.Body.String(), "\ufeff"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 8 || rows[0][0] != "id" || rows[1][0] != "cases/nordwerk" {
		t.Errorf("csv rows = %d, first %v", len(rows), rows[:min(2, len(rows))])
	}
	for _, row := range rows[1:] {
		if row[1] != "case" && row[1] != "recommendation" {
			t.Errorf("row of type %s", row[1])
		}
	}
	// NDJSON: whole documents.
	r = do(t, h, "GET", "/api/search?format=ndjson&q=Plattformen", nil, nil)
	if r.Code != 200 || !strings.Contains(r.Header().Get("Content-Disposition"), ".ndjson") {
		t.Fatalf("ndjson: %d", r.Code)
	}
	n := 0
	for line := range strings.SplitSeq(strings.TrimSpace(r.Body.String()), "\n") {
		var d search.Document
		if err := json.Unmarshal([]byte(line), &d); err != nil || d.ID == "" || d.Body == "" {
			t.Errorf("bad line %q: %v", line, err)
		}
		n++
	}
	// Two bodies mention platforms; an English document's topic
	// "Plattformen und Daten" counts as its text too, and through the
	// glossary and compounds an English "platforms" and a "Datenplattform"
	// match as well.
	if n != 4 {
		t.Errorf("ndjson lines = %d, want 4", n)
	}
	// A bad parameter is still a JSON 400, before any byte is streamed.
	if r := do(t, h, "GET", "/api/search?format=csv&sort=nope", nil, nil); r.Code != 400 {
		t.Errorf("bad export: %d", r.Code)
	}
}

func TestAtomFeed(t *testing.T) {
	h, _ := newServer(t, web.Config{})
	r := do(t, h, "GET", "/feeds/search.atom?topic=Open+Innovation", nil, nil)
	if r.Code != 200 || !strings.HasPrefix(r.Header().Get("Content-Type"), "application/atom+xml") {
		t.Fatalf("feed: %d %s", r.Code, r.Header().Get("Content-Type"))
	}
	var feed struct {
		Title   string `xml:"title"`
		Entries []struct {
			Title   string `xml:"title"`
			Updated string `xml:"updated"`
			Link    struct {
				Href string `xml:"href,attr"`
			} `xml:"link"`
		} `xml:"entry"`
	}
	if err := xml.Unmarshal(r.Body.Bytes(), &feed); err != nil {
		t.Fatal(err)
	}
	if len(feed.Entries) != 6 || !strings.Contains(feed.Title, "Open Innovation") {
		t.Fatalf("feed %q with %d entries, want 6", feed.Title, len(feed.Entries))
	}
	if !sort.SliceIsSorted(feed.Entries, func(i, j int) bool { return feed.Entries[i].Updated > feed.Entries[j].Updated }) {
		t.Error("entries are not newest first")
	}
	if feed.Entries[0].Title != "Shared data spaces for open innovation" || !strings.HasPrefix(feed.Entries[0].Link.Href, "http://example.com/documents/") {
		t.Errorf("first entry = %+v", feed.Entries[0])
	}
}

func TestWrites(t *testing.T) {
	h, kb := newServer(t, web.Config{MaxBodyBytes: 4096})
	jsonCT := map[string]string{"Content-Type": "application/json"}
	cases := []struct {
		name   string
		method string
		target string
		body   string
		header map[string]string
		status int
		check  func(t *testing.T, r response)
	}{
		{"post one", "POST", "/api/documents", `{"id":"neu/eins","title":"Reallabore","body":"Reallabore als Testfeld für Kooperation.","topics":["Reallabore"]}`, jsonCT, 201, nil},
		{"post it again is unchanged", "POST", "/api/documents", `{"id":"neu/eins","title":"Reallabore","body":"Reallabore als Testfeld für Kooperation.","topics":["Reallabore"]}`, jsonCT, 200, func(t *testing.T, r response) {
			if r.JSON["unchanged"] != 1.0 {
				t.Errorf("got %v", r.JSON)
			}
		}},
		{"post array", "POST", "/api/documents", `[{"id":"neu/zwei","title":"Zwei","body":"b"},{"title":"Ohne ID","body":"c"}]`, jsonCT, 201, func(t *testing.T, r response) {
			res := r.JSON["results"].([]any)
			if res[1].(map[string]any)["id"] != "request#1" {
				t.Errorf("results = %v", res)
			}
		}},
		{"post ndjson", "POST", "/api/documents", "{\"id\":\"nd/1\",\"title\":\"A\",\"body\":\"a\"}\n{\"id\":\"nd/2\",\"title\":\"B\",\"body\":\"b\"}\n", map[string]string{"Content-Type": "application/x-ndjson"}, 201, nil},
		{"partly invalid", "POST", "/api/documents", `[{"id":"ok/1","title":"Gut","body":"x"},{"id":"bad/1","title":"Schlecht","body":"x","date":"gestern"}]`, jsonCT, 200, func(t *testing.T, r response) {
			if r.JSON["added"] != 1.0 || r.JSON["failed"] != 1.0 {
				t.Errorf("got %v", r.JSON)
			}
		}},
		{"invalid document names the field", "POST", "/api/documents", `{"id":"bad/2","title":"x","date":"31.02.2020x"}`, jsonCT, 422, func(t *testing.T, r response) {
			if _, _, field := errorOf(r); field != "date" {
				t.Errorf("field = %q", field)
			}
		}},
		{"wrong shape names the field", "POST", "/api/documents", `{"id":"bad/3","title":{"de":"x"}}`, jsonCT, 422, func(t *testing.T, r response) {
			if _, _, field := errorOf(r); field != "title" {
				t.Errorf("field = %q", field)
			}
		}},
		{"broken JSON", "POST", "/api/documents", `{"id":`, jsonCT, 422, nil},
		{"wrong content type", "POST", "/api/documents", `x`, map[string]string{"Content-Type": "text/plain"}, 415, nil},
		{"no content type", "POST", "/api/documents", `{}`, nil, 415, nil},
		{"too large", "POST", "/api/documents", `{"id":"big","title":"x","body":"` + strings.Repeat("x", 5000) + `"}`, jsonCT, 413, nil},
		{"put", "PUT", "/api/documents/neu/eins", `{"title":"Reallabore (neu)","body":"geändert"}`, jsonCT, 200, func(t *testing.T, r response) {
			if r.JSON["updated"] != 1.0 {
				t.Errorf("got %v", r.JSON)
			}
		}},
		{"put two documents", "PUT", "/api/documents/x", `[{"title":"a","body":"a"},{"title":"b","body":"b"}]`, jsonCT, 422, nil},
		{"delete", "DELETE", "/api/documents/nd/2", "", nil, 200, nil},
		{"delete missing", "DELETE", "/api/documents/nd/2", "", nil, 404, nil},
		{"from another machine without token", "POST", "/api/documents", `{"title":"x","body":"y"}`, map[string]string{"Content-Type": "application/json", "RemoteAddr": "192.0.2.7:4000"}, 403, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := do(t, h, tc.method, tc.target, strings.NewReader(tc.body), tc.header)
			wantStatus(t, r, tc.status)
			if tc.check != nil {
				tc.check(t, r)
			}
		})
	}
	// Written documents are searchable when the response returns.
	r := do(t, h, "GET", "/api/search?q=Reallabore", nil, nil)
	if ids := hitIDs(r); !slices.Contains(ids, "neu/eins") {
		t.Errorf("search after writes = %v", ids)
	}
	if d, err := kb.Document(context.Background(), "neu/eins"); err != nil || d.Title != "Reallabore (neu)" || len(d.Topics) != 0 {
		t.Errorf("after PUT = %+v, %v (PUT replaces the whole document)", d, err)
	}
	if _, err := kb.Document(context.Background(), "nd/2"); err == nil {
		t.Error("deleted document still there")
	}
}

func multipartBody(t testing.TB, files map[string]string) (*bytes.Buffer, string) {
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	names := slices.Sorted(func(yield func(string) bool) {
		for k := range files {
			if !yield(k) {
				return
			}
		}
	})
	for _, name := range names {
		fw, err := mw.CreateFormFile("file", name)
		if err != nil {
			t.Fatal(err)
		}
		fw.Write([]byte(files[name]))
	}
	mw.Close()
	return &buf, mw.FormDataContentType()
}

func TestIngestUpload(t *testing.T) {
	h, kb := newServer(t, web.Config{})
	body, ct := multipartBody(t, map[string]string{
		"notiz.md":          "---\ntitle: Notiz aus der Peer-Beratung\ntopics: [Vertrauen]\n---\nWir haben über Vertrauen gesprochen.",
		"../../etc/evil.md": "# Böse\n\nNur ein Name mit Pfad.",
		"liste.jsonl":       "{\"title\":\"Eins\",\"body\":\"a\"}\n{bad json}\n",
		"bild.png":          "\x89PNG",
		"unter/tief.md":     "# Tief\n\nEin relativer Pfad gibt die Id wie beim Ordner-Ingest.",
	})
	r := do(t, h, "POST", "/api/ingest", body, map[string]string{"Content-Type": ct})
	wantStatus(t, r, 200)
	if r.JSON["added"] != 4.0 || r.JSON["failed"] != 2.0 {
		t.Errorf("results = %v", r.JSON)
	}
	for _, id := range []string{"notiz", "evil", "liste#1", "unter/tief"} {
		if _, err := kb.Document(context.Background(), id); err != nil {
			t.Errorf("%s: %v", id, err)
		}
	}
	if r := do(t, h, "POST", "/api/ingest", strings.NewReader("x"), map[string]string{"Content-Type": "application/json"}); r.Code != 415 {
		t.Errorf("non-multipart: %d", r.Code)
	}
}

func TestAuth(t *testing.T) {
	post := func(h http.Handler, header map[string]string, title string) int {
		header["Content-Type"] = "application/json"
		return do(t, h, "POST", "/api/documents", strings.NewReader(`{"id":"auth","title":"`+title+`","body":"b"}`), header).Code
	}
	withToken, _ := newServer(t, web.Config{Token: "s3cret"})
	readOnly, _ := newServer(t, web.Config{ReadOnly: true})
	cases := []struct {
		name   string
		h      http.Handler
		header map[string]string
		status int
	}{
		{"no token sent", withToken, map[string]string{}, 401},
		{"wrong token", withToken, map[string]string{"Authorization": "Bearer nope"}, 401},
		{"basic auth instead", withToken, map[string]string{"Authorization": "Basic czNjcmV0"}, 401},
		{"right token", withToken, map[string]string{"Authorization": "Bearer s3cret"}, 201},
		{"right token from afar", withToken, map[string]string{"Authorization": "Bearer s3cret", "RemoteAddr": "198.51.100.3:1"}, 200},
		{"read-only", readOnly, map[string]string{}, 403},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := post(tc.h, tc.header, tc.name); got != tc.status {
				t.Errorf("status %d, want %d", got, tc.status)
			}
		})
	}
	// Reads need no token.
	if r := do(t, withToken, "GET", "/api/search", nil, nil); r.Code != 200 {
		t.Errorf("read with token configured: %d", r.Code)
	}
	r := do(t, withToken, "POST", "/api/documents", strings.NewReader(`{}`), map[string]string{"Content-Type": "application/json"})
	if !strings.HasPrefix(r.Header().Get("WWW-Authenticate"), "Bearer") {
		t.Error("401 without WWW-Authenticate")
	}
}

func TestRoutingAndHeaders(t *testing.T) {
	h, _ := newServer(t, web.Config{})
	cases := []struct {
		method, target string
		status         int
	}{
		{"GET", "/api/nothing", 404},
		{"POST", "/api/search", 405},
		{"PATCH", "/api/documents/x", 405},
		{"GET", "/healthz", 200},
	}
	for _, tc := range cases {
		r := do(t, h, tc.method, tc.target, nil, nil)
		if r.Code != tc.status {
			t.Errorf("%s %s: %d, want %d", tc.method, tc.target, r.Code, tc.status)
		}
		if code, _, _ := errorOf(r); tc.status >= 400 && code == "" {
			t.Errorf("%s %s: error is not JSON: %s", tc.method, tc.target, r.Body.String())
		}
		for _, hd := range []string{"X-Content-Type-Options", "Content-Security-Policy", "Referrer-Policy"} {
			if r.Header().Get(hd) == "" {
				t.Errorf("%s missing", hd)
			}
		}
	}
}

func TestMembersOnlyDocuments(t *testing.T) {
	h, kb := newServer(t, web.Config{Token: "w", ReadToken: "r"})
	res, err := kb.IngestBytes(context.Background(), "intern.json", []byte(`{"id":"intern/strategie","title":"Interne Strategie zur Innovationskultur","visibility":"members","topics":["Geheimthema"],"people":["Vera Vertraulich"],"body":"Nur für Mitglieder: Innovationskultur im Detail."}`), "")
	if err != nil || res[0].Status != search.Added {
		t.Fatalf("%v %v", res, err)
	}
	bearer := func(tok string) map[string]string { return map[string]string{"Authorization": "Bearer " + tok} }
	type visibility struct {
		name    string
		target  string
		header  map[string]string
		visible bool
	}
	// Every route is asked without a token, where the document must not
	// show; the routes marked read are asked with the read token too, where
	// it must.
	var cases []visibility
	for _, rt := range []struct {
		name, target string
		read         bool
	}{
		{"search", "/api/search?q=Innovationskultur", true},
		{"facets", "/api/search", true},
		{"document", "/api/documents/intern/strategie", true},
		{"suggest person", "/api/suggest?q=vera", true},
		{"suggest title", "/api/suggest?q=interne", false},
		{"related", "/api/documents/webinars/kultur/related", false},
		{"topics", "/api/topics", true},
		{"feed", "/feeds/search.atom?q=Innovationskultur", false},
		{"export", "/api/search?format=ndjson&q=Innovationskultur", true},
		{"Excel CSV", "/api/search?format=csv-excel&q=Innovationskultur", true},
		{"xlsx", "/api/search?format=xlsx&q=Innovationskultur", true},
		{"answers", "/api/answers?q=Was+steht+im+Detail+zur+Innovationskultur%3F", true},
		{"citation", "/api/documents/intern/strategie/citation?format=ris", true},
		{"citations of a search", "/api/search?format=bibtex&q=Innovationskultur", true},
	} {
		cases = append(cases, visibility{rt.name + ", public", rt.target, map[string]string{}, false})
		if rt.read {
			cases = append(cases, visibility{rt.name + ", read token", rt.target, bearer("r"), true})
		}
	}
	cases = append(cases,
		visibility{"search, write token", "/api/search?q=Innovationskultur", bearer("w"), true},
		visibility{"search, wrong token", "/api/search?q=Innovationskultur", bearer("x"), false},
	)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := do(t, h, "GET", tc.target, nil, tc.header)
			body := r.Body.String()
			if strings.Contains(tc.target, "format=xlsx") {
				if r.Code != 200 {
					t.Fatalf("xlsx: %d %s", r.Code, body)
				}
				body = strings.Join(slices.Concat(xlsxRows(t, r.Body.Bytes())...), "\n")
			}
			seen := strings.Contains(body, "intern/strategie") || strings.Contains(body, "Geheimthema") || strings.Contains(body, "Vera Vertraulich")
			if seen != tc.visible {
				t.Errorf("members-only document visible = %v, want %v (status %d)", seen, tc.visible, r.Code)
			}
			if (strings.HasPrefix(tc.name, "document, public") || strings.HasPrefix(tc.name, "citation, public")) && r.Code != 404 {
				t.Errorf("status %d, want 404 (not 403)", r.Code)
			}
		})
	}
}
