package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"sync"
	"time"

	"github.com/blevesearch/bleve/v2"

	"github.com/fundus-kb/fundus/search"
	"github.com/fundus-kb/fundus/search/querylang"
)

// Search benchmark targets (issue 3).
const (
	targetP99At5kMS    = 15.0 // single-client p99 at SciFact size
	targetRPSAt5k      = 600  // 8 clients at SciFact size
	targetRatioAt100k  = 1.2  // single-client p99 over plain Bleve p99 at 100k
	targetSuggestP95MS = 5.0  // /api/suggest p95
)

// searchConfig is the parsed command line of the search subcommand.
type searchConfig struct {
	fundus string // the fundus binary (absolute)
	sciFactFiles
	docs       int    // size of the synthetic corpus
	seed       uint64 // seed of the synthetic corpus and the suggest prefixes
	clients    int    // concurrent clients
	passes     int    // measured passes over the queries at SciFact size
	passesBig  int    // measured passes at the synthetic size
	skipBig    bool   // skip the synthetic corpus
	inProcess  bool   // also measure Fundus in-process
	work       string // work directory ("" = fresh temp dir)
	profileDir string // where to write CPU profiles ("" = none)
	args       []string
}

// runSearch implements `fundus-bench search`.
func runSearch(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newBenchFlags("search", stderr)
	scifact := fs.sciFact()
	docs := fs.Int("docs", 100000, "documents in the synthetic corpus made from SciFact text")
	seed := fs.Uint64("seed", 1, "seed of the synthetic corpus and the suggest prefixes")
	clients := fs.Int("clients", 8, "concurrent clients in the throughput runs")
	passes := fs.Int("passes", 3, "measured passes over the query set at SciFact size (after one warm-up pass)")
	passesBig := fs.Int("passes-100k", 1, "measured passes over each query set on the synthetic corpus")
	skipBig := fs.Bool("skip-100k", false, "skip the synthetic corpus (a quick run)")
	work := fs.String("work", "", "keep the corpora, data directories and plain indexes here and reuse them in later runs (default: a temporary directory, removed)")
	inProcess := fs.Bool("in-process", false, "also measure Fundus's search in-process (indexer.KB.Search, no HTTP) after the server has stopped")
	profile := fs.String("profile", "", "write CPU profiles of extra in-process passes (plain Bleve, and Fundus: implies --in-process) to this directory")
	if err := fs.parse(args); err != nil {
		return err
	}
	if *docs < 1 || *clients < 1 || *passes < 1 || *passesBig < 1 {
		return usagef("search: --docs, --clients, --passes and --passes-100k must be 1 or more")
	}
	bin, err := fs.binary()
	if err != nil {
		return err
	}
	cfg := searchConfig{fundus: bin, sciFactFiles: sciFactIn(*scifact), docs: *docs, seed: *seed, clients: *clients, passes: *passes, passesBig: *passesBig,
		skipBig: *skipBig, inProcess: *inProcess || *profile != "", args: fs.commandLine(args)}
	for _, p := range []*string{&cfg.corpus, &cfg.queries, &cfg.qrels} {
		if *p, err = corpusPath(*p); err != nil {
			return err
		}
	}
	for _, d := range []struct {
		flag string
		dst  *string
		val  string
	}{{"--work", &cfg.work, *work}, {"--profile", &cfg.profileDir, *profile}} {
		if d.val == "" {
			continue
		}
		abs, err := filepath.Abs(d.val)
		if err != nil {
			return fmt.Errorf("%s %s: %w", d.flag, d.val, err)
		}
		if err := os.MkdirAll(abs, 0o755); err != nil {
			return fmt.Errorf("%s: %w", d.flag, err)
		}
		*d.dst = abs
	}
	return benchSearch(ctx, cfg, stdout, stderr)
}

// querySet is a named list of queries.
type querySet struct {
	name    string // "claims" or "three-word"
	queries []string
}

// corpusResult is everything measured on one corpus.
type corpusResult struct {
	name     string // e.g. "SciFact (5,183 documents)"
	docs     int
	ingest   time.Duration // fundus ingest wall time (0 when reused)
	build    time.Duration // plain Bleve index build (0 when reused)
	serverRS int64         // fundus serve peak RSS (bytes; 0 when unknown)
	sets     []setResult
	suggest  stats
	sugCheck string // what the suggest warm-up saw
	// answers is /api/answers on the claims, 1 client, measured in the
	// same passes as /api/search (SciFact only).
	answers stats
}

// setResult is what one query set measured on one corpus.
type setResult struct {
	set       querySet
	http1     stats // one client
	httpN     stats // cfg.clients clients
	plain3    stats // plain Bleve, three facets (the floor)
	plain8    stats // plain Bleve, all eight facets (for reference)
	inProcess stats // indexer.KB.Search in-process, no HTTP
	check     string
}

// benchSearch runs both corpora and prints the report.
func benchSearch(ctx context.Context, cfg searchConfig, stdout, stderr io.Writer) error {
	start, mach := time.Now(), startMachine()
	raw, err := loadClaims(cfg.queries, cfg.qrels)
	if err != nil {
		return err
	}
	// Claims are natural-language text: they are sent as plain words, the
	// way search.Request.Plain reads such text, since some are not valid in
	// the query language as typed.
	claims := make([]string, len(raw))
	invalid, example := 0, ""
	for i, c := range raw {
		claims[i] = search.PlainText(c)
		if _, err := querylang.Parse(c); err != nil {
			invalid++
			if example == "" {
				example = fmt.Sprintf("%q: %v", c, err)
			}
		}
	}
	queryNote := fmt.Sprintf("as typed, %d of the %d claims would be a syntax error in the query language", invalid, len(raw))
	if example != "" {
		queryNote += " (e.g. " + example + ")"
	}
	three := make([]string, len(claims))
	for i, c := range claims {
		three[i] = firstWords(c, 3)
	}
	sci, err := loadSciFact(cfg.corpus)
	if err != nil {
		return err
	}

	root := cfg.work
	if root == "" {
		if root, err = os.MkdirTemp("", "fundus-bench-search-"); err != nil {
			return fmt.Errorf("create temp dir: %w", err)
		}
		defer os.RemoveAll(root)
	}
	fmt.Fprintf(stdout, "queries: %d SciFact test claims (%s); work dir %s\n", len(claims), cfg.qrels, root)

	small := corpusRun{
		name: fmt.Sprintf("SciFact (%s documents)", thousands(len(sci))), docs: len(sci),
		jsonl: cfg.corpus, dataDir: filepath.Join(root, "fundus-scifact"), plainDir: filepath.Join(root, "plain-scifact"),
		sets: []querySet{{"claims", claims}}, passes: cfg.passes, titles: titlesOf(sci),
	}
	results := []corpusResult{}
	r, err := runCorpus(ctx, cfg, small, stdout, stderr)
	if err != nil {
		return fmt.Errorf("%s: %w", small.name, err)
	}
	results = append(results, r)

	if !cfg.skipBig {
		jsonl := filepath.Join(root, fmt.Sprintf("synthetic-%d-seed%d.jsonl", cfg.docs, cfg.seed))
		if _, err := os.Stat(jsonl); err != nil {
			fmt.Fprintf(stderr, "writing the synthetic corpus of %d documents …\n", cfg.docs)
			if err := writeSynthetic(jsonl, sci, cfg.docs, cfg.seed); err != nil {
				return err
			}
		}
		big := corpusRun{
			name: fmt.Sprintf("synthetic (%s documents)", thousands(cfg.docs)), docs: cfg.docs, synthetic: true,
			jsonl:    jsonl,
			dataDir:  filepath.Join(root, fmt.Sprintf("fundus-synthetic-%d-seed%d", cfg.docs, cfg.seed)),
			plainDir: filepath.Join(root, fmt.Sprintf("plain-synthetic-%d-seed%d", cfg.docs, cfg.seed)),
			sets:     []querySet{{"claims", claims}, {"three-word", three}}, passes: cfg.passesBig, titles: titlesOf(sci),
		}
		runtime.GC()
		debug.FreeOSMemory()
		r, err := runCorpus(ctx, cfg, big, stdout, stderr)
		if err != nil {
			return fmt.Errorf("%s: %w", big.name, err)
		}
		results = append(results, r)
	}
	took := time.Since(start).Round(time.Second)
	fmt.Fprintf(stdout, "total run time %s\n\n", took)
	mach.finish()
	machine := mach.describe(fmt.Sprintf("the %s run", took)) + "; server, client and plain Bleve share these cores"
	return writeSearchSummary(stdout, cfg, len(sci), results, machine, queryNote)
}

// corpusRun is one corpus to measure.
type corpusRun struct {
	name      string
	docs      int
	synthetic bool
	jsonl     string
	dataDir   string // fundus data directory
	plainDir  string // plain Bleve index
	sets      []querySet
	passes    int
	titles    []string
}

// runCorpus ingests the corpus and builds its plain Bleve index, then
// measures Fundus over HTTP with the plain Bleve floor in the same process,
// pass by pass in turn (so both see the same background load), and at the
// end, with the server stopped, Fundus in-process.
func runCorpus(ctx context.Context, cfg searchConfig, c corpusRun, stdout, stderr io.Writer) (corpusResult, error) {
	res := corpusResult{name: c.name, docs: c.docs}
	var err error
	if res.ingest, err = ensureIngested(ctx, cfg.fundus, c.dataDir, c.jsonl, c.docs, stderr); err != nil {
		return res, err
	}
	if res.build, err = ensurePlain(ctx, c.plainDir, c.jsonl, c.docs, stderr); err != nil {
		return res, err
	}
	runtime.GC()
	debug.FreeOSMemory()
	plain, err := bleve.Open(c.plainDir)
	if err != nil {
		return res, fmt.Errorf("open plain index: %w", err)
	}
	closePlain := sync.OnceValue(plain.Close) // bleve panics on a second Close
	defer closePlain()

	fmt.Fprintf(stderr, "%s: starting fundus serve …\n", c.name)
	srv, err := startServer(ctx, cfg.fundus, c.dataDir, "")
	if err != nil {
		return res, err
	}
	defer srv.stop(30 * time.Second)
	client := newClient(cfg.clients)
	for _, set := range c.sets {
		sr := setResult{set: set}
		urls := searchURLs(srv.base, set.queries)
		fmt.Fprintf(stderr, "%s, %s: warm-up passes (HTTP, plain Bleve) …\n", c.name, set.name)
		w, err := warmSearch(ctx, client, urls)
		if err != nil {
			return res, err
		}
		note, err := warmPlain(ctx, plain, set.queries, w.totals)
		if err != nil {
			return res, err
		}
		sr.check = w.String() + "; " + note
		var h1, p3, p8, an sample
		// Answers: the claims as questions to /api/answers, on SciFact,
		// interleaved with the searches so that both see the same machine.
		var aurls []string
		if !c.synthetic && set.name == "claims" {
			aurls = answersURLs(srv.base, set.queries)
			if _, err := httpLoad(ctx, srv, client, aurls, 1, 1); err != nil { // warm-up
				return res, err
			}
		}
		for pass := 1; pass <= c.passes; pass++ {
			fmt.Fprintf(stderr, "%s, %s: pass %d/%d: HTTP 1 client, plain Bleve 3 facets, plain Bleve 8 facets …\n", c.name, set.name, pass, c.passes)
			s, err := httpLoad(ctx, srv, client, urls, 1, 1)
			if err != nil {
				return res, err
			}
			h1.add(s)
			if aurls != nil {
				if s, err = httpLoad(ctx, srv, client, aurls, 1, 1); err != nil {
					return res, err
				}
				an.add(s)
			}
			if s, err = timeQueries(ctx, set.queries, 1, plainSearch(ctx, plain, floorFacets)); err != nil {
				return res, err
			}
			p3.add(s)
			if s, err = timeQueries(ctx, set.queries, 1, plainSearch(ctx, plain, allFacets)); err != nil {
				return res, err
			}
			p8.add(s)
		}
		sr.http1, sr.plain3, sr.plain8 = h1.stats(), p3.stats(), p8.stats()
		if aurls != nil {
			res.answers = an.stats()
			printStats(stdout, c.name, set.name, "Fundus HTTP /api/answers, 1 client", res.answers)
		}
		fmt.Fprintf(stderr, "%s, %s: %d clients, %d pass(es) …\n", c.name, set.name, cfg.clients, c.passes)
		sN, err := httpLoad(ctx, srv, client, urls, cfg.clients, c.passes)
		if err != nil {
			return res, err
		}
		sr.httpN = sN.stats()
		printStats(stdout, c.name, set.name, "Fundus HTTP, 1 client", sr.http1)
		printStats(stdout, c.name, set.name, fmt.Sprintf("Fundus HTTP, %d clients", cfg.clients), sr.httpN)
		printStats(stdout, c.name, set.name, "plain Bleve in-process, 3 facets (floor)", sr.plain3)
		printStats(stdout, c.name, set.name, "plain Bleve in-process, 8 facets", sr.plain8)
		res.sets = append(res.sets, sr)
	}
	prefixes := suggestPrefixes(c.titles, 300, cfg.seed)
	surls := suggestURLs(srv.base, prefixes)
	fmt.Fprintf(stderr, "%s: /api/suggest warm-up and %d pass(es) …\n", c.name, c.passes)
	if res.sugCheck, err = warmSuggest(ctx, client, surls); err != nil {
		return res, err
	}
	sug, err := httpLoad(ctx, srv, client, surls, 1, c.passes)
	if err != nil {
		return res, err
	}
	res.suggest = sug.stats()
	printStats(stdout, c.name, "suggest prefixes", "Fundus HTTP, 1 client", res.suggest)
	client.CloseIdleConnections()
	if _, err := srv.stop(30 * time.Second); err != nil {
		return res, fmt.Errorf("fundus serve: %w\n%s", err, srv.logTail())
	}
	res.serverRS = srv.peakRSS()

	if cfg.profileDir != "" {
		for _, set := range c.sets {
			for _, v := range []struct {
				kind   string
				facets []string
			}{{"plain3", floorFacets}, {"plain8", allFacets}} {
				err := profiled(cfg.profileDir, profileName(v.kind, c, set.name), stderr, func() error {
					_, err := timeQueries(ctx, set.queries, c.passes, plainSearch(ctx, plain, v.facets))
					return err
				})
				if err != nil {
					return res, err
				}
			}
		}
	}
	if err := closePlain(); err != nil {
		return res, fmt.Errorf("close plain index: %w", err)
	}
	if cfg.inProcess {
		runtime.GC()
		if err := runInProcessSets(ctx, cfg, c, res.sets, stdout, stderr); err != nil {
			return res, err
		}
	}
	return res, nil
}
