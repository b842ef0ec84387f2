package eval

import (
	"context"
	"fmt"
	"os"
	"testing"

	bsearch "github.com/blevesearch/bleve/v2/search"
)

// TestBM25Grid prints nDCG@10 of xquad-dev (de, en, mixed) and SciFact,
// and the answers measure of xquad-dev, for a grid of BM25 k1 and b: the
// table of the BM25 experiment in BENCHMARKS.md ("Ranking experiments").
// Bleve keeps k1 and b in package variables (search.BM25_k1, BM25_b), so
// this test sets them for the whole process and restores them; Fundus
// does not, which is why the experiment stays here. It takes minutes:
// FUNDUS_BM25_GRID=1 go test ./search/eval -run TestBM25Grid -v.
func TestBM25Grid(t *testing.T) {
	if os.Getenv("FUNDUS_BM25_GRID") == "" {
		t.Skip("a tuning run of minutes: set FUNDUS_BM25_GRID=1")
	}
	ctx := context.Background()
	p := Paths{Repo: "../..", Shared: "../../../shared"}
	var builts []*Built
	for _, name := range []string{XQuADDe, XQuADEn, XQuADMixed, SciFact} {
		c, err := LoadCollection(p, name)
		if err != nil {
			t.Fatalf("%v (the grid needs ../shared/eval)", err)
		}
		b, err := Build(ctx, c, t.TempDir(), BuildOptions{NoPlain: true})
		if err != nil {
			t.Fatal(err)
		}
		defer b.Close()
		builts = append(builts, b)
	}
	k1, b := bsearch.BM25_k1, bsearch.BM25_b
	defer func() { bsearch.BM25_k1, bsearch.BM25_b = k1, b }()
	for _, kb := range [][2]float64{{k1, b}, {0.9, 0.4}, {1.2, 0.5}, {1.2, 0.3}, {0.7, 0.3}, {0.9, 0.2}, {1.2, 0.9}, {2.0, 0.75}} {
		bsearch.BM25_k1, bsearch.BM25_b = kb[0], kb[1]
		for _, bt := range builts {
			rep, err := bt.Run(ctx, nil)
			if err != nil {
				t.Fatal(err)
			}
			line := ""
			if bt.Name != SciFact {
				a, err := bt.RunAnswers(ctx, nil)
				if err != nil {
					t.Fatal(err)
				}
				line = fmt.Sprintf(" answers %.3f", a.First)
			}
			t.Logf("k1 %.2f b %.2f  %-11s nDCG@10 %.4f%s", kb[0], kb[1], bt.Name, Mean(rep.Rows).NDCG, line)
		}
	}
}
