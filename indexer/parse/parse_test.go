package parse

import (
	"os"
	"slices"
	"strings"
	"testing"
)

func TestPDFByExtension(t *testing.T) {
	if !Supported("Bericht.PDF") || !slices.Contains(Extensions(), ".pdf") {
		t.Error(".pdf is not supported")
	}
	data, err := os.ReadFile("../../testdata/pdf/generated-xmp.pdf")
	if err != nil {
		t.Fatalf("read fixture: %v", err)
	}
	recs, errs := File(t.Context(), "docs/bericht.pdf", data)
	if len(errs) > 0 || len(recs) != 1 || recs[0].Doc.Title != "Handlungsempfehlungen für Lernnetzwerke" {
		t.Errorf("File: %v %v", recs, errs)
	}
}

func TestExtensions(t *testing.T) {
	want := []string{".htm", ".html", ".json", ".jsonl", ".markdown", ".md", ".ndjson", ".pdf", ".txt"}
	for range 3 { // map order varies from call to call
		if got := Extensions(); !slices.Equal(got, want) {
			t.Fatalf("Extensions: got %q, want %q", got, want)
		}
	}
	for _, ext := range want {
		if !Supported("x" + strings.ToUpper(ext)) {
			t.Errorf("Supported(%q): got false, want true", "x"+strings.ToUpper(ext))
		}
	}
}
