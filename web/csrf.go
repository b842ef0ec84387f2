package web

// CSRF tokens of the web interface's forms (sign-in, sign-out).
//
// A signed double-submit cookie: the browser holds a random value in the
// cookie fundus_csrf (HttpOnly, SameSite=Lax, Secure over TLS), and each
// form carries HMAC-SHA256(key, value) in its hidden field "csrf". The key
// is drawn at start-up, so a restart invalidates open forms; the refusal
// page says to reload. Signing means a cookie planted from a neighbouring
// subdomain is worthless without a token this server issued for it. The
// token is needed before a session exists (sign-in), which is why it is
// bound to a cookie of its own rather than to the session. It backs up the
// cross-site rule of origin.go for browsers that send no Origin.

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
)

const (
	// csrfCookie holds the browser's random value; csrfField is the form
	// field with its signature.
	csrfCookie = "fundus_csrf"
	csrfField  = "csrf"
	csrfLen    = 43 // 32 bytes, base64url without padding
)

// errCSRF refuses a form without a valid token.
var errCSRF = &apiError{status: http.StatusForbidden, code: "csrf", msg: "the form's security token is missing or out of date: reload the page and send the form again"}

// csrfSign is the form token for the cookie value v.
func (s *Server) csrfSign(v string) string {
	m := hmac.New(sha256.New, s.csrfKey[:])
	m.Write([]byte("fundus csrf\x00" + v))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// csrfToken returns the form token of the browser that sent r, setting
// its cookie first when it has none. It must run before the response's
// header is written (pages render into a buffer, so templates may call
// it).
func (s *Server) csrfToken(w http.ResponseWriter, r *http.Request) string {
	if c, err := r.Cookie(csrfCookie); err == nil && len(c.Value) == csrfLen {
		return s.csrfSign(c.Value)
	}
	var b [32]byte
	rand.Read(b[:]) // never fails (crypto/rand crashes the program instead)
	v := base64.RawURLEncoding.EncodeToString(b[:])
	http.SetCookie(w, &http.Cookie{
		Name: csrfCookie, Value: v, Path: "/",
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: secureRequest(r),
	})
	return s.csrfSign(v)
}

// checkCSRF checks the token of a parsed form against the cookie.
func (s *Server) checkCSRF(r *http.Request) error {
	c, err := r.Cookie(csrfCookie)
	if err != nil || len(c.Value) != csrfLen {
		return errCSRF
	}
	got := r.PostForm.Get(csrfField)
	if !hmac.Equal([]byte(got), []byte(s.csrfSign(c.Value))) {
		return errCSRF
	}
	return nil
}
