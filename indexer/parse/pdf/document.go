package pdf

import (
	"context"
	"errors"
	"math"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/fundus-kb/fundus/indexer/parse/record"
	"github.com/fundus-kb/fundus/search"
)

// From pages to a document.

// pageText is the text of one page: its paragraphs in reading order.
type pageText struct {
	paras [][]*line
}

func (d *reader) document() (search.Document, error) {
	var doc search.Document
	meta := d.metadata()
	pages := d.pages()

	var first []pageText // the pages up to the first with text, for the title
	var body []string
	bodyLen := 0
	sizes := map[float64]int{}
	for _, p := range pages {
		if d.stop == nil && d.stopCtx.Err() != nil {
			d.stop = record.Stopped(d.stopCtx)
		}
		if d.stop != nil || d.ops > maxOps || bodyLen > maxBody {
			d.truncated = true
			break
		}
		in := interp{d: d}
		in.gs = gstate{ctm: identity, th: 1}
		in.run(d.pageContent(p.dict), p.res)
		pt := pageText{paras: layout(in.glyphs)}
		for _, para := range pt.paras {
			for _, l := range para {
				sizes[math.Round(l.size*2)/2] += len(l.g)
			}
			t := paraText(para)
			if t == "" {
				continue
			}
			body = appendPara(body, t)
			bodyLen += len(t) + 2
		}
		if len(first) == 0 || len(first[len(first)-1].paras) == 0 {
			first = append(first, pt)
		}
	}
	// At the deadline or past the inflate budget the text read so far is
	// kept; a cancelled parse fails, as its caller no longer wants it.
	if d.stop != nil && (bodyLen == 0 || errors.Is(d.stop, context.Canceled)) {
		return doc, d.stop
	}

	doc.Body = norm.NFC.String(strings.Join(body, "\n\n"))
	var noText error
	if !strings.ContainsFunc(doc.Body, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }) {
		// A scan: keep what the metadata says, and say there is no text.
		doc.Body, noText = "", record.ErrNoText
	}
	doc.Title = meta.title
	if doc.Title == "" {
		bodySize := mostCommon(sizes, 0) // the font size of most of the text
		doc.Title = guessTitle(first, bodySize)
	}
	doc.Summary = meta.summary
	doc.People = meta.people
	doc.Topics = meta.topics
	doc.Date = meta.date
	doc.Language = meta.lang
	doc.Metadata = map[string]any{"pages": len(pages)}
	if meta.producer != "" {
		doc.Metadata["producer"] = meta.producer
	}
	if meta.creatorTool != "" {
		doc.Metadata["creator_tool"] = meta.creatorTool
	}
	if d.truncated {
		doc.Metadata["truncated"] = true
	}
	if noText != nil {
		doc.Metadata["no_text"] = true
	}
	return doc, noText
}

// appendPara adds a paragraph to the body. A paragraph that ends with a
// hyphenated word continues in the next one (at a column or page break)
// when that one starts with a lowercase letter.
func appendPara(body []string, t string) []string {
	if n := len(body); n > 0 {
		if r, _ := utf8.DecodeRuneInString(t); !unicode.IsLower(r) {
			return append(body, t)
		}
		if joined, ok := joinHyphen(body[n-1], t); ok {
			body[n-1] = joined
			return body
		}
	}
	return append(body, t)
}

// mostCommon is the key of hist with the highest count, the smallest of
// them on a tie, or def when hist is empty.
func mostCommon(hist map[float64]int, def float64) float64 {
	best, n := def, 0
	for k, c := range hist {
		if c > n || c == n && k < best {
			best, n = k, c
		}
	}
	return best
}

// guessTitle picks a title from the first page with text: its largest
// line when it is clearly larger than the body text, else its first line.
func guessTitle(pages []pageText, bodySize float64) string {
	for _, p := range pages {
		if len(p.paras) == 0 {
			continue
		}
		var best []*line
		bestSize := 0.0
		seen := 0
		for _, para := range p.paras {
			for i, l := range para {
				seen++
				if l.size > bestSize*1.05 && letters(l.text()) >= 2 {
					bestSize = l.size
					best = para[i:]
				}
			}
			if seen > 40 {
				break
			}
		}
		if best != nil && bestSize >= bodySize*1.2 {
			// The lines of the title's paragraph in the title's size.
			n := 1
			for n < len(best) && n < 3 && best[n].size >= bestSize*0.9 {
				n++
			}
			if t := titleText(strings.TrimRight(paraText(best[:n]), footnoteMarks)); t != "" {
				return t
			}
		}
		for _, para := range p.paras {
			for _, l := range para {
				if t := titleText(l.text()); t != "" {
					return t
				}
			}
		}
	}
	return ""
}

// footnoteMarks end a guessed title that has a footnote.
const footnoteMarks = "*∗†‡§¹²³ "

func letters(s string) int {
	n := 0
	for _, r := range s {
		if unicode.IsLetter(r) {
			n++
		}
	}
	return n
}

// titleText collapses white space and shortens a long title at a word
// boundary.
func titleText(s string) string {
	s = strings.Join(strings.Fields(norm.NFC.String(s)), " ")
	if len(s) <= maxTitle {
		return s
	}
	cut := s[:maxTitle]
	if i := strings.LastIndexByte(cut, ' '); i > maxTitle/2 {
		cut = cut[:i]
	}
	return strings.ToValidUTF8(cut, "")
}
