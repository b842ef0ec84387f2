package search

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"strconv"
	"strings"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/custom"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/keyword"
	_ "github.com/blevesearch/bleve/v2/analysis/lang/de" // registers the "de" analyzer
	_ "github.com/blevesearch/bleve/v2/analysis/lang/en" // registers the "en" analyzer
	"github.com/blevesearch/bleve/v2/analysis/token/lowercase"
	"github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"
	"github.com/blevesearch/bleve/v2/mapping"
	index "github.com/blevesearch/bleve_index_api"

	fanalysis "github.com/fundus-kb/fundus/search/analysis"
)

// analysisVersion changes whenever analysis code changes in a way the
// mapping's JSON does not show. Together with the mapping it makes the
// index version: an index of another version is rebuilt from the store.
//
//	2: German fields use the "de_fundus" analyzer (search/analysis): the
//	   light stemmer's -em fix ("Ökosystem" and "Ökosysteme" meet); text
//	   fields have the glossary's synonym sources.
//	3: id_sort, the document id with doc values, ends every sort order.
//	4: the text field ends with the names (organisations, people,
//	   addressees, policy area).
//	5: no body_* fields (body: searches text_*), title_* not stored;
//	   sort and visibility keywords without term vectors.
//	6: the -em fix leaves "Stand" and its compounds alone ("Mittelstand"
//	   finds "Mittelstandsförderung").
const analysisVersion = 6

// neutralAnalyzer indexes text of languages without an analyzer of their
// own: Unicode word boundaries and lower case, no stemming, no stop words.
const neutralAnalyzer = "neutral"

// Language suffixes of the text fields. Each language has its own field
// names, so that each field has exactly one analyzer.
var textLangs = []struct{ suffix, analyzer string }{
	{LangGerman, fanalysis.GermanAnalyzer},
	{LangEnglish, "en"},
	{"xx", neutralAnalyzer},
}

// Text fields, each once per language suffix (title_de, text_en …):
//
//   - text: everything a document says (body, summary, case fields, title,
//     topics) in one field, indexed and stored with term vectors. Plain
//     query words search it: BM25 over one field ranks better than a
//     disjunction over title, summary and body, whose coordination factor
//     punishes a document for matching in one field only. Snippets are
//     cut from it.
//   - title: the title, indexed only, for title: queries and completions
//     (results show the stored field "title").
//   - summary: stored only, shown in results.
//
// body: queries search text: a second index of the body (body_*, once
// kept for them) cost ingest time and index size for a field that
// free-text search never reads (issue 14.10, BENCHMARKS.md).
var textFields = []string{"text", "title", "summary"}

// Facet fields: keyword fields in their source spelling, with doc values.
// Each facet (but type, language and year, which are canonical already) has
// a lowercased twin "f_<name>" that filters match against.
const (
	FacetType          = "type"
	FacetTopics        = "topics"
	FacetYear          = "year"
	FacetLanguage      = "language"
	FacetOrganizations = "organizations"
	FacetPeople        = "people"
	FacetAddressees    = "addressees"
	FacetPolicyArea    = "policy_area"
)

// FacetNames lists every facet, in the order results show them.
var FacetNames = []string{FacetType, FacetTopics, FacetYear, FacetLanguage, FacetOrganizations, FacetPeople, FacetAddressees, FacetPolicyArea}

// caseFolded reports whether a facet is filtered through its lowercased twin.
func caseFolded(facet string) bool {
	switch facet {
	case FacetType, FacetYear, FacetLanguage:
		return false
	}
	return true
}

// Other fields.
const (
	fieldDate      = "date"       // datetime, for sorting and ranges
	fieldTitleSort = "title_sort" // lowercased title, for sorting
	fieldDateSort  = "date_sort"  // YYYY-MM-DD keyword, for sorting and cursors
	// fieldIDSort is the document id with doc values: the tie-breaker of
	// every sort order. Sorting on Bleve's _id instead loads each hit's
	// stored document (all its stored text) to read the id.
	fieldIDSort = "id_sort"
	fieldTitle  = "title" // stored only: the title as shown
	fieldHash   = "hash"  // stored only: the content hash the store has
)

// langSuffix returns the text field suffix for a language.
func langSuffix(lang string) string {
	switch lang {
	case LangGerman, LangEnglish:
		return lang
	}
	return "xx"
}

// NewMapping returns the index mapping: BM25 scoring, per-language text
// fields with term vectors (for phrases and highlighting), keyword facet
// fields with doc values, and a date field. Nothing is indexed dynamically.
func NewMapping() *mapping.IndexMappingImpl {
	im := bleve.NewIndexMapping()
	im.ScoringModel = index.BM25Scoring
	im.IndexDynamic = false
	im.StoreDynamic = false
	im.DocValuesDynamic = false
	im.DefaultAnalyzer = neutralAnalyzer
	if err := im.AddCustomAnalyzer(neutralAnalyzer, map[string]any{
		"type":          custom.Name,
		"tokenizer":     unicode.Name,
		"token_filters": []string{lowercase.Name},
	}); err != nil {
		panic("search: define neutral analyzer: " + err.Error()) // static configuration
	}

	// The glossary's synonyms, one source per language analyzer over one
	// collection (see Glossary).
	for _, l := range textLangs {
		if err := im.AddSynonymSource(synonymSource(l.suffix), map[string]any{
			"collection": synonymCollection,
			"analyzer":   l.analyzer,
		}); err != nil {
			panic("search: define synonym source: " + err.Error())
		}
	}

	dm := bleve.NewDocumentStaticMapping()
	for _, l := range textLangs {
		for _, f := range textFields {
			fm := textField(f != "title", f != "summary")
			fm.Analyzer = l.analyzer
			if f != "summary" {
				fm.SynonymSource = synonymSource(l.suffix)
			}
			fm.DocValues = false
			dm.AddFieldMappingsAt(f+"_"+l.suffix, fm)
		}
	}
	for _, f := range FacetNames {
		dm.AddFieldMappingsAt(f, keywordField(true, true, false))
		if caseFolded(f) {
			dm.AddFieldMappingsAt("f_"+f, keywordField(false, false, true))
		}
	}
	dt := bleve.NewDateTimeFieldMapping()
	dt.Store = true
	dt.DocValues = true
	dt.IncludeInAll = false
	dm.AddFieldMappingsAt(fieldDate, dt)

	// Sort fields: keywords with doc values (Bleve's sorts use them; Fundus's
	// own sorts read their postings, sortkeys.go).
	for _, f := range []string{fieldTitleSort, fieldDateSort, fieldIDSort} {
		dm.AddFieldMappingsAt(f, keywordField(false, true, true))
	}
	dm.AddFieldMappingsAt(fieldTitle, storedOnly())
	dm.AddFieldMappingsAt(fieldVisibility, keywordField(false, false, true))
	dm.AddFieldMappingsAt(fieldHash, storedOnly())

	im.DefaultMapping = dm
	return im
}

// keywordField is a keyword field outside _all, without term vectors:
// stored or not, with doc values or not, and without norms
// (skipFreqNorm) when it only filters or sorts.
func keywordField(store, docValues, skipFreqNorm bool) *mapping.FieldMapping {
	fm := bleve.NewKeywordFieldMapping()
	fm.Analyzer = keyword.Name
	fm.Store = store
	fm.DocValues = docValues
	fm.IncludeInAll = false
	fm.IncludeTermVectors = false
	fm.SkipFreqNorm = skipFreqNorm
	return fm
}

// textField is a text field outside _all, stored or not, indexed or not,
// with term vectors where it is indexed (for phrases and highlighting).
func textField(store, index bool) *mapping.FieldMapping {
	fm := bleve.NewTextFieldMapping()
	fm.Store = store
	fm.Index = index
	fm.IncludeTermVectors = index
	fm.IncludeInAll = false
	return fm
}

// storedOnly is a text field that is stored and not indexed.
func storedOnly() *mapping.FieldMapping { return textField(true, false) }

// MappingVersion identifies the mapping and analysis this binary indexes
// with. An index recorded with another version is rebuilt.
func MappingVersion() string {
	b, err := json.Marshal(NewMapping())
	if err != nil {
		panic("search: marshal mapping: " + err.Error())
	}
	sum := sha256.Sum256(append(b, byte(analysisVersion)))
	return hex.EncodeToString(sum[:8])
}

// textNames returns the names the text field ends with: organisations,
// people, addressees and policy area, one sentence each; "" for none.
func textNames(d *Document) string {
	var names []string
	for _, vs := range [][]string{d.Organizations, d.People, d.Addressees, {d.PolicyArea}} {
		for _, v := range vs {
			if v != "" {
				names = append(names, v)
			}
		}
	}
	return strings.Join(names, ". ")
}

// IndexFields returns the fields a document is indexed with.
func IndexFields(d *Document) map[string]any { return indexFields(d, "") }

// indexFields is IndexFields with the document's hash, when known.
func indexFields(d *Document, hash string) map[string]any {
	if hash == "" {
		hash = d.Hash()
	}
	s := langSuffix(d.Language)
	m := map[string]any{
		"title_" + s:   d.Title,
		fieldTitle:     d.Title,
		fieldHash:      hash,
		fieldTitleSort: strings.ToLower(d.Title),
		fieldIDSort:    d.ID,
		FacetType:      d.Type,
		FacetLanguage:  d.Language,
	}
	if d.Summary != "" {
		m["summary_"+s] = d.Summary
	}
	if d.Visibility != "" {
		m[fieldVisibility] = d.Visibility
	}
	// The text field: the body first (snippets come mostly from it), then
	// what else the document says, then topics (they are German on English
	// documents too, and bridge the languages) and the names a person types
	// into the search box: organisations, people, addressees and policy
	// area, each once, like the title (issue 12.4: a plain word finds every
	// document its filter finds).
	text := []string{d.Body}
	for _, t := range []string{d.Summary, d.Challenge, d.Approach, d.Outcome, d.Title} {
		if t != "" {
			text = append(text, t)
		}
	}
	if len(d.Topics) > 0 {
		text = append(text, strings.Join(d.Topics, ". "))
	}
	if names := textNames(d); names != "" {
		text = append(text, names)
	}
	m["text_"+s] = strings.Join(text, "\n\n")
	if t, ok := d.Time(); ok {
		if y, _ := strconv.Atoi(d.Year()); y >= MinYear && y <= MaxYear {
			m[fieldDate] = t.Format(time.RFC3339)
		}
		m[fieldDateSort] = d.Date
		m[FacetYear] = d.Year()
	}
	lists := map[string][]string{
		FacetTopics:        d.Topics,
		FacetOrganizations: d.Organizations,
		FacetPeople:        d.People,
		FacetAddressees:    d.Addressees,
	}
	if d.PolicyArea != "" {
		lists[FacetPolicyArea] = []string{d.PolicyArea}
	}
	for f, vs := range lists {
		if len(vs) == 0 {
			continue
		}
		m[f] = vs
		lc := make([]string, len(vs))
		for i, v := range vs {
			lc[i] = strings.ToLower(v)
		}
		m["f_"+f] = lc
	}
	return m
}
