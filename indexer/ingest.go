package indexer

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"strings"
	"sync"

	"github.com/fundus-kb/fundus/indexer/parse"
	"github.com/fundus-kb/fundus/indexer/store"
	"github.com/fundus-kb/fundus/search"
)

// Batch limits for ingest: a batch is committed when either is reached.
// 1,000 documents rather than the 500 of a replay: one Badger commit and
// one Bleve batch for twice the documents leaves Bleve fewer segments to
// merge (make bench-ingest: 0.94, 0.97 and 0.98 against Bleve with Fundus's
// mapping in three runs, 0.85–0.88 at 500; 2,000 gained nothing more and
// took 40 MB more memory).
const (
	ingestBatchDocs  = 1000
	ingestBatchBytes = 16 << 20
)

// IngestOptions configure an ingest run.
type IngestOptions struct {
	// Prune removes documents read earlier from a folder given now whose
	// file is gone, or whose record is gone from a file that still parses
	// without failures.
	Prune bool
	// OnError is called with each input that failed (an *parse.Error or a
	// wrapped error naming the input). It is called from one goroutine.
	OnError func(error)
	// OnWarning is called with problems that do not stop an input from
	// being ingested, such as a PDF without text. It is called from one
	// goroutine.
	OnWarning func(error)
	// OnProgress is called after each file with the files done and the
	// files found. It is called from one goroutine.
	OnProgress func(done, total int)
}

// Summary counts what an ingest run did.
type Summary struct {
	Added     int `json:"added"`
	Updated   int `json:"updated"`
	Unchanged int `json:"unchanged"`
	Failed    int `json:"failed"`
	Deleted   int `json:"deleted"`
}

// add counts one outcome of a write. A failure is counted where it is
// reported (tally.fail), with what failed.
func (s *Summary) add(o search.Outcome) {
	switch o {
	case store.Added:
		s.Added++
	case store.Updated:
		s.Updated++
	case store.Unchanged:
		s.Unchanged++
	case store.Deleted:
		s.Deleted++
	}
}

// Source is a tree of input files: a folder on disk, or an embedded one.
type Source struct {
	FS fs.FS
	// Root names the tree in messages and origins: an absolute folder
	// path, or a label such as "demo".
	Root string
	// Files lists the files to read (slash paths in FS). Empty means walk
	// FS recursively for every supported file.
	Files []string
	// Prunable marks a folder whose vanished files may be pruned.
	Prunable bool
}

// PathSources turns command-line paths into Sources: a folder becomes a
// recursive walk, a file its own one-file tree (its id is its base name).
func PathSources(paths []string) ([]Source, []error) {
	var srcs []Source
	var errs []error
	for _, p := range paths {
		abs, err := filepath.Abs(p)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", p, err))
			continue
		}
		info, err := os.Stat(abs)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", p, causeOf[*fs.PathError](err)))
			continue
		}
		if info.IsDir() {
			srcs = append(srcs, Source{FS: os.DirFS(abs), Root: abs, Prunable: true})
			continue
		}
		srcs = append(srcs, Source{FS: os.DirFS(filepath.Dir(abs)), Root: filepath.Dir(abs), Files: []string{filepath.Base(abs)}})
	}
	return srcs, errs
}

// file is one input file to read.
type file struct {
	src   *Source
	name  string // slash path within src.FS
	label string // the path shown in messages
	id    string // the file's id: its path without the final extension
}

// origin is where a file's documents are recorded as coming from.
func (f *file) origin() string {
	if filepath.IsAbs(f.src.Root) {
		return filepath.Join(f.src.Root, filepath.FromSlash(f.name))
	}
	return f.src.Root + "/" + f.name
}

// input is f as the step from records to items sees it.
func (f *file) input() *input {
	origin := f.origin()
	return &input{label: f.label, fileID: f.id, source: origin, origin: origin}
}

// parsed is a part of a file's parse result. A worker sends a file's parts
// in order and closes the file's channel after the last.
type parsed struct {
	f       *file
	entries []prepared // its failures and warnings first, then its records
}

// prepareChunk is the number of records a worker prepares before handing
// them on, so that committing starts before a large file is done.
const prepareChunk = 500

// Ingest reads every source, and commits and indexes the documents in them.
// Failures of single inputs are reported to opts.OnError and counted; the
// returned error is for failures of the knowledge base itself.
//
// Files are parsed in parallel (parseFile) and consumed in walk order, so
// that "the second of two inputs claiming one id" is well defined; batches
// are committed to the store in this goroutine and applied to the index on
// another (an applier), so that the next batch is committed while Bleve
// indexes this one.
func (kb *KB) Ingest(ctx context.Context, srcs []Source, opts IngestOptions) (Summary, error) {
	run := kb.newRun(opts)
	var files []*file
	for i := range srcs {
		fs, errs := listFiles(&srcs[i])
		for _, err := range errs {
			run.fail(err)
		}
		files = append(files, fs...)
	}
	ctx, cancel := context.WithCancel(ctx)
	slots, wait := kb.parseFiles(ctx, files)
	defer func() {
		cancel() // a run that stops early lets the parse workers go
		wait()
	}()
	ap := kb.startApplier()
	defer ap.finish()

	for i := range files {
		if err := run.consume(ctx, files[i], slots[i], ap); err != nil {
			return run.sum, err
		}
		if opts.OnProgress != nil {
			opts.OnProgress(i+1, len(files))
		}
	}
	if err := run.flush(ctx, ap); err != nil {
		return run.sum, err
	}
	if err := ap.finish(); err != nil {
		return run.sum, err
	}
	if opts.Prune {
		if err := run.prune(ctx, srcs); err != nil {
			return run.sum, err
		}
	}
	return run.sum, nil
}

// ingestRun is the state of one run of Ingest or IngestURL: what it
// counted, which input claimed each id, what each origin produced, and the
// batch being filled.
type ingestRun struct {
	tally
	kb       *KB
	seen     claims
	produced map[string]map[string]bool // origin → the ids it produced
	clean    map[string]bool            // origins read without failures
	batch    []Item
	labels   []string // the input of each item of batch, for messages
	bytes    int
}

func (kb *KB) newRun(opts IngestOptions) *ingestRun {
	return &ingestRun{tally: tally{opts: opts}, kb: kb, seen: claims{}, produced: map[string]map[string]bool{}, clean: map[string]bool{}}
}

// consume takes the parsed parts of file f from its slot, in order, into
// batches (see add).
func (r *ingestRun) consume(ctx context.Context, f *file, slot <-chan parsed, ap *applier) error {
	origin := f.origin()
	r.clean[origin] = true
	for p := range slot {
		if err := r.add(ctx, origin, p.entries, ap); err != nil {
			return err
		}
	}
	return ctx.Err()
}

// add takes the entries of an input recorded as origin: failures and
// warnings are reported (a failure other than a duplicate id marks the
// origin as not clean, so that nothing of it is pruned), and items join
// the batch, which is committed when it is full.
func (r *ingestRun) add(ctx context.Context, origin string, entries []prepared, ap *applier) error {
	for i := range entries {
		p := &entries[i]
		r.seen.take(p)
		switch p.kind {
		case warned:
			r.warn(p.message())
			continue
		case duplicate:
			r.fail(p.message())
			continue
		case failed, invalid:
			r.fail(p.message())
			delete(r.clean, origin)
			continue
		}
		id := p.item.Doc.ID
		if r.produced[origin] == nil {
			r.produced[origin] = map[string]bool{}
		}
		r.produced[origin][id] = true
		r.batch = append(r.batch, p.item)
		r.labels = append(r.labels, p.label)
		r.bytes += len(p.item.Raw) + len(p.item.Doc.Body)
		if len(r.batch) >= ingestBatchDocs || r.bytes >= ingestBatchBytes {
			if err := r.flush(ctx, ap); err != nil {
				return err
			}
		}
	}
	return nil
}

// flush commits the batch to the store, counts its outcomes and hands
// its index work to the applier.
func (r *ingestRun) flush(ctx context.Context, ap *applier) error {
	if len(r.batch) == 0 {
		return nil
	}
	r.kb.canonicalTopics(r.batch)
	res, job, err := r.kb.commitStore(ctx, writesOf(r.batch))
	labels := r.labels
	r.count(res, func(i int) string { return labels[i] })
	// New slices: the applier still reads this batch's documents.
	r.batch, r.labels, r.bytes = nil, nil, 0
	if err != nil {
		return err
	}
	return ap.send(ctx, job)
}

// parseFiles parses files on one worker per core; each file's parts
// arrive, in order, on its slot. wait waits for the workers.
func (kb *KB) parseFiles(ctx context.Context, files []*file) (slots []chan parsed, wait func()) {
	jobs := make(chan int)
	slots = make([]chan parsed, len(files))
	for i := range slots {
		slots[i] = make(chan parsed, 4)
	}
	var wg sync.WaitGroup
	for range max(1, runtime.GOMAXPROCS(0)) {
		wg.Go(func() {
			for i := range jobs {
				kb.parseFile(ctx, files[i], slots[i])
			}
		})
	}
	go func() {
		defer close(jobs)
		for i := range files {
			select {
			case jobs <- i:
			case <-ctx.Done():
				return
			}
		}
	}()
	return slots, wg.Wait
}

// applier applies committed batches to the index on its own goroutine,
// in order, and keeps the first error.
type applier struct {
	jobs chan applyJob
	done chan error
	once sync.Once
	err  error
}

func (kb *KB) startApplier() *applier {
	ap := &applier{jobs: make(chan applyJob, 1), done: make(chan error, 1)}
	go func() {
		var first error
		for job := range ap.jobs {
			if err := kb.apply(job); err != nil && first == nil {
				first = err
			}
		}
		ap.done <- first
	}()
	return ap
}

// send hands a batch's index work to the applier.
func (ap *applier) send(ctx context.Context, job applyJob) error {
	select {
	case ap.jobs <- job:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// finish waits until every batch sent is applied and returns the first
// error; later calls return the same.
func (ap *applier) finish() error {
	ap.once.Do(func() {
		close(ap.jobs)
		ap.err = <-ap.done
	})
	return ap.err
}

// prune deletes documents recorded from a prunable source that this run
// did not produce: their file is gone, or their record is gone from a file
// that was read cleanly.
func (r *ingestRun) prune(ctx context.Context, srcs []Source) error {
	var ids []string
	for _, src := range srcs {
		if !src.Prunable {
			continue
		}
		prefix := src.Root
		if filepath.IsAbs(prefix) {
			prefix += string(filepath.Separator)
		} else {
			prefix += "/"
		}
		docs, err := r.kb.store.ByOrigin(prefix)
		if err != nil {
			return fmt.Errorf("listing the documents of %s: %w", src.Root, err)
		}
		for _, d := range docs {
			got, read := r.produced[d.Origin]
			switch {
			case !read && fileGone(d.Origin):
				ids = append(ids, d.ID)
			case read && r.clean[d.Origin] && !got[d.ID]:
				ids = append(ids, d.ID)
			}
		}
	}
	return r.deleteIDs(ctx, ids)
}

// deleteIDs deletes the documents ids and counts the outcomes.
func (r *ingestRun) deleteIDs(ctx context.Context, ids []string) error {
	if len(ids) == 0 {
		return nil
	}
	res, err := r.kb.Delete(ctx, ids...)
	r.count(res, func(i int) string { return ids[i] })
	return err
}

// displayPath shows an absolute path relative to the working directory
// when it lies below it, as users typed it.
func displayPath(abs string) string {
	wd, err := os.Getwd()
	if err != nil {
		return abs
	}
	rel, err := filepath.Rel(wd, abs)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return abs
	}
	return rel
}

func fileGone(origin string) bool {
	if !filepath.IsAbs(origin) {
		return false
	}
	_, err := os.Stat(origin)
	return errors.Is(err, fs.ErrNotExist)
}

// listFiles lists the files of src to read, in a stable order.
// InputFile is a file Ingest reads from a Source: Name is its slash path
// in FS (its documents' default id is Name without extension), Label the
// path messages show.
type InputFile struct {
	FS          fs.FS
	Name, Label string
}

// ListInputs lists the files Ingest would read from srcs, in its order,
// and the failures of listing them (each naming its path): for sending
// them elsewhere, such as to a server's upload endpoint.
func ListInputs(srcs []Source) ([]InputFile, []error) {
	var out []InputFile
	var errs []error
	for i := range srcs {
		files, ferrs := listFiles(&srcs[i])
		errs = append(errs, ferrs...)
		for _, f := range files {
			out = append(out, InputFile{FS: f.src.FS, Name: f.name, Label: f.label})
		}
	}
	return out, errs
}

func listFiles(src *Source) ([]*file, []error) {
	mk := func(name string) *file {
		label := src.Root + "/" + name
		if filepath.IsAbs(src.Root) {
			label = displayPath(filepath.Join(src.Root, filepath.FromSlash(name)))
		}
		return &file{src: src, name: name, label: label, id: strings.TrimSuffix(name, path.Ext(name))}
	}
	if len(src.Files) > 0 {
		var out []*file
		var errs []error
		for _, name := range src.Files {
			f := mk(name)
			if !parse.Supported(name) {
				errs = append(errs, &parse.Error{Path: f.label, Err: parse.ErrUnsupported})
				continue
			}
			out = append(out, f)
		}
		return out, errs
	}
	var out []*file
	var errs []error
	err := fs.WalkDir(src.FS, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", mk(name).label, causeOf[*fs.PathError](err)))
			if d != nil && d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if name != "." && strings.HasPrefix(d.Name(), ".") {
			if d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if d.Type().IsRegular() && parse.Supported(name) {
			out = append(out, mk(name))
		}
		return nil
	})
	if err != nil {
		errs = append(errs, fmt.Errorf("%s: %w", src.Root, err))
	}
	return out, errs
}

// parseFile reads and parses f, prepares its records, and sends the result
// to out in parts, closing out at the end.
func (kb *KB) parseFile(ctx context.Context, f *file, out chan<- parsed) {
	defer close(out)
	fail := func(err error) {
		out <- parsed{f: f, entries: f.input().entries(nil, []error{&parse.Error{Path: f.label, Err: causeOf[*fs.PathError](err)}})}
	}
	info, err := fs.Stat(f.src.FS, f.name)
	if err == nil && info.Size() > parse.MaxFileBytes {
		err = fmt.Errorf("file is %d bytes, over the limit of %d", info.Size(), parse.MaxFileBytes)
	}
	if err != nil {
		fail(err)
		return
	}
	data, err := fs.ReadFile(f.src.FS, f.name)
	if err != nil {
		fail(err)
		return
	}
	recs, errs := kb.parseInput(ctx, f.label, data)
	in := f.input()
	for start := 0; start < len(recs) || start == 0; start += prepareChunk {
		end := min(start+prepareChunk, len(recs))
		var perrs []error
		if start == 0 {
			perrs = errs
		}
		select {
		case out <- parsed{f: f, entries: in.entries(recs[start:end], perrs)}:
		case <-ctx.Done():
			return
		}
		if end == len(recs) {
			break
		}
	}
}
