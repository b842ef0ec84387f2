package web

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/fundus-kb/fundus/search"
)

// docMap serves documents from memory: the seam between web and the store.
type docMap map[string]search.Document

func (m docMap) Document(_ context.Context, id string) (*search.Document, error) {
	d, ok := m[id]
	if !ok {
		return nil, search.ErrNotFound
	}
	return &d, nil
}

func newTestServer(t testing.TB) *Server {
	t.Helper()
	ix, err := search.Create(t.TempDir() + "/index")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	docs := []search.Document{
		{ID: "webinars/2020/kultur", Type: "webinar", Title: "Innovationskultur in Unternehmen", Body: "Wie Innovationskultur entsteht: Führung, Fehlerkultur, Offenheit.", Date: "2020-04-16", Language: "de", Topics: []string{"Innovationskultur"}},
		{ID: "cases/nordwerk", Type: "case", Title: "Nordwerk: Intrapreneurship", Body: "Nordwerk baut Innovationskultur mit Intrapreneuren auf.", Date: "2020-09-01", Language: "de", Topics: []string{"Innovationskultur", "Intrapreneurship"}},
		{ID: "recs/transfer", Type: "recommendation", Title: "Transfer stärken", Body: "Hochschulen und Unternehmen sollen Wissen teilen.", Date: "2021-03-01", Language: "de", Topics: []string{"Wissenstransfer"}, Addressees: []string{"Hochschulen"}},
	}
	m := docMap{}
	var changes []search.Change
	for i := range docs {
		if err := docs[i].Normalize(); err != nil {
			t.Fatal(err)
		}
		m[docs[i].ID] = docs[i]
		changes = append(changes, search.Change{ID: docs[i].ID, Doc: &docs[i]})
	}
	if err := ix.Apply(changes, 1); err != nil {
		t.Fatal(err)
	}
	return NewServer(Config{}, ix, m)
}

func get(t testing.TB, h http.Handler, target string) (*httptest.ResponseRecorder, map[string]any) {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, target, nil))
	var body map[string]any
	if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Fatalf("GET %s: Content-Type %q, want JSON", target, ct)
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
		t.Fatalf("GET %s: bad JSON %q: %v", target, rec.Body.String(), err)
	}
	return rec, body
}

func TestAPISearch(t *testing.T) {
	srv := newTestServer(t)
	cases := []struct {
		name       string
		target     string
		status     int
		total      float64
		firstID    string
		errorParam string
	}{
		{"query", "/api/search?q=Innovationskultur", 200, 2, "webinars/2020/kultur", ""},
		{"browse is newest first", "/api/search", 200, 3, "recs/transfer", ""},
		{"type filter", "/api/search?q=Innovationskultur&type=case", 200, 1, "cases/nordwerk", ""},
		{"topic filter", "/api/search?topic=Wissenstransfer", 200, 1, "recs/transfer", ""},
		{"year filter", "/api/search?year=2020&size=1&page=2", 200, 2, "webinars/2020/kultur", ""},
		{"size too large", "/api/search?size=101", 400, 0, "", "size"},
		{"size zero", "/api/search?size=0", 400, 0, "", "size"},
		{"page not a number", "/api/search?page=zwei", 400, 0, "", "page"},
		{"bad sort", "/api/search?sort=best", 400, 0, "", "sort"},
		{"bad date", "/api/search?from=2020-13-01", 400, 0, "", "from"},
		{"query too long", "/api/search?q=" + strings.Repeat("x", 1001), 400, 0, "", "q"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rec, body := get(t, srv, tc.target)
			if rec.Code != tc.status {
				t.Fatalf("status = %d, want %d (%s)", rec.Code, tc.status, rec.Body.String())
			}
			if tc.status != 200 {
				e, _ := body["error"].(map[string]any)
				if msg, _ := e["message"].(string); !strings.Contains(msg, tc.errorParam) {
					t.Errorf("error message %q does not name %s", msg, tc.errorParam)
				}
				return
			}
			if body["total"] != tc.total {
				t.Errorf("total = %v, want %v", body["total"], tc.total)
			}
			hits, _ := body["hits"].([]any)
			if len(hits) == 0 {
				t.Fatal("no hits")
			}
			first := hits[0].(map[string]any)
			if first["id"] != tc.firstID {
				t.Errorf("first hit = %v, want %s", first["id"], tc.firstID)
			}
			if !strings.HasPrefix(first["url"].(string), "/documents/") {
				t.Errorf("url = %v", first["url"])
			}
			facets, _ := body["facets"].(map[string]any)
			for _, f := range search.FacetNames {
				if _, ok := facets[f]; !ok {
					t.Errorf("facet %s missing", f)
				}
			}
		})
	}
}

func TestAPIDocument(t *testing.T) {
	srv := newTestServer(t)
	cases := []struct {
		name, target string
		status       int
		title        string
	}{
		{"id with slashes", "/api/documents/webinars/2020/kultur", 200, "Innovationskultur in Unternehmen"},
		{"escaped slash", "/api/documents/cases%2Fnordwerk", 200, "Nordwerk: Intrapreneurship"},
		{"missing", "/api/documents/nope", 404, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rec, body := get(t, srv, tc.target)
			if rec.Code != tc.status {
				t.Fatalf("status = %d, want %d", rec.Code, tc.status)
			}
			if tc.status == 200 && body["title"] != tc.title {
				t.Errorf("title = %v, want %s", body["title"], tc.title)
			}
			if tc.status == 404 {
				e := body["error"].(map[string]any)
				if e["code"] != "not_found" {
					t.Errorf("error = %v", e)
				}
			}
		})
	}
}

func TestRoutingErrors(t *testing.T) {
	srv := newTestServer(t)
	rec, _ := get(t, srv, "/api/nothing")
	if rec.Code != 404 {
		t.Errorf("unknown path: %d, want 404", rec.Code)
	}
	rec = httptest.NewRecorder()
	srv.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/api/search", nil))
	if rec.Code != 405 {
		t.Errorf("POST /api/search: %d, want 405", rec.Code)
	}
	rec, body := get(t, srv, "/healthz")
	if rec.Code != 200 || body["status"] != "ok" {
		t.Errorf("healthz: %d %v", rec.Code, body)
	}
}
