// Package docbody renders a document's body for its page from the source
// it was ingested from: Markdown through goldmark, an HTML page from its
// main content, both cleaned by a bluemonday policy, so that lists,
// emphasis, headings, links, tables and block quotes survive and nothing
// a browser would run does.
//
// # Safety
//
// The source comes from anyone who may write. Whatever the Markdown or
// HTML holds, the output keeps only the elements and attributes of
// [policy]: no script, style, event handler, form, frame, image or
// embedded object, and links only to http, https and mailto addresses
// (a relative link loses its address, since it pointed into the source's
// own site) or to a footnote of the same page. Links get
// rel="nofollow noopener". Ids and classes come from this package alone:
// the sanitiser drops the source's, and [Render] sets its own after it.
//
// # Passage anchors
//
// The indexer keeps a document's body as plain text, blocks separated by
// blank lines. A rendered block whose text is the N-th of those blocks
// (1-based, white space ignored) gets id="p-N", so a link to
// /documents/{id}#p-N lands on the passage an answer or a snippet came
// from. A block whose text matches none gets no id: an anchor either
// names the right passage or is absent. Headings are demoted below the
// page's h1 (the body's top level becomes h2).
//
// # When it does not render
//
// Render answers [ErrUnsupported] for sources it does not render (PDF,
// plain text, JSON records, oversized files) and when its output would
// show less than [MinShown] of the body the index holds (an HTML page
// whose main content it picks differently from the indexer, a Markdown
// file whose front matter carries the body): the page then shows the
// plain-text body.
package docbody

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"path"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/microcosm-cc/bluemonday"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/renderer/html"
	nethtml "golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// ErrUnsupported reports a source Render does not render; the caller
// shows the plain-text body instead.
var ErrUnsupported = errors.New("source not rendered")

// MaxSourceBytes bounds the source Render reads; a larger one is
// ErrUnsupported.
const MaxSourceBytes = 4 << 20

// MinShown is the share of the plain-text body's blocks a rendering must
// show (have an anchor for) to be used.
const MinShown = 0.6

// Source is what a document's body is rendered from.
type Source struct {
	// Raw is the stored source: the file or upload the document was
	// parsed from.
	Raw []byte
	// Name is the document's source (a path, URL or file name); its
	// extension tells the format, and failing that Raw is sniffed.
	Name string
	// Title is the page's title: a first block that repeats it is left
	// out.
	Title string
	// Body is the document's plain-text body, whose blocks the p-N
	// anchors number.
	Body string
}

// Format is a source format Render knows.
type Format string

// The formats.
const (
	Markdown Format = "markdown"
	HTML     Format = "html"
)

// FormatOf tells the format of a source from its name, sniffing raw when
// the name does not tell; "" for one Render does not render.
func FormatOf(name string, raw []byte) Format {
	t := bytes.TrimLeft(raw, " \t\r\n\ufeff")
	if len(t) > 0 && (t[0] == '{' || t[0] == '[') && json.Valid(t) {
		return "" // a JSON record, whatever its source says
	}
	if u, err := url.Parse(name); err == nil && u.Scheme != "" && len(u.Scheme) > 1 {
		name = u.Path
	}
	switch strings.ToLower(path.Ext(name)) {
	case ".md", ".markdown", ".mdown", ".mkd":
		return Markdown
	case ".html", ".htm", ".xhtml":
		return HTML
	case ".pdf", ".txt", ".json", ".jsonl", ".ndjson", ".text":
		return ""
	}
	switch ct := http.DetectContentType(raw); {
	case strings.HasPrefix(ct, "text/html"):
		return HTML
	case strings.HasPrefix(ct, "text/plain") && looksLikeMarkdown(raw):
		// An upload through the API, whose name is not kept.
		return Markdown
	}
	return ""
}

// markdownLine is a line only Markdown would write: a heading, a list
// item, a quote, a table row, bold text or a link.
var markdownLine = regexp.MustCompile(`^(#{1,6} |[-*+] |[0-9]{1,3}[.)] |> |\|.*\|)|\*\*[^*]+\*\*|\[[^\]]+\]\([^)]+\)`)

// looksLikeMarkdown reports text with front matter or Markdown markup in
// its first lines.
func looksLikeMarkdown(raw []byte) bool {
	if !utf8.Valid(raw) {
		return false
	}
	if bytes.HasPrefix(raw, []byte("---\n")) || bytes.HasPrefix(raw, []byte("---\r\n")) {
		return true
	}
	lines := bytes.SplitN(raw, []byte("\n"), 200)
	for _, l := range lines[:min(len(lines), 199)] {
		if markdownLine.Match(bytes.TrimSpace(l)) {
			return true
		}
	}
	return false
}

// Render renders src as sanitised HTML, or answers an error wrapping
// ErrUnsupported.
func Render(src Source) (template.HTML, error) {
	if len(src.Raw) > MaxSourceBytes {
		return "", fmt.Errorf("%d bytes: %w", len(src.Raw), ErrUnsupported)
	}
	var frag []byte
	f := FormatOf(src.Name, src.Raw)
	switch f {
	case Markdown:
		var err error
		if frag, err = markdownHTML(src.Raw); err != nil {
			return "", err
		}
	case HTML:
		frag = mainContent(src.Raw)
	default:
		return "", ErrUnsupported
	}
	clean := policy().SanitizeBytes(frag)
	out, shown, total, err := finish(clean, src.Title, src.Body, f == HTML)
	if err != nil {
		return "", err
	}
	if total > 0 && float64(shown) < MinShown*float64(total) {
		return "", fmt.Errorf("shows %d of %d blocks of the body: %w", shown, total, ErrUnsupported)
	}
	return template.HTML(out), nil //nolint:gosec // sanitised by policy, ids and links set by finish
}

// md renders CommonMark with the extensions the indexer's parser reads
// (GitHub tables, strikethrough, autolinks, task lists, whose check boxes
// the sanitiser drops; footnotes). Raw
// HTML is passed through for the sanitiser to clean, so that its text
// stays on the page as it stays in the index.
var md = goldmark.New(
	goldmark.WithExtensions(
		extension.NewTable(extension.WithTableCellAlignMethod(extension.TableCellAlignAttribute)),
		extension.Strikethrough, extension.Linkify, extension.TaskList, extension.Footnote,
	),
	goldmark.WithRendererOptions(html.WithUnsafe()),
)

// markdownHTML renders a Markdown file, without its YAML front matter.
func markdownHTML(raw []byte) ([]byte, error) {
	var b bytes.Buffer
	if err := md.Convert(stripFrontMatter(raw), &b); err != nil {
		return nil, fmt.Errorf("render Markdown: %w", err)
	}
	return b.Bytes(), nil
}

// stripFrontMatter cuts a first "---" line and everything up to the
// closing "---" or "..." line; a file whose front matter is not closed
// is returned as it is.
func stripFrontMatter(raw []byte) []byte {
	src := bytes.TrimPrefix(raw, []byte("\ufeff"))
	first, rest, ok := bytes.Cut(src, []byte("\n"))
	if !ok || string(bytes.TrimRight(first, " \t\r")) != "---" {
		return src
	}
	for len(rest) > 0 {
		line, after, _ := bytes.Cut(rest, []byte("\n"))
		if l := string(bytes.TrimRight(line, " \t\r")); l == "---" || l == "..." {
			return after
		}
		rest = after
	}
	return src
}

// policy is built once: a bluemonday policy is safe for concurrent use
// once configured.
var policy = sync.OnceValue(newPolicy)

// footnoteID is the form of the ids goldmark gives footnotes and their
// references.
var footnoteID = regexp.MustCompile(`^fn(ref)?:[0-9]+$`)

// newPolicy is what a body may hold: text structure, emphasis, links,
// tables and quotes. No ids or classes from the source but footnotes'.
func newPolicy() *bluemonday.Policy {
	p := bluemonday.NewPolicy()
	p.AllowElements("p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6",
		"ul", "ol", "li", "dl", "dt", "dd", "blockquote", "pre", "code",
		"strong", "b", "em", "i", "del", "s", "ins", "mark", "sub", "sup", "small", "abbr", "q", "cite", "kbd", "var", "samp",
		"table", "caption", "thead", "tbody", "tfoot", "tr", "th", "td",
		"figure", "figcaption", "section", "div", "span")
	p.AllowAttrs("href").OnElements("a")
	p.AllowURLSchemes("http", "https", "mailto")
	p.AllowRelativeURLs(true)
	p.RequireParseableURLs(true)
	p.AllowAttrs("start").Matching(bluemonday.Integer).OnElements("ol")
	p.AllowAttrs("align").Matching(regexp.MustCompile(`^(left|right|center)$`)).OnElements("th", "td")
	p.AllowAttrs("colspan", "rowspan").Matching(bluemonday.Integer).OnElements("th", "td")
	p.AllowAttrs("scope").Matching(regexp.MustCompile(`^(row|col|rowgroup|colgroup)$`)).OnElements("th")
	p.AllowAttrs("title").Matching(bluemonday.Paragraph).OnElements("abbr")
	p.AllowAttrs("id").Matching(footnoteID).OnElements("li", "sup", "a")
	return p
}

// finish sets the anchors, demotes the headings, leaves out a first block
// that repeats the title, fixes the links and wraps tables to scroll.
// With prune (an HTML page), it also leaves out the passages that are not
// part of the indexed body: what the indexer's Readability scoring took
// for boilerplate inside the main content. It returns the HTML, how many
// blocks of the body got an anchor, and how many the body has.
func finish(clean []byte, title, body string, prune bool) (string, int, int, error) {
	ctx := &nethtml.Node{Type: nethtml.ElementNode, Data: "div", DataAtom: atom.Div}
	nodes, err := nethtml.ParseFragment(bytes.NewReader(clean), ctx)
	if err != nil {
		return "", 0, 0, fmt.Errorf("read sanitised body: %w", err)
	}
	root := &nethtml.Node{Type: nethtml.ElementNode, Data: "div", DataAtom: atom.Div}
	for _, n := range nodes {
		root.AppendChild(n)
	}
	blocks := bodyBlocks(body)
	a := anchors{blocks: blocks}
	if t := squash(title); t != "" && len(blocks) > 0 && blocks[0] == t {
		a.next = 1 // the title heading is the body's first block
	}
	if t := squash(title); t != "" {
		if first := firstBlock(root); first != nil && squash(textOf(first)) == t {
			first.Parent.RemoveChild(first)
		}
	}
	dropEmpty(root)
	demote(root)
	a.walk(root)
	if prune {
		pruneOutside(root, squash(body))
	}
	fixLinks(root)
	wrapTables(root)
	var b bytes.Buffer
	for c := root.FirstChild; c != nil; c = c.NextSibling {
		if err := nethtml.Render(&b, c); err != nil {
			return "", 0, 0, fmt.Errorf("write body: %w", err)
		}
	}
	return b.String(), a.shown, len(blocks), nil
}

// Blocks are the blocks of a plain-text body (blank-line separated, empty
// ones skipped), squashed (Squash): block N is the page's #p-N.
func Blocks(body string) []string { return bodyBlocks(body) }

// Squash is text as blocks are compared: lower case, without white space.
func Squash(s string) string { return squash(s) }

// bodyBlocks are the blocks of a plain-text body, squashed.
func bodyBlocks(body string) []string {
	var out []string
	for p := range strings.SplitSeq(strings.ReplaceAll(body, "\r\n", "\n"), "\n\n") {
		if strings.TrimSpace(p) != "" {
			out = append(out, squash(p))
		}
	}
	return out
}

// squash is text as blocks are compared: lower case, without white space.
func squash(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return unicode.ToLower(r)
	}, s)
}

// isElem reports whether n is an element of one of the atoms.
func isElem(n *nethtml.Node, as ...atom.Atom) bool {
	if n.Type != nethtml.ElementNode {
		return false
	}
	for _, a := range as {
		if n.DataAtom == a {
			return true
		}
	}
	return false
}

var headings = []atom.Atom{atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6}

// blockAtoms are the elements that hold a passage or other blocks.
var blockAtoms = []atom.Atom{atom.P, atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6,
	atom.Ul, atom.Ol, atom.Li, atom.Dl, atom.Dt, atom.Dd, atom.Blockquote, atom.Pre, atom.Table,
	atom.Hr, atom.Div, atom.Section, atom.Figure, atom.Figcaption}

// firstBlock is the first block element of the body that holds text.
func firstBlock(root *nethtml.Node) *nethtml.Node {
	for c := root.FirstChild; c != nil; c = c.NextSibling {
		switch {
		case isElem(c, atom.Div, atom.Section):
			if f := firstBlock(c); f != nil {
				return f
			}
		case isElem(c, blockAtoms...):
			return c
		case c.Type == nethtml.TextNode && strings.TrimSpace(c.Data) == "":
		default:
			return nil
		}
	}
	return nil
}

// demote moves the headings down so that the highest becomes h2.
func demote(root *nethtml.Node) {
	top := 7
	each(root, func(n *nethtml.Node) {
		if isElem(n, headings...) {
			top = min(top, level(n))
		}
	})
	if top == 7 {
		return
	}
	each(root, func(n *nethtml.Node) {
		if isElem(n, headings...) {
			l := min(6, level(n)-top+2)
			n.DataAtom = headings[l-1]
			n.Data = n.DataAtom.String()
		}
	})
}

func level(n *nethtml.Node) int { return int(n.Data[1] - '0') }

// each calls fn for n and every node below it, in document order.
func each(n *nethtml.Node, fn func(*nethtml.Node)) {
	fn(n)
	for c := n.FirstChild; c != nil; {
		next := c.NextSibling // fn may replace c
		each(c, fn)
		c = next
	}
}

// anchors numbers the passages.
type anchors struct {
	blocks []string
	next   int // the first body block not yet matched
	shown  int
}

// lookahead is how many body blocks a rendered block may skip to match.
const lookahead = 12

// walk gives each passage element in n an anchor.
func (a *anchors) walk(n *nethtml.Node) {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type != nethtml.ElementNode {
			continue
		}
		switch {
		case isElem(c, atom.P, atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6, atom.Pre, atom.Table, atom.Dt, atom.Dd, atom.Figcaption):
			a.match(c, textOf(c))
		case isElem(c, atom.Li, atom.Blockquote, atom.Div, atom.Section, atom.Figure):
			// Text of its own (a tight list item) is a passage; so are
			// the blocks inside.
			if own := ownText(c); strings.TrimSpace(own) != "" {
				a.match(c, own)
			}
			a.walk(c)
		default:
			a.walk(c)
		}
	}
}

// match gives n the anchor of the body block whose text is text.
func (a *anchors) match(n *nethtml.Node, text string) {
	t := squash(text)
	if t == "" || attr(n, "id") != "" {
		return
	}
	for i := a.next; i < len(a.blocks) && i < a.next+lookahead; i++ {
		if a.blocks[i] == t {
			n.Attr = append(n.Attr, nethtml.Attribute{Key: "id", Val: "p-" + strconv.Itoa(i+1)})
			a.next = i + 1
			a.shown++
			return
		}
	}
}

// textOf is the text of n and everything below it.
func textOf(n *nethtml.Node) string {
	var b strings.Builder
	each(n, func(c *nethtml.Node) {
		if c.Type == nethtml.TextNode {
			b.WriteString(c.Data)
		}
	})
	return b.String()
}

// ownText is the text of n outside the block elements below it.
func ownText(n *nethtml.Node) string {
	var b strings.Builder
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		switch {
		case c.Type == nethtml.TextNode:
			b.WriteString(c.Data)
		case isElem(c, blockAtoms...):
		case c.Type == nethtml.ElementNode:
			b.WriteString(textOf(c))
		}
	}
	return b.String()
}

func attr(n *nethtml.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

// rel is what every outgoing link of a body carries.
const rel = "nofollow noopener"

// fixLinks keeps absolute and same-page links, with rel set on the
// former, and drops the address of a relative link.
func fixLinks(root *nethtml.Node) {
	each(root, func(n *nethtml.Node) {
		if !isElem(n, atom.A) {
			return
		}
		var keep []nethtml.Attribute
		for _, at := range n.Attr {
			if at.Key != "href" {
				if at.Key != "rel" {
					keep = append(keep, at)
				}
				continue
			}
			u, err := url.Parse(at.Val)
			switch {
			case err != nil:
			case u.Scheme == "http" || u.Scheme == "https" || u.Scheme == "mailto":
				keep = append(keep, at, nethtml.Attribute{Key: "rel", Val: rel})
			case strings.HasPrefix(at.Val, "#") && footnoteID.MatchString(at.Val[1:]):
				keep = append(keep, at)
			}
		}
		n.Attr = keep
	})
}

// wrapTables puts each table in a box that scrolls sideways on a narrow
// screen.
func wrapTables(root *nethtml.Node) {
	var tables []*nethtml.Node
	each(root, func(n *nethtml.Node) {
		if isElem(n, atom.Table) {
			tables = append(tables, n)
		}
	})
	for _, t := range tables {
		box := &nethtml.Node{Type: nethtml.ElementNode, Data: "div", DataAtom: atom.Div,
			Attr: []nethtml.Attribute{{Key: "class", Val: "table-scroll"}}}
		t.Parent.InsertBefore(box, t)
		t.Parent.RemoveChild(t)
		box.AppendChild(t)
	}
}

// dropEmpty removes paragraphs left without text (by the sanitiser,
// mostly).
func dropEmpty(root *nethtml.Node) {
	var empty []*nethtml.Node
	each(root, func(n *nethtml.Node) {
		if isElem(n, atom.P) && strings.TrimSpace(textOf(n)) == "" {
			empty = append(empty, n)
		}
	})
	for _, n := range empty {
		n.Parent.RemoveChild(n)
	}
}

// passageAtoms are the elements that hold one passage.
var passageAtoms = []atom.Atom{atom.P, atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6,
	atom.Pre, atom.Table, atom.Dt, atom.Dd, atom.Figcaption, atom.Li}

// containerAtoms are the elements that only group passages.
var containerAtoms = []atom.Atom{atom.Ul, atom.Ol, atom.Dl, atom.Blockquote, atom.Div, atom.Section, atom.Figure}

// pruneOutside removes the passages without an anchor whose text is not
// in body (squashed), then the containers left without text.
func pruneOutside(root *nethtml.Node, body string) {
	var gone []*nethtml.Node
	each(root, func(n *nethtml.Node) {
		if !isElem(n, passageAtoms...) || attr(n, "id") != "" {
			return
		}
		if isElem(n, atom.Li) && hasBlockChild(n) {
			return // its passages are judged one by one
		}
		if t := squash(textOf(n)); t != "" && !strings.Contains(body, t) {
			gone = append(gone, n)
		}
	})
	for _, n := range gone {
		if n.Parent != nil {
			n.Parent.RemoveChild(n)
		}
	}
	var empty []*nethtml.Node
	each(root, func(n *nethtml.Node) {
		if n != root && isElem(n, append(containerAtoms, atom.Li)...) && strings.TrimSpace(textOf(n)) == "" {
			empty = append(empty, n)
		}
	})
	for _, n := range empty {
		if n.Parent != nil {
			n.Parent.RemoveChild(n)
		}
	}
}

func hasBlockChild(n *nethtml.Node) bool {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if isElem(c, blockAtoms...) {
			return true
		}
	}
	return false
}
