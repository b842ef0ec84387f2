package watch

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/fsnotify/fsnotify"
)

// supported stands in for parse.Supported.
func supported(path string) bool {
	switch filepath.Ext(path) {
	case ".md", ".txt", ".html", ".json":
		return true
	}
	return false
}

type batch struct {
	changed, removed []string
	at               time.Time
}

// recorder runs Watch and records the batches it applies.
type recorder struct {
	t    *testing.T
	root string

	mu      sync.Mutex
	batches []batch
	fail    func(changed []string) error // makes apply fail

	done chan error
	stop context.CancelFunc
}

func startWatch(t *testing.T, root string, opts Options) *recorder {
	t.Helper()
	if opts.Supported == nil {
		opts.Supported = supported
	}
	ctx, cancel := context.WithCancel(context.Background())
	r := &recorder{t: t, root: root, done: make(chan error, 1), stop: cancel}
	ready := make(chan struct{})
	opts.Ready = func() { close(ready) }
	go func() {
		r.done <- Watch(ctx, root, opts, func(ctx context.Context, changed, removed []string) error {
			r.mu.Lock()
			defer r.mu.Unlock()
			r.batches = append(r.batches, batch{changed: changed, removed: removed, at: time.Now()})
			if r.fail != nil {
				return r.fail(changed)
			}
			return nil
		})
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-r.done:
			if err != nil {
				t.Errorf("Watch: %v", err)
			}
		case <-time.After(5 * time.Second):
			t.Error("Watch did not return after cancel")
		}
	})
	select {
	case <-ready:
	case err := <-r.done:
		t.Fatalf("Watch: %v", err)
	}
	if !opts.NoInitialScan {
		r.waitBatches(1)
	}
	return r
}

// wait is the bound for changes to arrive: generous, so that a busy
// machine does not fail the tests; the 2s promise is checked separately.
const wait = 10 * time.Second

// waitFor polls cond until it holds or the deadline passes.
func (r *recorder) waitFor(what string, cond func() bool) {
	r.t.Helper()
	deadline := time.Now().Add(wait)
	for time.Now().Before(deadline) {
		r.mu.Lock()
		ok := cond()
		r.mu.Unlock()
		if ok {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.t.Fatalf("timed out waiting for %s; batches: %+v", what, r.batches)
}

func (r *recorder) waitBatches(n int) {
	r.t.Helper()
	r.waitFor(fmt.Sprintf("%d batches", n), func() bool { return len(r.batches) >= n })
}

// seen reports whether a batch after the first from has path in changed
// (or in removed when removed is set).
func (r *recorder) seen(from int, path string, removed bool) bool {
	for _, b := range r.batches[min(from, len(r.batches)):] {
		list := b.changed
		if removed {
			list = b.removed
		}
		if slices.Contains(list, path) {
			return true
		}
	}
	return false
}

func (r *recorder) waitChanged(from int, paths ...string) {
	r.t.Helper()
	r.waitSeen(from, false, paths)
}

func (r *recorder) waitRemoved(from int, paths ...string) {
	r.t.Helper()
	r.waitSeen(from, true, paths)
}

// waitSeen waits until batches after the first from have every path in
// changed (or in removed when removed is set).
func (r *recorder) waitSeen(from int, removed bool, paths []string) {
	r.t.Helper()
	what := "changed"
	if removed {
		what = "removed"
	}
	r.waitFor(fmt.Sprintf("%s %v", what, paths), func() bool {
		for _, p := range paths {
			if !r.seen(from, p, removed) {
				return false
			}
		}
		return true
	})
}

// batchesChanging counts the batches after the first from that have path
// in changed.
func (r *recorder) batchesChanging(from int, path string) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := 0
	for _, b := range r.batches[from:] {
		if slices.Contains(b.changed, path) {
			n++
		}
	}
	return n
}

func (r *recorder) count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.batches)
}

// all returns every path reported after batch from, changed and removed.
func (r *recorder) all(from int) (changed, removed []string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, b := range r.batches[min(from, len(r.batches)):] {
		changed = append(changed, b.changed...)
		removed = append(removed, b.removed...)
	}
	return changed, removed
}

// sync writes a sentinel file and waits for it: every event before it has
// been applied by then. (It writes the sentinel again, now and then, in
// case the first write's event was missed.)
func (r *recorder) sync() {
	r.t.Helper()
	name := fmt.Sprintf("sentinel-%d.md", time.Now().UnixNano())
	from := r.count()
	deadline := time.Now().Add(wait)
	for i := 0; time.Now().Before(deadline); i++ {
		if i%150 == 0 { // again every 1.5s: longer than a debounce
			write(r.t, filepath.Join(r.root, name), fmt.Sprint(i))
		}
		r.mu.Lock()
		ok := r.seen(from, name, false)
		r.mu.Unlock()
		if ok {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	r.t.Fatalf("sentinel %s not seen", name)
}

// must stops the test at an error of the file system.
func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// tree returns a new folder holding the files at paths (slash-separated,
// relative), each with the text "x".
func tree(t *testing.T, paths ...string) string {
	t.Helper()
	root := t.TempDir()
	for _, p := range paths {
		write(t, filepath.Join(root, p), "x")
	}
	return root
}

// watchTree starts a watch of a new tree holding paths (see tree).
func watchTree(t *testing.T, paths ...string) (string, *recorder) {
	t.Helper()
	root := tree(t, paths...)
	return root, startWatch(t, root, Options{})
}

// write writes a file, making its folders.
func write(t *testing.T, path, content string) {
	t.Helper()
	must(t, os.MkdirAll(filepath.Dir(path), 0o755))
	must(t, os.WriteFile(path, []byte(content), 0o644))
}

// withoutSentinels drops the sentinel files from a path list.
func withoutSentinels(paths []string) []string {
	return slices.DeleteFunc(slices.Clone(paths), func(p string) bool { return strings.HasPrefix(p, "sentinel-") })
}

func TestInitialScan(t *testing.T) {
	t.Parallel()
	_, r := watchTree(t, "a.md", "sub/b.txt", "sub/deep/c.html", "skip.png", ".hidden.md", ".git/config.md", "sub/.cache/x.md", "notes.md~")
	b := r.batches[0]
	if want := []string{"a.md", "sub/b.txt", "sub/deep/c.html"}; !slices.Equal(b.changed, want) || len(b.removed) != 0 {
		t.Fatalf("initial batch %+v", b)
	}
}

func TestInitialScanEmptyAndOff(t *testing.T) {
	t.Parallel()
	r := startWatch(t, t.TempDir(), Options{})
	if b := r.batches[0]; len(b.changed)+len(b.removed) != 0 {
		t.Fatalf("initial batch %+v", b)
	}

	root := tree(t, "old.md", "gone.md")
	r = startWatch(t, root, Options{NoInitialScan: true})
	// Files there at the start are known: their removal is reported.
	must(t, os.Remove(filepath.Join(root, "gone.md")))
	r.waitRemoved(0, "gone.md")
	r.sync()
	if changed, _ := r.all(0); slices.Contains(changed, "old.md") {
		t.Fatalf("old.md reported: %v", changed)
	}
}

func TestNewChangedDeleted(t *testing.T) {
	root, r := watchTree(t)
	path := filepath.Join(root, "note.md")

	from := r.count()
	began := time.Now()
	write(t, path, "one")
	r.waitChanged(from, "note.md")
	if took := time.Since(began); took > 2*time.Second {
		t.Errorf("new file applied after %v", took)
	}

	from = r.count()
	write(t, path, "two")
	r.waitChanged(from, "note.md")

	from = r.count()
	must(t, os.Remove(path))
	r.waitRemoved(from, "note.md")
	if changed, _ := r.all(from); len(changed) != 0 {
		t.Fatalf("a removal reported as a change: %v", changed)
	}
}

func TestRename(t *testing.T) {
	t.Parallel()
	root, r := watchTree(t, "old.md")
	from := r.count()
	must(t, os.Rename(filepath.Join(root, "old.md"), filepath.Join(root, "new.md")))
	r.waitChanged(from, "new.md")
	r.waitRemoved(from, "old.md")

	// Renamed out of the folder: removed.
	from = r.count()
	must(t, os.Rename(filepath.Join(root, "new.md"), filepath.Join(t.TempDir(), "new.md")))
	r.waitRemoved(from, "new.md")
}

func TestEditorSaves(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	doc := filepath.Join(root, "doc.md")
	write(t, doc, "v1")
	r := startWatch(t, root, Options{})

	// Write a temporary file, rename it over the document (vim, VS Code,
	// most editors' "atomic save").
	from := r.count()
	for _, tmp := range []string{filepath.Join(root, ".doc.md.swp"), filepath.Join(root, "doc.md.tmp"), filepath.Join(root, "doc.md~")} {
		write(t, tmp, "v2")
		must(t, os.Rename(tmp, doc))
	}
	// Remove and create again.
	must(t, os.Remove(doc))
	write(t, doc, "v3")
	r.waitChanged(from, "doc.md")
	r.sync()
	changed, removed := r.all(from)
	if len(removed) != 0 || !slices.Equal(withoutSentinels(changed), []string{"doc.md"}) {
		t.Fatalf("changed %v, removed %v", changed, removed)
	}

	// A change of attributes only is no change.
	from = r.count()
	must(t, os.Chmod(doc, 0o600))
	now := time.Now()
	must(t, os.Chtimes(doc, now, now))
	r.sync()
	if changed, removed := r.all(from); len(withoutSentinels(changed))+len(removed) != 0 {
		t.Fatalf("chmod reported: %v %v", changed, removed)
	}
}

func TestBurst(t *testing.T) {
	root, r := watchTree(t)
	from := r.count()
	path := filepath.Join(root, "busy.md")
	for i := range 50 {
		write(t, path, fmt.Sprintf("save %d", i))
	}
	r.waitChanged(from, "busy.md")
	r.sync()
	if n := r.batchesChanging(from, "busy.md"); n != 1 {
		t.Fatalf("50 saves applied in %d batches", n)
	}
}

func TestConstantStream(t *testing.T) {
	t.Parallel()
	// Saves every 50ms never leave the folder quiet for the debounce
	// time; batches still come, at least every MaxDelay. The stream goes
	// on until two batches have come (without MaxDelay none ever would),
	// up to the generous bound wait, so that a busy machine does not
	// fail the test by the clock.
	root := t.TempDir()
	r := startWatch(t, root, Options{Debounce: 200 * time.Millisecond, MaxDelay: 400 * time.Millisecond})
	from := r.count()
	path := filepath.Join(root, "stream.md")
	deadline := time.Now().Add(wait)
	for i := 0; r.count()-from < 2; i++ {
		if time.Now().After(deadline) {
			t.Fatalf("%d batches during a %v stream of saves every 50ms with MaxDelay 400ms", r.count()-from, wait)
		}
		write(t, path, fmt.Sprint(i))
		time.Sleep(50 * time.Millisecond)
	}
}

func TestHiddenAndUnsupported(t *testing.T) {
	t.Parallel()
	root, r := watchTree(t)
	from := r.count()
	for _, p := range []string{".hidden.md", ".git/objects/x.md", "img.png", "notes.md~", "#notes.md#", "sub/.cache/y.md", "sub/.z.txt"} {
		write(t, filepath.Join(root, p), "x")
	}
	must(t, os.Mkdir(filepath.Join(root, ".later"), 0o755))
	write(t, filepath.Join(root, ".later", "in-hidden.md"), "x")
	write(t, filepath.Join(root, "sub", "real.md"), "x")
	r.waitChanged(from, "sub/real.md")
	r.sync()
	changed, removed := r.all(from)
	if !slices.Equal(withoutSentinels(changed), []string{"sub/real.md"}) || len(removed) != 0 {
		t.Fatalf("changed %v, removed %v", changed, removed)
	}
}

func TestNestedFoldersLater(t *testing.T) {
	t.Parallel()
	root, r := watchTree(t)

	// A tree made in place, files written at once: some are written
	// before the new folders' watches exist, and are found by their scan.
	from := r.count()
	var want []string
	for i := range 5 {
		p := fmt.Sprintf("made/%d/deeper/still/f%d.md", i, i)
		write(t, filepath.Join(root, p), "x")
		want = append(want, p)
	}
	r.waitChanged(from, want...)

	// A tree made elsewhere and moved in at once.
	outside := t.TempDir()
	write(t, filepath.Join(outside, "tree", "a", "one.md"), "x")
	write(t, filepath.Join(outside, "tree", "a", "b", "two.txt"), "x")
	from = r.count()
	must(t, os.Rename(filepath.Join(outside, "tree"), filepath.Join(root, "moved")))
	r.waitChanged(from, "moved/a/one.md", "moved/a/b/two.txt")

	// Both trees are watched now.
	from = r.count()
	write(t, filepath.Join(root, "made/3/deeper/still/new.md"), "x")
	write(t, filepath.Join(root, "moved/a/b/new.md"), "x")
	r.waitChanged(from, "made/3/deeper/still/new.md", "moved/a/b/new.md")
}

func TestFolderRemoved(t *testing.T) {
	t.Parallel()
	root, r := watchTree(t, "keep.md", "sub/a.md", "sub/b.txt", "sub/deep/c.md", "other/d.md", "other/e/f.md")

	from := r.count()
	must(t, os.RemoveAll(filepath.Join(root, "sub")))
	r.waitRemoved(from, "sub/a.md", "sub/b.txt", "sub/deep/c.md")

	// Moved away, a folder's files are removed too (no event names them).
	from = r.count()
	must(t, os.Rename(filepath.Join(root, "other"), filepath.Join(t.TempDir(), "other")))
	r.waitRemoved(from, "other/d.md", "other/e/f.md")
	r.sync()
	if _, removed := r.all(0); slices.Contains(removed, "keep.md") {
		t.Fatalf("removed %v", removed)
	}
}

func TestFolderRenamedInside(t *testing.T) {
	t.Parallel()
	root, r := watchTree(t, "a/sub/deep/x.md")
	from := r.count()
	must(t, os.MkdirAll(filepath.Join(root, "b"), 0o755))
	must(t, os.Rename(filepath.Join(root, "a/sub"), filepath.Join(root, "b/sub2")))
	r.waitRemoved(from, "a/sub/deep/x.md")
	r.waitChanged(from, "b/sub2/deep/x.md")
	// Changes below the moved folder are reported under its new name.
	from = r.count()
	write(t, filepath.Join(root, "b/sub2/deep/x.md"), "changed")
	write(t, filepath.Join(root, "b/sub2/deep/y.md"), "new")
	r.waitChanged(from, "b/sub2/deep/x.md", "b/sub2/deep/y.md")
	r.sync()
	if changed, _ := r.all(from); slices.ContainsFunc(changed, func(p string) bool { return strings.HasPrefix(p, "a/") }) {
		t.Fatalf("old paths reported: %v", changed)
	}
}

func TestManyFiles(t *testing.T) {
	root := t.TempDir()
	var all []string
	for i := range 10 {
		for j := range 10 {
			for k := range 20 {
				p := fmt.Sprintf("d%d/e%d/f%02d.md", i, j, k)
				if k%5 == 0 {
					p = fmt.Sprintf("d%d/e%d/deep/er/f%02d.md", i, j, k)
				}
				write(t, filepath.Join(root, p), "x")
				all = append(all, p)
			}
		}
	}
	slices.Sort(all)
	r := startWatch(t, root, Options{})
	if got := r.batches[0].changed; !slices.Equal(got, all) {
		t.Fatalf("initial scan found %d of %d files", len(got), len(all))
	}
	from := r.count()
	began := time.Now()
	write(t, filepath.Join(root, "d7/e3/deep/er/f05.md"), "changed")
	r.waitChanged(from, "d7/e3/deep/er/f05.md")
	if took := time.Since(began); took > 2*time.Second {
		t.Fatalf("change in a deep folder applied after %v", took)
	}
}

func TestApplyErrorRetriedOnNextChange(t *testing.T) {
	t.Parallel()
	root, r := watchTree(t)
	failures := 0
	r.mu.Lock()
	r.fail = func(changed []string) error {
		if slices.Contains(changed, "bad.md") && failures == 0 {
			failures++
			return errors.New("index full")
		}
		return nil
	}
	r.mu.Unlock()
	from := r.count()
	write(t, filepath.Join(root, "bad.md"), "v1")
	r.waitChanged(from, "bad.md")
	// The failed batch is not retried by itself …
	r.sync()
	r.sync()
	if n := r.batchesChanging(from, "bad.md"); n != 1 {
		t.Fatalf("bad.md applied %d times without a change", n)
	}
	// … but on the file's next change.
	from = r.count()
	write(t, filepath.Join(root, "bad.md"), "v2")
	r.waitChanged(from, "bad.md")
}

func TestWatchLimit(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	for i := range 5 {
		write(t, filepath.Join(root, fmt.Sprintf("d%d/x.md", i)), "x")
	}
	adds := 0
	opts := Options{Supported: supported}
	opts.addWatch = func(string) error {
		adds++
		if adds > 3 {
			return syscall.ENOSPC
		}
		return nil
	}
	err := Watch(t.Context(), root, opts, func(context.Context, []string, []string) error { return nil })
	if !errors.Is(err, ErrWatchLimit) || !strings.Contains(err.Error(), "fs.inotify.max_user_watches") {
		t.Fatalf("error %v", err)
	}
	t.Log(err)
}

func TestBadRoot(t *testing.T) {
	t.Parallel()
	file := filepath.Join(t.TempDir(), "file.md")
	write(t, file, "x")
	for _, root := range []string{filepath.Join(t.TempDir(), "missing"), file} {
		err := Watch(t.Context(), root, Options{}, func(context.Context, []string, []string) error { return nil })
		if err == nil || !strings.Contains(err.Error(), root) {
			t.Errorf("%s: %v", root, err)
		}
	}
}

func TestRootRemoved(t *testing.T) {
	t.Parallel()
	root := filepath.Join(t.TempDir(), "kb")
	write(t, filepath.Join(root, "a.md"), "x")
	write(t, filepath.Join(root, "sub", "b.md"), "x")
	var mu sync.Mutex
	var removed []string
	done := make(chan error, 1)
	ready := make(chan struct{})
	var once sync.Once
	go func() {
		done <- Watch(t.Context(), root, Options{Supported: supported}, func(_ context.Context, _, rm []string) error {
			once.Do(func() { close(ready) }) // the initial scan: watches stand
			mu.Lock()
			removed = append(removed, rm...)
			mu.Unlock()
			return nil
		})
	}()
	<-ready
	must(t, os.RemoveAll(root))
	select {
	case err := <-done:
		if err == nil || !strings.Contains(err.Error(), "removed") {
			t.Fatalf("error %v", err)
		}
	case <-time.After(wait):
		t.Fatal("Watch went on after its folder was removed")
	}
	mu.Lock()
	defer mu.Unlock()
	slices.Sort(removed)
	if !slices.Equal(removed, []string{"a.md", "sub/b.md"}) {
		t.Fatalf("removed %v", removed)
	}
}

func TestCancel(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	started := make(chan struct{})
	go func() {
		done <- Watch(ctx, t.TempDir(), Options{}, func(context.Context, []string, []string) error {
			close(started)
			return nil
		})
	}()
	<-started
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Watch did not return")
	}
}

func TestSymlinkedRoot(t *testing.T) {
	t.Parallel()
	target := t.TempDir()
	write(t, filepath.Join(target, "sub", "a.md"), "x")
	link := filepath.Join(t.TempDir(), "link")
	if err := os.Symlink(target, link); err != nil {
		t.Skip(err)
	}
	r := startWatch(t, link, Options{})
	if got := r.batches[0].changed; !slices.Equal(got, []string{"sub/a.md"}) {
		t.Fatalf("initial scan %v", got)
	}
	from := r.count()
	write(t, filepath.Join(target, "sub", "b.md"), "x")
	r.waitChanged(from, "sub/b.md")
}

// TestRescan checks the comparison made after the kernel's event queue
// overflowed and events were lost.
func TestRescan(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	for _, p := range []string{"same.md", "edit.md", "gone.md", "dir/gone.md", "dir/same.md"} {
		write(t, filepath.Join(root, p), "x")
	}
	fw, err := fsnotify.NewWatcher()
	if err != nil {
		t.Fatal(err)
	}
	defer fw.Close()
	w := &watcher{
		root: root, opts: Options{Supported: supported}, log: slog.New(slog.DiscardHandler), fw: fw, addWatch: fw.Add,
		dirs: map[string]fs.FileInfo{}, known: map[string]fileState{}, pending: map[string]bool{}, goneDirs: map[string]bool{},
	}
	if err := w.addTree(root, scanRecord); err != nil {
		t.Fatal(err)
	}
	if len(w.known) != 5 || len(w.dirs) != 2 || w.dirty {
		t.Fatalf("known %v, dirs %v", w.known, w.dirs)
	}
	write(t, filepath.Join(root, "edit.md"), "longer now")
	write(t, filepath.Join(root, "new/deep/new.md"), "x")
	for _, p := range []string{"gone.md", "dir/gone.md"} {
		must(t, os.Remove(filepath.Join(root, p)))
	}
	if err := w.rescan(); err != nil {
		t.Fatal(err)
	}
	changed, removed := w.batch()
	if !slices.Equal(changed, []string{"edit.md", "new/deep/new.md"}) || !slices.Equal(removed, []string{"dir/gone.md", "gone.md"}) {
		t.Fatalf("changed %v, removed %v", changed, removed)
	}
	if _, ok := w.dirs[filepath.Join(root, "new", "deep")]; !ok {
		t.Fatal("new folder not watched")
	}
}
