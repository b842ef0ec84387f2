package main

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/blevesearch/bleve/v2"

	"github.com/fundus-kb/fundus/search"
)

func TestPercentile(t *testing.T) {
	var lat []time.Duration
	for i := 1; i <= 100; i++ {
		lat = append(lat, time.Duration(i)*time.Millisecond)
	}
	s := summarize(lat, 2*time.Second)
	if s.p50 != 50*time.Millisecond || s.p95 != 95*time.Millisecond || s.p99 != 99*time.Millisecond {
		t.Errorf("p50/p95/p99 = %v/%v/%v, want 50/95/99 ms", s.p50, s.p95, s.p99)
	}
	if s.rps != 50 || s.n != 100 {
		t.Errorf("rps = %v, n = %d", s.rps, s.n)
	}
	if got := percentile([]time.Duration{7}, 0.99); got != 7 {
		t.Errorf("percentile of one = %v", got)
	}
	if got := summarize(nil, time.Second); got.n != 0 || got.p99 != 0 {
		t.Errorf("empty summary = %+v", got)
	}
	var a sample
	a.add(sample{lat: lat[:50], wall: time.Second})
	a.add(sample{lat: lat[50:], wall: time.Second, errors: 2, firstErr: "x"})
	if st := a.stats(); st.n != 100 || st.rps != 50 || st.errors != 2 || st.firstErr != "x" {
		t.Errorf("merged sample = %+v", st)
	}
}

func TestSplitSentences(t *testing.T) {
	got := splitSentences("First one. Second e.g. here. 3 mice died! Why? no split. End")
	want := []string{"First one.", "Second e.g. here.", "3 mice died!", "Why? no split.", "End"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestFirstWordsAndThousands(t *testing.T) {
	if got := firstWords("  0-dimensional biomaterials  lack inductive properties.", 3); got != "0-dimensional biomaterials lack" {
		t.Errorf("firstWords = %q", got)
	}
	if got := firstWords("one", 3); got != "one" {
		t.Errorf("firstWords = %q", got)
	}
	for n, want := range map[int]string{0: "0", 999: "999", 5183: "5,183", 100000: "100,000", 1234567: "1,234,567"} {
		if got := thousands(n); got != want {
			t.Errorf("thousands(%d) = %q", n, got)
		}
	}
}

var testSci = []sciDoc{
	{ID: "1", Title: "Lead users in medical technology", Text: "Lead users develop solutions. The market follows later. 12 firms took part."},
	{ID: "2", Title: "Open labs", Text: "The lab opened its doors. Firms in the region joined. Results were mixed."},
	{ID: "3", Title: "Tandems of start-ups", Text: "Start-ups and incumbents work in tandems. Each tandem lasts six months."},
}

func TestSyntheticIsDeterministic(t *testing.T) {
	g1, g2, g3 := newSynGen(testSci, 7), newSynGen(testSci, 7), newSynGen(testSci, 8)
	differs := false
	for i := range 60 {
		a, b, c := g1.doc(i), g2.doc(i), g3.doc(i)
		if !reflect.DeepEqual(a, b) {
			t.Fatalf("doc %d differs between runs with one seed:\n%+v\n%+v", i, a, b)
		}
		differs = differs || !reflect.DeepEqual(a, c)
		if a.ID != "syn-"+strconv.Itoa(i) || a.Title != testSci[i%3].Title || a.Language != "en" || a.Body == "" {
			t.Errorf("doc %d = %+v", i, a)
		}
		if len(a.Topics) < 1 || len(a.Topics) > 3 || len(a.Organizations) > 2 || len(a.People) > 3 {
			t.Errorf("doc %d facet counts: %+v", i, a)
		}
		for _, v := range a.Topics {
			if !slices.Contains(synTopics, v) {
				t.Errorf("doc %d: topic %q not in the vocabulary", i, v)
			}
		}
		if (a.Type == "recommendation") != (a.PolicyArea != "" && len(a.Addressees) > 0) {
			t.Errorf("doc %d: type %s with policy area %q, addressees %v", i, a.Type, a.PolicyArea, a.Addressees)
		}
		if _, err := search.NormalizeDate(a.Date); err != nil || a.Date < "2005" || a.Date > "2025" {
			t.Errorf("doc %d: date %q", i, a.Date)
		}
	}
	if !differs {
		t.Error("another seed made the same corpus")
	}
	if len(synTopics) != 200 || len(synOrgs) != 500 || len(synPeople) != 2000 {
		t.Errorf("vocabularies: %d topics, %d organisations, %d people", len(synTopics), len(synOrgs), len(synPeople))
	}
}

func TestWriteSyntheticAndPrepare(t *testing.T) {
	path := filepath.Join(t.TempDir(), "syn.jsonl")
	if err := writeSynthetic(path, testSci, 25, 1); err != nil {
		t.Fatal(err)
	}
	docs, err := prepareDocs(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	if len(docs) != 25 || docs[0].ID != "syn-0" || docs[24].ID != "syn-24" || docs[3].Language != "en" || len(docs[3].Topics) == 0 {
		t.Errorf("prepared %d docs, first %+v", len(docs), docs[0])
	}
}

func TestSuggestPrefixes(t *testing.T) {
	titles := titlesOf(testSci)
	a, b := suggestPrefixes(titles, 50, 3), suggestPrefixes(titles, 50, 3)
	if !slices.Equal(a, b) || len(a) != 50 {
		t.Fatalf("prefixes not deterministic or too few: %v", a)
	}
	for _, p := range a {
		r := []rune(p)
		if len(r) < 2 || len(r) > 6 || strings.ToLower(p) != p || strings.IndexFunc(p, func(c rune) bool { return !unicode.IsLetter(c) }) >= 0 {
			t.Errorf("bad prefix %q", p)
		}
	}
}

func TestLoadClaims(t *testing.T) {
	dir := t.TempDir()
	queries := filepath.Join(dir, "queries.jsonl")
	qrels := filepath.Join(dir, "test.tsv")
	os.WriteFile(queries, []byte(`{"_id": "1", "text": "Claim one."}
{"_id": "2", "text": "Claim two."}
{"_id": "3", "text": "Claim three."}
`), 0o644)
	os.WriteFile(qrels, []byte("query-id\tcorpus-id\tscore\n3\t10\t1\n1\t11\t1\n3\t12\t1\n"), 0o644)
	got, err := loadClaims(queries, qrels)
	if err != nil || !slices.Equal(got, []string{"Claim one.", "Claim three."}) {
		t.Errorf("loadClaims = %q, %v", got, err)
	}
	os.WriteFile(qrels, []byte("query-id\tcorpus-id\tscore\n4\t10\t1\n"), 0o644)
	if _, err := loadClaims(queries, qrels); err == nil {
		t.Error("a qrels id without a query is not an error")
	}
}

// TestPlainRequestMatchesFundus guards the floor against drifting from
// Fundus's query: for plain words, plain Bleve must find the same
// documents as search.Index.Search on the same documents.
func TestPlainRequestMatchesFundus(t *testing.T) {
	path := filepath.Join(t.TempDir(), "syn.jsonl")
	if err := writeSynthetic(path, testSci, 30, 1); err != nil {
		t.Fatal(err)
	}
	docs, err := prepareDocs(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	ix, err := search.NewMemory()
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	plain, err := bleve.NewMemOnly(search.NewMapping())
	if err != nil {
		t.Fatal(err)
	}
	defer plain.Close()
	var changes []search.Change
	batch := plain.NewBatch()
	for i := range docs {
		changes = append(changes, search.Change{ID: docs[i].ID, Doc: &docs[i]})
		if err := batch.Index(docs[i].ID, search.IndexFields(&docs[i])); err != nil {
			t.Fatal(err)
		}
	}
	if err := ix.Apply(changes, 1); err != nil {
		t.Fatal(err)
	}
	if err := plain.Batch(batch); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for _, q := range []string{"lead users", "tandems", "firms in the region", "nothing matches xyzzy", "Results were mixed"} {
		res, err := ix.Search(ctx, search.Request{Query: q})
		if err != nil {
			t.Fatal(err)
		}
		pres, err := plain.SearchInContext(ctx, plainRequest(q, floorFacets))
		if err != nil {
			t.Fatal(err)
		}
		if res.Total != pres.Total {
			t.Errorf("%q: Fundus finds %d, plain Bleve %d", q, res.Total, pres.Total)
		}
		if len(pres.Facets) != 3 || len(res.Facets) != len(search.FacetNames) {
			t.Errorf("%q: %d plain facets, %d Fundus facets", q, len(pres.Facets), len(res.Facets))
		}
	}
}
