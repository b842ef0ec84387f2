package parse

import (
	"os"
	"slices"
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
