package search

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"
)

// qualityDocs is a small German/English collection for decompounding,
// synonyms and typo tolerance.
func qualityDocs() []Document {
	return normalized([]Document{
		{ID: "kultur", Title: "Innovationskultur im Unternehmen", Body: "Eine gute Innovationskultur braucht Vertrauen. Die Innovationskultur wächst langsam.", Language: "de", Topics: []string{"Innovationskultur"}},
		{ID: "kultur-apart", Title: "Über die Kultur der Innovation", Body: "Die Kultur der Innovation entsteht im Alltag.", Language: "de"},
		{ID: "fehler", Title: "Fehlerkultur", Body: "Aus Fehlern lernen: eine offene Fehlerkultur hilft.", Language: "de", Topics: []string{"failure culture"}},
		{ID: "waerme", Title: "Wärmewende im Quartier", Body: "Die Wärmewende braucht Wärmepumpen und eine neue Quartierswärme. Wärme kommt aus dem Quartier.", Language: "de"},
		{ID: "wende", Title: "Die Wende", Body: "Eine Wende in der Politik.", Language: "de"},
		{ID: "oeko", Title: "Plattform-Ökosysteme für KMU", Body: "Digitale Plattform-Ökosysteme verbinden kleine und mittlere Unternehmen.", Language: "de"},
		{ID: "system", Title: "Ein Ökosystem", Body: "Das Ökosystem der Region wächst.", Language: "de"},
		{ID: "hochschule", Title: "Transfer an der Hochschule", Body: "Die Hochschule kooperiert mit Unternehmen der Region.", Language: "de"},
		{ID: "uni-en", Title: "University spin-offs", Body: "The university supports spin-offs and open innovation.", Language: "en"},
		{ID: "oi-de", Title: "Offene Innovation im Mittelstand", Body: "Offene Innovation öffnet den Innovationsprozess.", Language: "de"},
		{ID: "unternehmen", Title: "Unternehmen", Body: "Unternehmen nehmen teil. Wir nehmen uns Zeit.", Language: "de"},
	})
}

func newQualityIndex(t *testing.T, g *Glossary) *Index {
	t.Helper()
	// A scorch index on disk, as the knowledge base has: the in-memory
	// index has neither fuzzy dictionaries nor synonym indexes.
	ix, err := Create(filepath.Join(t.TempDir(), "index"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	indexDocs(t, ix, qualityDocs()...)
	if g != nil {
		if err := ix.SetGlossary(g); err != nil {
			t.Fatal(err)
		}
	}
	return ix
}

func searchIDs(t *testing.T, ix *Index, q string) ([]string, *Result) {
	t.Helper()
	res, err := ix.Search(context.Background(), Request{Query: q, Size: 20, NoFacets: true, NoSnippets: true})
	if err != nil {
		t.Fatalf("search %q: %v", q, err)
	}
	return resultIDs(res), res
}

// hitsWant is what a search for q must find.
type hitsWant struct {
	q            string
	first        string   // must rank first
	want, reject []string // must be found / must not be found
}

// checkHits searches ix for c.q and checks the hits against c.
func checkHits(t *testing.T, ix *Index, c hitsWant) {
	t.Helper()
	ids, _ := searchIDs(t, ix, c.q)
	if c.first != "" && (len(ids) == 0 || ids[0] != c.first) {
		t.Errorf("%q: hits %v, want %s first", c.q, ids, c.first)
	}
	for _, w := range c.want {
		if !slices.Contains(ids, w) {
			t.Errorf("%q: hits %v, want %s among them", c.q, ids, w)
		}
	}
	for _, r := range c.reject {
		if slices.Contains(ids, r) {
			t.Errorf("%q: hits %v, want no %s", c.q, ids, r)
		}
	}
}

func TestDecompounding(t *testing.T) {
	ix := newQualityIndex(t, nil)
	cases := []hitsWant{
		// A part finds the compounds, the exact word first.
		{q: "Kultur", first: "kultur-apart", want: []string{"kultur", "fehler"}},
		{q: "Wärme", want: []string{"waerme"}},
		{q: "Wende", first: "wende", want: []string{"waerme"}},
		// A compound finds the text that spells it apart, after the
		// compound itself.
		{q: "Innovationskultur", first: "kultur", want: []string{"kultur-apart"}},
		// A closed compound finds the hyphenated spelling.
		{q: "Plattformökosysteme", first: "oeko"},
		// Singular and plural of nouns on -em meet.
		{q: "Ökosysteme", want: []string{"system", "oeko"}},
		// "nehmen" is no part of "Unternehmen".
		{q: "nehmen", first: "unternehmen"},
		{q: "Unternehmen", want: []string{"unternehmen"}, reject: []string{"waerme"}},
	}
	for _, c := range cases {
		checkHits(t, ix, c)
	}
	// "nehmen" must not find Unternehmen through "unter" + "nehmen": the
	// only hit is the document that says "nehmen".
	if ids, _ := searchIDs(t, ix, "nehmen"); len(ids) != 1 {
		t.Errorf(`"nehmen": hits %v, want only the document that says it`, ids)
	}
}

// TestExactBeforeSimilarSpellings checks the retry with similar spellings
// of a search with few hits: the document that holds the rare word as
// written ranks first, although short texts that hold a similar word
// score higher by length.
func TestExactBeforeSimilarSpellings(t *testing.T) {
	ix, err := Create(filepath.Join(t.TempDir(), "index"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	long := "Eine Studie über die Geschichte der Pest ergab, dass es zwei bisher unbekannte, aber verwandte Kladen des Erregers gab. " +
		strings.Repeat("Die Forschung verglich viele Proben aus alten Gräbern in mehreren Ländern Europas. ", 6)
	docs := []Document{{ID: "paper", Title: "Die Pest", Body: long, Language: "de"}}
	// Short texts, as a collection of sayings has them: some with a word
	// like it (their first line is their title), many without.
	for i, b := range []string{"Viele klagen über das Wetter.", "Die Klage wurde abgewiesen.", "Klagen hilft nicht.", "Eine Klage gegen die Stadt.", "Wer klagt, hat Zeit."} {
		docs = append(docs, Document{ID: fmt.Sprintf("similar-%d", i), Title: b, Body: b, Language: "de"})
	}
	for i := range 100 {
		b := fmt.Sprintf("Spruch Nummer %d über den Garten.", i)
		docs = append(docs, Document{ID: fmt.Sprintf("other-%d", i), Title: b, Body: b, Language: "de"})
	}
	indexDocs(t, ix, docs...)
	for _, q := range []string{"Kladen", "Was sind Kladen?"} {
		ids, res := searchIDs(t, ix, q)
		if !res.Fuzzy || len(ids) < 2 {
			t.Errorf("%q: hits %v, fuzzy %v; want the similar spellings too", q, ids, res.Fuzzy)
		}
		if len(ids) == 0 || ids[0] != "paper" {
			t.Errorf("%q: hits %v, want paper, which holds the word as written, first", q, ids)
		}
	}
}

func TestTypoTolerance(t *testing.T) {
	ix := newQualityIndex(t, nil)
	cases := []struct {
		q, didYouMean, first string
		fuzzy                bool
	}{
		{q: "Inovationskultur", didYouMean: "Innovationskultur", first: "kultur", fuzzy: true},
		{q: "Fehlerkulur lernen", didYouMean: "Fehlerkultur lernen", first: "fehler", fuzzy: true},
		{q: "Hochschle", didYouMean: "Hochschule", first: "hochschule", fuzzy: true},
		{q: "universty", didYouMean: "university", first: "uni-en", fuzzy: true},
		// Known words: no suggestion, no fuzzy retry.
		{q: "Innovationskultur", first: "kultur"},
		{q: "Kutur", didYouMean: "Kultur", first: "kultur-apart", fuzzy: true},
		// Too short for an edit.
		{q: "Kutr"},
		{q: "Xyz"},
	}
	for _, c := range cases {
		ids, res := searchIDs(t, ix, c.q)
		if res.DidYouMean != c.didYouMean {
			t.Errorf("%q: did you mean %q, want %q", c.q, res.DidYouMean, c.didYouMean)
		}
		if res.Fuzzy != c.fuzzy {
			t.Errorf("%q: fuzzy %v, want %v", c.q, res.Fuzzy, c.fuzzy)
		}
		if c.first != "" && (len(ids) == 0 || ids[0] != c.first) {
			t.Errorf("%q: hits %v, want %s first", c.q, ids, c.first)
		}
	}
	// The fields show in JSON only when set.
	b, _ := json.Marshal(&Result{Hits: []Hit{}})
	if strings.Contains(string(b), "did_you_mean") || strings.Contains(string(b), "fuzzy") {
		t.Errorf("empty result JSON %s", b)
	}
	b, _ = json.Marshal(&Result{Hits: []Hit{}, DidYouMean: "x", Fuzzy: true})
	if !strings.Contains(string(b), `"did_you_mean":"x"`) || !strings.Contains(string(b), `"fuzzy":true`) {
		t.Errorf("result JSON %s", b)
	}
	// Without typo tolerance nothing is found.
	res, err := ix.Search(context.Background(), Request{Query: "Inovationskultur", NoTypos: true})
	if err != nil || res.Total != 0 || res.DidYouMean != "" {
		t.Errorf("NoTypos: %v, %+v", err, res)
	}
}

func TestReplaceWord(t *testing.T) {
	for _, c := range [][4]string{
		{"Fehlerkulur lernen", "Fehlerkulur", "Fehlerkultur", "Fehlerkultur lernen"},
		{"ab abc", "abc", "x", "ab x"},
		{"abc-d abc", "abc", "x", "abc-d x"},
		{"nothing", "abc", "x", "nothing"},
	} {
		if got := replaceWord(c[0], c[1], c[2]); got != c[3] {
			t.Errorf("replaceWord(%q, %q, %q) = %q, want %q", c[0], c[1], c[2], got, c[3])
		}
	}
}

const testGlossary = `
synonyms:
  - [Open Innovation, offene Innovation, OI]
  - [Hochschule, Universität, university]
  - [KMU, SME, kleine und mittlere Unternehmen]
  - [Fehlerkultur, failure culture]
topics:
  Fehlerkultur: [failure culture, Fehlerkulturen]
`

func TestGlossaryParse(t *testing.T) {
	g, err := ParseGlossary([]byte(testGlossary))
	if err != nil {
		t.Fatal(err)
	}
	if g.Groups() != 4 || g.TopicAliases() != 2 {
		t.Errorf("%d groups, %d aliases", g.Groups(), g.TopicAliases())
	}
	// Members match whatever their case and inflection.
	if got := g.synonymsOf(glossaryKey("Universitäten")); !slices.Equal(got, []string{"Hochschule", "university"}) {
		t.Errorf("synonyms of Universitäten: %q", got)
	}
	if got := g.synonymsOf(glossaryKey("kleinen und mittleren Unternehmen")); !slices.Equal(got, []string{"KMU", "SME"}) {
		t.Errorf("synonyms of kleinen und mittleren Unternehmen: %q", got)
	}
	if got := g.CanonicalTopic("FAILURE  culture"); got != "Fehlerkultur" {
		t.Errorf("canonical topic %q", got)
	}
	if got, changed := g.CanonicalTopics([]string{"Fehlerkulturen", "Fehlerkultur", "Other"}); !changed || !slices.Equal(got, []string{"Fehlerkultur", "Other"}) {
		t.Errorf("canonical topics %q %v", got, changed)
	}
	for _, bad := range []string{
		"synonyms:\n  - [alone]\n",
		"synonyms:\n  - [a, A]\n",
		"topics:\n  A: [x]\n  B: [x]\n",
		"synonym:\n  - [a, b]\n",
		"synonyms: [",
	} {
		if _, err := ParseGlossary([]byte(bad)); err == nil {
			t.Errorf("ParseGlossary(%q) accepted", bad)
		}
	}
	// The shipped glossary parses and is big enough.
	d := DefaultGlossary()
	if d.Groups() < 40 {
		t.Errorf("default glossary: %d synonym groups, want at least 40", d.Groups())
	}
}

func TestSynonyms(t *testing.T) {
	g, err := ParseGlossary([]byte(testGlossary))
	if err != nil {
		t.Fatal(err)
	}
	ix := newQualityIndex(t, g)
	cases := []hitsWant{
		// One word to one word, across languages (Bleve's synonym source).
		{q: "Universitäten", want: []string{"hochschule", "uni-en"}},
		{q: "university", want: []string{"uni-en", "hochschule"}},
		// One word to a phrase and a phrase to a word (the compiler).
		{q: "OI", want: []string{"oi-de", "uni-en"}},
		{q: "KMU", want: []string{"oeko"}},
		{q: "kleine und mittlere Unternehmen", first: "oeko"},
		{q: "SME", want: []string{"oeko"}},
		{q: `"failure culture"`, want: []string{"fehler"}},
		{q: "failure culture", first: "fehler"},
	}
	for _, c := range cases {
		checkHits(t, ix, c)
	}

	// The glossary's document is no document: not listed, not counted.
	n, err := ix.Count()
	if err != nil || n != uint64(len(qualityDocs())) {
		t.Errorf("Count = %d, %v; want %d", n, err, len(qualityDocs()))
	}
	ids, res := searchIDs(t, ix, "")
	if res.Total != uint64(len(qualityDocs())) || slices.Contains(ids, glossaryDocID) {
		t.Errorf("browse: %d hits %v", res.Total, ids)
	}
	if ids, _ := searchIDs(t, ix, "-Kultur"); slices.Contains(ids, glossaryDocID) {
		t.Errorf("negative query lists the glossary: %v", ids)
	}
	var listed []string
	if err := ix.EachIndexed(context.Background(), func(id, _ string) error { listed = append(listed, id); return nil }); err != nil || slices.Contains(listed, glossaryDocID) || len(listed) != len(qualityDocs()) {
		t.Errorf("EachIndexed: %v %v", listed, err)
	}

	// Topic aliases select the canonical topic.
	res, err = ix.Search(context.Background(), Request{Filters: map[string][]string{FacetTopics: {"Fehlerkulturen"}}, NoFacets: true})
	if err != nil || res.Total != 1 || res.Hits[0].ID != "fehler" {
		t.Errorf("topic filter by alias: %v %+v", err, res)
	}
	if ids, _ := searchIDs(t, ix, "topic:Fehlerkultur"); !slices.Equal(ids, []string{"fehler"}) {
		t.Errorf("topic:Fehlerkultur → %v (the document is tagged with the alias)", ids)
	}

	// Reloading replaces the synonyms at once: without the university
	// group, Universitäten finds no English document any more.
	g2, err := ParseGlossary([]byte("synonyms:\n  - [OI, offene Innovation]\n"))
	if err != nil {
		t.Fatal(err)
	}
	if err := ix.SetGlossary(g2); err != nil {
		t.Fatal(err)
	}
	if ids, _ := searchIDs(t, ix, "Universitäten"); slices.Contains(ids, "uni-en") {
		t.Errorf("after reload, Universitäten still finds uni-en: %v", ids)
	}
	if ix.GlossaryHash() != g2.Hash() {
		t.Errorf("glossary hash %q, want %q", ix.GlossaryHash(), g2.Hash())
	}
	// An index without glossary has no synonyms.
	if err := ix.SetGlossary(nil); err != nil {
		t.Fatal(err)
	}
	if ids, _ := searchIDs(t, ix, "OI"); len(ids) != 0 {
		t.Errorf("without glossary, OI finds %v", ids)
	}
	if n, _ := ix.Count(); n != uint64(len(qualityDocs())) {
		t.Errorf("Count after removing the glossary = %d", n)
	}
}

// The sum query adds its alternatives' scores without a coordination
// factor: a document matching one of many alternatives scores as if the
// others were not there.
func TestSumQueryNoCoord(t *testing.T) {
	ix := newQualityIndex(t, nil)
	score := func(q query.Query) float64 {
		req := bleve.NewSearchRequest(q)
		res, err := ix.b.Search(req)
		if err != nil || len(res.Hits) == 0 {
			t.Fatalf("search: %v %v", err, res)
		}
		for _, h := range res.Hits {
			if h.ID == "wende" {
				return h.Score
			}
		}
		t.Fatal("no hit wende")
		return 0
	}
	one := bleve.NewTermQuery("wend")
	one.SetField("text_de")
	other := bleve.NewTermQuery("zzz")
	other.SetField("text_de")
	third := bleve.NewTermQuery("yyy")
	third.SetField("text_de")
	alone := score(one)
	sum := score(newSumQuery(one, other, third))
	if diff := alone - sum; diff > 1e-9 || diff < -1e-9 {
		t.Errorf("sum of one matching alternative %v, alone %v", sum, alone)
	}
	if dis := score(bleve.NewDisjunctionQuery(one, other, third)); dis >= alone {
		t.Errorf("Bleve's disjunction %v, want below %v (coordination)", dis, alone)
	}
	b, err := json.Marshal(newSumQuery(one, other))
	if err != nil || !strings.Contains(string(b), `"sum"`) {
		t.Errorf("marshal: %s %v", b, err)
	}
}

// TestGlossaryKeyPerWord checks what spanSynonyms relies on: a span's
// glossary key is its words' keys joined.
func TestGlossaryKeyPerWord(t *testing.T) {
	for _, span := range []string{
		"kleinen und mittleren Unternehmen",
		"Open Innovation in der Innovationskultur",
		"Co-Creation mit IL-6 und Start-ups",
		"die der das",
		"Hochschulen Universitäten university's",
		"Ökosysteme digitaler Plattformen 2021",
	} {
		var keys []string
		for _, w := range strings.Fields(span) {
			if k := glossaryKey(w); k != "" {
				keys = append(keys, k)
			}
		}
		if got, want := strings.Join(keys, " "), glossaryKey(span); got != want {
			t.Errorf("%q: words' keys %q, span's key %q", span, got, want)
		}
	}
}
