package indexer

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/fundus-kb/fundus/indexer/store"
	"github.com/fundus-kb/fundus/search"
)

// Backup writes a consistent backup of the store to w. The index is not
// part of it: a restore rebuilds it.
func (kb *KB) Backup(w io.Writer) error { return kb.store.Backup(w) }

// Restore loads a backup into dataDir, which must not hold a store yet,
// and rebuilds the index from it. It returns the number of documents.
func Restore(ctx context.Context, cfg Config, r io.Reader) (int, error) {
	entries, err := os.ReadDir(filepath.Join(cfg.DataDir, storeDir))
	if err == nil && len(entries) > 0 {
		return 0, fmt.Errorf("restore: %s already holds a store; restore into an empty data directory", cfg.DataDir)
	}
	if err := os.MkdirAll(cfg.DataDir, 0o755); err != nil {
		return 0, fmt.Errorf("restore: %w", err)
	}
	st, err := store.Open(filepath.Join(cfg.DataDir, storeDir), store.Options{Logger: cfg.Logger})
	if err != nil {
		return 0, err
	}
	if err := st.Load(r); err != nil {
		st.Close()
		return 0, err
	}
	if err := st.Close(); err != nil {
		return 0, err
	}
	// A stale index from before would claim the wrong documents.
	for _, v := range views {
		if err := os.RemoveAll(filepath.Join(cfg.DataDir, v.dir)); err != nil {
			return 0, fmt.Errorf("restore: %w", err)
		}
	}
	kb, err := Open(ctx, cfg)
	if err != nil {
		return 0, err
	}
	defer kb.Close()
	s, err := kb.Stats()
	if err != nil {
		return 0, err
	}
	return s.Documents, nil
}

// Export writes every stored document as one JSON object per line, in id
// order: a file `fundus ingest` reads back unchanged.
func (kb *KB) Export(w io.Writer) (int, error) {
	bw := bufio.NewWriter(w)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	n := 0
	_, err := kb.store.Snapshot(func(st *store.Stored) error {
		n++
		return enc.Encode(&st.Document)
	})
	if err == nil {
		err = bw.Flush()
	}
	if err != nil {
		return n, fmt.Errorf("export: %w", err)
	}
	return n, nil
}

// Trash lists deleted documents that can still be restored.
func (kb *KB) Trash() ([]store.Trashed, error) { return kb.store.Trash() }

// Undelete restores a document from the trash and indexes it.
func (kb *KB) Undelete(ctx context.Context, id string) error {
	if !kb.ready.Load() {
		return ErrNotReady
	}
	kb.wmu.RLock()
	e, err := kb.store.Undelete(id)
	if err != nil {
		kb.wmu.RUnlock()
		if errors.Is(err, store.ErrNotFound) {
			return fmt.Errorf("%q is not in the trash: %w", id, search.ErrNotFound)
		}
		return err
	}
	st, err := kb.store.Get(id)
	kb.wmu.RUnlock()
	if err != nil {
		return err
	}
	return kb.apply(applyJob{changes: []search.Change{{ID: id, Doc: &st.Document, Hash: st.Hash}}, before: e.Seq - 1, seq: e.Seq})
}

// PurgeTrash removes documents deleted more than olderThan ago for good
// (all of them when olderThan is 0), and returns how many.
func (kb *KB) PurgeTrash(olderThan time.Duration) (int, error) {
	var cutoff time.Time
	if olderThan > 0 {
		cutoff = time.Now().Add(-olderThan)
	}
	return kb.store.PurgeTrash(cutoff)
}

// TrashList lists the trash as search.TrashEntry values.
func (kb *KB) TrashList() ([]search.TrashEntry, error) {
	trash, err := kb.store.Trash()
	if err != nil {
		return nil, err
	}
	out := make([]search.TrashEntry, len(trash))
	for i, t := range trash {
		out[i] = search.TrashEntry{ID: t.ID, Type: t.Type, Title: t.Title, Deleted: t.Deleted}
	}
	return out, nil
}
