package web

// Fuzz targets for the request parameter parsers: parseSearch on its own,
// and the query string through the real router, over a small real index.
//
// Seed corpora, crashers found so far included, are in the project's
// testdata/fuzz/<Target> (Go's corpus format). The fuzz engine writes new
// crashers to web/testdata/fuzz/<Target>; move them there. Run with e.g.
//
//	go test ./web -run '^$' -fuzz '^FuzzParseSearch$' -fuzztime 2m

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/fundus-kb/fundus/indexer"
	"github.com/fundus-kb/fundus/search"
	"github.com/fundus-kb/fundus/search/querylang/fuzzcorpus"
)

// addCorpus seeds f with the project's corpus of the fuzz target.
func addCorpus(f *testing.F, target string) {
	f.Helper()
	for _, s := range fuzzcorpus.Read(f, filepath.Join("..", "testdata", "fuzz", target)) {
		f.Add(s)
	}
}

// fuzzServer is a server over the web test corpus plus a members-only
// document, built once per process: every fuzz worker builds its own.
var fuzzServer = sync.OnceValues(func() (*Server, error) {
	dir, err := os.MkdirTemp("", "fundus-fuzz-")
	if err != nil {
		return nil, err
	}
	ctx := context.Background()
	kb, err := indexer.Open(ctx, indexer.Config{DataDir: dir})
	if err != nil {
		return nil, err
	}
	if err := kb.WaitReady(ctx); err != nil {
		return nil, err
	}
	data, err := os.ReadFile("../testdata/web/corpus.jsonl")
	if err != nil {
		return nil, err
	}
	data = append(data, `{"id":"intern/strategie","title":"Interne Strategie","visibility":"members","topics":["Geheimthema"],"body":"Nur für Mitglieder."}`+"\n"...)
	res, err := kb.IngestBytes(ctx, "corpus.jsonl", data, "")
	if err != nil {
		return nil, err
	}
	for _, r := range res {
		if r.Status != search.Added {
			return nil, errors.New("fixture " + r.ID + ": " + r.Status.String() + " " + r.Error)
		}
	}
	// The knowledge base and its directory live as long as the process.
	return NewServer(Config{ReadToken: "r", Logger: fuzzLogger, PublicURLs: []*url.URL{{Scheme: "http", Host: "example.com"}}}, kb, kb)
})

// fuzzSearchSeeds are query strings worth starting from: every parameter,
// good and bad values, odd encodings.
var fuzzSearchSeeds = []string{
	"", "q=Innovationskultur", "q=innovation+culture&lang=en", "q=%22offene+Innovation%22",
	"q=Innov*", "q=a+AND+b+OR+-c", "q=title:(a+OR+b)", "q=(", "q=%22", "q=*",
	"type=case&type=webinar", "topic=Open+Innovation&year=2021", "org=Stifterverband&person=Henrik+Vogel",
	"addressee=EU&policy_area=Wirtschaftspolitik", "lang=de&lang=en", "year=20x1",
	"sort=-date", "sort=date", "sort=title", "sort=relevance", "sort=nonsense",
	"page=2&size=5", "page=0", "page=-1", "page=99999999999999999999", "size=101", "size=0", "size=1e3",
	"page=1000&size=10", "page=101&size=100", "facet_size=0", "facet_size=1000", "facet_size=5",
	"from=2020", "to=2021-06", "from=2021-02-30", "from=2022&to=2020", "from=2020-13", "to=9999-12-31",
	"cursor=abc", "cursor=", "cursor=eyJzIjoiIiwicSI6IiIsImEiOltdfQ", "page=2&cursor=abc",
	"format=csv", "format=ndjson", "format=json", "format=xml", "format=csv&q=Innovation",
	"q=%ff%fe", "q=%00", "q=%", "%=%", "q=a;b", "q=a&q=b", "&&&", "q=" + strings.Repeat("a", 1001),
	"q=" + strings.Repeat("(", 200), "q=" + strings.Repeat("a+", 300), "unknown=1", "type=", "topic=%20",
	"lang=xx", "q=Stra%C3%9Fe+%C3%9Cberg%C3%A4nge", "q=+&-&!",
}

// craftedCursors are cursors in the service's own format with odd
// contents: a fuzzer seldom finds valid base64-encoded JSON by itself.
func craftedCursors(sort, q string) []string {
	sum := sha256.Sum256([]byte(q))
	tag := base64.RawURLEncoding.EncodeToString(sum[:6])
	var out []string
	for _, after := range [][]string{{"x"}, {"2021-01-01", "webinars/kultur"}, {"", ""}, {"a", "b", "c"}, {"NaN", "x"}, {"1e400", "x"}, {"-1", ""}, {strings.Repeat("z", 500), "\x00"}} {
		b, _ := json.Marshal(map[string]any{"s": sort, "q": tag, "a": after})
		out = append(out, base64.RawURLEncoding.EncodeToString(b))
	}
	return out
}

// fuzzTargets are the routes a query string is tried on.
var fuzzTargets = []string{"/api/search", "/api/topics/Open%20Innovation", "/feeds/search.atom", "/api/suggest", "/api/documents/webinars/kultur/related"}

// serveFuzz serves a GET of path with the raw query string q. The query
// is set on the URL directly, as a lenient server would pass it on.
func serveFuzz(t *testing.T, h http.Handler, path, q string, header map[string]string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest("GET", path, nil)
	req.URL.RawQuery = q
	req.RequestURI = path + "?" + q
	req.RemoteAddr = "192.0.2.10:1234"
	for k, v := range header {
		req.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code >= 500 {
		t.Fatalf("GET %s?%s: status %d: %.500s", path, q, rec.Code, rec.Body.String())
	}
	return rec
}

// FuzzParseSearch checks parseSearch on any query string, and the API on
// the same query string: a bad value is a 400 naming the parameter, never
// a 5xx or a panic, and the API always answers JSON (feeds Atom or JSON).
func FuzzParseSearch(f *testing.F) {
	for _, s := range fuzzSearchSeeds {
		f.Add(s)
	}
	for _, sort := range []string{"", search.SortRelevance, search.SortDateDesc, search.SortTitle} {
		for _, c := range craftedCursors(sort, "") {
			f.Add("sort=" + sort + "&cursor=" + c)
		}
	}
	for _, c := range craftedCursors("", "Innovation") {
		f.Add("q=Innovation&cursor=" + c)
	}
	addCorpus(f, "FuzzParseSearch")
	srv, err := fuzzServer()
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		if q, err := url.ParseQuery(raw); err == nil {
			checkParseSearch(t, raw, q)
		}
		// The handlers read r.URL.Query(), which skips what it cannot
		// parse: check that path too.
		checkParseSearch(t, raw, (&url.URL{RawQuery: raw}).Query())

		for i, path := range fuzzTargets {
			header := map[string]string(nil)
			if i%2 == 1 && strings.Contains(raw, "q") {
				header = map[string]string{"Authorization": "Bearer r"}
			}
			rec := serveFuzz(t, srv, path, raw, header)
			ct := rec.Header().Get("Content-Type")
			switch {
			case strings.HasPrefix(ct, "application/json"):
				if !json.Valid(rec.Body.Bytes()) {
					t.Fatalf("GET %s?%s: invalid JSON: %.300s", path, raw, rec.Body.String())
				}
			case path == "/feeds/search.atom" && strings.HasPrefix(ct, "application/atom+xml"):
			case path == "/api/search" && rec.Code == 200 && (strings.HasPrefix(ct, "text/csv") || strings.HasPrefix(ct, "application/x-ndjson")):
			default:
				t.Fatalf("GET %s?%s: status %d, Content-Type %q, want JSON", path, raw, rec.Code, ct)
			}
			if rec.Code != 200 && !strings.HasPrefix(ct, "application/json") {
				t.Fatalf("GET %s?%s: error %d is not JSON (%q)", path, raw, rec.Code, ct)
			}
			if header == nil && strings.Contains(rec.Body.String(), "intern/strategie") {
				t.Fatalf("GET %s?%s: a members-only document without a token", path, raw)
			}
		}
	})
}

// checkParseSearch checks what parseSearch makes of q: an error is an
// *search.InvalidRequestError naming a parameter; a request holds whole
// counts of 1 or more and trimmed words (the bounds are search's to check:
// the API calls above answer those with a 400).
func checkParseSearch(t *testing.T, raw string, q url.Values) {
	t.Helper()
	r, err := parseSearch(q)
	if err != nil {
		var ir *search.InvalidRequestError
		if !errors.As(err, &ir) || ir.Param == "" {
			t.Fatalf("parseSearch(%q): error %T %v, want an InvalidRequestError with its parameter", raw, err, err)
		}
		if st := errorStatus(err); st.status != http.StatusBadRequest {
			t.Fatalf("parseSearch(%q): error maps to %d", raw, st.status)
		}
		return
	}
	switch {
	case r.Page < 1:
		t.Fatalf("parseSearch(%q): page %d", raw, r.Page)
	case r.Size < 1:
		t.Fatalf("parseSearch(%q): size %d", raw, r.Size)
	case r.FacetSize < 1:
		t.Fatalf("parseSearch(%q): facet_size %d", raw, r.FacetSize)
	case r.Query != strings.TrimSpace(r.Query):
		t.Fatalf("parseSearch(%q): untrimmed query %q", raw, r.Query)
	}
	for facet, vs := range r.Filters {
		if len(vs) == 0 {
			t.Fatalf("parseSearch(%q): empty filter %s", raw, facet)
		}
		for _, v := range vs {
			if v == "" || v != strings.TrimSpace(v) {
				t.Fatalf("parseSearch(%q): filter %s value %q", raw, facet, v)
			}
		}
	}
}

// FuzzPageSearch feeds any query string to the pages that take search
// parameters: never a 5xx or a panic, always an HTML page.
func FuzzPageSearch(f *testing.F) {
	for _, s := range fuzzSearchSeeds {
		f.Add(s)
	}
	for _, c := range craftedCursors(search.SortDateDesc, "") {
		f.Add("sort=-date&cursor=" + c)
	}
	addCorpus(f, "FuzzPageSearch")
	srv, err := fuzzServer()
	if err != nil {
		f.Fatal(err)
	}
	pages := []string{"/search", "/topics/Open%20Innovation", "/recommendations", "/"}
	f.Fuzz(func(t *testing.T, raw string) {
		for _, path := range pages {
			rec := serveFuzz(t, srv, path, raw, nil)
			if ct := rec.Header().Get("Content-Type"); ct != "text/html; charset=utf-8" {
				t.Fatalf("GET %s?%s: status %d, Content-Type %q, want HTML", path, raw, rec.Code, ct)
			}
			if strings.Contains(rec.Body.String(), "intern/strategie") {
				t.Fatalf("GET %s?%s: a members-only document without a token", path, raw)
			}
		}
	})
}

// fuzzLogger shows the errors behind a 5xx.
var fuzzLogger = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError}))
