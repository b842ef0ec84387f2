package pdf

import (
	"bytes"
	"encoding/xml"
	"io"
	"regexp"
	"slices"
	"strings"

	"github.com/fundus-kb/fundus/search"
)

// Metadata: the Info dictionary, XMP and the catalog.

type metadata struct {
	title, summary, date, lang, producer, creatorTool string
	people, topics                                    []string
}

func (d *reader) metadata() metadata {
	var m metadata
	info := map[string]string{}
	if d.ctx.Info != nil {
		if dict := d.dict(*d.ctx.Info); dict != nil {
			for _, k := range []string{"Title", "Author", "Subject", "Keywords", "CreationDate", "Producer", "Creator"} {
				info[k] = d.text(dict[k])
			}
		}
	}
	var x xmp
	root, _ := d.catalog()
	if root != nil {
		if b := d.streamData(root["Metadata"]); len(b) > 0 && len(b) < 4<<20 {
			x = parseXMP(b)
		}
		m.lang = d.text(root["Lang"])
	}

	for _, t := range []string{x.title, info["Title"]} {
		if t = titleText(t); t != "" && !junkTitle(t) {
			m.title = t
			break
		}
	}
	m.people = x.creators
	if len(m.people) == 0 {
		m.people = splitNames(info["Author"])
	}
	m.people = slices.DeleteFunc(m.people, junkAuthor)
	m.summary = or(info["Subject"], x.description)
	if kw := or(info["Keywords"], x.keywords); kw != "" {
		m.topics = splitKeywords(kw)
	} else {
		m.topics = x.subjects
	}
	m.date = parseDate(info["CreationDate"])
	if m.date == "" {
		m.date = parseDate(x.createDate)
	}
	if m.lang == "" {
		m.lang = x.language
	}
	if search.NormalizeLanguage(m.lang) == "" {
		m.lang = ""
	}
	m.producer = or(info["Producer"], x.producer)
	m.creatorTool = or(info["Creator"], x.creatorTool)
	return m
}

// or returns the first non-empty string.
func or(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

var (
	dateRe     = regexp.MustCompile(`^(?:D\s*:)?\s*(\d{4})(?:-?(\d{2}))?(?:-?(\d{2}))?`)
	junkTitles = regexp.MustCompile(`(?i)^(untitled|unbenannt|ohne titel|title|titel|document\d*|dokument\d*|microsoft (word|powerpoint) ?- .*|powerpoint[- ]pr(ä|ae|e)sentation|folie \d+|slide \d+|(layout|druck) ?\d*|.*\.(docx?|pptx?|xlsx?|odt|odp|rtf|pdf|indd|qxd|qxp|tex|dvi|ps|eps|ai|cdr|pub|pages|key|txt|html?))$`)
	junkNames  = map[string]bool{"administrator": true, "admin": true, "user": true, "benutzer": true,
		"windows user": true, "windows-benutzer": true, "microsoft office user": true,
		"microsoft office-anwender": true, "unknown": true, "owner": true, "author": true, "autor": true}
)

// parseDate reads a PDF date ("D:20200327101500+01'00'") or an XMP date
// ("2020-03-27T10:15:00+01:00") as YYYY-MM-DD; "" when it is not one.
func parseDate(s string) string {
	m := dateRe.FindStringSubmatch(strings.TrimSpace(s))
	if m == nil {
		return ""
	}
	v := m[1]
	if m[2] != "" {
		v += "-" + m[2]
		if m[3] != "" {
			v += "-" + m[3]
		}
	}
	date, err := search.NormalizeDate(v)
	if err != nil {
		return ""
	}
	return date
}

// junkTitle tells titles that generators fill in (file names, "Untitled",
// "Microsoft Word - x.docx") from real ones.
func junkTitle(t string) bool {
	return junkTitles.MatchString(t) || strings.ContainsAny(t, `\`) || letters(t) == 0
}

func junkAuthor(s string) bool {
	return junkNames[strings.ToLower(s)]
}

var nameSepRe = regexp.MustCompile(`\s*(?:,|&|\band\b|\bund\b)\s*`)

// splitNames splits an author field: at semicolons and line breaks, and
// at commas or "and"/"und" when every part has a first and a last name
// (so "Mustermann, Max" stays one name).
func splitNames(s string) []string {
	var out []string
	for _, part := range strings.FieldsFunc(s, func(r rune) bool { return r == ';' || r == '\n' || r == '\r' }) {
		pieces := nameSepRe.Split(part, -1)
		whole := len(pieces) > 1
		for _, p := range pieces {
			if len(strings.Fields(p)) < 2 {
				whole = false
			}
		}
		if whole {
			out = append(out, pieces...)
		} else {
			out = append(out, part)
		}
	}
	for i := range out {
		out[i] = strings.Join(strings.Fields(out[i]), " ")
	}
	return slices.DeleteFunc(out, func(s string) bool { return s == "" })
}

// splitKeywords splits a keyword field at semicolons or commas (or line
// breaks).
func splitKeywords(s string) []string {
	sep := func(r rune) bool { return r == ';' || r == '\n' || r == '\r' }
	if !strings.ContainsAny(s, ";\n\r") {
		sep = func(r rune) bool { return r == ',' }
	}
	var out []string
	for _, k := range strings.FieldsFunc(s, sep) {
		if k = strings.Join(strings.Fields(k), " "); k != "" {
			out = append(out, k)
		}
	}
	return out
}

// cleanMeta makes a metadata value valid UTF-8 without control
// characters and trims it.
func cleanMeta(s string) string {
	s = strings.ToValidUTF8(s, "")
	s = strings.Map(func(r rune) rune {
		if r < 0x20 && r != '\n' || r == 0x7f {
			return -1
		}
		return r
	}, s)
	return strings.TrimSpace(s)
}

// xmp is what XMP metadata gives.
type xmp struct {
	title, description, createDate, keywords, language, creatorTool, producer string
	creators, subjects                                                        []string
}

const (
	nsDC  = "http://purl.org/dc/elements/1.1/"
	nsXMP = "http://ns.adobe.com/xap/1.0/"
	nsPDF = "http://ns.adobe.com/pdf/1.3/"
	nsRDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
)

// parseXMP reads the Dublin Core, XMP and PDF properties of an XMP
// packet, written as elements (with rdf:Alt, rdf:Seq or rdf:Bag lists) or as
// attributes of rdf:Description.
func parseXMP(data []byte) xmp {
	var x xmp
	vals := map[string][]string{}
	set := func(key string, v []string) {
		if _, ok := vals[key]; !ok && len(v) > 0 {
			vals[key] = v
		}
	}
	key := func(n xml.Name) string {
		switch n.Space {
		case nsDC:
			return "dc:" + n.Local
		case nsXMP:
			return "xmp:" + n.Local
		case nsPDF:
			return "pdf:" + n.Local
		}
		return ""
	}
	dec := xml.NewDecoder(bytes.NewReader(data))
	dec.Strict = false
	dec.CharsetReader = func(_ string, r io.Reader) (io.Reader, error) { return r, nil }
	var (
		depth, propDepth int
		prop             string
		text             strings.Builder
		items            []string
	)
	for range 200_000 {
		tok, err := dec.Token()
		if err != nil {
			break
		}
		switch t := tok.(type) {
		case xml.StartElement:
			depth++
			for _, a := range t.Attr {
				if k := key(a.Name); k != "" {
					set(k, []string{cleanMeta(a.Value)})
				}
			}
			if prop == "" {
				if k := key(t.Name); k != "" {
					prop, propDepth = k, depth
					items = nil
					text.Reset()
				}
			} else if t.Name.Local == "li" {
				text.Reset()
			}
		case xml.CharData:
			if prop != "" && text.Len() < 1<<16 {
				text.Write(t)
			}
		case xml.EndElement:
			if prop != "" {
				switch {
				case depth == propDepth:
					if len(items) == 0 {
						items = append(items, cleanMeta(text.String()))
					}
					items = slices.DeleteFunc(items, func(s string) bool { return s == "" })
					set(prop, items)
					prop = ""
				case t.Name.Local == "li" && (t.Name.Space == nsRDF || t.Name.Space == ""):
					items = append(items, cleanMeta(text.String()))
					text.Reset()
				}
			}
			depth--
		}
	}
	first := func(k string) string {
		if v := vals[k]; len(v) > 0 {
			return v[0]
		}
		return ""
	}
	x.title = first("dc:title")
	x.description = first("dc:description")
	x.createDate = first("xmp:CreateDate")
	x.keywords = first("pdf:Keywords")
	x.language = first("dc:language")
	x.creatorTool = first("xmp:CreatorTool")
	x.producer = first("pdf:Producer")
	x.creators = vals["dc:creator"]
	x.subjects = vals["dc:subject"]
	return x
}
