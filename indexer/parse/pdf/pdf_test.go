package pdf

//go:generate go run ../internal/pdfgen -out ../../../testdata/pdf

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/fundus-kb/fundus/indexer/parse/internal/parsetest"
	"github.com/fundus-kb/fundus/indexer/parse/record"
	"github.com/fundus-kb/fundus/internal/tabletest"
	"github.com/fundus-kb/fundus/search"
)

const testdata = "../../../testdata/pdf"

// parsePDF parses a fixture that must give one document, and checks what
// every document must be: valid NFC text without ligatures or soft
// hyphens, the file as Raw, and acceptable to Normalize.
func parsePDF(t *testing.T, name string) search.Document {
	t.Helper()
	data := parsetest.ReadFixture(t, testdata, name)
	recs, errs := Parse(t.Context(), name, data)
	r := parsetest.One(t, recs, errs)
	parsetest.CheckWhole(t, r, data)
	d := r.Doc
	for _, s := range []string{d.Title, d.Body, d.Summary} {
		if !utf8.ValidString(s) || !norm.NFC.IsNormalString(s) {
			t.Errorf("not valid NFC UTF-8: %q", s)
		}
		if strings.ContainsAny(s, "\ufb00\ufb01\ufb02\ufb03\ufb04\u00ad\ufffd\x00") {
			t.Errorf("ligature, soft hyphen or replacement character left in %q", s)
		}
	}
	if strings.Contains(d.Body, "\n\n\n") || strings.TrimSpace(d.Body) != d.Body {
		t.Errorf("body has stray blank lines")
	}
	n := d
	n.ID = "x"
	if err := n.Normalize(); err != nil {
		t.Errorf("Normalize: %v", err)
	}
	return d
}

func paragraphs(body string) []string { return strings.Split(body, "\n\n") }

func TestPDFGeneratedReport(t *testing.T) {
	d := parsePDF(t, "generated-de.pdf")
	if d.Title != "Innovationskultur in Lernnetzwerken – ein Bericht" {
		t.Errorf("title %q", d.Title)
	}
	if want := []string{"Erika Musterfrau", "Jörg Müller"}; !slices.Equal(d.People, want) {
		t.Errorf("people %q, want %q", d.People, want)
	}
	if want := []string{"Innovation", "Lernnetzwerk", "Weiterbildung"}; !slices.Equal(d.Topics, want) {
		t.Errorf("topics %q, want %q", d.Topics, want)
	}
	if d.Date != "2020-03-27" || d.Language != "de-DE" || d.Summary != "Wie Lernnetzwerke Innovation fördern" {
		t.Errorf("date %q, language %q, summary %q", d.Date, d.Language, d.Summary)
	}
	if d.Metadata["pages"] != 3 || d.Metadata["producer"] != "Fundus pdfgen" || d.Metadata["truncated"] != nil {
		t.Errorf("metadata %v", d.Metadata)
	}

	// Pages 1 and 2, paragraph by paragraph: hyphenation resolved, umlauts
	// right, the columns of page 2 one after the other although they were
	// drawn line by line across both.
	want := []string{
		"Innovationskultur in Lernnetzwerken",
		"Lernnetzwerke verbinden Betriebe, Hochschulen und Kammern. Eine gelebte Innovationskultur entsteht, " +
			"wenn Fachkräfte Erfahrungen austauschen und Lösungen gemeinsam erproben. Größere Übungsräume, " +
			"längere Öffnungszeiten und mutige Äußerungen gehören dazu, auch über die Grenzen des eigenen " +
			"Unternehmens hinaus.",
		"Die Weiterbildung der Beschäftigten bleibt eine Daueraufgabe, denn Arbeits- und Lebenswelt wachsen " +
			"zusammen. Ein gut gepflegtes E-Mail-Postfach ersetzt trotzdem keine Werkstatt.",
		"Seite 1",
		"Zwei Spalten: Erfahrungen aus dem Netzwerk",
		"Im ersten Jahr trafen sich die Mitglieder monatlich. Jede Sitzung begann mit einem kurzen Bericht aus einem Betrieb.",
		"Später kamen Werkstattbesuche hinzu, bei denen Auszubildende ihre Projekte vorstellten.",
		"Die rechte Spalte beschreibt die Ergebnisse: drei neue Kurse, ein gemeinsamer Prüfungspool und ein Mentoringprogramm.",
		"Außerdem entstand ein digitales Forum für Fragen zwischen den Treffen.",
		"Seite 2",
		"Sonderfälle",
	}
	got := paragraphs(d.Body)
	if len(got) < len(want) {
		t.Fatalf("body has %d paragraphs:\n%s", len(got), d.Body)
	}
	for i, w := range want {
		if got[i] != w {
			t.Errorf("paragraph %d:\n got %q\nwant %q", i, got[i], w)
		}
	}

	// Page 3: one line per construct.
	lines := strings.Split(strings.Join(got[len(want):], "\n"), "\n")
	for _, w := range []string{
		"Der Einfluss der finanziellen Mittel auf die Qualität der Straßen und Offiziere.", // Differences, ligatures
		"Grüße aus Köln und Übach-Palenberg.",                                              // MacRomanEncoding
		"Wort ohne Leerzeichen dazwischen.",                                                // spaces from TJ offsets, kerning no space
		"Jedes Wort einzeln gesetzt.",                                                      // spaces from positions
		"Überprüfung der Qualifikation 2021",                                               // composite font, ToUnicode
		"Fett gedruckt",                                                                    // drawn twice
		"Unsichtbarer OCR-Text",                                                            // render mode 3
		"Mädchen lernen.",                                                                  // accent drawn over its letter
		"Text in einem Formular.",                                                          // form XObject
	} {
		if !slices.ContainsFunc(lines, func(l string) bool { return strings.Contains(l, w) }) {
			t.Errorf("page 3 lacks %q:\n%s", w, strings.Join(lines, "\n"))
		}
	}
	if n := strings.Count(d.Body, "Fett gedruckt"); n != 1 {
		t.Errorf("fake bold text appears %d times", n)
	}
	// The rotated margin note comes after the page's text.
	if !strings.HasSuffix(d.Body, "\n\nRandnotiz: gedreht") {
		t.Errorf("body does not end with the margin note:\n%s", d.Body)
	}
}

func TestPDFGeneratedMetadata(t *testing.T) {
	tests := []struct {
		file, title, date, lang, summary string
		people, topics                   []string
		body                             string
		pages                            int
	}{
		{
			// Metadata in XMP only; the Info title is a file name.
			file: "generated-xmp.pdf", title: "Handlungsempfehlungen für Lernnetzwerke", date: "2021-11-05", lang: "de",
			summary: "Zehn Empfehlungen aus drei Jahren Netzwerkarbeit",
			people:  []string{"Anna Schäfer", "Ben Öztürk"}, topics: []string{"Empfehlung", "Netzwerkarbeit"},
			body:  "Empfehlungen\n\nNetzwerke sollten ihre Ergebnisse offen teilen und regelmäßig prüfen.",
			pages: 1,
		},
		{
			// No metadata: the title is the largest line, not the first.
			file: "generated-notitle.pdf", title: "Protokoll des Netzwerktreffens",
			body: "Netzwerk Süd – intern\n\nProtokoll des Netzwerktreffens\n\n" +
				"Anwesend waren zwölf Betriebe und zwei Hochschulen. Nächstes Treffen: im Frühjahr.",
			pages: 2,
		},
		{
			// Encrypted, but with an empty user password.
			file: "generated-owner-only.pdf", title: "Vertraulicher Bericht",
			body: "Vertraulicher Bericht über die Fördermittel.", pages: 1,
		},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			d := parsePDF(t, tt.file)
			if d.Title != tt.title || d.Date != tt.date || d.Language != tt.lang || d.Summary != tt.summary {
				t.Errorf("title %q, date %q, language %q, summary %q", d.Title, d.Date, d.Language, d.Summary)
			}
			if !slices.Equal(d.People, tt.people) || !slices.Equal(d.Topics, tt.topics) {
				t.Errorf("people %q, topics %q", d.People, d.Topics)
			}
			if d.Body != tt.body {
				t.Errorf("body\n got %q\nwant %q", d.Body, tt.body)
			}
			if d.Metadata["pages"] != tt.pages {
				t.Errorf("metadata %v", d.Metadata)
			}
		})
	}
}

// TestPDFRealWorld reads PDFs made by other programs (see
// testdata/pdf/SOURCES.md).
func TestPDFRealWorld(t *testing.T) {
	tests := []struct {
		file, title, date string
		people            []string
		has               []string
		order             []string // must appear in this order
	}{
		{
			// pdfTeX, Type 1 fonts with custom encodings, no ToUnicode.
			file: "koma-script-briefDIN.pdf", date: "2018-03-12", title: "HOOK",
			has: []string{
				"Kapitän Hook", "Lager der wilden Jungs", "12. März 2018",
				"warte ich sehnsüchtig darauf, ihm nicht nur deine Hände",
				"Kerl zum Fraß vorzuwerfen. Es wäre daher von dir besonders freundlich",
				"zu einem Zweikampf auf die Totenkopfinsel bewegen könntest.",
				"In freundlichster Feindschaft",
			},
			order: []string{"Peter Pan", "12. März 2018", "Bester Feind,", "nachdem es mir gelungen ist", "In freundlichster Feindschaft"},
		},
		{
			// pdfTeX, a Type 1 font with its built-in encoding.
			file: "dhua-README.pdf", date: "2011-09-16", title: "README for the ‘dhua’ package",
			has: []string{
				"(German Abbreviations Using Thin Space)",
				"Das Paket ‘dhua’ bietet Befehle fuer mehrgliedrige Abkuerzungen, fuer die schmale Leerzeichen (Festabstaende) empfohlen werden",
				"under the terms of the LaTeX Project Public License",
			},
		},
		{
			// cairo, TrueType subsets with ToUnicode; title and author in Info.
			file: "gentiumplus-support.pdf", date: "2022-02-09", title: "Gentium - Support",
			people: []string{"SIL Writing Systems Technology"},
			has: []string{
				"As these fonts are distributed at no cost, we are unable to provide a commercial level of personal technical support.",
				"copyright © 2003-2022 SIL International.",
			},
			order: []string{"Support options", "Language Software Community", "Reporting bugs and feature requests", "Contact form"},
		},
		{
			// LuaTeX, CID-keyed fonts (Identity-H) with ToUnicode.
			file: "termcal-de-doc.pdf", date: "2018-03-23", title: "The termcal-de package",
			people: []string{"Sebastian Friedl"},
			has: []string{
				"The termcal-de package provides a German localization to the termcal package written by Bill Mitchell",
				"datetime2-german",
			},
		},
		{
			// dvips and Ghostscript, CFF fonts, accents set by TeX over capitals;
			// the Info title is a file name.
			file: "moreverb-de.pdf", date: "2011-09-13", title: "Das moreverb Paket",
			has: []string{
				"Angus Duggan, Rainer Schöpf and Victor Eijkhout",
				"Dieses Paket nutzt die Ausstattung des verbatim Pakets",
				"Tabulator-Erweiterung und Ähnliches,",
				"letzte Überarbeitung 2008/06/03",
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			d := parsePDF(t, tt.file)
			if d.Title != tt.title || d.Date != tt.date || !slices.Equal(d.People, tt.people) {
				t.Errorf("title %q, date %q, people %q", d.Title, d.Date, d.People)
			}
			parsetest.CheckBody(t, d.Body, tt.has, nil)
			at := 0
			for _, s := range tt.order {
				i := strings.Index(d.Body[at:], s)
				if i < 0 {
					t.Errorf("%q is missing or out of order", s)
					break
				}
				at += i + len(s)
			}
			if t.Failed() {
				t.Logf("body:\n%s", d.Body)
			}
		})
	}
}

// TestPDFNoConfigDir checks that reading a PDF leaves the user's
// configuration folder alone: pdfcpu creates a configuration directory
// there unless told not to (see disableConfigDir).
func TestPDFNoConfigDir(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("XDG_CONFIG_HOME", dir)
	t.Setenv("HOME", dir)
	if _, errs := Parse(t.Context(), "de.pdf", parsetest.ReadFixture(t, testdata, "generated-de.pdf")); len(errs) > 0 {
		t.Fatalf("Parse: %v", errs)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		t.Errorf("reading a PDF created %s in the configuration folder", e.Name())
	}
}

// TestPDFCancel checks that a cancelled parse stops within a second, not
// at the end of the file or the deadline, and fails with context.Canceled:
// cancelled before pdfcpu reads the file, and while the pages are read.
func TestPDFCancel(t *testing.T) {
	data := parsetest.PagesPDF(3000) // 9 MB of text, read in about 5 s
	for _, tt := range []struct {
		name  string
		after time.Duration
	}{
		{name: "before", after: 0},
		{name: "while reading", after: 200 * time.Millisecond},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(t.Context())
			defer cancel()
			if tt.after == 0 {
				cancel()
			} else {
				time.AfterFunc(tt.after, cancel)
			}
			start := time.Now()
			recs, errs := Parse(ctx, "slow.pdf", data)
			if took := time.Since(start) - tt.after; took > time.Second {
				t.Errorf("returned %v after the cancel, want within a second", took)
			}
			if len(recs) != 0 || len(errs) != 1 {
				t.Fatalf("got %d records and errors %v, want one error", len(recs), errs)
			}
			parsetest.CheckError(t, "slow.pdf", errs[0], parsetest.WantErr{Contains: "context canceled", Is: context.Canceled})
		})
	}
}

func TestPDFFailures(t *testing.T) {
	report := parsetest.ReadFixture(t, testdata, "generated-de.pdf")
	tests := []struct {
		name string
		data []byte
		want error
	}{
		{"empty", nil, errEmpty},
		{"blank", []byte(" \n\t\n"), errEmpty},
		{"html", []byte("<!doctype html><title>x</title>"), errNotPDF},
		{"zip", []byte("PK\x03\x04\x14\x00\x00\x00\x08\x00"), errNotPDF},
		{"header only", []byte("%PDF-1.7\n"), errCorrupt},
		{"garbage", []byte("%PDF-1.4\nthis is not really a PDF at all\n%%EOF\n"), errCorrupt},
		{"truncated", report[:len(report)/2], errCorrupt},
		{"encrypted", parsetest.ReadFixture(t, testdata, "generated-encrypted.pdf"), errEncrypted},
		{"scan", parsetest.ReadFixture(t, testdata, "generated-scan.pdf"), errNoText},
		{"vector drawing", parsetest.ReadFixture(t, testdata, "europecv-at.pdf"), errNoText},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			recs, errs := Parse(t.Context(), "in/x.pdf", tt.data)
			// A file without text is still a record (its metadata), with
			// the error as a warning; every other failure has no record.
			wantRecs := 0
			if tt.want == errNoText {
				wantRecs = 1
				if len(recs) == 1 && (recs[0].Doc.Body != "" || recs[0].Doc.Metadata["no_text"] != true) {
					t.Errorf("scan record = %+v, want no body and no_text set", recs[0].Doc)
				}
			}
			if len(recs) != wantRecs || len(errs) != 1 {
				t.Fatalf("got %d records, errors %v", len(recs), errs)
			}
			var pe *record.Error
			if !errors.As(errs[0], &pe) || pe.Path != "in/x.pdf" || pe.Line != 0 {
				t.Errorf("error %#v does not name the file", errs[0])
			}
			if !errors.Is(errs[0], tt.want) {
				t.Errorf("error %q, want %q", errs[0], tt.want)
			}
		})
	}
	if _, errs := Parse(t.Context(), "x.pdf", parsetest.ReadFixture(t, testdata, "generated-encrypted.pdf")); errs[0].Error() != "x.pdf: encrypted PDFs are not supported" {
		t.Errorf("message %q", errs[0])
	}
	if _, errs := Parse(t.Context(), "x.pdf", parsetest.ReadFixture(t, testdata, "generated-scan.pdf")); errs[0].Error() != "x.pdf: no text (scanned images?)" {
		t.Errorf("message %q", errs[0])
	}
}

// A file cut off after its pages but before its cross-reference table is
// repaired: its text is still there.
func TestPDFRepairsMissingXref(t *testing.T) {
	data := parsetest.ReadFixture(t, testdata, "generated-de.pdf")
	cut := data[:bytes.LastIndex(data, []byte("xref"))]
	recs, errs := Parse(t.Context(), "x.pdf", cut)
	r := parsetest.One(t, recs, errs)
	parsetest.CheckBody(t, r.Doc.Body, []string{"Eine gelebte Innovationskultur entsteht", "Mädchen lernen."}, nil)
}

func TestPDFDate(t *testing.T) {
	tabletest.Map(t, "parseDate", parseDate, map[string]string{
		"D:20200327101500+01'00'":   "2020-03-27",
		"D:20200327":                "2020-03-27",
		"D:202003":                  "2020-03-01",
		"D:2020":                    "2020-01-01",
		"20200327101500Z":           "2020-03-27",
		"2021-11-05T09:30:00+01:00": "2021-11-05",
		"2021-11-05T09:30+01:00":    "2021-11-05",
		"D:20201345":                "",
		"D:00000000":                "",
		"Friday, March 27":          "",
		"":                          "",
	})
}

func TestPDFJoinHyphen(t *testing.T) {
	tests := []struct{ a, b, want string }{
		{"Innovations-", "kultur entsteht", "Innovationskultur entsteht"},
		{"Arbeits-", "und Lebenswelt", "Arbeits- und Lebenswelt"},
		{"Vor-", "oder Nachteil", "Vor- oder Nachteil"},
		{"E-", "Mail-Postfach", "E-Mail-Postfach"},
		{"Covid-", "19", "Covid-19"},
		{"Silben\u00ad", "trennung", "Silbentrennung"},
		{"Silben\u00ad", "Trennung", "SilbenTrennung"},
		{"Satz -", "und mehr", ""},
		{"kein Strich", "und mehr", ""},
		{"Ende-", "„Zitat“", ""},
	}
	for _, tt := range tests {
		got, ok := joinHyphen(tt.a, tt.b)
		if !ok {
			got = ""
		}
		if got != tt.want {
			t.Errorf("joinHyphen(%q, %q) = %q, want %q", tt.a, tt.b, got, tt.want)
		}
	}
}

func TestPDFNamesAndKeywords(t *testing.T) {
	names := map[string][]string{
		"Erika Musterfrau; Jörg Müller":    {"Erika Musterfrau", "Jörg Müller"},
		"Erika Musterfrau, Jörg Müller":    {"Erika Musterfrau", "Jörg Müller"},
		"Erika Musterfrau und Jörg Müller": {"Erika Musterfrau", "Jörg Müller"},
		"Musterfrau, Erika":                {"Musterfrau, Erika"},
		"  SIL   Writing Systems ":         {"SIL Writing Systems"},
	}
	for in, want := range names {
		if got := splitNames(in); !slices.Equal(got, want) {
			t.Errorf("splitNames(%q) = %q, want %q", in, got, want)
		}
	}
	keywords := map[string][]string{
		"Innovation, Lernnetzwerk":    {"Innovation", "Lernnetzwerk"},
		"a; b, c":                     {"a", "b, c"},
		"eins\nzwei":                  {"eins", "zwei"},
		"Lernnetzwerke in der Region": {"Lernnetzwerke in der Region"},
	}
	for in, want := range keywords {
		if got := splitKeywords(in); !slices.Equal(got, want) {
			t.Errorf("splitKeywords(%q) = %q, want %q", in, got, want)
		}
	}
	for _, junk := range []string{"Untitled", "Microsoft Word - Bericht_final.docx", "Folie 1", "Programm 2020.indd", "C:\\Daten\\x", "---"} {
		if !junkTitle(junk) {
			t.Errorf("%q is not junk", junk)
		}
	}
	for _, ok := range []string{"Jahresbericht 2020", "Innovationskultur in Lernnetzwerken"} {
		if junkTitle(ok) {
			t.Errorf("%q is junk", ok)
		}
	}
}

func TestPDFGlyphNames(t *testing.T) {
	tabletest.Map(t, "glyphName", glyphName, map[string]string{
		"adieresis": "ä", "Udieresis": "Ü", "germandbls": "ß", "fi": "ﬁ", "f_f_i": "ffi",
		"uni00E4": "ä", "uni00660069": "fi", "u1F600": "😀", "quoteright": "’", "Euro": "€",
		"a.sc": "a", "space": " ", "g123": "", "": "", "uniD800": "",
	})
}

func TestPDFCMap(t *testing.T) {
	d := &reader{stopCtx: t.Context()}
	m := d.parseCMap([]byte(`1 begincodespacerange <00> <80> <8140> <FFFF> endcodespacerange
2 beginbfchar <41> <0041> <8141> (\000\344) endbfchar
2 beginbfrange <30> <39> <0030> <8150> <8152> [<00DF> <00660069> <D83DDE00>] endbfrange`))
	f := &font{cmap: m, toUni: m}
	var got []string
	for _, c := range f.codes("A5\x81\x41\x81\x52\x81\x50", nil) {
		_, s := f.glyph(c)
		got = append(got, s)
	}
	if want := []string{"A", "5", "ä", "😀", "ß"}; !slices.Equal(got, want) {
		t.Errorf("decoded %q, want %q", got, want)
	}
}

// FuzzPDF feeds the fixtures and mutations of them to the parser: it must
// not panic (pdfcpu's panics are turned into errors; a panic of this file
// would be reported as errInternal), must finish in bounded time, and
// must return either one document or one error.
func FuzzPDF(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join(testdata, "*.pdf"))
	for _, p := range files {
		data, err := os.ReadFile(p)
		if err == nil && len(data) < 64<<10 {
			f.Add(data)
		}
	}
	f.Add([]byte("%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [2 0 R] /Count 1 >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF"))
	f.Add([]byte("%PDF-1.4\n1 0 obj << /Length 30 >> stream\nBT /F1 12 Tf (Hallo) Tj ET\nendstream endobj\n%%EOF"))
	// Streams inflating past the budget: 64 MB of zeros in 64 KB.
	f.Add(parsetest.ZeroStreamPDF(f, 64, 0))
	f.Add(parsetest.ZeroStreamPDF(f, 64, 1))
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > 1<<20 {
			return
		}
		start := time.Now()
		recs, errs := Parse(t.Context(), "fuzz.pdf", data)
		if el := time.Since(start); el > 20*time.Second {
			t.Errorf("took %v", el)
		}
		noText := len(errs) == 1 && errors.Is(errs[0], record.ErrNoText)
		if len(recs)+len(errs) != 1 && !(noText && len(recs) == 1) {
			t.Fatalf("%d records and %d errors", len(recs), len(errs))
		}
		for _, err := range errs {
			if errors.Is(err, errInternal) {
				t.Fatal(err)
			}
		}
		for _, r := range recs {
			if !utf8.ValidString(r.Doc.Body) || !utf8.ValidString(r.Doc.Title) {
				t.Fatal("invalid UTF-8")
			}
		}
	})
}
