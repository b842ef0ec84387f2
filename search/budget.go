package search

import (
	"context"
	"fmt"

	"github.com/fundus-kb/fundus/search/querylang"
)

// Cost budget of a search. A prefix ("ca*") becomes one term searcher per
// index term that starts with it, in every field it searches, and Bleve
// sets no bound of its own (searcher.DisjunctionMaxClauseCount and
// search.MaxTermSearchersKey are off by default): 55 two-letter prefixes
// ("ca* ce* … hu*") make 4,843 term searchers over SciFact, each with its
// buffers, and forty such searches at once took seconds and a gigabyte. So before a query runs, the
// terms its prefixes expand to are counted in the field dictionaries (an
// FST walk that stops at the budget, far cheaper than the search), and the
// fuzzy alternatives of typo tolerance are counted against what is left.
//
// MaxExpansions is the budget, for all prefixes and fuzzy words of a query
// together, counted per field (a prefix searched in the German, English
// and other-language text fields counts its terms in each). Measured on
// SciFact (5,183 abstracts, 28,793 terms in text_en): a two-letter prefix
// expands to 8 terms at the median, 102 at the 90th percentile and 577 at
// most ("co"); a three-letter prefix to 2, 11 and 268 ("con"); the demo
// corpus' dictionaries are far smaller. Fuzzy alternatives are at most
// maxFuzzyTerms per word and field. So 2,000 lets a query carry several of
// the broadest two-letter prefixes and all the fuzzy words it can have,
// and stops the 55-prefix query.
//
// A query whose prefixes exceed it is refused (an *InvalidRequestError for
// "q" that names the broadest prefix). Typo tolerance never fails a
// query: a word whose fuzzy alternatives no longer fit is searched as
// written (the fuzzy reading is an extra the user did not ask for).
const MaxExpansions = 2000

// fieldTerm is a term of one index field.
type fieldTerm struct{ field, term string }

// prefixTargets returns the fields and prefix terms a prefix word of the
// query searches, as compileLeaf builds them: the text fields of every
// language (lowercased, German umlauts normalised) for a word without a
// field and for title: and body: (textFamily), the lowercased twin field
// for a keyword field.
func prefixTargets(field, text string) []fieldTerm {
	switch field {
	case "", querylang.FieldTitle, querylang.FieldBody:
		family := textFamily(field)
		out := make([]fieldTerm, 0, len(textLangs))
		for _, l := range textLangs {
			out = append(out, fieldTerm{family + "_" + l.suffix, prefixTerm(text, l.analyzer)})
		}
		return out
	case querylang.FieldTopic:
		return []fieldTerm{{"f_" + FacetTopics, keywordValue(text)}}
	case querylang.FieldPerson:
		return []fieldTerm{{"f_" + FacetPeople, keywordValue(text)}}
	case querylang.FieldOrg:
		return []fieldTerm{{"f_" + FacetOrganizations, keywordValue(text)}}
	case querylang.FieldType:
		return []fieldTerm{{FacetType, keywordValue(text)}}
	case querylang.FieldLang:
		return []fieldTerm{{FacetLanguage, keywordValue(text)}}
	}
	return prefixTargets("", text)
}

// prefixWord is a prefix as the user wrote it, for messages.
func prefixWord(t *querylang.Term) string {
	if t.Field != "" {
		return t.Field + ":" + t.Text + "*"
	}
	return t.Text + "*"
}

// prefixCost counts the index terms the prefixes of n expand to, and
// returns how many of budget are left for fuzzy alternatives. When they
// exceed budget, it returns an *InvalidRequestError for "q" naming the
// broadest prefix counted; counting stops there.
func (ti *termIndex) prefixCost(ctx context.Context, n querylang.Node, budget int) (int, error) {
	var prefixes []*querylang.Term
	querylang.Walk(n, func(n querylang.Node) {
		if t, ok := n.(*querylang.Term); ok && t.Prefix {
			prefixes = append(prefixes, t)
		}
	})
	left := budget
	var broadest *querylang.Term
	broadestN := 0
	for _, t := range prefixes {
		if err := ctx.Err(); err != nil {
			return 0, err
		}
		// Each prefix is counted up to the whole budget, so that the
		// message can tell a prefix too broad on its own.
		n := 0
		for _, ft := range prefixTargets(t.Field, t.Text) {
			n += ti.prefixTerms(ft.field, ft.term, budget-n+1)
			if n > budget {
				break
			}
		}
		if n > broadestN {
			broadest, broadestN = t, n
		}
		if n > left {
			if n > budget {
				return 0, &InvalidRequestError{Param: "q", Reason: fmt.Sprintf(
					"%s matches more than %d words; add letters", prefixWord(t), budget)}
			}
			return 0, &InvalidRequestError{Param: "q", Reason: fmt.Sprintf(
				"the prefixes match more than %d words together, %s alone %d; add letters or use fewer prefixes",
				budget, prefixWord(broadest), broadestN)}
		}
		left -= n
	}
	return left, nil
}

// prefixTerms returns the number of terms of field that start with
// prefix, counting no further than limit.
func (ti *termIndex) prefixTerms(field, prefix string, limit int) int {
	d, err := ti.r.FieldDictPrefix(field, []byte(prefix))
	if err != nil {
		return 0
	}
	defer d.Close()
	n := 0
	for n < limit {
		e, err := d.Next()
		if err != nil || e == nil {
			break
		}
		n++
	}
	return n
}

// expansionBudget checks the prefixes of the parsed query n against
// MaxExpansions and returns what is left of it for fuzzy alternatives.
func (ix *Index) expansionBudget(ctx context.Context, n querylang.Node) (int, error) {
	if n == nil {
		return MaxExpansions, nil
	}
	ti, err := ix.termIndex()
	if err != nil {
		return 0, fmt.Errorf("count the query's expansions: %w", err)
	}
	defer ti.Close()
	return ti.prefixCost(ctx, n, MaxExpansions)
}
