package querylang

import (
	"testing"
	"unicode/utf8"

	"github.com/fundus-kb/fundus/search/querylang/fuzzcorpus"
)

// fuzzCorpus is the project's corpus of FuzzParse inputs, crashers found
// so far included, in Go's corpus file format ("go test fuzz v1"). The fuzz
// engine reads testdata/fuzz/FuzzParse of the package directory and writes
// new crashers there; move them here.
const fuzzCorpus = "../../testdata/fuzz/FuzzParse"

// countLeaves returns the number of words and phrases of n.
func countLeaves(n Node) int {
	c := 0
	Walk(n, func(n Node) {
		switch n.(type) {
		case *Term, *Phrase:
			c++
		}
	})
	return c
}

// FuzzParse checks that Parse never panics, that an error is a
// *SyntaxError with a position inside the query, and that the canonical
// form of a parsed query parses to the same canonical form and keeps every
// word and phrase. (That the compiled Bleve query does not panic is
// FuzzCompileQuery of package search, which reads the same corpus.)
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"", "innovation", "innovation culture", `"innovation culture"`, "Innov*", "Mitarbeiter*innen",
		"+a b -c", "-a -b", "NOT a", "a AND b OR c", "a UND b ODER NICHT c", "a && b || !c",
		"(a OR b) AND c", "title:(a OR b)", `topic:"Digitale Ökosysteme"`, "thema:Innovationskultur typ:Fallstudie sprache:en",
		"Co-Creation Start-up C++", "a - b", "Note: x", "https://example.org/x", "Straße Übergänge",
		"(a", "a)", "()", "AND a", "a AND", `"abc`, "*", "a*", "innov**", "NOT --a", "+(--a) b",
		`-title:"x y"`, `title:"" foo`, "a -(b OR c)", "((a))", "a OR -b c",
		"„Kultur der Innovation“", "“innovation culture”", "‚Kultur‘ geht’s", "»a« «b»", `»sag "ja"«`, "Kultur „Innovation",
		"type:webinar Innovationskultur", "type:(webinar -case) lang:de a OR b", "addressee:Bund -type:case", "foo:bar", "geht's weiter?",
	} {
		f.Add(s)
	}
	for _, s := range fuzzcorpus.Read(f, fuzzCorpus) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, q string) {
		n, err := Parse(q)
		if err != nil {
			se, ok := err.(*SyntaxError)
			if !ok {
				t.Fatalf("Parse(%q): error %T %v, want *SyntaxError", q, err, err)
			}
			if se.Pos < 0 || se.Pos > len(q) || se.Column != utf8.RuneCountInString(q[:se.Pos])+1 {
				t.Fatalf("Parse(%q): bad position %d, column %d", q, se.Pos, se.Column)
			}
			return
		}
		if n == nil {
			return
		}
		s := n.String()
		// The canonical form can be a little longer than the query (a
		// space between "a""b", AND for &&, fields on every word of a
		// field group), so only the length limit is lifted for it.
		n2, err := parse(s, -1, nil)
		if err != nil {
			t.Fatalf("Parse(%q) = %s, which does not parse: %v", q, s, err)
		}
		if utf8.RuneCountInString(s) <= MaxLength {
			if _, err := Parse(s); err != nil {
				t.Fatalf("Parse(%q) = %s, which does not parse: %v", q, s, err)
			}
		}
		if s2 := n2.String(); s2 != s {
			t.Fatalf("Parse(%q) = %s, which parses to %s", q, s, s2)
		}
		if a, b := countLeaves(n), countLeaves(n2); a != b {
			t.Fatalf("Parse(%q) = %s has %d words and phrases, its canonical form %d", q, s, a, b)
		}
	})
}
