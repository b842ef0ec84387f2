package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/fundus-kb/fundus/indexer"
)

// version is stamped at build time with -ldflags "-X main.version=…".
var version = "dev"

// exitError carries an exit code; its message, if any, has been printed.
type exitError struct {
	code int
	msg  string
}

func (e *exitError) Error() string { return e.msg }

// usageError marks a command-line mistake (exit code 2).
type usageError struct{ err error }

func (e *usageError) Error() string { return e.err.Error() }
func (e *usageError) Unwrap() error { return e.err }

func exitCode(err error) int {
	var ee *exitError
	var ue *usageError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &ee):
		return ee.code
	case errors.As(err, &ue):
		return 2
	}
	return 1
}

// env holds what every command gets from run.
type env struct {
	getenv func(string) string
	stdout io.Writer
	stderr io.Writer
	log    *slog.Logger
}

// run is the whole program: it parses args, runs a command, and returns
// its error. main turns that into an exit code.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	e := &env{getenv: getenv, stdout: stdout, stderr: stderr}
	var logLevel, logFormat string
	root := &cobra.Command{
		Use:   "fundus",
		Short: "Fundus: a knowledge base and search service for open-innovation learnings",
		Long: `Fundus keeps webinar notes, case write-ups and policy recommendations in a
Badger store and a Bleve full-text index, and makes them searchable from the
command line and over HTTP.

Every command that opens a data directory takes --data (default ./fundus-data,
or $FUNDUS_DATA).`,
		Version:       version,
		SilenceUsage:  true,
		SilenceErrors: true,
		PersistentPreRunE: func(cmd *cobra.Command, _ []string) error {
			var lvl slog.Level
			if err := lvl.UnmarshalText([]byte(logLevel)); err != nil {
				return &usageError{fmt.Errorf("--log-level: %w", err)}
			}
			if cmd.Name() == "serve" && !cmd.Flags().Changed("log-level") && getenv("FUNDUS_LOG_LEVEL") == "" {
				// A server logs a line per request (info); other commands
				// only warnings.
				lvl = slog.LevelInfo
			}
			opts := &slog.HandlerOptions{Level: lvl}
			switch logFormat {
			case "text":
				e.log = slog.New(slog.NewTextHandler(stderr, opts))
			case "json":
				e.log = slog.New(slog.NewJSONHandler(stderr, opts))
			default:
				return &usageError{fmt.Errorf("--log-format: want text or json, got %q", logFormat)}
			}
			return nil
		},
	}
	defLevel := getenv("FUNDUS_LOG_LEVEL")
	if defLevel == "" {
		defLevel = "warn"
	}
	root.PersistentFlags().StringVar(&logLevel, "log-level", defLevel, "log level: debug, info, warn or error (env FUNDUS_LOG_LEVEL)")
	defFormat := getenv("FUNDUS_LOG_FORMAT")
	if defFormat == "" {
		defFormat = "text"
	}
	root.PersistentFlags().StringVar(&logFormat, "log-format", defFormat, "log format: text or json (env FUNDUS_LOG_FORMAT)")
	root.SetArgs(args)
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.SetContext(ctx)
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return &usageError{err} })
	root.AddCommand(
		ingestCmd(e), searchCmd(e), getCmd(e), deleteCmd(e),
		reindexCmd(e), statsCmd(e), serveCmd(e), checkCmd(e), evalCmd(e),
		backupCmd(e), restoreCmd(e), exportCmd(e), undeleteCmd(e), trashCmd(e),
		synonymsCmd(e), askCmd(e),
	)
	err := root.ExecuteContext(ctx)
	if err != nil {
		var ee *exitError
		if errors.As(err, &ee) {
			if ee.msg != "" {
				fmt.Fprintln(stderr, "fundus:", ee.msg)
			}
			return err
		}
		fmt.Fprintln(stderr, "fundus:", err)
		if strings.HasPrefix(err.Error(), "unknown command") || strings.Contains(err.Error(), "arg(s)") {
			return &usageError{err}
		}
	}
	return err
}

// dataFlag adds --data to cmd.
func dataFlag(e *env, cmd *cobra.Command, dir *string) {
	def := e.getenv("FUNDUS_DATA")
	if def == "" {
		def = "./fundus-data"
	}
	cmd.Flags().StringVar(dir, "data", def, "data directory (env FUNDUS_DATA)")
}

// jsonFlag adds --json to cmd: print what (such as "the report") as one
// JSON object, with printJSON.
func jsonFlag(cmd *cobra.Command, asJSON *bool, what string) {
	cmd.Flags().BoolVar(asJSON, "json", false, "print "+what+" as one JSON object")
}

// openKB opens the knowledge base in dir.
func openKB(ctx context.Context, e *env, dir string) (*indexer.KB, error) {
	kb, err := indexer.Open(ctx, indexer.Config{DataDir: dir, Logger: e.log})
	if err != nil {
		return nil, lockedMessage(err, dir)
	}
	return kb, nil
}

// lockedMessage explains a data directory held by another process.
func lockedMessage(err error, dir string) error {
	if errors.Is(err, indexer.ErrLocked) {
		return fmt.Errorf("data directory %s is in use by another fundus process (a running `fundus serve`?); stop it or use its HTTP API", dir)
	}
	return err
}

// printJSON prints v as one compact JSON line.
func printJSON(w io.Writer, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("encode output: %w", err)
	}
	_, err = fmt.Fprintf(w, "%s\n", b)
	return err
}

// isTerminal reports whether w is a terminal.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	info, err := f.Stat()
	return err == nil && info.Mode()&os.ModeCharDevice != 0
}

// dirCommand completes cmd as a command on the data directory in --data
// (dataFlag): its RunE calls run with it.
func dirCommand(e *env, cmd *cobra.Command, run func(cmd *cobra.Command, args []string, dir string) error) *cobra.Command {
	var dir string
	cmd.RunE = func(cmd *cobra.Command, args []string) error { return run(cmd, args, dir) }
	dataFlag(e, cmd, &dir)
	return cmd
}

// kbCommand completes cmd as a command on the knowledge base in --data:
// its RunE opens the knowledge base, runs run with it and closes it; a
// failed close is the command's error when run succeeded. Checks of the
// other flags that need no knowledge base go in PreRunE.
func kbCommand(e *env, cmd *cobra.Command, run func(cmd *cobra.Command, args []string, kb *indexer.KB) error) *cobra.Command {
	return dirCommand(e, cmd, func(cmd *cobra.Command, args []string, dir string) (err error) {
		kb, err := openKB(cmd.Context(), e, dir)
		if err != nil {
			return err
		}
		defer func() {
			if cerr := kb.Close(); err == nil {
				err = cerr
			}
		}()
		return run(cmd, args, kb)
	})
}
