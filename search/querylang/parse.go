package querylang

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// SyntaxError is a query that cannot be parsed.
type SyntaxError struct {
	Pos    int // byte offset of the error in the query, from 0
	Column int // character (rune) column of the error, from 1
	Msg    string
	// Code names the kind of error, for messages in other languages: one
	// of the Code constants.
	Code string
}

// Codes of a SyntaxError.
const (
	CodeQuote        = "missing_quote"    // an opening quote without its closing one
	CodeParen        = "missing_paren"    // a '(' without its ')'
	CodeUnexpected   = "unexpected_paren" // a ')' without its '('
	CodeEmptyParens  = "empty_parens"     // "()"
	CodeOperator     = "operator"         // AND, OR, NOT without an operand
	CodeUnknownField = "unknown_field"    // "foo:bar" with no field foo
	CodeUnknownValue = "unknown_value"    // a filter value the ValueCheck of ParseChecked refuses
	CodePrefix       = "prefix"           // a bad '*'
	CodeLimit        = "limit"            // too long, too many terms, too deep
)

func (e *SyntaxError) Error() string {
	return fmt.Sprintf("syntax error at column %d: %s", e.Column, e.Msg)
}

func syntaxError(q string, pos int, code, format string, args ...any) *SyntaxError {
	pos = min(max(pos, 0), len(q))
	return &SyntaxError{Pos: pos, Column: utf8.RuneCountInString(q[:pos]) + 1, Msg: fmt.Sprintf(format, args...), Code: code}
}

// Parse parses a query. A query without any word or phrase (empty, blank
// or only punctuation) gives a nil Node and no error; an invalid query a
// *SyntaxError.
func Parse(q string) (Node, error) {
	return parse(q, MaxLength, nil)
}

// ValueCheck says what is wrong with value as the value of the filter
// field (a canonical field name), "" when nothing is. It is not asked
// about prefixes ("type:web*").
type ValueCheck func(field, value string) string

// ParseChecked is Parse that also checks the value of every filter term
// and phrase with check: a value it refuses is a *SyntaxError with Code
// CodeUnknownValue at the field, with check's message. A closed set of
// values ("type:webinar") is how a caller uses it: an unknown one then
// says so instead of finding nothing.
func ParseChecked(q string, check ValueCheck) (Node, error) {
	return parse(q, MaxLength, check)
}

// parse is ParseChecked with a length limit of maxLen runes; < 0 means
// none.
func parse(q string, maxLen int, check ValueCheck) (Node, error) {
	if maxLen >= 0 && utf8.RuneCountInString(q) > maxLen {
		pos, n := 0, 0
		for i := range q {
			if n == maxLen {
				pos = i
				break
			}
			n++
		}
		return nil, syntaxError(q, pos, CodeLimit, "query longer than %d characters", maxLen)
	}
	toks, err := lex(q)
	if err != nil {
		return nil, err
	}
	p := &parser{q: q, toks: toks, check: check}
	n, err := p.parseList(nil)
	if err != nil {
		return nil, err
	}
	return n, nil
}

type tokKind int

const (
	tEOF    tokKind = iota
	tWord           // a word, with field and prefix
	tPhrase         // a quoted phrase, with field
	tField          // "field:" before a phrase or a group
	tLParen
	tRParen
	tAnd
	tOr
	tNot  // NOT, NICHT, or the '!' prefix
	tPlus // the '+' prefix
)

type token struct {
	kind     tokKind
	pos, end int    // byte offsets in the query
	text     string // as written (for a phrase: between the quotes)
	field    string // canonical field of a word, phrase or field token
	prefix   bool   // a word ending in '*'
	modifier bool   // a '-', '+' or '!' prefix
}

var operators = map[string]tokKind{
	"AND": tAnd, "UND": tAnd, "&&": tAnd,
	"OR": tOr, "ODER": tOr, "||": tOr,
	"NOT": tNot, "NICHT": tNot,
}

// hasAlnum reports whether s has a letter or a digit.
func hasAlnum(s string) bool {
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsNumber(r) {
			return true
		}
	}
	return false
}

// isDelim reports whether r ends a word.
func isDelim(r rune) bool {
	return r == '(' || r == ')' || r == '"' || r == '„' || r == '“' || r == '»' || r == '«' || unicode.IsSpace(r)
}

// quoteClosers maps every opening quote to the quotes that close it:
// straight quotes, German „…“ (also closed by ” or "), English “…”, the
// German single ‚…‘ and the guillemets »…« and «…».
var quoteClosers = map[rune]string{
	'"': `"`, '„': `“”"`, '“': `”“"`, '‚': "‘’", '»': "«", '«': "»",
}

// opensQuote reports whether s starts with an opening quote.
func opensQuote(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	_, ok := quoteClosers[r]
	return ok && s != ""
}

// closeQuote finds the end of the phrase opened by the quote at q[i] (of
// size bytes): the offset of the closing quote and its size. A single ‚
// is closed only by a ‘ or ’ before a delimiter or the end, as ’ is also
// an apostrophe ("geht’s"). ok is false when there is none.
func closeQuote(q string, i, size int) (at, csize int, ok bool) {
	open, _ := utf8.DecodeRuneInString(q[i:])
	closers := quoteClosers[open]
	for j := i + size; j < len(q); {
		r, n := utf8.DecodeRuneInString(q[j:])
		if strings.ContainsRune(closers, r) {
			if open != '‚' {
				return j, n, true
			}
			if next, _ := utf8.DecodeRuneInString(q[j+n:]); j+n == len(q) || isDelim(next) {
				return j, n, true
			}
		}
		j += n
	}
	return 0, 0, false
}

// lex splits q into tokens. Words and phrases without a letter or digit
// are left out, together with any prefix or field written right before.
func lex(q string) ([]token, error) {
	var toks []token
	// drop removes the tokens glued to the front of a left out word or
	// phrase starting at pos: "-", "+", "!", "field:".
	drop := func(pos int) {
		for len(toks) > 0 {
			t := toks[len(toks)-1]
			if t.end != pos || !(t.modifier || t.kind == tField) {
				return
			}
			toks = toks[:len(toks)-1]
			pos = t.pos
		}
	}
	i := 0
	for i < len(q) {
		r, size := utf8.DecodeRuneInString(q[i:])
		switch {
		case unicode.IsSpace(r):
			i += size
			continue
		case r == '(':
			toks = append(toks, token{kind: tLParen, pos: i, end: i + 1, text: "("})
			i++
			continue
		case r == ')':
			toks = append(toks, token{kind: tRParen, pos: i, end: i + 1, text: ")"})
			i++
			continue
		case quoteClosers[r] != "":
			at, csize, ok := closeQuote(q, i, size)
			if !ok {
				if r == '‚' {
					break // a low comma, not a quote
				}
				return nil, syntaxError(q, i, CodeQuote, "missing closing quote")
			}
			end := at + csize
			text := q[i+size : at]
			if !hasAlnum(text) {
				drop(i)
			} else {
				t := token{kind: tPhrase, pos: i, end: end, text: text}
				if n := len(toks); n > 0 && toks[n-1].kind == tField && toks[n-1].end == i {
					t.field = toks[n-1].field
					t.pos = toks[n-1].pos
					toks = toks[:n-1]
				}
				toks = append(toks, t)
			}
			i = end
			continue
		}
		j := i
		for j < len(q) {
			r, size := utf8.DecodeRuneInString(q[j:])
			if isDelim(r) {
				break
			}
			j += size
		}
		w := q[i:j]
		if k, ok := operators[w]; ok {
			toks = append(toks, token{kind: k, pos: i, end: j, text: w})
			i = j
			continue
		}
		if isModifier(q, i, j) {
			t := token{kind: tNot, pos: i, end: i + 1, text: w[:1], modifier: true}
			if w[0] == '+' {
				t.kind = tPlus
			}
			toks = append(toks, t)
			i++
			continue
		}
		t, keep, err := word(q, i, j)
		if err != nil {
			return nil, err
		}
		if keep {
			toks = append(toks, t)
		} else {
			drop(i)
		}
		i = j
	}
	return toks, nil
}

// isModifier reports whether the '-', '+' or '!' at q[i] of the word
// q[i:j] is a prefix: it is followed by a phrase or a group, or by a word
// with a letter or digit that does not start with another of these
// characters and is no operator.
func isModifier(q string, i, j int) bool {
	if strings.IndexByte("-+!", q[i]) < 0 {
		return false
	}
	if j == i+1 {
		return j < len(q) && (q[j] == '(' || opensQuote(q[j:]))
	}
	rest := q[i+1 : j]
	if strings.IndexByte("-+!", rest[0]) >= 0 {
		return false
	}
	if _, op := operators[rest]; op {
		return false
	}
	return hasAlnum(rest)
}

// word lexes the word q[i:j]: a field token, a word (with field and
// prefix), or nothing (keep is false) for a word without letters or digits.
func word(q string, i, j int) (t token, keep bool, err error) {
	w := q[i:j]
	t = token{kind: tWord, pos: i, end: j, text: w}
	if k := strings.IndexByte(w, ':'); k > 0 {
		v := w[k+1:]
		group := v == "" && j < len(q) && (q[j] == '(' || opensQuote(q[j:]))
		if f, ok := CanonicalField(w[:k]); ok {
			switch {
			case v != "":
				t.field, t.text = f, v
			case group:
				return token{kind: tField, pos: i, end: j, text: w, field: f}, true, nil
			}
			// A field name followed by nothing is plain text.
		} else if looksLikeField(w[:k]) && (group || v != "" && !strings.HasPrefix(v, "/")) {
			return t, false, syntaxError(q, i, CodeUnknownField, "unknown field %q (known fields: %s)", w[:k], strings.Join(FieldNames(), ", "))
		}
	}
	if strings.HasSuffix(t.text, "*") {
		stem := t.text[:len(t.text)-1]
		star := j - 1
		switch {
		case strings.HasSuffix(stem, "*"):
			return t, false, syntaxError(q, star, CodePrefix, "only one * at the end of a word is allowed")
		case utf8.RuneCountInString(stem) < 2:
			return t, false, syntaxError(q, star, CodePrefix, "a prefix search needs at least 2 letters or digits before *")
		}
		for _, r := range stem {
			if !unicode.IsLetter(r) && !unicode.IsNumber(r) && !unicode.IsMark(r) {
				return t, false, syntaxError(q, star, CodePrefix, "a prefix search (*) works on a single word of letters and digits only")
			}
		}
		t.text, t.prefix = stem, true
	}
	return t, hasAlnum(t.text), nil
}

type parser struct {
	q     string
	toks  []token
	i     int
	depth int // of parentheses
	terms int // words and phrases so far
	check ValueCheck
}

func (p *parser) peek() token {
	if p.i < len(p.toks) {
		return p.toks[p.i]
	}
	return token{kind: tEOF, pos: len(p.q), end: len(p.q)}
}

func (p *parser) next() token {
	t := p.peek()
	if p.i < len(p.toks) {
		p.i++
	}
	return t
}

func (p *parser) errorf(pos int, code, format string, args ...any) error {
	return syntaxError(p.q, pos, code, format, args...)
}

// endsOperand reports whether t cannot start an operand.
func endsOperand(t token) bool {
	switch t.kind {
	case tEOF, tRParen, tAnd, tOr:
		return true
	}
	return false
}

// clause is one clause of a list of adjacent clauses.
type clause struct {
	n    Node
	must bool
}

// parseList parses adjacent clauses up to the end of the query, or up to
// the ')' that closes open when open is not nil.
func (p *parser) parseList(open *token) (Node, error) {
	var cs []clause
	for {
		t := p.peek()
		if t.kind == tEOF {
			if open != nil {
				return nil, p.errorf(open.pos, CodeParen, "missing closing parenthesis")
			}
			break
		}
		if t.kind == tRParen {
			if open == nil {
				return nil, p.errorf(t.pos, CodeUnexpected, "unexpected closing parenthesis")
			}
			break
		}
		n, must, err := p.parseOr()
		if err != nil {
			return nil, err
		}
		cs = append(cs, clause{n, must})
	}
	if len(cs) == 0 {
		if open != nil {
			return nil, p.errorf(open.pos, CodeEmptyParens, "empty parentheses")
		}
		return nil, nil
	}
	return buildList(cs), nil
}

// buildList turns clauses into the simplest node. Filter clauses (see
// IsFilter) are taken out first: single filters of the same field are
// OR-ed, and the filters are AND-ed with the node of the other clauses.
func buildList(cs []clause) Node {
	var filters []Node
	byField := map[string]*Or{}
	rest := cs[:0:0]
	for _, c := range cs {
		if !IsFilter(c.n) {
			rest = append(rest, c)
			continue
		}
		f := ""
		switch n := c.n.(type) {
		case *Term:
			f = n.Field
		case *Phrase:
			f = n.Field
		}
		if f == "" {
			filters = append(filters, c.n)
			continue
		}
		if o, ok := byField[f]; ok {
			o.Children = append(o.Children, c.n)
			continue
		}
		o := &Or{Children: []Node{c.n}}
		byField[f] = o
		filters = append(filters, o)
	}
	if len(filters) == 0 {
		return buildClauses(cs)
	}
	for i, f := range filters {
		if o, ok := f.(*Or); ok && len(o.Children) == 1 {
			filters[i] = o.Children[0]
		}
	}
	if len(rest) > 0 {
		filters = append(filters, buildClauses(rest))
	}
	return newAnd(filters)
}

// buildClauses turns clauses into the simplest node: the clause itself, an
// Or of should clauses, an And of must clauses, or a Bool.
func buildClauses(cs []clause) Node {
	var must, should, mustNot []Node
	for _, c := range cs {
		switch {
		case isNot(c.n):
			mustNot = append(mustNot, c.n.(*Not).Child)
		case c.must:
			must = append(must, c.n)
		default:
			should = append(should, c.n)
		}
	}
	switch {
	case len(must) == 0 && len(mustNot) == 0:
		return newOr(should)
	case len(should) == 0 && len(mustNot) == 0:
		return newAnd(must)
	case len(cs) == 1:
		return cs[0].n // a single Not
	}
	return &Bool{Must: must, Should: should, MustNot: mustNot}
}

func isNot(n Node) bool {
	_, ok := n.(*Not)
	return ok
}

// newOr returns the Or of ns, flattening children that are Ors; a single
// node is returned as it is.
func newOr(ns []Node) Node {
	if len(ns) == 1 {
		return ns[0]
	}
	return &Or{Children: flatten(ns, func(o *Or) []Node { return o.Children })}
}

// newAnd is newOr for And.
func newAnd(ns []Node) Node {
	if len(ns) == 1 {
		return ns[0]
	}
	return &And{Children: flatten(ns, func(a *And) []Node { return a.Children })}
}

// flatten returns ns with each node of type T replaced by its children.
func flatten[T Node](ns []Node, children func(T) []Node) []Node {
	var out []Node
	for _, n := range ns {
		if c, ok := n.(T); ok {
			out = append(out, children(c)...)
		} else {
			out = append(out, n)
		}
	}
	return out
}

// negate returns NOT n; NOT NOT n is n.
func negate(n Node) Node {
	if c, ok := n.(*Not); ok {
		return c.Child
	}
	return &Not{Child: n}
}

// parseOr parses operands joined by OR. must reports a single operand
// with a '+' prefix; a '+' on an operand of OR is ignored.
func (p *parser) parseOr() (n Node, must bool, err error) {
	return p.parseJoined(tOr, p.parseAnd, newOr)
}

// parseAnd parses operands joined by AND.
func (p *parser) parseAnd() (n Node, must bool, err error) {
	return p.parseJoined(tAnd, p.parseUnary, newAnd)
}

// parseJoined parses operands, each read by operand, joined by the
// operator op; join makes the node of two or more. must reports a single
// operand with a '+' prefix; on operands that are joined it is ignored.
func (p *parser) parseJoined(op tokKind, operand func() (Node, bool, error), join func([]Node) Node) (n Node, must bool, err error) {
	n, must, err = operand()
	if err != nil || p.peek().kind != op {
		return n, must, err
	}
	ns := []Node{n}
	for p.peek().kind == op {
		tok := p.next()
		if endsOperand(p.peek()) {
			return nil, false, p.errorf(tok.pos, CodeOperator, "%s needs a term after it", tok.text)
		}
		c, _, err := operand()
		if err != nil {
			return nil, false, err
		}
		ns = append(ns, c)
	}
	return join(ns), false, nil
}

// parseUnary parses an operand with any NOT, '-', '!' or '+' before it.
func (p *parser) parseUnary() (n Node, must bool, err error) {
	t := p.peek()
	switch t.kind {
	case tNot, tPlus:
		p.next()
		if endsOperand(p.peek()) {
			return nil, false, p.errorf(t.pos, CodeOperator, "%s needs a term after it", t.text)
		}
		n, _, err := p.parseUnary()
		if err != nil {
			return nil, false, err
		}
		if t.kind == tPlus {
			return n, true, nil
		}
		return negate(n), false, nil
	case tAnd, tOr:
		return nil, false, p.errorf(t.pos, CodeOperator, "%s needs a term before it", t.text)
	}
	n, err = p.parsePrimary()
	return n, false, err
}

// parsePrimary parses a word, a phrase, a group or a field with a group.
func (p *parser) parsePrimary() (Node, error) {
	t := p.next()
	switch t.kind {
	case tWord:
		if err := p.countTerm(t); err != nil {
			return nil, err
		}
		n := &Term{Field: t.field, Text: t.text, Prefix: t.prefix}
		return n, p.checkValues(n, t.pos)
	case tPhrase:
		if err := p.countTerm(t); err != nil {
			return nil, err
		}
		n := &Phrase{Field: t.field, Text: t.text}
		return n, p.checkValues(n, t.pos)
	case tLParen:
		p.depth++
		if p.depth > MaxDepth {
			return nil, p.errorf(t.pos, CodeLimit, "parentheses nested deeper than %d levels", MaxDepth)
		}
		n, err := p.parseList(&t)
		if err != nil {
			return nil, err
		}
		p.next() // ')'
		p.depth--
		return n, nil
	case tField:
		// The lexer emits a field token only before '(' (a phrase takes
		// the field itself).
		n, err := p.parsePrimary()
		if err != nil {
			return nil, err
		}
		setField(n, t.field)
		if err := p.checkValues(n, t.pos); err != nil {
			return nil, err
		}
		if IsFilterField(t.field) {
			n = refilter(n)
		}
		return n, nil
	case tRParen:
		return nil, p.errorf(t.pos, CodeUnexpected, "unexpected closing parenthesis")
	}
	return nil, p.errorf(t.pos, CodeOperator, "unexpected end of query")
}

// checkValues checks the filter values in n with p.check; an error
// stands at pos.
func (p *parser) checkValues(n Node, pos int) error {
	if p.check == nil {
		return nil
	}
	var err error
	Walk(n, func(n Node) {
		if err != nil {
			return
		}
		field, value := "", ""
		switch n := n.(type) {
		case *Term:
			if !n.Prefix {
				field, value = n.Field, n.Text
			}
		case *Phrase:
			field, value = n.Field, n.Text
		}
		if IsFilterField(field) {
			if msg := p.check(field, value); msg != "" {
				err = p.errorf(pos, CodeUnknownValue, "%s", msg)
			}
		}
	})
	return err
}

func (p *parser) countTerm(t token) error {
	p.terms++
	if p.terms > MaxTerms {
		return p.errorf(t.pos, CodeLimit, "more than %d words and phrases", MaxTerms)
	}
	return nil
}

// setField gives every word and phrase of n without a field of its own
// the field f.
func setField(n Node, f string) {
	Walk(n, func(n Node) {
		switch n := n.(type) {
		case *Term:
			if n.Field == "" {
				n.Field = f
			}
		case *Phrase:
			if n.Field == "" {
				n.Field = f
			}
		}
	})
}

// looksLikeField reports whether name, the part of a word before a colon,
// is meant as a field name: two to 20 letters (or '_'). "10:30", "z.B.:x"
// and "https://…" are not.
func looksLikeField(name string) bool {
	n := 0
	for _, r := range name {
		if !unicode.IsLetter(r) && r != '_' {
			return false
		}
		n++
	}
	return n >= 2 && n <= 20
}

// refilter rebuilds the lists of adjacent clauses in n, whose words have
// just become filters (type:(a -b)), as the parser builds them for
// filters.
func refilter(n Node) Node {
	switch n := n.(type) {
	case *Or:
		for i, c := range n.Children {
			n.Children[i] = refilter(c)
		}
		return newOr(n.Children)
	case *And:
		for i, c := range n.Children {
			n.Children[i] = refilter(c)
		}
		return newAnd(n.Children)
	case *Not:
		n.Child = refilter(n.Child)
	case *Bool:
		var cs []clause
		for _, c := range n.Must {
			cs = append(cs, clause{refilter(c), true})
		}
		for _, c := range n.Should {
			cs = append(cs, clause{refilter(c), false})
		}
		for _, c := range n.MustNot {
			cs = append(cs, clause{negate(refilter(c)), false})
		}
		return buildList(cs)
	}
	return n
}
