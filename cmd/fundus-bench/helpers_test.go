package main

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/fundus-kb/fundus/search"
)

// writeQueryFiles writes a BEIR queries.jsonl and qrels TSV with the given
// contents to a temporary directory and returns their paths.
func writeQueryFiles(t testing.TB, queries, qrels string) (queriesPath, qrelsPath string) {
	t.Helper()
	dir := t.TempDir()
	queriesPath, qrelsPath = filepath.Join(dir, "queries.jsonl"), filepath.Join(dir, "test.tsv")
	for p, data := range map[string]string{queriesPath: queries, qrelsPath: qrels} {
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return queriesPath, qrelsPath
}

// syntheticDocs writes n synthetic documents made from testSci and
// prepares them as the ingest path does.
func syntheticDocs(t testing.TB, n int) []search.Document {
	t.Helper()
	path := filepath.Join(t.TempDir(), "syn.jsonl")
	if err := writeSynthetic(path, testSci, n, 1); err != nil {
		t.Fatal(err)
	}
	docs, err := prepareDocs(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	return docs
}

// millisUpTo returns the latencies 1, 2, … n ms.
func millisUpTo(n int) []time.Duration {
	lat := make([]time.Duration, n)
	for i := range lat {
		lat[i] = time.Duration(i+1) * time.Millisecond
	}
	return lat
}
