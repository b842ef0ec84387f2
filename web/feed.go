package web

import (
	"context"
	"errors"
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
	lang, err := feedLanguage(r)
	if err != nil {
		return err
	}
	base := s.baseURL(r)
	entries, err := s.feedEntries(r.Context(), req, lang, base)
	if err != nil {
		return err
	}
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
		Title:       s.feedTitle(req, lang),
		Link:        &feeds.Link{Href: withQuery(base+"/search", pageQuery)},
		Description: translate(lang, "feed.description"),
		Author:      &feeds.Author{Name: s.network(lang)},
		Id:          withQuery(base+"/feeds/search.atom", selfQuery),
		Updated:     feedEpoch,
	}
	for _, e := range entries {
		if e.Updated.After(feed.Updated) {
			feed.Updated = e.Updated
		}
		feed.Items = append(feed.Items, &feeds.Item{
			Title:       e.Title,
			Link:        &feeds.Link{Href: e.URL},
			Id:          e.URL,
			Author:      &feeds.Author{Name: e.Author},
			Description: e.Summary,
			Created:     e.Updated,
			Updated:     e.Updated,
		})
	}
	w.Header().Set("Content-Type", "application/atom+xml; charset=utf-8")
	return feed.WriteAtom(w)
}

// feedEpoch is the date of an entry whose document has none.
var feedEpoch = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)

// feedEntry is one entry of a feed, as the feed and its preview page show
// it. Summary is HTML made by feedSummary.
type feedEntry struct {
	Title, URL, Author, Type, Summary string
	Date                              string // YYYY-MM-DD, or ""
	Updated                           time.Time
}

// feedEntries are the newest documents matching req, with their authors
// (the issuing organisation or the network, see cite.go: Atom requires an
// author for every entry).
func (s *Server) feedEntries(ctx context.Context, req search.Request, lang, base string) ([]feedEntry, error) {
	req.Sort = search.SortDateDesc
	req.Page, req.Size, req.Cursor = 1, feedSize, ""
	req.NoFacets = true
	res, err := s.kb.Search(ctx, req)
	if err != nil {
		return nil, err
	}
	out := make([]feedEntry, 0, len(res.Hits))
	for _, h := range res.Hits {
		e := feedEntry{
			Title: h.Title, URL: base + DocumentPath(h.ID), Type: h.Type,
			Summary: feedSummary(h.Snippet), Updated: feedEpoch, Author: s.network(lang),
		}
		if t, err := time.Parse(search.DateLayout, h.Date); err == nil {
			e.Date, e.Updated = h.Date, t
		}
		if d, err := s.kb.Document(ctx, h.ID); err == nil {
			e.Author = s.issuer(d, lang)
		} else if !errors.Is(err, search.ErrNotFound) {
			return nil, err
		}
		out = append(out, e)
	}
	return out, nil
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

// feedTitle names a feed in lang by what it follows, with the labels and
// value names the pages use: "Thema: Open Innovation – Fundus",
// "Suche: „Kultur“ · Dokumenttyp: Praxisfall – Fundus", "Empfehlungen –
// Fundus".
func (s *Server) feedTitle(req search.Request, lang string) string {
	return translate(lang, "feed.title", s.feedSubject(req, lang))
}

// feedSubject is what a feed follows, in words (see feedTitle).
func (s *Server) feedSubject(req search.Request, lang string) string {
	v := &view{Lang: lang, names: s.valueNames(lang)}
	filtered := 0
	for _, vs := range req.Filters {
		if len(vs) > 0 {
			filtered++
		}
	}
	if types := req.Filters[search.FacetType]; req.Query == "" && filtered == 1 && len(types) == 1 && req.From == "" && req.To == "" {
		return v.TypePlural(types[0])
	}
	var parts []string
	if req.Query != "" {
		parts = append(parts, v.T("follow.part.query", req.Query))
	}
	for _, fp := range filterParams {
		vs := req.Filters[fp.facet]
		if len(vs) == 0 {
			continue
		}
		names := make([]string, len(vs))
		for i, val := range vs {
			if fp.facet == search.FacetType {
				names[i] = v.TypeLabel(val)
			} else {
				names[i] = v.FacetLabel(fp.facet, val)
			}
		}
		parts = append(parts, v.T("follow.label."+fp.param)+": "+strings.Join(names, v.T("follow.or")))
	}
	if req.From != "" {
		parts = append(parts, v.T("follow.part.from", v.FormatDate(req.From)))
	}
	if req.To != "" {
		parts = append(parts, v.T("follow.part.to", v.FormatDate(req.To)))
	}
	if len(parts) == 0 {
		return v.T("feed.all")
	}
	return strings.Join(parts, " · ")
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
