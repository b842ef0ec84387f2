// Package html parses HTML pages into one document each. The title and
// metadata follow the rules of Mozilla Readability (JSON-LD, then meta
// tags, then the <title> element); the body is the page's main content as
// plain text, found by scoring the page's blocks, without navigation,
// banners and other boilerplate.
//
// The package has the name of the format it reads; it imports
// golang.org/x/net/html as nethtml.
package html

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/PuerkitoBio/goquery"
	nethtml "golang.org/x/net/html"

	"github.com/fundus-kb/fundus/indexer/parse/record"
	"github.com/fundus-kb/fundus/search"
)

// Failures of the HTML parser. They reach callers wrapped in an *record.Error.
var (
	errHTMLEmpty   = errors.New("empty file")
	errHTMLNotHTML = errors.New("not an HTML file")
	errHTMLNoText  = errors.New("no title and no text")
)

// htmlMaxTopics caps the keywords kept from a page.
const htmlMaxTopics = 20

// MaxElements bounds the start tags of a page. x/net/html keeps about
// 340 bytes per element (a 31 MB page of 2.8 million nested elements took
// 940 MB); a large page has some ten thousand.
const MaxElements = 1_000_000

// ErrTooManyElements reports a page with more than MaxElements tags.
var ErrTooManyElements = fmt.Errorf("too many elements (more than %d tags)", MaxElements)

// Parse parses an HTML page into one document. The title and metadata follow
// the rules of Mozilla Readability (JSON-LD, then meta tags, then the
// <title> element trimmed of site names); the body is the page's main
// content as plain text, without navigation, banners and other boilerplate.
// It reports an empty file, binary data and a page without title and text.
func Parse(ctx context.Context, path string, data []byte) ([]record.Record, []error) {
	fail := func(err error) ([]record.Record, []error) {
		return nil, []error{&record.Error{Path: path, Err: err}}
	}
	if err := htmlCheck(data); err != nil {
		return fail(err)
	}
	if htmlTags(data, MaxElements) > MaxElements {
		return fail(ErrTooManyElements)
	}
	text := strings.ToValidUTF8(string(data), "\uFFFD")
	doc, err := goquery.NewDocumentFromReader(strings.NewReader(text))
	if err != nil {
		// The parser refuses elements nested too deeply (unclosed tags do
		// that): read the page again with its body flattened to paragraphs.
		doc, err = goquery.NewDocumentFromReader(strings.NewReader(htmlFlatten(text)))
	}
	if err != nil {
		return fail(fmt.Errorf("parse HTML: %w", err))
	}
	// x/net/html cannot be interrupted; File bounds its input (see
	// MaxMarkupBytes). The deadline is checked between the phases.
	if ctx.Err() != nil {
		return fail(record.Stopped(ctx))
	}
	d := htmlDocument(ctx, doc)
	if ctx.Err() != nil {
		return fail(record.Stopped(ctx))
	}
	if d.Title == "" && d.Body == "" {
		return fail(errHTMLNoText)
	}
	return []record.Record{{Doc: d, Raw: data}}, nil
}

// htmlCheck rejects inputs that are empty or plainly not HTML.
func htmlCheck(data []byte) error {
	if len(bytes.TrimSpace(bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")))) == 0 {
		return errHTMLEmpty
	}
	head := data
	if len(head) > 8<<10 {
		head = head[:8<<10]
	}
	if bytes.IndexByte(head, 0) >= 0 {
		return fmt.Errorf("%w: binary data (NUL bytes)", errHTMLNotHTML)
	}
	if !htmlTagRe.Match(data) {
		return fmt.Errorf("%w: no tags", errHTMLNotHTML)
	}
	return nil
}

var htmlTagRe = regexp.MustCompile(`<[A-Za-z!/?]`)

// htmlTags counts the start tags ("<" and a letter) of data, up to limit+1.
// Tags in scripts and comments count too.
func htmlTags(data []byte, limit int) int {
	n := 0
	for i := 0; n <= limit; i++ {
		j := bytes.IndexByte(data[i:], '<')
		if j < 0 {
			break
		}
		i += j
		if i+1 < len(data) && (data[i+1]|0x20 >= 'a' && data[i+1]|0x20 <= 'z') {
			n++
		}
	}
	return n
}

// htmlFlatten rewrites a page so that nothing nests: it keeps the elements
// that carry metadata and turns every block element of the body into a
// <p>, which ends the previous one.
func htmlFlatten(page string) string {
	var b strings.Builder
	z := nethtml.NewTokenizer(strings.NewReader(page))
	skip := "" // the element whose raw text is dropped
	for {
		tt := z.Next()
		if tt == nethtml.ErrorToken {
			return b.String()
		}
		raw := z.Raw()
		switch tt {
		case nethtml.TextToken:
			if skip == "" {
				b.Write(raw)
			}
			continue
		case nethtml.StartTagToken, nethtml.SelfClosingTagToken, nethtml.EndTagToken:
		default:
			continue
		}
		name, _ := z.TagName()
		tag := string(name)
		switch {
		case tag == "script":
			// Keep JSON-LD, drop code.
			if tt == nethtml.StartTagToken && !bytes.Contains(bytes.ToLower(raw), []byte("ld+json")) {
				skip = tag
			} else if tt == nethtml.EndTagToken && skip == tag {
				skip = ""
			} else {
				b.Write(raw)
			}
		case tag == "style" || tag == "textarea" || tag == "template" || tag == "noscript":
			if tt == nethtml.StartTagToken {
				skip = tag
			} else if tt == nethtml.EndTagToken && skip == tag {
				skip = ""
			}
		case tag == "html" || tag == "head" || tag == "body" || tag == "title" || tag == "meta" ||
			tag == "link" || tag == "base" || tag == "br":
			b.Write(raw)
		case tt != nethtml.EndTagToken && htmlBlockTags[tag]:
			b.WriteString("<p>")
		}
	}
}

// htmlDocument reads the metadata and the main text of a parsed page. It
// reads the metadata first, because finding the main text removes
// boilerplate from doc.
func htmlDocument(ctx context.Context, doc *goquery.Document) search.Document {
	var d search.Document
	ld := htmlJSONLD(doc)
	meta := htmlMetaValues(doc)

	d.Title = htmlTitle(doc, ld, meta)
	d.Summary = htmlSummary(ld, meta)
	d.Language = htmlLanguage(doc)
	d.Date = htmlDate(doc, ld)
	d.People = htmlPeople(doc, ld, meta)
	d.Organizations = htmlOrganizations(doc, ld, meta)
	d.Topics = htmlTopics(doc)
	if href := strings.TrimSpace(doc.Find(`link[rel~="canonical"][href]`).First().AttrOr("href", "")); href != "" {
		d.Metadata = map[string]any{"canonical": href}
	}
	d.Body = htmlBody(ctx, doc, d.Title)
	return d
}

// ---------------------------------------------------------------------------
// Metadata: JSON-LD and meta tags, as Readability reads them.

// htmlLD is what an article's JSON-LD gives.
type htmlLD struct {
	title, description, published string
	authors, publishers           []string
}

var (
	htmlSchemaOrgRe = regexp.MustCompile(`^https?://schema\.org/?$`)
	// The alternatives of Readability's pattern: only the first is anchored
	// at the start and only the last at the end.
	htmlLDTypes = []string{"AdvertiserContentArticle", "NewsArticle", "AnalysisNewsArticle",
		"AskPublicNewsArticle", "BackgroundNewsArticle", "OpinionNewsArticle", "ReportageNewsArticle",
		"ReviewNewsArticle", "Report", "SatiricalArticle", "ScholarlyArticle", "MedicalScholarlyArticle",
		"SocialMediaPosting", "BlogPosting", "LiveBlogPosting", "DiscussionForumPosting", "TechArticle"}
	htmlCDATARe = regexp.MustCompile(`^\s*<!\[CDATA\[|\]\]>\s*$`)
)

// htmlArticleType reports whether a JSON-LD @type names an article. A list
// of types matches when any of them does.
func htmlArticleType(v any) bool {
	switch t := v.(type) {
	case string:
		if strings.HasPrefix(t, "Article") || strings.HasSuffix(t, "APIReference") {
			return true
		}
		for _, s := range htmlLDTypes {
			if strings.Contains(t, s) {
				return true
			}
		}
	case []any:
		for _, e := range t {
			if s, ok := e.(string); ok && htmlArticleType(s) {
				return true
			}
		}
	}
	return false
}

// htmlJSONLD returns the first schema.org article described in a JSON-LD
// script of the page, or nil.
func htmlJSONLD(doc *goquery.Document) *htmlLD {
	var out *htmlLD
	doc.Find("script").EachWithBreak(func(_ int, s *goquery.Selection) bool {
		if t, _ := s.Attr("type"); t != "application/ld+json" {
			return true
		}
		var parsed any
		content := htmlCDATARe.ReplaceAllString(s.Text(), "")
		if json.Unmarshal([]byte(content), &parsed) != nil {
			return true
		}
		if list, ok := parsed.([]any); ok {
			parsed = nil
			for _, it := range list {
				if m, ok := it.(map[string]any); ok && htmlArticleType(m["@type"]) {
					parsed = m
					break
				}
			}
		}
		obj, ok := parsed.(map[string]any)
		if !ok || !htmlSchemaContext(obj["@context"]) {
			return true
		}
		if t, _ := obj["@type"]; t == nil || t == "" {
			if graph, ok := obj["@graph"].([]any); ok {
				obj = nil
				for _, it := range graph {
					if m, ok := it.(map[string]any); ok && htmlArticleType(m["@type"]) {
						obj = m
						break
					}
				}
			}
		}
		if obj == nil || !htmlArticleType(obj["@type"]) {
			return true
		}
		out = htmlReadLD(doc, obj)
		return false
	})
	return out
}

func htmlSchemaContext(v any) bool {
	switch c := v.(type) {
	case string:
		return htmlSchemaOrgRe.MatchString(c)
	case map[string]any:
		s, ok := c["@vocab"].(string)
		return ok && htmlSchemaOrgRe.MatchString(s)
	}
	return false
}

func htmlReadLD(doc *goquery.Document, obj map[string]any) *htmlLD {
	ld := &htmlLD{}
	name, nameOK := obj["name"].(string)
	headline, headlineOK := obj["headline"].(string)
	switch {
	case nameOK && headlineOK && name != headline:
		// Some sites put their own name into "name": take the one that
		// resembles the <title>, and "name" when in doubt.
		title := htmlArticleTitle(doc)
		if htmlSimilarity(headline, title) > 0.75 && htmlSimilarity(name, title) <= 0.75 {
			ld.title = headline
		} else {
			ld.title = name
		}
	case nameOK:
		ld.title = strings.TrimSpace(name)
	case headlineOK:
		ld.title = strings.TrimSpace(headline)
	}
	ld.authors = htmlLDNames(obj["author"])
	if s, ok := obj["description"].(string); ok {
		ld.description = strings.TrimSpace(s)
	}
	ld.publishers = htmlLDNames(obj["publisher"])
	if s, ok := obj["datePublished"].(string); ok {
		ld.published = strings.TrimSpace(s)
	}
	return ld
}

// htmlLDNames reads a JSON-LD person or organisation: a string, an object
// with a name, or a list of these.
func htmlLDNames(v any) []string {
	switch t := v.(type) {
	case string:
		if s := htmlClean(t); s != "" && !htmlIsURL(s) {
			return []string{s}
		}
	case map[string]any:
		if s, ok := t["name"].(string); ok {
			if s = htmlClean(s); s != "" {
				return []string{s}
			}
		}
	case []any:
		var out []string
		for _, e := range t {
			out = append(out, htmlLDNames(e)...)
		}
		return out
	}
	return nil
}

var htmlTokenRe = regexp.MustCompile(`[^A-Za-z0-9_]+`)

// htmlSimilarity tells how much of b's words occur in a, from 0 to 1.
func htmlSimilarity(a, b string) float64 {
	split := func(s string) []string {
		var out []string
		for _, t := range htmlTokenRe.Split(strings.ToLower(s), -1) {
			if t != "" {
				out = append(out, t)
			}
		}
		return out
	}
	ta, tb := split(a), split(b)
	if len(ta) == 0 || len(tb) == 0 {
		return 0
	}
	in := make(map[string]bool, len(ta))
	for _, t := range ta {
		in[t] = true
	}
	var uniq []string
	for _, t := range tb {
		if !in[t] {
			uniq = append(uniq, t)
		}
	}
	return 1 - float64(len(strings.Join(uniq, " ")))/float64(len(strings.Join(tb, " ")))
}

var (
	// A meta property is a space-separated list; the first match counts.
	htmlPropertyRe = regexp.MustCompile(`(?i)\s*(article|dc|dcterm|og|twitter)\s*:\s*(author|creator|description|published_time|title|site_name)\s*`)
	htmlNameRe     = regexp.MustCompile(`(?i)^\s*(?:(dc|dcterm|og|twitter|parsely|weibo:(article|webpage))\s*[-.:]\s*)?(author|creator|pub-date|description|title|site_name)\s*$`)
	htmlSpaceRe    = regexp.MustCompile(`\s`)
)

// htmlMetaValues collects the meta tags Readability reads, keyed like
// "og:title" or "author"; a later tag wins.
func htmlMetaValues(doc *goquery.Document) map[string]string {
	values := map[string]string{}
	doc.Find("meta").Each(func(_ int, s *goquery.Selection) {
		content, _ := s.Attr("content")
		if content == "" {
			return
		}
		if prop, _ := s.Attr("property"); prop != "" {
			if m := htmlPropertyRe.FindString(prop); m != "" {
				values[htmlSpaceRe.ReplaceAllString(strings.ToLower(m), "")] = strings.TrimSpace(content)
				return
			}
		}
		if name, _ := s.Attr("name"); name != "" && htmlNameRe.MatchString(name) {
			key := strings.ReplaceAll(htmlSpaceRe.ReplaceAllString(strings.ToLower(name), ""), ".", ":")
			values[key] = strings.TrimSpace(content)
		}
	})
	return values
}

func htmlFirst(values map[string]string, keys ...string) string {
	for _, k := range keys {
		if v := values[k]; v != "" {
			return v
		}
	}
	return ""
}

// htmlTitle picks the title: JSON-LD, then meta tags, then the <title>
// element, then the first h1.
func htmlTitle(doc *goquery.Document, ld *htmlLD, meta map[string]string) string {
	var title string
	if ld != nil {
		title = ld.title
	}
	if title == "" {
		title = htmlFirst(meta, "dc:title", "dcterm:title", "og:title", "weibo:article:title",
			"weibo:webpage:title", "title", "twitter:title", "parsely-title")
	}
	if title == "" {
		title = htmlArticleTitle(doc)
	}
	title = htmlClean(htmlUnescape(title))
	if title == "" {
		title = htmlClean(doc.Find("h1").First().Text())
	}
	return title
}

// htmlDocTitle is document.title: the text of the first HTML <title>, its
// ASCII whitespace stripped and collapsed.
func htmlDocTitle(doc *goquery.Document) string {
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

// htmlJSSpace is \s of JavaScript regular expressions.
const htmlJSSpace = `\t\n\v\f\r \x{a0}\x{1680}\x{2000}-\x{200a}\x{2028}\x{2029}\x{202f}\x{205f}\x{3000}\x{feff}`

var (
	htmlSepRe        = regexp.MustCompile(`[` + htmlJSSpace + `][|\-–—\\/>»][` + htmlJSSpace + `]`)
	htmlHierSepRe    = regexp.MustCompile(`[` + htmlJSSpace + `][\\/>»][` + htmlJSSpace + `]`)
	htmlFirstPartRe  = regexp.MustCompile(`^[^|\-–—\\/>»]*[|\-–—\\/>»]`)
	htmlJSSpacesRe   = regexp.MustCompile(`[` + htmlJSSpace + `]+`)
	htmlJSMultiSpace = regexp.MustCompile(`[` + htmlJSSpace + `]{2,}`)
)

func htmlIsJSSpace(r rune) bool {
	switch r {
	case '\t', '\n', '\v', '\f', '\r', ' ', 0xa0, 0x1680, 0x2028, 0x2029, 0x202f, 0x205f, 0x3000, 0xfeff:
		return true
	}
	return r >= 0x2000 && r <= 0x200a
}

// htmlWordCount counts like str.split(/\s+/).length in JavaScript.
func htmlWordCount(s string) int {
	return len(htmlJSSpacesRe.Split(s, -1))
}

// htmlJSLen is the length of s in UTF-16 code units, like String.length.
func htmlJSLen(s string) int {
	n := 0
	for _, r := range s {
		n += utf16.RuneLen(r)
	}
	return n
}

// htmlArticleTitle derives a title from <title> as Readability does: it
// cuts site names off at separators and colons and falls back to the only
// h1 when the title is very short or long.
func htmlArticleTitle(doc *goquery.Document) string {
	orig := strings.TrimFunc(htmlDocTitle(doc), htmlIsJSSpace)
	cur := orig
	hierarchical := false
	switch {
	case htmlSepRe.MatchString(cur):
		hierarchical = htmlHierSepRe.MatchString(cur)
		all := htmlSepRe.FindAllStringIndex(orig, -1)
		cur = orig[:all[len(all)-1][0]]
		if htmlWordCount(cur) < 3 {
			cur = htmlFirstPartRe.ReplaceAllString(orig, "")
		}
	case strings.Contains(cur, ": "):
		match := false
		doc.Find("h1, h2").EachWithBreak(func(_ int, s *goquery.Selection) bool {
			match = strings.TrimFunc(s.Text(), htmlIsJSSpace) == cur
			return !match
		})
		if !match {
			cur = orig[strings.LastIndex(orig, ":")+1:]
			if htmlWordCount(cur) < 3 {
				cur = orig[strings.Index(orig, ":")+1:]
			} else if htmlWordCount(orig[:strings.Index(orig, ":")]) > 5 {
				cur = orig
			}
		}
	case htmlJSLen(cur) > 150 || htmlJSLen(cur) < 15:
		if h1 := doc.Find("h1"); h1.Length() == 1 {
			cur = htmlJSMultiSpace.ReplaceAllString(strings.TrimFunc(h1.Text(), htmlIsJSSpace), " ")
		}
	}
	cur = htmlJSMultiSpace.ReplaceAllString(strings.TrimFunc(cur, htmlIsJSSpace), " ")
	if n := htmlWordCount(cur); n <= 4 &&
		(!hierarchical || n != htmlWordCount(htmlSepRe.ReplaceAllString(orig, ""))-1) {
		cur = orig
	}
	return cur
}

var htmlEntityRe = regexp.MustCompile(`&(#[xX][0-9a-fA-F]+|#[0-9]+|[A-Za-z][A-Za-z0-9]*);`)

// htmlUnescape decodes the character references left in a value that was
// escaped twice, as is common in meta tags.
func htmlUnescape(s string) string {
	if !strings.Contains(s, "&") {
		return s
	}
	return htmlEntityRe.ReplaceAllStringFunc(s, func(m string) string {
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

// htmlClean collapses whitespace and trims s.
func htmlClean(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

func htmlSummary(ld *htmlLD, meta map[string]string) string {
	var s string
	if ld != nil {
		s = ld.description
	}
	if s == "" {
		s = htmlFirst(meta, "dc:description", "dcterm:description", "og:description",
			"weibo:article:description", "weibo:webpage:description", "description", "twitter:description")
	}
	return htmlClean(htmlUnescape(s))
}

// htmlLanguage returns the page's declared language tag, or "" when it
// declares none that search.NormalizeLanguage accepts.
func htmlLanguage(doc *goquery.Document) string {
	root := doc.Find("html").First()
	candidates := []string{root.AttrOr("lang", ""), root.AttrOr("xml:lang", "")}
	doc.Find("meta").Each(func(_ int, s *goquery.Selection) {
		if strings.EqualFold(strings.TrimSpace(s.AttrOr("http-equiv", "")), "content-language") {
			candidates = append(candidates, s.AttrOr("content", ""))
		}
	})
	for _, key := range []string{"og:locale", "language", "dc.language", "dcterms.language", "content-language"} {
		doc.Find("meta").Each(func(_ int, s *goquery.Selection) {
			if strings.EqualFold(s.AttrOr("property", ""), key) || strings.EqualFold(s.AttrOr("name", ""), key) {
				candidates = append(candidates, s.AttrOr("content", ""))
			}
		})
	}
	candidates = append(candidates, doc.Find("body").First().AttrOr("lang", ""))
	for _, c := range candidates {
		// "de, en" lists the audiences' languages: take the first.
		c = strings.TrimSpace(strings.Split(c, ",")[0])
		if search.NormalizeLanguage(c) != "" {
			return c
		}
	}
	return ""
}

var htmlDatePrefixRe = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}`)

// htmlNormalizeDate returns s as YYYY-MM-DD, or "" when it is no date
// search.NormalizeDate reads. A timestamp it does not read whole counts by
// its leading date.
func htmlNormalizeDate(s string) string {
	s = strings.TrimSpace(s)
	if d, err := search.NormalizeDate(s); err == nil {
		return d
	}
	if m := htmlDatePrefixRe.FindString(s); m != "" {
		if d, err := search.NormalizeDate(m); err == nil {
			return d
		}
	}
	return ""
}

var htmlDateNames = map[string]bool{
	"date": true, "dc.date": true, "dc:date": true, "dc.date.issued": true, "dcterms.date": true,
	"dcterms.issued": true, "dcterms.created": true, "pubdate": true, "publishdate": true,
	"publish-date": true, "publish_date": true, "parsely-pub-date": true, "sailthru.date": true,
	"article.published": true, "citation_publication_date": true, "citation_date": true,
}

// htmlDate returns the publication date as YYYY-MM-DD, or "".
func htmlDate(doc *goquery.Document, ld *htmlLD) string {
	var candidates []string
	metas := doc.Find("meta[content]")
	byProperty := func(key string) {
		metas.Each(func(_ int, s *goquery.Selection) {
			p := strings.ToLower(s.AttrOr("property", "") + " " + s.AttrOr("name", ""))
			for _, f := range strings.Fields(p) {
				if f == key {
					candidates = append(candidates, s.AttrOr("content", ""))
					return
				}
			}
		})
	}
	byProperty("article:published_time")
	byProperty("og:published_time")
	if ld != nil {
		candidates = append(candidates, ld.published)
	}
	metas.Each(func(_ int, s *goquery.Selection) {
		if htmlDateNames[strings.ToLower(strings.TrimSpace(s.AttrOr("name", "")))] {
			candidates = append(candidates, s.AttrOr("content", ""))
		}
	})
	doc.Find(`[itemprop~="datePublished"]`).Each(func(_ int, s *goquery.Selection) {
		candidates = append(candidates, s.AttrOr("content", ""), s.AttrOr("datetime", ""))
	})
	doc.Find("article time[datetime], main time[datetime], time[datetime]").Each(func(_ int, s *goquery.Selection) {
		candidates = append(candidates, s.AttrOr("datetime", ""))
	})
	for _, c := range candidates {
		if d := htmlNormalizeDate(c); d != "" {
			return d
		}
	}
	return ""
}

func htmlIsURL(s string) bool {
	s = strings.ToLower(strings.TrimSpace(s))
	return strings.HasPrefix(s, "http://") || strings.HasPrefix(s, "https://") ||
		strings.HasPrefix(s, "//") || strings.HasPrefix(s, "www.")
}

var htmlBylinePrefixRe = regexp.MustCompile(`(?i)^(written by|posted by|by|von|par|autor(in)?:|author:)\s+`)

// htmlByline cleans a byline found in the page, or returns "" when the
// text is too long to be one.
func htmlByline(s string) string {
	s = htmlClean(s)
	s = strings.TrimSpace(htmlBylinePrefixRe.ReplaceAllString(s, ""))
	if s == "" || utf8.RuneCountInString(s) > 100 || htmlIsURL(s) {
		return ""
	}
	return s
}

// htmlPeople returns the authors named by JSON-LD and meta tags, or else by
// author links and bylines in the page.
func htmlPeople(doc *goquery.Document, ld *htmlLD, meta map[string]string) []string {
	var people []string
	if ld != nil {
		people = append(people, ld.authors...)
	}
	doc.Find("meta[content]").Each(func(_ int, s *goquery.Selection) {
		content := htmlClean(htmlUnescape(s.AttrOr("content", "")))
		if content == "" {
			return
		}
		switch strings.ToLower(strings.TrimSpace(s.AttrOr("name", ""))) {
		case "author", "dc.creator", "dc:creator", "dcterms.creator", "dcterm:creator", "parsely-author", "sailthru.author", "citation_author":
			people = append(people, content)
			return
		}
		for _, p := range strings.Fields(strings.ToLower(s.AttrOr("property", ""))) {
			if p == "article:author" || p == "dc:creator" || p == "book:author" {
				if !htmlIsURL(content) {
					people = append(people, content)
				}
				return
			}
		}
	})
	if len(people) == 0 {
		doc.Find(`[rel~="author"], [itemprop~="author"], .byline, .author`).EachWithBreak(func(_ int, s *goquery.Selection) bool {
			text := s.Text()
			if name := s.Find(`[itemprop~="name"]`).First(); name.Length() > 0 {
				text = name.AttrOr("content", name.Text())
			} else if c, ok := s.Attr("content"); ok {
				text = c
			}
			if b := htmlByline(text); b != "" {
				people = append(people, b)
			}
			return len(people) < 5
		})
	}
	return htmlDedupe(people, 0)
}

func htmlOrganizations(doc *goquery.Document, ld *htmlLD, meta map[string]string) []string {
	var orgs []string
	if ld != nil {
		orgs = append(orgs, ld.publishers...)
	}
	if s := htmlClean(htmlUnescape(meta["og:site_name"])); s != "" {
		orgs = append(orgs, s)
	}
	return htmlDedupe(orgs, 0)
}

// htmlTopics returns the page's keywords and article tags.
func htmlTopics(doc *goquery.Document) []string {
	var topics []string
	doc.Find("meta[content]").Each(func(_ int, s *goquery.Selection) {
		content := htmlUnescape(s.AttrOr("content", ""))
		split := func(r rune) bool { return r == ',' || r == ';' }
		switch strings.ToLower(strings.TrimSpace(s.AttrOr("name", ""))) {
		case "keywords", "news_keywords":
			topics = append(topics, strings.FieldsFunc(content, split)...)
			return
		}
		for _, p := range strings.Fields(strings.ToLower(s.AttrOr("property", ""))) {
			if p == "article:tag" {
				topics = append(topics, strings.FieldsFunc(content, split)...)
				return
			}
		}
	})
	var out []string
	for _, t := range topics {
		// Templates leave "null" and "undefined" where a page has no keywords.
		if t = htmlClean(t); t != "" && utf8.RuneCountInString(t) <= 100 && t != "null" && t != "undefined" {
			out = append(out, t)
		}
	}
	return htmlDedupe(out, htmlMaxTopics)
}

// htmlDedupe drops empty and case-insensitively repeated values, keeping
// the first spelling, and at most max values when max > 0.
func htmlDedupe(in []string, max int) []string {
	var out []string
	seen := map[string]bool{}
	for _, v := range in {
		v = htmlClean(v)
		k := strings.ToLower(v)
		if v == "" || seen[k] {
			continue
		}
		seen[k] = true
		out = append(out, v)
		if max > 0 && len(out) == max {
			break
		}
	}
	return out
}

// ---------------------------------------------------------------------------
// Body: boilerplate removal, choice of the main content, text rendering.

// htmlStat sums the text below a node: letters and other non-space
// characters, those inside links, and commas.
type htmlStat struct {
	chars, links, commas int
}

type htmlStats map[*nethtml.Node]htmlStat

// htmlMeasure computes the text statistics of every element below n.
func htmlMeasure(n *nethtml.Node) htmlStats {
	st := htmlStats{}
	var walk func(n *nethtml.Node, inLink bool) htmlStat
	walk = func(n *nethtml.Node, inLink bool) htmlStat {
		var s htmlStat
		switch n.Type {
		case nethtml.TextNode:
			for _, r := range n.Data {
				if !unicode.IsSpace(r) {
					s.chars++
				}
				if htmlIsComma(r) {
					s.commas++
				}
			}
			if inLink {
				s.links = s.chars
			}
			return s
		case nethtml.ElementNode:
			if htmlDropTags[n.Data] {
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

func htmlIsComma(r rune) bool {
	switch r {
	case ',', '\u060C', '\uFE50', '\uFE10', '\uFE11', '\u2E41', '\u2E34', '\u2E32', '\uFF0C':
		return true
	}
	return false
}

func (st htmlStats) linkDensity(n *nethtml.Node) float64 {
	s := st[n]
	if s.chars == 0 {
		return 0
	}
	return float64(s.links) / float64(s.chars)
}

// htmlDropTags never hold readable content.
var htmlDropTags = map[string]bool{
	"script": true, "style": true, "noscript": true, "template": true, "svg": true, "iframe": true,
	"object": true, "embed": true, "canvas": true, "button": true, "select": true, "input": true,
	"textarea": true, "link": true, "meta": true, "head": true, "title": true, "audio": true,
	"video": true, "map": true, "dialog": true, "frameset": true, "frame": true,
}

// htmlBoilerTags usually hold boilerplate.
var htmlBoilerTags = map[string]bool{
	"nav": true, "header": true, "footer": true, "aside": true, "form": true, "menu": true,
}

var htmlBoilerRoles = map[string]bool{
	"navigation": true, "banner": true, "contentinfo": true, "complementary": true, "menu": true,
	"menubar": true, "search": true, "dialog": true, "alertdialog": true, "alert": true, "toolbar": true,
}

// Class and id words of boilerplate: strong ones mark it whatever else the
// attribute says; weak ones not when a word of content comes with them.
var (
	htmlStrongBoiler = []string{"cookie", "consent", "gdpr", "newsletter", "breadcrumb", "advert",
		"sponsor", "disqus", "outbrain", "taboola", "popup", "share", "social", "subscribe", "signup",
		"skiplink", "skip-link", "skip-to", "sharedaddy", "comment", "related", "sidebar", "promo"}
	htmlWeakBoiler = []string{"banner", "footer", "header", "masthead", "pagination", "pager",
		"widget-area", "toolbar", "modal", "replies"}
	htmlWeakTokens = map[string]bool{"ad": true, "ads": true, "tags": true, "reply": true,
		"mainmenu": true, "megamenu": true, "submenu": true}
	htmlContentRe = regexp.MustCompile(`(?i)article|body|content|main|story|entry|column|text`)
	htmlHiddenCls = map[string]bool{"hidden": true, "d-none": true, "sr-only": true, "visually-hidden": true,
		"screen-reader-text": true, "screenreader-only": true, "invisible": true, "hide": true}
	htmlHiddenStyleRe = regexp.MustCompile(`(?i)(^|;)\s*(display\s*:\s*none|visibility\s*:\s*hidden)`)
	htmlWordSplitRe   = regexp.MustCompile(`[^a-z0-9]+`)
)

func htmlAttr(n *nethtml.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key && a.Namespace == "" {
			return a.Val
		}
	}
	return ""
}

func htmlHasAttr(n *nethtml.Node, key string) bool {
	for _, a := range n.Attr {
		if a.Key == key && a.Namespace == "" {
			return true
		}
	}
	return false
}

// htmlHidden reports an element the page does not show.
func htmlHidden(n *nethtml.Node) bool {
	if htmlHasAttr(n, "hidden") || strings.EqualFold(strings.TrimSpace(htmlAttr(n, "aria-hidden")), "true") {
		return true
	}
	if htmlHiddenStyleRe.MatchString(htmlAttr(n, "style")) {
		return true
	}
	for _, c := range strings.Fields(strings.ToLower(htmlAttr(n, "class"))) {
		if htmlHiddenCls[c] {
			return true
		}
	}
	return false
}

// htmlBoiler reports an element whose tag, role, class or id marks it as
// navigation, banner, sharing box or other boilerplate.
func htmlBoiler(n *nethtml.Node) bool {
	if htmlBoilerTags[n.Data] {
		return true
	}
	for _, r := range strings.Fields(strings.ToLower(htmlAttr(n, "role"))) {
		if htmlBoilerRoles[r] {
			return true
		}
	}
	s := strings.ToLower(htmlAttr(n, "class") + " " + htmlAttr(n, "id"))
	if strings.TrimSpace(s) == "" {
		return false
	}
	for _, w := range htmlStrongBoiler {
		if strings.Contains(s, w) {
			return true
		}
	}
	if htmlContentRe.MatchString(s) {
		return false
	}
	for _, w := range htmlWeakBoiler {
		if strings.Contains(s, w) {
			return true
		}
	}
	for _, t := range htmlWordSplitRe.Split(s, -1) {
		if htmlWeakTokens[t] || strings.HasPrefix(t, "menu") || strings.HasPrefix(t, "nav") || strings.HasSuffix(t, "nav") {
			return true
		}
	}
	return false
}

var htmlBylineRe = regexp.MustCompile(`(?i)byline|dateline|writtenby|p-author`)

// htmlIsByline reports an element that names the author, which the body
// leaves out like the title.
func htmlIsByline(n *nethtml.Node) bool {
	if strings.EqualFold(htmlAttr(n, "rel"), "author") || strings.Contains(htmlAttr(n, "itemprop"), "author") {
		return true
	}
	return htmlBylineRe.MatchString(htmlAttr(n, "class") + " " + htmlAttr(n, "id"))
}

// htmlMainish reports an element that marks the main content.
func htmlMainish(n *nethtml.Node) bool {
	if n.Type != nethtml.ElementNode {
		return false
	}
	if n.Data == "article" || n.Data == "main" {
		return true
	}
	if strings.EqualFold(htmlAttr(n, "role"), "main") {
		return true
	}
	for _, p := range strings.Fields(htmlAttr(n, "itemprop")) {
		if p == "articleBody" || p == "mainContentOfPage" {
			return true
		}
	}
	return false
}

// htmlStrip removes hidden elements and boilerplate below root. It keeps an
// element that holds the main content or most of the page's text.
func htmlStrip(root *nethtml.Node) {
	st := htmlMeasure(root)
	total := st[root].chars
	holdsMain := map[*nethtml.Node]bool{}
	var mark func(n *nethtml.Node)
	mark = func(n *nethtml.Node) {
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			mark(c)
			if htmlMainish(c) || holdsMain[c] {
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
				remove := htmlDropTags[c.Data] || c.Namespace != "" && c.Namespace != "math" || htmlHidden(c)
				if !remove && htmlIsByline(c) && st[c].chars < 150 {
					remove = true
				}
				if !remove && !htmlMainish(c) && c.Data != "body" && htmlBoiler(c) {
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

// htmlParagraphTags are scored as paragraphs.
var htmlParagraphTags = map[string]bool{
	"p": true, "pre": true, "td": true, "h2": true, "h3": true, "h4": true, "h5": true, "h6": true, "section": true,
}

// htmlBlockTags break the flow of text.
var htmlBlockTags = map[string]bool{
	"address": true, "article": true, "aside": true, "blockquote": true, "body": true, "center": true,
	"dd": true, "details": true, "dialog": true, "dir": true, "div": true, "dl": true, "dt": true,
	"fieldset": true, "figcaption": true, "figure": true, "footer": true, "form": true, "h1": true,
	"h2": true, "h3": true, "h4": true, "h5": true, "h6": true, "header": true, "hgroup": true,
	"hr": true, "li": true, "main": true, "menu": true, "nav": true, "ol": true, "p": true,
	"pre": true, "section": true, "summary": true, "table": true, "tbody": true, "thead": true,
	"tfoot": true, "tr": true, "td": true, "th": true, "caption": true, "ul": true, "html": true,
	"noscript": true, "legend": true, "option": true,
}

// htmlLineTags end a line but not a paragraph.
var htmlLineTags = map[string]bool{
	"li": true, "tr": true, "dt": true, "dd": true, "br": true, "option": true, "caption": true,
}

// htmlHasBlockChild reports whether n holds a block element.
func htmlHasBlockChild(n *nethtml.Node) bool {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == nethtml.ElementNode && (htmlBlockTags[c.Data] || htmlHasBlockChild(c)) {
			return true
		}
	}
	return false
}

// htmlInlineText is the text of n outside its block descendants.
func htmlInlineText(n *nethtml.Node) string {
	var b strings.Builder
	var walk func(n *nethtml.Node)
	walk = func(n *nethtml.Node) {
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			switch c.Type {
			case nethtml.TextNode:
				b.WriteString(c.Data)
			case nethtml.ElementNode:
				if !htmlBlockTags[c.Data] {
					walk(c)
				} else {
					b.WriteByte(' ')
				}
			}
		}
	}
	walk(n)
	return htmlClean(b.String())
}

var (
	htmlPositiveRe = regexp.MustCompile(`(?i)article|body|content|entry|hentry|h-entry|main|page|pagination|post|text|blog|story`)
	htmlNegativeRe = regexp.MustCompile(`(?i)-ad-|hidden|^hid$| hid$| hid |^hid |banner|combx|comment|com-|contact|foot|footer|footnote|gdpr|masthead|media|meta|outbrain|promo|related|scroll|share|shoutbox|sidebar|skyscraper|sponsor|shopping|tags|widget`)
)

func htmlClassWeight(n *nethtml.Node) float64 {
	var w float64
	for _, s := range []string{htmlAttr(n, "class"), htmlAttr(n, "id")} {
		if s == "" {
			continue
		}
		if htmlNegativeRe.MatchString(s) {
			w -= 25
		}
		if htmlPositiveRe.MatchString(s) {
			w += 25
		}
	}
	return w
}

func htmlInitialScore(n *nethtml.Node) float64 {
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
	return s + htmlClassWeight(n)
}

// htmlScore picks the nodes that hold the main content with Readability's
// scoring: paragraphs give points for their length and commas to their
// ancestors, which lose points for the share of link text. It returns nil
// when no container stands out.
func htmlScore(body *nethtml.Node, st htmlStats) []*nethtml.Node {
	scores := map[*nethtml.Node]float64{}
	var order []*nethtml.Node
	credit := func(p *nethtml.Node, text string) {
		n := utf8.RuneCountInString(text)
		if n < 25 {
			return
		}
		commas := 0
		for _, r := range text {
			if htmlIsComma(r) {
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
				scores[a] = htmlInitialScore(a)
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
			case htmlParagraphTags[c.Data] && !htmlHasBlockChild(c) || c.Data == "div" && !htmlHasBlockChild(c):
				credit(c.Parent, htmlInlineText(c))
			case c.Data == "div":
				// Runs of text between the blocks of a div count as
				// paragraphs of the div.
				credit(c, htmlInlineText(c))
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
				if htmlContains(p, a) {
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
	for top.Parent != nil && top.Parent != body && top.Parent.Type == nethtml.ElementNode && htmlElementChildren(top.Parent) == 1 {
		top = top.Parent
	}

	// Add the siblings that look like part of the article.
	parent := top.Parent
	if parent == nil {
		return []*nethtml.Node{top}
	}
	siblingThreshold := max(10, scores[top]*0.2)
	var out []*nethtml.Node
	topClass := htmlAttr(top, "class")
	for s := parent.FirstChild; s != nil; s = s.NextSibling {
		if s.Type != nethtml.ElementNode {
			continue
		}
		if s == top {
			out = append(out, s)
			continue
		}
		bonus := 0.0
		if topClass != "" && htmlAttr(s, "class") == topClass {
			bonus = scores[top] * 0.2
		}
		if sc, ok := scores[s]; ok && sc+bonus >= siblingThreshold {
			out = append(out, s)
			continue
		}
		if s.Data == "p" {
			text := htmlInlineText(s)
			n, ld := utf8.RuneCountInString(text), st.linkDensity(s)
			if n > 80 && ld < 0.25 || n > 0 && n < 80 && ld == 0 && htmlSentenceRe.MatchString(text) {
				out = append(out, s)
			}
		}
	}
	return out
}

// htmlAllText is the text below n.
func htmlAllText(n *nethtml.Node) string {
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

var htmlSentenceRe = regexp.MustCompile(`\.( |$)`)

func htmlContains(a, b *nethtml.Node) bool {
	for ; b != nil; b = b.Parent {
		if a == b {
			return true
		}
	}
	return false
}

func htmlElementChildren(n *nethtml.Node) int {
	k := 0
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == nethtml.ElementNode {
			k++
		}
	}
	return k
}

// htmlSemantic returns the element marked as main content (article, main,
// role=main, itemprop=articleBody) with the most text, or its most specific
// marked descendant that holds most of that text; nil when there is none.
func htmlSemantic(body *nethtml.Node, st htmlStats) *nethtml.Node {
	var cands []*nethtml.Node
	var walk func(n *nethtml.Node)
	walk = func(n *nethtml.Node) {
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if htmlMainish(c) {
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
			if c != best && htmlContains(best, c) && st[c].chars*10 >= st[best].chars*6 {
				best, changed = c, true
			}
		}
	}
	return best
}

// htmlBody returns the main text of the page, removing boilerplate from doc.
// It leaves out the first h1 or h2 that repeats the title. It returns ""
// when ctx ends between its phases.
func htmlBody(ctx context.Context, doc *goquery.Document, title string) string {
	root := doc.Get(0)
	body := root
	if b := doc.Find("body").First(); b.Length() > 0 {
		body = b.Get(0)
	}
	htmlStrip(body)
	if ctx.Err() != nil {
		return ""
	}
	st := htmlMeasure(body)
	total := st[body].chars
	if ctx.Err() != nil {
		return ""
	}

	var nodes []*nethtml.Node
	if m := htmlSemantic(body, st); m != nil && st[m].chars >= 200 && st[m].chars*4 >= total {
		nodes = []*nethtml.Node{m}
	} else if picked := htmlScore(body, st); picked != nil {
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
	w := &htmlTextWriter{st: st, title: title}
	for _, n := range nodes {
		w.limit += st[n].chars
	}
	for _, n := range nodes {
		w.node(n, true)
		w.brk(2)
	}
	return w.String()
}

// htmlTextWriter renders elements as plain text: blocks become paragraphs
// separated by blank lines, list items and table rows lines.
type htmlTextWriter struct {
	b       strings.Builder
	pending int  // break before the next text: 0 none, 1 line, 2 paragraph
	space   bool // a space before the next text
	pre     int  // depth of <pre> elements
	st      htmlStats
	limit   int    // text of the whole content, to spot link lists in it
	title   string // the page's title, left out once when a heading repeats it
}

func (w *htmlTextWriter) String() string { return strings.TrimSpace(w.b.String()) }

func (w *htmlTextWriter) brk(level int) {
	w.pending = max(w.pending, level)
	w.space = false
}

func (w *htmlTextWriter) text(s string) {
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

// htmlLinkListTags are dropped from the content when they are mostly links.
var htmlLinkListTags = map[string]bool{"ul": true, "ol": true, "div": true, "section": true, "table": true, "dl": true, "p": true}

func (w *htmlTextWriter) node(n *nethtml.Node, top bool) {
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
		if htmlDropTags[n.Data] {
			return
		}
		if !top && htmlLinkListTags[n.Data] {
			s := w.st[n]
			if s.chars > 0 && float64(s.links) > 0.5*float64(s.chars) && s.commas < 10 && s.chars*3 < w.limit {
				return
			}
		}
		if w.title != "" && (n.Data == "h1" || n.Data == "h2") &&
			strings.EqualFold(htmlClean(htmlAllText(n)), w.title) {
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
		case n.Data == "td" || n.Data == "th":
			w.space = true
		case htmlLineTags[n.Data]:
			w.brk(1)
		case htmlBlockTags[n.Data]:
			w.brk(2)
		}
		if n.Data == "pre" {
			w.pre++
			defer func() { w.pre-- }()
		}
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		w.node(c, false)
	}
	if n.Type == nethtml.ElementNode {
		switch {
		case n.Data == "td" || n.Data == "th":
			w.space = true
		case htmlLineTags[n.Data]:
			w.brk(1)
		case htmlBlockTags[n.Data]:
			w.brk(2)
		}
	}
}
