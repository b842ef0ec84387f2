package web

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"

	"github.com/fundus-kb/fundus/search"
)

// recovering is a knowledge base whose index is still being rebuilt.
type recovering struct{ KnowledgeBase }

func (recovering) Ready() bool { return false }
func (recovering) Search(context.Context, search.Request) (*search.Result, error) {
	return nil, search.ErrNotReady
}

func TestNotReady(t *testing.T) {
	srv, err := NewServer(Config{PublicURLs: []*url.URL{{Scheme: "http", Host: "example.com"}}}, recovering{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		path   string
		status int
	}{
		{"/healthz", 200},
		{"/readyz", 503},
		{"/api/search?q=x", 503},
	}
	for _, tc := range cases {
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, tc.path, nil))
		if rec.Code != tc.status {
			t.Errorf("%s: %d, want %d", tc.path, rec.Code, tc.status)
		}
		if tc.status == 503 && rec.Header().Get("Retry-After") == "" {
			t.Errorf("%s: 503 without Retry-After", tc.path)
		}
	}
}
