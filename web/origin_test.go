package web_test

import (
	"context"
	"encoding/xml"
	"errors"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/fundus-kb/fundus/indexer"
	"github.com/fundus-kb/fundus/search"
	"github.com/fundus-kb/fundus/web"
)

// victimID is a document of the test corpus that cross-site requests try
// to overwrite.
const victimID = "webinars/kultur"

// overwriteMarkdown is an upload that replaces victimID.
const overwriteMarkdown = "---\nid: " + victimID + "\ntitle: Pwned\n---\nOverwritten from another site.\n"

func victimTitle(t testing.TB, kb *indexer.KB) string {
	t.Helper()
	d, err := kb.Document(search.WithMembers(context.Background()), victimID)
	if err != nil {
		t.Fatalf("read %s: %v", victimID, err)
	}
	return d.Title
}

// TestCrossSiteWrites sends every kind of write with the headers a
// browser sends, through the real router of a server without a token,
// where the loopback client alone would be enough to write.
func TestCrossSiteWrites(t *testing.T) {
	h, kb := newServer(t, web.Config{})
	want := victimTitle(t, kb)

	refused := []map[string]string{
		{"Sec-Fetch-Site": "cross-site"},
		{"Sec-Fetch-Site": "same-site"},
		{"Sec-Fetch-Site": "cross-site", "Origin": "http://example.com"},
		{"Origin": "https://evil.example"},
		{"Origin": "null"},
		{"Origin": "http://example.com:8080"},
		{"Origin": "http://sub.example.com"},
		{"Origin": "file://"},
		{"Origin": ""},
		// X-Forwarded-Host does not make a foreign origin this server's.
		{"Origin": "https://evil.example", "X-Forwarded-Host": "evil.example"},
		{"Sec-Fetch-Site": "same-origin", "Origin": "https://evil.example"},
	}
	allowed := []map[string]string{
		{},
		{"Origin": "http://example.com"},
		{"Origin": "http://EXAMPLE.com"},
		{"Sec-Fetch-Site": "same-origin", "Origin": "http://example.com"},
		{"Sec-Fetch-Site": "none"},
	}
	type write struct {
		name, method, target string
		body                 func() (io.Reader, string)
		// ok is the status of the write when it is let through.
		ok int
	}
	// send sends wr, with the browser's headers hd, from loopback.
	send := func(t *testing.T, wr write, hd map[string]string) response {
		t.Helper()
		var body io.Reader
		header := maps.Clone(hd)
		if wr.body != nil {
			var ct string
			body, ct = wr.body()
			header["Content-Type"] = ct
		}
		return do(t, h, wr.method, wr.target, body, header)
	}
	writes := []write{
		{"ingest", "POST", "/api/ingest", func() (io.Reader, string) {
			return multipartBody(t, map[string]string{"kultur.md": overwriteMarkdown})
		}, 200},
		{"post a document", "POST", "/api/documents", func() (io.Reader, string) {
			return strings.NewReader(`{"id":"` + victimID + `","title":"Pwned","body":"x"}`), "application/json"
		}, 200},
		{"put a document", "PUT", "/api/documents/" + victimID, func() (io.Reader, string) {
			return strings.NewReader(`{"title":"Pwned","body":"x"}`), "application/json"
		}, 200},
		{"delete a document", "DELETE", "/api/documents/" + victimID, nil, 200},
		{"undelete", "POST", "/api/documents/" + victimID + "/undelete", nil, 0},
		{"method the API does not have", "PATCH", "/api/documents/" + victimID, nil, 405},
	}
	for _, wr := range writes {
		for _, hd := range refused {
			t.Run(wr.name+" refused "+headerString(hd), func(t *testing.T) {
				r := send(t, wr, hd)
				if code, msg, _ := errorOf(r); r.Code != http.StatusForbidden || code != "cross_site" {
					t.Errorf("status %d, code %q (%s); want 403 cross_site", r.Code, code, msg)
				}
				if got := victimTitle(t, kb); got != want {
					t.Fatalf("the document was changed: title %q, want %q", got, want)
				}
			})
		}
	}
	// The same writes with a browser's same-origin headers, or none, go
	// through (the token rules decide: here, a loopback client may write).
	for _, hd := range allowed {
		t.Run("allowed "+headerString(hd), func(t *testing.T) {
			for _, wr := range writes {
				r := send(t, wr, hd)
				code, msg, _ := errorOf(r)
				if wr.ok != 0 && r.Code != wr.ok {
					t.Errorf("%s: status %d (%s %s), want %d", wr.name, r.Code, code, msg, wr.ok)
				}
				if code == "cross_site" || r.Code == http.StatusMisdirectedRequest {
					t.Errorf("%s: refused as %d %s", wr.name, r.Code, code)
				}
			}
		})
	}
	t.Run("reads from other sites are answered", func(t *testing.T) {
		for _, m := range []string{"GET", "HEAD"} {
			r := do(t, h, m, "/api/search?q=Innovationskultur", nil, map[string]string{"Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example"})
			if r.Code != 200 {
				t.Errorf("%s: status %d", m, r.Code)
			}
		}
	})
	t.Run("a page of the interface refuses with a page", func(t *testing.T) {
		r, doc := pageRequest(t, h, "POST", "/signout", map[string]string{"Origin": "https://evil.example"})
		if r.Code != http.StatusForbidden || doc.Find("main h1").Text() != "Anfrage abgelehnt" {
			t.Errorf("status %d, h1 %q", r.Code, doc.Find("main h1").Text())
		}
	})
}

func headerString(h map[string]string) string {
	if len(h) == 0 {
		return "no browser headers"
	}
	var parts []string
	for k, v := range h {
		parts = append(parts, k+"="+v)
	}
	slices.Sort(parts)
	return strings.Join(parts, ",")
}

// TestCrossSiteIngestAndUndelete is the attack as reported: a page of
// another site posts a multipart form to a server without a token, whose
// only check was the loopback peer address.
func TestCrossSiteIngestAndUndelete(t *testing.T) {
	h, kb := newServer(t, web.Config{})
	want := victimTitle(t, kb)
	foreign := map[string]string{"Origin": "http://attacker.example:8000", "Sec-Fetch-Site": "cross-site", "RemoteAddr": "127.0.0.1:40000"}

	body, ct := multipartBody(t, map[string]string{"x.md": overwriteMarkdown})
	hd := map[string]string{"Content-Type": ct}
	for k, v := range foreign {
		hd[k] = v
	}
	if r := do(t, h, "POST", "/api/ingest", body, hd); r.Code != http.StatusForbidden {
		t.Errorf("ingest from another site: status %d, want 403: %s", r.Code, r.Body)
	}
	if got := victimTitle(t, kb); got != want {
		t.Fatalf("ingest from another site changed the document: %q", got)
	}
	// Only the Origin header, as an older browser sends it.
	body, ct = multipartBody(t, map[string]string{"x.md": overwriteMarkdown})
	if r := do(t, h, "POST", "/api/ingest", body, map[string]string{"Content-Type": ct, "Origin": "http://attacker.example:8000"}); r.Code != http.StatusForbidden {
		t.Errorf("ingest with a foreign Origin: status %d, want 403", r.Code)
	}

	// Undelete: the document is in the trash and stays there.
	if r := do(t, h, "DELETE", "/api/documents/"+victimID, nil, nil); r.Code != 200 {
		t.Fatalf("delete: %d %s", r.Code, r.Body)
	}
	if r := do(t, h, "POST", "/api/documents/"+victimID+"/undelete", nil, foreign); r.Code != http.StatusForbidden {
		t.Errorf("undelete from another site: status %d, want 403", r.Code)
	}
	if _, err := kb.Document(search.WithMembers(context.Background()), victimID); !errors.Is(err, search.ErrNotFound) {
		t.Errorf("after a refused undelete the document is back (err %v)", err)
	}
	// A script without browser headers still may (loopback, no token).
	if r := do(t, h, "POST", "/api/documents/"+victimID+"/undelete", nil, nil); r.Code != 200 {
		t.Errorf("undelete from a script: status %d %s", r.Code, r.Body)
	}
}

// hostRequest sends a GET (or method) with the given Host from loopback.
func hostRequest(t testing.TB, h http.Handler, method, host, target string, header map[string]string) *httptest.ResponseRecorder {
	t.Helper()
	hd := map[string]string{"Host": host}
	maps.Copy(hd, header)
	return do(t, h, method, target, nil, hd).ResponseRecorder
}

func TestHostAllowlist(t *testing.T) {
	kb := newKB(t)
	public := func(raw ...string) []*url.URL {
		var out []*url.URL
		for _, r := range raw {
			out = append(out, mustURL(t, web.ParsePublicURL, r))
		}
		return out
	}
	cases := []struct {
		name    string
		cfg     web.Config
		allowed []string
		refused []string
	}{
		{
			name:    "loopback listen address",
			cfg:     web.Config{ListenAddr: "127.0.0.1:8080"},
			allowed: []string{"127.0.0.1:8080", "localhost:8080", "LOCALHOST:8080", "localhost.:8080", "[::1]:8080"},
			refused: []string{"attacker.example:8080", "attacker.example", "localhost:9999", "127.0.0.1", "localhost", "10.0.0.5:8080", "127.0.0.2:8080", "example.com", ""},
		},
		{
			name:    "listening on port 80",
			cfg:     web.Config{ListenAddr: "127.0.0.1:80"},
			allowed: []string{"localhost", "127.0.0.1", "localhost:80"},
			refused: []string{"attacker.example", "localhost:8080"},
		},
		{
			name:    "listen address by name",
			cfg:     web.Config{ListenAddr: "kb.lan:8080"},
			allowed: []string{"kb.lan:8080", "localhost:8080"},
			refused: []string{"kb.lan:9090", "attacker.example:8080"},
		},
		{
			name:    "every interface",
			cfg:     web.Config{ListenAddr: "0.0.0.0:8080"},
			allowed: []string{"10.0.0.5:8080", "192.168.1.20:8080", "[fe80::1]:8080", "localhost:8080"},
			refused: []string{"attacker.example:8080", "10.0.0.5:9090", "10.0.0.5", "localhost:9090"},
		},
		{
			name:    "every interface, IPv6",
			cfg:     web.Config{ListenAddr: "[::]:8080"},
			allowed: []string{"10.0.0.5:8080", "[::1]:8080"},
			refused: []string{"rebind.attacker.example:8080"},
		},
		{
			name:    "public URLs",
			cfg:     web.Config{ListenAddr: "127.0.0.1:8080", PublicURLs: public("https://kb.example.org", "http://intranet.example:9000")},
			allowed: []string{"kb.example.org", "kb.example.org:443", "KB.Example.org", "intranet.example:9000", "localhost:8080"},
			refused: []string{"kb.example.org:8443", "example.org", "intranet.example", "attacker.example:8080"},
		},
		{
			name:    "no listen address",
			cfg:     web.Config{},
			allowed: []string{"localhost:1234", "127.0.0.1:55555", "[::1]:9"},
			refused: []string{"example.com", "attacker.example:1234"},
		},
	}
	for _, tc := range cases {
		h := mustServer(t, tc.cfg, kb, kb)
		t.Run(tc.name, func(t *testing.T) {
			for i, host := range tc.allowed {
				target := "/api/trash"
				if i == 0 {
					target = "/api/admin/backup" // slower: once is enough
				}
				if rec := hostRequest(t, h, "GET", host, target, nil); rec.Code != 200 {
					t.Errorf("Host %q: %s status %d, want 200: %.200s", host, target, rec.Code, rec.Body)
				}
			}
			for _, host := range tc.refused {
				rec := hostRequest(t, h, "GET", host, "/api/admin/backup", nil)
				if rec.Code != http.StatusMisdirectedRequest {
					t.Errorf("Host %q: backup status %d, want 421", host, rec.Code)
					continue
				}
				if body := rec.Body.String(); !strings.Contains(body, `"unknown_host"`) || !strings.Contains(body, "--public-url") {
					t.Errorf("Host %q: error %s, want code unknown_host and a hint at --public-url", host, body)
				}
			}
		})
	}

	h := mustServer(t, web.Config{ListenAddr: "127.0.0.1:8080"}, kb, kb)
	const evil = "attacker.example:8080"
	t.Run("every route", func(t *testing.T) {
		for _, target := range []string{"/api/search?q=x", "/api/documents/" + victimID, "/api/trash", "/metrics", "/feeds/search.atom", "/api/openapi.json", "/", "/search?q=x", "/documents/" + victimID, "/static/app.css", "/nonexistent"} {
			if rec := hostRequest(t, h, "GET", evil, target, nil); rec.Code != http.StatusMisdirectedRequest {
				t.Errorf("%s: status %d, want 421", target, rec.Code)
			}
		}
		if rec := hostRequest(t, h, "POST", evil, "/api/documents/"+victimID+"/undelete", nil); rec.Code != http.StatusMisdirectedRequest {
			t.Errorf("undelete: status %d, want 421", rec.Code)
		}
	})
	t.Run("health checks answer any Host", func(t *testing.T) {
		for _, target := range []string{"/healthz", "/readyz"} {
			if rec := hostRequest(t, h, "GET", "10.1.2.3", target, nil); rec.Code != 200 {
				t.Errorf("%s: status %d, want 200", target, rec.Code)
			}
		}
	})
	t.Run("pages say how to add the address", func(t *testing.T) {
		rec := hostRequest(t, h, "GET", evil, "/search?q=x", map[string]string{"Accept-Language": "en"})
		doc, err := goquery.NewDocumentFromReader(rec.Body)
		if err != nil {
			t.Fatal(err)
		}
		if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
			t.Errorf("Content-Type %q, want a page", ct)
		}
		if got := doc.Find("main h1").Text(); got != "Unknown address" {
			t.Errorf("h1 %q", got)
		}
		if msg := doc.Find("main .error-message").Text(); !strings.Contains(msg, evil) || !strings.Contains(msg, "--public-url") {
			t.Errorf("message %q: want the address and --public-url", msg)
		}
	})
}

func TestParsePublicURL(t *testing.T) {
	for _, tc := range []struct{ in, want, err string }{
		{"https://kb.example.org", "https://kb.example.org", ""},
		{"https://KB.example.org/", "https://kb.example.org", ""},
		{" http://10.0.0.5:8080 ", "http://10.0.0.5:8080", ""},
		{"http://[::1]:8080", "http://[::1]:8080", ""},
		{"kb.example.org", "", "scheme"},
		{"ftp://kb.example.org", "", "scheme"},
		{"https://", "", "no host"},
		{"https://:8080", "", "no host"},
		{"https://kb.example.org/fundus", "", "without a path"},
		{"https://kb.example.org/?x=1", "", "without a path"},
		{"https://kb.example.org/#top", "", "without a path"},
		{"https://user:pw@kb.example.org", "", "user name"},
		{"https://kb.example.org:99999", "", "port"},
		{"https://kb.example.org:0", "", "port"},
		{"", "", "scheme"},
	} {
		t.Run(tc.in, func(t *testing.T) {
			u, err := web.ParsePublicURL(tc.in)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Errorf("got %v, %v; want an error about %q", u, err, tc.err)
				}
				return
			}
			if err != nil || u.String() != tc.want {
				t.Errorf("got %v, %v; want %s", u, err, tc.want)
			}
		})
	}
}

// TestAbsoluteLinks checks that the links Fundus writes for elsewhere
// name the public URL (or the allowlisted Host), whatever Host,
// X-Forwarded-Host and X-Forwarded-Proto say.
func TestAbsoluteLinks(t *testing.T) {
	kb := newKB(t)
	forged := map[string]string{"X-Forwarded-Host": "evil.example", "X-Forwarded-Proto": "https"}
	for _, tc := range []struct {
		name string
		cfg  web.Config
		host string
		want string
	}{
		{"public URL", web.Config{ListenAddr: "127.0.0.1:8080", PublicURLs: []*url.URL{mustURL(t, web.ParsePublicURL, "https://kb.example.org"), mustURL(t, web.ParsePublicURL, "http://other.example")}}, "127.0.0.1:8080", "https://kb.example.org"},
		{"public URL, reached by another allowed name", web.Config{ListenAddr: "127.0.0.1:8080", PublicURLs: []*url.URL{mustURL(t, web.ParsePublicURL, "https://kb.example.org"), mustURL(t, web.ParsePublicURL, "http://other.example")}}, "other.example", "https://kb.example.org"},
		{"no public URL", web.Config{ListenAddr: "127.0.0.1:8080"}, "localhost:8080", "http://localhost:8080"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := mustServer(t, tc.cfg, kb, kb)
			rec := hostRequest(t, h, "GET", tc.host, "/documents/"+victimID, forged)
			if rec.Code != 200 {
				t.Fatalf("document page: %d", rec.Code)
			}
			doc, err := goquery.NewDocumentFromReader(rec.Body)
			if err != nil {
				t.Fatal(err)
			}
			permalink := tc.want + "/documents/" + victimID
			if got := doc.Find("link[rel=canonical]").AttrOr("href", ""); got != permalink {
				t.Errorf("canonical %q, want %q", got, permalink)
			}
			if got := doc.Find("input#permalink").AttrOr("value", ""); got != permalink {
				t.Errorf("permalink %q, want %q", got, permalink)
			}
			if got := doc.Find("textarea#citation").Text(); !strings.Contains(got, permalink) || strings.Contains(got, "evil.example") {
				t.Errorf("citation %q, want %q in it", got, permalink)
			}

			rec = hostRequest(t, h, "GET", tc.host, "/feeds/search.atom?q=Innovationskultur", forged)
			var feed struct {
				ID    string `xml:"id"`
				Links []struct {
					Href string `xml:"href,attr"`
				} `xml:"link"`
				Entries []struct {
					ID    string `xml:"id"`
					Links []struct {
						Href string `xml:"href,attr"`
					} `xml:"link"`
				} `xml:"entry"`
			}
			if err := xml.Unmarshal(rec.Body.Bytes(), &feed); err != nil || len(feed.Entries) == 0 {
				t.Fatalf("feed: %v, %d entries: %.300s", err, len(feed.Entries), rec.Body)
			}
			urls := []string{feed.ID}
			for _, l := range feed.Links {
				urls = append(urls, l.Href)
			}
			for _, e := range feed.Entries {
				urls = append(urls, e.ID)
				for _, l := range e.Links {
					urls = append(urls, l.Href)
				}
			}
			for _, u := range urls {
				if !strings.HasPrefix(u, tc.want+"/") {
					t.Errorf("feed link %q, want it under %s", u, tc.want)
				}
			}
		})
	}
}

// TestCSRF checks the token of the sign-in and sign-out forms.
func TestCSRF(t *testing.T) {
	h, _ := membersServer(t)

	r, doc := getPage(t, h, "/signin", nil)
	token := doc.Find("form.signin-form input[type=hidden][name=csrf]").AttrOr("value", "")
	var cookie *http.Cookie
	for _, c := range r.Result().Cookies() {
		if c.Name == "fundus_csrf" {
			cookie = c
		}
	}
	if token == "" || cookie == nil {
		t.Fatalf("sign-in page: token %q, cookie %v; want both", token, cookie)
	}
	if !cookie.HttpOnly || cookie.SameSite != http.SameSiteLaxMode || cookie.Path != "/" || cookie.Value == token {
		t.Errorf("CSRF cookie %+v: want HttpOnly, SameSite=Lax, Path=/, a value other than the token", cookie)
	}
	jar := cookie.Name + "=" + cookie.Value
	other, otherToken := formToken(t, h)

	t.Run("pages without a form set no cookie", func(t *testing.T) {
		r, _ := getPage(t, h, "/search?q=x", nil)
		if sc := r.Header().Values("Set-Cookie"); len(sc) != 0 {
			t.Errorf("Set-Cookie %q on a page without a form", sc)
		}
	})
	t.Run("a browser keeps its cookie", func(t *testing.T) {
		r, doc := getPage(t, h, "/signin", map[string]string{"Cookie": jar})
		if sc := r.Header().Values("Set-Cookie"); len(sc) != 0 {
			t.Errorf("Set-Cookie %q for a browser that has the cookie", sc)
		}
		if got := doc.Find("form.signin-form input[name=csrf]").AttrOr("value", ""); got != token {
			t.Errorf("token %q, want %q again", got, token)
		}
	})

	refused := []struct {
		name, cookie, token string
		omit                bool
	}{
		{"no token", jar, "", true},
		{"empty token", jar, "", false},
		{"wrong token", jar, strings.Repeat("A", len(token)), false},
		{"the cookie value as token", jar, cookie.Value, false},
		{"another cookie's token", jar, otherToken, false},
		{"no cookie", "", token, false},
		{"a forged cookie", "fundus_csrf=" + strings.Repeat("B", 43), token, false},
	}
	for _, tc := range refused {
		t.Run("sign-in refused: "+tc.name, func(t *testing.T) {
			form := url.Values{"token": {"r"}, "csrf": {tc.token}}
			if tc.omit {
				form = url.Values{"token": {"r"}}
				form["csrf"] = nil // postForm takes the key as a token given
			}
			rec := postForm(t, h, "/signin", form, map[string]string{"Cookie": tc.cookie})
			if rec.Code != http.StatusForbidden || sessionCookie(rec) != nil {
				t.Fatalf("status %d, session %v; want 403 and no session", rec.Code, sessionCookie(rec))
			}
			body := rec.Body.String()
			if !strings.Contains(body, "Formular abgelaufen") || !strings.Contains(body, "laden Sie die Seite neu") {
				t.Errorf("the page does not say to reload: %.500s", body)
			}
		})
	}
	t.Run("sign-in with the token", func(t *testing.T) {
		rec := postForm(t, h, "/signin", url.Values{"token": {"r"}, "csrf": {token}}, map[string]string{"Cookie": jar})
		if rec.Code != http.StatusSeeOther || sessionCookie(rec) == nil {
			t.Errorf("status %d, session %v", rec.Code, sessionCookie(rec))
		}
		rec = postForm(t, h, "/signin", url.Values{"token": {"r"}, "csrf": {otherToken}}, map[string]string{"Cookie": other})
		if rec.Code != http.StatusSeeOther {
			t.Errorf("the other browser: status %d", rec.Code)
		}
	})
	t.Run("a token of another server (a restart) is refused", func(t *testing.T) {
		h2, _ := membersServer(t)
		rec := postForm(t, h2, "/signin", url.Values{"token": {"r"}, "csrf": {token}}, map[string]string{"Cookie": jar})
		if rec.Code != http.StatusForbidden {
			t.Errorf("status %d, want 403", rec.Code)
		}
	})
	t.Run("sign-out", func(t *testing.T) {
		session := signIn(t, h, "r")
		both := map[string]string{"Cookie": session + "; " + jar}
		_, page := getPage(t, h, "/search?q=x", both)
		outToken := page.Find("header form.signout-form input[type=hidden][name=csrf]").AttrOr("value", "")
		if outToken != token {
			t.Errorf("the sign-out form's token %q, want %q", outToken, token)
		}
		for _, bad := range []url.Values{{"csrf": nil}, {"csrf": {"x"}}, {"csrf": {otherToken}}} {
			if rec := postForm(t, h, "/signout", bad, both); rec.Code != http.StatusForbidden {
				t.Errorf("sign-out with %v: status %d, want 403", bad, rec.Code)
			}
		}
		if !seesMembersDoc(t, h, map[string]string{"Cookie": session}) {
			t.Fatal("a refused sign-out ended the session")
		}
		if rec := postForm(t, h, "/signout", url.Values{"csrf": {outToken}}, both); rec.Code != http.StatusSeeOther {
			t.Errorf("sign-out with the token: status %d", rec.Code)
		}
		if seesMembersDoc(t, h, map[string]string{"Cookie": session}) {
			t.Error("the session outlived its sign-out")
		}
	})
}
