package indexer

// The read path: stored documents, searches and answers on the index the
// context may see, and the figures monitoring reads.

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
	"time"

	"github.com/fundus-kb/fundus/indexer/store"
	"github.com/fundus-kb/fundus/search"
)

// Get returns a stored document.
func (kb *KB) Get(id string) (*store.Stored, error) { return kb.store.Get(id) }

// Document returns a stored document, or an error wrapping
// search.ErrNotFound.
func (kb *KB) Document(ctx context.Context, id string) (*search.Document, error) {
	st, err := kb.store.Get(id)
	if err != nil {
		return nil, err
	}
	if !search.Visible(ctx, &st.Document) {
		// Members-only documents do not exist for the public: not found,
		// not forbidden.
		return nil, fmt.Errorf("get %q: %w", id, search.ErrNotFound)
	}
	return &st.Document, nil
}

// Raw returns a document's raw source bytes.
func (kb *KB) Raw(id string) ([]byte, error) { return kb.store.Raw(id) }

// Search searches the index ctx may see.
func (kb *KB) Search(ctx context.Context, r search.Request) (*search.Result, error) {
	return read(kb, ctx, func(ix *search.Index) (*search.Result, error) { return ix.Search(ctx, r) })
}

// Answers finds the passages that answer r.Query in the index ctx may
// see (search.Index.Answers).
func (kb *KB) Answers(ctx context.Context, r search.Request, n int) (*search.AnswerResult, error) {
	return read(kb, ctx, func(ix *search.Index) (*search.AnswerResult, error) { return ix.Answers(ctx, r, n) })
}

// Maintain runs periodic upkeep until ctx ends: it purges trashed
// documents older than retention (never, when retention is 0) and runs
// Badger value-log garbage collection, so that the space of replaced and
// purged documents is given back.
func (kb *KB) Maintain(ctx context.Context, every, retention time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		if retention > 0 {
			if n, err := kb.PurgeTrash(ctx, retention); err != nil {
				kb.log.Warn("purge trash", "err", err)
			} else if n > 0 {
				kb.log.Info("purged trash", "documents", n, "older_than", retention)
			}
		}
		if err := kb.store.GC(); err != nil {
			kb.log.Warn("store maintenance", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// read runs f on the index a request with ctx searches (readIndex),
// which stays in place, not swapped by a rebuild, until f returns.
func read[T any](kb *KB, ctx context.Context, f func(*search.Index) (T, error)) (T, error) {
	ix, done, err := kb.readIndex(ctx)
	if err != nil {
		var zero T
		return zero, err
	}
	defer done()
	return f(ix)
}

// readIndex returns the index a request with ctx searches, and a
// function to call when done; ErrNotReady while the index is being
// recovered. Requests without search.Members get the public index, members
// the index of every document (the public one while there is none).
func (kb *KB) readIndex(ctx context.Context) (*search.Index, func(), error) {
	kb.imu.RLock()
	if kb.index == nil || !kb.ready.Load() {
		kb.imu.RUnlock()
		return nil, nil, ErrNotReady
	}
	if kb.all != nil && search.Members(ctx) {
		return kb.all, kb.imu.RUnlock, nil
	}
	return kb.index, kb.imu.RUnlock, nil
}

// widest returns the index holding every document (the public one while
// no members-only document exists) and the lowest checkpoint of the
// indexes. The caller holds imu.
func (kb *KB) widest() (*search.Index, uint64, error) {
	ix := kb.index
	if kb.all != nil {
		ix = kb.all
	}
	cp, err := kb.index.Checkpoint()
	if err == nil && kb.all != nil {
		var acp uint64
		acp, err = kb.all.Checkpoint()
		cp = min(cp, acp)
	}
	return ix, cp, err
}

// Stats describes the knowledge base.
type Stats struct {
	Documents    int            `json:"documents"`
	Indexed      uint64         `json:"indexed"`
	ByType       map[string]int `json:"by_type"`
	ByLanguage   map[string]int `json:"by_language"`
	Seq          uint64         `json:"seq"`
	Checkpoint   uint64         `json:"checkpoint"`
	StoreBytes   int64          `json:"store_bytes"`
	IndexBytes   int64          `json:"index_bytes"`
	IndexVersion string         `json:"index_version"`
	Ready        bool           `json:"ready"`
	DataDir      string         `json:"data_dir"`
}

// Stats counts documents by type and language from the store, and reports
// the index's state and sizes.
func (kb *KB) Stats() (*Stats, error) {
	s := &Stats{ByType: map[string]int{}, ByLanguage: map[string]int{}, DataDir: kb.dir, IndexVersion: search.MappingVersion()}
	seq, err := kb.store.Snapshot(func(st *store.Stored) error {
		s.Documents++
		s.ByType[st.Type]++
		s.ByLanguage[st.Language]++
		return nil
	})
	if err != nil {
		return nil, err
	}
	s.Seq = seq
	s.StoreBytes = DiskUsage(filepath.Join(kb.dir, storeDir))
	s.IndexBytes = kb.indexBytes()
	if s.Ready, s.Indexed, s.Checkpoint, err = kb.indexState(); err != nil {
		return nil, err
	}
	return s, nil
}

// indexState reports whether the index is ready and, if so, how many
// documents the widest index holds and the lowest checkpoint.
func (kb *KB) indexState() (ready bool, indexed, checkpoint uint64, err error) {
	_, done, err := kb.readIndex(context.Background())
	if errors.Is(err, ErrNotReady) {
		return false, 0, 0, nil
	}
	if err != nil {
		return false, 0, 0, err
	}
	defer done()
	ix, cp, err := kb.widest()
	if err != nil {
		return false, 0, 0, err
	}
	n, err := ix.Count()
	return err == nil, n, cp, err
}

// indexBytes returns the disk space the indexes take.
func (kb *KB) indexBytes() int64 {
	_, index := DataDirUsage(kb.dir)
	return index
}

// DataDirUsage returns the disk space of a data directory's store and of
// its indexes (DiskUsage). While a process has the directory open, an
// index may be merging segments into a new file with the old ones still
// there: measured then, the index looks bigger than it stays.
func DataDirUsage(dir string) (store, index int64) {
	return DiskUsage(filepath.Join(dir, storeDir)),
		DiskUsage(filepath.Join(dir, indexDir)) + DiskUsage(filepath.Join(dir, allIndexDir))
}

// DiskUsage returns the disk space the files under dir take. Badger
// preallocates sparse files, so allocated blocks count (512-byte blocks
// from stat), not apparent sizes; where stat has no blocks, file sizes.
func DiskUsage(dir string) int64 {
	var n int64
	filepath.WalkDir(dir, func(_ string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return nil
		}
		if st, ok := info.Sys().(*syscall.Stat_t); ok {
			n += st.Blocks * 512
		} else {
			n += info.Size()
		}
		return nil
	})
	return n
}

// Gauges reports the figures a monitoring system scrapes. It is cheaper
// than Stats: it counts keys and files instead of decoding documents.
func (kb *KB) Gauges() (search.Gauges, error) {
	g := search.Gauges{Seq: kb.store.LastSeq()}
	var err error
	if g.Documents, err = kb.store.Count(); err != nil {
		return g, err
	}
	if g.Trashed, err = kb.store.TrashCount(); err != nil {
		return g, err
	}
	g.StoreBytes = DiskUsage(filepath.Join(kb.dir, storeDir))
	g.IndexBytes = kb.indexBytes()
	g.Ready, g.Indexed, g.Checkpoint, err = kb.indexState()
	return g, err
}
