package main

import (
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"text/tabwriter"
	"unicode/utf8"

	"github.com/spf13/cobra"

	"github.com/fundus-kb/fundus/indexer"
	"github.com/fundus-kb/fundus/search"
	"github.com/fundus-kb/fundus/search/eval"
)

func evalCmd(e *env) *cobra.Command {
	var dir, queriesPath, qrelsPath, tuningPath, collections, repo, shared, work string
	var k int
	var asJSON, verbose, suite, ablate bool
	cmd := &cobra.Command{
		Use:   "eval (--queries FILE --qrels FILE [--k 10] [--json] [--verbose] [--data DIR] | --suite [--collections LIST] [--ablate]) [--tuning FILE]",
		Short: "Measure search quality against judged queries: nDCG, MRR, recall",
		Long: `Eval runs test queries against the index in --data and scores the rankings
against relevance judgments, like trec_eval and BEIR: nDCG@k, MRR@k and
recall@100, averaged over the judged queries.

--queries is BEIR JSONL: one {"_id": ..., "text": ...} per line (other fields
are ignored; an optional "kind" groups the results). --qrels is BEIR TSV:
query-id<TAB>corpus-id<TAB>score with a header line; scores are graded (0 is
not relevant). Queries without judgments are skipped. A hit whose id equals the
query's id is left out of the ranking.

With --json the last line of stdout is
{"queries":N,"ndcg@10":x,"mrr@10":y,"recall@100":z} (keys use --k); with
--verbose each query's row comes first (one JSON object per line with --json).

--suite builds every test collection afresh in a temporary directory (our
German set over the demo corpus, xquad-dev German and English, the German
xquad-dev paragraphs among Readability pages, SciFact and the demo corpus,
the same paragraphs among Debian's German fortunes (apt-get install
fortunes-de), and SciFact; --collections picks some), evaluates Fundus and plain Bleve
(BM25, one field, the collection's language analyzer) in the same run and
prints one table. --ablate adds a row per configuration with each feature
off. --tuning FILE is a JSON object overriding search.DefaultTuning's
fields (decompound, synonyms, typos, hyphens, hyphen_apart, foreign_stop_words,
foreign_weight, min_head, compound_boost, parts_boost, synonym_boost,
variant_boost, fuzzy_boost, question_fillers, answers: {expanded, proximity, document, german_document,
length, window, variant, kind, about, fill, partial, focus, start}).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var tuning *search.Tuning
			if tuningPath != "" {
				t, err := search.ReadTuning(tuningPath)
				if err != nil {
					return &usageError{fmt.Errorf("--tuning: %w", err)}
				}
				tuning = &t
			}
			if suite {
				names, err := parseCollections(collections)
				if err != nil {
					return &usageError{err}
				}
				if ablate && tuning != nil {
					return &usageError{errors.New("--ablate and --tuning exclude each other")}
				}
				return runSuite(cmd.Context(), e.stdout, suiteOptions{paths: eval.Paths{Repo: repo, Shared: shared}, collections: names, tuning: tuning, ablate: ablate, work: work})
			}
			if ablate || collections != "" {
				return &usageError{errors.New("--ablate and --collections need --suite")}
			}
			if queriesPath == "" || qrelsPath == "" {
				return &usageError{errors.New("--queries and --qrels are required (or --suite)")}
			}
			if k < 1 {
				return &usageError{errors.New("--k must be 1 or more")}
			}
			queries, err := eval.ReadQueriesFile(queriesPath)
			if err != nil {
				return err
			}
			qrels, err := eval.ReadQrelsFile(qrelsPath)
			if err != nil {
				return err
			}
			ctx := cmd.Context()
			kb, err := openKB(ctx, e, dir)
			if err != nil {
				return err
			}
			defer kb.Close()

			if missing, judged := missingDocs(kb, queries, qrels); missing > 0 {
				fmt.Fprintf(e.stderr, "fundus: warning: %d of %d judged relevant documents are not in %s (wrong --data or corpus?)\n", missing, judged, dir)
			}
			// Evaluation reads the local data directory as its owner:
			// members-only documents are searched too.
			rep, err := eval.Run(search.WithMembers(ctx), kb, queries, qrels, eval.Options{K: k, Tuning: tuning})
			if err != nil {
				return err
			}
			if n := len(rep.Missing); n > 0 {
				fmt.Fprintf(e.stderr, "fundus: warning: %d judged quer%s not in %s, not evaluated: %s\n", n, plural(n, "y is", "ies are"), queriesPath, listSome(rep.Missing, 5))
			}
			if rep.Rejected > 0 {
				var ids []string
				for _, r := range rep.Rows {
					if r.Error != "" {
						ids = append(ids, fmt.Sprintf("%s (%s)", r.ID, r.Error))
					}
				}
				fmt.Fprintf(e.stderr, "fundus: warning: the search rejected %d quer%s, scored 0: %s\n", rep.Rejected, plural(rep.Rejected, "y", "ies"), listSome(ids, 3))
			}
			if rep.Queries == 0 {
				return &exitError{code: 1, msg: fmt.Sprintf("no query in %s has relevant judgments in %s", queriesPath, qrelsPath)}
			}
			if asJSON {
				return printEvalJSON(e.stdout, rep, verbose)
			}
			printEvalText(e.stdout, rep, verbose)
			return nil
		},
	}
	dataFlag(e, cmd, &dir)
	cmd.Flags().StringVar(&queriesPath, "queries", "", "queries file (BEIR JSONL: _id, text)")
	cmd.Flags().StringVar(&qrelsPath, "qrels", "", "relevance judgments (BEIR TSV: query-id, corpus-id, score, with a header)")
	cmd.Flags().IntVar(&k, "k", 10, "rank cut-off of nDCG and MRR")
	cmd.Flags().BoolVar(&asJSON, "json", false, `print {"queries","ndcg@K","mrr@K","recall@100"} as the last line of stdout`)
	cmd.Flags().StringVar(&tuningPath, "tuning", "", "JSON file overriding the ranking features and weights (search.Tuning)")
	cmd.Flags().BoolVar(&suite, "suite", false, "build and evaluate every test collection, Fundus against plain Bleve, in one table")
	cmd.Flags().StringVar(&collections, "collections", "", "with --suite: all, or some of "+strings.Join(eval.CollectionNames, ","))
	cmd.Flags().BoolVar(&ablate, "ablate", false, "with --suite: evaluate each feature switched off as well")
	cmd.Flags().StringVar(&repo, "repo", ".", "with --suite: the repository (testdata/eval)")
	cmd.Flags().StringVar(&shared, "shared", "../shared", "with --suite: the shared data beside the repository (eval/xquad-dev, eval/scifact, eval/readability-pages)")
	cmd.Flags().StringVar(&work, "work", "", "with --suite: scratch directory (default: a temporary one, removed afterwards)")
	cmd.Flags().BoolVar(&verbose, "verbose", false, "print a row per query: nDCG, reciprocal rank, recall, rank of the first relevant hit")
	return cmd
}

// missingDocs counts the judged relevant documents of the given queries
// that the knowledge base does not hold, and all judged relevant ones.
func missingDocs(kb *indexer.KB, queries []eval.Query, qrels eval.Qrels) (missing, judged int) {
	seen := map[string]bool{}
	for _, q := range queries {
		for d, g := range qrels[q.ID] {
			if g <= 0 || seen[d] {
				continue
			}
			seen[d] = true
			judged++
			if _, err := kb.Get(d); errors.Is(err, indexer.ErrNotFound) {
				missing++
			}
		}
	}
	return missing, judged
}

// round4 rounds to four decimals, as trec_eval prints.
func round4(x float64) float64 { return math.Round(x*1e4) / 1e4 }

func num(x float64) string { return strconv.FormatFloat(round4(x), 'f', -1, 64) }

func printEvalJSON(w io.Writer, rep *eval.Report, verbose bool) error {
	if verbose {
		for _, r := range rep.Rows {
			row := map[string]any{
				"id":                          r.ID,
				"text":                        r.Text,
				fmt.Sprintf("ndcg@%d", rep.K): round4(r.NDCG),
				fmt.Sprintf("rr@%d", rep.K):   round4(r.RR),
				"recall@100":                  round4(r.Recall),
				"first_relevant":              r.FirstRelevant,
				"relevant":                    r.Relevant,
			}
			if r.Kind != "" {
				row["kind"] = r.Kind
			}
			if r.Error != "" {
				row["error"] = r.Error
			}
			if err := printJSON(w, row); err != nil {
				return err
			}
		}
	}
	// Built by hand to keep the documented key order.
	_, err := fmt.Fprintf(w, `{"queries":%d,"ndcg@%d":%s,"mrr@%d":%s,"recall@100":%s}`+"\n",
		rep.Queries, rep.K, num(rep.NDCG), rep.K, num(rep.MRR), num(rep.Recall))
	return err
}

func printEvalText(w io.Writer, rep *eval.Report, verbose bool) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	if verbose {
		fmt.Fprintf(tw, "query\tnDCG@%d\tRR@%d\trecall@100\tfirst rel.\ttext\n", rep.K, rep.K)
		for _, r := range rep.Rows {
			first := "–"
			if r.FirstRelevant > 0 {
				first = strconv.Itoa(r.FirstRelevant)
			}
			text := shorten(r.Text, 60)
			if r.Kind != "" {
				text = "[" + r.Kind + "] " + text
			}
			if r.Error != "" {
				text += "  (rejected: " + r.Error + ")"
			}
			fmt.Fprintf(tw, "%s\t%.4f\t%.4f\t%.4f\t%s\t%s\n", r.ID, r.NDCG, r.RR, r.Recall, first, text)
		}
		tw.Flush()
		fmt.Fprintln(w)
	}
	skipped := []string{}
	if rep.Unjudged > 0 {
		skipped = append(skipped, fmt.Sprintf("%d without judgments", rep.Unjudged))
	}
	if rep.NoRelevant > 0 {
		skipped = append(skipped, fmt.Sprintf("%d without relevant documents", rep.NoRelevant))
	}
	fmt.Fprintf(w, "%d queries evaluated", rep.Queries)
	if len(skipped) > 0 {
		fmt.Fprintf(w, " (skipped: %s)", strings.Join(skipped, ", "))
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w)
	kinds := rep.ByKind()
	fmt.Fprintf(tw, "\tqueries\tnDCG@%d\tMRR@%d\trecall@100\n", rep.K, rep.K)
	fmt.Fprintf(tw, "all\t%d\t%.4f\t%.4f\t%.4f\n", rep.Queries, rep.NDCG, rep.MRR, rep.Recall)
	for _, km := range kinds {
		fmt.Fprintf(tw, "%s\t%d\t%.4f\t%.4f\t%.4f\n", km.Kind, km.Queries, km.NDCG, km.MRR, km.Recall)
	}
	tw.Flush()
}

// shorten cuts s to at most n runes, adding "…".
func shorten(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n-1]) + "…"
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// listSome joins the first n items of xs, noting how many more there are.
func listSome(xs []string, n int) string {
	if len(xs) <= n {
		return strings.Join(xs, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(xs[:n], ", "), len(xs)-n)
}
