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
	targetRatio = 0.9 // Fundus docs/s over plain Bleve docs/s
	targetRSSMB = 400 // Fundus peak RSS
)

// measurement is what one round measured.
type measurement struct {
	fundusWall   time.Duration // fundus ingest, start to exit
	fundusCPU    time.Duration // its user + system CPU time
	fundusRSS    int64         // its peak RSS in bytes
	bleveIndex   time.Duration // baseline indexing time, measured in the child
	bleveCPU     time.Duration // CPU time of that part
	bleveWall    time.Duration // baseline child, start to exit (for reference)
	bleveRSS     int64         // its peak RSS in bytes
	blevePrepare time.Duration // baseline child's untimed parse + Prepare
}

// medians returns the median of each measure over the rounds.
func medians(ms []measurement) measurement {
	dur := func(f func(measurement) time.Duration) time.Duration {
		xs := make([]float64, len(ms))
		for i, m := range ms {
			xs[i] = float64(f(m))
		}
		return time.Duration(median(xs))
	}
	size := func(f func(measurement) int64) int64 {
		xs := make([]float64, len(ms))
		for i, m := range ms {
			xs[i] = float64(f(m))
		}
		return int64(median(xs))
	}
	return measurement{
		fundusWall:   dur(func(m measurement) time.Duration { return m.fundusWall }),
		fundusCPU:    dur(func(m measurement) time.Duration { return m.fundusCPU }),
		fundusRSS:    size(func(m measurement) int64 { return m.fundusRSS }),
		bleveIndex:   dur(func(m measurement) time.Duration { return m.bleveIndex }),
		bleveCPU:     dur(func(m measurement) time.Duration { return m.bleveCPU }),
		bleveWall:    dur(func(m measurement) time.Duration { return m.bleveWall }),
		bleveRSS:     size(func(m measurement) int64 { return m.bleveRSS }),
		blevePrepare: dur(func(m measurement) time.Duration { return m.blevePrepare }),
	}
}

// row is one line of the results table: a round or the medians.
type row struct {
	label      string
	fundusSec  float64 // fundus ingest wall time
	fundusCPU  float64 // its CPU seconds
	fundusRate float64 // records / fundusSec
	bleveSec   float64 // baseline indexing time (child-internal)
	bleveCPU   float64 // its CPU seconds
	bleveRate  float64 // records / bleveSec
	bleveWall  float64 // baseline child wall time, for reference
	ratio      float64 // fundusRate / bleveRate
	wallRatio  float64 // records/fundusSec over records/bleveWall
	cpuRatio   float64 // bleveCPU / fundusCPU: the ratio in CPU time
	fundusRSS  int64   // bytes
	bleveRSS   int64   // bytes
}

func newRow(label string, records int, m measurement) row {
	r := row{
		label:     label,
		fundusSec: m.fundusWall.Seconds(),
		fundusCPU: m.fundusCPU.Seconds(),
		bleveSec:  m.bleveIndex.Seconds(),
		bleveCPU:  m.bleveCPU.Seconds(),
		bleveWall: m.bleveWall.Seconds(),
		fundusRSS: m.fundusRSS,
		bleveRSS:  m.bleveRSS,
	}
	r.fundusRate = float64(records) / r.fundusSec
	r.bleveRate = float64(records) / r.bleveSec
	r.ratio = r.fundusRate / r.bleveRate
	r.wallRatio = r.bleveWall / r.fundusSec
	if r.fundusCPU > 0 {
		r.cpuRatio = r.bleveCPU / r.fundusCPU
	}
	return r
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
	p("- Corpus: `%s`, %d records, %.1f MB; %d round(s), Fundus and baseline alternating; "+
		"the median row takes the median of each measure, and computes rates and ratios from those\n",
		s.cfg.corpus, s.records, float64(s.size)/(1<<20), s.cfg.rounds)
	p("- Fundus: `fundus ingest --data <fresh temp dir> --json <corpus>` as a child process; time = wall time from start to exit " +
		"(process start, parse, prepare, Badger commits with SyncWrites, Bleve batches, close)\n")
	p("- Plain Bleve: `fundus-bench baseline-child`, a child process that first parses and prepares the same documents "+
		"(parse.File + indexer.Prepare, untimed, median %.2f s), then times `bleve.NewUsing` (scorch, `search.NewMapping()`), "+
		"`search.IndexFields` in batches of %d, and `Close()`; time = that indexing time only\n\n", s.prepare.Seconds(), s.cfg.batch)

	p("| Round | Fundus wall (s) | Fundus CPU (s) | Fundus docs/s | Bleve indexing (s) | Bleve CPU (s) | Bleve docs/s | Ratio Fundus/Bleve | Fundus peak RSS | Bleve peak RSS | Bleve child wall (s) |\n")
	p("|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|\n")
	for _, r := range s.rows {
		label := r.label
		if label == "median" {
			label = "**median**"
		}
		p("| %s | %.2f | %.2f | %.0f | %.2f | %.2f | %.0f | %.2f | %s | %s | %.2f |\n",
			label, r.fundusSec, r.fundusCPU, r.fundusRate, r.bleveSec, r.bleveCPU, r.bleveRate, r.ratio, mb(r.fundusRSS), mb(r.bleveRSS), r.bleveWall)
	}
	p("\n")
	p("- Throughput ratio (median): **%.2f** — target ≥ %.2f: **%s**\n", m.ratio, targetRatio, verdict(m.ratio >= targetRatio))
	p("- Fundus peak RSS (median): **%s** — target ≤ %d MB: **%s**\n", mb(m.fundusRSS), targetRSSMB,
		verdict(m.fundusRSS > 0 && m.fundusRSS <= targetRSSMB<<20))
	p("- For reference (medians): wall time against wall time (both children from start to exit, both parsing) gives a ratio of %.2f; "+
		"CPU time against CPU time (Fundus's whole process against Bleve's indexing part) %.2f. "+
		"CPU time is less disturbed by other load on a shared machine.\n", m.wallRatio, m.cpuRatio)
	return bw.Flush()
}

// corpusName names a corpus by its folder ("scifact" for
// …/scifact/corpus.jsonl), or by its file name.
func corpusName(abs string) string {
	if filepath.Base(abs) == "corpus.jsonl" {
		return filepath.Base(filepath.Dir(abs)) + " corpus"
	}
	return filepath.Base(abs)
}
