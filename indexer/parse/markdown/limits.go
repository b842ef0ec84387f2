package markdown

import (
	"context"
	"fmt"

	"github.com/fundus-kb/fundus/indexer/parse/record"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// Limits of the Markdown parser. goldmark's time grows with the square of
// the nesting depth of block quotes and lists (with the cube for lists
// nested by indentation: 1,000 levels take 6 s, 3,000 several minutes), and
// its memory with the number of emphasis, link and code markers (about 500
// bytes each), so both are bounded before or while goldmark reads a file.
const (
	// MaxDepth bounds the nesting of block quotes and lists, and
	// that of emphasis, links and other inline markup.
	MaxDepth = 100
	// MaxMarkers bounds the emphasis, link, image, code span,
	// strikethrough and autolink markers of one file.
	MaxMarkers = 200_000
)

// ErrTooMuchMarkup reports a Markdown file with more than
// MaxMarkers markers.
var ErrTooMuchMarkup = fmt.Errorf("too much markup (more than %d emphasis, link and code markers)", MaxMarkers)

// nesting scans src for lines whose block quotes and list markers
// nest more than limit levels deep, before goldmark sees the text. A line's
// depth is counted from its prefix: each ">" and each list marker ("-",
// "*", "+", "1." or "1)" before white space) is a level, and so is every
// second column of white space in the prefix, because a nested list item is
// indented at least two columns past its parent. That overestimates
// (goldmark may read the indentation as code), never underestimates: no
// line can open more levels than its prefix shows. Code blocks are not
// skipped, so that no construct can hide a deep prefix from the scan; a
// code line starting with more than limit ">" is refused too.
func nesting(src []byte, limit int) *record.NestingError {
	line := 1
	for start := 0; start < len(src); line++ {
		end := start
		for end < len(src) && src[end] != '\n' {
			end++
		}
		if d := lineDepth(src[start:end], limit); d > limit {
			return &record.NestingError{What: "block quotes and lists", Limit: limit, Line: line}
		}
		start = end + 1
	}
	return nil
}

// lineDepth estimates the container depth of one line; it stops
// counting past limit.
func lineDepth(l []byte, limit int) int {
	markers, space := 0, 0
	for i := 0; i < len(l) && markers+space/2 <= limit; {
		switch c := l[i]; {
		case c == ' ':
			space++
			i++
		case c == '\t':
			space += 4
			i++
		case c == '>':
			markers++
			i++
		case c == '-' || c == '*' || c == '+':
			if i+1 < len(l) && l[i+1] != ' ' && l[i+1] != '\t' && l[i+1] != '\r' {
				return markers + space/2
			}
			markers++
			i++
		case c >= '0' && c <= '9':
			j := i
			for j < len(l) && j-i < 10 && l[j] >= '0' && l[j] <= '9' {
				j++
			}
			if j == len(l) || l[j] != '.' && l[j] != ')' || j+1 < len(l) && l[j+1] != ' ' && l[j+1] != '\t' && l[j+1] != '\r' {
				return markers + space/2
			}
			markers++
			i = j + 1
		default:
			return markers + space/2
		}
	}
	return markers + space/2
}

// inlineDepth returns the first inline node of the tree below root
// that is nested more than limit inline nodes deep, or nil. It walks the
// tree without recursion: the tree may be deep.
func inlineDepth(root ast.Node, limit int) ast.Node {
	depth := 0
	enter := func(n ast.Node) bool {
		if n.Type() == ast.TypeInline {
			depth++
		}
		return depth > limit
	}
	n := root
	for {
		if c := n.FirstChild(); c != nil {
			n = c
			if enter(n) {
				return n
			}
			continue
		}
		for {
			if n == root {
				return nil
			}
			if n.Type() == ast.TypeInline {
				depth--
			}
			if s := n.NextSibling(); s != nil {
				n = s
				if enter(n) {
					return n
				}
				break
			}
			n = n.Parent()
		}
	}
}

// nodeLine is the 1-based line of src where the block holding n
// starts, or 0.
func nodeLine(n ast.Node, src []byte) int {
	for ; n != nil; n = n.Parent() {
		if n.Type() == ast.TypeBlock && n.Lines().Len() > 0 {
			return record.LineAt(src, n.Lines().At(0).Start)
		}
	}
	return 0
}

// guard is the state of one parse that the checking parsers below
// read from goldmark's parser context.
type guard struct {
	ctx     context.Context
	markers int
}

var guardKey = parser.NewContextKey()

// stopParse is the panic value that ends a parse from inside goldmark,
// which cannot be interrupted otherwise. Markdown recovers it.
type stopParse struct{ err error }

func guardOf(pc parser.Context) *guard {
	g, _ := pc.Get(guardKey).(*guard)
	return g
}

// check panics with stopParse when the parse's context has ended.
func (g *guard) check() {
	if g != nil && g.ctx.Err() != nil {
		panic(stopParse{record.Stopped(g.ctx)})
	}
}

// lineCheck is a block parser that never opens a block: tried first
// on every line where goldmark looks for a new block, it checks the
// deadline.
type lineCheck struct{}

func (lineCheck) Trigger() []byte { return nil }

func (lineCheck) Open(_ ast.Node, _ text.Reader, pc parser.Context) (ast.Node, parser.State) {
	guardOf(pc).check()
	return nil, parser.NoChildren
}

func (lineCheck) Continue(ast.Node, text.Reader, parser.Context) parser.State {
	return parser.Close
}
func (lineCheck) Close(ast.Node, text.Reader, parser.Context) {}
func (lineCheck) CanInterruptParagraph() bool                 { return true }
func (lineCheck) CanAcceptIndentedLine() bool                 { return true }

// markerCheck is an inline parser that never parses anything:
// tried first at every emphasis, link, code and autolink marker, it counts
// them and checks the deadline. It triggers only on characters that have
// parsers of their own, so that it does not change how text is split.
type markerCheck struct{}

func (markerCheck) Trigger() []byte { return []byte{'*', '_', '~', '[', ']', '!', '`', '<'} }

func (markerCheck) Parse(_ ast.Node, _ text.Reader, pc parser.Context) ast.Node {
	g := guardOf(pc)
	if g == nil {
		return nil
	}
	g.markers++
	if g.markers > MaxMarkers {
		panic(stopParse{ErrTooMuchMarkup})
	}
	if g.markers&255 == 0 {
		g.check()
	}
	return nil
}

// checks are the checking parsers, as goldmark options.
func checks() goldmark.Option {
	return goldmark.WithParserOptions(
		parser.WithBlockParsers(util.Prioritized(lineCheck{}, 0)),
		parser.WithInlineParsers(util.Prioritized(markerCheck{}, 0)),
	)
}
