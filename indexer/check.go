package indexer

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/fundus-kb/fundus/indexer/store"
	"github.com/fundus-kb/fundus/search"
)

// CheckReport lists every difference between the store and the index.
type CheckReport struct {
	Documents  int      `json:"documents"`
	Indexed    int      `json:"indexed"`
	Seq        uint64   `json:"seq"`
	Checkpoint uint64   `json:"checkpoint"`
	Missing    []string `json:"missing"` // stored, not indexed
	Extra      []string `json:"extra"`   // indexed, not stored
	Stale      []string `json:"stale"`   // indexed with other content than stored
	// InvalidIDs lists stored documents whose ids Fundus no longer accepts
	// (search.ValidateID), kept from before it refused them. They are
	// readable and deletable, but a write under such an id is refused.
	// They do not make the report fail: repair cannot choose new ids.
	InvalidIDs []string `json:"invalid_ids"`
	Repaired   bool     `json:"repaired,omitempty"`
}

// OK reports whether the index agrees with the store.
func (r *CheckReport) OK() bool {
	return len(r.Missing) == 0 && len(r.Extra) == 0 && len(r.Stale) == 0 && r.Checkpoint == r.Seq
}

// Check compares the index with the store, document by document (ids and
// content hashes), and with repair set, fixes every difference: missing
// and stale documents are indexed again from the store, extra ones removed,
// and the checkpoint brought up to the store's sequence number. Writes wait
// while it runs.
func (kb *KB) Check(ctx context.Context, repair bool) (*CheckReport, error) {
	kb.wmu.Lock()
	defer kb.wmu.Unlock()
	if kb.closed {
		return nil, errors.New("knowledge base is closed")
	}
	if kb.index == nil {
		return nil, ErrNotReady
	}
	rep, err := kb.check(ctx)
	if err != nil || !repair || rep.OK() {
		return rep, err
	}
	var changes []search.Change
	for _, id := range slices.Concat(rep.Missing, rep.Stale) {
		st, err := kb.store.Get(id)
		if errors.Is(err, store.ErrNotFound) {
			changes = append(changes, search.Change{ID: id})
			continue
		}
		if err != nil {
			return rep, err
		}
		changes = append(changes, search.Change{ID: id, Doc: &st.Document, Hash: st.Hash})
	}
	for _, id := range rep.Extra {
		changes = append(changes, search.Change{ID: id})
	}
	for i := 0; i < len(changes) || i == 0; i += applyBatch {
		chunk := changes[i:min(i+applyBatch, len(changes))]
		cp := rep.Checkpoint
		if i+applyBatch >= len(changes) {
			cp = rep.Seq
		}
		if err := kb.index.Apply(chunk, cp); err != nil {
			return rep, fmt.Errorf("repair: %w", err)
		}
	}
	after, err := kb.check(ctx)
	if err != nil {
		return rep, err
	}
	if !after.OK() {
		return after, fmt.Errorf("repair left %d missing, %d extra, %d stale documents", len(after.Missing), len(after.Extra), len(after.Stale))
	}
	rep.Repaired = true
	return rep, nil
}

func (kb *KB) check(ctx context.Context) (*CheckReport, error) {
	rep := &CheckReport{Missing: []string{}, Extra: []string{}, Stale: []string{}, InvalidIDs: []string{}}
	stored := map[string]string{}
	seq, err := kb.store.Snapshot(func(st *store.Stored) error {
		stored[st.ID] = st.Hash
		if search.ValidateID(st.ID) != nil {
			rep.InvalidIDs = append(rep.InvalidIDs, st.ID)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	rep.Seq, rep.Documents = seq, len(stored)
	if rep.Checkpoint, err = kb.index.Checkpoint(); err != nil {
		return nil, err
	}
	err = kb.index.EachIndexed(ctx, func(id, hash string) error {
		rep.Indexed++
		want, ok := stored[id]
		switch {
		case !ok:
			rep.Extra = append(rep.Extra, id)
		case want != hash:
			rep.Stale = append(rep.Stale, id)
		}
		delete(stored, id)
		return nil
	})
	if err != nil {
		return nil, err
	}
	for id := range stored {
		rep.Missing = append(rep.Missing, id)
	}
	slices.Sort(rep.Missing)
	return rep, nil
}
