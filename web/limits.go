package web

import (
	"context"
	"math"
	"net"
	"net/http"
	"strconv"
	"sync"
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
	// MaxSearches bounds searches running at once; more wait up to
	// QueueWait, then get a fast 503 instead of piling up (0: unbounded).
	MaxSearches int
	QueueWait   time.Duration
}

// DefaultLimits suit a small team's server on a few cores.
func DefaultLimits() Limits {
	return Limits{SearchRate: 20, SearchBurst: 40, WriteRate: 5, WriteBurst: 20, MaxSearches: 64, QueueWait: 250 * time.Millisecond}
}

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

// searchSlots bounds concurrent searches.
type searchSlots struct {
	ch   chan struct{}
	wait time.Duration
}

// errBusy is returned when every search slot stays taken.
var errBusy = &apiError{status: http.StatusServiceUnavailable, code: "busy", msg: "the server is busy; retry shortly", retryAfter: 1}

// acquire takes a slot, waiting at most the queue time.
func (s *searchSlots) acquire(ctx context.Context) (func(), error) {
	if s == nil {
		return func() {}, nil
	}
	select {
	case s.ch <- struct{}{}:
		return func() { <-s.ch }, nil
	default:
	}
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

// bounded wraps a search handler with a search slot.
func (s *Server) bounded(h handlerFunc) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		release, err := s.slots.acquire(r.Context())
		if err != nil {
			return err
		}
		defer release()
		return h(w, r)
	}
}
