package main

import (
	"encoding/json"
	"net/http"
	"slices"
	"testing"
	"time"

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

func TestSetupOrder(t *testing.T) {
	for _, c := range []struct {
		name  string
		round int
		want  []int
	}{
		{"the first round runs the single node first", 1, []int{1, 3}},
		{"the second round runs the cluster first", 2, []int{3, 1}},
		{"the third round as the first", 3, []int{1, 3}},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := setupOrder(c.round, 3); !slices.Equal(got, c.want) {
				t.Errorf("setupOrder(%d, 3) = %v, want %v", c.round, got, c.want)
			}
		})
	}
}

func TestRoundRatios(t *testing.T) {
	setup := func(round, nodes int, writes, searches float64, p50, p99, cpu time.Duration) clusterRun {
		r := clusterRun{round: round, nodes: nodes}
		r.writes.rate, r.writes.p50, r.writes.p99 = writes, p50, p99
		r.search.rps, r.search.p99, r.search.cpuPerReq = searches, p99, cpu
		return r
	}
	single1 := setup(1, 1, 60, 300, 10*time.Millisecond, 100*time.Millisecond, 4*time.Millisecond)
	cluster1 := setup(1, 3, 30, 450, 20*time.Millisecond, 50*time.Millisecond, 6*time.Millisecond)
	single2 := setup(2, 1, 50, 400, 10*time.Millisecond, 100*time.Millisecond, 4*time.Millisecond)
	cluster2 := setup(2, 3, 50, 200, 10*time.Millisecond, 200*time.Millisecond, 2*time.Millisecond)
	r1 := clusterRatios{round: 1, writes: 0.5, ackP50: 2, ackP99: 0.5, searches: 1.5, searchP99: 0.5, cpu: 1.5}
	r2 := clusterRatios{round: 2, writes: 1, ackP50: 1, ackP99: 2, searches: 0.5, searchP99: 2, cpu: 0.5}
	for _, c := range []struct {
		name string
		runs []clusterRun
		want []clusterRatios
	}{
		{"one round", []clusterRun{single1, cluster1}, []clusterRatios{r1}},
		{"rounds in either order, sorted by round", []clusterRun{single1, cluster1, cluster2, single2}, []clusterRatios{r1, r2}},
		{"a round without its cluster is left out", []clusterRun{single1, cluster1, cluster2}, []clusterRatios{r1}},
		{"no runs", nil, nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := roundRatios(c.runs); !slices.Equal(got, c.want) {
				t.Errorf("roundRatios = %+v, want %+v", got, c.want)
			}
		})
	}
}
