package store

import (
	"bytes"
	"context"
	"errors"
	"testing"
	"time"
)

// TestCommitApplied checks that the applied record moves with the
// entries' writes, survives a reopen, and is set by an entry that changes
// nothing, and that the entry's time is what the store records.
func TestCommitApplied(t *testing.T) {
	dir := t.TempDir()
	s := openTest(t, dir)
	at := time.Date(2026, 12, 7, 6, 0, 0, 0, time.UTC)
	steps := []struct {
		name    string
		writes  []Write
		applied uint64
		wantSeq uint64
	}{
		{"an entry of two puts", []Write{{ID: "a", Doc: doc("a", "A")}, {ID: "b", Doc: doc("b", "B")}}, 1, 2},
		{"an entry that changes nothing", []Write{{ID: "a", Doc: doc("a", "A")}}, 2, 2},
		{"an empty entry", nil, 3, 2},
		{"a delete", []Write{{ID: "b"}}, 7, 3},
	}
	for _, st := range steps {
		if _, _, _, err := s.CommitApplied(st.writes, st.applied, at); err != nil {
			t.Fatalf("%s: CommitApplied: %v", st.name, err)
		}
		got, err := s.Applied()
		if err != nil {
			t.Fatalf("%s: Applied: %v", st.name, err)
		}
		if got != st.applied {
			t.Errorf("%s: Applied = %d, want %d", st.name, got, st.applied)
		}
		if got := s.LastSeq(); got != st.wantSeq {
			t.Errorf("%s: LastSeq = %d, want %d", st.name, got, st.wantSeq)
		}
	}
	a, err := s.Get("a")
	if err != nil {
		t.Fatal(err)
	}
	if !a.Updated.Equal(at) {
		t.Errorf("Updated = %v, want the entry's time %v", a.Updated, at)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s = openTest(t, dir)
	defer s.Close()
	if got, err := s.Applied(); err != nil || got != 7 {
		t.Errorf("after reopening: Applied = %d, %v; want 7", got, err)
	}
	// A plain commit leaves the record alone.
	if _, err := s.Commit([]Write{{ID: "c", Doc: doc("c", "C")}}); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.Applied(); got != 7 {
		t.Errorf("after Commit: Applied = %d, want 7", got)
	}
}

// TestBackupCarriesApplied checks that a backup holds the applied record
// (a node that bootstraps from a peer's backup reads the journal from
// there) and the sequence number.
func TestBackupCarriesApplied(t *testing.T) {
	s := openTest(t, t.TempDir())
	defer s.Close()
	at := time.Date(2026, 12, 7, 6, 0, 0, 0, time.UTC)
	if _, _, _, err := s.CommitApplied([]Write{{ID: "a", Doc: doc("a", "A")}}, 41, at); err != nil {
		t.Fatal(err)
	}
	if _, _, _, err := s.CommitApplied(nil, 42, at); err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := s.Backup(context.Background(), &b); err != nil {
		t.Fatal(err)
	}
	r := openTest(t, t.TempDir())
	defer r.Close()
	if err := r.Load(&b); err != nil {
		t.Fatal(err)
	}
	if got, err := r.Applied(); err != nil || got != 42 {
		t.Errorf("restored Applied = %d, %v; want 42", got, err)
	}
	if got, want := r.LastSeq(), s.LastSeq(); got != want {
		t.Errorf("restored LastSeq = %d, want %d", got, want)
	}
}

// TestCommitAppliedUndelete: an undelete write puts the document back
// (Restored, the entry's time), takes it out of the trash, and fails
// with ErrExists over a live document, leaving the trash alone.
func TestCommitAppliedUndelete(t *testing.T) {
	s := openTest(t, t.TempDir())
	defer s.Close()
	at := time.Date(2026, 12, 7, 6, 0, 0, 0, time.UTC)
	if _, _, _, err := s.CommitApplied([]Write{{ID: "a", Doc: doc("a", "A"), Raw: []byte("raw a")}}, 1, at); err != nil {
		t.Fatal(err)
	}
	if _, _, _, err := s.CommitApplied([]Write{{ID: "a"}}, 2, at); err != nil {
		t.Fatal(err)
	}
	tr, raw, err := s.Trashed("a")
	if err != nil || string(raw) != "raw a" {
		t.Fatalf("Trashed: %v, %q, %v; want a with its raw bytes", tr, raw, err)
	}
	later := at.Add(time.Hour)
	res, _, _, err := s.CommitApplied([]Write{{ID: "a", Doc: &tr.Document, Raw: raw, Undelete: true}}, 3, later)
	if err != nil || res[0].Outcome != Restored || res[0].Err != nil {
		t.Fatalf("undelete: %+v, %v; want Restored", res, err)
	}
	got, err := s.Get("a")
	if err != nil || !got.Updated.Equal(later) || got.Seq != 3 {
		t.Errorf("after undelete: %+v, %v; want a with seq 3 and the entry's time", got, err)
	}
	if r, err := s.Raw("a"); err != nil || string(r) != "raw a" {
		t.Errorf("raw after undelete: %q, %v", r, err)
	}
	if _, _, err := s.Trashed("a"); !errors.Is(err, ErrNotFound) {
		t.Errorf("trash after undelete: %v, want ErrNotFound", err)
	}
	// Deleted and put anew: an undelete is refused and the trash kept.
	if _, _, _, err := s.CommitApplied([]Write{{ID: "a"}}, 4, at); err != nil {
		t.Fatal(err)
	}
	if _, _, _, err := s.CommitApplied([]Write{{ID: "a", Doc: doc("a", "A2")}}, 5, at); err != nil {
		t.Fatal(err)
	}
	res, _, _, err = s.CommitApplied([]Write{{ID: "a", Doc: &tr.Document, Raw: raw, Undelete: true}}, 6, later)
	if err != nil || !errors.Is(res[0].Err, ErrExists) {
		t.Errorf("undelete over a live document: %+v, %v; want ErrExists", res, err)
	}
	if got, err := s.Applied(); err != nil || got != 6 {
		t.Errorf("Applied after a refused undelete = %d, %v; want 6", got, err)
	}
	if _, _, err := s.Trashed("a"); err != nil {
		t.Errorf("trash after a refused undelete: %v, want a still there", err)
	}
}
