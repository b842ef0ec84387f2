package indexer

// The indexes are derived from the store: opened at start, brought up to
// date by replaying the journal from their checkpoint, or rebuilt from the
// store when they are missing, of another version or unreadable (kb.go's
// package doc has the protocol).

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/fundus-kb/fundus/indexer/store"
	"github.com/fundus-kb/fundus/search"
)

// openIndex opens the indexes, replays the journal into them, or rebuilds
// them.
func (kb *KB) openIndex(ctx context.Context) error {
	// Left-overs of an interrupted rebuild or swap.
	for _, v := range views {
		if _, err := os.Stat(filepath.Join(kb.dir, v.dir)); errors.Is(err, os.ErrNotExist) {
			if _, err := os.Stat(filepath.Join(kb.dir, v.oldDir())); err == nil {
				// A swap was interrupted between its two renames: the old
				// index is intact, but a rebuild is as good and simpler.
				kb.log.Warn("found an interrupted index swap; rebuilding", "index", v.dir)
			}
		}
		for _, d := range []string{v.newDir(), v.oldDir()} {
			if err := os.RemoveAll(filepath.Join(kb.dir, d)); err != nil {
				return fmt.Errorf("remove %s: %w", d, err)
			}
		}
	}
	// index-all first, when there is one: the public index's replay or
	// rebuild builds it when it meets a members-only document.
	if _, err := os.Stat(filepath.Join(kb.dir, allIndexDir)); err == nil {
		if err := kb.openView(ctx, allView); err != nil {
			return err
		}
	}
	return kb.openView(ctx, publicView)
}

// openView opens the index of v, replays the journal into it, or
// rebuilds it.
func (kb *KB) openView(ctx context.Context, v view) error {
	path := filepath.Join(kb.dir, v.dir)
	idx, err := search.Open(path)
	if err == nil {
		var cp uint64
		cp, err = idx.Checkpoint()
		if err == nil && cp > kb.store.LastSeq() {
			err = fmt.Errorf("index checkpoint %d is ahead of the store (%d): %w", cp, kb.store.LastSeq(), search.ErrRebuild)
		}
		if err == nil {
			err = kb.checkScope(idx, v)
		}
		if err != nil {
			idx.Close()
		}
	}
	if err != nil {
		if !errors.Is(err, search.ErrRebuild) {
			return err
		}
		if kb.store.LastSeq() == 0 {
			kb.log.Debug("creating a new index", "index", v.dir, "reason", err.Error())
		} else {
			kb.log.Warn("rebuilding index from the store", "index", v.dir, "reason", err.Error())
		}
		return kb.rebuild(ctx, v)
	}
	if err := idx.UseGlossary(kb.gloss.Load()); err != nil {
		kb.log.Warn("apply glossary", "err", err)
	}
	kb.imu.Lock()
	*kb.indexOf(v) = idx
	kb.imu.Unlock()
	n, err := kb.replay(v)
	if err != nil {
		// An index that cannot take the replay is rebuilt rather than
		// trusted.
		kb.log.Warn("replay failed; rebuilding index from the store", "index", v.dir, "err", err)
		return kb.rebuild(ctx, v)
	}
	if n > 0 {
		kb.log.Info("replayed journal into index", "index", v.dir, "entries", n)
	}
	return nil
}

// checkScope returns an error wrapping search.ErrRebuild when idx does
// not hold what v must. An index without a recorded scope predates the
// split: it is kept when it holds no members-only document.
func (kb *KB) checkScope(idx *search.Index, v view) error {
	scope, err := idx.Scope()
	if err != nil {
		return fmt.Errorf("%v: %w", err, search.ErrRebuild)
	}
	switch {
	case scope == v.scope():
		return nil
	case scope != "" || !v.public:
		return fmt.Errorf("index %s holds %q documents, want %q: %w", v.dir, scope, v.scope(), search.ErrRebuild)
	}
	n, err := idx.MembersCount()
	if err != nil {
		return fmt.Errorf("%v: %w", err, search.ErrRebuild)
	}
	if n > 0 {
		return fmt.Errorf("index %s holds %d members-only documents (built before they got an index of their own): %w", v.dir, n, search.ErrRebuild)
	}
	return idx.SetScope(v.scope())
}

// indexOf returns where the KB keeps the index of v.
func (kb *KB) indexOf(v view) **search.Index {
	if v.public {
		return &kb.index
	}
	return &kb.all
}

// replay applies every journal entry after v's index checkpoint to that
// index. It returns the number of entries applied. Replaying the public
// index builds index-all first when it meets a members-only document and
// there is none. The caller holds amu or wmu (or is Open).
func (kb *KB) replay(v view) (int, error) {
	ix := *kb.indexOf(v)
	if ix == nil {
		return 0, nil
	}
	cp, err := ix.Checkpoint()
	if err != nil {
		return 0, err
	}
	last := kb.store.LastSeq()
	if cp >= last {
		return 0, nil
	}
	// Collect the ids touched after the checkpoint; the store holds their
	// current state, which is what the index must show.
	var ids []string
	seen := map[string]bool{}
	n := 0
	err = kb.store.Journal(cp, func(e store.Entry) error {
		n++
		if !seen[e.ID] {
			seen[e.ID] = true
			ids = append(ids, e.ID)
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("replay: %w", err)
	}
	for i := 0; i < len(ids); i += applyBatch {
		chunk := ids[i:min(i+applyBatch, len(ids))]
		changes := make([]search.Change, 0, len(chunk))
		for _, id := range chunk {
			st, err := kb.store.Get(id)
			switch {
			case errors.Is(err, store.ErrNotFound):
				changes = append(changes, search.Change{ID: id})
			case err != nil:
				return 0, fmt.Errorf("replay: %w", err)
			default:
				changes = append(changes, search.Change{ID: id, Doc: &st.Document, Hash: st.Hash})
			}
		}
		if v.public {
			if err := kb.ensureAll(changes); err != nil {
				return 0, fmt.Errorf("replay: %w", err)
			}
		}
		// Only the last batch may claim the last sequence number.
		seq := cp
		if i+applyBatch >= len(ids) {
			seq = last
		}
		if err := ix.Apply(v.changes(changes), seq); err != nil {
			return 0, fmt.Errorf("replay: %w", err)
		}
	}
	return n, nil
}

// ensureAll builds index-all from the store when changes hold a
// members-only document and there is no index-all yet. It runs before the
// public index applies changes (package doc). The caller holds amu or wmu
// (or is Open).
func (kb *KB) ensureAll(changes []search.Change) error {
	if kb.all != nil || !hasMembers(changes) {
		return nil
	}
	kb.log.Info("the store holds members-only documents: building the index of every document", "index", allIndexDir)
	return kb.rebuild(context.Background(), allView)
}

// rebuild builds a new index of v from the store and swaps it in. A
// rebuild of the public index that meets members-only documents also
// builds index-all when there is none. The caller holds wmu (or is Open,
// or is ensureAll).
func (kb *KB) rebuild(ctx context.Context, v view) error {
	newPath := filepath.Join(kb.dir, v.newDir())
	if err := os.RemoveAll(newPath); err != nil {
		return fmt.Errorf("rebuild %s: %w", v.dir, err)
	}
	idx, err := search.Create(newPath)
	if err != nil {
		return fmt.Errorf("rebuild %s: %w", v.dir, err)
	}
	var changes []search.Change
	flush := func(seq uint64) error {
		err := idx.Apply(changes, seq)
		changes = changes[:0]
		return err
	}
	count, members := 0, 0
	last, err := kb.store.Snapshot(func(st *store.Stored) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		if !v.holds(&st.Document) {
			members++
			return nil
		}
		count++
		changes = append(changes, search.Change{ID: st.ID, Doc: &st.Document, Hash: st.Hash})
		if len(changes) >= applyBatch {
			return flush(0)
		}
		return nil
	})
	if err == nil {
		// The final batch records the snapshot's sequence number: until it
		// lands, the new index claims nothing.
		err = flush(last)
	}
	if err == nil {
		err = idx.SetScope(v.scope())
	}
	if err == nil {
		// The glossary's synonyms live in the index: a new index gets them
		// before it is swapped in.
		err = idx.SetGlossary(kb.gloss.Load())
	}
	if err != nil {
		idx.Close()
		os.RemoveAll(newPath)
		return fmt.Errorf("rebuild %s: %w", v.dir, err)
	}
	if err := idx.Close(); err != nil {
		return fmt.Errorf("rebuild %s: %w", v.dir, err)
	}
	if members > 0 && kb.all == nil {
		// index-all first, so that the public index never stands past a
		// members-only document without it.
		if err := kb.rebuild(ctx, allView); err != nil {
			os.RemoveAll(newPath)
			return err
		}
	}

	// Swap: index → index.old, index.new → index.
	kb.imu.Lock()
	defer kb.imu.Unlock()
	path := filepath.Join(kb.dir, v.dir)
	oldPath := filepath.Join(kb.dir, v.oldDir())
	slot := kb.indexOf(v)
	if *slot != nil {
		if err := (*slot).Close(); err != nil {
			kb.log.Warn("close old index", "index", v.dir, "err", err)
		}
		*slot = nil
	}
	if err := os.RemoveAll(oldPath); err != nil {
		return fmt.Errorf("rebuild %s: %w", v.dir, err)
	}
	if _, err := os.Stat(path); err == nil {
		if err := os.Rename(path, oldPath); err != nil {
			return fmt.Errorf("rebuild %s: move old index aside: %w", v.dir, err)
		}
	}
	if err := os.Rename(newPath, path); err != nil {
		return fmt.Errorf("rebuild %s: swap in new index: %w", v.dir, err)
	}
	syncDir(kb.dir)
	if err := os.RemoveAll(oldPath); err != nil {
		kb.log.Warn("remove old index", "index", v.dir, "err", err)
	}
	idx, err = search.Open(path)
	if err != nil {
		return fmt.Errorf("rebuild %s: open new index: %w", v.dir, err)
	}
	if err := idx.UseGlossary(kb.gloss.Load()); err != nil {
		kb.log.Warn("apply glossary", "err", err)
	}
	*slot = idx
	kb.log.Info("index rebuilt from the store", "index", v.dir, "documents", count, "seq", last)
	// Writes are held off during a rebuild, so nothing is newer than the
	// snapshot; replay anyway in case the caller did not hold them.
	if _, err := kb.replay(v); err != nil {
		return fmt.Errorf("rebuild %s: %w", v.dir, err)
	}
	return nil
}

func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
}

// Reindex rebuilds the indexes from the store into new directories and
// swaps them in. Searches keep using the old indexes until the swap;
// writes wait.
func (kb *KB) Reindex(ctx context.Context) error {
	kb.wmu.Lock()
	defer kb.wmu.Unlock()
	hadAll := kb.all != nil
	if err := kb.rebuild(ctx, publicView); err != nil {
		return err
	}
	if hadAll {
		if err := kb.rebuild(ctx, allView); err != nil {
			return err
		}
	}
	kb.ready.Store(true)
	return nil
}
