package parse

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/fundus-kb/fundus/indexer/parse/html"
	"github.com/fundus-kb/fundus/indexer/parse/internal/parsetest"
	"github.com/fundus-kb/fundus/indexer/parse/markdown"
	"github.com/fundus-kb/fundus/indexer/parse/pdf"
)

// hangGuard is how long a hostile input may take before a test gives up on
// it. It is a guard against a hang, not a measurement: every input below is
// refused within milliseconds to a second or two; without the limits they
// take from tens of seconds to many minutes.
const hangGuard = 60 * time.Second

// parseGuarded runs File and fails the test if it has not returned within
// hangGuard.
func parseGuarded(t *testing.T, ctx context.Context, path string, data []byte) ([]Record, []error) {
	t.Helper()
	type result struct {
		recs []Record
		errs []error
	}
	done := make(chan result, 1)
	go func() {
		recs, errs := File(ctx, path, data)
		done <- result{recs, errs}
	}()
	select {
	case r := <-done:
		return r.recs, r.errs
	case <-time.After(hangGuard):
		t.Fatalf("%s: still parsing after %v", path, hangGuard)
		return nil, nil
	}
}

func TestMarkdownLimits(t *testing.T) {
	deep := func(line int, what string) parsetest.WantErr {
		return parsetest.WantErr{Line: line, Contains: fmt.Sprintf("too deeply nested (more than %d levels of %s at line %d)", markdown.MaxDepth, what, line)}
	}
	tests := []struct {
		name string
		in   []byte
		want parsetest.WantErr
	}{
		// 300 KB of ">" took 53 s; a 3,000-level list (9 MB) over 60 s and 900 MB.
		{name: "300 KB of block quote markers", in: bytes.Repeat([]byte(">"), 300_000), want: deep(1, "block quotes and lists")},
		{name: "3,000-level nested list", in: parsetest.NestedList(3000), want: deep(markdown.MaxDepth+1, "block quotes and lists")},
		{name: "quotes after text", in: []byte("# Title\n\nText.\n\n" + strings.Repeat("> ", 200) + "x\n"), want: deep(5, "block quotes and lists")},
		{name: "lists and quotes alternating", in: []byte(strings.Repeat("- > ", 60) + "x\n"), want: deep(1, "block quotes and lists")},
		{name: "ordered lists", in: []byte(strings.Repeat("1. ", 150) + "x\n"), want: deep(1, "block quotes and lists")},
		{name: "line counted below front matter", in: []byte("---\ntitle: Deep\n---\n\nText.\n" + strings.Repeat(">", 500)), want: deep(6, "block quotes and lists")},
		// 500,000 nested emphases took 17 s and 880 MB.
		{name: "nested emphasis", in: []byte("Text.\n\n" + strings.Repeat("*a ", 50_000) + strings.Repeat("a* ", 50_000)), want: deep(3, "emphasis and links")},
		{name: "too many markers", in: []byte(strings.Repeat("*a* [b](c) ", 60_000)), want: parsetest.WantErr{Contains: "too much markup (more than 200000 emphasis, link and code markers)", Is: markdown.ErrTooMuchMarkup}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			recs, errs := parseGuarded(t, t.Context(), "deep.md", tt.in)
			if len(recs) != 0 || len(errs) != 1 {
				t.Fatalf("got %d records and errors %v, want one error", len(recs), errs)
			}
			parsetest.CheckError(t, "deep.md", errs[0], tt.want)
			var ne *NestingError
			if tt.want.Is == nil && !errors.As(errs[0], &ne) {
				t.Errorf("error %v: got %T, want a *NestingError", errs[0], errors.Unwrap(errs[0]))
			}
		})
	}
}

// TestParseDeadline checks that the parsers that can run long stop at the
// deadline of their context: a context whose deadline has passed stops them
// at their first check.
func TestParseDeadline(t *testing.T) {
	tests := []struct {
		name string
		path string
		data []byte
	}{
		{name: "markdown", path: "slow.md", data: []byte(strings.Repeat(strings.Repeat(">", 90)+" *text* [link](x)\n", 1000))},
		{name: "pdf", path: "slow.pdf", data: parsetest.ZeroStreamPDF(t, 1, 0)},
		{name: "html", path: "slow.html", data: []byte("<title>T</title><p>" + strings.Repeat("text ", 1000))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithDeadline(t.Context(), time.Now())
			defer cancel()
			recs, errs := parseGuarded(t, ctx, tt.path, tt.data)
			if len(recs) != 0 || len(errs) != 1 {
				t.Fatalf("got %d records and errors %v, want one error", len(recs), errs)
			}
			parsetest.CheckError(t, tt.path, errs[0], parsetest.WantErr{Contains: "took too long (more than 30s)", Is: ErrTooLong})
		})
	}
	t.Run("cancelled", func(t *testing.T) {
		ctx, cancel := context.WithCancel(t.Context())
		cancel()
		_, errs := File(ctx, "x.md", []byte(strings.Repeat("*a* ", 1000)))
		if len(errs) != 1 || !errors.Is(errs[0], context.Canceled) {
			t.Errorf("got errors %v, want context.Canceled", errs)
		}
	})
}

func TestPDFInflateBudget(t *testing.T) {
	for _, tt := range []struct {
		size int
		want int64
	}{
		{size: 1 << 10, want: 32 << 20},
		{size: 1 << 20, want: 32 << 20},
		{size: 4 << 20, want: 80 << 20},
		{size: 100 << 20, want: 256 << 20},
	} {
		if got := pdf.InflateBudget(tt.size); got != tt.want {
			t.Errorf("InflateBudget(%d): got %d, want %d", tt.size, got, tt.want)
		}
	}

	// A 1 MB file whose stream inflates to 1 GB took 7 to 25 s and 500 MB,
	// and was ingested as an empty, untruncated document.
	t.Run("1 GB stream", func(t *testing.T) {
		data := parsetest.ZeroStreamPDF(t, 1024, 0)
		recs, errs := parseGuarded(t, t.Context(), "bomb.pdf", data)
		if len(recs) != 0 || len(errs) != 1 {
			t.Fatalf("got %d records and errors %v, want one error", len(recs), errs)
		}
		parsetest.CheckError(t, "bomb.pdf", errs[0], parsetest.WantErr{Contains: "inflates past 32 MB", Is: pdf.ErrInflate})
	})
	t.Run("text before the bomb is kept", func(t *testing.T) {
		data := parsetest.ZeroStreamPDF(t, 1024, 2)
		recs, errs := parseGuarded(t, t.Context(), "bomb.pdf", data)
		d := parsetest.One(t, recs, errs).Doc
		if want := "Seite 1 mit Text\n\nSeite 2 mit Text"; d.Body != want {
			t.Errorf("body: got %q, want %q", d.Body, want)
		}
		if d.Metadata["truncated"] != true {
			t.Errorf("metadata: got %v, want truncated", d.Metadata)
		}
	})
	t.Run("within the budget", func(t *testing.T) {
		data := parsetest.ZeroStreamPDF(t, 8, 1)
		recs, errs := parseGuarded(t, t.Context(), "ok.pdf", data)
		r := parsetest.One(t, recs, errs)
		if d := r.Doc; d.Body != "Seite 1 mit Text" || d.Metadata["truncated"] != nil {
			t.Errorf("got body %q metadata %v, want the page's text, not truncated", d.Body, d.Metadata)
		}
	})
}

func TestJSONDepth(t *testing.T) {
	deep := func(n int) string { return strings.Repeat("[", n) + strings.Repeat("]", n) }
	tests := []struct {
		name     string
		path     string
		in       string
		wantRecs int
		want     parsetest.WantErr
	}{
		{name: "9,000 levels", path: "deep.json", in: `{"title": "x", "metadata": {"a": ` + deep(9000) + `}}`, want: parsetest.WantErr{Line: 1, Contains: "too deeply nested (more than 256 levels of arrays and objects at line 1)"}},
		{name: "line of the level", path: "deep.json", in: "{\n\"title\": \"x\",\n\"metadata\": {\"a\":\n" + deep(300) + "}}", want: parsetest.WantErr{Line: 4, Contains: "at line 4"}},
		{name: "brackets in strings", path: "ok.json", in: `{"title": "` + strings.Repeat("[{", 1000) + `", "body": "\"[["}`, wantRecs: 1},
		{name: "JSON Lines", path: "deep.jsonl", in: `{"title": "a"}` + "\n" + `{"metadata": {"a": ` + deep(300) + `}}` + "\n" + `{"title": "c"}`, wantRecs: 2, want: parsetest.WantErr{Line: 2, Contains: "at line 2"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			recs, errs := parseGuarded(t, t.Context(), tt.path, []byte(tt.in))
			if len(recs) != tt.wantRecs {
				t.Errorf("got %d records, want %d", len(recs), tt.wantRecs)
			}
			if tt.want.Contains == "" {
				if len(errs) > 0 {
					t.Errorf("got errors %v, want none", errs)
				}
				return
			}
			if len(errs) != 1 {
				t.Fatalf("got errors %v, want one", errs)
			}
			parsetest.CheckError(t, tt.path, errs[0], tt.want)
		})
	}
}

func TestMarkupSize(t *testing.T) {
	big := append([]byte("<title>Big</title><p>"), bytes.Repeat([]byte("text "), MaxMarkupBytes/5+1)...)
	for _, path := range []string{"big.html", "big.md"} {
		_, errs := File(t.Context(), path, big)
		want := fmt.Sprintf("over the limit of %d for Markdown and HTML", MaxMarkupBytes)
		if len(errs) != 1 || !strings.Contains(errs[0].Error(), want) {
			t.Errorf("%s: got errors %v, want one saying %q", path, errs, want)
		}
	}
}

// TestHTMLElements checks that a page of more elements than x/net/html
// should hold is refused before it is parsed (a 31 MB page of 2.8 million
// nested elements took 14 s and 940 MB).
func TestHTMLElements(t *testing.T) {
	page := "<html><body>" + strings.Repeat(strings.Repeat("<div>", 400)+"<p>words words, words.</p>"+strings.Repeat("</div>", 400), 2600)
	_, errs := parseGuarded(t, t.Context(), "nested.html", []byte(page))
	if len(errs) != 1 {
		t.Fatalf("got errors %v, want one", errs)
	}
	parsetest.CheckError(t, "nested.html", errs[0], parsetest.WantErr{Contains: "too many elements (more than 1000000 tags)", Is: html.ErrTooManyElements})
}
