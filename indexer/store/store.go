// Package store is Fundus's system of record: every accepted document, its
// raw source bytes and a content hash, kept in Badger together with an
// ingest journal.
//
// # Keys
//
//	d/<id>               the stored document (JSON of Stored)
//	r/<id>               the document's raw source bytes
//	s/<origin>\x00<id>   which documents were read from an origin (for pruning)
//	j/<seq>              journal entry (JSON of Entry); seq is 8 bytes big-endian
//	t/<id>               a deleted document in the trash (JSON of Trashed)
//	x/<id>               the raw source bytes of a trashed document
//	m/seq                the last sequence number handed out
//	m/applied            the last replicated-journal entry applied (cluster mode; see CommitApplied)
//
// Each write of a document — its record, raw bytes, source key and journal
// entry — goes into one Badger transaction, committed with SyncWrites on.
// When Commit returns, the write is durable: that is the acknowledgement.
// The search index is derived from the journal and can be rebuilt from the
// documents at any time.
package store

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/dgraph-io/badger/v4"
	"github.com/dgraph-io/badger/v4/options"

	"github.com/fundus-kb/fundus/search"
)

var (
	prefixDoc      = []byte("d/")
	prefixRaw      = []byte("r/")
	prefixSource   = []byte("s/")
	prefixJournal  = []byte("j/")
	prefixTrash    = []byte("t/")
	prefixTrashRaw = []byte("x/")
	keySeq         = []byte("m/seq")
)

// ErrNotFound reports an id that has no document.
var ErrNotFound = search.ErrNotFound

// ErrLocked reports a data directory held by another process.
var ErrLocked = errors.New("data directory is in use by another fundus process")

// Stored is a document as the store keeps it.
type Stored struct {
	search.Document
	// Origin is where the document was read from (a file's absolute path,
	// "demo/…" for the built-in corpus, "api" for API writes); pruning
	// finds documents by it.
	Origin string `json:"origin,omitempty"`
	// ETag and LastModified are the HTTP validators of a fetched page, for
	// conditional requests when it is fetched again.
	ETag         string    `json:"etag,omitempty"`
	LastModified string    `json:"last_modified,omitempty"`
	Hash         string    `json:"hash"`
	Seq          uint64    `json:"seq"`
	Updated      time.Time `json:"updated"`
}

// Op is a journal operation.
type Op string

// Journal operations.
const (
	OpPut    Op = "put"
	OpDelete Op = "delete"
)

// Entry is one journal entry: the document id a sequence number changed.
type Entry struct {
	Seq uint64 `json:"-"`
	Op  Op     `json:"op"`
	ID  string `json:"id"`
}

// Write is one change to commit: a document to put (Doc set) or an id to
// delete (Doc nil).
type Write struct {
	ID     string
	Doc    *search.Document
	Raw    []byte
	Origin string
	Hash   string // Doc.Hash(); computed by Commit when empty
	// JSON is Doc's canonical JSON when the caller has it already
	// (search.Document.EncodeAndHash); it saves encoding twice.
	JSON []byte
	// ETag and LastModified are kept with the document (see Stored).
	ETag, LastModified string
	// Undelete makes the write a restore from the trash (cluster mode,
	// where the writing node reads Doc from its trash and every node
	// applies it): Doc is put back, outcome Restored, and the id's trash
	// entry is removed if the store still has it. It fails with
	// ErrExists when the id has a live document.
	Undelete bool
}

// Outcome is what a write did (search.Outcome: it travels typed to the
// edge).
type Outcome = search.Outcome

// Write outcomes.
const (
	Added     = search.Added
	Updated   = search.Updated
	Unchanged = search.Unchanged
	Deleted   = search.Deleted
	Missing   = search.NotFound // a delete of an id that has no document
	Restored  = search.Restored // an undelete (Write.Undelete)
)

// Result is the outcome of one Write. Entry is set when the write changed
// the store (Added, Updated, Deleted); Err when it failed.
type Result struct {
	Outcome Outcome
	Entry   *Entry
	Hash    string // the document's hash, for puts
	Err     error
}

// Options configure a Store.
type Options struct {
	// InMemory keeps everything in memory (tests only: nothing survives).
	InMemory bool
	Logger   *slog.Logger
}

// Store is the Badger-backed document store and ingest journal. It is safe
// for concurrent use; commits are serialised.
type Store struct {
	db  *badger.DB
	dir string

	mu  sync.Mutex // serialises commits and guards seq
	seq uint64
}

// Open opens (or creates) the store in dir.
func Open(dir string, o Options) (*Store, error) {
	logger := o.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	opts := badger.DefaultOptions(dir).
		WithSyncWrites(true).
		WithLogger(badgerLogger{logger}).
		WithMemTableSize(32 << 20).
		WithNumMemtables(2).
		WithBlockCacheSize(32 << 20).
		WithIndexCacheSize(16 << 20).
		WithValueLogFileSize(256 << 20).
		WithValueThreshold(1 << 10).
		WithCompression(options.None).
		WithNumCompactors(2).
		WithMetricsEnabled(false)
	if o.InMemory {
		opts = opts.WithDir("").WithValueDir("").WithInMemory(true)
	}
	db, err := badger.Open(opts)
	if err != nil {
		if strings.Contains(err.Error(), "Cannot acquire directory lock") {
			return nil, fmt.Errorf("open store %s: %w (is `fundus serve` running on it?)", dir, ErrLocked)
		}
		return nil, fmt.Errorf("open store %s: %w", dir, err)
	}
	s := &Store{db: db, dir: dir}
	err = db.View(func(txn *badger.Txn) (err error) {
		s.seq, err = readSeq(txn)
		return err
	})
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("open store %s: read sequence: %w", dir, err)
	}
	return s, nil
}

// Close closes the store.
func (s *Store) Close() error {
	if err := s.db.Close(); err != nil {
		return fmt.Errorf("close store: %w", err)
	}
	return nil
}

// LastSeq returns the last sequence number committed.
func (s *Store) LastSeq() uint64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.seq
}

func docKey(id string) []byte      { return append(bytes.Clone(prefixDoc), id...) }
func rawKey(id string) []byte      { return append(bytes.Clone(prefixRaw), id...) }
func trashKey(id string) []byte    { return append(bytes.Clone(prefixTrash), id...) }
func trashRawKey(id string) []byte { return append(bytes.Clone(prefixTrashRaw), id...) }
func journalKey(seq uint64) []byte {
	return binary.BigEndian.AppendUint64(bytes.Clone(prefixJournal), seq)
}
func sourceKey(source, id string) []byte {
	k := append(bytes.Clone(prefixSource), source...)
	k = append(k, 0)
	return append(k, id...)
}

// Get returns the stored document with the given id, or ErrNotFound.
func (s *Store) Get(id string) (*Stored, error) {
	var st *Stored
	err := s.db.View(func(txn *badger.Txn) error {
		var err error
		st, err = getDoc(txn, id)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("get %q: %w", id, err)
	}
	return st, nil
}

// Raw returns the raw source bytes stored with a document.
func (s *Store) Raw(id string) ([]byte, error) {
	var raw []byte
	err := s.db.View(func(txn *badger.Txn) error {
		var err error
		raw, err = getBytes(txn, rawKey(id))
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("get raw %q: %w", id, err)
	}
	return raw, nil
}

// getBytes returns a copy of the value txn holds at key, and ErrNotFound
// when it holds none.
func getBytes(txn *badger.Txn, key []byte) ([]byte, error) {
	item, err := txn.Get(key)
	if errors.Is(err, badger.ErrKeyNotFound) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	return item.ValueCopy(nil)
}

func getDoc(txn *badger.Txn, id string) (*Stored, error) {
	item, err := txn.Get(docKey(id))
	if errors.Is(err, badger.ErrKeyNotFound) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	st := new(Stored)
	err = item.Value(func(v []byte) error { return json.Unmarshal(v, st) })
	if err != nil {
		return nil, fmt.Errorf("decode document: %w", err)
	}
	return st, nil
}

// Commit applies writes in order. Writes that change nothing (a put whose
// hash equals the stored one, a delete of a missing id) are reported as
// Unchanged or Missing and leave no journal entry. Every other write gets
// the next sequence number. Writes are grouped into as few Badger
// transactions as fit; each document's keys always share one transaction,
// so a document is either wholly stored or absent. When Commit returns
// without error every write it reports is durable. A write that fails on
// its own (too large) is reported in its Result and does not stop the rest;
// an error from Badger stops the commit and is returned, and the results of
// writes not yet committed are left zero.
func (s *Store) Commit(writes []Write) ([]Result, error) {
	res, _, _, err := s.CommitSeq(writes)
	return res, err
}

// CommitSeq is Commit that also returns the last sequence number before
// and after the commit.
func (s *Store) CommitSeq(writes []Write) (results []Result, before, after uint64, err error) {
	return s.commitSeq(writes, time.Now().UTC(), nil)
}

// commitSeq is CommitSeq at the time now. With stamp set, the transaction
// that commits the last of writes also sets it (see CommitApplied).
func (s *Store) commitSeq(writes []Write, now time.Time, stamp *stamp) (results []Result, before, after uint64, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	before = s.seq
	defer func() { after = s.seq }()
	results = make([]Result, len(writes))
	for i := 0; i < len(writes); {
		n, cerr := s.commitSome(writes[i:], results[i:], len(writes)-i, now, stamp)
		if cerr != nil {
			return results, before, 0, cerr
		}
		i += n
	}
	if stamp != nil && !stamp.done {
		if err := s.commitStamp(stamp); err != nil {
			return results, before, 0, err
		}
	}
	return results, before, 0, nil
}

// commitSome commits up to limit writes in one transaction, stopping early
// when the transaction is full, and returns how many it consumed. A write
// that alone overflows a transaction is reported as failed and consumed.
func (s *Store) commitSome(writes []Write, results []Result, limit int, now time.Time, stamp *stamp) (int, error) {
	txn := s.db.NewTransaction(true)
	defer txn.Discard()
	seq := s.seq
	for j := 0; j < limit; j++ {
		r, next, err := s.stage(txn, &writes[j], seq, now)
		if errors.Is(err, badger.ErrTxnTooBig) {
			// The transaction may hold part of writes[j]: start over with
			// only the writes before it, which fit.
			txn.Discard()
			if j == 0 {
				results[0] = Result{Err: fmt.Errorf("document %q is too large to store", writes[0].ID)}
				return 1, nil
			}
			return s.commitSome(writes, results, j, now, stamp)
		}
		if err != nil {
			return 0, fmt.Errorf("commit %q: %w", writes[j].ID, err)
		}
		results[j] = r
		seq = next
	}
	if seq != s.seq {
		if err := txn.Set(keySeq, binary.BigEndian.AppendUint64(nil, seq)); err != nil {
			return 0, fmt.Errorf("commit: set sequence: %w", err)
		}
	}
	last := stamp != nil && limit == len(writes)
	if last {
		if err := stamp.set(txn); err != nil {
			return 0, err
		}
	}
	if err := txn.Commit(); err != nil {
		clear(results[:limit])
		return 0, fmt.Errorf("commit: %w", err)
	}
	s.seq = seq
	if last {
		stamp.done = true
	}
	return limit, nil
}

// rewriteUnchanged rewrites old's record with w's origin and validators.
func (s *Store) rewriteUnchanged(txn *badger.Txn, old *Stored, w *Write) error {
	if old.Origin != w.Origin {
		if old.Origin != "" {
			if err := txn.Delete(sourceKey(old.Origin, old.ID)); err != nil {
				return err
			}
		}
		if w.Origin != "" {
			if err := txn.Set(sourceKey(w.Origin, old.ID), nil); err != nil {
				return err
			}
		}
	}
	old.Origin, old.ETag, old.LastModified = w.Origin, w.ETag, w.LastModified
	return setJSON(txn, docKey(old.ID), old)
}

// stage adds one write to txn. It returns the result and the sequence
// number after it.
func (s *Store) stage(txn *badger.Txn, w *Write, seq uint64, now time.Time) (Result, uint64, error) {
	old, err := getDoc(txn, w.ID)
	if err != nil && !errors.Is(err, ErrNotFound) {
		return Result{}, seq, err
	}
	if w.Doc == nil {
		if old == nil {
			return Result{Outcome: Missing}, seq, nil
		}
		seq++
		e := &Entry{Seq: seq, Op: OpDelete, ID: w.ID}
		// Into the trash, raw bytes and all, until purged.
		raw, err := txn.Get(rawKey(w.ID))
		if err == nil {
			err = raw.Value(func(v []byte) error { return txn.Set(trashRawKey(w.ID), bytes.Clone(v)) })
		}
		if err != nil && !errors.Is(err, badger.ErrKeyNotFound) {
			return Result{}, seq - 1, err
		}
		if err := setJSON(txn, trashKey(w.ID), &Trashed{Stored: *old, Deleted: now}); err != nil {
			return Result{}, seq - 1, err
		}
		for _, k := range [][]byte{docKey(w.ID), rawKey(w.ID)} {
			if err := txn.Delete(k); err != nil {
				return Result{}, seq - 1, err
			}
		}
		if old.Origin != "" {
			if err := txn.Delete(sourceKey(old.Origin, w.ID)); err != nil {
				return Result{}, seq - 1, err
			}
		}
		if err := setJSON(txn, journalKey(seq), e); err != nil {
			return Result{}, seq - 1, err
		}
		return Result{Outcome: Deleted, Entry: e}, seq, nil
	}

	if w.Doc.ID != w.ID {
		return Result{}, seq, fmt.Errorf("write id %q does not match document id %q", w.ID, w.Doc.ID)
	}
	if w.Undelete {
		if old != nil {
			return Result{Err: fmt.Errorf("undelete %q: %w", w.ID, ErrExists)}, seq, nil
		}
		for _, k := range [][]byte{trashKey(w.ID), trashRawKey(w.ID)} {
			if err := txn.Delete(k); err != nil {
				return Result{}, seq, err
			}
		}
	}
	hash, docJSON := w.Hash, w.JSON
	if hash == "" || docJSON == nil {
		docJSON, hash = w.Doc.EncodeAndHash()
	}
	if old != nil && old.Hash == hash {
		if old.Origin != w.Origin || old.ETag != w.ETag || old.LastModified != w.LastModified {
			// Same content, read from elsewhere or with new validators:
			// record that, but the index has nothing to do.
			if err := s.rewriteUnchanged(txn, old, w); err != nil {
				return Result{}, seq, err
			}
		}
		return Result{Outcome: Unchanged, Hash: hash}, seq, nil
	}
	seq++
	st := Stored{Document: *w.Doc, Origin: w.Origin, ETag: w.ETag, LastModified: w.LastModified, Hash: hash, Seq: seq, Updated: now}
	outcome := Added
	if w.Undelete {
		outcome = Restored
	}
	if old != nil {
		outcome = Updated
		if old.Origin != "" && old.Origin != st.Origin {
			if err := txn.Delete(sourceKey(old.Origin, w.ID)); err != nil {
				return Result{}, seq - 1, err
			}
		}
	}
	e := &Entry{Seq: seq, Op: OpPut, ID: w.ID}
	if err := txn.Set(docKey(w.ID), encodeStored(docJSON, &st)); err != nil {
		return Result{}, seq - 1, err
	}
	if err := txn.Set(rawKey(w.ID), w.Raw); err != nil {
		return Result{}, seq - 1, err
	}
	if st.Origin != "" {
		if err := txn.Set(sourceKey(st.Origin, w.ID), nil); err != nil {
			return Result{}, seq - 1, err
		}
	}
	if err := setJSON(txn, journalKey(seq), e); err != nil {
		return Result{}, seq - 1, err
	}
	return Result{Outcome: outcome, Entry: e, Hash: hash}, seq, nil
}

// encodeStored encodes st as the JSON of Stored. With the document's own
// JSON at hand it appends the store's fields to it instead of encoding the
// document again: the result decodes into the same Stored.
func encodeStored(docJSON []byte, st *Stored) []byte {
	extra, err := json.Marshal(struct {
		Origin       string    `json:"origin,omitempty"`
		ETag         string    `json:"etag,omitempty"`
		LastModified string    `json:"last_modified,omitempty"`
		Hash         string    `json:"hash"`
		Seq          uint64    `json:"seq"`
		Updated      time.Time `json:"updated"`
	}{st.Origin, st.ETag, st.LastModified, st.Hash, st.Seq, st.Updated})
	n := len(docJSON)
	if err != nil || n < 2 || docJSON[0] != '{' || docJSON[n-1] != '}' {
		b, _ := json.Marshal(st)
		return b
	}
	out := make([]byte, 0, n+len(extra))
	out = append(out, docJSON[:n-1]...)
	if n > 2 {
		out = append(out, ',')
	}
	return append(out, extra[1:]...)
}

func setJSON(txn *badger.Txn, key []byte, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("encode %s: %w", key, err)
	}
	return txn.Set(key, b)
}

// Journal calls fn for every journal entry with a sequence number above
// after, in order.
func (s *Store) Journal(after uint64, fn func(Entry) error) error {
	return s.db.View(func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.IteratorOptions{PrefetchValues: true, PrefetchSize: 100, Prefix: prefixJournal})
		defer it.Close()
		for it.Seek(journalKey(after + 1)); it.Valid(); it.Next() {
			item := it.Item()
			k := item.Key()
			if len(k) != len(prefixJournal)+8 {
				return fmt.Errorf("read journal: bad key %q", k)
			}
			var e Entry
			if err := item.Value(func(v []byte) error { return json.Unmarshal(v, &e) }); err != nil {
				return fmt.Errorf("read journal entry %x: %w", k, err)
			}
			e.Seq = binary.BigEndian.Uint64(k[len(prefixJournal):])
			if err := fn(e); err != nil {
				return err
			}
		}
		return nil
	})
}

// readSeq reads the last sequence number: 0 in a new store.
func readSeq(txn *badger.Txn) (uint64, error) {
	item, err := txn.Get(keySeq)
	if errors.Is(err, badger.ErrKeyNotFound) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	var seq uint64
	err = item.Value(func(v []byte) error {
		if len(v) != 8 {
			return fmt.Errorf("bad sequence record of %d bytes", len(v))
		}
		seq = binary.BigEndian.Uint64(v)
		return nil
	})
	return seq, err
}

// Snapshot calls fn for every stored document, in id order, from one
// consistent view of the store. It returns the last sequence number that
// view includes: an index built from these documents is current up to it.
func (s *Store) Snapshot(fn func(*Stored) error) (uint64, error) {
	var last uint64
	err := s.db.View(func(txn *badger.Txn) error {
		var err error
		if last, err = readSeq(txn); err != nil {
			return err
		}
		it := txn.NewIterator(badger.IteratorOptions{PrefetchValues: true, PrefetchSize: 100, Prefix: prefixDoc})
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			st := new(Stored)
			if err := it.Item().Value(func(v []byte) error { return json.Unmarshal(v, st) }); err != nil {
				return fmt.Errorf("decode %q: %w", it.Item().Key(), err)
			}
			if err := fn(st); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("snapshot: %w", err)
	}
	return last, nil
}

// Count returns the number of stored documents.
func (s *Store) Count() (int, error) {
	n, err := s.countPrefix(prefixDoc)
	if err != nil {
		return 0, fmt.Errorf("count documents: %w", err)
	}
	return n, nil
}

// countPrefix counts the keys under prefix, without reading values.
func (s *Store) countPrefix(prefix []byte) (int, error) {
	n := 0
	err := s.db.View(func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.IteratorOptions{Prefix: prefix})
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			n++
		}
		return nil
	})
	return n, err
}

// OriginDoc is a document id with the origin it was read from.
type OriginDoc struct {
	Origin string
	ID     string
}

// ByOrigin lists the documents whose origin starts with prefix, in origin
// order. An empty prefix lists every document that has an origin.
func (s *Store) ByOrigin(prefix string) ([]OriginDoc, error) {
	var out []OriginDoc
	p := append(bytes.Clone(prefixSource), prefix...)
	err := s.db.View(func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.IteratorOptions{Prefix: p})
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			k := it.Item().Key()[len(prefixSource):]
			i := bytes.IndexByte(k, 0)
			if i < 0 {
				continue
			}
			out = append(out, OriginDoc{Origin: string(k[:i]), ID: string(k[i+1:])})
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("list sources under %q: %w", prefix, err)
	}
	return out, nil
}

// GC runs one round of value-log garbage collection. It returns nil when
// there was nothing to collect.
func (s *Store) GC() error {
	err := s.db.RunValueLogGC(0.5)
	if err == nil || errors.Is(err, badger.ErrNoRewrite) || errors.Is(err, badger.ErrRejected) {
		return nil
	}
	return fmt.Errorf("value log gc: %w", err)
}

// badgerLogger sends Badger's log lines to slog; its chatty info lines go
// to debug.
type badgerLogger struct{ l *slog.Logger }

func (b badgerLogger) Errorf(f string, a ...any) {
	b.l.Error(strings.TrimSpace(fmt.Sprintf(f, a...)), "component", "badger")
}
func (b badgerLogger) Warningf(f string, a ...any) {
	b.l.Warn(strings.TrimSpace(fmt.Sprintf(f, a...)), "component", "badger")
}
func (b badgerLogger) Infof(f string, a ...any) {
	b.l.Debug(strings.TrimSpace(fmt.Sprintf(f, a...)), "component", "badger")
}
func (b badgerLogger) Debugf(f string, a ...any) {
	b.l.Debug(strings.TrimSpace(fmt.Sprintf(f, a...)), "component", "badger")
}
