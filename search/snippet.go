package search

import (
	"html"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	bsearch "github.com/blevesearch/bleve/v2/search"
)

// Snippets.
//
// A hit's snippet is cut from its stored text field around the places the
// query matched (Bleve reports their byte offsets). Fundus cuts snippets
// itself rather than with Bleve's highlighter so that a snippet starts and
// ends on word boundaries, reads as one line, and comes from what the
// document says rather than from the title and topic list that the text
// field ends with (they are there for ranking, and a list of topics is
// dense with matches).

// snippetLen is the snippet's length in bytes, before it is cut back to a
// word boundary.
const snippetLen = 220

// span is a byte range [start, end) of the text.
type span struct{ start, end int }

// makeSnippet returns escaped HTML: a window of text, on word boundaries,
// with the matched ranges in <mark>. Windows within text[:prefer] are
// preferred when they hold any match. It returns "" when there are no
// matches.
func makeSnippet(text string, matches []span, prefer int) string {
	var ms []span
	for _, m := range matches {
		if m.start >= 0 && m.start < m.end && m.end <= len(text) {
			ms = append(ms, m)
		}
	}
	if len(ms) == 0 {
		return ""
	}
	sort.Slice(ms, func(i, j int) bool {
		if ms[i].start != ms[j].start {
			return ms[i].start < ms[j].start
		}
		return ms[i].end > ms[j].end
	})
	// Merge overlapping ranges (a compound and its part, a word and its
	// synonym can mark the same letters).
	merged := ms[:1]
	for _, m := range ms[1:] {
		last := &merged[len(merged)-1]
		if m.start < last.end {
			last.end = max(last.end, m.end)
			continue
		}
		merged = append(merged, m)
	}
	ms = merged

	// The window with the most matches, in the preferred part if it has
	// any; ties go to the earlier window.
	region := ms
	if prefer > 0 && prefer < len(text) {
		var in []span
		for _, m := range ms {
			if m.end <= prefer {
				in = append(in, m)
			}
		}
		if len(in) > 0 {
			region = in
		}
	}
	best, bestN := 0, -1
	for i, m := range region {
		n := 0
		for _, o := range region[i:] {
			if o.end-m.start > snippetLen-20 {
				break
			}
			n++
		}
		if n > bestN {
			best, bestN = i, n
		}
	}
	anchor := region[best].start

	// Start a little before the first match, at the start of a word (or
	// of a sentence, when one begins close before).
	start := max(0, anchor-40)
	if i := strings.LastIndexAny(text[start:anchor], ".!?\n"); i >= 0 {
		start += i + 1
	} else if start > 0 {
		start = wordStart(text, start, anchor)
	}
	for start < anchor {
		r, n := utf8.DecodeRuneInString(text[start:])
		if !unicode.IsSpace(r) && !unicode.IsPunct(r) {
			break
		}
		start += n
	}
	end := min(len(text), start+snippetLen)
	if prefer > 0 && anchor < prefer && end > prefer {
		end = prefer
	}
	if end < len(text) {
		end = wordEnd(text, end, region[best].end)
	}

	var b strings.Builder
	if start > 0 {
		b.WriteString("…")
	}
	pos := start
	for _, m := range ms {
		if m.end <= start || m.start >= end {
			continue
		}
		s, e := max(m.start, start), min(m.end, end)
		b.WriteString(html.EscapeString(text[pos:s]))
		b.WriteString("<mark>")
		b.WriteString(html.EscapeString(text[s:e]))
		b.WriteString("</mark>")
		pos = e
	}
	b.WriteString(html.EscapeString(text[pos:end]))
	// One line: runs of white space (also across marks) become one space.
	out := strings.TrimSpace(collapseSpace(b.String()))
	if end < len(text) {
		out = strings.TrimRightFunc(out, func(r rune) bool { return unicode.IsSpace(r) || r == ',' || r == ';' || r == ':' })
		out += "…"
	}
	return out
}

// wordStart moves i forward to the start of a word, but not beyond limit,
// unless it is at one already.
func wordStart(text string, i, limit int) int {
	prev, _ := utf8.DecodeLastRuneInString(text[:i])
	if i == 0 || unicode.IsSpace(prev) {
		return i
	}
	for j := i; j < limit; {
		r, n := utf8.DecodeRuneInString(text[j:])
		j += n
		if unicode.IsSpace(r) {
			return j
		}
	}
	return limit
}

// wordEnd moves i back to the end of the last whole word before it, but not
// before min.
func wordEnd(text string, i, min int) int {
	for j := i; j > min; {
		r, n := utf8.DecodeLastRuneInString(text[:j])
		if unicode.IsSpace(r) {
			return j - n
		}
		j -= n
	}
	// No space between the match and i: cut at i, on a rune boundary.
	for i > 0 && !utf8.RuneStart(text[i]) {
		i--
	}
	return i
}

// collapseSpace replaces every run of white space in s with one space.
func collapseSpace(s string) string {
	var b strings.Builder
	space := false
	for _, r := range s {
		if unicode.IsSpace(r) {
			if !space {
				b.WriteByte(' ')
			}
			space = true
			continue
		}
		space = false
		b.WriteRune(r)
	}
	return b.String()
}

// hitSnippet cuts the snippet of a hit from its stored text field (one per
// language; a document has one) and the match locations Bleve reports,
// preferring the text before the title and topic list the field ends
// with.
func hitSnippet(h *bsearch.DocumentMatch, title string, topics []string) string {
	for _, l := range textLangs {
		field := "text_" + l.suffix
		text, _ := h.Fields[field].(string)
		if text == "" {
			continue
		}
		var ms []span
		for _, locs := range h.Locations[field] {
			for _, loc := range locs {
				ms = append(ms, span{int(loc.Start), int(loc.End)})
			}
		}
		return makeSnippet(text, ms, bodyEnd(text, title, topics))
	}
	return ""
}

// bodyEnd returns where the title, topics and names that indexFields
// appends to a text field begin, or len(text) when the text does not end
// with them: at the title's last occurrence as a paragraph of its own, or,
// for a document without a title, at its topic paragraph.
func bodyEnd(text, title string, topics []string) int {
	var mark string
	switch {
	case title != "":
		mark = title
	case len(topics) > 0:
		mark = strings.Join(topics, ". ")
	default:
		return len(text)
	}
	for end := len(text); end > 0; {
		i := strings.LastIndex(text[:end], "\n\n"+mark)
		if i < 0 {
			break
		}
		if rest := text[i+2+len(mark):]; rest == "" || strings.HasPrefix(rest, "\n\n") {
			return i
		}
		end = i
	}
	return len(text)
}
