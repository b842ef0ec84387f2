package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/blevesearch/bleve/v2"

	"github.com/fundus-kb/fundus/indexer"
)

// ingestConfig is the parsed command line of the ingest subcommand.
type ingestConfig struct {
	fundus string // the fundus binary
	corpus string // absolute path of the corpus file
	rounds int
	batch  int
	args   []string // as given, for the summary
}

// runIngest implements `fundus-bench ingest`.
func runIngest(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newBenchFlags("ingest", stderr)
	corpus := fs.String("corpus", "", "corpus file to ingest, e.g. a BEIR corpus.jsonl (required)")
	rounds := fs.Int("rounds", 3, "number of alternating fundus/baseline rounds; medians are reported")
	batch := fs.Int("batch", 500, "documents per Bleve batch in the baseline")
	if err := fs.parse(args); err != nil {
		return err
	}
	if *rounds < 1 || *batch < 1 {
		return usagef("ingest: --rounds and --batch must be 1 or more")
	}
	bin, err := fs.binary()
	if err != nil {
		return err
	}
	abs, err := corpusPath(*corpus)
	if err != nil {
		return err
	}
	cfg := ingestConfig{fundus: bin, corpus: abs, rounds: *rounds, batch: *batch, args: fs.commandLine(args)}
	return benchIngest(ctx, cfg, stdout, stderr)
}

// benchIngest runs the rounds and prints the report.
func benchIngest(ctx context.Context, cfg ingestConfig, stdout, stderr io.Writer) error {
	self, err := os.Executable()
	if err != nil {
		return fmt.Errorf("find own executable for the baseline child: %w", err)
	}
	records, err := countRecords(ctx, cfg.corpus)
	if err != nil {
		return err
	}
	info, err := os.Stat(cfg.corpus)
	if err != nil {
		return fmt.Errorf("corpus: %w", err)
	}

	mach := startMachine()
	root, err := os.MkdirTemp("", "fundus-bench-")
	if err != nil {
		return fmt.Errorf("create temp dir: %w", err)
	}
	defer os.RemoveAll(root)

	fmt.Fprintf(stdout, "corpus %s: %d records, %.1f MB; %d round(s), baseline batch %d\n",
		cfg.corpus, records, float64(info.Size())/(1<<20), cfg.rounds, cfg.batch)
	var rounds []measurement
	for i := 1; i <= cfg.rounds; i++ {
		fmt.Fprintf(stderr, "round %d/%d: fundus ingest …\n", i, cfg.rounds)
		var m measurement
		if err := runFundus(ctx, cfg, filepath.Join(root, fmt.Sprintf("fundus-%d", i)), records, &m); err != nil {
			return fmt.Errorf("round %d: fundus: %w", i, err)
		}
		for _, b := range []struct {
			bm  baselineMapping
			dst *baselineMeasure
		}{{fundusBaseline(), &m.bleve}, {plainBaseline(), &m.plain}} {
			fmt.Fprintf(stderr, "round %d/%d: %s …\n", i, cfg.rounds, b.bm.label)
			var err error
			*b.dst, err = runBaseline(ctx, cfg, self, b.bm, filepath.Join(root, fmt.Sprintf("%s-%d", b.bm.name, i)), records)
			if err != nil {
				return fmt.Errorf("round %d: baseline %s: %w", i, b.bm.name, err)
			}
		}
		rounds = append(rounds, m)
		r := newRow(strconv.Itoa(i), records, m)
		fmt.Fprintf(stdout, "round %d: fundus %.2f s wall (%.2f s CPU), %.0f docs/s, RSS %s, disk %s | %s | %s\n",
			i, r.fundusSec, r.fundusCPU, r.fundusRate, mb(r.fundusRSS), diskMB(r.fundusStore+r.fundusIndex),
			r.bleve.progress("bleve (fundus mapping)"), r.plain.progress("plain app"))
	}

	rows := make([]row, 0, len(rounds)+1)
	for i, m := range rounds {
		rows = append(rows, newRow(strconv.Itoa(i+1), records, m))
	}
	mach.finish()
	med := medians(rounds)
	medRow := newRow("median", records, med)
	medRow.bleve.ratios(rows, func(r row) baselineRow { return r.bleve })
	medRow.plain.ratios(rows, func(r row) baselineRow { return r.plain })
	rows = append(rows, medRow)
	fmt.Fprintf(stdout, "median: fundus %.0f docs/s, bleve (fundus mapping) %.0f docs/s, plain app %.0f docs/s; ratios %.2f (target >= %.2f) and %.2f (target >= %.2f, bar %.2f); peak RSS fundus %s (target <= %d MB)\n\n",
		medRow.fundusRate, medRow.bleve.rate, medRow.plain.rate, medRow.bleve.ratio, targetRatio,
		medRow.plain.ratio, targetPlainRatio, barPlainRatio, mb(medRow.fundusRSS), targetRSSMB)

	return writeSummary(stdout, summary{
		cfg:     cfg,
		records: records,
		size:    info.Size(),
		rows:    rows,
		median:  medRow,
		prepare: med.bleve.prepare,
		machine: mach,
	})
}

// runFundus times `fundus ingest --data dir --json corpus`, checks that
// it added every record, failed none and indexed them all, and records
// the run and the data directory's size in m.
func runFundus(ctx context.Context, cfg ingestConfig, dir string, records int, m *measurement) error {
	defer os.RemoveAll(dir)
	run, _, err := ingestFresh(ctx, cfg.fundus, dir, cfg.corpus, records)
	if err != nil {
		return err
	}
	// Untimed check that the index holds every document, and its size.
	st, err := fundusStats(ctx, cfg.fundus, dir)
	if err != nil {
		return err
	}
	if st.Documents != records || st.Indexed != uint64(records) {
		return fmt.Errorf("after ingest: %d documents stored, %d indexed; want %d", st.Documents, st.Indexed, records)
	}
	m.fundusWall, m.fundusCPU, m.fundusRSS = run.wall, run.cpu, run.maxRSS
	// The sizes once `fundus stats` has exited: the index it opened may
	// have been merging segments while it measured.
	m.fundusStore, m.fundusIndex = indexer.DataDirUsage(dir)
	return nil
}

// runBaseline times this program's baseline-child with bm's mapping and
// checks that it indexed every record.
func runBaseline(ctx context.Context, cfg ingestConfig, self string, bm baselineMapping, dir string, records int) (baselineMeasure, error) {
	defer os.RemoveAll(dir)
	run, err := timeChild(ctx, self, "baseline-child", "--corpus", cfg.corpus, "--dir", dir, "--batch", strconv.Itoa(cfg.batch), "--mapping", bm.name)
	if err != nil {
		return baselineMeasure{}, err
	}
	var res baselineResult
	line := lastLine(run.stdout)
	if err := json.Unmarshal(line, &res); err != nil {
		return baselineMeasure{}, fmt.Errorf("decode child result %q: %w", line, err)
	}
	if res.Docs != records || res.IndexNS <= 0 {
		return baselineMeasure{}, fmt.Errorf("child indexed %d documents in %d ns; want %d documents", res.Docs, res.IndexNS, records)
	}
	diskBytes := indexer.DiskUsage(dir)

	// Untimed check that the index holds every document.
	ix, err := bleve.Open(dir)
	if err != nil {
		return baselineMeasure{}, fmt.Errorf("open baseline index: %w", err)
	}
	n, err := ix.DocCount()
	if cerr := ix.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return baselineMeasure{}, fmt.Errorf("count baseline index: %w", err)
	}
	if n != uint64(records) {
		return baselineMeasure{}, fmt.Errorf("baseline index holds %d documents; want %d", n, records)
	}
	return baselineMeasure{
		index: time.Duration(res.IndexNS), cpu: time.Duration(res.IndexCPUNS), wall: run.wall, rss: run.maxRSS,
		prepare: time.Duration(res.PrepareNS), bytes: diskBytes,
	}, nil
}
