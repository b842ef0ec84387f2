package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/fundus-kb/fundus/web"
)

// demoHandler serves the demo corpus through the real router.
func demoHandler(t *testing.T) http.Handler {
	t.Helper()
	return mustServer(t, atExample(t, web.Config{}), demoKB(t), nil)
}

func apiSearch(t *testing.T, h http.Handler, params url.Values) response {
	t.Helper()
	return do(t, h, "GET", "/api/search?"+params.Encode(), nil, nil)
}

func total(t *testing.T, r response) int {
	t.Helper()
	wantStatus(t, r, http.StatusOK)
	return int(r.JSON["total"].(float64))
}

// TestQueryLanguageAPI checks the query language through /api/search on
// the demo corpus: exact errors, lenient reading, fields that narrow.
func TestQueryLanguageAPI(t *testing.T) {
	h := demoHandler(t)
	q := func(query string, kv ...string) url.Values {
		v := url.Values{"q": {query}, "size": {"100"}}
		for i := 0; i+1 < len(kv); i += 2 {
			v.Add(kv[i], kv[i+1])
		}
		return v
	}

	t.Run("syntax errors are 400 with the position", func(t *testing.T) {
		for _, c := range []struct{ q, msg string }{
			{`Kultur "Innovation`, "column 8: missing closing quote"},
			{`Kultur „Innovation`, "column 8: missing closing quote"},
			{"(", "column 1: missing closing parenthesis"},
			{"AND Kultur", "column 1: AND needs a term before it"},
			{"foo:bar", `unknown field "foo" (known fields: title, body, topic, type, person, org, addressee, policy, lang)`},
			{"Kultur type:foo", `column 8: unknown type "foo" (known types: webinar, case, recommendation or other`},
			{"lang:klingonisch", `column 1: unknown language "klingonisch"`},
		} {
			r := apiSearch(t, h, q(c.q))
			if r.Code != http.StatusBadRequest {
				t.Errorf("%q: status %d, want 400", c.q, r.Code)
				continue
			}
			e, _ := r.JSON["error"].(map[string]any)
			if msg, _ := e["message"].(string); !strings.Contains(msg, c.msg) || e["field"] != "q" {
				t.Errorf("%q: error %v, want field q and %q", c.q, e, c.msg)
			}
		}
	})

	t.Run("lenient reads plain words and says so", func(t *testing.T) {
		for _, c := range []struct{ q, code, readAs string }{
			{`Kultur "Innovation`, "missing_quote", "Kultur Innovation"},
			{"AND Kultur", "operator", "and Kultur"},
			{"foo:bar Kultur", "unknown_field", "foo bar Kultur"},
			{"type:foo Kultur", "unknown_value", "type foo Kultur"},
		} {
			r := apiSearch(t, h, q(c.q, "lenient", "true"))
			if n := total(t, r); n == 0 {
				t.Errorf("%q: no hits", c.q)
			}
			notice, _ := r.JSON["notice"].(map[string]any)
			if notice["code"] != c.code || r.JSON["read_as"] != c.readAs {
				t.Errorf("%q: notice %v, read_as %v; want %s, %q", c.q, notice, r.JSON["read_as"], c.code, c.readAs)
			}
		}
		r := apiSearch(t, h, q("Innovationskultur", "lenient", "true"))
		if _, ok := r.JSON["notice"]; ok || total(t, r) == 0 {
			t.Errorf("a valid lenient query: %s", r.Body.String())
		}
		if r := apiSearch(t, h, q("a", "lenient", "maybe")); r.Code != http.StatusBadRequest {
			t.Errorf("lenient=maybe: status %d", r.Code)
		}
	})

	t.Run("typographic quotes are phrases", func(t *testing.T) {
		want := total(t, apiSearch(t, h, q(`"Kultur der Innovation"`)))
		words := total(t, apiSearch(t, h, q(`Kultur der Innovation`)))
		if want == 0 || want >= words {
			t.Fatalf("phrase %d hits, words %d: the test needs a phrase that narrows", want, words)
		}
		for _, s := range []string{"„Kultur der Innovation“", "“Kultur der Innovation”", "‚Kultur der Innovation‘", "»Kultur der Innovation«", "«Kultur der Innovation»"} {
			if got := total(t, apiSearch(t, h, q(s))); got != want {
				t.Errorf("%s: %d hits, want %d as for straight quotes", s, got, want)
			}
		}
	})

	t.Run("field terms narrow", func(t *testing.T) {
		r := apiSearch(t, h, q("type:webinar Innovationskultur"))
		n, all := total(t, r), total(t, apiSearch(t, h, q("Innovationskultur")))
		if n == 0 || n >= all {
			t.Errorf("type:webinar Innovationskultur: %d hits of %d", n, all)
		}
		for _, hit := range r.JSON["hits"].([]any) {
			if typ := hit.(map[string]any)["type"]; typ != "webinar" {
				t.Errorf("hit of type %v", typ)
			}
		}
		if got, want := n, total(t, apiSearch(t, h, q("Innovationskultur", "type", "webinar"))); got != want {
			t.Errorf("type:webinar Innovationskultur %d hits, with the type filter %d", got, want)
		}
	})

	t.Run("types are spelled as in the query language", func(t *testing.T) {
		for _, c := range []struct{ name, q, typ string }{
			{"German field value", "typ:Fall Innovation", ""},
			{"German filter value", "Innovation", "Fall"},
			{"English filter value", "Innovation", "case"},
		} {
			var r response
			if c.typ == "" {
				r = apiSearch(t, h, q(c.q))
			} else {
				r = apiSearch(t, h, q(c.q, "type", c.typ))
			}
			if total(t, r) == 0 {
				t.Errorf("%s: no hits", c.name)
			}
			for _, hit := range r.JSON["hits"].([]any) {
				if typ := hit.(map[string]any)["type"]; typ != "case" {
					t.Errorf("%s: hit of type %v", c.name, typ)
				}
			}
		}
		r := apiSearch(t, h, q("Innovation", "type", "foo"))
		e, _ := r.JSON["error"].(map[string]any)
		if msg, _ := e["message"].(string); r.Code != http.StatusBadRequest || e["field"] != "type" || !strings.Contains(msg, `unknown type "foo"`) {
			t.Errorf("type=foo: status %d, error %v; want 400 naming type", r.Code, e)
		}
	})

	t.Run("fields alone", func(t *testing.T) {
		for _, c := range []struct {
			q, param, value string
		}{
			{"addressee:Bund", "addressee", "Bund"},
			{"adressat:bund", "addressee", "Bund"},
			{"policy:Bildungspolitik", "policy_area", "Bildungspolitik"},
			{"politikfeld:bildungspolitik", "policy_area", "Bildungspolitik"},
			{"person:Sommerfeld", "person", "Greta Sommerfeld"},
			{"person:greta", "person", "Greta Sommerfeld"},
			{`person:"Greta Sommerfeld"`, "person", "Greta Sommerfeld"},
			{"org:Stifterverband", "org", "Stifterverband"},
		} {
			got := total(t, apiSearch(t, h, q(c.q)))
			want := total(t, apiSearch(t, h, q("", c.param, c.value)))
			if got == 0 || got != want {
				t.Errorf("%s: %d hits, want %d (the %s=%s filter)", c.q, got, want, c.param, c.value)
			}
		}
		if got := total(t, apiSearch(t, h, q("person:Sommer"))); got != 0 {
			t.Errorf("person:Sommer: %d hits, want 0 (a part is a whole word of the name)", got)
		}
	})

	t.Run("apostrophes", func(t *testing.T) {
		r := apiSearch(t, h, q("Wie geht's weiter?"))
		if total(t, r) == 0 {
			t.Errorf("Wie geht's weiter?: no hits")
		}
		if dym, _ := r.JSON["did_you_mean"].(string); strings.Contains(dym, "gets") {
			t.Errorf("did you mean %q", dym)
		}
	})
}

// TestSearchBoxIsForgiving checks that the pages with a search box never
// answer a query with an error page.
func TestSearchBoxIsForgiving(t *testing.T) {
	h := demoHandler(t)
	for _, path := range []string{"/search", "/recommendations", "/topics/Innovationskultur"} {
		for _, c := range []struct{ q, notice string }{
			{`Kultur "Innovation`, "Als einfache Wörter gelesen: schließendes Anführungszeichen fehlt."},
			{"(", "Als einfache Wörter gelesen: schließende Klammer fehlt."},
			{"AND Kultur", "Als einfache Wörter gelesen: AND, OR oder NOT ohne Suchbegriff daneben."},
			{"foo:bar Kultur", "Als einfache Wörter gelesen: unbekanntes Feld vor dem Doppelpunkt."},
			{strings.Repeat("Kultur", 200), "Als einfache Wörter gelesen: die Anfrage ist zu lang oder zu tief verschachtelt."},
			{strings.Repeat("Kultur ", 50) + strings.Repeat("x", 700), "Als einfache Wörter gelesen: die Anfrage ist zu lang oder zu tief verschachtelt."},
			{"typ:Foo Kultur", "Als einfache Wörter gelesen: unbekannter Wert nach dem Doppelpunkt (type: webinar, case, recommendation oder other, auch Fall oder Empfehlung; lang: ein Sprachcode wie de oder en)."},
		} {
			target := path + "?" + url.Values{"q": {c.q}}.Encode()
			r, doc := getPage(t, h, target, map[string]string{"Accept-Language": "de"})
			if r.Code != http.StatusOK {
				t.Errorf("%s: status %d", target, r.Code)
				continue
			}
			n := doc.Find("p.notice[role=status]")
			if got := strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(n.Text()), n.Find("a").Text())); got != c.notice {
				t.Errorf("%s: notice %q, want %q", target, got, c.notice)
			}
			if href, _ := n.Find("a").Attr("href"); href != "/search/tips" {
				t.Errorf("%s: notice links to %q", target, href)
			}
		}
	}
	_, doc := getPage(t, h, "/search?q="+url.QueryEscape(`Kultur "Innovation`), map[string]string{"Accept-Language": "en"})
	if got := doc.Find("p.notice").Text(); !strings.HasPrefix(got, "Read as plain words: missing closing quote.") {
		t.Errorf("English notice %q", got)
	}
	if doc.Find("ol.hits li").Length() == 0 {
		t.Error("no hits for the query read as plain words")
	}
	_, doc = getPage(t, h, "/search?q=Innovationskultur", nil)
	if doc.Find("p.notice").Length() != 0 {
		t.Error("a notice for a query that parses")
	}
	for _, path := range []string{"/", "/search", "/recommendations", "/documents/webinars/2020-04-16-innovationskultur-in-unternehmen"} {
		_, doc := getPage(t, h, path, nil)
		if doc.Find(`a.search-tips-link[href="/search/tips"]`).Length() == 0 {
			t.Errorf("%s: no search tips link beside the search box", path)
		}
	}
}

// TestLenientLinks checks the links of a page whose query was read as
// plain words: follow, feed, exports and citations carry the words read,
// so that they give what the page shows instead of the API's 400.
func TestLenientLinks(t *testing.T) {
	h := demoHandler(t)
	for _, path := range []string{"/search", "/topics/Innovationskultur"} {
		for _, q := range []string{"foo:bar Kultur", `Kultur "Innovation`, "type:foo Kultur"} {
			target := path + "?" + url.Values{"q": {q}}.Encode()
			_, doc := getPage(t, h, target, nil)
			if doc.Find("p.notice").Length() == 0 {
				t.Fatalf("%s: no notice; the test needs a query read as plain words", target)
			}
			links := 0
			doc.Find(`a[href^="/follow"], a[href^="/feeds/search.atom"], a[href^="/api/search"]`).Each(func(_ int, a *goquery.Selection) {
				href, _ := a.Attr("href")
				u, err := url.Parse(href)
				if err != nil {
					t.Fatalf("%s: link %q: %v", target, href, err)
				}
				if u.Query().Get("q") == q {
					t.Errorf("%s: link %s keeps the query as typed", target, href)
				}
				links++
				if r := do(t, h, "GET", href, nil, nil); r.Code != http.StatusOK {
					t.Errorf("%s: link %s: status %d", target, href, r.Code)
				}
			})
			if links < 3 {
				t.Errorf("%s: %d follow, feed and export links, want at least 3", target, links)
			}
		}
	}
}

func TestGermanQuotesOnThePage(t *testing.T) {
	h := demoHandler(t)
	count := func(q string) int {
		_, doc := getPage(t, h, "/search?size=100&q="+url.QueryEscape(q), nil)
		return doc.Find("ol.hits > li").Length()
	}
	want := count(`"Kultur der Innovation"`)
	if got := count("„Kultur der Innovation“"); want == 0 || got != want {
		t.Errorf("„Kultur der Innovation“: %d hits, \"Kultur der Innovation\" %d", got, want)
	}
}

// TestTypedQuerySortsByRelevance checks that a typed query sorts by
// relevance on every page with a search box, and browsing by date.
func TestTypedQuerySortsByRelevance(t *testing.T) {
	h := demoHandler(t)
	for _, c := range []struct{ target, want string }{
		{"/search", "-date"},
		{"/search?q=Datenraum", "relevance"},
		{"/recommendations", "-date"},
		{"/recommendations?q=Datenraum", "relevance"},
		{"/recommendations?q=Datenraum&sort=-date", "-date"},
		{"/recommendations?q=Datenraum&sort=title", "title"},
		{"/topics/Innovationskultur", "-date"},
		{"/topics/Innovationskultur?q=Führung", "relevance"},
		{"/topics/Innovationskultur?q=F%C3%BChrung&sort=date", "date"},
	} {
		_, doc := getPage(t, h, c.target, nil)
		if got, _ := doc.Find("select#sort option[selected]").Attr("value"); got != c.want {
			t.Errorf("%s: sort %q, want %q", c.target, got, c.want)
		}
	}
	// The order itself: relevance puts the best match first, which newest
	// first did not.
	first := func(target string) string {
		_, doc := getPage(t, h, target, nil)
		return hitHrefs(doc)[0]
	}
	rel, byDate := first("/recommendations?q=Datenraum"), first("/recommendations?q=Datenraum&sort=-date")
	api := apiSearch(t, h, url.Values{"q": {"Datenraum"}, "type": {"recommendation"}, "sort": {"relevance"}})
	best := api.JSON["hits"].([]any)[0].(map[string]any)["url"]
	if rel != best {
		t.Errorf("first hit %s, want the API's best match %s (newest first: %s)", rel, best, byDate)
	}
}

// TestSearchTips checks the tips page in both languages, and that every
// example on it finds documents of the demo corpus without a notice.
func TestSearchTips(t *testing.T) {
	h := demoHandler(t)
	for _, c := range []struct{ lang, h1 string }{{"de", "Suchtipps"}, {"en", "Search tips"}} {
		r, doc := getPage(t, h, "/search/tips", map[string]string{"Accept-Language": c.lang})
		if r.Code != http.StatusOK || strings.TrimSpace(doc.Find("main h1").Text()) != c.h1 {
			t.Fatalf("%s: status %d, h1 %q", c.lang, r.Code, doc.Find("main h1").Text())
		}
		for _, f := range []string{"addressee:", "policy:", "person:", "org:", "type:"} {
			if doc.Find(".tips-fields code").FilterFunction(func(_ int, s *goquery.Selection) bool { return s.Text() == f }).Length() != 1 {
				t.Errorf("%s: field %s not listed", c.lang, f)
			}
		}
		links := attrs(doc.Find("dl.tips-examples dt a"), "href")
		if len(links) < 10 {
			t.Fatalf("%s: %d examples", c.lang, len(links))
		}
		if c.lang != "de" {
			continue
		}
		for _, l := range links {
			_, doc := getPage(t, h, l, nil)
			if doc.Find("ol.hits > li").Length() == 0 || doc.Find("p.notice").Length() != 0 {
				u, _ := url.Parse(l)
				t.Errorf("example %q: %d hits, notice %q", u.Query().Get("q"), doc.Find("ol.hits > li").Length(), doc.Find("p.notice").Text())
			}
		}
	}
}
