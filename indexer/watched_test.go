package indexer

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// TestApplyWatchedCounts checks that a watched folder's batches count what
// they did once each: the initial scan, a changed file whose record is gone
// (pruned), and a removed file's documents (deleted).
func TestApplyWatchedCounts(t *testing.T) {
	kb := openKB(t, t.TempDir())
	defer kb.Close()
	dir := writeFiles(t, map[string]string{
		"a.md":        "# A\n\nText.",
		"b.md":        "# B\n\nText.",
		"liste.jsonl": `{"id":"eins","title":"Eins"}` + "\n" + `{"id":"zwei","title":"Zwei"}` + "\n",
	})
	var failed []error
	opts := IngestOptions{OnError: func(err error) { failed = append(failed, err) }}
	sum, err := kb.ApplyWatched(t.Context(), dir, nil, nil, true, opts)
	if err != nil || sum != (Summary{Added: 4}) {
		t.Fatalf("initial: %+v, %v; want 4 added", sum, err)
	}
	if err := os.WriteFile(filepath.Join(dir, "liste.jsonl"), []byte(`{"id":"eins","title":"Eins"}`+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(filepath.Join(dir, "b.md")); err != nil {
		t.Fatal(err)
	}
	sum, err = kb.ApplyWatched(t.Context(), dir, []string{"liste.jsonl"}, []string{"b.md"}, false, opts)
	if err != nil || sum != (Summary{Unchanged: 1, Deleted: 2}) {
		t.Errorf("changes: %+v, %v; want 1 unchanged, 2 deleted (zwei pruned, b removed)", sum, err)
	}
	if len(failed) > 0 {
		t.Errorf("failures: %v", failed)
	}
	if got := searchIDs(t, kb, ""); !slices.Equal(got, []string{"a", "eins"}) {
		t.Errorf("ids %v, want a and eins", got)
	}
}
