package indexer

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/fundus-kb/fundus/search"
)

func TestGlossaryFileAndReload(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	kb := openKB(t, dir)
	defer func() { kb.Close() }()
	// A new data directory gets the default glossary as a file.
	data, err := os.ReadFile(filepath.Join(dir, GlossaryFile))
	if err != nil || string(data) != string(search.DefaultGlossaryYAML) {
		t.Fatalf("glossary file: %v", err)
	}
	item, err := Prepare(recordOf(search.Document{ID: "a", Title: "Kooperation mit der Universität", Body: "Die Universität arbeitet mit Unternehmen.", Language: "de", Topics: []string{"OI", "offene Innovation", "Anderes"}}, ""), "a", "test")
	if err != nil {
		t.Fatal(err)
	}
	putItems(t, kb, item)
	// Topic aliases apply at ingest: both spellings become the canonical
	// topic, once.
	st, err := kb.Get("a")
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(st.Topics, []string{"Open Innovation", "Anderes"}) {
		t.Errorf("topics %q", st.Topics)
	}
	if st.Hash != st.Document.Hash() {
		t.Errorf("stored hash %s is not the canonical document's %s", st.Hash, st.Document.Hash())
	}
	find := func(q string) uint64 {
		t.Helper()
		res, err := kb.Search(ctx, search.Request{Query: q, NoFacets: true, NoTypos: true})
		if err != nil {
			t.Fatal(err)
		}
		return res.Total
	}
	if find("Hochschule") != 1 {
		t.Error("Hochschule does not find the Universität document through the default glossary")
	}
	// An edited glossary applies on reload; a broken one changes nothing.
	if err := os.WriteFile(filepath.Join(dir, GlossaryFile), []byte("synonyms: [\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := kb.ReloadGlossary(); err == nil {
		t.Error("a broken glossary reloaded")
	}
	if find("Hochschule") != 1 {
		t.Error("a failed reload changed the synonyms")
	}
	if err := os.WriteFile(filepath.Join(dir, GlossaryFile), []byte("synonyms:\n  - [Fachhochschule, Universität]\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	g, err := kb.ReloadGlossary()
	if err != nil || g.Groups() != 1 {
		t.Fatalf("reload: %v", err)
	}
	if find("Hochschule") != 0 || find("Fachhochschule") != 1 {
		t.Error("the reloaded glossary is not in use")
	}
	// A rebuild keeps the glossary's synonyms, and the glossary document
	// is not counted as a document.
	if err := kb.Reindex(ctx); err != nil {
		t.Fatal(err)
	}
	if find("Fachhochschule") != 1 {
		t.Error("the rebuilt index lost the synonyms")
	}
	s, err := kb.Stats()
	if err != nil || s.Indexed != 1 {
		t.Errorf("stats: indexed %d, %v", s.Indexed, err)
	}
	// Reopening applies the file too.
	kb.Close()
	kb = openKB(t, dir)
	if find("Fachhochschule") != 1 {
		t.Error("after reopening, the synonyms are gone")
	}
}
