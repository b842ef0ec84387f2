package indexer

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// backupOf returns a backup of a knowledge base of n documents.
func backupOf(t testing.TB, n int) []byte {
	t.Helper()
	kb := tempKB(t)
	var items []Item
	for i := range n {
		items = append(items, item("doc/"+string(rune('a'+i)), "Titel", "Wiederherstellung"))
	}
	putItems(t, kb, items...)
	var b bytes.Buffer
	if err := kb.Backup(context.Background(), &b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// failingReader returns the first half of data, then an error.
type failingReader struct {
	data []byte
	off  int
}

func (r *failingReader) Read(p []byte) (int, error) {
	if r.off >= len(r.data)/2 {
		return 0, errors.New("connection reset")
	}
	n := copy(p, r.data[r.off:len(r.data)/2])
	r.off += n
	return n, nil
}

func TestRestoreFailsCleanly(t *testing.T) {
	ctx := context.Background()
	backup := backupOf(t, 5)
	dir := filepath.Join(t.TempDir(), "data")
	if _, err := Restore(ctx, Config{DataDir: dir}, &failingReader{data: backup}); err == nil || !strings.Contains(err.Error(), "connection reset") {
		t.Fatalf("restore from a failing reader: got %v, want the reader's error", err)
	}
	if exists(filepath.Join(dir, restoreDir)) || nonEmpty(filepath.Join(dir, storeDir)) {
		t.Errorf("a failed restore left %s or a store behind", restoreDir)
	}
	n, err := Restore(ctx, Config{DataDir: dir}, bytes.NewReader(backup))
	if err != nil || n != 5 {
		t.Fatalf("restore after a failed one: got %d, %v; want 5 documents", n, err)
	}
	kb := openKB(t, dir)
	defer kb.Close()
	if got := searchIDs(t, kb, "Wiederherstellung"); len(got) != 5 {
		t.Errorf("restored index finds %v, want 5 documents", got)
	}
	if exists(filepath.Join(dir, restoreDir)) {
		t.Errorf("a good restore left %s behind", restoreDir)
	}
}

// TestInterruptedRestoreIsNamed lays out what a restore killed before its
// commit point leaves: Open (serve, check, stats) and Restore name it
// instead of opening an empty store.
func TestInterruptedRestoreIsNamed(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	staging := filepath.Join(dir, restoreDir)
	// A half-loaded store in the staging directory.
	if err := os.MkdirAll(filepath.Join(staging, storeDir), 0o755); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(staging, storeDir, "000001.vlog"), []byte("half"), 0o644)
	want := "incomplete restore in " + dir
	if _, err := Open(ctx, Config{DataDir: dir}); !errors.Is(err, ErrIncompleteRestore) || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), "remove "+staging) {
		t.Errorf("Open: got %v, want %q naming %s", err, want, staging)
	}
	if _, err := Open(ctx, Config{DataDir: dir, Background: true}); !errors.Is(err, ErrIncompleteRestore) {
		t.Errorf("Open in the background: got %v, want ErrIncompleteRestore", err)
	}
	if exists(filepath.Join(dir, storeDir)) {
		t.Error("Open created a store next to an incomplete restore")
	}
	if _, err := Restore(ctx, Config{DataDir: dir}, bytes.NewReader(nil)); !errors.Is(err, ErrIncompleteRestore) {
		t.Errorf("Restore: got %v, want ErrIncompleteRestore", err)
	}
	// Removed as told, a restore works.
	os.RemoveAll(staging)
	if n, err := Restore(ctx, Config{DataDir: dir}, bytes.NewReader(backupOf(t, 3))); err != nil || n != 3 {
		t.Errorf("restore after removing %s: got %d, %v", restoreDir, n, err)
	}
}

// TestRestoreFinishedByOpen: a restore killed after moving its store into
// place but before its index is finished by the next Open.
func TestRestoreFinishedByOpen(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	if _, err := Restore(ctx, Config{DataDir: dir}, bytes.NewReader(backupOf(t, 4))); err != nil {
		t.Fatal(err)
	}
	staging := filepath.Join(dir, restoreDir)
	os.Mkdir(staging, 0o755)
	if err := os.Rename(filepath.Join(dir, indexDir), filepath.Join(staging, indexDir)); err != nil {
		t.Fatal(err)
	}
	kb := openKB(t, dir)
	defer kb.Close()
	if got := searchIDs(t, kb, "Wiederherstellung"); len(got) != 4 {
		t.Errorf("after Open finished the restore: %v, want 4 documents", got)
	}
	if exists(staging) {
		t.Errorf("%s is still there", restoreDir)
	}
}

// TestRestoreRefusesLiveAndNestedTargets: a data directory a process
// holds, and any directory inside a data directory, are refused.
func TestRestoreRefusesLiveAndNestedTargets(t *testing.T) {
	ctx := context.Background()
	backup := backupOf(t, 2)
	live := t.TempDir()
	kb := openKB(t, live)
	defer kb.Close()
	closed := t.TempDir()
	openKB(t, closed).Close()
	cases := []struct {
		name, dir string
		says      string
		is        error
	}{
		{"a running server's data directory", live, "in use by another fundus process", ErrLocked},
		{"its store directory", filepath.Join(live, storeDir), "is inside the data directory " + live, nil},
		{"its index directory", filepath.Join(live, indexDir), "is inside the data directory " + live, nil},
		{"a new directory below it", filepath.Join(live, "backups", "neu"), "is inside the data directory " + live, nil},
		{"inside a stopped data directory", filepath.Join(closed, storeDir), "is inside the data directory " + closed, nil},
		{"a stopped data directory", closed, "already holds a store", nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			before, _ := os.ReadDir(tc.dir)
			_, err := Restore(ctx, Config{DataDir: tc.dir}, bytes.NewReader(backup))
			if err == nil || !strings.Contains(err.Error(), tc.says) || (tc.is != nil && !errors.Is(err, tc.is)) {
				t.Fatalf("got %v, want an error saying %q", err, tc.says)
			}
			after, _ := os.ReadDir(tc.dir)
			if len(after) != len(before) {
				t.Errorf("the refused restore changed %s: %d entries, then %d", tc.dir, len(before), len(after))
			}
		})
	}
	if got := searchIDs(t, kb, ""); len(got) != 0 {
		t.Errorf("the live knowledge base holds %v", got)
	}
}
