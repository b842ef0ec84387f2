package web_test

import (
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/fundus-kb/fundus/web"
)

// TestRateLimit runs on a clock that moves only when the test says, so
// that however slow the machine, no token comes back between requests.
func TestRateLimit(t *testing.T) {
	clock := newTestClock()
	h, _ := newServer(t, web.Config{Now: clock.Now, Limits: web.Limits{SearchRate: 1, SearchBurst: 3, WriteRate: 1, WriteBurst: 1}})
	far := map[string]string{"RemoteAddr": "203.0.113.9:1234"}
	search := func() (int, string) {
		t.Helper()
		r := do(t, h, "GET", "/api/search?q=Innovation", nil, far)
		return r.Code, r.Header().Get("Retry-After")
	}
	var codes []int
	var retry string
	for range 6 {
		code, ra := search()
		codes = append(codes, code)
		if code == http.StatusTooManyRequests {
			retry = ra
		}
	}
	if want := []int{200, 200, 200, 429, 429, 429}; !slices.Equal(codes, want) || retry != "1" {
		t.Errorf("got statuses %v, Retry-After %q; want %v with Retry-After 1", codes, retry, want)
	}
	// A second later the bucket has one token again, and only one.
	clock.Add(time.Second)
	for i, want := range []int{200, 429} {
		if code, _ := search(); code != want {
			t.Errorf("a second later, search %d: got status %d, want %d", i+1, code, want)
		}
	}
	// Another client has its own budget; loopback is exempt.
	if r := do(t, h, "GET", "/api/search", nil, map[string]string{"RemoteAddr": "203.0.113.10:1"}); r.Code != 200 {
		t.Errorf("second client: %d", r.Code)
	}
	for range 10 {
		if r := do(t, h, "GET", "/api/search", nil, nil); r.Code != 200 {
			t.Fatalf("loopback client limited: %d", r.Code)
		}
	}
}

// TestSearchConcurrencyBound: with both slots held by running searches
// and no queue, four more searches get 503 busy at once; the two running
// ones are served when they finish. The searches are held until the test
// has its answers, so no timing decides the outcome.
func TestSearchConcurrencyBound(t *testing.T) {
	kb := newKB(t)
	bs := newBlockingSearcher(t, kb)
	h := mustServer(t, atExample(t, web.Config{Limits: web.Limits{MaxSearches: 2, QueueWait: 20 * time.Millisecond}}), bs, kb)
	responses := make(chan response, 6)
	send := func() { go func() { responses <- do(t, h, "GET", "/api/search?q=x", nil, nil) }() }
	send()
	send()
	bs.waitStarted(t, "the first search")
	bs.waitStarted(t, "the second search")
	for range 4 {
		send()
	}
	codes := map[int]int{}
	for i := range 4 {
		select {
		case r := <-responses:
			codes[r.Code]++
			if r.Code == http.StatusServiceUnavailable && r.JSON["error"].(map[string]any)["code"] != "busy" {
				t.Errorf("refused search: body %s, want code busy", r.Body)
			}
		case <-time.After(guard):
			bs.releaseAll()
			t.Fatalf("only %d of the 4 searches beyond the slots were answered while the slots were taken", i)
		}
	}
	bs.releaseAll()
	for range 2 {
		codes[(<-responses).Code]++
	}
	if codes[200] != 2 || codes[503] != 4 {
		t.Errorf("got statuses %v, want 2 served and 4 fast 503s", codes)
	}
}

func TestMetrics(t *testing.T) {
	h, _ := newServer(t, web.Config{})
	do(t, h, "GET", "/api/search?q=Innovationskultur", nil, nil)
	do(t, h, "GET", "/api/search?q=gibtesnichtxyz", nil, nil)
	do(t, h, "POST", "/api/documents", strings.NewReader(`{"id":"m1","title":"Metrik","body":"x"}`), map[string]string{"Content-Type": "application/json"})
	r := do(t, h, "GET", "/metrics", nil, nil)
	body := r.Body.String()
	for _, want := range []string{
		`fundus_http_request_duration_seconds_count{method="GET",route="/api/search",status="200"} 2`,
		"fundus_searches_total 2",
		"fundus_zero_result_searches_total 1",
		`fundus_ingested_documents_total{result="added"} 1`,
		"fundus_documents 13",
		"fundus_indexed_documents 13",
		"fundus_journal_lag 0",
		`fundus_disk_bytes{part="store"}`,
		"fundus_ready 1",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("metrics lack %q", want)
		}
	}
}
