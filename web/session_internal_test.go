package web

import (
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/fundus-kb/fundus/internal/tabletest"
	"github.com/fundus-kb/fundus/search"
)

func TestSessionStore(t *testing.T) {
	now := time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)
	st := newSessionStore(time.Hour, 3)
	st.now = func() time.Time { return now }

	a, exp := st.create()
	if !exp.Equal(now.Add(time.Hour)) {
		t.Errorf("expiry %v", exp)
	}
	if len(a) != sessionIDLen || !st.valid(a) {
		t.Fatalf("new session %q not valid", a)
	}
	if b, _ := st.create(); b == a {
		t.Fatal("two sessions share an id")
	}
	for _, bad := range []string{"", "x", a[:42], a + "x"} {
		if st.valid(bad) {
			t.Errorf("%q is valid", bad)
		}
	}

	t.Run("expiry", func(t *testing.T) {
		now = now.Add(59 * time.Minute)
		if !st.valid(a) {
			t.Error("expired early")
		}
		now = now.Add(time.Minute)
		if st.valid(a) {
			t.Error("valid after its expiry")
		}
	})

	t.Run("bounded", func(t *testing.T) {
		now = now.Add(2 * time.Hour) // everything so far expired
		var ids []string
		for range 5 {
			id, _ := st.create()
			ids = append(ids, id)
			now = now.Add(time.Second)
		}
		if n := st.count(); n != 3 {
			t.Errorf("%d sessions kept, want at most 3", n)
		}
		for i, id := range ids {
			if want := i >= 2; st.valid(id) != want {
				t.Errorf("session %d valid = %v, want %v (the oldest go first)", i, !want, want)
			}
		}
	})

	t.Run("end", func(t *testing.T) {
		id, _ := st.create()
		st.end(id)
		if st.valid(id) {
			t.Error("valid after end")
		}
	})
}

func TestTokenEqual(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want bool
	}{{"s3cret", "s3cret", true}, {"s3cret", "s3cre", false}, {"", "x", false}, {"x", "y", false}} {
		if got := tokenEqual(tc.a, tc.b); got != tc.want {
			t.Errorf("tokenEqual(%q, %q) = %v", tc.a, tc.b, got)
		}
	}
}

func TestSourceFile(t *testing.T) {
	pdf := []byte("%PDF-1.7\n%âãÏÓ\n1 0 obj\n")
	html := []byte("<!DOCTYPE html><html><script>alert(1)</script></html>")
	cases := []struct {
		id, source string
		data       []byte
		name       string
		ctype      string
	}{
		{"programme/2021", "/srv/fundus/programme/2021.pdf", pdf, "2021.pdf", "application/pdf"},
		{"programme/2021", `C:\Daten\Programm.PDF`, pdf, "Programm.PDF", "application/pdf"},
		{"notes/a", "uploads/notes/a.md", []byte("# A"), "a.md", "text/markdown; charset=utf-8"},
		{"pages/p", "pages/p.html", html, "p.html", textPlain},
		{"pages/p", "pages/p.htm", html, "p.htm", textPlain},
		{"pages/p", "pages/p.svg", []byte("<svg onload=alert(1)>"), "p.svg", textPlain},
		{"pages/p", "pages/p.xhtml", html, "p.xhtml", textPlain},
		{"https://example.org/a/b", "https://example.org/a/b", html, "b.html", textPlain},
		{"https://example.org/", "https://example.org/", html, "example.org.html", textPlain},
		{"up/x", "", pdf, "x.pdf", "application/pdf"},
		{"up/x", "", html, "x.html", textPlain},
		{"up/x", "", []byte(`<?xml version="1.0"?><x/>`), "x.xml", textPlain},
		{"up/x", "", []byte(`{"id":"up/x"}`), "x.json", "application/json"},
		{"up/x", "", []byte("plain words"), "x.txt", textPlain},
		{"up/x", "", []byte{0, 1, 2, 3, 0xff}, "x", "application/octet-stream"},
		{"up/x", "javascript:alert(1)", html, "x.html", textPlain},
		{"up/x", "notes/x.unknown", html, "x.unknown", textPlain},
	}
	for _, tc := range cases {
		name, ctype := sourceFile(&search.Document{ID: tc.id, Source: tc.source}, tc.data)
		if name != tc.name || ctype != tc.ctype {
			t.Errorf("%s (%q): %q %q, want %q %q", tc.id, tc.source, name, ctype, tc.name, tc.ctype)
		}
		if ctype == "text/html" || ctype == "image/svg+xml" || ctype == "text/xml" {
			t.Errorf("%s: served as %s", tc.id, ctype)
		}
	}
}

func TestContentDisposition(t *testing.T) {
	tabletest.Map(t, "contentDisposition", contentDisposition, map[string]string{
		"plan.md":               `attachment; filename="plan.md"`,
		`a"b.md`:                `attachment; filename="a_b.md"`,
		"../../etc/passwd":      `attachment; filename="_.._etc_passwd"`,
		".bashrc":               `attachment; filename="bashrc"`,
		"a\r\nSet-Cookie: x.md": `attachment; filename="aSet-Cookie_ x.md"`,
		"Größe.pdf":             `attachment; filename="Groesse.pdf"; filename*=UTF-8''Gr%C3%B6%C3%9Fe.pdf`,
		"日本.pdf":                `attachment; filename="__.pdf"; filename*=UTF-8''%E6%97%A5%E6%9C%AC.pdf`,
		"a\u202egpj.exe":        `attachment; filename="agpj.exe"`,
		"":                      `attachment; filename="source"`,
		"...":                   `attachment; filename="source"`,
		"x;y%z.md":              `attachment; filename="x_y_z.md"`,
	})
	long := contentDisposition(strings.Repeat("ä", 200) + ".pdf")
	if len(long) > 1200 || !strings.Contains(long, `.pdf"; filename*=`) || !strings.HasSuffix(long, ".pdf") {
		t.Errorf("long name: %q", long)
	}
}

func TestWebURL(t *testing.T) {
	tabletest.Map(t, "webURL", webURL, map[string]string{
		"https://example.org/a?b=c":   "https://example.org/a?b=c",
		"HTTP://Example.org/":         "http://Example.org/",
		"javascript:alert(1)":         "",
		"JaVaScRiPt:alert(1)":         "",
		" javascript:alert(1)":        "",
		"data:text/html,<script>":     "",
		"vbscript:x":                  "",
		"ftp://example.org/x":         "",
		"//example.org/x":             "",
		"/srv/x.md":                   "",
		"https://user:pw@example.org": "",
		"https://":                    "",
		"https://exa mple.org":        "",
		"https://example.org/\nx":     "",
	})
}

// TestFailedAuthRefill checks, on an injected clock, that a network's
// failed authentications are forgiven at the configured rate.
func TestFailedAuthRefill(t *testing.T) {
	now := time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)
	s, err := NewServer(Config{Token: "w", ReadToken: "r", Now: func() time.Time { return now }}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	get := func(auth string) (int, string) {
		t.Helper()
		req := httptest.NewRequest("GET", "/healthz", nil)
		req.RemoteAddr = "203.0.113.9:1"
		req.Header.Set("Authorization", auth)
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, req)
		return rec.Code, rec.Header().Get("Retry-After")
	}
	for range signinBurst {
		if code, _ := get("Bearer guess"); code != 200 {
			t.Fatalf("failure within the burst: got status %d, want 200", code)
		}
	}
	code, retry := get("Bearer r")
	secs, _ := strconv.Atoi(retry)
	if code != 429 || secs < 1 || secs > 12 {
		t.Fatalf("right token beyond the burst: got %d, Retry-After %q; want 429 and at most 12 s", code, retry)
	}
	cases := []struct {
		name  string
		after time.Duration
		auth  string
		want  int
	}{
		{"not yet refilled", time.Second, "Bearer r", 429},
		{"one failure forgiven", time.Duration(secs) * time.Second, "Bearer r", 200},
		{"the forgiven failure used up", 0, "Bearer guess", 200},
		{"limited again", 0, "Bearer r", 429},
	}
	for _, tc := range cases {
		now = now.Add(tc.after)
		if code, _ := get(tc.auth); code != tc.want {
			t.Errorf("%s: got status %d, want %d", tc.name, code, tc.want)
		}
	}
}
