package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
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
       fundus-bench cluster --fundus PATH [--scifact DIR] [--writes 1000] [--clients 8]

ingest: "fundus ingest" against plain Bleve scorch indexes of the same
documents, with Fundus's mapping and with a plain application's. search: search latency and throughput over
HTTP against plain in-process Bleve. load: a mixed search/write load with a
check that no acknowledged write was lost. abuse: a normal client's search
latency while another client fires the worst-case searches of issue 11, the
server's peak memory, and whether it stays up. cluster: three cluster nodes
on this machine against one node, in the same run: write throughput and
acknowledgement latency, replication lag, search throughput. Each prints a Markdown
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
	case "cluster":
		err = runCluster(ctx, args[1:], stdout, stderr)
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

// newFlagSet returns the flag set of a subcommand; it reports errors
// (and -h) to stderr and leaves the exit to run.
func newFlagSet(name string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	return fs
}

// benchFlags is the flag set of a benchmark subcommand that runs fundus:
// it defines --fundus, and checks the bounds of the integer flags defined
// with intBetween and intAtLeast when it parses.
type benchFlags struct {
	*flag.FlagSet
	fundus *string
	bounds []func() error // in the order the flags were defined
}

// newBenchFlags returns the flag set of subcommand name, with --fundus
// defined; see newFlagSet.
func newBenchFlags(name string, stderr io.Writer) *benchFlags {
	fs := newFlagSet(name, stderr)
	return &benchFlags{FlagSet: fs, fundus: fs.String("fundus", "", "path of the fundus binary (required)")}
}

// intBetween defines an integer flag that parse requires to be between lo
// and hi.
func (b *benchFlags) intBetween(name string, value, lo, hi int, usage string) *int {
	p := b.Int(name, value, usage)
	b.bounds = append(b.bounds, func() error {
		if *p < lo || *p > hi {
			return usagef("%s: --%s must be between %d and %d", b.Name(), name, lo, hi)
		}
		return nil
	})
	return p
}

// intAtLeast defines an integer flag that parse requires to be lo or more.
func (b *benchFlags) intAtLeast(name string, value, lo int, usage string) *int {
	p := b.Int(name, value, usage)
	b.bounds = append(b.bounds, func() error {
		if *p < lo {
			return usagef("%s: --%s must be at least %d", b.Name(), name, lo)
		}
		return nil
	})
	return p
}

// parse parses args (see parseFlags) and checks the bounds of the flags,
// reporting the first flag defined that is out of bounds.
func (b *benchFlags) parse(args []string) error {
	if err := parseFlags(b.FlagSet, args); err != nil {
		return err
	}
	for _, check := range b.bounds {
		if err := check(); err != nil {
			return err
		}
	}
	return nil
}

// binary returns the absolute path of the fundus binary --fundus names;
// see fundusBinary.
func (b *benchFlags) binary() (string, error) {
	return fundusBinary(b.Name(), *b.fundus)
}

// commandLine is the command line of the subcommand, for the report: its
// name and args.
func (b *benchFlags) commandLine(args []string) []string {
	return append([]string{b.Name()}, args...)
}

// sciFact defines --scifact, the SciFact folder; see sciFactIn.
func (b *benchFlags) sciFact() *string {
	return b.String("scifact", "../shared/eval/scifact", "SciFact folder: corpus.jsonl, queries.jsonl, qrels/test.tsv")
}

// usagef returns a command-line mistake (exit code 2).
func usagef(format string, a ...any) error {
	return &usageError{fmt.Errorf(format, a...)}
}

// fundusBinary returns the absolute path of the fundus binary that the
// --fundus flag of subcommand cmd names.
func fundusBinary(cmd, path string) (string, error) {
	if path == "" {
		return "", usagef("%s: --fundus is required", cmd)
	}
	bin, err := exec.LookPath(path)
	if err == nil {
		bin, err = filepath.Abs(bin)
	}
	if err != nil {
		return "", fmt.Errorf("fundus binary %s: %w (build it with `make build`)", path, err)
	}
	return bin, nil
}

// sciFactFiles are the files of a SciFact (BEIR) folder the benchmarks
// read.
type sciFactFiles struct {
	corpus  string // corpus.jsonl
	queries string // queries.jsonl
	qrels   string // qrels/test.tsv
}

// sciFactIn names the files of the SciFact folder dir.
func sciFactIn(dir string) sciFactFiles {
	return sciFactFiles{
		corpus:  filepath.Join(dir, "corpus.jsonl"),
		queries: filepath.Join(dir, "queries.jsonl"),
		qrels:   filepath.Join(dir, "qrels", "test.tsv"),
	}
}

// tempRoot creates the temporary directory of a run of subcommand cmd.
// done removes it; with keep, it leaves it and says on stderr that it
// kept what (e.g. "the data directory and server log") there.
func tempRoot(cmd string, keep bool, what string, stderr io.Writer) (root string, done func(), err error) {
	root, err = os.MkdirTemp("", "fundus-bench-"+cmd+"-")
	if err != nil {
		return "", nil, fmt.Errorf("create temp dir: %w", err)
	}
	if keep {
		return root, func() { fmt.Fprintf(stderr, "%s: kept %s in %s\n", cmd, what, root) }, nil
	}
	return root, func() { os.RemoveAll(root) }, nil
}
