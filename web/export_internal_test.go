package web

import (
	"bufio"
	"strings"
	"testing"

	"github.com/fundus-kb/fundus/internal/tabletest"
)

func TestCSVCell(t *testing.T) {
	tabletest.Run(t, "csvCell", csvCell, []tabletest.Case[string, string]{
		{"formula", "=1+1", "'=1+1"},
		{"plus", "+1", "'+1"},
		{"negative number", "-5", "'-5"},
		{"at", "@SUM(A1)", "'@SUM(A1)"},
		{"tab", "\t=1+1", "'\t'=1+1"},
		{"carriage return", "\r=1+1", "'\r'=1+1"},
		{"after a semicolon", "Kultur; =1+1", "Kultur; '=1+1"},
		{"after a comma", "Anna,-2+3", "Anna,'-2+3"},
		{"on a new line", "Punkte:\n- eins\n@zwei", "Punkte:\n'- eins\n'@zwei"},
		{"inside a word", "E-Mail an a@b.example", "E-Mail an a@b.example"},
		{"plain text", "Kultur = Offenheit", "Kultur = Offenheit"},
		{"date", "2024-05-01", "2024-05-01"},
		{"empty", "", ""},
	})
}

func TestWriteCSVRecord(t *testing.T) {
	var b strings.Builder
	w := bufio.NewWriter(&b)
	writeCSVRecord(w, []string{`a "b"`, "\r=1", "", "x;=2"}, ',', "\n")
	w.Flush()
	if got, want := b.String(), `"a ""b""","'`+"\r"+`'=1","","x;'=2"`+"\n"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}
