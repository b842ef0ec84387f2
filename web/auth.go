package web

// Who may do what, and what a failed authentication costs.
//
// # Tokens
//
// The write token (Config.Token) admits writes, administration (backup,
// trash), metrics and members-only documents; the read token
// (Config.ReadToken) admits members-only documents only. A server without
// a write token accepts writes from loopback clients only, and
// administration and metrics from loopback clients only when it has no read
// token and holds no members-only documents: behind a reverse proxy every
// client is loopback, and a backup or the trash would hand the hidden
// documents to anyone.
//
// # Failed authentications
//
// A bearer token that is neither token is not an error on a route that
// needs none: the request is served as public, exactly as without a token,
// so that the response does not tell a right token from a wrong one. But
// it counts, like a failed sign-in, against the client's network (its /24
// for IPv4, its /64 for IPv6, loopback included): beyond the burst, every
// request of that network that bears a bearer token, right or wrong, and
// every sign-in, gets 429 until the bucket refills. Requests without a
// token are not affected. Session cookies are not counted: their ids are
// random 256-bit values, and a restart ends every session.
//
// Responses to routes that need no token carry the same caching headers
// whoever asks: dynamic responses are "Cache-Control: private" with
// "Vary: Authorization, Cookie".
//
// # Query strings
//
// A query string that url.ParseQuery cannot read whole (a bad escape, a
// semicolon, more parameters than it accepts) is a 400 on every route:
// handlers read parameters with r.URL.Query(), which drops what it cannot
// parse and would silently switch filters off.

import (
	"math"
	"net/http"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/fundus-kb/fundus/search"
)

// maxQueryParams is the most query parameters a request may have
// (url.ParseQuery's own limit).
const maxQueryParams = 10000

// authenticate is router middleware: it settles whether the request sees
// members-only documents, counts a wrong bearer token as a failed
// authentication, refuses a token from a network beyond its failure limit,
// and sets the caching headers that do not depend on either.
func (s *Server) authenticate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !strings.HasPrefix(r.URL.Path, "/static/") {
			h := w.Header()
			// What members see is theirs: no shared cache may keep it.
			// Everyone gets these headers, so they reveal nothing.
			h.Set("Cache-Control", "private")
			h.Set("Vary", "Authorization, Cookie")
		}
		members, err := s.membersRequest(r)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		if members {
			r = r.WithContext(search.WithMembers(r.Context()))
		}
		next.ServeHTTP(w, r)
	})
}

// fail answers a request refused before its handler: JSON on the API, an
// error page elsewhere.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	if isAPIPath(r.URL.Path) {
		s.writeError(w, r, err)
		return
	}
	s.page(func(http.ResponseWriter, *http.Request, *view) error { return err }).ServeHTTP(w, r)
}

// checkQuery is router middleware that refuses a query string it cannot
// parse whole, naming what is wrong with it.
func (s *Server) checkQuery(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := queryError(r.URL.RawQuery); err != nil {
			s.fail(w, r, err)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// queryError says why raw is not a query string every handler can read.
func queryError(raw string) error {
	if raw == "" {
		return nil
	}
	if n := strings.Count(raw, "&") + 1; n > maxQueryParams {
		return &apiError{status: http.StatusBadRequest, code: "invalid_parameter", field: "query",
			msg: "the query string has " + strconv.Itoa(n) + " parameters; at most " + strconv.Itoa(maxQueryParams) + " are allowed"}
	}
	if _, err := url.ParseQuery(raw); err != nil {
		msg := err.Error()
		if strings.Contains(msg, "semicolon") {
			msg += " (separate parameters with &, and write a semicolon in a value as %3B)"
		}
		return &apiError{status: http.StatusBadRequest, code: "invalid_parameter", field: "query",
			msg: "the query string cannot be read: " + msg}
	}
	return nil
}

// bearer returns the request's bearer token, if it has one.
func bearer(r *http.Request) (string, bool) {
	tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	tok = strings.TrimSpace(tok)
	return tok, ok && tok != ""
}

// membersRequest reports whether r is admitted to members-only documents:
// it bears the read token or the write token, or the cookie of a valid web
// session. A bearer token that is neither is a failed authentication; the
// error is a 429 when the client's network is beyond its limit of them.
func (s *Server) membersRequest(r *http.Request) (bool, error) {
	tok, ok := bearer(r)
	if !ok || s.signinLim == nil {
		// Without a configured token there is nothing to guess.
		return s.signedIn(r), nil
	}
	cn := clientNet(r)
	if s.memberToken(tok) {
		// A right token still waits while its network is limited: a
		// guess must not be told apart by the answer.
		if wait := s.signinLim.exhausted(cn); wait > 0 {
			return false, authLimited(wait)
		}
		return true, nil
	}
	if ok, wait, _ := s.signinLim.take(cn); !ok {
		return false, authLimited(wait)
	}
	s.log.Warn("bearer token not valid; serving the request as public", "client", clientIP(r), "path", r.URL.Path)
	return s.signedIn(r), nil
}

// authLimited refuses a client network beyond its failed authentications.
func authLimited(wait time.Duration) error {
	secs := max(1, int(math.Ceil(wait.Seconds())))
	return &apiError{status: http.StatusTooManyRequests, code: "rate_limited",
		msg: "too many failed authentications from your network; retry in " + strconv.Itoa(secs) + " s", retryAfter: secs}
}

// clientNet is the network a client's failed authentications are counted
// for: its /24 for IPv4, its /64 for IPv6. A guesser cannot escape the
// limit by moving to a neighbouring address.
func clientNet(r *http.Request) string {
	ip, err := netip.ParseAddr(clientIP(r))
	if err != nil {
		return clientIP(r)
	}
	ip = ip.Unmap().WithZone("")
	bits := 64
	if ip.Is4() {
		bits = 24
	}
	p, err := ip.Prefix(bits)
	if err != nil {
		return ip.String()
	}
	return p.String()
}

// checkAdmin decides whether r may use an administrative endpoint
// (backup, trash), which hands out members-only documents too.
func (s *Server) checkAdmin(r *http.Request) error {
	if decided, err := s.checkWriteToken(r, "administration needs", ""); decided {
		return err
	}
	if err := s.checkToken(r); err != nil {
		return err
	}
	n, err := s.w.MembersOnly()
	if err != nil {
		return err
	}
	if n > 0 {
		return forbidden("this server holds members-only documents, and administration would hand them out: restart it with --token (or FUNDUS_API_TOKEN) and use that token")
	}
	return nil
}

// checkMetrics decides whether r may read /metrics: with the write token,
// or from loopback on a server without tokens.
func (s *Server) checkMetrics(r *http.Request) error {
	if decided, err := s.checkWriteToken(r, "metrics need", ", or serve metrics on --metrics-addr"); decided {
		return err
	}
	if !isLoopback(r.RemoteAddr) {
		return forbidden("without a configured token, metrics are served to this machine only")
	}
	return nil
}

// checkWriteToken decides r for what needs the write token, on a server
// that has one (r must bear it) or has only a read token (r is refused;
// the message starts with need and ends with alternative). On a server
// without tokens it decides nothing: the caller does.
func (s *Server) checkWriteToken(r *http.Request, need, alternative string) (decided bool, err error) {
	switch {
	case s.cfg.Token != "":
		return true, s.checkToken(r)
	case s.cfg.ReadToken != "":
		return true, forbidden(need + " the write token, and this server has only a read token: restart it with --token (or FUNDUS_API_TOKEN)" + alternative)
	}
	return false, nil
}

// forbidden is a 403 with msg.
func forbidden(msg string) error {
	return &apiError{status: http.StatusForbidden, code: "forbidden", msg: msg}
}

// unauthorized marks a 401 with the challenge RFC 6750 asks for.
func unauthorized(w http.ResponseWriter, err error) error {
	if ae, ok := err.(*apiError); ok && ae.status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="fundus"`)
	}
	return err
}
