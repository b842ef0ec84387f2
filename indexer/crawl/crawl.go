// Package crawl fetches web pages for ingest: one page, or every page a
// sitemap (or sitemap index) lists. It is a polite crawler: it honours
// robots.txt, names itself in its User-Agent, keeps to a few requests at a
// time and a minimum delay per host, and uses conditional requests so
// that an unchanged page costs one 304. It refuses private, loopback and
// other non-public addresses unless told otherwise, checked when
// connecting, so that a server running Fundus cannot be turned against its
// own network.
package crawl

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/fundus-kb/fundus/internal/workpool"
)

// DefaultUserAgent names Fundus to the sites it fetches from.
const DefaultUserAgent = "Fundus/1.0 (+https://github.com/fundus-kb/fundus)"

// Defaults of Config.
const (
	DefaultPerHostConcurrency = 2
	DefaultDelay              = 500 * time.Millisecond
	DefaultTimeout            = 20 * time.Second
	DefaultMaxPages           = 1000
	DefaultMaxBytes           = 10 << 20
)

// Limits of the protocols.
const (
	maxRedirects    = 5         // per fetch, as browsers and RFC 9309 do
	maxSitemapDepth = 3         // sitemap indexes within sitemap indexes
	maxRobotsBytes  = 500 << 10 // RFC 9309: parse at least 500 KiB
	robotsTTL       = 24 * time.Hour
	robotsErrTTL    = time.Minute // robots.txt that could not be fetched
	maxWorkers      = 16
)

// Config configures a Crawler. Zero values mean the defaults.
type Config struct {
	// UserAgent is sent with every request; its product token (the part
	// before "/") picks the robots.txt group. Default DefaultUserAgent.
	UserAgent string
	// PerHostConcurrency caps the requests in flight to one host.
	// Default 2.
	PerHostConcurrency int
	// Delay is the minimum gap between the starts of two requests to one
	// host; a longer Crawl-delay in the host's robots.txt wins. Default
	// 500ms; negative means none.
	Delay time.Duration
	// Timeout bounds one request, from sending it to reading the body.
	// Default 20s.
	Timeout time.Duration
	// MaxPages caps the pages one Crawl fetches. Default 1000.
	MaxPages int
	// MaxBytes caps the size of one page. Default 10 MiB.
	MaxBytes int64
	// AllowPrivate permits private, loopback, link-local and other
	// non-public addresses.
	AllowPrivate bool
	// HTTPClient, when set, makes the requests. The Crawler uses a copy
	// that does not follow redirects (it follows them itself). When its
	// Transport is an *http.Transport (or nil), the copy's transport
	// checks every address it dials; another RoundTripper is used as is,
	// and only literal IP addresses in URLs are checked.
	HTTPClient *http.Client
	// Logger receives a debug record per request. Default: discard.
	Logger *slog.Logger
}

// Page is the outcome of fetching one page.
type Page struct {
	// URL is the page's URL after redirects, without fragment: the
	// document's stable id and source. For a failed fetch it is the URL
	// asked for.
	URL string
	// Body is the page (HTML, XHTML or PDF), when fetched.
	Body []byte
	// ContentType is the response's Content-Type (with its parameters,
	// such as charset), or the sniffed type when it gave none.
	ContentType string
	// ETag and LastModified are the page's validators, to be kept and
	// returned by the known function of the next Crawl.
	ETag         string
	LastModified string
	// NotModified reports a 304 answer to a conditional request: the
	// page is unchanged and Body is empty.
	NotModified bool
	// Err is why the page could not be fetched. It names the URL.
	Err error
}

// ErrMaxPages is returned by Crawl, wrapped, when a sitemap lists more
// pages than Config.MaxPages; the pages up to the cap were fetched.
var ErrMaxPages = errors.New("page cap reached")

// ErrRobots is matched (with errors.Is) by the failure of a page that
// robots.txt disallows.
var ErrRobots = errors.New("disallowed by robots.txt")

// Error is the failure to fetch one URL.
type Error struct {
	URL string
	Err error
}

func (e *Error) Error() string { return e.URL + ": " + e.Err.Error() }
func (e *Error) Unwrap() error { return e.Err }

// StatusError is an HTTP response with a status that is neither success
// nor redirect.
type StatusError struct {
	Code int
}

func (e *StatusError) Error() string {
	return fmt.Sprintf("HTTP %d %s", e.Code, http.StatusText(e.Code))
}

// Crawler fetches pages. Its robots.txt cache and per-host limits are
// shared by all its Crawl calls, which may run concurrently.
type Crawler struct {
	cfg     Config
	client  *http.Client
	log     *slog.Logger
	agent   string // robots.txt product token, lower case
	checkIP func(netip.Addr) error

	mu    sync.Mutex
	hosts map[string]*host
}

// host is the state kept per scheme, host and port.
type host struct {
	slots chan struct{} // one per request in flight

	mu      sync.Mutex
	last    time.Time     // start of the latest request
	delay   time.Duration // minimum gap between request starts
	robots  *robotsEntry
	loading chan struct{} // closed when a robots.txt fetch ends
}

type robotsEntry struct {
	rules   *robotsRules
	err     error
	expires time.Time
}

// New returns a Crawler.
func New(cfg Config) *Crawler {
	if cfg.UserAgent == "" {
		cfg.UserAgent = DefaultUserAgent
	}
	if cfg.PerHostConcurrency <= 0 {
		cfg.PerHostConcurrency = DefaultPerHostConcurrency
	}
	switch {
	case cfg.Delay == 0:
		cfg.Delay = DefaultDelay
	case cfg.Delay < 0:
		cfg.Delay = 0
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultTimeout
	}
	if cfg.MaxPages <= 0 {
		cfg.MaxPages = DefaultMaxPages
	}
	if cfg.MaxBytes <= 0 {
		cfg.MaxBytes = DefaultMaxBytes
	}
	logger := cfg.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	c := &Crawler{
		cfg:   cfg,
		log:   logger,
		agent: agentToken(cfg.UserAgent),
		hosts: map[string]*host{},
	}
	c.checkIP = CheckAddr
	if cfg.AllowPrivate {
		c.checkIP = func(netip.Addr) error { return nil }
	}
	// The check is looked up on every dial, so that tests can replace it.
	dialer := newDialer(func(a netip.Addr) error { return c.checkIP(a) })

	var client http.Client
	if cfg.HTTPClient != nil {
		client = *cfg.HTTPClient
	}
	switch t := client.Transport.(type) {
	case nil:
		client.Transport = &http.Transport{
			// No proxy: the address check must see the address of the
			// site, not of a proxy.
			Proxy:                 nil,
			DialContext:           dialer.DialContext,
			ForceAttemptHTTP2:     true,
			MaxIdleConns:          100,
			MaxIdleConnsPerHost:   cfg.PerHostConcurrency,
			IdleConnTimeout:       90 * time.Second,
			TLSHandshakeTimeout:   10 * time.Second,
			ExpectContinueTimeout: time.Second,
		}
	case *http.Transport:
		t = t.Clone()
		t.Proxy = nil
		t.DialContext = dialer.DialContext
		client.Transport = t
	}
	client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	client.Timeout = 0 // each request has its own context deadline
	c.client = &client
	return c
}

// Crawl fetches startURL: a page, or a sitemap or sitemap index, whose
// pages it fetches in turn (sitemap indexes nested up to 3 deep). It calls
// fn with each page fetched or failed, from one goroutine, in the order
// the fetches end; fn is not called for the sitemaps themselves unless
// they fail. known, which may be nil, returns the validators kept from an
// earlier fetch of a URL, to make the request conditional.
//
// Crawl returns an error for a start URL that is not an absolute http(s)
// URL, for fn's first error, when ctx ends, and (wrapping ErrMaxPages)
// when the pages listed exceed Config.MaxPages. Failures of single pages
// go to fn as Page.Err.
func (c *Crawler) Crawl(ctx context.Context, startURL string, known func(url string) (etag, lastModified string), fn func(Page) error) error {
	start, err := parseURL(startURL)
	if err != nil {
		return &Error{URL: startURL, Err: err}
	}
	if known == nil {
		known = func(string) (string, string) { return "", "" }
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	emitted := map[string]bool{}
	emit := func(p Page) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		if p.Err == nil {
			if emitted[p.URL] {
				return nil // two listed URLs led to one page
			}
			emitted[p.URL] = true
		}
		return fn(p)
	}

	res := c.fetch(ctx, start, known, fetchAuto)
	if err := ctx.Err(); err != nil {
		return err
	}
	if res.sitemap == "" {
		return emit(res.page())
	}
	pages, capped, err := c.collect(ctx, res, emit)
	if err != nil {
		return err
	}

	var ferr error
	workpool.Each(ctx, pages, maxWorkers, func(ctx context.Context, u *url.URL) Page {
		return c.fetch(ctx, u, known, fetchPage).page()
	}, func(p Page) {
		if ferr != nil {
			return
		}
		if err := ctx.Err(); err != nil {
			ferr = err
			return
		}
		if err := emit(p); err != nil {
			ferr = err
			cancel()
		}
	})
	if ferr != nil {
		return ferr
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if capped {
		return fmt.Errorf("%s lists more than %d pages; fetched the first %d: %w", startURL, c.cfg.MaxPages, c.cfg.MaxPages, ErrMaxPages)
	}
	return nil
}

// collect reads the sitemap fetched as first, and the sitemaps a sitemap
// index lists, into the list of pages to fetch. It reports failed
// sitemaps and entries to emit.
func (c *Crawler) collect(ctx context.Context, first *fetched, emit func(Page) error) (pages []*url.URL, capped bool, err error) {
	type sitemap struct {
		res   *fetched
		depth int
	}
	seenPage := map[string]bool{}
	seenMap := map[string]bool{first.url.String(): true, first.asked.String(): true}
	queue := []sitemap{{res: first}}
	for len(queue) > 0 {
		sm := queue[0]
		queue = queue[1:]
		res := sm.res
		if res.err != nil {
			if err := emit(res.page()); err != nil {
				return nil, false, err
			}
			continue
		}
		if res.sitemap == "" {
			if err := emit(Page{URL: res.asked.String(), Err: &Error{URL: res.asked.String(), Err: errors.New("not a sitemap (no <urlset> or <sitemapindex>)")}}); err != nil {
				return nil, false, err
			}
			continue
		}
		if res.sitemapErr != nil {
			if err := emit(Page{URL: res.url.String(), Err: &Error{URL: res.url.String(), Err: res.sitemapErr}}); err != nil {
				return nil, false, err
			}
		}
		for _, loc := range res.locs {
			u, err := res.url.Parse(loc)
			if err == nil {
				err = checkScheme(u)
			}
			if err != nil {
				if err := emit(Page{URL: loc, Err: &Error{URL: loc, Err: err}}); err != nil {
					return nil, false, err
				}
				continue
			}
			normalizeURL(u)
			key := u.String()
			if res.sitemap == sitemapURLSet {
				if seenPage[key] {
					continue
				}
				if len(pages) >= c.cfg.MaxPages {
					capped = true
					break
				}
				seenPage[key] = true
				pages = append(pages, u)
				continue
			}
			if seenMap[key] {
				continue
			}
			seenMap[key] = true
			if sm.depth+1 > maxSitemapDepth {
				if err := emit(Page{URL: key, Err: &Error{URL: key, Err: fmt.Errorf("sitemap indexes nested deeper than %d", maxSitemapDepth)}}); err != nil {
					return nil, false, err
				}
				continue
			}
			if len(pages) >= c.cfg.MaxPages {
				capped = true
				continue
			}
			child := c.fetch(ctx, u, nil, fetchSitemap)
			if err := ctx.Err(); err != nil {
				return nil, false, err
			}
			queue = append(queue, sitemap{res: child, depth: sm.depth + 1})
		}
	}
	return pages, capped, nil
}

// Kinds of fetch.
type fetchKind int

const (
	fetchAuto    fetchKind = iota // the start URL: a page or a sitemap
	fetchPage                     // a page a sitemap lists
	fetchSitemap                  // a sitemap a sitemap index lists
)

// fetched is the outcome of one fetch, redirects followed.
type fetched struct {
	asked       *url.URL // the URL asked for
	url         *url.URL // the URL answered, after redirects
	body        []byte
	contentType string
	etag        string
	lastMod     string
	notModified bool
	err         error // names asked

	sitemap    string // sitemapURLSet or sitemapIndex, for a sitemap
	locs       []string
	sitemapErr error // a sitemap that broke off after locs
}

func (f *fetched) page() Page {
	if f.err != nil {
		return Page{URL: f.asked.String(), Err: f.err}
	}
	return Page{
		URL:          f.url.String(),
		Body:         f.body,
		ContentType:  f.contentType,
		ETag:         f.etag,
		LastModified: f.lastMod,
		NotModified:  f.notModified,
	}
}

// fetch gets u, following redirects, and classifies the answer.
func (c *Crawler) fetch(ctx context.Context, u *url.URL, known func(string) (string, string), kind fetchKind) *fetched {
	f := &fetched{asked: u, url: u}
	fail := func(err error) *fetched {
		if f.url.String() != f.asked.String() {
			err = fmt.Errorf("%w (redirected to %s)", err, f.url)
		}
		f.err = &Error{URL: f.asked.String(), Err: err}
		return f
	}
	for hop := 0; ; hop++ {
		if err := c.checkURL(f.url); err != nil {
			return fail(err)
		}
		h := c.host(f.url)
		rules, err := c.robots(ctx, h, f.url)
		if err != nil {
			return fail(fmt.Errorf("robots.txt: %w", err))
		}
		if !rules.allowed(pathQuery(f.url)) {
			return fail(ErrRobots)
		}
		var etag, lastMod string
		if known != nil && kind != fetchSitemap {
			etag, lastMod = known(f.url.String())
		}
		resp, body, err := c.get(ctx, h, f.url, getOptions{
			etag:    etag,
			lastMod: lastMod,
			limit: func(resp *http.Response) (int64, string) {
				if kind == fetchSitemap || kind == fetchAuto && maybeSitemap(f.url, mediaType(resp.Header.Get("Content-Type"))) {
					return max(c.cfg.MaxBytes, maxSitemapBytes), "sitemap"
				}
				return c.cfg.MaxBytes, "page"
			},
		})
		if err != nil {
			return fail(err)
		}
		switch code := resp.StatusCode; {
		case code == http.StatusMovedPermanently || code == http.StatusFound || code == http.StatusSeeOther ||
			code == http.StatusTemporaryRedirect || code == http.StatusPermanentRedirect:
			loc := resp.Header.Get("Location")
			if loc == "" {
				return fail(fmt.Errorf("HTTP %d redirect without a Location", code))
			}
			next, err := f.url.Parse(loc)
			if err != nil {
				return fail(fmt.Errorf("bad redirect location %q: %w", loc, err))
			}
			if hop == maxRedirects {
				return fail(fmt.Errorf("more than %d redirects", maxRedirects))
			}
			if err := checkScheme(next); err != nil {
				return fail(fmt.Errorf("redirect to %s: %w", next.Redacted(), err))
			}
			normalizeURL(next)
			f.url = next
			continue
		case code == http.StatusNotModified:
			f.notModified = true
			f.etag = cmpOr(resp.Header.Get("ETag"), etag)
			f.lastMod = cmpOr(resp.Header.Get("Last-Modified"), lastMod)
			return f
		case code < 200 || code > 299:
			return fail(&StatusError{Code: code})
		}
		f.body = body
		f.etag = resp.Header.Get("ETag")
		f.lastMod = resp.Header.Get("Last-Modified")
		f.contentType = resp.Header.Get("Content-Type")
		mt := mediaType(f.contentType)
		if mt == "" {
			f.contentType = http.DetectContentType(body)
			mt = mediaType(f.contentType)
		}
		if kind == fetchSitemap || kind == fetchAuto && maybeSitemap(f.url, mt) {
			f.sitemap, f.locs, f.sitemapErr = parseSitemap(body)
			if f.sitemap != "" || kind == fetchSitemap {
				f.body = nil
				return f
			}
		}
		switch mt {
		case "text/html", "application/xhtml+xml", "application/pdf":
			return f
		}
		f.body = nil
		return fail(fmt.Errorf("unsupported content type %q", mt))
	}
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// maybeSitemap reports whether a URL with a response of media type mt may
// be a sitemap, to be read as one when its root element says so.
func maybeSitemap(u *url.URL, mt string) bool {
	p := strings.ToLower(u.Path)
	return strings.HasSuffix(p, ".xml") || strings.HasSuffix(p, ".xml.gz") ||
		mt == "application/xml" || mt == "text/xml" ||
		mt == "application/gzip" || mt == "application/x-gzip"
}

func mediaType(contentType string) string {
	if contentType == "" {
		return ""
	}
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		mt, _, _ = strings.Cut(contentType, ";")
		mt = strings.ToLower(strings.TrimSpace(mt))
	}
	return mt
}

type getOptions struct {
	etag, lastMod string
	// limit returns the size cap for a response, and what the response
	// is ("page") for the message when it is exceeded.
	limit func(*http.Response) (int64, string)
	// truncate reads a response over the limit up to the limit, rather
	// than failing.
	truncate bool
}

// get sends one GET request to the host h, within its limits, and reads a
// successful response's body. Other responses are returned with their
// body discarded.
func (c *Crawler) get(ctx context.Context, h *host, u *url.URL, opts getOptions) (*http.Response, []byte, error) {
	release, err := c.acquire(ctx, h)
	if err != nil {
		return nil, nil, err
	}
	defer release()
	rctx, cancel := context.WithTimeout(ctx, c.cfg.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(rctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, nil, err
	}
	req.Header.Set("User-Agent", c.cfg.UserAgent)
	req.Header.Set("Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,application/pdf;q=0.8,*/*;q=0.5")
	if opts.etag != "" {
		req.Header.Set("If-None-Match", opts.etag)
	}
	if opts.lastMod != "" {
		req.Header.Set("If-Modified-Since", opts.lastMod)
	}
	began := time.Now()
	timedOut := func(err error) error {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if errors.Is(rctx.Err(), context.DeadlineExceeded) {
			return fmt.Errorf("timed out after %s", c.cfg.Timeout)
		}
		return err
	}
	resp, err := c.client.Do(req)
	if err != nil {
		c.log.Debug("fetch failed", "url", u.Redacted(), "err", err)
		return nil, nil, timedOut(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		// Read a little, so that the connection can be reused.
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
		c.log.Debug("fetched", "url", u.Redacted(), "status", resp.StatusCode, "took", time.Since(began))
		return resp, nil, nil
	}
	limit, what := opts.limit(resp)
	tooLarge := fmt.Errorf("%s larger than %s", what, formatBytes(limit))
	if resp.ContentLength > limit && !opts.truncate {
		return nil, nil, tooLarge
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	if err != nil {
		return nil, nil, timedOut(fmt.Errorf("read body: %w", err))
	}
	if int64(len(body)) > limit {
		if !opts.truncate {
			return nil, nil, tooLarge
		}
		body = body[:limit]
	}
	c.log.Debug("fetched", "url", u.Redacted(), "status", resp.StatusCode, "bytes", len(body), "took", time.Since(began))
	return resp, body, nil
}

// host returns the state of u's host.
func (c *Crawler) host(u *url.URL) *host {
	key := u.Scheme + "://" + u.Host
	c.mu.Lock()
	defer c.mu.Unlock()
	h := c.hosts[key]
	if h == nil {
		h = &host{slots: make(chan struct{}, c.cfg.PerHostConcurrency), delay: c.cfg.Delay}
		c.hosts[key] = h
	}
	return h
}

// acquire waits for a free request slot of h and for h's delay since the
// start of the previous request. The caller calls release when its
// response is read.
func (c *Crawler) acquire(ctx context.Context, h *host) (release func(), err error) {
	select {
	case h.slots <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	release = func() { <-h.slots }
	h.mu.Lock()
	start := time.Now()
	if next := h.last.Add(h.delay); next.After(start) {
		start = next
	}
	h.last = start
	h.mu.Unlock()
	if wait := time.Until(start); wait > 0 {
		t := time.NewTimer(wait)
		defer t.Stop()
		select {
		case <-t.C:
		case <-ctx.Done():
			release()
			return nil, ctx.Err()
		}
	}
	return release, nil
}

// robots returns the robots.txt rules of h, fetching them once per
// robotsTTL (or robotsErrTTL after a failure).
func (c *Crawler) robots(ctx context.Context, h *host, u *url.URL) (*robotsRules, error) {
	for {
		h.mu.Lock()
		if e := h.robots; e != nil && time.Now().Before(e.expires) {
			h.mu.Unlock()
			return e.rules, e.err
		}
		if ch := h.loading; ch != nil {
			h.mu.Unlock()
			select {
			case <-ch:
				continue
			case <-ctx.Done():
				return nil, ctx.Err()
			}
		}
		ch := make(chan struct{})
		h.loading = ch
		h.mu.Unlock()

		rules, err := c.fetchRobots(ctx, u)
		h.mu.Lock()
		h.loading = nil
		if ctx.Err() == nil {
			ttl := robotsTTL
			if err != nil {
				ttl = robotsErrTTL
			}
			h.robots = &robotsEntry{rules: rules, err: err, expires: time.Now().Add(ttl)}
			if err == nil {
				h.delay = max(c.cfg.Delay, rules.crawlDelay)
				if rules.crawlDelay > c.cfg.Delay {
					c.log.Info("robots.txt asks for a crawl delay", "host", u.Host, "delay", rules.crawlDelay)
				}
			}
		}
		h.mu.Unlock()
		close(ch)
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		return rules, err
	}
}

// fetchRobots fetches and parses the robots.txt of u's host. As Google
// does, a 4xx answer (but 429) allows everything, a 5xx or 429 answer
// disallows everything, and a network failure is an error.
func (c *Crawler) fetchRobots(ctx context.Context, site *url.URL) (*robotsRules, error) {
	u := &url.URL{Scheme: site.Scheme, Host: site.Host, Path: "/robots.txt"}
	for range maxRedirects + 1 {
		if err := c.checkURL(u); err != nil {
			return nil, err
		}
		resp, body, err := c.get(ctx, c.host(u), u, getOptions{
			truncate: true,
			limit:    func(*http.Response) (int64, string) { return maxRobotsBytes, "robots.txt" },
		})
		if err != nil {
			return nil, err
		}
		switch code := resp.StatusCode; {
		case code >= 200 && code <= 299:
			return parseRobots(body, c.agent), nil
		case code == http.StatusMovedPermanently || code == http.StatusFound || code == http.StatusSeeOther ||
			code == http.StatusTemporaryRedirect || code == http.StatusPermanentRedirect:
			next, err := u.Parse(resp.Header.Get("Location"))
			if err != nil || resp.Header.Get("Location") == "" || checkScheme(next) != nil {
				return allowAll, nil // as unavailable
			}
			normalizeURL(next)
			u = next
		case code == http.StatusTooManyRequests || code >= 500:
			return disallowAll, nil
		default:
			return allowAll, nil
		}
	}
	return allowAll, nil // too many redirects: as unavailable
}

// checkURL checks that u may be fetched: http or https, with a host that,
// when an IP address, is allowed. Host names are checked when dialing.
func (c *Crawler) checkURL(u *url.URL) error {
	if err := checkScheme(u); err != nil {
		return err
	}
	if a, err := netip.ParseAddr(u.Hostname()); err == nil {
		if err := c.checkIP(a); err != nil {
			return err
		}
	}
	return nil
}

func checkScheme(u *url.URL) error {
	switch u.Scheme {
	case "http", "https":
	case "":
		return errors.New("not an absolute URL")
	default:
		return fmt.Errorf("unsupported scheme %q (only http and https)", u.Scheme)
	}
	if u.Hostname() == "" {
		return errors.New("no host")
	}
	return nil
}

// parseURL parses an absolute http(s) URL and normalises it.
func parseURL(s string) (*url.URL, error) {
	u, err := url.Parse(strings.TrimSpace(s))
	if err != nil {
		return nil, err
	}
	u.Scheme = strings.ToLower(u.Scheme)
	if err := checkScheme(u); err != nil {
		return nil, err
	}
	normalizeURL(u)
	return u, nil
}

// normalizeURL lower-cases scheme and host, drops a default port and the
// fragment, and makes an empty path "/".
func normalizeURL(u *url.URL) {
	u.Scheme = strings.ToLower(u.Scheme)
	u.Host = strings.ToLower(u.Host)
	if port := u.Port(); port == "80" && u.Scheme == "http" || port == "443" && u.Scheme == "https" {
		u.Host = strings.TrimSuffix(u.Host, ":"+port)
	}
	u.Fragment, u.RawFragment = "", ""
	if u.Path == "" && u.Opaque == "" {
		u.Path = "/"
	}
}

// pathQuery is what robots.txt rules are matched against.
func pathQuery(u *url.URL) string {
	p := u.EscapedPath()
	if p == "" {
		p = "/"
	}
	if u.RawQuery != "" {
		p += "?" + u.RawQuery
	}
	return p
}
