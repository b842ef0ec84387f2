package search

import (
	"context"
	"html"
	"math"
	"slices"
	"sort"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	bsearch "github.com/blevesearch/bleve/v2/search"
)

// Answers: the passage of a document that answers a question.
//
// Passages are cut at query time from the stored text field of the best
// documents, with the match locations Bleve reports for them; nothing is
// added to the index. A passage index (one Bleve document per sentence)
// would multiply the index by the number of sentences and make every
// write slower, while cutting the top documents' text per query keeps an
// answers request's p95 at 1.02–1.09× a search's on the SciFact claims
// (BENCHMARKS.md, make bench-search).
//
// A sentence is scored by the share of the query's weight it covers (each
// analysed query word weighted by its IDF; words that matched only through
// the index's expansions — synonyms, compounds, typo variants — count at
// a lower weight), by how close together its matched words are, by the
// score of its document, and by whether it holds what the question asks
// for (a number for "wie viele", a year for "wann").

// Limits of an answers request.
const (
	DefaultAnswers = 3
	MaxAnswers     = 10
	// MaxPassage is the longest passage in characters (runes).
	MaxPassage = 300
	// answerDocs is how many of the best documents passages come from.
	answerDocs = 10
)

// Answer is one passage that answers a query, with its document.
type Answer struct {
	ID       string `json:"id"`
	Title    string `json:"title"`
	Type     string `json:"type"`
	Date     string `json:"date,omitempty"`
	Language string `json:"language,omitempty"`
	// Passage is plain text: one sentence, or a window of it of at most
	// MaxPassage characters.
	Passage string `json:"passage"`
	// PassageHTML is the passage escaped, with <mark> around the query's
	// words.
	PassageHTML string  `json:"passage_html"`
	Score       float64 `json:"score"`
	// Block is the passage's paragraph in the document's text, counted
	// from 1 (the p-N anchors of the document page count the body's
	// paragraphs the same way).
	Block int `json:"-"`
}

// AnswerResult is the answer to a question.
type AnswerResult struct {
	Answers []Answer      `json:"answers"`
	Took    time.Duration `json:"-"`
	// Notice and ReadAs are as in Result, for a lenient query.
	Notice *Notice `json:"notice,omitempty"`
	ReadAs string  `json:"read_as,omitempty"`
}

// AnswerWeights are the weights of the passage signals (Tuning.Answers;
// DefaultTuning holds the ones measured best on xquad-dev, BENCHMARKS.md).
type AnswerWeights struct {
	// Expanded is the weight of a word that matched only through an
	// expansion of the query (synonym, compound part, typo), relative to
	// a word of the query itself.
	Expanded float64 `json:"expanded"`
	// Proximity weighs how close together the matched words are.
	Proximity float64 `json:"proximity"`
	// Document weighs the document's score relative to the best.
	Document float64 `json:"document"`
	// GermanDocument is added to Document for a passage of German text.
	// A German question is analysed into compound parts and word forms
	// that also match passages of documents the search ranks lower (on
	// xquad-dev the passage score overrode the search's right first
	// document for 10 German questions against 3 English ones), so the
	// document's score counts for more there.
	GermanDocument float64 `json:"german_document"`
	// Length penalises sentences far from a typical answer's length.
	Length float64 `json:"length"`
	// Window lets a passage run on over the following sentences of its
	// paragraph, up to MaxPassage characters.
	Window bool `json:"window"`
	// Variant is the credit of another form of a query word (verankern
	// for verankert), relative to the word itself.
	Variant float64 `json:"variant"`
	// Kind rewards a passage that holds what the question asks for: a
	// number for "wie viele"/"how many", a year or date for
	// "wann"/"when" (a number or date that the question does not hold).
	Kind float64 `json:"kind"`
	// About weighs the share of the question's words that the
	// document's title holds.
	About float64 `json:"about"`
	// Fill widens the chosen passage with the sentences around it in its
	// paragraph (the next first, then the one before) while it stays
	// within MaxPassage: the context that says who "er" is.
	Fill bool `json:"fill"`
	// Partial fills the room that Fill leaves with part of a sentence
	// that no longer fits whole: the next one of the paragraph (the
	// answer often follows the sentence that shares the question's words:
	// "… schlug eine Fusion vor. Im Zuge dieses Zusammenschlusses wäre das
	// Netzwerk in „ABC-DuMont“ umbenannt …"), else the end of the previous
	// one; cut at a word, with "…".
	Partial bool `json:"partial"`
	// Focus rewards a passage that holds the noun a "welche"/"which"
	// question asks about (the word after it, past "Art von", "kind
	// of" …), in any of its forms.
	Focus float64 `json:"focus"`
	// Start cuts a sentence too long for a passage from its first word
	// when that window holds as many of the matched words as the one
	// around the densest matches: a sentence's subject, often the answer
	// to "wer …?", stands at its start ("Peyton Manning wurde … der
	// älteste Quarterback, …").
	Start bool `json:"start"`
}

// questionWords are words that say a question is asked but not about
// what: they do not count for a passage (many are stop words already).
var questionWords = map[string]bool{
	"wie": true, "was": true, "wer": true, "wem": true, "wen": true, "wessen": true, "wann": true, "wo": true,
	"woher": true, "wohin": true, "warum": true, "wieso": true, "weshalb": true, "weswegen": true, "welche": true,
	"welcher": true, "welches": true, "welchen": true, "welchem": true, "wieviel": true, "wievielen": true, "viele": true, "vielen": true,
	"womit": true, "wodurch": true, "wofür": true, "wozu": true, "worauf": true, "worüber": true, "wovon": true, "woran": true, "worin": true,
	"what": true, "who": true, "whom": true, "whose": true, "when": true, "where": true, "why": true, "which": true, "how": true,
	"many": true, "much": true, "does": true, "did": true, "do": true, "is": true, "are": true, "were": true,
	"man": true, "gibt": true, "es": true, "ist": true, "sind": true, "war": true, "waren": true, "hat": true, "hatte": true, "haben": true,
	"wurde": true, "wurden": true, "wird": true, "werden": true, "kann": true, "können": true, "muss": true, "müssen": true,
	"lautet": true, "lautete": true, "lauten": true, "heißt": true, "hieß": true, "heißen": true,
}

// Answer kinds: what a question asks for.
const (
	kindAny    = ""
	kindNumber = "number"
	kindTime   = "time"
	kindName   = "name"
	kindTerm   = "term"
)

var kindPhrases = []struct{ phrase, kind string }{
	{"wie viele", kindNumber}, {"wie viel", kindNumber}, {"wieviel", kindNumber}, {"wie hoch", kindNumber}, {"wie lang", kindNumber},
	{"wie alt", kindNumber}, {"wie groß", kindNumber}, {"wie weit", kindNumber}, {"wie oft", kindNumber}, {"wie schwer", kindNumber},
	{"wie lange", kindNumber}, {"wie viel prozent", kindNumber}, {"welcher prozentsatz", kindNumber}, {"welchen prozentsatz", kindNumber},
	{"welcher anteil", kindNumber}, {"welchen anteil", kindNumber}, {"what percentage", kindNumber}, {"what percent", kindNumber},
	{"what proportion", kindNumber}, {"what fraction", kindNumber}, {"what share", kindNumber},
	{"how many", kindNumber}, {"how much", kindNumber}, {"how long", kindNumber}, {"how old", kindNumber}, {"how far", kindNumber},
	{"how often", kindNumber}, {"how large", kindNumber}, {"how big", kindNumber}, {"how high", kindNumber},
	{"wann", kindTime}, {"welchem jahr", kindTime}, {"welchen jahren", kindTime}, {"welchem jahrhundert", kindTime}, {"welchem jahrzehnt", kindTime}, {"what decade", kindTime},
	{"when", kindTime}, {"what year", kindTime}, {"which year", kindTime}, {"what century", kindTime},
	{"wer", kindName}, {"wem", kindName}, {"wen", kindName}, {"wessen", kindName},
	{"who", kindName}, {"whom", kindName}, {"whose", kindName},
	{"wie hieß", kindTerm}, {"wie heißt", kindTerm}, {"wie heißen", kindTerm}, {"wie lautet", kindTerm}, {"wie lauten", kindTerm},
	{"wie lautete", kindTerm}, {"wie nennt", kindTerm}, {"wie nennen", kindTerm}, {"wie nannte", kindTerm}, {"wie bezeichnet", kindTerm},
	{"welchen namen", kindTerm}, {"welcher name", kindTerm}, {"welchem namen", kindTerm}, {"welcher begriff", kindTerm},
	{"what was the name", kindTerm}, {"what is the name", kindTerm}, {"what term", kindTerm}, {"what name", kindTerm},
}

// namingWords are the words with which a text names something: a
// passage that holds one answers "wie heißt …?" more likely than one that
// only shares the question's words.
var namingWords = map[string]bool{
	"genannt": true, "bezeichnet": true, "heißt": true, "hieß": true, "heißen": true, "nennt": true, "nannte": true, "nannten": true,
	"nennen": true, "benannt": true, "namens": true, "name": true, "namen": true, "bekannt": true, "lautet": true, "lautete": true,
	"called": true, "named": true, "known": true, "termed": true, "referred": true,
}

// questionKind is what q asks for, from its question phrase.
func questionKind(q string) string {
	l := " " + strings.ToLower(strings.Join(strings.Fields(q), " ")) + " "
	for _, kp := range kindPhrases {
		if strings.Contains(l, " "+kp.phrase+" ") {
			return kp.kind
		}
	}
	return kindAny
}

// numberWords are the number words an answer of kind number may be.
var numberWords = map[string]bool{
	"zwei": true, "drei": true, "vier": true, "fünf": true, "sechs": true, "sieben": true, "acht": true, "neun": true, "zehn": true,
	"elf": true, "zwölf": true, "hundert": true, "tausend": true, "million": true, "millionen": true, "milliarden": true,
	"two": true, "three": true, "four": true, "five": true, "six": true, "seven": true, "eight": true, "nine": true, "ten": true,
	"eleven": true, "twelve": true, "hundred": true, "thousand": true, "millions": true, "billion": true, "billions": true,
}

var monthWords = map[string]bool{
	"januar": true, "februar": true, "märz": true, "april": true, "mai": true, "juni": true, "juli": true, "august": true,
	"september": true, "oktober": true, "november": true, "dezember": true, "january": true, "february": true, "march": true,
	"may": true, "june": true, "july": true, "october": true, "december": true, "jahrhundert": true, "jahrhunderts": true, "century": true,
}

// holdsKind reports whether text holds a word of kind that the question
// (its lower-case words in asked) does not.
func holdsKind(text, kind string, asked map[string]bool) bool {
	switch kind {
	case kindName:
		return holdsName(text, asked)
	case kindTerm:
		if holdsName(text, asked) {
			return true
		}
	}
	for _, w := range strings.FieldsFunc(strings.ToLower(text), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
		if asked[w] {
			continue
		}
		digits := isDigits(w) || (len(w) > 1 && w[0] >= '0' && w[0] <= '9')
		switch kind {
		case kindNumber:
			if digits || numberWords[w] {
				return true
			}
		case kindTime:
			if (isDigits(w) && len(w) == 4 && (w[0] == '1' || w[0] == '2')) || monthWords[w] {
				return true
			}
		case kindTerm:
			if namingWords[w] {
				return true
			}
		}
	}
	return false
}

// holdsName reports whether text holds a name the question does not: two
// capitalised words in a row inside a sentence ("Lady Gaga"; in German a
// capital alone marks any noun, two in a row mostly a name).
func holdsName(text string, asked map[string]bool) bool {
	words := strings.Fields(text)
	capital := func(i int) bool {
		w := strings.TrimFunc(words[i], func(r rune) bool { return !unicode.IsLetter(r) })
		r, _ := utf8.DecodeRuneInString(w)
		return w != "" && unicode.IsUpper(r) && !asked[strings.ToLower(w)]
	}
	ends := func(w string) bool { return strings.ContainsAny(w[len(w)-1:], ".!?:") }
	for i := 1; i+1 < len(words); i++ {
		if ends(words[i-1]) || ends(words[i]) {
			continue // a sentence starts at words[i] or words[i+1]
		}
		if capital(i) && capital(i+1) {
			return true
		}
	}
	return false
}

// IsQuestion reports whether q reads as a question: it ends with "?" or
// starts with a German or English question word.
func IsQuestion(q string) bool {
	q = strings.TrimSpace(q)
	if strings.HasSuffix(q, "?") {
		return true
	}
	first, _, _ := strings.Cut(q, " ")
	first = strings.ToLower(strings.TrimFunc(first, func(r rune) bool { return !unicode.IsLetter(r) }))
	switch first {
	case "wie", "was", "wer", "wann", "wo", "warum", "wieso", "weshalb", "welche", "welcher", "welches", "woher", "wohin", "womit", "wozu", "wofür",
		"what", "who", "when", "where", "why", "which", "how":
		return true
	}
	return false
}

// Answers finds up to n passages that answer r.Query, from the best
// documents that r's filters and the context's visibility allow, best
// first, at most one per document.
func (ix *Index) Answers(ctx context.Context, r Request, n int) (*AnswerResult, error) {
	start := time.Now()
	if strings.TrimSpace(r.Query) == "" {
		return nil, &InvalidRequestError{Param: "q", Reason: "ask a question: the query is empty"}
	}
	if n <= 0 {
		n = DefaultAnswers
	}
	if n > MaxAnswers {
		return nil, &InvalidRequestError{Param: "n", Reason: "at most 10 answers"}
	}
	tune := DefaultTuning()
	if r.Tuning != nil {
		tune = *r.Tuning
	}
	w := &tune.Answers
	r.Page, r.Size, r.Cursor, r.Sort = 1, answerDocs, "", SortRelevance
	r.NoFacets, r.NoSnippets, r.passages = true, false, true
	res, err := ix.Search(ctx, r)
	if err != nil {
		return nil, err
	}
	out := &AnswerResult{Answers: []Answer{}, Notice: res.Notice, ReadAs: res.ReadAs}
	if len(res.Hits) == 0 {
		out.Took = time.Since(start)
		return out, nil
	}
	query := r.Query
	if res.ReadAs != "" {
		query = res.ReadAs
	}
	terms := ix.answerTerms(query)
	ask := askedFor{kind: questionKind(query), words: map[string]bool{}, focus: map[string]string{}}
	if fw := focusWord(query); fw != "" && w.Focus != 0 {
		for _, l := range textLangs {
			if an := ix.b.Mapping().AnalyzerNamed(l.analyzer); an != nil {
				if toks := an.Analyze([]byte(fw)); len(toks) == 1 {
					ask.focus[l.suffix] = string(toks[0].Term)
				}
			}
		}
	}
	for _, w := range strings.FieldsFunc(strings.ToLower(query), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
		ask.words[w] = true
	}
	top := res.Hits[0].Score
	for _, h := range res.Hits {
		if h.passage == nil {
			continue
		}
		qt := terms[h.passage.lang]
		best, ok := bestPassage(h.passage, qt, ask, w)
		if !ok {
			continue
		}
		docPart := 0.0
		if top > 0 {
			docPart = h.Score / top
		}
		dw := w.Document
		if h.passage.lang == LangGerman {
			dw += w.GermanDocument
		}
		best.score += dw * docPart
		if w.About > 0 && best.total > 0 {
			// A document whose title holds the question's words is about
			// what is asked, more than one that mentions it in passing.
			c, _, _ := coverage(h.passage.title, qt, w.Variant)
			best.score += w.About * c / best.total
		}
		out.Answers = append(out.Answers, Answer{
			ID: h.ID, Title: h.Title, Type: h.Type, Date: h.Date, Language: h.Language,
			Passage: best.text, PassageHTML: best.html, Score: math.Round(best.score*1e4) / 1e4, Block: best.block,
		})
	}
	sort.SliceStable(out.Answers, func(i, j int) bool { return out.Answers[i].Score > out.Answers[j].Score })
	if len(out.Answers) > n {
		out.Answers = out.Answers[:n]
	}
	out.Took = time.Since(start)
	return out, nil
}

// queryTerm is an analysed word of the question with its weight (IDF).
type queryTerm struct {
	weight float64
}

// answerTerms analyses the question with each language's analyzer,
// without its question words, and weighs each term by its IDF in that
// language's text field.
func (ix *Index) answerTerms(q string) map[string]map[string]queryTerm {
	var kept []string
	we := asksAsWe(q)
	for _, word := range strings.FieldsFunc(q, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '-' }) {
		if w := strings.ToLower(word); !questionWords[w] && !(we && knowingWords[w]) {
			kept = append(kept, word)
		}
	}
	text := strings.Join(kept, " ")
	docs, _ := ix.b.DocCount()
	out := map[string]map[string]queryTerm{}
	for _, l := range textLangs {
		an := ix.b.Mapping().AnalyzerNamed(l.analyzer)
		if an == nil {
			continue
		}
		terms := map[string]queryTerm{}
		for _, tok := range an.Analyze([]byte(text)) {
			t := string(tok.Term)
			if _, seen := terms[t]; seen || t == "" {
				continue
			}
			df := 0
			if d, err := ix.b.FieldDictRange("text_"+l.suffix, []byte(t), []byte(t)); err == nil {
				if e, err := d.Next(); err == nil && e != nil && e.Term == t {
					df = int(e.Count)
				}
				d.Close()
			}
			terms[t] = queryTerm{weight: math.Log(1 + (float64(docs)-float64(df)+0.5)/(float64(df)+0.5))}
		}
		out[l.suffix] = terms
	}
	return out
}

// hitPassages is what a hit brings for passage scoring: its text (up to
// the title and topics appended to it) and the matches in it.
type hitPassages struct {
	lang    string
	text    string
	matches []termMatch
	// title are the matches in the document's title.
	title []termMatch
}

type termMatch struct {
	term       string
	start, end int
}

// passagesOf reads the text field and match locations of a hit.
func passagesOf(h *bsearch.DocumentMatch, title string, topics []string) *hitPassages {
	for _, l := range textLangs {
		field := "text_" + l.suffix
		text, _ := h.Fields[field].(string)
		if text == "" {
			continue
		}
		end := bodyEnd(text, title, topics)
		p := &hitPassages{lang: l.suffix, text: text[:end]}
		titleStart, titleEnd := -1, -1
		if title != "" && end < len(text) {
			titleStart, titleEnd = end+2, end+2+len(title)
		}
		for term, locs := range h.Locations[field] {
			for _, loc := range locs {
				switch m := (termMatch{term, int(loc.Start), int(loc.End)}); {
				case m.start >= m.end:
				case m.end <= end:
					p.matches = append(p.matches, m)
				case m.start >= titleStart && m.end <= titleEnd:
					p.title = append(p.title, m)
				}
			}
		}
		slices.SortFunc(p.matches, func(a, b termMatch) int { return a.start - b.start })
		return p
	}
	return nil
}

type scoredPassage struct {
	text, html string
	block      int
	score      float64
	total      float64 // the weight of all query terms
}

// askedFor is what a question asks for and the words it holds.
type askedFor struct {
	kind  string
	words map[string]bool
	// focus is the analysed noun a "welche"/"which" question asks about,
	// per language suffix.
	focus map[string]string
}

// focusWord is the word after a "welche"/"which"/"what" of q (after
// "Art von", "kind of" …), "" when there is none.
func focusWord(q string) string {
	ws := strings.FieldsFunc(strings.ToLower(q), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '-' })
	for i, w := range ws {
		switch w {
		case "welche", "welcher", "welches", "welchen", "welchem", "which", "what":
		default:
			continue
		}
		for j := i + 1; j < len(ws); j++ {
			switch ws[j] {
			case "art", "arten", "sorte", "form", "kind", "type", "sort", "von", "of", "der", "die", "das", "des", "the", "a", "an":
				continue
			}
			if questionWords[ws[j]] {
				return ""
			}
			return ws[j]
		}
	}
	return ""
}

// bestPassage scores every window of sentences of p and returns the
// best, filled with its context (AnswerWeights.Fill) and cut to
// MaxPassage characters around its matches.

func bestPassage(p *hitPassages, qt map[string]queryTerm, ask askedFor, w *AnswerWeights) (scoredPassage, bool) {
	total := 0.0
	for _, t := range qt {
		total += t.weight
	}
	var best scoredPassage
	found := false
	bestI, bestJ := 0, 0
	ss := sentences(p.text)
	matchesIn := func(a, b int) []termMatch {
		i := sort.Search(len(p.matches), func(i int) bool { return p.matches[i].start >= a })
		var in []termMatch
		for ; i < len(p.matches) && p.matches[i].end <= b; i++ {
			in = append(in, p.matches[i])
		}
		return in
	}
	for i, first := range ss {
		// A window: the sentence, and the sentences after it in its
		// paragraph while the window stays within MaxPassage.
		win := first
		for j := i; j < len(ss); j++ {
			if j > i {
				if !w.Window || ss[j].block != first.block || utf8.RuneCountInString(p.text[first.start:ss[j].end]) > MaxPassage {
					break
				}
				win = sentence{start: first.start, end: ss[j].end, block: first.block, text: p.text[first.start:ss[j].end]}
			}
			in := matchesIn(win.start, win.end)
			if len(in) == 0 {
				continue
			}
			score := sentenceScore(win, in, qt, total, w)
			if f := ask.focus[p.lang]; f != "" && slices.ContainsFunc(in, func(m termMatch) bool { return m.term == f || sameWord(m.term, f) }) {
				// The sentence names what the question asks for
				// ("Welche Hymne …": a sentence with "Hymne").
				score += w.Focus
			}
			if ask.kind != kindAny && w.Kind != 0 {
				// What the passage shown will hold: the window with its
				// context (Fill), where the answer often stands.
				text := win.text
				if w.Fill {
					fi, fj := fillWindow(p.text, ss, i, j)
					text = p.text[ss[fi].start:ss[fj].end]
				}
				if holdsKind(text, ask.kind, ask.words) {
					score += w.Kind
				}
			}
			if !found || score > best.score+1e-9 {
				found = true
				best = scoredPassage{score: score, block: win.block, total: total}
				bestI, bestJ = i, j
			}
		}
	}
	if !found {
		return best, false
	}
	if w.Fill {
		bestI, bestJ = fillWindow(p.text, ss, bestI, bestJ)
	}
	win := sentence{start: ss[bestI].start, end: ss[bestJ].end, block: ss[bestI].block}
	tail, head := false, false
	if w.Fill && w.Partial {
		if end := tailEnd(p.text, ss, bestI, bestJ); end > win.end {
			win.end, tail = end, true
		} else if start := headStart(p.text, ss, bestI, win.end); start < win.start {
			win.start, head = start, true
		}
	}
	win.text = p.text[win.start:win.end]
	best.text, best.html = cutPassage(p.text, win, matchesIn(win.start, win.end), w.Start)
	if tail {
		best.text += "…"
		best.html += "…"
	}
	if head {
		best.text = "…" + best.text
		best.html = "…" + best.html
	}
	return best, true
}

// fillWindow widens the window of sentences i..j of one paragraph by the
// sentences around it, the next before the previous, while the window
// stays within MaxPassage characters. A window that ends in ":" goes on
// into the paragraphs after it: the list it introduces.
func fillWindow(text string, ss []sentence, i, j int) (int, int) {
	fits := func(a, b int) bool { return utf8.RuneCountInString(text[ss[a].start:ss[b].end]) <= MaxPassage }
	if !fits(i, j) {
		return i, j
	}
	list := false
	for {
		if strings.HasSuffix(ss[j].text, ":") {
			list = true
		}
		switch {
		case j+1 < len(ss) && (ss[j+1].block == ss[j].block || list) && fits(i, j+1):
			j++
		case i > 0 && ss[i-1].block == ss[i].block && fits(i-1, j):
			i--
		default:
			return i, j
		}
	}
}

// minPartial is the least part of a sentence worth showing
// (AnswerWeights.Partial).
const minPartial = 30

// tailEnd is where the window of sentences i..j ends when it goes on into
// the next sentence of its paragraph (AnswerWeights.Partial): after the
// last word of that sentence that fits within MaxPassage characters, "…"
// included. It is ss[j].end when there is no such sentence, or room for
// fewer than minPartial characters of it.
func tailEnd(text string, ss []sentence, i, j int) int {
	end := ss[j].end
	if j+1 >= len(ss) || ss[j+1].block != ss[j].block {
		return end
	}
	room := MaxPassage - 1 - utf8.RuneCountInString(text[ss[i].start:ss[j+1].start])
	if room < minPartial {
		return end
	}
	next := ss[j+1]
	b, n := next.start, 0
	for b < next.end && n < room {
		_, size := utf8.DecodeRuneInString(text[b:])
		b += size
		n++
	}
	if b >= next.end {
		return end // a sentence that fits whole is Fill's
	}
	k := strings.LastIndexByte(text[next.start:b], ' ')
	if k <= 0 {
		return end
	}
	return len(strings.TrimRightFunc(text[:next.start+k], func(r rune) bool { return unicode.IsSpace(r) || unicode.IsPunct(r) }))
}

// headStart is where a window that starts with sentence i and ends at
// end starts when it goes back into the previous sentence of its
// paragraph (AnswerWeights.Partial): at the first word of that
// sentence's end that fits within MaxPassage characters, "…" included. It
// is ss[i].start when there is no such sentence, or room for fewer than
// minPartial characters of it.
func headStart(text string, ss []sentence, i, end int) int {
	if i == 0 || ss[i-1].block != ss[i].block {
		return ss[i].start
	}
	prev := ss[i-1]
	room := MaxPassage - 1 - utf8.RuneCountInString(text[prev.end:end])
	if room < minPartial {
		return ss[i].start
	}
	a, n := prev.end, 0
	for a > prev.start && n < room {
		_, size := utf8.DecodeLastRuneInString(text[:a])
		a -= size
		n++
	}
	k := strings.IndexByte(text[a:prev.end], ' ')
	if k < 0 {
		return ss[i].start
	}
	return a + k + 1
}

// sentenceScore is coverage + proximity + length.
func sentenceScore(s sentence, in []termMatch, qt map[string]queryTerm, total float64, w *AnswerWeights) float64 {
	covered, distinct, expanded := coverage(in, qt, w.Variant)
	score := 0.0
	if total > 0 {
		score = covered / total
	}
	score += w.Expanded * float64(expanded) / float64(len(qt)+1)
	// Proximity: the span of the distinct matched words, in characters.
	if distinct > 1 {
		span := in[len(in)-1].end - in[0].start
		score += w.Proximity / (1 + float64(span)/80)
	} else {
		score += w.Proximity / 4
	}
	// A heading (short, without a sentence's end) names a subject but
	// answers nothing; a sentence that ends in ":" introduces what follows
	// it, so the window that holds the list after it is the better one.
	n := utf8.RuneCountInString(s.text)
	last, _ := utf8.DecodeLastRuneInString(strings.TrimRight(s.text, " \"'”“»«)"))
	switch {
	case last == ':':
		score -= 0.1
	case n < 80 && !strings.ContainsRune(".!?", last):
		score -= 0.5
	}
	// Length: very short fragments ("Ja.") and very long run-ons answer less.
	switch {
	case n < 40:
		score -= w.Length
	case n > 2*MaxPassage:
		score -= w.Length / 2
	}
	return score
}

// coverage sums the weights of the query terms that the matches cover:
// a query word itself, or another form of it (verankert, verankern) at
// variant times its weight. It also counts the distinct matched words
// and those that matched only through an expansion of the query.
func coverage(in []termMatch, qt map[string]queryTerm, variant float64) (covered float64, distinct, expanded int) {
	seen := map[string]bool{}
	credit := map[string]float64{} // query term → the weight it earned
	for _, m := range in {
		if seen[m.term] {
			continue
		}
		seen[m.term] = true
		if t, ok := qt[m.term]; ok {
			credit[m.term] = t.weight
			continue
		}
		if q, ok := formOf(m.term, qt); ok {
			credit[q] = max(credit[q], variant*qt[q].weight)
			continue
		}
		expanded++
	}
	for _, c := range credit {
		covered += c
	}
	return covered, len(seen), expanded
}

// formOf returns the query term that term is another form of: both
// stems differ only in their endings (sameWord, as the query's word
// variants).
func formOf(term string, qt map[string]queryTerm) (string, bool) {
	for q := range qt {
		if sameWord(q, term) {
			return q, true
		}
	}
	return "", false
}

// sentence is a sentence of a text, with its byte offsets and paragraph.
type sentence struct {
	start, end int
	block      int
	text       string
}

// abbreviations end with a full stop that does not end a sentence.
var abbreviations = map[string]bool{
	"z": true, "b": true, "bzw": true, "ca": true, "dr": true, "prof": true, "usw": true, "etc": true, "vgl": true, "ggf": true,
	"d": true, "h": true, "u": true, "a": true, "s": true, "nr": true, "st": true, "mr": true, "mrs": true, "ms": true, "vs": true,
	"inkl": true, "evtl": true, "bspw": true, "sog": true, "jh": true, "jhd": true, "abs": true, "art": true, "hrsg": true, "e": true,
	"i": true, "v": true, "chr": true, "mio": true, "mrd": true, "tsd": true, "gmbh": true, "co": true, "inc": true, "jr": true, "sr": true,
}

// sentences splits text into sentences: paragraphs (blank lines) first,
// then after ".", "!" or "?" (and closing quotes) followed by a space and
// a capital, a digit or a quote, except after an abbreviation, an
// initial or an ordinal number ("16. April").
func sentences(text string) []sentence {
	var out []sentence
	block := 0
	for pos := 0; pos < len(text); {
		pend := strings.Index(text[pos:], "\n\n")
		if pend < 0 {
			pend = len(text)
		} else {
			pend += pos
		}
		para := text[pos:pend]
		if strings.TrimSpace(para) != "" {
			block++
			splitParagraph(text, pos, pend, block, &out)
		}
		pos = pend + 2
	}
	return out
}

func splitParagraph(text string, from, to, block int, out *[]sentence) {
	emit := func(a, b int) {
		for a < b && isSpaceByte(text[a]) {
			a++
		}
		for b > a && isSpaceByte(text[b-1]) {
			b--
		}
		if a < b {
			*out = append(*out, sentence{start: a, end: b, block: block, text: text[a:b]})
		}
	}
	start := from
	for i := from; i < to; i++ {
		c := text[i]
		if c != '.' && c != '!' && c != '?' && c != '\n' {
			continue
		}
		if c == '\n' {
			// A line break inside a paragraph ends a list item or a heading.
			emit(start, i)
			start = i + 1
			continue
		}
		j := i + 1
		for j < to && strings.ContainsRune("\"'”“»«)]", rune(text[j])) {
			j++
		}
		for j < to && (text[j] == 0xE2) { // closing typographic quotes (3 bytes)
			r, size := utf8.DecodeRuneInString(text[j:])
			if r != '“' && r != '”' && r != '’' && r != '‘' && r != '»' && r != '«' {
				break
			}
			j += size
		}
		if j >= to || text[j] != ' ' {
			continue
		}
		k := j
		for k < to && text[k] == ' ' {
			k++
		}
		if k >= to {
			continue
		}
		next, _ := utf8.DecodeRuneInString(text[k:])
		if !unicode.IsUpper(next) && !unicode.IsDigit(next) && !strings.ContainsRune("\"'„“»(", next) {
			continue
		}
		if c == '.' {
			w := lastWord(text[start:i])
			if abbreviations[strings.ToLower(w)] || (utf8.RuneCountInString(w) == 1 && unicode.IsUpper([]rune(w)[0])) {
				continue
			}
			if isDigits(w) && unicode.IsUpper(next) && len(w) <= 2 {
				continue // an ordinal: "16. April", "3. Platz"
			}
		}
		emit(start, j)
		start = j
	}
	emit(start, to)
}

func isSpaceByte(c byte) bool { return c == ' ' || c == '\n' || c == '\t' || c == '\r' }

func lastWord(s string) string {
	i := strings.LastIndexFunc(s, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	return s[i+1:]
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// cutPassage returns sentence s as text and as HTML with <mark> around
// its matches; a sentence over MaxPassage characters is cut to a window
// around its densest matches (or from its start, fromStart and
// AnswerWeights.Start), at word boundaries, with "…".
func cutPassage(text string, s sentence, in []termMatch, fromStart bool) (string, string) {
	a, b := s.start, s.end
	if utf8.RuneCountInString(text[a:b]) > MaxPassage {
		a, b = passageWindow(text, s, in, fromStart)
	}
	var plain, marked strings.Builder
	if a > s.start {
		plain.WriteString("…")
		marked.WriteString("…")
	}
	pos := a
	for _, m := range in {
		if m.start < pos || m.end > b {
			continue
		}
		marked.WriteString(html.EscapeString(text[pos:m.start]))
		marked.WriteString("<mark>" + html.EscapeString(text[m.start:m.end]) + "</mark>")
		pos = m.end
	}
	marked.WriteString(html.EscapeString(text[pos:b]))
	plain.WriteString(text[a:b])
	if b < s.end {
		plain.WriteString("…")
		marked.WriteString("…")
	}
	return collapseSpace(plain.String()), collapseSpace(marked.String())
}

// passageWindow picks the window of at most MaxPassage-2 characters of s
// that holds the most distinct matched words, widened to word boundaries:
// with fromStart, the one from the sentence's start if it holds as many
// and leaves startRoom characters after them.
func passageWindow(text string, s sentence, in []termMatch, fromStart bool) (int, int) {
	limit := MaxPassage - 2 // room for the ellipses
	bestA, bestN := in[0].start, -1
	for _, m := range in {
		if n := distinctWithin(text, m.start, in, limit); n > bestN {
			bestN, bestA = n, m.start
		}
	}
	if fromStart && distinctWithin(text, s.start, in, limit-startRoom) >= bestN {
		return s.start, cutAtWord(text, s, s.start, limit)
	}
	// Centre the matched words: start a little before the first. Near
	// the sentence's end, the window takes the room it has left before
	// them: what a question asks for stands before them as often as after.
	a := bestA
	want := max(40, limit-utf8.RuneCountInString(text[bestA:s.end]))
	for back := 0; a > s.start && back < want; back++ {
		_, size := utf8.DecodeLastRuneInString(text[s.start:a])
		a -= size
	}
	if a > s.start {
		// A sentence starts at a word; within it, start at the next one.
		a = wordStart(text, a, bestA)
	}
	return a, cutAtWord(text, s, a, limit)
}

// startRoom is the room a window cut from a sentence's start leaves after
// its matched words: a window that ends at them cuts off what follows
// them, where the answer often stands ("… die Konzentration der
// Treibhausgase substanziell erhöhen, was im Mittel zu einer …").
const startRoom = 40

// distinctWithin counts the distinct matched words of in that end within
// limit characters from a.
func distinctWithin(text string, a int, in []termMatch, limit int) int {
	seen := map[string]bool{}
	for _, m := range in {
		if m.start < a {
			continue
		}
		if utf8.RuneCountInString(text[a:m.end]) > limit {
			break
		}
		seen[m.term] = true
	}
	return len(seen)
}

// cutAtWord is where a window of s from a ends: after limit characters,
// back at the last word boundary, or at the sentence's end.
func cutAtWord(text string, s sentence, a, limit int) int {
	b, n := a, 0
	for b < s.end && n < limit {
		_, size := utf8.DecodeRuneInString(text[b:])
		b += size
		n++
	}
	if b < s.end {
		if k := strings.LastIndexByte(text[a:b], ' '); k > 0 {
			b = a + k
		}
	}
	return b
}
