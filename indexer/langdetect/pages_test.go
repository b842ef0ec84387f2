package langdetect_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/fundus-kb/fundus/indexer/langdetect"
	"github.com/fundus-kb/fundus/indexer/parse"
)

// pagesDir holds Mozilla Readability's test pages beside the repository
// (see ../shared/eval/readability-pages/SOURCE.md).
const pagesDir = "../../../shared/eval/readability-pages/pages"

// declaredLang matches the ways a page declares its language: lang and
// xml:lang attributes, a Content-Language meta element or header copy, and
// og:locale.
var declaredLang = regexp.MustCompile(`(?i)(\s(xml:)?lang\s*=\s*("[^"]*"|'[^']*'|[^\s>]+))|(<meta[^>]+(content-language|og:locale|dc\.language|language)[^>]*>)`)

// TestReadabilityPages measures the detector on the real German and
// English pages of the Readability test set with their declared language
// removed first: the detector sees only the text our HTML parser extracts.
// At least 95% must be right.
func TestReadabilityPages(t *testing.T) {
	entries, err := os.ReadDir(pagesDir)
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s: %v; CI must provide the Readability pages", pagesDir, err)
		}
		t.Skipf("Readability pages are not beside this repository (%s): %v", pagesDir, err)
	}
	var total, right int
	var wrong []string
	for _, e := range entries {
		dir := filepath.Join(pagesDir, e.Name())
		meta, err := os.ReadFile(filepath.Join(dir, "expected-metadata.json"))
		if err != nil {
			continue
		}
		var m struct {
			Lang string `json:"lang"`
		}
		if err := json.Unmarshal(meta, &m); err != nil {
			t.Fatalf("%s: %v", dir, err)
		}
		want := strings.ToLower(m.Lang)
		if len(want) < 2 || (want[:2] != "de" && want[:2] != "en") {
			continue
		}
		want = want[:2]
		src, err := os.ReadFile(filepath.Join(dir, "source.html"))
		if err != nil {
			t.Fatal(err)
		}
		stripped := declaredLang.ReplaceAll(src, nil)
		if strings.Contains(strings.ToLower(string(stripped)), " lang=") {
			t.Fatalf("%s: a language declaration survived stripping", e.Name())
		}
		recs, _ := parse.File(t.Context(), e.Name()+".html", stripped)
		var text string
		for _, r := range recs {
			if r.Doc.Language != "" {
				t.Errorf("%s: the parser still found a declared language %q", e.Name(), r.Doc.Language)
			}
			text += r.Doc.Title + "\n" + r.Doc.Summary + "\n" + r.Doc.Body + "\n"
		}
		total++
		got := langdetect.Detect(text)
		if got == want {
			right++
		} else {
			wrong = append(wrong, e.Name()+": want "+want+", got "+got)
		}
	}
	sort.Strings(wrong)
	for _, w := range wrong {
		t.Logf("wrong: %s", w)
	}
	if total == 0 {
		t.Fatal("no German or English page found")
	}
	share := float64(right) / float64(total)
	t.Logf("%d of %d German and English pages right (%.1f%%)", right, total, 100*share)
	if share < 0.95 {
		t.Errorf("%.1f%% right, want at least 95%%", 100*share)
	}
}
