package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fundus-kb/fundus/indexer"
	"github.com/fundus-kb/fundus/search"
	"github.com/fundus-kb/fundus/web"
)

// guard is how long a test waits for an event that must come; it fails
// the test, it never decides it.
const guard = 30 * time.Second

// deadlineSearcher runs each search only once its context is done, so
// that the search meets an expired deadline inside Bleve.
type deadlineSearcher struct{ *indexer.KB }

func (s deadlineSearcher) Search(ctx context.Context, r search.Request) (*search.Result, error) {
	select {
	case <-ctx.Done():
	case <-time.After(guard):
		return nil, errors.New("no deadline reached the search")
	}
	return s.KB.Search(ctx, r)
}

func TestSearchDeadline(t *testing.T) {
	kb := newKB(t)
	h := mustServer(t, atExample(t, web.Config{Limits: web.Limits{SearchTimeout: time.Millisecond}}), deadlineSearcher{kb}, kb)
	for _, path := range []string{"/api/search?q=Innovation", "/search?q=Innovation"} {
		t.Run(path, func(t *testing.T) {
			r := do(t, h, "GET", path, nil, nil)
			if r.Code != http.StatusServiceUnavailable || r.Header().Get("Retry-After") == "" {
				t.Fatalf("got %d, Retry-After %q, body %.200s; want 503 with Retry-After", r.Code, r.Header().Get("Retry-After"), r.Body)
			}
			if r.JSON != nil {
				if code := r.JSON["error"].(map[string]any)["code"]; code != "timeout" {
					t.Errorf("got code %v, want timeout", code)
				}
			}
		})
	}
}

// blockingSearcher holds every search until releaseAll, telling started
// about each one.
type blockingSearcher struct {
	*indexer.KB
	started chan struct{}
	release chan struct{}
	once    *sync.Once
}

// newBlockingSearcher is a blockingSearcher over kb, released when the
// test ends at the latest.
func newBlockingSearcher(t testing.TB, kb *indexer.KB) blockingSearcher {
	s := blockingSearcher{KB: kb, started: make(chan struct{}, 16), release: make(chan struct{}), once: new(sync.Once)}
	t.Cleanup(s.releaseAll)
	return s
}

// releaseAll lets the searches held, and every later one, go on.
func (s blockingSearcher) releaseAll() { s.once.Do(func() { close(s.release) }) }

// waitStarted waits for the next search to start, failing the test if
// none does within guard.
func (s blockingSearcher) waitStarted(t testing.TB, what string) {
	t.Helper()
	select {
	case <-s.started:
	case <-time.After(guard):
		s.releaseAll()
		t.Fatalf("%s did not start", what)
	}
}

func (s blockingSearcher) Search(ctx context.Context, r search.Request) (*search.Result, error) {
	s.started <- struct{}{}
	select {
	case <-s.release:
	case <-time.After(guard):
		return nil, errors.New("never released")
	}
	return s.KB.Search(ctx, r)
}

// TestSearchQueueFull: with one slot taken and the one queue place taken,
// a third search gets 503 busy with Retry-After at once, however long the
// queue wait; the queued one runs when the slot frees.
func TestSearchQueueFull(t *testing.T) {
	kb := newKB(t)
	bs := newBlockingSearcher(t, kb)
	h := mustServer(t, atExample(t, web.Config{Limits: web.Limits{MaxSearches: 1, MaxQueued: 1, QueueWait: time.Hour}}), bs, kb)
	responses := make(chan response, 3)
	send := func() { go func() { responses <- do(t, h, "GET", "/api/search?q=Innovation", nil, nil) }() }
	send()
	bs.waitStarted(t, "the first search")
	// Two more: one waits in the queue, the other finds it full.
	send()
	send()
	var first response
	select {
	case first = <-responses:
	case <-time.After(guard):
		bs.releaseAll()
		t.Fatal("no search was refused while the slot and the queue were taken")
	}
	if first.Code != http.StatusServiceUnavailable || first.Header().Get("Retry-After") == "" || first.JSON["error"].(map[string]any)["code"] != "busy" {
		t.Errorf("refused search: got %d, Retry-After %q, body %s; want 503 busy with Retry-After", first.Code, first.Header().Get("Retry-After"), first.Body)
	}
	bs.releaseAll()
	for range 2 {
		if r := <-responses; r.Code != http.StatusOK {
			t.Errorf("admitted search: got %d, want 200", r.Code)
		}
	}
}

// TestClientDisconnectLoggedAtInfo: a search whose client went away is an
// info line in the log, not an error.
func TestClientDisconnectLoggedAtInfo(t *testing.T) {
	kb := newKB(t)
	var buf bytes.Buffer
	var mu sync.Mutex
	log := slog.New(slog.NewJSONHandler(lockedWriter{&mu, &buf}, &slog.HandlerOptions{Level: slog.LevelDebug}))
	h := mustServer(t, atExample(t, web.Config{Logger: log, Limits: web.DefaultLimits()}), kb, kb)
	for _, path := range []string{"/api/search?q=Innovation", "/search?q=Innovation"} {
		t.Run(path, func(t *testing.T) {
			mu.Lock()
			buf.Reset()
			mu.Unlock()
			ctx, cancel := context.WithCancel(context.Background())
			cancel() // the client has gone
			req := httptest.NewRequest("GET", path, nil).WithContext(ctx)
			req.RemoteAddr = "127.0.0.1:5555"
			h.ServeHTTP(httptest.NewRecorder(), req)
			mu.Lock()
			defer mu.Unlock()
			var sawInfo bool
			for _, line := range strings.Split(strings.TrimSpace(buf.String()), "\n") {
				var rec struct {
					Level string `json:"level"`
					Msg   string `json:"msg"`
				}
				if err := json.Unmarshal([]byte(line), &rec); err != nil {
					t.Fatalf("log line %q: %v", line, err)
				}
				if rec.Level == "ERROR" || rec.Level == "WARN" {
					t.Errorf("got a %s log line %q, want none for a client that went away", rec.Level, rec.Msg)
				}
				if rec.Level == "INFO" && rec.Msg == "request cancelled by the client" {
					sawInfo = true
				}
			}
			if !sawInfo {
				t.Errorf("no info line for the cancelled request; log:\n%s", buf.String())
			}
		})
	}
}

type lockedWriter struct {
	mu *sync.Mutex
	w  *bytes.Buffer
}

func (l lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// TestSearchesPerClient: a client with its share of searches in flight
// gets 503 busy at once, while another client's search still runs;
// loopback clients are spared (unless LimitLoopback).
func TestSearchesPerClient(t *testing.T) {
	kb := newKB(t)
	bs := newBlockingSearcher(t, kb)
	h := mustServer(t, atExample(t, web.Config{Limits: web.Limits{MaxSearches: 4, MaxClientSearches: 1, QueueWait: time.Hour}}), bs, kb)
	responses := make(chan response, 8)
	send := func(addr string) {
		go func() {
			responses <- do(t, h, "GET", "/api/search?q=Innovation", nil, map[string]string{"RemoteAddr": addr})
		}()
	}
	send("203.0.113.9:1000")
	bs.waitStarted(t, "the first client's search")
	send("203.0.113.9:1001")
	select {
	case r := <-responses:
		if r.Code != http.StatusServiceUnavailable || r.Header().Get("Retry-After") == "" || r.JSON["error"].(map[string]any)["code"] != "busy" {
			t.Errorf("the first client's second search: got %d, Retry-After %q, body %s; want 503 busy with Retry-After", r.Code, r.Header().Get("Retry-After"), r.Body)
		}
	case <-time.After(guard):
		bs.releaseAll()
		t.Fatal("the first client's second search was not refused")
	}
	send("203.0.113.10:1000")
	bs.waitStarted(t, "another client's search")
	send("127.0.0.1:1000")
	send("127.0.0.1:1001")
	bs.waitStarted(t, "a loopback search")
	bs.waitStarted(t, "a second loopback search")
	bs.releaseAll()
	for range 4 {
		if r := <-responses; r.Code != http.StatusOK {
			t.Errorf("admitted search: got %d, want 200", r.Code)
		}
	}
}
