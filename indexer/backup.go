package indexer

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/fundus-kb/fundus/indexer/store"
	"github.com/fundus-kb/fundus/search"
)

// Backup writes a consistent backup of the store to w. The index is not
// part of it: a restore rebuilds it.
func (kb *KB) Backup(ctx context.Context, w io.Writer) error { return kb.store.Backup(ctx, w) }

// restoreDir is where Restore builds the store and index before it moves
// them into the data directory. While it exists without a store beside it,
// a restore was interrupted (or is running), and Open refuses the data
// directory rather than open an empty store that looks healthy.
const restoreDir = "restore.partial"

// ErrIncompleteRestore reports a data directory holding an interrupted
// restore.
var ErrIncompleteRestore = errors.New("incomplete restore")

// Restore loads a backup into cfg.DataDir, which must not hold a store
// yet, and rebuilds the index from it. It returns the number of documents.
//
// # Crash safety
//
// The store and the index are built in restore.partial inside the data
// directory, then renamed into place: the store first (the commit point),
// then the index, and restore.partial is removed. A restore that dies
// before the commit leaves restore.partial and no store, which Open,
// and so serve, check and restore, report as ErrIncompleteRestore, naming
// the directory to remove. One that dies after it leaves a store, and Open
// finishes the move. A restore that fails with an error removes
// restore.partial itself. The staging directory is inside the data
// directory, not beside it, so that a restore needs no write access to the
// parent and works when the data directory is a mount point.
//
// Restore refuses a data directory that another process holds, and one
// inside another data directory (a store/ or index/ directory, or a
// path below them), where it would write into a live store.
func Restore(ctx context.Context, cfg Config, r io.Reader) (int, error) {
	dir := cfg.DataDir
	if dir == "" {
		return 0, errors.New("restore: no data directory given")
	}
	if err := checkRestoreTarget(dir); err != nil {
		return 0, err
	}
	if finish, err := checkIncompleteRestore(dir); err != nil {
		return 0, err
	} else if finish {
		return 0, fmt.Errorf("restore: %s already holds a store (from a restore whose last step Open will finish); restore into an empty data directory", dir)
	}
	storePath := filepath.Join(dir, storeDir)
	if nonEmpty(storePath) {
		// Name a running server rather than just the store.
		st, err := store.Open(storePath, store.Options{Logger: cfg.Logger})
		if err != nil {
			return 0, fmt.Errorf("restore: %w", err)
		}
		st.Close()
		return 0, fmt.Errorf("restore: %s already holds a store; restore into an empty data directory", dir)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return 0, fmt.Errorf("restore: %w", err)
	}
	staging := filepath.Join(dir, restoreDir)
	if err := os.Mkdir(staging, 0o755); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return 0, incompleteRestore(dir)
		}
		return 0, fmt.Errorf("restore: %w", err)
	}
	syncDir(dir)
	n, err := restoreInto(ctx, cfg, staging, r)
	if err == nil {
		// The commit point: the store moves into place. An empty store
		// directory (from an older version) gives way; a full one does
		// not (os.Remove fails), and neither does the rename.
		os.Remove(storePath)
		if err = os.Rename(filepath.Join(staging, storeDir), storePath); err != nil {
			err = fmt.Errorf("restore: move the store into place: %w", err)
		}
	}
	if err != nil {
		if rerr := os.RemoveAll(staging); rerr != nil {
			return 0, fmt.Errorf("%w (and removing %s failed: %v; remove it before restoring again)", err, staging, rerr)
		}
		syncDir(dir)
		return 0, err
	}
	syncDir(dir)
	if err := finishRestoreMove(dir); err != nil {
		return 0, err
	}
	return n, nil
}

// restoreInto loads the backup into a store in staging and builds the
// index beside it, and returns the number of documents.
func restoreInto(ctx context.Context, cfg Config, staging string, r io.Reader) (int, error) {
	st, err := store.Open(filepath.Join(staging, storeDir), store.Options{Logger: cfg.Logger})
	if err != nil {
		return 0, fmt.Errorf("restore: %w", err)
	}
	if err := st.Load(r); err != nil {
		st.Close()
		return 0, err
	}
	if err := st.Close(); err != nil {
		return 0, fmt.Errorf("restore: %w", err)
	}
	sub := cfg
	sub.DataDir, sub.Background = staging, false
	kb, err := Open(ctx, sub)
	if err != nil {
		return 0, fmt.Errorf("restore: build the index: %w", err)
	}
	s, err := kb.Stats()
	if cerr := kb.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return 0, fmt.Errorf("restore: %w", err)
	}
	return s.Documents, nil
}

// finishRestoreMove moves a restored index into place, replacing any index
// from before (it would claim the wrong documents), and removes the
// staging directory. The restored store is in place already.
func finishRestoreMove(dir string) error {
	staging := filepath.Join(dir, restoreDir)
	// Each index that staging still holds replaces the one in place. A
	// move cut short is finished by the next Open, which sees
	// restore.partial again and moves what is left.
	for _, v := range []view{allView, publicView} {
		if _, err := os.Stat(filepath.Join(staging, v.dir)); err != nil {
			continue // moved already, or no members-only documents
		}
		for _, d := range []string{v.dir, v.newDir(), v.oldDir()} {
			if err := os.RemoveAll(filepath.Join(dir, d)); err != nil {
				return fmt.Errorf("restore: remove the old %s: %w", d, err)
			}
		}
		if err := os.Rename(filepath.Join(staging, v.dir), filepath.Join(dir, v.dir)); err != nil {
			return fmt.Errorf("restore: move %s into place: %w", v.dir, err)
		}
	}
	if err := os.RemoveAll(staging); err != nil {
		return fmt.Errorf("restore: remove %s: %w", staging, err)
	}
	syncDir(dir)
	return nil
}

// checkIncompleteRestore reports an interrupted restore in dir. It
// returns finish set when a restore got past its commit point (its store
// is in place) but not to its end: the caller finishes it with
// finishRestoreMove once it holds the store.
func checkIncompleteRestore(dir string) (finish bool, err error) {
	staging := filepath.Join(dir, restoreDir)
	if _, err := os.Stat(staging); err != nil {
		return false, nil
	}
	if nonEmpty(filepath.Join(dir, storeDir)) && !exists(filepath.Join(staging, storeDir)) {
		return true, nil
	}
	return false, incompleteRestore(dir)
}

func incompleteRestore(dir string) error {
	return fmt.Errorf("%w in %s: a `fundus restore` into it did not finish (or is still running); remove %s and restore again",
		ErrIncompleteRestore, dir, filepath.Join(dir, restoreDir))
}

// checkRestoreTarget refuses a restore into a directory inside another
// data directory.
func checkRestoreTarget(dir string) error {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	for p := filepath.Dir(abs); ; p = filepath.Dir(p) {
		if isDataDir(p) {
			return fmt.Errorf("restore: %s is inside the data directory %s; restore into a directory of its own", dir, p)
		}
		if filepath.Dir(p) == p {
			return nil
		}
	}
}

// isDataDir reports whether dir looks like a Fundus data directory: it
// holds a Badger store, a Bleve index or a restore in progress.
func isDataDir(dir string) bool {
	return exists(filepath.Join(dir, storeDir, "MANIFEST")) ||
		exists(filepath.Join(dir, indexDir, "index_meta.json")) ||
		exists(filepath.Join(dir, restoreDir))
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// nonEmpty reports whether dir exists and holds anything.
func nonEmpty(dir string) bool {
	entries, err := os.ReadDir(dir)
	return err == nil && len(entries) > 0
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

// Undelete restores a document from the trash and indexes it.
func (kb *KB) Undelete(ctx context.Context, id string) error {
	if !kb.ready.Load() {
		return ErrNotReady
	}
	if kb.cl != nil {
		return kb.cl.undelete(ctx, id)
	}
	if err := kb.refuseClusterStore(); err != nil {
		return err
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
func (kb *KB) PurgeTrash(ctx context.Context, olderThan time.Duration) (int, error) {
	var cutoff time.Time
	if olderThan > 0 {
		cutoff = time.Now().Add(-olderThan)
	}
	return kb.store.PurgeTrash(ctx, cutoff)
}

// TrashList lists deleted documents that can still be restored.
func (kb *KB) TrashList(ctx context.Context) ([]search.TrashEntry, error) {
	trash, err := kb.store.Trash(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]search.TrashEntry, len(trash))
	for i, t := range trash {
		out[i] = search.TrashEntry{ID: t.ID, Type: t.Type, Title: t.Title, Deleted: t.Deleted}
	}
	return out, nil
}
