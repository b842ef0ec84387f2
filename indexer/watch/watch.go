// Package watch keeps a knowledge base in step with a folder: it watches
// the folder and its subfolders with fsnotify and reports, in debounced
// batches, which files changed and which were removed.
//
// The file system is the truth: events only say which paths to look at,
// and when a batch is due each path is looked at again. So an editor's
// save (a temporary file renamed over the old one, or a remove and a
// create) is one change, a file created and deleted within one batch is
// nothing, and a folder removed or moved away removes every file known
// under it.
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
	"syscall"
	"time"

	"github.com/fsnotify/fsnotify"
)

// Defaults of Options.
const (
	DefaultDebounce = 300 * time.Millisecond
	DefaultMaxDelay = time.Second
)

// ErrWatchLimit is matched (with errors.Is) by the failure to watch a
// folder because the system's limit of inotify watches is reached.
var ErrWatchLimit = errors.New("inotify watch limit reached")

// Options configure Watch.
type Options struct {
	// Supported reports whether a file should be reported, by its path
	// relative to the root (slash-separated); the indexer passes
	// parse.Supported. Nil reports every file. Hidden files and folders
	// (names starting with ".") are never reported.
	Supported func(path string) bool
	// Debounce is the quiet time after the last event before a batch is
	// applied. Default 300ms.
	Debounce time.Duration
	// MaxDelay is the longest a change waits under a constant stream of
	// events. Default 1s.
	MaxDelay time.Duration
	// NoInitialScan skips the first call of apply with every existing
	// file. By default Watch makes it, so that the caller can bring the
	// knowledge base up to date with changes made while nobody watched.
	NoInitialScan bool
	// Ready, when set, is called once every folder is watched, before
	// the initial scan is applied: changes made after it are seen.
	Ready func()
	// Logger receives failed batches (Warn) and batches (Debug). Default:
	// discard.
	Logger *slog.Logger

	// addWatch replaces the watcher's Add in tests.
	addWatch func(path string) error
}

// Watch watches the folder root and its subfolders, including those
// created later, until ctx ends, and calls apply with batches of changes:
// the supported files that were created or changed, and the files known
// before that were removed or renamed away. Paths are relative to root,
// slash-separated, sorted. Calls of apply do not overlap, and events keep
// being collected while apply runs.
//
// The first call is the initial scan, with every existing supported file
// and nothing removed (even when the folder is empty), unless
// opts.NoInitialScan is set. When apply returns an error, the error is
// logged and the batch is not retried: its paths come again with their
// next change.
//
// Watch returns nil when ctx ends (a batch not yet applied is dropped),
// and an error when the folder cannot be watched: it does not exist, it
// is removed, or the system's limit of inotify watches is reached
// (wrapping ErrWatchLimit).
func Watch(ctx context.Context, root string, opts Options, apply func(ctx context.Context, changed, removed []string) error) error {
	if opts.Debounce <= 0 {
		opts.Debounce = DefaultDebounce
	}
	if opts.MaxDelay <= 0 {
		opts.MaxDelay = DefaultMaxDelay
	}
	if opts.Supported == nil {
		opts.Supported = func(string) bool { return true }
	}
	logger := opts.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	abs, err := filepath.Abs(root)
	if err != nil {
		return fmt.Errorf("watch %s: %w", root, err)
	}
	// Watch the real folder: a walk does not enter a symbolic link.
	if real, err := filepath.EvalSymlinks(abs); err == nil {
		abs = real
	}
	info, err := os.Stat(abs)
	if err != nil {
		return fmt.Errorf("watch %s: %w", root, unwrapPathError(err))
	}
	if !info.IsDir() {
		return fmt.Errorf("watch %s: not a folder", root)
	}
	fw, err := fsnotify.NewWatcher()
	if err != nil {
		if errors.Is(err, syscall.EMFILE) {
			return fmt.Errorf("watch %s: %w: too many inotify instances; raise fs.inotify.max_user_instances (sysctl fs.inotify.max_user_instances=512)", root, err)
		}
		return fmt.Errorf("watch %s: %w", root, err)
	}
	defer fw.Close()
	w := &watcher{
		root:     abs,
		opts:     opts,
		log:      logger,
		fw:       fw,
		addWatch: opts.addWatch,
		dirs:     map[string]fs.FileInfo{},
		known:    map[string]fileState{},
		pending:  map[string]bool{},
		goneDirs: map[string]bool{},
	}
	if w.addWatch == nil {
		w.addWatch = fw.Add
	}
	return w.run(ctx, apply)
}

type watcher struct {
	root     string
	opts     Options
	log      *slog.Logger
	fw       *fsnotify.Watcher
	addWatch func(string) error

	dirs     map[string]fs.FileInfo // watched folders
	known    map[string]fileState   // files reported (or present at the start)
	pending  map[string]bool        // paths to look at when the batch is due
	goneDirs map[string]bool        // folders removed or moved away
	dirty    bool                   // a batch is pending
	first    time.Time              // first event of the pending batch
	last     time.Time              // latest event of the pending batch
	now      bool                   // apply the pending batch without waiting
	rootGone bool
}

type fileState struct {
	size  int64
	mtime time.Time
}

func (s fileState) equal(o fileState) bool { return s.size == o.size && s.mtime.Equal(o.mtime) }

func stateOf(info fs.FileInfo) fileState {
	return fileState{size: info.Size(), mtime: info.ModTime()}
}

type result struct {
	err              error
	changed, removed int
	took             time.Duration
}

func (w *watcher) run(ctx context.Context, apply func(ctx context.Context, changed, removed []string) error) error {
	mode := scanPending
	if w.opts.NoInitialScan {
		mode = scanRecord
	}
	if err := w.addTree(w.root, mode); err != nil {
		return err
	}
	if w.opts.Ready != nil {
		w.opts.Ready()
	}
	w.now = !w.opts.NoInitialScan
	initial := w.now

	done := make(chan result, 1)
	applying := false
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	defer timer.Stop()
	var timerC <-chan time.Time
	// finish waits for a running apply before Watch returns.
	finish := func(err error) error {
		if applying {
			<-done
		}
		return err
	}
	for {
		// Start a due batch, or arm the timer for the next one.
		timerC = nil
		if !applying && (w.now || w.dirty) {
			wait := time.Duration(0)
			if !w.now {
				wait = min(time.Until(w.last.Add(w.opts.Debounce)), time.Until(w.first.Add(w.opts.MaxDelay)))
			}
			if wait > 0 {
				timer.Reset(wait)
				timerC = timer.C
			} else {
				changed, removed := w.batch()
				if initial || len(changed) > 0 || len(removed) > 0 {
					initial = false
					applying = true
					go func() {
						began := time.Now()
						err := apply(ctx, changed, removed)
						done <- result{err: err, changed: len(changed), removed: len(removed), took: time.Since(began)}
					}()
				}
			}
		}
		if !applying && w.rootGone {
			return fmt.Errorf("watch %s: the folder was removed or moved away", w.root)
		}

		select {
		case <-ctx.Done():
			return finish(nil)
		case ev, ok := <-w.fw.Events:
			if !ok {
				return finish(fmt.Errorf("watch %s: watcher closed", w.root))
			}
			if err := w.event(ev); err != nil {
				return finish(err)
			}
		case err, ok := <-w.fw.Errors:
			if !ok {
				return finish(fmt.Errorf("watch %s: watcher closed", w.root))
			}
			if errors.Is(err, fsnotify.ErrEventOverflow) {
				// Events were lost: compare the tree with what is known.
				w.log.Warn("file events were lost; rescanning the folder", "folder", w.root)
				if err := w.rescan(); err != nil {
					return finish(err)
				}
				continue
			}
			w.log.Warn("file watcher error", "folder", w.root, "err", err)
		case <-timerC:
		case r := <-done:
			applying = false
			if r.err != nil {
				w.log.Warn("applying changes failed; the files are tried again on their next change",
					"folder", w.root, "changed", r.changed, "removed", r.removed, "err", r.err)
			} else {
				w.log.Debug("applied changes", "folder", w.root, "changed", r.changed, "removed", r.removed, "took", r.took)
			}
		}
	}
}

// touch notes an event for the pending batch.
func (w *watcher) touch(path string) {
	now := time.Now()
	if !w.dirty {
		w.dirty = true
		w.first = now
	}
	w.last = now
	if path != "" {
		w.pending[path] = true
	}
}

// event handles one file system event.
func (w *watcher) event(ev fsnotify.Event) error {
	p := filepath.Clean(ev.Name)
	rel, ok := w.rel(p)
	if !ok {
		return nil
	}
	if rel == "." {
		if ev.Has(fsnotify.Remove) || ev.Has(fsnotify.Rename) {
			w.rootGone = true
			w.touch("")
			w.now = true // report the removals, then stop
			w.goneDirs[p] = true
		}
		return nil
	}
	if hidden(rel) {
		return nil
	}
	if ev.Op == fsnotify.Chmod {
		return nil // attributes only: the content is the same
	}
	if ev.Has(fsnotify.Remove) || ev.Has(fsnotify.Rename) {
		if _, ok := w.dirs[p]; ok {
			w.touch("")
			if err := w.dropTree(p); err != nil {
				return err
			}
		} else if _, ok := w.known[p]; ok || w.opts.Supported(rel) {
			w.touch(p)
		}
	}
	if ev.Has(fsnotify.Create) {
		info, err := os.Lstat(p)
		if err == nil && info.IsDir() {
			w.touch("")
			return w.addTree(p, scanPending)
		}
	}
	if ev.Has(fsnotify.Create) || ev.Has(fsnotify.Write) {
		if w.opts.Supported(rel) {
			w.touch(p)
		}
	}
	return nil
}

// rel returns path relative to the root, slash-separated, and false for
// a path outside it.
func (w *watcher) rel(path string) (string, bool) {
	rel, err := filepath.Rel(w.root, path)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return "", false
	}
	return filepath.ToSlash(rel), true
}

// hidden reports whether a relative slash path names a hidden file or a
// path in a hidden folder.
func hidden(rel string) bool {
	for part := range strings.SplitSeq(rel, "/") {
		if strings.HasPrefix(part, ".") {
			return true
		}
	}
	return false
}

// Ways addTree treats the files it finds.
type scanMode int

const (
	scanRecord  scanMode = iota // note them as known (no initial scan)
	scanPending                 // look at them in the next batch
	scanCompare                 // look at those that differ from what is known
)

// addTree watches dir and the folders below it, and treats the files in
// them as mode says. Files created in a new folder before its watch was
// added are found this way.
func (w *watcher) addTree(dir string, mode scanMode) error {
	return filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if p == dir && errors.Is(err, fs.ErrNotExist) {
				return nil // gone again
			}
			w.log.Warn("cannot read a folder to watch", "path", p, "err", err)
			if d != nil && d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		rel, ok := w.rel(p)
		if !ok || rel != "." && hidden(rel) {
			if d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if d.IsDir() {
			if err := w.addWatch(p); err != nil {
				switch {
				case errors.Is(err, syscall.ENOSPC):
					return watchLimitError(w.root, len(w.dirs), err)
				case errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR):
					return fs.SkipDir // removed meanwhile
				case p == w.root:
					return fmt.Errorf("watch %s: %w", w.root, err)
				default:
					w.log.Warn("cannot watch a folder", "path", p, "err", err)
					return fs.SkipDir
				}
			}
			info, err := d.Info()
			if err != nil {
				return fs.SkipDir // removed meanwhile
			}
			w.dirs[p] = info
			return nil
		}
		if !d.Type().IsRegular() || !w.opts.Supported(rel) {
			return nil
		}
		switch mode {
		case scanRecord:
			if info, err := d.Info(); err == nil {
				w.known[p] = stateOf(info)
			}
		case scanPending:
			w.touch(p)
		case scanCompare:
			info, err := d.Info()
			if st, ok := w.known[p]; err != nil || !ok || !st.equal(stateOf(info)) {
				w.touch(p)
			}
		}
		return nil
	})
}

// dropTree forgets the watches of dir and the folders below it (a removed
// folder's are gone; a moved one's would report the old paths), and
// marks the files known below it to be looked at.
//
// A folder moved within the tree may have been found under its new name
// already (by the scan of a new parent), before this: inotify then gave
// the new name the old name's watch, which removing the old name ends.
// Such folders, the same as a dropped one, are watched and scanned again.
func (w *watcher) dropTree(dir string) error {
	prefix := dir + string(filepath.Separator)
	var dropped []fs.FileInfo
	for d, info := range w.dirs {
		if d == dir || strings.HasPrefix(d, prefix) {
			_ = w.fw.Remove(d) // often gone with its folder already
			delete(w.dirs, d)
			dropped = append(dropped, info)
		}
	}
	w.goneDirs[dir] = true
	var again []string
	for d, info := range w.dirs {
		for _, old := range dropped {
			if os.SameFile(info, old) {
				again = append(again, d)
				break
			}
		}
	}
	for _, d := range again {
		_ = w.fw.Remove(d)
		delete(w.dirs, d)
	}
	for _, d := range again {
		if err := w.addTree(d, scanPending); err != nil {
			return err
		}
	}
	return nil
}

// rescan compares the whole tree with what is known, after lost events.
func (w *watcher) rescan() error {
	if err := w.addTree(w.root, scanCompare); err != nil {
		return err
	}
	for p := range w.known {
		if _, err := os.Lstat(p); err != nil {
			w.touch(p)
		}
	}
	return nil
}

// batch looks at the pending paths and returns the changed and removed
// files, updating what is known.
func (w *watcher) batch() (changed, removed []string) {
	check := w.pending
	for dir := range w.goneDirs {
		prefix := dir + string(filepath.Separator)
		for p := range w.known {
			if dir == w.root || strings.HasPrefix(p, prefix) {
				check[p] = true
			}
		}
	}
	w.pending, w.goneDirs, w.now, w.dirty = map[string]bool{}, map[string]bool{}, false, false
	for p := range check {
		rel, ok := w.rel(p)
		if !ok {
			continue
		}
		info, err := os.Lstat(p)
		if err == nil && info.Mode().IsRegular() && w.opts.Supported(rel) {
			w.known[p] = stateOf(info)
			changed = append(changed, rel)
			continue
		}
		if _, ok := w.known[p]; ok {
			// Gone, or no longer a regular file.
			delete(w.known, p)
			removed = append(removed, rel)
		}
	}
	slices.Sort(changed)
	slices.Sort(removed)
	return changed, removed
}

// watchLimitError explains a full inotify watch table.
func watchLimitError(root string, watched int, err error) error {
	limit := "the limit"
	if b, rerr := os.ReadFile("/proc/sys/fs/inotify/max_user_watches"); rerr == nil {
		limit = "the limit of " + strings.TrimSpace(string(b))
	}
	return fmt.Errorf("watch %s: %w (%d folders watched; %s per user is reached: %v); raise it with "+
		"`sudo sysctl fs.inotify.max_user_watches=524288` and keep it in /etc/sysctl.d/",
		root, ErrWatchLimit, watched, limit, err)
}

func unwrapPathError(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
