// Command fundus-bench benchmarks Fundus against plain Bleve measured in
// the same run: ingest (make bench-ingest), search (make bench-search), a
// mixed load (make bench-load), abusive searches beside a normal client
// (make bench-abuse), and three cluster nodes against one node (make
// bench-cluster).
//
// Usage:
//
//	fundus-bench ingest --fundus PATH --corpus PATH [--rounds 3] [--batch 500]
//	fundus-bench search --fundus PATH --scifact DIR [--skip-100k]
//	fundus-bench load --fundus PATH [--duration 60s] [--clients 16]
//	fundus-bench abuse --fundus PATH [--scifact DIR] [--duration 30s] [--abusers 40]
//	fundus-bench cluster --fundus PATH [--scifact DIR] [--writes 1000] [--clients 8]
//
// For ingest, each round runs `fundus ingest --data TMP --json CORPUS` as a child
// process (wall time and peak RSS), then two baselines: this program
// re-executed as `fundus-bench baseline-child`, which parses and prepares
// the corpus exactly as the ingest path does (indexer.Prepare) and then,
// timed, creates a scorch index, indexes every document in batches and
// closes the index. The first baseline uses Fundus's mapping
// (search.NewMapping, search.IndexFields; --mapping fundus), the second a
// plain Bleve application's (plainMapping: title, body and four keyword
// facets; --mapping plain). Rounds alternate Fundus and the baselines; the
// medians are compared, with the index sizes on disk, and a Markdown
// summary for BENCHMARKS.md is printed at the end.
//
// A baseline's time is its indexing time alone (parsing excluded), while
// Fundus's time is the whole child's wall time: the ratios charge Fundus
// with its process start, parsing, Badger journal and bookkeeping.
//
// # Shared parts
//
// search, load, abuse and cluster run `fundus serve` as a child through one
// lifecycle (server.go: a free loopback port, ready when /readyz answers
// 200, stopped with SIGTERM). Latencies are summarised in one way
// (stats.go: nearest-rank percentiles). Every Markdown summary opens with
// the same lines (markdown.go), among them the machine it ran on: CPUs,
// CPU model and memory, and the load average before and after the run,
// read from /proc (machine.go).
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "fundus-bench:", err)
		os.Exit(exitCode(err))
	}
}
