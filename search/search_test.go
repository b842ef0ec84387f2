package search

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
)

// normalized normalizes test documents in place and returns them.
func normalized(docs []Document) []Document {
	for i := range docs {
		if err := docs[i].Normalize(); err != nil {
			panic(err)
		}
	}
	return docs
}

// fixtureDocs is a small collection with overlapping facet values.
func fixtureDocs() []Document {
	return normalized([]Document{
		{ID: "w1", Type: "webinar", Title: "Innovationskultur in Unternehmen", Body: "Eine Kultur der Offenheit entsteht durch Führung.", Date: "2020-04-16", Language: "de", Topics: []string{"Innovationskultur", "Führung"}, People: []string{"Miriam Albers"}},
		{ID: "w2", Type: "webinar", Title: "Digitale Ökosysteme", Body: "Plattformen verbinden Partner in digitalen Ökosystemen.", Date: "2020-05-14", Language: "de", Topics: []string{"Digitale Ökosysteme"}},
		{ID: "c1", Type: "case", Title: "Intrapreneurship bei Nordwerk", Body: "Nordwerk stärkt die Innovationskultur mit einem Programm.", Date: "2020-09-01", Language: "de", Topics: []string{"Innovationskultur"}, Organizations: []string{"Nordwerk"}},
		{ID: "c2", Type: "case", Title: "Open innovation at a utility", Body: "The utility opened its innovation process to start-ups.", Date: "2021-02-01", Language: "en", Topics: []string{"Open Innovation", "Start-ups"}, Organizations: []string{"Stadtwerke Talheim"}},
		{ID: "r1", Type: "recommendation", Title: "Förderung offener Innovation", Body: "Der Bund soll Kooperationen von KMU und Hochschulen fördern.", Date: "2021-03-10", Language: "de", Topics: []string{"Förderpolitik", "Open Innovation"}, Addressees: []string{"Bund", "Hochschulen"}, PolicyArea: "Forschungs- und Innovationspolitik"},
		{ID: "r2", Type: "recommendation", Title: "Culture of openness in universities", Body: "Universities should reward openness and transfer.", Date: "2021-06-01", Language: "en", Topics: []string{"Innovationskultur", "Wissenstransfer"}, Addressees: []string{"Hochschulen"}, PolicyArea: "Bildungspolitik"},
		{ID: "o1", Type: "other", Title: "Glossar", Body: "Begriffe rund um offene Innovation.", Language: "de"},
	})
}

func newFixtureIndex(t testing.TB) *Index {
	t.Helper()
	return memIndex(t, fixtureDocs()...)
}

// memIndex makes an in-memory index of docs, closed when the test ends.
func memIndex(t testing.TB, docs ...Document) *Index {
	t.Helper()
	ix, err := NewMemory()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	indexDocs(t, ix, docs...)
	return ix
}

// indexDocs normalizes docs and writes them into ix in one batch, as the
// first change (sequence number 1).
func indexDocs(t testing.TB, ix *Index, docs ...Document) {
	t.Helper()
	changes := make([]Change, len(docs))
	for i := range docs {
		if err := docs[i].Normalize(); err != nil {
			t.Fatal(err)
		}
		changes[i] = Change{ID: docs[i].ID, Doc: &docs[i]}
	}
	if err := ix.Apply(changes, 1); err != nil {
		t.Fatal(err)
	}
}

// resultIDs are the ids of res's hits, in order.
func resultIDs(res *Result) []string {
	var ids []string
	for _, h := range res.Hits {
		ids = append(ids, h.ID)
	}
	return ids
}

// facetValuesOf returns a document's values for a facet, computed from the
// document itself, independently of the index.
func facetValuesOf(d *Document, facet string) []string {
	switch facet {
	case FacetType:
		return []string{d.Type}
	case FacetTopics:
		return d.Topics
	case FacetYear:
		if d.Year() == "" {
			return nil
		}
		return []string{d.Year()}
	case FacetLanguage:
		return []string{d.Language}
	case FacetOrganizations:
		return d.Organizations
	case FacetPeople:
		return d.People
	case FacetAddressees:
		return d.Addressees
	case FacetPolicyArea:
		if d.PolicyArea == "" {
			return nil
		}
		return []string{d.PolicyArea}
	}
	panic(facet)
}

// expectedFacets counts facet values over the fixture documents that match
// every filter but the facet's own — the disjunctive rule — by brute force.
func expectedFacets(filters map[string][]string) map[string]map[string]int {
	docs := fixtureDocs()
	out := map[string]map[string]int{}
	for _, f := range FacetNames {
		out[f] = map[string]int{}
		for i := range docs {
			ok := true
			for g, vs := range filters {
				if g == f {
					continue
				}
				if !slices.ContainsFunc(facetValuesOf(&docs[i], g), func(v string) bool {
					return slices.ContainsFunc(vs, func(w string) bool { return strings.EqualFold(v, w) })
				}) {
					ok = false
				}
			}
			if ok {
				for _, v := range facetValuesOf(&docs[i], f) {
					out[f][v]++
				}
			}
		}
	}
	return out
}

func TestFacetCountsAreDisjunctiveAndExact(t *testing.T) {
	ix := newFixtureIndex(t)
	cases := []struct {
		name    string
		filters map[string][]string
		total   uint64
	}{
		{"no selection", nil, 7},
		{"one topic", map[string][]string{FacetTopics: {"Innovationskultur"}}, 3},
		{"two topics are OR-ed", map[string][]string{FacetTopics: {"Innovationskultur", "Open Innovation"}}, 5},
		{"topic and type are AND-ed", map[string][]string{FacetTopics: {"Innovationskultur"}, FacetType: {"case"}}, 1},
		{"filter values ignore case", map[string][]string{FacetTopics: {"innovationskultur"}, FacetAddressees: {"hochschulen"}}, 1},
		{"year and language", map[string][]string{FacetYear: {"2021"}, FacetLanguage: {"en"}}, 2},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res, err := ix.Search(context.Background(), Request{Filters: tc.filters, Size: 100})
			if err != nil {
				t.Fatal(err)
			}
			if res.Total != tc.total {
				t.Errorf("total = %d, want %d", res.Total, tc.total)
			}
			want := expectedFacets(tc.filters)
			for _, f := range FacetNames {
				got := map[string]int{}
				for _, v := range res.Facets[f] {
					if v.Count > 0 {
						got[v.Value] = v.Count
					}
					sel := slices.ContainsFunc(tc.filters[f], func(w string) bool { return strings.EqualFold(v.Value, w) })
					if v.Selected != sel {
						t.Errorf("facet %s value %q: selected = %v, want %v", f, v.Value, v.Selected, sel)
					}
				}
				if fmt.Sprint(got) != fmt.Sprint(want[f]) {
					t.Errorf("facet %s = %v, want %v", f, got, want[f])
				}
			}
		})
	}
}

func TestSearchQueryAndSort(t *testing.T) {
	ix := newFixtureIndex(t)
	cases := []struct {
		name string
		req  Request
		want []string // ids in order; nil means only check membership of first
	}{
		{"german stemming", Request{Query: "Plattform"}, []string{"w2"}},
		{"english field", Request{Query: "universities"}, []string{"r2"}},
		{"browse newest first", Request{Size: 3}, []string{"r2", "r1", "c2"}},
		{"date ascending", Request{Sort: SortDateAsc, Size: 2}, []string{"w1", "w2"}},
		{"title order", Request{Sort: SortTitle, Size: 3}, []string{"r2", "w2", "r1"}},
		{"date range", Request{From: "2020-05-01", To: "2020-12-31", Sort: SortDateAsc}, []string{"w2", "c1"}},
		{"year range", Request{From: "2021", To: "2021", Sort: SortDateAsc}, []string{"c2", "r1", "r2"}},
		{"page two", Request{Sort: SortDateAsc, Size: 2, Page: 2}, []string{"c1", "c2"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tc.req.NoFacets = true
			res, err := ix.Search(context.Background(), tc.req)
			if err != nil {
				t.Fatal(err)
			}
			if got := resultIDs(res); !slices.Equal(got, tc.want) {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
}

func TestSnippetHighlightsAndEscapes(t *testing.T) {
	ix := memIndex(t, Document{ID: "x", Title: "Script", Body: `Vorsicht <script>alert(1)</script> vor Kooperation & Vertrauen`, Language: "de"})
	res, err := ix.Search(context.Background(), Request{Query: "Kooperation"})
	if err != nil || len(res.Hits) != 1 {
		t.Fatalf("search: %v, %v", res, err)
	}
	s := res.Hits[0].Snippet
	if !strings.Contains(s, "<mark>Kooperation</mark>") || strings.Contains(s, "<script>") || !strings.Contains(s, "&lt;script&gt;") {
		t.Errorf("snippet = %q: want the match marked and the rest escaped", s)
	}
}

func TestInvalidRequests(t *testing.T) {
	ix := newFixtureIndex(t)
	cases := []struct {
		name         string
		req          Request
		param, fault string
	}{
		{"bad sort", Request{Sort: "popularity"}, "sort", ""},
		{"bad date", Request{From: "gestern"}, "from", FaultDate},
		{"year before the index's dates", Request{From: "1600"}, "from", FaultDateRange},
		{"year after the index's dates", Request{To: "2300-01-01"}, "to", FaultDateRange},
		{"period ends before it starts", Request{From: "2021", To: "2020"}, "from", FaultDateOrder},
		{"bad page", Request{Page: -1}, "page", ""},
		{"size above the maximum", Request{Size: MaxSize + 1}, "size", ""},
		{"too deep", Request{Page: MaxDeepPage/MaxSize + 1, Size: MaxSize}, "page", ""},
		{"bad facet size", Request{FacetSize: MaxFacetSize + 1}, "facet_size", ""},
		{"unknown filter", Request{Filters: map[string][]string{"colour": {"red"}}}, "colour", ""},
		{"query too long", Request{Query: strings.Repeat("a", MaxQueryLength+1)}, "q", ""},
		{"forged cursor", Request{Cursor: "eyJhIjpbIngiXX0"}, "cursor", ""},
		{"cursor with a page", Request{Cursor: "eyJhIjpbIngiXX0", Page: 2}, "cursor", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ix.Search(context.Background(), tc.req)
			ir, ok := err.(*InvalidRequestError)
			if !ok || ir.Param != tc.param || ir.Fault != tc.fault {
				t.Errorf("got %#v, want an InvalidRequestError for %s with fault %q", err, tc.param, tc.fault)
			}
		})
	}
}

func TestCursorPagesThroughEverything(t *testing.T) {
	ix := newFixtureIndex(t)
	for _, sort := range []string{SortRelevance, SortDateDesc, SortTitle} {
		t.Run(sort, func(t *testing.T) {
			q := ""
			if sort == SortRelevance {
				q = "innovation Innovationskultur Offenheit"
			}
			all, err := ix.Search(context.Background(), Request{Query: q, Sort: sort, Size: 100, NoFacets: true})
			if err != nil {
				t.Fatal(err)
			}
			var want []string
			for _, h := range all.Hits {
				want = append(want, h.ID)
			}
			got := cursorIDs(t, ix, Request{Query: q, Sort: sort, Size: 2, NoFacets: true})
			if !slices.Equal(got, want) || len(want) < 3 {
				t.Errorf("cursor pages = %v, want %v", got, want)
			}
		})
	}
	_, err := ix.Search(context.Background(), Request{Cursor: "garbage!"})
	if ir, ok := err.(*InvalidRequestError); !ok || ir.Param != "cursor" {
		t.Errorf("bad cursor: %v", err)
	}
}

func TestRelatedTopicsSuggest(t *testing.T) {
	ix := newFixtureIndex(t)
	ctx := context.Background()
	docs := fixtureDocs()

	rel, err := ix.Related(ctx, &docs[0], 5) // w1: Innovationskultur
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, h := range rel {
		ids = append(ids, h.ID)
	}
	if slices.Contains(ids, "w1") || len(ids) == 0 || ids[0] != "c1" {
		t.Errorf("related to w1 = %v, want c1 first (shares Innovationskultur) and never w1 itself", ids)
	}

	topics, err := ix.Topics(ctx)
	if err != nil {
		t.Fatal(err)
	}
	byName := map[string]TopicCount{}
	for _, tc := range topics {
		byName[tc.Topic] = tc
	}
	ik := byName["Innovationskultur"]
	if ik.Total != 3 || ik.ByType["webinar"] != 1 || ik.ByType["case"] != 1 || ik.ByType["recommendation"] != 1 {
		t.Errorf("Innovationskultur = %+v, want 3: one webinar, case and recommendation", ik)
	}
	if oi := byName["Open Innovation"]; oi.Total != 2 {
		t.Errorf("Open Innovation = %+v", oi)
	}

	cases := []struct {
		prefix string
		want   Suggestion
	}{
		{"innov", Suggestion{Text: "Innovationskultur", Kind: "topic", Count: 3}},
		{"nord", Suggestion{Text: "Nordwerk", Kind: "organization", Count: 1}},
		{"alb", Suggestion{Text: "Miriam Albers", Kind: "person", Count: 1}},
		{"glos", Suggestion{Text: "Glossar", Kind: "title", ID: "o1"}},
		{"digitale öko", Suggestion{Text: "Digitale Ökosysteme", Kind: "topic", Count: 1}},
	}
	for _, tc := range cases {
		got, err := ix.Suggest(ctx, tc.prefix, 8)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Contains(got, tc.want) {
			t.Errorf("Suggest(%q) = %+v, want it to contain %+v", tc.prefix, got, tc.want)
		}
	}
}

// TestSuggestBeyondTheTopValues: people and organisations are suggested
// from all their values, not only a facet's most frequent MaxFacetSize.
func TestSuggestBeyondTheTopValues(t *testing.T) {
	var docs []Document
	for i := range MaxFacetSize + 5 {
		d := Document{ID: fmt.Sprintf("p%d", i), Title: "Protokoll", Body: "Notiz", Language: "de", People: []string{fmt.Sprintf("Anna Beispiel %04d", i)}}
		if i == MaxFacetSize+4 {
			d.People = []string{"Zacharias Quellmann"} // sorts after every other value of count 1
		}
		docs = append(docs, d)
	}
	ix := memIndex(t, docs...)
	got, err := ix.Suggest(context.Background(), "quell", 8)
	if err != nil {
		t.Fatal(err)
	}
	want := Suggestion{Text: "Zacharias Quellmann", Kind: "person", Count: 1}
	if !slices.Contains(got, want) {
		t.Errorf("Suggest(quell) = %+v, want %+v among them", got, want)
	}
}

// TestSuggestTitles: title suggestions complete the last word typed (the
// earlier ones must match too); titles that start with the typed text come
// first, then shorter ones.
func TestSuggestTitles(t *testing.T) {
	titles := map[string]string{
		"t1": "Neue Wege der Kooperation mit Hochschulen",
		"t2": "Kooperationen im Mittelstand",
		"t3": "Kooperation",
		"t4": "Digitale Plattformen für Kooperation und Austausch",
		"t5": "Haushalt und Controlling",
	}
	var docs []Document
	for id, title := range titles {
		docs = append(docs, Document{ID: id, Title: title, Body: "Text", Language: "de"})
	}
	ix := memIndex(t, docs...)
	cases := []struct {
		prefix string
		want   []string // the title suggestions, in order
	}{
		{"koop", []string{"Kooperation", "Kooperationen im Mittelstand", "Neue Wege der Kooperation mit Hochschulen", "Digitale Plattformen für Kooperation und Austausch"}},
		{"digitale koop", []string{"Digitale Plattformen für Kooperation und Austausch"}},
		{"haus", []string{"Haushalt und Controlling"}},
		{"xyz", nil},
	}
	for _, tc := range cases {
		t.Run(tc.prefix, func(t *testing.T) {
			got, err := ix.Suggest(context.Background(), tc.prefix, 8)
			if err != nil {
				t.Fatal(err)
			}
			var titles []string
			for _, s := range got {
				if s.Kind == "title" {
					titles = append(titles, s.Text)
				}
			}
			if !slices.Equal(titles, tc.want) {
				t.Errorf("Suggest(%q) titles = %q, want %q", tc.prefix, titles, tc.want)
			}
		})
	}
}

// TestResultSaysItsSort checks that a Result names the order of its hits:
// a query with words ranks, browsing shows the newest first, an asked-for
// sort is kept.
func TestResultSaysItsSort(t *testing.T) {
	ix := newFixtureIndex(t)
	for _, tc := range []struct {
		name string
		req  Request
		want string
	}{
		{"words rank", Request{Query: "Innovation"}, SortRelevance},
		{"browsing is newest first", Request{}, SortDateDesc},
		{"relevance without words browses", Request{Sort: SortRelevance}, SortDateDesc},
		{"asked for", Request{Query: "Innovation", Sort: SortTitle}, SortTitle},
		{"asked for when browsing", Request{Sort: SortDateAsc}, SortDateAsc},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, err := ix.Search(context.Background(), tc.req)
			if err != nil {
				t.Fatal(err)
			}
			if res.Sort != tc.want {
				t.Errorf("sort %q, want %q", res.Sort, tc.want)
			}
		})
	}
}
