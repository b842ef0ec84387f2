package web

import (
	"context"
	"errors"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/fundus-kb/fundus/search"
	"github.com/fundus-kb/fundus/web/docbody"
)

// answerer finds the passages that answer a question (search.Index.Answers
// through the knowledge base).
type answerer interface {
	Answers(ctx context.Context, r search.Request, n int) (*search.AnswerResult, error)
}

// answerView is one answer as the API and the pages give it: the
// passage and its document, and URL, which opens the document at the
// passage: #p-N (the paragraph, which the page highlights) with a text
// fragment for the passage's words.
type answerView struct {
	search.Answer
	URL string `json:"url"`
}

// answerItem is an answer for the "answer" template.
type answerItem struct {
	V    *view
	A    answerView
	HTML template.HTML // the passage with <mark>
}

// answers runs an answers request and links each passage into its
// document.
func (s *Server) answers(ctx context.Context, req search.Request, n int) (*search.AnswerResult, []answerView, error) {
	a, ok := s.kb.(answerer)
	if !ok {
		return nil, nil, errors.New("this knowledge base cannot answer questions")
	}
	res, err := a.Answers(ctx, req, n)
	if err != nil {
		return nil, nil, err
	}
	out := make([]answerView, 0, len(res.Answers))
	for _, an := range res.Answers {
		v := answerView{Answer: an, URL: DocumentPath(an.ID)}
		if doc, err := s.kb.Document(ctx, an.ID); err == nil {
			v.URL += passageFragment(doc.Body, an.Passage, an.Block)
		}
		out = append(out, v)
	}
	return res, out, nil
}

// passageFragment is the URL fragment of a passage in a body: "#p-N" for
// the paragraph that holds it (the document page's ids), then a text
// fragment (":~:text=") that browsers scroll to and highlight; "" when no
// paragraph holds it.
func passageFragment(body, passage string, hint int) string {
	want := docbody.Squash(strings.Trim(passage, "… "))
	if want == "" {
		return ""
	}
	blocks := docbody.Blocks(body)
	found := -1
	if hint >= 1 && hint <= len(blocks) && strings.Contains(blocks[hint-1], want) {
		found = hint - 1
	} else {
		for i, b := range blocks {
			if strings.Contains(b, want) {
				found = i
				break
			}
		}
	}
	if found < 0 {
		return ""
	}
	frag := "#p-" + strconv.Itoa(found+1)
	words := strings.Fields(strings.Trim(passage, "… "))
	if len(words) >= 2 {
		start := strings.Join(words[:min(4, len(words))], " ")
		frag += ":~:text=" + fragmentEscape(start)
		if len(words) > 8 {
			frag += "," + fragmentEscape(strings.Join(words[len(words)-3:], " "))
		}
	}
	return frag
}

// fragmentEscape percent-encodes a text fragment's term, "-", "," and "&"
// included (they have meanings in the directive).
func fragmentEscape(s string) string {
	e := url.PathEscape(s)
	return strings.NewReplacer("-", "%2D", ",", "%2C", "&", "%26").Replace(e)
}

// apiAnswers serves /api/answers?q=…&n=3 with the search filters.
func (s *Server) apiAnswers(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	req, err := parseSearch(q)
	if err != nil {
		return err
	}
	if req.Query == "" {
		return &search.InvalidRequestError{Param: "q", Reason: "ask a question: q is empty"}
	}
	n, err := intParam(q, "n", search.DefaultAnswers, 1, search.MaxAnswers)
	if err != nil {
		return err
	}
	req.Lenient = true
	res, out, err := s.answers(r.Context(), req, n)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, struct {
		Q       string         `json:"q"`
		Answers []answerView   `json:"answers"`
		Notice  *search.Notice `json:"notice,omitempty"`
		ReadAs  string         `json:"read_as,omitempty"`
		TookMS  float64        `json:"took_ms"`
	}{req.Query, out, res.Notice, res.ReadAs, float64(res.Took.Microseconds()) / 1000})
	return nil
}
