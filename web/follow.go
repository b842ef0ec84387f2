package web

import (
	"html/template"
	"net/http"
	"net/url"

	"github.com/fundus-kb/fundus/search"
)

// followView is the Follow control of a list (template "follow"): what the
// feed follows, its address and its preview page.
type followView struct {
	*view
	ID         string // makes the control's ids unique on a page
	Subject    string // what the feed follows, in words (feedSubject)
	FeedURL    string // absolute, to copy into a feed reader
	FeedPath   string // the same, local, to open
	PreviewURL string // the readable preview page (followPage)
}

// followView makes the Follow control of a list whose feed has the
// parameters feedQuery (with the feed's language).
func (s *Server) followView(r *http.Request, v *view, req search.Request, feedQuery url.Values, id string) *followView {
	preview := url.Values{}
	for k, vs := range feedQuery {
		if k != feedLangParam {
			preview[k] = vs
		}
	}
	path := withQuery("/feeds/search.atom", feedQuery)
	return &followView{
		view: v, ID: id, Subject: s.feedSubject(req, v.Lang),
		FeedURL: s.baseURL(r) + path, FeedPath: path,
		PreviewURL: withQuery("/follow", preview),
	}
}

// followData is the follow page: how to subscribe, and the feed's newest
// entries as a feed reader would show them. Browsers show an Atom feed as
// raw XML (Chromium has dropped XSLT), so the Follow control links here.
type followData struct {
	*view
	Follow  *followView
	ListURL string
	Entries []followEntry
	// Shown entries of Total in the feed.
	Shown, Total int
}

type followEntry struct {
	feedEntry
	Summary template.HTML
}

// followPreviewSize is how many of the feed's entries the page shows.
const followPreviewSize = 10

func (s *Server) followPage(w http.ResponseWriter, r *http.Request, v *view) error {
	q := r.URL.Query()
	req, err := parseSearch(q)
	if err != nil {
		return err
	}
	entries, err := s.feedEntries(r.Context(), req, v.Lang, s.baseURL(r))
	if err != nil {
		return err
	}
	feedQuery, list := url.Values{}, url.Values{}
	for k, vs := range q {
		switch k {
		case "page", "size", "cursor", "sort", "format", feedLangParam:
		default:
			feedQuery[k], list[k] = vs, vs
		}
	}
	feedQuery.Set(feedLangParam, v.Lang)
	d := &followData{view: v, Follow: s.followView(r, v, req, feedQuery, "page"), ListURL: withQuery("/search", list), Total: len(entries)}
	for i, e := range entries {
		if i == followPreviewSize {
			break
		}
		// feedSummary builds the summary from escaped text and <mark>.
		d.Entries = append(d.Entries, followEntry{feedEntry: e, Summary: template.HTML(e.Summary)})
	}
	d.Shown = len(d.Entries)
	v.Page, v.Nav, v.Title = "follow", "", v.T("follow.title", d.Follow.Subject)
	v.Alternates = append(v.Alternates, alternate{Type: "application/atom+xml", Title: s.feedTitle(req, v.Lang), Href: d.Follow.FeedPath})
	s.render(w, r, v, "follow", http.StatusOK, d)
	return nil
}
