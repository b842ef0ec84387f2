package indexer

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/fundus-kb/fundus/indexer/store"
	"github.com/fundus-kb/fundus/search"
)

// CheckReport lists every difference between the store and an index.
type CheckReport struct {
	// Documents counts the stored documents the index must hold: the
	// public ones for the public index, all of them for index-all.
	Documents  int      `json:"documents"`
	Indexed    int      `json:"indexed"`
	Seq        uint64   `json:"seq"`
	Checkpoint uint64   `json:"checkpoint"`
	Missing    []string `json:"missing"` // stored, not indexed
	Extra      []string `json:"extra"`   // indexed, not stored (or not visible to the index)
	Stale      []string `json:"stale"`   // indexed with other content than stored
	// InvalidIDs lists stored documents whose ids Fundus no longer accepts
	// (search.ValidateID), kept from before it refused them. They are
	// readable and deletable, but a write under such an id is refused.
	// They do not make the report fail: repair cannot choose new ids.
	InvalidIDs []string `json:"invalid_ids"`
	Repaired   bool     `json:"repaired,omitempty"`
	// All compares index-all, the index of every document members search,
	// with the store; nil when the store holds no members-only document
	// and there is no such index. The fields above are the public index's.
	All *CheckReport `json:"all_index,omitempty"`
}

// OK reports whether the indexes agree with the store.
func (r *CheckReport) OK() bool {
	return len(r.Missing) == 0 && len(r.Extra) == 0 && len(r.Stale) == 0 && r.Checkpoint == r.Seq && (r.All == nil || r.All.OK())
}

// Check compares the indexes with the store, document by document (ids and
// content hashes), and with repair set, fixes every difference: missing
// and stale documents are indexed again from the store, extra ones removed,
// and the checkpoints brought up to the store's sequence number (a missing
// index-all is built). Writes wait while it runs.
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
	// index-all first (package doc).
	if rep.All != nil && !rep.All.OK() {
		if kb.all == nil {
			err = kb.rebuild(ctx, allView)
		} else {
			err = kb.repair(allView, rep.All)
		}
		if err != nil {
			return rep, err
		}
	}
	if err := kb.repair(publicView, rep); err != nil {
		return rep, err
	}
	after, err := kb.check(ctx)
	if err != nil {
		return rep, err
	}
	if !after.OK() {
		all := after.All
		if all == nil {
			all = &CheckReport{}
		}
		return after, fmt.Errorf("repair left %d missing, %d extra, %d stale documents", len(after.Missing)+len(all.Missing), len(after.Extra)+len(all.Extra), len(after.Stale)+len(all.Stale))
	}
	rep.Repaired = true
	return rep, nil
}

// repair fixes the differences rep found in the index of v.
func (kb *KB) repair(v view, rep *CheckReport) error {
	ix := *kb.indexOf(v)
	var changes []search.Change
	for _, id := range slices.Concat(rep.Missing, rep.Stale) {
		st, err := kb.store.Get(id)
		if errors.Is(err, store.ErrNotFound) {
			changes = append(changes, search.Change{ID: id})
			continue
		}
		if err != nil {
			return err
		}
		changes = append(changes, search.Change{ID: id, Doc: &st.Document, Hash: st.Hash})
	}
	for _, id := range rep.Extra {
		changes = append(changes, search.Change{ID: id})
	}
	changes = v.changes(changes)
	for i := 0; i < len(changes) || i == 0; i += applyBatch {
		chunk := changes[i:min(i+applyBatch, len(changes))]
		cp := rep.Checkpoint
		if i+applyBatch >= len(changes) {
			cp = rep.Seq
		}
		if err := ix.Apply(chunk, cp); err != nil {
			return fmt.Errorf("repair %s: %w", v.dir, err)
		}
	}
	return nil
}

// stored is what check needs of a stored document.
type stored struct {
	hash    string
	members bool
}

func (kb *KB) check(ctx context.Context) (*CheckReport, error) {
	docs := map[string]stored{}
	members := 0
	invalid := []string{}
	seq, err := kb.store.Snapshot(func(st *store.Stored) error {
		if search.ValidateID(st.ID) != nil {
			invalid = append(invalid, st.ID)
		}
		m := st.Visibility == search.VisibilityMembers
		if m {
			members++
		}
		docs[st.ID] = stored{st.Hash, m}
		return nil
	})
	if err != nil {
		return nil, err
	}
	rep, err := kb.checkView(ctx, publicView, docs, seq)
	if err != nil {
		return nil, err
	}
	rep.InvalidIDs = invalid
	if kb.all != nil || members > 0 {
		if rep.All, err = kb.checkView(ctx, allView, docs, seq); err != nil {
			return nil, err
		}
	}
	return rep, nil
}

// checkView compares the index of v (missing: none) with docs, the store
// at seq.
func (kb *KB) checkView(ctx context.Context, v view, docs map[string]stored, seq uint64) (*CheckReport, error) {
	rep := &CheckReport{Seq: seq, Missing: []string{}, Extra: []string{}, Stale: []string{}}
	want := map[string]string{}
	for id, d := range docs {
		if !v.public || !d.members {
			want[id] = d.hash
		}
	}
	rep.Documents = len(want)
	if ix := *kb.indexOf(v); ix != nil {
		var err error
		if rep.Checkpoint, err = ix.Checkpoint(); err != nil {
			return nil, err
		}
		err = ix.EachIndexed(ctx, func(id, hash string) error {
			rep.Indexed++
			h, ok := want[id]
			switch {
			case !ok:
				rep.Extra = append(rep.Extra, id)
			case h != hash:
				rep.Stale = append(rep.Stale, id)
			}
			delete(want, id)
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("check %s: %w", v.dir, err)
		}
	}
	for id := range want {
		rep.Missing = append(rep.Missing, id)
	}
	slices.Sort(rep.Missing)
	return rep, nil
}
