package html

import (
	"cmp"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	nethtml "golang.org/x/net/html"
)

// Scoring: the choice of the main content.

// paragraphTags are scored as paragraphs.
var paragraphTags = map[string]bool{
	"p": true, "pre": true, "td": true, "h2": true, "h3": true, "h4": true, "h5": true, "h6": true, "section": true,
}

// blockTags break the flow of text.
var blockTags = map[string]bool{
	"address": true, "article": true, "aside": true, "blockquote": true, "body": true, "center": true,
	"dd": true, "details": true, "dialog": true, "dir": true, "div": true, "dl": true, "dt": true,
	"fieldset": true, "figcaption": true, "figure": true, "footer": true, "form": true, "h1": true,
	"h2": true, "h3": true, "h4": true, "h5": true, "h6": true, "header": true, "hgroup": true,
	"hr": true, "li": true, "main": true, "menu": true, "nav": true, "ol": true, "p": true,
	"pre": true, "section": true, "summary": true, "table": true, "tbody": true, "thead": true,
	"tfoot": true, "tr": true, "td": true, "th": true, "caption": true, "ul": true, "html": true,
	"noscript": true, "legend": true, "option": true,
}

// lineTags end a line but not a paragraph.
var lineTags = map[string]bool{
	"li": true, "tr": true, "dt": true, "dd": true, "br": true, "option": true, "caption": true,
}

// hasBlockChild reports whether n holds a block element.
func hasBlockChild(n *nethtml.Node) bool {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == nethtml.ElementNode && (blockTags[c.Data] || hasBlockChild(c)) {
			return true
		}
	}
	return false
}

// inlineText is the text of n outside its block descendants.
func inlineText(n *nethtml.Node) string {
	var b strings.Builder
	var walk func(n *nethtml.Node)
	walk = func(n *nethtml.Node) {
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			switch c.Type {
			case nethtml.TextNode:
				b.WriteString(c.Data)
			case nethtml.ElementNode:
				if !blockTags[c.Data] {
					walk(c)
				} else {
					b.WriteByte(' ')
				}
			}
		}
	}
	walk(n)
	return clean(b.String())
}

var (
	positiveRe = regexp.MustCompile(`(?i)article|body|content|entry|hentry|h-entry|main|page|pagination|post|text|blog|story`)
	negativeRe = regexp.MustCompile(`(?i)-ad-|hidden|^hid$| hid$| hid |^hid |banner|combx|comment|com-|contact|foot|footer|footnote|gdpr|masthead|media|meta|outbrain|promo|related|scroll|share|shoutbox|sidebar|skyscraper|sponsor|shopping|tags|widget`)
)

func classWeight(n *nethtml.Node) float64 {
	var w float64
	for _, s := range []string{attr(n, "class"), attr(n, "id")} {
		if s == "" {
			continue
		}
		if negativeRe.MatchString(s) {
			w -= 25
		}
		if positiveRe.MatchString(s) {
			w += 25
		}
	}
	return w
}

func initialScore(n *nethtml.Node) float64 {
	var s float64
	switch n.Data {
	case "div":
		s = 5
	case "pre", "td", "blockquote":
		s = 3
	case "address", "ol", "ul", "dl", "dd", "dt", "li", "form":
		s = -3
	case "h1", "h2", "h3", "h4", "h5", "h6", "th":
		s = -5
	}
	return s + classWeight(n)
}

// scoreBlocks picks the nodes that hold the main content with Readability's
// scoring: paragraphs give points for their length and commas to their
// ancestors, which lose points for the share of link text. It returns nil
// when no container stands out.
func scoreBlocks(body *nethtml.Node, st stats) []*nethtml.Node {
	scores := map[*nethtml.Node]float64{}
	var order []*nethtml.Node
	credit := func(p *nethtml.Node, text string) {
		n := utf8.RuneCountInString(text)
		if n < 25 {
			return
		}
		commas := 0
		for _, r := range text {
			if isComma(r) {
				commas++
			}
		}
		score := 1 + float64(commas) + float64(min(n/100, 3))
		level := 0
		for a := p; a != nil && level < 5; a, level = a.Parent, level+1 {
			if a.Type != nethtml.ElementNode || a.Parent == nil || a.Parent.Type != nethtml.ElementNode {
				break
			}
			if _, ok := scores[a]; !ok {
				scores[a] = initialScore(a)
				order = append(order, a)
			}
			switch level {
			case 0:
				scores[a] += score
			case 1:
				scores[a] += score / 2
			default:
				scores[a] += score / float64(level*3)
			}
		}
	}
	var walk func(n *nethtml.Node)
	walk = func(n *nethtml.Node) {
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if c.Type != nethtml.ElementNode {
				continue
			}
			switch {
			case paragraphTags[c.Data] && !hasBlockChild(c) || c.Data == "div" && !hasBlockChild(c):
				credit(c.Parent, inlineText(c))
			case c.Data == "div":
				// Runs of text between the blocks of a div count as
				// paragraphs of the div.
				credit(c, inlineText(c))
				walk(c)
			default:
				walk(c)
			}
		}
	}
	walk(body)
	if len(order) == 0 {
		return nil
	}
	var top *nethtml.Node
	for _, n := range order {
		scores[n] *= 1 - st.linkDensity(n)
		if top == nil || scores[n] > scores[top] {
			top = n
		}
	}
	if top == body {
		return nil
	}

	// When several of the five best candidates score almost as well as the
	// top one and share an ancestor, take the ancestor.
	best := slices.Clone(order)
	slices.SortStableFunc(best, func(a, b *nethtml.Node) int { return cmp.Compare(scores[b], scores[a]) })
	var alts []*nethtml.Node
	for _, n := range best[1:min(len(best), 5)] {
		if scores[n]/scores[top] >= 0.75 {
			alts = append(alts, n)
		}
	}
	if len(alts) >= 3 {
		for p := top.Parent; p != nil && p != body; p = p.Parent {
			shared := 0
			for _, a := range alts {
				if contains(p, a) {
					shared++
				}
			}
			if shared >= 3 {
				top = p
				break
			}
		}
	}
	// Climb to a parent that scores better.
	last := scores[top]
	threshold := last / 3
	for p := top.Parent; p != nil && p != body && p.Type == nethtml.ElementNode; p = p.Parent {
		s, ok := scores[p]
		if !ok {
			continue
		}
		if s < threshold {
			break
		}
		if s > last {
			top = p
			break
		}
		last = s
	}
	// An only child stands for its parent.
	for top.Parent != nil && top.Parent != body && top.Parent.Type == nethtml.ElementNode && elementChildren(top.Parent) == 1 {
		top = top.Parent
	}

	// Add the siblings that look like part of the article.
	parent := top.Parent
	if parent == nil {
		return []*nethtml.Node{top}
	}
	siblingThreshold := max(10, scores[top]*0.2)
	var out []*nethtml.Node
	topClass := attr(top, "class")
	for s := parent.FirstChild; s != nil; s = s.NextSibling {
		if s.Type != nethtml.ElementNode {
			continue
		}
		if s == top {
			out = append(out, s)
			continue
		}
		bonus := 0.0
		if topClass != "" && attr(s, "class") == topClass {
			bonus = scores[top] * 0.2
		}
		if sc, ok := scores[s]; ok && sc+bonus >= siblingThreshold {
			out = append(out, s)
			continue
		}
		if s.Data == "p" {
			text := inlineText(s)
			n, ld := utf8.RuneCountInString(text), st.linkDensity(s)
			if n > 80 && ld < 0.25 || n > 0 && n < 80 && ld == 0 && sentenceRe.MatchString(text) {
				out = append(out, s)
			}
		}
	}
	return out
}

// allText is the text below n.
func allText(n *nethtml.Node) string {
	var b strings.Builder
	var walk func(n *nethtml.Node)
	walk = func(n *nethtml.Node) {
		if n.Type == nethtml.TextNode {
			b.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return b.String()
}

var sentenceRe = regexp.MustCompile(`\.( |$)`)

func contains(a, b *nethtml.Node) bool {
	for ; b != nil; b = b.Parent {
		if a == b {
			return true
		}
	}
	return false
}

func elementChildren(n *nethtml.Node) int {
	k := 0
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == nethtml.ElementNode {
			k++
		}
	}
	return k
}

// semantic returns the element marked as main content (article, main,
// role=main, itemprop=articleBody) with the most text, or its most specific
// marked descendant that holds most of that text; nil when there is none.
func semantic(body *nethtml.Node, st stats) *nethtml.Node {
	var cands []*nethtml.Node
	var walk func(n *nethtml.Node)
	walk = func(n *nethtml.Node) {
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if mainish(c) {
				cands = append(cands, c)
			}
			walk(c)
		}
	}
	walk(body)
	var best *nethtml.Node
	for _, c := range cands {
		if best == nil || st[c].chars > st[best].chars {
			best = c
		}
	}
	if best == nil {
		return nil
	}
	for changed := true; changed; {
		changed = false
		for _, c := range cands {
			if c != best && contains(best, c) && st[c].chars*10 >= st[best].chars*6 {
				best, changed = c, true
			}
		}
	}
	return best
}
