package store

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/dgraph-io/badger/v4"

	"github.com/fundus-kb/fundus/search"
)

// Trashed is a deleted document kept until the trash is purged.
type Trashed struct {
	Stored
	Deleted time.Time `json:"deleted"`
}

// ErrExists reports an undelete of an id that has a live document.
var ErrExists = fmt.Errorf("a document with this id exists: %w", search.ErrConflict)

// Trash lists the documents in the trash, in id order.
func (s *Store) Trash(ctx context.Context) ([]Trashed, error) {
	var out []Trashed
	err := s.db.View(func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.IteratorOptions{PrefetchValues: true, Prefix: prefixTrash})
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			if err := ctx.Err(); err != nil {
				return err
			}
			var t Trashed
			if err := it.Item().Value(func(v []byte) error { return json.Unmarshal(v, &t) }); err != nil {
				return fmt.Errorf("decode %q: %w", it.Item().Key(), err)
			}
			out = append(out, t)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("list trash: %w", err)
	}
	return out, nil
}

// Trashed returns the document id has in the trash and its raw source
// bytes; it returns ErrNotFound when the trash has no such id.
func (s *Store) Trashed(id string) (*Trashed, []byte, error) {
	var t Trashed
	var raw []byte
	err := s.db.View(func(txn *badger.Txn) error {
		item, err := txn.Get(trashKey(id))
		if errors.Is(err, badger.ErrKeyNotFound) {
			return ErrNotFound
		}
		if err != nil {
			return err
		}
		if err := item.Value(func(v []byte) error { return json.Unmarshal(v, &t) }); err != nil {
			return err
		}
		raw, err = getBytes(txn, trashRawKey(id))
		if errors.Is(err, ErrNotFound) {
			return nil
		}
		return err
	})
	if err != nil {
		return nil, nil, fmt.Errorf("trashed %q: %w", id, err)
	}
	return &t, raw, nil
}

// Undelete moves a document from the trash back into the store, as a new
// journal entry. It returns ErrNotFound when the trash has no such id and
// ErrExists when the id has a live document again.
func (s *Store) Undelete(id string) (*Entry, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	txn := s.db.NewTransaction(true)
	defer txn.Discard()
	item, err := txn.Get(trashKey(id))
	if errors.Is(err, badger.ErrKeyNotFound) {
		return nil, fmt.Errorf("undelete %q: %w", id, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("undelete %q: %w", id, err)
	}
	var t Trashed
	if err := item.Value(func(v []byte) error { return json.Unmarshal(v, &t) }); err != nil {
		return nil, fmt.Errorf("undelete %q: %w", id, err)
	}
	if _, err := getDoc(txn, id); err == nil {
		return nil, fmt.Errorf("undelete %q: %w", id, ErrExists)
	} else if !errors.Is(err, ErrNotFound) {
		return nil, fmt.Errorf("undelete %q: %w", id, err)
	}
	raw, err := getBytes(txn, trashRawKey(id))
	if err != nil && !errors.Is(err, ErrNotFound) {
		return nil, fmt.Errorf("undelete %q: %w", id, err)
	}
	seq := s.seq + 1
	st := t.Stored
	st.Seq, st.Updated = seq, time.Now().UTC()
	e := &Entry{Seq: seq, Op: OpPut, ID: id}
	steps := []func() error{
		func() error { return setJSON(txn, docKey(id), &st) },
		func() error { return txn.Set(rawKey(id), raw) },
		func() error { return txn.Delete(trashKey(id)) },
		func() error { return txn.Delete(trashRawKey(id)) },
		func() error { return setJSON(txn, journalKey(seq), e) },
		func() error { return txn.Set(keySeq, binary.BigEndian.AppendUint64(nil, seq)) },
	}
	if st.Origin != "" {
		steps = append(steps, func() error { return txn.Set(sourceKey(st.Origin, id), nil) })
	}
	for _, step := range steps {
		if err := step(); err != nil {
			return nil, fmt.Errorf("undelete %q: %w", id, err)
		}
	}
	if err := txn.Commit(); err != nil {
		return nil, fmt.Errorf("undelete %q: %w", id, err)
	}
	s.seq = seq
	return e, nil
}

// PurgeTrash removes trashed documents deleted before cutoff for good, and
// returns how many it removed. A zero cutoff purges everything.
func (s *Store) PurgeTrash(ctx context.Context, cutoff time.Time) (int, error) {
	trash, err := s.Trash(ctx)
	if err != nil {
		return 0, err
	}
	n := 0
	wb := s.db.NewWriteBatch()
	defer wb.Cancel()
	for _, t := range trash {
		if !cutoff.IsZero() && !t.Deleted.Before(cutoff) {
			continue
		}
		if err := wb.Delete(trashKey(t.ID)); err != nil {
			return 0, fmt.Errorf("purge trash: %w", err)
		}
		if err := wb.Delete(trashRawKey(t.ID)); err != nil {
			return 0, fmt.Errorf("purge trash: %w", err)
		}
		n++
	}
	if err := wb.Flush(); err != nil {
		return 0, fmt.Errorf("purge trash: %w", err)
	}
	return n, nil
}

// Backup writes a consistent full backup of the store to w (Badger's
// backup stream format). It stops with ctx's error at the next write
// after ctx ends (Badger's backup takes no context).
func (s *Store) Backup(ctx context.Context, w io.Writer) error {
	if _, err := s.db.Backup(ctxWriter{ctx, w}, 0); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	return nil
}

// ctxWriter is a writer that fails once its context has ended.
type ctxWriter struct {
	ctx context.Context
	w   io.Writer
}

func (c ctxWriter) Write(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.w.Write(p)
}

// Load reads a backup written by Backup into the store, which should be
// empty, and re-reads the sequence number.
func (s *Store) Load(r io.Reader) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.db.Load(r, 256); err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	return s.db.View(func(txn *badger.Txn) error {
		seq, err := readSeq(txn)
		if err == nil {
			s.seq = seq
		}
		return err
	})
}

// TrashCount returns the number of documents in the trash.
func (s *Store) TrashCount() (int, error) {
	n, err := s.countPrefix(prefixTrash)
	if err != nil {
		return 0, fmt.Errorf("count trash: %w", err)
	}
	return n, nil
}
