package search

import (
	"errors"
	"strings"
	"unicode"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/lang/de"
	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/fundus-kb/fundus/search/querylang"
)

// buildQuery parses the user's query (see package querylang for the
// syntax) and compiles it into a Bleve query. An empty query matches
// everything; a query that does not parse is an *InvalidRequestError for
// parameter "q" whose reason says where the error is.
func buildQuery(q string) (query.Query, error) {
	if strings.TrimSpace(q) == "" {
		return bleve.NewMatchAllQuery(), nil
	}
	n, err := querylang.Parse(q)
	if err != nil {
		var se *querylang.SyntaxError
		if errors.As(err, &se) {
			return nil, &InvalidRequestError{Param: "q", Reason: se.Error()}
		}
		return nil, &InvalidRequestError{Param: "q", Reason: err.Error()}
	}
	return compileQuery(n), nil
}

// compileQuery turns a query's syntax tree into a Bleve query over the
// index fields:
//
//   - a word or phrase without a field searches the title, summary and
//     body fields of every language, titles boosted ×2; title: and body:
//     search only that field (of every language). A single word is a match
//     query, so that each language's analyzer stems it; a word with inner
//     punctuation ("Co-Creation", "Start-up") and a phrase are match phrase
//     queries; a prefix is a prefix query on the lowercased (for German also
//     umlaut-normalised) prefix, OR-ed with a match query for the prefix as
//     a whole word (prefix queries do not meet stemmed forms shorter than
//     the prefix: "innovation*" must still find "innovation", indexed as
//     "innov").
//   - topic:, person: and org: match the whole keyword, ignoring case,
//     through the lowercased twin fields; type: and lang: match the type
//     and language, also in the spellings inputs use ("Fallstudie",
//     "Deutsch", "de-DE").
//   - Or is a disjunction, And a conjunction with its Not children as
//     must-not clauses, Bool a boolean query, Not and a query of negative
//     clauses only everything (MatchAll) except the excluded.
//
// A nil node (a query without words) matches everything.
func compileQuery(n querylang.Node) query.Query {
	switch n := n.(type) {
	case *querylang.Term:
		return compileLeaf(n.Field, n.Text, n.Prefix, false)
	case *querylang.Phrase:
		return compileLeaf(n.Field, n.Text, false, true)
	case *querylang.Or:
		qs := make([]query.Query, len(n.Children))
		for i, c := range n.Children {
			qs[i] = compileQuery(c)
		}
		return bleve.NewDisjunctionQuery(qs...)
	case *querylang.And:
		var must, mustNot []query.Query
		for _, c := range n.Children {
			if not, ok := c.(*querylang.Not); ok {
				mustNot = append(mustNot, compileQuery(not.Child))
			} else {
				must = append(must, compileQuery(c))
			}
		}
		if len(mustNot) == 0 {
			return bleve.NewConjunctionQuery(must...)
		}
		return booleanQuery(must, nil, mustNot)
	case *querylang.Not:
		return booleanQuery(nil, nil, []query.Query{compileQuery(n.Child)})
	case *querylang.Bool:
		var must, should, mustNot []query.Query
		for _, c := range n.Must {
			must = append(must, compileQuery(c))
		}
		for _, c := range n.Should {
			should = append(should, compileQuery(c))
		}
		for _, c := range n.MustNot {
			mustNot = append(mustNot, compileQuery(c))
		}
		return booleanQuery(must, should, mustNot)
	}
	return bleve.NewMatchAllQuery()
}

// booleanQuery returns a boolean query. Without must clauses, one should
// clause is required: the should clauses become a single must clause, a
// disjunction, which states that plainly. Without must and should clauses,
// everything but the must-not clauses matches.
func booleanQuery(must, should, mustNot []query.Query) query.Query {
	switch {
	case len(must) == 0 && len(should) == 0:
		must = []query.Query{bleve.NewMatchAllQuery()}
	case len(must) == 0:
		must, should = []query.Query{bleve.NewDisjunctionQuery(should...)}, nil
	}
	return query.NewBooleanQuery(must, should, mustNot)
}

// compileLeaf compiles a word (phrase false) or phrase of a field.
func compileLeaf(field, text string, prefix, phrase bool) query.Query {
	switch field {
	case "", querylang.FieldTitle, querylang.FieldBody:
		return textLeaf(field, text, prefix, phrase)
	case querylang.FieldTopic:
		return keywordLeaf("f_"+FacetTopics, keywordValue(text), prefix)
	case querylang.FieldPerson:
		return keywordLeaf("f_"+FacetPeople, keywordValue(text), prefix)
	case querylang.FieldOrg:
		return keywordLeaf("f_"+FacetOrganizations, keywordValue(text), prefix)
	case querylang.FieldType:
		v := keywordValue(text)
		if !prefix {
			if t := NormalizeType(v); t != TypeOther {
				v = t
			}
		}
		return keywordLeaf(FacetType, v, prefix)
	case querylang.FieldLang:
		v := keywordValue(text)
		if !prefix {
			if l, ok := languageNames[v]; ok {
				v = l
			} else if l := NormalizeLanguage(v); l != "" {
				v = l
			}
		}
		return keywordLeaf(FacetLanguage, v, prefix)
	}
	// The parser gives no other field; search the text to be safe.
	return textLeaf("", text, prefix, phrase)
}

// languageNames maps language names a user may write after lang: to the
// codes documents are indexed with.
var languageNames = map[string]string{
	"deutsch": LangGerman, "german": LangGerman, "englisch": LangEnglish, "english": LangEnglish,
}

// keywordValue is a keyword as it is indexed in the lowercased twin
// fields: lower case, single spaces.
func keywordValue(s string) string {
	return strings.ToLower(strings.Join(strings.Fields(s), " "))
}

func keywordLeaf(field, v string, prefix bool) query.Query {
	if prefix {
		pq := bleve.NewPrefixQuery(v)
		pq.SetField(field)
		return pq
	}
	tq := bleve.NewTermQuery(v)
	tq.SetField(field)
	return tq
}

// textLeaf searches a word, prefix or phrase in the text fields: field ""
// means title, summary and body, and each field is searched in every
// language, titles boosted ×2.
func textLeaf(field, text string, prefix, phrase bool) query.Query {
	family := "text"
	if field != "" {
		family = field
	}
	usePhrase := phrase || innerPunct(text)
	var qs []query.Query
	for _, l := range textLangs {
		name := family + "_" + l.suffix
		if prefix {
			pq := bleve.NewPrefixQuery(prefixTerm(text, l.analyzer))
			pq.SetField(name)
			qs = append(qs, pq)
		}
		switch {
		case phrase:
			mq := bleve.NewMatchPhraseQuery(text)
			mq.SetField(name)
			qs = append(qs, mq)
		case usePhrase:
			// A word with inner punctuation ("Co-Creation-Workshop",
			// "IL-6"): its parts are searched as words, and finding them
			// side by side, as written, adds to the score.
			parts := bleve.NewMatchQuery(text)
			parts.SetField(name)
			together := bleve.NewMatchPhraseQuery(text)
			together.SetField(name)
			qs = append(qs, bleve.NewDisjunctionQuery(parts, together))
		default:
			mq := bleve.NewMatchQuery(text)
			mq.SetField(name)
			qs = append(qs, mq)
		}
	}
	return bleve.NewDisjunctionQuery(qs...)
}

// innerPunct reports whether a word has punctuation between its letters
// and digits ("Co-Creation", "z.B.", "foo:bar"), so that the analyzer
// splits it into several tokens that should stay together.
func innerPunct(s string) bool {
	word := func(r rune) bool { return unicode.IsLetter(r) || unicode.IsNumber(r) || unicode.IsMark(r) }
	s = strings.TrimFunc(s, func(r rune) bool { return !word(r) })
	return strings.IndexFunc(s, func(r rune) bool { return !word(r) }) >= 0
}

// germanNormalize is the German analyzer's umlaut and ß normalisation.
var germanNormalize = de.NewGermanNormalizeFilter()

// prefixTerm is a prefix as the analyzer indexes the start of a word:
// lower case, for German also with umlauts and ß normalised. Stemming
// cannot be applied to a part of a word.
func prefixTerm(prefix, analyzer string) string {
	p := strings.ToLower(prefix)
	if analyzer == "de" {
		ts := germanNormalize.Filter(analysis.TokenStream{&analysis.Token{Term: []byte(p)}})
		p = string(ts[0].Term)
	}
	return p
}

// PlainText rewrites q so that the query language reads it as plain words:
// quotes, parentheses and field prefixes become spaces, leading + - ! and
// trailing * are dropped, and operator words are lowercased.
func PlainText(q string) string {
	words := strings.FieldsFunc(q, func(r rune) bool {
		return unicode.IsSpace(r) || strings.ContainsRune(`()"`, r)
	})
	out := words[:0]
	for _, w := range words {
		w = strings.TrimRight(strings.TrimLeft(w, "+-!"), "*")
		w = strings.ReplaceAll(w, ":", " ")
		switch w {
		case "", "&&", "||":
			continue
		case "AND", "OR", "NOT", "UND", "ODER", "NICHT":
			w = strings.ToLower(w)
		}
		out = append(out, w)
	}
	return strings.Join(out, " ")
}
