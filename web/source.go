package web

// A document's source: the page links to it when it is a web address, and
// offers the stored source bytes (the uploaded or ingested file) for
// download otherwise, through GET /api/documents/{id}/source.
//
// Those bytes come from anyone who may write, so they are never served as
// something a browser would run from our origin: HTML, XML and SVG go out
// as text/plain, every response is an attachment with nosniff, and a
// sandboxing Content-Security-Policy covers a browser that shows it anyway.

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"path"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/fundus-kb/fundus/search"
)

// SourcePath is the API path of a document's source bytes.
func SourcePath(id string) string { return "/api" + DocumentPath(id) + "/source" }

// webURL returns source as a link target when it is an absolute http or
// https URL, and "" for anything else (paths, other schemes such as
// javascript: or data:, addresses with user info or control characters).
func webURL(source string) string {
	if source == "" || strings.ContainsFunc(source, func(r rune) bool { return r <= ' ' || r == 0x7f }) {
		return ""
	}
	u, err := url.Parse(source)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil {
		return ""
	}
	return u.String()
}

// hasScheme reports whether source looks like a URL of some scheme (and
// not a path, Windows drive letters included).
func hasScheme(source string) bool {
	u, err := url.Parse(source)
	return err == nil && len(u.Scheme) > 1
}

// sourceName is the file name a document's source suggests: the base of
// its path or URL path; "" when it names none.
func sourceName(source string) string {
	source = strings.TrimSpace(source)
	if source == "" {
		return ""
	}
	p := source
	if hasScheme(source) {
		u, err := url.Parse(source)
		if err != nil || webURL(source) == "" {
			return ""
		}
		p = u.Path
	}
	base := path.Base(strings.ReplaceAll(p, "\\", "/"))
	if base == "/" || base == "." || base == ".." {
		return ""
	}
	return base
}

// textPlain is how text that a browser must not interpret is served.
const textPlain = "text/plain; charset=utf-8"

// typesByExt are the content types of the source files Fundus reads.
// Markup that a browser would render (and run) goes out as plain text.
var typesByExt = map[string]string{
	".pdf":      "application/pdf",
	".md":       "text/markdown; charset=utf-8",
	".markdown": "text/markdown; charset=utf-8",
	".txt":      textPlain,
	".json":     "application/json",
	".jsonl":    "application/x-ndjson",
	".ndjson":   "application/x-ndjson",
	".html":     textPlain,
	".htm":      textPlain,
	".xhtml":    textPlain,
	".xml":      textPlain,
	".svg":      textPlain,
}

// sniffType guesses the content type of data without a telling name, and
// the extension its file should have. It never answers a type a browser
// would render as a page.
func sniffType(data []byte) (ctype, ext string) {
	detected := http.DetectContentType(data)
	switch {
	case detected == "application/pdf":
		return "application/pdf", ".pdf"
	case strings.HasPrefix(detected, "text/html"):
		return textPlain, ".html"
	case strings.HasPrefix(detected, "text/xml"):
		return textPlain, ".xml"
	case strings.HasPrefix(detected, "text/"):
		if t := bytes.TrimSpace(data); len(t) > 0 && (t[0] == '{' || t[0] == '[') && json.Valid(t) {
			return "application/json", ".json"
		}
		return textPlain, ".txt"
	}
	return "application/octet-stream", ""
}

// sourceFile decides how a document's source bytes are served: the file
// name and the content type.
func sourceFile(doc *search.Document, data []byte) (name, ctype string) {
	name = sourceName(doc.Source)
	ctype = typesByExt[strings.ToLower(path.Ext(name))]
	if ctype != "" {
		return name, ctype
	}
	ctype, ext := sniffType(data)
	if name == "" {
		// Named after the id, with the extension of what it holds.
		name = path.Base(strings.TrimRight(doc.ID, "/"))
		if name == "." || name == "/" {
			name = "source"
		}
		if !strings.HasSuffix(strings.ToLower(name), ext) {
			name += ext
		}
	} else if path.Ext(name) == "" {
		name += ext
	}
	return name, ctype
}

// maxFilename bounds a file name in Content-Disposition, in bytes.
const maxFilename = 150

// asciiFold spells German letters in ASCII for the plain filename.
var asciiFold = map[rune]string{'ä': "ae", 'ö': "oe", 'ü': "ue", 'Ä': "Ae", 'Ö': "Oe", 'Ü': "Ue", 'ß': "ss"}

// cleanFilename makes name safe as a downloaded file's name: no path, no
// control or quoting characters, no leading dots, of bounded length.
// fallback replaces a name that ends up empty.
func cleanFilename(name, fallback string) string {
	name = strings.Map(func(r rune) rune {
		switch {
		case r == utf8.RuneError, unicode.IsControl(r), unicode.Is(unicode.Cf, r):
			return -1
		case strings.ContainsRune(`/\"';:*?<>|%`, r):
			return '_'
		case unicode.IsSpace(r):
			return ' '
		}
		return r
	}, name)
	name = strings.TrimLeft(strings.TrimSpace(name), ". ")
	if len(name) > maxFilename {
		ext := path.Ext(name)
		if len(ext) > 16 {
			ext = ""
		}
		cut := maxFilename - len(ext)
		for cut > 0 && !utf8.RuneStart(name[cut]) {
			cut--
		}
		name = strings.TrimSpace(name[:cut]) + ext
	}
	if name == "" {
		return fallback
	}
	return name
}

// asciiFilename is name in printable ASCII, for the plain filename
// parameter.
func asciiFilename(name string) string {
	var b strings.Builder
	for _, r := range name {
		switch {
		case asciiFold[r] != "":
			b.WriteString(asciiFold[r])
		case r >= 0x20 && r < 0x7f:
			b.WriteRune(r)
		default:
			b.WriteByte('_')
		}
	}
	return b.String()
}

// contentDisposition is the Content-Disposition of a download of name:
// an attachment with a sanitised ASCII filename, plus the UTF-8 name
// (RFC 5987) when the two differ.
func contentDisposition(name string) string {
	clean := cleanFilename(name, "source")
	plain := asciiFilename(clean)
	h := `attachment; filename="` + plain + `"`
	if plain != clean {
		h += "; filename*=UTF-8''" + rfc5987(clean)
	}
	return h
}

// rfc5987 percent-encodes s as an RFC 5987 value: every byte but the
// attr-chars.
func rfc5987(s string) string {
	const attrChars = "!#$&+-.^_`|~"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte(attrChars, c) >= 0 {
			b.WriteByte(c)
			continue
		}
		fmt.Fprintf(&b, "%%%02X", c)
	}
	return b.String()
}

// apiSource serves a document's stored source bytes as a download.
func (s *Server) apiSource(w http.ResponseWriter, r *http.Request, id string) error {
	ctx := r.Context()
	doc, err := s.kb.Document(ctx, id)
	if err != nil {
		return err
	}
	data, err := s.kb.RawSource(ctx, id)
	if err != nil {
		return err
	}
	name, ctype := sourceFile(doc, data)
	h := w.Header()
	h.Set("Content-Type", ctype)
	h.Set("Content-Disposition", contentDisposition(name))
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", "default-src 'none'; sandbox; frame-ancestors 'none'")
	// The same for members and everyone else: the header must not tell
	// a right token from a wrong one.
	h.Set("Cache-Control", "private, no-cache")
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(data))
	return nil
}

// sourceView is the source of a document as its page shows it.
type sourceView struct {
	// Link is the source as a web address to follow; Text the source
	// shown as it is when it is no web address.
	Link, Text string
	// Download is the URL of the stored source bytes, offered when the
	// source is no web address; Name the file's name when known.
	Download, Name string
}
