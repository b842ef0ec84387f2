package web_test

import (
	"encoding/json"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/fundus-kb/fundus/internal/checktext"
	"github.com/fundus-kb/fundus/web"
)

// citeClock is the day of access in the citation tests.
func citeClock() time.Time { return time.Date(2026, 12, 6, 10, 0, 0, 0, time.UTC) }

func TestDocumentCitation(t *testing.T) {
	h, _ := newServer(t, web.Config{Now: citeClock})
	cases := []struct {
		name, target string
		code         int
		ctype, file  string
		want         []string // lines or fragments the body holds
	}{
		{"BibTeX of a webinar", "/api/documents/webinars/kultur/citation?format=bibtex&ui=de", 200,
			"application/x-bibtex", "fundus-stifterverband2020innovationskultur.bib",
			[]string{"@misc{stifterverband2020innovationskultur,\n", "  author       = {{Stifterverband}},\n", "  title        = {{Innovationskultur in Unternehmen}},\n",
				"  howpublished = {Webinar-Notiz},\n", "  year         = {2020},\n", "  month        = apr,\n", "  date         = {2020-04-16},\n",
				"  url          = {http://example.com/documents/webinars/kultur},\n", "  urldate      = {2026-12-06},\n", "  keywords     = {Innovationskultur, Führung},\n", "  langid       = {ngerman},\n"}},
		{"BibTeX of a recommendation is a report", "/api/documents/recs/data-spaces/citation?format=bibtex", 200,
			"application/x-bibtex", "", []string{"@report{", "  institution  = {{", "  type         = {Empfehlung},\n"}},
		{"RIS in English", "/api/documents/webinars/kultur/citation?format=ris&ui=en", 200,
			"application/x-research-info-systems", "fundus-stifterverband2020innovationskultur.ris",
			[]string{"TY  - GEN\r\n", "TI  - Innovationskultur in Unternehmen\r\n", "AU  - Stifterverband,\r\n", "M3  - Webinar note\r\n", "PY  - 2020\r\n",
				"DA  - 2020/04/16\r\n", "PB  - Learning Network on Open Innovation\r\n", "UR  - http://example.com/documents/webinars/kultur\r\n",
				"Y2  - 2026/12/06\r\n", "KW  - Führung\r\n", "LA  - de\r\n", "ER  - \r\n"}},
		{"CSL-JSON", "/api/documents/webinars/kultur/citation?format=csl-json", 200,
			"application/vnd.citationstyles.csl+json", "fundus-stifterverband2020innovationskultur.json",
			[]string{`"type":"document"`, `"author":[{"literal":"Stifterverband"}]`, `"issued":{"date-parts":[[2020,4,16]]}`, `"accessed":{"date-parts":[[2026,12,6]]}`}},
		{"an id with a percent-encoded slash", "/api/documents/webinars%2Fkultur/citation?format=ris", 200,
			"application/x-research-info-systems", "", []string{"TI  - Innovationskultur in Unternehmen\r\n"}},
		{"unknown format", "/api/documents/webinars/kultur/citation?format=endnote", 400, "application/json", "", []string{`"field":"format"`, "bibtex, ris or csl-json"}},
		{"no format", "/api/documents/webinars/kultur/citation", 400, "application/json", "", []string{`"field":"format"`}},
		{"unknown language", "/api/documents/webinars/kultur/citation?format=ris&ui=fr", 400, "application/json", "", []string{`"field":"ui"`}},
		{"unknown document", "/api/documents/webinars/nirgends/citation?format=ris", 404, "application/json", "", []string{`"code":"not_found"`}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := do(t, h, "GET", tc.target, nil, nil)
			wantStatus(t, r, tc.code)
			if ct := r.Header().Get("Content-Type"); !strings.HasPrefix(ct, tc.ctype) {
				t.Errorf("Content-Type %q, want %s", ct, tc.ctype)
			}
			if tc.file != "" {
				if cd := r.Header().Get("Content-Disposition"); cd != `attachment; filename="`+tc.file+`"` {
					t.Errorf("Content-Disposition %q, want %s", cd, tc.file)
				}
			}
			body := r.Body.String()
			checktext.Contains(t, body, tc.want, nil)
			if strings.HasPrefix(tc.ctype, "application/vnd.citationstyles") {
				var items []map[string]any
				if err := json.Unmarshal(r.Body.Bytes(), &items); err != nil || len(items) != 1 {
					t.Fatalf("CSL-JSON is not an array of one item: %v\n%s", err, body)
				}
				if items[0]["title"] != "Innovationskultur in Unternehmen" || items[0]["URL"] != "http://example.com/documents/webinars/kultur" {
					t.Errorf("item %v", items[0])
				}
			}
		})
	}
}

// TestCitationAuthorAndEscaping checks who a citation names as author
// (a publisher field, else the first organisation, else the network) and
// that TeX's special characters arrive escaped.
func TestCitationAuthorAndEscaping(t *testing.T) {
	h, kb := newServer(t, web.Config{Now: citeClock, Network: "Testnetz Offene Innovation"})
	ingestJSON(t, kb,
		map[string]any{"id": "cite/publisher", "type": "case", "title": "50 % mehr {Ideen} & weniger $Kosten für_alle #1", "date": "2024-03-05", "language": "de",
			"organizations": []string{"Muster AG"}, "metadata": map[string]any{"Herausgeber": "Institut für Transfer & Wandel"}, "body": "Zitierprobe."},
		map[string]any{"id": "cite/org", "type": "case", "title": "Ohne Herausgeber", "organizations": []string{"Muster AG", "Zweite GmbH"}, "body": "Zitierprobe."},
		map[string]any{"id": "cite/none", "type": "webinar", "title": "Ohne Organisation", "body": "Zitierprobe."},
	)
	cases := []struct {
		name, id string
		want     []string
		not      []string
	}{
		{"a publisher field wins over the organisations", "cite/publisher",
			[]string{"author       = {{Institut für Transfer \\& Wandel}}", "title        = {{50 \\% mehr \\{Ideen\\} \\& weniger \\$Kosten für\\_alle \\#1}}", "@misc{institut2024mehr,"},
			[]string{"Muster AG"}},
		{"else the first organisation", "cite/org", []string{"author       = {{Muster AG}}", "organization = {{Testnetz Offene Innovation}}"}, []string{"Zweite"}},
		{"else the network, and no date fields", "cite/none", []string{"author       = {{Testnetz Offene Innovation}}", "@misc{testnetz"}, []string{"year", "\n  date", "month"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := do(t, h, "GET", "/api/documents/"+tc.id+"/citation?format=bibtex", nil, nil)
			wantStatus(t, r, 200)
			body := r.Body.String()
			checktext.Contains(t, body, tc.want, tc.not)
			if strings.Count(body, "{") != strings.Count(body, "}") {
				t.Errorf("unbalanced braces:\n%s", body)
			}
		})
	}
}

// TestCitationExport cites every match of a search: one entry per hit,
// keys unique, whatever the page size says.
func TestCitationExport(t *testing.T) {
	h, _ := newServer(t, web.Config{Now: citeClock})
	total := int(do(t, h, "GET", "/api/search?org=Stifterverband&size=1", nil, nil).JSON["total"].(float64))
	if total < 3 {
		t.Fatalf("fixture: %d Stifterverband documents", total)
	}
	keyRE := map[string]*regexp.Regexp{
		"bibtex":   regexp.MustCompile(`(?m)^@\w+\{([^,]+),$`),
		"ris":      regexp.MustCompile(`(?m)^ID  - (.+)\r$`),
		"csl-json": regexp.MustCompile(`"id":"([^"]+)"`),
	}
	for _, format := range []string{"bibtex", "ris", "csl-json"} {
		t.Run(format, func(t *testing.T) {
			r := do(t, h, "GET", "/api/search?org=Stifterverband&size=1&format="+format, nil, nil)
			wantStatus(t, r, 200)
			if cd := r.Header().Get("Content-Disposition"); !strings.Contains(cd, `filename="fundus-citations-`) {
				t.Errorf("Content-Disposition %q", cd)
			}
			var keys []string
			for _, m := range keyRE[format].FindAllStringSubmatch(r.Body.String(), -1) {
				keys = append(keys, m[1])
			}
			if len(keys) != total {
				t.Errorf("%d entries, want %d", len(keys), total)
			}
			sorted := slices.Clone(keys)
			slices.Sort(sorted)
			if len(slices.Compact(sorted)) != len(keys) {
				t.Errorf("keys repeat: %v", keys)
			}
			if format == "csl-json" {
				var items []map[string]any
				if err := json.Unmarshal(r.Body.Bytes(), &items); err != nil {
					t.Errorf("not JSON: %v", err)
				}
			}
		})
	}
	t.Run("nothing matched is an empty download", func(t *testing.T) {
		r := do(t, h, "GET", "/api/search?q=Zzyzxquatsch&format=csl-json", nil, nil)
		var items []map[string]any
		if err := json.Unmarshal(r.Body.Bytes(), &items); err != nil || len(items) != 0 {
			t.Errorf("%v %s", err, r.Body.String())
		}
	})
}

// TestDocumentPageCitation reads the citation panel and the Highwire
// meta tags that Zotero's and Citavi's browser connectors pick up.
func TestDocumentPageCitation(t *testing.T) {
	h, _ := newServer(t, web.Config{Now: citeClock})
	cases := []struct {
		name, target string
		header       map[string]string
		citation     string
		links        []string
	}{
		{"German", "/documents/webinars/kultur", nil, "Stifterverband: „Innovationskultur in Unternehmen“", []string{
			"/api/documents/webinars/kultur/citation?ui=de&format=bibtex", "/api/documents/webinars/kultur/citation?ui=de&format=ris", "/api/documents/webinars/kultur/citation?ui=de&format=csl-json"}},
		{"English", "/documents/webinars/kultur", map[string]string{"Cookie": "ui=en"}, "Stifterverband: “Innovationskultur in Unternehmen”", []string{
			"/api/documents/webinars/kultur/citation?ui=en&format=bibtex", "/api/documents/webinars/kultur/citation?ui=en&format=ris", "/api/documents/webinars/kultur/citation?ui=en&format=csl-json"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r, doc := getPage(t, h, tc.target, tc.header)
			wantStatus(t, r, 200)
			if got := doc.Find("#citation").Text(); !strings.HasPrefix(got, tc.citation) || !strings.Contains(got, "http://example.com/documents/webinars/kultur") {
				t.Errorf("citation %q", got)
			}
			if got := attrs(doc.Find(".cite-formats a"), "href"); !slices.Equal(got, tc.links) {
				t.Errorf("downloads %v, want %v", got, tc.links)
			}
			for _, l := range tc.links {
				if r := do(t, h, "GET", l, nil, nil); r.Code != 200 {
					t.Errorf("%s: %d", l, r.Code)
				}
			}
			meta := map[string]string{}
			doc.Find(`head meta[name^="citation_"]`).Each(func(_ int, s *goquery.Selection) {
				meta[s.AttrOr("name", "")] = s.AttrOr("content", "")
			})
			for name, want := range map[string]string{
				"citation_title": "Innovationskultur in Unternehmen", "citation_author": "Stifterverband",
				"citation_publication_date": "2020/04/16", "citation_language": "de",
			} {
				if meta[name] != want {
					t.Errorf("%s = %q, want %q", name, meta[name], want)
				}
			}
		})
	}
}
