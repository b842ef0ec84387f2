package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fundus-kb/fundus/internal/tabletest"
)

func TestLastLine(t *testing.T) {
	out := []byte("progress\n{\"added\":3,\"failed\":0}\n\n")
	if got := string(lastLine(out)); got != `{"added":3,"failed":0}` {
		t.Errorf("lastLine = %q", got)
	}
	if got := string(lastLine(nil)); got != "" {
		t.Errorf("lastLine(nil) = %q", got)
	}
}

func TestTail(t *testing.T) {
	if got := string(tail([]byte("a\nb\nc\n"), 2)); got != "b\nc" {
		t.Errorf("tail = %q", got)
	}
	if got := string(tail([]byte("a\nb"), 5)); got != "a\nb" {
		t.Errorf("tail = %q", got)
	}
}

func TestShellQuote(t *testing.T) {
	tabletest.Map(t, "shellQuote", shellQuote, map[string]string{
		"../shared/eval/scifact/corpus.jsonl": "../shared/eval/scifact/corpus.jsonl",
		"--rounds=3":                          "--rounds=3",
		"my corpus.jsonl":                     "'my corpus.jsonl'",
		"it's":                                `'it'\''s'`,
		"":                                    "''",
	})
}

func TestMissingCorpus(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "nope", "corpus.jsonl")
	err := run(context.Background(), []string{"ingest", "--fundus", os.Args[0], "--corpus", missing}, io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), missing) {
		t.Fatalf("err = %v, want one naming %s", err, missing)
	}
}

func TestUsage(t *testing.T) {
	var stderr bytes.Buffer
	err := run(context.Background(), nil, io.Discard, &stderr)
	if exitCode(err) != 2 || !strings.Contains(stderr.String(), "usage:") {
		t.Errorf("no args: err %v, stderr %q", err, stderr.String())
	}
	if err := run(context.Background(), []string{"frobnicate"}, io.Discard, io.Discard); exitCode(err) != 2 {
		t.Errorf("unknown subcommand: err %v", err)
	}
}

func TestBaselineChildSmall(t *testing.T) {
	dir := t.TempDir()
	corpus := filepath.Join(dir, "corpus.jsonl")
	data := `{"_id": "1", "title": "Lead users", "text": "Lead users develop solutions before the market does."}
{"_id": "2", "title": "Open labs", "text": "The lab opened its doors to the public and the firms in the region."}
{"_id": "3", "title": "Tandems", "text": "Start-ups and incumbents work in tandems for six months."}
`
	if err := os.WriteFile(corpus, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name    string
		mapping []string // the --mapping flag, if any
		usage   bool     // want a usage error
	}{
		{name: "default mapping"},
		{name: "fundus mapping", mapping: []string{"--mapping", "fundus"}},
		{name: "plain mapping", mapping: []string{"--mapping", "plain"}},
		{name: "unknown mapping", mapping: []string{"--mapping", "dynamic"}, usage: true},
	} {
		t.Run(c.name, func(t *testing.T) {
			var out bytes.Buffer
			args := append([]string{"baseline-child", "--corpus", corpus, "--dir", filepath.Join(t.TempDir(), "ix"), "--batch", "2"}, c.mapping...)
			err := run(context.Background(), args, &out, io.Discard)
			if c.usage {
				if exitCode(err) != 2 {
					t.Errorf("err = %v, want a usage error", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(out.String(), `"docs":3`) {
				t.Errorf("output %q, want docs 3", out.String())
			}
		})
	}
}

func TestFundusBinary(t *testing.T) {
	self, err := filepath.Abs(os.Args[0])
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name, path string
		want       string // "" for an error
		usage      bool   // the error is a usage error
	}{
		{name: "not given", path: "", usage: true},
		{name: "missing", path: filepath.Join(t.TempDir(), "no-fundus")},
		{name: "found", path: os.Args[0], want: self},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, err := fundusBinary("test", c.path)
			var ue *usageError
			switch {
			case c.want != "" && (err != nil || got != c.want):
				t.Errorf("fundusBinary(%q) = %q, %v; want %q", c.path, got, err, c.want)
			case c.want == "" && err == nil:
				t.Errorf("fundusBinary(%q) = %q, want an error", c.path, got)
			case c.want == "" && errors.As(err, &ue) != c.usage:
				t.Errorf("fundusBinary(%q): %v; usage error %v, want %v", c.path, err, !c.usage, c.usage)
			}
		})
	}
}

// TestBenchFlagBounds checks the bounds benchFlags.parse enforces: the
// first flag out of bounds is named, in the words of its bound, before
// --fundus is looked at.
func TestBenchFlagBounds(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string // the error; "" for none
	}{
		{"in bounds", []string{"--nodes", "2", "--writes", "1"}, ""},
		{"below", []string{"--nodes", "1"}, "cluster: --nodes must be between 2 and 5"},
		{"above", []string{"--nodes", "6"}, "cluster: --nodes must be between 2 and 5"},
		{"at least", []string{"--writes", "0"}, "cluster: --writes must be at least 1"},
		{"the first defined", []string{"--rounds", "0", "--nodes", "9"}, "cluster: --nodes must be between 2 and 5"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fs := newBenchFlags("cluster", io.Discard)
			fs.intBetween("nodes", 3, 2, 5, "")
			fs.intAtLeast("writes", 1000, 1, "")
			fs.intBetween("rounds", 2, 1, 10, "")
			err := fs.parse(tt.args)
			var ue *usageError
			switch {
			case tt.want == "" && err != nil:
				t.Errorf("parse(%q) = %v, want no error", tt.args, err)
			case tt.want != "" && (!errors.As(err, &ue) || err.Error() != tt.want):
				t.Errorf("parse(%q) = %v, want the usage error %q", tt.args, err, tt.want)
			}
		})
	}
}
