// Package html parses HTML pages into one document each. The title and
// metadata follow the rules of Mozilla Readability (JSON-LD, then meta
// tags, then the <title> element); the body is the page's main content as
// plain text, found by scoring the page's blocks, without navigation,
// banners and other boilerplate.
//
// The package has the name of the format it reads; it imports
// golang.org/x/net/html as nethtml.
//
// # Why not go-readability
//
// The scoring is a hand port of Readability.js. The maintained Go port,
// codeberg.org/readeck/go-readability/v2 v2.1.3, was tried on 2026-12-07
// with
//
//	FUNDUS_READABILITY_TRIAL=1 go test -count=1 -run TestReadabilityTrial -v ./indexer/parse/html/
//
// (trial_test.go; the library runs in the module ./readabilitytrial, so it
// stays out of go.mod; that program also times both extractors, in turn on
// each page). On the 130 Readability pages
// (../shared/eval/readability-pages), with the measures of
// TestReadabilityPages:
//
//	                                 go-readability   ours
//	titles                           130/130          130/130
//	languages (gold de/en)           64/64            64/64
//	bylines (gold byline's words)    75/76            63/76 (People)
//	body recall / precision (mean)   99.1% / 99.7%    98.4% / 98.1%
//	time per page (best of 3)        17.6 / 15.7 ms   8.5 / 6.6 ms (two runs)
//	allocated per page               1.95 MB          1.31 MB
//	TestHTML fixture checks          63/64            64/64
//	TestHTMLArticleTitle titles      13/14            14/14
//
// The machine (2 cores) had a load of about 10 from other work, so the
// times vary between runs; the library was 2.1 and 2.4 times slower in
// the two runs. Our time includes all of Parse (JSON-LD, meta tags, date,
// people, topics), the library's only its extraction.
//
// We kept ours because the library loses on time and memory (more than
// twice the time, 1.5 times the memory, and html.Parse would still need
// our metadata code on top of it) and on the fixtures: it takes an <svg> element's <title> as the page title and
// gives one byline where the page's meta tags name two authors. It is
// better on bylines (ours misses those that are only in the page, e.g.
// nytimes-5, wapo-1, wapo-2, iab-1) and slightly on body overlap.
package html

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/PuerkitoBio/goquery"
	nethtml "golang.org/x/net/html"

	"github.com/fundus-kb/fundus/indexer/parse/record"
	"github.com/fundus-kb/fundus/search"
)

// Failures of the HTML parser. They reach callers wrapped in an *record.Error.
var (
	errEmpty   = record.ErrEmpty
	errNotHTML = errors.New("not an HTML file")
	errNoText  = errors.New("no title and no text")
)

// maxTopics caps the keywords kept from a page.
const maxTopics = 20

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
	if err := checkPage(data); err != nil {
		return record.Fail(path, 0, err)
	}
	if countTags(data, MaxElements) > MaxElements {
		return record.Fail(path, 0, ErrTooManyElements)
	}
	text := strings.ToValidUTF8(string(data), "\uFFFD")
	doc, err := goquery.NewDocumentFromReader(strings.NewReader(text))
	if err != nil {
		// The parser refuses elements nested too deeply (unclosed tags do
		// that): read the page again with its body flattened to paragraphs.
		doc, err = goquery.NewDocumentFromReader(strings.NewReader(flatten(text)))
	}
	if err != nil {
		return record.Fail(path, 0, fmt.Errorf("parse HTML: %w", err))
	}
	// x/net/html cannot be interrupted; File bounds its input (see
	// MaxMarkupBytes). The deadline is checked between the phases.
	if ctx.Err() != nil {
		return record.Fail(path, 0, record.Stopped(ctx))
	}
	d := document(ctx, doc)
	if ctx.Err() != nil {
		return record.Fail(path, 0, record.Stopped(ctx))
	}
	if d.Title == "" && d.Body == "" {
		return record.Fail(path, 0, errNoText)
	}
	return []record.Record{{Doc: d, Raw: data}}, nil
}

// checkPage rejects inputs that are empty or plainly not HTML.
func checkPage(data []byte) error {
	if len(bytes.TrimSpace(record.TrimBOM(data))) == 0 {
		return errEmpty
	}
	head := data
	if len(head) > 8<<10 {
		head = head[:8<<10]
	}
	if bytes.IndexByte(head, 0) >= 0 {
		return fmt.Errorf("%w: binary data (NUL bytes)", errNotHTML)
	}
	if !tagRe.Match(data) {
		return fmt.Errorf("%w: no tags", errNotHTML)
	}
	return nil
}

var tagRe = regexp.MustCompile(`<[A-Za-z!/?]`)

// countTags counts the start tags ("<" and a letter) of data, up to limit+1.
// Tags in scripts and comments count too.
func countTags(data []byte, limit int) int {
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

// flatten rewrites a page so that nothing nests: it keeps the elements
// that carry metadata and turns every block element of the body into a
// <p>, which ends the previous one.
func flatten(page string) string {
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
		case tt != nethtml.EndTagToken && blockTags[tag]:
			b.WriteString("<p>")
		}
	}
}

// document reads the metadata and the main text of a parsed page. It
// reads the metadata first, because finding the main text removes
// boilerplate from doc.
func document(ctx context.Context, doc *goquery.Document) search.Document {
	var d search.Document
	ld := jsonLD(doc)
	meta := metaValues(doc)

	d.Title = pageTitle(doc, ld, meta)
	d.Summary = pageSummary(ld, meta)
	d.Language = pageLanguage(doc)
	d.Date = pageDate(doc, ld)
	d.People = pagePeople(doc, ld, meta)
	d.Organizations = pageOrganizations(doc, ld, meta)
	d.Topics = pageTopics(doc)
	if href := strings.TrimSpace(doc.Find(`link[rel~="canonical"][href]`).First().AttrOr("href", "")); href != "" {
		d.Metadata = map[string]any{"canonical": href}
	}
	d.Body = bodyText(ctx, doc, d.Title)
	return d
}
