package indexer

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/fundus-kb/fundus/indexer/store"
	"github.com/fundus-kb/fundus/search"
)

// Journal is a replicated journal (cluster mode): an ordered log of
// entries that every node of a cluster reads in the same order. Package
// indexer/cluster implements it on NATS JetStream.
//
// # Cluster write protocol
//
// With Config.Journal set, commitStore does not commit to the store. It
// encodes the writes as journal entries, publishes each with an id unique
// to that logical write (a retry of the same id is stored once), and
// waits until this node's consumer has applied the entry; it returns the
// outcomes (added, updated, unchanged, deleted) the local apply computed.
// They are the same on every node, since every node applies the same
// entries in the same order, stamped with the entry's time.
//
// One goroutine per node consumes the journal in order from the entry
// after the one the store last applied (store.Applied) and applies each
// through the store (store.CommitApplied, which records the entry's
// sequence in the same transaction as its last write) and then the
// index, exactly as a single node applies its own commits. After a crash
// the node resumes after the last entry its store holds.
type Journal interface {
	// Publish appends entry under msgID and returns its sequence number
	// once the journal holds it durably (a quorum has it). It fails with
	// an error wrapping ErrNoQuorum when that cannot happen before ctx
	// ends.
	Publish(ctx context.Context, entry []byte, msgID string) (seq uint64, err error)
	// Consume calls apply with every entry after sequence number after,
	// in order, until ctx ends or apply fails; it returns apply's error
	// or the journal's.
	Consume(ctx context.Context, after uint64, apply func(JournalEntry) error) error
}

// JournalEntry is one entry read from a Journal.
type JournalEntry struct {
	Seq   uint64
	MsgID string
	Data  []byte
	Time  time.Time // when it was published
	// Pending is how many entries follow it in the journal.
	Pending uint64
}

// ErrNoQuorum reports a write the cluster could not take (search.ErrNoQuorum).
var ErrNoQuorum = search.ErrNoQuorum

// ErrJournalGap reports a journal that no longer holds entries this node
// has not applied yet (its retention dropped them): the store would have
// a hole. The node has to bootstrap from a peer's backup.
var ErrJournalGap = errors.New("the cluster journal no longer holds entries this node needs")

// Cluster limits.
const (
	// entryBytes bounds the encoded writes of one journal entry; larger
	// commits are split into several entries.
	entryBytes = 8 << 20
	// publishTimeout bounds the wait for a quorum to hold an entry.
	publishTimeout = 3 * time.Second
)

// wireWrite is a store.Write as a journal entry carries it.
type wireWrite struct {
	ID           string           `json:"id"`
	Doc          *search.Document `json:"doc,omitempty"` // nil: delete
	Raw          []byte           `json:"raw,omitempty"`
	Origin       string           `json:"origin,omitempty"`
	Hash         string           `json:"hash,omitempty"`
	ETag         string           `json:"etag,omitempty"`
	LastModified string           `json:"last_modified,omitempty"`
	// Undelete marks a restore from the trash (store.Write.Undelete):
	// Doc is the document as the writing node's trash held it.
	Undelete bool `json:"undelete,omitempty"`
}

// entryData is the payload of a journal entry.
type entryData struct {
	Writes []wireWrite `json:"writes"`
}

// encodeEntries encodes writes as one or more entries of at most about
// entryBytes each.
func encodeEntries(writes []store.Write) ([][]byte, error) {
	var out [][]byte
	var cur entryData
	size := 0
	emit := func() error {
		b, err := json.Marshal(&cur)
		if err != nil {
			return fmt.Errorf("encode journal entry: %w", err)
		}
		out = append(out, b)
		cur, size = entryData{}, 0
		return nil
	}
	for _, w := range writes {
		n := len(w.Raw)*4/3 + len(w.JSON) + 256
		if w.Doc != nil && w.JSON == nil {
			n += len(w.Doc.Body) + len(w.Doc.Title)
		}
		if len(cur.Writes) > 0 && size+n > entryBytes {
			if err := emit(); err != nil {
				return nil, err
			}
		}
		cur.Writes = append(cur.Writes, wireWrite{ID: w.ID, Doc: w.Doc, Raw: w.Raw, Origin: w.Origin, Hash: w.Hash, ETag: w.ETag, LastModified: w.LastModified, Undelete: w.Undelete})
		size += n
	}
	if len(cur.Writes) > 0 || len(out) == 0 {
		if err := emit(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func decodeEntry(data []byte) ([]store.Write, error) {
	var e entryData
	if err := json.Unmarshal(data, &e); err != nil {
		return nil, fmt.Errorf("decode journal entry: %w", err)
	}
	writes := make([]store.Write, len(e.Writes))
	for i, w := range e.Writes {
		if w.Undelete && w.Doc == nil {
			return nil, fmt.Errorf("decode journal entry: an undelete of %q without its document", w.ID)
		}
		writes[i] = store.Write{ID: w.ID, Doc: w.Doc, Raw: w.Raw, Origin: w.Origin, Hash: w.Hash, ETag: w.ETag, LastModified: w.LastModified, Undelete: w.Undelete}
	}
	return writes, nil
}

// clusterState is a KB's part in a cluster: the journal and its consumer.
type clusterState struct {
	kb   *KB
	j    Journal
	node string

	cancel context.CancelFunc
	done   chan struct{} // closed when the consumer has stopped

	mu      sync.Mutex
	waiters map[string]chan []search.WriteResult

	applied  atomic.Uint64
	pending  atomic.Uint64
	behindAt atomic.Int64           // unix nanoseconds since when the node is behind; 0 when caught up
	stopped  atomic.Pointer[string] // why the consumer stopped for good (ErrJournalGap)
}

// startCluster starts the journal consumer. It waits until the index is
// ready.
func (kb *KB) startCluster(j Journal, node string) error {
	applied, err := kb.store.Applied()
	if err != nil {
		return err
	}
	ctx, cancel := context.WithCancel(context.Background())
	c := &clusterState{kb: kb, j: j, node: node, cancel: cancel, done: make(chan struct{}), waiters: map[string]chan []search.WriteResult{}}
	c.applied.Store(applied)
	kb.cl = c
	go c.consume(ctx)
	return nil
}

// stop stops the consumer and waits for it.
func (c *clusterState) stop() {
	c.cancel()
	<-c.done
}

func (c *clusterState) consume(ctx context.Context) {
	defer close(c.done)
	select {
	case <-c.kb.readyCh:
	case <-ctx.Done():
		return
	}
	if c.kb.recovery != nil {
		return
	}
	for ctx.Err() == nil {
		err := c.j.Consume(ctx, c.applied.Load(), c.applyEntry)
		if ctx.Err() != nil {
			return
		}
		if errors.Is(err, ErrJournalGap) {
			// Applying what follows would leave a hole: stop, and let
			// writes through this node fail rather than skip entries.
			c.kb.log.Error("stopped applying the cluster journal: this node's store is older than the journal's retention; restart it with --bootstrap-from a peer", "after", c.applied.Load(), "err", err)
			why := err.Error() + "; restart this node with --bootstrap-from a peer"
			c.stopped.Store(&why)
			return
		}
		c.kb.log.Warn("reading the cluster journal failed; retrying", "after", c.applied.Load(), "err", err)
		select {
		case <-ctx.Done():
		case <-time.After(500 * time.Millisecond):
		}
	}
}

// applyEntry applies one journal entry to the store and the index, and
// hands the outcomes to a write of this node waiting for them.
func (c *clusterState) applyEntry(e JournalEntry) error {
	kb := c.kb
	c.notePending(e.Pending)
	if e.Seq <= c.applied.Load() {
		return nil // delivered again
	}
	writes, err := decodeEntry(e.Data)
	if err != nil {
		// Every node fails on it alike: skipping keeps them identical.
		kb.log.Error("skipping a journal entry that does not decode", "seq", e.Seq, "err", err)
		writes = nil
	}
	kb.wmu.RLock()
	if kb.closed {
		kb.wmu.RUnlock()
		return errors.New("knowledge base is closed")
	}
	results, before, seq, err := kb.store.CommitApplied(writes, e.Seq, e.Time)
	kb.wmu.RUnlock()
	if err != nil {
		return fmt.Errorf("apply journal entry %d: %w", e.Seq, err)
	}
	out, job := commitResults(writes, results, before, seq)
	if err := kb.apply(job); err != nil {
		kb.log.Error("apply journal entry to the index", "seq", e.Seq, "err", err)
	}
	c.applied.Store(e.Seq)
	c.mu.Lock()
	ch := c.waiters[e.MsgID]
	delete(c.waiters, e.MsgID)
	c.mu.Unlock()
	if ch != nil {
		ch <- out
	}
	return nil
}

func (c *clusterState) notePending(n uint64) {
	c.pending.Store(n)
	switch {
	case n == 0:
		c.behindAt.Store(0)
	case c.behindAt.Load() == 0:
		c.behindAt.Store(time.Now().UnixNano())
	}
}

// commit publishes writes to the journal and waits until this node has
// applied them (see Journal).
func (c *clusterState) commit(ctx context.Context, writes []store.Write) ([]search.WriteResult, applyJob, error) {
	entries, err := encodeEntries(writes)
	if err != nil {
		return nil, applyJob{}, err
	}
	out := make([]search.WriteResult, 0, len(writes))
	for _, data := range entries {
		res, err := c.publish(ctx, data)
		if err != nil {
			return out, applyJob{}, err
		}
		out = append(out, res...)
	}
	// The consumer has applied the writes to the index too: no job left.
	seq := c.kb.store.LastSeq()
	return out, applyJob{before: seq, seq: seq}, nil
}

func (c *clusterState) publish(ctx context.Context, data []byte) ([]search.WriteResult, error) {
	id := newMsgID()
	ch := make(chan []search.WriteResult, 1)
	c.mu.Lock()
	c.waiters[id] = ch
	c.mu.Unlock()
	defer func() {
		c.mu.Lock()
		delete(c.waiters, id)
		c.mu.Unlock()
	}()
	pctx, cancel := context.WithTimeout(ctx, publishTimeout)
	seq, err := c.j.Publish(pctx, data, id)
	cancel()
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, fmt.Errorf("publish to the cluster journal: %w", err)
	}
	select {
	case res := <-ch:
		return res, nil
	case <-ctx.Done():
		return nil, fmt.Errorf("journal entry %d is held by the cluster, but waiting for it to apply here: %w", seq, ctx.Err())
	case <-c.done:
		return nil, fmt.Errorf("journal entry %d is held by the cluster, but this node stopped before applying it", seq)
	}
}

// undelete restores id from the trash through the journal: the
// document as this node's trash holds it goes into an entry (a
// store.Write with Undelete), which every node applies like a put,
// removing the id from its own trash. Every node decides alike: the
// restore fails (search.ErrConflict) where the id has a live document,
// which depends only on the entries before it. A node that purged the
// id from its trash meanwhile restores it from the entry all the same.
func (c *clusterState) undelete(ctx context.Context, id string) error {
	t, raw, err := c.kb.store.Trashed(id)
	if errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("%q is not in the trash: %w", id, search.ErrNotFound)
	}
	if err != nil {
		return err
	}
	doc := t.Document
	w := store.Write{ID: id, Doc: &doc, Raw: raw, Origin: t.Origin, ETag: t.ETag, LastModified: t.LastModified, Undelete: true}
	res, _, err := c.commit(ctx, []store.Write{w})
	if err != nil {
		return fmt.Errorf("restore %q from the trash: %w", id, err)
	}
	if len(res) != 1 || res[0].Status != search.Restored {
		why := "no outcome"
		if len(res) == 1 {
			why = res[0].Error
		}
		return fmt.Errorf("restore %q from the trash: %s: %w", id, why, search.ErrConflict)
	}
	return nil
}

func newMsgID() string {
	var b [16]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// ClusterStatus reports this node's position in the replicated journal;
// ok is false on a knowledge base that is not a cluster node.
func (kb *KB) ClusterStatus() (st search.ClusterStatus, ok bool) {
	c := kb.cl
	if c == nil {
		return st, false
	}
	st = search.ClusterStatus{Node: c.node, AppliedSeq: c.applied.Load(), LagEntries: c.pending.Load()}
	if at := c.behindAt.Load(); at != 0 {
		st.LagSeconds = time.Since(time.Unix(0, at)).Seconds()
	}
	if why := c.stopped.Load(); why != nil {
		st.Stopped = *why
	}
	return st, true
}
