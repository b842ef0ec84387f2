package eval_test

import (
	"context"
	"testing"

	"github.com/fundus-kb/fundus/search/eval"
)

// compoundFloor is the share of (head, document) pairs the compound check
// must find: just under what is measured (see BENCHMARKS.md, "Compounds").
const compoundFloor = 0.92

// TestCompoundHeads checks that a head noun finds the German documents of
// text we did not write (xquad-dev paragraphs, Readability pages) that
// hold it only inside compounds.
func TestCompoundHeads(t *testing.T) {
	b := buildShared(t, eval.Compounds, eval.BuildOptions{NoPlain: true})
	res, err := eval.CompoundCheck(context.Background(), b, 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d heads, %d pairs, %d found (%.1f%%)", res.Heads, len(res.Pairs), res.Found, 100*res.Share())
	for _, p := range res.Pairs {
		if !p.Found {
			t.Logf("  missed %-16s in %-28s %v", p.Head, p.Doc, p.Compounds)
		}
	}
	if len(res.Pairs) < 50 {
		t.Errorf("only %d pairs: the check needs more to say anything", len(res.Pairs))
	}
	if res.Share() < compoundFloor {
		t.Errorf("found %.1f%% of the pairs, below the floor %.1f%%", 100*res.Share(), 100*compoundFloor)
	}
}
