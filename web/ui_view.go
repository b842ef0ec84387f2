package web

import (
	"fmt"
	"html"
	"html/template"
	"math"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/fundus-kb/fundus/search"
)

// stateParams are the query parameters a page keeps in its links: the
// API's search parameters. Everything else (cursor, format, …) is dropped.
var stateParams = []string{"q", "type", "topic", "lang", "year", "org", "person", "addressee", "policy_area", "from", "to", "sort", "size", "page"}

// pageState is the search state of a page, which lives in its URL: links
// that change one thing are built from it.
type pageState struct {
	path string
	v    url.Values
}

// newState keeps the state parameters of q, without empty values and
// without the parameters in drop (those a page fixes itself).
func newState(path string, q url.Values, drop ...string) pageState {
	v := url.Values{}
	for _, p := range stateParams {
		if slices.Contains(drop, p) {
			continue
		}
		for _, x := range q[p] {
			if x = strings.TrimSpace(x); x != "" {
				v.Add(p, x)
			}
		}
	}
	return pageState{path: path, v: v}
}

func (s pageState) values() url.Values {
	v := make(url.Values, len(s.v))
	for k, vs := range s.v {
		v[k] = slices.Clone(vs)
	}
	return v
}

func (s pageState) link(v url.Values) string { return withQuery(s.path, v) }

func withQuery(path string, v url.Values) string {
	if len(v) == 0 {
		return path
	}
	return path + "?" + v.Encode()
}

// has reports whether param has value (ignoring case, as filters do).
func (s pageState) has(param, value string) bool {
	return slices.ContainsFunc(s.v[param], func(x string) bool { return strings.EqualFold(x, value) })
}

// toggle is the link that adds value to param, or removes it when it is
// there, back on the first page.
func (s pageState) toggle(param, value string) string {
	if s.has(param, value) {
		return s.without(param, value)
	}
	v := s.values()
	v.Del("page")
	v.Add(param, value)
	return s.link(v)
}

// without is the link without value of param (every value when value is
// ""), back on the first page.
func (s pageState) without(param, value string) string {
	v := s.values()
	v.Del("page")
	if value == "" {
		v.Del(param)
	} else {
		v[param] = slices.DeleteFunc(v[param], func(x string) bool { return strings.EqualFold(x, value) })
		if len(v[param]) == 0 {
			v.Del(param)
		}
	}
	return s.link(v)
}

// page is the link to page n.
func (s pageState) page(n int) string {
	v := s.values()
	v.Del("page")
	if n > 1 {
		v.Set("page", strconv.Itoa(n))
	}
	return s.link(v)
}

// apiQuery is the state as API parameters for exports and feeds: no
// paging, plus the filters the page fixes.
func (s pageState) apiQuery(fixed url.Values, drop ...string) url.Values {
	v := s.values()
	for _, p := range append([]string{"page", "size"}, drop...) {
		v.Del(p)
	}
	for k, vs := range fixed {
		v[k] = slices.Clone(vs)
	}
	return v
}

// paramOf returns the query parameter of a facet.
func paramOf(facet string) string { return lookupFilter(facet, false) }

// filterFacet returns the facet a query parameter filters.
func filterFacet(param string) string { return lookupFilter(param, true) }

// lookupFilter finds key in filterParams, a parameter when byParam is set
// (else a facet), and returns the other name of its row: key itself where
// there is no row.
func lookupFilter(key string, byParam bool) string {
	for _, fp := range filterParams {
		from, to := fp.facet, fp.param
		if byParam {
			from, to = to, from
		}
		if from == key {
			return to
		}
	}
	return key
}

// linkView is a link with its text and, where it helps, a count.
type linkView struct {
	Text  string
	URL   string
	Count int
}

// topicURL is the page of a topic.
func topicURL(topic string) string { return "/topics/" + url.PathEscape(topic) }

// hitView is one result as a page shows it.
type hitView struct {
	ID, URL, Title, Type string
	// Lang is the document's language, for the lang attribute.
	Lang    string
	Date    string // YYYY-MM-DD
	Snippet template.HTML
	Topics  []linkView
	// Addressees and PolicyArea are filled for recommendation listings.
	Addressees []linkView
	PolicyArea *linkView
}

func hitViews(v *view, hits []search.Hit) []hitView {
	out := make([]hitView, len(hits))
	for i, h := range hits {
		out[i] = hitView{
			ID: h.ID, URL: DocumentPath(h.ID), Title: h.Title, Type: h.Type,
			Lang: contentLang(h.Language), Date: h.Date, Snippet: safeSnippet(h.Snippet),
		}
		if out[i].Title == "" {
			out[i].Title = h.ID
		}
		for _, t := range h.Topics {
			out[i].Topics = append(out[i].Topics, linkView{Text: v.ValueName(t), URL: topicURL(t)})
		}
	}
	return out
}

// contentLang is a document language fit for a lang attribute, or "".
func contentLang(l string) string {
	if l == "" || l == search.LangUnknown {
		return ""
	}
	return l
}

// safeSnippet turns a snippet into HTML that can only hold text and <mark>.
// Snippets are meant to be escaped text with <mark> around matches; rather
// than trust that, the text between the tags is unescaped and escaped
// again (so a stray "<" can never open a tag), every other tag becomes
// text, and marks are balanced. Runs of white space become one space.
func safeSnippet(s string) template.HTML {
	s = strings.Join(strings.Fields(s), " ")
	var b strings.Builder
	open := false
	for s != "" {
		i := strings.IndexByte(s, '<')
		if i < 0 {
			i = len(s)
		}
		b.WriteString(template.HTMLEscapeString(html.UnescapeString(s[:i])))
		s = s[i:]
		switch {
		case s == "":
		case !open && strings.HasPrefix(s, "<mark>"):
			b.WriteString("<mark>")
			open, s = true, s[len("<mark>"):]
		case open && strings.HasPrefix(s, "</mark>"):
			b.WriteString("</mark>")
			open, s = false, s[len("</mark>"):]
		default:
			b.WriteString("&lt;")
			s = s[1:]
		}
	}
	if open {
		b.WriteString("</mark>")
	}
	return template.HTML(b.String())
}

// facetView is one facet of the filter sidebar.
type facetView struct {
	Name, Param, Legend string
	// Values are shown at once; More behind "show more".
	Values, More []facetValueView
	Selected     int
	Chart        *yearChart
}

// facetSearchFrom is the number of values above which a facet gets a
// field that narrows its values as you type.
const facetSearchFrom = 10

// Searchable reports whether the facet has more values than can be
// scanned at a glance.
func (f facetView) Searchable() bool { return len(f.Values)+len(f.More) > facetSearchFrom }

// facetValueView is one checkbox of a facet.
type facetValueView struct {
	ID, Value, Label string
	Count            int
	Selected         bool
	// URL toggles the value: a link for the year chart.
	URL string
}

// facetShown is how many values of a facet show before "more".
const facetShown = 8

func facetViews(v *view, st pageState, facets search.Facets, names []string) []facetView {
	var out []facetView
	for _, name := range names {
		values := facets[name]
		if len(values) == 0 {
			continue
		}
		param := paramOf(name)
		f := facetView{Name: name, Param: param, Legend: v.T("facet." + name)}
		for i, fv := range values {
			selected := fv.Selected || st.has(param, fv.Value)
			vv := facetValueView{
				ID:    fmt.Sprintf("f-%s-%d", param, i),
				Value: fv.Value, Label: v.FacetLabel(name, fv.Value),
				Count: fv.Count, Selected: selected,
				URL: st.toggle(param, fv.Value),
			}
			if selected {
				f.Selected++
			}
			if len(f.Values) < facetShown || selected {
				f.Values = append(f.Values, vv)
			} else {
				f.More = append(f.More, vv)
			}
		}
		if name == search.FacetYear {
			f.Chart = newYearChart(v, st, f.Values, f.More)
		}
		out = append(out, f)
	}
	return out
}

// yearChart is a bar chart of documents per year, drawn as inline SVG.
type yearChart struct {
	Width, Height int
	Label         string
	Bars          []yearBar
	// BaseY is the y of the axis line.
	BaseY int
}

// yearBar is one bar; the coordinates are in the chart's viewBox.
type yearBar struct {
	Year           string
	Count          int
	X, Y, W, H     int
	MidX           int
	HitX, HitW     int // the clickable column
	LabelY, CountY int
	ShowLabel      bool
	Selected       bool
	URL            string
	Title          string
}

// maxChartYears bounds the span the chart fills with empty years.
const maxChartYears = 40

func newYearChart(v *view, st pageState, groups ...[]facetValueView) *yearChart {
	byYear := map[int]facetValueView{}
	var years []int
	for _, g := range groups {
		for _, fv := range g {
			y, err := strconv.Atoi(fv.Value)
			if err != nil {
				continue
			}
			byYear[y] = fv
			years = append(years, y)
		}
	}
	if len(years) == 0 {
		return nil
	}
	slices.Sort(years)
	if lo, hi := years[0], years[len(years)-1]; hi-lo < maxChartYears {
		// A time axis without gaps: years without documents get no bar.
		years = years[:0]
		for y := lo; y <= hi; y++ {
			years = append(years, y)
		}
	}
	maxCount := 1
	for _, fv := range byYear {
		maxCount = max(maxCount, fv.Count)
	}
	const width, height, top, bottom = 280, 132, 18, 22
	plot := height - top - bottom
	slot := float64(width) / float64(len(years))
	barW := int(math.Min(slot*0.72, 44))
	every := (len(years) + 7) / 8
	c := &yearChart{Width: width, Height: height, BaseY: height - bottom, Label: v.T("chart.label")}
	for i, y := range years {
		fv, ok := byYear[y]
		year := strconv.Itoa(y)
		if !ok {
			fv = facetValueView{Value: year, URL: st.toggle("year", year)}
		}
		h := int(math.Round(float64(fv.Count) / float64(maxCount) * float64(plot)))
		if fv.Count > 0 && h < 2 {
			h = 2
		}
		mid := int(math.Round(slot*float64(i) + slot/2))
		c.Bars = append(c.Bars, yearBar{
			Year: year, Count: fv.Count,
			X: mid - barW/2, W: barW, HitX: int(slot * float64(i)), HitW: int(math.Ceil(slot)), Y: height - bottom - h, H: h, MidX: mid,
			LabelY: height - 6, CountY: height - bottom - h - 5,
			ShowLabel: i%every == 0 || i == len(years)-1,
			Selected:  fv.Selected, URL: fv.URL,
			Title: v.N("chart.bar", fv.Count, year),
		})
	}
	return c
}

// chip is a selected filter that a click removes.
type chip struct {
	Label, Value, URL string
}

// pager is the pagination of a result list.
type pager struct {
	Prev, Next string
	Pages      []pageLink
	Current    int
	Last       int
}

type pageLink struct {
	N       int
	URL     string
	Current bool
	Gap     bool
}

// newPager links the pages around the current one, the first and the
// last; nil when everything fits on one page.
func newPager(st pageState, page, size int, total uint64) *pager {
	if size <= 0 {
		return nil
	}
	last := int((total + uint64(size) - 1) / uint64(size))
	last = min(last, search.MaxDeepPage/size)
	if last <= 1 && page <= 1 {
		return nil
	}
	p := &pager{Current: page, Last: last}
	if page > 1 {
		p.Prev = st.page(min(page-1, max(last, 1)))
	}
	if page < last {
		p.Next = st.page(page + 1)
	}
	prev := 0
	for n := 1; n <= last; n++ {
		if n != 1 && n != last && (n < page-2 || n > page+2) {
			continue
		}
		if prev != 0 && n > prev+1 {
			p.Pages = append(p.Pages, pageLink{Gap: true})
		}
		p.Pages = append(p.Pages, pageLink{N: n, URL: st.page(n), Current: n == page})
		prev = n
	}
	return p
}

// block is a paragraph or heading of a document's body.
type block struct {
	// ID is the block's anchor, p-N for the N-th block of the body (see
	// package docbody, whose anchors are the same).
	ID      string
	Heading bool
	Lines   []string
}

// bodyBlocks splits a plain-text body into paragraphs at blank lines. The
// parsers flatten Markdown and HTML headings into paragraphs of their
// own; a short line with no closing punctuation that is followed by more
// text is shown as a heading again.
func bodyBlocks(body, title string) []block {
	body = strings.ReplaceAll(body, "\r\n", "\n")
	var raw []string
	for p := range strings.SplitSeq(body, "\n\n") {
		if p = strings.TrimSpace(p); p != "" {
			raw = append(raw, p)
		}
	}
	var out []block
	for i, p := range raw {
		if i == 0 && strings.EqualFold(p, strings.TrimSpace(title)) {
			continue // the title again, from a first heading
		}
		var lines []string
		for l := range strings.SplitSeq(p, "\n") {
			if l = strings.TrimSpace(l); l != "" {
				lines = append(lines, l)
			}
		}
		out = append(out, block{ID: "p-" + strconv.Itoa(i+1), Lines: lines, Heading: i+1 < len(raw) && looksLikeHeading(p)})
	}
	return out
}

func looksLikeHeading(p string) bool {
	if strings.Contains(p, "\n") || utf8.RuneCountInString(p) > 70 || len(strings.Fields(p)) > 8 {
		return false
	}
	last, _ := utf8.DecodeLastRuneInString(p)
	return !strings.ContainsRune(".:;,!?…)\"“”'’-–—", last)
}

// sortTopics orders topics by name, ignoring case and umlauts.
func sortTopics(ts []search.TopicCount) {
	fold := strings.NewReplacer("ä", "a", "ö", "o", "ü", "u", "ß", "ss", "Ä", "a", "Ö", "o", "Ü", "u")
	sort.SliceStable(ts, func(i, j int) bool {
		return strings.ToLower(fold.Replace(ts[i].Topic)) < strings.ToLower(fold.Replace(ts[j].Topic))
	})
}
