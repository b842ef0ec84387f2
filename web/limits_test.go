package web_test

import (
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fundus-kb/fundus/web"
)

func TestRateLimit(t *testing.T) {
	h, _ := newServer(t, web.Config{Limits: web.Limits{SearchRate: 1, SearchBurst: 3, WriteRate: 1, WriteBurst: 1}})
	far := map[string]string{"RemoteAddr": "203.0.113.9:1234"}
	codes := map[int]int{}
	var retry string
	for range 6 {
		r := do(t, h, "GET", "/api/search?q=Innovation", nil, far)
		codes[r.Code]++
		if r.Code == http.StatusTooManyRequests {
			retry = r.Header().Get("Retry-After")
		}
	}
	if codes[200] != 3 || codes[429] != 3 || retry == "" {
		t.Errorf("statuses = %v, Retry-After %q; want 3×200 then 429 with Retry-After", codes, retry)
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

func TestSearchConcurrencyBound(t *testing.T) {
	kb := newKB(t)
	h := mustServer(t, atExample(t, web.Config{Limits: web.Limits{MaxSearches: 2, QueueWait: 20 * time.Millisecond}}), slowSearcher{kb, 300 * time.Millisecond}, kb)
	var wg sync.WaitGroup
	var mu sync.Mutex
	codes := map[int]int{}
	for range 6 {
		wg.Go(func() {
			r := do(t, h, "GET", "/api/search?q=x", nil, nil)
			mu.Lock()
			codes[r.Code]++
			mu.Unlock()
		})
	}
	wg.Wait()
	if codes[200] != 2 || codes[503] != 4 {
		t.Errorf("statuses = %v, want 2 served and 4 fast 503s", codes)
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
