package eval

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing/fstest"

	"github.com/blevesearch/bleve/v2"
	_ "github.com/blevesearch/bleve/v2/analysis/lang/de" // registers the "de" analyzer
	_ "github.com/blevesearch/bleve/v2/analysis/lang/en" // registers the "en" analyzer
	index "github.com/blevesearch/bleve_index_api"

	"github.com/fundus-kb/fundus/indexer"
	"github.com/fundus-kb/fundus/indexer/demo"
	"github.com/fundus-kb/fundus/search"
)

// The collections of the suite (make eval): our German set over the demo
// corpus, the xquad-dev paragraphs in German and English, the German
// paragraphs among distractors of other kinds, the same among German
// texts of another kind, and SciFact.
const (
	German     = "de"
	XQuADDe    = "xquad-de"
	XQuADEn    = "xquad-en"
	XQuADMixed = "xquad-mixed"
	// XQuADFortunes is the German xquad-dev paragraphs among the German
	// fortunes of Debian's fortunes-de (quotes, jokes, anecdotes, sayings:
	// 13,982 of 80 bytes or more), German distractors that nobody
	// here wrote.
	XQuADFortunes = "xquad-fortunes"
	SciFact       = "scifact"
	// Compounds is the corpus of the compound check (CompoundCheck): the
	// German xquad-dev paragraphs and the Readability pages, with the
	// xquad-dev questions.
	Compounds = "compounds"
)

// CollectionNames lists the suite's collections in table order.
var CollectionNames = []string{German, XQuADDe, XQuADEn, XQuADMixed, XQuADFortunes, SciFact}

// Paths locate the suite's data: Repo is the repository's root, Shared the
// shared data beside it (../shared), Fortunes the German fortunes
// (DefaultFortunes when empty).
type Paths struct {
	Repo, Shared, Fortunes string
}

// DefaultFortunes is where Debian's fortunes-de puts the German fortunes
// (apt-get install fortunes-de).
const DefaultFortunes = "/usr/share/games/fortunes/de"

// Collection is a test collection with its corpus: what Fundus ingests and
// the analyzer plain Bleve uses for it.
type Collection struct {
	Name    string
	Queries []Query
	Qrels   Qrels
	// Analyzer is the Bleve analyzer of the plain-Bleve baseline ("de" or
	// "en").
	Analyzer string
	// InSample marks a collection the defaults were tuned on (our German
	// set: its glossary holds the phrases of its cross-language queries).
	InSample bool
	sources  []indexer.Source
}

// LoadCollection reads collection name's queries and judgments and names
// its corpus. A collection whose files are missing is an error wrapping
// fs.ErrNotExist (errors.Is).
func LoadCollection(p Paths, name string) (*Collection, error) {
	c := &Collection{Name: name, Analyzer: "de"}
	var (
		qdir, qrels     string
		files           []string // the corpus files, ingested first,
		pages, withDemo bool     // then the readability pages, then the demo corpus,
		fortunes        string   // then the fortunes in this folder
	)
	xq := filepath.Join(p.Shared, "eval", "xquad-dev")
	switch name {
	case German:
		qdir = filepath.Join(p.Repo, "testdata", "eval", "de")
		qrels = filepath.Join(qdir, "qrels.tsv")
		c.InSample = true
		withDemo = true
	case XQuADDe, XQuADEn:
		lang := strings.TrimPrefix(name, "xquad-")
		qdir = filepath.Join(xq, lang)
		qrels = filepath.Join(qdir, "qrels", "test.tsv")
		c.Analyzer = lang
		files = []string{filepath.Join(qdir, "corpus.jsonl")}
	case Compounds:
		qdir = filepath.Join(xq, "de")
		qrels = filepath.Join(qdir, "qrels", "test.tsv")
		files = []string{filepath.Join(qdir, "corpus.jsonl")}
		pages = true
	case XQuADMixed:
		qdir = filepath.Join(xq, "de")
		qrels = filepath.Join(qdir, "qrels", "test.tsv")
		files = []string{filepath.Join(qdir, "corpus.jsonl"), filepath.Join(p.Shared, "eval", "scifact", "corpus.jsonl")}
		pages, withDemo = true, true
	case XQuADFortunes:
		qdir = filepath.Join(xq, "de")
		qrels = filepath.Join(qdir, "qrels", "test.tsv")
		files = []string{filepath.Join(qdir, "corpus.jsonl")}
		fortunes = cmp.Or(p.Fortunes, DefaultFortunes)
	case SciFact:
		qdir = filepath.Join(p.Shared, "eval", "scifact")
		qrels = filepath.Join(qdir, "qrels", "test.tsv")
		c.Analyzer = "en"
		files = []string{filepath.Join(qdir, "corpus.jsonl")}
	default:
		return nil, fmt.Errorf("unknown collection %q (want one of %s)", name, strings.Join(CollectionNames, ", "))
	}
	for _, f := range files {
		src, err := fileSource(f)
		if err != nil {
			return nil, err
		}
		c.sources = append(c.sources, src)
	}
	if pages {
		src, err := readabilitySource(filepath.Join(p.Shared, "eval", "readability-pages", "pages"))
		if err != nil {
			return nil, err
		}
		c.sources = append(c.sources, src)
	}
	if withDemo {
		c.sources = append(c.sources, indexer.Source{FS: demo.FS(), Root: "demo"})
	}
	if fortunes != "" {
		src, err := fortunesSource(fortunes)
		if err != nil {
			return nil, err
		}
		c.sources = append(c.sources, src)
	}
	var err error
	if c.Queries, err = ReadQueriesFile(filepath.Join(qdir, "queries.jsonl")); err != nil {
		return nil, err
	}
	if c.Qrels, err = ReadQrelsFile(qrels); err != nil {
		return nil, err
	}
	return c, nil
}

// fileSource is one corpus file to ingest.
func fileSource(path string) (indexer.Source, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return indexer.Source{}, err
	}
	if _, err := os.Stat(abs); err != nil {
		return indexer.Source{}, fmt.Errorf("corpus: %w", err)
	}
	return indexer.Source{FS: os.DirFS(filepath.Dir(abs)), Root: filepath.Dir(abs), Files: []string{filepath.Base(abs)}}, nil
}

// readabilitySource is every Readability test page's source.html (web
// pages of many kinds and languages, as distractors).
func readabilitySource(dir string) (indexer.Source, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return indexer.Source{}, err
	}
	entries, err := os.ReadDir(abs)
	if err != nil {
		return indexer.Source{}, fmt.Errorf("readability pages: %w", err)
	}
	var files []string
	for _, e := range entries {
		if _, err := os.Stat(filepath.Join(abs, e.Name(), "source.html")); err == nil {
			files = append(files, e.Name()+"/source.html")
		}
	}
	return indexer.Source{FS: os.DirFS(abs), Root: abs, Files: files}, nil
}

// minFortune is the shortest fortune taken as a document, in bytes: a
// one-line saying is no text a question could be answered from.
const minFortune = 80

// fortunesSource is one document per fortune of the UTF-8 fortune files
// (*.u8) in dir, as a JSON Lines file in memory: "_id" is the file's name
// and the fortune's number in it, "text" the fortune.
func fortunesSource(dir string) (indexer.Source, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.u8"))
	if err == nil && len(files) == 0 {
		err = fmt.Errorf("no *.u8 files in %s (apt-get install fortunes-de): %w", dir, fs.ErrNotExist)
	}
	if err != nil {
		return indexer.Source{}, fmt.Errorf("fortunes: %w", err)
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return indexer.Source{}, fmt.Errorf("fortunes: %w", err)
		}
		name := strings.TrimSuffix(filepath.Base(f), ".u8")
		for i, text := range strings.Split(strings.ReplaceAll(string(b), "\r\n", "\n"), "\n%\n") {
			if text = strings.TrimSpace(text); len(text) < minFortune {
				continue
			}
			rec := struct {
				ID   string `json:"_id"`
				Text string `json:"text"`
			}{fmt.Sprintf("fortune-%s-%d", name, i), text}
			if err := enc.Encode(rec); err != nil {
				return indexer.Source{}, fmt.Errorf("fortunes: %s: %w", f, err)
			}
		}
	}
	fsys := fstest.MapFS{"fortunes.jsonl": &fstest.MapFile{Data: buf.Bytes()}}
	return indexer.Source{FS: fsys, Root: "fortunes", Files: []string{"fortunes.jsonl"}}, nil
}

// Built is a collection ingested into a Fundus knowledge base, and into a
// plain Bleve index for the baseline.
type Built struct {
	*Collection
	kb    *indexer.KB
	plain bleve.Index
	// Docs is the number of documents ingested.
	Docs int
}

// BuildOptions configure Build.
type BuildOptions struct {
	// NoGlossary builds the knowledge base with an empty glossary: no
	// synonyms at all, Bleve's synonym sources included.
	NoGlossary bool
	// NoPlain skips the plain Bleve index.
	NoPlain bool
}

// Build ingests c into a knowledge base under dir (which must be empty or
// missing) and, unless opts.NoPlain, the same documents' title and text
// into a plain Bleve index with c.Analyzer. Close the result.
func Build(ctx context.Context, c *Collection, dir string, opts BuildOptions) (*Built, error) {
	kbDir := filepath.Join(dir, "fundus")
	if err := os.MkdirAll(kbDir, 0o755); err != nil {
		return nil, fmt.Errorf("build %s: %w", c.Name, err)
	}
	if opts.NoGlossary {
		if err := os.WriteFile(filepath.Join(kbDir, indexer.GlossaryFile), []byte("synonyms: []\n"), 0o644); err != nil {
			return nil, fmt.Errorf("build %s: %w", c.Name, err)
		}
	}
	kb, err := indexer.Open(ctx, indexer.Config{DataDir: kbDir})
	if err != nil {
		return nil, fmt.Errorf("build %s: %w", c.Name, err)
	}
	b := &Built{Collection: c, kb: kb}
	var failures []error
	sum, err := kb.Ingest(ctx, c.sources, indexer.IngestOptions{OnError: func(err error) { failures = append(failures, err) }})
	if err == nil && len(failures) > 0 {
		err = fmt.Errorf("%d inputs failed, first: %w", len(failures), failures[0])
	}
	if err != nil {
		b.Close()
		return nil, fmt.Errorf("build %s: ingest: %w", c.Name, err)
	}
	b.Docs = sum.Added
	if !opts.NoPlain {
		if b.plain, err = b.buildPlain(ctx, filepath.Join(dir, "plain.bleve")); err != nil {
			b.Close()
			return nil, fmt.Errorf("build %s: plain Bleve: %w", c.Name, err)
		}
	}
	return b, nil
}

// buildPlain indexes each ingested document's title + " " + body into one
// field with the collection's analyzer: BM25 with Bleve's defaults, as an
// application that uses Bleve without Fundus's features would.
func (b *Built) buildPlain(ctx context.Context, path string) (bleve.Index, error) {
	im := bleve.NewIndexMapping()
	im.ScoringModel = index.BM25Scoring
	im.DefaultAnalyzer = b.Analyzer
	dm := bleve.NewDocumentStaticMapping()
	fm := bleve.NewTextFieldMapping()
	fm.Analyzer = b.Analyzer
	fm.Store = false
	fm.IncludeInAll = false
	fm.IncludeTermVectors = false
	dm.AddFieldMappingsAt("text", fm)
	im.DefaultMapping = dm
	idx, err := bleve.New(path, im)
	if err != nil {
		return nil, err
	}
	var ids []string
	all := search.WithMembers(ctx)
	if err := b.kb.EachID(all, search.Request{}, func(id string) error { ids = append(ids, id); return nil }); err != nil {
		idx.Close()
		return nil, err
	}
	sort.Strings(ids)
	batch := idx.NewBatch()
	for _, id := range ids {
		d, err := b.kb.Document(all, id)
		if err != nil {
			idx.Close()
			return nil, err
		}
		if err := batch.Index(id, map[string]any{"text": strings.TrimSpace(d.Title + " " + d.Body)}); err != nil {
			idx.Close()
			return nil, err
		}
		if batch.Size() >= 500 {
			if err := idx.Batch(batch); err != nil {
				idx.Close()
				return nil, err
			}
			batch.Reset()
		}
	}
	if err := idx.Batch(batch); err != nil {
		idx.Close()
		return nil, err
	}
	return idx, nil
}

// Close closes the knowledge base and the plain index.
func (b *Built) Close() error {
	err := b.kb.Close()
	if b.plain != nil {
		err = errors.Join(err, b.plain.Close())
	}
	return err
}

// KB is the knowledge base the collection was ingested into.
func (b *Built) KB() *indexer.KB { return b.kb }

// Run evaluates Fundus with tuning t (nil for the defaults).
func (b *Built) Run(ctx context.Context, t *search.Tuning) (*Report, error) {
	return Run(search.WithMembers(ctx), b.kb, b.Queries, b.Qrels, Options{K: 10, Tuning: t})
}

// RunPlain evaluates the plain Bleve baseline.
func (b *Built) RunPlain(ctx context.Context) (*Report, error) {
	if b.plain == nil {
		return nil, errors.New("built without the plain Bleve index")
	}
	return Run(ctx, PlainBleve{Index: b.plain, Field: "text"}, b.Queries, b.Qrels, Options{K: 10})
}

// PlainBleve is the baseline searcher: a match query on one field of a
// plain Bleve index, sorted by score and id.
type PlainBleve struct {
	Index bleve.Index
	Field string
}

// Search runs r.Query as a match query (r.Size hits from the start of
// page r.Page).
func (p PlainBleve) Search(ctx context.Context, r search.Request) (*search.Result, error) {
	q := bleve.NewMatchQuery(r.Query)
	q.SetField(p.Field)
	size := r.Size
	if size == 0 {
		size = search.DefaultSize
	}
	from := max(r.Page-1, 0) * size
	req := bleve.NewSearchRequestOptions(q, size, from, false)
	req.SortBy([]string{"-_score", "_id"})
	res, err := p.Index.SearchInContext(ctx, req)
	if err != nil {
		return nil, err
	}
	out := &search.Result{Total: res.Total}
	for _, h := range res.Hits {
		out.Hits = append(out.Hits, search.Hit{ID: h.ID, Score: h.Score})
	}
	return out, nil
}

// Ablation is one configuration of the ablation table.
type Ablation struct {
	Name   string
	Tuning search.Tuning
	// NoGlossary also removes the glossary from the index (Bleve's
	// synonym sources).
	NoGlossary bool
}

// Ablations are the configurations `fundus eval --suite --ablate` runs:
// the defaults, each feature off alone, and all off together.
func Ablations() []Ablation {
	d := search.DefaultTuning()
	off := func(name string, f func(*search.Tuning), noGloss bool) Ablation {
		t := d
		f(&t)
		return Ablation{Name: name, Tuning: t, NoGlossary: noGloss}
	}
	return []Ablation{
		{Name: "default", Tuning: d},
		off("no decompounding", func(t *search.Tuning) { t.Decompound = false }, false),
		off("no synonyms (no glossary)", func(t *search.Tuning) { t.Synonyms = false }, true),
		off("no typo tolerance", func(t *search.Tuning) { t.Typos = false }, false),
		off("no hyphen phrases", func(t *search.Tuning) { t.Hyphens = false }, false),
		off("German hyphen parts at half", func(t *search.Tuning) { t.HyphenApart = false }, false),
		off("no foreign stop words", func(t *search.Tuning) { t.ForeignStopWords = false }, false),
		off("no foreign weight", func(t *search.Tuning) { t.ForeignWeight = 0 }, false),
		off("no word variants", func(t *search.Tuning) { t.VariantBoost = 0 }, false),
		off("no question fillers", func(t *search.Tuning) { t.QuestionFillers = false }, false),
		off("all eight off", func(t *search.Tuning) {
			t.Decompound, t.Synonyms, t.Typos, t.Hyphens = false, false, false, false
			t.ForeignStopWords, t.ForeignWeight, t.VariantBoost, t.QuestionFillers = false, 0, 0, false
		}, true),
	}
}
