package eval

import (
	"context"
	"fmt"
	"os"
	"testing"

	"github.com/fundus-kb/fundus/search"
)

func TestZZDiag(t *testing.T) {
	if os.Getenv("ZZ") == "" {
		t.Skip("diag")
	}
	ctx := search.WithMembers(context.Background())
	p := Paths{Repo: "../..", Shared: "../../../shared"}
	name := XQuADDe
	if os.Getenv("ZZ") == "en" {
		name = XQuADEn
	}
	c, err := LoadCollection(p, name)
	if err != nil {
		t.Fatal(err)
	}
	b, err := Build(ctx, c, t.TempDir(), BuildOptions{NoPlain: true})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	f, _ := os.Create("/tmp/diag-" + os.Getenv("ZZ") + ".txt")
	defer f.Close()
	for _, q := range b.Queries {
		if len(q.Answers) == 0 {
			continue
		}
		res, err := b.kb.Answers(ctx, search.Request{Query: q.Text, Plain: true}, 3, nil)
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Answers) > 0 && HoldsAnswer(res.Answers[0].Passage, q.Answers) {
			continue
		}
		fmt.Fprintf(f, "Q %s: %s  GOLD: %q  REL: %v\n", q.ID, q.Text, q.Answers, b.Qrels[q.ID])
		for i, a := range res.Answers {
			fmt.Fprintf(f, "  %d %.3f %s: %s\n", i+1, a.Score, a.ID, a.Passage)
		}
	}
}
