package search

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync/atomic"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
)

// Internal keys the index keeps beside its documents.
var (
	internalCheckpoint = []byte("fundus:checkpoint")
	internalVersion    = []byte("fundus:mapping_version")
	internalScope      = []byte("fundus:scope")
)

// ErrRebuild reports an index that cannot be used as it is: missing,
// unreadable, or built with another mapping. The caller rebuilds it from
// the store.
var ErrRebuild = errors.New("index must be rebuilt")

// Index is the Bleve (scorch) full-text index: a derived view of the
// document store. It is safe for concurrent use; Apply should be called
// from one goroutine at a time.
type Index struct {
	b    bleve.Index
	path string
	// gen counts applied batches; caches derived from the index compare it.
	gen   atomic.Uint64
	dicts dictCache
	// facets caches the facet values of every segment (facetcount.go).
	facets facetTables
	vocab  vocabCache
	gloss  atomic.Pointer[Glossary]
}

// compiler returns a query compiler with the index's current resources
// and tuning t.
func (ix *Index) compiler(t Tuning) *compiler {
	return &compiler{vocab: ix.vocabulary(), gloss: ix.gloss.Load(), tune: t}
}

// Change is one document to (re)index, or, with Doc nil, an id to remove.
type Change struct {
	ID  string
	Doc *Document
	// Hash is Doc.Hash() when the caller has it (it saves computing it).
	Hash string
}

// Create makes a new, empty index at path, which must not exist.
func Create(path string) (*Index, error) {
	b, err := bleve.NewUsing(path, NewMapping(), bleve.Config.DefaultIndexType, bleve.Config.DefaultKVStore, nil)
	if err != nil {
		return nil, fmt.Errorf("create index %s: %w", path, err)
	}
	if err := b.SetInternal(internalVersion, []byte(MappingVersion())); err != nil {
		b.Close()
		return nil, fmt.Errorf("create index %s: record version: %w", path, err)
	}
	return &Index{b: b, path: path}, nil
}

// NewMemory makes an index that lives in memory only (tests).
func NewMemory() (*Index, error) {
	// Scorch without a path keeps everything in memory (facet counting
	// reads scorch segments).
	b, err := bleve.NewUsing("", NewMapping(), scorch.Name, scorch.Name, nil)
	if err != nil {
		return nil, fmt.Errorf("create memory index: %w", err)
	}
	return &Index{b: b}, nil
}

// Open opens the index at path. It returns an error wrapping ErrRebuild when
// the index is missing, cannot be opened, or was built with another mapping
// version; the index is then closed and left on disk for the caller to
// replace.
func Open(path string) (*Index, error) {
	if _, err := os.Stat(filepath.Join(path, "index_meta.json")); errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("open index %s: missing: %w", path, ErrRebuild)
	}
	b, err := bleve.Open(path)
	if err != nil {
		return nil, fmt.Errorf("open index %s: %v: %w", path, err, ErrRebuild)
	}
	v, err := b.GetInternal(internalVersion)
	if err != nil {
		b.Close()
		return nil, fmt.Errorf("open index %s: read version: %v: %w", path, err, ErrRebuild)
	}
	if want := MappingVersion(); string(v) != want {
		b.Close()
		return nil, fmt.Errorf("open index %s: mapping version %q, this binary has %q: %w", path, v, want, ErrRebuild)
	}
	return &Index{b: b, path: path}, nil
}

// Path returns the directory the index lives in ("" in memory).
func (ix *Index) Path() string { return ix.path }

// Close closes the index.
func (ix *Index) Close() error {
	if err := ix.b.Close(); err != nil {
		return fmt.Errorf("close index: %w", err)
	}
	return nil
}

// Checkpoint returns the last journal sequence number applied to the index.
func (ix *Index) Checkpoint() (uint64, error) {
	v, err := ix.b.GetInternal(internalCheckpoint)
	if err != nil {
		return 0, fmt.Errorf("read checkpoint: %w", err)
	}
	if len(v) == 0 {
		return 0, nil
	}
	if len(v) != 8 {
		return 0, fmt.Errorf("read checkpoint: %d bytes, want 8", len(v))
	}
	return binary.BigEndian.Uint64(v), nil
}

// Apply indexes changes in one batch and records checkpoint in that same
// batch, so the index never claims a sequence number whose documents it
// does not hold.
func (ix *Index) Apply(changes []Change, checkpoint uint64) error {
	batch := ix.b.NewBatch()
	for _, c := range changes {
		if c.Doc == nil {
			batch.Delete(c.ID)
			continue
		}
		fields := indexFields(c.Doc, c.Hash)
		fields[fieldIDSort] = c.ID // the id the index knows the document by
		if err := batch.Index(c.ID, fields); err != nil {
			return fmt.Errorf("index %q: %w", c.ID, err)
		}
	}
	batch.SetInternal(internalCheckpoint, binary.BigEndian.AppendUint64(nil, checkpoint))
	if err := ix.b.Batch(batch); err != nil {
		return fmt.Errorf("apply batch of %d up to seq %d: %w", len(changes), checkpoint, err)
	}
	ix.gen.Add(1)
	return nil
}

// Warm prepares what searches derive from the index: the facet tables of
// every segment and the vocabulary. Searches do it themselves when needed;
// warming first spares the first search the wait (about 70 ms at 100,000
// documents).
func (ix *Index) Warm(ctx context.Context) error {
	if _, err := ix.Search(ctx, Request{Size: 1, NoSnippets: true}); err != nil {
		return fmt.Errorf("warm the index: %w", err)
	}
	return nil
}

// Count returns the number of indexed documents.
func (ix *Index) Count() (uint64, error) {
	n, err := ix.b.DocCount()
	if err != nil {
		return 0, fmt.Errorf("count index: %w", err)
	}
	// The glossary's synonym document is no document of the store.
	req := bleve.NewSearchRequestOptions(bleve.NewDocIDQuery([]string{glossaryDocID}), 0, 0, false)
	res, err := ix.b.Search(req)
	if err != nil {
		return 0, fmt.Errorf("count index: %w", err)
	}
	return n - min(n, res.Total), nil
}

// Has reports whether a document with id is indexed.
func (ix *Index) Has(id string) (bool, error) {
	d, err := ix.b.Document(id)
	if err != nil {
		return false, fmt.Errorf("look up %q: %w", id, err)
	}
	return d != nil, nil
}

// Scope returns what the index was built to hold, as recorded by
// SetScope ("" when nothing was recorded: an index created before Fundus
// kept members-only documents in an index of their own).
func (ix *Index) Scope() (string, error) {
	v, err := ix.b.GetInternal(internalScope)
	if err != nil {
		return "", fmt.Errorf("read index scope: %w", err)
	}
	return string(v), nil
}

// SetScope records what the index holds (see Scope).
func (ix *Index) SetScope(scope string) error {
	if err := ix.b.SetInternal(internalScope, []byte(scope)); err != nil {
		return fmt.Errorf("record index scope: %w", err)
	}
	return nil
}

// MembersCount returns the number of members-only documents indexed.
func (ix *Index) MembersCount() (uint64, error) {
	tq := bleve.NewTermQuery(VisibilityMembers)
	tq.SetField(fieldVisibility)
	res, err := ix.b.Search(bleve.NewSearchRequestOptions(tq, 0, 0, false))
	if err != nil {
		return 0, fmt.Errorf("count members-only documents: %w", err)
	}
	return res.Total, nil
}

// Bleve returns the underlying Bleve index, for benchmarks and tools.
func (ix *Index) Bleve() bleve.Index { return ix.b }

// EachIndexed calls fn with the id and content hash of every indexed
// document, in id order.
func (ix *Index) EachIndexed(ctx context.Context, fn func(id, hash string) error) error {
	var after []string
	for {
		req := bleve.NewSearchRequestOptions(bleve.NewMatchAllQuery(), 1000, 0, false)
		req.Fields = []string{fieldHash}
		req.SortBy([]string{"_id"})
		if after != nil {
			req.SetSearchAfter(after)
		}
		res, err := ix.b.SearchInContext(ctx, req)
		if err != nil {
			return fmt.Errorf("list indexed documents: %w", err)
		}
		for _, h := range res.Hits {
			if h.ID == glossaryDocID {
				continue
			}
			hash, _ := h.Fields[fieldHash].(string)
			if err := fn(h.ID, hash); err != nil {
				return err
			}
		}
		if len(res.Hits) < 1000 {
			return nil
		}
		after = []string{res.Hits[len(res.Hits)-1].ID}
	}
}
