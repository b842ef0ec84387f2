package search

import (
	"context"
	"path/filepath"
	"slices"
	"testing"
)

// TestMembersOnlyStaysHidden: public searches skip the visibility filter
// while the index holds no members-only document; a members-only document
// that arrives in a later batch, or is found on reopening the index, must
// still never reach them.
func TestMembersOnlyStaysHidden(t *testing.T) {
	path := filepath.Join(t.TempDir(), "index")
	ix, err := Create(path)
	if err != nil {
		t.Fatal(err)
	}
	doc := func(id, vis string) Change {
		d := &Document{ID: id, Title: "Kooperation " + id, Body: "Kooperation mit Hochschulen", Language: "de", Visibility: vis}
		if err := d.Normalize(); err != nil {
			t.Fatal(err)
		}
		return Change{ID: id, Doc: d}
	}
	ids := func(ix *Index, ctx context.Context, r Request) []string {
		t.Helper()
		res, err := ix.Search(ctx, r)
		if err != nil {
			t.Fatal(err)
		}
		out := resultIDs(res)
		slices.Sort(out)
		if f := res.Facets[FacetType]; !r.NoFacets && (len(f) != 1 || uint64(f[0].Count) != res.Total) {
			t.Errorf("%+v: type facet %+v, total %d", r, f, res.Total)
		}
		return out
	}
	pub, mem := context.Background(), WithMembers(context.Background())
	if err := ix.Apply([]Change{doc("a", ""), doc("b", "")}, 1); err != nil {
		t.Fatal(err)
	}
	if got := ids(ix, pub, Request{Query: "Kooperation"}); !slices.Equal(got, []string{"a", "b"}) {
		t.Fatalf("public, public documents only: %v", got)
	}
	if err := ix.Apply([]Change{doc("m", VisibilityMembers)}, 2); err != nil {
		t.Fatal(err)
	}
	check := func(name string, ix *Index) {
		t.Run(name, func(t *testing.T) {
			for _, r := range []Request{{Query: "Kooperation"}, {}, {Sort: SortTitle}, {Query: "Kooperation", Sort: SortDateAsc}} {
				if got := ids(ix, pub, r); !slices.Equal(got, []string{"a", "b"}) {
					t.Errorf("public %+v: %v, want a and b", r, got)
				}
				if got := ids(ix, mem, r); !slices.Equal(got, []string{"a", "b", "m"}) {
					t.Errorf("members %+v: %v, want a, b and m", r, got)
				}
			}
		})
	}
	check("after a later batch", ix)
	if err := ix.Close(); err != nil {
		t.Fatal(err)
	}
	ix, err = Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	check("after reopening", ix)
}
