package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"io"
	"sort"
	"strings"

	"github.com/spf13/cobra"

	"github.com/fundus-kb/fundus/indexer"
	"github.com/fundus-kb/fundus/search"
)

// cliHit is a hit as `search --json` prints it.
type cliHit struct {
	ID      string  `json:"id"`
	Score   float64 `json:"score"`
	Title   string  `json:"title"`
	Type    string  `json:"type"`
	Date    string  `json:"date"`
	Snippet string  `json:"snippet"`
}

type cliFacet struct {
	Value string `json:"value"`
	Count int    `json:"count"`
}

func searchCmd(e *env) *cobra.Command {
	var typ, topic, lang string
	var limit int
	var asJSON bool
	cmd := kbCommand(e, &cobra.Command{
		Use:   "search [--data DIR] [--json] [--type T] [--topic X] [--lang L] [--limit N] QUERY",
		Short: "Search the knowledge base",
		Long:  "Search prints ranked hits with title, type, date and a snippet. An empty QUERY lists everything, newest first.",
		PreRunE: func(cmd *cobra.Command, args []string) error {
			if limit < 1 {
				return &usageError{errors.New("--limit must be 1 or more")}
			}
			if typ != "" {
				// The same spellings as ingest accepts (German and English);
				// anything else is a mistake, not "other".
				t, ok := search.ParseType(typ)
				if !ok {
					return &usageError{fmt.Errorf("--type %q is not a document type: use %s", typ, search.TypeHelp)}
				}
				typ = t
			}
			return nil
		},
	}, func(cmd *cobra.Command, args []string, kb *indexer.KB) error {
		req := search.Request{Query: strings.Join(args, " "), Size: limit, Filters: map[string][]string{}}
		for facet, v := range map[string]string{search.FacetType: typ, search.FacetTopics: topic, search.FacetLanguage: lang} {
			if v != "" {
				req.Filters[facet] = []string{v}
			}
		}
		// The command line reads the data directory itself: it sees
		// members-only documents, as get and export do.
		res, err := kb.Search(search.WithMembers(cmd.Context()), req)
		if err != nil {
			return cliSearchError(err)
		}
		if asJSON {
			out := struct {
				Total      uint64                `json:"total"`
				DidYouMean string                `json:"did_you_mean,omitempty"`
				Fuzzy      bool                  `json:"fuzzy,omitempty"`
				Hits       []cliHit              `json:"hits"`
				Facets     map[string][]cliFacet `json:"facets"`
			}{Total: res.Total, DidYouMean: res.DidYouMean, Fuzzy: res.Fuzzy, Hits: []cliHit{}, Facets: map[string][]cliFacet{}}
			for _, h := range res.Hits {
				out.Hits = append(out.Hits, cliHit{ID: h.ID, Score: h.Score, Title: h.Title, Type: h.Type, Date: h.Date, Snippet: h.Snippet})
			}
			for _, f := range []string{search.FacetType, search.FacetTopics, search.FacetYear, search.FacetLanguage} {
				vals := []cliFacet{}
				for _, v := range res.Facets[f] {
					vals = append(vals, cliFacet{Value: v.Value, Count: v.Count})
				}
				out.Facets[f] = vals
			}
			return printJSON(e.stdout, out)
		}
		hl := highlighterFor(e.stdout)
		if res.DidYouMean != "" {
			fmt.Fprintf(e.stdout, "Did you mean: %s\n", hl.bold(res.DidYouMean))
		}
		noun := "results"
		if res.Total == 1 {
			noun = "result"
		}
		if res.Fuzzy {
			fmt.Fprintf(e.stdout, "%d %s (including similar spellings)\n", res.Total, noun)
		} else {
			fmt.Fprintf(e.stdout, "%d %s\n", res.Total, noun)
		}
		for i, h := range res.Hits {
			fmt.Fprintf(e.stdout, "\n%d. %s\n   %s · %s · %s\n", i+1, hl.bold(h.Title), h.Type, orUndated(h.Date), h.ID)
			if h.Snippet != "" {
				fmt.Fprintf(e.stdout, "   %s\n", strings.Join(strings.Fields(hl.marks(h.Snippet)), " "))
			}
		}
		return nil
	})
	jsonFlag(cmd, &asJSON, "the result")
	cmd.Flags().StringVar(&typ, "type", "", "only documents of this type: webinar, case, recommendation or other (the spellings ingest accepts, German too: Fall, Empfehlung …)")
	cmd.Flags().StringVar(&topic, "topic", "", "only documents with this topic")
	cmd.Flags().StringVar(&lang, "lang", "", "only documents in this language (de, en, …)")
	cmd.Flags().IntVar(&limit, "limit", 10, "number of hits to print")
	return cmd
}

func getCmd(e *env) *cobra.Command {
	var (
		pretty bool
	)
	cmd := kbCommand(e, &cobra.Command{
		Use:   "get [--data DIR] ID",
		Short: "Print a stored document as JSON",
		Args:  cobra.ExactArgs(1),
	}, func(cmd *cobra.Command, args []string, kb *indexer.KB) error {
		st, err := kb.Get(args[0])
		if errors.Is(err, indexer.ErrNotFound) {
			return &exitError{code: 1, msg: fmt.Sprintf("no document with id %q", args[0])}
		}
		if err != nil {
			return err
		}
		if pretty || isTerminal(e.stdout) {
			b, err := json.MarshalIndent(st, "", "  ")
			if err != nil {
				return fmt.Errorf("encode document %q: %w", args[0], err)
			}
			_, err = fmt.Fprintf(e.stdout, "%s\n", b)
			return err
		}
		return printJSON(e.stdout, st)
	})
	cmd.Flags().BoolVar(&pretty, "pretty", false, "indent the JSON (the default on a terminal; one compact line otherwise)")
	return cmd
}

func deleteCmd(e *env) *cobra.Command {
	return kbCommand(e, &cobra.Command{
		Use:   "delete [--data DIR] ID...",
		Short: "Delete documents by id",
		Args:  cobra.MinimumNArgs(1),
	}, func(cmd *cobra.Command, args []string, kb *indexer.KB) error {
		res, err := kb.Delete(cmd.Context(), args...)
		if err != nil {
			return err
		}
		missing := 0
		for _, r := range res {
			if r.Status == search.Deleted {
				fmt.Fprintf(e.stdout, "deleted %s\n", r.ID)
			} else {
				missing++
				fmt.Fprintf(e.stderr, "fundus: no document with id %q\n", r.ID)
			}
		}
		if missing > 0 {
			return &exitError{code: 1}
		}
		return nil
	})
}

func reindexCmd(e *env) *cobra.Command {
	return kbCommand(e, &cobra.Command{
		Use:   "reindex [--data DIR]",
		Short: "Rebuild the search index from the store",
		Long:  "Reindex builds a new index from the documents in the store into a new directory, then swaps it in.",
		Args:  cobra.NoArgs,
	}, func(cmd *cobra.Command, args []string, kb *indexer.KB) error {
		if err := kb.Reindex(cmd.Context()); err != nil {
			return err
		}
		st, err := kb.Stats()
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "reindexed %d documents\n", st.Indexed)
		return nil
	})
}

func statsCmd(e *env) *cobra.Command {
	var asJSON bool
	cmd := kbCommand(e, &cobra.Command{
		Use:   "stats [--data DIR] [--json]",
		Short: "Count documents by type and language, with store and index sizes",
		Args:  cobra.NoArgs,
	}, func(cmd *cobra.Command, args []string, kb *indexer.KB) error {
		st, err := kb.Stats()
		if err != nil {
			return err
		}
		if asJSON {
			return printJSON(e.stdout, st)
		}
		fmt.Fprintf(e.stdout, "documents: %d (indexed %d)\n", st.Documents, st.Indexed)
		for _, g := range []struct {
			name string
			m    map[string]int
		}{{"by type", st.ByType}, {"by language", st.ByLanguage}} {
			keys := make([]string, 0, len(g.m))
			for k := range g.m {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			fmt.Fprintf(e.stdout, "%s:", g.name)
			for _, k := range keys {
				fmt.Fprintf(e.stdout, " %s %d", k, g.m[k])
			}
			fmt.Fprintln(e.stdout)
		}
		fmt.Fprintf(e.stdout, "journal: seq %d, index checkpoint %d\nstore: %d bytes, index: %d bytes\n", st.Seq, st.Checkpoint, st.StoreBytes, st.IndexBytes)
		return nil
	})
	jsonFlag(cmd, &asJSON, "the statistics")
	return cmd
}

// cliSearchError makes a search's complaint about its request a usage
// error in the command line's terms (cliRequestError); other errors stay.
func cliSearchError(err error) error {
	var ir *search.InvalidRequestError
	if errors.As(err, &ir) {
		return &usageError{cliRequestError(ir)}
	}
	return err
}

// cliRequestError words a search's complaint in the command line's terms:
// the query and the flags, not the HTTP API's parameters.
func cliRequestError(ir *search.InvalidRequestError) error {
	switch ir.Param {
	case "q":
		return fmt.Errorf("the query: %s", ir.Reason)
	case "size":
		return fmt.Errorf("--limit: %s", ir.Reason)
	case search.FacetType, search.FacetTopics, search.FacetLanguage:
		return fmt.Errorf("--%s: %s", map[string]string{search.FacetType: "type", search.FacetTopics: "topic", search.FacetLanguage: "lang"}[ir.Param], ir.Reason)
	}
	return ir
}

// highlighter shows bold text and a snippet's <mark>ed words in a
// command's output: in bold on a terminal, else plain and «in guillemets».
type highlighter struct{ on, off string }

func highlighterFor(w io.Writer) highlighter {
	if isTerminal(w) {
		return highlighter{"\x1b[1m", "\x1b[0m"}
	}
	return highlighter{}
}

// bold is s in bold, on a terminal.
func (h highlighter) bold(s string) string { return h.on + s + h.off }

// marks turns a snippet's or passage's HTML into text, its <mark>ed words
// highlighted.
func (h highlighter) marks(s string) string {
	open, closing := h.on, h.off
	if open == "" {
		open, closing = "«", "»"
	}
	return html.UnescapeString(strings.NewReplacer("<mark>", open, "</mark>", closing).Replace(s))
}

// orUndated is a hit's date, or "undated".
func orUndated(date string) string {
	if date == "" {
		return "undated"
	}
	return date
}
