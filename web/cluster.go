package web

import (
	"net/http"
	"strconv"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/fundus-kb/fundus/search"
)

// ClusterNode is a knowledge base that may be a node of a replicated
// cluster. A KnowledgeBase that implements it, and reports ok, has every
// response carry the journal sequence it has applied (AppliedSeqHeader),
// /readyz and /metrics report its replication lag, and writes it cannot
// get a quorum for answer 503 (search.ErrNoQuorum).
type ClusterNode interface {
	ClusterStatus() (st search.ClusterStatus, ok bool)
}

// AppliedSeqHeader names the response header that says which journal
// entry the answering cluster node has applied: a client that wrote
// through another node can tell whether this one has its write yet.
const AppliedSeqHeader = "Fundus-Applied-Seq"

func (s *Server) clusterStatus() (search.ClusterStatus, bool) {
	c, ok := s.kb.(ClusterNode)
	if !ok {
		return search.ClusterStatus{}, false
	}
	return c.ClusterStatus()
}

// clusterWriter returns w, on a cluster node wrapped so that the
// response carries AppliedSeqHeader as it stands when the response
// starts (after a write, so the write's own entry counts).
func (s *Server) clusterWriter(w http.ResponseWriter) http.ResponseWriter {
	c, ok := s.kb.(ClusterNode)
	if !ok {
		return w
	}
	if _, member := c.ClusterStatus(); !member {
		return w
	}
	return &seqWriter{ResponseWriter: w, c: c}
}

type seqWriter struct {
	http.ResponseWriter
	c       ClusterNode
	started bool
}

func (w *seqWriter) start() {
	if !w.started {
		w.started = true
		st, _ := w.c.ClusterStatus()
		w.Header().Set(AppliedSeqHeader, strconv.FormatUint(st.AppliedSeq, 10))
	}
}

func (w *seqWriter) WriteHeader(code int) {
	w.start()
	w.ResponseWriter.WriteHeader(code)
}

func (w *seqWriter) Write(b []byte) (int, error) {
	w.start()
	return w.ResponseWriter.Write(b)
}

func (w *seqWriter) Flush() {
	w.start()
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

func (w *seqWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// clusterCollector exports a cluster node's position in the journal.
type clusterCollector struct{ c ClusterNode }

var (
	descApplied    = prometheus.NewDesc("fundus_cluster_applied_seq", "The last replicated-journal entry this node has applied.", nil, nil)
	descLagEntries = prometheus.NewDesc("fundus_cluster_lag_entries", "Replicated-journal entries this node has not applied yet.", nil, nil)
	descLagSeconds = prometheus.NewDesc("fundus_cluster_lag_seconds", "For how long this node has been behind the replicated journal.", nil, nil)
)

func (c clusterCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- descApplied
	ch <- descLagEntries
	ch <- descLagSeconds
}

func (c clusterCollector) Collect(ch chan<- prometheus.Metric) {
	st, _ := c.c.ClusterStatus()
	ch <- prometheus.MustNewConstMetric(descApplied, prometheus.GaugeValue, float64(st.AppliedSeq))
	ch <- prometheus.MustNewConstMetric(descLagEntries, prometheus.GaugeValue, float64(st.LagEntries))
	ch <- prometheus.MustNewConstMetric(descLagSeconds, prometheus.GaugeValue, st.LagSeconds)
}
