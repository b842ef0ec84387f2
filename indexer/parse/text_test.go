package parse

import (
	"testing"
)

func TestText(t *testing.T) {
	tests := []struct {
		name      string
		file      string // a fixture, or
		in        string // inline input
		wantTitle string
		wantBody  string
		wantErr   *wantErr
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
		{name: "binary junk", file: "bad/binary.md", wantErr: &wantErr{contains: "binary file", is: ErrBinary}},
		{name: "empty file", file: "bad/empty.md", wantErr: &wantErr{contains: "empty file", is: ErrEmpty}},
		{name: "white space only", file: "bad/whitespace.txt", wantErr: &wantErr{contains: "empty file", is: ErrEmpty}},
		{name: "invalid UTF-8", in: "Titel\n\nGr\xfc\xdfe\n", wantErr: &wantErr{line: 3, contains: "not valid UTF-8", is: ErrUTF8}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path, data := "in.txt", []byte(tt.in)
			if tt.file != "" {
				path, data = tt.file, readFormatsFixture(t, tt.file)
			}
			recs, errs := Text(t.Context(), path, data)
			checkInvariants(t, path, data, recs, errs)
			if tt.wantErr != nil {
				if len(recs) != 0 || len(errs) != 1 {
					t.Fatalf("got %d records and errors %v, want 1 error", len(recs), errs)
				}
				checkParseError(t, path, errs[0], *tt.wantErr)
				return
			}
			if len(errs) != 0 || len(recs) != 1 {
				t.Fatalf("got %d records and errors %v, want 1 record", len(recs), errs)
			}
			r := recs[0]
			if r.Doc.Title != tt.wantTitle {
				t.Errorf("title: got %q, want %q", r.Doc.Title, tt.wantTitle)
			}
			if r.Doc.Body != tt.wantBody {
				t.Errorf("body: got %q, want %q", r.Doc.Body, tt.wantBody)
			}
			if r.Suffix != "" || r.Line != 0 || string(r.Raw) != string(data) {
				t.Errorf("record: got suffix %q line %d, want \"\" and 0 and Raw the whole file", r.Suffix, r.Line)
			}
		})
	}
}
