package search

import (
	"context"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/agnivade/levenshtein"
	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"
	index "github.com/blevesearch/bleve_index_api"

	"github.com/fundus-kb/fundus/search/querylang"
)

// Typo tolerance: when a query has words the index does not know, or finds
// fewer than fewHits documents, its words get fuzzy alternatives (terms of
// the index within a small edit distance) and the search runs again; and
// each unknown word that has a close, frequent term in the index is
// suggested in its place ("did you mean").

// fewHits is the number of hits below which a query is retried fuzzily.
const fewHits = 3

// maxFuzzyTerms bounds the fuzzy alternatives of one word per field; the
// most frequent are kept.
const maxFuzzyTerms = 8

// editDistance is the number of edits a word of n letters may be away from
// an index term: 1 from 5 letters, 2 from 9, none below 5.
func editDistance(word string) int {
	n := 0
	for _, r := range word {
		if unicode.IsLetter(r) || unicode.IsNumber(r) {
			n++
		}
	}
	switch {
	case n >= 9:
		return 2
	case n >= 5:
		return 1
	}
	return 0
}

// plainWords returns the words of a parsed query that search the text
// fields without a prefix, in query order, each once; words under NOT are
// left out (they only exclude).
func plainWords(n querylang.Node) []string {
	var out []string
	var walk func(querylang.Node)
	walk = func(n querylang.Node) {
		switch n := n.(type) {
		case *querylang.Term:
			// A word with an apostrophe ("geht's") is no typo: its
			// correction would drop the apostrophe ("gets").
			if n.Field == "" && !n.Prefix && !hasApostrophe(n.Text) && !slices.Contains(out, n.Text) {
				out = append(out, n.Text)
			}
		case *querylang.Or:
			for _, c := range n.Children {
				walk(c)
			}
		case *querylang.And:
			for _, c := range n.Children {
				walk(c)
			}
		case *querylang.Bool:
			for _, c := range n.Must {
				walk(c)
			}
			for _, c := range n.Should {
				walk(c)
			}
		}
	}
	walk(n)
	return out
}

// fuzzyTerm is an index term close to a query word.
type fuzzyTerm struct {
	term  string
	count int
	dist  int
}

// termIndex answers the term questions of typo tolerance from one reader
// of the index.
type termIndex struct {
	ix *Index
	r  index.IndexReader
}

// reader opens a reader of the index as it is now; the caller closes it.
func (ix *Index) reader() (index.IndexReader, error) {
	adv, err := ix.b.Advanced()
	if err != nil {
		return nil, err
	}
	return adv.Reader()
}

func (ix *Index) termIndex() (*termIndex, error) {
	r, err := ix.reader()
	if err != nil {
		return nil, err
	}
	return &termIndex{ix: ix, r: r}, nil
}

func (ti *termIndex) Close() error { return ti.r.Close() }

// analyzeWord returns the terms of word as a language's analyzer makes them.
func (ti *termIndex) analyzeWord(word, analyzer string) []string {
	an := ti.ix.b.Mapping().AnalyzerNamed(analyzer)
	if an == nil {
		return nil
	}
	var out []string
	for _, t := range an.Analyze([]byte(word)) {
		out = append(out, string(t.Term))
	}
	return out
}

// df returns the number of documents with term in field.
func (ti *termIndex) df(ctx context.Context, field, term string) int {
	tfr, err := ti.r.TermFieldReader(ctx, []byte(term), field, false, false, false)
	if err != nil {
		return 0
	}
	defer tfr.Close()
	return int(tfr.Count())
}

// known reports whether some language's text field has every term of word
// (a word that the analyzers drop, a stop word, counts as known), or word
// is German and finds compounds or parts in the index.
func (ti *termIndex) known(ctx context.Context, c *compiler, word string) bool {
	for _, l := range textLangs {
		terms := ti.analyzeWord(word, l.analyzer)
		if len(terms) == 0 {
			return true
		}
		all := true
		for _, t := range terms {
			if ti.df(ctx, "text_"+l.suffix, t) == 0 {
				all = false
				break
			}
		}
		if all {
			return true
		}
	}
	return len(c.germanAlternatives("text_"+LangGerman, word)) > 0
}

// fuzzyTerms returns the terms of field within dist edits of term, term
// itself excluded, nearest and then most frequent first.
func (ti *termIndex) fuzzyTerms(field, term string, dist int) []fuzzyTerm {
	if dist == 0 || term == "" {
		return nil
	}
	fr, ok := ti.r.(index.IndexReaderFuzzy)
	if !ok {
		return nil
	}
	d, err := fr.FieldDictFuzzy(field, term, dist, "")
	if err != nil {
		return nil
	}
	defer d.Close()
	var out []fuzzyTerm
	for {
		e, err := d.Next()
		if err != nil || e == nil {
			break
		}
		if e.Term == term {
			continue
		}
		out = append(out, fuzzyTerm{term: e.Term, count: int(e.Count), dist: int(e.EditDistance)})
	}
	slices.SortStableFunc(out, func(a, b fuzzyTerm) int {
		if a.dist != b.dist {
			return a.dist - b.dist
		}
		return b.count - a.count
	})
	return out
}

// fuzzyAlternatives returns, per text field of every language, the fuzzy
// alternatives of word as term queries, each weighed by boost
// (Tuning.FuzzyBoost) and its edit distance.
func (ti *termIndex) fuzzyAlternatives(family, word string, boost float64) map[string][]query.Query {
	dist := editDistance(word)
	if dist == 0 {
		return nil
	}
	out := map[string][]query.Query{}
	for _, l := range textLangs {
		terms := ti.analyzeWord(word, l.analyzer)
		if len(terms) != 1 {
			continue
		}
		field := family + "_" + l.suffix
		cands := ti.fuzzyTerms("text_"+l.suffix, terms[0], dist)
		if len(cands) > maxFuzzyTerms {
			cands = cands[:maxFuzzyTerms]
		}
		n := float64(utf8.RuneCountInString(terms[0]))
		for _, c := range cands {
			tq := bleve.NewTermQuery(c.term)
			tq.SetField(field)
			tq.SetBoost(boost * max(0.1, 1-float64(c.dist)/n))
			out[field] = append(out[field], tq)
		}
	}
	return out
}

// correction returns the word that word most likely means: among the
// terms within its edit distance in any language's text field, the
// nearest, then the most frequent, spelled as a visible document spells
// it; "" when there is none. Two conditions keep a correct word that the
// index lacks from being "corrected" to another word:
//   - the spelling is itself within the edit distance of word (case
//     aside): "misst" is one edit from the stem "musst", but "mussten", how
//     the documents write it, is three edits away;
//   - when the query has other words (known: those the index knows),
//     the term shares a document with a third of them (cooccurs):
//     "Die Lutherbibel beeinflusste wessen Übersetzung?" is not offered
//     "messen" from an article on another subject.
func (ti *termIndex) correction(ctx context.Context, word string, known []string) string {
	dist := editDistance(word)
	if dist == 0 {
		return ""
	}
	type cand struct {
		fuzzyTerm
		field, analyzer string
	}
	var cands []cand
	for _, l := range textLangs {
		terms := ti.analyzeWord(word, l.analyzer)
		if len(terms) != 1 {
			continue
		}
		for _, c := range ti.fuzzyTerms("text_"+l.suffix, terms[0], dist) {
			cands = append(cands, cand{c, "text_" + l.suffix, l.analyzer})
		}
	}
	slices.SortStableFunc(cands, func(a, b cand) int {
		if a.dist != b.dist {
			return a.dist - b.dist
		}
		return b.count - a.count
	})
	lower := strings.ToLower(word)
	for i, c := range cands {
		if i >= 5 {
			break
		}
		// The shared-document count is the cheaper check: it loads no
		// stored text.
		if !ti.cooccurs(ctx, c.field, c.analyzer, c.term, known) {
			continue
		}
		best, bestDist := "", dist+1
		for _, s := range ti.ix.surfaceForms(ctx, c.field, c.term) {
			if d := levenshtein.ComputeDistance(lower, strings.ToLower(s)); d < bestDist {
				best, bestDist = s, d
			}
		}
		if best != "" {
			return best
		}
	}
	return ""
}

// cooccurs reports whether a visible document has term in field together
// with at least a third of the words (analysed by analyzer; a word counts
// when field has its terms), or no word counts. Measured on the xquad-dev
// questions with one letter dropped from their longest word (see
// BENCHMARKS.md): one shared word lets more wrong corrections through, half
// of them misses typos whose paragraph paraphrases the question.
func (ti *termIndex) cooccurs(ctx context.Context, field, analyzer, term string, words []string) bool {
	var others []query.Query
	for _, w := range words {
		var terms []query.Query
		for _, t := range ti.analyzeWord(w, analyzer) {
			if ti.df(ctx, field, t) == 0 {
				continue // known through compound parts or another language
			}
			tq := bleve.NewTermQuery(t)
			tq.SetField(field)
			terms = append(terms, tq)
		}
		if len(terms) > 0 {
			others = append(others, bleve.NewDisjunctionQuery(terms...))
		}
	}
	if len(others) == 0 {
		return true
	}
	tq := bleve.NewTermQuery(term)
	tq.SetField(field)
	dq := bleve.NewDisjunctionQuery(others...)
	dq.SetMin(float64((len(others) + 2) / 3))
	q := bleve.NewConjunctionQuery(tq, dq)
	res, err := ti.ix.b.SearchInContext(ctx, bleve.NewSearchRequestOptions(restrict(ctx, q), 0, 0, false))
	return err == nil && res.Total > 0
}

// maxSurfaceDocs bounds the documents whose spellings of a term
// surfaceForms collects.
const maxSurfaceDocs = 5

// surfaceForms returns the words of visible documents (up to
// maxSurfaceDocs of them) that field indexes as term, as the documents
// write them, each once.
func (ix *Index) surfaceForms(ctx context.Context, field, term string) []string {
	tq := bleve.NewTermQuery(term)
	tq.SetField(field)
	req := bleve.NewSearchRequestOptions(restrict(ctx, tq), maxSurfaceDocs, 0, false)
	req.Fields = []string{field}
	req.IncludeLocations = true
	res, err := ix.b.SearchInContext(ctx, req)
	if err != nil {
		return nil
	}
	var out []string
	for _, h := range res.Hits {
		text, _ := h.Fields[field].(string)
		for _, loc := range h.Locations[field][term] {
			if loc.End <= uint64(len(text)) && loc.Start < loc.End {
				if s := text[loc.Start:loc.End]; !slices.Contains(out, s) {
					out = append(out, s)
				}
			}
		}
	}
	return out
}

// replaceWord replaces the first whole-word occurrence of word in q.
func replaceWord(q, word, with string) string {
	isWord := func(r rune) bool { return unicode.IsLetter(r) || unicode.IsNumber(r) || r == '-' }
	for i := 0; ; {
		j := strings.Index(q[i:], word)
		if j < 0 {
			return q
		}
		j += i
		end := j + len(word)
		before, _ := utf8.DecodeLastRuneInString(q[:j])
		after, _ := utf8.DecodeRuneInString(q[end:])
		if (j == 0 || !isWord(before)) && (end == len(q) || !isWord(after)) {
			return q[:j] + with + q[end:]
		}
		i = j + 1
	}
}

// typoPlan is what typo tolerance does for one query.
type typoPlan struct {
	// fuzzy maps the words that get fuzzy alternatives to them, per field.
	fuzzy map[string]map[string][]query.Query
	// didYouMean is the query with unknown words corrected, or "".
	didYouMean string
	// unknown reports words the index does not know.
	unknown bool
}

// planTypos looks at the words of query q (the user's text, parsed as n):
// which the index does not know, their fuzzy alternatives (of every word
// with all), and, without all, the "did you mean" correction. It returns
// nil when q has no plain words. The fuzzy alternatives of all words
// together stay within budget terms (see MaxExpansions): a word whose
// alternatives do not fit is searched as written.
func (ix *Index) planTypos(ctx context.Context, c *compiler, q string, n querylang.Node, all bool, budget int) *typoPlan {
	words := plainWords(n)
	if len(words) == 0 {
		return nil
	}
	ti, err := ix.termIndex()
	if err != nil {
		return nil
	}
	defer ti.Close()
	var unknown []string
	for _, w := range words {
		if !ti.known(ctx, c, w) {
			unknown = append(unknown, w)
		}
	}
	plan := &typoPlan{fuzzy: map[string]map[string][]query.Query{}, unknown: len(unknown) > 0}
	fuzz := unknown
	if all {
		fuzz = words
	}
	for _, w := range fuzz {
		if ctx.Err() != nil {
			break // the search fails with the context's error
		}
		alts := ti.fuzzyAlternatives("text", w, c.tune.FuzzyBoost)
		cost := 0
		for _, qs := range alts {
			cost += len(qs)
		}
		if cost == 0 || cost > budget {
			continue
		}
		budget -= cost
		plan.fuzzy[w] = alts
	}
	if all {
		return plan
	}
	var known []string
	for _, w := range words {
		if !slices.Contains(unknown, w) {
			known = append(known, w)
		}
	}
	corrected, changed := q, false
	for _, w := range unknown {
		// A word keeps the punctuation around it ("Datenrume?"); the
		// correction replaces only the word.
		w = strings.TrimFunc(w, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsNumber(r) })
		if s := ti.correction(ctx, w, known); s != "" && !strings.EqualFold(s, w) {
			corrected, changed = replaceWord(corrected, w, s), true
		}
	}
	if changed {
		plan.didYouMean = corrected
	}
	return plan
}

// fuzzyCount returns the number of words with fuzzy alternatives (0 for a
// nil plan).
func (p *typoPlan) fuzzyCount() int {
	if p == nil {
		return 0
	}
	return len(p.fuzzy)
}
