package main

import (
	"encoding/json"
	"net/http"
	"slices"
	"testing"

	"github.com/fundus-kb/fundus/internal/tabletest"
)

func TestClusterPeers(t *testing.T) {
	routes := []string{"127.0.0.1:1", "127.0.0.1:2", "127.0.0.1:3"}
	tabletest.Run(t, "clusterPeers", func(i int) string { return clusterPeers(routes, i) }, []tabletest.Case[int, string]{
		{"first node", 0, "127.0.0.1:2,127.0.0.1:3"},
		{"middle node", 1, "127.0.0.1:1,127.0.0.1:3"},
		{"last node", 2, "127.0.0.1:1,127.0.0.1:2"},
	})
}

func TestAppliedSeq(t *testing.T) {
	type out struct {
		seq uint64
		ok  bool
	}
	tabletest.Run(t, "appliedSeq", func(v string) out {
		h := http.Header{}
		if v != "" {
			h.Set(appliedSeqHeader, v)
		}
		seq, ok := appliedSeq(h)
		return out{seq, ok}
	}, []tabletest.Case[string, out]{
		{"a single node sends none", "", out{0, false}},
		{"zero before the first entry", "0", out{0, true}},
		{"a sequence", "261", out{261, true}},
		{"the largest sequence", "18446744073709551615", out{1<<64 - 1, true}},
		{"negative", "-1", out{0, false}},
		{"not a number", "n/a", out{0, false}},
	})
}

func TestSpreadURLs(t *testing.T) {
	paths := []string{"/a", "/b", "/c", "/d"}
	for _, c := range []struct {
		name  string
		bases []string
		want  []string
	}{
		{"one node takes every request", []string{"http://x"}, []string{"http://x/a", "http://x/b", "http://x/c", "http://x/d"}},
		{"three nodes in turn", []string{"http://x", "http://y", "http://z"}, []string{"http://x/a", "http://y/b", "http://z/c", "http://x/d"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := spreadURLs(c.bases, paths); !slices.Equal(got, c.want) {
				t.Errorf("spreadURLs(%v) = %v, want %v", c.bases, got, c.want)
			}
		})
	}
}

func TestDocJSON(t *testing.T) {
	d := sciDoc{ID: "4983", Title: "A \"quoted\" title", Text: "Body text."}
	for _, c := range []struct {
		name, id string
		want     map[string]string
	}{
		{"for a PUT, without an id", "", map[string]string{"title": d.Title, "text": d.Text, "language": "en"}},
		{"for a POST, with the id", "sf/4983", map[string]string{"id": "sf/4983", "title": d.Title, "text": d.Text, "language": "en"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			var got map[string]string
			if err := json.Unmarshal(docJSON(c.id, d), &got); err != nil {
				t.Fatal(err)
			}
			if len(got) != len(c.want) {
				t.Errorf("docJSON(%q) = %v, want %v", c.id, got, c.want)
			}
			for k, v := range c.want {
				if got[k] != v {
					t.Errorf("docJSON(%q)[%s] = %q, want %q", c.id, k, got[k], v)
				}
			}
		})
	}
}
