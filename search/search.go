// Package search is Fundus's read model. It owns the Bleve (scorch) index:
// the mapping (per-language text fields, keyword facet fields with doc
// values), our query language (see querylang), filters and disjunctive
// facet counts, highlighting, sorting and cursors, related documents,
// topics and suggestions. The Document and Result types live here because
// the write path (indexer) and the HTTP service (web) both speak them.
//
// # Index layout
//
// Text is indexed under language-specific field names (title_de, body_en,
// body_xx …), each with one analyzer; queries search every language's
// fields, so a German query also finds an English document using the same
// term. Facets are keyword fields in their source spelling; filters match
// lowercased twins (f_topics …) so that they ignore case.
package search

import (
	"context"
	"errors"
	"fmt"
	"html"
	"maps"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"

	bsearch "github.com/blevesearch/bleve/v2/search"

	"github.com/fundus-kb/fundus/search/querylang"
)

// Limits of a Request.
const (
	DefaultSize      = 10
	MaxSize          = 100
	DefaultFacetSize = 100
	MaxFacetSize     = 1000
	MaxQueryLength   = 1000
	// MaxDeepPage bounds Page × Size: deeper hits are reached with
	// cursors (Result.NextCursor).
	MaxDeepPage = 10000
)

// MinYear and MaxYear bound the years of the dates a Request's From and
// To may name, and of the dates the index can range over: Bleve's
// datetime fields hold nanoseconds since 1970 in an int64 (1677-12-01 to
// 2262-04-11). Documents outside them keep their date for sorting and the
// year facet, but not for date ranges.
const MinYear, MaxYear = 1678, 2261

// Faults of a Request's dates (InvalidRequestError.Fault), for callers
// that word their own messages.
const (
	FaultDate      = "date"       // not a date NormalizeDate reads
	FaultDateRange = "date_range" // a year outside MinYear–MaxYear
	FaultDateOrder = "date_order" // from after to
)

// Sort orders.
const (
	SortRelevance = "relevance"
	SortDateDesc  = "-date"
	SortDateAsc   = "date"
	SortTitle     = "title"
)

// Request is a typed search: a query, filters per facet, sort and page.
type Request struct {
	Query string
	// Filters maps a facet name (see FacetNames) to the values to keep. Values
	// of one facet are OR-ed, different facets AND-ed.
	Filters map[string][]string
	// From and To bound the document date, inclusive (YYYY-MM-DD).
	From, To  string
	Sort      string // one of the Sort constants; "" is relevance
	Page      int    // from 1; 0 means 1
	Size      int    // 0 means DefaultSize
	FacetSize int    // values per facet; 0 means DefaultFacetSize
	// Cursor continues a search after the last hit of an earlier page
	// (Result.NextCursor); Page must then be 1.
	Cursor string
	// Plain reads Query as plain words: operators, fields, quotes and
	// parentheses lose their meaning (for natural-language queries from
	// other systems, such as evaluation sets).
	Plain bool
	// Lenient reads a Query that does not parse as plain words (see
	// PlainText) instead of failing; Result.Notice then says why.
	Lenient bool
	// NoFacets skips facet counting; NoSnippets skips highlighting.
	NoFacets   bool
	NoSnippets bool
	// NoTypos turns typo tolerance off: no fuzzy retry, no DidYouMean.
	NoTypos bool
	// FilteredFacets counts every facet within all filters, its own
	// included, instead of disjunctively: with a topic selected, the topic
	// facet then counts the topics seen together with it (cross tabulation
	// for charts).
	FilteredFacets bool
	// Tuning replaces DefaultTuning (evaluation and ablation only; nil for
	// the defaults).
	Tuning *Tuning
	// all asks for every hit's id and score, in order, in Result.all
	// (EachID), instead of a page.
	all bool
	// passages keeps each hit's text and matches for Answers.
	passages bool
}

// Result is one page of a search.
type Result struct {
	Total  uint64        `json:"total"`
	Took   time.Duration `json:"-"`
	Hits   []Hit         `json:"hits"`
	Facets Facets        `json:"facets,omitempty"`
	// Sort is the order the hits are in: the Request's, or its default
	// (relevance for words, newest first for browsing without them).
	Sort string `json:"sort"`
	// NextCursor fetches the hits after this page; "" when there are none.
	NextCursor string `json:"next_cursor,omitempty"`
	// DidYouMean is the query with the words the index does not know
	// replaced by the closest frequent words it has; "" when every word is
	// known or none has a close match.
	DidYouMean string `json:"did_you_mean,omitempty"`
	// Fuzzy reports hits that come from the fuzzy retry: the query had
	// unknown words or fewer than 3 hits, and its words were also searched
	// within a small edit distance.
	Fuzzy bool `json:"fuzzy,omitempty"`
	// Notice is the syntax error of a lenient Request's query, which was
	// then read as ReadAs, its plain words; nil when the query parsed.
	Notice *Notice `json:"notice,omitempty"`
	ReadAs string  `json:"read_as,omitempty"`
	// all holds every hit (id and score only) of a Request with all.
	all []Hit
}

// Hit is one matching document, with only what a result list shows.
type Hit struct {
	ID       string   `json:"id"`
	Score    float64  `json:"score"`
	Type     string   `json:"type"`
	Title    string   `json:"title"`
	Date     string   `json:"date,omitempty"`
	Topics   []string `json:"topics,omitempty"`
	Language string   `json:"language,omitempty"`
	// Snippet is HTML: escaped text with <mark> around matched terms.
	Snippet string `json:"snippet"`
	// passage is the hit's text and matches, for Answers only.
	passage *hitPassages
}

// FacetValue is one value of a facet with the number of matching documents.
type FacetValue struct {
	Value    string `json:"value"`
	Count    int    `json:"count"`
	Selected bool   `json:"selected"`
}

// Facets maps a facet name to its values, most frequent first (years
// newest first).
type Facets map[string][]FacetValue

// InvalidRequestError names the parameter of a Request that is wrong.
// Request validation lives in one place (Search checks every Request);
// callers map this error, they do not check again.
type InvalidRequestError struct {
	Param  string
	Reason string // in English
	// Fault is one of the Fault constants for a date; "" otherwise.
	Fault string
}

func (e *InvalidRequestError) Error() string {
	return fmt.Sprintf("invalid parameter %s: %s", e.Param, e.Reason)
}

// order is the sort r's hits come in: relevance without words to rank
// browses, newest first (sortBy, ownSort).
func (r Request) order() string {
	if r.Sort == SortRelevance && r.Query == "" {
		return SortDateDesc
	}
	return r.Sort
}

// normalize checks r and fills in defaults.
func (r *Request) normalize() error {
	if utf8.RuneCountInString(r.Query) > MaxQueryLength {
		return &InvalidRequestError{Param: "q", Reason: fmt.Sprintf("longer than %d characters", MaxQueryLength)}
	}
	if r.Page == 0 {
		r.Page = 1
	}
	if r.Page < 1 {
		return &InvalidRequestError{Param: "page", Reason: "must be 1 or more"}
	}
	if r.Size == 0 {
		r.Size = DefaultSize
	}
	if !r.all && (r.Size < 1 || r.Size > MaxSize) {
		return &InvalidRequestError{Param: "size", Reason: fmt.Sprintf("must be between 1 and %d", MaxSize)}
	}
	if !r.all && r.Page*r.Size > MaxDeepPage {
		return &InvalidRequestError{Param: "page", Reason: fmt.Sprintf("page × size may not pass %d; use cursor (next_cursor) to go deeper", MaxDeepPage)}
	}
	if r.FacetSize == 0 {
		r.FacetSize = DefaultFacetSize
	}
	if r.FacetSize < 1 || r.FacetSize > MaxFacetSize {
		return &InvalidRequestError{Param: "facet_size", Reason: fmt.Sprintf("must be between 1 and %d", MaxFacetSize)}
	}
	if r.Sort == "" {
		// Words are ranked; browsing without words shows the newest first.
		r.Sort = SortRelevance
		if strings.TrimSpace(r.Query) == "" {
			r.Sort = SortDateDesc
		}
	}
	switch r.Sort {
	case SortRelevance, SortDateDesc, SortDateAsc, SortTitle:
	default:
		return &InvalidRequestError{Param: "sort", Reason: fmt.Sprintf("unknown sort %q (want relevance, -date, date or title)", r.Sort)}
	}
	for f := range r.Filters {
		if !slices.Contains(FacetNames, f) {
			return &InvalidRequestError{Param: f, Reason: "unknown filter"}
		}
	}
	if ts := r.Filters[FacetType]; len(ts) > 0 {
		// The API's spellings are the query language's: type=Fall is
		// type=case, and a word that names no type is a mistake.
		canon := make([]string, len(ts))
		for i, v := range ts {
			t, ok := ParseType(v)
			if !ok {
				return &InvalidRequestError{Param: FacetType, Reason: fmt.Sprintf("unknown type %q (want %s)", v, TypeHelp)}
			}
			canon[i] = t
		}
		// A copy: the caller's map stays as it was.
		r.Filters = maps.Clone(r.Filters)
		r.Filters[FacetType] = canon
	}
	var err error
	if r.From, err = DateBound("from", r.From); err != nil {
		return err
	}
	if r.To, err = DateBound("to", r.To); err != nil {
		return err
	}
	if r.Cursor != "" && r.Page != 1 {
		return &InvalidRequestError{Param: "cursor", Reason: "cannot be combined with page"}
	}
	if r.From != "" && r.To != "" && r.From > r.To {
		return &InvalidRequestError{Param: "from", Reason: fmt.Sprintf("%s is after to (%s)", r.From, r.To), Fault: FaultDateOrder}
	}
	return nil
}

// DateBound reads raw as the from or to date (param) of a Request: any
// form NormalizeDate reads, a year or month as to meaning its last day.
// It returns the date as YYYY-MM-DD ("" for none) or an
// *InvalidRequestError with a Fault.
func DateBound(param, raw string) (string, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return "", nil
	}
	d, err := NormalizeDate(raw)
	if err != nil {
		return "", &InvalidRequestError{Param: param, Reason: err.Error(), Fault: FaultDate}
	}
	if param == "to" {
		t, _ := time.Parse(DateLayout, d)
		switch len(raw) {
		case 4:
			d = t.AddDate(1, 0, -1).Format(DateLayout)
		case 7:
			d = t.AddDate(0, 1, -1).Format(DateLayout)
		}
	}
	if y, _ := strconv.Atoi(d[:4]); y < MinYear || y > MaxYear {
		return "", &InvalidRequestError{Param: param, Reason: fmt.Sprintf("must be a date between %d and %d", MinYear, MaxYear), Fault: FaultDateRange}
	}
	return d, nil
}

// Notice tells how a lenient search read a query that did not parse.
type Notice struct {
	// Code is the kind of syntax error, one of querylang's Code constants.
	Code    string `json:"code"`
	Message string `json:"message"` // in English
	Column  int    `json:"column"`  // of the error in the query, from 1
}

// Search runs r and returns one page of hits with facet counts. Facet
// counts are disjunctive: a facet with a selection is counted with every
// filter but its own, so its other values show what they would add.
func (ix *Index) Search(ctx context.Context, r Request) (*Result, error) {
	if !r.Lenient || r.Plain {
		return ix.search(ctx, r)
	}
	_, err := querylang.ParseChecked(r.Query, checkFilterValue)
	var se *querylang.SyntaxError
	if !errors.As(err, &se) {
		return ix.search(ctx, r)
	}
	r.Query = lenientText(r.Query)
	out, err := ix.search(ctx, r)
	if err != nil {
		return nil, err
	}
	out.Notice = &Notice{Code: se.Code, Message: se.Msg, Column: se.Column}
	out.ReadAs = r.Query
	return out, nil
}

// lenientText is q as plain words (PlainText): at most the first
// querylang.MaxTerms of them, in at most MaxQueryLength characters (cut
// at a space where there is one).
func lenientText(q string) string {
	q = PlainText(q)
	if ws := strings.Fields(q); len(ws) > querylang.MaxTerms {
		q = strings.Join(ws[:querylang.MaxTerms], " ")
	}
	if utf8.RuneCountInString(q) > MaxQueryLength {
		q = string([]rune(q)[:MaxQueryLength])
		if i := strings.LastIndexByte(q, ' '); i > 0 {
			q = q[:i]
		}
	}
	return q
}

// exactFirst weighs the words as written in the retry with similar
// spellings (Search): enough that a document they match ranks above those
// only a similar spelling matches.
const exactFirst = 10

// search is Search without lenience.
func (ix *Index) search(ctx context.Context, r Request) (*Result, error) {
	start := time.Now()
	if err := r.normalize(); err != nil {
		return nil, err
	}
	q := r.Query
	if r.Plain {
		q = PlainText(q)
	}
	tune := DefaultTuning()
	if r.Tuning != nil {
		tune = *r.Tuning
	}
	c := ix.compiler(tune)
	n, textQ, err := c.parse(q)
	if err != nil {
		return nil, err
	}
	budget, err := ix.expansionBudget(ctx, n)
	if err != nil {
		return nil, err
	}
	if n == nil || r.NoTypos || !tune.Typos {
		out, err := ix.run(ctx, r, textQ)
		if err != nil {
			return nil, err
		}
		out.Took = time.Since(start)
		return out, nil
	}
	// Typo tolerance. With words the index does not know, the fuzzy
	// reading is the better one, and it finds every document the exact
	// one finds (a word's alternatives are added to the word): it is the
	// only search. Otherwise the exact search runs, and fuzzily again
	// when it finds few documents.
	plan := ix.planTypos(ctx, c, q, n, false, budget)
	var out *Result
	if plan != nil && plan.unknown && len(plan.fuzzy) > 0 {
		fc := *c
		fc.fuzzy = plan.fuzzy
		if out, err = ix.run(ctx, r, fc.compile(n)); err != nil {
			return nil, err
		}
		out.Fuzzy = out.Total > 0
	} else if out, err = ix.run(ctx, r, textQ); err != nil {
		return nil, err
	}
	if out.Total < fewHits {
		// Few hits: every word gets alternatives. The documents the
		// words find as written stay first, as in the search engines
		// users know: without the exact reading's weight a paragraph
		// that holds the rare word itself ("Kladen") ranked below short
		// texts that hold a word like it ("Klagen") once or twice.
		if all := ix.planTypos(ctx, c, q, n, true, budget); all != nil && len(all.fuzzy) > plan.fuzzyCount() {
			fc := *c
			fc.fuzzy = all.fuzzy
			retry := newSumQuery(&scaledQuery{Q: textQ, Scale: exactFirst}, fc.compile(n))
			fout, err := ix.run(ctx, r, retry)
			if err != nil {
				return nil, err
			}
			if fout.Total > out.Total {
				out = fout
				out.Fuzzy = true
			}
		}
	}
	if plan != nil {
		out.DidYouMean = plan.didYouMean
	}
	out.Took = time.Since(start)
	return out, nil
}

// run runs the compiled text query textQ with r's filters, sort, page and
// facets.
func (ix *Index) run(ctx context.Context, r Request, textQ query.Query) (*Result, error) {
	from := (r.Page - 1) * r.Size
	var after []string
	if r.Cursor != "" {
		var err error
		if after, err = decodeCursor(r.Cursor, r.Sort, r.Query); err != nil {
			return nil, err
		}
	}
	if ownSort(r, 0, nil) != nil {
		return ix.runSorted(ctx, r, textQ, from, after)
	}
	main := ix.request(ctx, textQ, r, "")
	main.Size = r.Size
	main.From = from
	main.Fields = hitFields
	if r.Query != "" && !r.NoSnippets {
		// Snippets are cut from the text field around the matches
		// (snippet.go).
		main.IncludeLocations = true
		main.Fields = snippetFields
	}
	sortBy(main, r)
	// Relevance is ordered by score, ties by id. Sorting on _id makes Bleve
	// load the id of every hit, so a first page sorts on the score alone,
	// with one hit more on either side of the page: when no tie crosses the
	// page's edges, the page holds the same hits as the full sort, and only
	// they need ordering by id (fastPage).
	fast := r.Sort == SortRelevance && r.Query != "" && r.Cursor == ""
	if fast {
		main.SortBy([]string{"-_score"})
		main.From = max(0, from-1)
		main.Size = r.Size + 1 + (from - main.From)
	}

	if after != nil {
		main.From = 0
		main.SetSearchAfter(after)
	}

	// Facets without a selection are counted over the main search's hits;
	// each facet with one gets a search of its own without its filter, run
	// concurrently.
	mainCtx := ctx
	var mainCount *facetCounter
	if !r.NoFacets {
		mainCount = &facetCounter{t: &ix.facets, facets: true}
		mainCtx = mainCount.handlerContext(ctx)
	}
	own, counts, wait := ix.selectedFacetCounts(ctx, r, textQ)
	res, err := ix.b.SearchInContext(mainCtx, main)
	if werr := wait(); err == nil {
		err = werr
	}
	if err != nil {
		return nil, fmt.Errorf("search %q: %w", r.Query, err)
	}

	hits := res.Hits
	if fast {
		var ok bool
		if hits, ok = fastPage(hits, from-main.From, r.Size); !ok {
			// A tie crosses the page's edge: sort on score and id after all.
			// The facets are counted again, so that they and the total
			// come from the same search (writes may have come between).
			main.From, main.Size = from, r.Size
			sortBy(main, r)
			if mainCount != nil {
				mainCount = &facetCounter{t: &ix.facets, facets: true}
				mainCtx = mainCount.handlerContext(ctx)
			}
			if res, err = ix.b.SearchInContext(mainCtx, main); err != nil {
				return nil, fmt.Errorf("search %q: %w", r.Query, err)
			}
			hits = res.Hits
			fast = false
		}
	}
	out := &Result{Total: res.Total, Hits: make([]Hit, 0, len(hits)), Sort: r.order()}
	for _, h := range hits {
		hit := makeHit(h)
		if r.passages && len(h.Locations) > 0 {
			hit.passage = passagesOf(h, hit.Title, hit.Topics)
		}
		out.Hits = append(out.Hits, hit)
	}
	if n := len(hits); n > 0 && n == r.Size {
		last := hits[n-1]
		seen := uint64(from + n)
		if r.Cursor != "" || seen < res.Total {
			var after []string
			if fast {
				after = []string{"_score", last.ID}
			} else {
				after = slices.Clone(last.Sort)
			}
			for i, v := range after {
				if v == "_score" { // Bleve leaves the score itself out
					after[i] = strconv.FormatFloat(last.Score, 'g', -1, 64)
				}
			}
			out.NextCursor = encodeCursor(r.Sort, r.Query, after)
		}
	}
	if !r.NoFacets {
		out.Facets = facetsOf(r, mainCount, own, counts)
	}
	return out, nil
}

// selectedFacetCounts starts a search of its own for every facet with a
// selection, counting it with every filter but its own (disjunctive
// facets), concurrently. wait waits for them.
func (ix *Index) selectedFacetCounts(ctx context.Context, r Request, textQ query.Query) (own []string, counts []*facetCounter, wait func() error) {
	if r.NoFacets || r.FilteredFacets {
		return nil, nil, func() error { return nil }
	}
	for _, f := range FacetNames {
		if len(r.Filters[f]) > 0 {
			own = append(own, f)
		}
	}
	counts = make([]*facetCounter, len(own))
	errs := make([]error, len(own))
	var wg sync.WaitGroup
	for i, f := range own {
		counts[i] = &facetCounter{t: &ix.facets, facets: true}
		wg.Go(func() {
			fr := ix.request(ctx, textQ, r, f)
			fr.Size = 0
			fr.Score = bleve.ScoreNone
			_, errs[i] = ix.b.SearchInContext(counts[i].handlerContext(ctx), fr)
		})
	}
	return own, counts, func() error {
		wg.Wait()
		return errors.Join(errs...)
	}
}

// facetsOf gathers the facets of a result: those with a selection from
// their own searches, the others from the main search.
func facetsOf(r Request, main *facetCounter, own []string, counts []*facetCounter) Facets {
	out := Facets{}
	for _, f := range FacetNames {
		c := main
		if i := slices.Index(own, f); i >= 0 {
			c = counts[i]
		}
		out[f] = facetValues(f, c.values(f, r.FacetSize), r.Filters[f])
	}
	return out
}

// sortBy sets req's sort order for r: every order ends with the id, so
// that it is total (cursors rely on that).
func sortBy(req *bleve.SearchRequest, r Request) {
	byID := &bsearch.SortField{Field: fieldIDSort, Type: bsearch.SortFieldAsString}
	byDate := func(desc bool) bsearch.SortOrder {
		return bsearch.SortOrder{&bsearch.SortField{Field: fieldDateSort, Desc: desc, Type: bsearch.SortFieldAsString}, byID}
	}
	switch {
	case r.Sort == SortDateDesc:
		req.SortByCustom(byDate(true))
	case r.Sort == SortDateAsc:
		req.SortByCustom(byDate(false))
	case r.Sort == SortTitle:
		req.SortByCustom(bsearch.SortOrder{&bsearch.SortField{Field: fieldTitleSort, Type: bsearch.SortFieldAsString}, byID})
	case r.Query == "":
		// Browsing: newest first.
		req.SortByCustom(byDate(true))
	default:
		req.SortByCustom(bsearch.SortOrder{&bsearch.SortScore{Desc: true}, byID})
	}
}

// fastPage cuts the page of size hits starting at hits[off] out of hits
// sorted by score alone, where hits[off-1] (when off is 1) is the hit
// before the page and hits[off+size] (when present) the hit after it. It
// orders the page by score, then id, and reports false when the page
// cannot be told from these hits: a score tie crosses one of its edges.
func fastPage(hits []*bsearch.DocumentMatch, off, size int) ([]*bsearch.DocumentMatch, bool) {
	if off > 0 && len(hits) > off && hits[off-1].Score == hits[off].Score {
		return nil, false
	}
	end := off + size
	if len(hits) > end && hits[end-1].Score == hits[end].Score {
		return nil, false
	}
	if off >= len(hits) {
		return nil, true
	}
	page := hits[off:min(end, len(hits))]
	sort.SliceStable(page, func(i, j int) bool {
		if page[i].Score != page[j].Score {
			return page[i].Score > page[j].Score
		}
		return page[i].ID < page[j].ID
	})
	return page, true
}

// hitFields are the stored fields a Hit is made of; snippetFields add the
// text fields snippets are cut from.
var (
	hitFields     = []string{fieldTitle, FacetType, fieldDate, FacetTopics, FacetLanguage, "summary_de", "summary_en", "summary_xx"}
	snippetFields = append(slices.Clone(hitFields), "text_de", "text_en", "text_xx")
)

// request builds a search request for r, applying every filter except the
// one on facet skip.
func (ix *Index) request(ctx context.Context, textQ query.Query, r Request, skip string) *bleve.SearchRequest {
	conj := []query.Query{textQ}
	for _, f := range FacetNames {
		vs := r.Filters[f]
		if f == skip || len(vs) == 0 {
			continue
		}
		field := f
		if caseFolded(f) {
			field = "f_" + f
		}
		var dis []query.Query
		for _, v := range vs {
			spellings := []string{v}
			switch {
			case f == FacetTopics:
				// A topic alias selects its canonical topic.
				spellings = ix.gloss.Load().topicSpellings(v)
			case caseFolded(f):
				spellings = []string{strings.ToLower(v)}
			}
			for _, v := range spellings {
				tq := bleve.NewTermQuery(v)
				tq.SetField(field)
				dis = append(dis, tq)
			}
		}
		conj = append(conj, bleve.NewDisjunctionQuery(dis...))
	}
	if r.From != "" || r.To != "" {
		var from, to time.Time
		if r.From != "" {
			from, _ = time.Parse(DateLayout, r.From)
		}
		if r.To != "" {
			t, _ := time.Parse(DateLayout, r.To)
			to = t.Add(24*time.Hour - time.Nanosecond)
		}
		incl := true
		dq := bleve.NewDateRangeInclusiveQuery(from, to, &incl, &incl)
		dq.SetField(fieldDate)
		conj = append(conj, dq)
	}
	var q query.Query = textQ
	if len(conj) > 1 {
		q = bleve.NewConjunctionQuery(conj...)
	}
	return bleve.NewSearchRequestOptions(restrict(ctx, q), 0, 0, false)
}

func makeHit(h *bsearch.DocumentMatch) Hit {
	hit := Hit{ID: h.ID, Score: h.Score}
	hit.Title, _ = h.Fields[fieldTitle].(string)
	hit.Type, _ = h.Fields[FacetType].(string)
	hit.Language, _ = h.Fields[FacetLanguage].(string)
	if d, ok := h.Fields[fieldDate].(string); ok && len(d) >= 10 {
		hit.Date = d[:10]
	}
	hit.Topics = stringList(h.Fields[FacetTopics])
	if len(h.Locations) > 0 {
		hit.Snippet = hitSnippet(h, hit.Title, hit.Topics)
	}
	if hit.Snippet == "" {
		for _, l := range textLangs {
			if s, ok := h.Fields["summary_"+l.suffix].(string); ok && s != "" {
				hit.Snippet = html.EscapeString(truncate(s, 240))
				break
			}
		}
	}
	return hit
}

func stringList(v any) []string {
	switch v := v.(type) {
	case string:
		return []string{v}
	case []any:
		out := make([]string, 0, len(v))
		for _, x := range v {
			if s, ok := x.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

// truncate shortens s to at most n runes, at a word boundary, adding "…".
func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)[:n]
	cut := strings.LastIndexAny(string(r), " \n\t")
	if cut < n/2 {
		cut = len(string(r))
	}
	return strings.TrimSpace(string(r)[:cut]) + "…"
}

func facetValues(facet string, counted []FacetValue, selected []string) []FacetValue {
	out := []FacetValue{}
	isSel := func(v string) bool {
		for _, s := range selected {
			if s == v || (caseFolded(facet) && strings.EqualFold(s, v)) {
				return true
			}
		}
		return false
	}
	seen := map[string]bool{}
	for _, v := range counted {
		out = append(out, FacetValue{Value: v.Value, Count: v.Count, Selected: isSel(v.Value)})
		seen[strings.ToLower(v.Value)] = true
	}
	// A selected value without matches still shows, with count 0, so it
	// can be seen and removed.
	for _, s := range selected {
		if !seen[strings.ToLower(s)] {
			out = append(out, FacetValue{Value: s, Count: 0, Selected: true})
			seen[strings.ToLower(s)] = true
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		if facet == FacetYear {
			return out[i].Value > out[j].Value
		}
		if out[i].Count != out[j].Count {
			return out[i].Count > out[j].Count
		}
		return out[i].Value < out[j].Value
	})
	return out
}
