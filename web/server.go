// Package web is Fundus's HTTP service: a JSON API over the knowledge base,
// exports, Atom feeds and an OpenAPI description, routed with gorilla/mux.
// Handlers parse a request into a typed search.Request, call the knowledge
// base through the small interfaces defined here, and render the result.
//
// # Writes and auth
//
// Writes need "Authorization: Bearer <token>" when a token is configured
// (compared in constant time). Without a token, writes are accepted from
// loopback clients only, and not at all when a read token is configured.
// A read-only server refuses every write. Administration, metrics and the
// limit on failed authentications are described in auth.go. Before any of
// that, requests for an unknown Host and writes a browser marks as
// cross-site are refused (see origin.go), and the web interface's forms
// carry a CSRF token (csrf.go).
//
// # Members-only documents
//
// A request sees members-only documents when it bears the read token or
// the write token as a bearer token, or carries the cookie of a session
// that a sign-in with one of them started (see session.go). Everyone else
// sees public documents only; the others do not exist for them.
package web

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/gorilla/mux"

	"github.com/fundus-kb/fundus/search"
)

// KnowledgeBase is what the read endpoints need.
type KnowledgeBase interface {
	// Ready reports whether the index is up to date and searches can run.
	Ready() bool
	Search(ctx context.Context, r search.Request) (*search.Result, error)
	// Document returns a document, or an error wrapping search.ErrNotFound.
	Document(ctx context.Context, id string) (*search.Document, error)
	Related(ctx context.Context, id string, n int) ([]search.Hit, error)
	// RawSource returns the raw bytes a document was parsed from (the
	// file, upload or record), under the same visibility rule as
	// Document: an error wrapping search.ErrNotFound for an unknown id, a
	// document the request may not see, or one stored without source.
	RawSource(ctx context.Context, id string) ([]byte, error)
	Topics(ctx context.Context) ([]search.TopicCount, error)
	Suggest(ctx context.Context, prefix string, n int) ([]search.Suggestion, error)
	EachID(ctx context.Context, r search.Request, fn func(id string) error) error
}

// Writer is what the write endpoints need.
type Writer interface {
	// IngestBytes parses data as a file of the given name and writes its
	// documents; with id set, data must hold one document, given that id.
	IngestBytes(ctx context.Context, name string, data []byte, id string) ([]search.WriteResult, error)
	DeleteDocument(ctx context.Context, id string) (search.WriteResult, error)
	// Undelete restores a document from the trash.
	Undelete(ctx context.Context, id string) error
	TrashList(ctx context.Context) ([]search.TrashEntry, error)
	// Backup writes a consistent backup of the store.
	Backup(ctx context.Context, w io.Writer) error
	// MembersOnly counts the members-only documents in the store, live
	// and in the trash.
	MembersOnly() (int, error)
}

// DefaultMaxBody caps request bodies unless Config.MaxBodyBytes says else.
const DefaultMaxBody = 32 << 20

// Config configures the server.
type Config struct {
	Logger *slog.Logger
	// Token, when set, is required as a bearer token on every write. It
	// also lets its holder read members-only documents.
	Token string `json:"-"`
	// ReadToken, when set, lets requests that bear it read members-only
	// documents; without either token they see public documents only.
	ReadToken string `json:"-"`
	// ReadOnly refuses every write.
	ReadOnly bool
	// MaxBodyBytes caps request bodies (default DefaultMaxBody).
	MaxBodyBytes int64
	// Limits are the rate and concurrency limits; the zero value has none.
	Limits Limits
	// SessionTTL is how long a web sign-in lasts (default
	// DefaultSessionTTL); MaxSessions bounds the sessions kept at once
	// (default DefaultMaxSessions; when full, the oldest is ended).
	SessionTTL  time.Duration
	MaxSessions int
	// PublicURLs are the addresses the server is reached at (see
	// ParsePublicURL); the first is the base of every absolute link.
	// Their hosts are allowed as Host, besides those of ListenAddr.
	PublicURLs []*url.URL
	// ListenAddr is the address the server listens on (host:port, the
	// host empty or 0.0.0.0 or [::] for every interface). Its host and
	// localhost, 127.0.0.1 and [::1] with its port are allowed as Host;
	// when empty, the loopback names are allowed on any port. See
	// origin.go.
	ListenAddr string
	// Now is the clock of the rate limits and sessions (nil: time.Now);
	// tests set their own.
	Now func() time.Time
	// SeparateMetrics leaves /metrics off the router: the caller serves
	// MetricsHandler on a listener of its own.
	SeparateMetrics bool
	// Network is the name of the learning network: the publisher in
	// citations, and the author of documents that name no organisation
	// (in citations and feeds). Empty: a generic name in the UI language.
	Network string
	// DevDir, when set, is dev mode, for work on the web interface: the
	// templates and static files are read from DevDir/templates and
	// DevDir/static on each request instead of the embedded copies, and
	// a template that fails shows its error on a 500 page. Not for
	// production.
	DevDir string
}

// Server serves the API.
type Server struct {
	cfg       Config
	log       *slog.Logger
	kb        KnowledgeBase
	w         Writer
	router    *mux.Router
	metrics   *metrics
	searchLim *limiter
	writeLim  *limiter
	slots     *searchSlots
	// sessions are the web sign-ins (nil when no token is configured, so
	// sign-in is not available); signinLim limits failed authentications
	// (sign-ins and bearer tokens) per client network.
	sessions  *sessionStore
	signinLim *limiter
	// hosts is the Host allowlist; csrfKey signs the form tokens.
	hosts   *hostPolicy
	csrfKey [32]byte
	// ui are the embedded templates and static files, parsed once; in
	// dev mode it is nil and devFS is the folder to read them from on
	// each request (see files).
	ui    *uiFiles
	devFS fs.FS
}

// NewServer builds the server and its routes, and parses the templates of
// the web interface; the error names a template that fails. w may be nil
// for a server without writes.
func NewServer(cfg Config, kb KnowledgeBase, w Writer) (*Server, error) {
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.MaxBodyBytes <= 0 {
		cfg.MaxBodyBytes = DefaultMaxBody
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if w == nil {
		cfg.ReadOnly = true
	}
	srv := &Server{cfg: cfg, log: cfg.Logger, kb: kb, w: w, router: mux.NewRouter(), metrics: newMetrics(kb)}
	fsys, from := fs.FS(embedded), "embedded"
	if cfg.DevDir != "" {
		fsys, from = os.DirFS(cfg.DevDir), cfg.DevDir
	}
	// In dev mode too, so that a wrong folder fails at once.
	ui, err := loadUI(fsys, pageTemplates...)
	if err != nil {
		return nil, fmt.Errorf("web interface (%s): %w", from, err)
	}
	if cfg.DevDir == "" {
		srv.ui = ui
	} else {
		srv.devFS = fsys
	}
	srv.hosts = newHostPolicy(cfg)
	rand.Read(srv.csrfKey[:]) // never fails (crypto/rand crashes the program instead)
	srv.searchLim = newLimiter(cfg.Limits.SearchRate, cfg.Limits.SearchBurst, cfg.Now)
	srv.writeLim = newLimiter(cfg.Limits.WriteRate, cfg.Limits.WriteBurst, cfg.Now)
	srv.slots = newSearchSlots(cfg.Limits)
	if cfg.Token != "" || cfg.ReadToken != "" {
		srv.sessions = newSessionStore(cfg.SessionTTL, cfg.MaxSessions)
		srv.sessions.now = cfg.Now
		srv.signinLim = newLimiter(signinPerMinute/60, signinBurst, cfg.Now)
	}
	srv.routes()
	return srv, nil
}

// routes lists every route of the service.
func (s *Server) routes() {
	r := s.router
	r.UseEncodedPath()
	r.Use(s.observe, s.authenticate, s.checkQuery)
	r.NotFoundHandler = s.handle(func(w http.ResponseWriter, r *http.Request) error {
		return &apiError{status: http.StatusNotFound, code: "not_found", msg: "no such endpoint: " + r.URL.Path}
	})
	r.MethodNotAllowedHandler = s.handle(func(w http.ResponseWriter, r *http.Request) error {
		return &apiError{status: http.StatusMethodNotAllowed, code: "method_not_allowed", msg: r.Method + " is not allowed on " + r.URL.Path}
	})
	get := []string{http.MethodGet, http.MethodHead}

	r.Handle("/healthz", s.handle(s.healthz)).Methods(get...)
	r.Handle("/readyz", s.handle(s.readyz)).Methods(get...)
	if !s.cfg.SeparateMetrics {
		r.Handle("/metrics", s.handle(s.metricsGuarded)).Methods(get...)
	}
	r.Handle("/api/openapi.json", s.handle(s.openAPI)).Methods(get...)

	r.Handle("/api/search", s.searching(s.apiSearch)).Methods(get...)
	r.Handle("/api/suggest", s.searching(s.apiSuggest)).Methods(get...)
	r.Handle("/api/answers", s.searching(s.apiAnswers)).Methods(get...)
	r.Handle("/api/topics", s.searching(s.apiTopics)).Methods(get...)
	r.Handle("/api/topics/{topic}", s.searching(s.apiTopic)).Methods(get...)
	r.Handle("/feeds/search.atom", s.searching(s.feedSearch)).Methods(get...)

	r.Handle("/api/documents", s.write(s.apiPostDocuments)).Methods(http.MethodPost)
	r.Handle("/api/ingest", s.write(s.apiIngest)).Methods(http.MethodPost)
	// Related and source come first: document ids may contain "/".
	r.Handle("/api/documents/{id:.+}/related", s.searching(byID(s.apiRelated))).Methods(get...)
	r.Handle("/api/documents/{id:.+}/citation", s.handle(byID(s.apiCitation))).Methods(get...)
	r.Handle("/api/documents/{id:.+}/source", s.handle(byID(s.apiSource))).Methods(get...)
	r.Handle("/api/documents/{id:.+}/undelete", s.write(byID(s.apiUndelete))).Methods(http.MethodPost)
	r.Handle("/api/trash", s.admin(s.apiTrash)).Methods(get...)
	r.Handle("/api/admin/backup", s.admin(s.apiBackup)).Methods(get...)
	r.Handle("/api/documents/{id:.+}", s.handle(byID(s.apiDocument))).Methods(get...)
	r.Handle("/api/documents/{id:.+}", s.write(byID(s.apiPutDocument))).Methods(http.MethodPut)
	r.Handle("/api/documents/{id:.+}", s.write(byID(s.apiDeleteDocument))).Methods(http.MethodDelete)

	s.uiRoutes(r)
}

// ServeHTTP serves a request.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "strict-origin-when-cross-origin")
	h.Set("Content-Security-Policy", "default-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'")
	w = s.clusterWriter(w)
	if !s.originGuard(w, r) {
		return
	}
	s.router.ServeHTTP(w, r)
}

// memberToken reports whether tok is the read token or the write token.
// Both are compared, in constant time, whatever matches.
func (s *Server) memberToken(tok string) bool {
	ok := false
	for _, want := range []string{s.cfg.ReadToken, s.cfg.Token} {
		if want != "" && tokenEqual(tok, want) {
			ok = true
		}
	}
	return ok
}

// tokenEqual compares a presented token with a configured one in constant
// time. Comparing digests keeps the configured token's length secret too.
func tokenEqual(got, want string) bool {
	a, b := sha256.Sum256([]byte(got)), sha256.Sum256([]byte(want))
	return subtle.ConstantTimeCompare(a[:], b[:]) == 1
}

// handlerFunc is a handler that returns its error for handle to render.
type handlerFunc func(w http.ResponseWriter, r *http.Request) error

// handle adapts a handlerFunc: errors become JSON error responses with the
// status their kind maps to, and panics become 500s without killing the
// process.
func (s *Server) handle(h handlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if p := recover(); p != nil {
				if p == http.ErrAbortHandler {
					panic(p)
				}
				s.log.Error("panic in handler", "path", r.URL.Path, "panic", p)
				s.writeError(w, r, errors.New("internal error"))
			}
		}()
		if err := h(w, r); err != nil {
			s.writeError(w, r, err)
		}
	})
}

// searching wraps a handler that searches: the per-client search rate
// limit and the bound on concurrent searches apply.
func (s *Server) searching(h handlerFunc) http.Handler {
	return s.handle(s.rateLimited(s.searchLim, s.bounded(h)))
}

// write wraps a write handler with the auth check, the write rate limit
// and the body cap.
func (s *Server) write(h handlerFunc) http.Handler {
	return s.handle(s.rateLimited(s.writeLim, func(w http.ResponseWriter, r *http.Request) error {
		if err := s.authorize(r); err != nil {
			return unauthorized(w, err)
		}
		r.Body = http.MaxBytesReader(w, r.Body, s.cfg.MaxBodyBytes)
		return h(w, r)
	}))
}

// admin wraps an administrative handler (backup, trash): it needs what
// checkAdmin says, and also works on a read-only server.
func (s *Server) admin(h handlerFunc) http.Handler {
	return s.handle(func(w http.ResponseWriter, r *http.Request) error {
		if s.w == nil {
			return &apiError{status: http.StatusNotFound, code: "not_found", msg: "no such endpoint: " + r.URL.Path}
		}
		if err := s.checkAdmin(r); err != nil {
			return unauthorized(w, err)
		}
		return h(w, r)
	})
}

// authorize decides whether r may write.
func (s *Server) authorize(r *http.Request) error {
	if s.cfg.ReadOnly {
		return &apiError{status: http.StatusForbidden, code: "read_only", msg: "this server is read-only"}
	}
	// With only a read token, loopback writers could overwrite or probe
	// members-only documents that only token holders may see.
	if decided, err := s.checkWriteToken(r, "writes need", ""); decided {
		return err
	}
	return s.checkToken(r)
}

// checkToken admits a request with the configured bearer token, or from
// loopback when no token is configured.
func (s *Server) checkToken(r *http.Request) error {
	if s.cfg.Token != "" {
		auth := r.Header.Get("Authorization")
		tok, ok := strings.CutPrefix(auth, "Bearer ")
		if !ok || strings.TrimSpace(tok) == "" {
			return &apiError{status: http.StatusUnauthorized, code: "unauthorized", msg: "this needs an Authorization: Bearer token"}
		}
		if !tokenEqual(strings.TrimSpace(tok), s.cfg.Token) {
			return &apiError{status: http.StatusUnauthorized, code: "unauthorized", msg: "the bearer token is not valid"}
		}
		return nil
	}
	if !isLoopback(r.RemoteAddr) {
		return forbidden("without a configured token, writes are accepted from this machine only")
	}
	return nil
}

func isLoopback(remoteAddr string) bool {
	host, _, err := net.SplitHostPort(remoteAddr)
	if err != nil {
		host = remoteAddr
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// apiError is an error with the HTTP status and code a client sees.
type apiError struct {
	status int
	code   string
	msg    string
	field  string
	extra  map[string]any
	// retryAfter, in seconds, is sent as Retry-After when set.
	retryAfter int
}

func (e *apiError) Error() string { return e.msg }

// topicNotFoundError is a topic's page or feed for a topic no document
// has.
type topicNotFoundError struct{ topic string }

func (e *topicNotFoundError) Error() string {
	return "no documents have the topic " + strconv.Quote(e.topic)
}

// checkTopic returns a topicNotFoundError when res, the answer to req
// for a topic's documents, shows that no document has the topic: nothing
// found with the topic as the only condition.
func checkTopic(topic string, req search.Request, res *search.Result) error {
	if res.Total == 0 && strings.TrimSpace(req.Query) == "" && len(req.Filters) == 1 && req.From == "" && req.To == "" {
		return &topicNotFoundError{topic}
	}
	return nil
}

// errorStatus maps an error to the error a client sees. Unknown errors are
// internal: the client gets a generic message, the log the full chain.
func errorStatus(err error) *apiError {
	var ae *apiError
	var ir *search.InvalidRequestError
	var id *search.InvalidError
	var mb *http.MaxBytesError
	var nt *topicNotFoundError
	switch {
	case errors.As(err, &ae):
		return ae
	case errors.As(err, &nt):
		return &apiError{status: http.StatusNotFound, code: "not_found", msg: nt.Error()}
	case errors.As(err, &ir):
		return &apiError{status: http.StatusBadRequest, code: "invalid_parameter", msg: ir.Error(), field: ir.Param}
	case errors.As(err, &id):
		return &apiError{status: http.StatusUnprocessableEntity, code: "invalid_document", msg: id.Error(), field: id.Field}
	case errors.As(err, &mb):
		return &apiError{status: http.StatusRequestEntityTooLarge, code: "too_large", msg: "the request body is larger than the limit of " + byteCount(mb.Limit)}
	case errors.Is(err, search.ErrNotReady):
		return &apiError{status: http.StatusServiceUnavailable, code: "not_ready", msg: search.ErrNotReady.Error(), retryAfter: 5}
	case errors.Is(err, search.ErrNoQuorum):
		return &apiError{status: http.StatusServiceUnavailable, code: "no_quorum", msg: search.ErrNoQuorum.Error(), retryAfter: 2}
	case errors.Is(err, search.ErrUnsupported):
		return &apiError{status: http.StatusNotImplemented, code: "not_supported", msg: err.Error()}
	case errors.Is(err, search.ErrConflict):
		return &apiError{status: http.StatusConflict, code: "conflict", msg: err.Error()}
	case errors.Is(err, search.ErrNotFound):
		return &apiError{status: http.StatusNotFound, code: "not_found", msg: "document not found"}
	case errors.Is(err, context.DeadlineExceeded):
		return errTimeout
	case errors.Is(err, context.Canceled):
		// Nobody reads the answer; 499 (nginx's "client closed request")
		// keeps it apart from the server's failures in the metrics.
		return &apiError{status: statusClientClosed, code: "canceled", msg: "the request was cancelled"}
	}
	return &apiError{status: http.StatusInternalServerError, code: "internal", msg: "internal error"}
}

// statusClientClosed is the status logged for a request whose client
// went away before the answer.
const statusClientClosed = 499

// logFailure logs a request that failed with err (ae as errorStatus maps
// it): a client that went away at info, a search past its deadline as a
// warning, other server errors as errors; not_ready and busy are the
// server protecting itself and are not logged here.
func (s *Server) logFailure(r *http.Request, msg string, ae *apiError, err error) {
	switch {
	case ae.code == "canceled":
		s.log.Info("request cancelled by the client", "method", r.Method, "path", r.URL.Path, "client", clientIP(r))
	case ae.code == "timeout":
		s.log.Warn("search deadline exceeded", "method", r.Method, "path", r.URL.Path, "query", r.URL.Query().Get("q"),
			"timeout", s.cfg.Limits.SearchTimeout, "client", clientIP(r))
	case ae.status >= 500 && ae.code != "not_ready" && ae.code != "busy" && ae.code != "no_quorum":
		s.log.Error(msg, "method", r.Method, "path", r.URL.Path, "err", err)
	}
}

func (s *Server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	ae := errorStatus(err)
	s.logFailure(r, "request failed", ae, err)
	e := map[string]any{"code": ae.code, "message": ae.msg}
	if ae.field != "" {
		e["field"] = ae.field
	}
	if ae.retryAfter > 0 {
		w.Header().Set("Retry-After", itoa(int64(ae.retryAfter)))
	}
	body := map[string]any{"error": e}
	for k, v := range ae.extra {
		body[k] = v
	}
	writeJSON(w, ae.status, body)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		status = http.StatusInternalServerError
		b = []byte(`{"error":{"code":"internal","message":"internal error"}}`)
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	w.Write(append(b, '\n'))
}

func byteCount(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return itoa(n>>20) + " MiB"
	case n >= 1<<10 && n%(1<<10) == 0:
		return itoa(n>>10) + " KiB"
	}
	return itoa(n) + " bytes"
}
