package web_test

import (
	"context"
	"maps"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fundus-kb/fundus/indexer"
	"github.com/fundus-kb/fundus/search"
	"github.com/fundus-kb/fundus/web"
)

// serverWith is a server over the test corpus plus the given documents
// (JSON, one a line).
func serverWith(t testing.TB, cfg web.Config, docs ...string) (http.Handler, *indexer.KB) {
	t.Helper()
	h, kb := newServer(t, cfg)
	for _, d := range docs {
		res, err := kb.IngestBytes(context.Background(), "extra.json", []byte(d), "")
		if err != nil || len(res) != 1 || res[0].Status != search.Added {
			t.Fatalf("ingest %s: %v %v", d, res, err)
		}
	}
	return h, kb
}

const publicDoc = `{"id":"extra/public","title":"Öffentlicher Zusatz","body":"Für alle."}`

func TestAdminAccess(t *testing.T) {
	loopback := map[string]string{}
	remote := map[string]string{"RemoteAddr": "203.0.113.9:1"}
	with := func(base map[string]string, tok string) map[string]string {
		h := maps.Clone(base)
		h["Authorization"] = "Bearer " + tok
		return h
	}
	cases := []struct {
		name   string
		cfg    web.Config
		docs   []string
		trash  string // a document to delete first
		header map[string]string
		status int
		// msg is a word the error message must hold.
		msg string
	}{
		{name: "tokenless, public documents only, loopback", docs: []string{publicDoc}, header: loopback, status: 200},
		{name: "tokenless, remote client", header: remote, status: 403, msg: "this machine only"},
		{name: "tokenless, members-only document, loopback", docs: []string{membersDoc}, header: loopback, status: 403, msg: "--token"},
		{name: "tokenless, members-only document in the trash, loopback", docs: []string{membersDoc}, trash: "intern/strategie", header: loopback, status: 403, msg: "--token"},
		{name: "read-only with a read token, loopback without credentials", cfg: web.Config{ReadOnly: true, ReadToken: "r"}, header: loopback, status: 403, msg: "--token"},
		{name: "read-only with a read token, the read token", cfg: web.Config{ReadOnly: true, ReadToken: "r"}, header: with(loopback, "r"), status: 403, msg: "--token"},
		{name: "read token only, loopback without credentials", cfg: web.Config{ReadToken: "r"}, header: loopback, status: 403, msg: "--token"},
		{name: "both tokens, loopback without credentials", cfg: web.Config{Token: "w", ReadToken: "r"}, header: loopback, status: 401},
		{name: "both tokens, the read token", cfg: web.Config{Token: "w", ReadToken: "r"}, header: with(loopback, "r"), status: 401},
		{name: "both tokens, the write token", cfg: web.Config{Token: "w", ReadToken: "r"}, docs: []string{membersDoc}, header: with(remote, "w"), status: 200},
		{name: "read-only with both tokens, the write token", cfg: web.Config{ReadOnly: true, Token: "w", ReadToken: "r"}, header: with(remote, "w"), status: 200},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			h, kb := serverWith(t, tc.cfg, tc.docs...)
			if tc.trash != "" {
				if _, err := kb.DeleteDocument(context.Background(), tc.trash); err != nil {
					t.Fatal(err)
				}
			}
			for _, path := range []string{"/api/admin/backup", "/api/trash"} {
				r := do(t, h, "GET", path, nil, tc.header)
				if r.Code != tc.status {
					t.Fatalf("GET %s: got status %d, want %d: %.300s", path, r.Code, tc.status, r.Body.String())
				}
				if tc.status == 401 && r.Header().Get("WWW-Authenticate") == "" {
					t.Errorf("GET %s: 401 without WWW-Authenticate", path)
				}
				if _, msg, _ := errorOf(r); !strings.Contains(msg, tc.msg) {
					t.Errorf("GET %s: got message %q, want one with %q", path, msg, tc.msg)
				}
			}
		})
	}
}

func TestWritesNeedWriteTokenWhenReadTokenSet(t *testing.T) {
	h, _ := newServer(t, web.Config{ReadToken: "r"})
	for _, hd := range []map[string]string{{}, {"Authorization": "Bearer r"}} {
		r := do(t, h, "DELETE", "/api/documents/recs/kmu", nil, hd)
		if code, msg, _ := errorOf(r); r.Code != 403 || !strings.Contains(msg, "--token") {
			t.Errorf("delete with %v: got %d %s %q, want 403 naming --token", hd, r.Code, code, msg)
		}
	}
}

func TestMetricsAccess(t *testing.T) {
	cases := []struct {
		name   string
		cfg    web.Config
		header map[string]string
		status int
	}{
		{"tokenless, loopback", web.Config{}, nil, 200},
		{"tokenless, remote", web.Config{}, map[string]string{"RemoteAddr": "203.0.113.9:1"}, 403},
		{"read token only, loopback", web.Config{ReadToken: "r"}, nil, 403},
		{"read token only, the read token", web.Config{ReadToken: "r"}, map[string]string{"Authorization": "Bearer r"}, 403},
		{"write token, loopback without token", web.Config{Token: "w"}, nil, 401},
		{"both tokens, the read token", web.Config{Token: "w", ReadToken: "r"}, map[string]string{"Authorization": "Bearer r"}, 401},
		{"both tokens, the write token from afar", web.Config{Token: "w", ReadToken: "r"}, map[string]string{"Authorization": "Bearer w", "RemoteAddr": "203.0.113.9:1"}, 200},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			kb := newKB(t)
			h := mustServer(t, atExample(t, tc.cfg), kb, kb)
			r := do(t, h, "GET", "/metrics", nil, tc.header)
			if r.Code != tc.status {
				t.Fatalf("got status %d, want %d: %.300s", r.Code, tc.status, r.Body.String())
			}
			if tc.status == 401 && r.Header().Get("WWW-Authenticate") == "" {
				t.Error("401 without WWW-Authenticate")
			}
			if tc.status == 200 && !strings.Contains(r.Body.String(), "fundus_documents") {
				t.Errorf("no metrics: %.300s", r.Body.String())
			}
		})
	}
}

func TestSeparateMetrics(t *testing.T) {
	kb := newKB(t)
	srv := mustServer(t, atExample(t, web.Config{Token: "w", SeparateMetrics: true}), kb, kb)
	if r := do(t, srv, "GET", "/metrics", nil, map[string]string{"Authorization": "Bearer w"}); r.Code != 404 {
		t.Errorf("main listener: got status %d, want 404", r.Code)
	}
	r := do(t, srv.MetricsHandler(), "GET", "/metrics", nil, nil)
	if r.Code != 200 || !strings.Contains(r.Body.String(), "fundus_documents") {
		t.Errorf("metrics handler: got status %d: %.300s", r.Code, r.Body.String())
	}
}

// stoppedClock is a clock that does not move.
func stoppedClock() time.Time { return time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC) }

// testClock is a clock for Config.Now that moves only when the test says,
// so that limits refill exactly when a test wants them to, however slow
// the machine.
type testClock struct {
	mu  sync.Mutex
	now time.Time
}

func newTestClock() *testClock { return &testClock{now: stoppedClock()} }

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Add moves the clock on by d.
func (c *testClock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

func TestFailedAuthLimit(t *testing.T) {
	const wrong = "Bearer guess"
	cases := []struct {
		name string
		path string
		from string // client address
	}{
		{"search from afar", "/api/search?q=Innovationskultur", "203.0.113.9:1"},
		{"health from afar", "/healthz", "203.0.113.9:1"},
		{"search from loopback", "/api/search?q=Innovationskultur", "127.0.0.1:2"},
		{"page from afar", "/search?q=Innovationskultur", "203.0.113.9:1"},
		{"document from IPv6", "/api/documents/recs/kmu", "[2001:db8::1]:3"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			// A stopped clock: nothing is forgiven while the test runs.
			h, _ := serverWith(t, web.Config{Token: "w", ReadToken: "r", Now: stoppedClock}, membersDoc)
			codes := map[int]int{}
			var retry string
			for range 2000 {
				r := do(t, h, "GET", tc.path, nil, map[string]string{"RemoteAddr": tc.from, "Authorization": wrong})
				codes[r.Code]++
				if r.Code == 429 {
					retry = r.Header().Get("Retry-After")
				}
			}
			if codes[200] != 5 || codes[429] != 1995 {
				t.Errorf("got statuses %v, want 5×200 (served as public) then 1995×429", codes)
			}
			if n, err := strconv.Atoi(retry); err != nil || n < 1 {
				t.Errorf("got Retry-After %q, want seconds", retry)
			}
			// The right token is refused too: the answer must not tell.
			if r := do(t, h, "GET", tc.path, nil, map[string]string{"RemoteAddr": tc.from, "Authorization": "Bearer r"}); r.Code != 429 {
				t.Errorf("right token after the failures: got status %d, want 429", r.Code)
			}
			// Without a token the client is served as before.
			if r := do(t, h, "GET", tc.path, nil, map[string]string{"RemoteAddr": tc.from}); r.Code != 200 {
				t.Errorf("no token after the failures: got status %d, want 200", r.Code)
			}
		})
	}
}

func TestFailedAuthSharedByNeighbours(t *testing.T) {
	cases := []struct {
		name       string
		guesser    string
		neighbour  string
		sameBucket bool
	}{
		{"IPv4 same /24", "203.0.113.9:1", "203.0.113.200:7", true},
		{"IPv4 next /24", "203.0.113.9:1", "203.0.114.9:7", false},
		{"IPv6 same /64", "[2001:db8::1]:1", "[2001:db8::ffff:1]:7", true},
		{"IPv6 next /64", "[2001:db8::1]:1", "[2001:db8:0:1::1]:7", false},
		{"IPv4-mapped IPv6 is IPv4", "[::ffff:203.0.113.9]:1", "203.0.113.10:7", true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			h, _ := serverWith(t, web.Config{Token: "w", ReadToken: "r", Now: stoppedClock}, membersDoc)
			for range 6 {
				do(t, h, "GET", "/healthz", nil, map[string]string{"RemoteAddr": tc.guesser, "Authorization": "Bearer guess"})
			}
			want := http.StatusOK
			if tc.sameBucket {
				want = http.StatusTooManyRequests
			}
			if r := do(t, h, "GET", "/api/search?q=x", nil, map[string]string{"RemoteAddr": tc.neighbour, "Authorization": "Bearer r"}); r.Code != want {
				t.Errorf("neighbour's right token: got status %d, want %d", r.Code, want)
			}
			// Sign-ins share the limit with bearer tokens.
			wantSignin := http.StatusSeeOther
			if tc.sameBucket {
				wantSignin = http.StatusTooManyRequests
			}
			if rec := postForm(t, h, "/signin", url.Values{"token": {"r"}}, map[string]string{"RemoteAddr": tc.neighbour}); rec.Code != wantSignin {
				t.Errorf("neighbour's sign-in: got status %d, want %d", rec.Code, wantSignin)
			}
		})
	}
}

func TestHeadersDoNotRevealToken(t *testing.T) {
	h, _ := serverWith(t, web.Config{Token: "w", ReadToken: "r"}, membersDoc)
	cases := []struct {
		name string
		path string
	}{
		{"health", "/healthz"},
		{"readiness", "/readyz"},
		{"OpenAPI", "/api/openapi.json"},
		{"public document source", "/api/documents/recs/kmu/source"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var first http.Header
			var firstBody string
			for i, auth := range []string{"", "Bearer r", "Bearer w", "Bearer guess"} {
				hd := map[string]string{"RemoteAddr": "198.51.100." + strconv.Itoa(i+1) + ":1"}
				if auth != "" {
					hd["Authorization"] = auth
				}
				r := do(t, h, "GET", tc.path, nil, hd)
				if r.Code != 200 {
					t.Fatalf("%q: got status %d, want 200", auth, r.Code)
				}
				if i == 0 {
					first, firstBody = r.Header(), r.Body.String()
					if cc := first.Get("Cache-Control"); !strings.Contains(cc, "private") {
						t.Errorf("got Cache-Control %q, want private", cc)
					}
					continue
				}
				if !maps.EqualFunc(first, r.Header(), func(a, b []string) bool { return strings.Join(a, "\n") == strings.Join(b, "\n") }) {
					t.Errorf("%q: got headers %v, want %v as without a token", auth, r.Header(), first)
				}
				if r.Body.String() != firstBody {
					t.Errorf("%q: the body differs from the one without a token", auth)
				}
			}
		})
	}
}

func TestUnreadableQuery(t *testing.T) {
	many := strings.Repeat("type=case&", 10001) + "q=x"
	cases := []struct {
		name  string
		path  string
		query string
		html  bool
		word  string
	}{
		{"too many parameters, API search", "/api/search", many, false, "10000"},
		{"too many parameters, export", "/api/search", "format=csv&" + many, false, "10000"},
		{"too many parameters, search page", "/search", many, true, "10000"},
		{"too many parameters, health", "/healthz", many, false, "10000"},
		{"bad escape, API search", "/api/search", "q=%zz&type=case", false, "%zz"},
		{"bad escape, topics page", "/topics", "q=%zz", true, "%zz"},
		{"semicolon, API suggest", "/api/suggest", "prefix=inn;type=case", false, "semicolon"},
		{"semicolon, feed", "/feeds/search.atom", "q=a;b", false, "semicolon"},
	}
	h, _ := newServer(t, web.Config{})
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			target := tc.path + "?" + tc.query
			if tc.html {
				r, doc := getPage(t, h, target, nil)
				if r.Code != 400 {
					t.Fatalf("got status %d, want 400", r.Code)
				}
				if got := doc.Find("main").Text(); !strings.Contains(got, tc.word) {
					t.Errorf("got page text %.300q, want it to name %q", got, tc.word)
				}
				return
			}
			r := do(t, h, "GET", target, nil, nil)
			code, msg, _ := errorOf(r)
			if r.Code != 400 || code != "invalid_parameter" || !strings.Contains(msg, tc.word) {
				t.Errorf("got %d %s %q, want 400 invalid_parameter naming %q", r.Code, code, msg, tc.word)
			}
		})
	}
	// 10,000 parameters are still fine.
	if r := do(t, h, "GET", "/api/search?"+strings.Repeat("type=case&", 9999)+"q=x", nil, nil); r.Code != 200 {
		t.Errorf("10,000 parameters: got status %d, want 200", r.Code)
	}
}
