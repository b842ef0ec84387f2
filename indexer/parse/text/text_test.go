package text

import (
	"github.com/fundus-kb/fundus/indexer/parse/internal/parsetest"
	"github.com/fundus-kb/fundus/indexer/parse/record"
	"testing"
)

func TestText(t *testing.T) {
	tests := []struct {
		name      string
		file      string // a fixture, or
		in        string // inline input
		wantTitle string
		wantBody  string
		wantErr   *parsetest.WantErr
	}{
		{
			name:      "note",
			file:      "good/note.txt",
			wantTitle: "Ideenmanagement und Open Innovation",
			wantBody:  "Ideenmanagement sammelt Vorschläge der eigenen Belegschaft.\nOpen Innovation öffnet den Prozess für Kunden, Lieferanten und Forschung.",
		},
		{name: "title only", in: "  Nur ein Titel  \n", wantTitle: "Nur ein Titel"},
		{name: "CRLF and BOM", in: "\uFEFF\r\nTitle\r\n\r\nLine one\r\nLine two\r\n", wantTitle: "Title", wantBody: "Line one\nLine two"},
		{name: "no final newline", in: "T\nB", wantTitle: "T", wantBody: "B"},
		{name: "binary junk", file: "bad/binary.md", wantErr: &parsetest.WantErr{Contains: "binary file", Is: record.ErrBinary}},
		{name: "empty file", file: "bad/empty.md", wantErr: &parsetest.WantErr{Contains: "empty file", Is: record.ErrEmpty}},
		{name: "white space only", file: "bad/whitespace.txt", wantErr: &parsetest.WantErr{Contains: "empty file", Is: record.ErrEmpty}},
		{name: "invalid UTF-8", in: "Titel\n\nGr\xfc\xdfe\n", wantErr: &parsetest.WantErr{Line: 3, Contains: "not valid UTF-8", Is: record.ErrUTF8}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path, data := parsetest.Input(t, "in.txt", tt.file, tt.in)
			recs, errs := Parse(t.Context(), path, data)
			parsetest.CheckInvariants(t, path, data, recs, errs)
			if tt.wantErr != nil {
				if len(recs) != 0 || len(errs) != 1 {
					t.Fatalf("got %d records and errors %v, want 1 error", len(recs), errs)
				}
				parsetest.CheckError(t, path, errs[0], *tt.wantErr)
				return
			}
			r := parsetest.One(t, recs, errs)
			if r.Doc.Title != tt.wantTitle {
				t.Errorf("title: got %q, want %q", r.Doc.Title, tt.wantTitle)
			}
			if r.Doc.Body != tt.wantBody {
				t.Errorf("body: got %q, want %q", r.Doc.Body, tt.wantBody)
			}
			parsetest.CheckWhole(t, r, data)
		})
	}
}
