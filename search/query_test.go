package search

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/blevesearch/bleve/v2"

	"github.com/fundus-kb/fundus/search/querylang"
)

// qlDocs is a small bilingual collection for the query language tests.
func qlDocs() []Document {
	docs := []Document{
		{ID: "de1", Type: "webinar", Title: "Innovationskultur in Unternehmen", Body: "Eine Kultur der Offenheit entsteht durch Führung und Co-Creation.", Date: "2020-04-16", Language: "de", Topics: []string{"Innovationskultur", "Führung"}, People: []string{"Miriam Albers"}},
		{ID: "de2", Type: "case", Title: "Digitale Ökosysteme im Mittelstand", Body: "Plattformen verbinden Partner. Ein Start-up hilft dem Mittelstand.", Date: "2020-05-14", Language: "de", Topics: []string{"Digitale Ökosysteme"}, Organizations: []string{"Nordwerk GmbH"}},
		{ID: "de3", Type: "recommendation", Title: "Förderung der Straßeninfrastruktur", Body: "Der Bund soll Kooperationen von KMU und Hochschulen fördern. Die Straße ist wichtig.", Date: "2021-03-10", Language: "de", Topics: []string{"Förderpolitik"}},
		{ID: "en1", Type: "case", Title: "Open innovation at a utility", Body: "We built an innovation culture across teams. The utility worked with start-ups.", Date: "2021-02-01", Language: "en", Topics: []string{"Open Innovation"}, Organizations: []string{"Stadtwerke Talheim"}},
		{ID: "en2", Type: "recommendation", Title: "Culture of openness", Body: "Our culture, innovation and transfer matter. Universities should reward openness.", Date: "2021-06-01", Language: "en", Topics: []string{"Wissenstransfer"}},
	}
	for i := range docs {
		if err := docs[i].Normalize(); err != nil {
			panic(err)
		}
	}
	return docs
}

func newQLIndex(t testing.TB) *Index {
	t.Helper()
	ix, err := NewMemory()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	docs := qlDocs()
	var changes []Change
	for i := range docs {
		changes = append(changes, Change{ID: docs[i].ID, Doc: &docs[i]})
	}
	if err := ix.Apply(changes, 1); err != nil {
		t.Fatal(err)
	}
	return ix
}

// qlSearch runs the query language query q and returns the ids of the
// hits, best first.
func qlSearch(t *testing.T, ix *Index, q string) []string {
	t.Helper()
	bq, err := buildQuery(q)
	if err != nil {
		t.Fatalf("buildQuery(%q): %v", q, err)
	}
	req := bleve.NewSearchRequestOptions(bq, 100, 0, false)
	req.SortBy([]string{"-_score", "_id"})
	res, err := ix.b.SearchInContext(context.Background(), req)
	if err != nil {
		t.Fatalf("search %q: %v", q, err)
	}
	var ids []string
	for _, h := range res.Hits {
		ids = append(ids, h.ID)
	}
	return ids
}

func TestQueryLanguageScratch(t *testing.T) {
	ix := newQLIndex(t)
	for _, q := range []string{"innovation AND culture", "Innov*", "Ökosys*", "innovation*", "Co-Creation", "start-ups", "Start-up", "a b -c", "innovation -openness", "innovation culture openness", "Straße", "strasse", "-innovation", "\"innovation culture\"", "\"culture innovation\""} {
		t.Logf("%-30q %v", q, qlSearch(t, ix, q))
	}
	_ = slices.Equal[[]string]
	_ = strings.Contains
	_ = errors.As
	_ = querylang.Parse
}
