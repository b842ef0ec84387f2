package indexer

import (
	"bytes"
	"context"
	"errors"
	"io"
	"path/filepath"
	"testing"
)

// TestRestoreReplacing restores over a store, as a cluster node that
// bootstraps does: a failed restore keeps the old store and index, a good
// one replaces both, and a store another process holds is refused.
func TestRestoreReplacing(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	kb := openKB(t, dir)
	putItems(t, kb, item("old/1", "Alt", "Veraltet"), item("old/2", "Alt", "Veraltet"))
	if _, err := RestoreReplacing(ctx, Config{DataDir: dir}, bytes.NewReader(nil)); !errors.Is(err, ErrLocked) {
		t.Errorf("restore over a store that is open: %v, want ErrLocked", err)
	}
	if err := kb.Close(); err != nil {
		t.Fatal(err)
	}
	backup := backupOf(t, 3)
	steps := []struct {
		name    string
		r       io.Reader
		wantErr bool
		query   string
		want    int
	}{
		{"a backup cut short keeps the old store", &failingReader{data: backup}, true, "Veraltet", 2},
		{"a good backup replaces it", bytes.NewReader(backup), false, "Wiederherstellung", 3},
		{"again, over the restored store", bytes.NewReader(backup), false, "Wiederherstellung", 3},
	}
	for _, st := range steps {
		n, err := RestoreReplacing(ctx, Config{DataDir: dir}, st.r)
		if (err != nil) != st.wantErr || (err == nil && n != st.want) {
			t.Fatalf("%s: got %d, %v", st.name, n, err)
		}
		if exists(filepath.Join(dir, staleStoreDir)) || exists(filepath.Join(dir, restoreDir)) {
			t.Errorf("%s: left %s or %s behind", st.name, staleStoreDir, restoreDir)
		}
		kb := openKB(t, dir)
		if got := searchIDs(t, kb, st.query); len(got) != st.want {
			t.Errorf("%s: %q finds %v, want %d documents", st.name, st.query, got, st.want)
		}
		if got := searchIDs(t, kb, "Veraltet"); st.query != "Veraltet" && len(got) != 0 {
			t.Errorf("%s: the old documents are still found: %v", st.name, got)
		}
		kb.Close()
	}
}
