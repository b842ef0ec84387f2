// Package markdown parses Markdown files (CommonMark with the GitHub
// extensions and footnotes, read by goldmark) with optional YAML front
// matter into one document each: the front matter gives the fields, the
// body is rendered to plain text.
//
// Goldmark's time and memory grow fast with nesting and markup, so
// limits.go bounds both ([MaxDepth], [MaxMarkers]) before and while
// goldmark reads a file, and checks the deadline of the parse's context.
package markdown

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	east "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
	"golang.org/x/net/html"

	"github.com/fundus-kb/fundus/indexer/parse/record"
	"github.com/fundus-kb/fundus/search"
	"gopkg.in/yaml.v3"
)

// md parses CommonMark with the GitHub extensions (tables,
// strikethrough, autolinks, task lists) and footnotes, and the checks of
// limits.go. A goldmark parser is safe for concurrent use.
var md = goldmark.New(goldmark.WithExtensions(extension.GFM, extension.Footnote), checks())

// Parse parses a Markdown file with optional YAML front matter: a first
// line "---", YAML, and a closing line "---" or "...". Front matter fields
// are read with FromMap. The body is rendered to plain text, blocks
// separated by blank lines, with no markup left.
//
// Without a title in the front matter, the first level-1 heading is the
// title and is taken out of the body; failing that the first heading of any
// level is the title (and stays in the body). The file yields one record
// with Raw set to data.
func Parse(ctx context.Context, path string, data []byte) ([]record.Record, []error) {
	src, line, err := record.CheckText(data)
	if err != nil {
		return record.Fail(path, line, err)
	}
	fm, ok, err := splitFrontMatter(src)
	if err != nil {
		return record.Fail(path, 1, err)
	}
	var doc record.Record
	doc.Raw = data
	body := src
	if ok {
		body = fm.body
		d, line, err := frontMatterDoc(fm)
		if err != nil {
			return record.Fail(path, line, err)
		}
		doc.Doc = d
	}

	if ne := nesting(body, MaxDepth); ne != nil {
		ne.Line += bodyLine(src, body) - 1
		return record.Fail(path, ne.Line, ne)
	}
	root, err := parseMarkdown(ctx, body)
	if err != nil {
		return record.Fail(path, 0, err)
	}
	if n := inlineDepth(root, MaxDepth); n != nil {
		line := nodeLine(n, body) + bodyLine(src, body) - 1
		return record.Fail(path, line, &record.NestingError{What: "emphasis and links", Limit: MaxDepth, Line: line})
	}
	p := plainText{ctx: ctx, src: body}
	if doc.Doc.Title == "" {
		if h := titleHeading(root, body); h != nil {
			doc.Doc.Title = p.inline(h)
			if h.Level == 1 {
				p.skip = h
			}
		}
	}
	p.blocks(root)
	if err := ctx.Err(); err != nil {
		return record.Fail(path, 0, record.Stopped(ctx))
	}
	rendered := strings.Join(p.out, "\n\n")
	switch {
	case doc.Doc.Body == "":
		doc.Doc.Body = rendered
	case rendered != "":
		// A body in the front matter and one below it: keep both.
		doc.Doc.Body = strings.TrimSpace(doc.Doc.Body) + "\n\n" + rendered
	}
	return []record.Record{doc}, nil
}

// parseMarkdown runs goldmark on src within ctx. The checking parsers of
// limits.go stop it, by a panic, at the deadline or past
// MaxMarkers.
func parseMarkdown(ctx context.Context, src []byte) (root ast.Node, err error) {
	defer func() {
		if r := recover(); r != nil {
			stop, ok := r.(stopParse)
			if !ok {
				panic(r)
			}
			root, err = nil, stop.err
		}
	}()
	pc := parser.NewContext()
	pc.Set(guardKey, &guard{ctx: ctx})
	return md.Parser().Parse(text.NewReader(src), parser.WithContext(pc)), nil
}

// bodyLine is the 1-based line of src where body, a suffix of it, starts.
func bodyLine(src, body []byte) int {
	return 1 + bytes.Count(src[:len(src)-len(body)], []byte("\n"))
}

// frontMatter is a file split at its YAML front matter.
type frontMatter struct {
	yaml     []byte
	yamlLine int // line of the file where yaml starts
	body     []byte
}

// splitFrontMatter finds the front matter at the start of src. It returns
// ok false when there is none, and an error when it is not closed.
func splitFrontMatter(src []byte) (frontMatter, bool, error) {
	first, _, found := bytes.Cut(src, []byte("\n"))
	if !found || !isFence(first, false) {
		return frontMatter{}, false, nil
	}
	start := len(first) + 1
	for off, n := start, 2; off < len(src); n++ {
		line, _, more := bytes.Cut(src[off:], []byte("\n"))
		if isFence(line, true) {
			end := off + len(line)
			if more {
				end++
			}
			return frontMatter{yaml: src[start:off], yamlLine: 2, body: src[end:]}, true, nil
		}
		off += len(line) + 1
	}
	return frontMatter{}, false, errors.New(`front matter is not closed: no "---" line after the opening one`)
}

// isFence reports whether line opens ("---") or closes ("---" or "...")
// front matter, ignoring trailing white space and a CR.
func isFence(line []byte, closing bool) bool {
	line = bytes.TrimRight(line, " \t\r")
	return string(line) == "---" || closing && string(line) == "..."
}

// yamlLeadRe finds the line a yaml.v3 error message starts with, and
// yamlLineRe the other line numbers in it.
var (
	yamlLeadRe = regexp.MustCompile(`^line (\d+): `)
	yamlLineRe = regexp.MustCompile(`\bline (\d+)\b`)
)

// frontMatterDoc decodes front matter into a Document. On failure it returns
// the 1-based line of the file the error concerns.
func frontMatterDoc(fm frontMatter) (search.Document, int, error) {
	var node yaml.Node
	if err := yaml.Unmarshal(fm.yaml, &node); err != nil {
		line, err := yamlError(err, fm.yamlLine)
		return search.Document{}, line, err
	}
	if node.Kind == 0 || len(node.Content) == 0 {
		return search.Document{}, 0, nil // empty front matter
	}
	top := node
	if node.Kind == yaml.DocumentNode {
		top = *node.Content[0]
	}
	fileLine := func(yamlLine int) int {
		if yamlLine <= 0 {
			return fm.yamlLine
		}
		return fm.yamlLine + yamlLine - 1
	}
	switch {
	case top.Kind == yaml.ScalarNode && top.Tag == "!!null":
		return search.Document{}, 0, nil // front matter of only comments or "~"
	case top.Kind != yaml.MappingNode:
		return search.Document{}, fileLine(top.Line), fmt.Errorf("front matter is %s, not a mapping of keys to values", yamlKind(&top))
	}
	var m map[string]any
	if err := top.Decode(&m); err != nil {
		line, err := yamlError(err, fm.yamlLine)
		return search.Document{}, line, err
	}
	doc, err := record.FromMap(m)
	if err != nil {
		line := fm.yamlLine
		var fe *record.FieldError
		if errors.As(err, &fe) {
			for i := 0; i+1 < len(top.Content); i += 2 {
				if top.Content[i].Value == fe.Key {
					line = fileLine(top.Content[i].Line)
					break
				}
			}
		}
		return search.Document{}, line, fmt.Errorf("front matter: %w", err)
	}
	return doc, 0, nil
}

// yamlError rewrites a yaml.v3 error so that its line numbers are lines of
// the file, with YAML starting at line start. It returns the line the error
// is about (start when the error names none) and the error.
func yamlError(err error, start int) (int, error) {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	msg = strings.TrimPrefix(msg, "unmarshal errors:")
	msg = strings.Join(strings.Fields(msg), " ")
	line := start
	if m := yamlLeadRe.FindStringSubmatch(msg); m != nil {
		n, _ := strconv.Atoi(m[1])
		msg = msg[len(m[0]):]
		// yaml.v3 reports parser errors (not scanner errors) with 0-based
		// line numbers; they are the ones that say "did not find expected".
		if strings.HasPrefix(msg, "did not find expected") {
			n++
		}
		line = start + n - 1
	}
	// Other lines named, as in "already defined at line 2", are 1-based.
	msg = yamlLineRe.ReplaceAllStringFunc(msg, func(s string) string {
		n, _ := strconv.Atoi(strings.TrimPrefix(s, "line "))
		return "line " + strconv.Itoa(start+n-1)
	})
	return line, fmt.Errorf("front matter: invalid YAML: %s", msg)
}

func yamlKind(n *yaml.Node) string {
	switch n.Kind {
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		return "a single value"
	case yaml.AliasNode:
		return "an alias"
	}
	return "not a mapping"
}

// titleHeading returns the top-level heading that titles the document: the
// first non-empty level-1 heading, or else the first non-empty heading.
func titleHeading(root ast.Node, src []byte) *ast.Heading {
	var first *ast.Heading
	p := plainText{src: src}
	for c := root.FirstChild(); c != nil; c = c.NextSibling() {
		h, ok := c.(*ast.Heading)
		if !ok || p.inline(h) == "" {
			continue
		}
		if h.Level == 1 {
			return h
		}
		if first == nil {
			first = h
		}
	}
	return first
}

// plainText renders a goldmark tree to plain text.
type plainText struct {
	ctx  context.Context // rendering stops when it ends
	src  []byte
	skip ast.Node // a node to leave out: the heading used as title
	out  []string // the text of each block
}

func (p *plainText) add(s string) {
	if s = strings.TrimSpace(s); s != "" {
		p.out = append(p.out, s)
	}
}

// blocks renders the block children of n.
func (p *plainText) blocks(n ast.Node) {
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		if p.ctx != nil && p.ctx.Err() != nil {
			return
		}
		if c == p.skip {
			continue
		}
		switch c := c.(type) {
		case *ast.CodeBlock:
			p.add(p.lines(c.Lines()))
		case *ast.FencedCodeBlock:
			p.add(p.lines(c.Lines()))
		case *ast.HTMLBlock:
			src := p.lines(c.Lines())
			if c.HasClosure() {
				src += string(c.ClosureLine.Value(p.src))
			}
			p.add(htmlText(src))
		case *ast.ThematicBreak:
		case *east.Table:
			p.table(c)
		default:
			if fc := c.FirstChild(); fc != nil && fc.Type() == ast.TypeInline {
				p.add(p.inline(c))
			} else {
				p.blocks(c)
			}
		}
	}
}

// lines returns the source lines of a code or HTML block as they are.
func (p *plainText) lines(ls *text.Segments) string {
	var b strings.Builder
	for i := 0; i < ls.Len(); i++ {
		seg := ls.At(i)
		b.Write(seg.Value(p.src))
	}
	return strings.TrimRight(b.String(), "\r\n")
}

// table renders a table a row a line, cells separated by tabs.
func (p *plainText) table(t *east.Table) {
	var rows []string
	for r := t.FirstChild(); r != nil; r = r.NextSibling() {
		var cells []string
		for c := r.FirstChild(); c != nil; c = c.NextSibling() {
			cells = append(cells, strings.TrimSpace(p.inline(c)))
		}
		if row := strings.TrimSpace(strings.Join(cells, "\t")); row != "" {
			rows = append(rows, row)
		}
	}
	p.add(strings.Join(rows, "\n"))
}

// inline renders the inline children of n.
func (p *plainText) inline(n ast.Node) string {
	var b strings.Builder
	p.writeInline(&b, n)
	// Trim the white space around lines that soft and hard breaks leave.
	lines := strings.Split(b.String(), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimSpace(l)
	}
	return strings.TrimSpace(strings.Join(lines, "\n"))
}

func (p *plainText) writeInline(b *strings.Builder, n ast.Node) {
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		switch c := c.(type) {
		case *ast.Text:
			v := c.Value(p.src)
			if c.IsRaw() {
				b.Write(v)
			} else {
				b.WriteString(unescapeMarkdown(v))
			}
			switch {
			case c.HardLineBreak():
				b.WriteByte('\n')
			case c.SoftLineBreak():
				b.WriteByte(' ')
			}
		case *ast.String:
			if c.IsCode() || c.IsRaw() {
				b.Write(c.Value)
			} else {
				b.WriteString(unescapeMarkdown(c.Value))
			}
		case *ast.CodeSpan:
			for t := c.FirstChild(); t != nil; t = t.NextSibling() {
				switch t := t.(type) {
				case *ast.Text:
					b.WriteString(strings.ReplaceAll(string(t.Value(p.src)), "\n", " "))
				case *ast.String:
					b.Write(t.Value)
				}
			}
		case *ast.AutoLink:
			b.Write(c.Label(p.src))
		case *ast.RawHTML:
			// Inline tags carry no text; the text between them is kept.
		default:
			p.writeInline(b, c)
		}
	}
}

// unescapeMarkdown resolves backslash escapes and entity and numeric
// character references, as an HTML renderer would.
func unescapeMarkdown(v []byte) string {
	if bytes.IndexByte(v, '\\') < 0 && bytes.IndexByte(v, '&') < 0 {
		return string(v)
	}
	var b strings.Builder
	for i := 0; i < len(v); i++ {
		c := v[i]
		if c == '\\' && i+1 < len(v) && util.IsPunct(v[i+1]) {
			b.WriteByte(v[i+1])
			i++
			continue
		}
		if c == '&' {
			if s, n := charRef(v[i:]); n > 0 {
				b.WriteString(s)
				i += n - 1
				continue
			}
		}
		b.WriteByte(c)
	}
	return b.String()
}

// charRef decodes the character reference at the start of v ("&amp;",
// "&#228;", "&#xE4;") and returns it and its length, or length 0.
func charRef(v []byte) (string, int) {
	end := bytes.IndexByte(v, ';')
	if end < 2 || end > 40 {
		return "", 0
	}
	ref := string(v[1:end])
	if ref[0] == '#' {
		num, base := ref[1:], 10
		if num != "" && (num[0] == 'x' || num[0] == 'X') {
			num, base = num[1:], 16
		}
		if num == "" || base == 10 && len(num) > 7 || base == 16 && len(num) > 6 {
			return "", 0
		}
		r, err := strconv.ParseUint(num, base, 32)
		if err != nil {
			return "", 0
		}
		if r == 0 || r > utf8.MaxRune || !utf8.ValidRune(rune(r)) {
			r = utf8.RuneError
		}
		return string(rune(r)), end + 1
	}
	for _, c := range []byte(ref) {
		if !util.IsAlphaNumeric(c) {
			return "", 0
		}
	}
	if e, ok := util.LookUpHTML5EntityByName(ref); ok {
		return string(e.Characters), end + 1
	}
	return "", 0
}

// htmlText returns the text of an HTML fragment, without tags, comments,
// scripts and styles, white space collapsed within lines.
func htmlText(src string) string {
	z := html.NewTokenizer(strings.NewReader(src))
	var b strings.Builder
	skip := 0
	for {
		switch z.Next() {
		case html.ErrorToken:
			var lines []string
			for l := range strings.SplitSeq(b.String(), "\n") {
				if l = strings.Join(strings.Fields(l), " "); l != "" {
					lines = append(lines, l)
				}
			}
			return strings.Join(lines, "\n")
		case html.StartTagToken:
			if name, _ := z.TagName(); isRawTextTag(name) {
				skip++
			}
		case html.EndTagToken:
			if name, _ := z.TagName(); isRawTextTag(name) && skip > 0 {
				skip--
			}
			b.WriteByte('\n')
		case html.TextToken:
			if skip == 0 {
				b.Write(z.Text())
			}
		}
	}
}

func isRawTextTag(name []byte) bool {
	switch string(name) {
	case "script", "style", "template":
		return true
	}
	return false
}
