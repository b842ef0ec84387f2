package main

import (
	"bufio"
	"fmt"
	"io"
	"path/filepath"
	"time"
)

// Targets the summary checks.
const (
	targetRatio      = 0.9 // Fundus docs/s over Bleve with Fundus's mapping
	targetPlainRatio = 0.8 // Fundus docs/s over the plain Bleve application
	barPlainRatio    = 0.7 // the least acceptable value of that ratio
	targetRSSMB      = 400 // Fundus peak RSS
)

// measurement is what one round measured.
type measurement struct {
	fundusWall  time.Duration   // fundus ingest, start to exit
	fundusCPU   time.Duration   // its user + system CPU time
	fundusRSS   int64           // its peak RSS in bytes
	fundusStore int64           // its Badger store on disk, bytes
	fundusIndex int64           // its Bleve indexes on disk, bytes
	bleve       baselineMeasure // Bleve with Fundus's mapping
	plain       baselineMeasure // the plain Bleve application
}

// baselineMeasure is what one baseline child measured.
type baselineMeasure struct {
	index   time.Duration // indexing time, measured in the child
	cpu     time.Duration // CPU time of that part; 0 when unknown
	wall    time.Duration // the child, start to exit (for reference)
	rss     int64         // its peak RSS in bytes
	prepare time.Duration // its untimed read, parse and Prepare
	bytes   int64         // its index directory on disk after Close
}

// medianOf returns the median of f over xs.
func medianOf[T any, N ~int64](xs []T, f func(T) N) N {
	v := make([]float64, len(xs))
	for i, x := range xs {
		v[i] = float64(f(x))
	}
	return N(median(v))
}

// medians returns the median of each measure over the rounds.
func medians(ms []measurement) measurement {
	return measurement{
		fundusWall:  medianOf(ms, func(m measurement) time.Duration { return m.fundusWall }),
		fundusCPU:   medianOf(ms, func(m measurement) time.Duration { return m.fundusCPU }),
		fundusRSS:   medianOf(ms, func(m measurement) int64 { return m.fundusRSS }),
		fundusStore: medianOf(ms, func(m measurement) int64 { return m.fundusStore }),
		fundusIndex: medianOf(ms, func(m measurement) int64 { return m.fundusIndex }),
		bleve:       baselineMedians(ms, func(m measurement) baselineMeasure { return m.bleve }),
		plain:       baselineMedians(ms, func(m measurement) baselineMeasure { return m.plain }),
	}
}

// baselineMedians returns the median of each measure of one baseline,
// which get picks from a round, over the rounds.
func baselineMedians(ms []measurement, get func(measurement) baselineMeasure) baselineMeasure {
	bs := make([]baselineMeasure, len(ms))
	for i, m := range ms {
		bs[i] = get(m)
	}
	return baselineMeasure{
		index:   medianOf(bs, func(b baselineMeasure) time.Duration { return b.index }),
		cpu:     medianOf(bs, func(b baselineMeasure) time.Duration { return b.cpu }),
		wall:    medianOf(bs, func(b baselineMeasure) time.Duration { return b.wall }),
		rss:     medianOf(bs, func(b baselineMeasure) int64 { return b.rss }),
		prepare: medianOf(bs, func(b baselineMeasure) time.Duration { return b.prepare }),
		bytes:   medianOf(bs, func(b baselineMeasure) int64 { return b.bytes }),
	}
}

// row is one line of the results tables: a round or the medians.
type row struct {
	label       string
	fundusSec   float64 // fundus ingest wall time
	fundusCPU   float64 // its CPU seconds
	fundusRate  float64 // records / fundusSec
	fundusRSS   int64   // bytes
	fundusStore int64   // bytes on disk
	fundusIndex int64   // bytes on disk
	bleve       baselineRow
	plain       baselineRow
}

// baselineRow is one baseline's part of a row, and Fundus against it.
type baselineRow struct {
	sec       float64 // indexing time (child-internal)
	cpu       float64 // its CPU seconds
	rate      float64 // records / sec
	wall      float64 // child wall time, for reference
	ratio     float64 // Fundus's rate / rate
	wallRatio float64 // records/Fundus's wall time over records/wall
	cpuRatio  float64 // cpu / Fundus's CPU: the ratio in CPU time
	rss       int64   // bytes
	bytes     int64   // index on disk
}

func newRow(label string, records int, m measurement) row {
	r := row{
		label:       label,
		fundusSec:   m.fundusWall.Seconds(),
		fundusCPU:   m.fundusCPU.Seconds(),
		fundusRSS:   m.fundusRSS,
		fundusStore: m.fundusStore,
		fundusIndex: m.fundusIndex,
	}
	r.fundusRate = float64(records) / r.fundusSec
	r.bleve = r.against(records, m.bleve)
	r.plain = r.against(records, m.plain)
	return r
}

// against returns baseline b's part of r, with Fundus's ratios to it.
func (r row) against(records int, b baselineMeasure) baselineRow {
	br := baselineRow{sec: b.index.Seconds(), cpu: b.cpu.Seconds(), wall: b.wall.Seconds(), rss: b.rss, bytes: b.bytes}
	br.rate = float64(records) / br.sec
	br.ratio = r.fundusRate / br.rate
	br.wallRatio = br.wall / r.fundusSec
	if r.fundusCPU > 0 {
		br.cpuRatio = br.cpu / r.fundusCPU
	}
	return br
}

// ratios sets b's ratios to the medians of the rounds' ratios (get picks
// the baseline from a round): each round compares runs made back to back
// under the same load, which a ratio of medians taken from different
// rounds does not.
func (b *baselineRow) ratios(rounds []row, get func(row) baselineRow) {
	pick := func(f func(baselineRow) float64) float64 {
		v := make([]float64, len(rounds))
		for i, r := range rounds {
			v[i] = f(get(r))
		}
		return median(v)
	}
	b.ratio = pick(func(x baselineRow) float64 { return x.ratio })
	b.wallRatio = pick(func(x baselineRow) float64 { return x.wallRatio })
	b.cpuRatio = pick(func(x baselineRow) float64 { return x.cpuRatio })
}

// progress is b's part of a round's progress line, under name.
func (b baselineRow) progress(name string) string {
	return fmt.Sprintf("%s %.2f s indexing (%.2f s CPU; child wall %.2f s), %.0f docs/s, RSS %s, disk %s, ratio %.2f",
		name, b.sec, b.cpu, b.wall, b.rate, mb(b.rss), diskMB(b.bytes), b.ratio)
}

// summary is what the Markdown block reports.
type summary struct {
	cfg     ingestConfig
	records int
	size    int64
	rows    []row
	median  row
	prepare time.Duration // baseline child's untimed parse + Prepare (median)
	machine *machine
}

// writeSummary prints the Markdown block for BENCHMARKS.md.
func writeSummary(w io.Writer, s summary) error {
	bw := bufio.NewWriter(w)
	p := func(format string, a ...any) { fmt.Fprintf(bw, format, a...) }
	m := s.median

	p("## Ingest: %s (%d documents)\n\n", corpusName(s.cfg.corpus), s.records)
	writeHeader(bw, s.cfg.args, s.cfg.fundus, s.machine.describe("the rounds"))
	p("- Corpus: `%s`, %d records, %.1f MB; %d round(s), each running Fundus, then Bleve with Fundus's mapping, then the plain Bleve application; "+
		"the median row takes the median of each measure and rate; its ratios are the medians of the rounds' ratios (each round runs Fundus and the baselines back to back, under the same load)\n",
		s.cfg.corpus, s.records, float64(s.size)/(1<<20), s.cfg.rounds)
	p("- Fundus: `fundus ingest --data <fresh temp dir> --json <corpus>` as a child process; time = wall time from start to exit " +
		"(process start, parse, prepare, Badger commits with SyncWrites, Bleve batches, close)\n")
	p("- Bleve with Fundus's mapping: `fundus-bench baseline-child --mapping fundus`, a child process that first parses and prepares the same documents "+
		"(parse.File + indexer.Prepare, untimed, median %.2f s), then times `bleve.NewUsing` (scorch, `search.NewMapping()`), "+
		"`search.IndexFields` in batches of %d, and `Close()`; time = that indexing time only\n", s.prepare.Seconds(), s.cfg.batch)
	p("- Plain Bleve application: `fundus-bench baseline-child --mapping plain`, the same child, documents and timing, with `bleve.NewIndexMapping()` "+
		"and a static document mapping: title and body (text, the standard analyzer, stored, term vectors) and type, topics, language and year "+
		"(keyword, doc values, stored), in batches of %d\n", s.cfg.batch)
	p("- Index size on disk: allocated blocks after the run; Fundus's data directory (`indexer.DataDirUsage`: the Badger store, the Bleve indexes) " +
		"once `fundus ingest` and `fundus stats` have exited, each baseline's index directory after `Close()`\n\n")

	p("| Round | Fundus wall (s) | Fundus CPU (s) | Fundus docs/s | Bleve (Fundus mapping) indexing (s) | CPU (s) | docs/s | " +
		"Plain app indexing (s) | CPU (s) | docs/s | Ratio Fundus / Bleve (Fundus mapping) | Ratio Fundus / plain app |\n")
	p("|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|\n")
	for _, r := range s.rows {
		p("| %s | %.2f | %.2f | %.0f | %.2f | %.2f | %.0f | %.2f | %.2f | %.0f | %.2f | %.2f |\n",
			rowLabel(r), r.fundusSec, r.fundusCPU, r.fundusRate, r.bleve.sec, r.bleve.cpu, r.bleve.rate,
			r.plain.sec, r.plain.cpu, r.plain.rate, r.bleve.ratio, r.plain.ratio)
	}
	p("\n")
	p("| Round | Fundus peak RSS | Bleve (Fundus mapping) peak RSS | Plain app peak RSS | Bleve (Fundus mapping) child wall (s) | Plain app child wall (s) | " +
		"Fundus store (Badger) | Fundus index (Bleve) | Bleve (Fundus mapping) index | Plain app index |\n")
	p("|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|\n")
	for _, r := range s.rows {
		p("| %s | %s | %s | %s | %.2f | %.2f | %s | %s | %s | %s |\n",
			rowLabel(r), mb(r.fundusRSS), mb(r.bleve.rss), mb(r.plain.rss), r.bleve.wall, r.plain.wall,
			diskMB(r.fundusStore), diskMB(r.fundusIndex), diskMB(r.bleve.bytes), diskMB(r.plain.bytes))
	}
	p("\n")
	p("- Throughput ratio against Bleve with Fundus's mapping (median): **%.2f** — target ≥ %.2f: **%s**\n",
		m.bleve.ratio, targetRatio, verdict(m.bleve.ratio >= targetRatio))
	p("- Throughput ratio against the plain application (median): **%.2f** — target ≥ %.1f× the plain application (bar %.1f×): **%s**\n",
		m.plain.ratio, targetPlainRatio, barPlainRatio, barVerdict(m.plain.ratio, targetPlainRatio, barPlainRatio))
	p("- Fundus peak RSS (median): **%s** — target ≤ %d MB: **%s**\n", mb(m.fundusRSS), targetRSSMB,
		verdict(m.fundusRSS > 0 && m.fundusRSS <= targetRSSMB<<20))
	p("- Index size on disk (median): Fundus **%s** (store %s in Badger + index %s in Bleve); Bleve with Fundus's mapping **%s**; "+
		"plain application **%s**\n",
		diskMB(m.fundusStore+m.fundusIndex), diskMB(m.fundusStore), diskMB(m.fundusIndex), diskMB(m.bleve.bytes), diskMB(m.plain.bytes))
	p("- For reference (medians): wall time against wall time (both children from start to exit, both parsing) gives a ratio of %.2f "+
		"against Bleve with Fundus's mapping and %.2f against the plain application; "+
		"CPU time against CPU time (Fundus's whole process against the baseline's indexing part) %.2f and %.2f. "+
		"CPU time is less disturbed by other load on a shared machine.\n", m.bleve.wallRatio, m.plain.wallRatio, m.bleve.cpuRatio, m.plain.cpuRatio)
	return bw.Flush()
}

// rowLabel is r's label in a table, the median's in bold.
func rowLabel(r row) string {
	if r.label == "median" {
		return "**median**"
	}
	return r.label
}

// barVerdict judges a value against a target and a lower bar.
func barVerdict(v, target, bar float64) string {
	switch {
	case v >= target:
		return "met"
	case v >= bar:
		return "not met, above the bar"
	}
	return "not met, below the bar"
}

// diskMB formats bytes on disk as MB (2^20 bytes) with one decimal.
func diskMB(b int64) string {
	if b <= 0 {
		return "n/a"
	}
	return fmt.Sprintf("%.1f MB", float64(b)/(1<<20))
}

// corpusName names a corpus by its folder ("scifact" for
// …/scifact/corpus.jsonl), or by its file name.
func corpusName(abs string) string {
	if filepath.Base(abs) == "corpus.jsonl" {
		return filepath.Base(filepath.Dir(abs)) + " corpus"
	}
	return filepath.Base(abs)
}
