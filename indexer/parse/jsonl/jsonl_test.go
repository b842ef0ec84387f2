package jsonl

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/fundus-kb/fundus/indexer/parse/internal/parsetest"
	"github.com/fundus-kb/fundus/indexer/parse/record"
	"github.com/fundus-kb/fundus/search"
)

// wantRec describes an expected record.
type wantRec struct {
	suffix string
	line   int
	doc    search.Document
	raw    string // checked when set
}

func checkRecords(t *testing.T, got []record.Record, want []wantRec) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got %d records, want %d", len(got), len(want))
	}
	for i, w := range want {
		g := got[i]
		if g.Suffix != w.suffix || g.Line != w.line {
			t.Errorf("record %d: got suffix %q line %d, want %q line %d", i, g.Suffix, g.Line, w.suffix, w.line)
		}
		if !reflect.DeepEqual(g.Doc, w.doc) {
			gb, _ := json.Marshal(g.Doc)
			wb, _ := json.Marshal(w.doc)
			t.Errorf("record %d: got %s\nwant %s", i, gb, wb)
		}
		if w.raw != "" && string(g.Raw) != w.raw {
			t.Errorf("record %d raw: got %q, want %q", i, g.Raw, w.raw)
		}
	}
}

// parseCase is a case of TestJSON or TestJSONLines.
type parseCase struct {
	name     string
	file     string // a fixture, or
	in       string // inline input
	want     []wantRec
	wantErrs []parsetest.WantErr
}

// runParseCases runs parse on each case's input (under path when inline)
// and checks the invariants, the records and the errors.
func runParseCases(t *testing.T, path string, parse func(context.Context, string, []byte) ([]record.Record, []error), tests []parseCase) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path, data := parsetest.Input(t, path, tt.file, tt.in)
			recs, errs := parse(t.Context(), path, data)
			parsetest.CheckInvariants(t, path, data, recs, errs)
			checkRecords(t, recs, tt.want)
			parsetest.CheckErrors(t, path, errs, tt.wantErrs)
			for _, r := range recs {
				if r.Suffix == "" && string(r.Raw) != string(data) {
					t.Errorf("raw: got %q, want the whole file", r.Raw)
				}
				if r.Suffix != "" && !json.Valid(r.Raw) {
					t.Errorf("raw %q is not the element's JSON", r.Raw)
				}
			}
		})
	}
}

// notTextCases are the files that both parsers refuse as not text.
var notTextCases = []parseCase{
	{
		name:     "binary junk",
		file:     "bad/binary.md",
		wantErrs: []parsetest.WantErr{{Contains: "binary file", Is: record.ErrBinary}},
	},
	{
		name:     "empty file",
		file:     "bad/empty.md",
		wantErrs: []parsetest.WantErr{{Contains: "empty file", Is: record.ErrEmpty}},
	},
}

func TestJSON(t *testing.T) {
	tests := []parseCase{
		{
			name: "single object",
			file: "good/object.json",
			want: []wantRec{{doc: search.Document{
				ID: "42", Type: "recommendation", Title: "Open data for innovation contests",
				Summary:    "Public bodies should publish data sets that innovation contests can build on.",
				Body:       "Open data lowers the cost of taking part in innovation contests.",
				Date:       "2020-06-30",
				Topics:     []string{"open data", "contests"},
				Addressees: []string{"Municipalities"},
				PolicyArea: "Digital policy",
				Metadata: map[string]any{
					"rating":   json.Number("4.5"),
					"reviewed": map[string]any{"by": "editorial board", "on": "2020-07-01"},
				},
			}}},
		},
		{
			name: "array of objects",
			file: "good/array.json",
			want: []wantRec{
				{suffix: "#0", line: 2, doc: search.Document{
					ID: "w-1", Type: "webinar", Title: "Crowdsourcing basics",
					Body: "How to run a first crowdsourcing campaign.", Date: "2019-03-01",
					People: []string{"Ann Lee", "Bo Chen"},
				}},
				{suffix: "#1", line: 10, doc: search.Document{
					ID: "w-2", Title: "Innovation-Communitys aufbauen",
					Body: "Wie Unternehmen eine Community für Ideen aufbauen.", Language: "de",
					Metadata: map[string]any{"series": "Grundlagen", "episode": json.Number("2")},
				}},
			},
		},
		{
			name: "bad elements fail alone",
			file: "bad/array-mixed.json",
			want: []wantRec{
				{suffix: "#0", line: 2, doc: search.Document{ID: "a", Title: "First"}, raw: `{"id": "a", "title": "First"}`},
				{suffix: "#3", line: 5, doc: search.Document{ID: "d", Title: "Fourth"}, raw: `{"id": "d", "title": "Fourth"}`},
			},
			wantErrs: []parsetest.WantErr{
				{Line: 3, Contains: "element 1: want an object, got a string"},
				{Line: 4, Contains: `element 2: field "title": want a string, got map`},
			},
		},
		{
			name:     "invalid JSON",
			file:     "bad/invalid.json",
			wantErrs: []parsetest.WantErr{{Line: 4, Contains: "invalid JSON: invalid character '\"' after object key:value pair"}},
		},
		{
			name:     "invalid UTF-8",
			in:       "{\n\"title\": \"Gr\xfc\xdfe\"\n}",
			wantErrs: []parsetest.WantErr{{Line: 2, Contains: "not valid UTF-8", Is: record.ErrUTF8}},
		},
		{
			name: "BOM, CRLF and exact numbers",
			in:   "\uFEFF{\r\n\"_id\": 12345678901234567890,\r\n\"text\": \"x\", \"score\": 0.1000}\r\n",
			want: []wantRec{{doc: search.Document{ID: "12345678901234567890", Body: "x", Metadata: map[string]any{"score": json.Number("0.1000")}}}},
		},
		{
			name: "empty array",
			in:   " [ ] ",
		},
		{
			name:     "scalar",
			in:       `"just a string"`,
			wantErrs: []parsetest.WantErr{{Contains: "want an object or an array of objects, got a string"}},
		},
		{
			name:     "two objects",
			in:       "{\"a\": 1}\n{\"b\": 2}",
			wantErrs: []parsetest.WantErr{{Line: 2, Contains: "after top-level value"}},
		},
		{
			name:     "truncated",
			in:       "[\n{\"a\": 1},\n{\"b\": ",
			wantErrs: []parsetest.WantErr{{Line: 3, Contains: "unexpected end of JSON input"}},
		},
		{
			name:     "object with a bad field",
			in:       "\n\n{\"title\": [1, {}]}",
			wantErrs: []parsetest.WantErr{{Line: 3, Contains: `field "title": want a string, got list`}},
		},
	}
	runParseCases(t, "in.json", JSON, append(tests, notTextCases...))
}

func TestJSONLines(t *testing.T) {
	beir := `{"_id": "4983", "title": "Lead users in medical technology", "text": "Lead users develop solutions before the market does.", "metadata": {}}`
	tests := []parseCase{
		{
			name: "three records, one without id",
			file: "good/records.jsonl",
			want: []wantRec{
				{suffix: "#1", line: 1, raw: beir, doc: search.Document{ID: "4983", Title: "Lead users in medical technology", Body: "Lead users develop solutions before the market does."}},
				{suffix: "#3", line: 3, doc: search.Document{Title: "A record without an id", Body: "The indexer gives it the file id plus #3.", Topics: []string{"lead users"}}},
				{suffix: "#4", line: 4, doc: search.Document{
					ID: "c-7", Type: "case", Title: "Co-creation with hospitals",
					Summary: "Clinicians and engineers designed a device together.", Date: "2022-02-14",
					Metadata: map[string]any{"country": "DE"},
				}},
			},
		},
		{
			name: "one bad line among good ones",
			file: "bad/bad-line.jsonl",
			want: []wantRec{
				{suffix: "#1", line: 1, doc: search.Document{ID: "1", Title: "Good one", Body: "first"}},
				{suffix: "#3", line: 3, doc: search.Document{ID: "3", Title: "Good two", Body: "third"}},
				{suffix: "#4", line: 4, doc: search.Document{ID: "4", Title: "Good three", Body: "fourth"}},
			},
			wantErrs: []parsetest.WantErr{{Line: 2, Contains: "invalid JSON at column 42: invalid character '}' looking for beginning of value"}},
		},
		{
			name: "CRLF, BOM, blank lines and no final newline",
			in:   "\uFEFF{\"_id\": \"a\", \"text\": \"x\"}\r\n\r\n   \r\n{\"_id\": 2, \"text\": \"y\"}",
			want: []wantRec{
				{suffix: "#1", line: 1, raw: `{"_id": "a", "text": "x"}`, doc: search.Document{ID: "a", Body: "x"}},
				{suffix: "#4", line: 4, raw: `{"_id": 2, "text": "y"}`, doc: search.Document{ID: "2", Body: "y"}},
			},
		},
		{
			name: "each kind of bad line",
			in: strings.Join([]string{
				`{"_id": "ok", "text": "x"}`,
				`["an", "array"]`,
				`"a string"`,
				`{"_id": "x"} trailing`,
				`{"_id": "x",`,
				"{\"text\": \"caf\xe9\"}",
				`{"title": {"de": "x"}}`,
				`{"_id": "ok2", "text": "y"}`,
			}, "\n"),
			want: []wantRec{
				{suffix: "#1", line: 1, doc: search.Document{ID: "ok", Body: "x"}},
				{suffix: "#8", line: 8, doc: search.Document{ID: "ok2", Body: "y"}},
			},
			wantErrs: []parsetest.WantErr{
				{Line: 2, Contains: "want an object, got an array"},
				{Line: 3, Contains: "want an object, got a string"},
				{Line: 4, Contains: "invalid JSON at column 14: data after the object"},
				{Line: 5, Contains: "invalid JSON: unexpected end of input"},
				{Line: 6, Contains: "not valid UTF-8 at column 14", Is: record.ErrUTF8},
				{Line: 7, Contains: `field "title": want a string, got map`},
			},
		},
		{
			name: "BEIR metadata entries are kept",
			in:   `{"_id": "9", "title": "T", "text": "B", "metadata": {"url": "https://x", "year": 2019}}`,
			want: []wantRec{{suffix: "#1", line: 1, doc: search.Document{ID: "9", Title: "T", Body: "B", Metadata: map[string]any{"url": "https://x", "year": json.Number("2019")}}}},
		},
		{
			name:     "blank lines only",
			in:       "\n\r\n  \n",
			wantErrs: []parsetest.WantErr{{Contains: "empty file", Is: record.ErrEmpty}},
		},
	}
	runParseCases(t, "in.jsonl", Lines, append(tests, notTextCases...))
}

func TestJSONLinesLongLine(t *testing.T) {
	if testing.Short() {
		t.Skip("builds lines of 16 and 17 MiB")
	}
	line := func(id string, size int) []byte {
		head := fmt.Sprintf(`{"_id": %q, "text": "`, id)
		b := make([]byte, 0, size)
		b = append(b, head...)
		b = append(b, bytes.Repeat([]byte("a"), size-len(head)-2)...)
		return append(b, `"}`...)
	}
	tests := []struct {
		name     string
		size     int
		wantRecs []string // suffixes
		wantErr  string
	}{
		{name: "17 MiB line is refused", size: 17 << 20, wantRecs: []string{"#1", "#3"}, wantErr: fmt.Sprintf("line is %d bytes, over the limit of %d bytes", 17<<20, MaxLineBytes)},
		{name: "line at the limit is read", size: MaxLineBytes, wantRecs: []string{"#1", "#2", "#3"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			big := line("big", tt.size)
			if len(big) != tt.size {
				t.Fatalf("test line: got %d bytes, want %d", len(big), tt.size)
			}
			data := bytes.Join([][]byte{line("a", 40), big, line("c", 40)}, []byte("\n"))
			recs, errs := Lines(t.Context(), "big.jsonl", data)
			var got []string
			for _, r := range recs {
				got = append(got, r.Suffix)
			}
			if !reflect.DeepEqual(got, tt.wantRecs) {
				t.Errorf("records: got %v, want %v", got, tt.wantRecs)
			}
			var wantErrs []parsetest.WantErr
			if tt.wantErr != "" {
				wantErrs = []parsetest.WantErr{{Line: 2, Contains: tt.wantErr}}
			}
			parsetest.CheckErrors(t, "big.jsonl", errs, wantErrs)
		})
	}
}

// sciFactCorpus is the BEIR SciFact corpus, shared between checkouts.
const sciFactCorpus = "../../../../shared/eval/scifact/corpus.jsonl"

func TestSciFactCorpus(t *testing.T) {
	f, err := os.Open(sciFactCorpus)
	if errors.Is(err, os.ErrNotExist) {
		parsetest.SharedMissing(t, "%s not found: the SciFact corpus is not checked out next to this repository", sciFactCorpus)
	}
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	const n = 50
	var data []byte
	r := bufio.NewReader(f)
	for range n {
		line, err := r.ReadBytes('\n')
		data = append(data, line...)
		if err != nil {
			break
		}
	}
	recs, errs := Lines(t.Context(), "corpus.jsonl", data)
	if len(errs) > 0 {
		t.Fatalf("got errors %v, want none", errs)
	}
	if len(recs) != n {
		t.Fatalf("got %d records, want %d", len(recs), n)
	}
	seen := map[string]bool{}
	for i, r := range recs {
		d := r.Doc
		t.Run(d.ID, func(t *testing.T) {
			if d.ID == "" || d.Title == "" || d.Body == "" {
				t.Fatalf("got id %q title %q body of %d bytes, want all non-empty", d.ID, d.Title, len(d.Body))
			}
			if _, err := strconv.ParseUint(d.ID, 10, 64); err != nil {
				t.Errorf("id: got %q, want SciFact's decimal ids", d.ID)
			}
			if seen[d.ID] {
				t.Errorf("id %q: got it twice, want unique ids", d.ID)
			}
			seen[d.ID] = true
			if r.Line != i+1 || r.Suffix != "#"+strconv.Itoa(i+1) {
				t.Errorf("got line %d suffix %q, want %d and #%d", r.Line, r.Suffix, i+1, i+1)
			}
			if len(d.Metadata) != 0 {
				t.Errorf("metadata: got %v, want none from an empty BEIR metadata object", d.Metadata)
			}
			if err := d.Normalize(); err != nil {
				t.Errorf("Normalize: got %v, want no error", err)
			}
		})
	}
}

func FuzzJSON(f *testing.F) {
	for _, data := range parsetest.Fixtures(f) {
		f.Add(data)
	}
	for _, s := range []string{`[]`, `[1, {"id": {}}, {"topics": [[]]}]`, `{"metadata": {"metadata": 1}}`, `{"id": 1e400}`, `{"a": "\ud800"}`, "[\n\n{}]"} {
		f.Add([]byte(s))
	}
	f.Add([]byte(`{"metadata": ` + strings.Repeat("[", 300) + strings.Repeat("]", 300) + `}`))
	f.Add([]byte(`[{"title": "a"}, {"metadata": ` + strings.Repeat(`{"a":`, 300) + "1" + strings.Repeat("}", 300) + `}]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		recs, errs := JSON(t.Context(), "fuzz.json", data)
		parsetest.CheckInvariants(t, "fuzz.json", data, recs, errs)
		for i, r := range recs {
			if r.Suffix != "" && (!json.Valid(r.Raw) || r.Raw[0] != '{') {
				t.Fatalf("record %d: raw %q is not a JSON object", i, r.Raw)
			}
		}
		if !json.Valid(record.TrimBOM(data)) && len(recs) > 0 {
			t.Fatalf("got %d records from invalid JSON", len(recs))
		}
	})
}

func FuzzJSONLines(f *testing.F) {
	for _, data := range parsetest.Fixtures(f) {
		f.Add(data)
	}
	for _, s := range []string{"{}\n{}", "\r\n{\"_id\":1}\r", "{\"metadata\":{}}\n[]\n\"x\"", "{\"a\":1} {\"b\":2}"} {
		f.Add([]byte(s))
	}
	f.Add([]byte("{\"title\": \"a\"}\n{\"metadata\": " + strings.Repeat("[", 300) + strings.Repeat("]", 300) + "}"))
	f.Fuzz(func(t *testing.T, data []byte) {
		recs, errs := Lines(t.Context(), "fuzz.jsonl", data)
		parsetest.CheckInvariants(t, "fuzz.jsonl", data, recs, errs)
		lines := bytes.Split(record.TrimBOM(data), []byte("\n"))
		prev := 0
		for i, r := range recs {
			if r.Suffix != "#"+strconv.Itoa(r.Line) {
				t.Fatalf("record %d: suffix %q, line %d", i, r.Suffix, r.Line)
			}
			if r.Line <= prev {
				t.Fatalf("record %d: line %d after line %d", i, r.Line, prev)
			}
			prev = r.Line
			if want := bytes.TrimSuffix(lines[r.Line-1], []byte("\r")); !bytes.Equal(r.Raw, want) {
				t.Fatalf("record %d: raw %q, want line %q", i, r.Raw, want)
			}
		}
	})
}
