package main

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/fundus-kb/fundus/indexer"
)

func checkCmd(e *env) *cobra.Command {
	var repair, asJSON bool
	cmd := kbCommand(e, &cobra.Command{
		Use:   "check [--data DIR] [--repair] [--json]",
		Short: "Compare the index with the store; --repair fixes every difference",
		Long: `Check compares every document in the store with the index (ids and content
hashes) and the index checkpoint with the store's journal. When the store holds
members-only documents, the public index must hold the public documents only,
and the index members search (index-all) every document. It lists every
difference and exits 1 if there is any. With --repair it re-indexes missing and
stale documents from the store, removes extra ones, and exits 0 when the index
agrees with the store afterwards.`,
		Args: cobra.NoArgs,
	}, func(cmd *cobra.Command, args []string, kb *indexer.KB) error {
		rep, err := kb.Check(cmd.Context(), repair)
		if err != nil {
			return err
		}
		if asJSON {
			if err := printJSON(e.stdout, rep); err != nil {
				return err
			}
		} else {
			printCheck(e, "index", rep)
			if rep.All != nil {
				printCheck(e, "index of every document (members)", rep.All)
			}
			if len(rep.InvalidIDs) > 0 {
				quoted := make([]string, len(rep.InvalidIDs))
				for i, id := range rep.InvalidIDs {
					quoted[i] = strconv.Quote(id)
				}
				fmt.Fprintf(e.stdout, "ids no longer accepted (%d): %s\n  they stay readable and deletable; to change one, delete it and write it again under a valid id\n", len(quoted), strings.Join(quoted, ", "))
			}
			switch {
			case rep.Repaired:
				fmt.Fprintln(e.stdout, "repaired: the index agrees with the store")
			case rep.OK():
				fmt.Fprintln(e.stdout, "ok: the index agrees with the store")
			}
		}
		if !rep.OK() && !rep.Repaired {
			return &exitError{code: 1, msg: "the index differs from the store (run `fundus check --repair`)"}
		}
		return nil
	})
	cmd.Flags().BoolVar(&repair, "repair", false, "fix every difference")
	jsonFlag(cmd, &asJSON, "the report")
	return cmd
}

// printCheck prints one index's part of a check report.
func printCheck(e *env, name string, rep *indexer.CheckReport) {
	fmt.Fprintf(e.stdout, "store: %d documents for the %s, journal seq %d\n%s: %d documents, checkpoint %d\n", rep.Documents, name, rep.Seq, name, rep.Indexed, rep.Checkpoint)
	for _, l := range []struct {
		name string
		ids  []string
	}{{"missing from the " + name, rep.Missing}, {"in the " + name + " but not the store", rep.Extra}, {"stale in the " + name, rep.Stale}} {
		if len(l.ids) > 0 {
			fmt.Fprintf(e.stdout, "%s (%d): %s\n", l.name, len(l.ids), strings.Join(l.ids, ", "))
		}
	}
}
