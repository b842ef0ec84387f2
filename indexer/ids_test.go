package indexer

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/fundus-kb/fundus/search"
)

// TestIngestNamesBadIDs: a file or record with an id Fundus refuses is a
// failure naming the file (and line) and the id; the rest of the folder is
// ingested.
func TestIngestNamesBadIDs(t *testing.T) {
	kb := tempKB(t)
	dir := writeFiles(t, map[string]string{
		"gut.md":      "# Gut\n\nText.",
		"boese.md":    "---\nid: a/../secret/alpha\n---\n# Böse\n\nText.",
		"liste.jsonl": `{"id":"liste/eins","title":"Eins"}` + "\n" + `{"id":"nul\u0000id","title":"Zwei"}` + "\n" + `{"id":"liste//drei","title":"Drei"}` + "\n" + `{"id":"liste/vier","title":"Vier"}` + "\n",
	})
	sum, failed := ingestPaths(t, kb, dir)
	if sum.Added != 3 || sum.Failed != 3 {
		t.Errorf("got %+v, want 3 added, 3 failed", sum)
	}
	for _, want := range [][]string{
		{"boese.md", `"a/../secret/alpha" holds a ".." path segment`},
		{"liste.jsonl:2", `"nul\x00id" holds the control character U+0000`},
		{"liste.jsonl:3", `"liste//drei" holds an empty path segment`},
	} {
		if !slices.ContainsFunc(failed, func(f string) bool { return strings.Contains(f, want[0]) && strings.Contains(f, want[1]) }) {
			t.Errorf("no failure names %s and %s; failures: %q", want[0], want[1], failed)
		}
	}
	if got := searchIDs(t, kb, ""); !slices.Equal(got, []string{"gut", "liste/eins", "liste/vier"}) {
		t.Errorf("ingested %v, want gut, liste/eins and liste/vier", got)
	}
}

// TestCheckListsStoredBadIDs: documents stored under ids from before they
// were refused are listed by Check, without failing it, and stay
// readable and deletable.
func TestCheckListsStoredBadIDs(t *testing.T) {
	ctx := context.Background()
	kb := tempKB(t)
	old := []string{"a/../secret/alpha", "b//c"}
	items := []Item{item("gut", "Gut", "Text")}
	for _, id := range old {
		items = append(items, Item{Doc: search.Document{ID: id, Type: "other", Title: id, Body: "Text", Language: "de"}})
	}
	putItems(t, kb, items...)
	rep, err := kb.Check(ctx, false)
	if err != nil {
		t.Fatal(err)
	}
	if !rep.OK() || !slices.Equal(rep.InvalidIDs, old) {
		t.Errorf("check: ok %v, invalid ids %q; want ok and %q", rep.OK(), rep.InvalidIDs, old)
	}
	if d, err := kb.Document(ctx, old[0]); err != nil || d.ID != old[0] {
		t.Errorf("Document(%q) = %v, %v", old[0], d, err)
	}
	if r, err := kb.DeleteDocument(ctx, old[0]); err != nil || r.Status != search.Deleted {
		t.Errorf("DeleteDocument(%q) = %+v, %v", old[0], r, err)
	}
}
