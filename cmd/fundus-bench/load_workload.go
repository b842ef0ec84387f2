package main

// What the load clients send: searches drawn from SciFact claims and the
// corpus vocabulary, and new documents each with a word unique to it.

import (
	"cmp"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"net/url"
	"slices"
	"strings"
	"unicode"

	"github.com/fundus-kb/fundus/indexer/parse"
	"github.com/fundus-kb/fundus/search"
	"github.com/fundus-kb/fundus/search/querylang"
)

// Request kinds.
const (
	loadSearch = iota
	loadWrite
	loadKinds
)

var loadKindNames = [loadKinds]string{"search", "write"}

// loadFilter is one facet filter a search may carry.
type loadFilter struct{ param, value string }

// loadWorkload is what the clients draw their requests from.
type loadWorkload struct {
	claims   []string // SciFact test claims, as plain words
	dropped  int      // claims the query language rejects even as plain words
	vocab    []string // corpus words for random queries and written documents
	filters  []loadFilter
	language string // language of written documents
}

// Topics and years of the written documents (so filters on them match).
var (
	loadTopics = []string{"Lasttest", "Load testing", "Durchsatz", "Latency"}
	loadYears  = []string{"2019", "2020", "2021", "2022", "2023", "2024"}
)

// searchPath returns a random search: half SciFact claims (when there are
// any), half 1–3 words from the vocabulary; every fourth one also filters
// by a facet value. Every search answers with its facet counts.
func (w *loadWorkload) searchPath(r *rand.Rand) string {
	var q string
	if len(w.claims) > 0 && r.IntN(2) == 0 {
		q = w.claims[r.IntN(len(w.claims))]
	} else {
		n := 1 + r.IntN(3)
		words := make([]string, n)
		for i := range words {
			words[i] = w.vocab[r.IntN(len(w.vocab))]
		}
		q = strings.Join(words, " ")
	}
	v := url.Values{"q": {q}}
	if len(w.filters) > 0 && r.IntN(4) == 0 {
		f := w.filters[r.IntN(len(w.filters))]
		v.Set(f.param, f.value)
	}
	return "/api/search?" + v.Encode()
}

// loadAlphabet spells unique words: consonants no stemmer strips or
// rewrites (no vowels, no s or y), so a word is indexed as written.
const loadAlphabet = "bcdfghjklmnpqrtvwxz"

// loadUniqueWord is the word only document n of client c contains: a
// fixed prefix, the client in 2 and n in 5 base-19 digits, each digit
// written three times, and a final q. All such words have the same length,
// so no stemmer can make two of them equal, and any two differ in at least
// three letters, more than the search's typo tolerance bridges (two edits).
func loadUniqueWord(c, n int) string {
	b := []byte("zqx")
	enc := func(v, width int) {
		d := make([]byte, 0, 3*width)
		for range width {
			x := loadAlphabet[v%len(loadAlphabet)]
			d = append([]byte{x, x, x}, d...)
			v /= len(loadAlphabet)
		}
		b = append(b, d...)
	}
	enc(c, 2)
	enc(n, 5)
	return string(append(b, 'q'))
}

// loadWordCapacity is how many documents per client loadUniqueWord can
// tell apart.
var loadWordCapacity = int(math.Pow(float64(len(loadAlphabet)), 5))

// loadWritten is an acknowledged write: the document's id and unique word.
type loadWritten struct {
	id, word string
}

// loadID is the id of document n of client c.
func loadID(c, n int) string { return fmt.Sprintf("load/%d-%d", c, n) }

// document returns the JSON body of document n of client c: a title and a
// body of vocabulary words with the document's unique word, a type, a
// date, the workload's language and one or two topics.
func (w *loadWorkload) document(r *rand.Rand, c, n int) (id, word string, body []byte) {
	id, word = loadID(c, n), loadUniqueWord(c, n)
	words := func(k int) []string {
		out := make([]string, k)
		for i := range out {
			out[i] = w.vocab[r.IntN(len(w.vocab))]
		}
		return out
	}
	title := append(words(3+r.IntN(4)), word)
	text := words(30 + r.IntN(50))
	text = slices.Insert(text, r.IntN(len(text)+1), word)
	topics := []string{loadTopics[r.IntN(len(loadTopics))]}
	if t := loadTopics[r.IntN(len(loadTopics))]; r.IntN(2) == 0 && t != topics[0] {
		topics = append(topics, t)
	}
	doc := map[string]any{
		"id":       id,
		"type":     []string{"webinar", "case", "other"}[r.IntN(3)],
		"title":    strings.Join(title, " "),
		"body":     strings.Join(text, " ") + ".",
		"date":     fmt.Sprintf("%s-%02d-%02d", loadYears[r.IntN(len(loadYears))], 1+r.IntN(12), 1+r.IntN(28)),
		"language": w.language,
		"topics":   topics,
	}
	body, err := json.Marshal(doc)
	if err != nil {
		panic(err) // strings only
	}
	return id, word, body
}

// loadVocabulary returns the words of texts for random queries: letters
// only, 4 to 20 of them, seen at least 3 times, without the 50 most
// frequent (mostly stop words); at most limit, most frequent first.
func loadVocabulary(texts []string, limit int) []string {
	count := map[string]int{}
	for _, t := range texts {
		for _, w := range strings.FieldsFunc(t, func(r rune) bool { return !unicode.IsLetter(r) }) {
			if n := len([]rune(w)); n >= 4 && n <= 20 {
				count[strings.ToLower(w)]++
			}
		}
	}
	words := make([]string, 0, len(count))
	for w, n := range count {
		if n >= 3 {
			words = append(words, w)
		}
	}
	slices.SortFunc(words, func(a, b string) int {
		return cmp.Or(cmp.Compare(count[b], count[a]), cmp.Compare(a, b))
	})
	words = words[min(50, len(words)/10):]
	return words[:min(limit, len(words))]
}

// loadClaimsFrom reads the texts of the queries in queries.jsonl that the
// qrels file names, in file order, as plain words. Claims the query
// language rejects even so are left out and counted.
func loadClaimsFrom(queries, qrels string) (claims []string, dropped int, err error) {
	texts, _, err := testQueries(queries, qrels)
	if err != nil {
		return nil, 0, err
	}
	for _, t := range texts {
		p := search.PlainText(t)
		if _, err := querylang.Parse(p); err != nil || strings.TrimSpace(p) == "" || len([]rune(p)) > search.MaxQueryLength {
			dropped++
			continue
		}
		claims = append(claims, p)
	}
	if len(claims) == 0 {
		return nil, dropped, fmt.Errorf("no test queries in %s named by %s", queries, qrels)
	}
	return claims, dropped, nil
}

// newLoadWorkload builds the workload from the corpus records.
func newLoadWorkload(recs []parse.Record, claims []string, dropped int, language string) (*loadWorkload, error) {
	texts := make([]string, 0, 2*len(recs))
	topicCount := map[string]int{}
	for _, r := range recs {
		texts = append(texts, r.Doc.Title, r.Doc.Summary, r.Doc.Body)
		for _, t := range r.Doc.Topics {
			topicCount[t]++
		}
	}
	w := &loadWorkload{claims: claims, dropped: dropped, vocab: loadVocabulary(texts, 5000), language: language}
	if len(w.vocab) < 50 {
		return nil, fmt.Errorf("the corpus yields only %d words for queries", len(w.vocab))
	}
	w.filters = []loadFilter{{"lang", "en"}, {"lang", "de"}, {"type", "other"}, {"type", "webinar"}, {"type", "case"}}
	for _, t := range loadTopics {
		w.filters = append(w.filters, loadFilter{"topic", t})
	}
	for _, y := range loadYears {
		w.filters = append(w.filters, loadFilter{"year", y})
	}
	topics := make([]string, 0, len(topicCount))
	for t := range topicCount {
		topics = append(topics, t)
	}
	slices.SortFunc(topics, func(a, b string) int { return cmp.Or(cmp.Compare(topicCount[b], topicCount[a]), cmp.Compare(a, b)) })
	for _, t := range topics[:min(10, len(topics))] {
		w.filters = append(w.filters, loadFilter{"topic", t})
	}
	return w, nil
}
