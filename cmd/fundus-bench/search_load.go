package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// stats summarises the latencies of one run.
type stats struct {
	n, errors     int
	p50, p95, p99 time.Duration
	mean          time.Duration
	wall          time.Duration // whole run, for the rate
	rps           float64       // n / wall
	cpuPerReq     time.Duration // CPU time of the searching process per request; 0 when unknown
	firstErr      string
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
	s := stats{n: len(lat), wall: wall}
	if len(lat) == 0 {
		return s
	}
	sorted := slices.Clone(lat)
	slices.Sort(sorted)
	var sum time.Duration
	for _, d := range sorted {
		sum += d
	}
	s.mean = sum / time.Duration(len(sorted))
	s.p50, s.p95, s.p99 = percentile(sorted, 0.50), percentile(sorted, 0.95), percentile(sorted, 0.99)
	if wall > 0 {
		s.rps = float64(len(lat)) / wall.Seconds()
	}
	return s
}

// percentile returns the nearest-rank p-quantile of sorted latencies.
func percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	k := int(math.Ceil(p*float64(len(sorted)))) - 1
	return sorted[min(max(k, 0), len(sorted)-1)]
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

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

// get fetches u and reads the whole body.
func get(ctx context.Context, client *http.Client, u string) (int, []byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return 0, nil, err
	}
	resp, err := client.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	return resp.StatusCode, body, err
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
						err = fmt.Errorf("status %d: %s", status, bytes.TrimSpace(body[:min(len(body), 300)]))
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
			err = fmt.Errorf("%s: status %d: %s", u, status, bytes.TrimSpace(body[:min(len(body), 300)]))
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
			return "", fmt.Errorf("%s: status %d: %s", u, status, bytes.TrimSpace(body[:min(len(body), 300)]))
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

// tailBuffer keeps the last bytes written to it (up to 64 KiB); it is
// safe for a writer and a reader.
type tailBuffer struct {
	mu sync.Mutex
	b  []byte
}

const tailBufferSize = 64 << 10

func (t *tailBuffer) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.b = append(t.b, p...)
	if len(t.b) > 2*tailBufferSize {
		t.b = append(t.b[:0], t.b[len(t.b)-tailBufferSize:]...)
	}
	return len(p), nil
}

func (t *tailBuffer) Bytes() []byte {
	t.mu.Lock()
	defer t.mu.Unlock()
	return bytes.Clone(t.b[max(0, len(t.b)-tailBufferSize):])
}

// server is a running `fundus serve` child.
type server struct {
	cmd    *exec.Cmd
	base   string // http://127.0.0.1:PORT
	stderr *tailBuffer
	done   chan struct{}
	err    error // Wait's result, once done is closed
	once   sync.Once
	stopEr error
}

// startServer starts `fundus serve --data dir --addr 127.0.0.1:PORT` on a
// free port and waits until it is ready to search.
func startServer(ctx context.Context, bin, dir string) (*server, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("find a free port: %w", err)
	}
	addr := l.Addr().String()
	l.Close()
	s := &server{base: "http://" + addr, stderr: &tailBuffer{}, done: make(chan struct{})}
	s.cmd = exec.Command(bin, "serve", "--data", dir, "--addr", addr)
	s.cmd.Stdout = io.Discard
	s.cmd.Stderr = s.stderr
	if err := s.cmd.Start(); err != nil {
		return nil, fmt.Errorf("start fundus serve: %w", err)
	}
	go func() { s.err = s.cmd.Wait(); close(s.done) }()

	client := &http.Client{Timeout: 5 * time.Second}
	deadline := time.Now().Add(10 * time.Minute)
	path := "/readyz"
	for {
		select {
		case <-s.done:
			return nil, fmt.Errorf("fundus serve exited before it was ready: %v\n%s", s.err, tail(s.stderr.Bytes(), 20))
		case <-ctx.Done():
			s.stop()
			return nil, ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
		status, _, err := get(ctx, client, s.base+path)
		switch {
		case err == nil && status == http.StatusOK:
			return s, nil
		case err == nil && status == http.StatusNotFound && path == "/readyz":
			path = "/healthz" // a binary without /readyz
		}
		if time.Now().After(deadline) {
			s.stop()
			return nil, fmt.Errorf("fundus serve was not ready after 10 minutes\n%s", tail(s.stderr.Bytes(), 20))
		}
	}
}

// stop sends SIGTERM and waits for the server to exit (killing it after
// 30 seconds). It reports an exit other than a clean one.
func (s *server) stop() error {
	s.once.Do(func() {
		select {
		case <-s.done:
		default:
			if err := s.cmd.Process.Signal(syscall.SIGTERM); err != nil && !errors.Is(err, os.ErrProcessDone) {
				s.cmd.Process.Kill()
			}
			select {
			case <-s.done:
			case <-time.After(30 * time.Second):
				s.cmd.Process.Kill()
				<-s.done
				s.stopEr = fmt.Errorf("fundus serve did not stop within 30 s of SIGTERM; killed")
				return
			}
		}
		if s.err != nil {
			s.stopEr = fmt.Errorf("fundus serve: %v\n%s", s.err, tail(s.stderr.Bytes(), 20))
		}
	})
	return s.stopEr
}

// cpu returns the CPU time the server has used so far.
func (s *server) cpu() (time.Duration, bool) {
	if s == nil || s.cmd.Process == nil {
		return 0, false
	}
	return processCPU(s.cmd.Process.Pid)
}

// peakRSS returns the server's peak RSS once it has exited (0 before, or
// when unknown).
func (s *server) peakRSS() int64 {
	select {
	case <-s.done:
		return maxRSS(s.cmd.ProcessState)
	default:
		return 0
	}
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
