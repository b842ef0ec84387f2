// Command readabilitytrial runs go-readability over HTML files for the
// trial in ../trial_test.go (TestReadabilityTrial). It is a module of its
// own so that the library stays out of Fundus's go.mod: Fundus tried
// go-readability v2.1.3 and kept its own extractor (see the doc of
// package html).
//
// Usage: readabilitytrial DIR. For every DIR/NAME.html it writes
// DIR/NAME.json with the title, byline, language, the article as HTML and
// as the library's plain text, and the time and memory the library and
// Fundus's html.Parse took. The two run in turn on each file, in this one
// process, so that other load on the machine hits both alike.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	readability "codeberg.org/readeck/go-readability/v2"
	"codeberg.org/readeck/go-readability/v2/render"

	"github.com/fundus-kb/fundus/indexer/parse/html"
)

// Result is what the library found in one file.
type Result struct {
	Failed   bool   `json:"failed,omitempty"`
	Title    string `json:"title"`
	Byline   string `json:"byline"`
	Language string `json:"language"`
	HTML     string `json:"html"`
	Text     string `json:"text"`
	Nanos    int64  `json:"nanos"` // parsing and rendering the text, best of the runs
	Bytes    uint64 `json:"bytes"` // allocated by one run

	OursNanos int64  `json:"oursNanos"` // html.Parse, best of the runs
	OursBytes uint64 `json:"oursBytes"`
}

// allocated returns the bytes allocated so far.
func allocated() uint64 {
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.TotalAlloc
}

// runs is how often each file is parsed; the fastest run is reported.
const runs = 3

// fakeHost is the page address go-readability's own tests use.
var fakeHost, _ = url.ParseRequestURI("http://fakehost/test/page.html")

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: readabilitytrial DIR")
		os.Exit(2)
	}
	files, err := filepath.Glob(filepath.Join(os.Args[1], "*.html"))
	if err != nil || len(files) == 0 {
		fmt.Fprintln(os.Stderr, "no HTML files in", os.Args[1], err)
		os.Exit(1)
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		var r Result
		for i := range runs {
			before := allocated()
			start := time.Now()
			html.Parse(context.Background(), f, data)
			took := time.Since(start).Nanoseconds()
			if i == 0 || took < r.OursNanos {
				r.OursNanos = took
			}
			r.OursBytes = allocated() - before

			before = allocated()
			start = time.Now()
			a, err := readability.FromReader(bytes.NewReader(data), fakeHost)
			text := ""
			if err == nil && a.Node != nil {
				text = render.InnerText(a.Node)
			}
			took = time.Since(start).Nanoseconds()
			r.Bytes = allocated() - before
			if i == 0 || took < r.Nanos {
				r.Nanos = took
			}
			if i > 0 {
				continue
			}
			if err != nil {
				r.Failed = true
				continue
			}
			r.Title, r.Byline, r.Language, r.Text = a.Title(), a.Byline(), a.Language(), text
			if a.Node != nil {
				var b strings.Builder
				if err := a.RenderHTML(&b); err == nil {
					r.HTML = b.String()
				}
			}
		}
		out, err := json.Marshal(r)
		if err == nil {
			err = os.WriteFile(strings.TrimSuffix(f, ".html")+".json", out, 0o644)
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
	}
}
