package main

// `fundus-bench load`: a mixed search/write load against `fundus serve` on
// loopback, followed by a check that no acknowledged write was lost
// (issue 6, item 10).

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/fundus-kb/fundus/indexer/parse"
)

// Bounds of the load benchmark: it never runs longer or sends more than
// this, whatever the flags say.
const (
	loadMaxDuration = 30 * time.Minute
	loadMaxClients  = 256
	loadMaxRequests = 5_000_000
)

// loadConfig is the parsed command line of the load subcommand.
type loadConfig struct {
	fundus       string // the fundus binary (absolute)
	corpus       string // absolute corpus path; "" = the built-in demo
	missing      string // the corpus asked for, when it was absent
	queries      string // SciFact queries.jsonl ("" = none)
	qrels        string // SciFact qrels/test.tsv ("" = none)
	duration     time.Duration
	clients      int
	writeShare   float64
	maxRequests  int
	searchSample int
	seed         uint64
	keep         bool
	args         []string
}

// runLoad implements `fundus-bench load`.
func runLoad(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newBenchFlags("load", stderr)
	corpus := fs.String("corpus", "../shared/eval/scifact/corpus.jsonl", "corpus to ingest before the load; when it is absent, the built-in demo corpus (serve --demo) is used")
	queries := fs.String("queries", "", "queries.jsonl whose test claims are searched (default: next to the corpus)")
	qrels := fs.String("qrels", "", "qrels file naming the test queries (default: qrels/test.tsv next to the corpus)")
	duration := fs.Duration("duration", 60*time.Second, "how long the load runs")
	clients := fs.intBetween("clients", 16, 1, loadMaxClients, "concurrent clients")
	writeShare := fs.Float64("write-share", 0.10, "share of requests that are document writes")
	maxRequests := fs.intBetween("max-requests", 1_000_000, 1, loadMaxRequests, "stop the load after this many requests even before --duration")
	sample := fs.Int("search-sample", 500, "acknowledged writes checked by a search for their unique word (all are checked by GET)")
	seed := fs.Uint64("seed", 1, "seed of the request mix")
	keep := fs.Bool("keep", false, "keep the data directory and the server log (printed at the end)")
	if err := fs.parse(args); err != nil {
		return err
	}
	switch {
	case *duration <= 0 || *duration > loadMaxDuration:
		return usagef("load: --duration must be above 0 and at most %s", loadMaxDuration)
	case *writeShare < 0 || *writeShare > 1:
		return usagef("load: --write-share must be between 0 and 1")
	case *sample < 0:
		return usagef("load: --search-sample must not be negative")
	}
	bin, err := fs.binary()
	if err != nil {
		return err
	}
	cfg := loadConfig{fundus: bin, duration: *duration, clients: *clients, writeShare: *writeShare,
		maxRequests: *maxRequests, searchSample: *sample, seed: *seed, keep: *keep, args: fs.commandLine(args)}
	if abs, err := corpusPath(*corpus); err == nil {
		cfg.corpus = abs
		next := sciFactIn(filepath.Dir(abs))
		cfg.queries = cmp.Or(*queries, next.queries)
		cfg.qrels = cmp.Or(*qrels, next.qrels)
	} else {
		cfg.missing = *corpus
		fmt.Fprintf(stderr, "load: %v; using the built-in demo corpus (fundus serve --demo)\n", err)
	}
	return benchLoad(ctx, cfg, stdout, stderr)
}

// benchLoad sets up the data directory and the server, runs the load,
// checks the writes, stops the server, checks the data directory and
// prints the report. It fails when any request failed or any write was
// lost.
func benchLoad(ctx context.Context, cfg loadConfig, stdout, stderr io.Writer) error {
	rep := loadReport{cfg: cfg, stored: -1, indexed: -1, machine: startMachine()}
	root, done, err := tempRoot("load", cfg.keep, "the data directory and server log", stderr)
	if err != nil {
		return err
	}
	defer done()
	dir := filepath.Join(root, "data")

	var recs []parse.Record
	if cfg.corpus != "" {
		if recs, err = readRecords(ctx, cfg.corpus); err != nil {
			return err
		}
		claims, dropped, err := loadClaimsFrom(cfg.queries, cfg.qrels)
		if err != nil {
			fmt.Fprintf(stderr, "load: no test queries (%v); searching random vocabulary only\n", err)
		}
		if rep.work, err = newLoadWorkload(recs, claims, dropped, "en"); err != nil {
			return err
		}
		fmt.Fprintf(stderr, "load: fundus ingest %s …\n", cfg.corpus)
		run, _, err := ingestFresh(ctx, cfg.fundus, dir, cfg.corpus, len(recs))
		if err != nil {
			return fmt.Errorf("load: %w", err)
		}
		rep.ingest = run.wall
		rep.source = fmt.Sprintf("`%s` (%s documents), ingested with `fundus ingest` in %.1f s", cfg.corpus, thousands(len(recs)), run.wall.Seconds())
	} else {
		if recs, err = demoRecords(ctx); err != nil {
			return fmt.Errorf("read the demo corpus: %w", err)
		}
		if rep.work, err = newLoadWorkload(recs, nil, 0, "de"); err != nil {
			return err
		}
	}

	fmt.Fprintf(stderr, "load: starting fundus serve …\n")
	// No rate limits and no bound on concurrent searches: the clients are
	// the bound.
	serveArgs := []string{"--search-rate", "0", "--write-rate", "0", "--max-searches", "0"}
	if cfg.corpus == "" {
		serveArgs = append(serveArgs, "--demo")
	}
	srv, err := startServer(ctx, cfg.fundus, dir, filepath.Join(root, "serve.log"), serveArgs...)
	if err != nil {
		return err
	}
	defer srv.stop(30 * time.Second)
	if rep.docs, err = loadDocCount(ctx, srv.base); err != nil {
		return err
	}
	if cfg.corpus == "" {
		rep.source = fmt.Sprintf("the built-in demo corpus (%d documents, loaded by `fundus serve --demo`), because the corpus %s does not exist", rep.docs, cfg.missing)
	}
	fmt.Fprintf(stdout, "corpus: %s\n", rep.source)
	fmt.Fprintf(stdout, "server %s: %d documents; load: %d clients for %s, %.0f%% writes, seed %d\n",
		srv.base, rep.docs, cfg.clients, cfg.duration, 100*cfg.writeShare, cfg.seed)

	rep.res = runLoadPhase(ctx, cfg, rep.work, srv.base)
	if err := ctx.Err(); err != nil {
		return err
	}
	rep.machine.finish()
	fmt.Fprintf(stderr, "load: checking %d acknowledged writes …\n", len(rep.res.acked))
	rep.verify, rep.verifyFailed = verifyWrites(ctx, srv.base, rep.res.acked, cfg.searchSample, cfg.seed)
	if err := ctx.Err(); err != nil {
		return err
	}

	fmt.Fprintf(stderr, "load: stopping the server (SIGTERM) …\n")
	rep.stopTook, rep.stopErr = srv.stop(30 * time.Second)
	rep.serverRSS = srv.peakRSS()
	if rep.stopErr != nil {
		rep.stopErr = fmt.Errorf("%w\n%s", rep.stopErr, srv.logTail())
	}

	if st, err := fundusStats(ctx, cfg.fundus, dir); err == nil {
		rep.stored, rep.indexed = st.Documents, int(st.Indexed)
	}
	fmt.Fprintf(stderr, "load: fundus check …\n")
	out, err := exec.CommandContext(ctx, cfg.fundus, "check", "--data", dir).CombinedOutput()
	rep.checkOut, rep.checkErr = strings.TrimSpace(string(out)), err
	if err := ctx.Err(); err != nil {
		return err
	}

	if err := writeLoadReport(stdout, rep); err != nil {
		return err
	}
	var problems []string
	if n := rep.res.total.errors; n > 0 {
		problems = append(problems, fmt.Sprintf("%d request errors", n))
	}
	if n := rep.verify.lost(); n > 0 {
		problems = append(problems, fmt.Sprintf("%d documents lost", n))
	}
	if rep.verifyFailed != nil {
		problems = append(problems, fmt.Sprintf("the check of the writes failed: %v", rep.verifyFailed))
	}
	if rep.stopErr != nil {
		problems = append(problems, fmt.Sprintf("fundus serve after SIGTERM: %v", rep.stopErr))
	}
	if rep.checkErr != nil {
		problems = append(problems, fmt.Sprintf("fundus check: %v", rep.checkErr))
	}
	if len(problems) > 0 {
		return errors.New("load: " + strings.Join(problems, "; "))
	}
	return nil
}
