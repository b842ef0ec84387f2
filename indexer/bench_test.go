package indexer

import (
	"context"
	"os"
	"testing"
)

const scifactCorpus = "../../shared/eval/scifact/corpus.jsonl"

// BenchmarkIngestSciFact ingests the SciFact corpus into a fresh knowledge
// base per iteration (for profiling; `make bench-ingest` is the benchmark
// of record).
func BenchmarkIngestSciFact(b *testing.B) {
	if _, err := os.Stat(scifactCorpus); err != nil {
		b.Skipf("SciFact corpus not found at %s", scifactCorpus)
	}
	for b.Loop() {
		kb, err := Open(context.Background(), Config{DataDir: b.TempDir()})
		if err != nil {
			b.Fatal(err)
		}
		srcs, _ := PathSources([]string{scifactCorpus})
		sum, err := kb.Ingest(context.Background(), srcs, IngestOptions{})
		if err != nil || sum.Added != 5183 {
			b.Fatalf("%+v %v", sum, err)
		}
		kb.Close()
	}
}
