package main

import (
	"encoding/json"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
)

func TestEvalCommand(t *testing.T) {
	tiny := filepath.Join("..", "..", "testdata", "eval", "tiny")
	file := func(name string) string { return filepath.Join(tiny, name) }
	env := map[string]string{"FUNDUS_DATA": t.TempDir()}
	if _, stderr, code := runCLI(t, env, "ingest", file("corpus")); code != 0 {
		t.Fatalf("ingest: exit %d: %s", code, stderr)
	}
	queries, qrels := file("queries.jsonl"), file("qrels.tsv")

	t.Run("json summary", func(t *testing.T) {
		stdout, stderr, code := runCLI(t, env, "eval", "--json", "--queries", queries, "--qrels", qrels)
		if code != 0 {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		if n := strings.Count(strings.TrimSpace(stdout), "\n"); n != 0 {
			t.Errorf("stdout has %d lines, want the summary only: %q", n+1, stdout)
		}
		var got map[string]float64
		lastJSON(t, stdout, &got)
		// q1, q2 and gamma rank their relevant documents first (gamma's
		// own document is not ranked); q3's compound finds nothing; q5 is
		// unjudged and skipped.
		want := map[string]float64{"queries": 4, "ndcg@10": 0.75, "mrr@10": 0.75, "recall@100": 0.75}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("summary = %v, want %v", got, want)
		}
		if !strings.HasPrefix(stdout, `{"queries":4,"ndcg@10":`) {
			t.Errorf("summary keys out of order: %s", stdout)
		}
	})

	t.Run("k names the keys", func(t *testing.T) {
		stdout, _, code := runCLI(t, env, "eval", "--json", "--k", "3", "--queries", queries, "--qrels", qrels)
		var got map[string]any
		lastJSON(t, stdout, &got)
		keys := slices.Sorted(func(yield func(string) bool) {
			for k := range got {
				if !yield(k) {
					return
				}
			}
		})
		if code != 0 || !reflect.DeepEqual(keys, []string{"mrr@3", "ndcg@3", "queries", "recall@100"}) {
			t.Errorf("exit %d, keys %v", code, keys)
		}
	})

	t.Run("verbose json rows", func(t *testing.T) {
		stdout, _, code := runCLI(t, env, "eval", "--json", "--verbose", "--queries", queries, "--qrels", qrels)
		lines := strings.Split(strings.TrimSpace(stdout), "\n")
		if code != 0 || len(lines) != 5 {
			t.Fatalf("exit %d, %d lines, want 4 rows and the summary: %s", code, len(lines), stdout)
		}
		rows := map[string]map[string]any{}
		for _, l := range lines[:4] {
			var r map[string]any
			if err := json.Unmarshal([]byte(l), &r); err != nil {
				t.Fatalf("row %q: %v", l, err)
			}
			rows[r["id"].(string)] = r
		}
		if r := rows["q3"]; r["ndcg@10"] != 0.0 || r["first_relevant"] != 0.0 || r["kind"] != "compound" {
			t.Errorf("q3 row = %v", r)
		}
		if r := rows["gamma"]; r["ndcg@10"] != 1.0 || r["first_relevant"] != 1.0 {
			t.Errorf("gamma row = %v: the query's own document must be left out", r)
		}
		if r := rows["q1"]; r["relevant"] != 2.0 || r["rr@10"] != 1.0 {
			t.Errorf("q1 row = %v", r)
		}
	})

	t.Run("table", func(t *testing.T) {
		stdout, _, code := runCLI(t, env, "eval", "--verbose", "--queries", queries, "--qrels", qrels)
		for _, want := range []string{
			"4 queries evaluated (skipped: 1 without judgments)",
			"nDCG@10", "MRR@10", "recall@100",
			"[compound] Ökosystemorchestrierung",
		} {
			if !strings.Contains(stdout, want) {
				t.Errorf("output lacks %q:\n%s", want, stdout)
			}
		}
		if code != 0 || !regexpMatch(`(?m)^all\s+4\s+0\.7500\s+0\.7500\s+0\.7500$`, stdout) || !regexpMatch(`(?m)^keyword\s+2\s+1\.0000`, stdout) {
			t.Errorf("exit %d, summary table:\n%s", code, stdout)
		}
	})

	t.Run("judged documents missing from the data", func(t *testing.T) {
		stdout, stderr, code := runCLI(t, env, "eval", "--json", "--queries", queries, "--qrels", file("missing-doc-qrels.tsv"))
		if code != 0 || !strings.Contains(stderr, "1 of 2 judged relevant documents are not in") {
			t.Errorf("exit %d, stderr %q", code, stderr)
		}
		var got map[string]float64
		lastJSON(t, stdout, &got)
		if got["queries"] != 1 || got["recall@100"] != 0.5 {
			t.Errorf("summary = %v", got)
		}
	})

	for _, tt := range []struct {
		name   string
		args   []string
		code   int
		stderr string
	}{
		{"bad qrels line", []string{"--queries", queries, "--qrels", file("bad-qrels.tsv")}, 1, "bad-qrels.tsv:3: score \"sehr\" is not an integer"},
		{"bad queries line", []string{"--queries", file("bad-queries.jsonl"), "--qrels", qrels}, 1, "bad-queries.jsonl:2: query \"q2\" has no \"text\""},
		{"missing file", []string{"--queries", file("nope.jsonl"), "--qrels", qrels}, 1, "nope.jsonl"},
		{"no qrels flag", []string{"--queries", queries}, 2, "--qrels"},
		{"bad k", []string{"--queries", queries, "--qrels", qrels, "--k", "0"}, 2, "--k"},
		{"stray argument", []string{"--queries", queries, "--qrels", qrels, "extra"}, 2, ""},
		{"not json", []string{"--queries", file("bad-qrels.tsv"), "--qrels", qrels}, 1, "bad-qrels.tsv:1: not a JSON object"},
		{"nothing judged", []string{"--queries", queries, "--qrels", file("other-qrels.tsv")}, 1, "1 judged query is not in"},
		{"unknown collection", []string{"--suite", "--collections", "de,nope"}, 2, `unknown collection "nope"`},
		{"ablate without suite", []string{"--ablate", "--queries", queries, "--qrels", qrels}, 2, "need --suite"},
		{"missing tuning file", []string{"--tuning", file("nope.json"), "--queries", queries, "--qrels", qrels}, 2, "--tuning: read tuning"},
		{"bad tuning file", []string{"--tuning", queries, "--queries", queries, "--qrels", qrels}, 2, "queries.jsonl: json: unknown field"},
		{"ablate with tuning", []string{"--suite", "--ablate", "--tuning", file("../../../testdata/eval/tuning/synonym-1.0.json")}, 2, "exclude each other"},
		{"suite without shared data", []string{"--suite", "--collections", "scifact", "--shared", t.TempDir()}, 1, "collection scifact"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, stderr, code := runCLI(t, env, append([]string{"eval"}, tt.args...)...)
			if code != tt.code || !strings.Contains(stderr, tt.stderr) {
				t.Errorf("exit %d, stderr %q; want exit %d and %q", code, stderr, tt.code, tt.stderr)
			}
		})
	}
}

func regexpMatch(re, s string) bool { return regexp.MustCompile(re).MatchString(s) }
