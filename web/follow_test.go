package web_test

import (
	"encoding/xml"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/fundus-kb/fundus/web"
)

// TestFeedTitlesAndAuthors reads feeds as a feed reader lists them: a
// title that says what the feed follows, in the feed's language, and an
// author on every entry.
func TestFeedTitlesAndAuthors(t *testing.T) {
	h, _ := newServer(t, web.Config{})
	const de, en = "Lernnetzwerk Offene Innovation", "Learning Network on Open Innovation"
	cases := []struct {
		name, target string
		header       map[string]string
		code         int
		title        string // the feed's title, or the parameter a 400 names
		author       string // the feed's author
	}{
		{"everything", "/feeds/search.atom?ui=de", nil, 200, "Alle Dokumente – Fundus", de},
		{"a topic", "/feeds/search.atom?topic=Open+Innovation&ui=de", nil, 200, "Thema: Open Innovation – Fundus", de},
		{"one type alone is named in the plural", "/feeds/search.atom?type=recommendation&ui=de", nil, 200, "Empfehlungen – Fundus", de},
		{"a query and a type", "/feeds/search.atom?q=Kultur&type=case&ui=de", nil, 200, "Suche: „Kultur“ · Dokumenttyp: Praxisfall – Fundus", de},
		{"two organisations", "/feeds/search.atom?org=Stifterverband&org=Fraunhofer+IAO&ui=de", nil, 200, "Organisation: Stifterverband oder Fraunhofer IAO – Fundus", de},
		{"English", "/feeds/search.atom?topic=Open+Innovation&from=2021-01-01&ui=en", nil, 200, "Topic: Open Innovation · from 1 January 2021 – Fundus", en},
		{"German by default", "/feeds/search.atom", nil, 200, "Alle Dokumente – Fundus", de},
		{"English from Accept-Language", "/feeds/search.atom", map[string]string{"Accept-Language": "en-GB,en;q=0.9"}, 200, "All documents – Fundus", en},
		{"English from the ui cookie", "/feeds/search.atom", map[string]string{"Cookie": "ui=en"}, 200, "All documents – Fundus", en},
		{"the ui parameter wins", "/feeds/search.atom?ui=de", map[string]string{"Accept-Language": "en"}, 200, "Alle Dokumente – Fundus", de},
		{"ui=en with a query", "/feeds/search.atom?q=Kultur&ui=en", nil, 200, "Search: “Kultur” – Fundus", en},
		{"unknown ui language", "/feeds/search.atom?ui=fr", nil, 400, "ui", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := do(t, h, "GET", tc.target, nil, tc.header)
			if r.Code != tc.code {
				t.Fatalf("%s: %d, want %d: %s", tc.target, r.Code, tc.code, r.Body.String())
			}
			if tc.code != 200 {
				if !strings.Contains(r.Body.String(), `"`+tc.title) {
					t.Errorf("error %s does not name %q", r.Body.String(), tc.title)
				}
				return
			}
			var feed struct {
				Title  string `xml:"title"`
				Author struct {
					Name string `xml:"name"`
				} `xml:"author"`
				Link struct {
					Href string `xml:"href,attr"`
				} `xml:"link"`
				Entries []struct {
					Title  string `xml:"title"`
					Author struct {
						Name string `xml:"name"`
					} `xml:"author"`
				} `xml:"entry"`
			}
			if err := xml.Unmarshal(r.Body.Bytes(), &feed); err != nil {
				t.Fatal(err)
			}
			if feed.Title != tc.title {
				t.Errorf("title %q, want %q", feed.Title, tc.title)
			}
			if feed.Author.Name != tc.author {
				t.Errorf("feed author %q, want %q", feed.Author.Name, tc.author)
			}
			if strings.Contains(feed.Link.Href, "ui=") {
				t.Errorf("the link to the search page %q carries the feed's language", feed.Link.Href)
			}
			if len(feed.Entries) == 0 {
				t.Fatal("no entries")
			}
			for _, e := range feed.Entries {
				if strings.TrimSpace(e.Author.Name) == "" {
					t.Errorf("entry %q has no author", e.Title)
				}
			}
		})
	}
	t.Run("an entry's author is its first organisation", func(t *testing.T) {
		r := do(t, h, "GET", "/feeds/search.atom?q=Innovationskultur+in+Unternehmen&ui=de", nil, nil)
		if !strings.Contains(r.Body.String(), "<title>Innovationskultur in Unternehmen</title>") || !strings.Contains(r.Body.String(), "<name>Stifterverband</name>") {
			t.Errorf("feed:\n%s", r.Body.String())
		}
	})
}

// TestFollowControl finds the Follow control, without JavaScript, on
// every list a user would follow.
func TestFollowControl(t *testing.T) {
	h, _ := newServer(t, web.Config{})
	cases := []struct {
		name, target string
		header       map[string]string
		subject      string
		feed         string // the address to copy
		preview      string
	}{
		{"a search", "/search?q=Kultur&type=case", nil, "Suche: „Kultur“ · Dokumenttyp: Praxisfall",
			"http://example.com/feeds/search.atom?q=Kultur&type=case&ui=de", "/follow?q=Kultur&type=case"},
		{"a topic", "/topics/Open%20Innovation", nil, "Thema: Open Innovation",
			"http://example.com/feeds/search.atom?topic=Open+Innovation&ui=de", "/follow?topic=Open+Innovation"},
		{"recommendations", "/recommendations", nil, "Empfehlungen",
			"http://example.com/feeds/search.atom?type=recommendation&ui=de", "/follow?type=recommendation"},
		{"in English", "/topics/Open%20Innovation", map[string]string{"Cookie": "ui=en"}, "Topic: Open Innovation",
			"http://example.com/feeds/search.atom?topic=Open+Innovation&ui=en", "/follow?topic=Open+Innovation"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r, doc := getPage(t, h, tc.target, tc.header)
			wantStatus(t, r, 200)
			f := doc.Find("details.follow")
			if f.Length() != 1 || f.Find("summary").Length() != 1 {
				t.Fatalf("%d follow controls", f.Length())
			}
			if got := strings.TrimSpace(f.Find(".follow-subject").Text()); got != tc.subject {
				t.Errorf("subject %q, want %q", got, tc.subject)
			}
			in := f.Find("input[readonly]")
			if got := in.AttrOr("value", ""); got != tc.feed {
				t.Errorf("feed address %q, want %q", got, tc.feed)
			}
			if id := in.AttrOr("id", ""); id == "" || f.Find(`label[for="`+id+`"]`).Length() != 1 {
				t.Errorf("the address field %q has no label", id)
			}
			if got := f.Find(`.follow-links a[href^="/follow"]`).AttrOr("href", ""); got != tc.preview {
				t.Errorf("preview %q, want %q", got, tc.preview)
			}
			if r := do(t, h, "GET", strings.TrimPrefix(tc.feed, "http://example.com"), nil, nil); r.Code != 200 {
				t.Errorf("feed: %d", r.Code)
			}
		})
	}
}

// TestFollowPage reads the page a Follow control links to: what the feed
// follows, its address, and its newest entries as a reader shows them.
func TestFollowPage(t *testing.T) {
	h, _ := newServer(t, web.Config{})
	total := int(do(t, h, "GET", "/api/search?topic=Open+Innovation&size=1", nil, nil).JSON["total"].(float64))
	cases := []struct {
		name, target string
		header       map[string]string
		heading      string
		feed         string
		back         string
		entries      int
	}{
		{"a topic", "/follow?topic=Open+Innovation", nil, "Folgen Thema: Open Innovation",
			"http://example.com/feeds/search.atom?topic=Open+Innovation&ui=de", "/search?topic=Open+Innovation", min(total, 10)},
		{"in English", "/follow?topic=Open+Innovation", map[string]string{"Cookie": "ui=en"}, "Follow Topic: Open Innovation",
			"http://example.com/feeds/search.atom?topic=Open+Innovation&ui=en", "/search?topic=Open+Innovation", min(total, 10)},
		{"everything, page and sort dropped", "/follow?page=2&sort=title", nil, "Folgen Alle Dokumente",
			"http://example.com/feeds/search.atom?ui=de", "/search", 10},
		{"nothing matches yet", "/follow?q=Zzyzxquatsch", nil, "Folgen Suche: „Zzyzxquatsch“",
			"http://example.com/feeds/search.atom?q=Zzyzxquatsch&ui=de", "/search?q=Zzyzxquatsch", 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r, doc := getPage(t, h, tc.target, tc.header)
			wantStatus(t, r, 200)
			if got := strings.Join(strings.Fields(doc.Find("h1").Text()), " "); got != tc.heading {
				t.Errorf("heading %q, want %q", got, tc.heading)
			}
			if got := doc.Find("#follow-url-page").AttrOr("value", ""); got != tc.feed {
				t.Errorf("feed address %q, want %q", got, tc.feed)
			}
			if got := doc.Find(".breadcrumb a").First().AttrOr("href", ""); got != tc.back {
				t.Errorf("back to %q, want %q", got, tc.back)
			}
			if got := doc.Find(`head link[rel=alternate][type="application/atom+xml"]`).AttrOr("href", ""); got != strings.TrimPrefix(tc.feed, "http://example.com") {
				t.Errorf("feed <link> %q", got)
			}
			entries := doc.Find(".feed-entry")
			if entries.Length() != tc.entries {
				t.Errorf("%d entries, want %d", entries.Length(), tc.entries)
			}
			if tc.entries == 0 && doc.Find(".follow-entries p").Length() == 0 {
				t.Error("no word that the feed is empty")
			}
			prev := "9999-99-99"
			entries.Each(func(i int, e *goquery.Selection) {
				if !strings.HasPrefix(e.Find("h3 a").AttrOr("href", ""), "http://example.com/documents/") {
					t.Errorf("entry %d links to %q", i, e.Find("h3 a").AttrOr("href", ""))
				}
				if strings.TrimSpace(e.Find(".feed-author").Text()) == "" {
					t.Errorf("entry %d has no author", i)
				}
				if d := e.Find("time").AttrOr("datetime", ""); d != "" {
					if d > prev {
						t.Errorf("entry %d (%s) after %s: not newest first", i, d, prev)
					}
					prev = d
				}
			})
		})
	}
	t.Run("a bad date is a 400 page, not a 500", func(t *testing.T) {
		r, doc := getPage(t, h, "/follow?from=2020-02-31", nil)
		if r.Code != 400 || !strings.Contains(doc.Find("main").Text(), "from") {
			t.Errorf("status %d: %s", r.Code, doc.Find("main").Text())
		}
	})
}
