// Package analysis holds Fundus's own text analysis for Bleve: the German
// analyzer "de_fundus" (Bleve's German chain with a stemming fix) and a
// corpus-driven German compound splitter (Koehn and Knight's frequency
// method) that package search runs at query time over the index's own
// vocabulary.
//
// # Why the compounds are split at query time
//
// A splitter needs to know which strings are words. A dictionary-based
// splitter needs a German word list that may be shipped in an Apache-2.0
// project, and none could be had here: the usable German lexicons are GPL
// (igerman98, the hunspell/aspell/ispell dictionaries), LGPL (cspell's) or
// CC BY-SA (Wiktionary, LanguageTool's german-pos-dict and the packages
// derived from it). A corpus-driven splitter needs frequencies; the
// knowledge base's own index has them — every indexed German stem with its
// document frequency — and they fit the domain's vocabulary better than any
// general list ("Transferscouts", "Reallabor", "Datenraum"). Splitting at
// index time with those frequencies would make a document's analysis depend
// on what else had been indexed before it (and split nothing in a new,
// empty index), so the index-time analysis stays deterministic and the
// splitting happens when a query is compiled: a query word is split into
// parts that the index knows, and a query word is looked up as a part of the
// indexed compounds that contain it. See Splitter.
package analysis

import (
	"bytes"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/lang/de"
	"github.com/blevesearch/bleve/v2/analysis/token/lowercase"
	"github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"
	"github.com/blevesearch/bleve/v2/registry"
)

// GermanAnalyzer is the name of Fundus's German analyzer in Bleve's
// registry: Unicode word boundaries, lower case, German stop words,
// umlaut/ß normalisation, Bleve's light German stemmer and the -em fix
// (FixEmStems).
const GermanAnalyzer = "de_fundus"

// EmFixFilter is the name of the token filter that repairs stems of nouns
// ending in -em (see FixEmStems).
const EmFixFilter = "de_em_fix"

func init() {
	if err := registry.RegisterTokenFilter(EmFixFilter, func(map[string]any, *registry.Cache) (analysis.TokenFilter, error) {
		return emFix{}, nil
	}); err != nil {
		panic(err)
	}
	if err := registry.RegisterAnalyzer(GermanAnalyzer, germanAnalyzer); err != nil {
		panic(err)
	}
}

func germanAnalyzer(_ map[string]any, cache *registry.Cache) (analysis.Analyzer, error) {
	tok, err := cache.TokenizerNamed(unicode.Name)
	if err != nil {
		return nil, err
	}
	var filters []analysis.TokenFilter
	for _, name := range []string{lowercase.Name, de.StopName, de.NormalizeName, de.LightStemmerName, EmFixFilter} {
		f, err := cache.TokenFilterNamed(name)
		if err != nil {
			return nil, err
		}
		filters = append(filters, f)
	}
	return &analysis.DefaultAnalyzer{Tokenizer: tok, TokenFilters: filters}, nil
}

// emStems are stems that Bleve's light German stemmer leaves when it takes
// "-em" (an adjective ending: "großem") off a noun that ends in -em: it
// stems "Ökosystem" to "okosyst" but "Ökosysteme", "Ökosystemen" and
// "Ökosystems" to "okosystem", so the singular and the plural never met.
// A stem ending in one of these gets its "em" back, except "tand" after
// an "s": "Stand" and its compounds ("Mittelstand", "Vorstand",
// "Widerstand") lose no "em"; with one ("mittelstandem"), the compounds
// that hold them ("Mittelstandsförderung") and their derivations
// ("mittelständisch") would not meet them.
var emStems = [][]byte{
	[]byte("syst"),  // System, Ökosystem, Betriebssystem …
	[]byte("probl"), // Problem
	[]byte("theor"), // Theorem (Theorie stems to "theori")
	[]byte("embl"),  // Emblem
	[]byte("extr"),  // extrem
	[]byte("tand"),  // Tandem
	[]byte("diad"),  // Diadem
}

// FixEmStems returns term (a light-stemmed German term) with the "em" that
// the stemmer wrongly took off a noun put back, or term itself.
func FixEmStems(term []byte) []byte {
	for _, s := range emStems {
		if bytes.HasSuffix(term, s) && !(string(s) == "tand" && bytes.HasSuffix(term, []byte("stand"))) {
			return append(term, 'e', 'm')
		}
	}
	return term
}

type emFix struct{}

func (emFix) Filter(input analysis.TokenStream) analysis.TokenStream {
	for _, t := range input {
		t.Term = FixEmStems(t.Term)
	}
	return input
}
