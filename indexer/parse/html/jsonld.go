package html

import (
	"encoding/json"
	"regexp"
	"strings"

	"github.com/PuerkitoBio/goquery"
)

// JSON-LD: the structured data of an article, as Readability reads it.

// linkedData is what an article's JSON-LD gives.
type linkedData struct {
	title, description, published string
	authors, publishers           []string
}

var (
	schemaOrgRe = regexp.MustCompile(`^https?://schema\.org/?$`)
	// The alternatives of Readability's pattern: only the first is anchored
	// at the start and only the last at the end.
	ldTypes = []string{"AdvertiserContentArticle", "NewsArticle", "AnalysisNewsArticle",
		"AskPublicNewsArticle", "BackgroundNewsArticle", "OpinionNewsArticle", "ReportageNewsArticle",
		"ReviewNewsArticle", "Report", "SatiricalArticle", "ScholarlyArticle", "MedicalScholarlyArticle",
		"SocialMediaPosting", "BlogPosting", "LiveBlogPosting", "DiscussionForumPosting", "TechArticle"}
	cdataRe = regexp.MustCompile(`^\s*<!\[CDATA\[|\]\]>\s*$`)
)

// articleType reports whether a JSON-LD @type names an article. A list
// of types matches when any of them does.
func articleType(v any) bool {
	switch t := v.(type) {
	case string:
		if strings.HasPrefix(t, "Article") || strings.HasSuffix(t, "APIReference") {
			return true
		}
		for _, s := range ldTypes {
			if strings.Contains(t, s) {
				return true
			}
		}
	case []any:
		for _, e := range t {
			if s, ok := e.(string); ok && articleType(s) {
				return true
			}
		}
	}
	return false
}

// jsonLD returns the first schema.org article described in a JSON-LD
// script of the page, or nil.
func jsonLD(doc *goquery.Document) *linkedData {
	var out *linkedData
	doc.Find("script").EachWithBreak(func(_ int, s *goquery.Selection) bool {
		if t, _ := s.Attr("type"); t != "application/ld+json" {
			return true
		}
		var parsed any
		content := cdataRe.ReplaceAllString(s.Text(), "")
		if json.Unmarshal([]byte(content), &parsed) != nil {
			return true
		}
		if list, ok := parsed.([]any); ok {
			parsed = nil
			for _, it := range list {
				if m, ok := it.(map[string]any); ok && articleType(m["@type"]) {
					parsed = m
					break
				}
			}
		}
		obj, ok := parsed.(map[string]any)
		if !ok || !schemaContext(obj["@context"]) {
			return true
		}
		if t, _ := obj["@type"]; t == nil || t == "" {
			if graph, ok := obj["@graph"].([]any); ok {
				obj = nil
				for _, it := range graph {
					if m, ok := it.(map[string]any); ok && articleType(m["@type"]) {
						obj = m
						break
					}
				}
			}
		}
		if obj == nil || !articleType(obj["@type"]) {
			return true
		}
		out = readLD(doc, obj)
		return false
	})
	return out
}

func schemaContext(v any) bool {
	switch c := v.(type) {
	case string:
		return schemaOrgRe.MatchString(c)
	case map[string]any:
		s, ok := c["@vocab"].(string)
		return ok && schemaOrgRe.MatchString(s)
	}
	return false
}

func readLD(doc *goquery.Document, obj map[string]any) *linkedData {
	ld := &linkedData{}
	name, nameOK := obj["name"].(string)
	headline, headlineOK := obj["headline"].(string)
	switch {
	case nameOK && headlineOK && name != headline:
		// Some sites put their own name into "name": take the one that
		// resembles the <title>, and "name" when in doubt.
		title := articleTitle(doc)
		if similarity(headline, title) > 0.75 && similarity(name, title) <= 0.75 {
			ld.title = headline
		} else {
			ld.title = name
		}
	case nameOK:
		ld.title = strings.TrimSpace(name)
	case headlineOK:
		ld.title = strings.TrimSpace(headline)
	}
	ld.authors = ldNames(obj["author"])
	if s, ok := obj["description"].(string); ok {
		ld.description = strings.TrimSpace(s)
	}
	ld.publishers = ldNames(obj["publisher"])
	if s, ok := obj["datePublished"].(string); ok {
		ld.published = strings.TrimSpace(s)
	}
	return ld
}

// ldNames reads a JSON-LD person or organisation: a string, an object
// with a name, or a list of these.
func ldNames(v any) []string {
	switch t := v.(type) {
	case string:
		if s := clean(t); s != "" && !isURL(s) {
			return []string{s}
		}
	case map[string]any:
		if s, ok := t["name"].(string); ok {
			if s = clean(s); s != "" {
				return []string{s}
			}
		}
	case []any:
		var out []string
		for _, e := range t {
			out = append(out, ldNames(e)...)
		}
		return out
	}
	return nil
}

var tokenRe = regexp.MustCompile(`[^A-Za-z0-9_]+`)

// similarity tells how much of b's words occur in a, from 0 to 1.
func similarity(a, b string) float64 {
	split := func(s string) []string {
		var out []string
		for _, t := range tokenRe.Split(strings.ToLower(s), -1) {
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
