package web

import (
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/gorilla/feeds"

	"github.com/fundus-kb/fundus/search"
)

// feedSize is the number of entries in a feed.
const feedSize = 50

// feedSearch serves the newest documents matching the search parameters as
// an Atom feed, so a topic or query can be followed in a feed reader.
func (s *Server) feedSearch(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	req, err := parseSearch(q)
	if err != nil {
		return err
	}
	req.Sort = search.SortDateDesc
	req.Page, req.Size, req.Cursor = 1, feedSize, ""
	req.NoFacets = true
	res, err := s.kb.Search(r.Context(), req)
	if err != nil {
		return err
	}
	base := baseURL(r)
	selfQuery := url.Values{}
	for k, vs := range q {
		if k != "page" && k != "size" && k != "cursor" && k != "sort" && k != "format" {
			selfQuery[k] = vs
		}
	}
	title := feedTitle(req)
	feed := &feeds.Feed{
		Title:       title,
		Link:        &feeds.Link{Href: base + "/search?" + selfQuery.Encode()},
		Description: "Die neuesten Dokumente zu dieser Suche in Fundus",
		Id:          base + "/feeds/search.atom?" + selfQuery.Encode(),
		Updated:     time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC),
	}
	for _, h := range res.Hits {
		created := time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
		if t, err := time.Parse(search.DateLayout, h.Date); err == nil {
			created = t
		}
		if created.After(feed.Updated) {
			feed.Updated = created
		}
		feed.Items = append(feed.Items, &feeds.Item{
			Title:       h.Title,
			Link:        &feeds.Link{Href: base + DocumentPath(h.ID)},
			Id:          base + DocumentPath(h.ID),
			Description: snippetText(h.Snippet),
			Created:     created,
			Updated:     created,
		})
	}
	w.Header().Set("Content-Type", "application/atom+xml; charset=utf-8")
	return feed.WriteAtom(w)
}

func feedTitle(req search.Request) string {
	var parts []string
	if req.Query != "" {
		parts = append(parts, "„"+req.Query+"“")
	}
	for _, fp := range filterParams {
		if vs := req.Filters[fp.facet]; len(vs) > 0 {
			parts = append(parts, fp.param+": "+strings.Join(vs, ", "))
		}
	}
	if len(parts) == 0 {
		return "Fundus: alle Dokumente"
	}
	return "Fundus: " + strings.Join(parts, "; ")
}

// snippetText turns a snippet (escaped HTML with <mark>) into plain text.
func snippetText(s string) string {
	s = strings.NewReplacer("<mark>", "", "</mark>", "").Replace(s)
	return htmlUnescape(s)
}

// baseURL is the scheme and host the client used.
func baseURL(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}
