package html

import (
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/PuerkitoBio/goquery"

	"github.com/fundus-kb/fundus/search"
)

// Metadata but the title: summary, language, date, people, organizations
// and topics.

func pageSummary(ld *linkedData, meta map[string]string) string {
	var s string
	if ld != nil {
		s = ld.description
	}
	if s == "" {
		s = first(meta, "dc:description", "dcterm:description", "og:description",
			"weibo:article:description", "weibo:webpage:description", "description", "twitter:description")
	}
	return clean(unescape(s))
}

// pageLanguage returns the page's declared language tag, or "" when it
// declares none that search.NormalizeLanguage accepts.
func pageLanguage(doc *goquery.Document) string {
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

var datePrefixRe = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}`)

// normalizeDate returns s as YYYY-MM-DD, or "" when it is no date
// search.NormalizeDate reads. A timestamp it does not read whole counts by
// its leading date.
func normalizeDate(s string) string {
	s = strings.TrimSpace(s)
	if d, err := search.NormalizeDate(s); err == nil {
		return d
	}
	if m := datePrefixRe.FindString(s); m != "" {
		if d, err := search.NormalizeDate(m); err == nil {
			return d
		}
	}
	return ""
}

var dateNames = map[string]bool{
	"date": true, "dc.date": true, "dc:date": true, "dc.date.issued": true, "dcterms.date": true,
	"dcterms.issued": true, "dcterms.created": true, "pubdate": true, "publishdate": true,
	"publish-date": true, "publish_date": true, "parsely-pub-date": true, "sailthru.date": true,
	"article.published": true, "citation_publication_date": true, "citation_date": true,
}

// pageDate returns the publication date as YYYY-MM-DD, or "".
func pageDate(doc *goquery.Document, ld *linkedData) string {
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
		if dateNames[strings.ToLower(strings.TrimSpace(s.AttrOr("name", "")))] {
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
		if d := normalizeDate(c); d != "" {
			return d
		}
	}
	return ""
}

func isURL(s string) bool {
	s = strings.ToLower(strings.TrimSpace(s))
	return strings.HasPrefix(s, "http://") || strings.HasPrefix(s, "https://") ||
		strings.HasPrefix(s, "//") || strings.HasPrefix(s, "www.")
}

var bylinePrefixRe = regexp.MustCompile(`(?i)^(written by|posted by|by|von|par|autor(in)?:|author:)\s+`)

// byline cleans a byline found in the page, or returns "" when the
// text is too long to be one.
func byline(s string) string {
	s = clean(s)
	s = strings.TrimSpace(bylinePrefixRe.ReplaceAllString(s, ""))
	if s == "" || utf8.RuneCountInString(s) > 100 || isURL(s) {
		return ""
	}
	return s
}

// pagePeople returns the authors named by JSON-LD and meta tags, or else by
// author links and bylines in the page.
func pagePeople(doc *goquery.Document, ld *linkedData, meta map[string]string) []string {
	var people []string
	if ld != nil {
		people = append(people, ld.authors...)
	}
	doc.Find("meta[content]").Each(func(_ int, s *goquery.Selection) {
		content := clean(unescape(s.AttrOr("content", "")))
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
				if !isURL(content) {
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
			if b := byline(text); b != "" {
				people = append(people, b)
			}
			return len(people) < 5
		})
	}
	return dedupe(people, 0)
}

func pageOrganizations(doc *goquery.Document, ld *linkedData, meta map[string]string) []string {
	var orgs []string
	if ld != nil {
		orgs = append(orgs, ld.publishers...)
	}
	if s := clean(unescape(meta["og:site_name"])); s != "" {
		orgs = append(orgs, s)
	}
	return dedupe(orgs, 0)
}

// pageTopics returns the page's keywords and article tags.
func pageTopics(doc *goquery.Document) []string {
	var topics []string
	doc.Find("meta[content]").Each(func(_ int, s *goquery.Selection) {
		content := unescape(s.AttrOr("content", ""))
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
		if t = clean(t); t != "" && utf8.RuneCountInString(t) <= 100 && t != "null" && t != "undefined" {
			out = append(out, t)
		}
	}
	return dedupe(out, maxTopics)
}

// dedupe drops empty and case-insensitively repeated values, keeping
// the first spelling, and at most max values when max > 0.
func dedupe(in []string, max int) []string {
	var out []string
	seen := map[string]bool{}
	for _, v := range in {
		v = clean(v)
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
