package docbody_test

import (
	"errors"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/fundus-kb/fundus/indexer/parse"
	"github.com/fundus-kb/fundus/web/docbody"
)

// readabilityPages is the folder of Mozilla Readability's test pages,
// from the repository root's parent.
const readabilityPages = "../../../shared/eval/readability-pages"

// TestReadabilityPages renders 130 real web pages as the indexer parses
// them and reports how many render from their HTML (rather than falling
// back to the plain-text body) and what share of the indexed body's
// blocks the rendered pages anchor. It fails when fewer than half render
// or when a page that renders carries markup the policy forbids.
func TestReadabilityPages(t *testing.T) {
	srcs, _ := filepath.Glob(filepath.Join(readabilityPages, "pages", "*", "source.html"))
	if len(srcs) == 0 {
		if os.Getenv("CI") == "true" {
			t.Fatalf("readability pages not found at %s", readabilityPages)
		}
		t.Skipf("readability pages not found at %s", readabilityPages)
	}
	sort.Strings(srcs)
	var pages, rendered, fellBack, anchored, blocks int
	var back []string
	for _, src := range srcs {
		data, err := os.ReadFile(src)
		if err != nil {
			t.Fatal(err)
		}
		recs, _ := parse.File(t.Context(), src, data)
		if len(recs) != 1 || strings.TrimSpace(recs[0].Doc.Body) == "" {
			continue
		}
		pages++
		d := recs[0].Doc
		out, err := docbody.Render(docbody.Source{Raw: data, Name: src, Title: d.Title, Body: d.Body})
		name := filepath.Base(filepath.Dir(src))
		switch {
		case errors.Is(err, docbody.ErrUnsupported):
			fellBack++
			back = append(back, name)
			continue
		case err != nil:
			t.Errorf("%s: %v", name, err)
			continue
		}
		rendered++
		html := strings.ToLower(string(out))
		for _, bad := range []string{"<script", "<style", "<iframe", "<img", " style=", " onclick=", " onload=", "javascript:"} {
			if strings.Contains(html, bad) {
				t.Errorf("%s: %q in the rendered body", name, bad)
			}
		}
		n := 0
		for p := range strings.SplitSeq(d.Body, "\n\n") {
			if strings.TrimSpace(p) != "" {
				n++
			}
		}
		blocks += n
		anchored += strings.Count(html, ` id="p-`)
	}
	t.Logf("%d pages: %d rendered from their HTML, %d shown as plain text; the rendered ones anchor %d of %d body blocks (%.0f%%)",
		pages, rendered, fellBack, anchored, blocks, 100*float64(anchored)/float64(max(blocks, 1)))
	t.Logf("shown as plain text: %s", strings.Join(back, " "))
	if rendered*2 < pages {
		t.Errorf("%d of %d pages rendered, want at least half", rendered, pages)
	}
}
