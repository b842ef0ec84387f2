package indexer

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/blevesearch/bleve/v2"

	"github.com/fundus-kb/fundus/indexer/store"
	"github.com/fundus-kb/fundus/search"
)

func openKB(t testing.TB, dir string) *KB {
	t.Helper()
	kb, err := Open(context.Background(), Config{DataDir: dir})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	return kb
}

// tempKB opens a knowledge base in a new folder, closed when the test
// ends.
func tempKB(t testing.TB) *KB {
	t.Helper()
	kb := openKB(t, t.TempDir())
	t.Cleanup(func() { kb.Close() })
	return kb
}

// writeFiles writes files (name to content) into a new folder and
// returns its path.
func writeFiles(t testing.TB, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// ingestPaths ingests the files and folders at paths into kb and returns
// the summary and the failures reported along the way.
func ingestPaths(t testing.TB, kb *KB, paths ...string) (Summary, []string) {
	t.Helper()
	srcs, errs := PathSources(paths)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	var failed []string
	sum, err := kb.Ingest(context.Background(), srcs, IngestOptions{OnError: func(err error) { failed = append(failed, err.Error()) }})
	if err != nil {
		t.Fatal(err)
	}
	return sum, failed
}

// putItems puts items into kb, stopping the test at an error.
func putItems(t testing.TB, kb *KB, items ...Item) {
	t.Helper()
	if _, err := kb.Put(context.Background(), items); err != nil {
		t.Fatal(err)
	}
}

// storedKB returns a new data folder whose knowledge base holds items,
// closed.
func storedKB(t testing.TB, items ...Item) string {
	t.Helper()
	dir := t.TempDir()
	putClosed(t, dir, items...)
	return dir
}

// putClosed puts items into the knowledge base in dir and closes it.
func putClosed(t testing.TB, dir string, items ...Item) {
	t.Helper()
	kb := openKB(t, dir)
	putItems(t, kb, items...)
	kb.Close()
}

func item(id, title, body string) Item {
	d := search.Document{ID: id, Type: "webinar", Title: title, Body: body, Language: "de", Date: "2020-04-16", Topics: []string{"Innovationskultur"}}
	if err := d.Normalize(); err != nil {
		panic(err)
	}
	return Item{Doc: d, Raw: []byte(body)}
}

func searchIDs(t testing.TB, kb *KB, q string) []string {
	t.Helper()
	res, err := kb.Search(context.Background(), search.Request{Query: q, Size: 100})
	if err != nil {
		t.Fatalf("Search(%q): %v", q, err)
	}
	var ids []string
	for _, h := range res.Hits {
		ids = append(ids, h.ID)
	}
	slices.Sort(ids)
	return ids
}

func TestPutSearchDeleteRoundTrip(t *testing.T) {
	kb := tempKB(t)
	ctx := context.Background()
	res, err := kb.Put(ctx, []Item{
		item("notes/kultur", "Innovationskultur im Unternehmen", "Fehlerkultur und Offenheit"),
		item("notes/ökosystem", "Digitale Ökosysteme", "Plattformen und Partner"),
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range res {
		if r.Status != search.Added {
			t.Errorf("%s: status %s, want added", r.ID, r.Status)
		}
	}
	if got := searchIDs(t, kb, "Plattformen"); !slices.Equal(got, []string{"notes/ökosystem"}) {
		t.Errorf("search Plattformen = %v", got)
	}
	d, err := kb.Document(ctx, "notes/kultur")
	if err != nil || d.Title != "Innovationskultur im Unternehmen" {
		t.Errorf("Document = %+v, %v", d, err)
	}
	if _, err := kb.Delete(ctx, "notes/kultur"); err != nil {
		t.Fatal(err)
	}
	if got := searchIDs(t, kb, ""); !slices.Equal(got, []string{"notes/ökosystem"}) {
		t.Errorf("after delete, all = %v", got)
	}
	if _, err := kb.Document(ctx, "notes/kultur"); !errors.Is(err, search.ErrNotFound) {
		t.Errorf("Document after delete: %v, want ErrNotFound", err)
	}
}

// A journal entry committed to the store whose index batch never happened
// (a crash between the two steps) is replayed on the next open.
func TestJournalReplayAfterCrash(t *testing.T) {
	dir := storedKB(t, item("a", "Erstes Dokument", "Kooperation"))

	// Commit straight to the store, as a crashed process would have left it.
	st, err := store.Open(filepath.Join(dir, storeDir), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	b := item("b", "Zweites Dokument", "Ökosystem")
	if _, err := st.Commit([]store.Write{{ID: "b", Doc: &b.Doc}, {ID: "a"}}); err != nil {
		t.Fatal(err)
	}
	st.Close()

	kb := openKB(t, dir)
	defer kb.Close()
	if got := searchIDs(t, kb, ""); !slices.Equal(got, []string{"b"}) {
		t.Errorf("after replay, all = %v, want [b]", got)
	}
	stats, err := kb.Stats()
	if err != nil {
		t.Fatal(err)
	}
	if stats.Checkpoint != stats.Seq || stats.Seq != 3 {
		t.Errorf("checkpoint %d, seq %d; want both 3", stats.Checkpoint, stats.Seq)
	}
}

func TestIndexRebuiltFromStore(t *testing.T) {
	cases := []struct {
		name  string
		spoil func(t *testing.T, dir string)
	}{
		{"index deleted", func(t *testing.T, dir string) {
			if err := os.RemoveAll(filepath.Join(dir, indexDir)); err != nil {
				t.Fatal(err)
			}
		}},
		{"index corrupt", func(t *testing.T, dir string) {
			if err := os.WriteFile(filepath.Join(dir, indexDir, "index_meta.json"), []byte("{garbage"), 0o644); err != nil {
				t.Fatal(err)
			}
		}},
		{"mapping version changed", func(t *testing.T, dir string) {
			b, err := bleve.Open(filepath.Join(dir, indexDir))
			if err != nil {
				t.Fatal(err)
			}
			if err := b.SetInternal([]byte("fundus:mapping_version"), []byte("older")); err != nil {
				t.Fatal(err)
			}
			b.Close()
		}},
		{"index ahead of store", func(t *testing.T, dir string) {
			ix, err := search.Open(filepath.Join(dir, indexDir))
			if err != nil {
				t.Fatal(err)
			}
			if err := ix.Apply(nil, 1000); err != nil {
				t.Fatal(err)
			}
			ix.Close()
		}},
		{"interrupted rebuild left index.new", func(t *testing.T, dir string) {
			if err := os.MkdirAll(filepath.Join(dir, indexNewDir), 0o755); err != nil {
				t.Fatal(err)
			}
			os.WriteFile(filepath.Join(dir, indexNewDir, "junk"), []byte("x"), 0o644)
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			kb := openKB(t, dir)
			var items []Item
			for _, id := range []string{"x/1", "x/2", "y/3"} {
				items = append(items, item(id, "Dokument "+id, "Wissenstransfer zwischen Hochschule und Unternehmen"))
			}
			putItems(t, kb, items...)
			kb.Close()
			tc.spoil(t, dir)
			kb = openKB(t, dir)
			defer kb.Close()
			if got := searchIDs(t, kb, "Wissenstransfer"); !slices.Equal(got, []string{"x/1", "x/2", "y/3"}) {
				t.Errorf("after reopen, search = %v, want all three", got)
			}
			if _, err := os.Stat(filepath.Join(dir, indexNewDir)); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("index.new left behind: %v", err)
			}
		})
	}
}

func TestReindexSwapsIndex(t *testing.T) {
	dir := t.TempDir()
	kb := openKB(t, dir)
	defer kb.Close()
	putItems(t, kb, item("a", "Reallabore", "Reallabore als Testfeld"))
	if err := kb.Reindex(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := searchIDs(t, kb, "Reallabore"); !slices.Equal(got, []string{"a"}) {
		t.Errorf("after reindex = %v", got)
	}
	// Writes after the swap go to the new index.
	putItems(t, kb, item("b", "Reallabore 2", "mehr Reallabore"))
	if got := searchIDs(t, kb, "Reallabore"); !slices.Equal(got, []string{"a", "b"}) {
		t.Errorf("after write = %v", got)
	}
}

func TestIngestFolder(t *testing.T) {
	kb := tempKB(t)
	ctx := context.Background()
	sum, failed := ingestPaths(t, kb, "../testdata/ingest/mixed")
	if sum.Added != 3 || sum.Failed != 3 {
		t.Errorf("first run: %+v, want 3 added, 3 failed (%v)", sum, failed)
	}
	for _, name := range []string{"broken-frontmatter.md", "broken.json", "broken-binary.txt"} {
		if !slices.ContainsFunc(failed, func(s string) bool { return strings.Contains(s, name) }) {
			t.Errorf("no failure names %s: %v", name, failed)
		}
	}
	want := []string{"good-note", "good-webinar", "sub/good-case"}
	if got := searchIDs(t, kb, ""); !slices.Equal(got, want) {
		t.Errorf("ids = %v, want %v", got, want)
	}
	d, err := kb.Document(ctx, "good-webinar")
	if err != nil {
		t.Fatal(err)
	}
	if d.Metadata["format"] != "Online-Webinar" {
		t.Errorf("unknown front-matter key not kept: metadata = %v", d.Metadata)
	}
	if c, _ := kb.Document(ctx, "sub/good-case"); c == nil || c.Language != "en" || c.Type != "case" {
		t.Errorf("case = %+v", c)
	}
	if n, _ := kb.Document(ctx, "good-note"); n == nil || n.Title != "Notizen zur Peer-Beratung" || n.Language != "de" {
		t.Errorf("text note = %+v", n)
	}

	sum, _ = ingestPaths(t, kb, "../testdata/ingest/mixed")
	if sum.Unchanged != 3 || sum.Added != 0 || sum.Updated != 0 {
		t.Errorf("second run: %+v, want 3 unchanged", sum)
	}
}

func TestIngestUpdateAndPrune(t *testing.T) {
	kb := tempKB(t)
	ctx := context.Background()
	dir := t.TempDir()
	write := func(name, content string) {
		t.Helper()
		p := filepath.Join(dir, name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("a.md", "# Alpha\n\nErster Text über Kooperation.")
	write("deep/b.c.md", "# Beta\n\nZweiter Text.")
	write("list.jsonl", `{"title":"Eins","body":"one"}`+"\n"+`{"id":"own","title":"Zwei","body":"two"}`+"\n")
	ingest := func(prune bool) Summary {
		t.Helper()
		srcs, _ := PathSources([]string{dir})
		sum, err := kb.Ingest(ctx, srcs, IngestOptions{Prune: prune, OnError: func(err error) { t.Errorf("unexpected failure: %v", err) }})
		if err != nil {
			t.Fatal(err)
		}
		return sum
	}
	if s := ingest(false); s.Added != 4 {
		t.Fatalf("first: %+v", s)
	}
	if got := searchIDs(t, kb, ""); !slices.Equal(got, []string{"a", "deep/b.c", "list#1", "own"}) {
		t.Errorf("ids = %v (ids from paths keep inner dots, JSONL records get #line)", got)
	}
	write("a.md", "# Alpha\n\nGeänderter Text.")
	os.Remove(filepath.Join(dir, "deep/b.c.md"))
	write("list.jsonl", `{"id":"own","title":"Zwei","body":"two"}`+"\n")
	s := ingest(false)
	if s.Updated != 1 || s.Unchanged != 1 || s.Deleted != 0 {
		t.Errorf("without prune: %+v, want 1 updated, 1 unchanged", s)
	}
	if got := searchIDs(t, kb, ""); len(got) != 4 {
		t.Errorf("without prune nothing is removed: %v", got)
	}
	s = ingest(true)
	if s.Deleted != 2 || s.Unchanged != 2 {
		t.Errorf("with prune: %+v, want 2 deleted, 2 unchanged", s)
	}
	if got := searchIDs(t, kb, ""); !slices.Equal(got, []string{"a", "own"}) {
		t.Errorf("after prune = %v", got)
	}
}

func TestIngestDuplicateIDs(t *testing.T) {
	kb := tempKB(t)
	dir := writeFiles(t, map[string]string{
		"a.md": "---\nid: same\n---\n# A\n\ntext",
		"b.md": "---\nid: same\n---\n# B\n\ntext",
	})
	sum, failed := ingestPaths(t, kb, dir)
	if sum.Added != 1 || sum.Failed != 1 || len(failed) != 1 || !strings.Contains(failed[0], "b.md") || !strings.Contains(failed[0], `duplicate id "same"`) {
		t.Errorf("sum %+v, failures %v; want the second file named as a duplicate", sum, failed)
	}
}

func TestPrepare(t *testing.T) {
	cases := []struct {
		name           string
		doc            search.Document
		fileID, suffix string
		wantID, typ    string
		wantTitle      string
		wantLang       string
	}{
		{"id from path, type from folder", search.Document{Body: "Die Kultur der Innovation ist wichtig und wir haben viel gelernt."}, "webinare/2020/kultur", "", "webinare/2020/kultur", "webinar", "Die Kultur der Innovation ist wichtig und wir haben viel gelernt.", "de"},
		{"cases folder", search.Document{Title: "A case", Body: "This is what the team learned about the process and the partners."}, "cases/x", "", "cases/x", "case", "A case", "en"},
		{"record suffix", search.Document{Title: "T", Body: "x"}, "data/list", "#3", "data/list#3", "other", "T", "und"},
		{"own id wins", search.Document{ID: "given", Title: "T", Language: "fr-FR"}, "f", "#1", "given", "other", "T", "fr"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rec := recordOf(tc.doc, tc.suffix)
			it, err := Prepare(rec, tc.fileID, "/abs/"+tc.fileID)
			if err != nil {
				t.Fatal(err)
			}
			d := it.Doc
			if d.ID != tc.wantID || d.Type != tc.typ || d.Title != tc.wantTitle || d.Language != tc.wantLang {
				t.Errorf("got id %q type %q title %q lang %q; want %q %q %q %q", d.ID, d.Type, d.Title, d.Language, tc.wantID, tc.typ, tc.wantTitle, tc.wantLang)
			}
			// A one-document file is its document's source; a record of a
			// multi-record file keeps only the source it names.
			wantSource := "/abs/" + tc.fileID
			if tc.suffix != "" {
				wantSource = ""
			}
			if d.Source != wantSource {
				t.Errorf("source = %q, want %q", d.Source, wantSource)
			}
		})
	}
}

func TestCheckAndRepair(t *testing.T) {
	dir := t.TempDir()
	kb := openKB(t, dir)
	var items []Item
	for _, id := range []string{"a", "b", "c", "d"} {
		items = append(items, item(id, "Dokument "+id, "Text über Kooperation "+id))
	}
	putItems(t, kb, items...)
	rep, err := kb.Check(context.Background(), false)
	if err != nil || !rep.OK() || rep.Documents != 4 || rep.Indexed != 4 {
		t.Fatalf("clean check = %+v, %v", rep, err)
	}
	kb.Close()

	// Spoil the index behind the store's back: one document gone, one
	// extra, one with other content.
	ix, err := search.Open(filepath.Join(dir, indexDir))
	if err != nil {
		t.Fatal(err)
	}
	cp, _ := ix.Checkpoint()
	other := item("c", "Ganz anderer Titel", "anderer Text")
	extra := item("zzz", "Fremd", "nicht im Speicher")
	if err := ix.Apply([]search.Change{{ID: "b"}, {ID: "c", Doc: &other.Doc}, {ID: "zzz", Doc: &extra.Doc}}, cp); err != nil {
		t.Fatal(err)
	}
	ix.Close()

	kb = openKB(t, dir)
	defer kb.Close()
	rep, err = kb.Check(context.Background(), false)
	if err != nil {
		t.Fatal(err)
	}
	if rep.OK() || !slices.Equal(rep.Missing, []string{"b"}) || !slices.Equal(rep.Extra, []string{"zzz"}) || !slices.Equal(rep.Stale, []string{"c"}) {
		t.Errorf("check = %+v, want b missing, zzz extra, c stale", rep)
	}
	rep, err = kb.Check(context.Background(), true)
	if err != nil || !rep.Repaired {
		t.Fatalf("repair = %+v, %v", rep, err)
	}
	rep, err = kb.Check(context.Background(), false)
	if err != nil || !rep.OK() {
		t.Errorf("after repair = %+v, %v", rep, err)
	}
	if got := searchIDs(t, kb, "Kooperation"); !slices.Equal(got, []string{"a", "b", "c", "d"}) {
		t.Errorf("search after repair = %v", got)
	}
}

func TestBackgroundRecovery(t *testing.T) {
	dir := storedKB(t, item("a", "Alpha", "Kooperation"))
	os.RemoveAll(filepath.Join(dir, indexDir))

	gate := make(chan struct{})
	kb, err := Open(context.Background(), Config{DataDir: dir, Background: true, beforeRecovery: func() { <-gate }})
	if err != nil {
		t.Fatal(err)
	}
	defer kb.Close()
	if kb.Ready() {
		t.Fatal("ready before recovery ran")
	}
	if _, err := kb.Search(context.Background(), search.Request{}); !errors.Is(err, ErrNotReady) {
		t.Errorf("search while recovering: %v, want ErrNotReady", err)
	}
	if _, err := kb.Put(context.Background(), []Item{item("b", "Beta", "x")}); !errors.Is(err, ErrNotReady) {
		t.Errorf("write while recovering: %v, want ErrNotReady", err)
	}
	if st, err := kb.Stats(); err != nil || st.Ready || st.Documents != 1 {
		t.Errorf("stats while recovering = %+v, %v", st, err)
	}
	close(gate)
	if err := kb.WaitReady(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := searchIDs(t, kb, "Kooperation"); !slices.Equal(got, []string{"a"}) {
		t.Errorf("after recovery: %v", got)
	}
}

func TestTrashUndeletePurge(t *testing.T) {
	kb := tempKB(t)
	ctx := context.Background()
	it := item("a", "Alpha", "Kooperation")
	putItems(t, kb, it)
	if _, err := kb.Delete(ctx, "a"); err != nil {
		t.Fatal(err)
	}
	trash, err := kb.TrashList(ctx)
	if err != nil || len(trash) != 1 || trash[0].ID != "a" || trash[0].Deleted.IsZero() {
		t.Fatalf("trash = %+v, %v", trash, err)
	}
	if err := kb.Undelete(ctx, "a"); err != nil {
		t.Fatal(err)
	}
	if got := searchIDs(t, kb, "Kooperation"); !slices.Equal(got, []string{"a"}) {
		t.Errorf("after undelete: %v", got)
	}
	if raw, err := kb.Raw("a"); err != nil || string(raw) != "Kooperation" {
		t.Errorf("raw after undelete = %q, %v", raw, err)
	}
	if err := kb.Undelete(ctx, "a"); !errors.Is(err, search.ErrNotFound) {
		t.Errorf("second undelete: %v, want not found", err)
	}
	// An id taken again cannot be restored over.
	kb.Delete(ctx, "a")
	kb.Put(ctx, []Item{item("a", "Neu", "neu")})
	if err := kb.Undelete(ctx, "a"); !errors.Is(err, search.ErrConflict) {
		t.Errorf("undelete over a live document: %v, want conflict", err)
	}
	if n, err := kb.PurgeTrash(ctx, time.Hour); err != nil || n != 0 {
		t.Errorf("purge of recent trash = %d, %v", n, err)
	}
	if n, err := kb.PurgeTrash(ctx, 0); err != nil || n != 1 {
		t.Errorf("purge all = %d, %v", n, err)
	}
	if trash, _ := kb.TrashList(ctx); len(trash) != 0 {
		t.Errorf("trash after purge = %v", trash)
	}
}

func TestBackupRestoreExport(t *testing.T) {
	ctx := context.Background()
	kb := openKB(t, t.TempDir())
	srcs, _ := PathSources([]string{"../testdata/ingest/mixed"})
	if _, err := kb.Ingest(ctx, srcs, IngestOptions{}); err != nil {
		t.Fatal(err)
	}
	var backup, export1 bytes.Buffer
	if err := kb.Backup(ctx, &backup); err != nil {
		t.Fatal(err)
	}
	n, err := kb.Export(&export1)
	if err != nil || n != 3 {
		t.Fatalf("export = %d, %v", n, err)
	}
	kb.Close()

	dir := t.TempDir()
	n, err = Restore(ctx, Config{DataDir: dir}, &backup)
	if err != nil || n != 3 {
		t.Fatalf("restore = %d, %v", n, err)
	}
	if _, err := Restore(ctx, Config{DataDir: dir}, bytes.NewReader(nil)); err == nil {
		t.Error("restore into a non-empty data directory succeeded")
	}
	restored := openKB(t, dir)
	defer restored.Close()
	var export2 bytes.Buffer
	if _, err := restored.Export(&export2); err != nil {
		t.Fatal(err)
	}
	if export1.String() != export2.String() {
		t.Errorf("documents differ after restore:\n%s\nvs\n%s", export1.String(), export2.String())
	}
	if got := searchIDs(t, restored, ""); len(got) != 3 {
		t.Errorf("restored index has %v", got)
	}

	// The export reads back unchanged.
	f := filepath.Join(t.TempDir(), "export.jsonl")
	os.WriteFile(f, export1.Bytes(), 0o644)
	srcs, _ = PathSources([]string{f})
	sum, err := restored.Ingest(ctx, srcs, IngestOptions{OnError: func(err error) { t.Error(err) }})
	if err != nil || sum.Unchanged != 3 || sum.Added+sum.Updated != 0 {
		t.Errorf("re-ingesting the export = %+v, %v; want 3 unchanged", sum, err)
	}
	fresh := openKB(t, t.TempDir())
	defer fresh.Close()
	sum, _ = fresh.Ingest(ctx, srcs, IngestOptions{})
	var export3 bytes.Buffer
	fresh.Export(&export3)
	if sum.Added != 3 || export3.String() != export1.String() {
		t.Errorf("export → ingest → export differs:\n%s\nvs\n%s", export3.String(), export1.String())
	}
}

func TestDataDirUsage(t *testing.T) {
	dir := t.TempDir()
	if store, index := DataDirUsage(dir); store != 0 || index != 0 {
		t.Errorf("empty directory: store %d, index %d bytes; want 0", store, index)
	}
	kb := openKB(t, dir)
	if _, err := kb.Put(context.Background(), []Item{item("a", "Offenheit", "Strategische Verankerung von Offenheit")}); err != nil {
		t.Fatal(err)
	}
	if err := kb.Close(); err != nil {
		t.Fatal(err)
	}
	store, index := DataDirUsage(dir)
	if store <= 0 || index <= 0 {
		t.Errorf("after a write: store %d, index %d bytes; want both above 0", store, index)
	}
}
