package html

import (
	"regexp"
	"strings"
	"unicode"

	nethtml "golang.org/x/net/html"
)

// Cleanup: text statistics, and the boilerplate removed before the main
// content is chosen.

// stat sums the text below a node: letters and other non-space
// characters, those inside links, and commas.
type stat struct {
	chars, links, commas int
}

type stats map[*nethtml.Node]stat

// measure computes the text statistics of every element below n.
func measure(n *nethtml.Node) stats {
	st := stats{}
	var walk func(n *nethtml.Node, inLink bool) stat
	walk = func(n *nethtml.Node, inLink bool) stat {
		var s stat
		switch n.Type {
		case nethtml.TextNode:
			for _, r := range n.Data {
				if !unicode.IsSpace(r) {
					s.chars++
				}
				if isComma(r) {
					s.commas++
				}
			}
			if inLink {
				s.links = s.chars
			}
			return s
		case nethtml.ElementNode:
			if dropTags[n.Data] {
				st[n] = s
				return s
			}
			inLink = inLink || n.Data == "a"
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			cs := walk(c, inLink)
			s.chars += cs.chars
			s.links += cs.links
			s.commas += cs.commas
		}
		st[n] = s
		return s
	}
	walk(n, false)
	return st
}

func isComma(r rune) bool {
	switch r {
	case ',', '\u060C', '\uFE50', '\uFE10', '\uFE11', '\u2E41', '\u2E34', '\u2E32', '\uFF0C':
		return true
	}
	return false
}

func (st stats) linkDensity(n *nethtml.Node) float64 {
	s := st[n]
	if s.chars == 0 {
		return 0
	}
	return float64(s.links) / float64(s.chars)
}

// dropTags never hold readable content.
var dropTags = map[string]bool{
	"script": true, "style": true, "noscript": true, "template": true, "svg": true, "iframe": true,
	"object": true, "embed": true, "canvas": true, "button": true, "select": true, "input": true,
	"textarea": true, "link": true, "meta": true, "head": true, "title": true, "audio": true,
	"video": true, "map": true, "dialog": true, "frameset": true, "frame": true,
}

// boilerTags usually hold boilerplate.
var boilerTags = map[string]bool{
	"nav": true, "header": true, "footer": true, "aside": true, "form": true, "menu": true,
}

var boilerRoles = map[string]bool{
	"navigation": true, "banner": true, "contentinfo": true, "complementary": true, "menu": true,
	"menubar": true, "search": true, "dialog": true, "alertdialog": true, "alert": true, "toolbar": true,
}

// Class and id words of boilerplate: strong ones mark it whatever else the
// attribute says; weak ones not when a word of content comes with them.
var (
	strongBoiler = []string{"cookie", "consent", "gdpr", "newsletter", "breadcrumb", "advert",
		"sponsor", "disqus", "outbrain", "taboola", "popup", "share", "social", "subscribe", "signup",
		"skiplink", "skip-link", "skip-to", "sharedaddy", "comment", "related", "sidebar", "promo"}
	weakBoiler = []string{"banner", "footer", "header", "masthead", "pagination", "pager",
		"widget-area", "toolbar", "modal", "replies"}
	weakTokens = map[string]bool{"ad": true, "ads": true, "tags": true, "reply": true,
		"mainmenu": true, "megamenu": true, "submenu": true}
	contentRe = regexp.MustCompile(`(?i)article|body|content|main|story|entry|column|text`)
	hiddenCls = map[string]bool{"hidden": true, "d-none": true, "sr-only": true, "visually-hidden": true,
		"screen-reader-text": true, "screenreader-only": true, "invisible": true, "hide": true}
	hiddenStyleRe = regexp.MustCompile(`(?i)(^|;)\s*(display\s*:\s*none|visibility\s*:\s*hidden)`)
	wordSplitRe   = regexp.MustCompile(`[^a-z0-9]+`)
)

func attr(n *nethtml.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key && a.Namespace == "" {
			return a.Val
		}
	}
	return ""
}

func hasAttr(n *nethtml.Node, key string) bool {
	for _, a := range n.Attr {
		if a.Key == key && a.Namespace == "" {
			return true
		}
	}
	return false
}

// hidden reports an element the page does not show.
func hidden(n *nethtml.Node) bool {
	if hasAttr(n, "hidden") || strings.EqualFold(strings.TrimSpace(attr(n, "aria-hidden")), "true") {
		return true
	}
	if hiddenStyleRe.MatchString(attr(n, "style")) {
		return true
	}
	for _, c := range strings.Fields(strings.ToLower(attr(n, "class"))) {
		if hiddenCls[c] {
			return true
		}
	}
	return false
}

// boiler reports an element whose tag, role, class or id marks it as
// navigation, banner, sharing box or other boilerplate.
func boiler(n *nethtml.Node) bool {
	if boilerTags[n.Data] {
		return true
	}
	for _, r := range strings.Fields(strings.ToLower(attr(n, "role"))) {
		if boilerRoles[r] {
			return true
		}
	}
	s := strings.ToLower(attr(n, "class") + " " + attr(n, "id"))
	if strings.TrimSpace(s) == "" {
		return false
	}
	for _, w := range strongBoiler {
		if strings.Contains(s, w) {
			return true
		}
	}
	if contentRe.MatchString(s) {
		return false
	}
	for _, w := range weakBoiler {
		if strings.Contains(s, w) {
			return true
		}
	}
	for _, t := range wordSplitRe.Split(s, -1) {
		if weakTokens[t] || strings.HasPrefix(t, "menu") || strings.HasPrefix(t, "nav") || strings.HasSuffix(t, "nav") {
			return true
		}
	}
	return false
}

var bylineRe = regexp.MustCompile(`(?i)byline|dateline|writtenby|p-author`)

// isByline reports an element that names the author, which the body
// leaves out like the title.
func isByline(n *nethtml.Node) bool {
	if strings.EqualFold(attr(n, "rel"), "author") || strings.Contains(attr(n, "itemprop"), "author") {
		return true
	}
	return bylineRe.MatchString(attr(n, "class") + " " + attr(n, "id"))
}

// mainish reports an element that marks the main content.
func mainish(n *nethtml.Node) bool {
	if n.Type != nethtml.ElementNode {
		return false
	}
	if n.Data == "article" || n.Data == "main" {
		return true
	}
	if strings.EqualFold(attr(n, "role"), "main") {
		return true
	}
	for _, p := range strings.Fields(attr(n, "itemprop")) {
		if p == "articleBody" || p == "mainContentOfPage" {
			return true
		}
	}
	return false
}

// strip removes hidden elements and boilerplate below root. It keeps an
// element that holds the main content or most of the page's text.
func strip(root *nethtml.Node) {
	st := measure(root)
	total := st[root].chars
	holdsMain := map[*nethtml.Node]bool{}
	var mark func(n *nethtml.Node)
	mark = func(n *nethtml.Node) {
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			mark(c)
			if mainish(c) || holdsMain[c] {
				holdsMain[n] = true
			}
		}
	}
	mark(root)

	var walk func(n *nethtml.Node)
	walk = func(n *nethtml.Node) {
		for c := n.FirstChild; c != nil; {
			next := c.NextSibling
			switch c.Type {
			case nethtml.CommentNode, nethtml.DoctypeNode:
				n.RemoveChild(c)
			case nethtml.ElementNode:
				remove := dropTags[c.Data] || c.Namespace != "" && c.Namespace != "math" || hidden(c)
				if !remove && isByline(c) && st[c].chars < 150 {
					remove = true
				}
				if !remove && !mainish(c) && c.Data != "body" && boiler(c) {
					remove = !holdsMain[c] && (total < 1000 || st[c].chars*2 < total)
				}
				if remove {
					n.RemoveChild(c)
				} else {
					walk(c)
				}
			}
			c = next
		}
	}
	walk(root)
}
