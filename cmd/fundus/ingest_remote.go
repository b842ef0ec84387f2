package main

// ingest --server: a folder's files sent to a running server (a cluster
// node) instead of written into a data directory.
//
// Each file goes as it is, in a request of its own, to the server's
// upload endpoint (POST /api/ingest), named by its path in the folder:
// the server parses it with the same parsers, keeps its raw source, and
// gives its documents the ids a local ingest of the folder gives them
// (sub/note.md → sub/note). The client parses nothing, so client and
// server cannot disagree about a format, and the server's limits and
// write path (the journal, in a cluster) apply as to any upload.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"mime/multipart"
	"net/http"
	"net/url"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"

	"github.com/fundus-kb/fundus/indexer"
	"github.com/fundus-kb/fundus/internal/workpool"
	"github.com/fundus-kb/fundus/search"
)

// remoteIngest sends files to a server's upload endpoint.
type remoteIngest struct {
	server string // base URL, without a trailing slash
	token  string
	client *http.Client
	// workers is the number of files in flight at once.
	workers int
	// retries is how often one file is sent again after 503 (no quorum,
	// busy), 429 or a failed connection; maxWait caps one wait.
	retries int
	maxWait time.Duration
	// sleep waits d or until ctx ends (tests shorten it).
	sleep func(ctx context.Context, d time.Duration) error
}

// errAuth is a refusal of the token: no other file would fare better.
var errAuth = errors.New("the server refused the token")

// parseServerURL checks --server.
func parseServerURL(raw string) (string, error) {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", &usageError{fmt.Errorf("--server %q: want the server's http(s) URL, such as http://127.0.0.1:8080", raw)}
	}
	return strings.TrimRight(u.String(), "/"), nil
}

// fileResult is what became of one file.
type fileResult struct {
	sum    indexer.Summary
	errs   []error // documents (or the file) that failed, naming the file
	warns  []error
	fatal  error // the run must stop (the token was refused)
	sentOK bool
}

// run sends files with up to r.workers at once; report is called from
// one goroutine with each file's result, in the order files finish.
func (r *remoteIngest) run(ctx context.Context, files []indexer.InputFile, report func(indexer.InputFile, fileResult)) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	type done struct {
		f   indexer.InputFile
		res fileResult
	}
	var fatal error
	workpool.Each(ctx, files, r.workers, func(ctx context.Context, f indexer.InputFile) done {
		return done{f, r.send(ctx, f)}
	}, func(d done) {
		if d.res.fatal != nil && fatal == nil {
			fatal = d.res.fatal
			cancel()
		}
		if fatal == nil {
			report(d.f, d.res)
		}
	})
	if fatal != nil {
		return fatal
	}
	return ctx.Err()
}

// send uploads one file, retrying what may succeed later.
func (r *remoteIngest) send(ctx context.Context, f indexer.InputFile) fileResult {
	fail := func(err error) fileResult { return fileResult{errs: []error{fmt.Errorf("%s: %w", f.Label, err)}} }
	data, err := fs.ReadFile(f.FS, f.Name)
	if err != nil {
		return fail(unwrapPathError(err))
	}
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, err := mw.CreateFormFile("file", f.Name)
	if err == nil {
		_, err = fw.Write(data)
	}
	if err == nil {
		err = mw.Close()
	}
	if err != nil {
		return fail(err)
	}
	for attempt := 0; ; attempt++ {
		res, retryAfter, err := r.post(ctx, f, body.Bytes(), mw.FormDataContentType())
		if err == nil || retryAfter < 0 || attempt >= r.retries || ctx.Err() != nil {
			if err != nil && retryAfter >= 0 && attempt >= r.retries {
				err = fmt.Errorf("%w (gave up after %d attempts)", err, attempt+1)
			}
			if errors.Is(err, errAuth) {
				return fileResult{fatal: fmt.Errorf("%s: %w", f.Label, err)}
			}
			if err != nil {
				return fail(err)
			}
			return res
		}
		if retryAfter == 0 {
			retryAfter = time.Duration(1<<min(attempt, 4)) * time.Second
		}
		if err := r.sleep(ctx, min(retryAfter, r.maxWait)); err != nil {
			return fail(err)
		}
	}
}

// post sends one upload. An error with retryAfter ≥ 0 may succeed if sent
// again (after retryAfter, 0: the caller's backoff); retryAfter < 0 means
// it will not.
func (r *remoteIngest) post(ctx context.Context, f indexer.InputFile, body []byte, contentType string) (fileResult, time.Duration, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, r.server+"/api/ingest", bytes.NewReader(body))
	if err != nil {
		return fileResult{}, -1, err
	}
	req.Header.Set("Content-Type", contentType)
	if r.token != "" {
		req.Header.Set("Authorization", "Bearer "+r.token)
	}
	resp, err := r.client.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return fileResult{}, -1, ctx.Err()
		}
		return fileResult{}, 0, fmt.Errorf("send to %s: %w", r.server, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return fileResult{}, 0, fmt.Errorf("read the answer of %s: %w", r.server, err)
	}
	var answer struct {
		Results []search.WriteResult `json:"results"`
		Error   struct {
			Code    string `json:"code"`
			Message string `json:"message"`
		} `json:"error"`
	}
	jerr := json.Unmarshal(b, &answer)
	status := resp.Status
	if answer.Error.Code != "" {
		status += " " + answer.Error.Code + ": " + answer.Error.Message
	} else if jerr != nil {
		status += ": " + strings.TrimSpace(string(b[:min(len(b), 200)]))
	}
	switch {
	case resp.StatusCode == http.StatusOK || resp.StatusCode == http.StatusCreated ||
		(resp.StatusCode == http.StatusUnprocessableEntity && answer.Results != nil):
		if jerr != nil {
			return fileResult{}, -1, fmt.Errorf("unreadable answer from %s: %s", r.server, status)
		}
		return tallyResults(f, answer.Results), 0, nil
	case resp.StatusCode == http.StatusUnauthorized || resp.StatusCode == http.StatusForbidden:
		hint := "give the server's write token with --token or FUNDUS_API_TOKEN"
		if r.token == "" {
			hint = "no token was given: " + hint
		}
		return fileResult{}, -1, fmt.Errorf("%w (%s); %s", errAuth, status, hint)
	case resp.StatusCode == http.StatusServiceUnavailable || resp.StatusCode == http.StatusTooManyRequests:
		wait := time.Duration(0)
		if s, err := strconv.Atoi(resp.Header.Get("Retry-After")); err == nil && s >= 0 {
			wait = time.Duration(s) * time.Second
		}
		if wait == 0 && resp.Header.Get("Retry-After") != "" {
			wait = time.Millisecond // "0": at once
		}
		return fileResult{}, wait, fmt.Errorf("%s answered %s", r.server, status)
	}
	return fileResult{}, -1, fmt.Errorf("%s answered %s", r.server, status)
}

// tallyResults counts an upload's results; failures name the file.
func tallyResults(f indexer.InputFile, results []search.WriteResult) fileResult {
	res := fileResult{sentOK: true}
	for _, w := range results {
		if w.Warning != "" {
			res.warns = append(res.warns, fmt.Errorf("%s: %s", f.Label, w.Warning))
		}
		switch w.Status {
		case search.Added:
			res.sum.Added++
		case search.Updated:
			res.sum.Updated++
		case search.Unchanged:
			res.sum.Unchanged++
		default:
			res.sum.Failed++
			msg := w.Error
			if msg == "" {
				msg = "failed"
			}
			res.errs = append(res.errs, errors.New(localLabel(f, msg, w.Line)))
		}
	}
	return res
}

// localLabel is the server's message msg about a document of f (at line,
// when not 0), naming f by its local path: the server names it by the
// name it was sent as (its path in the folder, or its base name).
func localLabel(f indexer.InputFile, msg string, line int) string {
	for _, sent := range []string{f.Name, path.Base(f.Name)} {
		if rest, ok := strings.CutPrefix(msg, sent); ok && strings.HasPrefix(rest, ":") {
			return f.Label + rest
		}
	}
	if line > 0 {
		return f.Label + ":" + strconv.Itoa(line) + ": " + msg
	}
	return f.Label + ": " + msg
}

// unwrapPathError drops an *fs.PathError's path (the caller names the file).
func unwrapPathError(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// sleepCtx waits d or until ctx ends.
func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// remoteFlags are ingest's flags for sending to a server.
type remoteFlags struct {
	server, token string
	workers       int
	retries       int
}

func (f *remoteFlags) add(e *env, cmd *cobra.Command) {
	cmd.Flags().StringVar(&f.server, "server", "", "send the files to the running server (a cluster node) at this URL instead of opening a data directory")
	cmd.Flags().StringVar(&f.token, "token", e.getenv("FUNDUS_API_TOKEN"), "with --server: the server's write token (env FUNDUS_API_TOKEN)")
	cmd.Flags().IntVar(&f.workers, "concurrency", 4, "with --server: files sent at once")
	cmd.Flags().IntVar(&f.retries, "retries", 5, "with --server: how often a file refused with 503 or 429, or whose connection failed, is sent again")
}

// ingest sends the files of paths to the server and prints the summary.
func (f *remoteFlags) ingest(ctx context.Context, e *env, cmd *cobra.Command, paths, urls []string, pruneOrWatch, asJSON bool) error {
	switch {
	case cmd.Flags().Changed("data"):
		return &usageError{errors.New("--server sends to a running server: it takes no --data")}
	case len(urls) > 0:
		return &usageError{fmt.Errorf("--server takes files and folders, not URLs (%s): fetch pages with a local ingest --data", urls[0])}
	case pruneOrWatch:
		return &usageError{errors.New("--prune and --watch act on a data directory: they do not go with --server")}
	case f.workers < 1:
		return &usageError{errors.New("--concurrency must be 1 or more")}
	case f.retries < 0:
		return &usageError{errors.New("--retries must not be negative")}
	}
	server, err := parseServerURL(f.server)
	if err != nil {
		return err
	}
	srcs, errs := indexer.PathSources(paths)
	var sum indexer.Summary
	sum.Failed = len(errs)
	for _, err := range errs {
		fmt.Fprintln(e.stderr, "fundus: skipped:", err)
	}
	files, lerrs := indexer.ListInputs(srcs)
	sum.Failed += len(lerrs)
	for _, err := range lerrs {
		fmt.Fprintln(e.stderr, "fundus: skipped:", err)
	}
	var bar *progressbar.ProgressBar
	if isTerminal(e.stderr) && len(files) > 0 {
		bar = newProgressBar(e, len(files), "sending")
	}
	r := &remoteIngest{server: server, token: f.token, client: &http.Client{Timeout: 5 * time.Minute},
		workers: f.workers, retries: f.retries, maxWait: 30 * time.Second, sleep: sleepCtx}
	done := 0
	err = r.run(ctx, files, func(_ indexer.InputFile, res fileResult) {
		if bar != nil && (len(res.errs) > 0 || len(res.warns) > 0) {
			bar.Clear()
		}
		for _, w := range res.warns {
			fmt.Fprintln(e.stderr, "fundus: warning:", w)
		}
		for _, err := range res.errs {
			fmt.Fprintln(e.stderr, "fundus: skipped:", err)
		}
		if !res.sentOK && len(res.errs) > 0 {
			// The file itself failed (unreadable, refused): one input.
			res.sum.Failed = 1
		}
		addInputs(&sum, res.sum)
		done++
		if bar != nil {
			bar.Set(done)
		}
	})
	if bar != nil {
		bar.Finish()
	}
	if err != nil {
		return fmt.Errorf("ingest via %s: %w", server, err)
	}
	return printIngestSummary(e, sum, asJSON, false)
}
