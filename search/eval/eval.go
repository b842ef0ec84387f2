// Package eval measures ranking quality the way BEIR and trec_eval do: it
// reads queries (BEIR JSONL) and relevance judgments (BEIR qrels TSV), runs
// each judged query against a Searcher and computes nDCG@k, MRR@k and
// recall@100.
//
// Metric definitions follow trec_eval:
//
//   - nDCG@k: DCG@k = Σ_{i=1..k} rel_i / log2(i+1) with the judged grade as
//     gain (0 for unjudged documents); the ideal DCG@k ranks all judged
//     documents of the query by grade. Grades ≤ 0 count as not relevant.
//   - RR@k: 1/rank of the first relevant document within the top k, else 0.
//   - recall@100: relevant documents in the top 100 / all relevant
//     documents of the query.
//
// A query that has no judgment, or only judgments with grade ≤ 0, is not
// evaluated; Report counts such queries.
package eval

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/fundus-kb/fundus/search"
)

// RecallDepth is the rank cut-off of the recall measure (recall@100).
const RecallDepth = 100

// Query is one test query.
type Query struct {
	ID   string
	Text string
	// Kind is an optional label from the record's "kind" field (an
	// extension of this project, e.g. "compound" or "typo"), used to report
	// means per kind. Other fields of a record are ignored.
	Kind string
	// Answers are the answer strings a human marked in the judged
	// document (xquad-dev's "answers"), for the answers measure.
	Answers []string
}

// Qrels maps a query id to its judged documents and their grades.
type Qrels map[string]map[string]int

// Relevant returns the number of documents of query q with grade > 0.
func (qr Qrels) Relevant(q string) int { return relevantCount(qr[q]) }

// lineError names the file and line of a bad input line.
func lineError(file string, line int, format string, args ...any) error {
	return fmt.Errorf("%s:%d: %s", file, line, fmt.Sprintf(format, args...))
}

// ReadQueriesFile reads BEIR queries from a JSONL file.
func ReadQueriesFile(path string) ([]Query, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read queries: %w", err)
	}
	defer f.Close()
	return ReadQueries(path, f)
}

// ReadQueries reads BEIR queries: one JSON object per line with "_id" (a
// string or a number) and "text"; "kind" is read when present, every other
// field ignored. Empty lines are skipped. name is the file name used in
// errors.
func ReadQueries(name string, r io.Reader) ([]Query, error) {
	var out []Query
	seen := map[string]int{}
	err := eachLine(name, r, func(n int, line []byte) error {
		if len(bytes.TrimSpace(line)) == 0 {
			return nil
		}
		var rec struct {
			ID      json.RawMessage `json:"_id"`
			Text    *string         `json:"text"`
			Kind    any             `json:"kind"`
			Answers []string        `json:"answers"`
		}
		if err := json.Unmarshal(line, &rec); err != nil {
			return lineError(name, n, "not a JSON object: %v", err)
		}
		id, err := idString(rec.ID)
		if err != nil {
			return lineError(name, n, "%v", err)
		}
		if rec.Text == nil {
			return lineError(name, n, "query %q has no \"text\"", id)
		}
		text := strings.TrimSpace(*rec.Text)
		if text == "" {
			return lineError(name, n, "query %q has an empty \"text\"", id)
		}
		if prev, ok := seen[id]; ok {
			return lineError(name, n, "duplicate query id %q (first on line %d)", id, prev)
		}
		seen[id] = n
		kind, _ := rec.Kind.(string)
		out = append(out, Query{ID: id, Text: text, Kind: kind, Answers: rec.Answers})
		return nil
	})
	return out, err
}

// idString reads "_id": a non-empty string, or a JSON number taken as its
// literal text.
func idString(raw json.RawMessage) (string, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return "", errors.New(`record has no "_id"`)
	}
	var s string
	if err := json.Unmarshal(raw, &s); err == nil {
		if strings.TrimSpace(s) == "" {
			return "", errors.New(`"_id" is empty`)
		}
		return s, nil
	}
	var num json.Number
	if err := json.Unmarshal(raw, &num); err == nil {
		return num.String(), nil
	}
	return "", fmt.Errorf(`"_id" must be a string or a number, not %s`, raw)
}

// ReadQrelsFile reads relevance judgments from a qrels file.
func ReadQrelsFile(path string) (Qrels, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read qrels: %w", err)
	}
	defer f.Close()
	return ReadQrels(path, f)
}

// ReadQrels reads relevance judgments in BEIR's TSV format
// (query-id<TAB>corpus-id<TAB>score, with a header line) or in TREC's
// format (query-id 0 doc-id score, whitespace-separated, no header). The
// score is an integer grade; graded relevance is allowed. Empty lines are
// skipped; a second judgment of the same pair must agree with the first.
// name is the file name used in errors.
func ReadQrels(name string, r io.Reader) (Qrels, error) {
	out := Qrels{}
	first := true
	where := map[[2]string]int{}
	err := eachLine(name, r, func(n int, line []byte) error {
		s := strings.TrimRight(string(line), "\r")
		if strings.TrimSpace(s) == "" {
			return nil
		}
		isFirst := first
		first = false
		var q, d, score string
		if f := strings.Split(s, "\t"); len(f) == 3 {
			q, d, score = strings.TrimSpace(f[0]), strings.TrimSpace(f[1]), strings.TrimSpace(f[2])
		} else if f := strings.Fields(s); len(f) == 4 {
			q, d, score = f[0], f[2], f[3]
		} else {
			return lineError(name, n, "want query-id<TAB>corpus-id<TAB>score (or TREC's query-id 0 doc-id score), got %d tab-separated fields", len(strings.Split(s, "\t")))
		}
		g, err := strconv.Atoi(score)
		if err != nil {
			if isFirst {
				// BEIR's header line: query-id, corpus-id, score.
				if !strings.EqualFold(q, "query-id") || !strings.EqualFold(d, "corpus-id") {
					return lineError(name, n, "header must be query-id<TAB>corpus-id<TAB>score, got %q", s)
				}
				return nil
			}
			return lineError(name, n, "score %q is not an integer", score)
		}
		if q == "" || d == "" {
			return lineError(name, n, "empty query or document id")
		}
		key := [2]string{q, d}
		if prev, ok := where[key]; ok {
			if out[q][d] != g {
				return lineError(name, n, "query %q, document %q judged %d here but %d on line %d", q, d, g, out[q][d], prev)
			}
			return nil
		}
		where[key] = n
		if out[q] == nil {
			out[q] = map[string]int{}
		}
		out[q][d] = g
		return nil
	})
	return out, err
}

// eachLine calls fn with each line of r (without the newline) and its
// number, from 1.
func eachLine(name string, r io.Reader, fn func(n int, line []byte) error) error {
	br := bufio.NewReader(r)
	for n := 1; ; n++ {
		line, err := br.ReadBytes('\n')
		if len(line) > 0 {
			if ferr := fn(n, bytes.TrimSuffix(line, []byte("\n"))); ferr != nil {
				return ferr
			}
		}
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("%s:%d: %w", name, n, err)
		}
	}
}

// NDCG returns nDCG@k of a ranking (document ids, best first) under the
// judgments of one query: grades as gains, log2(rank+1) discount, ideal DCG
// from all judged documents. It is 0 when no judged document has grade > 0.
func NDCG(ranking []string, judged map[string]int, k int) float64 {
	var dcg float64
	for i, d := range ranking[:min(k, len(ranking))] {
		if g := judged[d]; g > 0 {
			dcg += float64(g) / math.Log2(float64(i+2))
		}
	}
	grades := make([]int, 0, len(judged))
	for _, g := range judged {
		if g > 0 {
			grades = append(grades, g)
		}
	}
	sort.Sort(sort.Reverse(sort.IntSlice(grades)))
	var ideal float64
	for i, g := range grades[:min(k, len(grades))] {
		ideal += float64(g) / math.Log2(float64(i+2))
	}
	if ideal == 0 {
		return 0
	}
	return dcg / ideal
}

// FirstRelevant returns the 1-based rank of the first document with grade
// > 0, or 0 when there is none in the ranking.
func FirstRelevant(ranking []string, judged map[string]int) int {
	for i, d := range ranking {
		if judged[d] > 0 {
			return i + 1
		}
	}
	return 0
}

// RR returns the reciprocal rank of the first relevant document within the
// top k, or 0.
func RR(ranking []string, judged map[string]int, k int) float64 {
	r := FirstRelevant(ranking[:min(k, len(ranking))], judged)
	if r == 0 {
		return 0
	}
	return 1 / float64(r)
}

// Recall returns the share of the relevant documents (grade > 0) found in
// the top k, or 0 when the query has none.
func Recall(ranking []string, judged map[string]int, k int) float64 {
	rel := relevantCount(judged)
	if rel == 0 {
		return 0
	}
	found := 0
	for _, d := range ranking[:min(k, len(ranking))] {
		if judged[d] > 0 {
			found++
		}
	}
	return float64(found) / float64(rel)
}

// Searcher runs a search; *indexer.KB and *search.Index are Searchers.
type Searcher interface {
	Search(ctx context.Context, r search.Request) (*search.Result, error)
}

// Options configure Run.
type Options struct {
	// K is the cut-off of nDCG and MRR; 0 means 10.
	K int
	// Workers is the number of queries run at once; 0 means GOMAXPROCS.
	Workers int
	// Tuning is passed to every search (search.Request.Tuning); nil for
	// the defaults.
	Tuning *search.Tuning
}

// Row is the evaluation of one query.
type Row struct {
	ID   string `json:"id"`
	Text string `json:"text"`
	Kind string `json:"kind,omitempty"`
	// NDCG is nDCG@K, RR the reciprocal rank within the top K, Recall is
	// recall@100.
	NDCG   float64 `json:"ndcg"`
	RR     float64 `json:"rr"`
	Recall float64 `json:"recall"`
	// FirstRelevant is the rank of the first relevant hit within the top
	// max(K, 100), 0 when none was retrieved.
	FirstRelevant int `json:"first_relevant"`
	Relevant      int `json:"relevant"`  // judged relevant documents
	Retrieved     int `json:"retrieved"` // hits ranked (up to max(K, 100))
	// Ranking holds the ranked document ids (not in JSON output).
	Ranking []string `json:"-"`
	// Error is why the search rejected the query (a
	// search.InvalidRequestError); the query then scores 0.
	Error string `json:"error,omitempty"`
}

// Means are the averages of the per-query measures.
type Means struct {
	Queries int     `json:"queries"`
	NDCG    float64 `json:"ndcg"`
	MRR     float64 `json:"mrr"`
	Recall  float64 `json:"recall"`
}

// Report is the result of Run.
type Report struct {
	K    int   `json:"k"`
	Rows []Row `json:"rows"` // in the order of the queries
	Means
	// Unjudged counts queries without any judgment; NoRelevant those whose
	// judgments are all ≤ 0. Neither is evaluated.
	Unjudged   int `json:"unjudged"`
	NoRelevant int `json:"no_relevant"`
	// Missing lists query ids that have judgments but are not among the
	// queries, so could not be run (sorted).
	Missing []string `json:"missing,omitempty"`
	// Rejected counts the evaluated queries the search rejected as
	// invalid requests; their rows carry the error and score 0.
	Rejected int `json:"rejected"`
}

// Mean averages rows.
func Mean(rows []Row) Means {
	m := Means{Queries: len(rows)}
	if len(rows) == 0 {
		return m
	}
	for _, r := range rows {
		m.NDCG += r.NDCG
		m.MRR += r.RR
		m.Recall += r.Recall
	}
	n := float64(len(rows))
	m.NDCG /= n
	m.MRR /= n
	m.Recall /= n
	return m
}

// KindMeans are the means of the rows of one kind.
type KindMeans struct {
	Kind string `json:"kind"`
	Means
}

// ByKind returns the means per query kind, in order of kind; rows without
// a kind are left out. It is empty when no row has a kind.
func (r *Report) ByKind() []KindMeans {
	groups := map[string][]Row{}
	for _, row := range r.Rows {
		if row.Kind != "" {
			groups[row.Kind] = append(groups[row.Kind], row)
		}
	}
	out := make([]KindMeans, 0, len(groups))
	for k, rows := range groups {
		out = append(out, KindMeans{Kind: k, Means: Mean(rows)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Kind < out[j].Kind })
	return out
}

// Run runs every judged query against s and evaluates its ranking. Query
// texts are searched as plain words (search.Request.Plain): quotes,
// parentheses and operators in them are not query syntax. A query
// the search rejects as invalid (search.InvalidRequestError) scores 0 and
// is counted in Report.Rejected; any other error ends the run. Each
// query is searched for the top max(K, 100) hits without facets and
// snippets, in pages of at most search.MaxSize hits. A hit whose id is the
// query's own id is removed from the ranking (as Anserini's -removeQuery
// does for BEIR), and the ranking is filled up from the next page.
func Run(ctx context.Context, s Searcher, queries []Query, qrels Qrels, opts Options) (*Report, error) {
	k := opts.K
	if k == 0 {
		k = 10
	}
	if k < 1 {
		return nil, fmt.Errorf("k must be 1 or more, not %d", k)
	}
	depth := max(k, RecallDepth)
	rep := &Report{K: k}
	asked := map[string]bool{}
	var todo []Query
	for _, q := range queries {
		asked[q.ID] = true
		switch {
		case len(qrels[q.ID]) == 0:
			rep.Unjudged++
		case qrels.Relevant(q.ID) == 0:
			rep.NoRelevant++
		default:
			todo = append(todo, q)
		}
	}
	for id := range qrels {
		if !asked[id] && qrels.Relevant(id) > 0 {
			rep.Missing = append(rep.Missing, id)
		}
	}
	slices.Sort(rep.Missing)

	rows := make([]Row, len(todo))
	workers := opts.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		firstErr error
	)
	next := make(chan int)
	for range min(workers, max(len(todo), 1)) {
		wg.Go(func() {
			for i := range next {
				row, err := runOne(ctx, s, todo[i], qrels[todo[i].ID], k, depth, opts.Tuning)
				if err != nil {
					mu.Lock()
					if firstErr == nil {
						firstErr = err
						cancel()
					}
					mu.Unlock()
					continue
				}
				rows[i] = row
			}
		})
	}
feed:
	for i := range todo {
		select {
		case next <- i:
		case <-ctx.Done():
			break feed
		}
	}
	close(next)
	wg.Wait()
	if firstErr != nil {
		return nil, firstErr
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	rep.Rows = rows
	rep.Means = Mean(rows)
	for _, r := range rows {
		if r.Error != "" {
			rep.Rejected++
		}
	}
	return rep, nil
}

func runOne(ctx context.Context, s Searcher, q Query, judged map[string]int, k, depth int, t *search.Tuning) (Row, error) {
	ranking, err := rank(ctx, s, q, depth, t)
	var invalid *search.InvalidRequestError
	if errors.As(err, &invalid) {
		// What a user typing this query gets: an error, no results.
		return Row{ID: q.ID, Text: q.Text, Kind: q.Kind, Relevant: relevantCount(judged), Error: err.Error()}, nil
	}
	if err != nil {
		return Row{}, fmt.Errorf("query %q: %w", q.ID, err)
	}
	return Row{
		ID:            q.ID,
		Text:          q.Text,
		Kind:          q.Kind,
		NDCG:          NDCG(ranking, judged, k),
		RR:            RR(ranking, judged, k),
		Recall:        Recall(ranking, judged, RecallDepth),
		FirstRelevant: FirstRelevant(ranking, judged),
		Relevant:      relevantCount(judged),
		Retrieved:     len(ranking),
		Ranking:       ranking,
	}, nil
}

// rank returns the ids of the top depth hits for q, without q's own id. It
// asks for pages of at most search.MaxSize hits, and for another page only
// when q's own id took a place or depth is beyond the first page.
func rank(ctx context.Context, s Searcher, q Query, depth int, t *search.Tuning) ([]string, error) {
	size := min(depth, search.MaxSize)
	ranking := make([]string, 0, depth)
	for page := 1; len(ranking) < depth; page++ {
		res, err := s.Search(ctx, search.Request{Query: q.Text, Plain: true, Page: page, Size: size, NoFacets: true, NoSnippets: true, Tuning: t})
		if err != nil {
			return nil, err
		}
		for _, h := range res.Hits {
			if h.ID != q.ID {
				ranking = append(ranking, h.ID)
			}
		}
		if len(res.Hits) < size {
			break
		}
	}
	return ranking[:min(depth, len(ranking))], nil
}

// relevantCount returns the number of judged documents with grade > 0.
func relevantCount(judged map[string]int) int {
	n := 0
	for _, g := range judged {
		if g > 0 {
			n++
		}
	}
	return n
}
