package html

import (
	"html"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf16"

	"github.com/PuerkitoBio/goquery"
)

// Titles: from JSON-LD, meta tags and the <title> element, as Readability
// reads them.

var (
	// A meta property is a space-separated list; the first match counts.
	propertyRe = regexp.MustCompile(`(?i)\s*(article|dc|dcterm|og|twitter)\s*:\s*(author|creator|description|published_time|title|site_name)\s*`)
	nameRe     = regexp.MustCompile(`(?i)^\s*(?:(dc|dcterm|og|twitter|parsely|weibo:(article|webpage))\s*[-.:]\s*)?(author|creator|pub-date|description|title|site_name)\s*$`)
	spaceRe    = regexp.MustCompile(`\s`)
)

// metaValues collects the meta tags Readability reads, keyed like
// "og:title" or "author"; a later tag wins.
func metaValues(doc *goquery.Document) map[string]string {
	values := map[string]string{}
	doc.Find("meta").Each(func(_ int, s *goquery.Selection) {
		content, _ := s.Attr("content")
		if content == "" {
			return
		}
		if prop, _ := s.Attr("property"); prop != "" {
			if m := propertyRe.FindString(prop); m != "" {
				values[spaceRe.ReplaceAllString(strings.ToLower(m), "")] = strings.TrimSpace(content)
				return
			}
		}
		if name, _ := s.Attr("name"); name != "" && nameRe.MatchString(name) {
			key := strings.ReplaceAll(spaceRe.ReplaceAllString(strings.ToLower(name), ""), ".", ":")
			values[key] = strings.TrimSpace(content)
		}
	})
	return values
}

func first(values map[string]string, keys ...string) string {
	for _, k := range keys {
		if v := values[k]; v != "" {
			return v
		}
	}
	return ""
}

// pageTitle picks the title: JSON-LD, then meta tags, then the <title>
// element, then the first h1.
func pageTitle(doc *goquery.Document, ld *linkedData, meta map[string]string) string {
	var title string
	if ld != nil {
		title = ld.title
	}
	if title == "" {
		title = first(meta, "dc:title", "dcterm:title", "og:title", "weibo:article:title",
			"weibo:webpage:title", "title", "twitter:title", "parsely-title")
	}
	if title == "" {
		title = articleTitle(doc)
	}
	title = clean(unescape(title))
	if title == "" {
		title = clean(doc.Find("h1").First().Text())
	}
	return title
}

// docTitle is document.title: the text of the first HTML <title>, its
// ASCII whitespace stripped and collapsed.
func docTitle(doc *goquery.Document) string {
	var title string
	doc.Find("title").EachWithBreak(func(_ int, s *goquery.Selection) bool {
		if n := s.Get(0); n.Namespace == "" {
			title = s.Text()
			return false
		}
		return true
	})
	return strings.Join(strings.FieldsFunc(title, func(r rune) bool {
		return r == ' ' || r == '\t' || r == '\n' || r == '\f' || r == '\r'
	}), " ")
}

// jsSpace is \s of JavaScript regular expressions.
const jsSpace = `\t\n\v\f\r \x{a0}\x{1680}\x{2000}-\x{200a}\x{2028}\x{2029}\x{202f}\x{205f}\x{3000}\x{feff}`

var (
	sepRe        = regexp.MustCompile(`[` + jsSpace + `][|\-–—\\/>»][` + jsSpace + `]`)
	hierSepRe    = regexp.MustCompile(`[` + jsSpace + `][\\/>»][` + jsSpace + `]`)
	firstPartRe  = regexp.MustCompile(`^[^|\-–—\\/>»]*[|\-–—\\/>»]`)
	jsSpacesRe   = regexp.MustCompile(`[` + jsSpace + `]+`)
	jsMultiSpace = regexp.MustCompile(`[` + jsSpace + `]{2,}`)
)

func isJSSpace(r rune) bool {
	switch r {
	case '\t', '\n', '\v', '\f', '\r', ' ', 0xa0, 0x1680, 0x2028, 0x2029, 0x202f, 0x205f, 0x3000, 0xfeff:
		return true
	}
	return r >= 0x2000 && r <= 0x200a
}

// wordCount counts like str.split(/\s+/).length in JavaScript.
func wordCount(s string) int {
	return len(jsSpacesRe.Split(s, -1))
}

// jsLen is the length of s in UTF-16 code units, like String.length.
func jsLen(s string) int {
	n := 0
	for _, r := range s {
		n += utf16.RuneLen(r)
	}
	return n
}

// articleTitle derives a title from <title> as Readability does: it
// cuts site names off at separators and colons and falls back to the only
// h1 when the title is very short or long.
func articleTitle(doc *goquery.Document) string {
	orig := strings.TrimFunc(docTitle(doc), isJSSpace)
	cur := orig
	hierarchical := false
	switch {
	case sepRe.MatchString(cur):
		hierarchical = hierSepRe.MatchString(cur)
		all := sepRe.FindAllStringIndex(orig, -1)
		cur = orig[:all[len(all)-1][0]]
		if wordCount(cur) < 3 {
			cur = firstPartRe.ReplaceAllString(orig, "")
		}
	case strings.Contains(cur, ": "):
		match := false
		doc.Find("h1, h2").EachWithBreak(func(_ int, s *goquery.Selection) bool {
			match = strings.TrimFunc(s.Text(), isJSSpace) == cur
			return !match
		})
		if !match {
			cur = orig[strings.LastIndex(orig, ":")+1:]
			if wordCount(cur) < 3 {
				cur = orig[strings.Index(orig, ":")+1:]
			} else if wordCount(orig[:strings.Index(orig, ":")]) > 5 {
				cur = orig
			}
		}
	case jsLen(cur) > 150 || jsLen(cur) < 15:
		if h1 := doc.Find("h1"); h1.Length() == 1 {
			cur = jsMultiSpace.ReplaceAllString(strings.TrimFunc(h1.Text(), isJSSpace), " ")
		}
	}
	cur = jsMultiSpace.ReplaceAllString(strings.TrimFunc(cur, isJSSpace), " ")
	if n := wordCount(cur); n <= 4 &&
		(!hierarchical || n != wordCount(sepRe.ReplaceAllString(orig, ""))-1) {
		cur = orig
	}
	return cur
}

var entityRe = regexp.MustCompile(`&(#[xX][0-9a-fA-F]+|#[0-9]+|[A-Za-z][A-Za-z0-9]*);`)

// unescape decodes the character references left in a value that was
// escaped twice, as is common in meta tags.
func unescape(s string) string {
	if !strings.Contains(s, "&") {
		return s
	}
	return entityRe.ReplaceAllStringFunc(s, func(m string) string {
		if m[1] != '#' {
			return html.UnescapeString(m)
		}
		var n uint64
		digits, base := m[2:len(m)-1], 10
		if digits[0] == 'x' || digits[0] == 'X' {
			digits, base = digits[1:], 16
		}
		for _, c := range digits {
			d := uint64(strings.IndexRune("0123456789abcdef", unicode.ToLower(c)))
			n = n*uint64(base) + d
			if n > unicode.MaxRune {
				break
			}
		}
		if n == 0 || n > unicode.MaxRune || (n >= 0xd800 && n <= 0xdfff) {
			return "\uFFFD"
		}
		return string(rune(n))
	})
}

// clean collapses whitespace and trims s.
func clean(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
