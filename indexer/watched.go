package indexer

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
)

// ApplyWatched brings the knowledge base in step with a watched folder
// after a batch of changes: changed files (slash paths relative to root)
// are ingested, with their vanished records pruned; removed files'
// documents are deleted. The initial batch ingests the whole folder and
// prunes what is gone from it.
func (kb *KB) ApplyWatched(ctx context.Context, root string, changed, removed []string, initial bool, opts IngestOptions) (Summary, error) {
	root, err := filepath.Abs(root)
	if err != nil {
		return Summary{}, err
	}
	src := Source{FS: os.DirFS(root), Root: root, Prunable: true}
	if initial {
		opts.Prune = true
		return kb.Ingest(ctx, []Source{src}, opts)
	}
	var sum Summary
	if len(changed) > 0 {
		// Files given: Ingest reads just these (an empty list would walk
		// the whole folder), and pruning removes records gone from them.
		src.Files = changed
		opts.Prune = true
		s, err := kb.Ingest(ctx, []Source{src}, opts)
		sum = s
		if err != nil {
			return sum, err
		}
	}
	var ids []string
	for _, rel := range removed {
		docs, err := kb.store.ByOrigin(filepath.Join(root, filepath.FromSlash(rel)) + "\x00")
		if err != nil {
			return sum, fmt.Errorf("listing the documents of %s: %w", rel, err)
		}
		for _, d := range docs {
			ids = append(ids, d.ID)
		}
	}
	// The deletions are counted, and their failures reported, as a run's.
	run := kb.newRun(opts)
	run.sum = sum
	err = run.deleteIDs(ctx, ids)
	return run.sum, err
}
