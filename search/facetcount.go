package search

import (
	"context"
	"fmt"
	"sort"
	"sync"

	"github.com/blevesearch/bleve/v2/index/scorch"
	bsearch "github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/collector"
	segment "github.com/blevesearch/scorch_segment_api/v2"
)

// Facet counting.
//
// Bleve counts a terms facet by visiting the doc values of every hit, per
// facet field: with eight facets over tens of thousands of hits that is
// most of a search's time. Fundus instead keeps, per index segment (scorch
// segments are immutable), every document's facet values as ordinals into
// one dictionary shared by all segments, built once from the segment's
// postings of the facet fields. A search then counts each hit with a few
// array increments, in a document match handler that wraps Bleve's own
// (search.MakeDocumentMatchHandlerKey). The counts are exact: the handler
// sees exactly the hits Bleve counts in Total (deleted documents never
// reach it).

// facetTables is the per-segment cache and the shared ordinal dictionary.
type facetTables struct {
	mu     sync.Mutex
	segs   map[segment.Segment]*segFacets
	ords   []map[string]uint32 // per facet (FacetNames order): value → ordinal
	values []string            // ordinal → value
	byFace [][]uint32          // facet index → its ordinals
}

// segFacets holds one segment's facet ordinals in compressed-row form: the
// ordinals of local document n are ords[start[n]:start[n+1]].
type segFacets struct {
	once  sync.Once
	err   error
	start []uint32
	ords  []uint32
	// sort holds the segment's sort columns, read on first use
	// (sortkeys.go).
	sortOnce sync.Once
	sortErr  error
	sort     *sortColumns
}

// ordinal returns the ordinal of a facet value, adding it when new. The
// caller holds t.mu.
func (t *facetTables) ordinal(facet int, value string) uint32 {
	if t.ords == nil {
		t.ords = make([]map[string]uint32, len(FacetNames))
		t.byFace = make([][]uint32, len(FacetNames))
	}
	if t.ords[facet] == nil {
		t.ords[facet] = map[string]uint32{}
	}
	if o, ok := t.ords[facet][value]; ok {
		return o
	}
	o := uint32(len(t.values))
	t.ords[facet][value] = o
	t.values = append(t.values, value)
	t.byFace[facet] = append(t.byFace[facet], o)
	return o
}

// snapshotFacets is what one search counts with: the tables of the
// snapshot's segments and where each segment's document numbers start.
type snapshotFacets struct {
	offsets  []uint64 // first global document number of each segment
	segs     []*segFacets
	segments []segment.Segment
	nOrds    int
}

// forSnapshot returns the facet tables of every segment of snap, building
// those it does not have yet.
func (t *facetTables) forSnapshot(snap *scorch.IndexSnapshot) (*snapshotFacets, error) {
	ss := snap.Segments()
	out := &snapshotFacets{offsets: make([]uint64, len(ss)), segs: make([]*segFacets, len(ss)), segments: make([]segment.Segment, len(ss))}
	var running uint64
	t.mu.Lock()
	if t.segs == nil {
		t.segs = map[segment.Segment]*segFacets{}
	}
	live := make(map[segment.Segment]bool, len(ss))
	for i, s := range ss {
		seg := s.Segment()
		live[seg] = true
		out.segments[i] = seg
		out.offsets[i] = running
		running += seg.Count()
		sf := t.segs[seg]
		if sf == nil {
			sf = &segFacets{}
			t.segs[seg] = sf
		}
		out.segs[i] = sf
	}
	// Forget segments merged away (searches still running on an older
	// snapshot keep their own references).
	if len(t.segs) > 2*len(ss)+16 {
		for seg := range t.segs {
			if !live[seg] {
				delete(t.segs, seg)
			}
		}
	}
	t.mu.Unlock()
	for i, s := range ss {
		sf := out.segs[i]
		sf.once.Do(func() { sf.err = t.build(sf, s.Segment()) })
		if sf.err != nil {
			return nil, sf.err
		}
	}
	t.mu.Lock()
	out.nOrds = len(t.values)
	t.mu.Unlock()
	return out, nil
}

// build fills sf from the postings of seg's facet fields.
func (t *facetTables) build(sf *segFacets, seg segment.Segment) error {
	n := seg.Count()
	type pair struct{ doc, ord uint32 }
	var pairs []pair
	counts := make([]uint32, n+1)
	for fi, f := range FacetNames {
		var last string
		var ord uint32
		seen := false
		err := eachPosting(seg, f, func(term string, d uint64) error {
			if !seen || term != last {
				t.mu.Lock()
				ord = t.ordinal(fi, term)
				t.mu.Unlock()
				last, seen = term, true
			}
			if d >= n {
				return fmt.Errorf("%s:%q: document %d beyond the segment's %d", f, term, d, n)
			}
			pairs = append(pairs, pair{uint32(d), ord})
			counts[d+1]++
			return nil
		})
		if err != nil {
			return fmt.Errorf("facet tables: %w", err)
		}
	}
	for i := 1; i < len(counts); i++ {
		counts[i] += counts[i-1]
	}
	sf.start = counts
	sf.ords = make([]uint32, len(pairs))
	fill := make([]uint32, n)
	for _, p := range pairs {
		sf.ords[counts[p.doc]+fill[p.doc]] = p.ord
		fill[p.doc]++
	}
	return nil
}

// facetCounter counts the facet values of the hits of one search (with
// facets), and gives them to a sorter (when not nil).
type facetCounter struct {
	t      *facetTables
	facets bool
	sorter *topSorter
	snap   *snapshotFacets
	cols   []*sortColumns // per segment, with a sorter
	counts []uint32
	seg    int // segment of the last hit
	lo, hi uint64
}

// handlerContext returns ctx with a document match handler that counts
// every hit into c before Bleve's own handler sees it.
func (c *facetCounter) handlerContext(ctx context.Context) context.Context {
	var mk bsearch.MakeDocumentMatchHandler = func(sc *bsearch.SearchContext) (bsearch.DocumentMatchHandler, bool, error) {
		inner, loadID, err := collector.MakeTopNDocumentMatchHandler(sc)
		if err != nil {
			return nil, false, err
		}
		snap, ok := sc.IndexReader.(*scorch.IndexSnapshot)
		if !ok {
			return nil, false, fmt.Errorf("facet counting: index reader is %T, not a scorch snapshot", sc.IndexReader)
		}
		c.snap, err = c.t.forSnapshot(snap)
		if err != nil {
			return nil, false, err
		}
		c.counts = make([]uint32, c.snap.nOrds)
		c.seg = -1
		if c.sorter != nil {
			c.cols = make([]*sortColumns, len(c.snap.segs))
			for i, sf := range c.snap.segs {
				if c.cols[i], err = sf.sortColumns(c.snap.segments[i]); err != nil {
					return nil, false, err
				}
			}
		}
		return func(d *bsearch.DocumentMatch) error {
			if d != nil {
				c.count(d.IndexInternalID.Value(), d.Score)
			}
			return inner(d)
		}, loadID, nil
	}
	return context.WithValue(ctx, bsearch.MakeDocumentMatchHandlerKey, mk)
}

func (c *facetCounter) count(doc uint64, score float64) {
	if c.seg < 0 || doc < c.lo || doc >= c.hi {
		offs := c.snap.offsets
		c.seg = sort.Search(len(offs), func(i int) bool { return offs[i] > doc }) - 1
		c.lo = offs[c.seg]
		c.hi = ^uint64(0)
		if c.seg+1 < len(offs) {
			c.hi = offs[c.seg+1]
		}
	}
	local := doc - c.lo
	if c.sorter != nil {
		c.sorter.add(c.cols[c.seg], local, score)
	}
	if !c.facets {
		return
	}
	sf := c.snap.segs[c.seg]
	for _, o := range sf.ords[sf.start[local]:sf.start[local+1]] {
		c.counts[o]++
	}
}

// values returns the size most frequent values of facet (ties in value
// order), as Bleve's terms facet would.
func (c *facetCounter) values(facet string, size int) []FacetValue {
	fi := -1
	for i, f := range FacetNames {
		if f == facet {
			fi = i
		}
	}
	if c.snap == nil || fi < 0 {
		return nil
	}
	c.t.mu.Lock()
	var ords []uint32
	if c.t.byFace != nil {
		ords = c.t.byFace[fi]
	}
	var out []FacetValue
	for _, o := range ords {
		if int(o) < len(c.counts) && c.counts[o] > 0 {
			out = append(out, FacetValue{Value: c.t.values[o], Count: int(c.counts[o])})
		}
	}
	c.t.mu.Unlock()
	sort.Slice(out, func(i, j int) bool {
		if out[i].Count != out[j].Count {
			return out[i].Count > out[j].Count
		}
		return out[i].Value < out[j].Value
	})
	return out[:min(len(out), size)]
}
