package eval_test

import (
	"context"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/fundus-kb/fundus/search"
	"github.com/fundus-kb/fundus/search/eval"
)

// The German test collection over the demo corpus.
const deDir = "../../testdata/eval/de"

// logReport logs the means, the means per kind and the weakest queries.
func logReport(t *testing.T, name string, rep *eval.Report) {
	t.Helper()
	t.Logf("%s: %d queries: nDCG@%d %.4f, MRR@%d %.4f, recall@100 %.4f",
		name, rep.Queries, rep.K, rep.NDCG, rep.K, rep.MRR, rep.Recall)
	for _, km := range rep.ByKind() {
		t.Logf("  %-10s %3d queries: nDCG@%d %.4f, MRR@%d %.4f, recall@100 %.4f",
			km.Kind, km.Queries, rep.K, km.NDCG, rep.K, km.MRR, km.Recall)
	}
	// Test queries are plain text: the search must not reject them.
	for _, r := range rep.Rows {
		if r.Error != "" {
			t.Errorf("%s: query %q (%q) rejected: %s", name, r.ID, r.Text, r.Error)
		}
	}
}

// TestGermanCollection is the regression gate for search quality on our
// own German collection (in-sample: the defaults were decided on it, and
// the glossary holds the phrases of its cross-language queries): nDCG@10
// and recall@100 must not fall below the floors in testdata/eval/floors.json,
// nor below plain Bleve with the "de" analyzer.
func TestGermanCollection(t *testing.T) {
	queries, err := eval.ReadQueriesFile(filepath.Join(deDir, "queries.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	qrels, err := eval.ReadQrelsFile(filepath.Join(deDir, "qrels.tsv"))
	if err != nil {
		t.Fatal(err)
	}

	// The collection itself: big enough, every query judged with grades 1
	// and 2, every kind present.
	if len(queries) < 60 {
		t.Errorf("%d queries, want at least 60", len(queries))
	}
	kinds := map[string]int{}
	for _, q := range queries {
		kinds[q.Kind]++
		if qrels.Relevant(q.ID) == 0 {
			t.Errorf("query %q has no relevant document", q.ID)
		}
		for d, g := range qrels[q.ID] {
			if g != 1 && g != 2 {
				t.Errorf("query %q, document %q: grade %d, want 1 or 2", q.ID, d, g)
			}
		}
	}
	for _, k := range []string{"keyword", "question", "compound", "synonym", "typo", "crosslang"} {
		if kinds[k] == 0 {
			t.Errorf("no query of kind %q", k)
		}
	}
	if len(qrels) != len(queries) {
		t.Errorf("qrels judge %d queries, the queries file has %d", len(qrels), len(queries))
	}

	c, err := eval.LoadCollection(paths, eval.German)
	if err != nil {
		t.Fatal(err)
	}
	b, err := eval.Build(context.Background(), c, t.TempDir(), eval.BuildOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if b.Docs < 60 {
		t.Fatalf("demo corpus: %d documents", b.Docs)
	}
	// Every judged document must exist: a renamed corpus file must not
	// silently turn a judgment into a miss.
	for q, docs := range qrels {
		for d := range docs {
			if _, err := b.KB().Get(d); err != nil {
				t.Errorf("query %q judges %q: %v", q, d, err)
			}
		}
	}
	rep := gate(t, b, true)
	if rep.Queries != len(queries) {
		t.Errorf("evaluated %d of %d queries", rep.Queries, len(queries))
	}
	for _, r := range rep.Rows {
		if r.NDCG < 0.5 {
			t.Logf("  weak: %-32s nDCG %.3f first relevant at %d  %q", r.ID, r.NDCG, r.FirstRelevant, r.Text)
		}
	}
}

// paths locate the suite's data from this package's directory.
var paths = eval.Paths{Repo: "../..", Shared: "../../../shared"}

// floor is the gate of one collection in testdata/eval/floors.json: just
// under what was measured on the recorded commit.
type floor struct {
	NDCG   float64 `json:"ndcg@10"`
	Recall float64 `json:"recall@100"`
	// Answers, where set, is the floor of the share of questions whose
	// first answer passage holds a gold answer (eval.AnswerReport.First).
	Answers  float64 `json:"answers,omitempty"`
	Measured string  `json:"measured"`
	Commit   string  `json:"commit"`
}

func readFloor(t *testing.T, name string) floor {
	t.Helper()
	const path = "../../testdata/eval/floors.json"
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var all map[string]floor
	if err := json.Unmarshal(data, &all); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	f, ok := all[name]
	if !ok || f.NDCG <= 0 || f.NDCG > 1 || f.Recall < 0 || f.Recall > 1 || f.Answers < 0 || f.Answers > 1 {
		t.Fatalf("%s: no valid floor for %q: %+v", path, name, f)
	}
	return f
}

// buildShared loads and builds a collection that needs ../shared, or
// skips (fails under CI=true) when the data is not there.
func buildShared(t *testing.T, name string, opts eval.BuildOptions) *eval.Built {
	t.Helper()
	c, err := eval.LoadCollection(paths, name)
	if errors.Is(err, fs.ErrNotExist) {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s: %v; CI must provide ../shared/eval (and fortunes-de)", name, err)
		}
		t.Skipf("%s: the shared data (or fortunes-de) is not on this machine: %v", name, err)
	}
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	b, err := eval.Build(context.Background(), c, t.TempDir(), opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	t.Logf("%s: built %d documents in %v", name, b.Docs, time.Since(start).Round(time.Millisecond))
	return b
}

// gate evaluates Fundus and plain Bleve on b in the same run and checks
// the floors: nDCG@10 and recall@100 at least the recorded floor, and,
// with beatPlain, Fundus never below plain Bleve. It returns Fundus's
// report.
func gate(t *testing.T, b *eval.Built, beatPlain bool) *eval.Report {
	t.Helper()
	ctx := context.Background()
	start := time.Now()
	rep, err := b.Run(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("ran %d queries in %v", rep.Queries, time.Since(start).Round(time.Millisecond))
	plain, err := b.RunPlain(ctx)
	if err != nil {
		t.Fatal(err)
	}
	logReport(t, b.Name+" (Fundus)", rep)
	logReport(t, b.Name+" (plain Bleve)", plain)
	if rep.Queries == 0 || rep.Queries != plain.Queries || len(rep.Missing) > 0 {
		t.Errorf("evaluated %d queries (plain Bleve %d), missing %v", rep.Queries, plain.Queries, rep.Missing)
	}
	f := readFloor(t, b.Name)
	if rep.NDCG < f.NDCG {
		t.Errorf("nDCG@10 = %.4f, below the floor %.4f (measured %s on %s)", rep.NDCG, f.NDCG, f.Measured, f.Commit)
	}
	if rep.Recall < f.Recall {
		t.Errorf("recall@100 = %.4f, below the floor %.4f (measured %s on %s)", rep.Recall, f.Recall, f.Measured, f.Commit)
	}
	if f.Answers > 0 {
		a, err := b.RunAnswers(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("answers: first passage %.3f, in the first three %.3f (%d questions)", a.First, a.InTop3, a.Questions)
		if a.Questions == 0 || a.First < f.Answers {
			t.Errorf("answers: first passage holds a gold answer for %.3f of %d questions, below the floor %.3f (measured %s on %s)", a.First, a.Questions, f.Answers, f.Measured, f.Commit)
		}
	}
	if rep.NDCG < plain.NDCG && !beatPlain {
		t.Logf("nDCG@10 = %.4f, below plain Bleve's %.4f in the same run (a target not met, see BENCHMARKS.md)", rep.NDCG, plain.NDCG)
	}
	if rep.NDCG < plain.NDCG && beatPlain {
		t.Errorf("nDCG@10 = %.4f, below plain Bleve's %.4f in the same run", rep.NDCG, plain.NDCG)
	}
	return rep
}

// TestSciFact checks nDCG@10 and recall@100 on the 300 SciFact test
// queries against their floors and against plain Bleve BM25 (one field,
// the "en" analyzer, Bleve's k1 = 1.2, b = 0.75) in the same run. SciFact
// is for measuring, never for tuning.
func TestSciFact(t *testing.T) {
	b := buildShared(t, eval.SciFact, eval.BuildOptions{})
	rep := gate(t, b, true)
	if rep.Queries != 300 || rep.Unjudged != 809 {
		t.Errorf("evaluated %d queries, %d unjudged; want 300, 809", rep.Queries, rep.Unjudged)
	}
}

// TestXQuAD checks the xquad-dev paragraphs (text we did not write): the
// German and the parallel English questions, each against its floor and
// plain Bleve in the same run, and German close to English.
func TestXQuAD(t *testing.T) {
	reps := map[string]*eval.Report{}
	for _, name := range []string{eval.XQuADDe, eval.XQuADEn} {
		t.Run(name, func(t *testing.T) {
			b := buildShared(t, name, eval.BuildOptions{})
			reps[name] = gate(t, b, true)
			checkSuggestions(t, b)
		})
	}
	de, en := reps[eval.XQuADDe], reps[eval.XQuADEn]
	if de == nil || en == nil {
		return
	}
	// The target is 0.01; the gate sits just over the gap measured
	// (0.0096 at 34070ee, 0.0102 before; see BENCHMARKS.md) so that it
	// cannot widen unnoticed.
	const maxGap = 0.011
	if gap := en.NDCG - de.NDCG; gap > maxGap {
		t.Errorf("German nDCG@10 %.4f is %.4f below English %.4f, want at most %.3f", de.NDCG, gap, en.NDCG, maxGap)
	}
}

// Did-you-mean on the xquad-dev questions, measured when the gates were
// set (in brackets: before the edit-distance and shared-document
// conditions of search.termIndex.correction, at ab95f2f).
//   - Clean: the questions are professionally written, so nearly every
//     suggestion "corrects" a correct word the paragraphs lack (a few
//     English ones are real typos: "parliment", "scounting"). German 8
//     (100), English 13 (72) of 612.
//   - Typos: one letter dropped from the middle of each question's
//     longest word (of six letters or more). German 304 (344) of 611 get
//     the word back, 28 (111) another suggestion; English 324 (274) of
//     599, 46 (224).
//
// The gates sit just beside the figures.
var suggestGates = map[string]struct{ clean, typoFound, typoOther int }{
	eval.XQuADDe: {clean: 9, typoFound: 300, typoOther: 30},
	eval.XQuADEn: {clean: 14, typoFound: 320, typoOther: 48},
}

// checkSuggestions checks the did-you-mean of b's questions as written
// and with a typo against suggestGates.
func checkSuggestions(t *testing.T, b *eval.Built) {
	t.Helper()
	g, ok := suggestGates[b.Name]
	if !ok {
		t.Fatalf("no suggestion gates for %s", b.Name)
	}
	ctx := search.WithMembers(context.Background())
	suggest := func(q string) string {
		res, err := b.KB().Search(ctx, search.Request{Query: q, Size: 1, NoFacets: true, NoSnippets: true})
		if err != nil {
			t.Fatalf("%q: %v", q, err)
		}
		return res.DidYouMean
	}
	clean, typos, found, other := 0, 0, 0, 0
	for _, q := range b.Queries {
		if s := suggest(q.Text); s != "" {
			clean++
			t.Logf("did you mean: %q -> %q", q.Text, s)
		}
		word := longestWord(q.Text)
		if utf8.RuneCountInString(word) < 6 {
			continue
		}
		r := []rune(word)
		typo := string(r[:len(r)/2]) + string(r[len(r)/2+1:])
		typos++
		switch s := suggest(strings.Replace(q.Text, word, typo, 1)); {
		case strings.Contains(s, word):
			found++
		case s != "":
			other++
		}
	}
	t.Logf("did you mean: %d of %d questions as written; with a typo %d of %d corrected, %d other", clean, len(b.Queries), found, typos, other)
	if clean > g.clean {
		t.Errorf("%d of %d well-written questions get a did-you-mean, want at most %d", clean, len(b.Queries), g.clean)
	}
	if found < g.typoFound || other > g.typoOther {
		t.Errorf("with a typo: %d of %d corrected (want at least %d), %d other suggestions (want at most %d)", found, typos, g.typoFound, other, g.typoOther)
	}
}

// longestWord returns the longest word of q (letters and hyphens), the
// first of equals.
func longestWord(q string) string {
	best := ""
	for _, w := range strings.FieldsFunc(q, func(r rune) bool { return !unicode.IsLetter(r) && r != '-' }) {
		if utf8.RuneCountInString(w) > utf8.RuneCountInString(best) {
			best = w
		}
	}
	return best
}

// TestXQuADMixed checks the German xquad-dev questions over their
// paragraphs among distractors of other kinds: the Readability pages,
// SciFact abstracts and the demo corpus.
func TestXQuADMixed(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: the mixed corpus ingests SciFact")
	}
	gate(t, buildShared(t, eval.XQuADMixed, eval.BuildOptions{}), true)
}

// TestXQuADFortunes checks the German xquad-dev questions over their
// paragraphs among 13,982 German fortunes (Debian's fortunes-de): German
// distractors of another kind, short texts that BM25's length
// normalisation favours. CI installs fortunes-de; elsewhere the test
// skips without it.
func TestXQuADFortunes(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: the fortunes are 13,982 documents")
	}
	gate(t, buildShared(t, eval.XQuADFortunes, eval.BuildOptions{}), true)
}
