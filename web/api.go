package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/gorilla/mux"

	"github.com/fundus-kb/fundus/search"
)

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

// parseSearch turns query parameters into a search.Request. Bad values are
// errors naming the parameter; nothing is silently clamped.
func parseSearch(q url.Values) (search.Request, error) {
	r := search.Request{
		Query:   strings.TrimSpace(q.Get("q")),
		Sort:    q.Get("sort"),
		From:    q.Get("from"),
		To:      q.Get("to"),
		Filters: map[string][]string{},
	}
	if len([]rune(r.Query)) > search.MaxQueryLength {
		return r, &search.InvalidRequestError{Param: "q", Reason: "longer than 1000 characters"}
	}
	var err error
	if r.Page, err = intParam(q, "page", 1, 1, 1<<20); err != nil {
		return r, err
	}
	if r.Size, err = intParam(q, "size", search.DefaultSize, 1, search.MaxSize); err != nil {
		return r, err
	}
	if r.FacetSize, err = intParam(q, "facet_size", search.DefaultFacetSize, 1, search.MaxFacetSize); err != nil {
		return r, err
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
	Total  uint64        `json:"total"`
	TookMS float64       `json:"took_ms"`
	Page   int           `json:"page"`
	Size   int           `json:"size"`
	Hits   []apiHit      `json:"hits"`
	Facets search.Facets `json:"facets"`
}

type apiHit struct {
	search.Hit
	URL string `json:"url"`
}

// documentURL is the path of a document's page.
func documentURL(id string) string {
	parts := strings.Split(id, "/")
	for i, p := range parts {
		parts[i] = url.PathEscape(p)
	}
	return "/documents/" + strings.Join(parts, "/")
}

func (s *Server) apiSearch(w http.ResponseWriter, r *http.Request) error {
	req, err := parseSearch(r.URL.Query())
	if err != nil {
		return err
	}
	res, err := s.search.Search(r.Context(), req)
	if err != nil {
		return err
	}
	out := searchResponse{
		Total:  res.Total,
		TookMS: float64(res.Took.Microseconds()) / 1000,
		Page:   req.Page,
		Size:   req.Size,
		Hits:   make([]apiHit, len(res.Hits)),
		Facets: res.Facets,
	}
	for i, h := range res.Hits {
		out.Hits[i] = apiHit{Hit: h, URL: documentURL(h.ID)}
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) apiDocument(w http.ResponseWriter, r *http.Request) error {
	id, err := url.PathUnescape(mux.Vars(r)["id"])
	if err != nil {
		return &apiError{status: http.StatusBadRequest, code: "invalid_parameter", msg: "id: bad escape"}
	}
	d, err := s.docs.Document(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, d)
	return nil
}

func (s *Server) healthz(w http.ResponseWriter, r *http.Request) error {
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	return nil
}
