package main

import (
	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/keyword"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/standard"
	"github.com/blevesearch/bleve/v2/mapping"

	"github.com/fundus-kb/fundus/search"
)

// baselineMapping is an index mapping the ingest baseline can index with:
// the mapping and the fields it indexes for each document.
type baselineMapping struct {
	name    string // as given to baseline-child --mapping
	label   string // as the report names it
	mapping func() mapping.IndexMapping
	fields  func(*search.Document) map[string]any
}

// Baseline mappings, by --mapping value.
const (
	mappingFundus = "fundus"
	mappingPlain  = "plain"
)

// parseBaselineMapping returns the baseline mapping called name: "fundus"
// (fundusBaseline) or "plain" (plainBaseline).
func parseBaselineMapping(name string) (baselineMapping, error) {
	switch name {
	case mappingFundus:
		return fundusBaseline(), nil
	case mappingPlain:
		return plainBaseline(), nil
	}
	return baselineMapping{}, usagef("--mapping %q: want %s or %s", name, mappingFundus, mappingPlain)
}

// fundusBaseline is plain Bleve with Fundus's own mapping and fields
// (search.NewMapping, search.IndexFields).
func fundusBaseline() baselineMapping {
	return baselineMapping{
		name:    mappingFundus,
		label:   "Bleve with Fundus's mapping",
		mapping: func() mapping.IndexMapping { return search.NewMapping() },
		fields:  search.IndexFields,
	}
}

// plainBaseline is a plain Bleve application (plainMapping, plainFields).
func plainBaseline() baselineMapping {
	return baselineMapping{
		name:    mappingPlain,
		label:   "plain Bleve application",
		mapping: func() mapping.IndexMapping { return plainMapping() },
		fields:  plainFields,
	}
}

// Fields of the plain mapping.
const (
	plainTitle    = "title"
	plainBody     = "body"
	plainType     = "type"
	plainTopics   = "topics"
	plainLanguage = "language"
	plainYear     = "year"
)

// plainMapping returns the mapping of a plain Bleve application, the
// second baseline of the ingest benchmark: bleve.NewIndexMapping with a
// static document mapping (nothing else is indexed) of six fields.
//
//   - title and body: text fields analysed by Bleve's "standard" analyzer
//     (Unicode tokenizer, lower case, English stop words), stored, with
//     term vectors; no doc values.
//   - type, topics, language and year: keyword fields (the keyword
//     analyzer: the whole value is one term) with doc values, stored, for
//     facets and filters.
//
// No field goes into the composite _all field. Beside Fundus's mapping it
// lacks the per-language analyzers, synonyms, summary, the extra fields and
// the sort keys.
func plainMapping() *mapping.IndexMappingImpl {
	dm := bleve.NewDocumentStaticMapping()
	for _, f := range []string{plainTitle, plainBody} {
		fm := bleve.NewTextFieldMapping()
		fm.Analyzer = standard.Name
		fm.Store = true
		fm.IncludeTermVectors = true
		fm.DocValues = false
		fm.IncludeInAll = false
		dm.AddFieldMappingsAt(f, fm)
	}
	for _, f := range []string{plainType, plainTopics, plainLanguage, plainYear} {
		fm := bleve.NewKeywordFieldMapping()
		fm.Analyzer = keyword.Name
		fm.Store = true
		fm.DocValues = true
		fm.IncludeInAll = false
		dm.AddFieldMappingsAt(f, fm)
	}
	im := bleve.NewIndexMapping()
	im.DefaultAnalyzer = standard.Name
	im.DefaultMapping = dm
	return im
}

// plainFields returns what the plain application indexes of d: title,
// body, type, topics, language and year (of the date; absent without one).
func plainFields(d *search.Document) map[string]any {
	m := map[string]any{
		plainTitle:    d.Title,
		plainBody:     d.Body,
		plainType:     d.Type,
		plainLanguage: d.Language,
	}
	if len(d.Topics) > 0 {
		m[plainTopics] = d.Topics
	}
	if y := d.Year(); y != "" {
		m[plainYear] = y
	}
	return m
}
