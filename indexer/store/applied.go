package store

import (
	"encoding/binary"
	"errors"
	"fmt"
	"time"

	"github.com/dgraph-io/badger/v4"
)

// keyApplied holds, in cluster mode, the sequence number of the last
// replicated-journal entry (a JetStream stream sequence) whose writes the
// store holds: 8 bytes big-endian.
var keyApplied = []byte("m/applied")

// stamp is the applied record a commit sets in the transaction that
// commits its last write.
type stamp struct {
	applied uint64
	done    bool
}

func (st *stamp) set(txn *badger.Txn) error {
	if err := txn.Set(keyApplied, binary.BigEndian.AppendUint64(nil, st.applied)); err != nil {
		return fmt.Errorf("commit: set applied entry: %w", err)
	}
	return nil
}

// commitStamp commits the applied record on its own, for an entry whose
// writes left nothing to commit with it. The caller holds mu.
func (s *Store) commitStamp(st *stamp) error {
	txn := s.db.NewTransaction(true)
	defer txn.Discard()
	if err := st.set(txn); err != nil {
		return err
	}
	if err := txn.Commit(); err != nil {
		return fmt.Errorf("commit applied entry %d: %w", st.applied, err)
	}
	st.done = true
	return nil
}

// CommitApplied is CommitSeq for the writes of replicated-journal entry
// applied, stamped with the entry's time now (so that every node records
// the same times). The transaction that commits the last of the writes
// also records applied (see Applied), so that after a crash the store
// says exactly which entries it holds: an entry whose writes span several
// transactions and that was cut short is applied again, which changes
// nothing already committed (its puts are unchanged, its deletes
// missing) and completes the rest. Entries must be applied in order, and
// applied must be above Applied.
func (s *Store) CommitApplied(writes []Write, applied uint64, now time.Time) (results []Result, before, after uint64, err error) {
	return s.commitSeq(writes, now.UTC(), &stamp{applied: applied})
}

// Applied returns the last replicated-journal entry the store holds (see
// CommitApplied): 0 when it has applied none.
func (s *Store) Applied() (uint64, error) {
	var n uint64
	err := s.db.View(func(txn *badger.Txn) error {
		item, err := txn.Get(keyApplied)
		if errors.Is(err, badger.ErrKeyNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		return item.Value(func(v []byte) error {
			if len(v) != 8 {
				return fmt.Errorf("bad applied record of %d bytes", len(v))
			}
			n = binary.BigEndian.Uint64(v)
			return nil
		})
	})
	if err != nil {
		return 0, fmt.Errorf("read applied entry: %w", err)
	}
	return n, nil
}
