package eval

import (
	"context"
	"errors"
	"fmt"
	"math"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/fundus-kb/fundus/search"
)

func near(a, b float64) bool { return math.Abs(a-b) < 1e-9 }

func TestNDCGBinary(t *testing.T) {
	// Relevant: b (rank 2), d (rank 4) and e (not retrieved).
	// DCG  = 1/log2(3) + 1/log2(5)          = 0.6309298 + 0.4306766 = 1.0616063
	// IDCG = 1 + 1/log2(3) + 1/log2(4)      = 1 + 0.6309298 + 0.5   = 2.1309298
	// nDCG = 1.0616063 / 2.1309298          = 0.4981893
	ranking := []string{"a", "b", "c", "d"}
	judged := map[string]int{"b": 1, "d": 1, "e": 1}
	want := (1/math.Log2(3) + 1/math.Log2(5)) / (1 + 1/math.Log2(3) + 0.5)
	if got := NDCG(ranking, judged, 10); !near(got, want) || math.Abs(got-0.4981893) > 1e-7 {
		t.Errorf("nDCG@10 = %.7f, want %.7f", got, want)
	}
	if got := RR(ranking, judged, 10); !near(got, 0.5) {
		t.Errorf("RR = %v, want 0.5", got)
	}
	if got := RR(ranking, judged, 1); got != 0 {
		t.Errorf("RR@1 = %v, want 0", got)
	}
	if got := Recall(ranking, judged, 100); !near(got, 2.0/3) {
		t.Errorf("recall = %v, want 2/3", got)
	}
	if got := Recall(ranking, judged, 2); !near(got, 1.0/3) {
		t.Errorf("recall@2 = %v, want 1/3", got)
	}
	if got := FirstRelevant(ranking, judged); got != 2 {
		t.Errorf("first relevant = %d, want 2", got)
	}
}

// TestNDCGGradedTrecEval checks a graded case by the trec_eval definition
// (ndcg_cut: gain = grade, discount log2(rank+1), ideal ranking of every
// judged document), computed by hand:
//
//	ranking d1 d2 d3 d4 d5; grades d1=2 d2=0 d3=1 d5=2, and d9=1 unretrieved
//	DCG@5  = 2/log2(2) + 0 + 1/log2(4) + 0 + 2/log2(6) = 2 + 0.5 + 0.7737056 = 3.2737056
//	IDCG@5 = 2/log2(2) + 2/log2(3) + 1/log2(4) + 1/log2(5)
//	       = 2 + 1.2618595 + 0.5 + 0.4306766                      = 4.1925361
//	ndcg_cut_5  = 0.7808
//	ndcg_cut_2  = 2 / (2 + 1.2618595)                              = 0.6131
//	ndcg_cut_1  = 2 / 2                                            = 1.0000
func TestNDCGGradedTrecEval(t *testing.T) {
	ranking := []string{"d1", "d2", "d3", "d4", "d5"}
	judged := map[string]int{"d1": 2, "d2": 0, "d3": 1, "d5": 2, "d9": 1}
	for _, tt := range []struct {
		k    int
		want float64
	}{{5, 0.7808}, {10, 0.7808}, {2, 0.6131}, {1, 1}} {
		if got := NDCG(ranking, judged, tt.k); math.Abs(got-tt.want) > 5e-5 {
			t.Errorf("nDCG@%d = %.6f, want %.4f", tt.k, got, tt.want)
		}
	}
	// A non-relevant document at rank 1 and the first relevant at rank 3.
	if got := RR([]string{"d2", "d4", "d3"}, judged, 10); !near(got, 1.0/3) {
		t.Errorf("RR = %v, want 1/3", got)
	}
	if got := Recall(ranking, judged, 100); !near(got, 3.0/4) {
		t.Errorf("recall = %v, want 3/4 (d2 has grade 0 and is not relevant)", got)
	}
}

func TestMetricEdges(t *testing.T) {
	judged := map[string]int{"a": 1}
	if got := NDCG(nil, judged, 10); got != 0 {
		t.Errorf("nDCG of no ranking = %v", got)
	}
	if got := NDCG([]string{"a"}, map[string]int{"a": 0}, 10); got != 0 {
		t.Errorf("nDCG without relevant documents = %v", got)
	}
	if got := NDCG([]string{"x", "a"}, judged, 1); got != 0 {
		t.Errorf("nDCG@1 with the relevant document at rank 2 = %v", got)
	}
	if got := NDCG([]string{"a", "x"}, judged, 10); got != 1 {
		t.Errorf("perfect ranking nDCG = %v", got)
	}
	if got := Recall([]string{"a"}, nil, 100); got != 0 {
		t.Errorf("recall without judgments = %v", got)
	}
	if got := FirstRelevant([]string{"x"}, judged); got != 0 {
		t.Errorf("first relevant = %d", got)
	}
}

func TestReadQueries(t *testing.T) {
	in := `{"_id": "q1", "text": "Innovationskultur", "kind": "keyword", "note": "ignored"}

{"_id": 42, "text": " Ökosysteme ", "metadata": {}}
{"text": "x", "_id": "q3"}
`
	got, err := ReadQueries("q.jsonl", strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	want := []Query{{ID: "q1", Text: "Innovationskultur", Kind: "keyword"}, {ID: "42", Text: "Ökosysteme"}, {ID: "q3", Text: "x"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v, want %+v", got, want)
	}
}

func TestReadQueriesErrors(t *testing.T) {
	for _, tt := range []struct {
		name, in, want string
	}{
		{"not json", "{\"_id\":\"a\",\"text\":\"t\"}\nnot json\n", "q.jsonl:2: not a JSON object"},
		{"no id", "\n\n{\"text\":\"t\"}", `q.jsonl:3: record has no "_id"`},
		{"bad id", `{"_id":[1],"text":"t"}`, `q.jsonl:1: "_id" must be a string or a number`},
		{"no text", `{"_id":"a"}`, `q.jsonl:1: query "a" has no "text"`},
		{"empty text", `{"_id":"a","text":"  "}`, `q.jsonl:1: query "a" has an empty "text"`},
		{"duplicate", "{\"_id\":\"a\",\"text\":\"t\"}\n{\"_id\":\"a\",\"text\":\"u\"}\n", `q.jsonl:2: duplicate query id "a" (first on line 1)`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ReadQueries("q.jsonl", strings.NewReader(tt.in))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error = %v, want it to contain %q", err, tt.want)
			}
		})
	}
}

func TestReadQrels(t *testing.T) {
	beir := "query-id\tcorpus-id\tscore\n1\tdoc-a\t1\n1\tdoc-b\t2\n\n2\tdoc-a\t0\r\n1\tdoc-a\t1\n"
	got, err := ReadQrels("test.tsv", strings.NewReader(beir))
	if err != nil {
		t.Fatal(err)
	}
	want := Qrels{"1": {"doc-a": 1, "doc-b": 2}, "2": {"doc-a": 0}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
	if got.Relevant("1") != 2 || got.Relevant("2") != 0 || got.Relevant("3") != 0 {
		t.Errorf("relevant counts wrong: %v", got)
	}

	trec := "1 0 doc-a 1\n1 0 doc-b 2\n"
	got, err = ReadQrels("test.txt", strings.NewReader(trec))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, Qrels{"1": {"doc-a": 1, "doc-b": 2}}) {
		t.Errorf("TREC format: got %v", got)
	}

	// No header is fine too.
	got, err = ReadQrels("test.tsv", strings.NewReader("1\tdoc-a\t1\n"))
	if err != nil || got["1"]["doc-a"] != 1 {
		t.Errorf("got %v, %v", got, err)
	}
}

func TestReadQrelsErrors(t *testing.T) {
	for _, tt := range []struct {
		name, in, want string
	}{
		{"bad score", "query-id\tcorpus-id\tscore\n1\td\t1\n1\te\thigh\n", `test.tsv:3: score "high" is not an integer`},
		{"two fields", "query-id\tcorpus-id\tscore\n1\td\n", "test.tsv:2: want query-id<TAB>corpus-id<TAB>score"},
		{"bad header", "qid\tdid\trel\n", "test.tsv:1: header must be"},
		{"empty id", "1\t\t1\n", "test.tsv:1: empty query or document id"},
		{"conflict", "1\td\t1\n1\td\t2\n", `test.tsv:2: query "1", document "d" judged 2 here but 1 on line 1`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ReadQrels("test.tsv", strings.NewReader(tt.in))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error = %v, want it to contain %q", err, tt.want)
			}
		})
	}
}

func TestReadFilesNameThePath(t *testing.T) {
	if _, err := ReadQueriesFile("testdata/nope.jsonl"); err == nil || !strings.Contains(err.Error(), "nope.jsonl") {
		t.Errorf("error = %v", err)
	}
	if _, err := ReadQrelsFile("testdata/nope.tsv"); err == nil || !strings.Contains(err.Error(), "nope.tsv") {
		t.Errorf("error = %v", err)
	}
}

// fakeSearcher answers every query with a fixed ranking per query text and
// records the requests.
type fakeSearcher struct {
	rankings map[string][]string
	fail     string
	reqs     chan search.Request
}

func (f *fakeSearcher) Search(_ context.Context, r search.Request) (*search.Result, error) {
	if f.reqs != nil {
		f.reqs <- r
	}
	if r.Query == f.fail {
		return nil, errors.New("boom")
	}
	if r.Query == "(" {
		return nil, &search.InvalidRequestError{Param: "q", Reason: "syntax error"}
	}
	res := &search.Result{}
	page := max(r.Page, 1)
	all := f.rankings[r.Query]
	from := min((page-1)*r.Size, len(all))
	for _, id := range all[from:min(from+r.Size, len(all))] {
		res.Hits = append(res.Hits, search.Hit{ID: id})
	}
	res.Total = uint64(len(res.Hits))
	return res, nil
}

func TestRun(t *testing.T) {
	s := &fakeSearcher{
		rankings: map[string][]string{
			// q1's own id is ranked first and must be removed.
			"one":   {"q1", "a", "b"},
			"two":   {"x", "y", "c"},
			"three": {"z"},
		},
		reqs: make(chan search.Request, 10),
	}
	queries := []Query{
		{ID: "q1", Text: "one", Kind: "keyword"},
		{ID: "q2", Text: "two", Kind: "typo"},
		{ID: "q3", Text: "three", Kind: "typo"},
		{ID: "q4", Text: "unjudged"},
		{ID: "q5", Text: "all zero"},
	}
	qrels := Qrels{
		"q1":    {"a": 1},
		"q2":    {"c": 2, "d": 1},
		"q3":    {"c": 1},
		"q5":    {"a": 0},
		"extra": {"a": 1},
	}
	rep, err := Run(context.Background(), s, queries, qrels, Options{K: 2, Workers: 2})
	if err != nil {
		t.Fatal(err)
	}
	close(s.reqs)
	for r := range s.reqs {
		if r.Size != 100 || r.Page != 1 || !r.Plain || !r.NoFacets || !r.NoSnippets {
			t.Errorf("request %+v, want page 1 of 100 hits, plain, without facets and snippets", r)
		}
	}
	if rep.Queries != 3 || rep.Unjudged != 1 || rep.NoRelevant != 1 || !reflect.DeepEqual(rep.Missing, []string{"extra"}) {
		t.Fatalf("report counts: %+v", rep)
	}
	r1, r2, r3 := rep.Rows[0], rep.Rows[1], rep.Rows[2]
	if r1.ID != "q1" || r1.NDCG != 1 || r1.RR != 1 || r1.FirstRelevant != 1 || !reflect.DeepEqual(r1.Ranking, []string{"a", "b"}) {
		t.Errorf("q1 row = %+v (its own id must not be ranked)", r1)
	}
	// q2: c at rank 3 is outside k=2, but counts for recall@100.
	if r2.NDCG != 0 || r2.RR != 0 || !near(r2.Recall, 0.5) || r2.FirstRelevant != 3 || r2.Relevant != 2 {
		t.Errorf("q2 row = %+v", r2)
	}
	if r3.NDCG != 0 || r3.Recall != 0 || r3.FirstRelevant != 0 || r3.Retrieved != 1 {
		t.Errorf("q3 row = %+v", r3)
	}
	if !near(rep.NDCG, 1.0/3) || !near(rep.MRR, 1.0/3) || !near(rep.Recall, 0.5) {
		t.Errorf("means = %+v", rep.Means)
	}
	kinds := rep.ByKind()
	if len(kinds) != 2 || kinds[0].Kind != "keyword" || kinds[1].Kind != "typo" || kinds[1].Queries != 2 || !near(kinds[1].Recall, 0.25) {
		t.Errorf("by kind = %+v", kinds)
	}
}

func TestRunFillsUpFromTheNextPage(t *testing.T) {
	var docs []string
	for i := range 150 {
		docs = append(docs, fmt.Sprintf("d%03d", i))
	}
	// The query's own id at rank 3 takes a place on the first page.
	ranking := append(slices.Clone(docs[:2]), append([]string{"self"}, docs[2:]...)...)
	s := &fakeSearcher{rankings: map[string][]string{"q": ranking, "short": docs[:5]}, reqs: make(chan search.Request, 10)}
	qrels := Qrels{"self": {"d099": 1}, "short": {"d004": 1}}
	rep, err := Run(context.Background(), s, []Query{{ID: "self", Text: "q"}, {ID: "short", Text: "short"}}, qrels, Options{Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	close(s.reqs)
	var pages []int
	for r := range s.reqs {
		pages = append(pages, r.Page)
	}
	if !reflect.DeepEqual(pages, []int{1, 2, 1}) {
		t.Errorf("pages asked = %v, want 1 and 2 for the first query, 1 for the second", pages)
	}
	r := rep.Rows[0]
	if len(r.Ranking) != 100 || r.Ranking[2] != "d002" || r.Ranking[99] != "d099" || r.Recall != 1 || r.FirstRelevant != 100 {
		t.Errorf("ranking has %d ids (%v … %v), recall %v, first relevant %d; want d000…d099 without self",
			len(r.Ranking), r.Ranking[:3], r.Ranking[len(r.Ranking)-1], r.Recall, r.FirstRelevant)
	}
	if rep.Rows[1].Retrieved != 5 || rep.Rows[1].FirstRelevant != 5 {
		t.Errorf("short row = %+v", rep.Rows[1])
	}
	// k beyond one page: pages of search.MaxSize.
	rep, err = Run(context.Background(), &fakeSearcher{rankings: map[string][]string{"q": docs}}, []Query{{ID: "self", Text: "q"}}, qrels, Options{K: 120})
	if err != nil {
		t.Fatal(err)
	}
	if r := rep.Rows[0]; r.Retrieved != 120 || r.Ranking[119] != "d119" {
		t.Errorf("k=120: %d ids retrieved, want 120", r.Retrieved)
	}
}

func TestRunErrors(t *testing.T) {
	s := &fakeSearcher{fail: "bad"}
	qs := []Query{{ID: "a", Text: "fine"}, {ID: "b", Text: "bad"}}
	qr := Qrels{"a": {"x": 1}, "b": {"x": 1}}
	if _, err := Run(context.Background(), s, qs, qr, Options{}); err == nil || !strings.Contains(err.Error(), `query "b"`) {
		t.Errorf("error = %v, want it to name query b", err)
	}
	if _, err := Run(context.Background(), s, qs, qr, Options{K: -1}); err == nil {
		t.Error("k = -1 accepted")
	}
	// A query the search rejects scores 0 and the run goes on.
	rep, err := Run(context.Background(), s, []Query{{ID: "a", Text: "("}, {ID: "c", Text: "fine"}}, Qrels{"a": {"x": 1}, "c": {"x": 1}}, Options{})
	if err != nil || rep.Rejected != 1 || rep.Queries != 2 || !strings.Contains(rep.Rows[0].Error, "syntax error") || rep.Rows[0].Relevant != 1 {
		t.Errorf("rejected query: %+v, %v", rep, err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Run(ctx, &fakeSearcher{}, qs[:1], qr, Options{}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled run: error = %v", err)
	}
}
