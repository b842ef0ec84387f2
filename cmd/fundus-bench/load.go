package main

// `fundus-bench load`: a mixed search/write load against `fundus serve` on
// loopback, followed by a check that no acknowledged write was lost
// (issue 6, item 10).

import (
	"bufio"
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"math"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
	"unicode"

	"github.com/fundus-kb/fundus/indexer/demo"
	"github.com/fundus-kb/fundus/indexer/parse"
	"github.com/fundus-kb/fundus/search"
	"github.com/fundus-kb/fundus/search/querylang"
)

// Bounds of the load benchmark: it never runs longer or sends more than
// this, whatever the flags say.
const (
	loadMaxDuration = 30 * time.Minute
	loadMaxClients  = 256
	loadMaxRequests = 5_000_000
)

// loadConfig is the parsed command line of the load subcommand.
type loadConfig struct {
	fundus       string // the fundus binary (absolute)
	corpus       string // absolute corpus path; "" = the built-in demo
	missing      string // the corpus asked for, when it was absent
	queries      string // SciFact queries.jsonl ("" = none)
	qrels        string // SciFact qrels/test.tsv ("" = none)
	duration     time.Duration
	clients      int
	writeShare   float64
	maxRequests  int
	searchSample int
	seed         uint64
	keep         bool
	args         []string
}

// runLoad implements `fundus-bench load`.
func runLoad(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("load", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fundus := fs.String("fundus", "", "path of the fundus binary (required)")
	corpus := fs.String("corpus", "../shared/eval/scifact/corpus.jsonl", "corpus to ingest before the load; when it is absent, the built-in demo corpus (serve --demo) is used")
	queries := fs.String("queries", "", "queries.jsonl whose test claims are searched (default: next to the corpus)")
	qrels := fs.String("qrels", "", "qrels file naming the test queries (default: qrels/test.tsv next to the corpus)")
	duration := fs.Duration("duration", 60*time.Second, "how long the load runs")
	clients := fs.Int("clients", 16, "concurrent clients")
	writeShare := fs.Float64("write-share", 0.10, "share of requests that are document writes")
	maxRequests := fs.Int("max-requests", 1_000_000, "stop the load after this many requests even before --duration")
	sample := fs.Int("search-sample", 500, "acknowledged writes checked by a search for their unique word (all are checked by GET)")
	seed := fs.Uint64("seed", 1, "seed of the request mix")
	keep := fs.Bool("keep", false, "keep the data directory and the server log (printed at the end)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	switch {
	case *fundus == "":
		return &usageError{errors.New("load: --fundus is required")}
	case *duration <= 0 || *duration > loadMaxDuration:
		return &usageError{fmt.Errorf("load: --duration must be above 0 and at most %s", loadMaxDuration)}
	case *clients < 1 || *clients > loadMaxClients:
		return &usageError{fmt.Errorf("load: --clients must be between 1 and %d", loadMaxClients)}
	case *writeShare < 0 || *writeShare > 1:
		return &usageError{errors.New("load: --write-share must be between 0 and 1")}
	case *maxRequests < 1 || *maxRequests > loadMaxRequests:
		return &usageError{fmt.Errorf("load: --max-requests must be between 1 and %d", loadMaxRequests)}
	case *sample < 0:
		return &usageError{errors.New("load: --search-sample must not be negative")}
	}
	bin, err := exec.LookPath(*fundus)
	if err != nil {
		return fmt.Errorf("fundus binary %s: %w (build it with `make build`)", *fundus, err)
	}
	if bin, err = filepath.Abs(bin); err != nil {
		return fmt.Errorf("fundus binary %s: %w", *fundus, err)
	}
	cfg := loadConfig{fundus: bin, duration: *duration, clients: *clients, writeShare: *writeShare,
		maxRequests: *maxRequests, searchSample: *sample, seed: *seed, keep: *keep, args: append([]string{"load"}, args...)}
	if abs, err := corpusPath(*corpus); err == nil {
		cfg.corpus = abs
		dir := filepath.Dir(abs)
		cfg.queries = cmp.Or(*queries, filepath.Join(dir, "queries.jsonl"))
		cfg.qrels = cmp.Or(*qrels, filepath.Join(dir, "qrels", "test.tsv"))
	} else {
		cfg.missing = *corpus
		fmt.Fprintf(stderr, "load: %v; using the built-in demo corpus (fundus serve --demo)\n", err)
	}
	return benchLoad(ctx, cfg, stdout, stderr)
}

// Request kinds.
const (
	loadSearch = iota
	loadWrite
	loadKinds
)

var loadKindNames = [loadKinds]string{"search", "write"}

// loadFilter is one facet filter a search may carry.
type loadFilter struct{ param, value string }

// loadWorkload is what the clients draw their requests from.
type loadWorkload struct {
	claims   []string // SciFact test claims, as plain words
	dropped  int      // claims the query language rejects even as plain words
	vocab    []string // corpus words for random queries and written documents
	filters  []loadFilter
	language string // language of written documents
}

// Topics and years of the written documents (so filters on them match).
var (
	loadTopics = []string{"Lasttest", "Load testing", "Durchsatz", "Latency"}
	loadYears  = []string{"2019", "2020", "2021", "2022", "2023", "2024"}
)

// searchPath returns a random search: half SciFact claims (when there are
// any), half 1–3 words from the vocabulary; every fourth one also filters
// by a facet value. Every search answers with its facet counts.
func (w *loadWorkload) searchPath(r *rand.Rand) string {
	var q string
	if len(w.claims) > 0 && r.IntN(2) == 0 {
		q = w.claims[r.IntN(len(w.claims))]
	} else {
		n := 1 + r.IntN(3)
		words := make([]string, n)
		for i := range words {
			words[i] = w.vocab[r.IntN(len(w.vocab))]
		}
		q = strings.Join(words, " ")
	}
	v := url.Values{"q": {q}}
	if len(w.filters) > 0 && r.IntN(4) == 0 {
		f := w.filters[r.IntN(len(w.filters))]
		v.Set(f.param, f.value)
	}
	return "/api/search?" + v.Encode()
}

// loadAlphabet spells unique words: consonants no stemmer strips or
// rewrites (no vowels, no s or y), so a word is indexed as written.
const loadAlphabet = "bcdfghjklmnpqrtvwxz"

// loadUniqueWord is the word only document n of client c contains: a
// fixed prefix, the client in 2 and n in 5 base-19 digits, each digit
// written three times, and a final q. All such words have the same length,
// so no stemmer can make two of them equal, and any two differ in at least
// three letters, more than the search's typo tolerance bridges (two edits).
func loadUniqueWord(c, n int) string {
	b := []byte("zqx")
	enc := func(v, width int) {
		d := make([]byte, 0, 3*width)
		for range width {
			x := loadAlphabet[v%len(loadAlphabet)]
			d = append([]byte{x, x, x}, d...)
			v /= len(loadAlphabet)
		}
		b = append(b, d...)
	}
	enc(c, 2)
	enc(n, 5)
	return string(append(b, 'q'))
}

// loadWordCapacity is how many documents per client loadUniqueWord can
// tell apart.
var loadWordCapacity = int(math.Pow(float64(len(loadAlphabet)), 5))

// loadWritten is an acknowledged write: the document's id and unique word.
type loadWritten struct {
	id, word string
}

// loadID is the id of document n of client c.
func loadID(c, n int) string { return fmt.Sprintf("load/%d-%d", c, n) }

// document returns the JSON body of document n of client c: a title and a
// body of vocabulary words with the document's unique word, a type, a
// date, the workload's language and one or two topics.
func (w *loadWorkload) document(r *rand.Rand, c, n int) (id, word string, body []byte) {
	id, word = loadID(c, n), loadUniqueWord(c, n)
	words := func(k int) []string {
		out := make([]string, k)
		for i := range out {
			out[i] = w.vocab[r.IntN(len(w.vocab))]
		}
		return out
	}
	title := append(words(3+r.IntN(4)), word)
	text := words(30 + r.IntN(50))
	text = slices.Insert(text, r.IntN(len(text)+1), word)
	topics := []string{loadTopics[r.IntN(len(loadTopics))]}
	if t := loadTopics[r.IntN(len(loadTopics))]; r.IntN(2) == 0 && t != topics[0] {
		topics = append(topics, t)
	}
	doc := map[string]any{
		"id":       id,
		"type":     []string{"webinar", "case", "other"}[r.IntN(3)],
		"title":    strings.Join(title, " "),
		"body":     strings.Join(text, " ") + ".",
		"date":     fmt.Sprintf("%s-%02d-%02d", loadYears[r.IntN(len(loadYears))], 1+r.IntN(12), 1+r.IntN(28)),
		"language": w.language,
		"topics":   topics,
	}
	body, err := json.Marshal(doc)
	if err != nil {
		panic(err) // strings only
	}
	return id, word, body
}

// loadVocabulary returns the words of texts for random queries: letters
// only, 4 to 20 of them, seen at least 3 times, without the 50 most
// frequent (mostly stop words); at most limit, most frequent first.
func loadVocabulary(texts []string, limit int) []string {
	count := map[string]int{}
	for _, t := range texts {
		for _, w := range strings.FieldsFunc(t, func(r rune) bool { return !unicode.IsLetter(r) }) {
			if n := len([]rune(w)); n >= 4 && n <= 20 {
				count[strings.ToLower(w)]++
			}
		}
	}
	words := make([]string, 0, len(count))
	for w, n := range count {
		if n >= 3 {
			words = append(words, w)
		}
	}
	slices.SortFunc(words, func(a, b string) int {
		return cmp.Or(cmp.Compare(count[b], count[a]), cmp.Compare(a, b))
	})
	words = words[min(50, len(words)/10):]
	return words[:min(limit, len(words))]
}

// loadClaimsFrom reads the texts of the queries in queries.jsonl that the
// qrels file names, in file order, as plain words. Claims the query
// language rejects even so are left out and counted.
func loadClaimsFrom(queries, qrels string) (claims []string, dropped int, err error) {
	qf, err := os.ReadFile(qrels)
	if err != nil {
		return nil, 0, err
	}
	want := map[string]bool{}
	for i, line := range strings.Split(string(qf), "\n") {
		f := strings.Fields(line)
		if len(f) == 0 || (i == 0 && f[0] == "query-id") {
			continue
		}
		want[f[0]] = true
	}
	data, err := os.ReadFile(queries)
	if err != nil {
		return nil, 0, err
	}
	for i, line := range bytes.Split(data, []byte("\n")) {
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		var q struct {
			ID   string `json:"_id"`
			Text string `json:"text"`
		}
		if err := json.Unmarshal(line, &q); err != nil {
			return nil, 0, fmt.Errorf("%s:%d: %w", queries, i+1, err)
		}
		if !want[q.ID] {
			continue
		}
		p := search.PlainText(q.Text)
		if _, err := querylang.Parse(p); err != nil || strings.TrimSpace(p) == "" || len([]rune(p)) > search.MaxQueryLength {
			dropped++
			continue
		}
		claims = append(claims, p)
	}
	if len(claims) == 0 {
		return nil, dropped, fmt.Errorf("no test queries in %s named by %s", queries, qrels)
	}
	return claims, dropped, nil
}

// demoRecords parses the built-in demo corpus.
func demoRecords(ctx context.Context) ([]parse.Record, error) {
	var recs []parse.Record
	err := fs.WalkDir(demo.FS(), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !parse.Supported(p) {
			return err
		}
		data, err := fs.ReadFile(demo.FS(), p)
		if err != nil {
			return err
		}
		rs, _ := parse.File(ctx, path.Base(p), data)
		recs = append(recs, rs...)
		return nil
	})
	return recs, err
}

// newLoadWorkload builds the workload from the corpus records.
func newLoadWorkload(recs []parse.Record, claims []string, dropped int, language string) (*loadWorkload, error) {
	texts := make([]string, 0, 2*len(recs))
	topicCount := map[string]int{}
	for _, r := range recs {
		texts = append(texts, r.Doc.Title, r.Doc.Summary, r.Doc.Body)
		for _, t := range r.Doc.Topics {
			topicCount[t]++
		}
	}
	w := &loadWorkload{claims: claims, dropped: dropped, vocab: loadVocabulary(texts, 5000), language: language}
	if len(w.vocab) < 50 {
		return nil, fmt.Errorf("the corpus yields only %d words for queries", len(w.vocab))
	}
	w.filters = []loadFilter{{"lang", "en"}, {"lang", "de"}, {"type", "other"}, {"type", "webinar"}, {"type", "case"}}
	for _, t := range loadTopics {
		w.filters = append(w.filters, loadFilter{"topic", t})
	}
	for _, y := range loadYears {
		w.filters = append(w.filters, loadFilter{"year", y})
	}
	topics := make([]string, 0, len(topicCount))
	for t := range topicCount {
		topics = append(topics, t)
	}
	slices.SortFunc(topics, func(a, b string) int { return cmp.Or(cmp.Compare(topicCount[b], topicCount[a]), cmp.Compare(a, b)) })
	for _, t := range topics[:min(10, len(topics))] {
		w.filters = append(w.filters, loadFilter{"topic", t})
	}
	return w, nil
}

// loadStats is what one kind of request measured.
type loadStats struct {
	requests, errors int
	p50, p95, p99    time.Duration
	rps              float64 // requests (answered or failed) per second
}

// loadPercentile returns the nearest-rank p-quantile of sorted latencies.
func loadPercentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	k := int(math.Ceil(p*float64(len(sorted)))) - 1
	return sorted[min(max(k, 0), len(sorted)-1)]
}

// newLoadStats summarises the latencies of successful requests and the
// error count over the wall time of the run.
func newLoadStats(lat []time.Duration, errs int, wall time.Duration) loadStats {
	s := slices.Clone(lat)
	slices.Sort(s)
	st := loadStats{requests: len(s) + errs, errors: errs,
		p50: loadPercentile(s, 0.50), p95: loadPercentile(s, 0.95), p99: loadPercentile(s, 0.99)}
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

// loadChild is the running `fundus serve`.
type loadChild struct {
	cmd  *exec.Cmd
	base string
	log  string // its stderr
	done chan struct{}
	err  error // Wait's result once done is closed
}

func (s *loadChild) logTail() string {
	b, _ := os.ReadFile(s.log)
	return string(tail(b, 20))
}

// startLoadServer starts `fundus serve` on a free loopback port without
// rate limits or a bound on concurrent searches (the clients are the
// bound) and waits (up to 10 minutes) until /readyz answers 200.
func startLoadServer(ctx context.Context, bin, dir, logPath string, withDemo bool) (*loadChild, error) {
	args := []string{"--search-rate", "0", "--write-rate", "0", "--max-searches", "0"}
	if withDemo {
		args = append(args, "--demo")
	}
	return startServe(ctx, bin, dir, logPath, args...)
}

// startServe starts `fundus serve --data dir` with args on a free loopback
// port and waits (up to 10 minutes) until /readyz answers 200.
func startServe(ctx context.Context, bin, dir, logPath string, extra ...string) (*loadChild, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("find a free port: %w", err)
	}
	addr := l.Addr().String()
	l.Close()
	logf, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	defer logf.Close() // the child has its own copy
	args := append([]string{"serve", "--data", dir, "--addr", addr}, extra...)
	s := &loadChild{base: "http://" + addr, log: logPath, done: make(chan struct{})}
	s.cmd = exec.Command(bin, args...)
	s.cmd.Stdout, s.cmd.Stderr = logf, logf
	if err := s.cmd.Start(); err != nil {
		return nil, fmt.Errorf("start fundus serve: %w", err)
	}
	go func() { s.err = s.cmd.Wait(); close(s.done) }()
	client := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{Proxy: nil}}
	deadline := time.Now().Add(10 * time.Minute)
	for {
		select {
		case <-s.done:
			return nil, fmt.Errorf("fundus serve exited before it was ready: %v\n%s", s.err, s.logTail())
		case <-ctx.Done():
			s.stop(5 * time.Second)
			return nil, ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
		if resp, err := client.Get(s.base + "/readyz"); err == nil {
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				client.CloseIdleConnections()
				return s, nil
			}
		}
		if time.Now().After(deadline) {
			s.stop(5 * time.Second)
			return nil, fmt.Errorf("fundus serve was not ready after 10 minutes\n%s", s.logTail())
		}
	}
}

// stop sends SIGTERM and waits up to grace for the exit (then kills). It
// returns how long the exit took and the exit error (nil for exit 0).
func (s *loadChild) stop(grace time.Duration) (time.Duration, error) {
	start := time.Now()
	select {
	case <-s.done:
		return 0, s.err
	default:
	}
	if err := s.cmd.Process.Signal(syscall.SIGTERM); err != nil && !errors.Is(err, os.ErrProcessDone) {
		s.cmd.Process.Kill()
	}
	select {
	case <-s.done:
		return time.Since(start), s.err
	case <-time.After(grace):
		s.cmd.Process.Kill()
		<-s.done
		return time.Since(start), fmt.Errorf("did not exit within %s of SIGTERM; killed", grace)
	}
}

// loadHTTP does one request and reads the whole answer.
func loadHTTP(ctx context.Context, client *http.Client, method, u, ctype string, body []byte) (int, []byte, error) {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, u, rd)
	if err != nil {
		return 0, nil, err
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	resp, err := client.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, b, err
}

// errorClass names a failed response for the error breakdown: its status
// and the API's error code.
func errorClass(status int, body []byte) string {
	var e struct {
		Error struct {
			Code string `json:"code"`
		} `json:"error"`
	}
	if json.Unmarshal(body, &e) == nil && e.Error.Code != "" {
		return fmt.Sprintf("HTTP %d %s", status, e.Error.Code)
	}
	return fmt.Sprintf("HTTP %d", status)
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
					status, resp, err := loadHTTP(ctx, client, http.MethodPost, base+"/api/documents", "application/json", body)
					d := time.Since(t0)
					switch {
					case err != nil:
						lc.fail(loadWrite, "transport error", err.Error())
					case status < 200 || status > 299:
						lc.fail(loadWrite, errorClass(status, resp), fmt.Sprintf("%s: %s", id, bytes.TrimSpace(resp[:min(len(resp), 300)])))
					default:
						lc.acked = append(lc.acked, loadWritten{id: id, word: word})
						var wr struct {
							Results []search.WriteResult `json:"results"`
						}
						if json.Unmarshal(resp, &wr) != nil || len(wr.Results) != 1 || wr.Results[0].ID != id || wr.Results[0].Status != "added" {
							lc.fail(loadWrite, fmt.Sprintf("HTTP %d with an unexpected result", status), string(bytes.TrimSpace(resp[:min(len(resp), 300)])))
							continue
						}
						lc.lat[loadWrite] = append(lc.lat[loadWrite], d)
					}
					continue
				}
				u := base + w.searchPath(r)
				t0 := time.Now()
				status, resp, err := loadHTTP(ctx, client, http.MethodGet, u, "", nil)
				d := time.Since(t0)
				switch {
				case err != nil:
					lc.fail(loadSearch, "transport error", err.Error())
				case status != http.StatusOK:
					lc.fail(loadSearch, errorClass(status, resp), fmt.Sprintf("%s: %s", u, bytes.TrimSpace(resp[:min(len(resp), 300)])))
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
			if status, body, err = loadHTTP(ctx, client, http.MethodGet, u, "", nil); err == nil && status < 500 {
				return status, body, nil
			} else if err == nil {
				err = fmt.Errorf("%s: HTTP %d: %s", u, status, bytes.TrimSpace(body[:min(len(body), 300)]))
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
						err = fmt.Errorf("search %q: HTTP %d: %s", a.word, status, bytes.TrimSpace(body[:min(len(body), 300)]))
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
	status, body, err := loadHTTP(ctx, client, http.MethodGet, base+"/api/search?size=1", "", nil)
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

// loadReport is everything the summary reports.
type loadReport struct {
	cfg          loadConfig
	source       string // what was ingested
	docs         uint64 // documents before the load
	ingest       time.Duration
	work         *loadWorkload
	res          loadResult
	verify       loadVerify
	stopTook     time.Duration
	stopErr      error
	serverRSS    int64
	stored       int // documents in the store after the run (-1 unknown)
	indexed      int
	checkErr     error
	checkOut     string
	loadBefore   string
	loadAfter    string
	verifyFailed error
}

// benchLoad sets up the data directory and the server, runs the load,
// checks the writes, stops the server, checks the data directory and
// prints the report. It fails when any request failed or any write was
// lost.
func benchLoad(ctx context.Context, cfg loadConfig, stdout, stderr io.Writer) error {
	rep := loadReport{cfg: cfg, stored: -1, indexed: -1, loadBefore: loadAverage()}
	root, err := os.MkdirTemp("", "fundus-bench-load-")
	if err != nil {
		return fmt.Errorf("create temp dir: %w", err)
	}
	if cfg.keep {
		defer fmt.Fprintf(stderr, "load: kept the data directory and server log in %s\n", root)
	} else {
		defer os.RemoveAll(root)
	}
	dir := filepath.Join(root, "data")

	var recs []parse.Record
	if cfg.corpus != "" {
		if recs, err = readRecords(ctx, cfg.corpus); err != nil {
			return err
		}
		claims, dropped, err := loadClaimsFrom(cfg.queries, cfg.qrels)
		if err != nil {
			fmt.Fprintf(stderr, "load: no test queries (%v); searching random vocabulary only\n", err)
		}
		if rep.work, err = newLoadWorkload(recs, claims, dropped, "en"); err != nil {
			return err
		}
		fmt.Fprintf(stderr, "load: fundus ingest %s …\n", cfg.corpus)
		run, err := timeChild(ctx, cfg.fundus, "ingest", "--data", dir, "--json", cfg.corpus)
		if err != nil {
			return fmt.Errorf("ingest: %w", err)
		}
		var sum struct {
			Added, Failed int
		}
		if err := json.Unmarshal(lastLine(run.stdout), &sum); err != nil || sum.Added != len(recs) || sum.Failed != 0 {
			return fmt.Errorf("ingest: want %d added and 0 failed, got %q", len(recs), lastLine(run.stdout))
		}
		rep.ingest = run.wall
		rep.source = fmt.Sprintf("`%s` (%s documents), ingested with `fundus ingest` in %.1f s", cfg.corpus, loadThousands(len(recs)), run.wall.Seconds())
	} else {
		if recs, err = demoRecords(ctx); err != nil {
			return fmt.Errorf("read the demo corpus: %w", err)
		}
		if rep.work, err = newLoadWorkload(recs, nil, 0, "de"); err != nil {
			return err
		}
	}

	fmt.Fprintf(stderr, "load: starting fundus serve …\n")
	srv, err := startLoadServer(ctx, cfg.fundus, dir, filepath.Join(root, "serve.log"), cfg.corpus == "")
	if err != nil {
		return err
	}
	stopped := false
	defer func() {
		if !stopped {
			srv.stop(30 * time.Second)
		}
	}()
	if rep.docs, err = loadDocCount(ctx, srv.base); err != nil {
		return err
	}
	if cfg.corpus == "" {
		rep.source = fmt.Sprintf("the built-in demo corpus (%d documents, loaded by `fundus serve --demo`), because the corpus %s does not exist", rep.docs, cfg.missing)
	}
	fmt.Fprintf(stdout, "corpus: %s\n", rep.source)
	fmt.Fprintf(stdout, "server %s: %d documents; load: %d clients for %s, %.0f%% writes, seed %d\n",
		srv.base, rep.docs, cfg.clients, cfg.duration, 100*cfg.writeShare, cfg.seed)

	rep.res = runLoadPhase(ctx, cfg, rep.work, srv.base)
	if err := ctx.Err(); err != nil {
		return err
	}
	rep.loadAfter = loadAverage()
	fmt.Fprintf(stderr, "load: checking %d acknowledged writes …\n", len(rep.res.acked))
	rep.verify, rep.verifyFailed = verifyWrites(ctx, srv.base, rep.res.acked, cfg.searchSample, cfg.seed)
	if err := ctx.Err(); err != nil {
		return err
	}

	fmt.Fprintf(stderr, "load: stopping the server (SIGTERM) …\n")
	rep.stopTook, rep.stopErr = srv.stop(30 * time.Second)
	stopped = true
	if srv.cmd.ProcessState != nil {
		rep.serverRSS = maxRSS(srv.cmd.ProcessState)
	}
	if rep.stopErr != nil {
		rep.stopErr = fmt.Errorf("%w\n%s", rep.stopErr, srv.logTail())
	}

	if out, err := exec.CommandContext(ctx, cfg.fundus, "stats", "--data", dir, "--json").Output(); err == nil {
		var st struct {
			Documents int    `json:"documents"`
			Indexed   uint64 `json:"indexed"`
		}
		if json.Unmarshal(lastLine(out), &st) == nil {
			rep.stored, rep.indexed = st.Documents, int(st.Indexed)
		}
	}
	fmt.Fprintf(stderr, "load: fundus check …\n")
	out, err := exec.CommandContext(ctx, cfg.fundus, "check", "--data", dir).CombinedOutput()
	rep.checkOut, rep.checkErr = strings.TrimSpace(string(out)), err
	if err := ctx.Err(); err != nil {
		return err
	}

	if err := writeLoadReport(stdout, rep); err != nil {
		return err
	}
	var problems []string
	if n := rep.res.total.errors; n > 0 {
		problems = append(problems, fmt.Sprintf("%d request errors", n))
	}
	if n := rep.verify.lost(); n > 0 {
		problems = append(problems, fmt.Sprintf("%d documents lost", n))
	}
	if rep.verifyFailed != nil {
		problems = append(problems, fmt.Sprintf("the check of the writes failed: %v", rep.verifyFailed))
	}
	if rep.stopErr != nil {
		problems = append(problems, fmt.Sprintf("fundus serve after SIGTERM: %v", rep.stopErr))
	}
	if rep.checkErr != nil {
		problems = append(problems, fmt.Sprintf("fundus check: %v", rep.checkErr))
	}
	if len(problems) > 0 {
		return errors.New("load: " + strings.Join(problems, "; "))
	}
	return nil
}

// loadAverage returns the 1-, 5- and 15-minute load averages, or "n/a".
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if f := strings.Fields(string(b)); err == nil && len(f) >= 3 {
		return strings.Join(f[:3], " / ")
	}
	return "n/a"
}

// loadThousands formats n with commas: 5183 → "5,183".
func loadThousands(n int) string {
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0 && s[i-1] != '-'; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

func loadMS(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// writeLoadReport prints the results and the Markdown block for
// BENCHMARKS.md.
func writeLoadReport(w io.Writer, rep loadReport) error {
	bw := bufio.NewWriter(w)
	p := func(format string, a ...any) { fmt.Fprintf(bw, format, a...) }
	res, v := rep.res, rep.verify
	row := func(name string, s loadStats) {
		p("%-7s %7d requests  %7.1f req/s  p50 %6.1f ms  p95 %6.1f ms  p99 %6.1f ms  errors %d\n",
			name, s.requests, s.rps, loadMS(s.p50), loadMS(s.p95), loadMS(s.p99), s.errors)
	}
	p("\nran %.1f s over %d connections", res.wall.Seconds(), res.conns)
	if res.capped {
		p(" (stopped by --max-requests %d)", rep.cfg.maxRequests)
	}
	p("\n")
	row("all", res.total)
	row("search", res.kinds[loadSearch])
	row("write", res.kinds[loadWrite])
	errKeys := slices.Sorted(func(yield func(string) bool) {
		for k := range res.errors {
			if !yield(k) {
				return
			}
		}
	})
	for _, k := range errKeys {
		p("  %d × %s, first: %s\n", res.errors[k], k, res.first[k])
	}
	p("errors: %d\n", res.total.errors)
	p("documents lost: %d (%d acknowledged writes: %d not returned by GET /api/documents/{id}; %d of %d sampled not found by a search for their unique word",
		v.lost(), v.acked, len(v.getLost), len(v.searchLost), v.searched)
	if v.searchRetry > 0 {
		p(", %d found only on a second try", v.searchRetry)
	}
	if v.ambiguous > 0 {
		p(", %d unique words matched more than one document", v.ambiguous)
	}
	p(")\n")
	for _, l := range []struct {
		name string
		ids  []string
	}{{"not returned by GET", v.getLost}, {"not found by search", v.searchLost}} {
		if len(l.ids) > 0 {
			p("  %s: %s\n", l.name, strings.Join(l.ids[:min(20, len(l.ids))], ", "))
		}
	}
	if rep.verifyFailed != nil {
		p("check of the writes failed: %v\n", rep.verifyFailed)
	}
	stopNote := fmt.Sprintf("exited 0 after %.0f ms", loadMS(rep.stopTook))
	if rep.stopErr != nil {
		stopNote = fmt.Sprintf("%v (after %.0f ms)", rep.stopErr, loadMS(rep.stopTook))
	}
	p("fundus serve after SIGTERM: %s; peak RSS %s\n", stopNote, mb(rep.serverRSS))
	storeNote := "store/index counts unknown (fundus stats failed)"
	if rep.stored >= 0 {
		storeNote = fmt.Sprintf("%d documents in the store, %d in the index (%d before the load + %d acknowledged writes = %d)",
			rep.stored, rep.indexed, rep.docs, v.acked, int(rep.docs)+v.acked)
	}
	p("after the run: %s\n", storeNote)
	checkNote := "exit 0"
	if rep.checkErr != nil {
		checkNote = rep.checkErr.Error()
	}
	p("fundus check: %s\n%s\n\n", checkNote, rep.checkOut)

	// The Markdown block.
	cfg, wk := rep.cfg, rep.work
	searchMix := "1–3 random words from the corpus vocabulary"
	if len(wk.claims) > 0 {
		searchMix = fmt.Sprintf("half SciFact test claims (%d, as plain words", len(wk.claims))
		if wk.dropped > 0 {
			searchMix += fmt.Sprintf("; %d left out that the query language rejects", wk.dropped)
		}
		searchMix += "), half 1–3 random words from the corpus vocabulary"
	}
	p("## Load: %d clients, %g s, %.0f%% searches / %.0f%% writes\n\n", cfg.clients, cfg.duration.Seconds(), 100*(1-cfg.writeShare), 100*cfg.writeShare)
	p("- Command: `%s`\n", commandLine(cfg.args))
	p("- Date: %s\n", time.Now().Format("2006-01-02 15:04 MST"))
	p("- Go: %s %s/%s%s\n", runtime.Version(), runtime.GOOS, runtime.GOARCH, fundusGoVersion(cfg.fundus))
	p("- Machine: nproc %d, 2 cores, shared machine (timings are noisy)%s; load average %s before, %s at the end of the load\n",
		runtime.NumCPU(), cpuModel(), rep.loadBefore, rep.loadAfter)
	p("- Data: a fresh data directory with %s\n", rep.source)
	p("- Server: `fundus serve --data DIR --addr 127.0.0.1:PORT --search-rate 0 --write-rate 0 --max-searches 0` (other limits at their defaults); " +
		"the load generator runs on the same machine and competes for the same cores\n")
	p("- Clients: %d goroutines sharing one keep-alive Go net/http client (%d connections opened in all), each sending its next request as soon as "+
		"its last one is answered; a request is a write with probability %.2f\n", cfg.clients, res.conns, cfg.writeShare)
	p("- Searches: `GET /api/search`, %s; every answer carries its facet counts, and one search in four also filters by a facet value (language, type, topic or year)\n", searchMix)
	p("- Writes: `POST /api/documents`, one new JSON document each (id `load/<client>-<n>`, 30–80 words of corpus vocabulary plus one word unique to it, type, date, language, topics)\n")
	p("- Errors: every transport error and every non-2xx answer; latencies are of successful requests, from sending to the last byte of the answer\n\n")
	p("| Kind | Requests | req/s | p50 (ms) | p95 (ms) | p99 (ms) | Errors |\n")
	p("|---|--:|--:|--:|--:|--:|--:|\n")
	for _, r := range []struct {
		name string
		s    loadStats
	}{{"search", res.kinds[loadSearch]}, {"write", res.kinds[loadWrite]}, {"**all**", res.total}} {
		p("| %s | %d | %.1f | %.1f | %.1f | %.1f | %d |\n", r.name, r.s.requests, r.s.rps, loadMS(r.s.p50), loadMS(r.s.p95), loadMS(r.s.p99), r.s.errors)
	}
	p("\n")
	p("- Errors: **%d** — target 0: **%s**\n", res.total.errors, verdict(res.total.errors == 0))
	p("- Documents lost: **%d** — target 0: **%s**. After the load, each of the %d acknowledged (2xx) writes was fetched with `GET /api/documents/{id}`, "+
		"and %d of them (a seeded random sample) were searched for by their unique word\n", v.lost(), verdict(v.lost() == 0 && rep.verifyFailed == nil), v.acked, v.searched)
	p("- Then: SIGTERM — the server %s; `fundus check --data DIR`: %s", stopNote, checkNote)
	if rep.stored >= 0 {
		p("; %d documents in the store and %d in the index (%d before the load + %d acknowledged writes)", rep.stored, rep.indexed, rep.docs, v.acked)
	}
	p("\n")
	return bw.Flush()
}
