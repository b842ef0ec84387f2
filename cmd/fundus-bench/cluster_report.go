package main

// The Markdown summary of the cluster benchmark.

import (
	"bufio"
	"fmt"
	"io"
	"slices"
	"strings"
)

// writeClusterReport prints the Markdown block for BENCHMARKS.md; runs
// are the setups in the order they ran.
func writeClusterReport(w io.Writer, cfg clusterConfig, wl clusterWorkload, runs []clusterRun, m *machine) error {
	bw := bufio.NewWriter(w)
	p := func(format string, a ...any) { fmt.Fprintf(bw, format, a...) }
	p("\n## Cluster: %d nodes on one machine against one node (SciFact)\n\n", cfg.nodes)
	writeHeader(bw, cfg.args, cfg.fundus, m.describe("the run")+"; every node, and the clients, share these cores")
	p("- Nodes: `fundus serve --data DIR --addr 127.0.0.1:PORT --search-rate 0 --write-rate 0 --max-searches 0` as children of the benchmark; "+
		"each cluster node adds `--node nI --cluster-listen 127.0.0.1:PORT --cluster-peers` the other nodes' routes (embedded NATS JetStream, replicas %d, loopback); "+
		"the single node runs without cluster flags (no journal). %d round(s), each running both setups one after the other on fresh data directories, the single node first in odd rounds and the cluster first in even ones\n", min(3, cfg.nodes), cfg.rounds)
	p("- Writes: the first %s of the %s SciFact abstracts, each with its own `PUT /api/documents/sf/{_id}` (title, text, language en), from %d clients sharing one queue; "+
		"write i goes to node i mod n; latency from sending to the last byte of the answer (a 2xx: on a cluster node, a quorum holds the entry and the answering node has applied it). "+
		"Then the other %s abstracts in `POST /api/documents` batches of 250 to node 0, untimed in the table\n",
		thousands(cfg.writes), thousands(len(wl.docs)), cfg.clients, thousands(len(wl.docs)-cfg.writes))
	p("- Searches: the %d SciFact test claims as plain words (%d rejected by the query language left out), `GET /api/search?q=…` with the defaults; "+
		"%d clients sharing one queue, request i to node i mod n; one warm-up pass, then %d measured; CPU/request is the CPU time of all nodes during the measured passes over the requests\n",
		len(wl.claims), wl.dropped, cfg.clients, cfg.passes)
	p("- Replication lag (cluster only): %d probes, one after the other, each a `PUT` through the next node in turn; for each of the other %d nodes, "+
		"the time from the acknowledgement until its `Fundus-Applied-Seq` (polled with `GET /healthz` every %s) reaches the value the acknowledgement carried. "+
		"A node applies an entry to its store and its index before its applied sequence moves, so this is the time until the write is searchable there; "+
		"the writing node may have applied later entries too by the time it answers, so a lag is an upper bound. Once with the cluster otherwise idle, once beside %d clients writing other abstracts as fast as they are answered\n\n",
		cfg.probes, cfg.nodes-1, lagPollInterval, cfg.clients)

	p("| Round | Setup | Writes acknowledged | writes/s | ack p50 (ms) | ack p95 (ms) | ack p99 (ms) | Errors | Searches | searches/s | p50 (ms) | p99 (ms) | CPU/search (ms) | Errors |\n")
	p("|--:|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|\n")
	for _, r := range runs {
		wr, s := r.writes, r.search
		p("| %d | %s | %d | %.1f | %.1f | %.1f | %.1f | %d | %d | %.0f | %.1f | %.1f | %s | %d |\n",
			r.round, setupName(r), wr.n, wr.rate, ms(wr.p50), ms(wr.p95), ms(wr.p99), wr.errors,
			s.n+s.errors, s.rps, ms(s.p50), ms(s.p99), cpuMS(s), s.errors)
	}
	p("\n")
	p("| Round | Replication lag | Probes | Lags measured | lag p50 (ms) | lag p99 (ms) | lag max (ms) | probe ack p50 (ms) | probe ack p99 (ms) | Background writes/s | Errors |\n")
	p("|--:|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|\n")
	for _, c := range runs {
		if c.nodes == 1 {
			continue
		}
		for _, l := range []struct {
			name string
			lag  clusterLag
		}{{"cluster idle", c.lagIdle}, {fmt.Sprintf("beside %d writing clients", c.lagLoaded.writers), c.lagLoaded}} {
			bg := "—"
			if l.lag.writers > 0 {
				bg = fmt.Sprintf("%.1f", l.lag.bgRate)
			}
			p("| %d | %s | %d | %d | %.1f | %.1f | %.1f | %.1f | %.1f | %s | %d |\n", c.round, l.name, l.lag.ack.n+l.lag.errors, l.lag.lag.n,
				ms(l.lag.lag.p50), ms(l.lag.lag.p99), ms(l.lag.lag.max), ms(l.lag.ack.p50), ms(l.lag.ack.p99), bg, l.lag.errors+l.lag.bgErrors)
		}
	}
	p("\n")
	rs := roundRatios(runs)
	for _, r := range rs {
		p("- Round %d, cluster against the single node: write throughput %.2f× (ack p50 %.2f×, p99 %.2f×), search throughput %.2f× (p99 %.2f×, CPU per search %.2f×)\n",
			r.round, r.writes, r.ackP50, r.ackP99, r.searches, r.searchP99, r.cpu)
	}
	if len(rs) > 0 {
		med := func(f func(clusterRatios) float64) float64 {
			xs := make([]float64, len(rs))
			for i, r := range rs {
				xs[i] = f(r)
			}
			return median(xs)
		}
		p("- **Median of the rounds' ratios**, cluster against the single node: write throughput **%.2f×** (ack p50 %.2f×, p99 %.2f×), search throughput **%.2f×** (p99 %.2f×, CPU per search %.2f×)\n",
			med(func(r clusterRatios) float64 { return r.writes }), med(func(r clusterRatios) float64 { return r.ackP50 }), med(func(r clusterRatios) float64 { return r.ackP99 }),
			med(func(r clusterRatios) float64 { return r.searches }), med(func(r clusterRatios) float64 { return r.searchP99 }), med(func(r clusterRatios) float64 { return r.cpu }))
	}
	for _, r := range runs {
		p("- Round %d, %s: ready with the first write acknowledged after %.1f s; %s more abstracts in batches in %.1f s; %d documents before the searches", r.round, setupName(r), r.ready.Seconds(), thousands(r.bulkDocs), r.bulk.Seconds(), r.docs)
		if r.applied != nil {
			p("; applied sequence at the end %s", joinSeqs(r.applied))
		}
		p("; acknowledged writes of the write phase missing on a node: **%d** (each fetched from every node)", r.lost)
		p("; SIGTERM: %s; `fundus check` on every node's data: %s\n", okOr(r.stopErr), okOr(r.checkErr))
		if r.writes.firstErr != "" {
			p("  - first write error: %s\n", r.writes.firstErr)
		}
		if r.search.firstErr != "" {
			p("  - first search error: %s\n", r.search.firstErr)
		}
	}
	return bw.Flush()
}

func setupName(r clusterRun) string {
	if r.nodes == 1 {
		return "single node (baseline)"
	}
	return fmt.Sprintf("**cluster, %d nodes**", r.nodes)
}

// clusterRatios are one round's figures of the cluster over the single
// node's.
type clusterRatios struct {
	round                  int
	writes, ackP50, ackP99 float64
	searches, searchP99    float64
	cpu                    float64 // CPU per search
}

// roundRatios pairs the single node and the cluster of each round, in
// round order; a round missing either is left out.
func roundRatios(runs []clusterRun) []clusterRatios {
	var out []clusterRatios
	for _, s := range runs {
		if s.nodes != 1 {
			continue
		}
		for _, c := range runs {
			if c.nodes > 1 && c.round == s.round {
				out = append(out, clusterRatios{round: s.round,
					writes: ratioF(c.writes.rate, s.writes.rate), ackP50: ratio(c.writes.p50, s.writes.p50), ackP99: ratio(c.writes.p99, s.writes.p99),
					searches: ratioF(c.search.rps, s.search.rps), searchP99: ratio(c.search.p99, s.search.p99), cpu: ratio(c.search.cpuPerReq, s.search.cpuPerReq)})
				break
			}
		}
	}
	slices.SortFunc(out, func(a, b clusterRatios) int { return a.round - b.round })
	return out
}

// ratioF returns a / b, or 0 when b is not positive.
func ratioF(a, b float64) float64 {
	if b <= 0 {
		return 0
	}
	return a / b
}

func joinSeqs(seqs []uint64) string {
	s := make([]string, len(seqs))
	for i, v := range seqs {
		s[i] = fmt.Sprint(v)
	}
	return strings.Join(s, " / ")
}

func okOr(err error) string {
	if err == nil {
		return "ok"
	}
	return "**failed**: " + strings.ReplaceAll(err.Error(), "\n", " ")
}
