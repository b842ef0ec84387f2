package search

import (
	"context"
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"
	index "github.com/blevesearch/bleve_index_api"
)

// analyzerFor returns the analyzer name of a language's text fields.
func analyzerFor(lang string) string {
	s := langSuffix(lang)
	for _, l := range textLangs {
		if l.suffix == s {
			return l.analyzer
		}
	}
	return neutralAnalyzer
}

// Related returns up to n documents most like d: its most distinctive
// terms (frequent in d, rare in the collection) as a query, d itself
// excluded.
func (ix *Index) Related(ctx context.Context, d *Document, n int) ([]Hit, error) {
	an := ix.b.Mapping().AnalyzerNamed(analyzerFor(d.Language))
	if an == nil {
		return nil, fmt.Errorf("related %q: no analyzer for %q", d.ID, d.Language)
	}
	tf := map[string]int{}
	for _, text := range []string{d.Title, d.Title, d.Summary, d.Body} {
		for _, tok := range an.Analyze([]byte(text)) {
			if utf8.RuneCount(tok.Term) >= 3 {
				tf[string(tok.Term)]++
			}
		}
	}
	reader, err := ix.reader()
	if err != nil {
		return nil, fmt.Errorf("related %q: %w", d.ID, err)
	}
	defer reader.Close()
	total, err := reader.DocCount()
	if err != nil {
		return nil, fmt.Errorf("related %q: %w", d.ID, err)
	}
	suffix := langSuffix(d.Language)
	fields := []string{"text_" + suffix, "title_" + suffix}
	type scored struct {
		term  string
		score float64
	}
	var terms []scored
	for term, f := range tf {
		// Document frequency: the most of any of the language's fields.
		var df uint64
		for _, field := range fields {
			tfr, err := reader.TermFieldReader(ctx, []byte(term), field, false, false, false)
			if err != nil {
				return nil, fmt.Errorf("related %q: %w", d.ID, err)
			}
			df = max(df, tfr.Count())
			tfr.Close()
		}
		if df < 2 { // only in d itself (or nowhere): no use for finding others
			continue
		}
		idf := math.Log(float64(total+1) / float64(df+1))
		terms = append(terms, scored{term, float64(f) * idf})
	}
	sort.Slice(terms, func(i, j int) bool {
		if terms[i].score != terms[j].score {
			return terms[i].score > terms[j].score
		}
		return terms[i].term < terms[j].term
	})
	terms = terms[:min(len(terms), 25)]
	var should []query.Query
	for _, t := range terms {
		for _, f := range fields {
			tq := bleve.NewTermQuery(t.term)
			tq.SetField(f)
			should = append(should, tq)
		}
	}
	for _, topic := range d.Topics {
		tq := bleve.NewTermQuery(topic)
		tq.SetField(FacetTopics)
		// Topics are curated: sharing one says more than sharing a word.
		tq.SetBoost(4)
		should = append(should, tq)
	}
	if len(should) == 0 {
		return []Hit{}, nil
	}
	q := query.NewBooleanQuery(nil, should, []query.Query{bleve.NewDocIDQuery([]string{d.ID})})
	req := bleve.NewSearchRequestOptions(restrict(ctx, q), n, 0, false)
	req.Fields = hitFields
	res, err := ix.b.SearchInContext(ctx, req)
	if err != nil {
		return nil, fmt.Errorf("related %q: %w", d.ID, err)
	}
	out := make([]Hit, 0, len(res.Hits))
	for _, h := range res.Hits {
		out = append(out, makeHit(h))
	}
	return out, nil
}

// TopicCount is a topic with its number of documents, in total and by type.
type TopicCount struct {
	Topic  string         `json:"topic"`
	Total  int            `json:"total"`
	ByType map[string]int `json:"by_type"`
}

// Topics counts every topic's documents, in total and per type, exactly.
func (ix *Index) Topics(ctx context.Context) ([]TopicCount, error) {
	types := []string{TypeWebinar, TypeCase, TypeRecommendation, TypeOther}
	results := make([]Facets, len(types)+1)
	errs := make([]error, len(types)+1)
	var wg sync.WaitGroup
	for i := range results {
		wg.Go(func() {
			r := Request{Size: 1, FacetSize: MaxFacetSize, NoSnippets: true}
			if i > 0 {
				r.Filters = map[string][]string{FacetType: {types[i-1]}}
			}
			res, err := ix.Search(ctx, r)
			if err != nil {
				errs[i] = err
				return
			}
			results[i] = res.Facets
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, fmt.Errorf("count topics: %w", err)
		}
	}
	var out []TopicCount
	index := map[string]int{}
	for _, v := range results[0][FacetTopics] {
		index[v.Value] = len(out)
		out = append(out, TopicCount{Topic: v.Value, Total: v.Count, ByType: map[string]int{}})
	}
	for i, t := range types {
		for _, v := range results[i+1][FacetTopics] {
			if j, ok := index[v.Value]; ok {
				out[j].ByType[t] = v.Count
			}
		}
	}
	return out, nil
}

// Suggestion is one as-you-type completion.
type Suggestion struct {
	Text  string `json:"text"`
	Kind  string `json:"kind"` // title, topic, person or organization
	Count int    `json:"count,omitempty"`
	ID    string `json:"id,omitempty"` // the document, for titles
}

// dictCache holds the values of the keyword facets suggestions come from,
// rebuilt when the index changes.
type dictCache struct {
	mu     sync.Mutex
	gen    [2]uint64
	values [2]map[string][]dictValue // public, members
}

// dictValue is a facet value with its lower-case form.
type dictValue struct {
	FacetValue
	lower string
}

// Suggest returns up to n completions of prefix: topics, people and
// organisations whose name has a word starting with it, then document
// titles. Matching ignores case.
func (ix *Index) Suggest(ctx context.Context, prefix string, n int) ([]Suggestion, error) {
	prefix = strings.TrimSpace(prefix)
	if prefix == "" || n <= 0 {
		return []Suggestion{}, nil
	}
	lp := strings.ToLower(prefix)
	values, err := ix.facetDicts(ctx)
	if err != nil {
		return nil, err
	}
	var out []Suggestion
	for _, kind := range []struct{ facet, kind string }{{FacetTopics, "topic"}, {FacetOrganizations, "organization"}, {FacetPeople, "person"}} {
		for _, v := range values[kind.facet] {
			if wordPrefix(v.lower, lp) {
				out = append(out, Suggestion{Text: v.Value, Kind: kind.kind, Count: v.Count})
			}
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		// Whole-value prefix matches first, then the more frequent.
		pi, pj := strings.HasPrefix(strings.ToLower(out[i].Text), lp), strings.HasPrefix(strings.ToLower(out[j].Text), lp)
		if pi != pj {
			return pi
		}
		return out[i].Count > out[j].Count
	})
	out = out[:min(len(out), max(n/2, n-5))]

	// Titles: earlier words must match, the last one as a prefix.
	words := strings.Fields(lp)
	last := words[len(words)-1]
	titles, err := ix.suggestTitles(ctx, words[:len(words)-1], last, n)
	if err != nil {
		return nil, fmt.Errorf("suggest %q: %w", prefix, err)
	}
	for _, t := range titles {
		if len(out) >= n {
			break
		}
		if slices.ContainsFunc(out, func(s Suggestion) bool { return s.Text == t.Text }) {
			continue
		}
		out = append(out, t)
	}
	return out, nil
}

// Title suggestions: a short prefix ("re") starts hundreds of words, and a
// prefix query over all of them makes Bleve score every document with any
// of them. Suggestions instead complete the prefix to the most frequent
// words of the title fields that start with it (maxCompletions per field),
// take the first titleCandidates documents with one of them, unscored
// (Bleve stops collecting there), and rank those titles: titles starting
// with the prefix first, then shorter ones.
const (
	maxCompletions  = 8
	titleCandidates = 40
)

// suggestTitles returns title suggestions for the words before (all must
// match) and the prefix last.
func (ix *Index) suggestTitles(ctx context.Context, before []string, last string, n int) ([]Suggestion, error) {
	reader, err := ix.reader()
	if err != nil {
		return nil, err
	}
	defer reader.Close()
	var titleFields []query.Query
	for _, l := range textLangs {
		field := "title_" + l.suffix
		terms, err := frequentWithPrefix(reader, field, last, maxCompletions)
		if err != nil {
			return nil, err
		}
		if len(terms) == 0 {
			continue
		}
		var alts []query.Query
		for _, t := range terms {
			tq := bleve.NewTermQuery(t)
			tq.SetField(field)
			alts = append(alts, tq)
		}
		var q query.Query = bleve.NewDisjunctionQuery(alts...)
		if len(before) > 0 {
			mq := bleve.NewMatchQuery(strings.Join(before, " "))
			mq.SetField(field)
			mq.SetOperator(query.MatchQueryOperatorAnd)
			q = bleve.NewConjunctionQuery(mq, q)
		}
		titleFields = append(titleFields, q)
	}
	if len(titleFields) == 0 {
		return nil, nil
	}
	req := bleve.NewSearchRequestOptions(restrict(ctx, bleve.NewDisjunctionQuery(titleFields...)), max(n, titleCandidates), 0, false)
	req.Score = bleve.ScoreNone
	req.Fields = []string{fieldTitle}
	res, err := ix.b.SearchInContext(ctx, req)
	if err != nil {
		return nil, err
	}
	full := strings.Join(append(slices.Clone(before), last), " ")
	var out []Suggestion
	seen := map[string]bool{}
	for _, h := range res.Hits {
		title, _ := h.Fields[fieldTitle].(string)
		if title == "" || seen[title] {
			continue
		}
		seen[title] = true
		out = append(out, Suggestion{Text: title, Kind: "title", ID: h.ID})
	}
	sort.SliceStable(out, func(i, j int) bool {
		pi := strings.HasPrefix(strings.ToLower(out[i].Text), full)
		pj := strings.HasPrefix(strings.ToLower(out[j].Text), full)
		if pi != pj {
			return pi
		}
		if li, lj := utf8.RuneCountInString(out[i].Text), utf8.RuneCountInString(out[j].Text); li != lj {
			return li < lj
		}
		return out[i].Text < out[j].Text
	})
	return out[:min(len(out), n)], nil
}

// frequentWithPrefix returns up to k terms of field that start with
// prefix, those in most documents first.
func frequentWithPrefix(reader index.IndexReader, field, prefix string, k int) ([]string, error) {
	dict, err := reader.FieldDictPrefix(field, []byte(prefix))
	if err != nil {
		return nil, err
	}
	defer dict.Close()
	type tc struct {
		term  string
		count uint64
	}
	var all []tc
	for {
		e, err := dict.Next()
		if err != nil {
			return nil, err
		}
		if e == nil {
			break
		}
		all = append(all, tc{e.Term, e.Count})
	}
	sort.Slice(all, func(i, j int) bool {
		if all[i].count != all[j].count {
			return all[i].count > all[j].count
		}
		return all[i].term < all[j].term
	})
	out := make([]string, 0, min(k, len(all)))
	for _, t := range all[:min(k, len(all))] {
		out = append(out, t.term)
	}
	return out, nil
}

// wordPrefix reports whether a word of s starts with p (both lowercased).
func wordPrefix(s, p string) bool {
	for i := 0; i < len(s); {
		if strings.HasPrefix(s[i:], p) {
			return true
		}
		j := strings.IndexAny(s[i:], " -/(")
		if j < 0 {
			return false
		}
		i += j + 1
	}
	return false
}

// facetDicts returns every value (with its count) of the facets
// suggestions use, cached until the index changes.
func (ix *Index) facetDicts(ctx context.Context) (map[string][]dictValue, error) {
	gen := ix.gen.Load()
	v := 0
	if Members(ctx) {
		v = 1
	}
	ix.dicts.mu.Lock()
	defer ix.dicts.mu.Unlock()
	if ix.dicts.values[v] != nil && ix.dicts.gen[v] == gen {
		return ix.dicts.values[v], nil
	}
	// All values, not a Request's most frequent MaxFacetSize.
	r := Request{Size: 1, NoSnippets: true}
	if err := r.normalize(); err != nil {
		return nil, err
	}
	r.FacetSize = math.MaxInt32
	res, err := ix.run(ctx, r, allDocs())
	if err != nil {
		return nil, fmt.Errorf("suggest: %w", err)
	}
	values := map[string][]dictValue{}
	for _, f := range []string{FacetTopics, FacetOrganizations, FacetPeople} {
		for _, fv := range res.Facets[f] {
			values[f] = append(values[f], dictValue{fv, strings.ToLower(fv.Value)})
		}
	}
	ix.dicts.values[v] = values
	ix.dicts.gen[v] = gen
	return values, nil
}

// EachID calls fn with the id of every hit of r, in r's order (r's page,
// size and cursor do not matter). One search finds and orders all hits;
// it is what exports use.
func (ix *Index) EachID(ctx context.Context, r Request, fn func(id string) error) error {
	r.NoFacets, r.NoSnippets = true, true
	r.Page, r.Size, r.Cursor = 0, 0, ""
	r.all = true
	res, err := ix.Search(ctx, r)
	if err != nil {
		return err
	}
	for _, h := range res.all {
		if err := fn(h.ID); err != nil {
			return err
		}
	}
	return nil
}
