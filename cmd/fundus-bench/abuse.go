package main

// `fundus-bench abuse`: one client fires the worst-case searches of issue
// 11 (item 6) while another searches normally; how much slower the normal
// client gets, how much memory the server takes, and whether it stays up.

import (
	"bufio"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Bounds of the abuse benchmark, whatever the flags say.
const (
	abuseMaxDuration = 5 * time.Minute
	abuseMaxAbusers  = 256
)

// abuseConfig is the parsed command line of the abuse subcommand.
type abuseConfig struct {
	fundus string
	sciFactFiles
	idle, duration time.Duration
	abusers        int
	interval       time.Duration
	normalRate     float64
	args           []string
}

// runAbuse implements `fundus-bench abuse`.
func runAbuse(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newBenchFlags("abuse", stderr)
	scifact := fs.sciFact()
	idle := fs.Duration("idle", 15*time.Second, "how long the normal client searches alone first")
	duration := fs.Duration("duration", 30*time.Second, "how long each abusive phase lasts")
	abusers := fs.intBetween("abusers", 40, 1, abuseMaxAbusers, "concurrent abusive searches per wave")
	interval := fs.Duration("interval", 2*time.Second, "time between the starts of two waves (the default search rate, 20/s, refills a burst of 40 in 2 s)")
	normalRate := fs.Float64("normal-rate", 5, "searches per second of the normal client (a person or a small tool, within the default rate limit of 20/s)")
	if err := fs.parse(args); err != nil {
		return err
	}
	switch {
	case *normalRate <= 0 || *normalRate > 20:
		return usagef("abuse: --normal-rate must be above 0 and at most 20 (the default search rate limit)")
	case *idle <= 0 || *idle > abuseMaxDuration || *duration <= 0 || *duration > abuseMaxDuration:
		return usagef("abuse: --idle and --duration must be above 0 and at most %s", abuseMaxDuration)
	case *interval <= 0:
		return usagef("abuse: --interval must be above 0")
	}
	bin, err := fs.binary()
	if err != nil {
		return err
	}
	cfg := abuseConfig{fundus: bin, sciFactFiles: sciFactIn(*scifact),
		idle: *idle, duration: *duration, abusers: *abusers, interval: *interval, normalRate: *normalRate, args: fs.commandLine(args)}
	if cfg.corpus, err = corpusPath(cfg.corpus); err != nil {
		return fmt.Errorf("abuse: %w (the benchmark needs SciFact)", err)
	}
	return benchAbuse(ctx, cfg, stdout, stderr)
}

// abusePrefixes are the 55 two-letter prefixes of the abusive query
// ("ca* ce* … hu*"): c, d, f, g and h, each with a, e, i, o, l, r, n, m,
// t, y and u.
func abusePrefixes() []string {
	var out []string
	for _, a := range "cdfgh" {
		for _, b := range "aeiolrnmtyu" {
			out = append(out, string(a)+string(b)+"*")
		}
	}
	return out
}

// abuseStats is what one phase measured.
type abuseStats struct {
	name     string
	normal   []time.Duration // successful normal searches
	normErrs map[string]int  // normal client's failures by class
	abuse    map[string]int  // abusive answers by class ("HTTP 200", "HTTP 400 invalid_parameter" …)
	abuseLat []time.Duration // abusive answers of any status
	hwm, rss int64           // the server's peak and current RSS after the phase (bytes)
	query    string          // the abusive query
}

// benchAbuse ingests SciFact, starts the server with its default limits
// (rate limits applied to loopback too), and runs the phases.
func benchAbuse(ctx context.Context, cfg abuseConfig, stdout, stderr io.Writer) error {
	mach := startMachine()
	claims, _, err := loadClaimsFrom(cfg.queries, cfg.qrels)
	if err != nil {
		return fmt.Errorf("abuse: read the SciFact claims: %w", err)
	}
	root, err := os.MkdirTemp("", "fundus-bench-abuse-")
	if err != nil {
		return fmt.Errorf("create temp dir: %w", err)
	}
	defer os.RemoveAll(root)
	dir := filepath.Join(root, "data")
	fmt.Fprintf(stderr, "abuse: fundus ingest %s …\n", cfg.corpus)
	_, added, err := ingestFresh(ctx, cfg.fundus, dir, cfg.corpus, -1)
	if err != nil {
		return fmt.Errorf("abuse: %w", err)
	}
	fmt.Fprintf(stderr, "abuse: starting fundus serve --limit-loopback …\n")
	srv, err := startServer(ctx, cfg.fundus, dir, filepath.Join(root, "serve.log"), "--limit-loopback")
	if err != nil {
		return err
	}
	defer srv.stop(30 * time.Second)
	pid := srv.pid()
	addr := strings.TrimPrefix(srv.base, "http://")

	// The normal client connects from 127.0.0.1, the abusive one from
	// 127.0.0.2: two clients with their own rate limits, as two machines
	// would be.
	normal := abuseClient("127.0.0.1", 4)
	abuser := abuseClient("127.0.0.2", 2*cfg.abusers)
	defer normal.CloseIdleConnections()
	defer abuser.CloseIdleConnections()
	if _, _, err := request(ctx, abuser, http.MethodGet, srv.base+"/healthz", "", nil); err != nil {
		return fmt.Errorf("abuse: cannot connect from 127.0.0.2 (the abusive client's address): %w", err)
	}

	_, rss0 := procMemory(pid)
	var phases []*abuseStats
	idle := &abuseStats{name: "idle"}
	abuseRun(ctx, cfg, cfg.idle, normal, srv.base, claims, idle, nil, "")
	idle.hwm, idle.rss = procMemory(pid)
	phases = append(phases, idle)

	prefixes := strings.Join(abusePrefixes(), " ")
	widest, err := widestAdmitted(ctx, abuser, srv.base)
	if err != nil {
		return err
	}
	for _, ph := range []struct{ name, q string }{
		{"55 two-letter prefixes", prefixes},
		{"widest query the budget admits", widest},
	} {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		// Let the abuser's rate-limit bucket refill between phases.
		time.Sleep(3 * time.Second)
		fmt.Fprintf(stderr, "abuse: %s, %s …\n", ph.name, cfg.duration)
		st := &abuseStats{name: ph.name, query: ph.q}
		abuseRun(ctx, cfg, cfg.duration, normal, srv.base, claims, st, abuser, ph.q)
		st.hwm, st.rss = procMemory(pid)
		phases = append(phases, st)
	}
	status, _, herr := request(ctx, normal, http.MethodGet, srv.base+"/healthz", "", nil)
	up := herr == nil && status == http.StatusOK
	mach.finish()

	bw := bufio.NewWriter(stdout)
	p := func(format string, a ...any) { fmt.Fprintf(bw, format, a...) }
	p("\n## Abuse: %d concurrent worst-case searches from one client beside a normal client\n\n", cfg.abusers)
	writeHeader(bw, cfg.args, cfg.fundus, mach.describe("the abuse"))
	p("- Data: SciFact (%s documents), ingested with `fundus ingest`\n", thousands(added))
	p("- Server: `fundus serve --data DIR --addr %s --limit-loopback`, every other limit at its default (rate 20/s, burst 40 per client; searches: 2 × cores running, 4 × cores waiting for at most 500 ms, at most cores in flight per client, 5 s deadline, 2,000 expanded terms)\n", addr)
	p("- Normal client: one connection from 127.0.0.1, SciFact test claims (`/api/search?q=<claim>`, plain words) one after the other, %g a second (or as fast as answered, when slower)\n", cfg.normalRate)
	p("- Abusive client: from 127.0.0.2, waves of %d concurrent searches, a wave every %s or when the last answer came, whichever is later (its rate limit refills a burst in 2 s); answers are counted by status\n", cfg.abusers, cfg.interval)
	p("- Widest admitted query: `%s`\n", widest)
	p("- Server RSS after start: %s\n\n", mb(rss0))
	p("| Phase | Normal searches | p50 (ms) | p95 (ms) | p50 / idle | p95 / idle | Normal failures | Abusive answers | Server peak RSS (VmHWM) |\n")
	p("|---|--:|--:|--:|--:|--:|---|---|--:|\n")
	ok := up
	idleLat := summarizeLatencies(idle.normal)
	for _, st := range phases {
		normal := summarizeLatencies(st.normal)
		r50, r95 := "", ""
		if st != idle {
			a, b := ratio(normal.p50, idleLat.p50), ratio(normal.p95, idleLat.p95)
			r50, r95 = fmt.Sprintf("%.2f×", a), fmt.Sprintf("%.2f×", b)
			if b > 3 || len(st.normErrs) > 0 {
				ok = false
			}
		}
		if st.hwm > 400<<20 {
			ok = false
		}
		abusive := "none"
		if len(st.abuse) > 0 {
			lat := summarizeLatencies(st.abuseLat)
			abusive = fmt.Sprintf("%s (p50 %.0f ms, max %.0f ms)", classes(st.abuse), ms(lat.p50), ms(lat.max))
		}
		p("| %s | %d | %.1f | %.1f | %s | %s | %s | %s | %s |\n", st.name, normal.n, ms(normal.p50), ms(normal.p95), r50, r95,
			classes(st.normErrs), abusive, mb(st.hwm))
	}
	p("\n- Server stayed up: **%s** (`/healthz` %s after the abuse)\n", verdict(up), healthNote(status, herr))
	p("- Targets: normal client p95 ≤ 3× idle with no failures, peak RSS ≤ 400 MB: **%s**\n", verdict(ok))
	if err := bw.Flush(); err != nil {
		return err
	}
	if !up {
		return errors.New("abuse: the server did not answer /healthz after the abuse")
	}
	return nil
}

// abuseRun runs the normal client for d and, with an abuser, waves of
// cfg.abusers abusive searches for q.
func abuseRun(ctx context.Context, cfg abuseConfig, d time.Duration, normal *http.Client, base string, claims []string, st *abuseStats, abuser *http.Client, q string) {
	n, interval := cfg.abusers, cfg.interval
	ctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	st.normErrs, st.abuse = map[string]int{}, map[string]int{}
	var mu sync.Mutex
	var wg sync.WaitGroup
	if abuser != nil {
		u := base + "/api/search?" + url.Values{"q": {q}}.Encode()
		wg.Go(func() {
			for ctx.Err() == nil {
				start := time.Now()
				var wave sync.WaitGroup
				for range n {
					wave.Go(func() {
						t0 := time.Now()
						// The abuser's own requests are not cut by the
						// phase's end: they are answered and counted.
						status, body, err := request(context.WithoutCancel(ctx), abuser, http.MethodGet, u, "", nil)
						class := "transport error"
						if err == nil {
							class = errorClass(status, body)
						}
						mu.Lock()
						st.abuse[class]++
						st.abuseLat = append(st.abuseLat, time.Since(t0))
						mu.Unlock()
					})
				}
				wave.Wait()
				select {
				case <-ctx.Done():
				case <-time.After(time.Until(start.Add(interval))):
				}
			}
		})
	}
	start := time.Now()
	every := time.Duration(float64(time.Second) / cfg.normalRate)
	for i := 0; ctx.Err() == nil; i++ {
		// Paced: the next search starts on its beat, or when the last
		// one is answered if that is later.
		select {
		case <-ctx.Done():
			continue
		case <-time.After(time.Until(start.Add(time.Duration(i) * every))):
		}
		u := base + "/api/search?" + url.Values{"q": {claims[i%len(claims)]}}.Encode()
		t0 := time.Now()
		status, body, err := request(context.WithoutCancel(ctx), normal, http.MethodGet, u, "", nil)
		switch {
		case err != nil:
			st.normErrs["transport error"]++
		case status != http.StatusOK:
			st.normErrs[errorClass(status, body)]++
		default:
			st.normal = append(st.normal, time.Since(t0))
		}
	}
	wg.Wait()
}

// widestAdmitted returns the query of the broadest two-letter prefixes of
// abusePrefixes that the server accepts: prefixes are added, broadest
// first as the server's own count says, while it answers 200.
func widestAdmitted(ctx context.Context, c *http.Client, base string) (string, error) {
	type pc struct {
		p string
		n int
	}
	var counts []pc
	for _, p := range abusePrefixes() {
		// A prefix alone is admitted (no two-letter prefix of SciFact
		// reaches the budget); its hit count stands for its breadth.
		status, body, err := request(ctx, c, http.MethodGet, base+"/api/search?size=1&"+url.Values{"q": {p}}.Encode(), "", nil)
		if err != nil {
			return "", err
		}
		if status == http.StatusTooManyRequests {
			time.Sleep(time.Second)
			continue
		}
		var res struct {
			Total int `json:"total"`
		}
		if status == http.StatusOK && json.Unmarshal(body, &res) == nil {
			counts = append(counts, pc{p, res.Total})
		}
	}
	slices.SortStableFunc(counts, func(a, b pc) int { return cmp.Compare(b.n, a.n) })
	var q []string
	for _, x := range counts {
		try := strings.Join(append(slices.Clone(q), x.p), " ")
		status, _, err := request(ctx, c, http.MethodGet, base+"/api/search?size=1&"+url.Values{"q": {try}}.Encode(), "", nil)
		for err == nil && status == http.StatusTooManyRequests {
			time.Sleep(time.Second)
			status, _, err = request(ctx, c, http.MethodGet, base+"/api/search?size=1&"+url.Values{"q": {try}}.Encode(), "", nil)
		}
		if err != nil {
			return "", err
		}
		if status == http.StatusOK {
			q = append(q, x.p)
		}
	}
	if len(q) == 0 {
		return "", errors.New("abuse: the server admits none of the prefixes")
	}
	return strings.Join(q, " "), nil
}

// abuseClient returns an HTTP client whose connections come from the
// loopback address local.
func abuseClient(local string, conns int) *http.Client {
	dialer := &net.Dialer{Timeout: 5 * time.Second, LocalAddr: &net.TCPAddr{IP: net.ParseIP(local)}}
	return &http.Client{Timeout: time.Minute, Transport: &http.Transport{
		Proxy: nil, DialContext: dialer.DialContext,
		MaxIdleConns: conns, MaxIdleConnsPerHost: conns, DisableCompression: true,
	}}
}

// procMemory returns a process's peak (VmHWM) and current (VmRSS)
// resident memory from /proc, in bytes (0 when unknown).
func procMemory(pid int) (hwm, rss int64) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		k, v, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		f := strings.Fields(v)
		if len(f) < 1 {
			continue
		}
		kb, _ := strconv.ParseInt(f[0], 10, 64)
		switch k {
		case "VmHWM":
			hwm = kb << 10
		case "VmRSS":
			rss = kb << 10
		}
	}
	return hwm, rss
}

// classes formats counts by class, most frequent first.
func classes(m map[string]int) string {
	if len(m) == 0 {
		return "none"
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b string) int { return cmp.Or(cmp.Compare(m[b], m[a]), cmp.Compare(a, b)) })
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%d × %s", m[k], k)
	}
	return strings.Join(parts, ", ")
}

func healthNote(status int, err error) string {
	if err != nil {
		return "failed: " + err.Error()
	}
	return "answered " + strconv.Itoa(status)
}
