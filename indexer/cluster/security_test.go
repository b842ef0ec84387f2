package cluster_test

import (
	"context"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/fundus-kb/fundus/indexer"
	"github.com/fundus-kb/fundus/indexer/cluster"
	"github.com/fundus-kb/fundus/internal/testcert"
	"github.com/fundus-kb/fundus/internal/testnet"
	"github.com/fundus-kb/fundus/search"
)

// Route credentials of the secured test cluster; the password has the
// characters a URL's userinfo must escape.
const (
	routeUser     = "fundus-route"
	routePassword = "s3cret:with@odd/chars %"
)

// TestSecuredRoutes runs three nodes whose routes use mutual TLS and
// credentials: a write replicates. A node with a certificate of another
// CA, with the wrong password, or without TLS, does not join: its
// writes get no quorum and it does not see the cluster's documents.
func TestSecuredRoutes(t *testing.T) {
	dir := t.TempDir()
	ca := testcert.NewCA(t, dir, "fundus")
	other := testcert.NewCA(t, dir, "other")
	files := func(ca *testcert.CA, name string) cluster.TLSFiles {
		cert, key := ca.Issue(t, name, "127.0.0.1", "localhost")
		return cluster.TLSFiles{Cert: cert, Key: key, CA: ca.CertFile}
	}
	good := map[string]cluster.TLSFiles{}
	for _, n := range []string{"n0", "n1", "n2", "x-password"} {
		good[n] = files(ca, n)
	}
	c := startClusterWith(t, 3, func(cfg *cluster.Config) {
		cfg.TLS, cfg.User, cfg.Password = good[cfg.Node], routeUser, routePassword
	})
	c.put(0, 20*time.Second, testDoc("a", "Alpha"))
	c.converge(10*time.Second, 1)

	var peers []string
	for _, nd := range c.nodes {
		peers = append(peers, nd.listen)
	}
	intruders := []struct {
		name           string
		tls            cluster.TLSFiles
		user, password string
	}{
		{"x-ca", files(other, "x-ca"), routeUser, routePassword},
		{"x-password", good["x-password"], routeUser, "wrong"},
		{"x-plain", cluster.TLSFiles{}, routeUser, routePassword},
	}
	for _, x := range intruders {
		t.Run(x.name, func(t *testing.T) {
			kb := openNode(t, cluster.Config{Node: x.name, Listen: testnet.FreeAddr(t), Peers: peers, Advertise: "127.0.0.1:1",
				TLS: x.tls, User: x.user, Password: x.password})
			ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
			defer cancel()
			start := time.Now()
			_, err := kb.Put(ctx, []indexer.Item{testDoc("x", "Eindringling")})
			if !errors.Is(err, search.ErrNoQuorum) {
				t.Errorf("write through %s: %v, want no quorum", x.name, err)
			}
			if took := time.Since(start); took > 8*time.Second {
				t.Errorf("write through %s took %v to be refused, want at most 8s", x.name, took)
			}
			res, err := kb.Search(context.Background(), search.Request{Query: "Webinar", Size: 10})
			if err != nil || res.Total != 0 {
				t.Errorf("%s finds %d documents (%v), want none of the cluster's", x.name, res.Total, err)
			}
		})
	}
	// The cluster is unaffected, and took no intruder's document.
	c.put(1, 10*time.Second, testDoc("b", "Beta"))
	c.converge(5*time.Second, 2)
}

// openNode opens a node outside a test cluster on a data directory of
// its own, closed when the test ends.
func openNode(t *testing.T, cfg cluster.Config) *indexer.KB {
	t.Helper()
	dir := t.TempDir()
	cfg.StoreDir = filepath.Join(dir, "nats")
	cfg.Logger = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError + 1}))
	j, err := cluster.Open(context.Background(), cfg)
	if err != nil {
		t.Fatalf("node %s: %v", cfg.Node, err)
	}
	kb, err := indexer.Open(context.Background(), indexer.Config{DataDir: dir, Journal: j, Node: cfg.Node, Logger: cfg.Logger})
	if err != nil {
		j.Close()
		t.Fatalf("node %s: %v", cfg.Node, err)
	}
	t.Cleanup(func() {
		kb.Close()
		j.Close()
	})
	return kb
}
