package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"

	"github.com/fundus-kb/fundus/search"
)

// baselineResult is what baseline-child prints to stdout, as one JSON line.
type baselineResult struct {
	Docs       int   `json:"docs"`
	PrepareNS  int64 `json:"prepare_ns"`   // read, parse and Prepare (untimed part)
	IndexNS    int64 `json:"index_ns"`     // create, batch-index and close (timed part)
	IndexCPUNS int64 `json:"index_cpu_ns"` // CPU time of the timed part, all threads
}

// runBaselineChild is the hidden subcommand the ingest benchmark
// re-executes: it prepares the corpus's documents, then, timed, indexes
// them into a new plain Bleve scorch index with Fundus's mapping
// (--mapping fundus) or a plain application's (--mapping plain).
func runBaselineChild(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("baseline-child", stderr)
	corpus := fs.String("corpus", "", "corpus file (required)")
	dir := fs.String("dir", "", "index directory to create; must not exist (required)")
	batchSize := fs.Int("batch", 500, "documents per Bleve batch")
	mappingName := fs.String("mapping", mappingFundus, "index mapping: fundus (search.NewMapping) or plain (a plain application's)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	bm, err := parseBaselineMapping(*mappingName)
	if err != nil {
		return fmt.Errorf("baseline-child: %w", err)
	}
	if *dir == "" {
		return usagef("baseline-child: --dir is required")
	}
	if *batchSize < 1 {
		return usagef("baseline-child: --batch must be 1 or more")
	}
	abs, err := corpusPath(*corpus)
	if err != nil {
		return err
	}

	t0 := time.Now()
	docs, err := prepareDocs(ctx, abs)
	if err != nil {
		return fmt.Errorf("baseline: %w", err)
	}
	prep := time.Since(t0)

	t1, c1 := time.Now(), selfCPU()
	if err := indexBaseline(ctx, *dir, docs, *batchSize, bm); err != nil {
		return fmt.Errorf("baseline: %w", err)
	}
	idx, cpu := time.Since(t1), selfCPU()-c1

	b, err := json.Marshal(baselineResult{Docs: len(docs), PrepareNS: prep.Nanoseconds(), IndexNS: idx.Nanoseconds(), IndexCPUNS: cpu.Nanoseconds()})
	if err != nil {
		return fmt.Errorf("baseline: encode result: %w", err)
	}
	if _, err := fmt.Fprintf(stdout, "%s\n", b); err != nil {
		return fmt.Errorf("baseline: write result: %w", err)
	}
	return nil
}

// indexBaseline creates a scorch index at dir with bm's mapping, indexes
// bm's fields of docs in batches of batchSize and closes the index.
func indexBaseline(ctx context.Context, dir string, docs []search.Document, batchSize int, bm baselineMapping) error {
	if _, err := os.Stat(dir); err == nil {
		return fmt.Errorf("index directory %s already exists", dir)
	}
	ix, err := bleve.NewUsing(dir, bm.mapping(), scorch.Name, bleve.Config.DefaultKVStore, nil)
	if err != nil {
		return fmt.Errorf("create index %s: %w", dir, err)
	}
	for i := 0; i < len(docs); i += batchSize {
		if err := ctx.Err(); err != nil {
			ix.Close()
			return err
		}
		batch := ix.NewBatch()
		for j := i; j < min(i+batchSize, len(docs)); j++ {
			d := &docs[j]
			if err := batch.Index(d.ID, bm.fields(d)); err != nil {
				ix.Close()
				return fmt.Errorf("index %q: %w", d.ID, err)
			}
		}
		if err := ix.Batch(batch); err != nil {
			ix.Close()
			return fmt.Errorf("apply batch at document %d: %w", i, err)
		}
	}
	if err := ix.Close(); err != nil {
		return fmt.Errorf("close index: %w", err)
	}
	return nil
}
