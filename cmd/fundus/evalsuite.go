package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/fundus-kb/fundus/search"
	"github.com/fundus-kb/fundus/search/eval"
)

// suiteOptions configure runSuite.
type suiteOptions struct {
	paths       eval.Paths
	collections []string
	tuning      *search.Tuning
	ablate      bool
	work        string // scratch directory; "" for a temporary one
}

// runSuite builds every collection afresh, evaluates Fundus (with the
// tuning, or each ablation) and plain Bleve in the same run, and prints
// one table.
func runSuite(ctx context.Context, w io.Writer, opts suiteOptions) error {
	work := opts.work
	if work == "" {
		dir, err := os.MkdirTemp("", "fundus-eval-")
		if err != nil {
			return fmt.Errorf("eval suite: %w", err)
		}
		defer os.RemoveAll(dir)
		work = dir
	}
	var cols []*eval.Collection
	for _, name := range opts.collections {
		c, err := eval.LoadCollection(opts.paths, name)
		if err != nil {
			return fmt.Errorf("eval suite: collection %s: %w", name, err)
		}
		cols = append(cols, c)
	}
	commit := "unknown"
	if out, err := exec.CommandContext(ctx, "git", "-C", opts.paths.Repo, "describe", "--always", "--dirty").Output(); err == nil {
		commit = strings.TrimSpace(string(out))
	}
	fmt.Fprintf(w, "commit %s, %s, %s, %s\n\n", commit, time.Now().UTC().Format("2006-01-02 15:04 UTC"), runtime.Version(), tuningName(opts))

	var ablations []eval.Ablation
	if opts.ablate {
		ablations = eval.Ablations()
	} else {
		t := search.DefaultTuning()
		if opts.tuning != nil {
			t = *opts.tuning
		}
		ablations = []eval.Ablation{{Name: "tuning", Tuning: t}}
	}
	results := map[string]map[string]*eval.Report{} // ablation → collection
	plain := map[string]*eval.Report{}
	docs := map[string]int{}
	answers := map[string]eval.AnswerReport{}
	for i, c := range cols {
		built := map[bool]*eval.Built{}
		get := func(noGloss bool) (*eval.Built, error) {
			if b := built[noGloss]; b != nil {
				return b, nil
			}
			b, err := eval.Build(ctx, c, fmt.Sprintf("%s/%d-%s-%v", work, i, c.Name, noGloss), eval.BuildOptions{NoGlossary: noGloss, NoPlain: noGloss})
			if err != nil {
				return nil, err
			}
			built[noGloss] = b
			return b, nil
		}
		err := func() error {
			defer func() {
				for _, b := range built {
					b.Close()
				}
			}()
			b, err := get(false)
			if err != nil {
				return err
			}
			docs[c.Name] = b.Docs
			if plain[c.Name], err = b.RunPlain(ctx); err != nil {
				return err
			}
			if answers[c.Name], err = b.RunAnswers(ctx, opts.tuning); err != nil {
				return err
			}
			for _, a := range ablations {
				b, err := get(a.NoGlossary)
				if err != nil {
					return err
				}
				t := a.Tuning
				rep, err := b.Run(ctx, &t)
				if err != nil {
					return err
				}
				if results[a.Name] == nil {
					results[a.Name] = map[string]*eval.Report{}
				}
				results[a.Name][c.Name] = rep
			}
			return nil
		}()
		if err != nil {
			return fmt.Errorf("eval suite: %s: %w", c.Name, err)
		}
	}

	compounds, err := compoundLine(ctx, opts.paths, work, ablations)
	if err != nil {
		return err
	}

	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	first := ablations[0].Name
	fmt.Fprintln(tw, "collection\tdocs\tqueries\tFundus nDCG@10\tplain Bleve nDCG@10\tΔ\tFundus MRR@10\tFundus recall@100\tplain recall@100\t")
	for _, c := range cols {
		f, p := results[first][c.Name], plain[c.Name]
		name := c.Name
		if c.InSample {
			name += " (in-sample)"
		}
		fmt.Fprintf(tw, "%s\t%d\t%d\t%.4f\t%.4f\t%+.4f\t%.4f\t%.4f\t%.4f\t\n", name, docs[c.Name], f.Queries, f.NDCG, p.NDCG, f.NDCG-p.NDCG, f.MRR, f.Recall, p.Recall)
	}
	tw.Flush()
	fmt.Fprintf(w, "\nanswers (/api/answers: the first passage, at most %d characters, holds a gold answer):\n", search.MaxPassage)
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "collection\tquestions\tfirst passage\tin the first 3\t")
	for _, c := range cols {
		if a := answers[c.Name]; a.Questions > 0 {
			fmt.Fprintf(tw, "%s\t%d\t%.3f\t%.3f\t\n", c.Name, a.Questions, a.First, a.InTop3)
		}
	}
	tw.Flush()
	fmt.Fprintf(w, "\ncompound heads (a head noun finds the German documents of xquad-dev and the Readability pages that hold it only inside compounds; plain Bleve finds none):\n")
	for _, l := range compounds {
		fmt.Fprintln(w, l)
	}
	if !opts.ablate {
		return nil
	}
	fmt.Fprintf(w, "\nnDCG@10 by configuration (Δ to default)\n\n")
	header := "configuration"
	for _, c := range cols {
		header += "\t" + c.Name
	}
	fmt.Fprintln(tw, header+"\t")
	for _, a := range ablations {
		line := a.Name
		for _, c := range cols {
			r := results[a.Name][c.Name]
			if a.Name == first {
				line += fmt.Sprintf("\t%.4f", r.NDCG)
			} else {
				line += fmt.Sprintf("\t%.4f (%+.4f)", r.NDCG, r.NDCG-results[first][c.Name].NDCG)
			}
		}
		fmt.Fprintln(tw, line+"\t")
	}
	line := "plain Bleve"
	for _, c := range cols {
		line += fmt.Sprintf("\t%.4f", plain[c.Name].NDCG)
	}
	fmt.Fprintln(tw, line+"\t")
	return tw.Flush()
}

// compoundLine runs the compound check (eval.CompoundCheck) for each
// configuration and describes its outcome.
func compoundLine(ctx context.Context, paths eval.Paths, work string, ablations []eval.Ablation) ([]string, error) {
	c, err := eval.LoadCollection(paths, eval.Compounds)
	if err != nil {
		return nil, fmt.Errorf("eval suite: compound check: %w", err)
	}
	b, err := eval.Build(ctx, c, work+"/compounds", eval.BuildOptions{NoPlain: true})
	if err != nil {
		return nil, fmt.Errorf("eval suite: compound check: %w", err)
	}
	defer b.Close()
	var out []string
	for _, a := range ablations {
		t := a.Tuning
		res, err := eval.CompoundCheck(ctx, b, 0, &t)
		if err != nil {
			return nil, err
		}
		var missed []string
		for _, p := range res.Pairs {
			if !p.Found {
				missed = append(missed, strings.Join(p.Compounds, "/"))
			}
		}
		out = append(out, fmt.Sprintf("  %s: %d of %d pairs found (%.1f%%), %d heads; missed: %s", a.Name, res.Found, len(res.Pairs), 100*res.Share(), res.Heads, listSome(missed, 12)))
	}
	return out, nil
}

func tuningName(opts suiteOptions) string {
	switch {
	case opts.ablate:
		return "ablation"
	case opts.tuning != nil:
		return "tuning from file"
	}
	return "default tuning"
}

// parseCollections reads --collections: "all" or a comma-separated list.
func parseCollections(s string) ([]string, error) {
	if s == "" || s == "all" {
		return eval.CollectionNames, nil
	}
	var out []string
	for _, n := range strings.Split(s, ",") {
		n = strings.TrimSpace(n)
		ok := false
		for _, k := range eval.CollectionNames {
			ok = ok || k == n
		}
		if !ok {
			return nil, fmt.Errorf("--collections: unknown collection %q (want all or some of %s)", n, strings.Join(eval.CollectionNames, ","))
		}
		out = append(out, n)
	}
	if len(out) == 0 {
		return nil, errors.New("--collections: empty")
	}
	return out, nil
}
