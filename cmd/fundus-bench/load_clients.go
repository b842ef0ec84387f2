package main

// The load phase (concurrent clients searching and writing) and the check
// afterwards that every acknowledged write can be found.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/fundus-kb/fundus/search"
)

// loadStats is what one kind of request measured.
type loadStats struct {
	latencies        // of the successful requests
	requests, errors int
	rps              float64 // requests (answered or failed) per second
}

// newLoadStats summarises the latencies of successful requests and the
// error count over the wall time of the run.
func newLoadStats(lat []time.Duration, errs int, wall time.Duration) loadStats {
	st := loadStats{latencies: summarizeLatencies(lat), requests: len(lat) + errs, errors: errs}
	if wall > 0 {
		st.rps = float64(st.requests) / wall.Seconds()
	}
	return st
}

// loadClient is what one client recorded.
type loadClient struct {
	lat    [loadKinds][]time.Duration // successful requests
	errs   [loadKinds]int
	byKind map[string]int    // error class → count
	first  map[string]string // error class → first message
	acked  []loadWritten
}

func (c *loadClient) fail(kind int, class, msg string) {
	c.errs[kind]++
	key := loadKindNames[kind] + ": " + class
	c.byKind[key]++
	if _, ok := c.first[key]; !ok {
		c.first[key] = msg
	}
}

// loadResult is what the load phase measured.
type loadResult struct {
	wall   time.Duration
	kinds  [loadKinds]loadStats
	total  loadStats
	errors map[string]int
	first  map[string]string
	acked  []loadWritten
	capped bool  // stopped by --max-requests
	conns  int64 // connections the clients opened
}

// runLoadPhase runs the clients until the duration is over (requests in
// flight then are finished and counted) or maxRequests were started.
func runLoadPhase(ctx context.Context, cfg loadConfig, w *loadWorkload, base string) loadResult {
	var dials atomic.Int64
	dialer := &net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}
	client := &http.Client{Timeout: time.Minute, Transport: &http.Transport{
		Proxy: nil, // loopback only, whatever the environment says
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			dials.Add(1)
			return dialer.DialContext(ctx, network, addr)
		},
		MaxIdleConns:        2 * cfg.clients,
		MaxIdleConnsPerHost: 2 * cfg.clients,
		IdleConnTimeout:     time.Minute,
		DisableCompression:  true,
	}}
	defer client.CloseIdleConnections()
	var budget atomic.Int64 // requests left to start
	budget.Store(int64(cfg.maxRequests))
	take := func() bool { return budget.Add(-1) >= 0 }
	clients := make([]*loadClient, cfg.clients)
	start := time.Now()
	end := start.Add(cfg.duration)
	var wg sync.WaitGroup
	for c := range clients {
		lc := &loadClient{byKind: map[string]int{}, first: map[string]string{}}
		clients[c] = lc
		wg.Go(func() {
			r := rand.New(rand.NewPCG(cfg.seed, uint64(c)))
			n := 0
			for time.Now().Before(end) && ctx.Err() == nil && take() {
				if r.Float64() < cfg.writeShare && n < loadWordCapacity {
					id, word, body := w.document(r, c, n)
					n++
					t0 := time.Now()
					status, resp, err := request(ctx, client, http.MethodPost, base+"/api/documents", "application/json", body)
					d := time.Since(t0)
					switch {
					case err != nil:
						lc.fail(loadWrite, "transport error", err.Error())
					case status < 200 || status > 299:
						lc.fail(loadWrite, errorClass(status, resp), fmt.Sprintf("%s: %s", id, excerpt(resp)))
					default:
						lc.acked = append(lc.acked, loadWritten{id: id, word: word})
						var wr struct {
							Results []search.WriteResult `json:"results"`
						}
						if json.Unmarshal(resp, &wr) != nil || len(wr.Results) != 1 || wr.Results[0].ID != id || wr.Results[0].Status != search.Added {
							lc.fail(loadWrite, fmt.Sprintf("HTTP %d with an unexpected result", status), string(excerpt(resp)))
							continue
						}
						lc.lat[loadWrite] = append(lc.lat[loadWrite], d)
					}
					continue
				}
				u := base + w.searchPath(r)
				t0 := time.Now()
				status, resp, err := request(ctx, client, http.MethodGet, u, "", nil)
				d := time.Since(t0)
				switch {
				case err != nil:
					lc.fail(loadSearch, "transport error", err.Error())
				case status != http.StatusOK:
					lc.fail(loadSearch, errorClass(status, resp), fmt.Sprintf("%s: %s", u, excerpt(resp)))
				default:
					lc.lat[loadSearch] = append(lc.lat[loadSearch], d)
				}
			}
		})
	}
	wg.Wait()
	res := loadResult{wall: time.Since(start), errors: map[string]int{}, first: map[string]string{}, capped: budget.Load() < 0, conns: dials.Load()}
	var all []time.Duration
	allErrs := 0
	for k := range loadKinds {
		var lat []time.Duration
		errs := 0
		for _, c := range clients {
			lat = append(lat, c.lat[k]...)
			errs += c.errs[k]
		}
		res.kinds[k] = newLoadStats(lat, errs, res.wall)
		all = append(all, lat...)
		allErrs += errs
	}
	res.total = newLoadStats(all, allErrs, res.wall)
	for _, c := range clients {
		res.acked = append(res.acked, c.acked...)
		for k, n := range c.byKind {
			res.errors[k] += n
			if _, ok := res.first[k]; !ok {
				res.first[k] = c.first[k]
			}
		}
	}
	return res
}

// loadVerify is what the check after the run found.
type loadVerify struct {
	acked       int
	getLost     []string // acknowledged, but GET did not return it
	searched    int      // acknowledged writes looked for by search
	searchLost  []string // not found by a search for their unique word
	searchRetry int      // found only on the second try
	ambiguous   int      // the unique word matched more than one document
	took        time.Duration
}

func (v loadVerify) lost() int {
	lost := map[string]bool{}
	for _, id := range v.getLost {
		lost[id] = true
	}
	for _, id := range v.searchLost {
		lost[id] = true
	}
	return len(lost)
}

// loadSampleIndexes picks up to k of n indexes, at random (seeded) but
// deterministically, in ascending order.
func loadSampleIndexes(n, k int, seed uint64) []int {
	idx := make([]int, n)
	for i := range idx {
		idx[i] = i
	}
	if k >= n {
		return idx
	}
	r := rand.New(rand.NewPCG(seed, 0x5eed))
	r.Shuffle(n, func(i, j int) { idx[i], idx[j] = idx[j], idx[i] })
	idx = idx[:k]
	slices.Sort(idx)
	return idx
}

// verifyWrites fetches every acknowledged document by id and searches for
// the unique word of a sample of them. A request that fails for another
// reason than the document's absence is an error (the check is then not
// conclusive).
func verifyWrites(ctx context.Context, base string, acked []loadWritten, sample int, seed uint64) (loadVerify, error) {
	start := time.Now()
	v := loadVerify{acked: len(acked)}
	client := &http.Client{Timeout: time.Minute, Transport: &http.Transport{Proxy: nil, MaxIdleConnsPerHost: 8}}
	defer client.CloseIdleConnections()
	do := func(u string) (int, []byte, error) {
		var err error
		for try := 0; try < 3; try++ {
			var status int
			var body []byte
			if status, body, err = request(ctx, client, http.MethodGet, u, "", nil); err == nil && status < 500 {
				return status, body, nil
			} else if err == nil {
				err = fmt.Errorf("%s: HTTP %d: %s", u, status, excerpt(body))
			}
			if ctx.Err() != nil {
				return 0, nil, ctx.Err()
			}
			time.Sleep(500 * time.Millisecond)
		}
		return 0, nil, err
	}
	type job struct {
		i      int
		search bool
	}
	jobs := make(chan job)
	var mu sync.Mutex
	var firstErr error
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for j := range jobs {
				a := acked[j.i]
				if !j.search {
					status, body, err := do(base + "/api/documents/" + loadEscapeID(a.id))
					var d search.Document
					lost := err == nil && (status != http.StatusOK || json.Unmarshal(body, &d) != nil || d.ID != a.id || !strings.Contains(d.Body, a.word))
					mu.Lock()
					if err != nil && firstErr == nil {
						firstErr = err
					}
					if lost {
						v.getLost = append(v.getLost, a.id)
					}
					mu.Unlock()
					continue
				}
				found, total, err := false, uint64(0), error(nil)
				retried := false
				for try := 0; try < 2 && !found && err == nil; try++ {
					if try > 0 {
						retried = true
						time.Sleep(time.Second)
					}
					var status int
					var body []byte
					status, body, err = do(base + "/api/search?size=10&q=" + url.QueryEscape(a.word))
					if err == nil && status != http.StatusOK {
						err = fmt.Errorf("search %q: HTTP %d: %s", a.word, status, excerpt(body))
					}
					if err != nil {
						break
					}
					var res struct {
						Total uint64       `json:"total"`
						Hits  []search.Hit `json:"hits"`
					}
					if err = json.Unmarshal(body, &res); err != nil {
						break
					}
					total = res.Total
					found = slices.ContainsFunc(res.Hits, func(h search.Hit) bool { return h.ID == a.id })
				}
				mu.Lock()
				switch {
				case err != nil:
					if firstErr == nil {
						firstErr = err
					}
				case !found:
					v.searchLost = append(v.searchLost, a.id)
				default:
					if retried {
						v.searchRetry++
					}
					if total > 1 {
						v.ambiguous++
					}
				}
				mu.Unlock()
			}
		})
	}
	sampled := loadSampleIndexes(len(acked), sample, seed)
	v.searched = len(sampled)
	all := make([]job, 0, len(acked)+len(sampled))
	for i := range acked {
		all = append(all, job{i: i})
	}
	for _, i := range sampled {
		all = append(all, job{i: i, search: true})
	}
	for _, j := range all {
		if ctx.Err() != nil {
			break
		}
		jobs <- j
	}
	close(jobs)
	wg.Wait()
	slices.Sort(v.getLost)
	slices.Sort(v.searchLost)
	v.took = time.Since(start)
	if err := ctx.Err(); err != nil {
		return v, err
	}
	return v, firstErr
}

// loadEscapeID escapes each segment of a document id for a URL path.
func loadEscapeID(id string) string {
	parts := strings.Split(id, "/")
	for i, p := range parts {
		parts[i] = url.PathEscape(p)
	}
	return strings.Join(parts, "/")
}

// loadDocCount asks the server how many documents it holds (an empty
// query lists everything).
func loadDocCount(ctx context.Context, base string) (uint64, error) {
	client := &http.Client{Timeout: time.Minute, Transport: &http.Transport{Proxy: nil}}
	defer client.CloseIdleConnections()
	status, body, err := request(ctx, client, http.MethodGet, base+"/api/search?size=1", "", nil)
	if err != nil {
		return 0, err
	}
	if status != http.StatusOK {
		return 0, fmt.Errorf("count documents: HTTP %d: %s", status, bytes.TrimSpace(body))
	}
	var res struct {
		Total uint64 `json:"total"`
	}
	if err := json.Unmarshal(body, &res); err != nil {
		return 0, fmt.Errorf("count documents: %w", err)
	}
	return res.Total, nil
}
