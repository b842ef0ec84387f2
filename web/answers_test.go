package web_test

import (
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/fundus-kb/fundus/web"
)

func TestAPIAnswers(t *testing.T) {
	h, kb := newServer(t, web.Config{})
	ingestJSON(t, kb, map[string]any{"id": "hostile/answer", "type": "case", "title": "Skriptprobe", "language": "de",
		"body": "Einleitung ohne Bezug.\n\nDie Skriptprobe <script>alert(1)</script> zeigt, wie Antworten & Markup <b>maskiert</b> werden."})
	cases := []struct {
		name, target string
		code         int
		firstID      string // the first answer's document, or the parameter a 400 names
		url          string // the first answer's url prefix
	}{
		{"a German question", "/api/answers?q=Wie+entsteht+Innovationskultur%3F", 200, "webinars/kultur", "/documents/webinars/kultur#p-1:~:text="},
		{"filters apply", "/api/answers?q=Wie+entsteht+Innovationskultur%3F&type=case", 200, "cases/nordwerk", "/documents/cases/nordwerk#p-"},
		{"markup in a document stays text", "/api/answers?q=Wie+zeigt+die+Skriptprobe+Antworten%3F", 200, "hostile/answer", "/documents/hostile/answer#p-2"},
		{"a broken query is read as words", "/api/answers?q=Innovationskultur+%22Unternehmen", 200, "webinars/kultur", "/documents/webinars/kultur"},
		{"nothing matches", "/api/answers?q=Zzyzxquatsch%3F", 200, "", ""},
		{"no question", "/api/answers?q=", 400, "q", ""},
		{"too many answers", "/api/answers?q=Kultur&n=11", 400, "n", ""},
		{"not a number", "/api/answers?q=Kultur&n=drei", 400, "n", ""},
		{"a bad filter date", "/api/answers?q=Kultur&from=2020-02-31", 400, "from", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := do(t, h, "GET", tc.target, nil, nil)
			wantStatus(t, r, tc.code)
			if tc.code != 200 {
				if !strings.Contains(r.Body.String(), `"field":"`+tc.firstID+`"`) {
					t.Errorf("error does not name %s: %s", tc.firstID, r.Body.String())
				}
				return
			}
			answers, _ := r.JSON["answers"].([]any)
			if _, ok := r.JSON["took_ms"].(float64); !ok {
				t.Error("no took_ms")
			}
			if tc.firstID == "" {
				if len(answers) != 0 {
					t.Errorf("answers %v", answers)
				}
				return
			}
			if len(answers) == 0 {
				t.Fatalf("no answers: %s", r.Body.String())
			}
			seen := map[string]bool{}
			for i, x := range answers {
				a := x.(map[string]any)
				id, passage, marked := a["id"].(string), a["passage"].(string), a["passage_html"].(string)
				if i == 0 && id != tc.firstID {
					t.Errorf("first answer from %s, want %s", id, tc.firstID)
				}
				if seen[id] {
					t.Errorf("two answers from %s", id)
				}
				seen[id] = true
				if n := len([]rune(passage)); n == 0 || n > 302 {
					t.Errorf("passage of %d characters: %q", n, passage)
				}
				doc, err := goquery.NewDocumentFromReader(strings.NewReader("<p>" + marked + "</p>"))
				if err != nil {
					t.Fatal(err)
				}
				doc.Find("p *").Each(func(_ int, s *goquery.Selection) {
					if goquery.NodeName(s) != "mark" {
						t.Errorf("passage_html holds <%s>: %s", goquery.NodeName(s), marked)
					}
				})
				if doc.Find("mark").Length() == 0 {
					t.Errorf("nothing marked in %q", marked)
				}
				if got := strings.Join(strings.Fields(doc.Text()), " "); got != strings.Join(strings.Fields(passage), " ") {
					t.Errorf("passage_html reads %q, passage %q", got, passage)
				}
				if i == 0 && !strings.HasPrefix(a["url"].(string), tc.url) {
					t.Errorf("url %q, want %s…", a["url"], tc.url)
				}
			}
		})
	}
}

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
