package main

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"time"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"

	"github.com/fundus-kb/fundus/indexer"
	"github.com/fundus-kb/fundus/indexer/crawl"
	"github.com/fundus-kb/fundus/indexer/parse"
	"github.com/fundus-kb/fundus/indexer/watch"
)

// crawlFlags are the web-fetching flags of ingest.
type crawlFlags struct {
	allowPrivate bool
	delay        time.Duration
	timeout      time.Duration
	maxPages     int
	maxBytes     int64
}

func (f *crawlFlags) add(cmd *cobra.Command) {
	cmd.Flags().BoolVar(&f.allowPrivate, "allow-private", false, "allow fetching from private, loopback and link-local addresses")
	cmd.Flags().DurationVar(&f.delay, "delay", crawl.DefaultDelay, "least time between two requests to one host")
	cmd.Flags().DurationVar(&f.timeout, "timeout", crawl.DefaultTimeout, "timeout of one request")
	cmd.Flags().IntVar(&f.maxPages, "max-pages", crawl.DefaultMaxPages, "most pages to fetch from a sitemap")
	cmd.Flags().Int64Var(&f.maxBytes, "max-page-bytes", crawl.DefaultMaxBytes, "largest page to fetch, in bytes")
}

func ingestCmd(e *env) *cobra.Command {
	var dir string
	var prune, asJSON, watchDirs bool
	var cf crawlFlags
	var rf remoteFlags
	cmd := &cobra.Command{
		Use:   "ingest [--data DIR | --server URL] [--prune] [--json] [--watch] PATH|URL...",
		Short: "Add or update documents from files, folders and web pages",
		Long: `Ingest reads Markdown (.md, .markdown) with YAML front matter, HTML (.html, .htm),
PDF (.pdf), JSON (.json: one document or an array), JSON Lines (.jsonl, .ndjson)
and plain text (.txt). Folders are walked recursively; hidden files and folders
are skipped.

An http(s) URL is fetched as a web page, or, for a sitemap.xml (or a sitemap
index), every page it lists. Fetching is polite: robots.txt is honoured, at most
two requests run at a time per host with --delay between them, and a page
fetched before is asked for with its ETag/Last-Modified. Private and loopback
addresses are refused unless --allow-private is given.

With --watch, ingest keeps running after the first pass and keeps the
knowledge base in step with the given folders: new and changed files are
applied, deleted files removed, within about two seconds.

With --server URL, the files of the given folders are sent to a running
server (any node of a cluster) instead of written into a data directory: each
file as it is, to the server's upload endpoint, which parses it as ingest
would and gives its documents the same ids. Up to --concurrency files are in
flight; a file refused with 503 (no quorum, busy) or 429 is sent again after
the server's Retry-After, up to --retries times. The token is --token (env
FUNDUS_API_TOKEN), the server's write token.

Unchanged inputs are counted as unchanged and left alone. An input that cannot
be parsed is reported on stderr with its path (and line) and skipped; the exit
code is then 1.`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			var paths, urls []string
			for _, a := range args {
				if indexer.IsURL(a) {
					urls = append(urls, a)
				} else {
					paths = append(paths, a)
				}
			}
			if watchDirs && len(urls) > 0 {
				return &usageError{errors.New("--watch takes folders, not URLs")}
			}
			if rf.server != "" {
				return rf.ingest(ctx, e, cmd, paths, urls, prune || watchDirs, asJSON)
			}
			kb, err := openKB(ctx, e, dir)
			if err != nil {
				return err
			}
			defer kb.Close()
			if watchDirs {
				return watchFolders(ctx, e, kb, paths)
			}
			srcs, errs := indexer.PathSources(paths)
			failedPaths := len(errs)
			for _, err := range errs {
				fmt.Fprintln(e.stderr, "fundus: skipped:", err)
			}
			var bar *progressbar.ProgressBar
			opts := indexer.IngestOptions{
				Prune: prune,
				OnWarning: func(err error) {
					if bar != nil {
						bar.Clear()
					}
					fmt.Fprintln(e.stderr, "fundus: warning:", err)
				},
				OnError: func(err error) {
					if bar != nil {
						bar.Clear()
					}
					fmt.Fprintln(e.stderr, "fundus: skipped:", err)
					if errors.Is(err, crawl.ErrPrivateAddress) {
						fmt.Fprintln(e.stderr, "fundus: (private and loopback addresses need --allow-private)")
					}
				},
			}
			if isTerminal(e.stderr) {
				opts.OnProgress = func(done, total int) {
					if bar == nil {
						bar = newProgressBar(e, max(total, -1), "ingesting")
					}
					bar.Set(done)
				}
			}
			var sum indexer.Summary
			if len(srcs) > 0 {
				if sum, err = kb.Ingest(ctx, srcs, opts); err != nil {
					return err
				}
			}
			if len(urls) > 0 {
				c := crawl.New(crawl.Config{AllowPrivate: cf.allowPrivate, Delay: cf.delay, Timeout: cf.timeout, MaxPages: cf.maxPages, MaxBytes: cf.maxBytes, Logger: e.log})
				for _, u := range urls {
					s, err := kb.IngestURL(ctx, c, u, opts)
					addInputs(&sum, s)
					if err != nil {
						var ce *crawl.Error
						if errors.As(err, &ce) {
							// The start URL itself was refused (a bad
							// scheme, a private address): that input failed.
							opts.OnError(err)
							sum.Failed++
							continue
						}
						return err
					}
				}
			}
			if bar != nil {
				bar.Finish()
			}
			sum.Failed += failedPaths
			return printIngestSummary(e, sum, asJSON, prune)
		},
	}
	dataFlag(e, cmd, &dir)
	cmd.Flags().BoolVar(&prune, "prune", false, "remove documents whose source files vanished from the given folders")
	cmd.Flags().BoolVar(&asJSON, "json", false, `print {"added","updated","unchanged","failed","deleted"} as the last line of stdout`)
	cmd.Flags().BoolVar(&watchDirs, "watch", false, "keep watching the folders and apply every change until interrupted")
	cf.add(cmd)
	rf.add(e, cmd)
	return cmd
}

// newProgressBar is the progress bar of an ingest on stderr: total steps
// (-1 when unknown), described as what.
func newProgressBar(e *env, total int, what string) *progressbar.ProgressBar {
	return progressbar.NewOptions(total,
		progressbar.OptionSetWriter(e.stderr),
		progressbar.OptionSetDescription(what),
		progressbar.OptionShowCount(),
		progressbar.OptionClearOnFinish(),
		progressbar.OptionThrottle(100*time.Millisecond))
}

// addInputs adds what s counts of the inputs of one part of an ingest run
// (added, updated, unchanged and failed) to sum; deletions are counted
// for the whole run.
func addInputs(sum *indexer.Summary, s indexer.Summary) {
	sum.Added += s.Added
	sum.Updated += s.Updated
	sum.Unchanged += s.Unchanged
	sum.Failed += s.Failed
}

// printIngestSummary prints what an ingest run did, and makes failures
// the exit code 1.
func printIngestSummary(e *env, sum indexer.Summary, asJSON, prune bool) error {
	if asJSON {
		if err := printJSON(e.stdout, map[string]int{"added": sum.Added, "updated": sum.Updated, "unchanged": sum.Unchanged, "failed": sum.Failed, "deleted": sum.Deleted}); err != nil {
			return err
		}
	} else {
		fmt.Fprintf(e.stdout, "added %d, updated %d, unchanged %d, failed %d", sum.Added, sum.Updated, sum.Unchanged, sum.Failed)
		if prune {
			fmt.Fprintf(e.stdout, ", deleted %d", sum.Deleted)
		}
		fmt.Fprintln(e.stdout)
	}
	if sum.Failed > 0 {
		return &exitError{code: 1, msg: fmt.Sprintf("%d input(s) failed", sum.Failed)}
	}
	return nil
}

// watchFolders keeps the knowledge base in step with folders until ctx
// ends. Each batch of changes is reported on stderr.
func watchFolders(ctx context.Context, e *env, kb *indexer.KB, dirs []string) error {
	if len(dirs) == 0 {
		return &usageError{errors.New("--watch needs at least one folder")}
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	errc := make(chan error, len(dirs))
	for _, d := range dirs {
		abs, err := filepath.Abs(d)
		if err != nil {
			return err
		}
		go func() { errc <- watchFolder(ctx, e, kb, abs) }()
	}
	for range dirs {
		if err := <-errc; err != nil {
			cancel()
			return err
		}
	}
	return nil
}

// watchFolder watches one folder (absolute) until ctx ends.
func watchFolder(ctx context.Context, e *env, kb *indexer.KB, abs string) error {
	first := true
	opts := indexer.IngestOptions{
		OnError:   func(err error) { fmt.Fprintln(e.stderr, "fundus: skipped:", err) },
		OnWarning: func(err error) { fmt.Fprintln(e.stderr, "fundus: warning:", err) },
	}
	err := watch.Watch(ctx, abs, watch.Options{
		Supported: parse.Supported,
		Logger:    e.log,
		Ready:     func() { fmt.Fprintf(e.stderr, "fundus: watching %s\n", abs) },
	}, func(ctx context.Context, changed, removed []string) error {
		sum, err := kb.ApplyWatched(ctx, abs, changed, removed, first, opts)
		first = false
		if sum != (indexer.Summary{}) {
			fmt.Fprintf(e.stderr, "fundus: %s: added %d, updated %d, unchanged %d, deleted %d, failed %d\n",
				abs, sum.Added, sum.Updated, sum.Unchanged, sum.Deleted, sum.Failed)
		}
		return err
	})
	if err != nil {
		return fmt.Errorf("watch %s: %w", abs, err)
	}
	return nil
}
