package web_test

import (
	"context"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/fundus-kb/fundus/indexer"
	"github.com/fundus-kb/fundus/search"
	"github.com/fundus-kb/fundus/web"
)

// membersDoc is a members-only document for the sign-in tests.
const membersDoc = `{"id":"intern/strategie","title":"Interne Strategie zur Innovationskultur","visibility":"members","topics":["Geheimthema"],"body":"Nur für Mitglieder: Innovationskultur im Detail."}`

// membersServer is a server with a read token "r", a write token "w" and
// the members-only document.
func membersServer(t *testing.T) (http.Handler, *indexer.KB) {
	t.Helper()
	h, kb := newServer(t, web.Config{Token: "w", ReadToken: "r"})
	res, err := kb.IngestBytes(context.Background(), "intern.json", []byte(membersDoc), "")
	if err != nil || res[0].Status != search.Added {
		t.Fatalf("%v %v", res, err)
	}
	return h, kb
}

// postForm posts form fields like a browser on this site would, from the
// given client address. Unless form has a "csrf" field, it first gets the
// CSRF cookie and token from the sign-in page and sends them along.
func postForm(t testing.TB, h http.Handler, target string, form url.Values, header map[string]string) *httptest.ResponseRecorder {
	t.Helper()
	hd := map[string]string{"Content-Type": "application/x-www-form-urlencoded"}
	maps.Copy(hd, header)
	if !form.Has("csrf") {
		cookie, token := formToken(t, h)
		f := url.Values{"csrf": {token}}
		maps.Copy(f, form)
		form = f
		if cookie != "" {
			if hd["Cookie"] != "" {
				cookie = hd["Cookie"] + "; " + cookie
			}
			hd["Cookie"] = cookie
		}
	}
	return do(t, h, "POST", target, strings.NewReader(form.Encode()), hd).ResponseRecorder
}

// formToken gets a fresh CSRF cookie ("name=value", "" when none is set)
// and the token of the sign-in page's form, as a browser opening the page
// would.
func formToken(t testing.TB, h http.Handler) (cookie, token string) {
	t.Helper()
	r, doc := getPage(t, h, "/signin", nil)
	token = doc.Find("form.signin-form input[type=hidden][name=csrf]").AttrOr("value", "")
	for _, c := range r.Result().Cookies() {
		if c.Name == "fundus_csrf" {
			cookie = c.Name + "=" + c.Value
		}
	}
	return cookie, token
}

// sessionCookie returns the session cookie a response sets, or nil.
func sessionCookie(rec *httptest.ResponseRecorder) *http.Cookie {
	for _, c := range rec.Result().Cookies() {
		if c.Name == "fundus_session" {
			return c
		}
	}
	return nil
}

// signIn signs in with tok and returns the Cookie header to send.
func signIn(t testing.TB, h http.Handler, tok string) string {
	t.Helper()
	rec := postForm(t, h, "/signin", url.Values{"token": {tok}, "next": {"/search?q=Innovationskultur"}}, nil)
	c := sessionCookie(rec)
	if rec.Code != http.StatusSeeOther || c == nil {
		t.Fatalf("sign-in with %q: status %d, cookie %v: %.300s", tok, rec.Code, c, rec.Body.String())
	}
	return c.Name + "=" + c.Value
}

// seesMembersDoc reports whether a search answered with header finds the
// members-only document.
func seesMembersDoc(t testing.TB, h http.Handler, header map[string]string) bool {
	t.Helper()
	r := do(t, h, "GET", "/api/search?q=Innovationskultur", nil, header)
	if r.Code != 200 {
		t.Fatalf("search: %d", r.Code)
	}
	return strings.Contains(r.Body.String(), "intern/strategie")
}

func TestSignin(t *testing.T) {
	h, _ := membersServer(t)

	t.Run("the form", func(t *testing.T) {
		r, doc := getPage(t, h, "/signin?next=/topics", nil)
		wantStatus(t, r, 200)
		if got := doc.Find("main h1").Text(); got != "Anmelden" {
			t.Errorf("h1 %q", got)
		}
		form := doc.Find("main form.signin-form")
		if form.AttrOr("method", "") != "post" || form.AttrOr("action", "") != "/signin" {
			t.Errorf("form %s %s", form.AttrOr("method", ""), form.AttrOr("action", ""))
		}
		if form.Find("input#token[type=password][name=token]").Length() != 1 {
			t.Error("no password field named token")
		}
		if got := form.Find("input[type=hidden][name=next]").AttrOr("value", ""); got != "/topics" {
			t.Errorf("next %q", got)
		}
		if got := r.Header().Get("Cache-Control"); got != "no-store" {
			t.Errorf("Cache-Control %q", got)
		}
		// The header has no sign-in link on the sign-in page itself.
		if doc.Find("header .signin-link").Length() != 0 {
			t.Error("sign-in link on the sign-in page")
		}
		_, en := getPage(t, h, "/signin", map[string]string{"Accept-Language": "en"})
		if got := en.Find("main h1").Text(); got != "Sign in" {
			t.Errorf("English h1 %q", got)
		}
		if got := en.Find("label[for=token]").Text(); got != "Access token" {
			t.Errorf("English label %q", got)
		}
	})

	t.Run("header links to the sign-in and back", func(t *testing.T) {
		_, doc := getPage(t, h, "/search?q=Innovationskultur", nil)
		a := doc.Find("header a.signin-link")
		if a.Text() != "Anmelden" || a.AttrOr("href", "") != "/signin?next="+url.QueryEscape("/search?q=Innovationskultur") {
			t.Errorf("sign-in link %q → %q", a.Text(), a.AttrOr("href", ""))
		}
		if doc.Find(".members-marker, form.signout-form").Length() != 0 {
			t.Error("signed-out page shows the members marker or the sign-out button")
		}
	})

	t.Run("wrong token", func(t *testing.T) {
		for _, tok := range []string{"", "x", "rr", "R", "Bearer r"} {
			rec := postForm(t, h, "/signin", url.Values{"token": {tok}}, map[string]string{"RemoteAddr": "192.0.2.1:1"})
			if rec.Code != http.StatusUnauthorized || sessionCookie(rec) != nil {
				t.Errorf("token %q: status %d, cookie %v", tok, rec.Code, sessionCookie(rec))
			}
			if !strings.Contains(rec.Body.String(), "Die Anmeldung ist fehlgeschlagen") {
				t.Errorf("token %q: no generic error message", tok)
			}
		}
	})

	t.Run("read token", func(t *testing.T) {
		rec := postForm(t, h, "/signin", url.Values{"token": {"r"}, "next": {"/search?q=Innovationskultur"}}, nil)
		if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/search?q=Innovationskultur" {
			t.Fatalf("status %d, Location %q", rec.Code, rec.Header().Get("Location"))
		}
		c := sessionCookie(rec)
		if c == nil {
			t.Fatal("no session cookie")
		}
		if !c.HttpOnly || c.SameSite != http.SameSiteStrictMode || c.Path != "/" || c.Secure || c.MaxAge <= 0 {
			t.Errorf("cookie %+v: want HttpOnly, SameSite=Strict, Path=/, not Secure without TLS, a lifetime", c)
		}
		if len(c.Value) != 43 {
			t.Errorf("session id %q: want 32 random bytes in base64url", c.Value)
		}
		cookie := map[string]string{"Cookie": c.Name + "=" + c.Value}
		if !seesMembersDoc(t, h, cookie) {
			t.Error("signed in, the members-only document is not found")
		}
		if seesMembersDoc(t, h, nil) {
			t.Error("the members-only document is found without signing in")
		}
		r, doc := getPage(t, h, "/documents/intern/strategie", cookie)
		if r.Code != 200 || doc.Find(".badge-members").Length() != 1 {
			t.Errorf("members-only document page: %d", r.Code)
		}
		if got := doc.Find("header .members-marker [aria-hidden]").Text(); got != "Mitglieder" {
			t.Errorf("members marker %q", got)
		}
		out := doc.Find("header form.signout-form")
		if out.AttrOr("action", "") != "/signout" || out.AttrOr("method", "") != "post" || strings.TrimSpace(out.Find("button").Text()) != "Abmelden" {
			t.Errorf("sign-out form %q", out.Text())
		}
		if got := r.Header().Get("Cache-Control"); got != "private" {
			t.Errorf("Cache-Control of a members page %q, want private", got)
		}
		_, en := getPage(t, h, "/", map[string]string{"Cookie": cookie["Cookie"], "Accept-Language": "en"})
		if en.Find("header .members-marker [aria-hidden]").Text() != "Members" || strings.TrimSpace(en.Find("header form.signout-form button").Text()) != "Sign out" {
			t.Errorf("English header %q", en.Find("header .header-tools").Text())
		}
		_, in := getPage(t, h, "/signin", cookie)
		if in.Find("main form[action='/signout']").Length() != 1 {
			t.Error("the sign-in page of a signed-in user offers no sign-out")
		}
	})

	t.Run("write token", func(t *testing.T) {
		cookie := signIn(t, h, "w")
		if !seesMembersDoc(t, h, map[string]string{"Cookie": cookie}) {
			t.Error("signed in with the write token, the members-only document is not found")
		}
	})

	t.Run("Secure over TLS", func(t *testing.T) {
		cookie, token := formToken(t, h)
		req := httptest.NewRequest("POST", "https://example.com/signin", strings.NewReader(url.Values{"token": {"r"}, "csrf": {token}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Cookie", cookie)
		req.RemoteAddr = "203.0.113.50:443"
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if c := sessionCookie(rec); c == nil || !c.Secure {
			t.Errorf("cookie over TLS %+v, want Secure", c)
		}
	})

	t.Run("forged and unknown cookies", func(t *testing.T) {
		for _, v := range []string{"x", strings.Repeat("A", 43), "r", "w"} {
			if seesMembersDoc(t, h, map[string]string{"Cookie": "fundus_session=" + v}) {
				t.Errorf("cookie %q admits", v)
			}
		}
	})

	t.Run("next stays on this site", func(t *testing.T) {
		for next, want := range map[string]string{
			"//evil.example/x":        "/",
			"https://evil.example/":   "/",
			"/\\evil.example":         "/",
			"/signin?next=/x":         "/",
			"/documents/a/b?x=1#frag": "/documents/a/b?x=1#frag",
		} {
			rec := postForm(t, h, "/signin", url.Values{"token": {"r"}, "next": {next}}, nil)
			if got := rec.Header().Get("Location"); got != want {
				t.Errorf("next %q: went to %q, want %q", next, got, want)
			}
		}
	})

	t.Run("sign out", func(t *testing.T) {
		cookie := signIn(t, h, "r")
		here := map[string]string{"Cookie": cookie, "Origin": "http://example.com"}
		// From another site: refused, and the session lives on.
		for _, hd := range []map[string]string{
			{"Origin": "https://evil.example"},
			{"Origin": "null"},
			{"Sec-Fetch-Site": "cross-site"},
			{"Sec-Fetch-Site": "same-site", "Origin": "http://example.com"},
		} {
			hd["Cookie"] = cookie
			rec := postForm(t, h, "/signout", nil, hd)
			if rec.Code != http.StatusForbidden || !strings.Contains(rec.Body.String(), "Anfrage abgelehnt") {
				t.Errorf("cross-site sign-out %v: status %d", hd, rec.Code)
			}
		}
		if !seesMembersDoc(t, h, map[string]string{"Cookie": cookie}) {
			t.Fatal("a refused sign-out ended the session")
		}
		rec := postForm(t, h, "/signout", url.Values{"next": {"/search?q=Innovationskultur"}}, here)
		if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/search?q=Innovationskultur" {
			t.Errorf("sign-out: status %d, Location %q", rec.Code, rec.Header().Get("Location"))
		}
		if c := sessionCookie(rec); c == nil || c.MaxAge >= 0 || c.Value != "" {
			t.Errorf("sign-out does not clear the cookie: %+v", c)
		}
		// A browser that kept the cookie gains nothing: the session is over.
		if seesMembersDoc(t, h, map[string]string{"Cookie": cookie}) {
			t.Error("the ended session still admits")
		}
		if r := do(t, h, "GET", "/signout", nil, nil); r.Code != http.StatusSeeOther || r.Header().Get("Location") != "/signin" {
			t.Errorf("GET /signout: %d %q", r.Code, r.Header().Get("Location"))
		}
	})

	t.Run("same-origin checks pass", func(t *testing.T) {
		for _, hd := range []map[string]string{
			{"Origin": "http://example.com"},
			{"Sec-Fetch-Site": "same-origin", "Origin": "http://example.com"},
			{"Sec-Fetch-Site": "none"},
			{},
		} {
			if rec := postForm(t, h, "/signin", url.Values{"token": {"r"}}, hd); rec.Code != http.StatusSeeOther {
				t.Errorf("sign-in with %v: status %d", hd, rec.Code)
			}
		}
		// Login CSRF: a form on another site cannot sign a browser in.
		if rec := postForm(t, h, "/signin", url.Values{"token": {"r"}}, map[string]string{"Origin": "https://evil.example"}); rec.Code != http.StatusForbidden || sessionCookie(rec) != nil {
			t.Errorf("cross-site sign-in: status %d", rec.Code)
		}
	})
}

// TestSigninRateLimit runs on a stopped clock: at five forgiven failures a
// minute, a slow machine could otherwise see one forgiven mid-test.
func TestSigninRateLimit(t *testing.T) {
	h, _ := serverWith(t, web.Config{Token: "w", ReadToken: "r", Now: stoppedClock}, membersDoc)
	for _, client := range []string{"198.51.100.7:1000", "127.0.0.1:2000"} {
		t.Run(client, func(t *testing.T) {
			from := map[string]string{"RemoteAddr": client}
			// Successful sign-ins do not count.
			for range 8 {
				if rec := postForm(t, h, "/signin", url.Values{"token": {"r"}}, from); rec.Code != http.StatusSeeOther {
					t.Fatalf("sign-in: status %d", rec.Code)
				}
			}
			for i := range 5 {
				if rec := postForm(t, h, "/signin", url.Values{"token": {"guess"}}, from); rec.Code != http.StatusUnauthorized {
					t.Fatalf("failure %d: status %d", i+1, rec.Code)
				}
			}
			// Now even the right token is refused: guessing gets no answer.
			for _, tok := range []string{"guess", "r"} {
				rec := postForm(t, h, "/signin", url.Values{"token": {tok}}, from)
				if rec.Code != http.StatusTooManyRequests || rec.Header().Get("Retry-After") == "" || sessionCookie(rec) != nil {
					t.Errorf("token %q after 5 failures: status %d, Retry-After %q", tok, rec.Code, rec.Header().Get("Retry-After"))
				}
				if !strings.Contains(rec.Body.String(), "Zu viele fehlgeschlagene Versuche") {
					t.Errorf("no message: %.300s", rec.Body.String())
				}
			}
		})
	}
	// Other clients are not affected.
	if rec := postForm(t, h, "/signin", url.Values{"token": {"r"}}, map[string]string{"RemoteAddr": "203.0.113.9:1"}); rec.Code != http.StatusSeeOther {
		t.Errorf("another client: status %d", rec.Code)
	}
}

func TestSigninNotAvailable(t *testing.T) {
	h, _ := newServer(t, web.Config{})
	r, doc := getPage(t, h, "/signin", nil)
	if r.Code != http.StatusNotFound {
		t.Errorf("status %d, want 404", r.Code)
	}
	if got := doc.Find("main h1").Text(); got != "Anmeldung nicht verfügbar" {
		t.Errorf("h1 %q", got)
	}
	if doc.Find("input[type=password]").Length() != 0 {
		t.Error("a sign-in form without a token to sign in with")
	}
	if rec := postForm(t, h, "/signin", url.Values{"token": {""}}, nil); rec.Code != http.StatusNotFound || sessionCookie(rec) != nil {
		t.Errorf("POST: status %d", rec.Code)
	}
	_, home := getPage(t, h, "/", nil)
	if home.Find("header .signin-link, header .signout-form").Length() != 0 {
		t.Error("the header offers a sign-in that is not available")
	}
}
