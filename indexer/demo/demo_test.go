package demo_test

import (
	"context"
	"testing"

	"github.com/fundus-kb/fundus/indexer"
	"github.com/fundus-kb/fundus/indexer/demo"
	"github.com/fundus-kb/fundus/search"
)

func TestDemoCorpusLoads(t *testing.T) {
	kb, err := indexer.Open(context.Background(), indexer.Config{DataDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer kb.Close()
	var failures []error
	sum, err := kb.Ingest(context.Background(), []indexer.Source{{FS: demo.FS(), Root: "demo"}}, indexer.IngestOptions{
		OnError: func(err error) { failures = append(failures, err) },
	})
	if err != nil || len(failures) > 0 {
		t.Fatalf("ingest: %v %v", err, failures)
	}
	if sum.Added < 60 {
		t.Errorf("demo corpus has %d documents, want at least 60", sum.Added)
	}
	st, err := kb.Stats()
	if err != nil {
		t.Fatal(err)
	}
	for _, typ := range []string{search.TypeWebinar, search.TypeCase, search.TypeRecommendation, search.TypeOther} {
		if st.ByType[typ] == 0 {
			t.Errorf("no %s documents", typ)
		}
	}
	if st.ByLanguage["de"] <= st.ByLanguage["en"] || st.ByLanguage["en"] == 0 {
		t.Errorf("languages = %v, want mostly German, some English", st.ByLanguage)
	}
	res, err := kb.Search(context.Background(), search.Request{Query: "Innovationskultur"})
	if err != nil || res.Total == 0 {
		t.Errorf("search Innovationskultur: %v, %v", res, err)
	}
	// The kick-off is the network's first event.
	res, err = kb.Search(context.Background(), search.Request{Sort: search.SortDateAsc, Size: 1, NoFacets: true})
	if err != nil || len(res.Hits) == 0 || res.Hits[0].Date != "2020-03-27" {
		t.Errorf("oldest document = %+v, %v; want the kick-off of 2020-03-27", res, err)
	}
}
