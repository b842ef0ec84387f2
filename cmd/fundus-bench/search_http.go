package main

// `fundus-bench search` over HTTP: the clients, the warm-up checks and the
// latency summaries of the search benchmark.

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// stats summarises the latencies of one run.
type stats struct {
	latencies // of the successful requests
	errors    int
	wall      time.Duration // whole run, for the rate
	rps       float64       // n / wall
	cpuPerReq time.Duration // CPU time of the searching process per request; 0 when unknown
	firstErr  string
}

// sample is the raw result of one or more measured runs.
type sample struct {
	lat      []time.Duration // successful requests
	wall     time.Duration   // summed wall time of the runs
	cpu      time.Duration   // CPU time of the searching process during the runs
	cpuOK    bool            // cpu was measured
	errors   int
	firstErr string
}

// add appends the measurements of another run.
func (s *sample) add(o sample) {
	s.cpuOK = o.cpuOK && (s.cpuOK || len(s.lat) == 0)
	s.lat = append(s.lat, o.lat...)
	s.wall += o.wall
	s.cpu += o.cpu
	s.errors += o.errors
	if s.firstErr == "" {
		s.firstErr = o.firstErr
	}
}

// stats summarises the sample.
func (s sample) stats() stats {
	st := summarize(s.lat, s.wall)
	st.errors, st.firstErr = s.errors, s.firstErr
	if n := len(s.lat) + s.errors; s.cpuOK && n > 0 {
		st.cpuPerReq = s.cpu / time.Duration(n)
	}
	return st
}

// summarize computes percentiles (nearest rank) and the rate.
func summarize(lat []time.Duration, wall time.Duration) stats {
	s := stats{latencies: summarizeLatencies(lat), wall: wall}
	if len(lat) > 0 && wall > 0 {
		s.rps = float64(len(lat)) / wall.Seconds()
	}
	return s
}

// newClient returns a keep-alive HTTP client for clients concurrent
// requesters.
func newClient(clients int) *http.Client {
	tr := &http.Transport{
		Proxy:               nil,
		DialContext:         (&net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		MaxIdleConns:        64,
		MaxIdleConnsPerHost: max(8, 2*clients),
		IdleConnTimeout:     2 * time.Minute,
		DisableCompression:  true,
	}
	return &http.Client{Transport: tr, Timeout: 2 * time.Minute}
}

func searchURLs(base string, queries []string) []string {
	out := make([]string, len(queries))
	for i, q := range queries {
		out[i] = base + "/api/search?q=" + url.QueryEscape(q)
	}
	return out
}

// answersURLs asks /api/answers each query, three answers each.
func answersURLs(base string, queries []string) []string {
	out := make([]string, len(queries))
	for i, q := range queries {
		out[i] = base + "/api/answers?n=3&q=" + url.QueryEscape(q)
	}
	return out
}

func suggestURLs(base string, prefixes []string) []string {
	out := make([]string, len(prefixes))
	for i, p := range prefixes {
		out[i] = base + "/api/suggest?q=" + url.QueryEscape(p)
	}
	return out
}

// httpLoad requests the urls passes times over, in order, from clients
// concurrent clients that share one queue, and measures each request from
// sending to the last byte of the body. Responses other than 200 count as
// errors and are left out of the latencies.
func httpLoad(ctx context.Context, srv *server, client *http.Client, urls []string, clients, passes int) (sample, error) {
	total := int64(len(urls) * passes)
	cpu0, ok0 := srv.cpu()
	var next atomic.Int64
	per := make([]sample, clients)
	var wg sync.WaitGroup
	start := time.Now()
	for c := range clients {
		wg.Go(func() {
			for {
				i := next.Add(1) - 1
				if i >= total || ctx.Err() != nil {
					return
				}
				t0 := time.Now()
				status, body, err := get(ctx, client, urls[i%int64(len(urls))])
				d := time.Since(t0)
				if err != nil || status != http.StatusOK {
					per[c].errors++
					if err == nil {
						err = fmt.Errorf("status %d: %s", status, excerpt(body))
					}
					if per[c].firstErr == "" {
						per[c].firstErr = err.Error()
					}
					continue
				}
				per[c].lat = append(per[c].lat, d)
			}
		})
	}
	wg.Wait()
	out := sample{wall: time.Since(start)}
	cpu1, ok1 := srv.cpu()
	if err := ctx.Err(); err != nil {
		return out, err
	}
	for _, p := range per {
		out.lat = append(out.lat, p.lat...)
		out.errors += p.errors
		if out.firstErr == "" {
			out.firstErr = p.firstErr
		}
	}
	out.cpu, out.cpuOK = cpu1-cpu0, ok0 && ok1
	if len(out.lat) == 0 {
		return out, fmt.Errorf("every request failed; first: %s", out.firstErr)
	}
	return out, nil
}

// warmCheck is what the warm-up pass over the search queries saw.
type warmCheck struct {
	queries, errors, noHits int
	hits, marked            int
	fuzzy, didYouMean       int // responses with fuzzy (typo-tolerant) hits; with a spelling suggestion
	totalSum                uint64
	facetCounts             map[int]int // facets per response → responses
	totals                  []uint64    // per query; math.MaxUint64 when it failed
	firstErr                string
}

func (w warmCheck) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d queries, %d without hits, mean total %s; %d of %d hits with `<mark>` highlights; facets per response:",
		w.queries, w.noHits, thousands(int(w.totalSum/uint64(max(1, w.queries-w.errors)))), w.marked, w.hits)
	keys := make([]int, 0, len(w.facetCounts))
	for k := range w.facetCounts {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		fmt.Fprintf(&b, " %d (%d responses)", k, w.facetCounts[k])
	}
	fmt.Fprintf(&b, "; %d responses with typo-tolerant hits (`fuzzy`), %d with `did_you_mean`", w.fuzzy, w.didYouMean)
	if w.errors > 0 {
		fmt.Fprintf(&b, "; %d failed, first: %s", w.errors, w.firstErr)
	}
	return b.String()
}

// warmSearch runs every search once, as the warm-up pass, and checks the
// responses: hits, highlights and facets.
func warmSearch(ctx context.Context, client *http.Client, urls []string) (warmCheck, error) {
	w := warmCheck{queries: len(urls), facetCounts: map[int]int{}, totals: make([]uint64, len(urls))}
	for i, u := range urls {
		status, body, err := get(ctx, client, u)
		if err == nil && status != http.StatusOK {
			err = fmt.Errorf("%s: status %d: %s", u, status, excerpt(body))
		}
		if err != nil {
			if ctx.Err() != nil {
				return w, ctx.Err()
			}
			w.errors++
			w.totals[i] = math.MaxUint64
			if w.firstErr == "" {
				w.firstErr = err.Error()
			}
			continue
		}
		var r struct {
			Total      uint64 `json:"total"`
			Fuzzy      bool   `json:"fuzzy"`
			DidYouMean string `json:"did_you_mean"`
			Hits       []struct {
				Snippet string `json:"snippet"`
			} `json:"hits"`
			Facets map[string]json.RawMessage `json:"facets"`
		}
		if err := json.Unmarshal(body, &r); err != nil {
			return w, fmt.Errorf("%s: bad JSON: %w", u, err)
		}
		w.totals[i] = r.Total
		w.totalSum += r.Total
		if r.Fuzzy {
			w.fuzzy++
		}
		if r.DidYouMean != "" {
			w.didYouMean++
		}
		if r.Total == 0 {
			w.noHits++
		}
		for _, h := range r.Hits {
			w.hits++
			if strings.Contains(h.Snippet, "<mark>") {
				w.marked++
			}
		}
		w.facetCounts[len(r.Facets)]++
	}
	if w.errors*10 > w.queries {
		return w, fmt.Errorf("%d of %d searches failed in the warm-up pass; first: %s", w.errors, w.queries, w.firstErr)
	}
	return w, nil
}

// warmSuggest runs every suggestion once and describes the answers.
func warmSuggest(ctx context.Context, client *http.Client, urls []string) (string, error) {
	none, sum := 0, 0
	for _, u := range urls {
		status, body, err := get(ctx, client, u)
		if err != nil {
			return "", err
		}
		if status != http.StatusOK {
			return "", fmt.Errorf("%s: status %d: %s", u, status, excerpt(body))
		}
		var r struct {
			Suggestions []json.RawMessage `json:"suggestions"`
		}
		if err := json.Unmarshal(body, &r); err != nil {
			return "", fmt.Errorf("%s: bad JSON: %w", u, err)
		}
		if len(r.Suggestions) == 0 {
			none++
		}
		sum += len(r.Suggestions)
	}
	return fmt.Sprintf("%d prefixes, %d without suggestions, %.1f suggestions on average", len(urls), none, float64(sum)/float64(max(1, len(urls)))), nil
}

// printStats prints one progress line.
func printStats(w io.Writer, corpus, set, setup string, s stats) {
	fmt.Fprintf(w, "%s | %s | %s: %d requests, p50 %.1f ms, p95 %.1f ms, p99 %.1f ms, %.0f req/s, CPU %s ms/request", corpus, set, setup, s.n, ms(s.p50), ms(s.p95), ms(s.p99), s.rps, cpuMS(s))
	if s.errors > 0 {
		fmt.Fprintf(w, ", %d errors (first: %s)", s.errors, s.firstErr)
	}
	fmt.Fprintln(w)
}

// cpuMS formats the CPU time per request in milliseconds, or "n/a".
func cpuMS(s stats) string {
	if s.cpuPerReq <= 0 {
		return "n/a"
	}
	return fmt.Sprintf("%.1f", ms(s.cpuPerReq))
}
