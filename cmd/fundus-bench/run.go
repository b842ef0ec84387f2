package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
)

// usageError marks a command-line mistake (exit code 2).
type usageError struct{ err error }

func (e *usageError) Error() string { return e.err.Error() }
func (e *usageError) Unwrap() error { return e.err }

func exitCode(err error) int {
	var ue *usageError
	if errors.As(err, &ue) {
		return 2
	}
	return 1
}

const usage = `usage: fundus-bench ingest --fundus PATH --corpus PATH [--rounds 3] [--batch 500]
       fundus-bench search --fundus PATH --scifact DIR [--skip-100k]
       fundus-bench load   --fundus PATH [--duration 60s] [--clients 16] [--corpus PATH]
       fundus-bench abuse  --fundus PATH [--scifact DIR] [--duration 30s] [--abusers 40]

ingest: "fundus ingest" against a plain Bleve scorch index of the same
documents with the same mapping. search: search latency and throughput over
HTTP against plain in-process Bleve. load: a mixed search/write load with a
check that no acknowledged write was lost. abuse: a normal client's search
latency while another client fires the worst-case searches of issue 11, the
server's peak memory, and whether it stays up. Each prints a Markdown
summary.`

// run is the whole program: it dispatches to a subcommand.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprintln(stderr, usage)
		return &usageError{errors.New("no subcommand given")}
	}
	var err error
	switch args[0] {
	case "ingest":
		err = runIngest(ctx, args[1:], stdout, stderr)
	case "search":
		err = runSearch(ctx, args[1:], stdout, stderr)
	case "load":
		err = runLoad(ctx, args[1:], stdout, stderr)
	case "abuse":
		err = runAbuse(ctx, args[1:], stdout, stderr)
	case "baseline-child": // hidden: re-executed by ingest
		err = runBaselineChild(ctx, args[1:], stdout, stderr)
	case "-h", "-help", "--help", "help":
		fmt.Fprintln(stdout, usage)
	default:
		fmt.Fprintln(stderr, usage)
		err = &usageError{fmt.Errorf("unknown subcommand %q", args[0])}
	}
	if errors.Is(err, flag.ErrHelp) { // -h of a subcommand: usage printed
		return nil
	}
	return err
}

// parseFlags parses args with fs and rejects positional arguments.
func parseFlags(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return &usageError{fmt.Errorf("%s: %w", fs.Name(), err)}
	}
	if fs.NArg() > 0 {
		return &usageError{fmt.Errorf("%s: unexpected arguments %q", fs.Name(), fs.Args())}
	}
	return nil
}
