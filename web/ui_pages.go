package web

import (
	"context"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/fundus-kb/fundus/search"
)

// typeOrder is the order document types are shown in.
var typeOrder = []string{search.TypeWebinar, search.TypeCase, search.TypeRecommendation, search.TypeOther}

// homeData is the data of the start page.
type homeData struct {
	*view
	Total  uint64
	Types  []linkView
	Topics []linkView
	Latest []latestList
	// YearChart and TopicChart are the overview charts (charts.go).
	YearChart  *typeYearChart
	TopicChart *barList
}

// latestList is the newest documents of one type.
type latestList struct {
	Type    string
	Heading string
	All     string
	Hits    []hitView
}

// homeTopics is how many topics the start page shows.
const homeTopics = 16

// homeChartTopics is how many topics the start page's chart shows.
const homeChartTopics = 8

func (s *Server) homePage(w http.ResponseWriter, r *http.Request, v *view) error {
	ctx := r.Context()
	v.Page, v.Nav, v.Title, v.HeaderSearch = "home", "home", "", false
	d := &homeData{view: v}

	types := []string{search.TypeWebinar, search.TypeCase, search.TypeRecommendation}
	latest := make([]*search.Result, len(types))
	var stats *search.Result
	var topics []search.TopicCount
	errs := make([]error, len(types)+3)
	var yTypes []string
	var yByType []map[string]int
	var yTotals []int
	var wg sync.WaitGroup
	for i, t := range types {
		wg.Go(func() {
			latest[i], errs[i] = s.kb.Search(ctx, search.Request{
				Filters: map[string][]string{search.FacetType: {t}},
				Sort:    search.SortDateDesc, Size: 4, NoFacets: true, NoSnippets: true,
			})
		})
	}
	wg.Go(func() {
		stats, errs[len(types)] = s.kb.Search(ctx, search.Request{Size: 1, NoSnippets: true})
	})
	wg.Go(func() { topics, errs[len(types)+1] = s.kb.Topics(ctx) })
	wg.Go(func() { yTypes, yByType, yTotals, errs[len(types)+2] = s.yearTypeCounts(ctx, nil) })
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return err
	}

	d.Total = stats.Total
	counts := map[string]int{}
	for _, fv := range stats.Facets[search.FacetType] {
		counts[fv.Value] = fv.Count
	}
	for _, t := range typeOrder {
		if counts[t] > 0 {
			d.Types = append(d.Types, linkView{Text: v.TypePlural(t), URL: "/search?type=" + t, Count: counts[t]})
		}
	}
	for _, t := range topics[:min(len(topics), homeTopics)] {
		d.Topics = append(d.Topics, linkView{Text: v.ValueName(t.Topic), URL: topicURL(t.Topic), Count: t.Total})
	}
	if d.Total > 0 {
		d.YearChart = newTypeYearChart(v, "chart-years", v.T("chart.years.title"), yTypes, yByType, yTotals, "/search", nil)
		d.TopicChart = newBarList(v, "chart-topics", v.T("chart.topics.title"), d.Topics[:min(len(d.Topics), homeChartTopics)])
	}
	for i, t := range types {
		if len(latest[i].Hits) == 0 {
			continue
		}
		d.Latest = append(d.Latest, latestList{
			Type: t, Heading: v.T("home.latest." + t),
			All:  "/search?sort=-date&type=" + t,
			Hits: hitViews(v, latest[i].Hits),
		})
	}
	s.render(w, r, v, "home", http.StatusOK, d)
	return nil
}

// listData is the data of a result list: the search page, a topic's page
// and the recommendations. search.html renders all three.
type listData struct {
	*view
	// Kind is "search", "topic" or "recommendations".
	Kind    string
	Action  string // the form's action
	Heading string
	Intro   string
	Topic   string

	Query string
	Sort  string
	Sorts []option
	// Sizes are the page sizes offered, the current one selected.
	Sizes []option
	// From and To are the dates as typed; DateErrors holds a message per
	// field ("from", "to") that could not be applied.
	From, To   string
	DateErrors map[string]string
	// Range is the line "11–20 von 53".
	Range string

	Total     uint64
	Summary   string
	FirstRank int
	Hits      []hitView
	Facets    []facetView
	Chips     []chip
	ClearURL  string
	Pager     *pager
	// PastEnd is a page behind the last; FirstPage links to the first.
	PastEnd   bool
	FirstPage string

	ExportCSV, ExportCSVExcel, ExportXLSX, ExportNDJSON, Feed string
	// Cites are the citation downloads of every match.
	Cites []linkView
	// Follow is the Follow control: the list as a feed.
	Follow *followView

	// DidYouMean is a spelling suggestion for the query, shown by the
	// "did-you-mean" block; empty until search offers one.
	DidYouMean *linkView
	NoResults  *noResults
	// Notice says that the query did not parse and was read as plain
	// words, with a link to the search tips.
	Notice *noticeView
	// Answers are the passages that answer a question (search page, first
	// page, a query that reads as a question): the first is shown, the
	// others behind "more answers".
	Answers []answerItem

	// YearChart and CoTopics are a topic's charts, Matrix the
	// recommendations' (charts.go).
	YearChart *typeYearChart
	CoTopics  []linkView
	Matrix    *recMatrix
}

// noticeView is the notice about a query read as plain words.
type noticeView struct {
	Text, TipsURL string
}

// option is an <option> of a <select>.
type option struct {
	Value, Label string
	Selected     bool
}

// noResults is the help shown when a search finds nothing.
type noResults struct {
	// Unfiltered is the same query without filters, when there were any
	// and it finds something.
	Unfiltered *linkView
	Topics     []linkView
}

// listConfig is what makes a result list a search, a topic's page or the
// recommendations.
type listConfig struct {
	kind, path string
	// fixed are filters the page sets itself, by query parameter.
	fixed       url.Values
	facets      []string
	defaultSize int
}

var (
	searchFacets = []string{search.FacetType, search.FacetTopics, search.FacetYear, search.FacetLanguage,
		search.FacetOrganizations, search.FacetPeople, search.FacetAddressees, search.FacetPolicyArea}
	topicFacets = []string{search.FacetType, search.FacetYear, search.FacetLanguage,
		search.FacetOrganizations, search.FacetPeople, search.FacetAddressees, search.FacetPolicyArea}
	recommendationFacets = []string{search.FacetAddressees, search.FacetPolicyArea, search.FacetTopics, search.FacetYear}
)

func (s *Server) searchPage(w http.ResponseWriter, r *http.Request, v *view) error {
	v.Page, v.Nav, v.HeaderSearch = "search", "search", false
	return s.listPage(w, r, v, listConfig{kind: "search", path: "/search", facets: searchFacets})
}

func (s *Server) topicPage(w http.ResponseWriter, r *http.Request, v *view) error {
	topic, err := pathVar(r, "topic")
	if err != nil {
		return err
	}
	v.Page, v.Nav, v.HeaderSearch = "topic", "topics", false
	return s.listPage(w, r, v, listConfig{
		kind: "topic", path: topicURL(topic), fixed: url.Values{"topic": {topic}},
		facets: topicFacets,
	})
}

func (s *Server) recommendationsPage(w http.ResponseWriter, r *http.Request, v *view) error {
	v.Page, v.Nav, v.HeaderSearch = "recommendations", "recommendations", false
	return s.listPage(w, r, v, listConfig{
		kind: "recommendations", path: "/recommendations", fixed: url.Values{"type": {search.TypeRecommendation}},
		facets: recommendationFacets, defaultSize: 50,
	})
}

// listPage runs the search the URL describes and renders the list.
func (s *Server) listPage(w http.ResponseWriter, r *http.Request, v *view, cfg listConfig) error {
	ctx := r.Context()
	q := r.URL.Query()
	var fixedParams []string
	for p := range cfg.fixed {
		fixedParams = append(fixedParams, p)
		q.Del(p)
	}
	q.Del("cursor")
	rawFrom, rawTo := q.Get("from"), q.Get("to")
	dateErrs := checkDates(v, q)
	req, err := parseSearch(q)
	if err != nil {
		return err
	}
	req.Cursor = ""
	for p, vs := range cfg.fixed {
		for _, fp := range filterParams {
			if fp.param == p {
				req.Filters[fp.facet] = vs
			}
		}
	}
	req.Lenient = true // the box never shows an error page for a query
	if q.Get("size") == "" && cfg.defaultSize > 0 {
		req.Size = cfg.defaultSize
	}
	res, err := s.kb.Search(ctx, req)
	if err != nil {
		return err
	}
	if cfg.kind == "topic" {
		if err := checkTopic(cfg.fixed.Get("topic"), req, res); err != nil {
			return err
		}
	}

	st := newState(cfg.path, q, fixedParams...)
	d := &listData{
		view: v, Kind: cfg.kind, Action: cfg.path,
		Query: req.Query, From: rawFrom, To: rawTo, DateErrors: dateErrs,
		Total: res.Total, FirstRank: (req.Page-1)*req.Size + 1,
		Hits:     hitViews(v, res.Hits),
		Facets:   facetViews(v, st, res.Facets, cfg.facets),
		Pager:    newPager(st, req.Page, req.Size, res.Total),
		ClearURL: withQuery(cfg.path, url.Values{"q": {req.Query}}),
	}
	if req.Query == "" {
		d.ClearURL = cfg.path
	}
	if res.DidYouMean != "" && res.DidYouMean != req.Query {
		qq := url.Values{}
		for k, vs := range q {
			if k != "page" && k != "cursor" {
				qq[k] = vs
			}
		}
		qq.Set("q", res.DidYouMean)
		d.DidYouMean = &linkView{Text: res.DidYouMean, URL: withQuery(cfg.path, qq)}
	}
	if res.Notice != nil {
		d.Notice = &noticeView{
			Text:    v.T("notice.readas", v.lookup("notice."+res.Notice.Code, res.Notice.Message)),
			TipsURL: "/search/tips",
		}
	}
	for _, n := range pageSizes(req.Size) {
		d.Sizes = append(d.Sizes, option{Value: strconv.Itoa(n), Label: strconv.Itoa(n), Selected: n == req.Size})
	}
	if len(res.Hits) > 0 {
		first := (req.Page-1)*req.Size + 1
		d.Range = v.T("results.range", first, first+len(res.Hits)-1, res.Total)
	}
	if cfg.kind == "search" && req.Page == 1 && req.Cursor == "" && res.Total > 0 && search.IsQuestion(req.Query) {
		_, answers, err := s.answers(ctx, req, search.DefaultAnswers)
		if err != nil {
			return err
		}
		for _, a := range answers {
			// passage_html is escaped text with <mark> (search.Answers).
			d.Answers = append(d.Answers, answerItem{V: v, A: a, HTML: template.HTML(a.PassageHTML)})
		}
	}
	d.Sort = res.Sort // a typed query ranks, browsing shows the newest first
	for _, o := range []string{search.SortRelevance, search.SortDateDesc, search.SortDateAsc, search.SortTitle} {
		d.Sorts = append(d.Sorts, option{Value: o, Label: v.T("sort." + o), Selected: o == d.Sort})
	}

	switch cfg.kind {
	case "topic":
		d.Topic = cfg.fixed.Get("topic")
		d.Heading = v.ValueName(d.Topic)
		v.Title = d.Heading
		if err := s.topicCharts(ctx, v, d); err != nil {
			return err
		}
	case "recommendations":
		d.Heading = v.T("recs.heading")
		d.Intro = v.T("recs.intro")
		v.Title = d.Heading
		s.addRecommendationDetails(ctx, v, d.Hits)
		if err := s.recommendationCharts(ctx, v, d); err != nil {
			return err
		}
	default:
		d.Heading = v.T("search.heading")
		v.Title = v.T("search.heading")
		if req.Query != "" {
			v.Title = v.T("search.title", req.Query)
		}
	}
	switch {
	case req.Query != "":
		d.Summary = v.N("results.for", res.Total, req.Query)
	case cfg.kind == "recommendations":
		d.Summary = v.N("results.recs", res.Total)
	default:
		d.Summary = v.N("results.count", res.Total)
	}
	if len(res.Hits) == 0 && res.Total > 0 {
		d.PastEnd, d.FirstPage = true, st.page(1)
	}

	// Chips: every selected filter, and the date range.
	for _, fp := range filterParams {
		for _, val := range st.v[fp.param] {
			d.Chips = append(d.Chips, chip{Label: v.T("facet." + fp.facet), Value: v.FacetLabel(fp.facet, val), URL: st.without(fp.param, val)})
		}
	}
	for _, p := range []string{"from", "to"} {
		if val := st.v.Get(p); val != "" {
			d.Chips = append(d.Chips, chip{Label: v.T("filter." + p), Value: val, URL: st.without(p, "")})
		}
	}

	api := st.apiQuery(cfg.fixed)
	feedQuery := st.apiQuery(cfg.fixed, "sort")
	// A query read as plain words: the links (exports, citations, feed)
	// give what the page shows, as the API and the feed are exact and
	// would refuse the query as typed.
	linkReq := req
	if res.ReadAs != "" {
		linkReq.Query = res.ReadAs
		api.Set("q", res.ReadAs)
		feedQuery.Set("q", res.ReadAs)
	}
	api.Set("format", "csv")
	d.ExportCSV = withQuery("/api/search", api)
	api.Set("format", "csv-excel")
	d.ExportCSVExcel = withQuery("/api/search", api)
	api.Set("format", "xlsx")
	d.ExportXLSX = withQuery("/api/search", api)
	api.Set("format", "ndjson")
	d.ExportNDJSON = withQuery("/api/search", api)
	api.Set(feedLangParam, v.Lang)
	for _, f := range []struct{ name, format string }{{"BibTeX", "bibtex"}, {"RIS", "ris"}, {"CSL-JSON", "csl-json"}} {
		api.Set("format", f.format)
		d.Cites = append(d.Cites, linkView{Text: f.name, URL: withQuery("/api/search", api)})
	}
	feedQuery.Set(feedLangParam, v.Lang)
	d.Feed = withQuery("/feeds/search.atom", feedQuery)
	d.Follow = s.followView(r, v, linkReq, feedQuery, "list")
	v.Alternates = append(v.Alternates, alternate{Type: "application/atom+xml", Title: s.feedTitle(linkReq, v.Lang), Href: d.Feed})

	if res.Total == 0 {
		nr, err := s.noResults(ctx, v, req, st, cfg)
		if err != nil {
			return err
		}
		d.NoResults = nr
	}
	s.render(w, r, v, "search", http.StatusOK, d)
	return nil
}

// dateField is a date input of a list page.
type dateField struct {
	Name, Label, Value, Error string
}

// DateFields are the from and to inputs, with the dates as typed and
// their messages.
func (d *listData) DateFields() []dateField {
	return []dateField{
		{Name: "from", Label: d.T("filter.from"), Value: d.From, Error: d.DateErrors["from"]},
		{Name: "to", Label: d.T("filter.to"), Value: d.To, Error: d.DateErrors["to"]},
	}
}

// DateFieldErrors are the date inputs that have a message.
func (d *listData) DateFieldErrors() []dateField {
	var out []dateField
	for _, f := range d.DateFields() {
		if f.Error != "" {
			out = append(out, f)
		}
	}
	return out
}

// pageSizes are the page sizes a list offers: 10, 20 and 50, and the
// current one when the URL asked for another.
func pageSizes(current int) []int {
	sizes := []int{10, 20, 50}
	if !slices.Contains(sizes, current) {
		sizes = append(sizes, current)
		slices.Sort(sizes)
	}
	return sizes
}

// checkDates checks the from and to dates of a list page's query q as a
// person typed them (TT.MM.JJJJ, MM.JJJJ, JJJJ-MM-TT, JJJJ …). A date that
// cannot be read, lies outside the years the index can compare, or ends
// the period before it starts is removed from q, so that the list runs
// without it, and its field gets a message: the page never fails on a
// date.
func checkDates(v *view, q url.Values) map[string]string {
	errs := map[string]string{}
	dates := map[string]string{}
	for _, p := range []string{"from", "to"} {
		raw := strings.TrimSpace(q.Get(p))
		d, err := search.DateBound(p, raw)
		var ir *search.InvalidRequestError
		switch {
		case err == nil:
			dates[p] = d
			continue
		case errors.As(err, &ir) && ir.Fault == search.FaultDateRange:
			errs[p] = v.T("filter.date.years", search.MinYear, search.MaxYear)
		default:
			errs[p] = v.T("filter.date.invalid", raw)
		}
		q.Del(p)
	}
	if from, to := dates["from"], dates["to"]; from != "" && to != "" && from > to {
		errs["to"] = v.T("filter.date.order")
		q.Del("to")
	}
	if len(errs) == 0 {
		return nil
	}
	return errs
}

// addRecommendationDetails fills in addressees and policy areas, which a
// hit does not carry, from the stored documents.
func (s *Server) addRecommendationDetails(ctx context.Context, v *view, hits []hitView) {
	for i := range hits {
		doc, err := s.kb.Document(ctx, hits[i].ID)
		if err != nil {
			continue // deleted meanwhile: the card shows without them
		}
		for _, a := range doc.Addressees {
			hits[i].Addressees = append(hits[i].Addressees, linkView{Text: v.ValueName(a), URL: "/recommendations?addressee=" + url.QueryEscape(a)})
		}
		if doc.PolicyArea != "" {
			hits[i].PolicyArea = &linkView{Text: v.ValueName(doc.PolicyArea), URL: "/recommendations?policy_area=" + url.QueryEscape(doc.PolicyArea)}
		}
	}
}

// popularTopics is how many topics a page without results suggests.
const popularTopics = 10

// noResults gathers help for an empty result: the query without its
// filters (when that finds something) and the most used topics.
func (s *Server) noResults(ctx context.Context, v *view, req search.Request, st pageState, cfg listConfig) (*noResults, error) {
	nr := &noResults{}
	filtered := req.From != "" || req.To != "" || len(req.Filters) > len(cfg.fixed)
	if filtered {
		plain := search.Request{Query: req.Query, Size: 1, NoFacets: true, NoSnippets: true, Filters: map[string][]string{}}
		for p, vs := range cfg.fixed {
			plain.Filters[filterFacet(p)] = vs
		}
		res, err := s.kb.Search(ctx, plain)
		if err != nil {
			return nil, err
		}
		if res.Total > 0 {
			q := url.Values{}
			if req.Query != "" {
				q.Set("q", req.Query)
			}
			nr.Unfiltered = &linkView{Text: req.Query, URL: withQuery(st.path, q), Count: int(res.Total)}
		}
	}
	topics, err := s.kb.Topics(ctx)
	if err != nil {
		return nil, err
	}
	for _, t := range topics[:min(len(topics), popularTopics)] {
		nr.Topics = append(nr.Topics, linkView{Text: v.ValueName(t.Topic), URL: topicURL(t.Topic), Count: t.Total})
	}
	return nr, nil
}

// documentData is the data of a document's page.
type documentData struct {
	*view
	Doc     *search.Document
	DocLang string // the document's language, for lang attributes
	Blocks  []block
	// Body is the body rendered from its source (see package docbody);
	// when empty the page shows Blocks, the plain-text body.
	Body       template.HTML
	Topics     []linkView
	People     []linkView
	Orgs       []linkView
	Addressees []linkView
	PolicyArea *linkView
	Extra      []metaField
	Related    []hitView
	TypeList   string
	Permalink  string
	JSONURL    string
	Citation   string
	Cites      []linkView // the citation downloads
	Source     sourceView
}

// metaField is a metadata field without a place of its own; Link is set
// when the value is a web address to follow.
type metaField struct{ Name, Value, Link string }

// relatedCount is how many related documents a document page lists.
const relatedCount = 5

func (s *Server) documentPage(w http.ResponseWriter, r *http.Request, v *view) error {
	ctx := r.Context()
	id, err := pathVar(r, "id")
	if err != nil {
		return err
	}
	doc, err := s.kb.Document(ctx, id)
	if err != nil {
		return err
	}
	related, err := s.kb.Related(ctx, id, relatedCount)
	if err != nil && !errors.Is(err, search.ErrNotFound) {
		// The page is worth showing without its related documents.
		s.log.Warn("related documents", "id", id, "err", err)
	}
	v.Page, v.Nav, v.Title = "document", "", doc.Title
	if v.Title == "" {
		v.Title = doc.ID
	}
	d := &documentData{
		view: v, Doc: doc, DocLang: contentLang(doc.Language),
		Blocks:    bodyBlocks(doc.Body, doc.Title),
		Related:   hitViews(v, related),
		TypeList:  "/search?type=" + url.QueryEscape(doc.Type),
		Permalink: s.baseURL(r) + DocumentPath(doc.ID),
		JSONURL:   "/api" + DocumentPath(doc.ID),
	}
	d.Body, d.Source = s.documentBody(ctx, doc)
	v.Canonical = d.Permalink
	for _, t := range doc.Topics {
		d.Topics = append(d.Topics, linkView{Text: v.ValueName(t), URL: topicURL(t)})
	}
	for _, p := range doc.People {
		d.People = append(d.People, linkView{Text: p, URL: "/search?person=" + url.QueryEscape(p)})
	}
	for _, o := range doc.Organizations {
		d.Orgs = append(d.Orgs, linkView{Text: o, URL: "/search?org=" + url.QueryEscape(o)})
	}
	for _, a := range doc.Addressees {
		d.Addressees = append(d.Addressees, linkView{Text: v.ValueName(a), URL: "/recommendations?addressee=" + url.QueryEscape(a)})
	}
	if doc.PolicyArea != "" {
		d.PolicyArea = &linkView{Text: v.ValueName(doc.PolicyArea), URL: "/recommendations?policy_area=" + url.QueryEscape(doc.PolicyArea)}
	}
	keys := make([]string, 0, len(doc.Metadata))
	for k := range doc.Metadata {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	d.Extra = metaFields(v, keys, doc.Metadata)
	it := s.citeItem(doc, v.Lang, s.baseURL(r), s.now())
	d.Citation = citation(v, it)
	v.Meta = highwireTags(it)
	cite := "/api" + DocumentPath(doc.ID) + "/citation?" + feedLangParam + "=" + v.Lang + "&format="
	d.Cites = []linkView{{Text: "BibTeX", URL: cite + "bibtex"}, {Text: "RIS", URL: cite + "ris"}, {Text: "CSL-JSON", URL: cite + "csl-json"}}
	s.render(w, r, v, "document", http.StatusOK, d)
	return nil
}

// metaString writes a metadata value as text: lists joined, maps skipped.
func metaString(x any) string {
	switch x := x.(type) {
	case nil, map[string]any:
		return ""
	case []any:
		var parts []string
		for _, e := range x {
			if s := metaString(e); s != "" {
				parts = append(parts, s)
			}
		}
		return strings.Join(parts, ", ")
	case string:
		return x
	}
	return fmt.Sprint(x)
}

// citation is a ready-to-copy reference to a document. Its author is the
// issuing organisation or the network (see cite.go): the people in a
// document are participants and subjects, not authors.
func citation(v *view, it citeItem) string {
	var b strings.Builder
	b.WriteString(it.Author + ": ")
	b.WriteString(v.T("cite.title", it.Title))
	b.WriteString(" " + it.TypeLabel)
	if it.Date != "" {
		b.WriteString(", " + v.FormatDate(it.Date))
	}
	b.WriteString(". ")
	b.WriteString(v.T("cite.in", it.Publisher))
	b.WriteString(" " + it.URL)
	b.WriteString(" " + v.T("cite.accessed", v.FormatDate(it.Accessed)))
	return b.String()
}

// topicsData is the data of the topics overview.
type topicsData struct {
	*view
	Topics []topicView
	Types  []string
}

type topicView struct {
	Name, URL string
	Total     int
	ByType    []linkView
}

func (s *Server) topicsPage(w http.ResponseWriter, r *http.Request, v *view) error {
	topics, err := s.kb.Topics(r.Context())
	if err != nil {
		return err
	}
	v.Page, v.Nav, v.Title = "topics", "topics", v.T("topics.heading")
	topics = slices.Clone(topics)
	sortTopics(topics)
	d := &topicsData{view: v}
	for _, t := range topics {
		tv := topicView{Name: v.ValueName(t.Topic), URL: topicURL(t.Topic), Total: t.Total}
		for _, typ := range typeOrder {
			if n := t.ByType[typ]; n > 0 {
				tv.ByType = append(tv.ByType, linkView{Text: v.TypePlural(typ), URL: tv.URL + "?type=" + typ, Count: n})
			}
		}
		d.Topics = append(d.Topics, tv)
	}
	s.render(w, r, v, "topics", http.StatusOK, d)
	return nil
}
