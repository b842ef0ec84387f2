package web

import (
	"html"
	"net/http"
	"net/url"
	"slices"
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
	lang, err := feedLanguage(r)
	if err != nil {
		return err
	}
	res, err := s.kb.Search(r.Context(), req)
	if err != nil {
		return err
	}
	base := s.baseURL(r)
	selfQuery := url.Values{}
	for k, vs := range q {
		if k != "page" && k != "size" && k != "cursor" && k != "sort" && k != "format" {
			selfQuery[k] = vs
		}
	}
	pageQuery := url.Values{}
	for k, vs := range selfQuery {
		if k != feedLangParam {
			pageQuery[k] = vs
		}
	}
	feed := &feeds.Feed{
		Title:       feedTitle(req, lang),
		Link:        &feeds.Link{Href: withQuery(base+"/search", pageQuery)},
		Description: translate(lang, "feed.description"),
		Id:          withQuery(base+"/feeds/search.atom", selfQuery),
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
			Description: feedSummary(h.Snippet),
			Created:     created,
			Updated:     created,
		})
	}
	w.Header().Set("Content-Type", "application/atom+xml; charset=utf-8")
	return feed.WriteAtom(w)
}

// feedLangParam names the feed's language (de or en). The web pages put
// it on their feed links, so that a feed keeps the language it was
// subscribed in whatever the feed reader sends; without it, a feed speaks
// the UI's language (the ui cookie, else Accept-Language, else German).
const feedLangParam = "ui"

func feedLanguage(r *http.Request) (string, error) {
	v, ok := r.URL.Query()[feedLangParam]
	if !ok {
		return uiLanguage(r), nil
	}
	if len(v) != 1 || !slices.Contains(uiLanguages, v[0]) {
		return "", &search.InvalidRequestError{Param: feedLangParam, Reason: "must be de or en"}
	}
	return v[0], nil
}

func feedTitle(req search.Request, lang string) string {
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
		return translate(lang, "feed.all")
	}
	return translate(lang, "export.feed.title", strings.Join(parts, "; "))
}

// feedSummary makes an entry's summary from a hit's snippet. gorilla/feeds
// writes a summary as type="html", so a feed reader renders it as HTML:
// the summary must be HTML that Fundus made, never a document's text. The
// snippet is escaped text with <mark> around the matches; feedSummary
// rebuilds it from its text pieces, each unescaped and escaped again, and
// keeps nothing of it as markup but balanced <mark> and </mark>. So the
// summary is safe whatever the snippet holds, and highlights the matches.
func feedSummary(snippet string) string {
	var b strings.Builder
	open := false
	for s := snippet; s != ""; {
		i := strings.Index(s, "<mark>")
		j := strings.Index(s, "</mark>")
		tag, at := "", len(s)
		if i >= 0 && (j < 0 || i < j) {
			tag, at = "<mark>", i
		} else if j >= 0 {
			tag, at = "</mark>", j
		}
		b.WriteString(html.EscapeString(htmlUnescape(s[:at])))
		if tag == "<mark>" && !open || tag == "</mark>" && open {
			b.WriteString(tag)
			open = !open
		}
		s = s[at+len(tag):]
	}
	if open {
		b.WriteString("</mark>")
	}
	return b.String()
}
