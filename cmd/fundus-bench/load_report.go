package main

// The results and the Markdown summary of the load benchmark.

import (
	"bufio"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"
)

// loadReport is everything the summary reports.
type loadReport struct {
	cfg          loadConfig
	source       string // what was ingested
	docs         uint64 // documents before the load
	ingest       time.Duration
	work         *loadWorkload
	res          loadResult
	verify       loadVerify
	stopTook     time.Duration
	stopErr      error
	serverRSS    int64
	stored       int // documents in the store after the run (-1 unknown)
	indexed      int
	checkErr     error
	checkOut     string
	machine      *machine // load average before the run, and at the end of the load
	verifyFailed error
}

// writeLoadReport prints the results and the Markdown block for
// BENCHMARKS.md.
func writeLoadReport(w io.Writer, rep loadReport) error {
	bw := bufio.NewWriter(w)
	p := func(format string, a ...any) { fmt.Fprintf(bw, format, a...) }
	res, v := rep.res, rep.verify
	row := func(name string, s loadStats) {
		p("%-7s %7d requests  %7.1f req/s  p50 %6.1f ms  p95 %6.1f ms  p99 %6.1f ms  errors %d\n",
			name, s.requests, s.rps, ms(s.p50), ms(s.p95), ms(s.p99), s.errors)
	}
	p("\nran %.1f s over %d connections", res.wall.Seconds(), res.conns)
	if res.capped {
		p(" (stopped by --max-requests %d)", rep.cfg.maxRequests)
	}
	p("\n")
	row("all", res.total)
	row("search", res.kinds[loadSearch])
	row("write", res.kinds[loadWrite])
	errKeys := slices.Sorted(func(yield func(string) bool) {
		for k := range res.errors {
			if !yield(k) {
				return
			}
		}
	})
	for _, k := range errKeys {
		p("  %d × %s, first: %s\n", res.errors[k], k, res.first[k])
	}
	p("errors: %d\n", res.total.errors)
	p("documents lost: %d (%d acknowledged writes: %d not returned by GET /api/documents/{id}; %d of %d sampled not found by a search for their unique word",
		v.lost(), v.acked, len(v.getLost), len(v.searchLost), v.searched)
	if v.searchRetry > 0 {
		p(", %d found only on a second try", v.searchRetry)
	}
	if v.ambiguous > 0 {
		p(", %d unique words matched more than one document", v.ambiguous)
	}
	p(")\n")
	for _, l := range []struct {
		name string
		ids  []string
	}{{"not returned by GET", v.getLost}, {"not found by search", v.searchLost}} {
		if len(l.ids) > 0 {
			p("  %s: %s\n", l.name, strings.Join(l.ids[:min(20, len(l.ids))], ", "))
		}
	}
	if rep.verifyFailed != nil {
		p("check of the writes failed: %v\n", rep.verifyFailed)
	}
	stopNote := fmt.Sprintf("exited 0 after %.0f ms", ms(rep.stopTook))
	if rep.stopErr != nil {
		stopNote = fmt.Sprintf("%v (after %.0f ms)", rep.stopErr, ms(rep.stopTook))
	}
	p("fundus serve after SIGTERM: %s; peak RSS %s\n", stopNote, mb(rep.serverRSS))
	storeNote := "store/index counts unknown (fundus stats failed)"
	if rep.stored >= 0 {
		storeNote = fmt.Sprintf("%d documents in the store, %d in the index (%d before the load + %d acknowledged writes = %d)",
			rep.stored, rep.indexed, rep.docs, v.acked, int(rep.docs)+v.acked)
	}
	p("after the run: %s\n", storeNote)
	checkNote := "exit 0"
	if rep.checkErr != nil {
		checkNote = rep.checkErr.Error()
	}
	p("fundus check: %s\n%s\n\n", checkNote, rep.checkOut)

	// The Markdown block.
	cfg, wk := rep.cfg, rep.work
	searchMix := "1–3 random words from the corpus vocabulary"
	if len(wk.claims) > 0 {
		searchMix = fmt.Sprintf("half SciFact test claims (%d, as plain words", len(wk.claims))
		if wk.dropped > 0 {
			searchMix += fmt.Sprintf("; %d left out that the query language rejects", wk.dropped)
		}
		searchMix += "), half 1–3 random words from the corpus vocabulary"
	}
	p("## Load: %d clients, %g s, %.0f%% searches / %.0f%% writes\n\n", cfg.clients, cfg.duration.Seconds(), 100*(1-cfg.writeShare), 100*cfg.writeShare)
	writeHeader(bw, cfg.args, cfg.fundus, rep.machine.describe("the load"))
	p("- Data: a fresh data directory with %s\n", rep.source)
	p("- Server: `fundus serve --data DIR --addr 127.0.0.1:PORT --search-rate 0 --write-rate 0 --max-searches 0` (other limits at their defaults); " +
		"the load generator runs on the same machine and competes for the same cores\n")
	p("- Clients: %d goroutines sharing one keep-alive Go net/http client (%d connections opened in all), each sending its next request as soon as "+
		"its last one is answered; a request is a write with probability %.2f\n", cfg.clients, res.conns, cfg.writeShare)
	p("- Searches: `GET /api/search`, %s; every answer carries its facet counts, and one search in four also filters by a facet value (language, type, topic or year)\n", searchMix)
	p("- Writes: `POST /api/documents`, one new JSON document each (id `load/<client>-<n>`, 30–80 words of corpus vocabulary plus one word unique to it, type, date, language, topics)\n")
	p("- Errors: every transport error and every non-2xx answer; latencies are of successful requests, from sending to the last byte of the answer\n\n")
	p("| Kind | Requests | req/s | p50 (ms) | p95 (ms) | p99 (ms) | Errors |\n")
	p("|---|--:|--:|--:|--:|--:|--:|\n")
	for _, r := range []struct {
		name string
		s    loadStats
	}{{"search", res.kinds[loadSearch]}, {"write", res.kinds[loadWrite]}, {"**all**", res.total}} {
		p("| %s | %d | %.1f | %.1f | %.1f | %.1f | %d |\n", r.name, r.s.requests, r.s.rps, ms(r.s.p50), ms(r.s.p95), ms(r.s.p99), r.s.errors)
	}
	p("\n")
	p("- Errors: **%d** — target 0: **%s**\n", res.total.errors, verdict(res.total.errors == 0))
	p("- Documents lost: **%d** — target 0: **%s**. After the load, each of the %d acknowledged (2xx) writes was fetched with `GET /api/documents/{id}`, "+
		"and %d of them (a seeded random sample) were searched for by their unique word\n", v.lost(), verdict(v.lost() == 0 && rep.verifyFailed == nil), v.acked, v.searched)
	p("- Then: SIGTERM — the server %s; `fundus check --data DIR`: %s", stopNote, checkNote)
	if rep.stored >= 0 {
		p("; %d documents in the store and %d in the index (%d before the load + %d acknowledged writes)", rep.stored, rep.indexed, rep.docs, v.acked)
	}
	p("\n")
	return bw.Flush()
}
