// Package indexer is Fundus's write path. It reads inputs (files, folders,
// the demo corpus, API writes), normalises them into documents, commits them
// to the Badger store — the system of record and ingest journal — and then
// applies them to the Bleve index.
//
// # Write protocol
//
//  1. Parse and normalise; compute the content hash. A document whose hash
//     equals the stored one is unchanged and stops here.
//  2. Commit the document, its raw source and a journal entry with the next
//     sequence number in one Badger transaction (SyncWrites on). The commit
//     is the acknowledgement.
//  3. Apply the journal entries to the index in one Bleve batch that also
//     records the last applied sequence number (the checkpoint).
//  4. On open, replay entries after the checkpoint. An index that is
//     missing, unreadable, of another mapping version, or ahead of the
//     store is rebuilt from the store into a new directory and swapped in.
//
// Writes are serialised; searches run concurrently with them.
//
// # One ingest path
//
// Every source — a folder (ingest.go, and watched.go for watched
// folders), a fetched page (url.go), an upload through the API (api.go)
// — describes each input as an input value and turns what parsing it
// returned (parsing.go) into entries with the one step of input.go: items
// prepared for writing (Prepare), and the input's failures and warnings
// (a file without text is a warning), each naming the input and line. The
// same claims decide which input an id belongs to, and folders and pages
// share one run (ingestRun: batches, reports, the Summary); an upload
// answers with a search.WriteResult per entry instead. Outcomes travel as
// search.Outcome and become strings only in JSON.
//
// # Two indexes: what the public may see, and everything
//
// Members-only documents must not change anything an anonymous request
// can observe: not its hits, scores (BM25 statistics — document count,
// term document frequencies, field lengths — are per index), totals,
// facets, suggestions, did-you-mean or timing. So they are not in the
// index anonymous requests search:
//
//   - index/ holds the public documents only. Requests without
//     search.Members use it, and nothing else: they behave exactly as on
//     a knowledge base that never held a members-only document.
//   - index-all/ holds every document, public and members-only. It exists
//     once the store holds (or has held) a members-only document, and
//     members' requests use it; until then they use index/, which then
//     holds everything.
//
// Each index is a complete Fundus index with its own checkpoint, so
// members get exact facet counts, cursors, typo tolerance and BM25
// statistics over everything they may see, through the same code as the
// public — at the price of indexing public documents twice once members-
// only documents exist (a knowledge base without any, such as an
// evaluation corpus, pays nothing). A write is applied to both indexes:
// index/ receives a members-only document as a deletion, so a document
// whose visibility changes leaves it, or enters it, in the same batch
// that records the checkpoint. Replay reads each touched document's
// current state from the store into each index from that index's own
// checkpoint, so after a crash a document is in each index exactly when
// the store says it should be. index-all/ is built (from the store, like
// a rebuild) before index/ first applies a members-only document, so an
// index/ checkpoint past such a document implies index-all/ exists.
package indexer

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"github.com/fundus-kb/fundus/indexer/store"
	"github.com/fundus-kb/fundus/search"
)

// Directory names inside the data directory.
const (
	storeDir    = "store"
	indexDir    = "index"
	indexNewDir = "index.new"
	indexOldDir = "index.old"
	allIndexDir = "index-all"
)

// view is one of the knowledge base's indexes: the public one or the one
// with every document (see the package doc).
type view struct {
	dir    string // directory in the data directory
	public bool   // holds public documents only
}

var (
	publicView = view{dir: indexDir, public: true}
	allView    = view{dir: allIndexDir}
	views      = []view{publicView, allView}
)

// Scopes recorded in the indexes (search.Index.SetScope).
const (
	scopePublic = "public"
	scopeAll    = "all"
)

func (v view) scope() string {
	if v.public {
		return scopePublic
	}
	return scopeAll
}

func (v view) newDir() string { return v.dir + ".new" }
func (v view) oldDir() string { return v.dir + ".old" }

// holds reports whether the view indexes d.
func (v view) holds(d *search.Document) bool {
	return !v.public || d.Visibility != search.VisibilityMembers
}

// changes returns cs as the view must apply them: a document it does not
// hold becomes its deletion (a no-op when it was not indexed).
func (v view) changes(cs []search.Change) []search.Change {
	if !v.public || !hasMembers(cs) {
		return cs
	}
	out := make([]search.Change, len(cs))
	for i, c := range cs {
		if c.Doc != nil && !v.holds(c.Doc) {
			c = search.Change{ID: c.ID}
		}
		out[i] = c
	}
	return out
}

// hasMembers reports whether cs holds a members-only document.
func hasMembers(cs []search.Change) bool {
	for _, c := range cs {
		if c.Doc != nil && c.Doc.Visibility == search.VisibilityMembers {
			return true
		}
	}
	return false
}

// applyBatch is the number of documents per index batch when replaying or
// rebuilding.
const applyBatch = 500

// Config configures a KB.
type Config struct {
	// DataDir holds the store and the index.
	DataDir string
	Logger  *slog.Logger
	// Background makes Open return as soon as the store is open and bring
	// the index up to date (replay or rebuild) on its own goroutine. Until
	// it is done, Ready reports false, and searches and writes fail with
	// ErrNotReady. A server uses this so that it can answer health checks
	// during a long rebuild.
	Background bool
	// beforeRecovery, if set, runs at the start of a background recovery
	// (a seam for tests, which hold recovery back to observe the
	// not-ready state).
	beforeRecovery func()
	// Journal, when set, makes the KB a cluster node: writes go through
	// the replicated journal, and a consumer applies it (see Journal).
	// Node names the node in ClusterStatus.
	Journal Journal
	Node    string
}

// ErrNotReady reports a knowledge base whose index is still being
// replayed or rebuilt.
var ErrNotReady = search.ErrNotReady

// KB is an open knowledge base: the store and the index derived from it.
type KB struct {
	dir   string
	log   *slog.Logger
	store *store.Store
	// wmu gates writes: commits and index applies hold it shared, a
	// rebuild or Close holds it alone. Commits are serialised by the
	// store, applies by amu.
	wmu sync.RWMutex
	amu sync.Mutex
	imu sync.RWMutex // guards index and all against a swap during reads
	// index holds the public documents, all every document; all is nil
	// until the store holds a members-only document (package doc).
	index  *search.Index
	all    *search.Index
	closed bool

	gloss atomic.Pointer[search.Glossary] // synonyms and topic aliases

	ready     atomic.Bool
	readyCh   chan struct{} // closed when ready (or recovery failed)
	recovery  error         // set before readyCh closes, if recovery failed
	cancelRec context.CancelFunc

	parseSlots chan struct{} // one per core: files being parsed; see parseInput

	cl *clusterState // nil unless a cluster node (journal.go)
	// clusterApplied is the last journal entry the store applied when it
	// is a cluster node's store opened without the journal (a command
	// run on a stopped node's data directory): document writes are
	// refused, since they would bypass the journal (ErrClusterStore).
	clusterApplied uint64
}

// ErrClusterStore reports a document write to a cluster node's store
// opened without the cluster's journal: it would reach this store only,
// and the node would differ from the others for good.
var ErrClusterStore = fmt.Errorf("this data directory belongs to a cluster node, and a write here would bypass the cluster journal: write through a running node (fundus ingest --server, the HTTP API), or start this node with its cluster flags: %w", search.ErrUnsupported)

// refuseClusterStore fails with ErrClusterStore on a cluster node's store
// opened without the journal.
func (kb *KB) refuseClusterStore() error {
	if kb.cl == nil && kb.clusterApplied > 0 {
		return fmt.Errorf("%s holds the cluster journal up to entry %d: %w", kb.dir, kb.clusterApplied, ErrClusterStore)
	}
	return nil
}

// ErrNotFound reports a document id that is not in the knowledge base.
var ErrNotFound = store.ErrNotFound

// ErrLocked reports a data directory that another process has open.
var ErrLocked = store.ErrLocked

// Open opens the knowledge base in cfg.DataDir, creating it when needed.
// It brings the index up to date with the store: it replays journal entries
// the index has not seen, and rebuilds the index when it cannot be used.
func Open(ctx context.Context, cfg Config) (*KB, error) {
	logger := cfg.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	if cfg.DataDir == "" {
		return nil, errors.New("open knowledge base: no data directory given")
	}
	if err := os.MkdirAll(cfg.DataDir, 0o755); err != nil {
		return nil, fmt.Errorf("open knowledge base: %w", err)
	}
	finishRestore, err := checkIncompleteRestore(cfg.DataDir)
	if err != nil {
		return nil, err
	}
	st, err := store.Open(filepath.Join(cfg.DataDir, storeDir), store.Options{Logger: logger})
	if err != nil {
		return nil, err
	}
	if finishRestore {
		logger.Warn("finishing an interrupted restore: moving its index into place", "dir", cfg.DataDir)
		if err := finishRestoreMove(cfg.DataDir); err != nil {
			st.Close()
			return nil, err
		}
	}
	kb := &KB{dir: cfg.DataDir, log: logger, store: st, readyCh: make(chan struct{}), parseSlots: newParseSlots()}
	kb.loadGlossary()
	if cfg.Journal == nil {
		if kb.clusterApplied, err = st.Applied(); err != nil {
			st.Close()
			return nil, err
		}
		if kb.clusterApplied > 0 {
			logger.Warn("this data directory belongs to a cluster node; opened without the cluster journal, it refuses document writes", "dir", cfg.DataDir, "applied", kb.clusterApplied)
		}
	}
	if cfg.Journal != nil {
		if err := kb.startCluster(cfg.Journal, cfg.Node); err != nil {
			st.Close()
			return nil, err
		}
	}
	if !cfg.Background {
		if err := kb.openIndex(ctx); err != nil {
			kb.recovery = err
			close(kb.readyCh)
			if kb.cl != nil {
				kb.cl.stop()
			}
			st.Close()
			return nil, err
		}
		kb.ready.Store(true)
		close(kb.readyCh)
		return kb, nil
	}
	rctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	kb.cancelRec = cancel
	kb.wmu.Lock() // writes wait until the index is up to date
	go func() {
		defer close(kb.readyCh)
		defer kb.wmu.Unlock()
		start := time.Now()
		if cfg.beforeRecovery != nil {
			cfg.beforeRecovery()
		}
		if err := kb.openIndex(rctx); err != nil {
			kb.recovery = err
			kb.log.Error("index recovery failed", "err", err)
			return
		}
		kb.ready.Store(true)
		kb.log.Info("index ready", "took", time.Since(start).Round(time.Millisecond))
	}()
	return kb, nil
}

// Ready reports whether the index is up to date with the store and
// searches can run.
func (kb *KB) Ready() bool { return kb.ready.Load() }

// WaitReady waits until the index is ready, recovery failed, or ctx ends.
func (kb *KB) WaitReady(ctx context.Context) error {
	select {
	case <-kb.readyCh:
		return kb.recovery
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Close closes the indexes, then the store. A recovery still running is
// cancelled first.
func (kb *KB) Close() error {
	if kb.cancelRec != nil {
		kb.cancelRec()
	}
	if kb.cl != nil {
		kb.cl.stop()
	}
	kb.wmu.Lock()
	defer kb.wmu.Unlock()
	if kb.closed {
		return nil
	}
	kb.closed = true
	kb.imu.Lock()
	var errs []error
	for _, ix := range []*search.Index{kb.index, kb.all} {
		if ix != nil {
			errs = append(errs, ix.Close())
		}
	}
	kb.imu.Unlock()
	errs = append(errs, kb.store.Close())
	return errors.Join(errs...)
}

// Item is one document to write, normalised, with its raw source.
type Item struct {
	Doc    search.Document
	Raw    []byte
	Origin string
	Hash   string // Doc.Hash(), when already computed
	JSON   []byte // Doc's canonical JSON, when already computed
	// ETag and LastModified are a fetched page's HTTP validators.
	ETag, LastModified string
}

// Put commits items to the store and applies them to the index. When it
// returns without error, every item reported added or updated is durable
// and searchable. Items must be normalised (see Prepare).
func (kb *KB) Put(ctx context.Context, items []Item) ([]search.WriteResult, error) {
	kb.canonicalTopics(items)
	return kb.commit(ctx, writesOf(items))
}

// writesOf turns items into store writes that point at the items' documents.
func writesOf(items []Item) []store.Write {
	writes := make([]store.Write, len(items))
	for i := range items {
		d := &items[i].Doc
		writes[i] = store.Write{ID: d.ID, Doc: d, Raw: items[i].Raw, Origin: items[i].Origin, Hash: items[i].Hash, JSON: items[i].JSON, ETag: items[i].ETag, LastModified: items[i].LastModified}
	}
	return writes
}

// Delete removes documents by id.
func (kb *KB) Delete(ctx context.Context, ids ...string) ([]search.WriteResult, error) {
	writes := make([]store.Write, len(ids))
	for i, id := range ids {
		writes[i] = store.Write{ID: id}
	}
	return kb.commit(ctx, writes)
}

func (kb *KB) commit(ctx context.Context, writes []store.Write) ([]search.WriteResult, error) {
	out, job, err := kb.commitStore(ctx, writes)
	if err != nil {
		return out, err
	}
	return out, kb.apply(job)
}

// applyJob is the index work a store commit leaves: the changes, and the
// store sequence numbers before and after the commit.
type applyJob struct {
	changes     []search.Change
	before, seq uint64
}

// commitResults turns a store commit's results into the writes'
// outcomes and the job that brings the index up to date with them.
func commitResults(writes []store.Write, results []store.Result, before, seq uint64) ([]search.WriteResult, applyJob) {
	out := make([]search.WriteResult, len(writes))
	job := applyJob{before: before, seq: seq}
	for i, r := range results {
		out[i] = search.WriteResult{ID: writes[i].ID, Status: r.Outcome}
		if r.Err != nil {
			out[i].Status, out[i].Error = search.Failed, r.Err.Error()
		}
		if r.Entry != nil {
			job.changes = append(job.changes, search.Change{ID: writes[i].ID, Doc: writes[i].Doc, Hash: r.Hash})
		}
	}
	return out, job
}

// commitStore commits writes to the store. When it returns without error,
// the writes are durable (acknowledged); the returned job brings the index
// up to date with them.
func (kb *KB) commitStore(ctx context.Context, writes []store.Write) ([]search.WriteResult, applyJob, error) {
	if err := ctx.Err(); err != nil {
		return nil, applyJob{}, err
	}
	if !kb.ready.Load() {
		return nil, applyJob{}, ErrNotReady
	}
	if kb.cl != nil {
		return kb.cl.commit(ctx, writes)
	}
	if err := kb.refuseClusterStore(); err != nil {
		return nil, applyJob{}, err
	}
	kb.wmu.RLock()
	defer kb.wmu.RUnlock()
	if kb.closed {
		return nil, applyJob{}, errors.New("knowledge base is closed")
	}
	results, before, seq, err := kb.store.CommitSeq(writes)
	out, job := commitResults(writes, results, before, seq)
	if err != nil {
		// Part of the writes may be committed: bring the index up to date
		// with whatever the store holds, then report.
		if aerr := kb.apply(applyJob{before: ^uint64(0), seq: kb.store.LastSeq()}); aerr != nil {
			kb.log.Error("replay after failed commit", "err", aerr)
		}
		return out, applyJob{}, err
	}
	return out, job, nil
}

// apply brings the indexes up to job.seq. When an index stands exactly
// where the job's commit began, the job's changes are applied directly;
// when another commit got there first, the journal is replayed instead —
// always correct, since it reads the store's current state. index-all is
// brought up first, and built when the job brings the first members-only
// document (package doc).
func (kb *KB) apply(job applyJob) error {
	if job.seq == job.before {
		return nil
	}
	kb.wmu.RLock()
	defer kb.wmu.RUnlock()
	kb.amu.Lock()
	defer kb.amu.Unlock()
	if kb.closed {
		return errors.New("knowledge base is closed")
	}
	err := kb.ensureAll(job.changes)
	for _, v := range []view{allView, publicView} {
		if err != nil {
			break
		}
		err = kb.applyView(v, job)
	}
	if err != nil {
		// The writes are durable in the store; the index catches up on the
		// next write or open.
		return fmt.Errorf("committed, but indexing failed (it is retried on the next write or start): %w", err)
	}
	return nil
}

// applyView brings the index of v up to job.seq (see apply).
func (kb *KB) applyView(v view, job applyJob) error {
	ix := *kb.indexOf(v)
	if ix == nil {
		return nil
	}
	cp, err := ix.Checkpoint()
	switch {
	case err != nil:
		return err
	case cp >= job.seq:
		return nil // a replay already covered it
	case cp == job.before:
		return ix.Apply(v.changes(job.changes), job.seq)
	default:
		_, err = kb.replay(v)
		return err
	}
}
