package web_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/PuerkitoBio/goquery"

	"github.com/fundus-kb/fundus/indexer"
	"github.com/fundus-kb/fundus/search"
	"github.com/fundus-kb/fundus/web"
)

// Source files of the source tests, ingested from a folder "uploads".
var sourceFiles = map[string]string{
	"notes/plan.md": "---\ntitle: Plan für offene Innovation\ntype: other\n---\n\n# Plan\n\nSchritte zur Öffnung des Innovationsprozesses.\n",
	"pages/evil.html": `<!doctype html><html><head><title>Eine Seite mit Skript</title></head>` +
		`<body><p>Harmloser Text über Innovation.</p><script>alert(document.cookie)</script><img src=x onerror="alert(1)"></body></html>`,
	"intern/protokoll.md":             "---\ntitle: Protokoll der Mitgliederversammlung\nvisibility: members\n---\n\nVertrauliche Beschlüsse.\n",
	"berichte/Jahresbericht Größe.md": "---\ntitle: Jahresbericht\n---\n\nText.\n",
}

// sourceServer serves the corpus, the files above, and documents whose
// source is a web address or a javascript: URL.
func sourceServer(t *testing.T) http.Handler {
	t.Helper()
	h, kb := newServer(t, web.Config{Token: "w", ReadToken: "r"})
	ctx := context.Background()
	fsys := fstest.MapFS{}
	for name, text := range sourceFiles {
		fsys[name] = &fstest.MapFile{Data: []byte(text)}
	}
	sum, err := kb.Ingest(ctx, []indexer.Source{{FS: fsys, Root: "uploads"}}, indexer.IngestOptions{
		OnError: func(err error) { t.Errorf("ingest: %v", err) },
	})
	if err != nil || sum.Added != len(sourceFiles) {
		t.Fatalf("ingest: %v %+v", err, sum)
	}
	for name, body := range map[string]string{
		"web.json": `{"id":"web/bericht","title":"Bericht im Netz","source":"https://example.org/berichte/2021?x=1&y=2","body":"b"}`,
		"js.json":  `{"id":"web/trick","title":"Trickreiche Quelle","source":"javascript:alert(1)","body":"b"}`,
	} {
		res, err := kb.IngestBytes(ctx, name, []byte(body), "")
		if err != nil || res[0].Status != search.Added {
			t.Fatalf("%s: %v %v", name, res, err)
		}
	}
	return h
}

func TestSourceDownload(t *testing.T) {
	h := sourceServer(t)
	cases := []struct {
		name, target string
		header       map[string]string
		status       int
		ctype, disp  string
		body         string
	}{
		{"markdown", "/api/documents/notes/plan/source", nil, 200,
			"text/markdown; charset=utf-8", `attachment; filename="plan.md"`, sourceFiles["notes/plan.md"]},
		{"HTML is never served as HTML", "/api/documents/pages/evil/source", nil, 200,
			"text/plain; charset=utf-8", `attachment; filename="evil.html"`, sourceFiles["pages/evil.html"]},
		{"non-ASCII name", "/api/documents/berichte/Jahresbericht%20Gr%C3%B6%C3%9Fe/source", nil, 200,
			"text/markdown; charset=utf-8", `attachment; filename="Jahresbericht Groesse.md"; filename*=UTF-8''Jahresbericht%20Gr%C3%B6%C3%9Fe.md`, sourceFiles["berichte/Jahresbericht Größe.md"]},
		{"API upload without a source: sniffed", "/api/documents/cases/nordwerk/source", nil, 200,
			"application/json", `attachment; filename="nordwerk.json"`, ""},
		{"members-only, public", "/api/documents/intern/protokoll/source", nil, 404, "", "", ""},
		{"members-only, wrong token", "/api/documents/intern/protokoll/source", map[string]string{"Authorization": "Bearer x"}, 404, "", "", ""},
		{"members-only, read token", "/api/documents/intern/protokoll/source", map[string]string{"Authorization": "Bearer r"}, 200,
			"text/markdown; charset=utf-8", `attachment; filename="protokoll.md"`, sourceFiles["intern/protokoll.md"]},
		{"unknown id", "/api/documents/notes/nichts/source", nil, 404, "", "", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := do(t, h, "GET", tc.target, nil, tc.header)
			if r.Code != tc.status {
				t.Fatalf("status %d, want %d: %.300s", r.Code, tc.status, r.Body.String())
			}
			if tc.status != 200 {
				if code, _, _ := errorOf(r); code != "not_found" {
					t.Errorf("error code %q, want not_found (JSON)", code)
				}
				if strings.Contains(r.Body.String(), "Vertrauliche") {
					t.Error("the refusal shows the source")
				}
				return
			}
			hd := r.Header()
			if got := hd.Get("Content-Type"); got != tc.ctype {
				t.Errorf("Content-Type %q, want %q", got, tc.ctype)
			}
			if got := hd.Get("Content-Disposition"); got != tc.disp {
				t.Errorf("Content-Disposition %q, want %q", got, tc.disp)
			}
			if got := hd.Get("X-Content-Type-Options"); got != "nosniff" {
				t.Errorf("X-Content-Type-Options %q", got)
			}
			if csp := hd.Get("Content-Security-Policy"); !strings.Contains(csp, "sandbox") || !strings.Contains(csp, "default-src 'none'") {
				t.Errorf("Content-Security-Policy %q", csp)
			}
			if tc.body != "" && r.Body.String() != tc.body {
				t.Errorf("body %q, want the source bytes %q", r.Body.String(), tc.body)
			}
		})
	}

	t.Run("HEAD", func(t *testing.T) {
		r := do(t, h, "HEAD", "/api/documents/notes/plan/source", nil, nil)
		if r.Code != 200 || r.Body.Len() != 0 || r.Header().Get("Content-Type") != "text/markdown; charset=utf-8" {
			t.Errorf("HEAD: %d, %d bytes, %q", r.Code, r.Body.Len(), r.Header().Get("Content-Type"))
		}
	})
	t.Run("members-only, signed in", func(t *testing.T) {
		cookie := signIn(t, h, "r")
		r := do(t, h, "GET", "/api/documents/intern/protokoll/source", nil, map[string]string{"Cookie": cookie})
		if r.Code != 200 || r.Body.String() != sourceFiles["intern/protokoll.md"] {
			t.Errorf("status %d", r.Code)
		}
		if got := r.Header().Get("Cache-Control"); !strings.Contains(got, "private") {
			t.Errorf("Cache-Control %q, want private", got)
		}
	})
	t.Run("document JSON route unchanged", func(t *testing.T) {
		r := do(t, h, "GET", "/api/documents/notes/plan", nil, nil)
		if r.Code != 200 || r.JSON["id"] != "notes/plan" {
			t.Errorf("status %d: %v", r.Code, r.JSON)
		}
	})
}

func TestDocumentPageSourceLinks(t *testing.T) {
	h := sourceServer(t)

	t.Run("file: a download", func(t *testing.T) {
		_, doc := getPage(t, h, "/documents/notes/plan", nil)
		a := doc.Find(".doc-meta a.source-download")
		if a.Length() != 1 || a.AttrOr("href", "") != "/api/documents/notes/plan/source" {
			t.Fatalf("download link %v", attrs(a, "href"))
		}
		if got := strings.TrimSpace(a.Text()); got != "plan.md herunterladen" {
			t.Errorf("link text %q", got)
		}
		if doc.Find(".doc-meta a.source-link").Length() != 0 {
			t.Error("a file path is linked as a web address")
		}
		// The path is where the file was read, of no use to a reader:
		// the download is the source (issue 13).
		if got := doc.Find(".doc-meta dd.source").Text(); got != "" {
			t.Errorf("source path shown as %q, want only the download", got)
		}
		_, en := getPage(t, h, "/documents/notes/plan", map[string]string{"Accept-Language": "en"})
		if got := strings.TrimSpace(en.Find(".doc-meta a.source-download").Text()); got != "Download plan.md" {
			t.Errorf("English link text %q", got)
		}
	})

	t.Run("web address: a link", func(t *testing.T) {
		_, doc := getPage(t, h, "/documents/web/bericht", nil)
		a := doc.Find(".doc-meta a.source-link")
		if got := a.AttrOr("href", ""); got != "https://example.org/berichte/2021?x=1&y=2" {
			t.Errorf("source link %q", got)
		}
		if rel := a.AttrOr("rel", ""); !strings.Contains(rel, "noopener") || !strings.Contains(rel, "noreferrer") {
			t.Errorf("rel %q", rel)
		}
		if doc.Find(".doc-meta a.source-download").Length() != 0 {
			t.Error("a download for a document from the web")
		}
	})

	t.Run("javascript: never a link", func(t *testing.T) {
		_, doc := getPage(t, h, "/documents/web/trick", nil)
		bad := doc.Find("a").FilterFunction(func(_ int, s *goquery.Selection) bool {
			href := strings.ToLower(strings.TrimSpace(s.AttrOr("href", "")))
			return strings.HasPrefix(href, "javascript:") || strings.Contains(href, "zgotmplz")
		})
		if bad.Length() != 0 {
			t.Errorf("links %v", attrs(bad, "href"))
		}
		if got := doc.Find(".doc-meta dd.source").Text(); got != "" {
			t.Errorf("source shown as %q, want an address that is no web address left out", got)
		}
		if got := doc.Find(".doc-meta a.source-download").AttrOr("href", ""); got != "/api/documents/web/trick/source" {
			t.Errorf("download %q", got)
		}
	})

	t.Run("members-only: no page, no link without access", func(t *testing.T) {
		r, _ := getPage(t, h, "/documents/intern/protokoll", nil)
		if r.Code != 404 {
			t.Errorf("status %d", r.Code)
		}
		r, doc := getPage(t, h, "/documents/intern/protokoll", map[string]string{"Cookie": signIn(t, h, "r")})
		if r.Code != 200 || doc.Find(".doc-meta a.source-download").AttrOr("href", "") != "/api/documents/intern/protokoll/source" {
			t.Errorf("signed in: status %d, download %v", r.Code, attrs(doc.Find(".doc-meta a.source-download"), "href"))
		}
	})
}
