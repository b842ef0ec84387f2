package main

import (
	"bytes"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestServePublicURLInvalid(t *testing.T) {
	serveRefusesEach(t, []refusal{
		{"no scheme", nil, []string{"--public-url", "kb.example.org"}, "scheme"},
		{"a path", nil, []string{"--public-url", "https://kb.example.org/fundus"}, "without a path"},
		{"second of two", nil, []string{"--public-url", "https://kb.example.org", "--public-url", "ftp://x"}, "ftp://x"},
		{"from the environment", map[string]string{"FUNDUS_PUBLIC_URL": "https://kb.example.org, //x"}, nil, "//x"},
	}, "--public-url")
}

// TestServePublicURL starts serve with public URLs from the flag and the
// environment and checks the Host allowlist and the links it writes.
func TestServePublicURL(t *testing.T) {
	cases := []struct {
		name string
		env  map[string]string
		args []string
	}{
		{"flag", nil, []string{"--public-url", "https://kb.example.org", "--public-url", "http://intranet.example:9000"}},
		{"environment", map[string]string{"FUNDUS_PUBLIC_URL": "https://kb.example.org,http://intranet.example:9000"}, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			base, stderr := serveInProcess(t, tc.env, append([]string{"--data", t.TempDir()}, tc.args...)...)
			get := func(host, path string) (int, string) {
				t.Helper()
				req, err := http.NewRequest("GET", base+path, nil)
				if err != nil {
					t.Fatal(err)
				}
				if host != "" {
					req.Host = host
				}
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				defer resp.Body.Close()
				b, _ := io.ReadAll(resp.Body)
				return resp.StatusCode, string(b)
			}
			for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(50 * time.Millisecond) {
				if code, _ := get("", "/readyz"); code == 200 {
					break
				}
				if time.Now().After(deadline) {
					t.Fatal("serve never became ready")
				}
			}
			port := base[strings.LastIndexByte(base, ':')+1:]
			for _, host := range []string{"", "localhost:" + port, "kb.example.org", "intranet.example:9000"} {
				if code, _ := get(host, "/healthz"); code != 200 {
					t.Errorf("Host %q: /healthz %d", host, code)
				} else if code, body := get(host, "/api/search"); code != 200 {
					t.Errorf("Host %q: status %d, want 200: %.200s", host, code, body)
				}
			}
			if code, body := get("attacker.example:"+port, "/api/search"); code != http.StatusMisdirectedRequest || !strings.Contains(body, "--public-url") {
				t.Errorf("attacker.example: status %d %.200s, want 421 naming --public-url", code, body)
			}
			// Links name the first public URL, whatever Host was used.
			if _, body := get("intranet.example:9000", "/feeds/search.atom"); !strings.Contains(body, "<id>https://kb.example.org/") || strings.Contains(body, "intranet.example") {
				t.Errorf("feed id not under the public URL: %.1000s", body)
			}
			if !strings.Contains(stderr(), "public URL https://kb.example.org") {
				t.Errorf("the public URLs are not logged: %s", stderr())
			}
		})
	}
}

// TestServeDev: with --dev (here implied by --dev-dir), serve reads the
// templates from the folder on each request; a folder without them is
// refused at once, and so is the default outside the source tree's root.
func TestServeDev(t *testing.T) {
	dir := t.TempDir()
	for _, sub := range []string{"templates", "static"} {
		if err := os.CopyFS(filepath.Join(dir, sub), os.DirFS(filepath.Join("..", "..", "web", sub))); err != nil {
			t.Fatal(err)
		}
	}
	base, stderr := serveInProcess(t, nil, "--data", t.TempDir(), "--dev-dir", dir)
	if !strings.Contains(stderr(), "dev mode") || !strings.Contains(stderr(), dir) {
		t.Errorf("dev mode is not announced: %s", stderr())
	}
	get := func() string {
		t.Helper()
		resp, err := http.Get(base + "/search/tips")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("GET /search/tips: status %d: %.300s", resp.StatusCode, b)
		}
		return string(b)
	}
	const mark = `<h1 data-edited="yes">`
	if strings.Contains(get(), mark) {
		t.Fatal("the page is edited before the edit")
	}
	tips := filepath.Join(dir, "templates", "tips.html")
	b, err := os.ReadFile(tips)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(tips, bytes.Replace(b, []byte("<h1>"), []byte(mark), 1), 0o644); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(get(), mark) {
		t.Error("after editing tips.html, the page does not show the edit")
	}

	for name, args := range map[string][]string{
		"a folder without templates":          {"--dev", "--dev-dir", t.TempDir()},
		"the default outside the tree's root": {"--dev"},
	} {
		t.Run(name, func(t *testing.T) {
			serveRefuses(t, nil, args, "--dev-dir", "templates")
		})
	}
}
