package web_test

// End-to-end tests of the web interface in a real headless Chromium,
// driven with chromedp, over the demo corpus. They need Debian's chromium
// package; without it they skip, except under CI=true, where a missing
// browser fails.

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/fundus-kb/fundus/indexer"
	"github.com/fundus-kb/fundus/indexer/demo"
	"github.com/fundus-kb/fundus/search"
	"github.com/fundus-kb/fundus/web"
)

// e2eMembersDoc is the members-only document of the browser test.
const e2eMembersDoc = `{"id":"intern/klausur","type":"other","title":"Klausurprotokoll des Netzwerks","visibility":"members","language":"de","body":"Das Klausurprotokoll hält die internen Beschlüsse fest."}`

// chromiumPath finds the browser: /usr/bin/chromium, else chromium or
// chromium-browser on the PATH.
func chromiumPath() string {
	if _, err := os.Stat("/usr/bin/chromium"); err == nil {
		return "/usr/bin/chromium"
	}
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// demoServer serves the demo corpus from a fresh knowledge base, with
// extra documents (JSON) added, without writes.
func demoServer(t *testing.T, cfg web.Config, extra ...string) *httptest.Server {
	t.Helper()
	ts := httptest.NewServer(mustServer(t, cfg, demoKB(t, extra...), nil))
	t.Cleanup(ts.Close)
	return ts
}

// demoKB is a fresh knowledge base holding the demo corpus and extra
// documents (JSON).
func demoKB(t *testing.T, extra ...string) *indexer.KB {
	t.Helper()
	ctx := context.Background()
	kb, err := indexer.Open(ctx, indexer.Config{DataDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { kb.Close() })
	if err := kb.WaitReady(ctx); err != nil {
		t.Fatal(err)
	}
	sum, err := kb.Ingest(ctx, []indexer.Source{{FS: demo.FS(), Root: "demo"}}, indexer.IngestOptions{
		OnError: func(err error) { t.Errorf("demo corpus: %v", err) },
	})
	if err != nil || sum.Added == 0 {
		t.Fatalf("load demo corpus: %v (%+v)", err, sum)
	}
	for i, doc := range extra {
		res, err := kb.IngestBytes(ctx, "extra-"+strconv.Itoa(i)+".json", []byte(doc), "")
		if err != nil || len(res) != 1 || res[0].Status != search.Added {
			t.Fatalf("extra document %d: %v %v", i, res, err)
		}
	}
	return kb
}

// tab is a Chromium tab with the console messages it reported.
type tab struct {
	ctx context.Context
	mu  sync.Mutex
	// problems are errors, exceptions and security messages; flushed is
	// the last marker flushConsole logged that has come back.
	problems []string
	flushed  string
}

// browser is the tab as one (sub)test uses it: failures go to t.
type browser struct {
	t *testing.T
	*tab
}

// in is the browser for the subtest t.
func (b *browser) in(t *testing.T) *browser { return &browser{t: t, tab: b.tab} }

func newBrowser(t *testing.T, exe string) *browser {
	t.Helper()
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(exe),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("disable-features", "Translate,MediaRouter,OptimizationHints"),
		chromedp.Flag("force-color-profile", "srgb"),
		// A German browser: the UI starts in German.
		chromedp.Flag("lang", "de-DE"),
		chromedp.Flag("accept-lang", "de-DE,de"),
		chromedp.WindowSize(1280, 900),
		chromedp.UserDataDir(t.TempDir()),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelTab := chromedp.NewContext(actx)
	t.Cleanup(func() {
		cancelTab()
		cancelAlloc()
	})
	if err := chromedp.Do(ctx); err != nil { // starts the browser
		t.Fatalf("start %s: %v", exe, err)
	}
	b := &browser{t: t, tab: &tab{ctx: ctx}}
	messages := chromedp.Console(ctx)
	go func() {
		for m, err := range messages {
			if err != nil {
				return
			}
			if m.Type == chromedp.ConsoleLog && strings.HasPrefix(m.Text, flushMarker) {
				b.mu.Lock()
				b.flushed = m.Text
				b.mu.Unlock()
			}
			if m.IsException() || m.Type == chromedp.ConsoleError || m.Source == "security" {
				b.mu.Lock()
				b.problems = append(b.problems, fmt.Sprintf("%s %s (%s:%d)", m.Type, m.Text, m.URL, m.Line))
				b.mu.Unlock()
			}
		}
	}()
	return b
}

// flushMarker begins the console messages of flushConsole.
const flushMarker = "fundus-e2e-flush-"

// flushConsole waits until every console message the page has sent so far
// has arrived: it logs a marker and waits for it, since the messages come
// in order on one channel.
func (b *browser) flushConsole() {
	b.t.Helper()
	marker := flushMarker + strconv.FormatInt(time.Now().UnixNano(), 10)
	eval[bool](b, `(console.log(`+strconv.Quote(marker)+`), true)`)
	b.waitUntil("the console marker", func() bool {
		b.mu.Lock()
		defer b.mu.Unlock()
		return b.flushed == marker
	})
}

func (b *tab) consoleProblems() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]string(nil), b.problems...)
}

// do runs actions, failing the test on an error.
func (b *browser) do(what string, actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, guard)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		b.t.Fatalf("%s: %v", what, err)
	}
}

// load runs a trigger (a click, a key) and waits for the page it loads.
func (b *browser) load(what string, trigger chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, guard)
	defer cancel()
	if _, err := chromedp.Run(ctx, chromedp.WaitEvent(page.LoadEventFired, nil, trigger)); err != nil {
		b.t.Fatalf("%s: %v", what, err)
	}
}

// swap runs a trigger that replaces the list in place (fetch and the
// History API, no page load) and waits until the address has changed;
// the page must not have reloaded.
func (b *browser) swap(what string, trigger chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	marker := eval[float64](b, `window.__fundusMarker = Math.random()`)
	before := eval[string](b, `location.href`)
	b.do(what, trigger)
	b.waitFor(what, `location.href !== `+strconv.Quote(before)+` && !document.querySelector('.results[aria-busy=true]')`)
	if got := eval[float64](b, `window.__fundusMarker || 0`); got != marker {
		b.t.Errorf("%s: the page reloaded instead of updating in place", what)
	}
}

// waitFor polls a JavaScript condition until it comes true, for up to
// guard.
func (b *browser) waitFor(what, cond string) {
	b.t.Helper()
	b.waitUntil(what+": "+cond, func() bool { return eval[bool](b, `!!(`+cond+`)`) })
}

// waitUntil polls ok until it reports true, failing the test after guard:
// a deadline that catches a hang, never one a slow machine meets.
func (b *browser) waitUntil(what string, ok func() bool) {
	b.t.Helper()
	for deadline := time.Now().Add(guard); !ok(); time.Sleep(50 * time.Millisecond) {
		if time.Now().After(deadline) {
			b.t.Fatalf("%s did not come true within %s", what, guard)
		}
	}
}

// eval evaluates a JavaScript expression.
func eval[T any](b *browser, expr string) T {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, guard)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		b.t.Fatalf("evaluate %s: %v", expr, err)
	}
	return v
}

func (b *browser) text(sel string) string {
	b.t.Helper()
	return eval[string](b, `(document.querySelector(`+strconv.Quote(sel)+`) || {innerText: ""}).innerText.trim()`)
}

func (b *browser) location() *url.URL {
	b.t.Helper()
	u, err := url.Parse(eval[string](b, `location.href`))
	if err != nil {
		b.t.Fatal(err)
	}
	return u
}

// facetCounts reads the counts of one facet's checkboxes, by value.
func (b *browser) facetCounts(param string) map[string]string {
	b.t.Helper()
	return eval[map[string]string](b, `Object.fromEntries(Array.from(document.querySelectorAll('input[type=checkbox][name=`+param+`]')).map(i => [i.value, i.parentElement.querySelector('.count').textContent.trim()]))`)
}

// screenshot saves a PNG of url at the given width: the whole page, or
// with SCREENSHOT_FIRST_SCREEN=1 (make screenshots, for the README) what
// the first screen shows.
func (b *browser) screenshot(dir, name, url string, width int64) {
	b.t.Helper()
	var opts []chromedp.EmulateViewportOption
	if width < 600 {
		opts = append(opts, chromedp.EmulateMobile, chromedp.EmulateScale(2))
	}
	b.do("open "+url, chromedp.EmulateViewport(width, 900, opts...), chromedp.Navigate(url))
	if over := eval[bool](b, `document.documentElement.scrollWidth > window.innerWidth`); over {
		b.t.Errorf("%s at %d px: the page is wider than the screen", url, width)
	}
	ctx, cancel := context.WithTimeout(b.ctx, guard)
	defer cancel()
	shot := chromedp.FullScreenshot(100)
	if os.Getenv("SCREENSHOT_FIRST_SCREEN") == "1" {
		shot = chromedp.CaptureScreenshot()
	}
	png, err := chromedp.Run(ctx, shot)
	if err != nil {
		b.t.Fatalf("screenshot %s: %v", name, err)
	}
	if err := os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644); err != nil {
		b.t.Fatal(err)
	}
}

// needChromium returns the browser's path, or skips the test (fails it
// under CI=true) when there is none or the tests run with -short.
func needChromium(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("browser tests are slow")
	}
	exe := chromiumPath()
	if exe == "" {
		msg := "no Chromium found (install Debian's chromium package: apt-get install -y chromium)"
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	return exe
}

// browserTest starts what a browser test needs: the demo server with cfg
// (and the extra documents), and a browser to open its pages in. It
// skips the test where there is no Chromium.
func browserTest(t *testing.T, cfg web.Config, extra ...string) (*httptest.Server, *browser) {
	t.Helper()
	exe := needChromium(t)
	ts := demoServer(t, cfg, extra...)
	return ts, newBrowser(t, exe)
}

// screenshotDir is the folder a browser test saves its screenshots in:
// $SCREENSHOT_DIR, or a temporary one.
func screenshotDir(t *testing.T) string {
	t.Helper()
	shots := os.Getenv("SCREENSHOT_DIR")
	if shots == "" {
		shots = filepath.Join(t.TempDir(), "screenshots")
	}
	if err := os.MkdirAll(shots, 0o755); err != nil {
		t.Fatal(err)
	}
	return shots
}

// viewports are the screen widths pages are checked at.
var viewports = []struct {
	name  string
	width int64
}{{"desktop", 1280}, {"phone", 390}}

// checkConsole fails t if the browser's console reported problems (a
// blocked script or style: the Content Security Policy?).
func checkConsole(t *testing.T, b *browser) {
	t.Helper()
	if p := b.consoleProblems(); len(p) > 0 {
		t.Errorf("console problems (CSP?): %v", p)
	}
}

func TestBrowser(t *testing.T) {
	started := time.Now()
	// The server has a read token and a members-only document, which the
	// public steps never see and the sign-in step finds.
	const readToken = "e2e-read-token"
	ts, b := browserTest(t, web.Config{ReadToken: readToken}, e2eMembersDoc)
	shots := screenshotDir(t)

	t.Run("screenshots", func(t *testing.T) {
		b := b.in(t)
		pages := []struct{ name, path string }{
			{"home", "/"},
			{"search", "/search?q=Innovationskultur&type=case&type=webinar"},
			{"answer", "/search?q=Was+haben+wir+%C3%BCber+Fehlerkultur+gelernt%3F"},
			{"document", "/documents/cases/nordwerk-intrapreneurship"},
			{"topics", "/topics"},
			{"topic", "/topics/Open%20Innovation"},
			{"recommendations", "/recommendations"},
			{"signin", "/signin"},
		}
		for _, size := range viewports {
			for _, p := range pages {
				b.screenshot(shots, p.name+"-"+size.name, ts.URL+p.path, size.width)
			}
		}
		t.Logf("screenshots in %s", shots)
	})

	b.do("desktop width", chromedp.EmulateViewport(1280, 900), chromedp.Navigate(ts.URL+"/"))

	t.Run("keyboard: skip link first", func(t *testing.T) {
		b := b.in(t)
		b.do("tab", chromedp.KeyEvent(kb.Tab))
		if got := eval[string](b, `document.activeElement.className`); got != "skip-link" {
			t.Errorf("first tab stop is %q, want the skip link", got)
		}
		if top := eval[float64](b, `document.activeElement.getBoundingClientRect().top`); top < 0 {
			t.Errorf("the focused skip link is off screen (top %v)", top)
		}
	})

	var total string
	t.Run("type a query and pick a suggestion", func(t *testing.T) {
		b := b.in(t)
		if lang := eval[string](b, `document.documentElement.lang`); lang != "de" {
			t.Fatalf("page language %q, want de", lang)
		}
		b.do("type", chromedp.Click(chromedp.CSS("#q")), chromedp.SendKeys(chromedp.CSS("#q"), "Innovationsk"),
			chromedp.WaitVisible(chromedp.CSS("#q-list .suggestion")))
		if got := b.text("#q-list .suggestion .suggestion-text"); got != "Innovationskultur" {
			t.Fatalf("first suggestion %q", got)
		}
		if got := eval[string](b, `document.querySelector('#q').getAttribute('aria-expanded')`); got != "true" {
			t.Errorf("aria-expanded %q", got)
		}
		b.load("pick with the keyboard", chromedp.KeyEvent(kb.ArrowDown+kb.Enter))
		if got := b.location(); got.Path != "/search" || got.Query().Get("topic") != "Innovationskultur" {
			t.Fatalf("went to %s", got)
		}
		total = b.text("h2.results-summary")
		if !strings.HasSuffix(total, " Dokumente") || b.text("ol.hits .hit-title a") == "" {
			t.Fatalf("results %q", total)
		}
	})

	t.Run("tick a facet, then remove its chip", func(t *testing.T) {
		b := b.in(t)
		types, langs := b.facetCounts("type"), b.facetCounts("lang")
		b.swap("tick cases", chromedp.Click(chromedp.CSS(`input[name=type][value=case]`)))
		if got := eval[string](b, `document.activeElement.name + '=' + document.activeElement.value`); got != "type=case" {
			t.Errorf("focus is on %q, want the ticked checkbox", got)
		}
		if got := b.location().Query()["type"]; len(got) != 1 || got[0] != "case" {
			t.Fatalf("type filter %v", got)
		}
		if got, want := b.text("h2.results-summary"), types["case"]+" Dokumente"; got != want {
			t.Errorf("results %q, want %q", got, want)
		}
		if !eval[bool](b, `document.querySelector('input[name=type][value=case]').checked`) {
			t.Error("the facet is not ticked")
		}
		if got := b.facetCounts("type"); fmt.Sprint(got) != fmt.Sprint(types) {
			t.Errorf("type counts changed (they are disjunctive): %v, were %v", got, types)
		}
		if got := b.facetCounts("lang"); fmt.Sprint(got) == fmt.Sprint(langs) {
			t.Errorf("language counts did not change: %v", got)
		}
		if got := b.text(".chips a.chip"); !strings.Contains(got, "Praxisfälle") {
			t.Fatalf("chip %q", got)
		}
		b.swap("remove the chip", chromedp.Click(chromedp.CSS(".chips a.chip")))
		if got := b.location().Query(); got.Has("type") || got.Get("topic") != "Innovationskultur" {
			t.Errorf("after removing the chip: %v", got)
		}
		if got := b.text("h2.results-summary"); got != total {
			t.Errorf("results %q, want %q again", got, total)
		}
	})

	t.Run("page forward", func(t *testing.T) {
		b := b.in(t)
		first := b.text("ol.hits .hit-title a")
		b.swap("next page", chromedp.Click(chromedp.CSS("nav.pager a[rel=next]")))
		if got := b.location().Query().Get("page"); got != "2" {
			t.Errorf("page %q", got)
		}
		if got := b.text("ol.hits .hit-title a"); got == first || got == "" {
			t.Errorf("page 2 starts with %q, as page 1 did", got)
		}
		if got := b.text(`nav.pager a[aria-current=page]`); got != "2" {
			t.Errorf("current page %q", got)
		}
	})

	var topic string
	t.Run("open a document and follow a topic", func(t *testing.T) {
		b := b.in(t)
		title := b.text("ol.hits .hit-title a")
		b.load("open", chromedp.Click(chromedp.CSS("ol.hits .hit-title a")))
		if !strings.HasPrefix(b.location().Path, "/documents/") {
			t.Fatalf("at %s", b.location())
		}
		if got := b.text("h1#doc-title"); got != title {
			t.Errorf("document title %q, want %q", got, title)
		}
		if b.text(".doc-related a.mini-hit") == "" || !strings.Contains(eval[string](b, `document.querySelector('#citation').value`), title) {
			t.Error("no related documents or citation")
		}
		topic = b.text(".doc-meta .tags a")
		b.load("follow the topic", chromedp.Click(chromedp.CSS(".doc-meta .tags a")))
		if got := b.location().Path; got != "/topics/"+url.PathEscape(topic) {
			t.Errorf("at %s, want the page of %q", got, topic)
		}
		if got := b.text("main h1"); !strings.Contains(got, topic) {
			t.Errorf("h1 %q", got)
		}
	})

	t.Run("switch language", func(t *testing.T) {
		b := b.in(t)
		before := b.location()
		b.load("switch", chromedp.Click(chromedp.CSS("a.lang-switch")))
		if got := eval[string](b, `document.documentElement.lang`); got != "en" {
			t.Errorf("lang %q after the switch", got)
		}
		if got := b.location(); got.RequestURI() != before.RequestURI() {
			t.Errorf("switch went to %s, want back to %s", got.RequestURI(), before.RequestURI())
		}
		if got := b.text("nav.site-nav"); !strings.Contains(got, "Topics") || !strings.Contains(got, "Recommendations") {
			t.Errorf("nav %q", got)
		}
		if got := b.text("h2.results-summary"); !strings.HasSuffix(got, " documents") {
			t.Errorf("summary %q", got)
		}
		// The choice sticks: the next page is English too.
		b.do("home", chromedp.Navigate(ts.URL+"/"))
		if got := b.text("main h1"); got != "Find what the learning network knows" {
			t.Errorf("home h1 %q", got)
		}
	})

	t.Run("sign in, find a members-only document, sign out", func(t *testing.T) {
		b := b.in(t)
		// The UI is English since the language switch.
		b.do("search", chromedp.Navigate(ts.URL+"/search?q=Klausurprotokoll"))
		if n := eval[int](b, `document.querySelectorAll('ol.hits .hit').length`); n != 0 {
			t.Fatalf("the members-only document is found before signing in (%d hits)", n)
		}
		if b.text("header .members-marker") != "" {
			t.Error("members marker before signing in")
		}
		b.load("open the sign-in page", chromedp.Click(chromedp.CSS("header a.signin-link")))
		if got := b.location(); got.Path != "/signin" || got.Query().Get("next") != "/search?q=Klausurprotokoll" {
			t.Fatalf("at %s", got)
		}
		if got := b.text("main h1"); got != "Sign in" {
			t.Errorf("h1 %q", got)
		}
		if got := eval[string](b, `document.querySelector('#token').type`); got != "password" {
			t.Errorf("token field type %q", got)
		}
		b.do("type the token", chromedp.SendKeys(chromedp.CSS("#token"), readToken))
		b.load("sign in", chromedp.Click(chromedp.CSS("form.signin-form button[type=submit]")))
		if got := b.location(); got.Path != "/search" || got.Query().Get("q") != "Klausurprotokoll" {
			t.Fatalf("after signing in at %s", got)
		}
		if got := b.text("ol.hits .hit-title a"); got != "Klausurprotokoll des Netzwerks" {
			t.Errorf("first hit %q, want the members-only document", got)
		}
		if got := b.text("header .members-marker [aria-hidden]"); got != "Members" {
			t.Errorf("members marker %q", got)
		}
		if c := eval[string](b, `document.cookie`); strings.Contains(c, "fundus_session") {
			t.Errorf("the session cookie is readable by scripts: %q", c)
		}
		b.load("sign out", chromedp.Click(chromedp.CSS("header form.signout-form button")))
		if got := b.location(); got.Path != "/search" || got.Query().Get("q") != "Klausurprotokoll" {
			t.Errorf("after signing out at %s", got)
		}
		if n := eval[int](b, `document.querySelectorAll('ol.hits .hit').length`); n != 0 {
			t.Errorf("the members-only document is still found after signing out (%d hits)", n)
		}
		if b.text("header a.signin-link") != "Sign in" || b.text("header .members-marker") != "" {
			t.Errorf("header after signing out: %q", b.text("header .header-tools"))
		}
	})

	t.Run("a broken query gives results, a notice and the tips", func(t *testing.T) {
		b := b.in(t)
		b.do("open search", chromedp.Navigate(ts.URL+"/search"), chromedp.WaitVisible(chromedp.CSS("#q")))
		b.do("type", chromedp.Click(chromedp.CSS("#q")), chromedp.SendKeys(chromedp.CSS("#q"), `Kultur "Innovation`))
		b.load("submit", chromedp.Submit(chromedp.CSS("#q")))
		if got := b.location(); got.Path != "/search" || got.Query().Get("q") != `Kultur "Innovation` {
			t.Fatalf("went to %s", got)
		}
		// The language is the one an earlier step chose.
		if got := b.text("p.notice"); !strings.HasPrefix(got, "Als einfache Wörter gelesen: schließendes Anführungszeichen fehlt.") &&
			!strings.HasPrefix(got, "Read as plain words: missing closing quote.") {
			t.Errorf("notice %q", got)
		}
		if b.text("ol.hits .hit-title a") == "" {
			t.Errorf("no hits, summary %q", b.text("h2.results-summary"))
		}
		b.load("follow the tips link", chromedp.Click(chromedp.CSS("p.notice a")))
		if got := b.location(); got.Path != "/search/tips" {
			t.Fatalf("went to %s", got)
		}
		if got := b.text("main h1"); got != "Suchtipps" && got != "Search tips" {
			t.Errorf("h1 %q", got)
		}
		b.load("try an example", chromedp.Click(chromedp.CSS("dl.tips-examples dt a")))
		if b.text("ol.hits .hit-title a") == "" || b.text("p.notice") != "" {
			t.Errorf("example: summary %q, notice %q", b.text("h2.results-summary"), b.text("p.notice"))
		}
	})

	t.Run("a broken query's follow page opens for the words read", func(t *testing.T) {
		b := b.in(t)
		b.do("search", chromedp.Navigate(ts.URL+"/search?q="+url.QueryEscape("foo:bar Kultur")), chromedp.WaitVisible(chromedp.CSS("p.notice")))
		href := eval[string](b, `(document.querySelector('a[href^="/follow"]') || {getAttribute: () => ""}).getAttribute("href")`)
		if href == "" {
			t.Fatal("no follow link on the page")
		}
		b.do("open the follow page", chromedp.Navigate(ts.URL+href), chromedp.WaitVisible(chromedp.CSS("main h1")))
		if got := b.location(); got.Path != "/follow" || got.Query().Get("q") != "foo bar Kultur" {
			t.Errorf("follow page %s, want /follow for the words read", got)
		}
		if got := b.text("main h1"); got == "Diese Anfrage können wir nicht ausführen" || got == "We cannot run this request" {
			t.Errorf("follow page is an error page: %q", got)
		}
	})

	t.Run("a name typed in the box finds what its filter finds", func(t *testing.T) {
		b := b.in(t)
		b.do("filter by person", chromedp.Navigate(ts.URL+"/search?person=Greta+Sommerfeld&size=50"), chromedp.WaitVisible(chromedp.CSS("h2.results-summary")))
		filtered := b.text("h2.results-summary")
		b.do("open search", chromedp.Navigate(ts.URL+"/search"), chromedp.WaitVisible(chromedp.CSS("#q")))
		b.do("type", chromedp.Click(chromedp.CSS("#q")), chromedp.SendKeys(chromedp.CSS("#q"), "Greta Sommerfeld"))
		b.load("submit", chromedp.Submit(chromedp.CSS("#q")))
		typed := b.text("h2.results-summary")
		num := func(s string) int {
			n, _ := strconv.Atoi(strings.Map(func(r rune) rune {
				if r >= '0' && r <= '9' {
					return r
				}
				return -1
			}, strings.Fields(s + " x")[0]))
			return n
		}
		if num(filtered) == 0 || num(typed) < num(filtered) {
			t.Errorf("typed: %q, filter: %q; want at least as many", typed, filtered)
		}
	})

	t.Run("a German date, an impossible one, and the page size", func(t *testing.T) {
		b := b.in(t)
		b.do("open search", chromedp.Navigate(ts.URL+"/search?type=case"), chromedp.WaitVisible(chromedp.CSS("#from")))
		b.do("type a German date", chromedp.SetValue(chromedp.CSS("#from"), "01.01.2021"))
		b.load("apply", chromedp.Submit(chromedp.CSS("#from")))
		if got := b.location().Query(); got.Get("from") != "01.01.2021" || got.Get("type") != "case" {
			t.Errorf("went to %v", got)
		}
		if b.text("#from-error") != "" || b.text("ol.hits .hit-title a") == "" {
			t.Errorf("German date: error %q, summary %q", b.text("#from-error"), b.text("h2.results-summary"))
		}
		b.do("type an impossible date", chromedp.SetValue(chromedp.CSS("#from"), "31.02.2021"))
		b.load("apply", chromedp.Submit(chromedp.CSS("#from")))
		if got := b.text("#from-error"); got == "" {
			t.Errorf("no message beside the field; notice %q", b.text("p.notice-error"))
		}
		if got := eval[string](b, `document.querySelector('#from').value`); got != "31.02.2021" {
			t.Errorf("the field holds %q, want the date as typed", got)
		}
		if b.location().Query().Get("type") != "case" {
			t.Errorf("the type filter is lost: %v", b.location())
		}
		b.do("clear the date", chromedp.Evaluate[chromedp.Void](`document.querySelector("#from").value = ""`))
		b.swap("pick 20 per page", chromedp.Evaluate[chromedp.Void](`(function () {
			var s = document.querySelector('#size');
			s.value = '20';
			s.dispatchEvent(new Event('change', {bubbles: true}));
		})()`))
		if got := b.location().Query().Get("size"); got != "20" {
			t.Errorf("size %q after picking 20", got)
		}
		if got := b.text("p.results-range"); !strings.HasPrefix(got, "1–") {
			t.Errorf("range line %q", got)
		}
	})

	t.Run("filters in place: back and forward, the phone panel stays open", func(t *testing.T) {
		b := b.in(t)
		b.do("open a search", chromedp.Navigate(ts.URL+"/search?q=Innovation"), chromedp.WaitVisible(chromedp.CSS("h2.results-summary")))
		all := b.text("h2.results-summary")
		b.swap("tick webinars", chromedp.Click(chromedp.CSS(`input[name=type][value=webinar]`)))
		webinars := b.text("h2.results-summary")
		if webinars == all || b.location().Query().Get("type") != "webinar" {
			t.Fatalf("after ticking: %q at %s", webinars, b.location())
		}
		if got := b.text("#list-status"); got != webinars {
			t.Errorf("the live region says %q, want %q", got, webinars)
		}
		b.do("back", chromedp.Evaluate[chromedp.Void](`history.back()`))
		b.waitFor("back", `document.querySelector('h2.results-summary').innerText.trim() === `+strconv.Quote(all))
		if b.location().Query().Has("type") || eval[bool](b, `document.querySelector('input[name=type][value=webinar]').checked`) {
			t.Errorf("back: %s, webinar still ticked", b.location())
		}
		b.do("forward", chromedp.Evaluate[chromedp.Void](`history.forward()`))
		b.waitFor("forward", `document.querySelector('h2.results-summary').innerText.trim() === `+strconv.Quote(webinars))

		b.do("phone width", chromedp.EmulateViewport(390, 844), chromedp.Navigate(ts.URL+"/search?q=Innovation"), chromedp.WaitVisible(chromedp.CSS("details.filters-box summary")))
		if eval[bool](b, `document.querySelector('details.filters-box').open`) {
			t.Error("on a phone the filters start folded")
		}
		b.do("open the filters", chromedp.Click(chromedp.CSS("details.filters-box summary")))
		b.swap("tick cases", chromedp.Click(chromedp.CSS(`input[name=type][value=case]`)))
		if !eval[bool](b, `document.querySelector('details.filters-box').open`) {
			t.Error("the filter panel folded shut after ticking a filter")
		}
		b.swap("tick a language", chromedp.Click(chromedp.CSS(`input[name=lang]`)))
		if got := b.location().Query(); got.Get("type") != "case" || got.Get("lang") == "" {
			t.Errorf("second filter: %v", got)
		}
		b.do("desktop width", chromedp.EmulateViewport(1280, 900))
	})

	t.Run("a long facet narrows as you type", func(t *testing.T) {
		b := b.in(t)
		b.do("open search", chromedp.Navigate(ts.URL+"/search"), chromedp.WaitVisible(chromedp.CSS("#ff-org")))
		before := eval[float64](b, `document.querySelectorAll('.facet-org .facet-values > li:not([hidden])').length`)
		b.do("type", chromedp.Click(chromedp.CSS("#ff-org")), chromedp.SendKeys(chromedp.CSS("#ff-org"), "stadtwerke"))
		b.waitFor("narrowed", `document.querySelectorAll('.facet-org .facet-values > li:not([hidden])').length === 1`)
		if got := b.text(".facet-org .facet-values > li:not([hidden]) .facet-label"); got != "Stadtwerke Wesertal" {
			t.Errorf("left %q (of %v values)", got, before)
		}
		if got := b.text(".facet-org .facet-filter-status"); got == "" {
			t.Error("no status for screen readers")
		}
		b.do("type a name with an umlaut, unaccented", chromedp.Evaluate[chromedp.Void](`(function(){var i=document.querySelector('#ff-person'); i.value='kramer'; i.dispatchEvent(new Event('input'));})()`))
		if got := b.text(".facet-person .facet-values > li:not([hidden]) .facet-label"); got != "Tobias Krämer" {
			t.Errorf("kramer left %q", got)
		}
	})

	t.Run("follow a list: the control, its address after a filter, the preview page", func(t *testing.T) {
		b := b.in(t)
		b.do("open a topic", chromedp.Navigate(ts.URL+"/topics/Open%20Innovation"), chromedp.WaitVisible(chromedp.CSS("details.follow summary")))
		if eval[bool](b, `document.querySelector('details.follow').open`) {
			t.Error("the follow panel is open before it is asked for")
		}
		b.do("open the control", chromedp.Click(chromedp.CSS("details.follow summary")), chromedp.WaitVisible(chromedp.CSS("details.follow .follow-panel")))
		if !eval[bool](b, `(function(){var c=document.querySelector('details.follow button[data-copy]'); return !c.hidden && c.offsetParent !== null})()`) {
			t.Error("no visible copy button with JavaScript on")
		}
		feed := eval[string](b, `document.querySelector('details.follow input[readonly]').value`)
		if !strings.HasPrefix(feed, ts.URL+"/feeds/search.atom?") || !strings.Contains(feed, "topic=Open+Innovation") {
			t.Errorf("feed address %q", feed)
		}
		b.swap("tick a type", chromedp.Click(chromedp.CSS(`input[name=type][value=case]`)))
		after := eval[string](b, `document.querySelector('details.follow input[readonly]').value`)
		if !strings.Contains(after, "type=case") || !strings.Contains(after, "topic=Open+Innovation") {
			t.Errorf("after the filter the feed address is %q", after)
		}
		if !eval[bool](b, `document.querySelector('details.follow').open`) {
			t.Error("the follow control closed when the list was updated in place")
		}
		preview := chromedp.CSS(`details.follow .follow-links a[href^="/follow"]`)
		b.do("scroll to the preview link", chromedp.ScrollIntoView(preview))
		b.load("preview", chromedp.Click(preview))
		if got := b.location(); got.Path != "/follow" || got.Query().Get("type") != "case" {
			t.Errorf("at %s", got)
		}
		if n := eval[float64](b, `document.querySelectorAll('.feed-entry').length`); n == 0 {
			t.Error("the preview shows no entries")
		}
		if got := eval[string](b, `document.querySelector('#follow-url-page').value`); got != after {
			t.Errorf("preview's address %q, want %q", got, after)
		}
		b.do("phone width", chromedp.EmulateViewport(390, 800, chromedp.EmulateMobile), chromedp.Reload())
		if eval[bool](b, `document.documentElement.scrollWidth > window.innerWidth`) {
			t.Error("the follow page is wider than a phone")
		}
		b.do("desktop width", chromedp.EmulateViewport(1280, 900))
	})

	t.Run("a question gets an answer that opens at its passage", func(t *testing.T) {
		b := b.in(t)
		b.do("open search", chromedp.Navigate(ts.URL+"/search"), chromedp.WaitVisible(chromedp.CSS("#q")))
		b.do("type", chromedp.Click(chromedp.CSS("#q")), chromedp.SendKeys(chromedp.CSS("#q"), "Was haben wir über Fehlerkultur gelernt?"))
		b.load("ask", chromedp.Submit(chromedp.CSS("#q")))
		if b.text(".answer-box .answer-passage mark") == "" {
			t.Fatal("no answer box with highlighted words")
		}
		passage := b.text(".answer-box > figure .answer-passage")
		b.load("open the passage", chromedp.Click(chromedp.CSS(".answer-box > figure .answer-open")))
		u := b.location()
		if !strings.HasPrefix(u.Path, "/documents/") || !strings.HasPrefix(u.Fragment, "p-") {
			t.Fatalf("at %s", u)
		}
		target := eval[string](b, `(document.querySelector('.doc-body :target') || {innerText: ''}).innerText`)
		words := strings.Fields(strings.Trim(passage, "… "))
		if len(words) < 3 || !strings.Contains(strings.Join(strings.Fields(target), " "), strings.Join(words[:3], " ")) {
			t.Errorf("the highlighted paragraph %q does not hold the passage %q", target, passage)
		}
		if top := eval[float64](b, `document.querySelector('.doc-body :target').getBoundingClientRect().top`); top < 0 || top > 900 {
			t.Errorf("the passage is off screen (top %v)", top)
		}
	})

	t.Run("keyboard: / focuses the search box, the second skip link reaches the results", func(t *testing.T) {
		b := b.in(t)
		b.do("open search", chromedp.Navigate(ts.URL+"/search?q=Innovation"), chromedp.WaitVisible(chromedp.CSS("#q")))
		// The key as a page receives it; a prevented keydown is what keeps
		// a real keyboard's "/" out of the box.
		prevented := eval[bool](b, `(function () {
			document.activeElement.blur();
			return !document.body.dispatchEvent(new KeyboardEvent('keydown', {key: '/', bubbles: true, cancelable: true}));
		})()`)
		if got := eval[string](b, `document.activeElement.id`); got != "q" || !prevented {
			t.Errorf("after /: focus on %q (keydown prevented %v), want the search box", got, prevented)
		}
		typing := eval[bool](b, `document.querySelector('#q').dispatchEvent(new KeyboardEvent('keydown', {key: '/', bubbles: true, cancelable: true}))`)
		if !typing {
			t.Error("a / typed in the box is swallowed")
		}
		b.do("reload", chromedp.Navigate(ts.URL+"/search?q=Innovation"), chromedp.WaitVisible(chromedp.CSS("#q")))
		b.do("tab twice", chromedp.KeyEvent(kb.Tab), chromedp.KeyEvent(kb.Tab))
		if got := eval[string](b, `document.activeElement.getAttribute('href')`); got != "#results-heading" {
			t.Fatalf("second tab stop %q, want the link to the results", got)
		}
		b.do("follow it", chromedp.KeyEvent(kb.Enter))
		b.do("tab on", chromedp.KeyEvent(kb.Tab))
		if got := eval[string](b, `document.activeElement.closest('.results') ? 'results' : document.activeElement.outerHTML.slice(0, 80)`); got != "results" {
			t.Errorf("after the skip link the next tab stop is %q, want one in the results", got)
		}
	})

	t.Run("no console errors, and the policy is enforced", func(t *testing.T) {
		b := b.in(t)
		b.flushConsole()
		if p := b.consoleProblems(); len(p) > 0 {
			t.Errorf("console:\n%s", strings.Join(p, "\n"))
		}
		// A check of the check: an inline script must be refused, and
		// reported where the test looks.
		before := len(b.consoleProblems())
		ran := eval[bool](b, `(() => { const s = document.createElement('script'); s.textContent = 'window.__inline = true'; document.body.appendChild(s); return window.__inline === true; })()`)
		if ran {
			t.Error("an inline script ran: the Content-Security-Policy is not enforced")
		}
		b.waitUntil("a console report of the refused inline script (Content Security Policy)", func() bool {
			return strings.Contains(strings.Join(b.consoleProblems()[before:], " "), "Content Security Policy")
		})
	})
	t.Logf("browser test took %s", time.Since(started).Round(time.Millisecond))
}

// crossSitePage is a page of another site that overwrites a document on
// load: it auto-submits a multipart form to Fundus's ingest endpoint with
// a file whose front matter names the victim's id. Filling a file input
// takes a script; the request is the plain form submission a browser
// makes without asking anyone (no CORS preflight).
const crossSitePage = `<!doctype html>
<html><head><meta charset="utf-8"><title>Cute cats</title></head><body>
<form id="f" method="post" enctype="multipart/form-data" action="%s/api/ingest">
<input type="file" name="file" id="file">
</form>
<script>
const dt = new DataTransfer();
dt.items.add(new File([%s], "pwn.md", {type: "text/markdown"}));
document.getElementById("file").files = dt.files;
document.getElementById("f").submit();
</script>
</body></html>`

// TestBrowserCrossSiteForm opens, in a real Chromium, a page of a second
// loopback origin that posts a form to a Fundus server without a token
// (where the loopback address alone would admit the write), and checks
// that the write is refused and the document unchanged.
func TestBrowserCrossSiteForm(t *testing.T) {
	exe := needChromium(t)
	const victim = "cases/nordwerk-intrapreneurship"
	kb := demoKB(t)
	ctx := search.WithMembers(context.Background())
	before, err := kb.Document(ctx, victim)
	if err != nil {
		t.Fatal(err)
	}

	// Fundus on 127.0.0.1, configured as serve configures it.
	fundus := httptest.NewUnstartedServer(nil)
	fundus.Config.Handler = mustServer(t, web.Config{ListenAddr: fundus.Listener.Addr().String()}, kb, kb)
	fundus.Start()
	t.Cleanup(fundus.Close)

	// The attacker's page, on localhost: another origin, another site.
	upload, err := json.Marshal("---\nid: " + victim + "\ntitle: Overwritten by another site\n---\nPwned.\n")
	if err != nil {
		t.Fatal(err)
	}
	posted := make(chan struct{}, 1)
	evil := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, crossSitePage, fundus.URL, upload)
		select {
		case posted <- struct{}{}:
		default:
		}
	}))
	t.Cleanup(evil.Close)
	evilURL := strings.Replace(evil.URL, "127.0.0.1", "localhost", 1)

	b := newBrowser(t, exe)
	b.do("open the other site's page", chromedp.Navigate(evilURL+"/"))
	<-posted
	// The form submits itself; wait until the browser shows Fundus's answer.
	deadline := time.Now().Add(guard)
	for !strings.HasPrefix(eval[string](b, `location.href`), fundus.URL+"/api/ingest") {
		if time.Now().After(deadline) {
			t.Fatalf("the form was not submitted: still at %s", eval[string](b, `location.href`))
		}
		time.Sleep(50 * time.Millisecond)
	}
	var answer struct {
		Error struct{ Code string }
	}
	for text := ""; ; time.Sleep(50 * time.Millisecond) {
		text = eval[string](b, `document.readyState === "complete" && document.body ? document.body.innerText : ""`)
		if text != "" {
			if err := json.Unmarshal([]byte(text), &answer); err != nil {
				t.Fatalf("Fundus answered %q", text)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("no answer from Fundus")
		}
	}
	if answer.Error.Code != "cross_site" {
		t.Errorf("the cross-site form got error code %q, want cross_site", answer.Error.Code)
	}
	after, err := kb.Document(ctx, victim)
	if err != nil {
		t.Fatal(err)
	}
	if after.Title != before.Title || after.Body != before.Body {
		t.Errorf("the document was overwritten from another site: title %q, was %q", after.Title, before.Title)
	}
}

// TestBrowserCharts renders the pages with charts in both languages at
// desktop and phone width: the chart is visible, inside the screen, the
// page does not scroll sideways, and the data table opens without
// JavaScript help (a <details>).
func TestBrowserCharts(t *testing.T) {
	ts, b := browserTest(t, web.Config{})
	shots := screenshotDir(t)
	pages := []struct{ name, path, chart string }{
		{"home", "/", "#chart-years svg"},
		{"topic", "/topics/Open%20Innovation", "#chart-years svg"},
		{"recommendations", "/recommendations", ".rec-matrix .table-scroll"},
	}
	for _, lang := range []string{"de", "en"} {
		b.do("switch to "+lang, chromedp.Navigate(ts.URL+"/lang/"+lang))
		for _, size := range viewports {
			for _, p := range pages {
				t.Run(lang+"/"+size.name+"/"+p.name, func(t *testing.T) {
					b := b.in(t)
					b.screenshot(shots, "charts-"+p.name+"-"+lang+"-"+size.name, ts.URL+p.path, size.width)
					if got := eval[string](b, `document.documentElement.lang`); got != lang {
						t.Errorf("page language %q, want %q", got, lang)
					}
					if over := eval[bool](b, `document.documentElement.scrollWidth > window.innerWidth`); over {
						t.Errorf("the page scrolls sideways")
					}
					box := eval[map[string]float64](b, `(() => { const r = document.querySelector(`+"`"+p.chart+"`"+`).getBoundingClientRect(); return {w: r.width, h: r.height, l: r.left, r: r.right, iw: window.innerWidth}; })()`)
					if box["w"] < 200 || box["h"] < 80 {
						t.Errorf("chart %s is %vx%v px, too small to see", p.chart, box["w"], box["h"])
					}
					if box["l"] < 0 || box["r"] > box["iw"] {
						t.Errorf("chart %s spans %v..%v px, outside the %v px screen", p.chart, box["l"], box["r"], box["iw"])
					}
					// A picture of the charts alone, to judge them.
					ctx, cancel := context.WithTimeout(b.ctx, guard)
					png, err := chromedp.Run(ctx, chromedp.Screenshot(".charts"))
					cancel()
					if err != nil {
						t.Fatalf("screenshot of the charts: %v", err)
					}
					if err := os.WriteFile(filepath.Join(shots, "charts-"+p.name+"-"+lang+"-"+size.name+"-only.png"), png, 0o644); err != nil {
						t.Fatal(err)
					}
					if p.name == "recommendations" {
						return
					}
					b.do("open the data table", chromedp.Click(`#chart-years details.chart-data summary`))
					if h := eval[float64](b, `document.querySelector("#chart-years details.chart-data table").getBoundingClientRect().height`); h <= 0 {
						t.Errorf("the data table does not open")
					}
					if over := eval[bool](b, `document.documentElement.scrollWidth > window.innerWidth`); over {
						t.Errorf("the open data table makes the page scroll sideways")
					}
				})
			}
		}
	}
	checkConsole(t, b)
	t.Logf("screenshots in %s", shots)
}

// TestBrowserDocumentPage opens a recommendation in both languages at
// desktop and phone width, with JavaScript off: the body shows its list
// as a list with bold lead-ins, the page does not scroll sideways, a
// link to a passage (#p-N) scrolls to it and marks it, and the sidebar
// names glossary values in the page's language.
func TestBrowserDocumentPage(t *testing.T) {
	ts, b := browserTest(t, web.Config{})
	shots := screenshotDir(t)
	const page = "/documents/recommendations/monitoring-offener-innovation"
	for _, lang := range []struct{ code, topic, badge string }{
		{"de", "Innovationsmanagement", "Empfehlung"},
		{"en", "Innovation management", "Recommendation"},
	} {
		b.do("switch to "+lang.code, chromedp.Navigate(ts.URL+"/lang/"+lang.code))
		for _, size := range viewports {
			t.Run(lang.code+"/"+size.name, func(t *testing.T) {
				b := b.in(t)
				b.do("turn JavaScript off", scripts(false))
				defer b.do("turn JavaScript on", scripts(true))
				b.screenshot(shots, "document-"+lang.code+"-"+size.name, ts.URL+page, size.width)
				if got := eval[string](b, `document.documentElement.lang`); got != lang.code {
					t.Errorf("page language %q, want %q", got, lang.code)
				}
				items := eval[[]map[string]any](b, `Array.from(document.querySelectorAll('.doc-body ul > li')).map(li => ({
					display: getComputedStyle(li).display, h: li.getBoundingClientRect().height,
					right: li.getBoundingClientRect().right, bold: li.querySelector('strong') ? getComputedStyle(li.querySelector('strong')).fontWeight : '',
					id: li.id, text: li.innerText}))`)
				if len(items) != 5 {
					t.Fatalf("%d list items shown, want the five indicators", len(items))
				}
				width := eval[float64](b, `window.innerWidth`)
				for i, it := range items {
					if it["display"] != "list-item" || it["h"].(float64) <= 0 || it["right"].(float64) > width {
						t.Errorf("item %d shown as %v (%v px high, right edge %v of %v px)", i+1, it["display"], it["h"], it["right"], width)
					}
					if w, _ := it["bold"].(string); w < "600" {
						t.Errorf("item %d lead-in font weight %q, want bold", i+1, w)
					}
				}
				if n := eval[float64](b, `document.querySelectorAll('h1').length`); n != 1 {
					t.Errorf("%v h1 on the page, want 1", n)
				}
				if got := b.text(`.doc-meta a[href="/topics/Innovationsmanagement"]`); got != lang.topic {
					t.Errorf("topic %q, want %q", got, lang.topic)
				}
				if got := eval[string](b, `document.querySelector('.doc-head .badge').textContent.trim()`); got != lang.badge {
					t.Errorf("badge %q, want %q", got, lang.badge)
				}

				// A link to the second indicator lands on it.
				id, _ := items[1]["id"].(string)
				if id == "" {
					t.Fatal("the second indicator has no anchor")
				}
				b.do("open the passage", chromedp.Navigate(ts.URL+page+"#"+id))
				pos := eval[map[string]any](b, `(() => { const e = document.getElementById(`+"`"+id+"`"+`); const r = e.getBoundingClientRect();
					return {top: r.top, vh: window.innerHeight, bg: getComputedStyle(e).backgroundColor}; })()`)
				if top := pos["top"].(float64); top < 0 || top > pos["vh"].(float64) {
					t.Errorf("#%s is at %v px, outside the %v px window", id, top, pos["vh"])
				}
				if bg := pos["bg"]; bg == "rgba(0, 0, 0, 0)" || bg == "" {
					t.Errorf("#%s is not marked as the target (background %v)", id, bg)
				}

				// A table scrolls inside its box; the page does not.
				const program = "/documents/other/programmuebersicht-innopeers-2020"
				b.screenshot(shots, "document-table-"+lang.code+"-"+size.name, ts.URL+program, size.width)
				box := eval[map[string]float64](b, `(() => { const t = document.querySelector('.doc-body .table-scroll > table');
					if (!t) return {rows: 0}; const r = t.parentElement.getBoundingClientRect();
					return {rows: t.rows.length, left: r.left, right: r.right, iw: window.innerWidth}; })()`)
				if box["rows"] < 2 {
					t.Fatalf("%s shows no table (%v)", program, box)
				}
				if box["left"] < 0 || box["right"] > box["iw"] {
					t.Errorf("the table's box spans %v..%v px of a %v px window", box["left"], box["right"], box["iw"])
				}
			})
		}
	}
	checkConsole(t, b)
	t.Logf("screenshots in %s", shots)
}

// scripts switches the page's own scripts on or off (DevTools still
// evaluates the test's expressions).
func scripts(on bool) chromedp.Action[chromedp.Void] {
	return func(ctx context.Context, _ *chromedp.Target) (chromedp.Void, error) {
		_, err := chromedp.Call(ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: !on})
		return chromedp.Void{}, err
	}
}
