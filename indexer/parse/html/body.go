package html

import (
	"context"
	"strings"
	"unicode"

	"github.com/PuerkitoBio/goquery"
	nethtml "golang.org/x/net/html"
)

// The body: the main content rendered as plain text.

// bodyText returns the main text of the page, removing boilerplate from doc.
// It leaves out the first h1 or h2 that repeats the title. It returns ""
// when ctx ends between its phases.
func bodyText(ctx context.Context, doc *goquery.Document, title string) string {
	root := doc.Get(0)
	body := root
	if b := doc.Find("body").First(); b.Length() > 0 {
		body = b.Get(0)
	}
	strip(body)
	if ctx.Err() != nil {
		return ""
	}
	st := measure(body)
	total := st[body].chars
	if ctx.Err() != nil {
		return ""
	}

	var nodes []*nethtml.Node
	if m := semantic(body, st); m != nil && st[m].chars >= 200 && st[m].chars*4 >= total {
		nodes = []*nethtml.Node{m}
	} else if picked := scoreBlocks(body, st); picked != nil {
		n := 0
		for _, p := range picked {
			n += st[p].chars
		}
		if n >= 200 || n*2 >= total {
			nodes = picked
		}
	}
	if nodes == nil {
		nodes = []*nethtml.Node{body}
	}
	if ctx.Err() != nil {
		return ""
	}
	w := &textWriter{st: st, title: title}
	for _, n := range nodes {
		w.limit += st[n].chars
	}
	for _, n := range nodes {
		w.node(n, true)
		w.brk(2)
	}
	return w.String()
}

// textWriter renders elements as plain text: blocks become paragraphs
// separated by blank lines, list items and table rows lines.
type textWriter struct {
	b       strings.Builder
	pending int  // break before the next text: 0 none, 1 line, 2 paragraph
	space   bool // a space before the next text
	pre     int  // depth of <pre> elements
	st      stats
	limit   int    // text of the whole content, to spot link lists in it
	title   string // the page's title, left out once when a heading repeats it
}

func (w *textWriter) String() string { return strings.TrimSpace(w.b.String()) }

func (w *textWriter) brk(level int) {
	w.pending = max(w.pending, level)
	w.space = false
}

func (w *textWriter) text(s string) {
	for _, r := range s {
		if w.pre > 0 && (r == '\n' || r == '\r') {
			if r == '\n' {
				w.pending = max(w.pending, 1)
				w.space = false
			}
			continue
		}
		if unicode.IsSpace(r) && (w.pre == 0 || r != ' ' && r != '\t') {
			w.space = true
			continue
		}
		if w.b.Len() > 0 {
			switch {
			case w.pending == 2:
				w.b.WriteString("\n\n")
			case w.pending == 1:
				w.b.WriteByte('\n')
			case w.space:
				w.b.WriteByte(' ')
			}
		}
		w.pending, w.space = 0, false
		w.b.WriteRune(r)
	}
}

// linkListTags are dropped from the content when they are mostly links.
var linkListTags = map[string]bool{"ul": true, "ol": true, "div": true, "section": true, "table": true, "dl": true, "p": true}

func (w *textWriter) node(n *nethtml.Node, top bool) {
	switch n.Type {
	case nethtml.TextNode:
		w.text(n.Data)
		return
	case nethtml.ElementNode:
	case nethtml.DocumentNode:
	default:
		return
	}
	if n.Type == nethtml.ElementNode {
		if dropTags[n.Data] {
			return
		}
		if !top && linkListTags[n.Data] {
			s := w.st[n]
			if s.chars > 0 && float64(s.links) > 0.5*float64(s.chars) && s.commas < 10 && s.chars*3 < w.limit {
				return
			}
		}
		if w.title != "" && (n.Data == "h1" || n.Data == "h2") &&
			strings.EqualFold(clean(allText(n)), w.title) {
			w.title = ""
			w.brk(2)
			return
		}
		switch {
		case n.Data == "br":
			w.brk(1)
			return
		case n.Data == "hr":
			w.brk(2)
			return
		}
		w.edge(n.Data)
		if n.Data == "pre" {
			w.pre++
			defer func() { w.pre-- }()
		}
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		w.node(c, false)
	}
	if n.Type == nethtml.ElementNode {
		w.edge(n.Data)
	}
}

// edge separates the text of an element named tag from what comes before
// and after it: a space for table cells, a line break for line tags, a
// blank line for blocks.
func (w *textWriter) edge(tag string) {
	switch {
	case tag == "td" || tag == "th":
		w.space = true
	case lineTags[tag]:
		w.brk(1)
	case blockTags[tag]:
		w.brk(2)
	}
}
