// Package parsetest holds the helpers the tests of the parsers under
// indexer/parse share: fixtures, checks of errors and of what every parse
// result must satisfy, and generated hostile inputs.
package parsetest

import (
	"bytes"
	"compress/flate"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/fundus-kb/fundus/indexer/parse/record"
	"github.com/fundus-kb/fundus/internal/checktext"
)

// FormatsTestdata holds the fixtures of the Markdown, JSON and text
// parsers, relative to a format package (indexer/parse/<format>).
const FormatsTestdata = "../../../testdata/parse"

// Fixture reads a fixture under FormatsTestdata.
func Fixture(t testing.TB, name string) []byte {
	t.Helper()
	return ReadFixture(t, FormatsTestdata, name)
}

// ReadFixture reads the fixture name (slash-separated) under dir.
func ReadFixture(t testing.TB, dir, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(name)))
	if err != nil {
		t.Fatalf("read fixture: %v", err)
	}
	return data
}

// SharedMissing stops a test whose data beside the repository (../shared)
// is not there: it fails in CI, which must provide the data, and is
// skipped elsewhere. format and args say what is missing.
func SharedMissing(t testing.TB, format string, args ...any) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatalf(format+"; CI must provide it", args...)
	}
	t.Skipf(format, args...)
}

// Fixtures returns the contents of all fixtures, for fuzz seeds.
func Fixtures(t testing.TB) [][]byte {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join(FormatsTestdata, "*", "*"))
	if err != nil || len(paths) == 0 {
		t.Fatalf("no fixtures under %s (err %v)", FormatsTestdata, err)
	}
	var out [][]byte
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatalf("read fixture: %v", err)
		}
		out = append(out, data)
	}
	return out
}

// Input returns the path and content of a test case's input: the fixture
// file under FormatsTestdata when file is set, else in under path.
func Input(t testing.TB, path, file, in string) (string, []byte) {
	t.Helper()
	if file != "" {
		return file, Fixture(t, file)
	}
	return path, []byte(in)
}

// One returns the record of a parse that must yield one record and no
// error, and stops the test otherwise.
func One(t testing.TB, recs []record.Record, errs []error) record.Record {
	t.Helper()
	if len(errs) > 0 || len(recs) != 1 {
		t.Fatalf("got %d records and errors %v, want 1 record", len(recs), errs)
	}
	return recs[0]
}

// CheckWhole checks that r is the one record of a whole-file parse of
// data: no suffix, no line, and Raw the whole file.
func CheckWhole(t testing.TB, r record.Record, data []byte) {
	t.Helper()
	if r.Suffix != "" || r.Line != 0 || string(r.Raw) != string(data) {
		t.Errorf("record: got suffix %q line %d raw %d bytes, want \"\", 0, the file (%d bytes)", r.Suffix, r.Line, len(r.Raw), len(data))
	}
}

// CheckBody checks that body holds each string of has and none of hasNot
// (checktext.Contains).
func CheckBody(t testing.TB, body string, has, hasNot []string) {
	t.Helper()
	checktext.Contains(t, body, has, hasNot)
}

// WantErr describes an expected parse error.
type WantErr struct {
	Line     int
	Contains string
	Is       error // checked with errors.Is when set
}

// CheckError checks that err is a *record.Error for path matching want.
func CheckError(t *testing.T, path string, err error, want WantErr) {
	t.Helper()
	var pe *record.Error
	if !errors.As(err, &pe) {
		t.Fatalf("error %v is a %T, want *record.Error", err, err)
	}
	if pe.Path != path {
		t.Errorf("error path: got %q, want %q", pe.Path, path)
	}
	if pe.Line != want.Line {
		t.Errorf("error line: got %d, want %d (error %q)", pe.Line, want.Line, err)
	}
	if !strings.Contains(err.Error(), want.Contains) {
		t.Errorf("error: got %q, want it to contain %q", err, want.Contains)
	}
	if want.Is != nil && !errors.Is(err, want.Is) {
		t.Errorf("error: got %q, want errors.Is %v", err, want.Is)
	}
}

// CheckErrors checks that errs are as many as want and that each matches
// its WantErr, as CheckError does.
func CheckErrors(t *testing.T, path string, errs []error, want []WantErr) {
	t.Helper()
	if len(errs) != len(want) {
		t.Fatalf("got errors %v, want %d", errs, len(want))
	}
	for i, w := range want {
		CheckError(t, path, errs[i], w)
	}
}

// CheckInvariants checks what every parser result must satisfy, whatever
// the input: errors are *record.Error values naming path, one-document
// records have Raw == data and no suffix, and documents hold valid UTF-8
// and marshal to JSON.
func CheckInvariants(t testing.TB, path string, data []byte, recs []record.Record, errs []error) {
	t.Helper()
	for _, err := range errs {
		var pe *record.Error
		if !errors.As(err, &pe) {
			t.Fatalf("error %v is a %T, want *record.Error", err, err)
		}
		if pe.Path != path || pe.Line < 0 || pe.Err == nil {
			t.Fatalf("bad error %#v", pe)
		}
	}
	for i, r := range recs {
		if r.Suffix == "" {
			if len(recs) != 1 {
				t.Fatalf("record %d: empty suffix among %d records", i, len(recs))
			}
			if string(r.Raw) != string(data) {
				t.Fatalf("record %d: one-document Raw is not the whole file", i)
			}
		} else {
			if !strings.HasPrefix(r.Suffix, "#") {
				t.Fatalf("record %d: suffix %q does not start with #", i, r.Suffix)
			}
			if _, err := strconv.Atoi(r.Suffix[1:]); err != nil {
				t.Fatalf("record %d: suffix %q is not #<number>", i, r.Suffix)
			}
			if r.Line < 1 || r.Line > strings.Count(string(data), "\n")+1 {
				t.Fatalf("record %d: line %d outside the file", i, r.Line)
			}
			if !strings.Contains(string(data), string(r.Raw)) && !json.Valid(r.Raw) {
				t.Fatalf("record %d: Raw %q neither from the input nor JSON", i, r.Raw)
			}
		}
		d := r.Doc
		for _, s := range []string{d.ID, d.Type, d.Title, d.Summary, d.Body, d.Date, d.Language, d.Source, d.PolicyArea, d.Challenge, d.Approach, d.Outcome} {
			if !utf8.ValidString(s) {
				t.Fatalf("record %d: invalid UTF-8 in %q", i, s)
			}
		}
		if _, err := json.Marshal(d); err != nil {
			t.Fatalf("record %d: document does not marshal: %v", i, err)
		}
	}
}

// NestedList is a Markdown list nested depth levels deep, one level a line,
// each item indented two columns more than its parent.
func NestedList(depth int) []byte {
	var b bytes.Buffer
	for i := range depth {
		b.WriteString(strings.Repeat(" ", 2*i))
		b.WriteString("- x\n")
	}
	return b.Bytes()
}

// ZeroStream is a zlib stream of n zero bytes, built without compressing
// them: a block of zeros compressed once, repeated. Every block refers back
// only to zeros, so the copies decode to zeros too.
func ZeroStream(n int64) []byte {
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

// ZeroStreamPDF is a PDF with pages of text, then a page whose content
// stream inflates to mb megabytes of zeros (PDF white space).
func ZeroStreamPDF(t testing.TB, mb int, textPages int) []byte {
	t.Helper()
	var w pdfWriter
	pages := textPages + 1
	var kids []string
	for i := range pages {
		kids = append(kids, fmt.Sprintf("%d 0 R", 4+2*i))
	}
	w.obj("<< /Type /Catalog /Pages 2 0 R >>")
	w.obj("<< /Type /Pages /Kids [%s] /Count %d >>", strings.Join(kids, " "), pages)
	w.obj("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
	for i := range pages {
		w.obj("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >> /Contents %d 0 R >>", 5+2*i)
		content := []byte(fmt.Sprintf("BT /F1 12 Tf 72 700 Td (Seite %d mit Text) Tj ET", i+1))
		filter := ""
		if i == textPages {
			content, filter = ZeroStream(int64(mb)<<20), " /Filter /FlateDecode"
		}
		w.obj("<< /Length %d%s >> stream\n%s\nendstream", len(content), filter, content)
	}
	return w.finish()
}

// PagesPDF is a PDF of n pages that share one content stream: lines of
// text that fill the page, many times over. Reading it takes seconds, for
// tests of how a parse stops.
func PagesPDF(n int) []byte {
	var w pdfWriter
	var kids []string
	for i := range n {
		kids = append(kids, fmt.Sprintf("%d 0 R", 5+i))
	}
	var content bytes.Buffer
	content.WriteString("BT /F1 10 Tf 72 760 Td 12 TL\n")
	for i := range 60 {
		fmt.Fprintf(&content, "(Zeile %d mit einigen Worten, die die Seite fuellen.) '\n", i+1)
	}
	content.WriteString("ET")
	w.obj("<< /Type /Catalog /Pages 2 0 R >>")
	w.obj("<< /Type /Pages /Kids [%s] /Count %d >>", strings.Join(kids, " "), n)
	w.obj("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
	w.obj("<< /Length %d >> stream\n%s\nendstream", content.Len(), content.Bytes())
	for range n {
		w.obj("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >> /Contents 4 0 R >>")
	}
	return w.finish()
}

// pdfWriter writes the numbered objects of a PDF file, the first being its
// catalog, then its cross-reference table and trailer.
type pdfWriter struct {
	b    bytes.Buffer
	offs []int
}

func (w *pdfWriter) obj(format string, args ...any) {
	if w.b.Len() == 0 {
		w.b.WriteString("%PDF-1.4\n")
	}
	w.offs = append(w.offs, w.b.Len())
	fmt.Fprintf(&w.b, "%d 0 obj ", len(w.offs))
	fmt.Fprintf(&w.b, format, args...)
	w.b.WriteString(" endobj\n")
}

func (w *pdfWriter) finish() []byte {
	xref := w.b.Len()
	fmt.Fprintf(&w.b, "xref\n0 %d\n0000000000 65535 f \n", len(w.offs)+1)
	for _, o := range w.offs {
		fmt.Fprintf(&w.b, "%010d 00000 n \n", o)
	}
	fmt.Fprintf(&w.b, "trailer << /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(w.offs)+1, xref)
	return w.b.Bytes()
}
