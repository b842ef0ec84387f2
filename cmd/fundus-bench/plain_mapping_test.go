package main

import (
	"context"
	"errors"
	"maps"
	"path/filepath"
	"slices"
	"testing"

	"github.com/blevesearch/bleve/v2"

	"github.com/fundus-kb/fundus/internal/tabletest"
	"github.com/fundus-kb/fundus/search"
)

func TestParseBaselineMapping(t *testing.T) {
	for _, c := range []struct {
		name, in string
		want     string // the mapping's name; "" for a usage error
	}{
		{name: "fundus", in: "fundus", want: mappingFundus},
		{name: "plain", in: "plain", want: mappingPlain},
		{name: "empty", in: ""},
		{name: "case matters", in: "Plain"},
		{name: "unknown", in: "bleve"},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, err := parseBaselineMapping(c.in)
			var ue *usageError
			switch {
			case c.want != "" && (err != nil || got.name != c.want):
				t.Errorf("parseBaselineMapping(%q) = %q, %v; want %q", c.in, got.name, err, c.want)
			case c.want == "" && !errors.As(err, &ue):
				t.Errorf("parseBaselineMapping(%q) = %q, %v; want a usage error", c.in, got.name, err)
			}
		})
	}
}

func TestPlainFields(t *testing.T) {
	for _, c := range []struct {
		name string
		doc  search.Document
		want []string // the field names, sorted
	}{
		{
			name: "all fields",
			doc:  search.Document{ID: "1", Type: "case", Title: "T", Body: "B", Language: "en", Topics: []string{"energy"}, Date: "2021-03-04"},
			want: []string{plainBody, plainLanguage, plainTitle, plainTopics, plainType, plainYear},
		},
		{
			name: "no topics, no date",
			doc:  search.Document{ID: "2", Type: "study", Title: "T", Body: "B", Language: "de"},
			want: []string{plainBody, plainLanguage, plainTitle, plainType},
		},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := plainFields(&c.doc)
			if keys := slices.Sorted(maps.Keys(got)); !slices.Equal(keys, c.want) {
				t.Errorf("plainFields fields = %v, want %v", keys, c.want)
			}
		})
	}
	d := search.Document{Date: "2021-03-04"}
	if got := plainFields(&d)[plainYear]; got != "2021" {
		t.Errorf("year = %v, want 2021", got)
	}
}

// TestPlainMappingIndex indexes a few documents with the plain mapping and
// searches a title and a facet filter.
func TestPlainMappingIndex(t *testing.T) {
	docs := []search.Document{
		{ID: "a", Type: "case", Title: "Lead users in Energy", Body: "Lead users develop solutions first.", Language: "en", Topics: []string{"energy"}, Date: "2021-05-01"},
		{ID: "b", Type: "study", Title: "Open labs", Body: "The lab opened its doors to lead users.", Language: "en", Topics: []string{"labs"}, Date: "2019-01-01"},
		{ID: "c", Type: "case", Title: "Tandems", Body: "Start-ups and incumbents work in tandems.", Language: "de", Topics: []string{"energy", "start-ups"}},
	}
	dir := filepath.Join(t.TempDir(), "ix")
	if err := indexBaseline(context.Background(), dir, docs, 2, plainBaseline()); err != nil {
		t.Fatal(err)
	}
	ix, err := bleve.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()

	term := func(field, v string) *bleve.SearchRequest {
		q := bleve.NewTermQuery(v)
		q.SetField(field)
		return bleve.NewSearchRequest(q)
	}
	title := func(v string) *bleve.SearchRequest {
		q := bleve.NewMatchQuery(v)
		q.SetField(plainTitle)
		return bleve.NewSearchRequest(q)
	}
	both := func(text, field, v string) *bleve.SearchRequest {
		m := bleve.NewMatchQuery(text)
		m.SetField(plainBody)
		f := bleve.NewTermQuery(v)
		f.SetField(field)
		return bleve.NewSearchRequest(bleve.NewConjunctionQuery(m, f))
	}
	for _, c := range []struct {
		name string
		req  *bleve.SearchRequest
		want []string // ids, sorted
	}{
		{name: "title word, any case", req: title("LEAD"), want: []string{"a"}},
		{name: "title stop word finds nothing", req: title("in")},
		{name: "facet type", req: term(plainType, "case"), want: []string{"a", "c"}},
		{name: "facet topic of many", req: term(plainTopics, "start-ups"), want: []string{"c"}},
		{name: "facet year", req: term(plainYear, "2019"), want: []string{"b"}},
		{name: "keyword is not analysed", req: term(plainTopics, "start")},
		{name: "body and facet filter", req: both("lead users", plainType, "study"), want: []string{"b"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			res, err := ix.Search(c.req)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, h := range res.Hits {
				got = append(got, h.ID)
			}
			slices.Sort(got)
			if !slices.Equal(got, c.want) {
				t.Errorf("hits = %v, want %v", got, c.want)
			}
		})
	}

	req := bleve.NewSearchRequest(bleve.NewMatchAllQuery())
	req.AddFacet(plainType, bleve.NewFacetRequest(plainType, 10))
	res, err := ix.Search(req)
	if err != nil {
		t.Fatal(err)
	}
	counts := map[string]int{}
	for _, tf := range res.Facets[plainType].Terms.Terms() {
		counts[tf.Term] = tf.Count
	}
	if want := map[string]int{"case": 2, "study": 1}; !maps.Equal(counts, want) {
		t.Errorf("type facet = %v, want %v", counts, want)
	}
}

func TestBarVerdict(t *testing.T) {
	for _, c := range []struct {
		name string
		v    float64
		want string
	}{
		{"above the target", 0.95, "met"},
		{"at the target", 0.8, "met"},
		{"between bar and target", 0.75, "not met, above the bar"},
		{"at the bar", 0.7, "not met, above the bar"},
		{"below the bar", 0.5, "not met, below the bar"},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := barVerdict(c.v, 0.8, 0.7); got != c.want {
				t.Errorf("barVerdict(%v, 0.8, 0.7) = %q, want %q", c.v, got, c.want)
			}
		})
	}
}

func TestDiskMB(t *testing.T) {
	tabletest.Run(t, "diskMB", diskMB, []tabletest.Case[int64, string]{
		{"unknown", 0, "n/a"},
		{"negative", -1, "n/a"},
		{"one MB", 1 << 20, "1.0 MB"},
		{"rounds to a tenth", 25*(1<<20) + 3<<18, "25.8 MB"},
		{"small", 4096, "0.0 MB"},
	})
}
