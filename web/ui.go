package web

// The web interface: server-rendered pages for people in a browser.
//
// Pages follow the API's pipeline: parseSearch turns the query string into
// a search.Request (the form fields have the API's parameter names), one
// call to the knowledge base answers it, a page struct holds what the
// template shows, and the template renders into a buffer before anything
// is written. Templates and static files are embedded, and NewServer
// parses the templates, so a broken one stops the server before it serves.
// In dev mode (Config.DevDir) they are read from disk on each request
// instead; see uiFiles.
//
// The pages work without JavaScript. static/app.js only enhances them:
// suggestions while typing, submitting the filter form when a checkbox
// changes, copy buttons. Nothing is inline, so the Content-Security-Policy
// set in ServeHTTP needs no exceptions.
//
// The UI language is German unless the "ui" cookie (set by /lang/{de,en})
// or the Accept-Language header asks for English. The query parameter
// "lang" is the document-language filter, as in the API.

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"mime"
	"net/http"
	"net/url"
	"path"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gorilla/mux"

	"github.com/fundus-kb/fundus/search"
)

// embedded holds templates/*.html and static/, the files of the web
// interface (see uiFiles).
//
//go:embed templates/*.html static
var embedded embed.FS

// uiCookie is the cookie that holds the chosen UI language.
const uiCookie = "ui"

// uiRoutes registers the pages of the web interface.
func (s *Server) uiRoutes(r *mux.Router) {
	get := []string{http.MethodGet, http.MethodHead}
	r.Handle("/", s.searchingPage(s.homePage)).Methods(get...)
	r.Handle("/search", s.searchingPage(s.searchPage)).Methods(get...)
	r.Handle("/search/tips", s.page(s.tipsPage)).Methods(get...)
	r.Handle("/documents/{id:.+}", s.searchingPage(s.documentPage)).Methods(get...)
	r.Handle("/topics", s.searchingPage(s.topicsPage)).Methods(get...)
	r.Handle("/topics/{topic}", s.searchingPage(s.topicPage)).Methods(get...)
	r.Handle("/recommendations", s.searchingPage(s.recommendationsPage)).Methods(get...)
	r.Handle("/follow", s.searchingPage(s.followPage)).Methods(get...)
	r.Handle("/lang/{ui}", http.HandlerFunc(s.setLanguage)).Methods(get...)
	r.Handle("/signin", s.page(s.signinPage)).Methods(get...)
	r.Handle("/signin", s.page(s.signin)).Methods(http.MethodPost)
	r.Handle("/signout", s.page(s.signout)).Methods(http.MethodPost)
	r.Handle("/signout", http.HandlerFunc(s.signoutGet)).Methods(get...)
	r.Handle("/static/{name}", http.HandlerFunc(s.serveStatic)).Methods(get...)

	// Paths outside the API get HTML error pages; the API keeps JSON.
	apiNotFound, apiNotAllowed := r.NotFoundHandler, r.MethodNotAllowedHandler
	r.NotFoundHandler = s.htmlOr(apiNotFound, func(w http.ResponseWriter, r *http.Request, v *view) error {
		return errPageNotFound
	})
	r.MethodNotAllowedHandler = s.htmlOr(apiNotAllowed, func(w http.ResponseWriter, r *http.Request, v *view) error {
		return &apiError{status: http.StatusMethodNotAllowed, code: "method_not_allowed", msg: r.Method}
	})
}

// errPageNotFound is a path that names no page.
var errPageNotFound = &apiError{status: http.StatusNotFound, code: "not_found", msg: "no such page"}

// isAPIPath reports whether a path belongs to the machine interfaces,
// whose errors are JSON.
func isAPIPath(p string) bool {
	switch p {
	case "/api", "/healthz", "/readyz", "/metrics":
		return true
	}
	return strings.HasPrefix(p, "/api/") || strings.HasPrefix(p, "/feeds/")
}

// htmlOr serves api for API paths and the page h for every other path.
func (s *Server) htmlOr(api http.Handler, h pageFunc) http.Handler {
	page := s.page(h)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if isAPIPath(r.URL.Path) {
			api.ServeHTTP(w, r)
			return
		}
		page.ServeHTTP(w, r)
	})
}

// pageFunc is a page handler: it renders with s.render, or returns an
// error that page turns into an HTML error page.
type pageFunc func(w http.ResponseWriter, r *http.Request, v *view) error

// page adapts a pageFunc: it settles the UI language, and renders errors
// and panics as HTML pages with the status their kind maps to.
func (s *Server) page(h pageFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		v := newView(r)
		v.SigninAvailable = s.signinAvailable()
		v.SignedIn = s.signedIn(r)
		v.Members = search.Members(r.Context())
		v.csrf = sync.OnceValue(func() string { return s.csrfToken(w, r) })
		v.names = s.valueNames(v.Lang)
		defer func() {
			if p := recover(); p != nil {
				if p == http.ErrAbortHandler {
					panic(p)
				}
				s.log.Error("panic in page", "path", r.URL.Path, "panic", p)
				s.renderError(w, r, v, errors.New("internal error"))
			}
		}()
		if err := h(w, r, v); err != nil {
			s.renderError(w, r, v, err)
		}
	})
}

// searchingPage is page for a page that searches: the API's search rate
// limit and bound on concurrent searches apply to it too.
func (s *Server) searchingPage(h pageFunc) http.Handler {
	return s.page(func(w http.ResponseWriter, r *http.Request, v *view) error {
		return s.rateLimited(s.searchLim, s.bounded(func(w http.ResponseWriter, r *http.Request) error {
			return h(w, r, v)
		}))(w, r)
	})
}

// view is what every page shows around its content: the UI language and
// its messages, the navigation, the language switch.
type view struct {
	Lang      string // UI language: "de" or "en"
	OtherLang string
	// Page names the page (a CSS class on body); Nav the active menu item.
	Page, Nav string
	Title     string
	// SwitchURL switches the UI language and comes back here.
	SwitchURL string
	// HeaderSearch shows the search box in the header.
	HeaderSearch bool
	Alternates   []alternate
	// Canonical is the page's absolute URL, when it has one worth sharing.
	Canonical string
	// Meta are extra <meta name content> tags (a document's citation_*).
	Meta []metaTag
	// Here is the page's local path and query, to come back to.
	Here string
	// SigninAvailable shows the sign-in link, or when SignedIn the
	// sign-out button; Members marks a request that sees members-only
	// documents.
	SigninAvailable, SignedIn, Members bool
	// csrf returns the form token (see CSRF).
	csrf func() string
	// names gives a topic, addressee or policy-area value's name in the
	// UI language, "" when it has none of its own (see ValueName).
	names func(value string) string
}

// CSRF is the token a form that posts must carry (field "csrf"). The
// first call sets the browser's CSRF cookie if it has none, so only
// pages with such a form set it.
func (v *view) CSRF() string {
	if v.csrf == nil {
		return ""
	}
	return v.csrf()
}

// alternate is a <link rel="alternate">, such as a feed.
type alternate struct{ Type, Title, Href string }

func newView(r *http.Request) *view {
	lang := uiLanguage(r)
	other := "en"
	if lang == "en" {
		other = "de"
	}
	next := r.URL.EscapedPath()
	if r.URL.RawQuery != "" {
		next += "?" + r.URL.RawQuery
	}
	return &view{
		Lang:         lang,
		OtherLang:    other,
		SwitchURL:    "/lang/" + other + "?next=" + url.QueryEscape(next),
		HeaderSearch: true,
		Here:         next,
	}
}

// SigninURL is the sign-in page, coming back here afterwards.
func (v *view) SigninURL() string {
	if v.Here == "/" || v.Page == "signin" {
		return "/signin"
	}
	return "/signin?next=" + url.QueryEscape(v.Here)
}

// T returns the message key in the UI language, formatted with args.
func (v *view) T(key string, args ...any) string { return translate(v.Lang, key, args...) }

// N is T for a count: it picks key.one for 1, key.zero (if there is one)
// for 0 and key.other otherwise, and passes n as the first argument.
func (v *view) N(key string, n any, args ...any) string {
	var count int64 = -1
	switch n := n.(type) {
	case int:
		count = int64(n)
	case uint64:
		count = int64(min(n, 1<<62))
	}
	suffix := ".other"
	switch {
	case count == 1:
		suffix = ".one"
	case count == 0 && hasMessage(key+".zero"):
		suffix = ".zero"
	}
	return translate(v.Lang, key+suffix, append([]any{n}, args...)...)
}

// TypeLabel names a document type in the singular.
func (v *view) TypeLabel(t string) string { return v.lookup("type."+t, t) }

// TypePlural names a document type in the plural.
func (v *view) TypePlural(t string) string { return v.lookup("types."+t, t) }

// LangName names a language code.
func (v *view) LangName(code string) string { return v.lookup("language."+code, strings.ToUpper(code)) }

// FacetLabel shows a facet value: type and language codes get names.
func (v *view) FacetLabel(facet, value string) string {
	switch facet {
	case search.FacetType:
		return v.TypePlural(value)
	case search.FacetLanguage:
		return v.LangName(value)
	case search.FacetTopics, search.FacetAddressees, search.FacetPolicyArea:
		return v.ValueName(value)
	}
	return value
}

func (v *view) lookup(key, fallback string) string {
	if hasMessage(key) {
		return v.T(key)
	}
	return fallback
}

// FormatDate writes a YYYY-MM-DD date for people: "16. April 2020" or
// "16 April 2020". Other strings come back as they are.
func (v *view) FormatDate(d string) string {
	t, err := time.Parse(search.DateLayout, d)
	if err != nil {
		return d
	}
	return v.T("date.format", t.Day(), v.T("month."+strconv.Itoa(int(t.Month()))), t.Year())
}

// comboData is a search box, with suggestions when Suggest is set.
type comboData struct {
	V         *view
	ID, Value string
	Suggest   bool
}

// Combo is the data of the "searchbox" template: a search box named q,
// with its button and tips link.
func (v *view) Combo(id, value string, suggest bool) comboData {
	return comboData{V: v, ID: id, Value: value, Suggest: suggest}
}

// badgeData is a document type badge.
type badgeData struct{ Type, Label string }

// Badge is the data of the "badge" template.
func (v *view) Badge(t string) badgeData { return badgeData{Type: t, Label: v.TypeLabel(t)} }

// hitData is a hit with the view, for the "hit" templates.
type hitData struct {
	V *view
	H hitView
}

// Hit is the data of the "hit" and "mini-hit" templates.
func (v *view) Hit(h hitView) hitData { return hitData{V: v, H: h} }

// facetValueData is a checkbox of a facet, for the "facet-value" template.
type facetValueData struct {
	Param string
	FV    facetValueView
}

// FacetValue is the data of the "facet-value" template.
func (v *view) FacetValue(f facetView, fv facetValueView) facetValueData {
	return facetValueData{Param: f.Param, FV: fv}
}

// uiLanguage picks the UI language: the ui cookie, else the best of German
// and English in Accept-Language, else German.
func uiLanguage(r *http.Request) string {
	if c, err := r.Cookie(uiCookie); err == nil && slices.Contains(uiLanguages, c.Value) {
		return c.Value
	}
	return acceptLanguage(r.Header.Get("Accept-Language"))
}

// acceptLanguage returns "de" or "en", whichever the header weighs more
// (the first listed on a tie); "de" when it names neither.
func acceptLanguage(header string) string {
	best, bestQ := "de", 0.0
	for part := range strings.SplitSeq(header, ",") {
		tag, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		lang := search.NormalizeLanguage(tag)
		if lang != "de" && lang != "en" {
			continue
		}
		q := 1.0
		if v, ok := strings.CutPrefix(strings.TrimSpace(params), "q="); ok {
			f, err := strconv.ParseFloat(v, 64)
			if err != nil || f < 0 || f > 1 {
				continue
			}
			q = f
		}
		if q > bestQ {
			best, bestQ = lang, q
		}
	}
	return best
}

// setLanguage stores the chosen UI language in a cookie and goes back to
// the page named by next, which must be a path on this site.
func (s *Server) setLanguage(w http.ResponseWriter, r *http.Request) {
	lang := mux.Vars(r)["ui"]
	if !slices.Contains(uiLanguages, lang) {
		s.page(func(w http.ResponseWriter, r *http.Request, v *view) error { return errPageNotFound }).ServeHTTP(w, r)
		return
	}
	http.SetCookie(w, &http.Cookie{
		Name: uiCookie, Value: lang, Path: "/",
		MaxAge: 365 * 24 * 3600, HttpOnly: true, SameSite: http.SameSiteLaxMode,
	})
	w.Header().Set("Cache-Control", "no-store")
	http.Redirect(w, r, localPath(r.URL.Query().Get("next")), http.StatusSeeOther)
}

// localPath returns next when it is a path on this site, else "/". It
// refuses anything a browser could read as another host: "//host",
// "/\host", schemes, and control characters.
func localPath(next string) string {
	if next == "" || next[0] != '/' || len(next) > 4096 {
		return "/"
	}
	if len(next) > 1 && (next[1] == '/' || next[1] == '\\') {
		return "/"
	}
	for _, c := range next {
		if c < 0x20 || c == 0x7f || c == '\\' {
			return "/"
		}
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil {
		return "/"
	}
	return next
}

// Templates.

// pageTemplates are the pages; each is parsed with layout.html,
// parts.html and charts.html.
var pageTemplates = []string{"home", "search", "document", "topics", "signin", "error", "tips", "follow"}

// uiFiles are the templates and static files of the web interface, read
// from a file system with the folders templates and static: the embedded
// one, loaded once by NewServer, or in dev mode the folder
// Config.DevDir, read again for each request that needs it.
type uiFiles struct {
	// pages are the parsed page templates, by name (in dev mode, only
	// the one a request renders).
	pages  map[string]*template.Template
	assets map[string]*asset
}

// loadUI reads the static files of fsys and parses the named pages.
func loadUI(fsys fs.FS, pages ...string) (*uiFiles, error) {
	assets, err := loadAssets(fsys)
	if err != nil {
		return nil, err
	}
	u := &uiFiles{pages: map[string]*template.Template{}, assets: assets}
	funcs := template.FuncMap{"static": u.assetURL, "px": px, "endsWith": strings.HasSuffix}
	for _, name := range pages {
		t, err := template.New(name).Funcs(funcs).ParseFS(fsys, "templates/layout.html", "templates/parts.html", "templates/charts.html", "templates/"+name+".html")
		if err != nil {
			return nil, fmt.Errorf("parse template %s (templates/%s.html with layout.html, parts.html and charts.html): %w", name, name, err)
		}
		u.pages[name] = t
	}
	return u, nil
}

// files returns the templates and static files, with the named pages
// parsed: in dev mode it reads them from disk again.
func (s *Server) files(pages ...string) (*uiFiles, error) {
	if s.ui != nil {
		return s.ui, nil
	}
	return loadUI(s.devFS, pages...)
}

// render writes the page name with data, rendered into a buffer first so a
// failing template never ships half a page.
func (s *Server) render(w http.ResponseWriter, r *http.Request, v *view, name string, status int, data any) {
	var buf bytes.Buffer
	files, err := s.files(name)
	if err == nil {
		err = files.pages[name].ExecuteTemplate(&buf, "layout", data)
	}
	if err != nil {
		s.log.Error("render page", "page", name, "path", r.URL.Path, "err", err)
		if s.devFS != nil {
			// In dev mode a failing template is the developer's own
			// mistake: say which and why.
			writeHTML(w, http.StatusInternalServerError, devErrorPage(name, err))
			return
		}
		writeHTML(w, http.StatusInternalServerError, []byte(fallbackError[v.Lang]))
		return
	}
	writeHTML(w, status, buf.Bytes())
}

// devErrorPage is the page dev mode serves when the template name fails
// to parse or render.
func devErrorPage(name string, err error) []byte {
	n := template.HTMLEscapeString(name)
	return []byte(`<!doctype html><html lang="en"><meta charset="utf-8"><title>Template ` + n + ` failed · Fundus dev mode</title>` +
		`<h1>Template <code>` + n + `</code> failed</h1><pre>` + template.HTMLEscapeString(err.Error()) + `</pre>` +
		`<p>Fundus runs in dev mode: fix the template and reload; the next request reads it again.</p></html>`)
}

func writeHTML(w http.ResponseWriter, status int, body []byte) {
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	h.Set("Vary", "Accept-Language, Authorization, Cookie")
	w.WriteHeader(status)
	w.Write(body)
}

// fallbackError is served when even the error page fails to render.
var fallbackError = map[string]string{
	"de": `<!doctype html><html lang="de"><meta charset="utf-8"><title>Fehler · Fundus</title><h1>Ein interner Fehler ist aufgetreten</h1><p><a href="/">Zur Startseite</a></p></html>`,
	"en": `<!doctype html><html lang="en"><meta charset="utf-8"><title>Error · Fundus</title><h1>An internal error occurred</h1><p><a href="/">Go to the home page</a></p></html>`,
}

// errorPage is the data of error.html.
type errorPage struct {
	*view
	Status  int
	Heading string
	Message string
	// Detail is the technical reason of a bad request, as the API gives it.
	Detail string
	Query  string
	// Topics offers the list of topics.
	Topics bool
}

// renderError shows err as a page: what went wrong in the user's words,
// never internals. Server errors are logged with their whole chain.
func (s *Server) renderError(w http.ResponseWriter, r *http.Request, v *view, err error) {
	ae := errorStatus(err)
	s.logFailure(r, "page failed", ae, err)
	p := &errorPage{view: v, Status: ae.status}
	v.Page, v.Nav, v.HeaderSearch = "error", "", false
	switch {
	case ae.status == http.StatusBadRequest:
		p.Heading = v.T("error.400.heading")
		param := ae.field
		if param == "" {
			param = "?"
		}
		p.Message = v.T("error.400.message", param)
		p.Detail = ae.msg
		// Let a bad request fall back to the same words, unfiltered.
		p.Query = strings.TrimSpace(r.URL.Query().Get("q"))
	case errors.Is(err, search.ErrNotFound):
		p.Heading = v.T("error.doc404.heading")
		p.Message = v.T("error.doc404.message")
		// The last part of the id is often a slug worth searching for.
		p.Query = strings.NewReplacer("-", " ", "_", " ").Replace(path.Base(r.URL.Path))
	case errors.As(err, new(*topicNotFoundError)):
		p.Heading = v.T("error.topic404.heading")
		p.Message = v.T("error.topic404.message")
		p.Topics = true
	case ae.status == http.StatusNotFound:
		p.Heading = v.T("error.404.heading")
		p.Message = v.T("error.404.message")
	case ae.code == "csrf":
		p.Heading = v.T("error.csrf.heading")
		p.Message = v.T("error.csrf.message")
	case ae.status == http.StatusForbidden:
		p.Heading = v.T("error.403.heading")
		p.Message = v.T("error.403.message")
	case ae.status == http.StatusMisdirectedRequest:
		p.Heading = v.T("error.421.heading")
		p.Message = v.T("error.421.message", r.Host)
		p.Detail = ae.msg
	case ae.status == http.StatusMethodNotAllowed:
		allow := "GET, HEAD"
		if r.URL.Path == "/signin" || r.URL.Path == "/signout" {
			allow += ", POST"
		}
		w.Header().Set("Allow", allow)
		p.Heading = v.T("error.405.heading")
		p.Message = v.T("error.405.message")
	case ae.status == http.StatusTooManyRequests:
		p.Heading = v.T("error.429.heading")
		p.Message = v.T("error.429.message")
	case ae.status == http.StatusServiceUnavailable && ae.code == "not_ready":
		p.Heading = v.T("error.notready.heading")
		p.Message = v.T("error.notready.message")
	case ae.status == http.StatusServiceUnavailable || ae.status == statusClientClosed:
		p.Heading = v.T("error.503.heading")
		p.Message = v.T("error.503.message")
	default:
		p.Status = http.StatusInternalServerError
		p.Heading = v.T("error.500.heading")
		p.Message = v.T("error.500.message")
	}
	if ae.retryAfter > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(ae.retryAfter))
	}
	v.Title = p.Heading
	s.render(w, r, v, "error", p.Status, p)
}

// Static assets.

// asset is a static file with its content type and hash.
type asset struct {
	data  []byte
	ctype string
	hash  string // short hex SHA-256, for the URL and the ETag
}

// loadAssets reads the files in the folder static of fsys.
func loadAssets(fsys fs.FS) (map[string]*asset, error) {
	out := map[string]*asset{}
	entries, err := fs.ReadDir(fsys, "static")
	if err != nil {
		return nil, fmt.Errorf("read static files: %w", err)
	}
	for _, e := range entries {
		if e.IsDir() {
			continue
		}
		data, err := fs.ReadFile(fsys, "static/"+e.Name())
		if err != nil {
			return nil, fmt.Errorf("read static file: %w", err)
		}
		sum := sha256.Sum256(data)
		ctype := mime.TypeByExtension(path.Ext(e.Name()))
		if ctype == "" {
			ctype = "application/octet-stream"
		}
		out[e.Name()] = &asset{data: data, ctype: ctype, hash: hex.EncodeToString(sum[:6])}
	}
	return out, nil
}

// assetURL is the URL of a static file, versioned by its content so it can
// be cached for good.
func (u *uiFiles) assetURL(name string) string {
	if a, ok := u.assets[name]; ok {
		return "/static/" + name + "?v=" + a.hash
	}
	return "/static/" + name
}

// serveStatic serves an embedded asset. A request for the current version
// (?v=hash) may be cached for a year; others for an hour, revalidated by
// ETag. In dev mode the file is read from disk and always revalidated.
func (s *Server) serveStatic(w http.ResponseWriter, r *http.Request) {
	name := mux.Vars(r)["name"]
	files, err := s.files()
	if err != nil {
		// Only in dev mode, on the developer's own machine: say why.
		s.log.Error("serve static file", "path", r.URL.Path, "err", err)
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	a, ok := files.assets[name]
	if !ok {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(http.StatusNotFound)
		fmt.Fprintln(w, "not found")
		return
	}
	h := w.Header()
	h.Set("Content-Type", a.ctype)
	h.Set("ETag", `"`+a.hash+`"`)
	switch {
	case s.devFS != nil:
		h.Set("Cache-Control", "no-cache")
	case r.URL.Query().Get("v") == a.hash:
		h.Set("Cache-Control", "public, max-age=31536000, immutable")
	default:
		h.Set("Cache-Control", "public, max-age=3600")
	}
	http.ServeContent(w, r, name, time.Time{}, bytes.NewReader(a.data))
}
