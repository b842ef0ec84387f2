package html

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"unicode"

	"github.com/PuerkitoBio/goquery"

	"github.com/fundus-kb/fundus/indexer/parse/internal/parsetest"
	"github.com/fundus-kb/fundus/indexer/parse/record"
	"github.com/fundus-kb/fundus/search"
)

const testdata = "../../../testdata/html"

// htmlCase is a fixture under testdata/html with what Parse must find in it.
type htmlCase struct {
	name        string
	file        string
	title       string
	summary     string
	lang        string
	date        string
	people      []string
	orgs        []string
	topics      []string
	canonical   string
	bodyHas     []string
	bodyHasNot  []string
	paragraphed bool // the body has blank lines between paragraphs
}

// htmlCases are the fixtures of TestHTML; the go-readability trial
// (trial_test.go) runs them too.
var htmlCases = []htmlCase{
	{
		name:      "article with boilerplate",
		file:      "article.html",
		title:     "How Cities Cool Down in Summer",
		summary:   "Trees, water and white roofs: what helps against urban heat.",
		lang:      "en-GB",
		date:      "2024-06-03",
		people:    []string{"Jane Doe"},
		orgs:      []string{"Urban Journal"},
		topics:    []string{"heat", "cities", "Climate adaptation"},
		canonical: "https://example.org/cities-cool-down",
		bodyHas: []string{
			"Cities are warmer than their surroundings",
			"Street trees lower the temperature",
			"Water surfaces and fountains",
		},
		bodyHasNot: []string{
			"Home", "Subscribe to our newsletter", "We use cookies", "Accept all",
			"Share on", "Related stories", "All rights reserved", "console.log",
			"color: red", "Skip to content", "Hidden teaser", "aria hidden text",
			"display none text", "Most read", "Leave a comment",
		},
		paragraphed: true,
	},
	{
		name:    "og:title wins over title element",
		file:    "og-title.html",
		title:   "The Real Headline",
		summary: "A description from Open Graph.",
		lang:    "en",
		people:  []string{"Max Muster", "Erika Beispiel"},
		orgs:    []string{"Example News"},
		date:    "2023-11-20",
		bodyHas: []string{"The body of the og title page"},
	},
	{
		name:    "title separator cuts the site name",
		file:    "title-separator.html",
		title:   "Seven Ways to Save Energy at Home",
		bodyHas: []string{"Turn down the heating by one degree"},
	},
	{
		name:    "German page with lang and time",
		file:    "german.html",
		title:   "Förderprogramme für kleine Gemeinden im Überblick",
		lang:    "de",
		date:    "2022-03-15",
		people:  []string{"Anna Schmidt"},
		bodyHas: []string{"Viele Gemeinden wissen nicht", "Die Antragsfrist endet"},
		bodyHasNot: []string{
			"Impressum", "Datenschutz", "Diese Website verwendet Cookies", "Teilen auf",
		},
		paragraphed: true,
	},
	{
		name:    "JSON-LD article",
		file:    "jsonld.html",
		title:   "Peer Learning in Public Administration",
		summary: "How administrations learn from each other.",
		date:    "2021-09-01",
		people:  []string{"Lena Weber", "Tom Becker"},
		orgs:    []string{"Fundus Institute"},
		bodyHas: []string{"Peer learning brings together"},
	},
	{
		name:    "no main element: scoring picks the content",
		file:    "divs.html",
		title:   "Notes on Divs",
		lang:    "en",
		bodyHas: []string{"This is the first real paragraph", "The third paragraph"},
		bodyHasNot: []string{
			"Link one", "Link two", "Footer text",
		},
	},
	{
		name:    "entities and whitespace in the title",
		file:    "entities.html",
		title:   `Q&A: "Quotes" & more`,
		bodyHas: []string{"Body text"},
	},
	{
		name:    "text without title",
		file:    "no-title.html",
		title:   "",
		bodyHas: []string{"Just a fragment of text"},
	},
}

// readExpected decodes the expected-metadata.json in a test page's folder
// into want.
func readExpected(t *testing.T, dir string, want any) {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(dir, "expected-metadata.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(raw, want); err != nil {
		t.Fatalf("%s: %v", filepath.Base(dir), err)
	}
}

func TestHTML(t *testing.T) {
	for _, tc := range htmlCases {
		t.Run(tc.name, func(t *testing.T) {
			data := parsetest.ReadFixture(t, testdata, tc.file)
			recs, errs := Parse(t.Context(), tc.file, data)
			r := parsetest.One(t, recs, errs)
			parsetest.CheckWhole(t, r, data)
			d := r.Doc
			if d.Title != tc.title {
				t.Errorf("title = %q, want %q", d.Title, tc.title)
			}
			if tc.summary != "" && d.Summary != tc.summary {
				t.Errorf("summary = %q, want %q", d.Summary, tc.summary)
			}
			if d.Language != tc.lang {
				t.Errorf("language = %q, want %q", d.Language, tc.lang)
			}
			if d.Date != tc.date {
				t.Errorf("date = %q, want %q", d.Date, tc.date)
			}
			if tc.people != nil && !slices.Equal(d.People, tc.people) {
				t.Errorf("people = %q, want %q", d.People, tc.people)
			}
			if tc.orgs != nil && !slices.Equal(d.Organizations, tc.orgs) {
				t.Errorf("organizations = %q, want %q", d.Organizations, tc.orgs)
			}
			if tc.topics != nil && !slices.Equal(d.Topics, tc.topics) {
				t.Errorf("topics = %q, want %q", d.Topics, tc.topics)
			}
			if got, _ := d.Metadata["canonical"].(string); got != tc.canonical {
				t.Errorf("canonical = %q, want %q", got, tc.canonical)
			}
			if d.Type != "" || d.ID != "" {
				t.Errorf("type %q and id %q should be left to the indexer", d.Type, d.ID)
			}
			parsetest.CheckBody(t, d.Body, tc.bodyHas, tc.bodyHasNot)
			if tc.paragraphed && !strings.Contains(d.Body, "\n\n") {
				t.Errorf("body has no paragraph breaks:\n%s", d.Body)
			}
			if strings.Contains(d.Body, "\n\n\n") || d.Body != strings.TrimSpace(d.Body) {
				t.Errorf("body has stray blank lines:\n%q", d.Body)
			}
			// The indexer must accept what the parser gives.
			d.ID = "x"
			if err := d.Normalize(); err != nil {
				t.Errorf("Normalize: %v", err)
			}
		})
	}
}

// articleTitleCases are the title heuristics of TestHTMLArticleTitle; the
// go-readability trial (trial_test.go) runs them too.
var articleTitleCases = []struct {
	name, head, body, want string
}{
	{"site name after bar", "<title>Seven Ways to Save Energy at Home | HomeSite</title>", "", "Seven Ways to Save Energy at Home"},
	{"only the last part goes", "<title>Seven Ways to Save Energy | Tips | HomeSite</title>", "", "Seven Ways to Save Energy | Tips"},
	{"en dash", "<title>Lorem ipsum dolor sit amet – Site</title>", "", "Lorem ipsum dolor sit amet"},
	{"short rest keeps the whole title", "<title>Mozilla - Wikipedia</title>", "", "Mozilla - Wikipedia"},
	{"first part goes when the rest is short", "<title>Site | Long enough article title here</title>", "", "Long enough article title here"},
	{"hierarchical separator", "<title>Parliament passes the new budget today » Politics</title>", "", "Parliament passes the new budget today"},
	{"short hierarchical parts keep the whole title", "<title>News » Politics » Parliament passes the new budget</title>", "", "News » Politics » Parliament passes the new budget"},
	{"colon without heading", "<title>Site: A title that is long enough to stand</title>", "", "A title that is long enough to stand"},
	{"colon with matching heading", "<title>Report: the state of things</title>", "<h1>Report: the state of things</h1>", "Report: the state of things"},
	{"many words before the colon", "<title>One two three four five six: seven eight nine</title>", "", "One two three four five six: seven eight nine"},
	{"short title falls back to the only h1", "<title>Home</title>", "<h1>The Actual  Headline Of The Page</h1>", "The Actual Headline Of The Page"},
	{"short title with two h1 stays", "<title>Home</title>", "<h1>One</h1><h1>Two</h1>", "Home"},
	{"whitespace collapses", "<title>\n  A   spaced\n title  for testing purposes </title>", "", "A spaced title for testing purposes"},
	{"svg title does not count", "", "<svg><title>Icon</title></svg><h1>Heading</h1>", "Heading"},
}

// titlePage is the page of an articleTitleCases entry.
func titlePage(head, body string) string {
	return "<html><head>" + head + "</head><body>" + body + "<p>text</p></body></html>"
}

func TestHTMLArticleTitle(t *testing.T) {
	for _, tc := range articleTitleCases {
		t.Run(tc.name, func(t *testing.T) {
			recs, errs := Parse(t.Context(), "t.html", []byte(titlePage(tc.head, tc.body)))
			r := parsetest.One(t, recs, errs)
			if got := r.Doc.Title; got != tc.want {
				t.Errorf("title = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestHTMLMetadataSources(t *testing.T) {
	tests := []struct {
		name, page string
		want       search.Document                // its Title, Summary, Language, Date and People are checked when set
		check      func(d search.Document) string // further checks, when set
	}{
		{
			name: "JSON-LD graph",
			page: `<script type="application/ld+json">{"@context":"https://schema.org","@graph":[
				{"@type":"WebSite","name":"Site"},
				{"@type":"BlogPosting","headline":"Graph Headline","author":"Kim Lee","datePublished":"2020-02-03"}]}</script><p>x</p>`,
			want: search.Document{Title: "Graph Headline", People: []string{"Kim Lee"}, Date: "2020-02-03"},
		},
		{
			name: "JSON-LD without schema.org context is ignored",
			page: `<title>The Title Element Says This</title><script type="application/ld+json">{"@type":"Article","headline":"No Context"}</script><p>x</p>`,
			want: search.Document{Title: "The Title Element Says This"},
		},
		{
			name: "space-separated meta properties",
			page: `<meta property="dc:title og:title" content="Shared Title"><meta property="og:description twitter:description" content="Shared description"><p>x</p>`,
			want: search.Document{Title: "Shared Title", Summary: "Shared description"},
		},
		{
			name: "language from content-language",
			page: `<meta http-equiv="Content-Language" content="de-AT, en"><p>Text</p>`,
			want: search.Document{Language: "de-AT"},
		},
		{
			name: "language from og:locale, malformed lang skipped",
			page: `<html lang="x"><meta property="og:locale" content="en_US"><p>Text</p></html>`,
			want: search.Document{Language: "en_US"},
		},
		{
			name: "unreadable dates are skipped",
			page: `<meta property="article:published_time" content="sometime"><meta name="dcterms.date" content="2019-07-04T10:00:00.000+0200"><p>Text</p>`,
			want: search.Document{Date: "2019-07-04"},
		},
		{
			name: "byline in the page",
			page: `<div class="byline">By Sam Writer</div><p>Text of the article.</p>`,
			want: search.Document{People: []string{"Sam Writer"}},
			check: func(d search.Document) string {
				if strings.Contains(d.Body, "Sam Writer") {
					return fmt.Sprintf("body %q, want it without the byline", d.Body)
				}
				return ""
			},
		},
		{
			name: "topics capped at 20",
			page: `<meta name="keywords" content="` + strings.Repeat("a,b,c,d,e,f,g,h,i,j,", 1) + `k,l,m,n,o,p,q,r,s,t,u,v,null"><p>Text</p>`,
			check: func(d search.Document) string {
				if len(d.Topics) != 20 || d.Topics[0] != "a" || slices.Contains(d.Topics, "null") {
					return fmt.Sprintf("topics %q", d.Topics)
				}
				return ""
			},
		},
		{
			name: "deep nesting is flattened",
			page: `<html lang="en"><head><title>Deeply Nested Page Title Here</title></head><body>` +
				strings.Repeat("<div><span>", 600) + `<p>Deep text survives.</p>` + `</body></html>`,
			want: search.Document{Title: "Deeply Nested Page Title Here", Language: "en"},
			check: func(d search.Document) string {
				if !strings.Contains(d.Body, "Deep text survives.") {
					return fmt.Sprintf("body %q, want the deep text", d.Body)
				}
				return ""
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			recs, errs := Parse(t.Context(), "m.html", []byte(tc.page))
			d := parsetest.One(t, recs, errs).Doc
			for _, f := range []struct{ name, got, want string }{
				{"title", d.Title, tc.want.Title},
				{"summary", d.Summary, tc.want.Summary},
				{"language", d.Language, tc.want.Language},
				{"date", d.Date, tc.want.Date},
			} {
				if f.want != "" && f.got != f.want {
					t.Errorf("%s: got %q, want %q", f.name, f.got, f.want)
				}
			}
			if tc.want.People != nil && !slices.Equal(d.People, tc.want.People) {
				t.Errorf("people: got %q, want %q", d.People, tc.want.People)
			}
			if tc.check != nil {
				if msg := tc.check(d); msg != "" {
					t.Error(msg)
				}
			}
		})
	}
}

func TestHTMLErrors(t *testing.T) {
	tests := []struct {
		name string
		data []byte
		want parsetest.WantErr
	}{
		{"empty file", parsetest.ReadFixture(t, testdata, "empty.html"), parsetest.WantErr{Contains: "empty file", Is: record.ErrEmpty}},
		{"whitespace only", []byte(" \n\t\r\n "), parsetest.WantErr{Contains: "empty file", Is: record.ErrEmpty}},
		{"binary", parsetest.ReadFixture(t, testdata, "binary.html"), parsetest.WantErr{Contains: "not an HTML file"}},
		{"plain text", []byte("just some words, no markup at all"), parsetest.WantErr{Contains: "not an HTML file"}},
		{"no title and no text", []byte("<html><head></head><body><script>var x = 1;</script><nav>Home</nav></body></html>"), parsetest.WantErr{Contains: "no title and no text"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			recs, errs := Parse(t.Context(), "in.html", tc.data)
			if len(recs) != 0 {
				t.Errorf("got %d records, want none", len(recs))
			}
			parsetest.CheckErrors(t, "in.html", errs, []parsetest.WantErr{tc.want})
		})
	}
}

func TestHTMLInvalidUTF8(t *testing.T) {
	recs, errs := Parse(t.Context(), "bad.html", []byte("<html><head><title>Caf\xe9 Stories from the Street</title></head><body><p>Ol\xe9 and more text here.</p></body></html>"))
	d := parsetest.One(t, recs, errs).Doc
	if d.Title != "Caf\uFFFD Stories from the Street" || !strings.Contains(d.Body, "Ol\uFFFD and more") {
		t.Errorf("title %q, body %q", d.Title, d.Body)
	}
}

// readabilityPages is the folder of Mozilla Readability's test pages, from
// the repository root's parent.
const readabilityPages = "../../../../shared/eval/readability-pages"

func TestReadabilityPages(t *testing.T) {
	dirs, _ := filepath.Glob(filepath.Join(readabilityPages, "pages", "*", "source.html"))
	if len(dirs) == 0 {
		parsetest.SharedMissing(t, "readability pages not found at %s", readabilityPages)
	}
	sort.Strings(dirs)
	var (
		pages, titleOK       int
		langPages, langOK    int
		recallSum, precSum   float64
		bodyPages            int
		mismatches, langMiss []string
		lowRecall            []string
	)
	for _, src := range dirs {
		dir := filepath.Dir(src)
		name := filepath.Base(dir)
		data, err := os.ReadFile(src)
		if err != nil {
			t.Fatal(err)
		}
		var want struct {
			Title string `json:"title"`
			Lang  string `json:"lang"`
		}
		readExpected(t, dir, &want)
		var d search.Document
		recs, errs := Parse(t.Context(), src, data)
		if len(recs) == 1 {
			d = recs[0].Doc
		} else if strings.TrimSpace(want.Title) != "" {
			t.Logf("%s: no record: %v", name, errs)
		}

		pages++
		if collapse(d.Title) == collapse(want.Title) {
			titleOK++
		} else {
			mismatches = append(mismatches, name+":\n\t got: "+d.Title+"\n\twant: "+want.Title)
		}
		if l := search.NormalizeLanguage(want.Lang); l == search.LangGerman || l == search.LangEnglish {
			langPages++
			if search.NormalizeLanguage(d.Language) == l {
				langOK++
			} else {
				langMiss = append(langMiss, name+": got "+d.Language+", want "+want.Lang)
			}
		}
		if exp, err := os.ReadFile(filepath.Join(dir, "expected.html")); err == nil {
			if r, p, ok := overlap(exp, d.Body); ok {
				recallSum += r
				precSum += p
				bodyPages++
				if r < 0.8 || p < 0.6 {
					lowRecall = append(lowRecall, fmt.Sprintf("%s (recall %.0f%%, precision %.0f%%)", name, 100*r, 100*p))
				}
			}
		}
	}
	titleAcc := float64(titleOK) / float64(pages)
	langAcc := float64(langOK) / float64(max(langPages, 1))
	t.Logf("title accuracy: %d/%d = %.1f%%", titleOK, pages, 100*titleAcc)
	t.Logf("language accuracy (gold de/en): %d/%d = %.1f%%", langOK, langPages, 100*langAcc)
	if bodyPages > 0 {
		t.Logf("body recall (expected words found in body), mean over %d pages: %.1f%%; precision: %.1f%% (information only)",
			bodyPages, 100*recallSum/float64(bodyPages), 100*precSum/float64(bodyPages))
	}
	for _, m := range mismatches {
		t.Logf("title mismatch %s", m)
	}
	if len(lowRecall) > 0 {
		t.Logf("pages with low body overlap: %s", strings.Join(lowRecall, ", "))
	}
	for _, m := range langMiss {
		t.Logf("language mismatch %s", m)
	}
	// Every title is measured right (130 of 130): the gate is every page.
	if titleOK != pages {
		t.Errorf("title accuracy %d/%d: every page's title must match its gold title", titleOK, pages)
	}
	// The parser reads the page's own lang attribute, the same the gold
	// label comes from, so this agreement says little; the detector is
	// measured on pages stripped of their declared language in
	// indexer/langdetect (TestReadabilityPages). All agree (64 of 64).
	if langOK != langPages {
		t.Errorf("language %d/%d: the parser must keep every page's declared de/en language", langOK, langPages)
	}
}

func collapse(s string) string { return strings.Join(strings.Fields(s), " ") }

func words(s string) []string {
	return strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
}

// overlap returns the share of the words of the gold content (HTML)
// that occur in body, and the share of the body's words that occur in the
// gold content.
func overlap(gold []byte, body string) (recall, precision float64, ok bool) {
	doc, err := goquery.NewDocumentFromReader(strings.NewReader(string(gold)))
	if err != nil {
		return 0, 0, false
	}
	want := words(doc.Text())
	got := words(body)
	if len(want) == 0 {
		return 0, 0, false
	}
	gotSet := map[string]bool{}
	for _, w := range got {
		gotSet[w] = true
	}
	wantSet := map[string]bool{}
	found := 0
	for _, w := range want {
		wantSet[w] = true
		if gotSet[w] {
			found++
		}
	}
	inGold := 0
	for _, w := range got {
		if wantSet[w] {
			inGold++
		}
	}
	recall = float64(found) / float64(len(want))
	if len(got) > 0 {
		precision = float64(inGold) / float64(len(got))
	}
	return recall, precision, true
}

func FuzzHTML(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join(testdata, "*.html"))
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte("<title>a | b</title><h1>x</h1>"))
	f.Add([]byte(`<script type="application/ld+json">[{"@type":["NewsArticle"],"@context":"https://schema.org","headline":"h"}]</script>`))
	f.Fuzz(func(t *testing.T, data []byte) {
		recs, errs := Parse(t.Context(), "fuzz.html", data)
		if len(recs) > 0 && len(errs) > 0 {
			t.Fatalf("both records and errors: %v", errs)
		}
		for _, r := range recs {
			if r.Doc.Title == "" && r.Doc.Body == "" {
				t.Fatalf("record without title and body")
			}
		}
	})
}

func TestHTMLTags(t *testing.T) {
	if got := countTags([]byte("<a><B>< c<1</a><!-- x --><p"), 10); got != 3 {
		t.Errorf("countTags: got %d, want 3", got)
	}
}
