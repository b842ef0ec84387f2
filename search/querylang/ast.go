// Package querylang parses Fundus' search query language into a small
// syntax tree. It knows nothing about the index: package search compiles
// the tree into a Bleve query.
//
// # Syntax
//
// The language is close to what Google and Lucene users expect:
//
//	innovation culture          words
//	"innovation culture"        a phrase: the words in this order; also „…“, “…”, ‚…‘, »…«, «…»
//	Innov*                      a prefix: words starting with "innov" (≥ 2 letters or digits before *)
//	+culture  -openness         a required / an excluded word, phrase, field or group
//	title:culture               a field; also title:"…" and title:(a OR b)
//	type:webinar culture        a filter (a keyword field) and words: both apply
//	a AND b, a OR b, NOT a      operators, also UND, ODER, NICHT and &&, ||, !a
//	(a OR b) AND c              grouping, at most 20 levels deep
//
// Operators are recognised in upper case only: "und", "oder" and "not" are
// ordinary words. Precedence is NOT (and the + and - prefixes) over AND over
// OR over adjacency.
//
// # Default operator
//
// Adjacent clauses without an operator are OR-ed: "what did we learn about
// innovation culture" finds every document with any of the words, and BM25
// (with Bleve's coordination factor) ranks documents that match more of them
// higher. AND and + make clauses required; - and NOT exclude. A query of
// negative clauses only ("-webinar", "NOT lang:de") means everything except
// what they match.
//
// # Fields
//
// Field names are case-insensitive, and German aliases are accepted:
//
//	title   titel
//	body    text
//	topic   topics, thema, themen
//	type    typ
//	person  people, personen
//	org     organisation, organization, organizations
//	lang    language, sprache
//	addressee  addressees, adressat, adressaten
//	policy  policy_area, politikfeld
//
// # Filters
//
// Fields other than title and body are filters (IsFilter). In a list of
// adjacent clauses the filters are taken out and AND-ed with the rest:
// "type:webinar a b" is type:webinar AND (a OR b), as in GitHub's or
// Gmail's search. Single filters of the same field are OR-ed first, like
// two ticked values of a facet: "type:webinar type:case a" is (type:webinar
// OR type:case) AND a. An explicit OR keeps its meaning ("type:webinar OR
// a"), a negated filter is a MustNot clause like any other, and a group is
// a list of its own: the rules apply inside parentheses too. String renders
// such an And in the adjacent form, so the canonical form keeps its depth.
//
// title and body restrict a search to that text; the others match a whole
// keyword (a phrase value such as topic:"Digitale Ökosysteme" is the whole
// value; package search lets person, org, addressee and policy match whole
// words of a name). A word "name:value" whose name is two to 20 letters but
// no known field ("foo:bar") is a SyntaxError with Code CodeUnknownField
// that lists the known fields; ParseChecked also checks filter values with
// the caller's ValueCheck (package search: the document types and
// languages), a refused one being a SyntaxError with Code
// CodeUnknownValue. Other colons are plain text: "10:30",
// "https://example.org", and a field name followed by nothing ("Titel:
// Innovation" and "Note: x" search for the words).
//
// # Forgiving details
//
//   - A '-', '+' or '!' is an operator only at the start of a term (at the
//     start of the query, or after whitespace, a parenthesis or a phrase),
//     and only when what follows is a phrase, a group, or a word with a
//     letter or digit that is no operator and does not itself start with
//     '-', '+' or '!' ("--a" and "-AND" are words).
//     Elsewhere it is part of the word: "Co-Creation", "Start-up" and "C++"
//     are single words.
//   - Words and phrases without any letter or digit ("-", "&", "–", "…")
//     are ignored, as the analyzers would drop them anyway.
//   - A '*' inside or at the start of a word is literal (the gender star in
//     "Mitarbeiter*innen" is common in German); only a single trailing '*'
//     after at least two letters or digits makes a prefix. A bare '*', a
//     prefix of fewer than two characters or one that contains punctuation
//     is a SyntaxError.
//   - A '+' inside an AND or OR expression ("+a OR b") is ignored; '-' there
//     means NOT.
//
// # Errors and limits
//
// Operators without an operand ("AND a", "a OR", "NOT"), empty parentheses,
// unbalanced parentheses, an unterminated quote, nesting deeper than
// MaxDepth, more than MaxTerms words and phrases and queries longer than
// MaxLength characters are a *SyntaxError; its Code names the kind, for
// messages in other languages.
package querylang

import (
	"sort"
	"strings"
	"unicode/utf8"
)

// Limits of a query.
const (
	MaxLength = 1000 // characters (runes)
	MaxTerms  = 64   // words and phrases
	MaxDepth  = 20   // nesting of parentheses
)

// Canonical field names. A Term or Phrase without a field has Field "".
const (
	FieldTitle     = "title"
	FieldBody      = "body"
	FieldTopic     = "topic"
	FieldType      = "type"
	FieldPerson    = "person"
	FieldOrg       = "org"
	FieldLang      = "lang"
	FieldAddressee = "addressee"
	FieldPolicy    = "policy"
)

// fieldNames are the canonical field names, in the order errors list them.
var fieldNames = []string{FieldTitle, FieldBody, FieldTopic, FieldType, FieldPerson, FieldOrg, FieldAddressee, FieldPolicy, FieldLang}

// FieldNames returns the canonical field names.
func FieldNames() []string { return append([]string(nil), fieldNames...) }

// FieldAliases returns the other accepted names of a canonical field,
// sorted.
func FieldAliases(f string) []string {
	var out []string
	for a, c := range fieldAliases {
		if c == f && a != f {
			out = append(out, a)
		}
	}
	sort.Strings(out)
	return out
}

// IsFilterField reports whether a canonical field is a filter (a keyword
// field: type, lang, topic, person, org, addressee, policy) rather than a
// text field (title, body, or none).
func IsFilterField(f string) bool {
	switch f {
	case "", FieldTitle, FieldBody:
		return false
	}
	return true
}

// IsFilter reports whether n is a filter: a word or phrase of a filter
// field, or an And or Or of filters only.
func IsFilter(n Node) bool {
	switch n := n.(type) {
	case *Term:
		return IsFilterField(n.Field)
	case *Phrase:
		return IsFilterField(n.Field)
	case *And:
		for _, c := range n.Children {
			if !IsFilter(c) {
				return false
			}
		}
		return len(n.Children) > 0
	case *Or:
		for _, c := range n.Children {
			if !IsFilter(c) {
				return false
			}
		}
		return len(n.Children) > 0
	}
	return false
}

// fieldAliases maps every accepted lowercased field name to its canonical
// name.
var fieldAliases = map[string]string{
	"title": FieldTitle, "titel": FieldTitle,
	"body": FieldBody, "text": FieldBody,
	"topic": FieldTopic, "topics": FieldTopic, "thema": FieldTopic, "themen": FieldTopic,
	"type": FieldType, "typ": FieldType,
	"person": FieldPerson, "people": FieldPerson, "personen": FieldPerson,
	"org": FieldOrg, "organisation": FieldOrg, "organization": FieldOrg, "organizations": FieldOrg,
	"lang": FieldLang, "language": FieldLang, "sprache": FieldLang,
	"addressee": FieldAddressee, "addressees": FieldAddressee, "adressat": FieldAddressee, "adressaten": FieldAddressee,
	"policy": FieldPolicy, "policy_area": FieldPolicy, "politikfeld": FieldPolicy,
}

// CanonicalField returns the canonical name of a field name or alias, in
// any case, and false for an unknown field.
func CanonicalField(name string) (string, bool) {
	f, ok := fieldAliases[strings.ToLower(name)]
	return f, ok
}

// Node is a node of the syntax tree: *Term, *Phrase, *And, *Or, *Not or
// *Bool.
//
// String renders a node in canonical query syntax, for tests and logs:
// fields in their canonical name on every word and phrase, Or as adjacent
// clauses ("a b"; "a OR -b" next to a Not), And with AND, Not with a '-'
// prefix, Bool as "+a b -c", and only the parentheses the precedence
// needs. Parsing the canonical form gives a tree of the same canonical
// form and never nests deeper than the query it came from; it can be a
// little longer (fields of a group are repeated on each word, "&&" becomes
// AND), so near MaxLength it may exceed the limit.
type Node interface {
	String() string
	node()
}

// Term is a single word, or a prefix when Prefix is set (Text is then the
// part before the '*'). Text is as the user wrote it.
type Term struct {
	Field  string // canonical field name, "" for the text fields
	Text   string
	Prefix bool
}

// Phrase is a quoted sequence of words that must occur in this order; for
// a keyword field it is the whole keyword.
type Phrase struct {
	Field string // canonical field name, "" for the text fields
	Text  string // between the quotes, as written
}

// And requires every child. It comes from the AND operator and from "+a +b".
type And struct {
	Children []Node
}

// Or requires at least one child; documents matching more rank higher. It
// comes from the OR operator and from adjacent clauses without an operator.
type Or struct {
	Children []Node
}

// Not matches the documents its child does not match. It comes from NOT
// and from a leading '-' or '!'.
type Not struct {
	Child Node
}

// Bool is a list of adjacent clauses with mixed prefixes, such as
// "+a b -c": every Must clause is required, no MustNot clause may match,
// and Should clauses are required (at least one) only when there is no
// Must clause; otherwise they only raise the score. A list with just one
// kind of clause is an And, an Or or a Not instead; a list of MustNot
// clauses only is a Bool with MustNot only.
type Bool struct {
	Must, Should, MustNot []Node
}

func (*Term) node()   {}
func (*Phrase) node() {}
func (*And) node()    {}
func (*Or) node()     {}
func (*Not) node()    {}
func (*Bool) node()   {}

func fieldPrefix(f string) string {
	if f == "" {
		return ""
	}
	return f + ":"
}

func (t *Term) String() string {
	s := fieldPrefix(t.Field) + t.Text
	if t.Prefix {
		s += "*"
	}
	return s
}

// String renders a phrase in straight quotes, or, when its text has one
// (a phrase written in other quotes can), in the first other quotes that
// its text lets close where it ends.
func (p *Phrase) String() string {
	for _, q := range [][2]string{{`"`, `"`}, {"„", "“"}, {"»", "«"}, {"«", "»"}} {
		o, _ := utf8.DecodeRuneInString(q[0])
		if !strings.ContainsAny(p.Text, quoteClosers[o]) {
			return fieldPrefix(p.Field) + q[0] + p.Text + q[1]
		}
	}
	return fieldPrefix(p.Field) + "‚" + p.Text + "‘"
}

// And, Or and Bool render their children with as few parentheses as the
// precedence (NOT and the prefixes over AND over OR over adjacency) needs,
// so that the canonical form never nests deeper than the query it came
// from.

func (a *And) String() string {
	if s, ok := a.filtered(); ok {
		return s
	}
	return a.plain()
}

// plain renders a with AND between its children, as an operand of an
// adjacent list must be rendered.
func (a *And) plain() string {
	parts := make([]string, len(a.Children))
	for i, c := range a.Children {
		switch c.(type) {
		case *Or, *Bool:
			parts[i] = "(" + c.String() + ")"
		default:
			parts[i] = c.String()
		}
	}
	return strings.Join(parts, " AND ")
}

// filtered renders an And of filters followed by one other node as
// adjacent clauses, the form the parser gives it ("type:webinar a b"), so
// that it needs no parentheses. It is only used when parsing the adjacent
// form gives the same tree: the Or's children are joined by OR, and no two
// single filters have the same field (adjacent, they would be OR-ed).
func (a *And) filtered() (string, bool) {
	n := len(a.Children)
	if n < 2 {
		return "", false
	}
	var rest string
	switch c := a.Children[n-1].(type) {
	case *Or:
		if IsFilter(c) {
			return "", false
		}
		rest = c.render(" OR ")
	case *Bool:
		rest = c.String()
	default:
		if IsFilter(c) {
			return "", false
		}
		rest = c.String()
	}
	seen := map[string]bool{}
	parts := make([]string, 0, n)
	for _, c := range a.Children[:n-1] {
		if !IsFilter(c) {
			return "", false
		}
		var f string
		switch c := c.(type) {
		case *Term:
			f = c.Field
		case *Phrase:
			f = c.Field
		case *And:
			return "", false
		}
		if f != "" {
			if seen[f] {
				return "", false
			}
			seen[f] = true
		}
		parts = append(parts, c.String())
	}
	return strings.Join(append(parts, rest), " "), true
}

// String renders an Or as adjacent clauses, the default operator, but
// with OR next to a Not child (adjacent, it would be a MustNot clause),
// and between all children when one is a filter (adjacent filters are
// AND-ed with the rest).
func (o *Or) String() string {
	for _, c := range o.Children {
		if IsFilter(c) {
			return o.render(" OR ")
		}
	}
	return o.render(" ")
}

// render renders o with sep between children, or " OR " next to a Not.
func (o *Or) render(sep string) string {
	var b strings.Builder
	for i, c := range o.Children {
		if i > 0 {
			_, notPrev := o.Children[i-1].(*Not)
			_, notThis := c.(*Not)
			if notPrev || notThis {
				b.WriteString(" OR ")
			} else {
				b.WriteString(sep)
			}
		}
		switch c := c.(type) {
		case *Bool:
			b.WriteString("(" + c.String() + ")")
		case *And:
			b.WriteString(c.plain())
		default:
			b.WriteString(c.String())
		}
	}
	return b.String()
}

// String renders a Not with the '-' prefix.
func (n *Not) String() string { return negated(n.Child) }

func (b *Bool) String() string {
	var parts []string
	for _, n := range b.Must {
		s := n.String()
		switch n.(type) {
		case *And, *Or, *Bool:
			s = "(" + s + ")"
		default:
			if startsWithPrefix(s) {
				// Only "+(--a)" can give such a Must clause.
				s = "(" + s + ")"
			}
		}
		parts = append(parts, "+"+s)
	}
	for _, n := range b.Should {
		switch n := n.(type) {
		case *Or:
			// Adjacent, its children would be clauses of their own.
			parts = append(parts, n.render(" OR "))
		case *Bool:
			parts = append(parts, "("+n.String()+")")
		case *And:
			parts = append(parts, n.plain())
		default:
			parts = append(parts, n.String())
		}
	}
	for _, n := range b.MustNot {
		parts = append(parts, negated(n))
	}
	return strings.Join(parts, " ")
}

// negated renders NOT n: "-word", "-(a b)", or "NOT --a" for a word that
// itself starts with '-', '+' or '!' (the prefix would become part of it).
func negated(n Node) string {
	s := n.String()
	switch n.(type) {
	case *And, *Or, *Bool:
		return "-(" + s + ")"
	}
	if startsWithPrefix(s) {
		return "NOT " + s
	}
	return "-" + s
}

func startsWithPrefix(s string) bool {
	return s != "" && strings.IndexByte("-+!", s[0]) >= 0
}

// Walk calls fn for n and every node below it, parents first.
func Walk(n Node, fn func(Node)) {
	if n == nil {
		return
	}
	fn(n)
	switch n := n.(type) {
	case *And:
		for _, c := range n.Children {
			Walk(c, fn)
		}
	case *Or:
		for _, c := range n.Children {
			Walk(c, fn)
		}
	case *Not:
		Walk(n.Child, fn)
	case *Bool:
		for _, l := range [][]Node{n.Must, n.Should, n.MustNot} {
			for _, c := range l {
				Walk(c, fn)
			}
		}
	}
}
