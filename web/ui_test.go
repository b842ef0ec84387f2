package web_test

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/fundus-kb/fundus/search"
	"github.com/fundus-kb/fundus/web"
)

// getPage fetches target and parses it as HTML, checking what every page
// must have (see checkPage).
func getPage(t testing.TB, h http.Handler, target string, header map[string]string) (response, *goquery.Document) {
	t.Helper()
	return pageRequest(t, h, "GET", target, header)
}

func pageRequest(t testing.TB, h http.Handler, method, target string, header map[string]string) (response, *goquery.Document) {
	t.Helper()
	r := do(t, h, method, target, nil, header)
	if ct := r.Header().Get("Content-Type"); ct != "text/html; charset=utf-8" {
		t.Fatalf("%s %s: Content-Type %q, want HTML (status %d): %.300s", method, target, ct, r.Code, r.Body.String())
	}
	doc, err := goquery.NewDocumentFromReader(bytes.NewReader(r.Body.Bytes()))
	if err != nil {
		t.Fatalf("%s: %v", target, err)
	}
	checkPage(t, target, r, doc)
	return r, doc
}

// checkPage checks the habits every page keeps: landmarks and a skip link,
// a language, labelled fields, unique ids, and nothing the
// Content-Security-Policy would block (inline scripts, styles or event
// handlers).
func checkPage(t testing.TB, target string, r response, doc *goquery.Document) {
	t.Helper()
	if r.Header().Get("Content-Security-Policy") == "" {
		t.Errorf("%s: no Content-Security-Policy", target)
	}
	if lang, _ := doc.Find("html").Attr("lang"); lang != "de" && lang != "en" {
		t.Errorf("%s: html lang = %q", target, lang)
	}
	for _, sel := range []string{"header.site-header", "nav.site-nav", "main#main", "footer.site-footer", `a.skip-link[href="#main"]`, "h1", `link[rel=stylesheet][href^="/static/app.css?v="]`} {
		if doc.Find(sel).Length() == 0 {
			t.Errorf("%s: no %s", target, sel)
		}
	}
	if n := doc.Find("main h1").Length(); n != 1 {
		t.Errorf("%s: %d h1 in main, want 1", target, n)
	}
	doc.Find("script").Each(func(_ int, s *goquery.Selection) {
		if src, _ := s.Attr("src"); !strings.HasPrefix(src, "/static/") || strings.TrimSpace(s.Text()) != "" {
			t.Errorf("%s: inline or foreign script %q", target, src)
		}
	})
	if doc.Find("style, [style]").Length() > 0 {
		t.Errorf("%s: inline styles", target)
	}
	ids := map[string]bool{}
	doc.Find("*").Each(func(_ int, s *goquery.Selection) {
		for _, a := range s.Nodes[0].Attr {
			if strings.HasPrefix(strings.ToLower(a.Key), "on") {
				t.Errorf("%s: inline event handler %s=%q", target, a.Key, a.Val)
			}
			if a.Key == "id" {
				if ids[a.Val] {
					t.Errorf("%s: duplicate id %q", target, a.Val)
				}
				ids[a.Val] = true
			}
		}
	})
	doc.Find("input:not([type=hidden]), select, textarea").Each(func(_ int, s *goquery.Selection) {
		id, _ := s.Attr("id")
		if id == "" || doc.Find(`label[for="`+id+`"]`).Length() == 0 {
			name, _ := s.Attr("name")
			t.Errorf("%s: field %s (id %q) has no label", target, name, id)
		}
	})
}

// texts returns the trimmed text of each match.
func texts(s *goquery.Selection) []string {
	var out []string
	s.Each(func(_ int, e *goquery.Selection) { out = append(out, strings.Join(strings.Fields(e.Text()), " ")) })
	return out
}

func attrs(s *goquery.Selection, name string) []string {
	var out []string
	s.Each(func(_ int, e *goquery.Selection) { out = append(out, e.AttrOr(name, "")) })
	return out
}

// hitHrefs are the document links of a result list, in order.
func hitHrefs(doc *goquery.Document) []string { return attrs(doc.Find("ol.hits .hit-title a"), "href") }

// facetCount reads the count shown beside a facet value's checkbox, and
// whether it is ticked; ok is false when the value is not shown.
func facetCount(doc *goquery.Document, param, value string) (count int, checked, ok bool) {
	in := doc.Find(`input[type=checkbox][name="` + param + `"]`).FilterFunction(func(_ int, s *goquery.Selection) bool {
		return s.AttrOr("value", "") == value
	})
	if in.Length() != 1 {
		return 0, false, false
	}
	_, checked = in.Attr("checked")
	n, err := strconv.Atoi(strings.TrimSpace(in.Parent().Find(".count").Text()))
	return n, checked, err == nil
}

func TestHomePage(t *testing.T) {
	h, _ := newServer(t, web.Config{})
	r, doc := getPage(t, h, "/", nil)
	wantStatus(t, r, 200)
	form := doc.Find(`form[action="/search"][method=get] input[name=q][data-suggest]`)
	if form.Length() != 1 {
		t.Errorf("no search form with suggestions")
	}
	docs := fixtureDocs(t)
	topics := expectedFacet(docs, "topics", nil)
	cloud := doc.Find(".home-topics .topic-cloud a")
	if cloud.Length() != len(topics) {
		t.Errorf("%d topics shown, want %d", cloud.Length(), len(topics))
	}
	cloud.Each(func(_ int, a *goquery.Selection) {
		name := strings.TrimSpace(a.Contents().First().Text())
		if got, want := strings.TrimSpace(a.Find(".count").Text()), strconv.Itoa(topics[name]); got != want {
			t.Errorf("topic %q shows %s, want %s", name, got, want)
		}
		if href, _ := a.Attr("href"); href != "/topics/"+url.PathEscape(name) {
			t.Errorf("topic %q links to %s", name, href)
		}
	})
	for typ, first := range map[string]string{"webinar": "/documents/webinars/ecosystems-en", "case": "/documents/cases/rheinland", "recommendation": "/documents/recs/data-spaces"} {
		links := doc.Find(".latest-" + typ + " a.mini-hit")
		if links.Length() == 0 || links.First().AttrOr("href", "") != first {
			t.Errorf("latest %s: %v, want %s first", typ, attrs(links, "href"), first)
		}
	}
	if got := texts(doc.Find(".hero-stats a").First()); len(got) != 1 || got[0] != "12 Dokumente" {
		t.Errorf("stats %q", got)
	}
	if r := do(t, h, "HEAD", "/", nil, nil); r.Code != 200 {
		t.Errorf("HEAD /: %d", r.Code)
	}
}

func TestSearchPage(t *testing.T) {
	h, _ := newServer(t, web.Config{})
	docs := fixtureDocs(t)

	t.Run("results with marks, badges and dates", func(t *testing.T) {
		_, doc := getPage(t, h, "/search?q=Innovationskultur", nil)
		if got := texts(doc.Find("h2.results-summary")); len(got) != 1 || got[0] != "2 Treffer für „Innovationskultur“" {
			t.Errorf("summary %q", got)
		}
		if got := hitHrefs(doc); !slices.Equal(got, []string{"/documents/webinars/kultur", "/documents/cases/nordwerk"}) &&
			!slices.Equal(got, []string{"/documents/cases/nordwerk", "/documents/webinars/kultur"}) {
			t.Errorf("hits %v", got)
		}
		if n := doc.Find(".hit .snippet mark").Length(); n < 2 {
			t.Errorf("%d marks in snippets, want one per hit at least", n)
		}
		for _, badge := range texts(doc.Find(".hit .badge")) {
			if badge != "Webinar-Notiz" && badge != "Praxisfall" {
				t.Errorf("badge %q", badge)
			}
		}
		if got := doc.Find(`.hit time[datetime="2020-04-16"]`).Text(); got != "16. April 2020" {
			t.Errorf("date %q", got)
		}
		if v, _ := doc.Find("#q").Attr("value"); v != "Innovationskultur" {
			t.Errorf("search box holds %q", v)
		}
	})

	t.Run("form uses the API's parameter names", func(t *testing.T) {
		_, doc := getPage(t, h, "/search?q=x&size=5", nil)
		api := []string{"q", "type", "topic", "lang", "year", "org", "person", "addressee", "policy_area", "from", "to", "sort", "page", "size"}
		// The follow panel's read-only address field is not submitted (no name).
		doc.Find("#search-form").Find("input:not([readonly]), select").Each(func(_ int, s *goquery.Selection) {
			if name := s.AttrOr("name", ""); !slices.Contains(api, name) {
				t.Errorf("form field %q is not an API parameter", name)
			}
		})
		if v := doc.Find(`#search-form select[name=size] option[selected]`).AttrOr("value", ""); v != "5" {
			t.Errorf("size is not kept: %q", v)
		}
	})

	t.Run("facet counts and checked state, disjunctive", func(t *testing.T) {
		filters := map[string][]string{"type": {"case", "webinar"}}
		_, doc := getPage(t, h, "/search?type=case&type=webinar", nil)
		for _, f := range []struct{ facet, param string }{{"type", "type"}, {"language", "lang"}, {"topics", "topic"}, {"year", "year"}, {"people", "person"}} {
			for value, want := range expectedFacet(docs, f.facet, filters) {
				got, checked, ok := facetCount(doc, f.param, value)
				if !ok || got != want {
					t.Errorf("%s %q: count %d (shown %v), want %d", f.param, value, got, ok, want)
				}
				if wantChecked := slices.Contains(filters[f.facet], value); checked != wantChecked {
					t.Errorf("%s %q: checked %v, want %v", f.param, value, checked, wantChecked)
				}
			}
		}
		if got := texts(doc.Find("h2.results-summary")); got[0] != "8 Dokumente" {
			t.Errorf("summary %q", got)
		}
	})

	t.Run("chips remove one filter each", func(t *testing.T) {
		_, doc := getPage(t, h, "/search?q=Open&type=case&year=2020", nil)
		chips := doc.Find(".chips a.chip")
		want := map[string]string{"Dokumenttyp:": "/search?q=Open&year=2020", "Jahr:": "/search?q=Open&type=case"}
		if chips.Length() != len(want) {
			t.Fatalf("chips %q", texts(chips))
		}
		chips.Each(func(_ int, c *goquery.Selection) {
			label := c.Find(".chip-label").Text()
			if href := c.AttrOr("href", ""); want[label] != href {
				t.Errorf("chip %q links to %q, want %q", label, href, want[label])
			}
		})
		if href := doc.Find("a.chips-clear").AttrOr("href", ""); href != "/search?q=Open" {
			t.Errorf("clear all: %q", href)
		}
	})

	t.Run("pagination", func(t *testing.T) {
		_, doc := getPage(t, h, "/search?size=5", nil)
		if got := doc.Find(`nav.pager a[aria-current=page]`).Text(); got != "1" {
			t.Errorf("current page %q", got)
		}
		if got := doc.Find(`nav.pager a[rel=next]`).AttrOr("href", ""); got != "/search?page=2&size=5" {
			t.Errorf("next %q", got)
		}
		if doc.Find(`nav.pager a[rel=prev]`).Length() != 0 {
			t.Error("prev on page 1")
		}
		if got := attrs(doc.Find("nav.pager li a:not([rel])"), "href"); !slices.Equal(got, []string{"/search?size=5", "/search?page=2&size=5", "/search?page=3&size=5"}) {
			t.Errorf("page links %v", got)
		}
		_, last := getPage(t, h, "/search?size=5&page=3", nil)
		if n := last.Find("ol.hits > li").Length(); n != 2 {
			t.Errorf("page 3 has %d hits, want 2", n)
		}
		if got := last.Find(`nav.pager a[rel=prev]`).AttrOr("href", ""); got != "/search?page=2&size=5" {
			t.Errorf("prev %q", got)
		}
		if last.Find(`nav.pager a[rel=next]`).Length() != 0 {
			t.Error("next on the last page")
		}
		if start := last.Find("ol.hits").AttrOr("start", ""); start != "11" {
			t.Errorf("list starts at %s", start)
		}
		_, past := getPage(t, h, "/search?size=5&page=9", nil)
		if href := past.Find(".notice a").AttrOr("href", ""); href != "/search?size=5" {
			t.Errorf("past the end: first page link %q", href)
		}
	})

	t.Run("year chart", func(t *testing.T) {
		years := expectedFacet(docs, "year", nil)
		_, doc := getPage(t, h, "/search?year=2021", nil)
		bars := doc.Find("svg.year-chart a.bar")
		if bars.Length() != len(years) {
			t.Fatalf("%d bars, want %d", bars.Length(), len(years))
		}
		bars.Each(func(_ int, b *goquery.Selection) {
			year := b.Find("text.bar-year").Text()
			if got, want := b.Find("text.bar-count").Text(), strconv.Itoa(years[year]); got != want {
				t.Errorf("bar %s shows %s, want %s", year, got, want)
			}
			if h, _ := b.Find("rect.bar-fill").Attr("height"); h == "" || h == "0" {
				t.Errorf("bar %s has no height", year)
			}
			selected := b.HasClass("bar-selected")
			if selected != (year == "2021") {
				t.Errorf("bar %s selected = %v", year, selected)
			}
			wantHref := "/search?year=2021&year=" + year
			if selected {
				wantHref = "/search"
			}
			if href := b.AttrOr("href", ""); href != wantHref {
				t.Errorf("bar %s links to %q, want %q", year, href, wantHref)
			}
			if !strings.Contains(b.Find("title").Text(), year+": ") {
				t.Errorf("bar %s title %q", year, b.Find("title").Text())
			}
		})
	})

	t.Run("sort", func(t *testing.T) {
		_, doc := getPage(t, h, "/search?sort=-date", nil)
		if got := doc.Find("select#sort option[selected]").AttrOr("value", ""); got != "-date" {
			t.Errorf("selected sort %q", got)
		}
		if got := hitHrefs(doc); got[0] != "/documents/recs/data-spaces" {
			t.Errorf("newest first: %v", got)
		}
		_, doc = getPage(t, h, "/search?sort=title", nil)
		if got := hitHrefs(doc); got[0] != "/documents/webinars/ecosystems-en" {
			t.Errorf("by title: %v", got)
		}
	})

	t.Run("export and feed links", func(t *testing.T) {
		_, doc := getPage(t, h, "/search?q=Open&type=case&page=1&size=5", nil)
		links := attrs(doc.Find(".export a"), "href")
		want := []string{"/api/search?format=xlsx&q=Open&type=case", "/api/search?format=csv-excel&q=Open&type=case", "/api/search?format=csv&q=Open&type=case", "/api/search?format=ndjson&q=Open&type=case",
			"/api/search?format=bibtex&q=Open&type=case&ui=de", "/api/search?format=ris&q=Open&type=case&ui=de", "/api/search?format=csl-json&q=Open&type=case&ui=de",
			"/feeds/search.atom?q=Open&type=case&ui=de"}
		if !slices.Equal(links, want) {
			t.Errorf("export links %v, want %v", links, want)
		}
		if alt := doc.Find(`head link[rel=alternate][type="application/atom+xml"]`).AttrOr("href", ""); alt != want[7] {
			t.Errorf("feed <link> %q", alt)
		}
		for i, ctype := range []string{"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "text/csv", "text/csv", "application/x-ndjson", "application/x-bibtex", "application/x-research-info-systems", "application/vnd.citationstyles.csl+json", "application/atom+xml"} {
			r := do(t, h, "GET", want[i], nil, nil)
			if r.Code != 200 || !strings.HasPrefix(r.Header().Get("Content-Type"), ctype) {
				t.Errorf("%s: %d %s", want[i], r.Code, r.Header().Get("Content-Type"))
			}
		}
	})
}

func TestZeroResults(t *testing.T) {
	h, _ := newServer(t, web.Config{})
	_, doc := getPage(t, h, "/search?q=Innovationskultur&type=recommendation", nil)
	if doc.Find("ol.hits").Length() != 0 || doc.Find(".no-results").Length() != 1 {
		t.Fatal("no zero-results help")
	}
	if got := texts(doc.Find("h2.results-summary")); got[0] != "Keine Treffer für „Innovationskultur“" {
		t.Errorf("summary %q", got)
	}
	un := doc.Find("a.unfiltered")
	if href := un.AttrOr("href", ""); href != "/search?q=Innovationskultur" || !strings.Contains(un.Text(), "2 Treffer") {
		t.Errorf("query without filters: %q %q", href, un.Text())
	}
	if n := doc.Find(".no-results .topic-cloud a[href^='/topics/']").Length(); n == 0 {
		t.Error("no popular topics")
	}
	if doc.Find(".did-you-mean").Length() != 0 {
		t.Error("a spelling suggestion without one from the search")
	}
	if doc.Find(".export, nav.pager").Length() != 0 {
		t.Error("exports or pages for nothing")
	}

	// Nothing to find even without filters: no link to an empty search.
	_, doc = getPage(t, h, "/search?q=Quantenschaumkrone&type=case", nil)
	if doc.Find("a.unfiltered").Length() != 0 {
		t.Error("offers the query without filters, which finds nothing either")
	}
}

func TestDocumentPage(t *testing.T) {
	h, _ := newServer(t, web.Config{})
	r, doc := getPage(t, h, "/documents/cases/nordwerk", nil)
	wantStatus(t, r, 200)
	if got := doc.Find("h1#doc-title").Text(); got != "Nordwerk: Intrapreneurship als Kulturwandel" {
		t.Errorf("title %q", got)
	}
	if got := texts(doc.Find(".case-facts .case-fact h2")); !slices.Equal(got, []string{"Herausforderung", "Vorgehen", "Ergebnis"}) {
		t.Errorf("case facts %q", got)
	}
	if !strings.Contains(doc.Find(".doc-body").Text(), "Intrapreneurship-Programm") {
		t.Error("body missing")
	}
	if got := attrs(doc.Find(".doc-meta .tags a"), "href"); !slices.Equal(got, []string{"/topics/Innovationskultur", "/topics/Intrapreneurship"}) {
		t.Errorf("topic links %v", got)
	}
	if got := attrs(doc.Find(".doc-meta a[href^='/search?person=']"), "href"); !slices.Equal(got, []string{"/search?person=Lena+Hoffmeister"}) {
		t.Errorf("people links %v", got)
	}
	related := attrs(doc.Find(".doc-related a.mini-hit"), "href")
	if len(related) == 0 || slices.Contains(related, "/documents/cases/nordwerk") {
		t.Errorf("related %v", related)
	}
	for _, href := range related {
		if !strings.HasPrefix(href, "/documents/") {
			t.Errorf("related link %q", href)
		}
	}
	permalink := "http://example.com/documents/cases/nordwerk"
	if got := doc.Find("input#permalink").AttrOr("value", ""); got != permalink {
		t.Errorf("permalink %q", got)
	}
	cite := doc.Find("textarea#citation").Text()
	for _, want := range []string{"„Nordwerk: Intrapreneurship als Kulturwandel“", "Praxisfall, 1. September 2020", permalink, "abgerufen am"} {
		if !strings.Contains(cite, want) {
			t.Errorf("citation %q lacks %q", cite, want)
		}
	}
	if doc.Find(`link[rel=stylesheet][media=print][href^="/static/print.css"]`).Length() != 1 {
		t.Error("no print stylesheet")
	}
	if got := doc.Find("link[rel=canonical]").AttrOr("href", ""); got != permalink {
		t.Errorf("canonical %q", got)
	}
	if got := doc.Find(`a[href="/api/documents/cases/nordwerk"]`).Length(); got != 1 {
		t.Error("no JSON link")
	}

	t.Run("unknown id", func(t *testing.T) {
		r, doc := getPage(t, h, "/documents/cases/nirgendwo-gmbh", nil)
		if r.Code != 404 {
			t.Errorf("status %d", r.Code)
		}
		if got := doc.Find("h1").Text(); got != "Dokument nicht gefunden" {
			t.Errorf("h1 %q", got)
		}
		if got := doc.Find("main input[name=q]").AttrOr("value", ""); got != "nirgendwo gmbh" {
			t.Errorf("search offered for %q", got)
		}
	})
}

func TestTopicPages(t *testing.T) {
	h, _ := newServer(t, web.Config{})
	docs := fixtureDocs(t)
	topics := expectedFacet(docs, "topics", nil)

	_, doc := getPage(t, h, "/topics", nil)
	cards := doc.Find(".topic-card")
	if cards.Length() != len(topics) {
		t.Errorf("%d topic cards, want %d", cards.Length(), len(topics))
	}
	names := texts(cards.Find("h2"))
	if !slices.IsSortedFunc(names, func(a, b string) int { return strings.Compare(strings.ToLower(a), strings.ToLower(b)) }) {
		t.Errorf("topics not in order: %q", names)
	}
	oi := cards.FilterFunction(func(_ int, s *goquery.Selection) bool { return s.Find("h2").Text() == "Open Innovation" })
	if got := oi.Find(".topic-total").Text(); got != "6 Dokumente" {
		t.Errorf("Open Innovation total %q", got)
	}
	byType := expectedFacet(docs, "type", map[string][]string{"topics": {"Open Innovation"}})
	oi.Find(".topic-types a").Each(func(_ int, a *goquery.Selection) {
		href := a.AttrOr("href", "")
		typ := strings.TrimPrefix(href, "/topics/Open%20Innovation?type=")
		if got := a.Find(".count").Text(); got != strconv.Itoa(byType[typ]) {
			t.Errorf("%s: %s, want %d", href, got, byType[typ])
		}
	})
	if n := oi.Find(".topic-types a").Length(); n != len(byType) {
		t.Errorf("%d type links, want %d", n, len(byType))
	}

	t.Run("a topic's page", func(t *testing.T) {
		_, doc := getPage(t, h, "/topics/Open%20Innovation", nil)
		if got := doc.Find("h1").Text(); !strings.Contains(got, "Open Innovation") {
			t.Errorf("h1 %q", got)
		}
		hits := hitHrefs(doc)
		if len(hits) != topics["Open Innovation"] || hits[0] != "/documents/recs/data-spaces" {
			t.Errorf("hits %v, want %d newest first", hits, topics["Open Innovation"])
		}
		if doc.Find(`input[name=topic]`).Length() != 0 {
			t.Error("a topic's page offers the topic facet")
		}
		if got, _, _ := facetCount(doc, "type", "case"); got != byType["case"] {
			t.Errorf("case facet %d", got)
		}
		if got := doc.Find("#search-form").AttrOr("action", ""); got != "/topics/Open%20Innovation" {
			t.Errorf("form action %q", got)
		}
		if got := attrs(doc.Find(".export a"), "href"); len(got) != 8 || got[7] != "/feeds/search.atom?topic=Open+Innovation&ui=de" {
			t.Errorf("exports %v", got)
		}
	})

	t.Run("narrowed by type", func(t *testing.T) {
		_, doc := getPage(t, h, "/topics/Open%20Innovation?type=case", nil)
		if got := len(hitHrefs(doc)); got != byType["case"] {
			t.Errorf("%d hits", got)
		}
		if got := attrs(doc.Find("a.chip"), "href"); !slices.Equal(got, []string{"/topics/Open%20Innovation"}) {
			t.Errorf("chips %v", got)
		}
	})

	t.Run("unknown topic", func(t *testing.T) {
		r, doc := getPage(t, h, "/topics/Kein%20Thema", nil)
		if r.Code != 404 || doc.Find("h1").Text() != "Thema nicht gefunden" {
			t.Errorf("status %d, h1 %q", r.Code, doc.Find("h1").Text())
		}
	})
}

func TestRecommendationsPage(t *testing.T) {
	h, _ := newServer(t, web.Config{})
	docs := fixtureDocs(t)
	recs := map[string][]string{"type": {"recommendation"}}
	cases := []struct {
		name, target string
		hits         []string
	}{
		{"all", "/recommendations", []string{"/documents/recs/data-spaces", "/documents/recs/kmu", "/documents/recs/transfer"}},
		{"addressee", "/recommendations?addressee=EU", []string{"/documents/recs/data-spaces"}},
		{"two addressees OR-ed", "/recommendations?addressee=EU&addressee=L%C3%A4nder", []string{"/documents/recs/data-spaces", "/documents/recs/transfer"}},
		{"policy area", "/recommendations?policy_area=Wirtschaftspolitik", []string{"/documents/recs/kmu"}},
		{"addressee and policy area", "/recommendations?addressee=Bund&policy_area=Digitalpolitik", []string{"/documents/recs/data-spaces"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, doc := getPage(t, h, tc.target, nil)
			if got := hitHrefs(doc); !slices.Equal(got, tc.hits) {
				t.Errorf("hits %v, want %v", got, tc.hits)
			}
			if tc.name == "all" {
				for value, want := range expectedFacet(docs, "addressees", recs) {
					if got, _, _ := facetCount(doc, "addressee", value); got != want {
						t.Errorf("addressee %s: %d, want %d", value, got, want)
					}
				}
				if doc.Find(`input[name=type]`).Length() != 0 {
					t.Error("type facet on the recommendations")
				}
			}
		})
	}
	_, doc := getPage(t, h, "/recommendations", nil)
	facts := doc.Find(".hit").First().Find(".hit-facts")
	if got := attrs(facts.Find("a"), "href"); !slices.Equal(got, []string{"/recommendations?addressee=EU", "/recommendations?addressee=Bund", "/recommendations?policy_area=Digitalpolitik"}) {
		t.Errorf("addressee and policy area links %v", got)
	}
	if got := texts(doc.Find("h2.results-summary")); got[0] != "3 Empfehlungen" {
		t.Errorf("summary %q", got)
	}
}

func TestUILanguage(t *testing.T) {
	h, _ := newServer(t, web.Config{})
	cases := []struct {
		name   string
		header map[string]string
		want   string
	}{
		{"default", nil, "de"},
		{"English", map[string]string{"Accept-Language": "en-GB,en;q=0.9"}, "en"},
		{"English before German", map[string]string{"Accept-Language": "fr-FR, en;q=0.8, de;q=0.5"}, "en"},
		{"German before English", map[string]string{"Accept-Language": "de-AT, en;q=0.5"}, "de"},
		{"neither", map[string]string{"Accept-Language": "fr, es"}, "de"},
		{"cookie beats header", map[string]string{"Accept-Language": "de", "Cookie": "ui=en"}, "en"},
		{"bad cookie ignored", map[string]string{"Accept-Language": "en", "Cookie": "ui=xx"}, "en"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r, doc := getPage(t, h, "/search?q=Innovationskultur", tc.header)
			if lang := doc.Find("html").AttrOr("lang", ""); lang != tc.want {
				t.Errorf("lang %q, want %q", lang, tc.want)
			}
			nav := map[string][]string{"de": {"Suche", "Themen", "Empfehlungen"}, "en": {"Search", "Topics", "Recommendations"}}
			if got := texts(doc.Find("nav.site-nav a")); !slices.Equal(got, nav[tc.want]) {
				t.Errorf("nav %q", got)
			}
			if !strings.Contains(r.Header().Get("Vary"), "Accept-Language") {
				t.Error("no Vary: Accept-Language")
			}
		})
	}

	t.Run("English labels", func(t *testing.T) {
		en := map[string]string{"Accept-Language": "en"}
		_, doc := getPage(t, h, "/search?q=Innovationskultur&type=case", en)
		want := map[string]string{
			"h2.results-summary":  "1 result for “Innovationskultur”",
			"#filters-heading":    "Filters",
			".facet-type legend":  "Document type (1)",
			".chips .chip-label":  "Document type:",
			"label[for=sort]":     "Sort by",
			`option[value=title]`: "Title, A–Z",
			".hit .badge":         "Case",
			".hit time":           "1 September 2020",
			"#export-heading":     "Reuse these results",
			"a.lang-switch":       "Change language: Deutsch",
			"a.skip-link":         "Skip to content",
		}
		for sel, text := range want {
			if got := texts(doc.Find(sel).First()); len(got) != 1 || got[0] != text {
				t.Errorf("%s: %q, want %q", sel, got, text)
			}
		}
		_, doc = getPage(t, h, "/documents/cases/nordwerk", en)
		if got := texts(doc.Find(".case-fact h2")); !slices.Equal(got, []string{"Challenge", "Approach", "Outcome"}) {
			t.Errorf("case facts %q", got)
		}
		if cite := doc.Find("#citation").Text(); !strings.Contains(cite, "Case, 1 September 2020") || !strings.Contains(cite, "accessed") {
			t.Errorf("citation %q", cite)
		}
		// The document's own language is marked, for screen readers.
		if got := doc.Find("h1#doc-title").AttrOr("lang", ""); got != "de" {
			t.Errorf("document title lang %q", got)
		}
	})

	t.Run("switch", func(t *testing.T) {
		_, doc := getPage(t, h, "/search?q=Open&type=case", nil)
		href := doc.Find("a.lang-switch").AttrOr("href", "")
		if href != "/lang/en?next=%2Fsearch%3Fq%3DOpen%26type%3Dcase" {
			t.Fatalf("switch link %q", href)
		}
		r := do(t, h, "GET", href, nil, nil)
		if r.Code != http.StatusSeeOther || r.Header().Get("Location") != "/search?q=Open&type=case" {
			t.Errorf("switch: %d to %q", r.Code, r.Header().Get("Location"))
		}
		c := r.Result().Cookies()
		if len(c) != 1 || c[0].Name != "ui" || c[0].Value != "en" || c[0].Path != "/" || !c[0].HttpOnly {
			t.Fatalf("cookie %v", c)
		}
		_, doc = getPage(t, h, "/search?q=Open&type=case", map[string]string{"Cookie": c[0].String()})
		if doc.Find("html").AttrOr("lang", "") != "en" {
			t.Error("the cookie does not switch the language")
		}
		if got := doc.Find("a.lang-switch").AttrOr("href", ""); !strings.HasPrefix(got, "/lang/de?") {
			t.Errorf("switch back %q", got)
		}
	})

	t.Run("no open redirect", func(t *testing.T) {
		for _, next := range []string{"//evil.example/", "/\\evil.example", "https://evil.example/", "evil", "/\r\nSet-Cookie:x", "javascript:alert(1)", "/\t/evil.example", ""} {
			r := do(t, h, "GET", "/lang/de?next="+url.QueryEscape(next), nil, nil)
			if loc := r.Header().Get("Location"); r.Code != http.StatusSeeOther || loc != "/" {
				t.Errorf("next=%q: %d to %q, want /", next, r.Code, loc)
			}
		}
		r := do(t, h, "GET", "/lang/fr?next=/", nil, nil)
		if r.Code != 404 || len(r.Result().Cookies()) != 0 {
			t.Errorf("/lang/fr: %d, cookies %v", r.Code, r.Result().Cookies())
		}
	})
}

func TestErrorPages(t *testing.T) {
	h, _ := newServer(t, web.Config{})
	cases := []struct {
		name, method, target string
		header               map[string]string
		status               int
		h1, says             string
	}{
		{"bad page", "GET", "/search?page=0", nil, 400, "Diese Anfrage können wir nicht ausführen", "„page“"},
		{"bad page in English", "GET", "/search?page=0", map[string]string{"Accept-Language": "en"}, 400, "We cannot run this request", "“page”"},
		{"bad sort", "GET", "/search?q=Open&sort=best", nil, 400, "Diese Anfrage können wir nicht ausführen", "„sort“"},
		// A date the page cannot apply is a message beside its field
		// (TestListDates), not an error page; the API keeps its 400 (below).
		{"size", "GET", "/search?size=1000", nil, 400, "Diese Anfrage können wir nicht ausführen", "„size“"},
		// A query over 1,000 characters is cut and read as plain words
		// with a notice (TestSearchBoxIsForgiving); the API keeps its 400.
		{"long query", "GET", "/search?q=" + strings.Repeat("a", 1001), nil, 200, "Suche", ""},
		{"bad recommendation filter", "GET", "/recommendations?year=x", nil, 200, "Empfehlungen", ""},
		{"bad topic page", "GET", "/topics/Open%20Innovation?page=-1", nil, 400, "Diese Anfrage können wir nicht ausführen", "„page“"},
		{"no such page", "GET", "/nirgends", nil, 404, "Seite nicht gefunden", ""},
		{"no such page in English", "GET", "/nirgends", map[string]string{"Accept-Language": "en"}, 404, "Page not found", ""},
		{"method", "POST", "/search", nil, 405, "Nicht erlaubt", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r, doc := pageRequest(t, h, tc.method, tc.target, tc.header)
			if r.Code != tc.status {
				t.Errorf("status %d, want %d", r.Code, tc.status)
			}
			if got := strings.TrimSpace(doc.Find("main h1").Text()); got != tc.h1 {
				t.Errorf("h1 %q, want %q", got, tc.h1)
			}
			if tc.says != "" && !strings.Contains(doc.Find(".error-message").Text(), tc.says) {
				t.Errorf("message %q does not name %s", doc.Find(".error-message").Text(), tc.says)
			}
		})
	}
	if r := do(t, h, "GET", "/api/search?q="+strings.Repeat("a", 1001), nil, nil); r.Code != 400 || !strings.Contains(r.Body.String(), `"field":"q"`) {
		t.Errorf("/api/search with a long query: %d %s", r.Code, r.Body.String())
	}
	if r := do(t, h, "GET", "/api/search?from=2020-13-01", nil, nil); r.Code != 400 || !strings.Contains(r.Body.String(), `"field":"from"`) {
		t.Errorf("/api/search with a bad date: %d %s", r.Code, r.Body.String())
	}
	// The API keeps answering in JSON.
	if r := do(t, h, "GET", "/api/nirgends", nil, nil); r.Code != 404 || r.JSON == nil {
		t.Errorf("/api/nirgends: %d %s", r.Code, r.Header().Get("Content-Type"))
	}
	if r := do(t, h, "POST", "/api/search", nil, nil); r.Code != 405 || r.JSON == nil {
		t.Errorf("POST /api/search: %d %s", r.Code, r.Header().Get("Content-Type"))
	}
}

// failingKB fails every search, as a broken index would.
type failingKB struct{ web.KnowledgeBase }

var errSecret = errors.New("badger: value log corrupted at /var/lib/secret")

func (failingKB) Ready() bool { return true }
func (failingKB) Search(context.Context, search.Request) (*search.Result, error) {
	return nil, errSecret
}
func (failingKB) Topics(context.Context) ([]search.TopicCount, error) { return nil, errSecret }
func (failingKB) Document(context.Context, string) (*search.Document, error) {
	return nil, errSecret
}

func TestInternalErrorPage(t *testing.T) {
	h := mustServer(t, atExample(t, web.Config{}), failingKB{}, nil)
	for _, target := range []string{"/", "/search?q=x", "/documents/a/b", "/topics", "/recommendations"} {
		r, doc := getPage(t, h, target, nil)
		if r.Code != 500 {
			t.Errorf("%s: status %d", target, r.Code)
		}
		if got := doc.Find("main h1").Text(); got != "Ein interner Fehler ist aufgetreten" {
			t.Errorf("%s: h1 %q", target, got)
		}
		if strings.Contains(r.Body.String(), "secret") || strings.Contains(r.Body.String(), "badger") {
			t.Errorf("%s: the page shows the internal error", target)
		}
	}
}

// hostile is a document that tries to inject markup everywhere it can.
const hostile = `{"id":"hostile/<b>?x=1&y=2","type":"case","title":"<script>alert('title')</script> Innovationsfalle","date":"2022-02-02","language":"de",` +
	`"summary":"<img src=x onerror=alert('summary')>","topics":["<i>Thema</i>"],"people":["\"><svg onload=alert(1)>"],"organizations":["O'Reilly & Söhne"],` +
	`"challenge":"<iframe src=//evil.example>","body":"Innovationsfalle <mark>gefälscht</mark> &lt;script&gt;alert('body')&lt;/script&gt; <a href=javascript:alert(1)>klick</a>\n\n<script>alert('p')</script>"}`

func TestEscaping(t *testing.T) {
	h, kb := newServer(t, web.Config{})
	res, err := kb.IngestBytes(context.Background(), "hostile.json", []byte(hostile), "")
	if err != nil || len(res) != 1 || res[0].Status != search.Added {
		t.Fatalf("ingest: %v %+v", err, res)
	}
	id := res[0].ID
	const title = "<script>alert('title')</script> Innovationsfalle"
	noMarkup := func(t *testing.T, target string, doc *goquery.Document) {
		t.Helper()
		if n := doc.Find("main script, main img, main iframe, main i, main b, main svg:not(.year-chart):not(.chart-svg):not(.legend-swatch):not(.follow-icon), main a[href^='javascript']").Length(); n > 0 {
			html, _ := doc.Find("main").Html()
			t.Errorf("%s: %d injected elements:\n%s", target, n, html)
		}
	}
	for _, target := range []string{"/search?q=Innovationsfalle", "/search?q=gef%C3%A4lscht", "/search?q=alert", "/topics/%3Ci%3EThema%3C%2Fi%3E", "/", "/topics"} {
		t.Run(target, func(t *testing.T) {
			r, doc := getPage(t, h, target, nil)
			wantStatus(t, r, 200)
			noMarkup(t, target, doc)
			doc.Find(".snippet").Each(func(_ int, s *goquery.Selection) {
				s.Children().Each(func(_ int, c *goquery.Selection) {
					if goquery.NodeName(c) != "mark" || c.Children().Length() > 0 {
						t.Errorf("snippet holds <%s>", goquery.NodeName(c))
					}
				})
			})
		})
	}
	_, doc := getPage(t, h, "/search?q=Innovationsfalle", nil)
	link := doc.Find("ol.hits .hit-title a")
	if link.Text() != title {
		t.Errorf("title shows as %q, want the literal text", link.Text())
	}
	path := link.AttrOr("href", "")
	if path != web.DocumentPath(id) {
		t.Errorf("document link %q, want %q", path, web.DocumentPath(id))
	}
	r, doc := getPage(t, h, path, nil)
	if r.Code != 200 {
		t.Fatalf("%s: status %d", path, r.Code)
	}
	noMarkup(t, path, doc)
	if got := doc.Find("h1#doc-title").Text(); got != title {
		t.Errorf("h1 %q", got)
	}
	if got := doc.Find(".doc-summary").Text(); got != "<img src=x onerror=alert('summary')>" {
		t.Errorf("summary %q", got)
	}
	if got := doc.Find(".doc-meta a[href^='/search?person=']").Text(); got != `"><svg onload=alert(1)>` {
		t.Errorf("person %q", got)
	}
	if got := doc.Find("#citation").Text(); !strings.Contains(got, title) {
		t.Errorf("citation %q", got)
	}
}

func TestStaticAssets(t *testing.T) {
	h, _ := newServer(t, web.Config{})
	_, doc := getPage(t, h, "/", nil)
	var urls []string
	doc.Find(`link[href^="/static/"], script[src^="/static/"], img[src^="/static/"]`).Each(func(_ int, s *goquery.Selection) {
		urls = append(urls, s.AttrOr("href", s.AttrOr("src", "")))
	})
	if len(urls) < 4 {
		t.Fatalf("static references %v", urls)
	}
	for _, u := range urls {
		r := do(t, h, "GET", u, nil, nil)
		if r.Code != 200 || r.Body.Len() == 0 {
			t.Errorf("%s: %d", u, r.Code)
			continue
		}
		if cc := r.Header().Get("Cache-Control"); !strings.Contains(cc, "immutable") {
			t.Errorf("%s: Cache-Control %q", u, cc)
		}
		etag := r.Header().Get("ETag")
		if r := do(t, h, "GET", u, nil, map[string]string{"If-None-Match": etag}); r.Code != http.StatusNotModified {
			t.Errorf("%s with If-None-Match: %d", u, r.Code)
		}
	}
	for name, ctype := range map[string]string{"app.css": "text/css", "app.js": "text/javascript", "logo.svg": "image/svg+xml"} {
		r := do(t, h, "GET", "/static/"+name, nil, nil)
		if !strings.HasPrefix(r.Header().Get("Content-Type"), ctype) {
			t.Errorf("%s: Content-Type %q", name, r.Header().Get("Content-Type"))
		}
		if cc := r.Header().Get("Cache-Control"); strings.Contains(cc, "immutable") {
			t.Errorf("%s without version: %q", name, cc)
		}
	}
	if r := do(t, h, "GET", "/static/nope.js", nil, nil); r.Code != 404 {
		t.Errorf("missing asset: %d", r.Code)
	}
}

// snippetKB answers every search with one hit whose snippet is not the
// escaped text with <mark> that snippets should be.
type snippetKB struct{ failingKB }

func (snippetKB) Search(context.Context, search.Request) (*search.Result, error) {
	return &search.Result{Total: 1, Hits: []search.Hit{{
		ID: "x/1", Type: "case", Title: "T",
		Snippet: `<script>alert(1)</script> a &lt;b&gt; <mark>ok</mark> <mark onclick="x()">no</mark> <mark><i>nested</i></mark> </mark> <mark>open`,
	}}}, nil
}

func TestSnippetSanitised(t *testing.T) {
	h := mustServer(t, atExample(t, web.Config{}), snippetKB{}, nil)
	_, doc := getPage(t, h, "/search?q=ok", nil)
	s := doc.Find(".snippet")
	if got := texts(s.Children()); !slices.Equal(got, []string{"ok", "<i>nested</i>", "open"}) {
		t.Errorf("marks %q", got)
	}
	s.Children().Each(func(_ int, c *goquery.Selection) {
		if goquery.NodeName(c) != "mark" || len(c.Nodes[0].Attr) > 0 || c.Children().Length() > 0 {
			t.Errorf("snippet holds %s", goquery.NodeName(c))
		}
	})
	want := `<script>alert(1)</script> a <b> ok <mark onclick="x()">no</mark> <i>nested</i> </mark> open`
	if got := s.Text(); got != want {
		t.Errorf("snippet text\n%q, want\n%q", got, want)
	}
}

func TestDidYouMean(t *testing.T) {
	h, _ := newServer(t, web.Config{})
	for _, tc := range []struct {
		name, query, link, href, text string
	}{
		{"word, filter kept", "q=Inovationskultur&type=case", "Innovationskultur", "type=case", "Meinten Sie Innovationskultur?"},
		// The question keeps its own mark; the sentence adds none.
		{"question", "q=Was+ist+Inovationskultur%3F", "Was ist Innovationskultur?", "q=Was", "Meinten Sie Was ist Innovationskultur?"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := do(t, h, "GET", "/search?"+tc.query, nil, map[string]string{"Accept-Language": "de"})
			wantStatus(t, r, 200)
			doc, err := goquery.NewDocumentFromReader(strings.NewReader(r.Body.String()))
			if err != nil {
				t.Fatal(err)
			}
			link := doc.Find(".did-you-mean a")
			href, _ := link.Attr("href")
			if link.Text() != tc.link || !strings.Contains(href, tc.href) {
				t.Errorf("did-you-mean link = %q → %q; want %q → …%s…", link.Text(), href, tc.link, tc.href)
			}
			if got := strings.Join(strings.Fields(doc.Find(".did-you-mean").Text()), " "); got != tc.text {
				t.Errorf("did-you-mean reads %q, want %q", got, tc.text)
			}
		})
	}
	api := do(t, h, "GET", "/api/search?q=Inovationskultur", nil, nil)
	if api.JSON["did_you_mean"] != "Innovationskultur" {
		t.Errorf("API did_you_mean = %v", api.JSON["did_you_mean"])
	}
}
