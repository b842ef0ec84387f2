package main

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/fundus-kb/fundus/indexer"
	"github.com/fundus-kb/fundus/search"
)

// askCmd answers a question with passages (search.Index.Answers), as
// /api/answers does.
func askCmd(e *env) *cobra.Command {
	var n int
	var asJSON bool
	cmd := kbCommand(e, &cobra.Command{
		Use:   "ask [--data DIR] [--json] [-n N] QUESTION",
		Short: "Answer a question with the passages that answer it",
		Long:  "Ask prints the passages (a sentence or a few, at most 300 characters) of the best documents that answer QUESTION, best first, each with its document.",
		Args:  cobra.MinimumNArgs(1),
		PreRunE: func(cmd *cobra.Command, args []string) error {
			if n < 1 || n > search.MaxAnswers {
				return &usageError{fmt.Errorf("-n must be between 1 and %d", search.MaxAnswers)}
			}
			return nil
		},
	}, func(cmd *cobra.Command, args []string, kb *indexer.KB) error {
		q := strings.Join(args, " ")
		res, err := kb.Answers(search.WithMembers(cmd.Context()), search.Request{Query: q, Lenient: true}, n)
		if err != nil {
			return cliSearchError(err)
		}
		if asJSON {
			return printJSON(e.stdout, res)
		}
		if len(res.Answers) == 0 {
			fmt.Fprintln(e.stdout, "No answer found.")
			return nil
		}
		hl := highlighterFor(e.stdout)
		for i, a := range res.Answers {
			fmt.Fprintf(e.stdout, "%d. %s\n   — %s (%s · %s · %s)\n", i+1, hl.marks(a.PassageHTML), a.Title, a.Type, orUndated(a.Date), a.ID)
		}
		return nil
	})
	jsonFlag(cmd, &asJSON, "the answers")
	cmd.Flags().IntVarP(&n, "n", "n", search.DefaultAnswers, "number of answers (1–10)")
	return cmd
}
