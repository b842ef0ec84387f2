package search

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2"
	bleveanalysis "github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/custom"
	"github.com/blevesearch/bleve/v2/analysis/lang/de"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	"github.com/blevesearch/bleve/v2/analysis/token/lowercase"
	bleveunicode "github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"
	"github.com/blevesearch/bleve/v2/registry"
	"github.com/blevesearch/bleve/v2/search/query"

	fanalysis "github.com/fundus-kb/fundus/search/analysis"
	"github.com/fundus-kb/fundus/search/querylang"
)

// buildQuery parses the user's query (see package querylang for the
// syntax) and compiles it into a Bleve query. An empty query matches
// everything; a query that does not parse is an *InvalidRequestError for
// parameter "q" whose reason says where the error is.
func buildQuery(q string) (query.Query, error) {
	return (&compiler{tune: DefaultTuning()}).build(q)
}

// compiler compiles parsed queries. Without the index's vocabulary it
// expands no German compounds.
type compiler struct {
	// vocab is the index's German vocabulary, for compound expansion; nil
	// for none.
	vocab *vocab
	// fuzzy maps words of the query to their fuzzy alternatives per field
	// (typo tolerance); nil for none.
	fuzzy map[string]map[string][]query.Query
	// gloss is the glossary, for phrase synonyms and topic aliases; nil
	// for none.
	gloss *Glossary
	// qlang is the language the query's words tell (queryLanguage), when
	// Tuning.ForeignWeight is on; "" for none.
	qlang string
	// tune holds the features and weights (DefaultTuning unless an
	// evaluation asks for others).
	tune Tuning
	// capitalised holds the query's words, as written, that start with a
	// capital letter after its first word: a stop word of another language
	// written so is a name or a title ("Doctor Who", "The Who"), searched
	// in every language's field (see Tuning.ForeignStopWords).
	capitalised map[string]bool
}

// capitalisedWords returns the words of q after its first that start with
// an upper-case letter.
func capitalisedWords(q string) map[string]bool {
	out := map[string]bool{}
	words := strings.FieldsFunc(q, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '\'' })
	for i, w := range words {
		if r, _ := utf8.DecodeRuneInString(w); i > 0 && unicode.IsUpper(r) {
			out[w] = true
		}
	}
	return out
}

// build is buildQuery with the compiler's resources.
func (c *compiler) build(q string) (query.Query, error) {
	_, bq, err := c.parse(q)
	return bq, err
}

// parse parses q and compiles it; the syntax tree is nil for an empty query.
func (c *compiler) parse(q string) (querylang.Node, query.Query, error) {
	if strings.TrimSpace(q) == "" {
		return nil, allDocs(), nil
	}
	n, err := querylang.ParseChecked(q, checkFilterValue)
	if err != nil {
		var se *querylang.SyntaxError
		if errors.As(err, &se) {
			return nil, nil, &InvalidRequestError{Param: "q", Reason: se.Error()}
		}
		return nil, nil, &InvalidRequestError{Param: "q", Reason: err.Error()}
	}
	if c.tune.ForeignWeight > 0 && c.tune.ForeignWeight != 1 {
		c.qlang = queryLanguage(n)
	}
	c.capitalised = capitalisedWords(q)
	if c.tune.QuestionFillers && IsQuestion(q) {
		n = dropFillers(n, asksAsWe(q))
	}
	return n, c.compile(n), nil
}

// questionFillers are German words a question is phrased with that say
// nothing about what it asks ("Wie lautet …", "Wie viele … gibt es",
// "Wie nennt man …", "Was versteht man unter …"), and
// that are no stop words: as query words they would rank documents that
// happen to hold them. Measured on every make eval collection
// (BENCHMARKS.md); the English ones ("many", "much") lose there.
var questionFillers = map[string]bool{
	"lautet": true, "lautete": true, "lauten": true, "heißt": true, "hieß": true, "heißen": true,
	"gibt": true, "viele": true, "vielen": true, "wieviel": true,
	"nennt": true, "nennen": true, "nannte": true, "nannten": true, "genannt": true,
	"bezeichnet": true, "bezeichnete": true, "versteht": true,
}

// knowingWords are the words with which members ask what the network
// knows ("Was haben wir über Fehlerkultur gelernt?", "Was wissen wir über
// Datenräume?", "What did we learn about innovation culture?",
// "Welche Erfahrungen haben wir mit Hackathons gemacht?"). Asked by "wir"
// or "we", they mean the knowledge base itself and say nothing about the
// subject; as query words they would rank first the documents that
// happen to hold "gelernt" or "wissen", and halve the score of those on
// the subject that do not (Bleve's coordination factor).
var knowingWords = map[string]bool{
	"gelernt": true, "lernen": true, "lernten": true, "erfahren": true, "wissen": true, "weiß": true, "wussten": true,
	"kennen": true, "kannten": true, "erkannt": true, "herausgefunden": true, "mitgenommen": true,
	"erfahrung": true, "erfahrungen": true, "gemacht": true, "gesammelt": true,
	"learn": true, "learned": true, "learnt": true, "know": true, "knew": true, "experience": true, "experiences": true,
}

// asksAsWe reports whether q asks with "wir", "uns", "we" or "us": then
// knowingWords are fillers too.
func asksAsWe(q string) bool {
	for _, w := range strings.FieldsFunc(strings.ToLower(q), func(r rune) bool { return !unicode.IsLetter(r) }) {
		switch w {
		case "wir", "uns", "we", "us":
			return true
		}
	}
	return false
}

// dropFillers removes the fillers among the plain words of a question
// (not those in a field, a phrase or a required clause), as long as
// another word is left among them: questionFillers, and knowingWords
// when the question asks as "we" (asksAsWe).
func dropFillers(n querylang.Node, we bool) querylang.Node {
	if and, ok := n.(*querylang.And); ok {
		// Field terms narrow the words ("type:case Wie viele …"): the
		// words are an Or among the And's children.
		out := &querylang.And{Children: make([]querylang.Node, len(and.Children))}
		for i, ch := range and.Children {
			out.Children[i] = ch
			if _, ok := ch.(*querylang.Or); ok {
				out.Children[i] = dropFillers(ch, we)
			}
		}
		return out
	}
	or, ok := n.(*querylang.Or)
	if !ok {
		return n
	}
	var kept []querylang.Node
	for _, ch := range or.Children {
		if t, ok := ch.(*querylang.Term); ok && t.Field == "" && !t.Prefix {
			if w := strings.ToLower(strings.TrimRight(t.Text, "?!.,;:")); questionFillers[w] || we && knowingWords[w] {
				continue
			}
		}
		kept = append(kept, ch)
	}
	switch {
	case len(kept) == len(or.Children) || len(kept) == 0:
		return n
	case len(kept) == 1:
		return kept[0]
	}
	return &querylang.Or{Children: kept}
}

// queryLanguage tells the language of a query from its text words: German
// when more of them are German stop words (that are not English ones) or
// hold ä, ö, ü or ß than are English stop words (that are not German
// ones), English for the reverse, "" when the words do not tell
// ("Innovationskultur", "open innovation").
func queryLanguage(n querylang.Node) string {
	var de, en int
	querylang.Walk(n, func(n querylang.Node) {
		var field, text string
		switch n := n.(type) {
		case *querylang.Term:
			field, text = n.Field, n.Text
		case *querylang.Phrase:
			field, text = n.Field, n.Text
		default:
			return
		}
		switch field {
		case "", querylang.FieldTitle, querylang.FieldBody:
		default:
			return
		}
		for _, w := range strings.FieldsFunc(strings.ToLower(text), func(r rune) bool {
			return !unicode.IsLetter(r) && !unicode.IsMark(r)
		}) {
			isDe, isEn := stopWords[LangGerman][w], stopWords[LangEnglish][w]
			switch {
			case isDe && !isEn, !isEn && strings.ContainsAny(w, "äöüß"):
				de++
			case isEn && !isDe:
				en++
			}
		}
	})
	switch {
	case de > en:
		return LangGerman
	case en > de:
		return LangEnglish
	}
	return ""
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
	return (&compiler{tune: DefaultTuning()}).compile(n)
}

// compile is compileQuery with the compiler's resources.
func (c *compiler) compile(n querylang.Node) query.Query {
	compileQuery := c.compile
	switch n := n.(type) {
	case *querylang.Term:
		return c.compileLeaf(n.Field, n.Text, n.Prefix, false)
	case *querylang.Phrase:
		return c.compileLeaf(n.Field, n.Text, false, true)
	case *querylang.Or:
		qs := make([]query.Query, len(n.Children))
		for i, c := range n.Children {
			qs[i] = compileQuery(c)
		}
		qs = append(qs, c.spanSynonyms(n.Children)...)
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
		for _, ch := range n.Should {
			should = append(should, compileQuery(ch))
		}
		should = append(should, c.spanSynonyms(n.Should)...)
		for _, c := range n.MustNot {
			mustNot = append(mustNot, compileQuery(c))
		}
		if len(must) == 0 && len(mustNot) == 0 && len(should) > 0 {
			return bleve.NewDisjunctionQuery(should...)
		}
		return booleanQuery(must, should, mustNot)
	}
	return allDocs()
}

// booleanQuery returns a boolean query. Without must clauses, one should
// clause is required: the should clauses become a single must clause, a
// disjunction, which states that plainly. Without must and should clauses,
// everything but the must-not clauses matches.
func booleanQuery(must, should, mustNot []query.Query) query.Query {
	switch {
	case len(must) == 0 && len(should) == 0:
		must = []query.Query{allDocs()}
	case len(must) == 0:
		must, should = []query.Query{bleve.NewDisjunctionQuery(should...)}, nil
	}
	return query.NewBooleanQuery(must, should, mustNot)
}

// compileLeaf compiles a word (phrase false) or phrase of a field.
func (c *compiler) compileLeaf(field, text string, prefix, phrase bool) query.Query {
	switch field {
	case "", querylang.FieldTitle, querylang.FieldBody:
		return c.textLeaf(field, text, prefix, phrase)
	case querylang.FieldTopic:
		if !prefix && c.gloss != nil {
			var qs []query.Query
			for _, v := range c.gloss.topicSpellings(text) {
				qs = append(qs, keywordLeaf("f_"+FacetTopics, keywordValue(v), false))
			}
			return bleve.NewDisjunctionQuery(qs...)
		}
		return keywordLeaf("f_"+FacetTopics, keywordValue(text), prefix)
	case querylang.FieldPerson:
		return namePartLeaf("f_"+FacetPeople, keywordValue(text), prefix)
	case querylang.FieldOrg:
		return namePartLeaf("f_"+FacetOrganizations, keywordValue(text), prefix)
	case querylang.FieldAddressee:
		return namePartLeaf("f_"+FacetAddressees, keywordValue(text), prefix)
	case querylang.FieldPolicy:
		return namePartLeaf("f_"+FacetPolicyArea, keywordValue(text), prefix)
	case querylang.FieldType:
		v := keywordValue(text)
		if t, ok := ParseType(v); ok && !prefix {
			v = t
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
	return c.textLeaf("", text, prefix, phrase)
}

// checkFilterValue is the querylang.ValueCheck of a query: type and lang
// take values from a closed set, and one outside it is a mistake to say,
// not a filter that finds nothing.
func checkFilterValue(field, value string) string {
	v := keywordValue(value)
	switch field {
	case querylang.FieldType:
		if _, ok := ParseType(v); !ok {
			return fmt.Sprintf("unknown type %q (known types: %s)", value, TypeHelp)
		}
	case querylang.FieldLang:
		if _, ok := languageNames[v]; !ok && NormalizeLanguage(v) == "" {
			return fmt.Sprintf("unknown language %q (write a code such as de or en, or deutsch, english)", value)
		}
	}
	return ""
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

// namePartLeaf matches the keywords of field (lowercased names) that have
// v as a whole word or run of words, or, for a prefix, a word starting
// with v: "sommerfeld" finds "greta sommerfeld", "bund" finds "bund" and
// "bund und länder", but not "bundesländer".
func namePartLeaf(field, v string, prefix bool) query.Query {
	const sep = `[ ,;/()&.\-]`
	re := `(.*` + sep + `)?` + regexp.QuoteMeta(v)
	if prefix {
		re += `.*`
	} else {
		re += `(` + sep + `.*)?`
	}
	rq := bleve.NewRegexpQuery(re)
	rq.SetField(field)
	return rq
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
// means the combined text field, and each field is searched in every
// language. A German word also finds the compounds that contain it and, if
// it is a compound, its parts (see germanAlternatives).
func (c *compiler) textLeaf(field, text string, prefix, phrase bool) query.Query {
	if !phrase && hasApostrophe(text) {
		// "geht's", "Kund'innen": the tokenizer keeps a word with an
		// apostrophe whole, so the word is also searched without it, as
		// separate words ("geht s").
		return bleve.NewDisjunctionQuery(c.textLeafWords(field, text, prefix, phrase),
			c.textLeafWords(field, strings.Map(unApostrophe, text), prefix, phrase))
	}
	return c.textLeafWords(field, text, prefix, phrase)
}

// apostrophes are the characters written as apostrophes.
const apostrophes = "'’‘`´"

// hasApostrophe reports whether s has an apostrophe.
func hasApostrophe(s string) bool { return strings.ContainsAny(s, apostrophes) }

// unApostrophe maps an apostrophe to a space.
func unApostrophe(r rune) rune {
	if strings.ContainsRune(apostrophes, r) {
		return ' '
	}
	return r
}

// textFamily is the family of text fields a word of field searches:
// title_* for title:, text_* for no field and for body: (alias text:),
// since the text field holds the body with what else the document says
// and the index keeps no second copy of the body (mapping.go).
func textFamily(field string) string {
	if field == querylang.FieldTitle {
		return "title"
	}
	return "text"
}

// textLeafWords is textLeaf for a word or phrase as it is.
func (c *compiler) textLeafWords(field, text string, prefix, phrase bool) query.Query {
	family := textFamily(field)
	usePhrase := phrase || (c.tune.Hyphens && innerPunct(text))
	var qs []query.Query
	for _, l := range textLangs {
		name := family + "_" + l.suffix
		n := len(qs)
		if prefix {
			pq := bleve.NewPrefixQuery(prefixTerm(text, l.analyzer))
			pq.SetField(name)
			qs = append(qs, pq)
		}
		switch {
		case phrase:
			mq := bleve.NewMatchPhraseQuery(text)
			mq.SetField(name)
			qs = append(qs, newSumQuery(append([]query.Query{mq}, c.synonymAlternatives(name, l.analyzer, text, false)...)...))
		case usePhrase:
			// A word with inner punctuation ("Co-Creation-Workshop",
			// "IL-6"): its parts are searched as words, and finding them
			// side by side, as written, adds to the score.
			parts := bleve.NewMatchQuery(text)
			parts.SetField(name)
			together := bleve.NewMatchPhraseQuery(text)
			together.SetField(name)
			q := query.Query(bleve.NewDisjunctionQuery(parts, together))
			if c.tune.HyphenApart && l.suffix == LangGerman {
				// German joins words with a hyphen that a text may write
				// apart or as one compound ("Doctor Who-Serie", "Serie
				// von Doctor Who"): the parts found apart score in full.
				q = newSumQuery(parts, together)
			}
			if alts := c.synonymAlternatives(name, l.analyzer, text, false); len(alts) > 0 {
				q = newSumQuery(append([]query.Query{q}, alts...)...)
			}
			qs = append(qs, q)
		default:
			if c.tune.ForeignStopWords && foreignStopWord(l.suffix, text) && !c.capitalised[text] {
				break
			}
			mq := bleve.NewMatchQuery(text)
			mq.SetField(name)
			alts := []query.Query{mq}
			if l.suffix == LangGerman {
				alts = append(alts, c.germanAlternatives(name, text)...)
			}
			alts = append(alts, c.synonymAlternatives(name, l.analyzer, text, true)...)
			alts = append(alts, c.fuzzy[text][name]...)
			qs = append(qs, newSumQuery(alts...))
		}
		for i := n; i < len(qs); i++ {
			qs[i] = c.inLanguage(l.suffix, qs[i])
		}
	}
	return bleve.NewDisjunctionQuery(qs...)
}

// inLanguage returns q, a query on the fields of language suffix, weighed
// by Tuning.ForeignWeight when the query is in another language.
func (c *compiler) inLanguage(suffix string, q query.Query) query.Query {
	if c.qlang == "" || c.qlang == suffix {
		return q
	}
	return &scaledQuery{Q: q, Scale: c.tune.ForeignWeight}
}

// synonymAlternatives returns the glossary synonyms of text (a word or
// phrase of the query) that Bleve's synonym source does not add itself, as
// queries on field (analysed with analyzer): phrases, and, for a phrase
// or a word that the field's analyzer does not turn into a member's term,
// single words too. word tells that text is one query word.
func (c *compiler) synonymAlternatives(field, analyzer, text string, word bool) []query.Query {
	if c.gloss == nil || !c.tune.Synonyms {
		return nil
	}
	syns := c.gloss.synonymsOf(glossaryKey(text))
	if len(syns) == 0 {
		return nil
	}
	an := analyzerNamed(analyzer)
	// Bleve expands a word whose term under the field's analyzer is a
	// one-term member of its group.
	bleveExpands := false
	if word && an != nil {
		if ts := an.Analyze([]byte(text)); len(ts) == 1 {
			for _, m := range syns {
				if ms := an.Analyze([]byte(m)); len(ms) == 1 && string(ms[0].Term) == string(ts[0].Term) {
					bleveExpands = true
				}
			}
			if !bleveExpands {
				// The word itself may be the member Bleve knows.
				for _, gi := range c.gloss.byKey[glossaryKey(text)] {
					for _, m := range c.gloss.groups[gi] {
						if ms := an.Analyze([]byte(m)); len(ms) == 1 && string(ms[0].Term) == string(ts[0].Term) {
							bleveExpands = true
						}
					}
				}
			}
		}
	}
	var out []query.Query
	for _, m := range syns {
		var q query.Query
		if an != nil && len(an.Analyze([]byte(m))) > 1 {
			pq := bleve.NewMatchPhraseQuery(m)
			pq.SetField(field)
			pq.SetBoost(c.tune.SynonymBoost)
			q = pq
		} else if !bleveExpands {
			mq := bleve.NewMatchQuery(m)
			mq.SetField(field)
			mq.SetBoost(c.tune.SynonymBoost)
			q = mq
		}
		if q != nil {
			out = append(out, q)
		}
	}
	return out
}

// spanSynonyms returns, for every run of two or more adjacent plain words
// among clauses that is a glossary member ("kleine und mittlere
// Unternehmen"), a query for the member's synonyms in the text fields.
func (c *compiler) spanSynonyms(clauses []querylang.Node) []query.Query {
	if c.gloss == nil || !c.tune.Synonyms || c.gloss.maxLen < 2 {
		return nil
	}
	// Each word is analysed once: a span's key is its words' keys joined
	// (the analyzer works token by token, and words are whole tokens).
	keys := make([]string, len(clauses))
	for i, cl := range clauses {
		if t, ok := cl.(*querylang.Term); ok && t.Field == "" && !t.Prefix {
			keys[i] = glossaryKey(t.Text)
		}
	}
	var out []query.Query
	for i := range clauses {
		var words, spanKeys []string
		for j := i; j < len(clauses); j++ {
			t, ok := clauses[j].(*querylang.Term)
			if !ok || t.Field != "" || t.Prefix {
				break
			}
			words = append(words, t.Text)
			if keys[j] != "" {
				spanKeys = append(spanKeys, keys[j])
			}
			if len(words) < 2 || len(spanKeys) < 2 {
				// A span of one word and stop words ("Datenräume für")
				// has that word's key: its synonyms are the word's own.
				continue
			}
			span := strings.Join(words, " ")
			k := strings.Join(spanKeys, " ")
			if len(strings.Fields(k)) > c.gloss.maxLen {
				break
			}
			if len(c.gloss.byKey[k]) == 0 {
				continue
			}
			var qs []query.Query
			for _, l := range textLangs {
				if alts := c.synonymAlternatives("text_"+l.suffix, l.analyzer, span, false); len(alts) > 0 {
					qs = append(qs, c.inLanguage(l.suffix, newSumQuery(alts...)))
				}
			}
			if len(qs) > 0 {
				out = append(out, bleve.NewDisjunctionQuery(qs...))
			}
		}
	}
	return out
}

// analyzerNamed returns a registered analyzer by name.
func analyzerNamed(name string) bleveanalysis.Analyzer {
	analyzersMu.Lock()
	defer analyzersMu.Unlock()
	if a, ok := analyzers[name]; ok {
		return a
	}
	a, err := analyzerCache.AnalyzerNamed(name)
	if err != nil {
		a = nil
	}
	analyzers[name] = a
	return a
}

var (
	analyzersMu   sync.Mutex
	analyzers     = map[string]bleveanalysis.Analyzer{}
	analyzerCache = func() *registry.Cache {
		c := registry.NewCache()
		// The neutral analyzer is defined by the mapping, not registered.
		if _, err := c.DefineAnalyzer(neutralAnalyzer, map[string]any{
			"type":          custom.Name,
			"tokenizer":     bleveunicode.Name,
			"token_filters": []any{lowercase.Name},
		}); err != nil {
			panic("search: neutral analyzer: " + err.Error())
		}
		return c
	}()
)

// germanAnalyzer analyzes query words as the German fields are indexed.
var germanAnalyzer = func() bleveanalysis.Analyzer {
	a, err := registry.NewCache().AnalyzerNamed(fanalysis.GermanAnalyzer)
	if err != nil {
		panic("search: German analyzer: " + err.Error())
	}
	return a
}()

// germanTerm returns the single German index term of word, or "".
func germanTerm(word string) string {
	ts := germanAnalyzer.Analyze([]byte(word))
	if len(ts) != 1 {
		return ""
	}
	return string(ts[0].Term)
}

// germanAlternatives returns the alternatives of a German word in field
// besides the word itself: the indexed compounds that contain it as a part,
// and, when the word is a compound of indexed parts, those parts together
// (all of them required). Without a vocabulary there are none.
func (c *compiler) germanAlternatives(field, word string) []query.Query {
	if c.vocab == nil || (!c.tune.Decompound && c.tune.VariantBoost == 0) {
		return nil
	}
	t := germanTerm(word)
	if t == "" {
		return nil
	}
	var alts []query.Query
	if c.tune.VariantBoost > 0 {
		for _, u := range c.vocab.variantsOf(t) {
			tq := bleve.NewTermQuery(u)
			tq.SetField(field)
			tq.SetBoost(c.tune.VariantBoost)
			alts = append(alts, tq)
		}
	}
	if !c.tune.Decompound {
		return alts
	}
	sp := &fanalysis.Splitter{Lex: c.vocab, MinHead: c.tune.MinHead}
	for _, comp := range c.vocab.compoundsWith(t, sp) {
		tq := bleve.NewTermQuery(comp)
		tq.SetField(field)
		tq.SetBoost(c.tune.CompoundBoost)
		alts = append(alts, tq)
	}
	if parts := sp.Split(t); len(parts) > 1 {
		var must []query.Query
		for _, p := range parts {
			tq := bleve.NewTermQuery(p)
			tq.SetField(field)
			tq.SetBoost(c.tune.PartsBoost)
			must = append(must, tq)
		}
		alts = append(alts, bleve.NewConjunctionQuery(must...))
	}
	return alts
}

// stopWords are the stop words of the languages with an analyzer of their
// own, lowercased.
var stopWords = func() map[string]map[string]bool {
	m := map[string]map[string]bool{}
	for lang, list := range map[string][]byte{LangGerman: de.GermanStopWords, LangEnglish: en.EnglishStopWords} {
		tm := bleveanalysis.NewTokenMap()
		if err := tm.LoadBytes(list); err != nil {
			panic("search: stop words: " + err.Error()) // static data
		}
		words := map[string]bool{}
		for w := range tm {
			words[w] = true
		}
		m[lang] = words
	}
	return m
}()

// foreignStopWord reports whether word is a stop word of a language other
// than the field language suffix (see Tuning.ForeignStopWords).
func foreignStopWord(suffix, word string) bool {
	w := strings.ToLower(word)
	for lang, words := range stopWords {
		if lang != suffix && words[w] {
			return true
		}
	}
	return false
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
	if analyzer == fanalysis.GermanAnalyzer {
		ts := germanNormalize.Filter(bleveanalysis.TokenStream{&bleveanalysis.Token{Term: []byte(p)}})
		p = string(ts[0].Term)
	}
	return p
}

// PlainText rewrites q so that the query language reads it as plain words:
// quotes, parentheses and field prefixes become spaces, leading + - ! and
// trailing * are dropped, and operator words are lowercased.
func PlainText(q string) string {
	words := strings.FieldsFunc(q, func(r rune) bool {
		return unicode.IsSpace(r) || strings.ContainsRune(`()"„“”»«‚‘`, r)
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
