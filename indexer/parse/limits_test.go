package parse

import (
	"bytes"
	"compress/flate"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
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

// nestedList is a list nested depth levels deep, one level a line, each
// item indented two columns more than its parent.
func nestedList(depth int) []byte {
	var b bytes.Buffer
	for i := range depth {
		b.WriteString(strings.Repeat(" ", 2*i))
		b.WriteString("- x\n")
	}
	return b.Bytes()
}

func TestMarkdownLimits(t *testing.T) {
	deep := func(line int, what string) wantErr {
		return wantErr{line: line, contains: fmt.Sprintf("too deeply nested (more than %d levels of %s at line %d)", MaxMarkdownDepth, what, line)}
	}
	tests := []struct {
		name string
		in   []byte
		want wantErr
	}{
		// 300 KB of ">" took 53 s; a 3,000-level list (9 MB) over 60 s and 900 MB.
		{name: "300 KB of block quote markers", in: bytes.Repeat([]byte(">"), 300_000), want: deep(1, "block quotes and lists")},
		{name: "3,000-level nested list", in: nestedList(3000), want: deep(MaxMarkdownDepth+1, "block quotes and lists")},
		{name: "quotes after text", in: []byte("# Title\n\nText.\n\n" + strings.Repeat("> ", 200) + "x\n"), want: deep(5, "block quotes and lists")},
		{name: "lists and quotes alternating", in: []byte(strings.Repeat("- > ", 60) + "x\n"), want: deep(1, "block quotes and lists")},
		{name: "ordered lists", in: []byte(strings.Repeat("1. ", 150) + "x\n"), want: deep(1, "block quotes and lists")},
		{name: "line counted below front matter", in: []byte("---\ntitle: Deep\n---\n\nText.\n" + strings.Repeat(">", 500)), want: deep(6, "block quotes and lists")},
		// 500,000 nested emphases took 17 s and 880 MB.
		{name: "nested emphasis", in: []byte("Text.\n\n" + strings.Repeat("*a ", 50_000) + strings.Repeat("a* ", 50_000)), want: deep(3, "emphasis and links")},
		{name: "too many markers", in: []byte(strings.Repeat("*a* [b](c) ", 60_000)), want: wantErr{contains: "too much markup (more than 200000 emphasis, link and code markers)", is: ErrTooMuchMarkup}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			recs, errs := parseGuarded(t, t.Context(), "deep.md", tt.in)
			if len(recs) != 0 || len(errs) != 1 {
				t.Fatalf("got %d records and errors %v, want one error", len(recs), errs)
			}
			checkParseError(t, "deep.md", errs[0], tt.want)
			var ne *NestingError
			if tt.want.is == nil && !errors.As(errs[0], &ne) {
				t.Errorf("error %v: got %T, want a *NestingError", errs[0], errors.Unwrap(errs[0]))
			}
		})
	}
}

// TestMarkdownWithinLimits checks that nesting up to the limits is read as
// before.
func TestMarkdownWithinLimits(t *testing.T) {
	tests := []struct {
		name     string
		in       string
		wantBody string
	}{
		{name: "100 block quotes", in: strings.Repeat(">", MaxMarkdownDepth) + " deep", wantBody: "deep"},
		{name: "50-level list", in: string(nestedList(50)), wantBody: strings.TrimSpace(strings.Repeat("x\n\n", 50))},
		{name: "git conflict markers", in: "Text.\n\n```\n<<<<<<< HEAD\na\n=======\nb\n>>>>>>> branch\n```\n", wantBody: "Text.\n\n<<<<<<< HEAD\na\n=======\nb\n>>>>>>> branch"},
		{name: "emphasis 50 deep", in: strings.Repeat("*a ", 50) + strings.Repeat("a* ", 50), wantBody: strings.TrimSpace(strings.Repeat("a ", 100))},
		{name: "thematic break", in: "a\n\n* * *\n\nb", wantBody: "a\n\nb"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			recs, errs := Markdown(t.Context(), "ok.md", []byte(tt.in))
			if len(errs) > 0 || len(recs) != 1 {
				t.Fatalf("got %d records, errors %v; want one record", len(recs), errs)
			}
			if got := recs[0].Doc.Body; got != tt.wantBody {
				t.Errorf("body: got %q, want %q", got, tt.wantBody)
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
		{name: "pdf", path: "slow.pdf", data: zeroStreamPDF(t, 1, 0)},
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
			checkParseError(t, tt.path, errs[0], wantErr{contains: "took too long (more than 30s)", is: ErrTooLong})
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

// zeroStream is a zlib stream of n zero bytes, built without compressing
// them: a block of zeros compressed once, repeated. Every block refers back
// only to zeros, so the copies decode to zeros too.
func zeroStream(n int64) []byte {
	const chunk = 1 << 20
	var buf bytes.Buffer
	fw, _ := flate.NewWriter(&buf, flate.BestCompression)
	zeros := make([]byte, chunk)
	_, _ = fw.Write(zeros)
	_ = fw.Flush()
	first := bytes.Clone(buf.Bytes())
	buf.Reset()
	_, _ = fw.Write(zeros)
	_ = fw.Flush()
	next := bytes.Clone(buf.Bytes())
	buf.Reset()
	_ = fw.Close()
	end := buf.Bytes()

	out := bytes.NewBuffer([]byte{0x78, 0xda})
	out.Write(first)
	for range n/chunk - 1 {
		out.Write(next)
	}
	out.Write(end)
	// The Adler-32 of n zeros: a stays 1, b adds 1 per byte.
	return binary.BigEndian.AppendUint32(out.Bytes(), uint32(n%65521)<<16|1)
}

// zeroStreamPDF is a PDF with pages of text, then a page whose content
// stream inflates to mb megabytes of zeros (PDF white space).
func zeroStreamPDF(t testing.TB, mb int, textPages int) []byte {
	t.Helper()
	var b bytes.Buffer
	var offs []int
	obj := func(format string, args ...any) {
		offs = append(offs, b.Len())
		fmt.Fprintf(&b, "%d 0 obj ", len(offs))
		fmt.Fprintf(&b, format, args...)
		b.WriteString(" endobj\n")
	}
	b.WriteString("%PDF-1.4\n")
	pages := textPages + 1
	var kids []string
	for i := range pages {
		kids = append(kids, fmt.Sprintf("%d 0 R", 4+2*i))
	}
	obj("<< /Type /Catalog /Pages 2 0 R >>")
	obj("<< /Type /Pages /Kids [%s] /Count %d >>", strings.Join(kids, " "), pages)
	obj("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
	for i := range pages {
		obj("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >> /Contents %d 0 R >>", 5+2*i)
		content := []byte(fmt.Sprintf("BT /F1 12 Tf 72 700 Td (Seite %d mit Text) Tj ET", i+1))
		filter := ""
		if i == textPages {
			content, filter = zeroStream(int64(mb)<<20), " /Filter /FlateDecode"
		}
		obj("<< /Length %d%s >> stream\n%s\nendstream", len(content), filter, content)
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(offs)+1)
	for _, o := range offs {
		fmt.Fprintf(&b, "%010d 00000 n \n", o)
	}
	fmt.Fprintf(&b, "trailer << /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(offs)+1, xref)
	return b.Bytes()
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
		if got := PDFInflateBudget(tt.size); got != tt.want {
			t.Errorf("PDFInflateBudget(%d): got %d, want %d", tt.size, got, tt.want)
		}
	}

	// A 1 MB file whose stream inflates to 1 GB took 7 to 25 s and 500 MB,
	// and was ingested as an empty, untruncated document.
	t.Run("1 GB stream", func(t *testing.T) {
		data := zeroStreamPDF(t, 1024, 0)
		recs, errs := parseGuarded(t, t.Context(), "bomb.pdf", data)
		if len(recs) != 0 || len(errs) != 1 {
			t.Fatalf("got %d records and errors %v, want one error", len(recs), errs)
		}
		checkParseError(t, "bomb.pdf", errs[0], wantErr{contains: "inflates past 32 MB", is: ErrInflate})
	})
	t.Run("text before the bomb is kept", func(t *testing.T) {
		data := zeroStreamPDF(t, 1024, 2)
		recs, errs := parseGuarded(t, t.Context(), "bomb.pdf", data)
		if len(errs) != 0 || len(recs) != 1 {
			t.Fatalf("got %d records, errors %v; want one record", len(recs), errs)
		}
		d := recs[0].Doc
		if want := "Seite 1 mit Text\n\nSeite 2 mit Text"; d.Body != want {
			t.Errorf("body: got %q, want %q", d.Body, want)
		}
		if d.Metadata["truncated"] != true {
			t.Errorf("metadata: got %v, want truncated", d.Metadata)
		}
	})
	t.Run("within the budget", func(t *testing.T) {
		data := zeroStreamPDF(t, 8, 1)
		recs, errs := parseGuarded(t, t.Context(), "ok.pdf", data)
		if len(errs) != 0 || len(recs) != 1 {
			t.Fatalf("got %d records, errors %v; want one record", len(recs), errs)
		}
		if d := recs[0].Doc; d.Body != "Seite 1 mit Text" || d.Metadata["truncated"] != nil {
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
		want     wantErr
	}{
		{name: "9,000 levels", path: "deep.json", in: `{"title": "x", "metadata": {"a": ` + deep(9000) + `}}`, want: wantErr{line: 1, contains: "too deeply nested (more than 256 levels of arrays and objects at line 1)"}},
		{name: "line of the level", path: "deep.json", in: "{\n\"title\": \"x\",\n\"metadata\": {\"a\":\n" + deep(300) + "}}", want: wantErr{line: 4, contains: "at line 4"}},
		{name: "brackets in strings", path: "ok.json", in: `{"title": "` + strings.Repeat("[{", 1000) + `", "body": "\"[["}`, wantRecs: 1},
		{name: "JSON Lines", path: "deep.jsonl", in: `{"title": "a"}` + "\n" + `{"metadata": {"a": ` + deep(300) + `}}` + "\n" + `{"title": "c"}`, wantRecs: 2, want: wantErr{line: 2, contains: "at line 2"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			recs, errs := parseGuarded(t, t.Context(), tt.path, []byte(tt.in))
			if len(recs) != tt.wantRecs {
				t.Errorf("got %d records, want %d", len(recs), tt.wantRecs)
			}
			if tt.want.contains == "" {
				if len(errs) > 0 {
					t.Errorf("got errors %v, want none", errs)
				}
				return
			}
			if len(errs) != 1 {
				t.Fatalf("got errors %v, want one", errs)
			}
			checkParseError(t, tt.path, errs[0], tt.want)
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
	checkParseError(t, "nested.html", errs[0], wantErr{contains: "too many elements (more than 1000000 tags)", is: ErrTooManyElements})
	if got := htmlTags([]byte("<a><B>< c<1</a><!-- x --><p"), 10); got != 3 {
		t.Errorf("htmlTags: got %d, want 3", got)
	}
}
