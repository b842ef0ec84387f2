package search

import (
	"context"
	"sort"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"
)

// Pseudo-relevance feedback (RM3, as in Anserini's BM25+RM3; see
// Feedback). Off in DefaultTuning: no variant helped on the German
// collection, each cost SciFact nDCG@10, and it doubles a search's work;
// it runs only when an evaluation's Tuning asks for it (BENCHMARKS.md,
// "Ranking experiments").

// withFeedback returns textQ expanded with RM3 terms from its top
// fb.Docs documents under r's filters, or textQ itself when there is nothing to
// add.
func (ix *Index) withFeedback(ctx context.Context, r Request, textQ query.Query, fb Feedback) (query.Query, error) {
	req := ix.request(ctx, textQ, r, "")
	req.Size = fb.Docs
	req.Fields = []string{FacetLanguage}
	for _, l := range textLangs {
		req.Fields = append(req.Fields, "text_"+l.suffix)
	}
	res, err := ix.b.SearchInContext(ctx, req)
	if err != nil || len(res.Hits) == 0 {
		return textQ, err
	}
	// P(d|q): the documents' scores, normalised (Anserini uses the
	// retrieval scores as they are).
	var total float64
	for _, h := range res.Hits {
		total += h.Score
	}
	type fieldTerm struct{ field, term string }
	rel := map[fieldTerm]float64{}
	for _, h := range res.Hits {
		for _, l := range textLangs {
			text, _ := h.Fields["text_"+l.suffix].(string)
			if text == "" {
				continue
			}
			an := analyzerNamed(l.analyzer)
			if an == nil {
				continue
			}
			toks := an.Analyze([]byte(text))
			if len(toks) == 0 {
				continue
			}
			w := h.Score / total / float64(len(toks))
			for _, t := range toks {
				if feedbackTerm(string(t.Term)) {
					rel[fieldTerm{"text_" + l.suffix, string(t.Term)}] += w
				}
			}
		}
	}
	type scored struct {
		ft fieldTerm
		p  float64
	}
	var terms []scored
	for ft, p := range rel {
		terms = append(terms, scored{ft, p})
	}
	sort.Slice(terms, func(i, j int) bool {
		if terms[i].p != terms[j].p {
			return terms[i].p > terms[j].p
		}
		return terms[i].ft.term < terms[j].ft.term
	})
	terms = terms[:min(len(terms), fb.Terms)]
	if len(terms) == 0 {
		return textQ, nil
	}
	var sum float64
	for _, t := range terms {
		sum += t.p
	}
	// The original query scores like a sum over its words; the expansion
	// terms' weights add up to one word's, scaled to the query's length,
	// so that the weight splits the two fairly.
	var exp []query.Query
	for _, t := range terms {
		tq := bleve.NewTermQuery(t.ft.term)
		tq.SetField(t.ft.field)
		tq.SetBoost((1 - fb.Weight) * t.p / sum)
		exp = append(exp, tq)
	}
	orig := bleve.NewDisjunctionQuery(textQ)
	orig.SetBoost(fb.Weight)
	if fb.Rerank {
		// The original query must still match: expansion reorders its
		// documents and adds none.
		return query.NewBooleanQuery([]query.Query{orig}, []query.Query{newSumQuery(exp...)}, nil), nil
	}
	return newSumQuery(orig, newSumQuery(exp...)), nil
}

// feedbackTerm reports whether an analysed term may expand a query: words
// of letters, 3 to 20 long (numbers and fragments say little).
func feedbackTerm(t string) bool {
	n := utf8.RuneCountInString(t)
	if n < 3 || n > 20 {
		return false
	}
	for _, r := range t {
		if !unicode.IsLetter(r) {
			return false
		}
	}
	return true
}
