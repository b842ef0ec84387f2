package docbody_test

import (
	"io/fs"
	"strconv"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/fundus-kb/fundus/indexer/demo"
	"github.com/fundus-kb/fundus/indexer/parse"
	"github.com/fundus-kb/fundus/web/docbody"
)

// TestDemoCorpus renders every demo document as the indexer parses it:
// each renders, shows every block of its plain-text body under an
// anchor whose text is that block, and the documents with lists show
// them.
func TestDemoCorpus(t *testing.T) {
	files := demo.FS()
	var docs, withLists, anchored, blocks int
	err := fs.WalkDir(files, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(files, name)
		if err != nil {
			return err
		}
		recs, errs := parse.File(t.Context(), name, data)
		if len(errs) > 0 || len(recs) != 1 {
			t.Errorf("%s: parse: %v", name, errs)
			return nil
		}
		doc := recs[0].Doc
		t.Run(name, func(t *testing.T) {
			out, err := docbody.Render(docbody.Source{Raw: recs[0].Raw, Name: name, Title: doc.Title, Body: doc.Body})
			if err != nil {
				t.Fatalf("Render: %v", err)
			}
			docs++
			q, err := goquery.NewDocumentFromReader(strings.NewReader(string(out)))
			if err != nil {
				t.Fatal(err)
			}
			if q.Find("li").Length() > 0 {
				withLists++
			}
			if n := q.Find("h1").Length(); n > 0 {
				t.Errorf("%d h1 in the body, want none (the page has its own)", n)
			}
			var want []string
			for p := range strings.SplitSeq(doc.Body, "\n\n") {
				if strings.TrimSpace(p) != "" {
					want = append(want, strings.Join(strings.Fields(p), ""))
				}
			}
			blocks += len(want)
			for i, w := range want {
				if i == 0 && strings.EqualFold(w, strings.Join(strings.Fields(doc.Title), "")) {
					continue // the title again, which the page shows as its h1
				}
				sel := q.Find("#p-" + itoa(i+1))
				if sel.Length() == 0 {
					t.Errorf("block %d (%.40q) has no anchor", i+1, w)
					continue
				}
				anchored++
				if got := strings.Join(strings.Fields(sel.Text()), ""); !strings.EqualFold(got, w) {
					t.Errorf("#p-%d holds %.60q, want %.60q", i+1, got, w)
				}
			}
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d documents rendered, %d show lists; %d of %d body blocks anchored", docs, withLists, anchored, blocks)
	if withLists < 50 {
		t.Errorf("%d demo documents show a list, want at least 50 (53 hold Markdown lists)", withLists)
	}
}

func itoa(i int) string { return strconv.Itoa(i) }
