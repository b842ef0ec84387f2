package cluster_test

import (
	"context"
	"errors"
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/fundus-kb/fundus/indexer"
	"github.com/fundus-kb/fundus/indexer/cluster"
	"github.com/fundus-kb/fundus/internal/testnet"
	"github.com/fundus-kb/fundus/web"
)

// addNode adds a node to c that routes to every node there (through
// proxies, as startCluster's do), without opening it.
func (c *testCluster) addNode() int {
	c.t.Helper()
	nd := &testNode{name: fmt.Sprintf("n%d", len(c.nodes)), dir: c.t.TempDir(), listen: testnet.FreeAddr(c.t)}
	row := make([]*proxy, len(c.nodes)+1)
	for j, b := range c.nodes {
		row[j] = newProxy(c.t, b.listen)
		nd.peers = append(nd.peers, row[j].ln.Addr().String())
		// The way back, for isolate (the others do not dial it).
		c.links[j] = append(c.links[j], newProxy(c.t, nd.listen))
	}
	c.nodes = append(c.nodes, nd)
	c.links = append(c.links, row)
	return len(c.nodes) - 1
}

// servePeer serves node i's HTTP API, with token for administration.
func (c *testCluster) servePeer(i int, token string) string {
	c.t.Helper()
	h, err := web.NewServer(web.Config{Token: token}, c.nodes[i].kb, c.nodes[i].kb)
	if err != nil {
		c.t.Fatal(err)
	}
	ts := httptest.NewServer(h)
	c.t.Cleanup(ts.Close)
	return ts.URL
}

// TestJoinLater runs a cluster whose stream keeps only the last few
// entries: a fourth node that joins later, and a node stopped while the
// stream moved past its store, bootstrap from a peer's backup and then
// read the stream from there; without a peer to bootstrap from they
// refuse to start.
func TestJoinLater(t *testing.T) {
	const keep = 4
	c := startClusterOf(t, &testCluster{t: t, maxMsgs: keep}, 3)
	peer := c.servePeer(0, "secret")
	// Every running node applies each entry before the next is written:
	// a node that fell more than keep entries behind (a consumer that
	// stalls a few seconds on a loaded machine) would meet the retention
	// hole this test makes on purpose for node 2 only.
	c.put(0, 20*time.Second, testDoc("d0", "Null"))
	c.converge(20*time.Second, 1)
	for i := 1; i < 2*keep; i++ {
		c.put(i%3, 5*time.Second, testDoc(fmt.Sprintf("d%d", i), fmt.Sprintf("Dokument %d", i)))
		c.converge(20*time.Second, uint64(i+1))
	}
	docs := uint64(2 * keep)
	ctx := context.Background()
	if r, err := c.nodes[0].j.Range(ctx); err != nil || r.First <= 1 {
		t.Fatalf("stream range %+v, %v: want its retention to have dropped the first entries", r, err)
	}
	// A reader that would skip entries stops instead.
	cctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	err := c.nodes[0].j.Consume(cctx, 0, func(e indexer.JournalEntry) error { return fmt.Errorf("applied entry %d", e.Seq) })
	cancel()
	if !errors.Is(err, indexer.ErrJournalGap) {
		t.Errorf("Consume from 0: %v, want ErrJournalGap", err)
	}

	// refuses opens node i with each bootstrap that must fail, and
	// checks that it left the data directory as it was.
	refuses := func(t *testing.T, i int) {
		before, err := indexer.ReadStoreState(indexer.Config{DataDir: c.nodes[i].dir})
		if err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct {
			name string
			boot cluster.BootstrapConfig
			want string
			is   error
		}{
			{"no --bootstrap-from", cluster.BootstrapConfig{}, "--bootstrap-from", cluster.ErrNeedsBootstrap},
			{"wrong token", cluster.BootstrapConfig{From: peer, Token: "wrong"}, "401", nil},
			{"no token", cluster.BootstrapConfig{From: peer}, "FUNDUS_BOOTSTRAP_TOKEN", nil},
			{"not a URL", cluster.BootstrapConfig{From: "peer:8080", Token: "secret"}, "not an http:// or https:// URL", nil},
		} {
			t.Run(tc.name, func(t *testing.T) {
				c.boot = tc.boot
				err := c.open(i)
				if err == nil {
					c.stop(i)
					t.Fatal("node started, want it to refuse")
				}
				if !strings.Contains(err.Error(), tc.want) || (tc.is != nil && !errors.Is(err, tc.is)) {
					t.Errorf("error %q, want one naming %q", err, tc.want)
				}
				t.Logf("refused: %v", err)
				after, err := indexer.ReadStoreState(indexer.Config{DataDir: c.nodes[i].dir})
				if err != nil || after != before {
					t.Errorf("store state after the refusal %+v, %v; want %+v as before", after, err, before)
				}
			})
		}
	}
	bootstraps := func(t *testing.T, i int) {
		c.boot = cluster.BootstrapConfig{From: peer, Token: "secret"}
		if err := c.open(i); err != nil {
			t.Fatal(err)
		}
		c.converge(10*time.Second, docs)
		// It takes writes, and they reach the others.
		c.put(i, 10*time.Second, testDoc(fmt.Sprintf("from-%d", i), "Neu"))
		docs++
		c.converge(5*time.Second, docs)
	}

	t.Run("a fourth node joins later", func(t *testing.T) {
		i := c.addNode()
		refuses(t, i)
		bootstraps(t, i)
	})
	t.Run("a store older than the retention", func(t *testing.T) {
		// With the fourth node up, three of four are a quorum of the
		// cluster's metadata while node 2 is down.
		c.stop(2)
		for k := range keep + 1 {
			c.put(k%2, 15*time.Second, testDoc(fmt.Sprintf("late%d", k), fmt.Sprintf("Spät %d", k)))
			docs++
			c.converge(20*time.Second, docs) // nodes 0, 1 and 3 keep up
		}
		refuses(t, 2)
		bootstraps(t, 2)
	})
	t.Run("a node that is current ignores --bootstrap-from", func(t *testing.T) {
		c.stop(1)
		c.boot = cluster.BootstrapConfig{From: "http://127.0.0.1:1", Token: "secret"}
		if err := c.open(1); err != nil {
			t.Fatal(err)
		}
		c.converge(10*time.Second, docs)
	})
}

// TestJoinLaterWholeStream: with unlimited retention a node that joins
// later with an empty store bootstraps from a peer's backup when it can,
// and reads the whole stream when the peer cannot give one.
func TestJoinLaterWholeStream(t *testing.T) {
	c := startCluster(t, 3)
	peer := c.servePeer(0, "secret")
	c.put(0, 20*time.Second, testDoc("a", "Alpha"), testDoc("b", "Beta"))
	c.put(1, 5*time.Second, testDoc("c", "Gamma"))
	docs := uint64(3)
	c.converge(10*time.Second, docs)
	for _, tc := range []struct {
		name     string
		boot     cluster.BootstrapConfig
		restored bool
	}{
		{"from a peer's backup", cluster.BootstrapConfig{From: peer, Token: "secret"}, true},
		{"a wrong token falls back to the stream", cluster.BootstrapConfig{From: peer, Token: "wrong"}, false},
		{"without --bootstrap-from, from the stream", cluster.BootstrapConfig{}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			i := c.addNode()
			c.boot = tc.boot
			if err := c.open(i); err != nil {
				t.Fatal(err)
			}
			if c.nodes[i].restored != tc.restored {
				t.Errorf("restored a backup: %v, want %v", c.nodes[i].restored, tc.restored)
			}
			c.converge(10*time.Second, docs)
			c.put(i, 10*time.Second, testDoc(fmt.Sprintf("from-%d", i), "Neu"))
			docs++
			c.converge(5*time.Second, docs)
		})
	}
}
