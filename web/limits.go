package web

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net"
	"net/http"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/time/rate"
)

// Limits protect the service against overload and abuse.
type Limits struct {
	// SearchRate and WriteRate are requests per second per client IP
	// (0: unlimited), with bursts of SearchBurst and WriteBurst.
	SearchRate, WriteRate   float64
	SearchBurst, WriteBurst int
	// LimitLoopback applies the rate limits to loopback clients too; by
	// default they are exempt (local tools, health checks, tests).
	LimitLoopback bool
	// MaxSearches bounds searches running at once (0: unbounded). Up to
	// MaxQueued more wait for a slot, each at most QueueWait; a search
	// that finds the queue full or waits longer gets a fast 503 busy
	// instead of piling up.
	MaxSearches int
	MaxQueued   int
	QueueWait   time.Duration
	// MaxClientSearches bounds the searches of one client (IP address)
	// running or waiting at once, so that one client cannot take every
	// slot; more get a fast 503 busy (0: no bound). Like the rate limits,
	// it spares loopback clients unless LimitLoopback is set (behind a
	// reverse proxy on the same machine, every client is loopback).
	MaxClientSearches int
	// SearchTimeout bounds each search (and each page or feed that
	// searches) once it has its slot; one that runs longer is stopped
	// and answered with 503 timeout (0: no deadline).
	SearchTimeout time.Duration
}

// DefaultLimits suit a small team's server: searches are CPU-bound, so
// twice as many run at once as the process has cores
// (runtime.GOMAXPROCS), which keeps the cores busy while a search waits on
// the disk, and four times as many may wait, for at most 500 ms (a normal
// search takes 5–50 ms on SciFact); one client may have half the running
// slots' worth of searches in flight, so the other half stays free for
// everyone else; each search gets 5 s.
func DefaultLimits() Limits {
	procs := runtime.GOMAXPROCS(0)
	return Limits{SearchRate: 20, SearchBurst: 40, WriteRate: 5, WriteBurst: 20,
		MaxSearches: 2 * procs, MaxQueued: 4 * procs, QueueWait: 500 * time.Millisecond,
		MaxClientSearches: procs, SearchTimeout: DefaultSearchTimeout}
}

// DefaultSearchTimeout is the default deadline of a search.
const DefaultSearchTimeout = 5 * time.Second

// limiter hands out per-client token buckets, forgetting idle clients.
type limiter struct {
	rate  rate.Limit
	burst int
	now   func() time.Time
	mu    sync.Mutex
	seen  map[string]*clientBucket
	swept time.Time
}

type clientBucket struct {
	l    *rate.Limiter
	last time.Time
}

func newLimiter(perSecond float64, burst int, now func() time.Time) *limiter {
	if perSecond <= 0 {
		return nil
	}
	return &limiter{rate: rate.Limit(perSecond), burst: max(1, burst), now: now, seen: map[string]*clientBucket{}}
}

// allow reports whether client may go ahead, and if not, after how long.
func (l *limiter) allow(client string) (bool, time.Duration) {
	ok, wait, _ := l.take(client)
	return ok, wait
}

// take is allow that can give the token back: when ok, calling refund
// returns it to client's bucket, so that a limiter can count only the
// attempts that fail (sign-ins) while taking the token up front, before
// the attempt, so that concurrent attempts cannot pass it.
func (l *limiter) take(client string) (ok bool, wait time.Duration, refund func()) {
	now := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	if now.Sub(l.swept) > time.Minute {
		for k, b := range l.seen {
			if now.Sub(b.last) > 10*time.Minute {
				delete(l.seen, k)
			}
		}
		l.swept = now
	}
	b := l.seen[client]
	if b == nil {
		b = &clientBucket{l: rate.NewLimiter(l.rate, l.burst)}
		l.seen[client] = b
	}
	b.last = now
	r := b.l.ReserveN(now, 1)
	if d := r.DelayFrom(now); d > 0 {
		r.CancelAt(now)
		return false, d, func() {}
	}
	// Cancelling at the reservation's own time restores its token (a
	// cancel at a later time restores nothing once the token was due).
	return true, 0, func() { r.CancelAt(now) }
}

// exhausted reports how long client must wait for its next token, without
// taking one: 0 when it has one.
func (l *limiter) exhausted(client string) time.Duration {
	now := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	b := l.seen[client]
	if b == nil || b.l.TokensAt(now) >= 1 {
		return 0
	}
	return time.Duration((1 - b.l.TokensAt(now)) / float64(l.rate) * float64(time.Second))
}

func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// rateLimited wraps h with the per-client limiter l.
func (s *Server) rateLimited(l *limiter, h handlerFunc) handlerFunc {
	if l == nil {
		return h
	}
	return func(w http.ResponseWriter, r *http.Request) error {
		if !s.cfg.Limits.LimitLoopback && isLoopback(r.RemoteAddr) {
			return h(w, r)
		}
		if ok, wait := l.allow(clientIP(r)); !ok {
			secs := int(math.Ceil(wait.Seconds()))
			return &apiError{status: http.StatusTooManyRequests, code: "rate_limited", msg: "too many requests; retry in " + strconv.Itoa(secs) + " s", retryAfter: max(1, secs)}
		}
		return h(w, r)
	}
}

// searchSlots bounds concurrent searches and the searches waiting for
// one.
type searchSlots struct {
	ch      chan struct{} // nil: unbounded
	wait    time.Duration
	queued  atomic.Int64
	maxWait int64
	// perClient bounds a client's searches in flight (0: no bound);
	// inFlight counts them per client.
	perClient int
	mu        sync.Mutex
	inFlight  map[string]int
}

func newSearchSlots(l Limits) *searchSlots {
	if l.MaxSearches <= 0 && l.MaxClientSearches <= 0 {
		return nil
	}
	s := &searchSlots{wait: l.QueueWait, maxWait: int64(max(0, l.MaxQueued)), perClient: max(0, l.MaxClientSearches), inFlight: map[string]int{}}
	if l.MaxSearches > 0 {
		s.ch = make(chan struct{}, l.MaxSearches)
	}
	return s
}

// admit counts a search of client ("" for one the per-client bound
// spares) against its bound; done uncounts it.
func (s *searchSlots) admit(client string) (done func(), err error) {
	if s.perClient == 0 || client == "" {
		return func() {}, nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.inFlight[client] >= s.perClient {
		return nil, errBusy
	}
	s.inFlight[client]++
	return func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		if s.inFlight[client]--; s.inFlight[client] <= 0 {
			delete(s.inFlight, client)
		}
	}, nil
}

// errBusy is returned when every search slot stays taken.
var errBusy = &apiError{status: http.StatusServiceUnavailable, code: "busy", msg: "the server is busy; retry shortly", retryAfter: 1}

// acquire takes a slot for a search of client ("" when the per-client
// bound spares it), waiting at most the queue time, and not at all when
// the queue is full or the client has its share in flight.
func (s *searchSlots) acquire(ctx context.Context, client string) (func(), error) {
	if s == nil {
		return func() {}, nil
	}
	done, err := s.admit(client)
	if err != nil {
		return nil, err
	}
	release, err := s.slot(ctx)
	if err != nil {
		done()
		return nil, err
	}
	return func() { release(); done() }, nil
}

// slot takes a running slot, waiting at most the queue time, and not at
// all when the queue is full.
func (s *searchSlots) slot(ctx context.Context) (func(), error) {
	if s.ch == nil {
		return func() {}, nil
	}
	select {
	case s.ch <- struct{}{}:
		return func() { <-s.ch }, nil
	default:
	}
	if s.queued.Add(1) > s.maxWait {
		s.queued.Add(-1)
		return nil, errBusy
	}
	defer s.queued.Add(-1)
	t := time.NewTimer(s.wait)
	defer t.Stop()
	select {
	case s.ch <- struct{}{}:
		return func() { <-s.ch }, nil
	case <-t.C:
		return nil, errBusy
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// errTimeout is returned for a search that ran past its deadline.
var errTimeout = &apiError{status: http.StatusServiceUnavailable, code: "timeout",
	msg: "the search did not finish in time; retry later or narrow the query", retryAfter: 2}

// bounded wraps a search handler with a search slot and the search
// deadline. The deadline goes with the request's context down to Bleve,
// whose collector stops when it passes.
func (s *Server) bounded(h handlerFunc) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		client := clientIP(r)
		if !s.cfg.Limits.LimitLoopback && isLoopback(r.RemoteAddr) {
			client = ""
		}
		release, err := s.slots.acquire(r.Context(), client)
		if err != nil {
			return err
		}
		defer release()
		if d := s.cfg.Limits.SearchTimeout; d > 0 {
			ctx, cancel := context.WithTimeout(r.Context(), d)
			defer cancel()
			r = r.WithContext(ctx)
		}
		err = h(w, r)
		if errors.Is(err, context.DeadlineExceeded) && r.Context().Err() != nil {
			return fmt.Errorf("%w (%w)", errTimeout, err)
		}
		return err
	}
}
