package web_test

import (
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/fundus-kb/fundus/web"
)

// TestAnswerBox reads the search page's answer box without JavaScript.
func TestAnswerBox(t *testing.T) {
	h, _ := newServer(t, web.Config{})
	cases := []struct {
		name, target string
		header       map[string]string
		box          bool
		heading      string
		firstURL     string
	}{
		{"a question with a question mark", "/search?q=Wie+entsteht+Innovationskultur%3F", nil, true, "Antwort aus der Wissensbasis", "/documents/webinars/kultur#p-1"},
		{"a question word without a mark, in English", "/search?q=how+does+Innovationskultur+start", map[string]string{"Cookie": "ui=en"}, true, "Answer from the knowledge base", ""},
		{"plain words are no question", "/search?q=Innovationskultur", nil, false, "", ""},
		{"not on the second page", "/search?q=Wie+entsteht+Kultur%3F&page=2&size=1", nil, false, "", ""},
		{"nothing found, no box", "/search?q=Zzyzxquatsch%3F", nil, false, "", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r, doc := getPage(t, h, tc.target, tc.header)
			wantStatus(t, r, 200)
			box := doc.Find(".results .answer-box")
			if (box.Length() == 1) != tc.box {
				t.Fatalf("answer box shown = %v, want %v", box.Length() == 1, tc.box)
			}
			if !tc.box {
				return
			}
			if got := box.Find("h3").Text(); got != tc.heading {
				t.Errorf("heading %q", got)
			}
			first := box.Children().Filter("figure.answer")
			if first.Length() != 1 {
				t.Fatalf("%d first answers", first.Length())
			}
			if first.Find(".answer-passage mark").Length() == 0 {
				t.Error("no highlighted words in the passage")
			}
			first.Find(".answer-passage *").Each(func(_ int, s *goquery.Selection) {
				if n := goquery.NodeName(s); n != "p" && n != "mark" {
					t.Errorf("passage holds <%s>", n)
				}
			})
			if first.Find(".answer-source .badge").Length() != 1 || first.Find(".answer-source time").Length() != 1 {
				t.Error("no type badge or date")
			}
			href := first.Find(".answer-open").AttrOr("href", "")
			if tc.firstURL != "" && !strings.HasPrefix(href, tc.firstURL) {
				t.Errorf("opens %q, want %s…", href, tc.firstURL)
			}
			if more := box.Find("details.answer-more"); more.Length() == 1 {
				if n := more.Find(".answer-list > li figure.answer").Length(); n < 1 || n > 2 {
					t.Errorf("%d more answers", n)
				}
			}
			// The box sits above the hits, inside the part that filters swap.
			if doc.Find(".results .answer-box ~ ol.hits").Length() != 1 {
				t.Error("the answer box is not above the hits")
			}
		})
	}
}
