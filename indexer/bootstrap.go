package indexer

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/fundus-kb/fundus/indexer/store"
)

// StoreState is what a data directory's store holds, for a cluster node
// deciding whether it has to bootstrap from a peer's backup before it
// opens (see package indexer/cluster).
type StoreState struct {
	// Exists is false when the data directory holds no store yet.
	Exists bool
	// Applied is the last replicated-journal entry the store holds (see
	// store.Applied): 0 when it has applied none.
	Applied uint64
	// Documents is the number of stored documents.
	Documents int
}

// ReadStoreState reports what cfg.DataDir's store holds without opening
// the index. It fails with ErrLocked while another process has the
// store open, and with ErrIncompleteRestore on an interrupted restore.
func ReadStoreState(cfg Config) (StoreState, error) {
	dir := cfg.DataDir
	if dir == "" {
		return StoreState{}, errors.New("read store state: no data directory given")
	}
	if _, err := checkIncompleteRestore(dir); err != nil {
		return StoreState{}, err
	}
	path := filepath.Join(dir, storeDir)
	if !nonEmpty(path) {
		return StoreState{}, nil
	}
	st, err := store.Open(path, store.Options{Logger: cfg.Logger})
	if err != nil {
		return StoreState{}, fmt.Errorf("read store state: %w", err)
	}
	defer st.Close()
	s := StoreState{Exists: true}
	if s.Applied, err = st.Applied(); err != nil {
		return StoreState{}, fmt.Errorf("read store state: %w", err)
	}
	if s.Documents, err = st.Count(); err != nil {
		return StoreState{}, fmt.Errorf("read store state: %w", err)
	}
	return s, nil
}

// staleStoreDir is where RestoreReplacing keeps the store it replaces
// until the restore has committed.
const staleStoreDir = "store.stale"

// RestoreReplacing is Restore into a data directory that may hold a store
// already, which the backup replaces: a cluster node whose store is older
// than the journal's retention bootstraps this way from a peer's backup.
// The old store is moved aside to store.stale first and removed once the
// restore has committed; a restore that fails moves it back. (A crash in
// between leaves no store and store.stale, which the next bootstrap
// removes.) cfg.Journal is ignored: the restore builds the index without
// consuming a journal.
func RestoreReplacing(ctx context.Context, cfg Config, r io.Reader) (int, error) {
	dir := cfg.DataDir
	if dir == "" {
		return 0, errors.New("restore: no data directory given")
	}
	cfg.Journal, cfg.Node = nil, ""
	// Refuse a store another process holds before moving it.
	if _, err := ReadStoreState(cfg); err != nil {
		return 0, fmt.Errorf("restore: %w", err)
	}
	storePath, stale := filepath.Join(dir, storeDir), filepath.Join(dir, staleStoreDir)
	if err := os.RemoveAll(stale); err != nil {
		return 0, fmt.Errorf("restore: remove %s: %w", stale, err)
	}
	moved := false
	if nonEmpty(storePath) {
		if err := os.Rename(storePath, stale); err != nil {
			return 0, fmt.Errorf("restore: move the old store aside: %w", err)
		}
		moved = true
		syncDir(dir)
	}
	n, err := Restore(ctx, cfg, r)
	if err != nil {
		if moved && !exists(storePath) {
			if rerr := os.Rename(stale, storePath); rerr != nil {
				return 0, fmt.Errorf("%w (and moving the old store back from %s failed: %v)", err, stale, rerr)
			}
			syncDir(dir)
		}
		return 0, err
	}
	if err := os.RemoveAll(stale); err != nil {
		return n, fmt.Errorf("restore: remove the replaced store %s: %w", stale, err)
	}
	syncDir(dir)
	return n, nil
}
