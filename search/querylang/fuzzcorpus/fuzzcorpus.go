// Package fuzzcorpus reads the project's fuzz seed corpora (testdata/fuzz/
// at the top level), written in Go's corpus file format ("go test fuzz
// v1"), for fuzz targets that take strings: the query language's parser,
// its compiler and the HTTP search parameters all share one corpus of
// query strings.
package fuzzcorpus

import (
	"bufio"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// Read returns the string values of the corpus files in dir, in file-name
// order; a file it cannot read fails tb.
func Read(tb testing.TB, dir string) []string {
	tb.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*"))
	if err != nil {
		tb.Fatal(err)
	}
	var out []string
	for _, name := range files {
		data, err := os.ReadFile(name)
		if err != nil {
			tb.Fatal(err)
		}
		sc := bufio.NewScanner(strings.NewReader(string(data)))
		sc.Buffer(nil, 1<<20)
		if !sc.Scan() || sc.Text() != "go test fuzz v1" {
			tb.Fatalf("%s: not a corpus file", name)
		}
		for sc.Scan() {
			line := strings.TrimSpace(sc.Text())
			var quoted string
			switch {
			case strings.HasPrefix(line, "string(") && strings.HasSuffix(line, ")"):
				quoted = line[len("string(") : len(line)-1]
			case strings.HasPrefix(line, "[]byte(") && strings.HasSuffix(line, ")"):
				quoted = line[len("[]byte(") : len(line)-1]
			default:
				tb.Fatalf("%s: unsupported value %q", name, line)
			}
			s, err := strconv.Unquote(quoted)
			if err != nil {
				tb.Fatalf("%s: %v", name, err)
			}
			out = append(out, s)
		}
		if err := sc.Err(); err != nil {
			tb.Fatalf("%s: %v", name, err)
		}
	}
	return out
}
