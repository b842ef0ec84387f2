package web_test

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
)

// TestListDates checks the date fields of the list pages (issue 13.6):
// TT.MM.JJJJ, MM.JJJJ, JJJJ and JJJJ-MM-TT are read on the page itself;
// a date that cannot be applied is a message beside its field on the same
// page, with every other filter kept, never an error page.
func TestListDates(t *testing.T) {
	h := demoHandler(t)
	count := func(target string) string {
		t.Helper()
		r, doc := getPage(t, h, target, nil)
		if r.Code != http.StatusOK {
			t.Fatalf("%s: status %d", target, r.Code)
		}
		return doc.Find("h2.results-summary").Text()
	}
	for _, tc := range []struct {
		name, target string
		// same is a target whose results must be the same.
		same string
		// errField is the field with a message, "" for none.
		errField, errText string
	}{
		{"German day", "/search?from=01.06.2021&to=31.12.2021", "/search?from=2021-06-01&to=2021-12-31", "", ""},
		{"German month", "/search?from=06.2021&to=12.2021", "/search?from=2021-06-01&to=2021-12-31", "", ""},
		{"short German day", "/search?from=1.6.2021", "/search?from=2021-06-01", "", ""},
		{"year", "/search?from=2021&to=2021", "/search?from=2021-01-01&to=2021-12-31", "", ""},
		{"impossible day", "/search?topic=Open+Innovation&from=31.02.2021", "/search?topic=Open+Innovation", "from", "„31.02.2021“ ist kein Datum"},
		{"impossible month", "/search?type=case&to=2021-13", "/search?type=case", "to", "„2021-13“ ist kein Datum"},
		{"words", "/search?q=Kultur&from=gestern", "/search?q=Kultur", "from", "ist kein Datum"},
		{"outside the years", "/search?from=1200", "/search", "from", "Nur Jahre von 1678 bis 2261"},
		{"end before start", "/search?from=2022&to=2021", "/search?from=2022", "to", "„Bis“ liegt vor „Von“"},
		{"year end is not before its day", "/search?from=2021-06-15&to=2021", "/search?from=2021-06-15&to=2021-12-31", "", ""},
		{"on a topic page", "/topics/Open%20Innovation?from=30.02.2020", "/topics/Open%20Innovation", "from", "ist kein Datum"},
		{"on the recommendations", "/recommendations?addressee=Bund&to=99.99.9999", "/recommendations?addressee=Bund", "to", "ist kein Datum"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, doc := getPage(t, h, tc.target, nil)
			if got, want := count(tc.target), count(tc.same); got != want {
				t.Errorf("%s: %q, want %q as for %s", tc.target, got, want, tc.same)
			}
			for _, f := range []string{"from", "to"} {
				in := doc.Find("input#" + f)
				inv, _ := in.Attr("aria-invalid")
				msg := doc.Find("#" + f + "-error").Text()
				if f == tc.errField {
					if inv != "true" || !strings.Contains(msg, tc.errText) {
						t.Errorf("%s field: aria-invalid %q, message %q; want true and %q", f, inv, msg, tc.errText)
					}
					if d, _ := in.Attr("aria-describedby"); !strings.Contains(d, f+"-error") {
						t.Errorf("%s field is not described by its message: %q", f, d)
					}
					if doc.Find(`p.notice-error a[href="#`+f+`"]`).Length() != 1 {
						t.Errorf("no notice linking to the %s field", f)
					}
				} else if inv != "" || msg != "" {
					t.Errorf("%s field: aria-invalid %q, message %q; want none", f, inv, msg)
				}
			}
			// The date stays in its field as typed.
			if want := queryValue(tc.target, "from"); want != "" {
				if got, _ := doc.Find("input#from").Attr("value"); got != want {
					t.Errorf("from field holds %q, want %q", got, want)
				}
			}
		})
	}
	// The English page says it in English.
	_, doc := getPage(t, h, "/search?from=31.02.2021", map[string]string{"Cookie": "ui=en"})
	if got := doc.Find("#from-error").Text(); !strings.Contains(got, "is not a date") {
		t.Errorf("English message %q", got)
	}
}

// queryValue returns a parameter of a target URL.
func queryValue(target, name string) string {
	_, q, _ := strings.Cut(target, "?")
	for _, kv := range strings.Split(q, "&") {
		if k, v, _ := strings.Cut(kv, "="); k == name {
			return v
		}
	}
	return ""
}

// TestListSizeAndRange checks the page-size choice, the range line and
// the sort labels of the list pages (issue 13.5).
func TestListSizeAndRange(t *testing.T) {
	h := demoHandler(t)
	for _, tc := range []struct {
		name, target string
		size         string
		rangeLine    string
		hits         int
	}{
		{"first page", "/search?q=Innovation", "10", "1–10 von ", 10},
		{"second page", "/search?q=Innovation&page=2", "10", "11–20 von ", 10},
		{"twenty", "/search?q=Innovation&size=20&page=2", "20", "21–40 von ", 20},
		{"fifty", "/search?size=50", "50", "1–50 von 64", 50},
		{"recommendations default", "/recommendations", "50", "1–18 von 18", 18},
		{"another size is offered too", "/search?size=7", "7", "1–7 von 64", 7},
		{"English", "/search?size=20", "20", "1–20 of 64", 20},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var header map[string]string
			if tc.name == "English" {
				header = map[string]string{"Cookie": "ui=en"}
			}
			_, doc := getPage(t, h, tc.target, header)
			if got, _ := doc.Find("select#size option[selected]").Attr("value"); got != tc.size {
				t.Errorf("selected size %q, want %q", got, tc.size)
			}
			var opts []string
			doc.Find("select#size option").Each(func(_ int, s *goquery.Selection) { opts = append(opts, s.Text()) })
			for _, want := range []string{"10", "20", "50"} {
				if !slices.Contains(opts, want) {
					t.Errorf("size options %v lack %s", opts, want)
				}
			}
			if doc.Find(`label[for="size"]`).Length() != 1 {
				t.Error("the size choice has no label")
			}
			if got := doc.Find("p.results-range").Text(); !strings.HasPrefix(got, tc.rangeLine) {
				t.Errorf("range line %q, want %q…", got, tc.rangeLine)
			}
			if got := doc.Find("ol.hits > li").Length(); got != tc.hits {
				t.Errorf("%d hits, want %d", got, tc.hits)
			}
		})
	}
	_, doc := getPage(t, h, "/search?q=Innovation", nil)
	var labels []string
	doc.Find("select#sort option").Each(func(_ int, s *goquery.Selection) { labels = append(labels, s.Text()) })
	if want := []string{"Relevanz (beste Treffer zuerst)", "Datum, neueste zuerst", "Datum, älteste zuerst", "Titel, A–Z"}; !slices.Equal(labels, want) {
		t.Errorf("sort labels %v, want %v", labels, want)
	}
	if got := doc.Find(`label[for="sort"]`).Text(); got != "Sortieren nach" {
		t.Errorf("sort label %q", got)
	}
}

// TestLongFacetsAndSkipLinks checks what the page sends for issue 13.3
// and 13.4: a search field (hidden until JavaScript shows it) in every
// facet with more than ten values, with a label and a status, and a skip
// link to the results on the list pages.
func TestLongFacetsAndSkipLinks(t *testing.T) {
	h := demoHandler(t)
	_, doc := getPage(t, h, "/search", nil)
	doc.Find("fieldset.facet").Each(func(_ int, fs *goquery.Selection) {
		n := fs.Find(".facet-values > li").Length()
		in := fs.Find("input[data-facet-filter]")
		if (n > 10) != (in.Length() == 1) {
			t.Errorf("%s: %d values, %d search fields", fs.AttrOr("class", ""), n, in.Length())
		}
		if in.Length() == 0 {
			return
		}
		id := in.AttrOr("id", "")
		if _, hidden := in.Attr("hidden"); !hidden || in.AttrOr("name", "") != "" {
			t.Errorf("%s: the field must start hidden and have no name (it is not a filter)", id)
		}
		if fs.Find(`label[for="`+id+`"]`).Length() != 1 || fs.Find(".facet-filter-status[role=status]").Length() != 1 {
			t.Errorf("%s: no label or status", id)
		}
	})
	for _, fs := range []string{".facet-org", ".facet-person"} {
		if doc.Find(fs+" input[data-facet-filter]").Length() != 1 {
			t.Errorf("%s has no search field", fs)
		}
	}
	for _, tc := range []struct {
		target string
		want   bool
	}{{"/search", true}, {"/recommendations", true}, {"/topics/Open%20Innovation", true}, {"/", false}, {"/topics", false}} {
		_, doc := getPage(t, h, tc.target, nil)
		if got := doc.Find(`a.skip-link[href="#results-heading"]`).Length() == 1; got != tc.want {
			t.Errorf("%s: skip link to the results %v, want %v", tc.target, got, tc.want)
		}
		if tc.want && doc.Find("#results-heading").Length() != 1 {
			t.Errorf("%s: the skip link has no target", tc.target)
		}
	}
}
