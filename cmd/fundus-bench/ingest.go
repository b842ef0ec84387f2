package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
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

// childRun is one timed child process.
type childRun struct {
	wall   time.Duration // start to exit
	cpu    time.Duration // user + system CPU time of the whole child
	maxRSS int64         // peak resident set size in bytes; 0 when unknown
	stdout []byte
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
	fs := flag.NewFlagSet("ingest", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fundus := fs.String("fundus", "", "path of the fundus binary (required)")
	corpus := fs.String("corpus", "", "corpus file to ingest, e.g. a BEIR corpus.jsonl (required)")
	rounds := fs.Int("rounds", 3, "number of alternating fundus/baseline rounds; medians are reported")
	batch := fs.Int("batch", 500, "documents per Bleve batch in the baseline")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *fundus == "" {
		return &usageError{errors.New("ingest: --fundus is required")}
	}
	if *rounds < 1 {
		return &usageError{errors.New("ingest: --rounds must be 1 or more")}
	}
	if *batch < 1 {
		return &usageError{errors.New("ingest: --batch must be 1 or more")}
	}
	abs, err := corpusPath(*corpus)
	if err != nil {
		return err
	}
	bin, err := exec.LookPath(*fundus)
	if err != nil {
		return fmt.Errorf("fundus binary %s: %w (build it with `make build`)", *fundus, err)
	}
	if bin, err = filepath.Abs(bin); err != nil {
		return fmt.Errorf("fundus binary %s: %w", *fundus, err)
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
	records, err := countRecords(ctx, cfg.corpus)
	if err != nil {
		return err
	}
	info, err := os.Stat(cfg.corpus)
	if err != nil {
		return fmt.Errorf("corpus: %w", err)
	}

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
	})
}

// runFundus times `fundus ingest --data dir --json corpus` and checks that
// it added every record, failed none and indexed them all.
func runFundus(ctx context.Context, cfg ingestConfig, dir string, records int) (fundusRun, error) {
	defer os.RemoveAll(dir)
	run, err := timeChild(ctx, cfg.fundus, "ingest", "--data", dir, "--json", cfg.corpus)
	if err != nil {
		return fundusRun{}, err
	}
	var sum struct {
		Added     *int `json:"added"`
		Updated   int  `json:"updated"`
		Unchanged int  `json:"unchanged"`
		Failed    *int `json:"failed"`
	}
	line := lastLine(run.stdout)
	if err := json.Unmarshal(line, &sum); err != nil || sum.Added == nil || sum.Failed == nil {
		return fundusRun{}, fmt.Errorf("last line of stdout is not the --json summary: %q", line)
	}
	if *sum.Added != records || *sum.Failed != 0 || sum.Updated != 0 || sum.Unchanged != 0 {
		return fundusRun{}, fmt.Errorf("want added %d, failed 0 in a fresh data dir; got %s", records, line)
	}

	// Untimed check that the index holds every document.
	stats, err := exec.CommandContext(ctx, cfg.fundus, "stats", "--data", dir, "--json").Output()
	if err != nil {
		return fundusRun{}, fmt.Errorf("fundus stats: %w%s", err, stderrOf(err))
	}
	var st struct {
		Documents int    `json:"documents"`
		Indexed   uint64 `json:"indexed"`
	}
	if err := json.Unmarshal(lastLine(stats), &st); err != nil {
		return fundusRun{}, fmt.Errorf("fundus stats: decode %q: %w", lastLine(stats), err)
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

// timeChild runs name with args, and measures its wall time from start to
// exit and its peak RSS. A failed or killed child is an error that quotes
// the end of its stderr.
func timeChild(ctx context.Context, name string, args ...string) (childRun, error) {
	cmd := exec.CommandContext(ctx, name, args...)
	var out, errb bytes.Buffer
	cmd.Stdout = &out
	cmd.Stderr = &errb
	start := time.Now()
	err := cmd.Run()
	wall := time.Since(start)
	if err != nil {
		return childRun{}, fmt.Errorf("%s %v: %w\n%s", filepath.Base(name), args, err, tail(errb.Bytes(), 20))
	}
	ps := cmd.ProcessState
	return childRun{wall: wall, cpu: ps.UserTime() + ps.SystemTime(), maxRSS: maxRSS(ps), stdout: out.Bytes()}, nil
}

// lastLine returns the last non-empty line of b.
func lastLine(b []byte) []byte {
	b = bytes.TrimRight(b, "\r\n\t ")
	if i := bytes.LastIndexByte(b, '\n'); i >= 0 {
		b = b[i+1:]
	}
	return bytes.TrimSpace(b)
}

// tail returns the last n lines of b.
func tail(b []byte, n int) []byte {
	b = bytes.TrimRight(b, "\n")
	i := len(b)
	for ; n > 0 && i > 0; n-- {
		i = bytes.LastIndexByte(b[:i], '\n')
		if i < 0 {
			return b
		}
	}
	return b[i+1:]
}

func stderrOf(err error) string {
	var ee *exec.ExitError
	if errors.As(err, &ee) && len(ee.Stderr) > 0 {
		return "\n" + string(tail(ee.Stderr, 20))
	}
	return ""
}
