package main

// The phases of `fundus-bench cluster`: the write phase, the bulk load of
// the rest of the corpus, the replication-lag probes, and the check that
// every acknowledged write is on every node.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// clusterWorkload is what the phases send: SciFact abstracts to write and
// test claims to search.
type clusterWorkload struct {
	docs    []sciDoc
	claims  []string // as plain words
	dropped int      // claims the query language rejects even as plain words
}

// appliedSeqHeader is the response header of a cluster node naming the
// last journal entry it has applied (web.AppliedSeqHeader).
const appliedSeqHeader = "Fundus-Applied-Seq"

// appliedSeq reads a Fundus-Applied-Seq value; ok is false when it is
// missing or malformed (a single node sends none).
func appliedSeq(h http.Header) (uint64, bool) {
	v := h.Get(appliedSeqHeader)
	if v == "" {
		return 0, false
	}
	n, err := strconv.ParseUint(v, 10, 64)
	return n, err == nil
}

// spreadURLs prefixes path i with base i mod len(bases): consecutive
// requests go to the nodes in turn.
func spreadURLs(bases, paths []string) []string {
	out := make([]string, len(paths))
	for i, p := range paths {
		out[i] = bases[i%len(bases)] + p
	}
	return out
}

// docID is the id a SciFact abstract is written under.
func docID(prefix string, d sciDoc) string { return prefix + "/" + d.ID }

// docJSON is the JSON document of a SciFact abstract: with an id for a
// POST, without one for a PUT to /api/documents/{id}.
func docJSON(id string, d sciDoc) []byte {
	b, _ := json.Marshal(struct {
		ID       string `json:"id,omitempty"`
		Title    string `json:"title"`
		Text     string `json:"text"`
		Language string `json:"language"`
	}{id, d.Title, d.Text, "en"})
	return b
}

// putDoc writes one document with PUT /api/documents/{id} and returns the
// answer's status and its applied sequence (cluster nodes only).
func putDoc(ctx context.Context, client *http.Client, base, id string, d sciDoc) (int, uint64, []byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPut, base+"/api/documents/"+loadEscapeID(id), bytes.NewReader(docJSON("", d)))
	if err != nil {
		return 0, 0, nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := client.Do(req)
	if err != nil {
		return 0, 0, nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	seq, _ := appliedSeq(resp.Header)
	return resp.StatusCode, seq, body, err
}

// nodeSeq asks a node for its applied sequence (GET /healthz).
func nodeSeq(ctx context.Context, client *http.Client, base string) (uint64, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"/healthz", nil)
	if err != nil {
		return 0, err
	}
	resp, err := client.Do(req)
	if err != nil {
		return 0, err
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return 0, fmt.Errorf("%s/healthz: HTTP %d", base, resp.StatusCode)
	}
	seq, _ := appliedSeq(resp.Header)
	return seq, nil
}

// warmUpWrite writes one document through the first node, retrying
// while it answers 503 (a cluster's stream is created with the first
// write), and waits until every node has applied it.
func warmUpWrite(ctx context.Context, client *http.Client, bases []string) error {
	d := sciDoc{ID: "warm-up", Title: "Warm-up", Text: "The first write of the benchmark."}
	deadline := time.Now().Add(time.Minute)
	for {
		status, _, body, err := putDoc(ctx, client, bases[0], docID("bench", d), d)
		if err == nil && status/100 == 2 {
			break
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("the first write was not acknowledged within a minute: HTTP %d %s %v", status, excerpt(body), err)
		}
		time.Sleep(100 * time.Millisecond)
	}
	_, err := waitConverged(ctx, client, bases, time.Minute)
	return err
}

// waitConverged waits until every node reports the same applied sequence
// and returns it per node (nil for a single node).
func waitConverged(ctx context.Context, client *http.Client, bases []string, within time.Duration) ([]uint64, error) {
	if len(bases) == 1 {
		return nil, nil
	}
	seqs := make([]uint64, len(bases))
	for deadline := time.Now().Add(within); ; {
		same := true
		for i, b := range bases {
			var err error
			if seqs[i], err = nodeSeq(ctx, client, b); err != nil {
				return nil, err
			}
			same = same && seqs[i] == seqs[0]
		}
		if same {
			return seqs, nil
		}
		if time.Now().After(deadline) {
			return nil, fmt.Errorf("the nodes did not converge within %s: applied %v", within, seqs)
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// clusterWrites is what the write phase measured.
type clusterWrites struct {
	latencies        // of acknowledged (2xx) writes
	errors    int    // transport errors and other answers
	firstErr  string //
	wall      time.Duration
	rate      float64  // acknowledged writes per second
	acked     []string // ids of the acknowledged writes
}

// writePhase writes each document with its own PUT from clients
// concurrent clients, the nodes taking the writes in turn, and measures
// each from sending to the last byte of the answer.
func writePhase(ctx context.Context, client *http.Client, bases []string, docs []sciDoc, clients int) clusterWrites {
	type perClient struct {
		lat      []time.Duration
		ids      []string
		errs     int
		firstErr string
	}
	per := make([]perClient, clients)
	var next atomic.Int64
	start := time.Now()
	var wg sync.WaitGroup
	for c := range clients {
		wg.Go(func() {
			p := &per[c]
			for ctx.Err() == nil {
				i := int(next.Add(1)) - 1
				if i >= len(docs) {
					return
				}
				id := docID("sf", docs[i])
				t0 := time.Now()
				status, _, body, err := putDoc(ctx, client, bases[i%len(bases)], id, docs[i])
				d := time.Since(t0)
				if err != nil || status/100 != 2 {
					p.errs++
					if p.firstErr == "" {
						p.firstErr = fmt.Sprintf("%s: HTTP %d %s %v", id, status, excerpt(body), err)
					}
					continue
				}
				p.lat = append(p.lat, d)
				p.ids = append(p.ids, id)
			}
		})
	}
	wg.Wait()
	res := clusterWrites{wall: time.Since(start)}
	var lat []time.Duration
	for _, p := range per {
		lat = append(lat, p.lat...)
		res.acked = append(res.acked, p.ids...)
		res.errors += p.errs
		if res.firstErr == "" {
			res.firstErr = p.firstErr
		}
	}
	res.latencies = summarizeLatencies(lat)
	if res.wall > 0 {
		res.rate = float64(len(lat)) / res.wall.Seconds()
	}
	return res
}

// bulkLoad posts docs to one node in batches (JSON arrays).
func bulkLoad(ctx context.Context, client *http.Client, base string, docs []sciDoc, batch int) error {
	for i := 0; i < len(docs); i += batch {
		body := []byte{'['}
		for k, d := range docs[i:min(i+batch, len(docs))] {
			if k > 0 {
				body = append(body, ',')
			}
			body = append(body, docJSON(docID("sf", d), d)...)
		}
		body = append(body, ']')
		status, resp, err := request(ctx, client, http.MethodPost, base+"/api/documents", "application/json", body)
		if err != nil {
			return fmt.Errorf("bulk load: %w", err)
		}
		if status/100 != 2 {
			return fmt.Errorf("bulk load: HTTP %d: %s", status, excerpt(resp))
		}
	}
	return nil
}

// clusterLag is what the replication-lag probes measured.
type clusterLag struct {
	lag      latencies // ack on one node until another reports the entry applied, per (probe, other node)
	ack      latencies // the probes' own acknowledgement latency
	errors   int       // probes not acknowledged
	firstErr string
	// Background writes during the probes (under load only).
	writers    int
	bgAcked    int
	bgErrors   int
	bgRate     float64 // acknowledged per second
	probeNodes int     // other nodes watched per probe
}

// lagPollInterval is the pause between two polls of a node's applied
// sequence: the resolution of the lag figures, besides the poll's own
// round trip.
const lagPollInterval = time.Millisecond

// lagPhase writes probes documents one after the other, each through the
// next node in turn, and measures for every other node the time from the
// acknowledgement until that node's applied sequence (polled with GET
// /healthz every lagPollInterval) reaches the one the acknowledgement
// carried. Since the writing node may have applied later entries too by
// the time it answers, a lag is an upper bound. With writers > 0, that
// many clients write other documents as fast as they are answered
// meanwhile.
func lagPhase(ctx context.Context, client *http.Client, bases []string, docs []sciDoc, probes, writers int) (clusterLag, error) {
	res := clusterLag{writers: writers, probeNodes: len(bases) - 1}
	prefix := "lag-idle"
	if writers > 0 {
		prefix = "lag-loaded"
	}
	stop := make(chan struct{})
	var bgAcked, bgErrs, next atomic.Int64
	var wg sync.WaitGroup
	bgStart := time.Now()
	for range writers {
		wg.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				k := int(next.Add(1)) - 1
				d := docs[k%len(docs)]
				status, _, _, err := putDoc(ctx, client, bases[k%len(bases)], fmt.Sprintf("%s-bg/%d", prefix, k), d)
				if err != nil || status/100 != 2 {
					bgErrs.Add(1)
					if ctx.Err() != nil {
						return
					}
					continue
				}
				bgAcked.Add(1)
			}
		})
	}
	var lags, acks []time.Duration
	var err error
	for p := 0; p < probes && err == nil; p++ {
		a := p % len(bases)
		d := docs[(p*7919)%len(docs)]
		t0 := time.Now()
		status, seq, body, perr := putDoc(ctx, client, bases[a], fmt.Sprintf("%s/%d", prefix, p), d)
		acked := time.Now()
		if perr != nil || status/100 != 2 || seq == 0 {
			res.errors++
			if res.firstErr == "" {
				res.firstErr = fmt.Sprintf("HTTP %d %s %v (applied seq %d)", status, excerpt(body), perr, seq)
			}
			err = ctx.Err()
			continue
		}
		acks = append(acks, acked.Sub(t0))
		got := make([]time.Duration, len(bases))
		errs := make([]error, len(bases))
		var pw sync.WaitGroup
		for b := range bases {
			if b == a {
				continue
			}
			pw.Go(func() { got[b], errs[b] = waitApplied(ctx, client, bases[b], seq, acked) })
		}
		pw.Wait()
		for b := range bases {
			if b == a {
				continue
			}
			if errs[b] != nil {
				err = fmt.Errorf("lag probe %d: %w", p, errs[b])
				break
			}
			lags = append(lags, got[b])
		}
	}
	close(stop)
	wg.Wait()
	if wall := time.Since(bgStart); writers > 0 && wall > 0 {
		res.bgRate = float64(bgAcked.Load()) / wall.Seconds()
	}
	res.bgAcked, res.bgErrors = int(bgAcked.Load()), int(bgErrs.Load())
	res.lag, res.ack = summarizeLatencies(lags), summarizeLatencies(acks)
	return res, err
}

// waitApplied polls base until its applied sequence reaches seq and
// returns how long after since that was seen (at most 30 s).
func waitApplied(ctx context.Context, client *http.Client, base string, seq uint64, since time.Time) (time.Duration, error) {
	deadline := since.Add(30 * time.Second)
	for {
		got, err := nodeSeq(ctx, client, base)
		if err != nil {
			return 0, err
		}
		if got >= seq {
			return time.Since(since), nil
		}
		if time.Now().After(deadline) {
			return 0, fmt.Errorf("%s had applied %d, not %d, 30 s after the acknowledgement", base, got, seq)
		}
		time.Sleep(lagPollInterval)
	}
}

// missingOnNodes counts the (id, node) pairs of acknowledged writes for
// which GET /api/documents/{id} does not answer 200.
func missingOnNodes(ctx context.Context, client *http.Client, bases, ids []string, clients int) int {
	var missing, next atomic.Int64
	var wg sync.WaitGroup
	for range clients {
		wg.Go(func() {
			for ctx.Err() == nil {
				k := int(next.Add(1)) - 1
				if k >= len(ids)*len(bases) {
					return
				}
				status, _, err := get(ctx, client, bases[k%len(bases)]+"/api/documents/"+loadEscapeID(ids[k/len(bases)]))
				if err != nil || status != http.StatusOK {
					missing.Add(1)
				}
			}
		})
	}
	wg.Wait()
	return int(missing.Load())
}
