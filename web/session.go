package web

// Sign-in for members-only documents in the web interface.
//
// A browser cannot send a bearer token, so /signin exchanges the read
// token (or the write token) for a session: a random 32-byte id in a
// cookie (HttpOnly, SameSite=Strict, Secure over TLS, Path=/), known to the
// server in an in-memory map with an expiry. A restart ends every session.
// /signout ends one. Both are POSTs guarded against cross-site requests:
// SameSite=Strict keeps the cookie off them, the cross-site rule of
// origin.go refuses them when the browser says they come from elsewhere,
// and their forms carry a CSRF token (csrf.go).
//
// Failed sign-ins are limited per client network (signinPerMinute; a /24
// or /64, see auth.go), loopback clients included: behind a reverse proxy
// every client is loopback. Wrong bearer tokens count against the same
// limit.
// Without a configured token there is nothing to sign in with, and
// /signin says so with a 404.

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"math"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

const (
	// sessionCookie holds the session id.
	sessionCookie = "fundus_session"
	// DefaultSessionTTL is how long a sign-in lasts unless
	// Config.SessionTTL says else.
	DefaultSessionTTL = 12 * time.Hour
	// DefaultMaxSessions bounds the sessions kept at once unless
	// Config.MaxSessions says else.
	DefaultMaxSessions = 10000
	// signinPerMinute and signinBurst limit failed sign-ins per client.
	signinPerMinute = 5.0
	signinBurst     = 5
	// maxFormBody caps the body of the sign-in and sign-out forms.
	maxFormBody = 8 << 10
	// sessionIDLen is the length of an encoded session id.
	sessionIDLen = 43 // 32 bytes, base64url without padding
)

// sessionStore keeps the live sessions: the SHA-256 of each id (so that
// the ids themselves are never kept) with its expiry.
type sessionStore struct {
	ttl time.Duration
	max int
	now func() time.Time

	mu    sync.Mutex
	m     map[[sha256.Size]byte]time.Time
	swept time.Time
}

func newSessionStore(ttl time.Duration, max int) *sessionStore {
	if ttl <= 0 {
		ttl = DefaultSessionTTL
	}
	if max <= 0 {
		max = DefaultMaxSessions
	}
	return &sessionStore{ttl: ttl, max: max, now: time.Now, m: map[[sha256.Size]byte]time.Time{}}
}

// create starts a session and returns its id and expiry. When the store is
// full, expired sessions go first, then the oldest.
func (st *sessionStore) create() (string, time.Time) {
	var b [32]byte
	rand.Read(b[:]) // never fails (crypto/rand crashes the program instead)
	id := base64.RawURLEncoding.EncodeToString(b[:])
	now := st.now()
	exp := now.Add(st.ttl)

	st.mu.Lock()
	defer st.mu.Unlock()
	if len(st.m) >= st.max || now.Sub(st.swept) > time.Minute {
		st.sweep(now)
	}
	for len(st.m) >= st.max {
		var oldest [sha256.Size]byte
		first := true
		var at time.Time
		for k, e := range st.m {
			if first || e.Before(at) {
				oldest, at, first = k, e, false
			}
		}
		delete(st.m, oldest)
	}
	st.m[sha256.Sum256([]byte(id))] = exp
	return id, exp
}

// sweep drops expired sessions; st.mu is held.
func (st *sessionStore) sweep(now time.Time) {
	for k, e := range st.m {
		if !now.Before(e) {
			delete(st.m, k)
		}
	}
	st.swept = now
}

// valid reports whether id names a live session.
func (st *sessionStore) valid(id string) bool {
	if len(id) != sessionIDLen {
		return false
	}
	k := sha256.Sum256([]byte(id))
	now := st.now()
	st.mu.Lock()
	defer st.mu.Unlock()
	exp, ok := st.m[k]
	if ok && !now.Before(exp) {
		delete(st.m, k)
		return false
	}
	return ok
}

// end ends the session id, if there is one.
func (st *sessionStore) end(id string) {
	k := sha256.Sum256([]byte(id))
	st.mu.Lock()
	delete(st.m, k)
	st.mu.Unlock()
}

// count is the number of sessions kept, expired ones included.
func (st *sessionStore) count() int {
	st.mu.Lock()
	defer st.mu.Unlock()
	return len(st.m)
}

// signinAvailable reports whether there is a token to sign in with.
func (s *Server) signinAvailable() bool { return s.sessions != nil }

// signedIn reports whether r carries the cookie of a live session.
func (s *Server) signedIn(r *http.Request) bool {
	if s.sessions == nil {
		return false
	}
	c, err := r.Cookie(sessionCookie)
	return err == nil && s.sessions.valid(c.Value)
}

// secureRequest reports whether the browser reached us over TLS: directly,
// or through a proxy that says so. (A client that claims TLS falsely only
// gets a cookie its browser will not send back over plain HTTP.)
func secureRequest(r *http.Request) bool {
	return r.TLS != nil || strings.EqualFold(strings.TrimSpace(r.Header.Get("X-Forwarded-Proto")), "https")
}

// setSessionCookie sets (or, with an empty id, clears) the session cookie.
func setSessionCookie(w http.ResponseWriter, r *http.Request, id string, exp time.Time) {
	c := &http.Cookie{
		Name: sessionCookie, Value: id, Path: "/",
		HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: secureRequest(r),
	}
	if id == "" {
		c.MaxAge = -1
	} else {
		c.Expires = exp
		c.MaxAge = max(1, int(time.Until(exp).Seconds()))
	}
	http.SetCookie(w, c)
}

// signinData is the data of signin.html.
type signinData struct {
	*view
	Heading string
	// Available is false when the server has no token to sign in with.
	Available bool
	// Error is why the last attempt failed.
	Error string
	// Next is the local path to go back to.
	Next string
	// Hours is how long a sign-in lasts.
	Hours int
}

// signinPage shows the sign-in form, or, when signed in, the sign-out
// button; a 404 page when sign-in is not available.
func (s *Server) signinPage(w http.ResponseWriter, r *http.Request, v *view) error {
	return s.renderSignin(w, r, v, http.StatusOK, "")
}

func (s *Server) renderSignin(w http.ResponseWriter, r *http.Request, v *view, status int, msg string) error {
	v.Page, v.Nav, v.HeaderSearch = "signin", "", false
	d := &signinData{view: v, Available: s.signinAvailable(), Error: msg, Next: signinNext(r.FormValue("next"))}
	d.Heading = v.T("signin.heading")
	if d.Available {
		d.Hours = max(1, int(s.sessions.ttl.Round(time.Hour)/time.Hour))
	} else {
		d.Heading = v.T("signin.unavailable.heading")
		status = http.StatusNotFound
	}
	v.Title = d.Heading
	w.Header().Set("Cache-Control", "no-store")
	s.render(w, r, v, "signin", status, d)
	return nil
}

// signin checks the posted token and starts a session.
func (s *Server) signin(w http.ResponseWriter, r *http.Request, v *view) error {
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBody)
	if !s.signinAvailable() {
		return s.renderSignin(w, r, v, http.StatusNotFound, "")
	}
	if err := r.ParseForm(); err != nil {
		return &apiError{status: http.StatusBadRequest, code: "invalid_form", msg: "the form could not be read"}
	}
	// Before the limiter: a stale form is not a failed guess.
	if err := s.checkCSRF(r); err != nil {
		return err
	}
	// The attempt takes a token up front and gives it back when it
	// succeeds: only failures count, and parallel guesses cannot slip
	// through between a check and the count.
	ok, wait, refund := s.signinLim.take(clientNet(r))
	if !ok {
		secs := max(1, int(math.Ceil(wait.Seconds())))
		w.Header().Set("Retry-After", strconv.Itoa(secs))
		s.log.Warn("sign-in refused: too many failures", "client", clientIP(r))
		return s.renderSignin(w, r, v, http.StatusTooManyRequests, v.T("signin.limited"))
	}
	if !s.memberToken(strings.TrimSpace(r.PostForm.Get("token"))) {
		s.log.Warn("sign-in failed", "client", clientIP(r))
		return s.renderSignin(w, r, v, http.StatusUnauthorized, v.T("signin.failed"))
	}
	refund()
	id, exp := s.sessions.create()
	setSessionCookie(w, r, id, exp)
	s.log.Info("signed in", "client", clientIP(r))
	w.Header().Set("Cache-Control", "no-store")
	http.Redirect(w, r, signinNext(r.PostForm.Get("next")), http.StatusSeeOther)
	return nil
}

// signout ends the session of the request, if any, clears the cookie and
// goes back to the page it came from.
func (s *Server) signout(w http.ResponseWriter, r *http.Request, v *view) error {
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBody)
	r.ParseForm()
	if err := s.checkCSRF(r); err != nil {
		return err
	}
	if c, err := r.Cookie(sessionCookie); err == nil && s.sessions != nil {
		s.sessions.end(c.Value)
	}
	setSessionCookie(w, r, "", time.Time{})
	w.Header().Set("Cache-Control", "no-store")
	http.Redirect(w, r, signinNext(r.PostForm.Get("next")), http.StatusSeeOther)
	return nil
}

// signinNext is where a sign-in or sign-out goes on to: next when it is a
// local path other than the sign-in page, else the home page.
func signinNext(next string) string {
	p := localPath(next)
	if p == "/signin" || strings.HasPrefix(p, "/signin?") {
		return "/"
	}
	return p
}

// signoutGet answers a GET of /signout (a typed or bookmarked address):
// signing out changes state, so it takes the button on /signin.
func (s *Server) signoutGet(w http.ResponseWriter, r *http.Request) {
	http.Redirect(w, r, "/signin", http.StatusSeeOther)
}
