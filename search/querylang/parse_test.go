package querylang

import (
	"errors"
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	cases := []struct {
		name, q, want string
	}{
		// Words, phrases, prefixes.
		{"word", "innovation", "innovation"},
		{"spaces around", "  innovation \t", "innovation"},
		{"adjacent words are OR-ed", "innovation culture", "innovation culture"},
		{"natural question", "what did we learn about innovation culture", "what did we learn about innovation culture"},
		{"phrase", `"innovation culture"`, `"innovation culture"`},
		{"phrase keeps its text", `"Digitale  Ökosysteme"`, `"Digitale  Ökosysteme"`},
		{"phrase and words", `open "innovation culture" teams`, `open "innovation culture" teams`},
		{"phrases without space", `"a b""c d"`, `"a b" "c d"`},
		{"word glued to phrase", `foo"bar baz"`, `foo "bar baz"`},
		{"prefix", "Innov*", "Innov*"},
		{"prefix of two letters", "KI*", "KI*"},
		{"prefix with umlaut", "Ökosys*", "Ökosys*"},
		{"star inside a word is literal", "Mitarbeiter*innen", "Mitarbeiter*innen"},
		{"leading star is literal", "*innen", "*innen"},

		// Unicode.
		{"umlauts and sharp s", "Förderung Straße Übergänge", "Förderung Straße Übergänge"},
		{"non-breaking space separates", "Straße\u00a0Brücke", "Straße Brücke"},
		{"ideographic space separates", "a\u3000b", "a b"},

		// Operators.
		{"AND", "innovation AND culture", "innovation AND culture"},
		{"OR", "innovation OR culture", "innovation culture"},
		{"NOT", "innovation NOT culture", "innovation -culture"},
		{"UND", "Kultur UND Führung", "Kultur AND Führung"},
		{"ODER", "Kultur ODER Führung", "Kultur Führung"},
		{"NICHT", "Kultur NICHT Führung", "Kultur -Führung"},
		{"&& || !", "a && b || !c", "a AND b OR -c"},
		{"lowercase operators are words", "kultur und führung oder not and or", "kultur und führung oder not and or"},
		{"mixed case operator is a word", "Kultur Und Führung", "Kultur Und Führung"},
		{"operator glued to a word is a word", "ANDROID ORACLE NOTE", "ANDROID ORACLE NOTE"},
		{"precedence AND over OR", "a OR b AND c", "a b AND c"},
		{"precedence AND over OR, left", "a AND b OR c", "a AND b c"},
		{"precedence NOT over AND", "NOT a AND b", "-a AND b"},
		{"NOT of a group", "NOT (a OR b)", "-(a b)"},
		{"double NOT", "NOT NOT a", "a"},
		{"OR of a NOT", "a OR NOT b", "a OR -b"},
		{"OR chain flattens", "a OR (b OR c) OR d", "a b c d"},
		{"AND chain flattens", "a AND (b AND c)", "a AND b AND c"},
		{"grouping", "(a OR b) AND c", "(a b) AND c"},
		{"redundant parentheses", "((a))", "a"},
		{"nested groups", "((a OR b) AND (c OR d)) OR e", "(a b) AND (c d) e"},
		{"operators next to parentheses", "(a)AND(b)", "a AND b"},

		// + and -.
		{"exclude", "innovation -culture", "innovation -culture"},
		{"must", "+innovation culture", "+innovation culture"},
		{"must, should, must not", "+a b -c", "+a b -c"},
		{"all must is AND", "+a +b", "a AND b"},
		{"single must", "+a", "a"},
		{"exclude phrase", `a -"b c"`, `a -"b c"`},
		{"exclude group", "a -(b OR c)", "a -(b c)"},
		{"must group", "+(a b) c", "+(a b) c"},
		{"OR clause in a must list", "+x a OR b", "+x a OR b"},
		{"group clause in a must list", "+x (a b)", "+x a OR b"},
		{"exclude field", "a -lang:de", "a -lang:de"},
		{"exclude field group", "a -title:(b c)", "a -(title:b title:c)"},
		{"bang excludes", "a !b", "a -b"},
		{"minus after parenthesis", "(-a b)", "b -a"},
		{"only negative", "-a", "-a"},
		{"only negatives", "-a -b", "-a -b"},
		{"NOT only", "NOT webinar", "-webinar"},
		{"plus in OR is ignored", "+a OR b", "a b"},
		{"minus in AND is NOT", "a AND -b", "a AND -b"},
		{"must NOT is NOT", "a +(NOT b)", "a -b"},
		{"plus glued to operator is a word", "a +NOT b", "a +NOT b"},

		// Hyphens and punctuation stay in words.
		{"hyphenated words", "Co-Creation Start-up E-Mail-Verteiler", "Co-Creation Start-up E-Mail-Verteiler"},
		{"C++", "C++ Java", "C++ Java"},
		{"lone minus", "a - b", "a b"},
		{"lone plus", "a + b", "a b"},
		{"lone bang", "Yahoo ! b", "Yahoo b"},
		{"trailing bang", "Yahoo!", "Yahoo!"},
		{"trailing hyphen", "Forschungs- und Innovationspolitik", "Forschungs- und Innovationspolitik"},
		{"double minus is a word", "--a", "--a"},
		{"NOT of a word starting with minus", "NOT --a", "NOT --a"},
		{"must word starting with minus", "+(--a) b", "+(--a) b"},
		{"minus before operator is a word", "-AND", "-AND"},
		{"dashes and ampersands are dropped", "Forschung & Entwicklung – Praxis …", "Forschung Entwicklung Praxis"},
		{"minus before punctuation dropped", "a -& b", "a b"},
		{"empty phrase dropped", `a "" b`, "a b"},
		{"punctuation phrase dropped with prefix", `a -"--" b`, "a b"},
		{"only punctuation", "- + & …", ""},
		{"empty", "", ""},
		{"blank", " \t\n ", ""},

		// Fields.
		{"title", "title:culture", "title:culture"},
		{"body", "body:culture", "body:culture"},
		{"topic", "topic:Innovationskultur", "topic:Innovationskultur"},
		{"type", "type:case", "type:case"},
		{"person", "person:Albers", "person:Albers"},
		{"org", "org:Nordwerk", "org:Nordwerk"},
		{"lang", "lang:en", "lang:en"},
		{"field phrase", `topic:"Digitale Ökosysteme"`, `topic:"Digitale Ökosysteme"`},
		{"field group", "title:(a OR b)", "title:a title:b"},
		{"field group with phrase", `topic:(Innovationskultur OR "Open Innovation")`, `topic:Innovationskultur OR topic:"Open Innovation"`},
		{"field inside field group wins", "title:(a body:b)", "title:a body:b"},
		{"field prefix", "topic:Innov*", "topic:Innov*"},
		{"field names ignore case", "Title:a TOPIC:b", "topic:b title:a"},
		{"alias thema", "thema:Führung", "topic:Führung"},
		{"alias themen", "Themen:Führung", "topic:Führung"},
		{"alias typ", "Typ:Fallstudie", "type:Fallstudie"},
		{"alias personen", "personen:Albers", "person:Albers"},
		{"alias people", "people:Albers", "person:Albers"},
		{"alias organisation", "organisation:Nordwerk", "org:Nordwerk"},
		{"alias organization", "organization:Nordwerk", "org:Nordwerk"},
		{"alias sprache", "Sprache:de", "lang:de"},
		{"alias language", "language:de", "lang:de"},
		{"alias titel", "Titel:Kultur", "title:Kultur"},
		{"alias text", "text:Kultur", "body:Kultur"},
		{"field value with colon", "title:a:b", "title:a:b"},
		{"field value starting with minus", "title:-a", "title:-a"},
		{"field value that is an operator", "title:AND", "title:AND"},
		{"time is text", "10:30 Uhr", "10:30 Uhr"},
		{"abbreviation colon is text", "z.B.:Kultur", "z.B.:Kultur"},
		{"url is text", "https://example.org/a?b=c", "https://example.org/a?b=c"},
		{"note colon is text", "Note: innovation", "Note: innovation"},
		{"known field without value is text", "Titel: Innovation", "Titel: Innovation"},
		{"known field at end is text", "Innovation Thema:", "Innovation Thema:"},
		{"field before closing parenthesis is text", "(a title:)", "a title:"},
		{"field with punctuation value dropped", "a title:- b", "a b"},
		{"field with empty phrase dropped", `title:"" foo`, "foo"},

		// Typographic quotes.
		{"German quotes", "„Kultur der Innovation“", `"Kultur der Innovation"`},
		{"German quotes closed by ”", "„Kultur der Innovation”", `"Kultur der Innovation"`},
		{"English quotes", "“innovation culture”", `"innovation culture"`},
		{"German single quotes", "‚Kultur der Innovation‘", `"Kultur der Innovation"`},
		{"guillemets", "»Kultur der Innovation« «open innovation»", `"Kultur der Innovation" "open innovation"`},
		{"field before German quotes", "topic:„Digitale Ökosysteme“", `topic:"Digitale Ökosysteme"`},
		{"excluded German quotes", "-„Kultur der Innovation“", `-"Kultur der Innovation"`},
		{"phrase with straight quotes inside", `»sag "ja"«`, `»sag "ja"«`},
		{"low comma is no quote", "a ‚ b", "a b"},
		{"apostrophe in a word", "Wie geht's weiter?", "Wie geht's weiter?"},
		{"typographic apostrophe", "geht’s", "geht’s"},
		{"single quote apostrophe inside", "‚geht’s weiter‘", `"geht’s weiter"`},

		// Filters narrow.
		{"filter and words", "type:webinar Innovationskultur", "type:webinar Innovationskultur"},
		{"filter and several words", "type:webinar Kultur Innovation", "type:webinar Kultur OR Innovation"},
		{"filter after words", "Kultur Innovation type:webinar", "type:webinar Kultur OR Innovation"},
		{"filters of one field are OR-ed", "type:webinar type:case Kultur", "type:webinar OR type:case Kultur"},
		{"filters of two fields are AND-ed", "type:webinar lang:de", "type:webinar AND lang:de"},
		{"filter alone", "addressee:Bund", "addressee:Bund"},
		{"explicit OR with a filter", "type:webinar OR Kultur", "type:webinar OR Kultur"},
		{"excluded filter", "-type:webinar Kultur", "Kultur -type:webinar"},
		{"filter and excluded word", "type:webinar -Kultur", "type:webinar -Kultur"},
		{"filter and mixed clauses", "type:webinar +a b -c", "type:webinar +a b -c"},
		{"filter group", "type:(webinar case) Kultur", "type:webinar OR type:case Kultur"},
		{"filter group with exclusion", "type:(webinar -case)", "type:webinar -type:case"},
		{"title is no filter", "title:Kultur Innovation", "title:Kultur Innovation"},
		{"alias adressat", "adressat:Bund", "addressee:Bund"},
		{"alias politikfeld", "Politikfeld:Bildung", "policy:Bildung"},
		{"field before phrase", `-title:"x y"`, `-title:"x y"`},

		// Limits that are just within.
		{"depth 20", strings.Repeat("(", 20) + "a b" + strings.Repeat(")", 20), "a b"},
		{"64 terms", strings.TrimSpace(strings.Repeat("w ", 64)), strings.TrimSpace(strings.Repeat("w ", 64))},
		{"1000 characters", strings.Repeat("a", 1000), strings.Repeat("a", 1000)},
		{"1000 characters with umlauts", strings.Repeat("ä", 1000), strings.Repeat("ä", 1000)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			n, err := Parse(tc.q)
			if err != nil {
				t.Fatalf("Parse(%q): %v", tc.q, err)
			}
			got := ""
			if n != nil {
				got = n.String()
			}
			if got != tc.want {
				t.Fatalf("Parse(%q) = %s, want %s", tc.q, got, tc.want)
			}
			if n == nil {
				return
			}
			// The canonical form parses to itself.
			n2, err := Parse(got)
			if err != nil {
				t.Fatalf("Parse(%q) (canonical form): %v", got, err)
			}
			if n2.String() != got {
				t.Fatalf("canonical form %s parses to %s", got, n2)
			}
		})
	}
}

func TestParseTree(t *testing.T) {
	cases := []struct {
		name string
		q    string
		want Node
	}{
		{"term", "Innov*", &Term{Text: "Innov", Prefix: true}},
		{"field term", "Thema:Kultur", &Term{Field: FieldTopic, Text: "Kultur"}},
		{"phrase", `title:"a b"`, &Phrase{Field: FieldTitle, Text: "a b"}},
		{"or", "a b", &Or{Children: []Node{&Term{Text: "a"}, &Term{Text: "b"}}}},
		{"and", "a AND b", &And{Children: []Node{&Term{Text: "a"}, &Term{Text: "b"}}}},
		{"not", "NOT a", &Not{Child: &Term{Text: "a"}}},
		{"bool", "+a b -c", &Bool{Must: []Node{&Term{Text: "a"}}, Should: []Node{&Term{Text: "b"}}, MustNot: []Node{&Term{Text: "c"}}}},
		{"pure negative", "-a -b", &Bool{MustNot: []Node{&Term{Text: "a"}, &Term{Text: "b"}}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			n, err := Parse(tc.q)
			if err != nil {
				t.Fatal(err)
			}
			if !equal(n, tc.want) {
				t.Errorf("Parse(%q) = %#v, want %#v", tc.q, n, tc.want)
			}
		})
	}
}

func equal(a, b Node) bool {
	eqs := func(a, b []Node) bool {
		if len(a) != len(b) {
			return false
		}
		for i := range a {
			if !equal(a[i], b[i]) {
				return false
			}
		}
		return true
	}
	switch a := a.(type) {
	case *Term:
		b, ok := b.(*Term)
		return ok && *a == *b
	case *Phrase:
		b, ok := b.(*Phrase)
		return ok && *a == *b
	case *And:
		b, ok := b.(*And)
		return ok && eqs(a.Children, b.Children)
	case *Or:
		b, ok := b.(*Or)
		return ok && eqs(a.Children, b.Children)
	case *Not:
		b, ok := b.(*Not)
		return ok && equal(a.Child, b.Child)
	case *Bool:
		b, ok := b.(*Bool)
		return ok && eqs(a.Must, b.Must) && eqs(a.Should, b.Should) && eqs(a.MustNot, b.MustNot)
	}
	return false
}

func TestParseErrors(t *testing.T) {
	cases := []struct {
		name   string
		q      string
		column int
		msg    string
	}{
		{"unterminated quote", `innovation "culture`, 12, "missing closing quote"},
		{"unterminated German quote", `Kultur „Innovation`, 8, "missing closing quote"},
		{"unterminated guillemet", `»Innovation`, 1, "missing closing quote"},
		{"unknown field", "Kultur foo:bar", 8, `unknown field "foo" (known fields: title, body, topic, type, person, org, addressee, policy, lang)`},
		{"unknown field before phrase", `foo:"bar baz"`, 1, `unknown field "foo"`},
		{"unknown field before group", `foo:(a b)`, 1, `unknown field "foo"`},
		{"unterminated quote after field", `topic:"Digitale`, 7, "missing closing quote"},
		{"missing closing parenthesis", "(innovation OR culture", 1, "missing closing parenthesis"},
		{"missing inner closing parenthesis", "(a (b c)", 1, "missing closing parenthesis"},
		{"missing closing parenthesis of field group", "a title:(b c", 9, "missing closing parenthesis"},
		{"unexpected closing parenthesis", "a b)", 4, "unexpected closing parenthesis"},
		{"closing before opening", ")a(", 1, "unexpected closing parenthesis"},
		{"empty parentheses", "a ()", 3, "empty parentheses"},
		{"empty field group", "title:()", 7, "empty parentheses"},
		{"parentheses of punctuation", "( - )", 1, "empty parentheses"},
		{"AND at start", "AND a", 1, "AND needs a term before it"},
		{"OR at start", "OR a", 1, "OR needs a term before it"},
		{"UND at start", "UND a", 1, "UND needs a term before it"},
		{"AND at end", "a AND", 3, "AND needs a term after it"},
		{"ODER at end", "a ODER", 3, "ODER needs a term after it"},
		{"NOT at end", "a NOT", 3, "NOT needs a term after it"},
		{"NICHT alone", "NICHT", 1, "NICHT needs a term after it"},
		{"plus before operator", "a +(b) OR", 8, "OR needs a term after it"},
		{"two operators", "a AND OR b", 3, "AND needs a term after it"},
		{"operator before closing parenthesis", "(a OR) b", 4, "OR needs a term after it"},
		{"operator after opening parenthesis", "(AND a)", 2, "AND needs a term before it"},
		{"NOT before closing parenthesis", "(a NOT)", 4, "NOT needs a term after it"},
		{"&& at end", "a &&", 3, "&& needs a term after it"},
		{"bare star", "*", 1, "at least 2 letters"},
		{"star after space", "Innovation *", 12, "at least 2 letters"},
		{"prefix of one letter", "a*", 2, "at least 2 letters"},
		{"prefix of one umlaut", "Ö*", 2, "at least 2 letters"},
		{"field prefix of one letter", "topic:a*", 8, "at least 2 letters"},
		{"two stars", "innov**", 7, "only one *"},
		{"prefix with punctuation", "Co-Crea*", 8, "single word"},
		{"column counts characters", "Förderung für ", 0, ""},
		{"column counts characters, error", "Förderung für (", 15, "missing closing parenthesis"},
		{"depth 21", strings.Repeat("(", 21) + "a" + strings.Repeat(")", 21), 21, "nested deeper than 20"},
		{"depth 21 in field group", strings.Repeat("(", 20) + "title:(a)" + strings.Repeat(")", 20), 27, "nested deeper than 20"},
		{"65 terms", strings.Repeat("w ", 65), 129, "more than 64"},
		{"65 terms with phrase", strings.Repeat("w ", 64) + `"x y"`, 129, "more than 64"},
		{"1001 characters", strings.Repeat("a", 1001), 1001, "longer than 1000"},
		{"1001 characters with umlauts", strings.Repeat("ü", 1001), 1001, "longer than 1000"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			n, err := Parse(tc.q)
			if tc.msg == "" {
				if err != nil {
					t.Fatalf("Parse(%q): %v", tc.q, err)
				}
				return
			}
			var se *SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("Parse(%q) = %v, %v; want a *SyntaxError", tc.q, n, err)
			}
			if se.Column != tc.column || !strings.Contains(se.Msg, tc.msg) {
				t.Errorf("Parse(%q): column %d, %q; want column %d, %q", tc.q, se.Column, se.Msg, tc.column, tc.msg)
			}
			if want := len([]rune(tc.q[:se.Pos])) + 1; want != se.Column {
				t.Errorf("Pos %d is column %d, not %d", se.Pos, want, se.Column)
			}
			if !strings.HasPrefix(se.Error(), "syntax error at column ") {
				t.Errorf("Error() = %q", se.Error())
			}
		})
	}
}

func TestParseChecked(t *testing.T) {
	// check accepts the types webinar and case.
	check := func(field, value string) string {
		if field == FieldType && value != "webinar" && value != "case" {
			return "unknown type " + value
		}
		return ""
	}
	cases := []struct {
		name   string
		q      string
		column int    // of the error; 0 for none
		msg    string // in the error
	}{
		{"known value", "type:webinar Kultur", 0, ""},
		{"unknown value", "Kultur type:foo", 8, "unknown type foo"},
		{"unknown value by alias", "typ:foo", 1, "unknown type foo"},
		{"unknown phrase value", `Kultur type:"foo bar"`, 8, "unknown type foo bar"},
		{"unknown value in a field group", "a type:(webinar OR foo)", 3, "unknown type foo"},
		{"negated unknown value", "Kultur -type:foo", 9, "unknown type foo"},
		{"a prefix is not checked", "type:fo*", 0, ""},
		{"other fields are not checked", "topic:foo title:bar foo", 0, ""},
		{"a syntax error comes first", `type:foo "a`, 10, "missing closing quote"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseChecked(tc.q, check)
			if tc.column == 0 {
				if err != nil {
					t.Fatalf("ParseChecked(%q): %v", tc.q, err)
				}
				return
			}
			var se *SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("ParseChecked(%q): %v, want a *SyntaxError", tc.q, err)
			}
			if se.Column != tc.column || !strings.Contains(se.Msg, tc.msg) {
				t.Errorf("ParseChecked(%q): column %d, %q; want column %d, %q", tc.q, se.Column, se.Msg, tc.column, tc.msg)
			}
			if tc.msg != "missing closing quote" && se.Code != CodeUnknownValue {
				t.Errorf("code %q, want %q", se.Code, CodeUnknownValue)
			}
		})
	}
	if _, err := Parse("type:foo"); err != nil {
		t.Errorf("Parse checks no values: %v", err)
	}
}

func TestSyntaxErrorMessage(t *testing.T) {
	_, err := Parse("innovation OR (culture")
	want := "syntax error at column 15: missing closing parenthesis"
	if err == nil || err.Error() != want {
		t.Errorf("err = %v, want %s", err, want)
	}
	var se *SyntaxError
	if errors.As(err, &se); se.Pos != 14 {
		t.Errorf("Pos = %d, want 14", se.Pos)
	}
	_, err = Parse(strings.Repeat("ä", 1001))
	if errors.As(err, &se); se.Pos != 2000 || se.Column != 1001 {
		t.Errorf("too long: Pos %d, Column %d; want 2000, 1001", se.Pos, se.Column)
	}
	_, err = Parse(strings.Repeat("a", 1001))
	if errors.As(err, &se); se.Pos != 1000 {
		t.Errorf("too long: Pos %d, want 1000", se.Pos)
	}
}

func TestCanonicalField(t *testing.T) {
	for name, want := range map[string]string{"TITEL": FieldTitle, "Organisation": FieldOrg, "sprache": FieldLang, "text": FieldBody} {
		if got, ok := CanonicalField(name); !ok || got != want {
			t.Errorf("CanonicalField(%q) = %q, %v; want %q", name, got, ok, want)
		}
	}
	if _, ok := CanonicalField("foo"); ok {
		t.Error("foo is a field")
	}
}

// TestCanonicalFormKeepsLimits checks that the canonical form of queries
// nested as deep as allowed is not nested deeper: it only uses the
// parentheses the precedence needs.
func TestCanonicalFormKeepsLimits(t *testing.T) {
	patterns := []struct{ name, open, close string }{
		{"group", "(", ")"},
		{"OR in a must list", "(+x a OR b ", ")"},
		{"AND in an OR", "(a b AND ", ")"},
		{"OR in an AND", "(a AND b OR ", ")"},
		{"NOT of a group", "-(a ", ")"},
		{"must group", "+(a ", ") b"},
		{"field group", "title:(a ", ")"},
		{"NOT in an OR", "(a OR NOT b ", ")"},
		{"must list in an AND", "(+a b AND ", ")"},
	}
	for _, p := range patterns {
		t.Run(p.name, func(t *testing.T) {
			q := strings.Repeat(p.open, MaxDepth) + "z" + strings.Repeat(p.close, MaxDepth)
			n, err := Parse(q)
			if err != nil {
				t.Skipf("%s: %v", q, err) // too many terms for this pattern
			}
			s := n.String()
			n2, err := Parse(s)
			if err != nil {
				t.Fatalf("Parse(%q) = %s, which does not parse: %v", q, s, err)
			}
			if n2.String() != s {
				t.Fatalf("canonical form %s parses to %s", s, n2)
			}
		})
	}
}
