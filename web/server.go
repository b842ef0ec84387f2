// Package web is Fundus's HTTP service: a JSON API over the knowledge base,
// routed with gorilla/mux. Handlers parse a request into a typed
// search.Request, call the knowledge base through small interfaces defined
// here, and render the result.
package web

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"time"

	"github.com/gorilla/mux"

	"github.com/fundus-kb/fundus/search"
)

// Searcher runs searches.
type Searcher interface {
	Search(ctx context.Context, r search.Request) (*search.Result, error)
}

// Documents looks documents up by id. A missing id is an error wrapping
// search.ErrNotFound.
type Documents interface {
	Document(ctx context.Context, id string) (*search.Document, error)
}

// Config configures the server.
type Config struct {
	Logger *slog.Logger
}

// Server serves the API.
type Server struct {
	cfg    Config
	log    *slog.Logger
	search Searcher
	docs   Documents
	router *mux.Router
}

// NewServer builds the server and its routes.
func NewServer(cfg Config, s Searcher, d Documents) *Server {
	logger := cfg.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	srv := &Server{cfg: cfg, log: logger, search: s, docs: d, router: mux.NewRouter()}
	srv.routes()
	return srv
}

// routes lists every route of the service.
func (s *Server) routes() {
	r := s.router
	r.UseEncodedPath()
	r.NotFoundHandler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.writeError(w, r, &apiError{status: http.StatusNotFound, code: "not_found", msg: "no such endpoint: " + r.URL.Path})
	})
	r.MethodNotAllowedHandler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.writeError(w, r, &apiError{status: http.StatusMethodNotAllowed, code: "method_not_allowed", msg: r.Method + " is not allowed on " + r.URL.Path})
	})
	r.Handle("/healthz", s.handle(s.healthz)).Methods(http.MethodGet, http.MethodHead)
	r.Handle("/api/search", s.handle(s.apiSearch)).Methods(http.MethodGet, http.MethodHead)
	r.Handle("/api/documents/{id:.+}", s.handle(s.apiDocument)).Methods(http.MethodGet, http.MethodHead)
}

// ServeHTTP serves a request.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.router.ServeHTTP(w, r) }

// handlerFunc is a handler that returns its error for handle to render.
type handlerFunc func(w http.ResponseWriter, r *http.Request) error

// handle adapts a handlerFunc: errors become JSON error responses with the
// status their kind maps to, and panics become 500s without killing the
// process.
func (s *Server) handle(h handlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if p := recover(); p != nil {
				s.log.Error("panic in handler", "path", r.URL.Path, "panic", p)
				s.writeError(w, r, errors.New("internal error"))
			}
		}()
		start := time.Now()
		if err := h(w, r); err != nil {
			s.writeError(w, r, err)
		}
		s.log.Debug("request", "method", r.Method, "path", r.URL.Path, "took", time.Since(start))
	})
}

// apiError is an error with the HTTP status and code a client sees.
type apiError struct {
	status int
	code   string
	msg    string
}

func (e *apiError) Error() string { return e.msg }

// errorStatus maps an error to its status, code and the message a client
// may see. Unknown errors are internal: the client gets a generic message,
// the log the full chain.
func errorStatus(err error) (int, string, string) {
	var ae *apiError
	var ir *search.InvalidRequestError
	var id *search.InvalidError
	switch {
	case errors.As(err, &ae):
		return ae.status, ae.code, ae.msg
	case errors.As(err, &ir):
		return http.StatusBadRequest, "invalid_parameter", ir.Error()
	case errors.As(err, &id):
		return http.StatusUnprocessableEntity, "invalid_document", id.Error()
	case errors.Is(err, search.ErrNotFound):
		return http.StatusNotFound, "not_found", "document not found"
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return http.StatusServiceUnavailable, "timeout", "the request was cancelled or timed out"
	}
	return http.StatusInternalServerError, "internal", "internal error"
}

func (s *Server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	status, code, msg := errorStatus(err)
	if status >= 500 {
		s.log.Error("request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	}
	writeJSON(w, status, map[string]any{"error": map[string]string{"code": code, "message": msg}})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		status = http.StatusInternalServerError
		b = []byte(`{"error":{"code":"internal","message":"internal error"}}`)
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	w.Write(append(b, '\n'))
}
