package pdf

import (
	"bytes"
	"math"
	"strconv"
)

// Content streams: tokens.

type tokKind uint8

const (
	tokNum tokKind = iota + 1
	tokStr
	tokName
	tokArr
	tokDict
	tokOp
)

type token struct {
	kind tokKind
	num  float64
	s    string  // string bytes, name or operator
	arr  []token // elements of an array; keys and values of a dictionary
}

// lexer splits a content stream (or a CMap) into tokens.
type lexer struct {
	b   []byte
	pos int
}

func isSpace(c byte) bool {
	return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f' || c == 0
}

func isDelim(c byte) bool {
	switch c {
	case '(', ')', '<', '>', '[', ']', '{', '}', '/', '%':
		return true
	}
	return false
}

func (l *lexer) skipSpace() {
	for l.pos < len(l.b) {
		c := l.b[l.pos]
		switch {
		case isSpace(c):
			l.pos++
		case c == '%':
			for l.pos < len(l.b) && l.b[l.pos] != '\n' && l.b[l.pos] != '\r' {
				l.pos++
			}
		default:
			return
		}
	}
}

// next returns the next token, and false at the end of the data.
func (l *lexer) next(depth int) (token, bool) {
	l.skipSpace()
	if l.pos >= len(l.b) {
		return token{}, false
	}
	c := l.b[l.pos]
	switch c {
	case '(':
		return token{kind: tokStr, s: l.literal()}, true
	case '<':
		if l.pos+1 < len(l.b) && l.b[l.pos+1] == '<' {
			l.pos += 2
			if depth >= maxNesting {
				return token{kind: tokOp, s: "<<"}, true
			}
			return l.collect(tokDict, ">>", depth), true
		}
		return token{kind: tokStr, s: l.hex()}, true
	case '>':
		l.pos++
		if l.pos < len(l.b) && l.b[l.pos] == '>' {
			l.pos++
			return token{kind: tokOp, s: ">>"}, true
		}
		return token{kind: tokOp, s: ">"}, true
	case '[':
		l.pos++
		if depth >= maxNesting {
			return token{kind: tokOp, s: "["}, true
		}
		return l.collect(tokArr, "]", depth), true
	case ']', ')', '{', '}':
		l.pos++
		return token{kind: tokOp, s: string(c)}, true
	case '/':
		return token{kind: tokName, s: l.name()}, true
	}
	start := l.pos
	for l.pos < len(l.b) && !isSpace(l.b[l.pos]) && !isDelim(l.b[l.pos]) {
		l.pos++
	}
	word := l.b[start:l.pos]
	if c == '+' || c == '-' || c == '.' || c >= '0' && c <= '9' {
		f, err := strconv.ParseFloat(string(word), 64)
		if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
			f = 0
		}
		return token{kind: tokNum, num: f}, true
	}
	return token{kind: tokOp, s: string(word)}, true
}

// collect reads the elements of an array or dictionary up to its end. An
// operator ends it too: arrays in content streams hold only operands.
func (l *lexer) collect(kind tokKind, end string, depth int) token {
	t := token{kind: kind}
	for {
		at := l.pos
		e, ok := l.next(depth + 1)
		if !ok {
			return t
		}
		if e.kind == tokOp {
			switch e.s {
			case end:
				return t
			case "true", "false", "null":
			case "]", ">>", ">", ")", "}":
				return t
			default:
				l.pos = at
				return t
			}
		}
		if len(t.arr) < maxArray {
			t.arr = append(t.arr, e)
		}
	}
}

// literal reads a string in parentheses.
func (l *lexer) literal() string {
	l.pos++
	var b []byte
	depth := 1
	for l.pos < len(l.b) {
		c := l.b[l.pos]
		l.pos++
		switch c {
		case '(':
			depth++
		case ')':
			depth--
			if depth == 0 {
				return string(b)
			}
		case '\\':
			if l.pos >= len(l.b) {
				return string(b)
			}
			c = l.b[l.pos]
			l.pos++
			switch c {
			case 'n':
				c = '\n'
			case 'r':
				c = '\r'
			case 't':
				c = '\t'
			case 'b':
				c = '\b'
			case 'f':
				c = '\f'
			case '\r':
				if l.pos < len(l.b) && l.b[l.pos] == '\n' {
					l.pos++
				}
				continue
			case '\n':
				continue
			case '0', '1', '2', '3', '4', '5', '6', '7':
				v := c - '0'
				for i := 0; i < 2 && l.pos < len(l.b) && l.b[l.pos] >= '0' && l.b[l.pos] <= '7'; i++ {
					v = v<<3 | (l.b[l.pos] - '0')
					l.pos++
				}
				c = v
			}
		}
		b = append(b, c)
	}
	return string(b)
}

// hex reads a hexadecimal string.
func (l *lexer) hex() string {
	l.pos++
	var b []byte
	var hi byte
	half := false
	for l.pos < len(l.b) {
		c := l.b[l.pos]
		l.pos++
		if c == '>' {
			break
		}
		v, ok := unhex(c)
		if !ok {
			continue
		}
		if half {
			b = append(b, hi<<4|v)
		} else {
			hi = v
		}
		half = !half
	}
	if half {
		b = append(b, hi<<4)
	}
	return string(b)
}

func unhex(c byte) (byte, bool) {
	switch {
	case c >= '0' && c <= '9':
		return c - '0', true
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10, true
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

// name reads a name, decoding #xx escapes.
func (l *lexer) name() string {
	l.pos++
	var b []byte
	for l.pos < len(l.b) && !isSpace(l.b[l.pos]) && !isDelim(l.b[l.pos]) {
		c := l.b[l.pos]
		l.pos++
		if c == '#' && l.pos+1 < len(l.b) {
			h, ok1 := unhex(l.b[l.pos])
			lo, ok2 := unhex(l.b[l.pos+1])
			if ok1 && ok2 {
				c = h<<4 | lo
				l.pos += 2
			}
		}
		b = append(b, c)
	}
	return string(b)
}

// skipInlineImage moves past the data of an inline image, which follows
// its "ID" operator and ends with "EI".
func (l *lexer) skipInlineImage() {
	i := l.pos + 1
	for i+1 < len(l.b) {
		j := bytes.Index(l.b[i:], []byte("EI"))
		if j < 0 {
			break
		}
		i += j
		if isSpace(l.b[i-1]) && (i+2 == len(l.b) || isSpace(l.b[i+2]) || isDelim(l.b[i+2])) {
			l.pos = i + 2
			return
		}
		i += 2
	}
	l.pos = len(l.b)
}
