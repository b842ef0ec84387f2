package search

import (
	"context"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"sync"
	"testing"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"
)

// randomDocs makes n documents with facet values drawn from small sets, so
// that values overlap across documents and segments.
func randomDocs(rng *rand.Rand, n, from int) []Document {
	pick := func(set []string, max int) []string {
		var out []string
		for range rng.IntN(max + 1) {
			v := set[rng.IntN(len(set))]
			if !slices.Contains(out, v) {
				out = append(out, v)
			}
		}
		return out
	}
	types := []string{"webinar", "case", "recommendation", "other"}
	topics := []string{"Innovationskultur", "Open Innovation", "Digitale Ökosysteme", "Wissenstransfer", "Förderpolitik", "Start-ups"}
	orgs := []string{"Nordwerk", "Stadtwerke Talheim", "Hochschule Nord", "Fraunhofer"}
	people := []string{"Anna Albers", "Ben Becker", "Clara Cramer"}
	words := []string{"Kultur", "Innovation", "Plattform", "Kooperation", "openness", "transfer", "Förderung"}
	docs := make([]Document, n)
	for i := range docs {
		d := &docs[i]
		d.ID = fmt.Sprintf("d%04d", from+i)
		d.Type = types[rng.IntN(len(types))]
		d.Title = "Dokument " + words[rng.IntN(len(words))]
		d.Body = fmt.Sprintf("%s und %s", words[rng.IntN(len(words))], words[rng.IntN(len(words))])
		d.Language = []string{"de", "en"}[rng.IntN(2)]
		if rng.IntN(5) > 0 {
			d.Date = fmt.Sprintf("%d-%02d-01", 2018+rng.IntN(5), 1+rng.IntN(12))
		}
		d.Topics = pick(topics, 3)
		d.Organizations = pick(orgs, 2)
		d.People = pick(people, 2)
		if d.Type == "recommendation" {
			d.Addressees = pick([]string{"Bund", "Länder", "Hochschulen"}, 2)
			d.PolicyArea = []string{"Bildungspolitik", "Innovationspolitik"}[rng.IntN(2)]
		}
		if err := d.Normalize(); err != nil {
			panic(err)
		}
	}
	return docs
}

// newRandomIndex makes an on-disk index of random documents over several
// segments, with documents updated (new values) and deleted.
func newRandomIndex(t *testing.T) *Index {
	t.Helper()
	ix, err := Create(filepath.Join(t.TempDir(), "index"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	rng := rand.New(rand.NewPCG(7, 11))
	seq := uint64(0)
	apply := func(changes []Change) {
		t.Helper()
		seq++
		if err := ix.Apply(changes, seq); err != nil {
			t.Fatal(err)
		}
	}
	ctx := context.Background()
	// Batches make segments; a search between them builds tables for the
	// segments there are, which later batches must not disturb.
	for b := range 4 {
		docs := randomDocs(rng, 60, b*60)
		var changes []Change
		for i := range docs {
			changes = append(changes, Change{ID: docs[i].ID, Doc: &docs[i]})
		}
		apply(changes)
		if _, err := ix.Search(ctx, Request{}); err != nil {
			t.Fatal(err)
		}
	}
	// Updates with new values, and deletes.
	upd := randomDocs(rng, 40, 0)
	var changes []Change
	for i := range upd {
		upd[i].ID = fmt.Sprintf("d%04d", i*5)
		upd[i].Topics = append(upd[i].Topics, "Neues Thema")
		changes = append(changes, Change{ID: upd[i].ID, Doc: &upd[i]})
	}
	for i := range 20 {
		changes = append(changes, Change{ID: fmt.Sprintf("d%04d", 3+i*7)})
	}
	apply(changes)
	return ix
}

// compiledRequest is req normalized, as Search does, and its text query
// compiled with the default tuning: what ix.request builds a Bleve
// request of.
func compiledRequest(t *testing.T, ix *Index, req Request) (Request, query.Query) {
	t.Helper()
	if err := req.normalize(); err != nil {
		t.Fatal(err)
	}
	_, textQ, err := ix.compiler(DefaultTuning()).parse(req.Query)
	if err != nil {
		t.Fatal(err)
	}
	return req, textQ
}

// namedRequest is a named search, a case of the tests that check one way
// of answering it against another.
type namedRequest struct {
	name string
	req  Request
}

// TestFacetCountsMatchBleve checks Fundus's facet counting (per-segment
// ordinal tables) against Bleve's own terms facets on the same index:
// several segments, documents updated with other values, documents
// deleted, with and without selections.
func TestFacetCountsMatchBleve(t *testing.T) {
	ix := newRandomIndex(t)
	ctx := context.Background()
	cases := []namedRequest{
		{"everything", Request{}},
		{"a query", Request{Query: "Kultur"}},
		{"a query with a topic", Request{Query: "Innovation", Filters: map[string][]string{FacetTopics: {"Open Innovation"}}}},
		{"new topic and a type", Request{Filters: map[string][]string{FacetTopics: {"Neues Thema"}, FacetType: {"case", "webinar"}}}},
		{"people and years", Request{Query: "Plattform OR transfer", Filters: map[string][]string{FacetPeople: {"Anna Albers"}, FacetYear: {"2019", "2020"}}}},
		{"small facet size", Request{FacetSize: 2}},
		{"date range", Request{From: "2019", To: "2020"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res, err := ix.Search(ctx, tc.req)
			if err != nil {
				t.Fatal(err)
			}
			r, textQ := compiledRequest(t, ix, tc.req)
			for _, f := range FacetNames {
				req := ix.request(ctx, textQ, r, f)
				if len(r.Filters[f]) == 0 {
					req = ix.request(ctx, textQ, r, "")
				}
				req.AddFacet(f, bleve.NewFacetRequest(f, r.FacetSize))
				bres, err := ix.b.Search(req)
				if err != nil {
					t.Fatal(err)
				}
				want := map[string]int{}
				for _, tf := range bres.Facets[f].Terms.Terms() {
					want[tf.Term] = tf.Count
				}
				got := map[string]int{}
				for _, v := range res.Facets[f] {
					if v.Count > 0 {
						got[v.Value] = v.Count
					}
				}
				if fmt.Sprint(got) != fmt.Sprint(want) {
					t.Errorf("facet %s = %v, Bleve counts %v", f, got, want)
				}
			}
		})
	}
}

// TestRelevanceTiesOrderByID pages through results whose scores tie
// across page edges: pages and cursors must give the order of one long
// page (score, then id), with no hit lost or repeated.
func TestRelevanceTiesOrderByID(t *testing.T) {
	var docs []Document
	for i, body := range []string{"Kooperation", "Kooperation", "Kooperation und Vertrauen", "Kooperation", "Kooperation", "Kooperation und Vertrauen", "Kooperation", "Vertrauen"} {
		docs = append(docs, Document{ID: fmt.Sprintf("t%d", 7-i), Title: "Notiz", Body: body, Language: "de"})
	}
	ix := memIndex(t, docs...)
	ctx := context.Background()
	all, err := ix.Search(ctx, Request{Query: "Kooperation", Size: 100, NoFacets: true})
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for i, h := range all.Hits {
		want = append(want, h.ID)
		if i > 0 {
			p := all.Hits[i-1]
			if p.Score < h.Score || p.Score == h.Score && p.ID > h.ID {
				t.Errorf("hits %s (%g) and %s (%g) out of order", p.ID, p.Score, h.ID, h.Score)
			}
		}
	}
	if len(want) != 7 {
		t.Fatalf("got %d hits, want 7", len(want))
	}
	for _, size := range []int{1, 2, 3} {
		t.Run(fmt.Sprintf("pages of %d", size), func(t *testing.T) {
			var got []string
			for page := 1; page <= 8; page++ {
				res, err := ix.Search(ctx, Request{Query: "Kooperation", Size: size, Page: page, NoFacets: true})
				if err != nil {
					t.Fatal(err)
				}
				got = append(got, resultIDs(res)...)
			}
			if !slices.Equal(got, want) {
				t.Errorf("pages = %v, want %v", got, want)
			}
		})
		t.Run(fmt.Sprintf("cursor with %d", size), func(t *testing.T) {
			got := cursorIDs(t, ix, Request{Query: "Kooperation", Size: size, NoFacets: true})
			if !slices.Equal(got, want) {
				t.Errorf("cursor pages = %v, want %v", got, want)
			}
		})
	}
}

// TestOwnSortMatchesBleve checks the date and title orders Fundus sorts
// itself (sortkeys.go) against Bleve sorting the same search on the sort
// fields, over several segments with updates and deletes, page by page
// and with cursors.
func TestOwnSortMatchesBleve(t *testing.T) {
	ix := newRandomIndex(t)
	ctx := context.Background()
	cases := []namedRequest{
		{"browse, newest first", Request{}},
		{"date ascending", Request{Sort: SortDateAsc}},
		{"date descending with a query", Request{Query: "Kultur OR Plattform", Sort: SortDateDesc}},
		{"title with a filter", Request{Sort: SortTitle, Filters: map[string][]string{FacetType: {"case", "webinar"}}}},
		{"date with a date range", Request{Sort: SortDateAsc, From: "2019", To: "2021"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r, textQ := compiledRequest(t, ix, tc.req)
			req := ix.request(ctx, textQ, r, "")
			req.Size = 1000
			sortBy(req, r)
			bres, err := ix.b.Search(req)
			if err != nil {
				t.Fatal(err)
			}
			var want []string
			for _, h := range bres.Hits {
				want = append(want, h.ID)
			}
			if len(want) < 20 {
				t.Fatalf("only %d hits: the case tests too little", len(want))
			}
			var paged []string
			for page := 1; ; page++ {
				pr := tc.req
				pr.Page, pr.Size = page, 7
				res, err := ix.Search(ctx, pr)
				if err != nil {
					t.Fatal(err)
				}
				if res.Total != bres.Total {
					t.Fatalf("total %d, Bleve %d", res.Total, bres.Total)
				}
				paged = append(paged, resultIDs(res)...)
				if len(res.Hits) < 7 {
					break
				}
			}
			cr := tc.req
			cr.Size = 9
			cursored := cursorIDs(t, ix, cr)
			if !slices.Equal(paged, want) {
				t.Errorf("pages\n%v\nBleve\n%v", paged, want)
			}
			if !slices.Equal(cursored, want) {
				t.Errorf("cursor pages\n%v\nBleve\n%v", cursored, want)
			}
		})
	}
}

// cursorIDs pages through r with cursors (at most 1,000 pages) and returns
// the ids of all hits in order.
func cursorIDs(t *testing.T, ix *Index, r Request) []string {
	t.Helper()
	var ids []string
	for range 1000 {
		res, err := ix.Search(context.Background(), r)
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, resultIDs(res)...)
		if res.NextCursor == "" {
			return ids
		}
		r.Cursor = res.NextCursor
	}
	t.Fatalf("more than 1,000 pages for %+v", r)
	return nil
}

// TestFacetCountsUnderWrites searches while batches are applied: every
// result's counts of a facet every document has once (type, language) must
// add up to its total, whatever segments the search saw.
func TestFacetCountsUnderWrites(t *testing.T) {
	ix, err := Create(filepath.Join(t.TempDir(), "index"))
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	rng := rand.New(rand.NewPCG(3, 5))
	done := make(chan struct{})
	errc := make(chan error, 1)
	go func() {
		defer close(done)
		for b := range 30 {
			docs := randomDocs(rng, 10, b*10)
			var changes []Change
			for i := range docs {
				changes = append(changes, Change{ID: docs[i].ID, Doc: &docs[i]})
			}
			if b%3 == 2 { // and some deletes
				changes = append(changes, Change{ID: fmt.Sprintf("d%04d", b*10-7)})
			}
			if err := ix.Apply(changes, uint64(b+1)); err != nil {
				errc <- err
				return
			}
		}
	}()
	var wg sync.WaitGroup
	for c := range 4 {
		wg.Go(func() {
			reqs := []Request{{}, {Query: "Kultur OR Innovation"}, {Sort: SortTitle, Size: 3}, {Filters: map[string][]string{FacetTopics: {"Open Innovation"}}}}
			for i := 0; ; i++ {
				select {
				case <-done:
					return
				default:
				}
				r := reqs[(c+i)%len(reqs)]
				res, err := ix.Search(context.Background(), r)
				if err != nil {
					t.Error(err)
					return
				}
				for _, f := range []string{FacetType, FacetLanguage} {
					sum := 0
					for _, v := range res.Facets[f] {
						sum += v.Count
					}
					if uint64(sum) != res.Total {
						t.Errorf("%+v: facet %s adds up to %d, total %d", r, f, sum, res.Total)
						return
					}
				}
			}
		})
	}
	wg.Wait()
	select {
	case err := <-errc:
		t.Fatal(err)
	default:
	}
}

// TestEachIDMatchesPages checks that EachID (one search for all hits)
// lists the hits of paging through the search with cursors, in order.
func TestEachIDMatchesPages(t *testing.T) {
	ix := newRandomIndex(t)
	cases := []namedRequest{
		{"relevance", Request{Query: "Kultur OR Plattform OR transfer"}},
		{"relevance with a filter", Request{Query: "Innovation", Filters: map[string][]string{FacetType: {"case", "webinar"}}}},
		{"browse", Request{}},
		{"date ascending with a range", Request{Sort: SortDateAsc, From: "2019"}},
		{"title", Request{Sort: SortTitle}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			pr := tc.req
			pr.Size, pr.NoFacets = 7, true
			want := cursorIDs(t, ix, pr)
			if len(want) < 20 {
				t.Fatalf("only %d hits: the case tests too little", len(want))
			}
			var got []string
			if err := ix.EachID(context.Background(), tc.req, func(id string) error {
				got = append(got, id)
				return nil
			}); err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, want) {
				t.Errorf("EachID\n%v\npages\n%v", got, want)
			}
		})
	}
}
