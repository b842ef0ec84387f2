package web

import (
	"context"
	"encoding/json"
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

// clusterNode is a ready knowledge base on a cluster node with the given
// status.
type clusterNode struct {
	KnowledgeBase
	st search.ClusterStatus
}

func (clusterNode) Ready() bool                                   { return true }
func (c clusterNode) ClusterStatus() (search.ClusterStatus, bool) { return c.st, true }

// TestReadyClusterNode checks /readyz on a cluster node: ready with its
// status while it follows the journal, 503 "stale" with the reason once
// it has stopped (its store is older than the journal's retention).
func TestReadyClusterNode(t *testing.T) {
	cases := []struct {
		name       string
		st         search.ClusterStatus
		status     int
		wantStatus string
	}{
		{"following", search.ClusterStatus{Node: "n1", AppliedSeq: 7}, 200, "ready"},
		{"stopped at a gap", search.ClusterStatus{Node: "n1", AppliedSeq: 7, Stopped: "the journal starts at 20"}, 503, "stale"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv, err := NewServer(Config{PublicURLs: []*url.URL{{Scheme: "http", Host: "example.com"}}}, clusterNode{st: tc.st}, nil)
			if err != nil {
				t.Fatal(err)
			}
			rec := httptest.NewRecorder()
			srv.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/readyz", nil))
			if rec.Code != tc.status {
				t.Fatalf("status %d, want %d: %s", rec.Code, tc.status, rec.Body)
			}
			var body struct {
				Status  string               `json:"status"`
				Reason  string               `json:"reason"`
				Cluster search.ClusterStatus `json:"cluster"`
			}
			if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
				t.Fatal(err)
			}
			if body.Status != tc.wantStatus || body.Cluster.AppliedSeq != tc.st.AppliedSeq || body.Reason != tc.st.Stopped {
				t.Errorf("got %+v, want status %q, applied %d, reason %q", body, tc.wantStatus, tc.st.AppliedSeq, tc.st.Stopped)
			}
		})
	}
}
