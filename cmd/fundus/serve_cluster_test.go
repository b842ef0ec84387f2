package main

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/spf13/cobra"

	"github.com/fundus-kb/fundus/indexer/cluster"
	"github.com/fundus-kb/fundus/internal/testnet"
)

// putDocument PUTs the JSON document body to url and returns the answer
// with its body. A cluster node answers 503 until the journal's stream is
// created with the first write, so a 503 is retried for 20 s.
func putDocument(t testing.TB, url, body string) (*http.Response, string) {
	t.Helper()
	for deadline := time.Now().Add(20 * time.Second); ; {
		req, err := http.NewRequest(http.MethodPut, url, strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusServiceUnavailable || time.Now().After(deadline) {
			return resp, string(b)
		}
	}
}

// TestServeClusterNode runs serve as a one-node cluster (an embedded
// NATS JetStream server, replicas 1): a write goes through the journal,
// and responses carry the applied sequence. The three-node behaviour is
// tested in indexer/cluster.
func TestServeClusterNode(t *testing.T) {
	listen := testnet.FreeAddr(t)
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
	resp, body := putDocument(t, base+"/api/documents/solo-1", `{"type":"webinar","title":"Allein","body":"Ein Webinar","language":"de"}`)
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

// TestServeRefusesJournalRetention: the retention flags need cluster
// mode and a max age JetStream takes; each refusal names the flag.
func TestServeRefusesJournalRetention(t *testing.T) {
	listen := []string{"--cluster-listen", "127.0.0.1:0"}
	withListen := func(args ...string) []string { return append(append([]string{}, listen...), args...) }
	serveRefusesEach(t, []refusal{
		{"max age without cluster mode", nil, []string{"--journal-max-age", "720h"}, "--journal-max-age (or FUNDUS_JOURNAL_MAX_AGE) bounds the cluster journal: it needs cluster mode"},
		{"max entries without cluster mode", nil, []string{"--journal-max-entries", "1000"}, "--journal-max-entries (or FUNDUS_JOURNAL_MAX_ENTRIES) bounds the cluster journal: it needs cluster mode"},
		{"max age from the environment without cluster mode", map[string]string{"FUNDUS_JOURNAL_MAX_AGE": "720h"}, nil, "--journal-max-age"},
		{"max age below the duplicate window", nil, withListen("--journal-max-age", "2m"), "--journal-max-age 2m0s is below the minimum of 10m0s"},
		{"max age just below the duplicate window", nil, withListen("--journal-max-age", "9m59s"), "below the minimum of 10m0s"},
		{"negative max age", nil, withListen("--journal-max-age", "-1h"), "--journal-max-age -1h0m0s is negative"},
		{"negative max entries", nil, withListen("--journal-max-entries", "-5"), "--journal-max-entries -5 is negative"},
		{"max age in the environment that does not parse", map[string]string{"FUNDUS_JOURNAL_MAX_AGE": "a month"}, listen, "FUNDUS_JOURNAL_MAX_AGE (--journal-max-age) \"a month\""},
		{"max entries in the environment that do not parse", map[string]string{"FUNDUS_JOURNAL_MAX_ENTRIES": "many"}, listen, "FUNDUS_JOURNAL_MAX_ENTRIES (--journal-max-entries) \"many\" is not a number"},
	})
}

// TestJournalRetentionReachesStream: the retention flags (and their
// environment variables) become the limits of the stream the node
// creates.
func TestJournalRetentionReachesStream(t *testing.T) {
	cases := []struct {
		name string
		env  map[string]string
		args []string
		want cluster.Limits
	}{
		{"flags", nil, []string{"--journal-max-age", "720h", "--journal-max-entries", "5000"}, cluster.Limits{MaxAge: 720 * time.Hour, MaxMsgs: 5000}},
		{"the minimum age", nil, []string{"--journal-max-age", "10m"}, cluster.Limits{MaxAge: 10 * time.Minute}},
		{"environment", map[string]string{"FUNDUS_JOURNAL_MAX_AGE": "48h", "FUNDUS_JOURNAL_MAX_ENTRIES": "7"}, nil, cluster.Limits{MaxAge: 48 * time.Hour, MaxMsgs: 7}},
		{"unlimited by default", nil, nil, cluster.Limits{}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			listen := testnet.FreeAddr(t)
			e := &env{getenv: func(k string) string { return tc.env[k] }, stderr: io.Discard, log: slog.New(slog.DiscardHandler)}
			var cf clusterFlags
			cmd := &cobra.Command{}
			cf.add(e, cmd)
			if err := cmd.ParseFlags(append([]string{"--cluster-listen", listen, "--node", "solo"}, tc.args...)); err != nil {
				t.Fatal(err)
			}
			if err := cf.checkRetention(); err != nil {
				t.Fatalf("checkRetention: %v", err)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			j, err := cf.open(ctx, e, t.TempDir())
			if err != nil {
				t.Fatal(err)
			}
			defer j.Close()
			// The first entry creates the stream.
			if _, err := j.Publish(ctx, []byte(`{"writes":[]}`), "first"); err != nil {
				t.Fatal(err)
			}
			got, err := j.StreamLimits(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if got != tc.want {
				t.Errorf("stream limits: got %+v, want %+v", got, tc.want)
			}
		})
	}
}

// TestOfflineWriteToClusterNodeRefused: a command that writes documents
// on a stopped cluster node's data directory is refused (it would bypass
// the journal); reading commands still work.
func TestOfflineWriteToClusterNodeRefused(t *testing.T) {
	dir := t.TempDir()
	listen := testnet.FreeAddr(t)
	ctx, cancel := context.WithCancel(context.Background())
	var stderr syncBuffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"serve", "--addr", "127.0.0.1:0", "--data", dir, "--cluster-listen", listen, "--node", "solo"}, func(string) string { return "" }, io.Discard, &stderr)
	}()
	var base string
	re := regexp.MustCompile(`serving (http://[^/ ]+)/ `)
	for deadline := time.Now().Add(30 * time.Second); base == ""; time.Sleep(20 * time.Millisecond) {
		if m := re.FindStringSubmatch(stderr.String()); m != nil {
			base = m[1]
		} else if time.Now().After(deadline) {
			cancel()
			t.Fatalf("serve did not start: %s", stderr.String())
		}
	}
	if !waitReady(base, 30*time.Second) {
		cancel()
		t.Fatalf("serve never became ready: %s", stderr.String())
	}
	resp, body := putDocument(t, base+"/api/documents/solo-1", `{"type":"webinar","title":"Allein","body":"Ein Webinar","language":"de"}`)
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("serve: %v", err)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("serve did not shut down")
	}
	if resp.StatusCode/100 != 2 {
		t.Fatalf("write: got %d %s, want 2xx", resp.StatusCode, body)
	}

	err := run(context.Background(), []string{"delete", "--data", dir, "solo-1"}, func(string) string { return "" }, io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "belongs to a cluster node") || !strings.Contains(err.Error(), "fundus ingest --server") {
		t.Errorf("delete on a stopped cluster node's data: %v, want a refusal pointing to a running node", err)
	}
	var got syncBuffer
	if err := run(context.Background(), []string{"get", "--data", dir, "solo-1"}, func(string) string { return "" }, &got, io.Discard); err != nil || !strings.Contains(got.String(), "Allein") {
		t.Errorf("get on a stopped cluster node's data: %v, %q; want the document", err, got.String())
	}
}
