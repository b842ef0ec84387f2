package web_test

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fundus-kb/fundus/web"
)

// webCopy copies the web interface's templates and static files into a
// temporary folder, for a server in dev mode to read.
func webCopy(t testing.TB) string {
	t.Helper()
	dir := t.TempDir()
	for _, sub := range []string{"templates", "static"} {
		if err := os.CopyFS(filepath.Join(dir, sub), os.DirFS(sub)); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// edit replaces old with new in the file name under dir.
func edit(t testing.TB, dir, name, old, new string) {
	t.Helper()
	p := filepath.Join(dir, name)
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), old) {
		t.Fatalf("%s has no %q", name, old)
	}
	if err := os.WriteFile(p, []byte(strings.Replace(string(b), old, new, 1)), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestDevMode: in dev mode each request reads the templates and static
// files again; otherwise the embedded copies serve, whatever the folder
// holds.
func TestDevMode(t *testing.T) {
	const css = "/* edited in dev mode */\n"
	for _, dev := range []bool{true, false} {
		name := "dev"
		if !dev {
			name = "embedded"
		}
		t.Run(name, func(t *testing.T) {
			dir := webCopy(t)
			cfg := web.Config{}
			if dev {
				cfg.DevDir = dir
			}
			h, _ := newServer(t, cfg)
			_, before := getPage(t, h, "/search/tips", nil)
			if n := before.Find("main [data-edited]").Length(); n != 0 {
				t.Fatalf("before the edit: got %d edited elements, want 0", n)
			}
			cssBefore, _ := before.Find(`link[rel=stylesheet]`).First().Attr("href")

			edit(t, dir, "templates/tips.html", `<h1>`, `<h1 data-edited="yes">`)
			edit(t, dir, "static/app.css", "", css)

			_, after := getPage(t, h, "/search/tips", nil)
			want := 0
			if dev {
				want = 1
			}
			if n := after.Find("main h1[data-edited]").Length(); n != want {
				t.Errorf("after editing tips.html: got %d edited headings, want %d", n, want)
			}
			cssAfter, _ := after.Find(`link[rel=stylesheet]`).First().Attr("href")
			if changed := cssAfter != cssBefore; changed != dev {
				t.Errorf("the stylesheet's URL went from %q to %q; want it changed only in dev mode", cssBefore, cssAfter)
			}
			r := do(t, h, "GET", cssAfter, nil, nil)
			if edited := strings.HasPrefix(r.Body.String(), css); r.Code != http.StatusOK || edited != dev {
				t.Errorf("GET %s: got %d, edited %v; want 200, edited %v", cssAfter, r.Code, edited, dev)
			}
		})
	}
}

// TestDevModeBrokenTemplate: in dev mode a template that fails gives a 500
// page naming it and saying why, and once fixed the next request works.
func TestDevModeBrokenTemplate(t *testing.T) {
	dir := webCopy(t)
	h, _ := newServer(t, web.Config{DevDir: dir})
	cases := []struct {
		name      string
		file      string
		old, new  string
		path      string
		wantInMsg []string
	}{
		{"parse error in the page", "templates/tips.html", `<h1>`, `<h1>{{.Oops`, "/search/tips", []string{"Template tips failed", "tips.html"}},
		{"parse error in the layout", "templates/layout.html", `<body`, `{{if}}<body`, "/search/tips", []string{"Template tips failed", "layout.html"}},
		{"execution error", "templates/tips.html", `<h1>`, `<h1>{{.NoSuchField}}`, "/search/tips", []string{"Template tips failed", "tips.html", "NoSuchField"}},
		{"the error page itself", "templates/error.html", `{{define "content"`, `{{define "content"}}{{template "nosuch"}}{{end}}{{define "unused"`, "/no/such/page", []string{"Template error failed", "nosuch"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			orig, err := os.ReadFile(filepath.Join(dir, tc.file))
			if err != nil {
				t.Fatal(err)
			}
			edit(t, dir, tc.file, tc.old, tc.new)
			r := do(t, h, "GET", tc.path, nil, nil)
			if r.Code != http.StatusInternalServerError {
				t.Errorf("got status %d, want 500", r.Code)
			}
			for _, want := range tc.wantInMsg {
				if !strings.Contains(r.Body.String(), want) {
					t.Errorf("the 500 page does not say %q:\n%s", want, r.Body)
				}
			}
			// Fixed, the next request renders.
			if err := os.WriteFile(filepath.Join(dir, tc.file), orig, 0o644); err != nil {
				t.Fatal(err)
			}
			if r := do(t, h, "GET", "/search/tips", nil, nil); r.Code != http.StatusOK {
				t.Errorf("after the fix: got status %d, want 200", r.Code)
			}
		})
	}
}

// TestNewServerTemplateError: a template that does not parse stops the
// server from being built, with an error naming it.
func TestNewServerTemplateError(t *testing.T) {
	dir := webCopy(t)
	edit(t, dir, "templates/search.html", `{{define "content"`, `{{end}}{{define "content"`)
	_, err := web.NewServer(web.Config{DevDir: dir}, nil, nil)
	if err == nil || !strings.Contains(err.Error(), "search.html") || !strings.Contains(err.Error(), dir) {
		t.Errorf("got error %v, want one naming search.html in %s", err, dir)
	}
	_, err = web.NewServer(web.Config{DevDir: t.TempDir()}, nil, nil)
	if err == nil || !strings.Contains(err.Error(), "static") {
		t.Errorf("an empty folder: got error %v, want one naming the static folder", err)
	}
}
