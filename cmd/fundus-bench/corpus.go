package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/fundus-kb/fundus/indexer"
	"github.com/fundus-kb/fundus/indexer/demo"
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

// demoRecords parses the built-in demo corpus.
func demoRecords(ctx context.Context) ([]parse.Record, error) {
	var recs []parse.Record
	err := fs.WalkDir(demo.FS(), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !parse.Supported(p) {
			return err
		}
		data, err := fs.ReadFile(demo.FS(), p)
		if err != nil {
			return err
		}
		rs, _ := parse.File(ctx, path.Base(p), data)
		recs = append(recs, rs...)
		return nil
	})
	return recs, err
}

// testQueries reads the queries of a BEIR queries.jsonl whose ids a BEIR
// qrels file (with its header line) names: their texts, as written, in
// the order of the queries file, each id once; and how many ids the
// qrels file names.
func testQueries(queriesPath, qrelsPath string) (texts []string, named int, err error) {
	qrels, err := os.ReadFile(qrelsPath)
	if err != nil {
		return nil, 0, fmt.Errorf("read qrels: %w", err)
	}
	want := map[string]bool{}
	for i, line := range strings.Split(string(qrels), "\n") {
		f := strings.Fields(line)
		if len(f) == 0 || (i == 0 && f[0] == "query-id") {
			continue
		}
		want[f[0]] = true
	}
	data, err := os.ReadFile(queriesPath)
	if err != nil {
		return nil, 0, fmt.Errorf("read queries: %w", err)
	}
	found := map[string]bool{}
	for n, line := range bytes.Split(data, []byte("\n")) {
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		var q struct {
			ID   string `json:"_id"`
			Text string `json:"text"`
		}
		if err := json.Unmarshal(line, &q); err != nil {
			return nil, 0, fmt.Errorf("queries %s:%d: %w", queriesPath, n+1, err)
		}
		if want[q.ID] && !found[q.ID] {
			found[q.ID] = true
			texts = append(texts, q.Text)
		}
	}
	return texts, len(want), nil
}
