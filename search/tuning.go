package search

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
)

// Tuning holds the ranking features and weights that evaluation switches
// and varies (fundus eval --tuning FILE): each feature must earn its place
// on every evaluation collection (see BENCHMARKS.md, "Ablation"). A
// Request carries one; nil means DefaultTuning. The serving path never
// sets it.
type Tuning struct {
	// Decompound expands a German word with the compounds of the index
	// that contain it, and a compound with its parts.
	Decompound bool `json:"decompound"`
	// Synonyms adds the glossary's synonyms the query compiler adds
	// (phrases, spans, words the field's analyzer does not meet). Bleve's
	// own synonym sources live in the index: evaluation switches them off
	// by an empty glossary (eval.Config).
	Synonyms bool `json:"synonyms"`
	// Typos is typo tolerance: the fuzzy retry and DidYouMean
	// (Request.NoTypos switches it off too).
	Typos bool `json:"typos"`
	// Hyphens searches a word with inner punctuation ("MLS-Team", "IL-6")
	// as its parts plus the parts side by side; off, it is one word like
	// any other (the analyzers split it).
	Hyphens bool `json:"hyphens"`
	// HyphenApart scores the parts of a hyphenated word in a German field
	// in full when they stand apart, with finding them side by side adding
	// to that. Off (and always in the other fields, where "IL-6" and
	// "T-cell" mean the parts together) the parts alone score half: Bleve's
	// disjunction of the parts and the phrase scales by the share of the
	// two that match.
	HyphenApart bool `json:"hyphen_apart"`
	// ForeignStopWords leaves a query word that is a stop word of another
	// language out of a language's field: "die" and "wer" of a German
	// question are not searched in the English fields, where they are rare
	// words with a high weight ("cells die"), nor "the" of an English one
	// in the German fields. A stop word written with a capital after the
	// query's first word is a name or title ("Doctor Who", "The Who") and
	// is searched everywhere.
	ForeignStopWords bool `json:"foreign_stop_words"`
	// ForeignWeight weighs a match in the fields of a language other than
	// the query's, when the query's words tell its language (see
	// queryLanguage): a German query's English documents, found through
	// their German topics or a synonym, rank below German documents that
	// hold the words themselves. 0 (or 1) is off.
	ForeignWeight float64 `json:"foreign_weight"`
	// MinHead is the shortest head (last part) of a compound, in bytes of
	// the stem, that decompounding accepts.
	MinHead int `json:"min_head"`
	// CompoundBoost weighs a compound that contains the word ("Kultur" →
	// "Innovationskultur"), PartsBoost the parts of a compound found apart,
	// SynonymBoost a synonym the compiler adds, relative to the word.
	CompoundBoost float64 `json:"compound_boost"`
	PartsBoost    float64 `json:"parts_boost"`
	SynonymBoost  float64 `json:"synonym_boost"`
	// VariantBoost weighs the other forms of a German word that the
	// stemmer leaves apart ("verankert" → "verankern", "Verankerung"); 0
	// is off.
	VariantBoost float64 `json:"variant_boost"`
	// FuzzyBoost weighs a fuzzy alternative of a word (typo tolerance),
	// relative to the word itself, before the edit distance's own
	// discount.
	FuzzyBoost float64 `json:"fuzzy_boost"`
	// QuestionFillers leaves the German words a question is phrased with
	// ("lautet", "gibt", "viele" …: questionFillers) out of a question's
	// plain words, and in a question asked by "wir" or "we" the words of
	// learning and knowing ("Was haben wir über … gelernt?":
	// knowingWords).
	QuestionFillers bool `json:"question_fillers"`
	// Answers are the weights of the passage signals of Index.Answers.
	Answers AnswerWeights `json:"answers"`
}

// DefaultTuning is the configuration searches run with. Its weights were
// decided on the German collection (testdata/eval/de): compound and parts
// weights were flat within 0.005 nDCG@10 between 0.2 and 0.4 and fell at
// 0.7 and above; the synonym weight is Bleve's own for the synonyms it
// adds; heads of three
// bytes (stems such as "haf", "nam", "dat": Flughafen, Familiennamen,
// Übertragungsdaten) raised the compound check from 86.5 % to 92.7 % and
// xquad-mixed by 0.002; foreign stop words, the foreign weight 0.5 and
// word variants at 0.3 were decided on the unseen collections (xquad-mixed
// +0.0098, +0.0057; xquad-de +0.0027), none losing on another, and so
// were the question fillers (xquad-mixed +0.0022, xquad-de +0.0006) and
// the German hyphen parts in full (xquad-mixed +0.0009); the answer
// weights were measured on xquad-dev's gold answers (see BENCHMARKS.md). A
// proximity bonus and RM3 feedback lost on every unseen collection and are
// gone (their figures are in BENCHMARKS.md, "Ranking experiments").
func DefaultTuning() Tuning {
	return Tuning{
		Decompound:       true,
		Synonyms:         true,
		Typos:            true,
		Hyphens:          true,
		HyphenApart:      true,
		ForeignStopWords: true,
		ForeignWeight:    0.5,
		VariantBoost:     0.3,
		MinHead:          3,
		CompoundBoost:    0.3,
		PartsBoost:       0.3,
		SynonymBoost:     0.5,
		FuzzyBoost:       0.5,
		QuestionFillers:  true,
		Answers: AnswerWeights{Expanded: 0.3, Proximity: 0.15, Document: 0.35, GermanDocument: 0.5, Length: 0.05, Window: true,
			Kind: 0.1, Variant: 0.8, Fill: true, Partial: true, About: 0.3, Focus: 0.1, Start: true},
	}
}

// ReadTuning reads a tuning file: a JSON object whose fields override
// DefaultTuning; an unknown field is an error naming the file.
func ReadTuning(path string) (Tuning, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return Tuning{}, fmt.Errorf("read tuning: %w", err)
	}
	return ParseTuning(path, data)
}

// ParseTuning parses a tuning file's content (see ReadTuning); name is the
// file name used in errors.
func ParseTuning(name string, data []byte) (Tuning, error) {
	t := DefaultTuning()
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&t); err != nil {
		return Tuning{}, fmt.Errorf("%s: %w", name, err)
	}
	if err := t.validate(); err != nil {
		return Tuning{}, fmt.Errorf("%s: %w", name, err)
	}
	return t, nil
}

func (t Tuning) validate() error {
	for _, w := range []struct {
		name string
		v    float64
	}{{"compound_boost", t.CompoundBoost}, {"parts_boost", t.PartsBoost}, {"synonym_boost", t.SynonymBoost}, {"fuzzy_boost", t.FuzzyBoost}, {"foreign_weight", t.ForeignWeight}, {"variant_boost", t.VariantBoost},
		{"answers.expanded", t.Answers.Expanded}, {"answers.proximity", t.Answers.Proximity}, {"answers.document", t.Answers.Document}, {"answers.german_document", t.Answers.GermanDocument},
		{"answers.length", t.Answers.Length}, {"answers.variant", t.Answers.Variant}, {"answers.kind", t.Answers.Kind}, {"answers.about", t.Answers.About}, {"answers.focus", t.Answers.Focus}} {
		if w.v < 0 || w.v > 10 {
			return fmt.Errorf("%s = %v, want 0 to 10", w.name, w.v)
		}
	}
	if t.MinHead < 1 || t.MinHead > 10 {
		return fmt.Errorf("min_head = %d, want 1 to 10", t.MinHead)
	}
	return nil
}
