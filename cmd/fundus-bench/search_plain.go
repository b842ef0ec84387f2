package main

import (
	"context"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"runtime/pprof"
	"strings"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/fundus-kb/fundus/indexer"
	"github.com/fundus-kb/fundus/search"
)

// doneMarker marks a data directory or index a finished run built, so a
// later run with --work can reuse it; it holds the mapping version the
// directory was built with.
func doneMarker(dir string) string { return dir + ".done" }

// reusable reports whether an earlier run left dir finished, built with
// this binary's mapping.
func reusable(dir string) bool {
	v, err := os.ReadFile(doneMarker(dir))
	return err == nil && string(v) == search.MappingVersion()
}

// reuseOrClear reports whether dir, what an earlier run built, can be
// reused (and says so on stderr); otherwise it removes dir and its
// marker, for a fresh build.
func reuseOrClear(dir, what string, stderr io.Writer) (bool, error) {
	if reusable(dir) {
		fmt.Fprintf(stderr, "reusing %s %s\n", what, dir)
		return true, nil
	}
	if err := os.RemoveAll(dir); err != nil {
		return false, err
	}
	os.Remove(doneMarker(dir))
	return false, nil
}

func markDone(dir string) error {
	return os.WriteFile(doneMarker(dir), []byte(search.MappingVersion()), 0o644)
}

// ensureIngested runs `fundus ingest --data dir --json jsonl` unless an
// earlier run left a finished data directory, and checks that every
// document was added. It returns the ingest's wall time (0 when reused).
func ensureIngested(ctx context.Context, bin, dir, jsonl string, docs int, stderr io.Writer) (time.Duration, error) {
	if reuse, err := reuseOrClear(dir, "the fundus data directory", stderr); reuse || err != nil {
		return 0, err
	}
	fmt.Fprintf(stderr, "fundus ingest of %s documents into %s …\n", thousands(docs), dir)
	run, _, err := ingestFresh(ctx, bin, dir, jsonl, docs)
	if err != nil {
		return 0, err
	}
	if err := markDone(dir); err != nil {
		return 0, err
	}
	return run.wall, nil
}

// ensurePlain builds the plain Bleve index of the corpus (documents
// prepared as the ingest path prepares them, search.NewMapping,
// search.IndexFields, batches of 500) unless an earlier run left one. It
// returns the indexing time (0 when reused).
func ensurePlain(ctx context.Context, dir, jsonl string, docs int, stderr io.Writer) (time.Duration, error) {
	if reuse, err := reuseOrClear(dir, "the plain Bleve index", stderr); reuse || err != nil {
		return 0, err
	}
	fmt.Fprintf(stderr, "building the plain Bleve index of %s documents in %s …\n", thousands(docs), dir)
	prepared, err := prepareDocs(ctx, jsonl)
	if err != nil {
		return 0, err
	}
	if len(prepared) != docs {
		return 0, fmt.Errorf("plain index: corpus has %d documents, want %d", len(prepared), docs)
	}
	start := time.Now()
	if err := indexBaseline(ctx, dir, prepared, 500, fundusBaseline()); err != nil {
		return 0, err
	}
	took := time.Since(start)
	if err := markDone(dir); err != nil {
		return 0, err
	}
	return took, nil
}

// The three facets of the plain Bleve floor, and all of Fundus's.
var (
	floorFacets = []string{search.FacetType, search.FacetTopics, search.FacetYear}
	allFacets   = search.FacetNames
)

// Field names of Fundus's mapping (search/mapping.go) that the plain
// request uses: the combined text field of each language suffix (what
// plain query words search, and where snippets are cut from), and the
// stored fields a hit shows.
var (
	plainLangs     = []string{"de", "en", "xx"}
	plainHitFields = []string{"title", "type", "date", "topics", "language", "summary_de", "summary_en", "summary_xx"}
)

// plainQuery is the query a plain Bleve application would build over
// Fundus's mapping: a disjunction of one match query with the whole text
// per language's text field. (Fundus's search.compileQuery makes such a
// disjunction per word of the parsed query, and adds a phrase query for
// words with inner punctuation.)
func plainQuery(q string) query.Query {
	var clauses []query.Query
	for _, l := range plainLangs {
		mq := bleve.NewMatchQuery(q)
		mq.SetField("text_" + l)
		clauses = append(clauses, mq)
	}
	return bleve.NewDisjunctionQuery(clauses...)
}

// plainRequest is the floor's request: the query, the given keyword
// facets (100 values each, Fundus's default), HTML highlighting of the
// text fields, the first 10 hits with the stored fields a result list
// shows, Bleve's default sort (score).
func plainRequest(q string, facets []string) *bleve.SearchRequest {
	req := bleve.NewSearchRequestOptions(plainQuery(q), 10, 0, false)
	req.Fields = plainHitFields
	req.Highlight = bleve.NewHighlightWithStyle("html")
	for _, l := range plainLangs {
		req.Highlight.AddField("text_" + l)
	}
	for _, f := range facets {
		req.AddFacet(f, bleve.NewFacetRequest(f, search.DefaultFacetSize))
	}
	return req
}

// timeQueries runs fn for every query, passes times over, sequentially,
// and measures each call.
func timeQueries(ctx context.Context, queries []string, passes int, fn func(q string) error) (sample, error) {
	out := sample{lat: make([]time.Duration, 0, len(queries)*passes)}
	start, cpu0 := time.Now(), selfCPU()
	for range passes {
		for _, q := range queries {
			if err := ctx.Err(); err != nil {
				return out, err
			}
			t0 := time.Now()
			if err := fn(q); err != nil {
				return out, fmt.Errorf("%q: %w", q, err)
			}
			out.lat = append(out.lat, time.Since(t0))
		}
	}
	out.wall = time.Since(start)
	out.cpu = selfCPU() - cpu0
	out.cpuOK = cpu0 > 0
	return out, nil
}

// profiled runs fn under a CPU profile written to dir/name.pprof; without
// a directory it does nothing.
func profiled(dir, name string, stderr io.Writer, fn func() error) error {
	if dir == "" {
		return nil
	}
	path := filepath.Join(dir, name+".pprof")
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("cpu profile: %w", err)
	}
	defer f.Close()
	if err := pprof.StartCPUProfile(f); err != nil {
		return fmt.Errorf("cpu profile: %w", err)
	}
	err = fn()
	pprof.StopCPUProfile()
	fmt.Fprintf(stderr, "wrote %s\n", path)
	return err
}

// profileName names a profile file: kind-corpus-set.
func profileName(kind string, c corpusRun, set string) string {
	corpus := "scifact"
	if c.synthetic {
		corpus = fmt.Sprintf("synthetic%d", c.docs)
	}
	return kind + "-" + corpus + "-" + set
}

// plainSearch returns a function that runs the plain request for a query
// with the given facets.
func plainSearch(ctx context.Context, ix bleve.Index, facets []string) func(q string) error {
	return func(q string) error {
		_, err := ix.SearchInContext(ctx, plainRequest(q, facets))
		return err
	}
}

// warmPlain runs the floor's request for every query once, as its warm-up
// pass, and checks that plain Bleve finds as many documents per query as
// Fundus did over HTTP (the same query shape); want holds Fundus's totals
// (math.MaxUint64 where the request failed).
func warmPlain(ctx context.Context, ix bleve.Index, queries []string, want []uint64) (string, error) {
	same, fewer, more, failed := 0, 0, 0, 0
	var plainSum, fundusSum uint64
	for j, q := range queries {
		res, err := ix.SearchInContext(ctx, plainRequest(q, floorFacets))
		if err != nil {
			return "", fmt.Errorf("plain search %q: %w", q, err)
		}
		switch {
		case want[j] == math.MaxUint64:
			failed++
			continue
		case res.Total == want[j]:
			same++
		case res.Total < want[j]:
			more++
		default:
			fewer++
		}
		plainSum += res.Total
		fundusSum += want[j]
	}
	note := fmt.Sprintf("plain Bleve finds the same number of documents as Fundus for %d of %d queries", same, len(queries)-failed)
	if fewer+more > 0 {
		note += fmt.Sprintf(" (Fundus finds fewer for %d, more for %d: %s against %s matches in all)",
			fewer, more, thousands(int(fundusSum)), thousands(int(plainSum)))
	}
	if failed > 0 {
		note += fmt.Sprintf(" (%d failed over HTTP)", failed)
	}
	return note, nil
}

// runInProcessSets measures Fundus's own search in-process, without HTTP:
// indexer.KB.Search (search.Index.Search) on the data directory the server
// used, with the request /api/search makes by default. With a profile
// directory, one more pass runs under the CPU profiler.
func runInProcessSets(ctx context.Context, cfg searchConfig, c corpusRun, sets []setResult, stdout, stderr io.Writer) error {
	kb, err := indexer.Open(ctx, indexer.Config{DataDir: c.dataDir})
	if err != nil {
		return fmt.Errorf("open the fundus data directory in-process: %w", err)
	}
	defer kb.Close()
	for i := range sets {
		sr := &sets[i]
		qs := sr.set.queries
		do := func(q string) error {
			_, err := kb.Search(ctx, search.Request{Query: strings.TrimSpace(q)})
			return err
		}
		fmt.Fprintf(stderr, "%s, %s: Fundus in-process warm-up and %d pass(es) …\n", c.name, sr.set.name, c.passes)
		if _, err := timeQueries(ctx, qs, 1, do); err != nil {
			return fmt.Errorf("in-process search: %w", err)
		}
		s, err := timeQueries(ctx, qs, c.passes, do)
		if err != nil {
			return fmt.Errorf("in-process search: %w", err)
		}
		sr.inProcess = s.stats()
		printStats(stdout, c.name, sr.set.name, "Fundus in-process (KB.Search, no HTTP)", sr.inProcess)
		err = profiled(cfg.profileDir, profileName("fundus", c, sr.set.name), stderr, func() error {
			_, err := timeQueries(ctx, qs, c.passes, do)
			return err
		})
		if err != nil {
			return fmt.Errorf("in-process search: %w", err)
		}
	}
	return nil
}
