package web_test

import (
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/fundus-kb/fundus/web"
)

// docPageExtra are documents of the document page tests: one with the
// metadata a PDF gets, and one whose body carries hostile markup in its
// Markdown source (ingested as a file, so that its source is stored).
var docPageExtra = []string{
	`{"id":"pdf/jahresbericht","type":"other","title":"Jahresbericht als PDF","language":"de","body":"Der Jahresbericht fasst das Jahr zusammen.","pages":12,"producer":"Acrobat Distiller 11.0 (Windows)","creator_tool":"Microsoft® Word für Microsoft 365","truncated":true,"no_text":false}`,
}

const hostileDocMD = `---
title: Feindliche Notiz
type: webinar
language: de
---

Ein Absatz mit <script>alert(1)</script> Skript und <b onclick="alert(2)">fettem</b> Text.

<iframe src="https://evil.example/"></iframe>

- [Klick](javascript:alert(3))
- <span style="position:fixed">Überdeckung</span>
`

// docPageServer serves the demo corpus, docPageExtra and hostileDocMD.
func docPageServer(t *testing.T) *web.Server {
	t.Helper()
	kb := demoKB(t, docPageExtra...)
	res, err := kb.IngestBytes(t.Context(), "notizen/feindlich.md", []byte(hostileDocMD), "notizen/feindlich")
	if err != nil || len(res) != 1 {
		t.Fatalf("ingest the hostile note: %v %v", res, err)
	}
	return mustServer(t, atExample(t, web.Config{}), kb, nil)
}

var english = map[string]string{"Accept-Language": "en"}

func TestDocumentPageBody(t *testing.T) {
	h := docPageServer(t)
	const monitoring = "/documents/recommendations/monitoring-offener-innovation"
	_, de := getPage(t, h, monitoring, nil)
	body := de.Find("article .doc-body")

	t.Run("lists, bold and headings from the Markdown", func(t *testing.T) {
		items := body.Find("ul > li")
		if items.Length() != 5 {
			t.Fatalf("%d list items, want the five indicators", items.Length())
		}
		if got := items.Eq(1).Find("strong").Text(); got != "Datenteilung:" {
			t.Errorf("second indicator's bold %q, want %q", got, "Datenteilung:")
		}
		if body.Find("h2:contains('Datenteilung'), h3:contains('Datenteilung')").Length() != 0 {
			t.Error("a list item is shown as a heading")
		}
		if body.Find("p > strong").Length() == 0 {
			t.Error("bold paragraph lost")
		}
		if n := de.Find("h1").Length(); n != 1 {
			t.Errorf("%d h1 on the page, want the title's alone", n)
		}
		if body.Find("h3:contains('Empfehlung')").Length() != 1 {
			t.Errorf("section headings: %v, want Empfehlung below the body's own top heading", body.Find("h2, h3").Map(func(_ int, s *goquery.Selection) string { return s.Nodes[0].Data + " " + s.Text() }))
		}
	})

	t.Run("passages have anchors", func(t *testing.T) {
		h := body.Find(`h3:contains('Empfehlung')`)
		if id := h.AttrOr("id", ""); !strings.HasPrefix(id, "p-") {
			t.Errorf("heading id %q, want p-N", id)
		}
		li := body.Find("ul > li").Eq(1)
		if id := li.AttrOr("id", ""); !strings.HasPrefix(id, "p-") {
			t.Errorf("list item id %q, want p-N", id)
		}
		ids := map[string]bool{}
		de.Find("[id]").Each(func(_ int, s *goquery.Selection) {
			id := s.AttrOr("id", "")
			if ids[id] {
				t.Errorf("id %q twice on the page", id)
			}
			ids[id] = true
		})
	})

	t.Run("snippets stay plain text", func(t *testing.T) {
		_, doc := getPage(t, h, "/search?q=Datenteilung", nil)
		snip := doc.Find(".snippet:has(mark)").First()
		if snip.Length() == 0 {
			t.Fatal("no snippet with a <mark> on the results page")
		}
		if snip.Find("*:not(mark)").Length() != 0 {
			html, _ := snip.Html()
			t.Errorf("snippet holds markup other than <mark>: %s", html)
		}
	})

	t.Run("hostile markup in a source is removed", func(t *testing.T) {
		r, doc := getPage(t, h, "/documents/notizen/feindlich", nil)
		wantStatus(t, r, 200)
		b := doc.Find("article .doc-body")
		if b.Length() != 1 || b.Find("li").Length() != 2 {
			html, _ := b.Html()
			t.Fatalf("body not rendered from the source: %s", html)
		}
		for _, sel := range []string{"script", "iframe", "[style]", "[onclick]", `a[href^="javascript"]`} {
			if n := b.Find(sel).Length(); n != 0 {
				t.Errorf("%d %s in the body", n, sel)
			}
		}
		if got := b.Find("b").Text(); got != "fettem" {
			t.Errorf("bold %q, want its text kept", got)
		}
	})
}

func TestDocumentPageSidebar(t *testing.T) {
	h := docPageServer(t)
	meta := func(doc *goquery.Document) map[string]string {
		m := map[string]string{}
		doc.Find(".doc-meta dl > div").Each(func(_ int, s *goquery.Selection) {
			m[strings.TrimSpace(s.Find("dt").Text())] = strings.Join(strings.Fields(s.Find("dd").Text()), " ")
		})
		return m
	}
	t.Run("PDF metadata named and trimmed", func(t *testing.T) {
		for _, tc := range []struct {
			lang   map[string]string
			pages  string
			trunc  string
			absent []string
		}{
			{nil, "Seiten", "Text gekürzt", []string{"producer", "creator tool", "no text", "Ohne Text (Scan)"}},
			{english, "Pages", "Text truncated", []string{"producer", "creator tool", "no text", "No text (scan)"}},
		} {
			_, doc := getPage(t, h, "/documents/pdf/jahresbericht", tc.lang)
			m := meta(doc)
			if m[tc.pages] != "12" {
				t.Errorf("%s = %q, want 12 (%v)", tc.pages, m[tc.pages], m)
			}
			if m[tc.trunc] == "" {
				t.Errorf("no %q (%v)", tc.trunc, m)
			}
			for _, k := range tc.absent {
				if _, ok := m[k]; ok {
					t.Errorf("%q shown: %v", k, m)
				}
			}
			if text := doc.Find(".doc-meta").Text(); strings.Contains(text, "Distiller") || strings.Contains(text, "Microsoft") {
				t.Errorf("producer strings shown: %s", text)
			}
		}
	})
	t.Run("front matter metadata named", func(t *testing.T) {
		const page = "/documents/webinars/2020-05-07-strategische-verankerung-von-offenheit"
		for _, tc := range []struct {
			header map[string]string
			want   map[string]string
		}{
			{nil, map[string]string{"Dauer": "90 Minuten", "Reihe": "innOpeers 2020", "Format": "Online-Webinar"}},
			{english, map[string]string{"Duration": "90 minutes", "Series": "innOpeers 2020", "Format": "Online-Webinar"}},
		} {
			r, doc := getPage(t, h, page, tc.header)
			wantStatus(t, r, 200)
			m := meta(doc)
			for k, want := range tc.want {
				if m[k] != want {
					t.Errorf("%s = %q, want %q (%v)", k, m[k], want, m)
				}
			}
		}
	})
	t.Run("an internal path is no source", func(t *testing.T) {
		_, doc := getPage(t, h, "/documents/recommendations/monitoring-offener-innovation", nil)
		if got := doc.Find(".doc-meta dd.source").Text(); got != "" {
			t.Errorf("source shown as %q", got)
		}
		if strings.Contains(doc.Find(".doc-meta").Text(), "demo/") {
			t.Error("the sidebar names the demo path")
		}
		if got := doc.Find(".doc-meta a.source-download").AttrOr("href", ""); got != "/api/documents/recommendations/monitoring-offener-innovation/source" {
			t.Errorf("download %q, want the original Markdown offered", got)
		}
	})
	t.Run("glossary values in English, filters in German", func(t *testing.T) {
		const page = "/documents/recommendations/monitoring-offener-innovation"
		for _, tc := range []struct {
			name           string
			header         map[string]string
			topic, address string
			area           string
		}{
			{"German", nil, "Innovationsmanagement", "Forschungseinrichtungen", "Forschungs- und Innovationspolitik"},
			{"English", english, "Innovation management", "Research institutions", "Research and innovation policy"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				_, doc := getPage(t, h, page, tc.header)
				topic := doc.Find(`.doc-meta a[href="/topics/Innovationsmanagement"]`)
				if got := topic.Text(); got != tc.topic {
					t.Errorf("topic %q, want %q", got, tc.topic)
				}
				addr := doc.Find(`.doc-meta a[href="/recommendations?addressee=Forschungseinrichtungen"]`)
				if got := addr.Text(); got != tc.address {
					t.Errorf("addressee %q, want %q", got, tc.address)
				}
				area := doc.Find(`.doc-meta a[href^="/recommendations?policy_area=Forschungs-"]`)
				if got := area.Text(); got != tc.area {
					t.Errorf("policy area %q, want %q", got, tc.area)
				}
				if ot := doc.Find(`.doc-meta a[href="/topics/Open%20Innovation"]`).Text(); ot != "Open Innovation" {
					t.Errorf("untranslated topic %q, want it as it is", ot)
				}
			})
		}
	})
	t.Run("type badge in the singular", func(t *testing.T) {
		_, doc := getPage(t, h, "/documents/notizen/feindlich", english)
		if got := strings.TrimSpace(doc.Find(".doc-head .badge").First().Text()); got != "Webinar note" {
			t.Errorf("badge %q, want %q", got, "Webinar note")
		}
	})
}

// TestEnglishValueNames: the English interface names glossary values in
// English on every page that lists them, and keeps the stored value in
// links and form values; the German one shows the value.
func TestEnglishValueNames(t *testing.T) {
	h := docPageServer(t)
	tests := []struct {
		name, path, sel string // sel finds the element by the value its link or field keeps
		de, en          string
	}{
		{"search facet", "/search?q=Indikatoren", `input[name=topic][value="Innovationsmanagement"] + label .facet-label`, "Innovationsmanagement", "Innovation management"},
		{"selected filter chip", "/search?topic=Innovationsmanagement", `a.chip[href="/search"]`, "Themen: Innovationsmanagement", "Topics: Innovation management"},
		{"hit topic", "/search?q=Indikatorenset", `.hit a[href="/topics/Innovationsmanagement"]`, "Innovationsmanagement", "Innovation management"},
		{"topic page heading", "/topics/Innovationsmanagement", `h1`, "Innovationsmanagement", "Innovation management"},
		{"topics overview", "/topics", `a[href="/topics/Innovationsmanagement"]`, "Innovationsmanagement", "Innovation management"},
		{"matrix row", "/recommendations", `.rec-matrix th[scope=row] a[href="/recommendations?addressee=Bund"]`, "Bund", "Federal government"},
		{"recommendation card", "/recommendations", `.hit a[href="/recommendations?addressee=Bund"]`, "Bund", "Federal government"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			for _, lang := range []struct {
				header map[string]string
				want   string
			}{{nil, tc.de}, {english, tc.en}} {
				r, doc := getPage(t, h, tc.path, lang.header)
				if r.Code != 200 {
					t.Fatalf("%s: status %d", tc.path, r.Code)
				}
				sel := doc.Find(tc.sel).First()
				if sel.Length() == 0 {
					t.Fatalf("%s: no %s", tc.path, tc.sel)
				}
				got := strings.Join(strings.Fields(strings.ReplaceAll(sel.Text(), "×", "")), " ")
				if i := strings.Index(got, " – "); i >= 0 {
					got = got[:i] // the chip's hidden "remove" text
				}
				if !strings.Contains(got, lang.want) {
					t.Errorf("%s %s: %q, want %q", tc.path, tc.sel, got, lang.want)
				}
			}
		})
	}
}
