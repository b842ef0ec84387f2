package main

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func TestIngestURLs(t *testing.T) {
	var conditional atomic.Int32
	mux := http.NewServeMux()
	var srv *httptest.Server
	mux.HandleFunc("/robots.txt", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, "User-agent: *\nDisallow: /intern/\n")
	})
	mux.HandleFunc("/sitemap.xml", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/xml")
		fmt.Fprintf(w, `<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<url><loc>%[1]s/webinare/kultur.html</loc></url><url><loc>%[1]s/faelle/hanse.html</loc></url><url><loc>%[1]s/intern/geheim.html</loc></url><url><loc>%[1]s/fehlt.html</loc></url></urlset>`, srv.URL)
	})
	page := func(title, body string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			etag := `"` + title + `"`
			if r.Header.Get("If-None-Match") == etag {
				conditional.Add(1)
				w.WriteHeader(http.StatusNotModified)
				return
			}
			w.Header().Set("ETag", etag)
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			fmt.Fprintf(w, `<html lang="de"><head><title>%s</title></head><body><nav>Menü</nav><main><h1>%s</h1><p>%s</p></main></body></html>`, title, title, body)
		}
	}
	mux.HandleFunc("/webinare/kultur.html", page("Webinar Innovationskultur", "Wie Offenheit in Unternehmen entsteht und was Führung dazu beiträgt."))
	mux.HandleFunc("/faelle/hanse.html", page("Hanse Logistik öffnet Daten", "Eine offene Datenplattform für Partner im Hafen."))
	mux.HandleFunc("/intern/geheim.html", func(w http.ResponseWriter, r *http.Request) { t.Error("robots.txt exclusion was fetched") })
	srv = httptest.NewServer(mux)
	defer srv.Close()

	data := t.TempDir()
	env := map[string]string{"FUNDUS_DATA": data}
	sitemap := srv.URL + "/sitemap.xml"
	cases := []struct {
		name string
		args []string
		code int
		sum  map[string]int
		err  string
	}{
		{"loopback refused without --allow-private", []string{"ingest", "--json", sitemap}, 1, map[string]int{"added": 0, "failed": 1}, "--allow-private"},
		{"sitemap", []string{"ingest", "--json", "--allow-private", "--delay", "0s", sitemap}, 1, map[string]int{"added": 2, "failed": 1}, "404"},
		{"again: unchanged through 304s", []string{"ingest", "--json", "--allow-private", "--delay", "0s", sitemap}, 1, map[string]int{"added": 0, "unchanged": 2, "failed": 1}, ""},
		{"bad scheme", []string{"ingest", "--json", "ftp://example.org/x"}, 1, map[string]int{"failed": 1}, "ftp"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			out, errOut, code := runCLI(t, env, tc.args...)
			if code != tc.code {
				t.Fatalf("exit %d, want %d\n%s\n%s", code, tc.code, out, errOut)
			}
			var sum map[string]int
			lastJSON(t, out, &sum)
			for k, v := range tc.sum {
				if sum[k] != v {
					t.Errorf("%s = %d, want %d (%v)", k, sum[k], v, sum)
				}
			}
			if !strings.Contains(errOut, tc.err) {
				t.Errorf("stderr lacks %q: %s", tc.err, errOut)
			}
		})
	}
	if conditional.Load() != 2 {
		t.Errorf("conditional requests answered 304: %d, want 2", conditional.Load())
	}
	out, _, _ := runCLI(t, env, "get", srv.URL+"/faelle/hanse.html")
	for _, want := range []string{`"type":"case"`, `"source":"` + srv.URL + `/faelle/hanse.html"`, `"etag"`} {
		if !strings.Contains(out, want) {
			t.Errorf("stored page lacks %s: %s", want, out)
		}
	}
	if strings.Contains(out, "Menü") {
		t.Error("navigation text was indexed")
	}
}

func TestServeWatchesFolder(t *testing.T) {
	folder := t.TempDir()
	os.WriteFile(filepath.Join(folder, "vorhanden.md"), []byte("# Schon da\n\nText über Vertrauen."), 0o644)
	base, stderr := serveInProcess(t, nil, "--data", t.TempDir(), "--watch", folder)
	waitFor := func(what string, cond func() bool) {
		t.Helper()
		for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
			if cond() {
				return
			}
		}
		t.Fatalf("timed out waiting for %s\n%s", what, stderr())
	}
	status := func(id string) int {
		resp, err := http.Get(base + "/api/documents/" + id)
		if err != nil {
			return 0
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	waitFor("the initial scan", func() bool { return status("vorhanden") == 200 })

	start := time.Now()
	os.MkdirAll(filepath.Join(folder, "neu", "tief"), 0o755)
	os.WriteFile(filepath.Join(folder, "neu", "tief", "notiz.md"), []byte("# Neue Notiz\n\nÜber Co-Creation."), 0o644)
	waitFor("a new file in a new folder", func() bool { return status("neu/tief/notiz") == 200 })
	if took := time.Since(start); took > 2*time.Second {
		t.Errorf("a new file took %v to appear, want under 2 s", took)
	}
	os.Remove(filepath.Join(folder, "vorhanden.md"))
	waitFor("a deleted file", func() bool { return status("vorhanden") == 404 })
	os.WriteFile(filepath.Join(folder, "kaputt.json"), []byte("{kaputt"), 0o644)
	waitFor("the broken file reported", func() bool { return strings.Contains(stderr(), "kaputt.json") })
}
