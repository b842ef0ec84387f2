package search

import (
	"bytes"
	"context"
	"maps"

	"github.com/blevesearch/bleve/v2/mapping"
	bsearch "github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	"github.com/blevesearch/bleve/v2/search/searcher"
	index "github.com/blevesearch/bleve_index_api"
)

// sumQuery matches what any of its alternatives matches and scores a
// document with the sum of the scores of the alternatives it matches.
//
// It is a disjunction without Bleve's coordination factor. Bleve scales a
// disjunction's score by matched/total clauses, which is right across the
// words of a query (a document with more of them ranks higher) but wrong
// across the alternative forms of one word (the word itself, the compounds
// that contain it, its synonyms, its fuzzy variants): there it would make
// a word with many alternatives count less than a word with none.
type sumQuery struct {
	Sum []query.Query `json:"sum"`
}

func newSumQuery(qs ...query.Query) query.Query {
	if len(qs) == 1 {
		return qs[0]
	}
	return &sumQuery{Sum: qs}
}

// Searcher builds the alternatives' searchers. Bleve collects the synonyms
// of a query's terms by walking the query types it knows, which this one
// is not; so the alternatives' synonyms are collected here.
func (q *sumQuery) Searcher(ctx context.Context, r index.IndexReader, m mapping.IndexMapping, options bsearch.SearcherOptions) (bsearch.Searcher, error) {
	ctx, err := synonymContext(ctx, r, m, q.Sum)
	if err != nil {
		return nil, err
	}
	var ss []bsearch.Searcher
	for _, c := range q.Sum {
		s, err := c.Searcher(ctx, r, m, options)
		if err != nil {
			for _, s := range ss {
				s.Close()
			}
			return nil, err
		}
		if s != nil {
			ss = append(ss, s)
		}
	}
	switch len(ss) {
	case 0:
		return searcher.NewMatchNoneSearcher(r)
	case 1:
		return ss[0], nil
	}
	return &sumSearcher{searchers: ss, curr: make([]*bsearch.DocumentMatch, len(ss))}, nil
}

// synonymContext returns ctx with the synonyms of the terms of qs added to
// those Bleve collected (bsearch.FieldTermSynonymMapKey): Bleve collects
// them by walking the query types it knows, and the queries of this file
// are not among them.
func synonymContext(ctx context.Context, r index.IndexReader, m mapping.IndexMapping, qs []query.Query) (context.Context, error) {
	sm, ok := m.(mapping.SynonymMapping)
	if !ok || sm.SynonymCount() == 0 {
		return ctx, nil
	}
	tr, ok := r.(index.ThesaurusReader)
	if !ok {
		return ctx, nil
	}
	fts, _ := ctx.Value(bsearch.FieldTermSynonymMapKey).(bsearch.FieldTermSynonymMap)
	own := bsearch.FieldTermSynonymMap{}
	for f, ts := range fts {
		own[f] = maps.Clone(ts)
	}
	for _, c := range qs {
		var err error
		if own, err = query.ExtractSynonyms(ctx, sm, tr, c, own); err != nil {
			return nil, err
		}
	}
	if len(own) > 0 {
		ctx = context.WithValue(ctx, bsearch.FieldTermSynonymMapKey, own)
	}
	return ctx, nil
}

// sumSearcher merges its searchers' matches in document order and adds up
// the scores of the searchers that match a document.
type sumSearcher struct {
	searchers   []bsearch.Searcher
	curr        []*bsearch.DocumentMatch // each searcher's current match, nil when done
	initialized bool
}

func (s *sumSearcher) init(ctx *bsearch.SearchContext) error {
	for i, c := range s.searchers {
		m, err := c.Next(ctx)
		if err != nil {
			return err
		}
		s.curr[i] = m
	}
	s.initialized = true
	return nil
}

// next returns the match of the lowest document among the current
// matches, merged, and moves the searchers that matched it on.
func (s *sumSearcher) next(ctx *bsearch.SearchContext) (*bsearch.DocumentMatch, error) {
	var low index.IndexInternalID
	for _, m := range s.curr {
		if m != nil && (low == nil || bytes.Compare(m.IndexInternalID, low) < 0) {
			low = m.IndexInternalID
		}
	}
	if low == nil {
		return nil, nil
	}
	var rv *bsearch.DocumentMatch
	var expl []*bsearch.Explanation
	for i, m := range s.curr {
		if m == nil || !bytes.Equal(m.IndexInternalID, low) {
			continue
		}
		if rv == nil {
			rv = m
			if m.Expl != nil {
				expl = append(expl, m.Expl)
			}
		} else {
			rv.Score += m.Score
			rv.FieldTermLocations = bsearch.MergeFieldTermLocations(rv.FieldTermLocations, []*bsearch.DocumentMatch{m})
			if m.Expl != nil {
				expl = append(expl, m.Expl)
			}
			ctx.DocumentMatchPool.Put(m)
		}
		n, err := s.searchers[i].Next(ctx)
		if err != nil {
			return nil, err
		}
		s.curr[i] = n
	}
	if len(expl) > 0 {
		rv.Expl = &bsearch.Explanation{Value: rv.Score, Message: "sum of:", Children: expl}
	}
	return rv, nil
}

func (s *sumSearcher) Next(ctx *bsearch.SearchContext) (*bsearch.DocumentMatch, error) {
	if !s.initialized {
		if err := s.init(ctx); err != nil {
			return nil, err
		}
	}
	return s.next(ctx)
}

func (s *sumSearcher) Advance(ctx *bsearch.SearchContext, id index.IndexInternalID) (*bsearch.DocumentMatch, error) {
	if !s.initialized {
		if err := s.init(ctx); err != nil {
			return nil, err
		}
	}
	for i, m := range s.curr {
		if m == nil || bytes.Compare(m.IndexInternalID, id) >= 0 {
			continue
		}
		ctx.DocumentMatchPool.Put(m)
		n, err := s.searchers[i].Advance(ctx, id)
		if err != nil {
			return nil, err
		}
		s.curr[i] = n
	}
	return s.next(ctx)
}

func (s *sumSearcher) Close() error {
	var first error
	for _, c := range s.searchers {
		if err := c.Close(); err != nil && first == nil {
			first = err
		}
	}
	return first
}

func (s *sumSearcher) Weight() float64 {
	var w float64
	for _, c := range s.searchers {
		w += c.Weight()
	}
	return w
}

func (s *sumSearcher) SetQueryNorm(qnorm float64) {
	for _, c := range s.searchers {
		c.SetQueryNorm(qnorm)
	}
}

func (s *sumSearcher) Count() uint64 {
	var n uint64
	for _, c := range s.searchers {
		n += c.Count()
	}
	return n
}

func (s *sumSearcher) Min() int { return 0 }

func (s *sumSearcher) Size() int {
	n := 64 + 8*len(s.curr)
	for _, c := range s.searchers {
		n += c.Size()
	}
	return n
}

func (s *sumSearcher) DocumentMatchPoolSize() int {
	n := 1
	for _, c := range s.searchers {
		n += c.DocumentMatchPoolSize()
	}
	return n
}

// scaledQuery matches what its query matches and multiplies each score by
// Scale: the weight of a whole alternative (Bleve's disjunction and
// conjunction queries keep a boost but do not apply it).
type scaledQuery struct {
	Q     query.Query `json:"q"`
	Scale float64     `json:"scale"`
}

// Searcher wraps the query's searcher.
func (q *scaledQuery) Searcher(ctx context.Context, r index.IndexReader, m mapping.IndexMapping, options bsearch.SearcherOptions) (bsearch.Searcher, error) {
	ctx, err := synonymContext(ctx, r, m, []query.Query{q.Q})
	if err != nil {
		return nil, err
	}
	s, err := q.Q.Searcher(ctx, r, m, options)
	if err != nil {
		return nil, err
	}
	return &scaledSearcher{Searcher: s, scale: q.Scale}, nil
}

// scaledSearcher multiplies the scores of its searcher's matches.
type scaledSearcher struct {
	bsearch.Searcher
	scale float64
}

func (s *scaledSearcher) scaled(m *bsearch.DocumentMatch, err error) (*bsearch.DocumentMatch, error) {
	if m != nil {
		m.Score *= s.scale
		if m.Expl != nil {
			m.Expl = &bsearch.Explanation{Value: m.Score, Message: "scaled by", Children: []*bsearch.Explanation{m.Expl}}
		}
	}
	return m, err
}

func (s *scaledSearcher) Next(ctx *bsearch.SearchContext) (*bsearch.DocumentMatch, error) {
	return s.scaled(s.Searcher.Next(ctx))
}

func (s *scaledSearcher) Advance(ctx *bsearch.SearchContext, id index.IndexInternalID) (*bsearch.DocumentMatch, error) {
	return s.scaled(s.Searcher.Advance(ctx, id))
}
