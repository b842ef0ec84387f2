package crawl

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// site is a test web server that records the requests it sees.
type site struct {
	*httptest.Server
	mux *http.ServeMux

	mu       sync.Mutex
	hits     []hit
	inFlight atomic.Int32
	maxIn    atomic.Int32
}

type hit struct {
	path   string
	at     time.Time
	header http.Header
}

func newSite(t *testing.T) *site {
	return newSiteOn(t, nil)
}

// newSiteOn starts a site on ln, or on a loopback port when ln is nil.
func newSiteOn(t *testing.T, ln net.Listener) *site {
	t.Helper()
	s := &site{mux: http.NewServeMux()}
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := s.inFlight.Add(1)
		defer s.inFlight.Add(-1)
		for {
			m := s.maxIn.Load()
			if n <= m || s.maxIn.CompareAndSwap(m, n) {
				break
			}
		}
		s.mu.Lock()
		s.hits = append(s.hits, hit{path: r.URL.RequestURI(), at: time.Now(), header: r.Header.Clone()})
		s.mu.Unlock()
		s.mux.ServeHTTP(w, r)
	})
	if ln == nil {
		s.Server = httptest.NewServer(h)
	} else {
		s.Server = httptest.NewUnstartedServer(h)
		s.Listener.Close()
		s.Listener = ln
		s.Start()
	}
	t.Cleanup(s.Close)
	return s
}

// page serves an HTML page at path.
func (s *site) page(path, title string) {
	s.mux.HandleFunc(path, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, "<html><head><title>%s</title></head><body><p>%s</p></body></html>", title, title)
	})
}

// pages serves n pages, /p0 to /p(n-1), each titled with its path, and
// /sitemap.xml listing them.
func (s *site) pages(n int) {
	var locs []string
	for i := range n {
		p := fmt.Sprintf("/p%d", i)
		s.page(p, p)
		locs = append(locs, s.URL+p)
	}
	s.serve("/sitemap.xml", "application/xml", urlset(locs...))
}

// serve serves body with a content type at path.
func (s *site) serve(path, contentType, body string) {
	s.mux.HandleFunc(path, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", contentType)
		_, _ = w.Write([]byte(body))
	})
}

// requests returns the request URIs seen, in order.
func (s *site) requests() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for _, h := range s.hits {
		out = append(out, h.path)
	}
	return out
}

func (s *site) count(path string) int {
	n := 0
	for _, p := range s.requests() {
		if p == path {
			n++
		}
	}
	return n
}

func (s *site) times() []time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []time.Time
	for _, h := range s.hits {
		out = append(out, h.at)
	}
	return out
}

func urlset(locs ...string) string {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n" + `<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">`)
	for _, l := range locs {
		fmt.Fprintf(&b, "\n  <url><loc>\n    %s\n  </loc><lastmod>2024-01-01</lastmod></url>", l)
	}
	b.WriteString("\n</urlset>\n")
	return b.String()
}

func sitemapindex(locs ...string) string {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">`)
	for _, l := range locs {
		fmt.Fprintf(&b, "<sitemap><loc>%s</loc></sitemap>", l)
	}
	b.WriteString("</sitemapindex>")
	return b.String()
}

// testConfig is a fast configuration that may fetch from loopback.
func testConfig() Config {
	return Config{AllowPrivate: true, Delay: -1, Timeout: 5 * time.Second}
}

// crawl runs a crawl and returns its pages sorted by URL.
func crawl(t *testing.T, c *Crawler, start string, known func(string) (string, string)) ([]Page, error) {
	t.Helper()
	var pages []Page
	err := c.Crawl(t.Context(), start, known, func(p Page) error {
		pages = append(pages, p)
		return nil
	})
	slices.SortFunc(pages, func(a, b Page) int { return strings.Compare(a.URL, b.URL) })
	return pages, err
}

// mustCrawl crawls from start, stopping the test at an error of the crawl.
func mustCrawl(t *testing.T, c *Crawler, start string) []Page {
	t.Helper()
	pages, err := crawl(t, c, start, nil)
	if err != nil {
		t.Fatal(err)
	}
	return pages
}

func pageURLs(pages []Page) (ok, failed []string) {
	for _, p := range pages {
		if p.Err != nil {
			failed = append(failed, p.URL)
		} else {
			ok = append(ok, p.URL)
		}
	}
	return ok, failed
}

func errOf(t *testing.T, pages []Page, url string) error {
	t.Helper()
	for _, p := range pages {
		if p.URL == url {
			if p.Err == nil {
				t.Fatalf("%s: no error", url)
			}
			return p.Err
		}
	}
	t.Fatalf("no page %s in %v", url, pages)
	return nil
}

func TestSinglePage(t *testing.T) {
	s := newSite(t)
	s.mux.HandleFunc("/doc", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("ETag", `"v1"`)
		w.Header().Set("Last-Modified", "Mon, 01 Jan 2024 00:00:00 GMT")
		fmt.Fprint(w, "<html><title>Doc</title><p>Hallo Welt</p></html>")
	})
	pages := mustCrawl(t, New(testConfig()), s.URL+"/doc#section")
	if len(pages) != 1 {
		t.Fatalf("pages: %+v", pages)
	}
	p := pages[0]
	if p.Err != nil || p.URL != s.URL+"/doc" || !strings.Contains(string(p.Body), "Hallo Welt") ||
		p.ContentType != "text/html; charset=utf-8" || p.ETag != `"v1"` || p.LastModified != "Mon, 01 Jan 2024 00:00:00 GMT" || p.NotModified {
		t.Fatalf("page: %+v", p)
	}
	if got := s.requests(); !slices.Equal(got, []string{"/robots.txt", "/doc"}) {
		t.Fatalf("requests: %v", got)
	}
	s.mu.Lock()
	ua := s.hits[1].header.Get("User-Agent")
	s.mu.Unlock()
	if ua != DefaultUserAgent {
		t.Fatalf("User-Agent %q", ua)
	}
}

func TestSitemap(t *testing.T) {
	s := newSite(t)
	for _, p := range []string{"/a", "/b", "/c"} {
		s.page(p, p)
	}
	// Duplicates (also with a fragment) are fetched once; the sitemap is
	// recognised by its path and root element, whatever its type says.
	s.serve("/sitemap.xml", "text/plain", urlset(s.URL+"/a", s.URL+"/b", s.URL+"/c", s.URL+"/a#x", s.URL+"/b"))
	pages := mustCrawl(t, New(testConfig()), s.URL+"/sitemap.xml")
	ok, failed := pageURLs(pages)
	if want := []string{s.URL + "/a", s.URL + "/b", s.URL + "/c"}; !slices.Equal(ok, want) || failed != nil {
		t.Fatalf("ok %v, failed %v", ok, failed)
	}
	if n := s.count("/a"); n != 1 {
		t.Fatalf("/a fetched %d times", n)
	}
	if n := s.count("/robots.txt"); n != 1 {
		t.Fatalf("robots.txt fetched %d times", n)
	}
}

func TestSitemapByContentType(t *testing.T) {
	s := newSite(t)
	s.page("/a", "a")
	s.serve("/map", "application/xml; charset=utf-8", urlset(s.URL+"/a"))
	s.serve("/feed", "application/xml", `<?xml version="1.0"?><rss><channel/></rss>`)
	c := New(testConfig())
	pages := mustCrawl(t, c, s.URL+"/map")
	if ok, _ := pageURLs(pages); !slices.Equal(ok, []string{s.URL + "/a"}) {
		t.Fatalf("pages %+v", pages)
	}
	// XML that is not a sitemap is not a page either.
	pages = mustCrawl(t, c, s.URL+"/feed")
	if err := errOf(t, pages, s.URL+"/feed"); !strings.Contains(err.Error(), "unsupported content type") {
		t.Fatal(err)
	}
}

func gz(t *testing.T, s string) string {
	t.Helper()
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	if _, err := zw.Write([]byte(s)); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func TestSitemapIndex(t *testing.T) {
	s := newSite(t)
	for _, p := range []string{"/a", "/b", "/c", "/d"} {
		s.page(p, p)
	}
	s.serve("/sitemap_index.xml", "application/xml", sitemapindex(s.URL+"/one.xml", s.URL+"/two.xml.gz", s.URL+"/nested.xml", s.URL+"/missing.xml"))
	s.serve("/one.xml", "application/xml", urlset(s.URL+"/a", s.URL+"/b"))
	s.serve("/two.xml.gz", "application/gzip", gz(t, urlset(s.URL+"/b", s.URL+"/c")))
	s.serve("/nested.xml", "application/xml", sitemapindex(s.URL+"/three.xml", s.URL+"/one.xml"))
	s.serve("/three.xml", "text/xml", urlset(s.URL+"/d"))
	pages := mustCrawl(t, New(testConfig()), s.URL+"/sitemap_index.xml")
	ok, failed := pageURLs(pages)
	if want := []string{s.URL + "/a", s.URL + "/b", s.URL + "/c", s.URL + "/d"}; !slices.Equal(ok, want) {
		t.Fatalf("ok %v", ok)
	}
	if !slices.Equal(failed, []string{s.URL + "/missing.xml"}) {
		t.Fatalf("failed %v", failed)
	}
	if err := errOf(t, pages, s.URL+"/missing.xml"); !strings.Contains(err.Error(), "404") {
		t.Fatal(err)
	}
	if n := s.count("/one.xml"); n != 1 {
		t.Fatalf("/one.xml fetched %d times", n)
	}
}

func TestSitemapIndexDepth(t *testing.T) {
	s := newSite(t)
	s.page("/a", "a")
	s.page("/deep", "deep")
	// The start is at depth 0: index0 → index1 → index2 → pages.xml and
	// index3, both at depth 3, the limit; index4 is too deep.
	for i := range 2 {
		s.serve(fmt.Sprintf("/index%d.xml", i), "application/xml", sitemapindex(fmt.Sprintf("%s/index%d.xml", s.URL, i+1)))
	}
	s.serve("/index2.xml", "application/xml", sitemapindex(s.URL+"/index3.xml", s.URL+"/pages.xml"))
	s.serve("/index3.xml", "application/xml", sitemapindex(s.URL+"/index4.xml"))
	s.serve("/pages.xml", "application/xml", urlset(s.URL+"/a"))
	s.serve("/index4.xml", "application/xml", urlset(s.URL+"/deep"))
	pages := mustCrawl(t, New(testConfig()), s.URL+"/index0.xml")
	ok, failed := pageURLs(pages)
	if !slices.Equal(ok, []string{s.URL + "/a"}) || !slices.Equal(failed, []string{s.URL + "/index4.xml"}) {
		t.Fatalf("ok %v, failed %v", ok, failed)
	}
	if err := errOf(t, pages, s.URL+"/index4.xml"); !strings.Contains(err.Error(), "nested deeper than 3") {
		t.Fatal(err)
	}
	if s.count("/index4.xml") != 0 || s.count("/deep") != 0 {
		t.Fatalf("fetched too deep: %v", s.requests())
	}
}

func TestRobotsExclusions(t *testing.T) {
	s := newSite(t)
	s.serve("/robots.txt", "text/plain", `# The general group does not apply: Fundus has its own.
User-agent: *
Disallow: /

User-agent: fundus
Disallow: /secret
Allow: /secret/ok
Disallow: /*.pdf$
`)
	for _, p := range []string{"/a", "/secret/x", "/secret/ok", "/private", "/file.pdf"} {
		s.page(p, p)
	}
	s.serve("/sitemap.xml", "application/xml", urlset(s.URL+"/a", s.URL+"/secret/x", s.URL+"/secret/ok", s.URL+"/private", s.URL+"/file.pdf"))
	pages := mustCrawl(t, New(testConfig()), s.URL+"/sitemap.xml")
	ok, failed := pageURLs(pages)
	if want := []string{s.URL + "/a", s.URL + "/private", s.URL + "/secret/ok"}; !slices.Equal(ok, want) {
		t.Fatalf("ok %v", ok)
	}
	if want := []string{s.URL + "/file.pdf", s.URL + "/secret/x"}; !slices.Equal(failed, want) {
		t.Fatalf("failed %v", failed)
	}
	if err := errOf(t, pages, s.URL+"/secret/x"); !errors.Is(err, ErrRobots) || !strings.Contains(err.Error(), s.URL+"/secret/x") {
		t.Fatalf("error %v", err)
	}
	if s.count("/secret/x") != 0 || s.count("/file.pdf") != 0 {
		t.Fatalf("the server saw a disallowed request: %v", s.requests())
	}
}

func TestRobotsStatus(t *testing.T) {
	for _, tc := range []struct {
		status  int
		allowed bool
	}{
		{http.StatusNotFound, true},
		{http.StatusForbidden, true},
		{http.StatusInternalServerError, false},
		{http.StatusServiceUnavailable, false},
		{http.StatusTooManyRequests, false},
	} {
		t.Run(fmt.Sprint(tc.status), func(t *testing.T) {
			s := newSite(t)
			s.mux.HandleFunc("/robots.txt", func(w http.ResponseWriter, r *http.Request) {
				http.Error(w, "no", tc.status)
			})
			s.page("/a", "a")
			pages := mustCrawl(t, New(testConfig()), s.URL+"/a")
			if got := pages[0].Err == nil; got != tc.allowed {
				t.Fatalf("allowed %v, want %v (%v)", got, tc.allowed, pages[0].Err)
			}
			if tc.allowed != (s.count("/a") == 1) {
				t.Fatalf("requests %v", s.requests())
			}
		})
	}
}

// checkSpacing checks that the i-th request the server saw came no
// earlier than began + i×delay. Scheduling stalls on a busy machine can
// only delay requests, which may bring two arrivals close together, but
// never move one ahead of this bound; a crawler that does not wait
// breaks it.
func checkSpacing(t *testing.T, s *site, began time.Time, delay time.Duration) {
	t.Helper()
	for i, at := range s.times() {
		if earliest := began.Add(time.Duration(i) * delay); at.Before(earliest) {
			t.Errorf("request %d (%s) came %v after the start, want ≥ %v", i, s.requests()[i], at.Sub(began), time.Duration(i)*delay)
		}
	}
}

func TestDelay(t *testing.T) {
	s := newSite(t)
	for _, p := range []string{"/a", "/b", "/c"} {
		s.page(p, p)
	}
	s.serve("/sitemap.xml", "application/xml", urlset(s.URL+"/a", s.URL+"/b", s.URL+"/c"))
	cfg := testConfig()
	cfg.Delay = 120 * time.Millisecond
	began := time.Now()
	if _, err := crawl(t, New(cfg), s.URL+"/sitemap.xml", nil); err != nil {
		t.Fatal(err)
	}
	if n := len(s.requests()); n != 5 { // robots, sitemap, 3 pages
		t.Fatalf("requests %v", s.requests())
	}
	checkSpacing(t, s, began, cfg.Delay)
}

func TestCrawlDelay(t *testing.T) {
	s := newSite(t)
	s.serve("/robots.txt", "text/plain", "User-agent: *\nCrawl-delay: 0.3\n")
	s.page("/a", "a")
	s.page("/b", "b")
	s.serve("/sitemap.xml", "application/xml", urlset(s.URL+"/a", s.URL+"/b"))
	cfg := testConfig()
	cfg.Delay = 20 * time.Millisecond
	began := time.Now()
	if _, err := crawl(t, New(cfg), s.URL+"/sitemap.xml", nil); err != nil {
		t.Fatal(err)
	}
	if n := len(s.requests()); n != 4 {
		t.Fatalf("requests %v", s.requests())
	}
	checkSpacing(t, s, began, 300*time.Millisecond)
}

func TestPerHostConcurrency(t *testing.T) {
	s1, s2 := newSite(t), newSite(t)
	var total, maxTotal atomic.Int32
	slow := func(w http.ResponseWriter, r *http.Request) {
		n := total.Add(1)
		defer total.Add(-1)
		for {
			m := maxTotal.Load()
			if n <= m || maxTotal.CompareAndSwap(m, n) {
				break
			}
		}
		time.Sleep(40 * time.Millisecond)
		w.Header().Set("Content-Type", "text/html")
		fmt.Fprint(w, "<p>slow</p>")
	}
	var locs []string
	for i := range 10 {
		p := fmt.Sprintf("/p%d", i)
		s1.mux.HandleFunc(p, slow)
		s2.mux.HandleFunc(p, slow)
		locs = append(locs, s1.URL+p, s2.URL+p)
	}
	s1.serve("/sitemap.xml", "application/xml", urlset(locs...))
	pages := mustCrawl(t, New(testConfig()), s1.URL+"/sitemap.xml")
	if ok, failed := pageURLs(pages); len(ok) != 20 || failed != nil {
		t.Fatalf("ok %v failed %v", ok, failed)
	}
	for i, s := range []*site{s1, s2} {
		if m := s.maxIn.Load(); m > 2 {
			t.Errorf("host %d: %d requests in flight, want ≤ 2", i+1, m)
		} else if m < 2 {
			t.Errorf("host %d: at most %d request in flight; want 2 (requests run one by one)", i+1, m)
		}
	}
	if m := maxTotal.Load(); m < 3 {
		t.Errorf("at most %d requests in flight across two hosts; hosts are not crawled in parallel", m)
	}
}

func TestRedirects(t *testing.T) {
	s, other := newSite(t), newSite(t)
	redirect := func(path, to string, code int) {
		s.mux.HandleFunc(path, func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, to, code)
		})
	}
	redirect("/r1", "/r2", http.StatusMovedPermanently)
	redirect("/r2", "r3", http.StatusFound)
	redirect("/r3", "/r4", http.StatusSeeOther)
	redirect("/r4", "/r5", http.StatusTemporaryRedirect)
	redirect("/r5", other.URL+"/final#frag", http.StatusPermanentRedirect)
	other.page("/final", "final")
	for i := range 6 {
		redirect(fmt.Sprintf("/loop%d", i), fmt.Sprintf("/loop%d", i+1), http.StatusFound)
	}
	s.page("/loop6", "never")
	redirect("/ftp", "ftp://example.org/file", http.StatusFound)
	redirect("/file", "file:///etc/passwd", http.StatusFound)
	s.mux.HandleFunc("/noloc", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusFound) })

	c := New(testConfig())
	pages := mustCrawl(t, c, s.URL+"/r1")
	// Five redirects, the last to another host: the page's URL is the final one.
	if len(pages) != 1 || pages[0].Err != nil || pages[0].URL != other.URL+"/final" {
		t.Fatalf("pages %+v", pages)
	}
	if other.count("/robots.txt") != 1 {
		t.Fatalf("robots.txt of the redirect target not fetched: %v", other.requests())
	}
	for path, want := range map[string]string{
		"/loop0": "more than 5 redirects",
		"/ftp":   `unsupported scheme "ftp"`,
		"/file":  `unsupported scheme "file"`,
		"/noloc": "without a Location",
	} {
		pages := mustCrawl(t, c, s.URL+path)
		if err := errOf(t, pages, s.URL+path); !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want %q", path, err, want)
		}
	}
	if s.count("/loop6") != 0 {
		t.Fatal("followed a sixth redirect")
	}
}

func TestRedirectToPrivateAddress(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.2:0")
	if err != nil {
		t.Skipf("no second loopback address: %v", err)
	}
	inside := newSiteOn(t, ln)
	inside.page("/admin", "admin")
	outside := newSite(t) // on 127.0.0.1, which this test counts as public
	outside.mux.HandleFunc("/go", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, inside.URL+"/admin", http.StatusFound)
	})
	cfg := testConfig()
	cfg.AllowPrivate = false
	c := New(cfg)
	c.checkIP = func(a netip.Addr) error {
		if a == netip.MustParseAddr("127.0.0.2") {
			return &AddressError{Addr: a, Kind: "private"}
		}
		return nil
	}
	pages := mustCrawl(t, c, outside.URL+"/go")
	if err := errOf(t, pages, outside.URL+"/go"); !errors.Is(err, ErrPrivateAddress) || !strings.Contains(err.Error(), "redirected to "+inside.URL+"/admin") {
		t.Fatalf("error %v", err)
	}
	if got := inside.requests(); len(got) != 0 {
		t.Fatalf("the private server saw %v", got)
	}
}

func TestPrivateAddressRefused(t *testing.T) {
	s := newSite(t)
	s.page("/a", "a")
	c := New(Config{Delay: -1, Timeout: 5 * time.Second}) // AllowPrivate off
	// A literal loopback address, and a name that resolves to one: the
	// name is refused when dialing, as a rebinding name would be.
	_, port, _ := net.SplitHostPort(s.Listener.Addr().String())
	for _, u := range []string{s.URL + "/a", "http://localhost:" + port + "/a", "http://[::ffff:127.0.0.1]:" + port + "/a"} {
		pages := mustCrawl(t, c, u)
		if len(pages) != 1 || !errors.Is(pages[0].Err, ErrPrivateAddress) {
			t.Fatalf("%s: %+v", u, pages)
		}
		t.Logf("%s: %v", u, pages[0].Err)
	}
	if got := s.requests(); len(got) != 0 {
		t.Fatalf("the server saw %v", got)
	}
}

func TestStatusErrors(t *testing.T) {
	s := newSite(t)
	s.page("/ok1", "ok1")
	s.page("/ok2", "ok2")
	s.mux.HandleFunc("/broken", func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "boom", http.StatusInternalServerError)
	})
	s.serve("/sitemap.xml", "application/xml", urlset(s.URL+"/ok1", s.URL+"/missing", s.URL+"/broken", s.URL+"/ok2"))
	pages := mustCrawl(t, New(testConfig()), s.URL+"/sitemap.xml")
	ok, _ := pageURLs(pages)
	if want := []string{s.URL + "/ok1", s.URL + "/ok2"}; !slices.Equal(ok, want) {
		t.Fatalf("ok %v", ok)
	}
	for path, want := range map[string]string{"/missing": "HTTP 404 Not Found", "/broken": "HTTP 500 Internal Server Error"} {
		err := errOf(t, pages, s.URL+path)
		if err.Error() != s.URL+path+": "+want {
			t.Errorf("error %q", err)
		}
		var se *StatusError
		if !errors.As(err, &se) {
			t.Errorf("%v is no *StatusError", err)
		}
	}
}

func TestTimeout(t *testing.T) {
	s := newSite(t)
	s.mux.HandleFunc("/slow", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		select {
		case <-r.Context().Done():
		case <-time.After(5 * time.Second):
		}
	})
	s.mux.HandleFunc("/trickle", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		for range 50 {
			if _, err := fmt.Fprint(w, "<p>more</p>"); err != nil {
				return
			}
			w.(http.Flusher).Flush()
			select {
			case <-r.Context().Done():
				return
			case <-time.After(100 * time.Millisecond):
			}
		}
	})
	s.page("/fast", "fast")
	s.serve("/sitemap.xml", "application/xml", urlset(s.URL+"/slow", s.URL+"/trickle", s.URL+"/fast"))
	cfg := testConfig()
	cfg.Timeout = 300 * time.Millisecond
	began := time.Now()
	pages := mustCrawl(t, New(cfg), s.URL+"/sitemap.xml")
	if took := time.Since(began); took > 3*time.Second {
		t.Fatalf("took %v", took)
	}
	ok, _ := pageURLs(pages)
	if !slices.Equal(ok, []string{s.URL + "/fast"}) {
		t.Fatalf("ok %v", ok)
	}
	for _, p := range []string{"/slow", "/trickle"} {
		if err := errOf(t, pages, s.URL+p); !strings.Contains(err.Error(), "timed out after 300ms") {
			t.Errorf("%s: %v", p, err)
		}
	}
}

func TestMaxBytes(t *testing.T) {
	s := newSite(t)
	big := "<p>" + strings.Repeat("x", 100<<10) + "</p>"
	s.serve("/huge", "text/html", big) // with Content-Length
	s.mux.HandleFunc("/stream", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		for range 100 { // chunked, no Content-Length
			if _, err := fmt.Fprint(w, strings.Repeat("y", 1<<10)); err != nil {
				return
			}
			w.(http.Flusher).Flush()
		}
	})
	s.serve("/fits", "text/html", "<p>"+strings.Repeat("z", 60<<10)+"</p>")
	s.serve("/sitemap.xml", "application/xml", urlset(s.URL+"/huge", s.URL+"/stream", s.URL+"/fits"))
	cfg := testConfig()
	cfg.MaxBytes = 64 << 10
	pages := mustCrawl(t, New(cfg), s.URL+"/sitemap.xml")
	ok, _ := pageURLs(pages)
	if !slices.Equal(ok, []string{s.URL + "/fits"}) {
		t.Fatalf("ok %v", ok)
	}
	for _, p := range []string{"/huge", "/stream"} {
		if err := errOf(t, pages, s.URL+p); err.Error() != s.URL+p+": page larger than 64 KiB" {
			t.Errorf("%s: %v", p, err)
		}
	}
	if got := formatBytes(DefaultMaxBytes); got != "10 MiB" {
		t.Errorf("formatBytes(DefaultMaxBytes) = %q", got)
	}
}

func TestMaxPages(t *testing.T) {
	s := newSite(t)
	s.pages(10)
	cfg := testConfig()
	cfg.MaxPages = 3
	pages, err := crawl(t, New(cfg), s.URL+"/sitemap.xml", nil)
	if !errors.Is(err, ErrMaxPages) {
		t.Fatalf("error %v", err)
	}
	if len(pages) != 3 {
		t.Fatalf("pages %+v", pages)
	}
	if n := len(s.requests()); n != 2+3 {
		t.Fatalf("requests %v", s.requests())
	}
}

func TestConditionalRequests(t *testing.T) {
	s := newSite(t)
	const lastMod = "Tue, 02 Jan 2024 03:04:05 GMT"
	s.mux.HandleFunc("/etag", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("ETag", `"abc"`)
		if r.Header.Get("If-None-Match") == `"abc"` {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("Content-Type", "text/html")
		fmt.Fprint(w, "<p>etag</p>")
	})
	s.mux.HandleFunc("/lastmod", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Last-Modified", lastMod)
		if r.Header.Get("If-Modified-Since") == lastMod {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("Content-Type", "text/html")
		fmt.Fprint(w, "<p>lastmod</p>")
	})
	s.serve("/sitemap.xml", "application/xml", urlset(s.URL+"/etag", s.URL+"/lastmod"))
	c := New(testConfig())

	// First crawl: nothing known; keep the validators as a store would.
	store := map[string][2]string{}
	pages := mustCrawl(t, c, s.URL+"/sitemap.xml")
	for _, p := range pages {
		if p.Err != nil || p.NotModified || len(p.Body) == 0 {
			t.Fatalf("first crawl: %+v", p)
		}
		store[p.URL] = [2]string{p.ETag, p.LastModified}
	}
	if store[s.URL+"/etag"][0] != `"abc"` || store[s.URL+"/lastmod"][1] != lastMod {
		t.Fatalf("validators %v", store)
	}

	// Second crawl: each page costs one 304.
	known := func(u string) (string, string) { v := store[u]; return v[0], v[1] }
	pages, err := crawl(t, c, s.URL+"/sitemap.xml", known)
	if err != nil {
		t.Fatal(err)
	}
	if len(pages) != 2 {
		t.Fatalf("pages %+v", pages)
	}
	for _, p := range pages {
		if p.Err != nil || !p.NotModified || len(p.Body) != 0 || p.ETag != store[p.URL][0] || p.LastModified != store[p.URL][1] {
			t.Fatalf("second crawl: %+v", p)
		}
	}
	// A single page, conditionally.
	pages, err = crawl(t, c, s.URL+"/etag", known)
	if err != nil || len(pages) != 1 || !pages[0].NotModified {
		t.Fatalf("%v %+v", err, pages)
	}
}

func TestSchemes(t *testing.T) {
	c := New(testConfig())
	for _, u := range []string{"file:///etc/passwd", "ftp://example.org/x.html", "mailto:a@example.org", "example.org/page", "http:///nohost"} {
		err := c.Crawl(t.Context(), u, nil, func(Page) error {
			t.Fatalf("%s: fn called", u)
			return nil
		})
		if err == nil || !strings.Contains(err.Error(), u) {
			t.Errorf("%s: error %v", u, err)
		}
	}
	// In a sitemap, a bad location is one failed page.
	s := newSite(t)
	s.page("/a", "a")
	s.serve("/sitemap.xml", "application/xml", urlset("ftp://example.org/x", s.URL+"/a"))
	pages := mustCrawl(t, c, s.URL+"/sitemap.xml")
	if err := errOf(t, pages, "ftp://example.org/x"); !strings.Contains(err.Error(), "unsupported scheme") {
		t.Fatal(err)
	}
}

func TestContentTypes(t *testing.T) {
	s := newSite(t)
	s.serve("/doc.pdf", "application/pdf", "%PDF-1.4\n...")
	s.serve("/img.png", "image/png", "\x89PNG\r\n\x1a\n")
	s.serve("/x.xhtml", "application/xhtml+xml", `<html xmlns="http://www.w3.org/1999/xhtml"><p>x</p></html>`)
	s.mux.HandleFunc("/untyped", func(w http.ResponseWriter, r *http.Request) {
		w.Header()["Content-Type"] = nil // no type: sniffed
		fmt.Fprint(w, "<!DOCTYPE html><html><p>untyped</p></html>")
	})
	s.serve("/sitemap.xml", "application/xml", urlset(s.URL+"/doc.pdf", s.URL+"/img.png", s.URL+"/x.xhtml", s.URL+"/untyped"))
	pages := mustCrawl(t, New(testConfig()), s.URL+"/sitemap.xml")
	ok, failed := pageURLs(pages)
	if want := []string{s.URL + "/doc.pdf", s.URL + "/untyped", s.URL + "/x.xhtml"}; !slices.Equal(ok, want) || !slices.Equal(failed, []string{s.URL + "/img.png"}) {
		t.Fatalf("ok %v failed %v", ok, failed)
	}
	if err := errOf(t, pages, s.URL+"/img.png"); !strings.Contains(err.Error(), `unsupported content type "image/png"`) {
		t.Fatal(err)
	}
	for _, p := range pages {
		if p.URL == s.URL+"/untyped" && !strings.HasPrefix(p.ContentType, "text/html") {
			t.Fatalf("sniffed %q", p.ContentType)
		}
	}
}

func TestCancel(t *testing.T) {
	s := newSite(t)
	s.mux.HandleFunc("/slow", func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-time.After(5 * time.Second):
		}
	})
	var locs []string
	for i := range 20 {
		locs = append(locs, fmt.Sprintf("%s/slow?%d", s.URL, i))
	}
	s.serve("/sitemap.xml", "application/xml", urlset(locs...))
	ctx, cancel := context.WithTimeout(t.Context(), 200*time.Millisecond)
	defer cancel()
	began := time.Now()
	err := New(testConfig()).Crawl(ctx, s.URL+"/sitemap.xml", nil, func(p Page) error {
		t.Errorf("fn called with %+v", p)
		return nil
	})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("error %v", err)
	}
	if took := time.Since(began); took > time.Second {
		t.Fatalf("took %v to stop", took)
	}
}

func TestFnErrorStops(t *testing.T) {
	s := newSite(t)
	s.pages(30)
	cfg := testConfig()
	cfg.Delay = 5 * time.Millisecond
	stop := errors.New("stop")
	calls := 0
	err := New(cfg).Crawl(t.Context(), s.URL+"/sitemap.xml", nil, func(Page) error {
		calls++
		return stop
	})
	if !errors.Is(err, stop) || calls != 1 {
		t.Fatalf("error %v after %d calls", err, calls)
	}
	if n := len(s.requests()); n > 2+5 {
		t.Fatalf("went on fetching: %d requests", n)
	}
}
