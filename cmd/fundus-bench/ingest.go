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
)

// ingestConfig is the parsed command line of the ingest subcommand.
type ingestConfig struct {
	fundus string // the fundus binary
	corpus string // absolute path of the corpus file
	rounds int
	batch  int
	args   []string // as given, for the summary
}

// fundusRun is one timed `fundus ingest`.
type fundusRun struct {
	childRun
}

// baselineRun is one timed baseline child.
type baselineRun struct {
	childRun
	index    time.Duration // the child's own indexing time (create … close)
	indexCPU time.Duration // CPU time of that part; 0 when unknown
	prepare  time.Duration // the child's untimed read, parse and Prepare
}

// runIngest implements `fundus-bench ingest`.
func runIngest(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("ingest", stderr)
	fundus := fundusFlag(fs)
	corpus := fs.String("corpus", "", "corpus file to ingest, e.g. a BEIR corpus.jsonl (required)")
	rounds := fs.Int("rounds", 3, "number of alternating fundus/baseline rounds; medians are reported")
	batch := fs.Int("batch", 500, "documents per Bleve batch in the baseline")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *rounds < 1 || *batch < 1 {
		return usagef("ingest: --rounds and --batch must be 1 or more")
	}
	bin, err := fundusBinary("ingest", *fundus)
	if err != nil {
		return err
	}
	abs, err := corpusPath(*corpus)
	if err != nil {
		return err
	}
	cfg := ingestConfig{fundus: bin, corpus: abs, rounds: *rounds, batch: *batch, args: append([]string{"ingest"}, args...)}
	return benchIngest(ctx, cfg, stdout, stderr)
}

// benchIngest runs the rounds and prints the report.
func benchIngest(ctx context.Context, cfg ingestConfig, stdout, stderr io.Writer) error {
	self, err := os.Executable()
	if err != nil {
		return fmt.Errorf("find own executable for the baseline child: %w", err)
	}
	records, err := countRecords(cfg.corpus)
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
		f, err := runFundus(ctx, cfg, filepath.Join(root, fmt.Sprintf("fundus-%d", i)), records)
		if err != nil {
			return fmt.Errorf("round %d: fundus: %w", i, err)
		}
		fmt.Fprintf(stderr, "round %d/%d: plain Bleve baseline …\n", i, cfg.rounds)
		b, err := runBaseline(ctx, cfg, self, filepath.Join(root, fmt.Sprintf("bleve-%d", i)), records)
		if err != nil {
			return fmt.Errorf("round %d: baseline: %w", i, err)
		}
		m := measurement{
			fundusWall: f.wall, fundusCPU: f.cpu, fundusRSS: f.maxRSS,
			bleveIndex: b.index, bleveCPU: b.indexCPU, bleveWall: b.wall, bleveRSS: b.maxRSS,
			blevePrepare: b.prepare,
		}
		rounds = append(rounds, m)
		r := newRow(strconv.Itoa(i), records, m)
		fmt.Fprintf(stdout, "round %d: fundus %.2f s wall (%.2f s CPU), %.0f docs/s, RSS %s | bleve %.2f s indexing (%.2f s CPU; child wall %.2f s), %.0f docs/s, RSS %s | ratio %.2f\n",
			i, r.fundusSec, r.fundusCPU, r.fundusRate, mb(r.fundusRSS), r.bleveSec, r.bleveCPU, r.bleveWall, r.bleveRate, mb(r.bleveRSS), r.ratio)
	}

	rows := make([]row, 0, len(rounds)+1)
	for i, m := range rounds {
		rows = append(rows, newRow(strconv.Itoa(i+1), records, m))
	}
	mach.finish()
	med := medians(rounds)
	medRow := newRow("median", records, med)
	rows = append(rows, medRow)
	fmt.Fprintf(stdout, "median: fundus %.0f docs/s, bleve %.0f docs/s, ratio %.2f (target >= %.2f); peak RSS fundus %s (target <= %d MB), bleve %s\n\n",
		medRow.fundusRate, medRow.bleveRate, medRow.ratio, targetRatio, mb(medRow.fundusRSS), targetRSSMB, mb(medRow.bleveRSS))

	return writeSummary(stdout, summary{
		cfg:     cfg,
		records: records,
		size:    info.Size(),
		rows:    rows,
		median:  medRow,
		prepare: med.blevePrepare,
		machine: mach,
	})
}

// runFundus times `fundus ingest --data dir --json corpus` and checks that
// it added every record, failed none and indexed them all.
func runFundus(ctx context.Context, cfg ingestConfig, dir string, records int) (fundusRun, error) {
	defer os.RemoveAll(dir)
	run, _, err := ingestFresh(ctx, cfg.fundus, dir, cfg.corpus, records)
	if err != nil {
		return fundusRun{}, err
	}
	// Untimed check that the index holds every document.
	st, err := fundusStats(ctx, cfg.fundus, dir)
	if err != nil {
		return fundusRun{}, err
	}
	if st.Documents != records || st.Indexed != uint64(records) {
		return fundusRun{}, fmt.Errorf("after ingest: %d documents stored, %d indexed; want %d", st.Documents, st.Indexed, records)
	}
	return fundusRun{childRun: run}, nil
}

// runBaseline times this program's baseline-child and checks that it
// indexed every record.
func runBaseline(ctx context.Context, cfg ingestConfig, self, dir string, records int) (baselineRun, error) {
	defer os.RemoveAll(dir)
	run, err := timeChild(ctx, self, "baseline-child", "--corpus", cfg.corpus, "--dir", dir, "--batch", strconv.Itoa(cfg.batch))
	if err != nil {
		return baselineRun{}, err
	}
	var res baselineResult
	line := lastLine(run.stdout)
	if err := json.Unmarshal(line, &res); err != nil {
		return baselineRun{}, fmt.Errorf("decode child result %q: %w", line, err)
	}
	if res.Docs != records || res.IndexNS <= 0 {
		return baselineRun{}, fmt.Errorf("child indexed %d documents in %d ns; want %d documents", res.Docs, res.IndexNS, records)
	}

	// Untimed check that the index holds every document.
	ix, err := bleve.Open(dir)
	if err != nil {
		return baselineRun{}, fmt.Errorf("open baseline index: %w", err)
	}
	n, err := ix.DocCount()
	if cerr := ix.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return baselineRun{}, fmt.Errorf("count baseline index: %w", err)
	}
	if n != uint64(records) {
		return baselineRun{}, fmt.Errorf("baseline index holds %d documents; want %d", n, records)
	}
	return baselineRun{childRun: run, index: time.Duration(res.IndexNS), indexCPU: time.Duration(res.IndexCPUNS), prepare: time.Duration(res.PrepareNS)}, nil
}
