package eval

import (
	"context"
	"fmt"
	"os"
	"testing"

	"github.com/fundus-kb/fundus/search"
)

// TestAnswerWeightGrid prints the answers measure of xquad-dev (de, en,
// mixed) for a grid of passage weights: the table behind
// defaults (BENCHMARKS.md). It takes minutes, so it runs
// only when asked: FUNDUS_ANSWER_GRID=1 go test ./search/eval -run
// TestAnswerWeightGrid -v.
func TestAnswerWeightGrid(t *testing.T) {
	if os.Getenv("FUNDUS_ANSWER_GRID") == "" {
		t.Skip("a tuning run of minutes: set FUNDUS_ANSWER_GRID=1 (all), =kind (the answer-kind weights), =fill, =about, =weights (the other weights, one at a time), =partial (partial sentences off), =start (long sentences cut around their matches, not from their start), =german (the extra document weight of German passages), =focus (the which-noun weight) or =defaults")
	}
	ctx := context.Background()
	p := Paths{Repo: "../..", Shared: "../../../shared"}
	var builts []*Built
	for _, name := range []string{XQuADDe, XQuADEn, XQuADMixed} {
		c, err := LoadCollection(p, name)
		if err != nil {
			t.Fatalf("%v (the grid needs ../shared/eval/xquad-dev)", err)
		}
		b, err := Build(ctx, c, t.TempDir(), BuildOptions{NoPlain: true})
		if err != nil {
			t.Fatal(err)
		}
		defer b.Close()
		builts = append(builts, b)
	}
	defaults := search.DefaultTuning().Answers
	grid := []search.AnswerWeights{defaults}
	mode := os.Getenv("FUNDUS_ANSWER_GRID")
	for _, win := range []bool{true, false} {
		for _, d := range []float64{0.2, 0.35, 0.6} {
			for _, pr := range []float64{0.05, 0.15} {
				if mode != "fill" {
					break
				}
				w := defaults
				w.Window, w.Document, w.Proximity = win, d, pr
				grid = append(grid, w)
			}
		}
	}
	// vary adds the defaults with one weight, set by set, at each of vals.
	vary := func(vals []float64, set func(w *search.AnswerWeights, v float64)) {
		for _, v := range vals {
			w := defaults
			set(&w, v)
			grid = append(grid, w)
		}
	}
	if mode == "about" {
		vary([]float64{0, 0.1, 0.5}, func(w *search.AnswerWeights, v float64) { w.About = v })
	}
	if mode == "focus" {
		vary([]float64{0, 0.05, 0.2}, func(w *search.AnswerWeights, v float64) { w.Focus = v })
	}
	if mode == "partial" {
		w := defaults
		w.Partial = false
		grid = append(grid, w)
	}
	if mode == "german" {
		vary([]float64{0, 0.1, 0.25, 0.35, 0.5, 0.65, 1.15}, func(w *search.AnswerWeights, v float64) { w.GermanDocument = v })
	}
	if mode == "start" {
		w := defaults
		w.Start = false
		grid = append(grid, w)
	}
	if mode == "weights" {
		vary([]float64{0.15, 0.6}, func(w *search.AnswerWeights, v float64) { w.Expanded = v })
		vary([]float64{0.1, 0.25}, func(w *search.AnswerWeights, v float64) { w.Proximity = v })
		vary([]float64{0, 0.15}, func(w *search.AnswerWeights, v float64) { w.Length = v })
		vary([]float64{0.5}, func(w *search.AnswerWeights, v float64) { w.Document = v })
	}
	if mode != "defaults" && mode != "fill" && mode != "about" && mode != "weights" && mode != "partial" && mode != "focus" && mode != "start" && mode != "german" {
		vary([]float64{0, 0.1, 0.2, 0.4}, func(w *search.AnswerWeights, v float64) { w.Kind = v })
		vary([]float64{0, 0.5, 1}, func(w *search.AnswerWeights, v float64) { w.Variant = v })
	}
	for _, win := range []bool{false, true} {
		if mode == "defaults" || mode == "kind" || mode == "fill" || mode == "about" || mode == "weights" || mode == "partial" || mode == "focus" || mode == "start" || mode == "german" {
			break
		}
		for _, pr := range []float64{0, 0.15, 0.4} {
			for _, d := range []float64{0.35, 1, 3} {
				grid = append(grid, search.AnswerWeights{Expanded: 0.3, Proximity: pr, Document: d, Length: 0.05, Window: win, Kind: defaults.Kind, Variant: defaults.Variant})
			}
		}
	}
	for _, w := range grid {
		line := fmt.Sprintf("%+v", w)
		for _, b := range builts {
			tune := search.DefaultTuning()
			tune.Answers = w
			r, err := b.RunAnswers(ctx, &tune)
			if err != nil {
				t.Fatal(err)
			}
			line += fmt.Sprintf("  %s %.3f/%.3f", b.Name, r.First, r.InTop3)
		}
		t.Log(line)
	}
}
