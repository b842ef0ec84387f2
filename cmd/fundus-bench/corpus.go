package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/fundus-kb/fundus/indexer"
	"github.com/fundus-kb/fundus/indexer/parse"
	"github.com/fundus-kb/fundus/search"
)

// corpusPath checks that the corpus file exists and returns its absolute
// path, the origin Fundus records for its documents.
func corpusPath(p string) (string, error) {
	if p == "" {
		return "", &usageError{errors.New("--corpus is required")}
	}
	abs, err := filepath.Abs(p)
	if err != nil {
		return "", fmt.Errorf("corpus %s: %w", p, err)
	}
	info, err := os.Stat(abs)
	if errors.Is(err, fs.ErrNotExist) {
		if p != abs {
			return "", fmt.Errorf("corpus file %s (%s) does not exist", p, abs)
		}
		return "", fmt.Errorf("corpus file %s does not exist", abs)
	}
	if err != nil {
		return "", fmt.Errorf("corpus file %s: %w", p, err)
	}
	if !info.Mode().IsRegular() {
		return "", fmt.Errorf("corpus %s is not a regular file", abs)
	}
	return abs, nil
}

// fileID is the id Fundus gives a file passed on the command line: its
// base name without the final extension ("corpus" for corpus.jsonl).
func fileID(abs string) string {
	name := filepath.Base(abs)
	return strings.TrimSuffix(name, path.Ext(name))
}

// readRecords reads and parses the corpus. Any parse failure is an error:
// the benchmark needs every record to be ingested.
func readRecords(ctx context.Context, abs string) ([]parse.Record, error) {
	data, err := os.ReadFile(abs)
	if err != nil {
		return nil, fmt.Errorf("read corpus: %w", err)
	}
	recs, errs := parse.File(ctx, abs, data)
	if len(errs) > 0 {
		return nil, fmt.Errorf("parse corpus: %d failure(s), first: %w", len(errs), errs[0])
	}
	if len(recs) == 0 {
		return nil, fmt.Errorf("parse corpus %s: no records", abs)
	}
	return recs, nil
}

// countRecords returns the number of records in the corpus.
func countRecords(ctx context.Context, abs string) (int, error) {
	recs, err := readRecords(ctx, abs)
	return len(recs), err
}

// prepareDocs turns the corpus into the normalised documents Fundus's
// ingest indexes: parse.File, then indexer.Prepare per record with the
// file's id and its absolute path as origin.
func prepareDocs(ctx context.Context, abs string) ([]search.Document, error) {
	recs, err := readRecords(ctx, abs)
	if err != nil {
		return nil, err
	}
	id := fileID(abs)
	docs := make([]search.Document, 0, len(recs))
	seen := make(map[string]bool, len(recs))
	for _, rec := range recs {
		item, err := indexer.Prepare(rec, id, abs)
		if err != nil {
			return nil, fmt.Errorf("prepare %s:%d: %w", abs, rec.Line, err)
		}
		if seen[item.Doc.ID] {
			return nil, fmt.Errorf("prepare %s:%d: duplicate id %q", abs, rec.Line, item.Doc.ID)
		}
		seen[item.Doc.ID] = true
		docs = append(docs, item.Doc)
	}
	return docs, nil
}
