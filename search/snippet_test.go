package search

import (
	"html"
	"strings"
	"testing"
	"unicode/utf8"
)

// spanOf returns the span of the n-th (from 0) occurrence of word in text.
func spanOf(text, word string, n int) span {
	at := 0
	for i := 0; ; i++ {
		j := strings.Index(text[at:], word)
		if j < 0 {
			panic("no " + word)
		}
		if i == n {
			return span{at + j, at + j + len(word)}
		}
		at += j + len(word)
	}
}

// plainSnippet strips the marks and ellipses of a snippet and unescapes it.
func plainSnippet(s string) string {
	s = strings.NewReplacer("<mark>", "", "</mark>", "", "…", "").Replace(s)
	return html.UnescapeString(s)
}

func TestMakeSnippet(t *testing.T) {
	long := strings.Repeat("Vorweg steht ein langer Satz über etwas anderes. ", 8) +
		"Hier geht es um Innovationskultur in mittelständischen Unternehmen. " +
		strings.Repeat("Danach folgt noch viel weiterer Text ohne Treffer. ", 8)
	body := "Die Hochschule öffnet ihr Labor für Partner aus der Region."
	tail := "\n\nKultur im Labor\n\nKultur. Innovationskultur. Lernkultur"
	cases := []struct {
		name     string
		text     string
		matches  []span
		prefer   int
		want     []string // substrings of the snippet
		wantNot  []string
		start    string // the snippet starts with this ("" for no check)
		whole    bool   // the snippet's text is whole words of text
		ellipsis [2]bool
	}{
		{
			name: "cut on word boundaries", text: long,
			matches: []span{spanOf(long, "Innovationskultur", 0)},
			want:    []string{"<mark>Innovationskultur</mark>"}, whole: true,
			ellipsis: [2]bool{true, true},
		},
		{
			name: "escapes everything but the marks", text: "Vorsicht <script>alert(1)</script> vor Kooperation & Vertrauen",
			matches: []span{{39, 50}},
			want:    []string{"&lt;script&gt;", "<mark>Kooperation</mark>", "&amp;"}, wantNot: []string{"<script>"},
		},
		{
			name: "prefers the body to the title and topics", text: body + tail,
			matches: []span{spanOf(body+tail, "Labor", 0), spanOf(body+tail, "Kultur", 0), spanOf(body+tail, "Labor", 1), spanOf(body+tail, "Kultur", 1), spanOf(body+tail, "kultur", 0), spanOf(body+tail, "kultur", 1)},
			prefer:  len(body),
			want:    []string{"öffnet ihr <mark>Labor</mark>"}, wantNot: []string{"Lernkultur"},
		},
		{
			name: "falls back to the title and topics", text: body + tail,
			matches: []span{spanOf(body+tail, "Kultur", 1)},
			prefer:  len(body),
			want:    []string{"<mark>Kultur</mark>"},
		},
		{
			name: "overlapping matches make one mark", text: "Innovationskultur braucht Zeit",
			matches: []span{{0, 17}, {11, 17}, {0, 10}},
			want:    []string{"<mark>Innovationskultur</mark> braucht"}, start: "<mark>",
		},
		{
			name: "one line", text: "Ausgangslage: Die   Partner\tsuchen\n\nWege",
			matches: []span{spanOf("Ausgangslage: Die   Partner\tsuchen\n\nWege", "Partner", 0)},
			want:    []string{"Ausgangslage: Die <mark>Partner</mark> suchen Wege"},
		},
		{
			name: "no matches", text: "nichts", matches: []span{{4, 99}, {-1, 2}, {3, 3}},
			want: []string{""},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := makeSnippet(tc.text, tc.matches, tc.prefer)
			for _, w := range tc.want {
				if !strings.Contains(got, w) {
					t.Errorf("snippet %q lacks %q", got, w)
				}
			}
			for _, w := range tc.wantNot {
				if strings.Contains(got, w) {
					t.Errorf("snippet %q has %q", got, w)
				}
			}
			if tc.start != "" && !strings.HasPrefix(got, tc.start) {
				t.Errorf("snippet %q does not start with %q", got, tc.start)
			}
			if tc.ellipsis[0] != strings.HasPrefix(got, "…") || tc.ellipsis[1] != strings.HasSuffix(got, "…") {
				if tc.whole {
					t.Errorf("snippet %q: ellipsis at start/end = %v, want %v", got, [2]bool{strings.HasPrefix(got, "…"), strings.HasSuffix(got, "…")}, tc.ellipsis)
				}
			}
			if tc.whole {
				p := plainSnippet(got)
				at := strings.Index(tc.text, p)
				if at < 0 {
					t.Fatalf("snippet text %q is not in the text", p)
				}
				if at > 0 && tc.text[at-1] != ' ' {
					t.Errorf("snippet %q starts inside a word", p)
				}
				if end := at + len(p); end < len(tc.text) && tc.text[end] != ' ' {
					t.Errorf("snippet %q ends inside a word", p)
				}
			}
		})
	}
}

func FuzzMakeSnippet(f *testing.F) {
	f.Add("Die Hochschule öffnet ihr Labor für Partner.\n\nKultur. Labor", uint16(4), uint16(14), uint16(25), uint16(30), uint16(45))
	f.Add("<b>ä&ö</b>  ü\t", uint16(0), uint16(3), uint16(5), uint16(9), uint16(0))
	f.Fuzz(func(t *testing.T, text string, a, b, c, d, prefer uint16) {
		if !utf8.ValidString(text) {
			return
		}
		n := len(text) + 1
		// Matches start and end on rune boundaries, as analyzer offsets do.
		fix := func(i int) int {
			for i > 0 && i < len(text) && !utf8.RuneStart(text[i]) {
				i--
			}
			return i
		}
		ms := []span{{fix(int(a) % n), fix(int(b) % n)}, {fix(int(c) % n), fix(int(d) % n)}}
		got := makeSnippet(text, ms, int(prefer)%n)
		if !utf8.ValidString(got) {
			t.Fatalf("invalid UTF-8: %q", got)
		}
		if strings.Count(got, "<mark>") != strings.Count(got, "</mark>") {
			t.Fatalf("unbalanced marks: %q", got)
		}
		rest := strings.NewReplacer("<mark>", "", "</mark>", "").Replace(got)
		if strings.ContainsAny(rest, "<>") {
			t.Fatalf("unescaped markup: %q", got)
		}
		p := strings.TrimSpace(plainSnippet(got))
		if p != "" && !strings.Contains(collapseSpace(text), collapseSpace(p)) {
			t.Fatalf("snippet text %q not in the text %q", p, text)
		}
	})
}
