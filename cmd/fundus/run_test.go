package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// runCLI runs the program in-process and returns stdout, stderr and the
// exit code main would use.
func runCLI(t testing.TB, env map[string]string, args ...string) (string, string, int) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	err := run(context.Background(), args, func(k string) string { return env[k] }, &stdout, &stderr)
	return stdout.String(), stderr.String(), exitCode(err)
}

// checkCLI runs the command line with args and checks that it exits
// with code and that stdout and stderr hold each of the texts wanted of
// them. It returns stdout.
func checkCLI(t testing.TB, env map[string]string, args []string, code int, stdout, stderr []string) string {
	t.Helper()
	out, errOut, got := runCLI(t, env, args...)
	if got != code {
		t.Fatalf("exit code %d, want %d\nstdout: %s\nstderr: %s", got, code, out, errOut)
	}
	for _, s := range stdout {
		if !strings.Contains(out, s) {
			t.Errorf("stdout lacks %q:\n%s", s, out)
		}
	}
	for _, s := range stderr {
		if !strings.Contains(errOut, s) {
			t.Errorf("stderr lacks %q:\n%s", s, errOut)
		}
	}
	return out
}

// lastJSON decodes the last line of out.
func lastJSON(t testing.TB, out string, v any) {
	t.Helper()
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if err := json.Unmarshal([]byte(lines[len(lines)-1]), v); err != nil {
		t.Fatalf("last line of stdout is not JSON: %q: %v", out, err)
	}
}

func TestCLI(t *testing.T) {
	data := t.TempDir()
	env := map[string]string{"FUNDUS_DATA": data}
	mixed := filepath.Join("..", "..", "testdata", "ingest", "mixed")

	steps := []struct {
		name     string
		args     []string
		code     int
		stdout   []string // substrings
		stderr   []string
		checkOut func(t *testing.T, out string)
	}{
		{name: "help", args: []string{"--help"}, code: 0, stdout: []string{"ingest", "search", "serve", "reindex"}},
		{name: "ingest help", args: []string{"ingest", "--help"}, code: 0, stdout: []string{"--prune", "--data"}},
		{name: "unknown command", args: []string{"frobnicate"}, code: 2, stderr: []string{"unknown command"}},
		{name: "unknown flag", args: []string{"search", "--colour"}, code: 2},
		{name: "ingest three good three broken", args: []string{"ingest", "--json", mixed}, code: 1,
			stderr: []string{"broken-frontmatter.md", "broken.json", "broken-binary.txt"},
			checkOut: func(t *testing.T, out string) {
				var s map[string]int
				lastJSON(t, out, &s)
				if s["added"] != 3 || s["failed"] != 3 || s["unchanged"] != 0 {
					t.Errorf("summary = %v, want 3 added, 3 failed", s)
				}
			}},
		{name: "ingest again is unchanged", args: []string{"ingest", "--json", mixed}, code: 1,
			checkOut: func(t *testing.T, out string) {
				var s map[string]int
				lastJSON(t, out, &s)
				if s["unchanged"] != 3 || s["added"] != 0 {
					t.Errorf("summary = %v, want 3 unchanged", s)
				}
			}},
		{name: "ingest a missing path", args: []string{"ingest", filepath.Join(mixed, "nope.md")}, code: 1, stderr: []string{"nope.md"}},
		{name: "search json", args: []string{"search", "--json", "Innovationskultur"}, code: 0,
			checkOut: func(t *testing.T, out string) {
				var r struct {
					Total  int
					Hits   []map[string]any
					Facets map[string][]map[string]any
				}
				lastJSON(t, out, &r)
				if r.Total != 1 || r.Hits[0]["id"] != "good-webinar" || !strings.Contains(r.Hits[0]["snippet"].(string), "<mark>") {
					t.Errorf("result = %+v", r)
				}
				for _, f := range []string{"type", "topics", "year", "language"} {
					if len(r.Facets[f]) == 0 {
						t.Errorf("facet %s empty", f)
					}
				}
			}},
		{name: "search browse with filter", args: []string{"search", "--json", "--lang", "en"}, code: 0,
			checkOut: wantTotal(1)},
		{name: "search text", args: []string{"search", "--limit", "1", "Vertrauen"}, code: 0, stdout: []string{"1 result\n", "Notizen zur Peer-Beratung", "«Vertrauen»"},
			checkOut: func(t *testing.T, out string) {
				if strings.Contains(out, "1 results") {
					t.Errorf("stdout says %q, want the singular", "1 results")
				}
			}},
		{name: "search type German alias", args: []string{"search", "--json", "--type", "Fall"}, code: 0,
			checkOut: wantTotal(1)}, // the one case
		{name: "search type unknown", args: []string{"search", "--type", "wbinar", "x"}, code: 2, stderr: []string{`--type "wbinar" is not a document type`}},
		{name: "search syntax error names the query", args: []string{"search", `Kultur "Innovation`}, code: 2, stderr: []string{"the query: syntax error", "missing closing quote"}},
		{name: "search bad limit", args: []string{"search", "--limit", "0", "x"}, code: 2},
		{name: "get", args: []string{"get", "sub/good-case"}, code: 0, stdout: []string{`"id":"sub/good-case"`, `"challenge":`, `"hash":`}},
		{name: "get pretty", args: []string{"get", "--pretty", "sub/good-case"}, code: 0, stdout: []string{"{\n  \"id\": \"sub/good-case\""}},
		{name: "get missing", args: []string{"get", "nope"}, code: 1, stderr: []string{`no document with id "nope"`}},
		{name: "stats", args: []string{"stats", "--json"}, code: 0,
			checkOut: func(t *testing.T, out string) {
				var s struct {
					Documents  int
					ByType     map[string]int `json:"by_type"`
					ByLanguage map[string]int `json:"by_language"`
					IndexBytes int64          `json:"index_bytes"`
					StoreBytes int64          `json:"store_bytes"`
				}
				lastJSON(t, out, &s)
				if s.Documents != 3 || s.ByType["case"] != 1 || s.ByLanguage["de"] != 2 || s.IndexBytes == 0 || s.StoreBytes == 0 {
					t.Errorf("stats = %+v", s)
				}
			}},
		{name: "delete", args: []string{"delete", "good-note"}, code: 0, stdout: []string{"deleted good-note"}},
		{name: "delete missing", args: []string{"delete", "good-note"}, code: 1},
		{name: "reindex", args: []string{"reindex"}, code: 0, stdout: []string{"reindexed 2 documents"}},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			out := checkCLI(t, env, st.args, st.code, st.stdout, st.stderr)
			if st.checkOut != nil {
				st.checkOut(t, out)
			}
		})
	}
}

func TestCLIDataFlagAndLock(t *testing.T) {
	dir := t.TempDir()
	f := filepath.Join(t.TempDir(), "note.md")
	os.WriteFile(f, []byte("# Eine Notiz\n\nÜber Co-Creation."), 0o644)
	if _, errOut, code := runCLI(t, nil, "ingest", "--data", dir, f); code != 0 {
		t.Fatalf("ingest: %d %s", code, errOut)
	}
	out, _, _ := runCLI(t, nil, "get", "--data", dir, "note")
	if !strings.Contains(out, "Eine Notiz") {
		t.Errorf("get with --data: %s", out)
	}

	// A second process (here: a second open) on the same directory says so.
	kb, err := openKB(context.Background(), &env{}, dir)
	if err == nil {
		defer kb.Close()
	}
	_, errOut, code := runCLI(t, nil, "stats", "--data", dir)
	if code != 1 || !strings.Contains(errOut, "in use by another fundus process") {
		t.Errorf("locked: code %d, stderr %q", code, errOut)
	}
}

func TestExitCodes(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want int
	}{
		{nil, 0},
		{fmt.Errorf("boom"), 1},
		{&exitError{code: 1}, 1},
		{&usageError{fmt.Errorf("bad flag")}, 2},
	} {
		if got := exitCode(tc.err); got != tc.want {
			t.Errorf("exitCode(%v) = %d, want %d", tc.err, got, tc.want)
		}
	}
}

// wantTotal checks an output whose last JSON line reports want results.
func wantTotal(want int) func(t *testing.T, out string) {
	return func(t *testing.T, out string) {
		t.Helper()
		var r struct{ Total int }
		lastJSON(t, out, &r)
		if r.Total != want {
			t.Errorf("total = %d, want %d", r.Total, want)
		}
	}
}

// syncBuffer is a bytes.Buffer safe for one writer and one reader.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestServeDemo(t *testing.T) {
	data := t.TempDir()
	t.Run("serve", func(t *testing.T) {
		base, stderr := serveInProcess(t, nil, "--demo", "--data", data)
		resp, err := http.Get(base + "/api/search?q=Innovationskultur")
		if err != nil {
			t.Fatal(err)
		}
		var r struct {
			Total  int
			Facets map[string][]struct {
				Value string
				Count int
			}
		}
		json.NewDecoder(resp.Body).Decode(&r)
		resp.Body.Close()
		if resp.StatusCode != 200 || r.Total == 0 || len(r.Facets["type"]) == 0 || r.Facets["type"][0].Count == 0 {
			t.Errorf("demo search: status %d, %+v", resp.StatusCode, r)
		}
		if !strings.Contains(stderr(), "loaded") {
			t.Errorf("no demo load message: %s", stderr())
		}
	})
	// Serve has shut down: the data directory is released, and another
	// command can open it.
	if _, errOut, code := runCLI(t, nil, "stats", "--data", data); code != 0 {
		t.Errorf("stats after serve: %d %s", code, errOut)
	}
}

func TestServeRefusesPublicAddressWithoutToken(t *testing.T) {
	cases := []struct {
		name string
		args []string
	}{
		{"all interfaces without token", []string{"--addr", "0.0.0.0:0"}},
		{"a public host without token", []string{"--addr", ":0"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			serveRefuses(t, nil, tc.args, "without a token")
		})
	}
}

// TestServeNamesABusyPort checks that serve gives up on a port in use
// before it opens the store or loads the demo corpus.
func TestServeNamesABusyPort(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	dir := t.TempDir()
	_, errOut, code := runCLI(t, nil, "serve", "--data", dir, "--demo", "--addr", ln.Addr().String())
	if code != 1 || !strings.Contains(errOut, "listen on "+ln.Addr().String()) {
		t.Errorf("exit %d, stderr %q; want 1 and a message naming the address", code, errOut)
	}
	if strings.Contains(errOut, "demo documents") {
		t.Errorf("stderr %q: the demo was loaded before the port was checked", errOut)
	}
	if _, err := os.Stat(filepath.Join(dir, "store")); !os.IsNotExist(err) {
		t.Errorf("the store was created (stat: %v) before the port was checked", err)
	}
}
