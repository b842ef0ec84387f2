package web

import (
	"io/fs"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/fundus-kb/fundus/internal/tabletest"
	"github.com/fundus-kb/fundus/search"
)

// TestMessagesComplete checks the catalogue: every message has a German
// and an English text, both take the same arguments, and every key the
// templates and the code ask for exists.
func TestMessagesComplete(t *testing.T) {
	verbs := regexp.MustCompile(`%(\[\d\])?[dsv]`)
	for key, m := range messages {
		if strings.TrimSpace(m[0]) == "" || strings.TrimSpace(m[1]) == "" {
			t.Errorf("%s: a text is empty: %q", key, m)
		}
		de, en := verbs.FindAllString(m[0], -1), verbs.FindAllString(m[1], -1)
		slices.Sort(de)
		slices.Sort(en)
		if !slices.Equal(de, en) {
			t.Errorf("%s: German takes %v, English %v", key, de, en)
		}
	}

	// Keys named in the templates: .T "key" and .N "key" (one and other).
	uses := regexp.MustCompile(`\.(T|N) "([^"]+)"`)
	err := fs.WalkDir(embedded, "templates", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(embedded, path)
		if err != nil {
			return err
		}
		for _, m := range uses.FindAllStringSubmatch(string(b), -1) {
			checkKey(t, path, m[1], m[2])
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}

	// Keys the code builds.
	var keys []string
	for _, f := range search.FacetNames {
		keys = append(keys, "facet."+f)
	}
	for _, typ := range typeOrder {
		keys = append(keys, "type."+typ, "types."+typ)
	}
	for _, typ := range []string{search.TypeWebinar, search.TypeCase, search.TypeRecommendation} {
		keys = append(keys, "home.latest."+typ)
	}
	for _, s := range []string{search.SortRelevance, search.SortDateDesc, search.SortDateAsc, search.SortTitle} {
		keys = append(keys, "sort."+s)
	}
	for m := 1; m <= 12; m++ {
		keys = append(keys, "month."+strconv.Itoa(m))
	}
	keys = append(keys, "filter.from", "filter.to", "language.de", "language.en",
		"signin.heading", "signin.unavailable.heading", "signin.failed", "signin.limited", "error.403.heading", "error.403.message")
	for _, k := range keys {
		checkKey(t, "code", "T", k)
	}
	for _, k := range []string{"results.for", "results.count", "results.recs", "chart.bar"} {
		checkKey(t, "code", "N", k)
	}
}

func checkKey(t *testing.T, where, fn, key string) {
	t.Helper()
	if fn == "N" {
		for _, k := range []string{key + ".one", key + ".other"} {
			if !hasMessage(k) {
				t.Errorf("%s: no message %s", where, k)
			}
		}
		return
	}
	if !hasMessage(key) {
		t.Errorf("%s: no message %s", where, key)
	}
}

func TestSafeSnippet(t *testing.T) {
	cases := []struct{ in, want string }{
		{"plain text", "plain text"},
		{"a <mark>b</mark> c", "a <mark>b</mark> c"},
		{"Caf&eacute; &amp; &lt;x&gt;", "Café &amp; &lt;x&gt;"},
		{"<script>x</script>", "&lt;script&gt;x&lt;/script&gt;"},
		{"<mark>open", "<mark>open</mark>"},
		{"</mark>close", "&lt;/mark&gt;close"},
		{"<mark><mark>x</mark></mark>", "<mark>&lt;mark&gt;x</mark>&lt;/mark&gt;"},
		{"<mark class=x>y</mark>", "&lt;mark class=x&gt;y&lt;/mark&gt;"},
		{"a\n\nb\t c", "a b c"},
		{"&lt;mark&gt;", "&lt;mark&gt;"},
		{"x < y > z", "x &lt; y &gt; z"},
	}
	for _, tc := range cases {
		if got := string(safeSnippet(tc.in)); got != tc.want {
			t.Errorf("safeSnippet(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestLocalPath(t *testing.T) {
	tabletest.Map(t, "localPath", localPath, map[string]string{
		"/":                      "/",
		"/search?q=a%20b&type=x": "/search?q=a%20b&type=x",
		"/documents/a/b":         "/documents/a/b",
		"":                       "/",
		"search":                 "/",
		"//evil.example":         "/",
		"/\\evil.example":        "/",
		"https://evil.example/":  "/",
		"/x\r\nLocation: //e":    "/",
		"/\t/evil.example":       "/",
	})
}

func TestAcceptLanguage(t *testing.T) {
	tabletest.Map(t, "acceptLanguage", acceptLanguage, map[string]string{
		"":                        "de",
		"en":                      "en",
		"en-US,en;q=0.9":          "en",
		"de-DE,de;q=0.9,en;q=0.8": "de",
		"en;q=0.4, de;q=0.6":      "de",
		"fr, en;q=0.1":            "en",
		"fr, es":                  "de",
		"en;q=0, de;q=0":          "de",
		"en;q=bad":                "de",
		"*":                       "de",
	})
}

func TestBodyBlocks(t *testing.T) {
	body := "Titel\n\nAusgangslage\n\nDie Lage war schwierig. Sehr.\n\nDrei Stufen:\n\nEins\nZwei\n\nEnde"
	got := bodyBlocks(body, "Titel")
	want := []block{
		{Heading: true, Lines: []string{"Ausgangslage"}},
		{Lines: []string{"Die Lage war schwierig. Sehr."}},
		{Lines: []string{"Drei Stufen:"}},
		{Lines: []string{"Eins", "Zwei"}},
		{Lines: []string{"Ende"}}, // the last block is never a heading
	}
	if len(got) != len(want) {
		t.Fatalf("got %+v", got)
	}
	for i := range want {
		if got[i].Heading != want[i].Heading || !slices.Equal(got[i].Lines, want[i].Lines) {
			t.Errorf("block %d = %+v, want %+v", i, got[i], want[i])
		}
	}
}

func TestPager(t *testing.T) {
	st := newState("/search", url.Values{"q": {"x"}, "page": {"7"}})
	p := newPager(st, 7, 10, 200)
	var got []string
	for _, l := range p.Pages {
		if l.Gap {
			got = append(got, "…")
		} else {
			got = append(got, strconv.Itoa(l.N))
		}
	}
	if want := []string{"1", "…", "5", "6", "7", "8", "9", "…", "20"}; !slices.Equal(got, want) {
		t.Errorf("pages %v, want %v", got, want)
	}
	if p.Prev != "/search?page=6&q=x" || p.Next != "/search?page=8&q=x" {
		t.Errorf("prev %q next %q", p.Prev, p.Next)
	}
	if newPager(st, 1, 10, 10) != nil {
		t.Error("a pager for one page")
	}
	// Deep pages stop where the API stops.
	if p := newPager(st, 1, 100, 50000); p.Last != search.MaxDeepPage/100 {
		t.Errorf("last page %d", p.Last)
	}
}

func TestYearChartFillsGaps(t *testing.T) {
	v := &view{Lang: "de"}
	st := newState("/search", url.Values{})
	c := newYearChart(v, st, []facetValueView{{Value: "2023", Count: 4}, {Value: "2019", Count: 2, Selected: true}})
	var years []string
	for _, b := range c.Bars {
		years = append(years, b.Year)
		if b.Y+b.H != c.BaseY {
			t.Errorf("bar %s does not stand on the axis", b.Year)
		}
	}
	if want := []string{"2019", "2020", "2021", "2022", "2023"}; !slices.Equal(years, want) {
		t.Errorf("years %v, want %v", years, want)
	}
	if c.Bars[1].H != 0 || c.Bars[4].H <= c.Bars[0].H || !c.Bars[0].Selected {
		t.Errorf("bars %+v", c.Bars)
	}
	if c.Bars[1].URL != "/search?year=2020" {
		t.Errorf("empty year links to %q", c.Bars[1].URL)
	}
}
