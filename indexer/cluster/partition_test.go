package cluster_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/fundus-kb/fundus/web"
)

// serveHTTP sends one request to node i through the real router, from
// loopback (writes without a token are accepted from there).
func (c *testCluster) serveHTTP(i int, method, path, body string) *httptest.ResponseRecorder {
	c.t.Helper()
	kb := c.nodes[i].kb
	h, err := web.NewServer(web.Config{}, kb, kb)
	if err != nil {
		c.t.Fatal(err)
	}
	r := httptest.NewRequest(method, path, strings.NewReader(body))
	r.RemoteAddr, r.Host = "127.0.0.1:40000", "127.0.0.1"
	if body != "" {
		r.Header.Set("Content-Type", "application/json")
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

func docJSON(id, title string) string {
	return `{"id":"` + id + `","type":"webinar","title":"` + title + `","body":"Ein Webinar über ` + title + `","language":"de"}`
}

// TestCutOffNodeRefusesWrites cuts a node off from the other two: it
// refuses writes with 503 and Retry-After within 5 s and keeps
// answering searches; the other two keep taking writes; once the
// partition heals, it catches up and the nodes converge.
func TestCutOffNodeRefusesWrites(t *testing.T) {
	c := startCluster(t, 3)
	c.put(0, 20*time.Second, testDoc("a", "Alpha"))
	c.converge(10*time.Second, 1)

	c.isolate(2, true)
	start := time.Now()
	w := c.serveHTTP(2, "POST", "/api/documents", docJSON("cut", "Abgeschnitten"))
	took := time.Since(start)
	if w.Code != http.StatusServiceUnavailable {
		t.Fatalf("write on the cut-off node: got %d %s, want 503", w.Code, w.Body)
	}
	if took > 5*time.Second {
		t.Errorf("write on the cut-off node took %v to be refused, want at most 5s", took)
	}
	var e struct {
		Error struct{ Code string } `json:"error"`
	}
	if err := json.Unmarshal(w.Body.Bytes(), &e); err != nil || e.Error.Code != "no_quorum" {
		t.Errorf("refusal body %s: code %q (%v), want no_quorum", w.Body, e.Error.Code, err)
	}
	if w.Header().Get("Retry-After") == "" {
		t.Error("refusal has no Retry-After")
	}
	t.Logf("cut-off node refused the write after %v", took.Round(time.Millisecond))

	w = c.serveHTTP(2, "GET", "/api/search?q=Webinar", "")
	if w.Code != http.StatusOK {
		t.Fatalf("search on the cut-off node: got %d %s, want 200", w.Code, w.Body)
	}
	seq, err := strconv.ParseUint(w.Header().Get(web.AppliedSeqHeader), 10, 64)
	if err != nil || seq == 0 {
		t.Errorf("%s = %q, want the applied sequence", web.AppliedSeqHeader, w.Header().Get(web.AppliedSeqHeader))
	}

	// The majority side keeps taking writes (after electing a leader,
	// if the stream's was the cut-off node).
	c.put(0, 15*time.Second, testDoc("b", "Beta"))
	c.put(1, 5*time.Second, testDoc("c", "Gamma"))

	c.isolate(2, false)
	c.converge(15*time.Second, 3)
	w = c.serveHTTP(2, "GET", "/readyz", "")
	var ready struct {
		Cluster struct {
			AppliedSeq uint64 `json:"applied_seq"`
		} `json:"cluster"`
	}
	if err := json.Unmarshal(w.Body.Bytes(), &ready); err != nil || ready.Cluster.AppliedSeq <= seq {
		t.Errorf("/readyz after healing: %s (%v), want an applied_seq above %d", w.Body, err, seq)
	}
}
