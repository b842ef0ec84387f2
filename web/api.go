package web

import (
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/gorilla/mux"

	"github.com/fundus-kb/fundus/search"
)

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// filterParams maps query parameters to the facets they filter.
var filterParams = []struct{ param, facet string }{
	{"type", search.FacetType},
	{"topic", search.FacetTopics},
	{"lang", search.FacetLanguage},
	{"year", search.FacetYear},
	{"org", search.FacetOrganizations},
	{"person", search.FacetPeople},
	{"addressee", search.FacetAddressees},
	{"policy_area", search.FacetPolicyArea},
}

// parseSearch turns query parameters into a search.Request. A value that
// is not of its parameter's kind is an error naming it; whether the values
// make a valid request is search's to say (search.Request validation),
// and nothing is silently clamped.
func parseSearch(q url.Values) (search.Request, error) {
	r := search.Request{
		Query:   strings.TrimSpace(q.Get("q")),
		Sort:    q.Get("sort"),
		From:    q.Get("from"),
		To:      q.Get("to"),
		Cursor:  q.Get("cursor"),
		Filters: map[string][]string{},
	}
	var err error
	if r.Page, err = countParam(q, "page", 1); err != nil {
		return r, err
	}
	if r.Size, err = countParam(q, "size", search.DefaultSize); err != nil {
		return r, err
	}
	if r.FacetSize, err = countParam(q, "facet_size", search.DefaultFacetSize); err != nil {
		return r, err
	}
	if v := q.Get("lenient"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return r, &search.InvalidRequestError{Param: "lenient", Reason: "not true or false: " + strconv.Quote(v)}
		}
		r.Lenient = b
	}
	for _, fp := range filterParams {
		for _, v := range q[fp.param] {
			if v = strings.TrimSpace(v); v != "" {
				r.Filters[fp.facet] = append(r.Filters[fp.facet], v)
			}
		}
	}
	return r, nil
}

// countParam reads a count (1 or more) whose bounds search checks.
func countParam(q url.Values, name string, def int) (int, error) {
	return intParam(q, name, def, 1, math.MaxInt32)
}

func intParam(q url.Values, name string, def, lo, hi int) (int, error) {
	s := q.Get(name)
	if s == "" {
		return def, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		return 0, &search.InvalidRequestError{Param: name, Reason: "not a whole number: " + strconv.Quote(s)}
	}
	if n < lo || n > hi {
		return 0, &search.InvalidRequestError{Param: name, Reason: "must be between " + strconv.Itoa(lo) + " and " + strconv.Itoa(hi)}
	}
	return n, nil
}

// searchResponse is the JSON of /api/search.
type searchResponse struct {
	Total uint64 `json:"total"`
	// DidYouMean is a spelling suggestion for a query with unknown words;
	// Fuzzy is true when the hits came from a typo-tolerant retry.
	DidYouMean string `json:"did_you_mean,omitempty"`
	Fuzzy      bool   `json:"fuzzy,omitempty"`
	// Notice and ReadAs say how a lenient search (lenient=true) read a
	// query that did not parse: as the plain words ReadAs.
	Notice     *search.Notice `json:"notice,omitempty"`
	ReadAs     string         `json:"read_as,omitempty"`
	TookMS     float64        `json:"took_ms"`
	Page       int            `json:"page"`
	Size       int            `json:"size"`
	Sort       string         `json:"sort"`
	Hits       []apiHit       `json:"hits"`
	Facets     search.Facets  `json:"facets"`
	NextCursor string         `json:"next_cursor,omitempty"`
}

// newSearchResponse is the JSON of res, the answer to req. A page
// reached by cursor counts from 1 (req.Page).
func newSearchResponse(req search.Request, res *search.Result) searchResponse {
	size := req.Size
	if size == 0 {
		size = search.DefaultSize
	}
	return searchResponse{
		Total: res.Total, DidYouMean: res.DidYouMean, Fuzzy: res.Fuzzy, Notice: res.Notice, ReadAs: res.ReadAs,
		TookMS: float64(res.Took.Microseconds()) / 1000, Page: max(req.Page, 1), Size: size, Sort: res.Sort,
		Hits: apiHits(res.Hits), Facets: res.Facets, NextCursor: res.NextCursor,
	}
}

// The entries of the API's lists are the knowledge base's items, each
// with the URL a client follows for it.
type (
	apiHit struct {
		search.Hit
		URL string `json:"url"`
	}
	apiTopic struct {
		search.TopicCount
		URL string `json:"url"`
	}
	apiSuggestion struct {
		search.Suggestion
		URL string `json:"url"`
	}
)

// DocumentPath is the path of a document's page. An id's "/" stay as they
// are, for readable links, unless the id has an empty, "." or ".." segment
// (a web page's URL, or an id stored before such ids were refused): a
// browser or the router would resolve those to another path, so then every
// "/" is escaped and the link still names this document.
func DocumentPath(id string) string {
	parts := strings.Split(id, "/")
	for i, p := range parts {
		if p == "" || p == "." || p == ".." {
			return "/documents/" + url.PathEscape(id)
		}
		parts[i] = url.PathEscape(p)
	}
	return "/documents/" + strings.Join(parts, "/")
}

func apiHits(hits []search.Hit) []apiHit {
	return linked(hits, func(h search.Hit) apiHit { return apiHit{Hit: h, URL: DocumentPath(h.ID)} })
}

// linked turns the items the knowledge base returned into the entries of
// a JSON list, each the item with the URL a client follows for it.
func linked[T, E any](items []T, entry func(T) E) []E {
	out := make([]E, len(items))
	for i, it := range items {
		out[i] = entry(it)
	}
	return out
}

func (s *Server) apiSearch(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	req, err := parseSearch(q)
	if err != nil {
		return err
	}
	switch f := q.Get("format"); f {
	case "", "json":
	case "csv", "csv-excel", "xlsx", "ndjson", "bibtex", "ris", "csl-json":
		return s.export(w, r, req, f)
	default:
		return &search.InvalidRequestError{Param: "format", Reason: "unknown format " + strconv.Quote(f) + " (want json, csv, csv-excel, xlsx, ndjson, " + citeFormatNames + ")"}
	}
	res, err := s.kb.Search(r.Context(), req)
	if err != nil {
		return err
	}
	s.metrics.countSearch(res)
	writeJSON(w, http.StatusOK, newSearchResponse(req, res))
	return nil
}

// pathID reads the {id} route variable (kept escaped by the router, so an
// id may hold an escaped "/").
func pathVar(r *http.Request, name string) (string, error) {
	v, err := url.PathUnescape(mux.Vars(r)[name])
	if err != nil {
		return "", &search.InvalidRequestError{Param: name, Reason: "bad percent-escape in the path"}
	}
	return v, nil
}

// byID adapts a handler of one document to the router: it passes the
// document id from the path, which it reads for all of them.
func byID(h func(w http.ResponseWriter, r *http.Request, id string) error) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := pathVar(r, "id")
		if err != nil {
			return err
		}
		return h(w, r, id)
	}
}

func (s *Server) apiDocument(w http.ResponseWriter, r *http.Request, id string) error {
	d, err := s.kb.Document(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, d)
	return nil
}

func (s *Server) apiRelated(w http.ResponseWriter, r *http.Request, id string) error {
	n, err := intParam(r.URL.Query(), "size", 8, 1, 20)
	if err != nil {
		return err
	}
	hits, err := s.kb.Related(r.Context(), id, n)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"id": id, "hits": apiHits(hits)})
	return nil
}

func (s *Server) apiTopics(w http.ResponseWriter, r *http.Request) error {
	topics, err := s.kb.Topics(r.Context())
	if err != nil {
		return err
	}
	out := linked(topics, func(t search.TopicCount) apiTopic {
		return apiTopic{TopicCount: t, URL: "/api/topics/" + url.PathEscape(t.Topic)}
	})
	writeJSON(w, http.StatusOK, map[string]any{"topics": out})
	return nil
}

// apiTopic lists a topic's documents, newest first, with facets. It takes
// the search parameters too, so a topic's page can be narrowed.
func (s *Server) apiTopic(w http.ResponseWriter, r *http.Request) error {
	topic, err := pathVar(r, "topic")
	if err != nil {
		return err
	}
	req, err := parseSearch(r.URL.Query())
	if err != nil {
		return err
	}
	req.Filters[search.FacetTopics] = []string{topic}
	res, err := s.kb.Search(r.Context(), req)
	if err != nil {
		return err
	}
	if err := checkTopic(topic, req, res); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, struct {
		Topic string `json:"topic"`
		searchResponse
	}{topic, newSearchResponse(req, res)})
	return nil
}

func (s *Server) apiSuggest(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	prefix := q.Get("q")
	if utf8.RuneCountInString(prefix) > 100 {
		return &search.InvalidRequestError{Param: "q", Reason: "longer than 100 characters"}
	}
	n, err := intParam(q, "size", 8, 1, 20)
	if err != nil {
		return err
	}
	sugg, err := s.kb.Suggest(r.Context(), prefix, n)
	if err != nil {
		return err
	}
	out := linked(sugg, func(sg search.Suggestion) apiSuggestion {
		return apiSuggestion{Suggestion: sg, URL: suggestionURL(sg)}
	})
	writeJSON(w, http.StatusOK, map[string]any{"q": prefix, "suggestions": out})
	return nil
}

// suggestionURL is where a suggestion leads: a title to its document, a
// topic, person or organisation to the search filtered by it.
func suggestionURL(sg search.Suggestion) string {
	switch sg.Kind {
	case "title":
		return DocumentPath(sg.ID)
	case "topic":
		return "/search?topic=" + url.QueryEscape(sg.Text)
	case "person":
		return "/search?person=" + url.QueryEscape(sg.Text)
	case "organization":
		return "/search?org=" + url.QueryEscape(sg.Text)
	}
	return ""
}

// healthz answers whether the process is alive: always 200.
func (s *Server) healthz(w http.ResponseWriter, r *http.Request) error {
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	return nil
}

// readyz answers whether the service can search: 503 while the index is
// being replayed or rebuilt.
func (s *Server) readyz(w http.ResponseWriter, r *http.Request) error {
	if !s.kb.Ready() {
		w.Header().Set("Retry-After", "5")
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "starting", "reason": "the search index is being rebuilt"})
		return nil
	}
	if st, ok := s.clusterStatus(); ok {
		if st.Stopped != "" {
			// A node that can no longer follow the journal falls further
			// behind with every write: out of the load balancer's pool.
			writeJSON(w, http.StatusServiceUnavailable, map[string]any{"status": "stale", "reason": st.Stopped, "cluster": st})
			return nil
		}
		writeJSON(w, http.StatusOK, map[string]any{"status": "ready", "cluster": st})
		return nil
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ready"})
	return nil
}
