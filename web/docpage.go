package web

// The parts of a document's page that come from more than its fields: the
// body rendered from the stored source (package docbody), the source
// shown only when it is a web address or a file to download, metadata in
// the reader's language, and topic, addressee and policy-area values
// named in English where the glossary gives a name.

import (
	"context"
	"errors"
	"html/template"
	"path"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/fundus-kb/fundus/search"
	"github.com/fundus-kb/fundus/web/docbody"
)

// documentBody renders doc's body from its stored source, and describes
// the source for the sidebar. The body is "" when the source is not
// rendered: the page shows the plain-text body then.
func (s *Server) documentBody(ctx context.Context, doc *search.Document) (template.HTML, sourceView) {
	raw, err := s.kb.RawSource(ctx, doc.ID)
	hasRaw := err == nil
	if err != nil && !errors.Is(err, search.ErrNotFound) {
		// The page is worth showing with its plain-text body.
		s.log.Warn("document source", "id", doc.ID, "err", err)
		hasRaw = true // stored, perhaps: keep offering it
	}
	sv := newSourceView(doc, hasRaw)
	if len(raw) == 0 {
		return "", sv
	}
	body, err := docbody.Render(docbody.Source{Raw: raw, Name: doc.Source, Title: doc.Title, Body: doc.Body})
	if err != nil {
		if !errors.Is(err, docbody.ErrUnsupported) {
			s.log.Warn("render document body", "id", doc.ID, "err", err)
		} else {
			s.log.Debug("document body shown as text", "id", doc.ID, "why", err)
		}
		return "", sv
	}
	return body, sv
}

// newSourceView describes doc's source for its page: a link when it is a
// web address, a download when its bytes are stored (hasRaw), and the
// source as text only when it is neither a path nor an address of
// another kind (a citation written by hand, say).
func newSourceView(doc *search.Document, hasRaw bool) sourceView {
	src := strings.TrimSpace(doc.Source)
	if u := webURL(src); u != "" {
		return sourceView{Link: u}
	}
	var sv sourceView
	if !looksLikePath(src) {
		sv.Text = src
	}
	if hasRaw {
		sv.Download = SourcePath(doc.ID)
		if !hasScheme(src) {
			if n := sourceName(src); n != "" {
				sv.Name = cleanFilename(n, "")
			}
		}
	}
	return sv
}

// looksLikePath reports a source that is a file path or an address
// rather than words: it has a scheme or a path separator, or it is one
// word with a file extension.
func looksLikePath(src string) bool {
	return hasScheme(src) || strings.ContainsAny(src, `/\`) ||
		(!strings.ContainsFunc(src, func(r rune) bool { return r == ' ' }) && path.Ext(src) != "")
}

// glossaryKB is a knowledge base that has a glossary to name values in
// English with.
type glossaryKB interface {
	Glossary() *search.Glossary
}

// valueNames names topic, addressee and policy-area values in the UI
// language lang: in English by the glossary's English names (read once
// per request, so a reloaded glossary applies to the next page); nil
// when the values are shown as they are.
func (s *Server) valueNames(lang string) func(string) string {
	g, ok := s.kb.(glossaryKB)
	if lang != "en" || !ok {
		return nil
	}
	var gl *search.Glossary
	return func(value string) string {
		if gl == nil {
			gl = g.Glossary()
		}
		return gl.EnglishName(value)
	}
}

// ValueName is how a topic, addressee or policy-area value is shown: in
// the English interface by its English name when the glossary gives one.
// Links and filters keep the value itself.
func (v *view) ValueName(value string) string {
	if v.names != nil {
		if n := v.names(value); n != "" {
			return n
		}
	}
	return value
}

// hiddenMeta are metadata keys the page leaves out: the PDF producer and
// creator tool are program names and versions, of no use to a reader.
var hiddenMeta = map[string]bool{"producer": true, "creator_tool": true}

// metaFields are doc's metadata for the sidebar, in key order: known keys
// named and their values said in the reader's language, others as given.
func metaFields(v *view, keys []string, meta map[string]any) []metaField {
	var out []metaField
	for _, k := range keys {
		if hiddenMeta[k] {
			continue
		}
		val := metaString(meta[k])
		if val == "" {
			continue
		}
		name := strings.ReplaceAll(k, "_", " ")
		if r, size := utf8.DecodeRuneInString(name); size > 0 {
			name = string(unicode.ToUpper(r)) + name[size:]
		}
		if hasMessage("meta." + k) {
			name = v.T("meta." + k)
			if b, ok := meta[k].(bool); ok {
				if !b {
					continue
				}
				val = v.T("meta.yes")
			}
		}
		if k == "duration_minutes" {
			val = v.T("meta.minutes", val)
		}
		if k == "canonical" {
			if u := webURL(val); u != "" {
				out = append(out, metaField{Name: name, Value: u, Link: u})
			}
			continue
		}
		out = append(out, metaField{Name: name, Value: val})
	}
	return out
}
