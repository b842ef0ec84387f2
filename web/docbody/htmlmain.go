package docbody

import (
	"bytes"
	"strings"

	nethtml "golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// mainContent is the main content of an HTML page, as HTML: the page's
// single <article>, else its <main> or role="main" element, else its
// body; without navigation, banners, side bars, forms and hidden parts.
// The indexer's Readability scoring finds the body text of pages without
// such markup; Render checks the result against that text (MinShown)
// and falls back to it when the two disagree.
func mainContent(raw []byte) []byte {
	doc, err := nethtml.Parse(bytes.NewReader(bytes.ToValidUTF8(raw, []byte("\uFFFD"))))
	if err != nil {
		return nil
	}
	var articles, mains []*nethtml.Node
	var body *nethtml.Node
	each(doc, func(n *nethtml.Node) {
		switch {
		case isElem(n, atom.Article):
			articles = append(articles, n)
		case isElem(n, atom.Main), n.Type == nethtml.ElementNode && attr(n, "role") == "main":
			mains = append(mains, n)
		case isElem(n, atom.Body) && body == nil:
			body = n
		}
	})
	pick := body
	switch {
	case len(articles) == 1:
		pick = articles[0]
	case len(mains) > 0:
		pick = mains[0]
	}
	if pick == nil {
		return nil
	}
	strip(pick)
	var b bytes.Buffer
	for c := pick.FirstChild; c != nil; c = c.NextSibling {
		if err := nethtml.Render(&b, c); err != nil {
			return nil
		}
	}
	return b.Bytes()
}

// boilerplate are elements that are never the content.
var boilerplate = []atom.Atom{atom.Nav, atom.Header, atom.Footer, atom.Aside, atom.Form,
	atom.Script, atom.Style, atom.Noscript, atom.Template, atom.Iframe, atom.Button, atom.Select, atom.Svg, atom.Dialog}

// strip removes the boilerplate and hidden elements below n.
func strip(n *nethtml.Node) {
	for c := n.FirstChild; c != nil; {
		next := c.NextSibling
		if c.Type == nethtml.ElementNode && (isElem(c, boilerplate...) || hidden(c)) {
			n.RemoveChild(c)
		} else {
			strip(c)
		}
		c = next
	}
}

// hidden reports an element the page does not show.
func hidden(n *nethtml.Node) bool {
	for _, a := range n.Attr {
		switch a.Key {
		case "hidden":
			return true
		case "aria-hidden":
			if a.Val == "true" {
				return true
			}
		case "style":
			s := strings.ReplaceAll(strings.ToLower(a.Val), " ", "")
			if strings.Contains(s, "display:none") || strings.Contains(s, "visibility:hidden") {
				return true
			}
		case "role":
			if a.Val == "navigation" || a.Val == "banner" || a.Val == "contentinfo" || a.Val == "complementary" {
				return true
			}
		}
	}
	return false
}
