package main

import (
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestServeClusterNode runs serve as a one-node cluster (an embedded
// NATS JetStream server, replicas 1): a write goes through the journal,
// and responses carry the applied sequence. The three-node behaviour is
// tested in indexer/cluster.
func TestServeClusterNode(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	listen := ln.Addr().String()
	ln.Close()
	base, _ := serveInProcess(t, nil, "--data", t.TempDir(), "--cluster-listen", listen, "--node", "solo")
	do := func(method, path, body string) (*http.Response, string) {
		t.Helper()
		req, err := http.NewRequest(method, base+path, strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		if body != "" {
			req.Header.Set("Content-Type", "application/json")
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp, string(b)
	}
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		if resp, _ := do("GET", "/readyz", ""); resp.StatusCode == 200 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("serve never became ready")
		}
	}
	// The stream is created with the first write; retry while it is.
	var resp *http.Response
	var body string
	for deadline := time.Now().Add(20 * time.Second); ; {
		resp, body = do("PUT", "/api/documents/solo-1", `{"type":"webinar","title":"Allein","body":"Ein Webinar","language":"de"}`)
		if resp.StatusCode != http.StatusServiceUnavailable || time.Now().After(deadline) {
			break
		}
	}
	if resp.StatusCode/100 != 2 {
		t.Fatalf("write: got %d %s, want 2xx", resp.StatusCode, body)
	}
	if got := resp.Header.Get("Fundus-Applied-Seq"); got == "" || got == "0" {
		t.Errorf("Fundus-Applied-Seq = %q after a write, want the entry's sequence", got)
	}
	if _, body := do("GET", "/api/search?q=Allein", ""); !strings.Contains(body, `"solo-1"`) {
		t.Errorf("search right after the write: %.300s, want solo-1 (read-your-writes)", body)
	}
	if _, body := do("GET", "/readyz", ""); !strings.Contains(body, `"node":"solo"`) {
		t.Errorf("/readyz: %s, want the cluster status of node solo", body)
	}
}
