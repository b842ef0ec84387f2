package markdown

import (
	"bytes"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/fundus-kb/fundus/indexer/parse/internal/parsetest"
	"github.com/fundus-kb/fundus/indexer/parse/record"
	"github.com/fundus-kb/fundus/search"
)

func TestMarkdownFixtures(t *testing.T) {
	tests := []struct {
		file         string
		want         search.Document // compared field by field, Body and Metadata excepted
		bodyHas      []string
		bodyHasNot   []string
		metadataKeys []string
	}{
		{
			file: "good/webinar-de.md",
			want: search.Document{
				ID:            "webinar-2023-05-open-innovation-kmu",
				Type:          "Webinar",
				Title:         "Open Innovation im Mittelstand: Ideen von außen nutzen",
				Summary:       "Notizen zum Webinar über Ideenwettbewerbe, Lead-User-Workshops und Kooperationen mit Hochschulen.",
				Date:          "2023-05-17",
				Topics:        []string{"Open Innovation", "KMU", "Ideenwettbewerb"},
				People:        []string{"Dr. Anna Schäfer", "Jonas Weber"},
				Organizations: []string{"Fraunhofer IAO", "Steinbeis-Zentrum Innovation"},
				Language:      "de-DE",
				Source:        "https://example.org/webinare/open-innovation-kmu",
			},
			bodyHas: []string{
				"Open Innovation im Mittelstand\n\nKleine und mittlere Unternehmen", // H1 stays: the title came from front matter
				"keine eigene Forschungsabteilung",
				"über Ideenwettbewerbe & Lead-User.",
				"Drei Formate aus der Praxis",
				"Ideenwettbewerb mit Kundinnen und Kunden\n\nLead-User-Workshop",
				"„Fangen Sie klein an und lernen Sie schnell.“",
				"Format\tAufwand\tDauer\nIdeenwettbewerb\tmittel\t3 Monate",
				"Preise im Wettbewerb: 5*, Kategorie A/B.",
			},
			bodyHasNot:   []string{"**", "](", "`", "# ", "> ", "|", "---", "&amp;", "https://example.org/ideenwettbewerb"},
			metadataKeys: []string{"aufzeichnung", "dauer_minuten", "folien", "moderation"},
		},
		{
			file: "good/case-en.md",
			want: search.Document{
				ID:            "case-2022-machine-builder",
				Type:          "case study",
				Title:         "Peer-to-peer case",
				Date:          "12.09.2022",
				Topics:        []string{"open innovation", "supplier collaboration", "IoT"},
				Organizations: []string{"Example Maschinenbau GmbH"},
				Language:      "en",
				Challenge:     "The company lacked sensor know-how to build a predictive maintenance service.",
				Approach:      "It ran a supplier innovation challenge and co-developed a prototype with a start-up.",
				Outcome:       "A pilot with three customers within nine months; maintenance costs fell by 12 %.",
			},
			bodyHas:    []string{"A mid-sized machine builder wanted to offer predictive maintenance", "What worked\n\nClear problem statement", "pilot customers: 3"},
			bodyHasNot: []string{"Peer-to-peer case", "===", "###", "```", "*"},
		},
		{
			file: "good/recommendation-de.md",
			want: search.Document{
				Type:       "Handlungsempfehlung",
				Title:      "Innovationsgutscheine für Open-Innovation-Projekte öffnen",
				Date:       "2021-11",
				Topics:     []string{"Förderung", "Open Innovation"},
				People:     []string{"Dr. Clara Hoffmann", "Max Mustermann"},
				Language:   "de",
				Addressees: []string{"Bundesministerium für Wirtschaft und Klimaschutz", "Landesregierungen"},
				PolicyArea: "Forschungs- und Innovationspolitik",
			},
			// A level-2 heading used as title stays in the body.
			bodyHas:    []string{"Innovationsgutscheine für Open-Innovation-Projekte öffnen\n\nFörderprogramme", "Antragsverfahren vereinfachen\n\nKleine Beträge schnell bewilligen"},
			bodyHasNot: []string{"##", "- "},
		},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			data := parsetest.Fixture(t, tt.file)
			recs, errs := Parse(t.Context(), tt.file, data)
			r := parsetest.One(t, recs, errs)
			parsetest.CheckInvariants(t, tt.file, data, recs, errs)
			got := r.Doc
			body, meta := got.Body, got.Metadata
			got.Body, got.Metadata = "", nil
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got  %+v\nwant %+v", got, tt.want)
			}
			parsetest.CheckBody(t, body, tt.bodyHas, tt.bodyHasNot)
			var keys []string
			for k := range meta {
				keys = append(keys, k)
			}
			slices.Sort(keys)
			if !slices.Equal(keys, tt.metadataKeys) {
				t.Errorf("metadata keys: got %v, want %v", keys, tt.metadataKeys)
			}
			parsetest.CheckWhole(t, r, data)
			// The indexer assigns an id from the path; the rest must pass.
			doc := r.Doc
			if doc.ID == "" {
				doc.ID = "from-path"
			}
			if err := doc.Normalize(); err != nil {
				t.Errorf("Normalize: got %v, want no error", err)
			}
		})
	}
}

func TestMarkdownFixtureMetadata(t *testing.T) {
	recs, errs := Parse(t.Context(), "w.md", parsetest.Fixture(t, "good/webinar-de.md"))
	r := parsetest.One(t, recs, errs)
	want := map[string]any{
		"aufzeichnung":  true,
		"dauer_minuten": 90,
		"folien":        []any{"einleitung.pdf", "fallbeispiele.pdf"},
		"moderation":    map[string]any{"name": "Lisa Brandt", "rolle": "Netzwerkmanagerin"},
	}
	if got := r.Doc.Metadata; !reflect.DeepEqual(got, want) {
		t.Errorf("metadata: got %#v, want %#v", got, want)
	}
}

// bodyCase is a Markdown input and the title and body it must give.
type bodyCase struct {
	name      string
	in        string
	wantTitle string
	wantBody  string
}

// checkBodies parses each case's input as one file at path and checks its
// title and body.
func checkBodies(t *testing.T, path string, tests []bodyCase) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			recs, errs := Parse(t.Context(), path, []byte(tt.in))
			r := parsetest.One(t, recs, errs)
			if got := r.Doc.Title; got != tt.wantTitle {
				t.Errorf("title: got %q, want %q", got, tt.wantTitle)
			}
			if got := r.Doc.Body; got != tt.wantBody {
				t.Errorf("body: got %q, want %q", got, tt.wantBody)
			}
		})
	}
}

func TestMarkdownBody(t *testing.T) {
	tests := []bodyCase{
		{"link keeps its text", "Read [the guide](https://x.org/g \"G\") now.", "", "Read the guide now."},
		{"emphasis, code and strikethrough", "Use *very* **bold** `go test ./...` ~~old~~ words.", "", "Use very bold go test ./... old words."},
		{"level-1 heading is the title", "# Title\n\nText.", "Title", "Text."},
		{"setext level-1 heading is the title", "Title\n=====\n\nText.", "Title", "Text."},
		{"other heading is the title and stays", "## Sub\n\nText.", "Sub", "Sub\n\nText."},
		{"level-1 heading wins over an earlier one", "## Intro\n\n# Main\n\nText.", "Main", "Intro\n\nText."},
		{"only the first level-1 heading is taken", "# One\n\n# Two", "One", "Two"},
		{"front matter title keeps the heading", "---\ntitle: FM\n---\n# Heading\n\nText.", "FM", "Heading\n\nText."},
		{"no heading, no title", "Just text.", "", "Just text."},
		{"heading markup is stripped from the title", "# The *open* `API` [guide](x)", "The open API guide", ""},
		{"lists and quotes", "- a\n- b\n  1. c\n\n> q1\n> q2", "", "a\n\nb\n\nc\n\nq1 q2"},
		{"fenced code", "```go\nx := 1\ny := 2\n```", "", "x := 1\ny := 2"},
		{"indented code", "    code here\n    more", "", "code here\nmore"},
		{"table", "| a | b |\n|---|---|\n| 1 | *2* |", "", "a\tb\n1\t2"},
		{"html block", "<div class=\"x\">\n<p>Hi &amp; bye</p>\n<script>alert(1)</script>\n</div>", "", "Hi & bye"},
		{"inline html", "a <b>bold</b> word", "", "a bold word"},
		{"entities and escapes", "AT&amp;T \\*not em\\* &#228; &#xF6; &copy; &bogus;", "", "AT&T *not em* ä ö © &bogus;"},
		{"image keeps its alt text", "![a diagram](d.png)", "", "a diagram"},
		{"autolinks keep the address", "<https://example.org> and www.example.com", "", "https://example.org and www.example.com"},
		{"soft break is a space", "a\nb", "", "a b"},
		{"hard break is a newline", "a  \nb\\\nc", "", "a\nb\nc"},
		{"thematic break is dropped", "a\n\n***\n\nb", "", "a\n\nb"},
		{"task list", "- [x] done\n- [ ] open", "", "done\n\nopen"},
		{"footnote text is kept", "Text[^1].\n\n[^1]: The note.", "", "Text.\n\nThe note."},
		{"CRLF and BOM", "\uFEFF---\r\ntitle: T\r\n---\r\nLine one\r\nline two\r\n", "T", "Line one line two"},
		{"front matter only", "---\ntitle: Only\n---\n", "Only", ""},
		{"empty front matter", "---\n---\nText.", "", "Text."},
		{"comment-only front matter", "---\n# nothing here\n---\nText.", "", "Text."},
		{"dots close front matter", "---\ntitle: T\n...\nText.", "T", "Text."},
		{"front matter body comes first", "---\nbody: From front matter.\n---\nFrom Markdown.", "", "From front matter.\n\nFrom Markdown."},
		{"a later --- is not front matter", "Text.\n\n---\ntitle: x\n---", "title: x", "Text.\n\ntitle: x"},
	}
	checkBodies(t, "in.md", tests)
}

func TestMarkdownErrors(t *testing.T) {
	tests := []struct {
		name string
		file string // a fixture, or
		in   string // inline input
		want parsetest.WantErr
	}{
		{name: "broken front matter YAML", file: "bad/frontmatter-broken.md", want: parsetest.WantErr{Line: 4, Contains: "front matter: invalid YAML: did not find expected ',' or ']'"}},
		{name: "front matter is a list", file: "bad/frontmatter-list.md", want: parsetest.WantErr{Line: 2, Contains: "front matter is a list, not a mapping"}},
		{name: "front matter field of the wrong shape", file: "bad/frontmatter-wrong-shape.md", want: parsetest.WantErr{Line: 3, Contains: `front matter: field "title": want a string, got map`}},
		{name: "binary junk", file: "bad/binary.md", want: parsetest.WantErr{Line: 0, Contains: "binary file", Is: record.ErrBinary}},
		{name: "empty file", file: "bad/empty.md", want: parsetest.WantErr{Line: 0, Contains: "empty file", Is: record.ErrEmpty}},
		{name: "invalid UTF-8", file: "bad/invalid-utf8.md", want: parsetest.WantErr{Line: 4, Contains: "not valid UTF-8", Is: record.ErrUTF8}},
		{name: "white space only", in: " \n\t\r\n", want: parsetest.WantErr{Line: 0, Contains: "empty file", Is: record.ErrEmpty}},
		{name: "BOM only", in: "\uFEFF\n", want: parsetest.WantErr{Line: 0, Contains: "empty file", Is: record.ErrEmpty}},
		{name: "front matter not closed", in: "---\ntitle: x\n\nText.", want: parsetest.WantErr{Line: 1, Contains: "front matter is not closed"}},
		{name: "front matter is a scalar", in: "---\njust a sentence\n---\nText.", want: parsetest.WantErr{Line: 2, Contains: "front matter is a single value, not a mapping"}},
		{name: "YAML error line is a file line", in: "---\na: 1\nb: 2\nc: d: e\n---\nText.", want: parsetest.WantErr{Line: 4, Contains: "mapping values are not allowed"}},
		{name: "duplicate key names file lines", in: "---\ntitle: a\ntitle: b\n---\n", want: parsetest.WantErr{Line: 3, Contains: `mapping key "title" already defined at line 2`}},
		{name: "tab indentation", in: "---\r\ntitle: a\r\n\tfoo: 1\r\n---\r\nText.", want: parsetest.WantErr{Line: 3, Contains: "tab character"}},
		{name: "wrong shape names its line", in: "---\nid: x\ndate: 2020-01-01\ntags:\n  - a\n  - {b: c}\n---\nText.", want: parsetest.WantErr{Line: 4, Contains: `field "tags": want a list of strings, got list with map at index 1`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path, data := parsetest.Input(t, "in.md", tt.file, tt.in)
			recs, errs := Parse(t.Context(), path, data)
			if len(recs) != 0 {
				t.Errorf("got %d records, want none", len(recs))
			}
			parsetest.CheckErrors(t, path, errs, []parsetest.WantErr{tt.want})
		})
	}
}

func FuzzMarkdown(f *testing.F) {
	for _, data := range parsetest.Fixtures(f) {
		f.Add(data)
	}
	for _, s := range []string{
		"---\n---\n", "---\n", "---\r\n...\r\n# x", "# \n\n## \n", "\uFEFF---\ntitle: [\n---\n",
		"| a |\n|---|\n| <b> |", "<div>\n&#0;&#xD800;&#99999999;\n</div>", "[^1]\n\n[^1]: x", "> - ```\n",
		"---\ntitle: !!binary aGk=\ndate: !!timestamp 2001-12-14\n---\n", "---\na: &a [*a]\n---\n",
	} {
		f.Add([]byte(s))
	}
	// Hostile nesting and markup, small versions of limits_test.go's.
	f.Add(bytes.Repeat([]byte(">"), 300))
	f.Add(parsetest.NestedList(120))
	f.Add([]byte(strings.Repeat("- > ", 60) + "x"))
	f.Add([]byte(strings.Repeat("*a ", 150) + strings.Repeat("a* ", 150)))
	f.Add([]byte(strings.Repeat("[", 200) + "a" + strings.Repeat("](b)", 200)))
	f.Fuzz(func(t *testing.T, data []byte) {
		recs, errs := Parse(t.Context(), "fuzz.md", data)
		parsetest.CheckInvariants(t, "fuzz.md", data, recs, errs)
		if len(recs)+len(errs) != 1 {
			t.Fatalf("got %d records and %d errors, want exactly one of either", len(recs), len(errs))
		}
		for _, r := range recs {
			if r.Suffix != "" || r.Line != 0 {
				t.Fatalf("got suffix %q line %d, want \"\" and 0", r.Suffix, r.Line)
			}
		}
	})
}

// TestMarkdownWithinLimits checks that nesting up to the limits is read as
// before. None of the inputs has a title.
func TestMarkdownWithinLimits(t *testing.T) {
	tests := []bodyCase{
		{name: "100 block quotes", in: strings.Repeat(">", MaxDepth) + " deep", wantBody: "deep"},
		{name: "50-level list", in: string(parsetest.NestedList(50)), wantBody: strings.TrimSpace(strings.Repeat("x\n\n", 50))},
		{name: "git conflict markers", in: "Text.\n\n```\n<<<<<<< HEAD\na\n=======\nb\n>>>>>>> branch\n```\n", wantBody: "Text.\n\n<<<<<<< HEAD\na\n=======\nb\n>>>>>>> branch"},
		{name: "emphasis 50 deep", in: strings.Repeat("*a ", 50) + strings.Repeat("a* ", 50), wantBody: strings.TrimSpace(strings.Repeat("a ", 100))},
		{name: "thematic break", in: "a\n\n* * *\n\nb", wantBody: "a\n\nb"},
	}
	checkBodies(t, "ok.md", tests)
}
