package docbody_test

import (
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/fundus-kb/fundus/web/docbody"
)

// render renders src and reads the result.
func render(t testing.TB, src docbody.Source) *goquery.Selection {
	t.Helper()
	out, err := docbody.Render(src)
	if err != nil {
		t.Fatalf("Render: %v", err)
	}
	doc, err := goquery.NewDocumentFromReader(strings.NewReader(string(out)))
	if err != nil {
		t.Fatal(err)
	}
	return doc.Find("body")
}

const listMD = `---
title: Indikatoren
---

# Indikatoren

## Empfehlung

**Bund und Länder sollten Indikatoren entwickeln:**

- **Kooperation:** Anteil der Unternehmen
- **Datenteilung:** Beteiligung an Datenräumen
- *Kultur:* Fehlerkultur

> Was nicht gemessen wird, bleibt unbeachtet.

| Indikator | Quelle |
|:----------|-------:|
| Kooperation | Erhebung |

Siehe [Bericht](https://example.org/bericht) und [intern](../andere.md) und <https://example.org/auto>.
`

// listBody is the plain text the indexer makes of listMD.
const listBody = "Indikatoren\n\nEmpfehlung\n\nBund und Länder sollten Indikatoren entwickeln:\n\nKooperation: Anteil der Unternehmen\n\nDatenteilung: Beteiligung an Datenräumen\n\nKultur: Fehlerkultur\n\nWas nicht gemessen wird, bleibt unbeachtet.\n\nIndikator\tQuelle\nKooperation\tErhebung\n\nSiehe Bericht und intern und https://example.org/auto."

func TestRenderMarkdownStructure(t *testing.T) {
	b := render(t, docbody.Source{Raw: []byte(listMD), Name: "demo/x.md", Title: "Indikatoren", Body: listBody})
	tests := []struct {
		name, sel string
		want      int
	}{
		{"the title heading left out", "h1", 0},
		{"section heading demoted to h2", "h2", 1},
		{"list items", "ul > li", 3},
		{"bold kept", "p > strong, li > strong", 3},
		{"emphasis kept", "li > em", 1},
		{"block quote", "blockquote > p", 1},
		{"table in a scrolling box", "div.table-scroll > table th", 2},
		{"external links", `a[href^="https://example.org/"][rel="nofollow noopener"]`, 2},
		{"relative link loses its address", `a[href*="andere"]`, 0},
		{"no front matter", `hr`, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := b.Find(tc.sel).Length(); got != tc.want {
				h, _ := b.Html()
				t.Errorf("%s: %d, want %d in\n%s", tc.sel, got, tc.want, h)
			}
		})
	}
	t.Run("anchors name their passage", func(t *testing.T) {
		for id, want := range map[string]string{
			"p-2": "Empfehlung",
			"p-5": "Datenteilung: Beteiligung an Datenräumen",
			"p-7": "Was nicht gemessen wird, bleibt unbeachtet.",
		} {
			if got := strings.TrimSpace(b.Find("#" + id).Text()); got != want {
				t.Errorf("#%s holds %q, want %q", id, got, want)
			}
		}
		if got := b.Find("#p-5").Nodes[0].Data; got != "li" {
			t.Errorf("#p-5 is a %s, want the list item", got)
		}
		if got := b.Find("#p-2").Nodes[0].Data; got != "h2" {
			t.Errorf("#p-2 is a %s, want the heading", got)
		}
	})
	t.Run("a list item is no heading", func(t *testing.T) {
		if b.Find("h2:contains('Datenteilung'), h3:contains('Datenteilung')").Length() != 0 {
			t.Error("Datenteilung is shown as a heading")
		}
	})
}

// TestRenderHostile: nothing a browser would run, no style, no frame, no
// form and no id or class of the document's own survives.
func TestRenderHostile(t *testing.T) {
	raw, err := os.ReadFile("testdata/hostile.md")
	if err != nil {
		t.Fatal(err)
	}
	body := "Ein Absatz mit Skript und fettem Text.\n\nÜberdeckung\n\nKlick und Daten und groß\n\nFremde id"
	out, err := docbody.Render(docbody.Source{Raw: raw, Name: "x.md", Title: "Feindliches Dokument", Body: body})
	if err != nil {
		t.Fatal(err)
	}
	b := render(t, docbody.Source{Raw: raw, Name: "x.md", Title: "Feindliches Dokument", Body: body})
	for _, sel := range []string{"script", "iframe", "style", "object", "embed", "link", "meta", "form", "input", "button", "svg", "img",
		"[style]", "[onclick]", "[onerror]", "[onload]", "#doc-title", "[class]:not(.table-scroll)"} {
		t.Run(sel, func(t *testing.T) {
			if n := b.Find(sel).Length(); n != 0 {
				t.Errorf("%d %s left in\n%s", n, sel, out)
			}
		})
	}
	low := strings.ToLower(string(out))
	for _, bad := range []string{"javascript:", "data:", "alert(", "evil.example"} {
		if strings.Contains(low, bad) {
			t.Errorf("%q left in\n%s", bad, out)
		}
	}
	if got := b.Find("b").Text(); got != "fettem" {
		t.Errorf("bold text %q, want it kept without its handler", got)
	}
}

func TestRenderHTML(t *testing.T) {
	page := `<!doctype html><html><head><title>Bericht</title><script>x()</script></head><body>
<nav><a href="/">Start</a> <a href="/a">Über uns</a></nav>
<header><h1>Site</h1></header>
<article><h1>Bericht</h1><h2>Teil eins</h2><p onclick="x()">Erster <em>Absatz</em>.</p>
<ul><li>Punkt A</li><li>Punkt B</li></ul><div hidden>Versteckt</div></article>
<aside>Werbung</aside><footer>Impressum</footer></body></html>`
	body := "Teil eins\n\nErster Absatz.\n\nPunkt A\n\nPunkt B"
	b := render(t, docbody.Source{Raw: []byte(page), Name: "https://example.org/bericht", Title: "Bericht", Body: body})
	if got := b.Find("h2").Text(); got != "Teil eins" {
		t.Errorf("h2 %q, want the article's section", got)
	}
	if got := b.Find("li").Length(); got != 2 {
		t.Errorf("%d list items, want 2", got)
	}
	text := b.Text()
	for _, gone := range []string{"Start", "Werbung", "Impressum", "Versteckt", "Site", "x()"} {
		if strings.Contains(text, gone) {
			t.Errorf("%q shown; want only the main content: %q", gone, text)
		}
	}
	if got := b.Find("#p-2 em").Text(); got != "Absatz" {
		t.Errorf("#p-2 em %q", got)
	}
}

func TestRenderUnsupported(t *testing.T) {
	tests := []struct {
		name string
		src  docbody.Source
	}{
		{"PDF", docbody.Source{Raw: []byte("%PDF-1.4 ..."), Name: "a.pdf", Body: "x"}},
		{"plain text", docbody.Source{Raw: []byte("Text"), Name: "a.txt", Body: "Text"}},
		{"JSON record named .md", docbody.Source{Raw: []byte(`{"title":"x","body":"- a"}`), Name: "x.md", Body: "a"}},
		{"too large", docbody.Source{Raw: make([]byte, docbody.MaxSourceBytes+1), Name: "a.md"}},
		{"shows too little of the body", docbody.Source{Raw: []byte("Ganz anderer Text."), Name: "a.md",
			Body: "Der Text im Index.\n\nZweiter Absatz.\n\nDritter Absatz."}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out, err := docbody.Render(tc.src)
			if !errors.Is(err, docbody.ErrUnsupported) {
				t.Errorf("Render = %q, %v; want ErrUnsupported", out, err)
			}
		})
	}
}

func TestFormatOf(t *testing.T) {
	tests := []struct {
		name, source string
		raw          string
		want         docbody.Format
	}{
		{"markdown path", "demo/cases/a.md", "# A", docbody.Markdown},
		{"markdown URL", "https://example.org/a.markdown?x=1", "# A", docbody.Markdown},
		{"html path", "pages/a.HTML", "<p>a", docbody.HTML},
		{"sniffed html", "upload", "<!DOCTYPE html><p>a", docbody.HTML},
		{"web page without extension", "https://example.org/bericht", "<html><body>a", docbody.HTML},
		{"plain", "upload", "just text", ""},
		{"API upload with front matter", "api", "---\ntitle: x\n---\nText", docbody.Markdown},
		{"API upload with a list", "api", "Titel\n\n- eins\n- zwei", docbody.Markdown},
		{"API upload of plain text", "api", "Titel\n\nNur Text, 3. Mai.", ""},
		{"pdf", "a.pdf", "%PDF-1.7", ""},
		{"json", "a.md", `[{"a":1}]`, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := docbody.FormatOf(tc.source, []byte(tc.raw)); got != tc.want {
				t.Errorf("FormatOf(%q) = %q, want %q", tc.source, got, tc.want)
			}
		})
	}
}

// FuzzRender: whatever the source, the output holds no element or
// attribute that runs script or loads anything, and no javascript: link.
func FuzzRender(f *testing.F) {
	raw, err := os.ReadFile("testdata/hostile.md")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(raw, "x.md")
	f.Add([]byte(listMD), "x.md")
	f.Add([]byte(`<html><body><article><p onmouseover=x>a</p><a href="jav&#x09;ascript:x">b</a></article>`), "x.html")
	f.Fuzz(func(t *testing.T, data []byte, name string) {
		out, err := docbody.Render(docbody.Source{Raw: data, Name: name})
		if err != nil {
			return
		}
		doc, err := goquery.NewDocumentFromReader(strings.NewReader(string(out)))
		if err != nil {
			t.Fatal(err)
		}
		if n := doc.Find("script, style, iframe, object, embed, img, svg, form, input, link, meta, base, [style]").Length(); n > 0 {
			t.Fatalf("%d forbidden elements in %q", n, out)
		}
		doc.Find("*").Each(func(_ int, s *goquery.Selection) {
			for _, a := range s.Nodes[0].Attr {
				k := strings.ToLower(a.Key)
				if strings.HasPrefix(k, "on") {
					t.Fatalf("handler %s in %q", k, out)
				}
				if k == "href" {
					v := strings.ToLower(strings.TrimSpace(a.Val))
					if !strings.HasPrefix(v, "http://") && !strings.HasPrefix(v, "https://") && !strings.HasPrefix(v, "mailto:") && !strings.HasPrefix(v, "#fn") {
						t.Fatalf("link to %q in %q", a.Val, out)
					}
				}
			}
		})
	})
}
