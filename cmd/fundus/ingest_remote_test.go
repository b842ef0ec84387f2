package main

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/fundus-kb/fundus/internal/testnet"
)

// search asks the server at base for q and returns the ids of the hits.
func searchIDs(t *testing.T, base, q string) []string {
	t.Helper()
	resp, err := http.Get(base + "/api/search?q=" + url.QueryEscape(q))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var res struct {
		Hits []struct{ ID string } `json:"hits"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&res); err != nil {
		t.Fatalf("search %q: %v", q, err)
	}
	var ids []string
	for _, h := range res.Hits {
		ids = append(ids, h.ID)
	}
	return ids
}

func wantSummary(t *testing.T, out string, want map[string]int) {
	t.Helper()
	var got map[string]int
	lastJSON(t, out, &got)
	for k, v := range want {
		if got[k] != v {
			t.Errorf("summary %v, want %s %d (of %v)", got, k, v, want)
		}
	}
}

// TestIngestViaServer sends the mixed test folder through a one-node
// cluster's upload endpoint: the good documents are searchable under the
// ids a local ingest gives them, the broken files are named, and the
// summary is the local one. (The node's first write waits for the
// journal's stream to be created: a 503 no_quorum retried.)
func TestIngestViaServer(t *testing.T) {
	listen := testnet.FreeAddr(t)
	env := map[string]string{"FUNDUS_API_TOKEN": "w"}
	base, _ := serveInProcess(t, env, "--data", t.TempDir(), "--cluster-listen", listen, "--node", "solo")
	mixed := filepath.Join("..", "..", "testdata", "ingest", "mixed")

	start := time.Now()
	out, errOut, code := runCLI(t, env, "ingest", "--server", base, "--json", mixed)
	if code != 1 {
		t.Fatalf("exit code %d, want 1 (three files fail)\nstdout: %s\nstderr: %s", code, out, errOut)
	}
	// The failures name the local files as a local ingest does.
	abs, err := filepath.Abs(mixed)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{filepath.Join(abs, "broken-frontmatter.md") + ":3: front matter", filepath.Join(abs, "broken.json") + ":1: invalid JSON", filepath.Join(abs, "broken-binary.txt") + ": binary file"} {
		if !strings.Contains(errOut, want) {
			t.Errorf("stderr lacks %q:\n%s", want, errOut)
		}
	}
	wantSummary(t, out, map[string]int{"added": 3, "updated": 0, "unchanged": 0, "failed": 3})
	t.Logf("first ingest via the server took %v", time.Since(start).Round(time.Millisecond))
	if ids := searchIDs(t, base, "Stadtwerke Talheim"); len(ids) == 0 || ids[0] != "sub/good-case" {
		t.Errorf("search for the case: %v, want sub/good-case first (the id a local ingest gives)", ids)
	}
	if ids := searchIDs(t, base, "Innovationskultur"); len(ids) == 0 || ids[0] != "good-webinar" {
		t.Errorf("search for the webinar: %v, want good-webinar", ids)
	}
	checkCLI(t, env, []string{"ingest", "--server", base + "/", mixed}, 1, []string{"added 0, updated 0, unchanged 3, failed 3"}, nil)
}

// TestIngestViaServerRetries: a file refused with 503 no_quorum is sent
// again after the Retry-After, and then counts as added.
func TestIngestViaServerRetries(t *testing.T) {
	base, _ := serveInProcess(t, nil, "--data", t.TempDir())
	target, _ := url.Parse(base)
	// SetURL sends the server its own Host (it refuses others with 421).
	proxy := &httputil.ReverseProxy{Rewrite: func(r *httputil.ProxyRequest) { r.SetURL(target) }}
	var posts atomic.Int32
	front := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost && posts.Add(1) == 1 {
			io.Copy(io.Discard, r.Body)
			w.Header().Set("Retry-After", "1")
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusServiceUnavailable)
			io.WriteString(w, `{"error":{"code":"no_quorum","message":"the cluster has no quorum for writes"}}`)
			return
		}
		proxy.ServeHTTP(w, r)
	}))
	defer front.Close()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "nachgereicht.md"), []byte("---\ntype: webinar\ntitle: Nachgereicht\n---\nZweiter Versuch."), 0o600); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	out := checkCLI(t, nil, []string{"ingest", "--server", front.URL, "--json", dir}, 0, nil, nil)
	wantSummary(t, out, map[string]int{"added": 1, "failed": 0})
	if took := time.Since(start); took < time.Second {
		t.Errorf("the retry came after %v, before the Retry-After of 1 s", took)
	}
	if n := posts.Load(); n != 2 {
		t.Errorf("%d uploads, want 2 (one refused, one retried)", n)
	}
	if ids := searchIDs(t, base, "Nachgereicht"); len(ids) != 1 || ids[0] != "nachgereicht" {
		t.Errorf("search after the retry: %v, want nachgereicht", ids)
	}
}

func TestIngestViaServerRefusals(t *testing.T) {
	base, _ := serveInProcess(t, map[string]string{"FUNDUS_API_TOKEN": "w"}, "--data", t.TempDir())
	mixed := filepath.Join("..", "..", "testdata", "ingest", "mixed")
	cases := []struct {
		name string
		env  map[string]string
		args []string
		code int
		want []string
	}{
		{"wrong token", map[string]string{"FUNDUS_API_TOKEN": "nope"}, []string{mixed}, 1, []string{"refused the token", "401", "--token or FUNDUS_API_TOKEN"}},
		{"no token", nil, []string{mixed}, 1, []string{"refused the token", "no token was given"}},
		{"with --prune", nil, []string{"--prune", mixed}, 2, []string{"--prune and --watch"}},
		{"with a URL", nil, []string{"https://example.org/"}, 2, []string{"not URLs"}},
		{"with --data", nil, []string{"--data", t.TempDir(), mixed}, 2, []string{"no --data"}},
		{"no concurrency", nil, []string{"--concurrency", "0", mixed}, 2, []string{"--concurrency"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			checkCLI(t, tc.env, append([]string{"ingest", "--server", base}, tc.args...), tc.code, nil, tc.want)
		})
	}
	t.Run("not a URL", func(t *testing.T) {
		checkCLI(t, nil, []string{"ingest", "--server", "localhost:8080", mixed}, 2, nil, []string{`--server "localhost:8080"`})
	})
	if ids := searchIDs(t, base, "Innovationskultur"); len(ids) != 0 {
		t.Errorf("refused ingests wrote %v", ids)
	}
}
