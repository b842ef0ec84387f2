package main

import (
	"bufio"
	"fmt"
	"io"
	"runtime"
	"strings"
)

// writeSearchSummary prints the Markdown block for BENCHMARKS.md.
func writeSearchSummary(w io.Writer, cfg searchConfig, nsci int, results []corpusResult, machine, queryNote string) error {
	bw := bufio.NewWriter(w)
	p := func(format string, a ...any) { fmt.Fprintf(bw, format, a...) }

	sizes := make([]string, len(results))
	for i, r := range results {
		sizes[i] = thousands(r.docs)
	}
	p("## Search: SciFact claims over HTTP (%s documents)\n\n", strings.Join(sizes, " and "))
	writeHeader(bw, cfg.args, cfg.fundus, machine)
	p("- Queries: the %d SciFact test claims (`queries.jsonl` filtered to the ids in `qrels/test.tsv`), each sent whole as `q` after "+
		"`search.PlainText` (what `search.Request.Plain` does with natural-language text: quotes, parentheses, `+`/`-` prefixes and "+
		"`field:` read as plain words; %s); on the large corpus also **three-word** queries, the first three words of each such "+
		"claim. Every row runs the same query strings\n", len(firstSet(results).queries), queryNote)
	p("- Fundus over HTTP: `fundus ingest --data DIR --json CORPUS`, then `fundus serve --data DIR --addr 127.0.0.1:PORT` as a child "+
		"(started once per corpus; ready when `/readyz` answers 200; stopped with SIGTERM), and `GET /api/search?q=…` with the defaults: "+
		"10 hits, highlighted snippets, all eight facets with up to 100 values each. Client: Go net/http in this process, keep-alive, "+
		"MaxIdleConnsPerHost %d; latency from sending the request to the last byte of the body. One warm-up pass over the queries, "+
		"then the measured passes: 1 client in order, each pass followed by the same pass of plain Bleve (3 facets, then 8) so that "+
		"Fundus and its floor see the same background load; then %d clients pulling from one shared queue (so each query runs as "+
		"often as with 1 client). req/s = requests / wall time of the passes\n", max(8, 2*cfg.clients), cfg.clients)
	p("- `/api/suggest`: 300 prefixes of 2–6 letters of words in SciFact titles (lowercased, chosen with seed %d), 1 client, after a warm-up pass\n", cfg.seed)
	p("- Plain Bleve (the floor): in this process (the server idle meanwhile), sequentially, on a scorch index built with `search.NewMapping()` from the same " +
		"documents (parse + `indexer.Prepare` + `search.IndexFields`, batches of 500). Request built here as a plain Bleve application " +
		"would: a disjunction of one match query with the whole text per language's combined text field (`text_de`, `text_en`, " +
		"`text_xx`, the fields Fundus searches plain words in; Fundus compiles the parsed query instead: per word a disjunction over " +
		"the same three fields, plus a phrase query for words with inner punctuation); three keyword facets `type`, `topics`, `year` " +
		"(100 values each); HTML highlighting of the `text_*` fields (as Fundus); size 10 with the stored fields " +
		"a hit shows; Bleve's default score sort. One warm-up pass, which also checks that plain Bleve finds as many documents as Fundus " +
		"for each query. For reference also with all eight facets, as Fundus counts them\n")
	p("- CPU/request: for HTTP rows the CPU time (user + system) the `fundus serve` process used during the run (from `/proc/PID/stat`), " +
		"for plain Bleve rows this process's own, divided by the requests; it is less disturbed by other load than wall time\n")
	if cfg.inProcess {
		p("- Fundus in-process (`--in-process`): `indexer.KB.Search` (that is `search.Index.Search`) with the request `/api/search` makes, on the server's " +
			"data directory, after the server has stopped, no HTTP (measured later than the other rows, so under other background load): " +
			"an estimate of what the HTTP layer and JSON add\n")
	}
	p("- Result caches: **none** — Fundus caches no search results: every request runs its Bleve searches and counts its facets over " +
		"its own hits. What Fundus keeps is derived from the index, not from queries: per index segment, each document's facet values as " +
		"ordinals (built once per segment from its postings; searches count hits with them instead of Bleve's per-hit doc-value visits), " +
		"and the list of topic, organisation and people values that suggestions draw from, rebuilt when the index changes. The floor caches nothing either\n")
	for _, r := range results {
		if r.docs != nsci {
			p("- Large corpus (`fundus-bench search` writes it as JSON Lines): %s\n", syntheticDescription(r.docs, nsci))
		}
	}
	for _, r := range results {
		setup := []string{}
		if r.ingest > 0 {
			setup = append(setup, fmt.Sprintf("fundus ingest %.1f s", r.ingest.Seconds()))
		}
		if r.build > 0 {
			setup = append(setup, fmt.Sprintf("plain Bleve index %.1f s", r.build.Seconds()))
		}
		setup = append(setup, "fundus serve peak RSS "+mb(r.serverRS))
		p("- %s: %s\n", r.name, strings.Join(setup, "; "))
		for _, s := range r.sets {
			p("  - %s: %s\n", s.set.name, s.check)
		}
		p("  - suggest: %s\n", r.sugCheck)
	}
	p("\n| Corpus | Queries | Setup | Requests | p50 (ms) | p95 (ms) | p99 (ms) | req/s | CPU/request (ms) | Errors |\n")
	p("|---|---|---|--:|--:|--:|--:|--:|--:|--:|\n")
	row := func(corpus, set, setup string, s stats) {
		if s.n == 0 && s.errors == 0 {
			return // not measured
		}
		p("| %s | %s | %s | %d | %.1f | %.1f | %.1f | %.0f | %s | %d |\n", corpus, set, setup, s.n, ms(s.p50), ms(s.p95), ms(s.p99), s.rps, cpuMS(s), s.errors)
	}
	for _, r := range results {
		corpus := thousands(r.docs)
		for _, s := range r.sets {
			row(corpus, s.set.name, "**Fundus HTTP, 1 client**", s.http1)
			row(corpus, s.set.name, fmt.Sprintf("Fundus HTTP, %d clients", cfg.clients), s.httpN)
			row(corpus, s.set.name, "Fundus in-process, no HTTP", s.inProcess)
			row(corpus, s.set.name, "**plain Bleve, 3 facets (floor)**", s.plain3)
			row(corpus, s.set.name, "plain Bleve, 8 facets", s.plain8)
		}
		row(corpus, "suggest prefixes", "Fundus HTTP `/api/suggest`, 1 client", r.suggest)
		row(corpus, "claims", "Fundus HTTP `/api/answers` (n=3), 1 client", r.answers)
	}
	p("\n")
	if a, s := results[0].answers, results[0].sets[0].http1; a.n > 0 && s.p95 > 0 {
		ratio := float64(a.p95) / float64(s.p95)
		p("- `/api/answers` p95 at %s documents: **%.1f ms**, %.2f× the `/api/search` p95 of the same claims in the same passes — target ≤ 2×: **%s**\n",
			thousands(results[0].docs), ms(a.p95), ratio, verdict(a.errors == 0 && ratio <= 2))
	}

	small := results[0]
	s1 := small.sets[0]
	p("- Single-client p99 at %s documents: **%.1f ms** — target ≤ %.0f ms: **%s**\n", thousands(small.docs), ms(s1.http1.p99), targetP99At5kMS,
		verdict(s1.http1.errors == 0 && ms(s1.http1.p99) <= targetP99At5kMS))
	p("- %d clients at %s documents: **%.0f req/s** — target ≥ %d req/s: **%s**", cfg.clients, thousands(small.docs), s1.httpN.rps, targetRPSAt5k,
		verdict(s1.httpN.errors == 0 && s1.httpN.rps >= targetRPSAt5k))
	if c := s1.httpN.cpuPerReq; c > 0 {
		p(" (the server used %.1f ms of CPU per request, so %d otherwise idle cores would serve at most about %.0f req/s)",
			ms(c), runtime.NumCPU(), float64(runtime.NumCPU())*1000/ms(c))
	}
	p("\n")
	if len(results) > 1 {
		big := results[1]
		for _, s := range big.sets {
			ratio := ms(s.http1.p99) / ms(s.plain3.p99)
			p("- %s documents, %s: Fundus HTTP p99 %.1f ms against plain Bleve p99 %.1f ms = **%.2f×** — target ≤ %.1f×: **%s** "+
				"(plain Bleve with all eight facets p99 %.1f ms; CPU per request Fundus %s ms, plain Bleve %s ms)\n",
				thousands(big.docs), s.set.name, ms(s.http1.p99), ms(s.plain3.p99), ratio, targetRatioAt100k,
				verdict(s.http1.errors == 0 && ratio <= targetRatioAt100k), ms(s.plain8.p99), cpuMS(s.http1), cpuMS(s.plain3))
		}
	} else {
		p("- Large corpus: not measured (`--skip-100k`)\n")
	}
	for _, r := range results {
		p("- `/api/suggest` p95 at %s documents: **%.1f ms** — target ≤ %.0f ms: **%s**\n", thousands(r.docs), ms(r.suggest.p95), targetSuggestP95MS,
			verdict(r.suggest.errors == 0 && ms(r.suggest.p95) <= targetSuggestP95MS))
	}
	p("- The issue's reference for plain Bleve with three facets and highlighting on this kind of machine: p99 7.5 ms at 5k (claims); " +
		"58 ms (three-word) and 128 ms (claims) at 100k. Compare with the floor rows above, measured in the same run.\n")
	return bw.Flush()
}

// firstSet returns the first query set measured.
func firstSet(results []corpusResult) querySet {
	if len(results) == 0 || len(results[0].sets) == 0 {
		return querySet{}
	}
	return results[0].sets[0].set
}
