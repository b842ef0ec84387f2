package search

import (
	"container/heap"
	"context"
	"fmt"
	"math"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"
	segment "github.com/blevesearch/scorch_segment_api/v2"
)

// Sorting by date or title.
//
// Bleve sorts on a field by visiting the doc values of every hit, which
// for a browse over 100,000 documents was most of its time. Like facet
// values (facetcount.go), each segment's sort values are read once from
// the postings of date_sort, title_sort and id_sort into columns; the
// document match handler keeps the best hits of a search in a heap while
// Bleve only finds and counts them (unscored, no hits collected), and a
// second search fetches the page's documents by id.

// sortColumns are one segment's sort values by local document number; ""
// where a document has none.
type sortColumns struct {
	date, title, id []string
}

// sortColumns returns the segment's sort columns, reading them on first
// use.
func (sf *segFacets) sortColumns(seg segment.Segment) (*sortColumns, error) {
	sf.sortOnce.Do(func() {
		n := seg.Count()
		c := &sortColumns{date: make([]string, n), title: make([]string, n), id: make([]string, n)}
		for _, col := range []struct {
			field string
			into  []string
		}{{fieldDateSort, c.date}, {fieldTitleSort, c.title}, {fieldIDSort, c.id}} {
			if err := eachPosting(seg, col.field, func(term string, doc uint64) error {
				if doc < n {
					col.into[doc] = term
				}
				return nil
			}); err != nil {
				sf.sortErr = fmt.Errorf("sort columns: %w", err)
				return
			}
		}
		sf.sort = c
	})
	return sf.sort, sf.sortErr
}

// eachPosting calls fn for every term of field in seg (in term order) and
// every document number that has it, until fn returns an error.
func eachPosting(seg segment.Segment, field string, fn func(term string, doc uint64) error) error {
	dict, err := seg.Dictionary(field)
	if err != nil {
		return fmt.Errorf("postings of %s: %w", field, err)
	}
	if dict == nil {
		return nil
	}
	it := dict.AutomatonIterator(nil, nil, nil)
	var pl segment.PostingsList
	var pi segment.PostingsIterator
	for {
		e, err := it.Next()
		if err != nil {
			return fmt.Errorf("terms of %s: %w", field, err)
		}
		if e == nil {
			return nil
		}
		pl, err = dict.PostingsList([]byte(e.Term), nil, pl)
		if err != nil {
			return fmt.Errorf("postings of %s:%q: %w", field, e.Term, err)
		}
		pi = pl.Iterator(false, false, false, pi)
		for {
			p, err := pi.Next()
			if err != nil {
				return fmt.Errorf("postings of %s:%q: %w", field, e.Term, err)
			}
			if p == nil {
				break
			}
			if err := fn(e.Term, p.Number()); err != nil {
				return err
			}
		}
	}
}

// sortKey is a hit's place in an order.
type sortKey struct {
	v, id string  // the sort value ("" for none) and the document id
	score float64 // the hit's score, for relevance
}

// keyOrder orders sort keys: by score (with byScore, highest first) or by
// value (descending when desc; documents without one last), then by id.
type keyOrder struct{ byScore, desc bool }

// before reports whether a comes before b.
func (o keyOrder) before(a, b sortKey) bool {
	if o.byScore {
		if a.score != b.score {
			return a.score > b.score
		}
		return a.id < b.id
	}
	if (a.v == "") != (b.v == "") {
		return b.v == ""
	}
	if a.v != b.v {
		return a.v < b.v != o.desc
	}
	return a.id < b.id
}

// topSorter keeps the k first hits of a search in an order, those after
// a cursor only.
type topSorter struct {
	order keyOrder
	k     int
	after *sortKey
	col   func(c *sortColumns) []string
	h     keyHeap
}

// keyHeap is a heap whose root is the last of the kept keys.
type keyHeap struct {
	keys  []sortKey
	order keyOrder
}

func (h *keyHeap) Len() int           { return len(h.keys) }
func (h *keyHeap) Less(i, j int) bool { return h.order.before(h.keys[j], h.keys[i]) }
func (h *keyHeap) Swap(i, j int)      { h.keys[i], h.keys[j] = h.keys[j], h.keys[i] }
func (h *keyHeap) Push(x any)         { h.keys = append(h.keys, x.(sortKey)) }
func (h *keyHeap) Pop() any {
	k := h.keys[len(h.keys)-1]
	h.keys = h.keys[:len(h.keys)-1]
	return k
}

func (s *topSorter) add(c *sortColumns, local uint64, score float64) {
	key := sortKey{id: c.id[local], score: score}
	if s.col != nil {
		key.v = s.col(c)[local]
	}
	if s.after != nil && !s.order.before(*s.after, key) {
		return
	}
	if s.h.Len() < s.k {
		heap.Push(&s.h, key)
		return
	}
	if s.k > 0 && s.order.before(key, s.h.keys[0]) {
		s.h.keys[0] = key
		heap.Fix(&s.h, 0)
	}
}

// sorted returns the kept keys in order.
func (s *topSorter) sorted() []sortKey {
	out := make([]sortKey, s.h.Len())
	for i := len(out) - 1; i >= 0; i-- {
		out[i] = heap.Pop(&s.h).(sortKey)
	}
	return out
}

// ownSort returns the sorter for r when Fundus sorts it itself: by date
// (also browsing without a query) or title; by relevance only when every
// hit is wanted (Request.all), else nil.
func ownSort(r Request, k int, after []string) *topSorter {
	s := &topSorter{k: k}
	switch {
	case r.all && r.Sort == SortRelevance && r.Query != "":
		s.order.byScore = true
	case r.Sort == SortDateDesc || r.Sort == SortRelevance && r.Query == "":
		s.order.desc = true
		s.col = func(c *sortColumns) []string { return c.date }
	case r.Sort == SortDateAsc:
		s.col = func(c *sortColumns) []string { return c.date }
	case r.Sort == SortTitle:
		s.col = func(c *sortColumns) []string { return c.title }
	default:
		return nil
	}
	s.h.order = s.order
	if len(after) == 2 {
		s.after = &sortKey{v: after[0], id: after[1]}
	}
	return s
}

// runSorted is run for the orders Fundus sorts itself (ownSort): one
// unscored search finds, counts and sorts the hits, a second fetches the
// page's documents by id. A document changed between the two shows as it
// is now; one deleted in between leaves the page a hit short.
func (ix *Index) runSorted(ctx context.Context, r Request, textQ query.Query, from int, after []string) (*Result, error) {
	k := from + r.Size
	if r.all {
		k = math.MaxInt
	}
	sorter := ownSort(r, k, after)
	mainCount := &facetCounter{t: &ix.facets, sorter: sorter, facets: !r.NoFacets}
	find := ix.request(ctx, textQ, r, "")
	find.Size = 0
	if !sorter.order.byScore {
		find.Score = bleve.ScoreNone
	}
	own, counts, wait := ix.selectedFacetCounts(ctx, r, textQ)
	res, err := ix.b.SearchInContext(mainCount.handlerContext(ctx), find)
	if werr := wait(); err == nil {
		err = werr
	}
	if err != nil {
		return nil, fmt.Errorf("search %q: %w", r.Query, err)
	}
	keys := sorter.sorted()
	if r.all {
		out := &Result{Total: res.Total, Hits: []Hit{}, all: make([]Hit, len(keys))}
		for i, k := range keys {
			out.all[i] = Hit{ID: k.id, Score: k.score}
		}
		return out, nil
	}
	keys = keys[min(from, len(keys)):]
	out := &Result{Total: res.Total, Hits: make([]Hit, 0, len(keys)), Sort: r.order()}
	if len(keys) > 0 {
		ids := make([]string, len(keys))
		for i, k := range keys {
			ids[i] = k.id
		}
		var q query.Query = bleve.NewDocIDQuery(ids)
		fetch := bleve.NewSearchRequestOptions(q, len(ids), 0, false)
		fetch.Fields = hitFields
		if r.Query != "" && !r.NoSnippets {
			fetch.Query = bleve.NewConjunctionQuery(q, textQ)
			fetch.IncludeLocations = true
			fetch.Fields = snippetFields
		}
		page, err := ix.b.SearchInContext(ctx, fetch)
		if err != nil {
			return nil, fmt.Errorf("search %q: fetch the page: %w", r.Query, err)
		}
		byID := make(map[string]Hit, len(page.Hits))
		for _, h := range page.Hits {
			byID[h.ID] = makeHit(h)
		}
		for _, id := range ids {
			if h, ok := byID[id]; ok {
				out.Hits = append(out.Hits, h)
			}
		}
	}
	if n := len(keys); n > 0 && n == r.Size && (r.Cursor != "" || uint64(from+n) < res.Total) {
		last := keys[n-1]
		out.NextCursor = encodeCursor(r.Sort, r.Query, []string{last.v, last.id})
	}
	if !r.NoFacets {
		out.Facets = facetsOf(r, mainCount, own, counts)
	}
	return out, nil
}
