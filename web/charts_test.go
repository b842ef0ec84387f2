package web_test

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/fundus-kb/fundus/web"
)

// apiTotal is the total of the API search with the query of a page link
// (path ?query), plus extra parameters.
func apiTotal(t *testing.T, h http.Handler, link string, extra url.Values) int {
	t.Helper()
	u, err := url.Parse(link)
	if err != nil {
		t.Fatalf("link %q: %v", link, err)
	}
	q := u.Query()
	for k, vs := range extra {
		q[k] = vs
	}
	r := do(t, h, "GET", "/api/search?size=1&"+q.Encode(), nil, nil)
	if r.Code != http.StatusOK {
		t.Fatalf("api search %s: %d %s", q.Encode(), r.Code, r.Body.String())
	}
	total, ok := r.JSON["total"].(float64)
	if !ok {
		t.Fatalf("api search %s: no total in %s", q.Encode(), r.Body.String())
	}
	return int(total)
}

func atoi(t *testing.T, s string) int {
	t.Helper()
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil {
		t.Fatalf("not a count: %q", s)
	}
	return n
}

// checkSVG checks what every chart's SVG must have.
func checkSVG(t *testing.T, page string, chart *goquery.Selection) {
	t.Helper()
	svg := chart.Find("svg.chart-svg")
	if svg.Length() != 1 {
		t.Fatalf("%s: %d chart SVGs in #%s, want 1", page, svg.Length(), chart.AttrOr("id", ""))
	}
	// A group, not an img: an img's children are hidden from assistive
	// technology, and the bars are links.
	if role := svg.AttrOr("role", ""); role != "group" {
		t.Errorf("%s: SVG role %q, want group", page, role)
	}
	svg.Find("a").Each(func(i int, a *goquery.Selection) {
		if name := a.ChildrenFiltered("title").Text(); !strings.Contains(name, ": ") || a.AttrOr("aria-label", "") != "" {
			t.Errorf("%s: bar link %d is named %q (aria-label %q), want a <title> only", page, i, name, a.AttrOr("aria-label", ""))
		}
	})
	if vb := svg.AttrOr("viewbox", svg.AttrOr("viewBox", "")); !strings.HasPrefix(vb, "0 0 ") {
		t.Errorf("%s: SVG viewBox %q", page, vb)
	}
	if w := svg.AttrOr("width", ""); w != "100%" {
		t.Errorf("%s: SVG width %q, want 100%%", page, w)
	}
	for _, id := range strings.Fields(svg.AttrOr("aria-labelledby", "")) {
		if strings.TrimSpace(svg.Find("#"+id).Text()) == "" {
			t.Errorf("%s: aria-labelledby %s is empty or missing", page, id)
		}
	}
	if svg.Find("title").First().Text() == "" || svg.Find("desc").Text() == "" {
		t.Errorf("%s: SVG without title or desc", page)
	}
	if chart.Find("details.chart-data table").Length() != 1 {
		t.Errorf("%s: no data table behind a <details>", page)
	}
}

// yearTable reads the per-year table of a chart: year link -> counts by
// column heading, and the undated row.
func checkYearChart(t *testing.T, h http.Handler, page string, doc *goquery.Document, wantTotal int, fixed url.Values) {
	t.Helper()
	chart := doc.Find("#chart-years")
	checkSVG(t, page, chart)
	table := chart.Find("table")
	var types []string
	table.Find("thead th").Each(func(i int, s *goquery.Selection) { types = append(types, strings.TrimSpace(s.Text())) })
	types = types[1 : len(types)-1]
	typeParam := map[string]string{"Webinar-Notizen": "webinar", "Praxisfälle": "case", "Empfehlungen": "recommendation", "Sonstiges": "other",
		"Webinar notes": "webinar", "Cases": "case", "Recommendations": "recommendation", "Other": "other"}
	sum := 0
	rows := table.Find("tbody tr")
	if rows.Length() == 0 {
		t.Fatalf("%s: no years in the chart table", page)
	}
	bars := chart.Find("svg a")
	if bars.Length() != rows.Not(".undated").Length() {
		t.Errorf("%s: %d bars, %d year rows", page, bars.Length(), rows.Not(".undated").Length())
	}
	rows.Each(func(_ int, row *goquery.Selection) {
		cells := row.Find("td")
		total := atoi(t, cells.Last().Text())
		rowSum := 0
		cells.Each(func(i int, c *goquery.Selection) {
			if i < len(types) {
				rowSum += atoi(t, c.Text())
			}
		})
		if rowSum != total {
			t.Errorf("%s: row %q adds up to %d, total says %d", page, row.Find("th").Text(), rowSum, total)
		}
		sum += total
		link, ok := row.Find("th a").Attr("href")
		if row.HasClass("undated") {
			return
		}
		if !ok {
			t.Fatalf("%s: year row without a link", page)
		}
		if got := apiTotal(t, h, link, fixed); got != total {
			t.Errorf("%s: year %s counts %d, its list %s has %d", page, row.Find("th").Text(), total, link, got)
		}
		cells.Each(func(i int, c *goquery.Selection) {
			if i >= len(types) {
				return
			}
			want := atoi(t, c.Text())
			if got := apiTotal(t, h, link, url.Values{"type": {typeParam[types[i]]}, "topic": fixed["topic"]}); got != want {
				t.Errorf("%s: year %s %s counts %d, the filter search finds %d", page, row.Find("th").Text(), types[i], want, got)
			}
		})
	})
	if sum != wantTotal {
		t.Errorf("%s: the year table adds up to %d with undated, want the total %d", page, sum, wantTotal)
	}
	if foot := atoi(t, table.Find("tfoot td").Last().Text()); foot != wantTotal {
		t.Errorf("%s: table total %d, want %d", page, foot, wantTotal)
	}
}

func TestChartsCountRight(t *testing.T) {
	kb := demoKB(t)
	h := mustServer(t, atExample(t, web.Config{}), kb, kb)

	t.Run("home", func(t *testing.T) {
		_, doc := getPage(t, h, "/", nil)
		checkYearChart(t, h, "/", doc, apiTotal(t, h, "/search", nil), nil)
		topics := doc.Find("#chart-topics")
		checkSVG(t, "/", topics)
		topics.Find("tbody tr").Each(func(_ int, row *goquery.Selection) {
			link := row.Find("a").AttrOr("href", "")
			name, _ := url.PathUnescape(strings.TrimPrefix(link, "/topics/"))
			if got, want := atoi(t, row.Find("td").Text()), apiTotal(t, h, "/search", url.Values{"topic": {name}}); got != want {
				t.Errorf("topic %s: chart %d, search %d", name, got, want)
			}
		})
		if n := topics.Find("svg a").Length(); n == 0 || n != topics.Find("tbody tr").Length() {
			t.Errorf("topic chart: %d bars, %d rows", n, topics.Find("tbody tr").Length())
		}
	})

	t.Run("topic", func(t *testing.T) {
		const topic = "Open Innovation"
		page := "/topics/" + url.PathEscape(topic)
		_, doc := getPage(t, h, page, map[string]string{"Accept-Language": "en"})
		fixed := url.Values{"topic": {topic}}
		checkYearChart(t, h, page, doc, apiTotal(t, h, "/search", fixed), fixed)
		related := doc.Find(".co-topics li a")
		if related.Length() == 0 {
			t.Fatal("no related topics")
		}
		related.Each(func(_ int, a *goquery.Selection) {
			name, _ := url.PathUnescape(strings.TrimPrefix(a.AttrOr("href", ""), "/topics/"))
			if name == topic {
				t.Errorf("the topic lists itself as related")
			}
			got := atoi(t, a.Find(".count").Text())
			if both := apiTotalBoth(t, h, topic, name); got != both {
				t.Errorf("related %s: %d, documents with both topics %d", name, got, both)
			}
		})
	})

	t.Run("recommendations matrix", func(t *testing.T) {
		_, doc := getPage(t, h, "/recommendations", nil)
		cells := doc.Find("table.matrix tbody td a")
		if cells.Length() < 4 {
			t.Fatalf("matrix has %d linked cells", cells.Length())
		}
		cells.Each(func(_ int, a *goquery.Selection) {
			link := a.AttrOr("href", "")
			if !strings.HasPrefix(link, "/recommendations?") {
				t.Fatalf("cell links to %q", link)
			}
			if got, want := atoi(t, a.Text()), apiTotal(t, h, link, url.Values{"type": {"recommendation"}}); got != want {
				t.Errorf("cell %s: %d, its list has %d", link, got, want)
			}
			// The list page the cell links to says the same.
			_, list := getPage(t, h, link, nil)
			if n := list.Find("ol.hits > li").Length(); n != atoi(t, a.Text()) {
				t.Errorf("cell %s: %s, the page lists %d", link, a.Text(), n)
			}
		})
		// Empty cells are not links but still named.
		doc.Find("table.matrix tbody td.lvl-0 span").Each(func(_ int, s *goquery.Selection) {
			if !strings.HasPrefix(s.AttrOr("aria-label", ""), "0 ") {
				t.Errorf("empty cell labelled %q", s.AttrOr("aria-label", ""))
			}
		})
	})
}

// apiTotalBoth counts the documents tagged with both topics: the search
// for one, its topic facet read for the other.
func apiTotalBoth(t *testing.T, h http.Handler, a, b string) int {
	t.Helper()
	r := do(t, h, "GET", "/api/search?size=100&"+url.Values{"topic": {a}}.Encode(), nil, nil)
	hits, _ := r.JSON["hits"].([]any)
	n := 0
	for _, hit := range hits {
		m, _ := hit.(map[string]any)
		ts, _ := m["topics"].([]any)
		for _, x := range ts {
			if x == b {
				n++
			}
		}
	}
	if total, _ := r.JSON["total"].(float64); int(total) > len(hits) {
		t.Fatalf("topic %s has %v documents, more than one page", a, total)
	}
	return n
}

func TestChartsHideMembersOnly(t *testing.T) {
	pages := []string{"/", "/topics/Open%20Innovation", "/recommendations"}
	charts := func(h http.Handler) map[string]string {
		out := map[string]string{}
		for _, p := range pages {
			_, doc := getPage(t, h, p, nil)
			html, err := doc.Find(".charts").Html()
			if err != nil || html == "" {
				t.Fatalf("%s: no charts (%v)", p, err)
			}
			out[p] = html
		}
		return out
	}
	plain := demoKB(t)
	before := charts(mustServer(t, atExample(t, web.Config{}), plain, plain))
	const secret = `{"id":"intern/empfehlung","type":"recommendation","visibility":"members","title":"Interne Empfehlung","date":"2031-05-01","language":"de","topics":["Open Innovation","Geheimthema"],"addressees":["Geheimrat"],"policy_area":"Geheimpolitik","body":"Nur für Mitglieder."}`
	withSecret := demoKB(t, secret)
	h := mustServer(t, atExample(t, web.Config{}), withSecret, withSecret)
	after := charts(h)
	for _, p := range pages {
		if before[p] != after[p] {
			t.Errorf("%s: an anonymous visitor's charts changed with a members-only document", p)
		}
		for _, w := range []string{"2031", "Geheim"} {
			if strings.Contains(after[p], w) {
				t.Errorf("%s: anonymous charts show %q", p, w)
			}
		}
	}
}

func TestChartsEscapeLabels(t *testing.T) {
	const odd = `{"id":"odd/labels","type":"recommendation","title":"Seltsame Namen","date":"2022-03-01","language":"de","topics":["<b>eins</b>","Zwei & \"drei\""],"addressees":["<i>Rat</i>"],"policy_area":"Politik & <Recht>","body":"Etiketten mit Zeichen, die HTML bedeuten."}`
	kb := demoKB(t, odd)
	h := mustServer(t, atExample(t, web.Config{}), kb, kb)

	_, doc := getPage(t, h, "/topics/"+url.PathEscape("<b>eins</b>"), nil)
	if doc.Find(".charts b, .charts i").Length() > 0 {
		t.Error("a topic's name became markup in the charts")
	}
	var names []string
	doc.Find(".co-topics li a").Each(func(_ int, a *goquery.Selection) {
		names = append(names, strings.TrimSpace(a.Contents().First().Text()))
	})
	if !slices.Contains(names, `Zwei & "drei"`) {
		t.Errorf("related topics %q, want the odd one as text", names)
	}

	_, doc = getPage(t, h, "/recommendations", nil)
	if doc.Find(".rec-matrix i").Length() > 0 {
		t.Error("an addressee became markup in the matrix")
	}
	if doc.Find(`.rec-matrix th[scope="row"] a:contains("<i>Rat</i>")`).Length() != 1 {
		t.Error("the addressee <i>Rat</i> is not a row of the matrix")
	}
	if doc.Find(`.rec-matrix thead th:contains("Politik & <Recht>")`).Length() != 1 {
		t.Error("the policy area is not a column of the matrix")
	}
}
