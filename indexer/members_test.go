package indexer

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/fundus-kb/fundus/indexer/store"
	"github.com/fundus-kb/fundus/search"
)

func membersItem(id, title, body string) Item {
	it := item(id, title, body)
	it.Doc.Visibility = search.VisibilityMembers
	return it
}

// visibleIDs returns the ids a search for q finds, anonymously and as a
// member, sorted, with duplicates kept.
func visibleIDs(t testing.TB, kb *KB, q string) (public, members []string) {
	t.Helper()
	for _, c := range []struct {
		ctx context.Context
		out *[]string
	}{{context.Background(), &public}, {search.WithMembers(context.Background()), &members}} {
		res, err := kb.Search(c.ctx, search.Request{Query: q, Size: 100})
		if err != nil {
			t.Fatalf("Search(%q): %v", q, err)
		}
		if int(res.Total) != len(res.Hits) {
			t.Errorf("Search(%q): total %d, %d hits", q, res.Total, len(res.Hits))
		}
		for _, h := range res.Hits {
			*c.out = append(*c.out, h.ID)
		}
		slices.Sort(*c.out)
	}
	return public, members
}

// mustCheck fails t unless the indexes agree with the store.
func mustCheck(t testing.TB, kb *KB) *CheckReport {
	t.Helper()
	rep, err := kb.Check(context.Background(), false)
	if err != nil {
		t.Fatalf("check: %v", err)
	}
	if !rep.OK() {
		t.Errorf("check = %+v, all = %+v; want clean", rep, rep.All)
	}
	return rep
}

// A document whose visibility changes moves between the public index and
// the members' view: it is never in both, never lost, in a running KB and
// after reopening.
func TestVisibilityChangeMovesDocument(t *testing.T) {
	dir := t.TempDir()
	kb := openKB(t, dir)
	defer func() { kb.Close() }()
	ctx := context.Background()
	putItems(t, kb, item("a", "Kooperation A", "Kooperation"), item("b", "Kooperation B", "Kooperation"))
	if _, err := os.Stat(filepath.Join(dir, allIndexDir)); err == nil {
		t.Errorf("%s exists without members-only documents", allIndexDir)
	}
	steps := []struct {
		name          string
		it            Item
		public, membs []string
	}{
		{"public to members", membersItem("a", "Kooperation A", "Kooperation intern"), []string{"b"}, []string{"a", "b"}},
		{"members to public", item("a", "Kooperation A", "Kooperation wieder offen"), []string{"a", "b"}, []string{"a", "b"}},
		{"public to members again", membersItem("a", "Kooperation A", "Kooperation zum zweiten"), []string{"b"}, []string{"a", "b"}},
	}
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			if res, err := kb.Put(ctx, []Item{s.it}); err != nil || res[0].Status != search.Updated {
				t.Fatalf("Put = %+v, %v", res, err)
			}
			for round := range 2 {
				pub, mem := visibleIDs(t, kb, "Kooperation")
				if !slices.Equal(pub, s.public) || !slices.Equal(mem, s.membs) {
					t.Errorf("round %d: public %v, members %v; want %v, %v", round, pub, mem, s.public, s.membs)
				}
				rep := mustCheck(t, kb)
				if rep.All == nil || rep.All.Indexed != 2 || rep.Indexed != len(s.public) {
					t.Errorf("round %d: check = %+v, all %+v", round, rep, rep.All)
				}
				kb.Close()
				kb = openKB(t, dir)
			}
		})
	}
}

// A crash between the store commit and the index batches (the commit
// reached the store, the indexes did not see it) is replayed on open into
// each index from its own checkpoint: a first members-only document
// builds the members' view, a visibility change moves a document, and
// `check` finds nothing to repair.
func TestMembersReplayAfterCrash(t *testing.T) {
	commit := func(t *testing.T, dir string, writes ...store.Write) {
		t.Helper()
		st, err := store.Open(filepath.Join(dir, storeDir), store.Options{})
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		if _, err := st.Commit(writes); err != nil {
			t.Fatal(err)
		}
	}
	write := func(it Item) store.Write { return store.Write{ID: it.Doc.ID, Doc: &it.Doc} }
	cases := []struct {
		name string
		// crash leaves a store ahead of the indexes in dir.
		crash         func(t *testing.T, dir string)
		public, membs []string
	}{
		{"first members-only document", func(t *testing.T, dir string) {
			commit(t, dir, write(membersItem("m", "Kooperation M", "Kooperation")))
		}, []string{"a", "b"}, []string{"a", "b", "m"}},
		{"public document becomes members-only", func(t *testing.T, dir string) {
			commit(t, dir, write(membersItem("a", "Kooperation A", "Kooperation intern")))
		}, []string{"b"}, []string{"a", "b"}},
		{"members-only document becomes public", func(t *testing.T, dir string) {
			putClosed(t, dir, membersItem("m", "Kooperation M", "Kooperation"))
			commit(t, dir, write(item("m", "Kooperation M", "Kooperation offen")))
		}, []string{"a", "b", "m"}, []string{"a", "b", "m"}},
		{"index-all applied, public index not", func(t *testing.T, dir string) {
			putClosed(t, dir, membersItem("m", "Kooperation M", "Kooperation"))
			a := membersItem("a", "Kooperation A", "Kooperation intern")
			commit(t, dir, write(a))
			ix, err := search.Open(filepath.Join(dir, allIndexDir))
			if err != nil {
				t.Fatal(err)
			}
			defer ix.Close()
			cp, _ := ix.Checkpoint()
			if err := ix.Apply([]search.Change{{ID: "a", Doc: &a.Doc}}, cp+1); err != nil {
				t.Fatal(err)
			}
		}, []string{"b"}, []string{"a", "b", "m"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := storedKB(t, item("a", "Kooperation A", "Kooperation"), item("b", "Kooperation B", "Kooperation"))
			tc.crash(t, dir)
			kb := openKB(t, dir)
			defer kb.Close()
			pub, mem := visibleIDs(t, kb, "Kooperation")
			if !slices.Equal(pub, tc.public) || !slices.Equal(mem, tc.membs) {
				t.Errorf("public %v, members %v; want %v, %v", pub, mem, tc.public, tc.membs)
			}
			mustCheck(t, kb)
		})
	}
}

// An index from before the split holds members-only documents: it is
// rebuilt without them on open, and the members' view is built. One
// without members-only documents is kept.
func TestLegacyIndexWithMembersRebuilt(t *testing.T) {
	for _, withMembers := range []bool{true, false} {
		t.Run(map[bool]string{true: "with members-only documents", false: "public only"}[withMembers], func(t *testing.T) {
			dir := t.TempDir()
			its := []Item{item("a", "Kooperation A", "Kooperation")}
			if withMembers {
				its = append(its, membersItem("m", "Kooperation M", "Kooperation"))
			}
			st, err := store.Open(filepath.Join(dir, storeDir), store.Options{})
			if err != nil {
				t.Fatal(err)
			}
			var writes []store.Write
			var changes []search.Change
			for _, it := range its {
				writes = append(writes, store.Write{ID: it.Doc.ID, Doc: &it.Doc})
				changes = append(changes, search.Change{ID: it.Doc.ID, Doc: &it.Doc})
			}
			if _, err := st.Commit(writes); err != nil {
				t.Fatal(err)
			}
			seq := st.LastSeq()
			st.Close()
			// The old layout: one index with every document, no scope.
			ix, err := search.Create(filepath.Join(dir, indexDir))
			if err != nil {
				t.Fatal(err)
			}
			if err := ix.Apply(changes, seq); err != nil {
				t.Fatal(err)
			}
			marker := item("only-in-old-index", "Kooperation X", "Kooperation")
			if err := ix.Apply([]search.Change{{ID: "only-in-old-index", Doc: &marker.Doc}}, seq); err != nil {
				t.Fatal(err)
			}
			ix.Close()

			kb := openKB(t, dir)
			defer kb.Close()
			pub, mem := visibleIDs(t, kb, "Kooperation")
			if withMembers {
				// Rebuilt from the store: the marker is gone.
				if !slices.Equal(pub, []string{"a"}) || !slices.Equal(mem, []string{"a", "m"}) {
					t.Errorf("public %v, members %v; want [a], [a m]", pub, mem)
				}
				mustCheck(t, kb)
				return
			}
			// Kept as it was: the marker is still there.
			if !slices.Equal(pub, []string{"a", "only-in-old-index"}) {
				t.Errorf("public %v, want the old index kept", pub)
			}
			if _, err := os.Stat(filepath.Join(dir, allIndexDir)); err == nil {
				t.Errorf("%s built without members-only documents", allIndexDir)
			}
		})
	}
}

// Reindexing, restoring a backup, and a glossary reload keep the members'
// view: members find every document, the public index holds the public
// ones only.
func TestMembersViewSurvivesReindexAndRestore(t *testing.T) {
	ctx := context.Background()
	kb := openKB(t, t.TempDir())
	defer func() { kb.Close() }()
	putItems(t, kb, item("a", "Kooperation A", "Kooperation"), membersItem("m", "Kooperation M", "Kooperation"))
	want := func(t *testing.T, kb *KB) {
		t.Helper()
		pub, mem := visibleIDs(t, kb, "Kooperation")
		if !slices.Equal(pub, []string{"a"}) || !slices.Equal(mem, []string{"a", "m"}) {
			t.Errorf("public %v, members %v; want [a], [a m]", pub, mem)
		}
		if rep := mustCheck(t, kb); rep.Indexed != 1 || rep.All == nil || rep.All.Indexed != 2 {
			t.Errorf("public index holds %d documents, want 1; all: %+v, want 2", rep.Indexed, rep.All)
		}
	}
	t.Run("reindex", func(t *testing.T) {
		if err := kb.Reindex(ctx); err != nil {
			t.Fatal(err)
		}
		want(t, kb)
	})
	t.Run("glossary reload", func(t *testing.T) {
		if _, err := kb.ReloadGlossary(); err != nil {
			t.Fatal(err)
		}
		want(t, kb)
	})
	t.Run("restore", func(t *testing.T) {
		var backup bytes.Buffer
		if err := kb.Backup(ctx, &backup); err != nil {
			t.Fatal(err)
		}
		dir := t.TempDir()
		if n, err := Restore(ctx, Config{DataDir: dir}, &backup); err != nil || n != 2 {
			t.Fatalf("restore = %d, %v", n, err)
		}
		restored := openKB(t, dir)
		defer restored.Close()
		want(t, restored)
	})
}
