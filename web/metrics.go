package web

import (
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/gorilla/mux"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/fundus-kb/fundus/search"
)

// Gauger reports the knowledge base's state for /metrics. A KnowledgeBase
// that implements it gets its figures exported.
type Gauger interface {
	Gauges() (search.Gauges, error)
}

// metrics holds the service's Prometheus collectors.
type metrics struct {
	reg       *prometheus.Registry
	requests  *prometheus.HistogramVec
	searches  prometheus.Counter
	zero      prometheus.Counter
	ingested  *prometheus.CounterVec
	rateLimit prometheus.Counter
}

func newMetrics(kb KnowledgeBase) *metrics {
	m := &metrics{
		reg: prometheus.NewRegistry(),
		requests: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "fundus_http_request_duration_seconds",
			Help:    "HTTP request latency by route, method and status.",
			Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 10},
		}, []string{"route", "method", "status"}),
		searches:  prometheus.NewCounter(prometheus.CounterOpts{Name: "fundus_searches_total", Help: "Searches run (API, feeds, exports and pages)."}),
		zero:      prometheus.NewCounter(prometheus.CounterOpts{Name: "fundus_zero_result_searches_total", Help: "Searches that found nothing."}),
		ingested:  prometheus.NewCounterVec(prometheus.CounterOpts{Name: "fundus_ingested_documents_total", Help: "Documents written through the API, by result."}, []string{"result"}),
		rateLimit: prometheus.NewCounter(prometheus.CounterOpts{Name: "fundus_rate_limited_requests_total", Help: "Requests refused by the rate limit or the search-concurrency limit."}),
	}
	m.reg.MustRegister(m.requests, m.searches, m.zero, m.ingested, m.rateLimit,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	if g, ok := kb.(Gauger); ok {
		m.reg.MustRegister(&kbCollector{g: g})
	}
	if c, ok := kb.(ClusterNode); ok {
		if _, member := c.ClusterStatus(); member {
			m.reg.MustRegister(clusterCollector{c})
		}
	}
	return m
}

// countSearch records a search and whether it found nothing.
func (m *metrics) countSearch(res *search.Result) {
	m.searches.Inc()
	if res != nil && res.Total == 0 {
		m.zero.Inc()
	}
}

// kbCollector turns Gauges into gauges at scrape time, at most once a
// second (a scrape storm must not turn into a stats storm).
type kbCollector struct {
	g    Gauger
	mu   sync.Mutex
	last time.Time
	val  search.Gauges
	err  error
}

var (
	descDocs   = prometheus.NewDesc("fundus_documents", "Documents in the store.", nil, nil)
	descIdx    = prometheus.NewDesc("fundus_indexed_documents", "Documents in the search index.", nil, nil)
	descLag    = prometheus.NewDesc("fundus_journal_lag", "Journal entries committed to the store but not yet applied to the index.", nil, nil)
	descSize   = prometheus.NewDesc("fundus_disk_bytes", "Disk space used, by part.", []string{"part"}, nil)
	descReady  = prometheus.NewDesc("fundus_ready", "1 when the index is up to date and searches run.", nil, nil)
	descTrash  = prometheus.NewDesc("fundus_trashed_documents", "Deleted documents kept in the trash.", nil, nil)
	collectAll = []*prometheus.Desc{descDocs, descIdx, descLag, descSize, descReady, descTrash}
)

func (c *kbCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range collectAll {
		ch <- d
	}
}

func (c *kbCollector) Collect(ch chan<- prometheus.Metric) {
	c.mu.Lock()
	if time.Since(c.last) > time.Second {
		c.val, c.err = c.g.Gauges()
		c.last = time.Now()
	}
	v, err := c.val, c.err
	c.mu.Unlock()
	if err != nil {
		for _, d := range collectAll {
			ch <- prometheus.NewInvalidMetric(d, err)
		}
		return
	}
	ready := 0.0
	if v.Ready {
		ready = 1
	}
	ch <- prometheus.MustNewConstMetric(descDocs, prometheus.GaugeValue, float64(v.Documents))
	ch <- prometheus.MustNewConstMetric(descIdx, prometheus.GaugeValue, float64(v.Indexed))
	ch <- prometheus.MustNewConstMetric(descLag, prometheus.GaugeValue, float64(v.Seq-min(v.Seq, v.Checkpoint)))
	ch <- prometheus.MustNewConstMetric(descSize, prometheus.GaugeValue, float64(v.StoreBytes), "store")
	ch <- prometheus.MustNewConstMetric(descSize, prometheus.GaugeValue, float64(v.IndexBytes), "index")
	ch <- prometheus.MustNewConstMetric(descReady, prometheus.GaugeValue, ready)
	ch <- prometheus.MustNewConstMetric(descTrash, prometheus.GaugeValue, float64(v.Trashed))
}

// MetricsHandler serves the metrics in Prometheus's format, without any
// access check: for a listener of their own (Config.SeparateMetrics).
func (s *Server) MetricsHandler() http.Handler {
	return promhttp.HandlerFor(s.metrics.reg, promhttp.HandlerOpts{ErrorLog: nil})
}

// metricsGuarded serves /metrics on the main listener to those
// checkMetrics admits.
func (s *Server) metricsGuarded(w http.ResponseWriter, r *http.Request) error {
	if err := s.checkMetrics(r); err != nil {
		return unauthorized(w, err)
	}
	s.MetricsHandler().ServeHTTP(w, r)
	return nil
}

// statusRecorder remembers the status and size of a response.
type statusRecorder struct {
	http.ResponseWriter
	status int
	bytes  int
}

func (r *statusRecorder) WriteHeader(code int) {
	if r.status == 0 {
		r.status = code
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *statusRecorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	n, err := r.ResponseWriter.Write(b)
	r.bytes += n
	return n, err
}

func (r *statusRecorder) Flush() {
	if f, ok := r.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

func (r *statusRecorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

// observe is router middleware: it times every request, records it by
// route template, method and status, and logs one line for it.
func (s *Server) observe(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w}
		defer func() {
			route := "unmatched"
			if cr := mux.CurrentRoute(r); cr != nil {
				if t, err := cr.GetPathTemplate(); err == nil {
					route = t
				}
			}
			if rec.status == 0 {
				rec.status = http.StatusOK
			}
			took := time.Since(start)
			s.metrics.requests.WithLabelValues(route, r.Method, strconv.Itoa(rec.status)).Observe(took.Seconds())
			if rec.status == http.StatusTooManyRequests || (rec.status == http.StatusServiceUnavailable && w.Header().Get("Retry-After") == "1") {
				s.metrics.rateLimit.Inc()
			}
			s.log.Info("request", "method", r.Method, "path", r.URL.Path, "route", route, "status", rec.status,
				"bytes", rec.bytes, "took_ms", float64(took.Microseconds())/1000, "client", clientIP(r))
		}()
		next.ServeHTTP(rec, r)
	})
}
