package main

// Child processes run to completion: timed runs, `fundus ingest` into a
// fresh data directory and `fundus stats`.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os/exec"
	"path/filepath"
	"time"
)

// childRun is one timed child process.
type childRun struct {
	wall   time.Duration // start to exit
	cpu    time.Duration // user + system CPU time of the whole child
	maxRSS int64         // peak resident set size in bytes; 0 when unknown
	stdout []byte
}

// ingestFresh times `fundus ingest --data dir --json corpus` into a new
// data directory and checks its --json summary: want documents added (any
// number when want < 0), none updated, unchanged or failed. It returns the
// run and the number of documents added.
func ingestFresh(ctx context.Context, bin, dir, corpus string, want int) (childRun, int, error) {
	run, err := timeChild(ctx, bin, "ingest", "--data", dir, "--json", corpus)
	if err != nil {
		return childRun{}, 0, err
	}
	var sum struct {
		Added     *int `json:"added"`
		Updated   int  `json:"updated"`
		Unchanged int  `json:"unchanged"`
		Failed    *int `json:"failed"`
	}
	line := lastLine(run.stdout)
	if err := json.Unmarshal(line, &sum); err != nil || sum.Added == nil || sum.Failed == nil {
		return childRun{}, 0, fmt.Errorf("fundus ingest: last line of stdout is not the --json summary: %q", line)
	}
	if (want >= 0 && *sum.Added != want) || *sum.Failed != 0 || sum.Updated != 0 || sum.Unchanged != 0 {
		wanted := "documents added"
		if want >= 0 {
			wanted = fmt.Sprintf("%d added", want)
		}
		return childRun{}, 0, fmt.Errorf("fundus ingest: want %s and none failed in a fresh data directory; got %s", wanted, line)
	}
	return run, *sum.Added, nil
}

// dataStats is what `fundus stats --json` reports of a data directory.
type dataStats struct {
	Documents  int    `json:"documents"`   // in the store
	Indexed    uint64 `json:"indexed"`     // in the index
	StoreBytes int64  `json:"store_bytes"` // the Badger store on disk
	IndexBytes int64  `json:"index_bytes"` // the Bleve indexes on disk
}

// fundusStats runs `fundus stats --data dir --json`.
func fundusStats(ctx context.Context, bin, dir string) (dataStats, error) {
	out, err := exec.CommandContext(ctx, bin, "stats", "--data", dir, "--json").Output()
	if err != nil {
		return dataStats{}, fmt.Errorf("fundus stats: %w%s", err, stderrOf(err))
	}
	var st dataStats
	if err := json.Unmarshal(lastLine(out), &st); err != nil {
		return dataStats{}, fmt.Errorf("fundus stats: decode %q: %w", lastLine(out), err)
	}
	return st, nil
}

// timeChild runs name with args, and measures its wall time from start to
// exit and its peak RSS. A failed or killed child is an error that quotes
// the end of its stderr.
func timeChild(ctx context.Context, name string, args ...string) (childRun, error) {
	cmd := exec.CommandContext(ctx, name, args...)
	var out, errb bytes.Buffer
	cmd.Stdout = &out
	cmd.Stderr = &errb
	start := time.Now()
	err := cmd.Run()
	wall := time.Since(start)
	if err != nil {
		return childRun{}, fmt.Errorf("%s %v: %w\n%s", filepath.Base(name), args, err, tail(errb.Bytes(), 20))
	}
	ps := cmd.ProcessState
	return childRun{wall: wall, cpu: ps.UserTime() + ps.SystemTime(), maxRSS: maxRSS(ps), stdout: out.Bytes()}, nil
}

// lastLine returns the last non-empty line of b.
func lastLine(b []byte) []byte {
	b = bytes.TrimRight(b, "\r\n\t ")
	if i := bytes.LastIndexByte(b, '\n'); i >= 0 {
		b = b[i+1:]
	}
	return bytes.TrimSpace(b)
}

// tail returns the last n lines of b.
func tail(b []byte, n int) []byte {
	b = bytes.TrimRight(b, "\n")
	i := len(b)
	for ; n > 0 && i > 0; n-- {
		i = bytes.LastIndexByte(b[:i], '\n')
		if i < 0 {
			return b
		}
	}
	return b[i+1:]
}

func stderrOf(err error) string {
	var ee *exec.ExitError
	if errors.As(err, &ee) && len(ee.Stderr) > 0 {
		return "\n" + string(tail(ee.Stderr, 20))
	}
	return ""
}
