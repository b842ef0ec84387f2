package store

import (
	"bytes"
	"context"
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
