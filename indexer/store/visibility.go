package store

import (
	"encoding/json"
	"fmt"

	"github.com/dgraph-io/badger/v4"

	"github.com/fundus-kb/fundus/search"
)

// MembersOnly counts the members-only documents the store holds, live and
// in the trash: what a backup of it would hand out.
func (s *Store) MembersOnly() (int, error) {
	n := 0
	err := s.db.View(func(txn *badger.Txn) error {
		for _, prefix := range [][]byte{prefixDoc, prefixTrash} {
			it := txn.NewIterator(badger.IteratorOptions{PrefetchValues: true, PrefetchSize: 100, Prefix: prefix})
			for it.Rewind(); it.Valid(); it.Next() {
				var d struct {
					Visibility string `json:"visibility"`
				}
				if err := it.Item().Value(func(v []byte) error { return json.Unmarshal(v, &d) }); err != nil {
					it.Close()
					return fmt.Errorf("decode %q: %w", it.Item().Key(), err)
				}
				if d.Visibility == search.VisibilityMembers {
					n++
				}
			}
			it.Close()
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("count members-only documents: %w", err)
	}
	return n, nil
}
