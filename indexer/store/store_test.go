package store

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"strconv"
	"testing"

	"github.com/fundus-kb/fundus/search"
)

func openTest(t testing.TB, dir string) *Store {
	t.Helper()
	s, err := Open(dir, Options{})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	return s
}

func doc(id, title string) *search.Document {
	return &search.Document{ID: id, Type: search.TypeWebinar, Title: title, Body: "Text von " + title, Language: "de"}
}

func TestCommitOutcomes(t *testing.T) {
	s := openTest(t, t.TempDir())
	defer s.Close()

	steps := []struct {
		name    string
		writes  []Write
		want    []Outcome
		wantSeq uint64
	}{
		{"add two", []Write{{ID: "a", Doc: doc("a", "A"), Raw: []byte("raw a"), Origin: "/x/a.md"}, {ID: "b/c", Doc: doc("b/c", "C")}}, []Outcome{Added, Added}, 2},
		{"same again is unchanged", []Write{{ID: "a", Doc: doc("a", "A"), Raw: []byte("raw a"), Origin: "/x/a.md"}}, []Outcome{Unchanged}, 2},
		{"changed title is an update", []Write{{ID: "a", Doc: doc("a", "A2"), Origin: "/x/a.md"}}, []Outcome{Updated}, 3},
		{"delete", []Write{{ID: "b/c"}}, []Outcome{Deleted}, 4},
		{"delete missing", []Write{{ID: "nope"}}, []Outcome{Missing}, 4},
		{"put then delete in one commit", []Write{{ID: "t", Doc: doc("t", "T")}, {ID: "t"}}, []Outcome{Added, Deleted}, 6},
	}
	for _, st := range steps {
		res, err := s.Commit(st.writes)
		if err != nil {
			t.Fatalf("%s: Commit: %v", st.name, err)
		}
		for i, r := range res {
			if r.Outcome != st.want[i] {
				t.Errorf("%s: write %d: got %v, want %v", st.name, i, r.Outcome, st.want[i])
			}
		}
		if got := s.LastSeq(); got != st.wantSeq {
			t.Errorf("%s: LastSeq = %d, want %d", st.name, got, st.wantSeq)
		}
	}

	got, err := s.Get("a")
	if err != nil {
		t.Fatal(err)
	}
	if got.Title != "A2" || got.Seq != 3 || got.Hash != doc("a", "A2").Hash() {
		t.Errorf("Get(a) = title %q seq %d, want A2 seq 3 with its hash", got.Title, got.Seq)
	}
	if _, err := s.Get("b/c"); !errors.Is(err, ErrNotFound) || !errors.Is(err, search.ErrNotFound) {
		t.Errorf("Get deleted: got %v, want ErrNotFound", err)
	}

	var ops []string
	if err := s.Journal(0, func(e Entry) error {
		ops = append(ops, string(e.Op)+":"+e.ID)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	want := []string{"put:a", "put:b/c", "put:a", "delete:b/c", "put:t", "delete:t"}
	if len(ops) != len(want) {
		t.Fatalf("journal = %v, want %v", ops, want)
	}
	for i := range want {
		if ops[i] != want[i] {
			t.Errorf("journal[%d] = %s, want %s", i, ops[i], want[i])
		}
	}
	var after []uint64
	s.Journal(4, func(e Entry) error { after = append(after, e.Seq); return nil })
	if len(after) != 2 || after[0] != 5 || after[1] != 6 {
		t.Errorf("Journal(after 4) = %v, want [5 6]", after)
	}
}

func TestReopenKeepsEverything(t *testing.T) {
	dir := t.TempDir()
	s := openTest(t, dir)
	if _, err := s.Commit([]Write{{ID: "x", Doc: doc("x", "X"), Raw: []byte("# X"), Origin: "/d/x.md"}}); err != nil {
		t.Fatal(err)
	}
	s.Close()

	s = openTest(t, dir)
	defer s.Close()
	if s.LastSeq() != 1 {
		t.Errorf("LastSeq after reopen = %d, want 1", s.LastSeq())
	}
	raw, err := s.Raw("x")
	if err != nil || string(raw) != "# X" {
		t.Errorf("Raw = %q, %v; want %q", raw, err, "# X")
	}
	docs, err := s.ByOrigin("/d/")
	if err != nil || len(docs) != 1 || docs[0].ID != "x" || docs[0].Origin != "/d/x.md" {
		t.Errorf("ByOrigin = %v, %v", docs, err)
	}
	n, _ := s.Count()
	if n != 1 {
		t.Errorf("Count = %d, want 1", n)
	}
}

func TestOpenLocked(t *testing.T) {
	dir := t.TempDir()
	s := openTest(t, dir)
	defer s.Close()
	_, err := Open(dir, Options{})
	if !errors.Is(err, ErrLocked) {
		t.Fatalf("second Open: got %v, want ErrLocked", err)
	}
}

func TestCommitSplitsLargeTransactions(t *testing.T) {
	s := openTest(t, t.TempDir())
	defer s.Close()
	// Enough small keys to overflow one Badger transaction several times.
	var writes []Write
	for i := range 30000 {
		id := string(rune('a'+i%26)) + "/" + string(rune('0'+i%10)) + "-" + strconv.Itoa(i)
		d := doc(id, "T"+strconv.Itoa(i))
		writes = append(writes, Write{ID: id, Doc: d, Raw: bytes.Repeat([]byte("x"), 200)})
	}
	res, err := s.Commit(writes)
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range res {
		if r.Outcome != Added {
			t.Fatalf("write %d: got %v (%v), want added", i, r.Outcome, r.Err)
		}
	}
	if n, _ := s.Count(); n != len(writes) {
		t.Errorf("Count = %d, want %d", n, len(writes))
	}
	if s.LastSeq() != uint64(len(writes)) {
		t.Errorf("LastSeq = %d, want %d", s.LastSeq(), len(writes))
	}
	seen := 0
	last, err := s.Snapshot(func(*Stored) error { seen++; return nil })
	if err != nil || seen != len(writes) || last != uint64(len(writes)) {
		t.Errorf("Snapshot saw %d docs up to seq %d (%v), want %d", seen, last, err, len(writes))
	}
}

func TestEncodeStoredRoundTrip(t *testing.T) {
	d := doc("x/y", "Titel mit \"Anführung\"")
	d.Metadata = map[string]any{"hash": "not ours", "n": 1.5}
	js, hash := d.EncodeAndHash()
	st := &Stored{Document: *d, Origin: "/a/b.md", Hash: hash, Seq: 7}
	var got Stored
	if err := json.Unmarshal(encodeStored(js, st), &got); err != nil {
		t.Fatal(err)
	}
	if got.Title != d.Title || got.Hash != hash || got.Seq != 7 || got.Origin != "/a/b.md" || got.Metadata["hash"] != "not ours" {
		t.Errorf("round trip = %+v", got)
	}
}

// TestBackupStopsWithItsContext checks that a backup and the trash list
// whose context has ended stop with the context's error.
func TestBackupStopsWithItsContext(t *testing.T) {
	s := openTest(t, t.TempDir())
	defer s.Close()
	if _, err := s.Commit([]Write{{ID: "a", Doc: doc("a", "A")}, {ID: "b", Doc: doc("b", "B")}}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Commit([]Write{{ID: "a"}}); err != nil { // a goes to the trash
		t.Fatal(err)
	}
	if trash, err := s.Trash(context.Background()); err != nil || len(trash) != 1 {
		t.Fatalf("trash = %v, %v, want a", trash, err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var b bytes.Buffer
	if err := s.Backup(ctx, &b); !errors.Is(err, context.Canceled) {
		t.Errorf("backup after cancel: %v, want context.Canceled", err)
	}
	if _, err := s.Trash(ctx); !errors.Is(err, context.Canceled) {
		t.Errorf("trash after cancel: %v, want context.Canceled", err)
	}
}
