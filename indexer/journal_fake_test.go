package indexer

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fundus-kb/fundus/search"
)

// memJournal is an in-memory Journal for one node; down makes Publish
// fail as a node without quorum does.
type memJournal struct {
	mu      sync.Mutex
	entries []JournalEntry
	added   chan struct{}
	down    bool
}

func newMemJournal() *memJournal { return &memJournal{added: make(chan struct{}, 1)} }

func (j *memJournal) Publish(ctx context.Context, entry []byte, msgID string) (uint64, error) {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.down {
		return 0, fmt.Errorf("fake: %w", ErrNoQuorum)
	}
	seq := uint64(len(j.entries) + 1)
	j.entries = append(j.entries, JournalEntry{Seq: seq, MsgID: msgID, Data: entry, Time: time.Now()})
	select {
	case j.added <- struct{}{}:
	default:
	}
	return seq, nil
}

func (j *memJournal) Consume(ctx context.Context, after uint64, apply func(JournalEntry) error) error {
	for {
		j.mu.Lock()
		var next []JournalEntry
		if int(after) < len(j.entries) {
			next = append(next, j.entries[after:]...)
		}
		j.mu.Unlock()
		for _, e := range next {
			if err := apply(e); err != nil {
				return err
			}
			after = e.Seq
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-j.added:
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// TestClusterModeWrites runs a KB on an in-memory journal: writes go
// through it and report the local apply's outcomes, restore from the
// trash goes through it (and is refused over a live document), a journal without quorum refuses writes, and a
// reopened KB resumes after the last applied entry.
func TestClusterModeWrites(t *testing.T) {
	dir := t.TempDir()
	j := newMemJournal()
	kb, err := Open(context.Background(), Config{DataDir: dir, Journal: j, Node: "x"})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	doc := func(id, title string) Item {
		return Item{Doc: search.Document{ID: id, Type: search.TypeWebinar, Title: title, Body: "Text", Language: "de"}}
	}
	steps := []struct {
		name  string
		items []Item
		want  []search.Outcome
	}{
		{"two new documents", []Item{doc("a", "A"), doc("b", "B")}, []search.Outcome{search.Added, search.Added}},
		{"the same again", []Item{doc("a", "A")}, []search.Outcome{search.Unchanged}},
		{"an update", []Item{doc("b", "B2")}, []search.Outcome{search.Updated}},
	}
	for _, st := range steps {
		res, err := kb.Put(ctx, st.items)
		if err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
		for i, r := range res {
			if r.Status != st.want[i] {
				t.Errorf("%s: write %d: got %v, want %v", st.name, i, r.Status, st.want[i])
			}
		}
	}
	if res, err := kb.Delete(ctx, "a"); err != nil || res[0].Status != search.Deleted {
		t.Fatalf("delete: %v, %v", res, err)
	}
	// Restore from the trash goes through the journal too.
	if err := kb.Undelete(ctx, "a"); err != nil {
		t.Fatalf("undelete: %v", err)
	}
	if got, err := kb.Get("a"); err != nil || got.Title != "A" {
		t.Errorf("a after undelete: %v, %v; want the document titled A", got, err)
	}
	if trash, err := kb.TrashList(ctx); err != nil || len(trash) != 0 {
		t.Errorf("trash after undelete: %v, %v; want it empty", trash, err)
	}
	if err := kb.Undelete(ctx, "a"); !errors.Is(err, search.ErrNotFound) {
		t.Errorf("undelete of an id not in the trash: got %v, want ErrNotFound", err)
	}
	if res, err := kb.Delete(ctx, "a"); err != nil || res[0].Status != search.Deleted {
		t.Fatalf("delete again: %v, %v", res, err)
	}
	if _, err := kb.Put(ctx, []Item{doc("a", "A2")}); err != nil {
		t.Fatal(err)
	}
	if err := kb.Undelete(ctx, "a"); !errors.Is(err, search.ErrConflict) {
		t.Errorf("undelete over a live document: got %v, want ErrConflict", err)
	}
	if got, err := kb.Get("a"); err != nil || got.Title != "A2" {
		t.Errorf("a after the refused undelete: %v, %v; want the live document A2", got, err)
	}
	j.mu.Lock()
	j.down = true
	j.mu.Unlock()
	if _, err := kb.Put(ctx, []Item{doc("c", "C")}); !errors.Is(err, ErrNoQuorum) {
		t.Errorf("put without quorum: got %v, want ErrNoQuorum", err)
	}
	j.mu.Lock()
	j.down = false
	j.mu.Unlock()
	st, _ := kb.ClusterStatus()
	if st.AppliedSeq != 8 {
		t.Errorf("applied %d, want 8 (entries for the three puts, the delete, the undelete, the delete, the put and the refused undelete)", st.AppliedSeq)
	}
	if err := kb.Close(); err != nil {
		t.Fatal(err)
	}
	// An entry published while the node was down is applied on reopening,
	// and nothing is applied twice.
	j.Publish(ctx, []byte(`{"writes":[{"id":"b"}]}`), "late")
	kb, err = Open(context.Background(), Config{DataDir: dir, Journal: j, Node: "x"})
	if err != nil {
		t.Fatal(err)
	}
	defer kb.Close()
	deadline := time.Now().Add(5 * time.Second)
	for {
		if st, _ := kb.ClusterStatus(); st.AppliedSeq == 9 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the reopened node did not apply the entry published while it was down")
		}
		time.Sleep(10 * time.Millisecond)
	}
	if _, err := kb.Get("b"); !errors.Is(err, ErrNotFound) {
		t.Errorf("b after the late delete: %v, want not found", err)
	}
	if got := kb.store.LastSeq(); got != 8 {
		t.Errorf("store sequence %d, want 8 (each entry's changes applied once)", got)
	}
}

// gapJournal is a journal that no longer holds the entries a node needs.
type gapJournal struct{ memJournal }

func (j *gapJournal) Consume(ctx context.Context, after uint64, apply func(JournalEntry) error) error {
	return fmt.Errorf("%w: the next entry to apply is %d, the journal's next is 20", ErrJournalGap, after+1)
}

// TestClusterReaderStopsAtGap checks that a node whose journal has moved
// past its store stops reading and says so in its status (which /readyz
// turns into 503 "stale") instead of skipping entries.
func TestClusterReaderStopsAtGap(t *testing.T) {
	kb, err := Open(context.Background(), Config{DataDir: t.TempDir(), Journal: &gapJournal{*newMemJournal()}, Node: "x"})
	if err != nil {
		t.Fatal(err)
	}
	defer kb.Close()
	deadline := time.Now().Add(5 * time.Second)
	for {
		st, ok := kb.ClusterStatus()
		if !ok {
			t.Fatal("no cluster status on a cluster node")
		}
		if st.Stopped != "" {
			if !strings.Contains(st.Stopped, "--bootstrap-from") || !strings.Contains(st.Stopped, "journal's next is 20") {
				t.Errorf("stopped reason %q should give the gap and the way out", st.Stopped)
			}
			return
		}
		if time.Now().After(deadline) {
			t.Fatal("the reader did not report that it stopped at the gap")
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestClusterStoreWithoutJournal opens a cluster node's data directory
// without the journal (a command run on a stopped node): reads work,
// document writes are refused with ErrClusterStore, since they would
// reach this store only.
func TestClusterStoreWithoutJournal(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	kb, err := Open(ctx, Config{DataDir: dir, Journal: newMemJournal(), Node: "x"})
	if err != nil {
		t.Fatal(err)
	}
	doc := Item{Doc: search.Document{ID: "a", Type: search.TypeWebinar, Title: "A", Body: "Text", Language: "de"}}
	if _, err := kb.Put(ctx, []Item{doc, {Doc: search.Document{ID: "b", Type: search.TypeWebinar, Title: "B", Body: "Text", Language: "de"}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := kb.Delete(ctx, "b"); err != nil {
		t.Fatal(err)
	}
	if err := kb.Close(); err != nil {
		t.Fatal(err)
	}
	kb, err = Open(ctx, Config{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer kb.Close()
	if got, err := kb.Get("a"); err != nil || got.Title != "A" {
		t.Errorf("read: %v, %v; want a", got, err)
	}
	writes := []struct {
		name string
		do   func() error
	}{
		{"put", func() error { _, err := kb.Put(ctx, []Item{doc}); return err }},
		{"delete", func() error { _, err := kb.Delete(ctx, "a"); return err }},
		{"undelete", func() error { return kb.Undelete(ctx, "b") }},
	}
	for _, w := range writes {
		t.Run(w.name, func(t *testing.T) {
			err := w.do()
			if !errors.Is(err, ErrClusterStore) || !errors.Is(err, search.ErrUnsupported) || !strings.Contains(err.Error(), "up to entry 2") {
				t.Errorf("got %v, want ErrClusterStore naming the applied entry", err)
			}
		})
	}
	if _, err := kb.Get("a"); err != nil {
		t.Errorf("a after the refused writes: %v", err)
	}
}
