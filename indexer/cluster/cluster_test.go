package cluster_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/fundus-kb/fundus/indexer"
	"github.com/fundus-kb/fundus/indexer/cluster"
	"github.com/fundus-kb/fundus/internal/testnet"
	"github.com/fundus-kb/fundus/search"
)

// proxy forwards TCP connections to a target until cut: the test's
// network between two nodes.
type proxy struct {
	ln     net.Listener
	target string
	mu     sync.Mutex
	cut    bool
	conns  []net.Conn
}

func newProxy(t testing.TB, target string) *proxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &proxy{ln: ln, target: target}
	t.Cleanup(func() { ln.Close(); p.setCut(true) })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go p.serve(c)
		}
	}()
	return p
}

func (p *proxy) serve(c net.Conn) {
	p.mu.Lock()
	if p.cut {
		p.mu.Unlock()
		c.Close()
		return
	}
	p.mu.Unlock()
	u, err := net.Dial("tcp", p.target)
	if err != nil {
		c.Close()
		return
	}
	p.mu.Lock()
	if p.cut {
		p.mu.Unlock()
		c.Close()
		u.Close()
		return
	}
	p.conns = append(p.conns, c, u)
	p.mu.Unlock()
	go func() { io.Copy(u, c); u.Close() }()
	io.Copy(c, u)
	c.Close()
}

// setCut cuts the link (closing its connections) or heals it.
func (p *proxy) setCut(cut bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.cut = cut
	if cut {
		for _, c := range p.conns {
			c.Close()
		}
		p.conns = nil
	}
}

// testNode is one node of a test cluster: its journal and knowledge base.
type testNode struct {
	name, dir, listen string
	peers             []string
	j                 *cluster.Node
	kb                *indexer.KB
	restored          bool // the last open bootstrapped from a backup
}

// testCluster is n nodes on loopback whose routes all pass through
// proxies (links[i][j] carries node i's route to node j).
type testCluster struct {
	t     testing.TB
	nodes []*testNode
	links [][]*proxy
	// maxMsgs bounds the stream's retention (0: unlimited).
	maxMsgs int64
	// boot is how open bootstraps a node (see cluster.Node.Bootstrap).
	boot cluster.BootstrapConfig
	// tweak, when set, changes each node's journal configuration (TLS,
	// credentials).
	tweak func(*cluster.Config)
}

func startCluster(t testing.TB, n int) *testCluster {
	t.Helper()
	return startClusterOf(t, &testCluster{t: t}, n)
}

// startClusterWith starts n nodes whose configurations pass through
// tweak.
func startClusterWith(t testing.TB, n int, tweak func(*cluster.Config)) *testCluster {
	t.Helper()
	return startClusterOf(t, &testCluster{t: t, tweak: tweak}, n)
}

// startClusterOf starts n nodes of c, configured as c says.
func startClusterOf(t testing.TB, c *testCluster, n int) *testCluster {
	t.Helper()
	for i := range n {
		c.nodes = append(c.nodes, &testNode{name: fmt.Sprintf("n%d", i), dir: t.TempDir(), listen: testnet.FreeAddr(t)})
	}
	c.links = make([][]*proxy, n)
	for i, a := range c.nodes {
		c.links[i] = make([]*proxy, n)
		for j, b := range c.nodes {
			if i != j {
				c.links[i][j] = newProxy(t, b.listen)
				a.peers = append(a.peers, c.links[i][j].ln.Addr().String())
			}
		}
	}
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range c.nodes {
		wg.Go(func() { errs[i] = c.open(i) })
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	t.Cleanup(func() {
		for i := range c.nodes {
			c.stop(i)
		}
	})
	return c
}

// open starts node i (again) on its data directory.
func (c *testCluster) open(i int) error {
	nd := c.nodes[i]
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn})).With("node", nd.name)
	cfg := cluster.Config{Node: nd.name, Listen: nd.listen, Peers: nd.peers,
		// Gossip would tell each node the others' real addresses, and
		// routes to them would bypass the proxies; an address nothing
		// listens on keeps every route on the configured proxies.
		Advertise: "127.0.0.1:1", StoreDir: filepath.Join(nd.dir, "nats"), Logger: log, MaxMsgs: c.maxMsgs}
	if c.tweak != nil {
		c.tweak(&cfg)
	}
	j, err := cluster.Open(context.Background(), cfg)
	if err != nil {
		return fmt.Errorf("node %s: %w", nd.name, err)
	}
	kcfg := indexer.Config{DataDir: nd.dir, Journal: j, Node: nd.name, Logger: log}
	if nd.restored, err = j.Bootstrap(context.Background(), kcfg, c.boot); err != nil {
		j.Close()
		return fmt.Errorf("node %s: %w", nd.name, err)
	}
	kb, err := indexer.Open(context.Background(), kcfg)
	if err != nil {
		j.Close()
		return fmt.Errorf("node %s: %w", nd.name, err)
	}
	nd.j, nd.kb = j, kb
	return nil
}

// stop closes node i's knowledge base and journal.
func (c *testCluster) stop(i int) {
	nd := c.nodes[i]
	if nd.kb != nil {
		if err := nd.kb.Close(); err != nil {
			c.t.Errorf("close %s: %v", nd.name, err)
		}
		nd.kb = nil
	}
	if nd.j != nil {
		nd.j.Close()
		nd.j = nil
	}
}

// isolate cuts node i off from the others (or heals it).
func (c *testCluster) isolate(i int, cut bool) {
	for j := range c.nodes {
		if i != j {
			c.links[i][j].setCut(cut)
			c.links[j][i].setCut(cut)
		}
	}
}

func testDoc(id, title string) indexer.Item {
	d := search.Document{ID: id, Type: search.TypeWebinar, Title: title, Body: "Ein Webinar über " + title, Language: "de"}
	return indexer.Item{Doc: d, Origin: "api"}
}

// put writes docs through node i, retrying while the cluster is still
// forming (it answers ErrNoQuorum until the stream has a leader).
func (c *testCluster) put(i int, deadline time.Duration, items ...indexer.Item) []search.WriteResult {
	c.t.Helper()
	end := time.Now().Add(deadline)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		res, err := c.nodes[i].kb.Put(ctx, items)
		cancel()
		if err == nil {
			return res
		}
		if time.Now().After(end) {
			c.t.Fatalf("put through %s: %v", c.nodes[i].name, err)
		}
	}
}

// snapshot is what a node holds: its documents as exported, their store
// records, and the hits of a search.
type snapshot struct {
	export  string
	records []string
	hits    []string
	total   uint64
}

func (nd *testNode) snapshot(t testing.TB) snapshot {
	t.Helper()
	var b bytes.Buffer
	if _, err := nd.kb.Export(&b); err != nil {
		t.Fatalf("%s: export: %v", nd.name, err)
	}
	s := snapshot{export: b.String()}
	res, err := nd.kb.Search(context.Background(), search.Request{Query: "Webinar", Size: 100})
	if err != nil {
		t.Fatalf("%s: search: %v", nd.name, err)
	}
	s.total = res.Total
	for _, h := range res.Hits {
		// Not the scores: BM25 statistics count deleted documents until
		// Bleve merges their segments, which each node does in its own time.
		s.hits = append(s.hits, h.ID+" "+h.Title)
		st, err := nd.kb.Get(h.ID)
		if err != nil {
			// Found in the index, gone from the store: the index has a
			// delete to apply still.
			s.records = append(s.records, h.ID+" "+err.Error())
			continue
		}
		s.records = append(s.records, fmt.Sprintf("%s %s seq=%d updated=%s", st.ID, st.Hash, st.Seq, st.Updated.Format(time.RFC3339Nano)))
	}
	slices.Sort(s.records)
	slices.Sort(s.hits)
	return s
}

// converge waits until every running node has applied wantDocs
// documents and holds what the first running node holds, and fails
// after within.
func (c *testCluster) converge(within time.Duration, wantDocs uint64) {
	c.t.Helper()
	end := time.Now().Add(within)
	for {
		diff := c.diff(wantDocs)
		if diff == "" {
			return
		}
		if time.Now().After(end) {
			c.t.Fatalf("nodes did not converge within %v: %s", within, diff)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func (c *testCluster) diff(wantDocs uint64) string {
	var first snapshot
	var firstName string
	for _, nd := range c.nodes {
		if nd.kb == nil {
			continue
		}
		s := nd.snapshot(c.t)
		if s.total != wantDocs {
			return fmt.Sprintf("%s finds %d documents, want %d", nd.name, s.total, wantDocs)
		}
		if firstName == "" {
			first, firstName = s, nd.name
			continue
		}
		switch {
		case s.export != first.export:
			return fmt.Sprintf("%s and %s export different documents", firstName, nd.name)
		case !slices.Equal(s.records, first.records):
			return fmt.Sprintf("store records differ:\n%s: %q\n%s: %q", firstName, first.records, nd.name, s.records)
		case !slices.Equal(s.hits, first.hits):
			return fmt.Sprintf("hits differ:\n%s: %q\n%s: %q", firstName, first.hits, nd.name, s.hits)
		}
	}
	return ""
}

// TestReplicates writes through one node and reads on the others.
func TestReplicates(t *testing.T) {
	c := startCluster(t, 3)
	res := c.put(0, 20*time.Second, testDoc("a", "Alpha"), testDoc("b", "Beta"))
	for i, r := range res {
		if r.Status != search.Added {
			t.Errorf("write %d: got %v, want added", i, r.Status)
		}
	}
	// Read-your-writes on the node that answered.
	if got := c.nodes[0].snapshot(t).total; got != 2 {
		t.Errorf("writer finds %d documents right after the write, want 2", got)
	}
	// The first write waits for every node's reader to find the new
	// stream; from then on, replication is what is timed.
	c.converge(10*time.Second, 2)
	start := time.Now()
	c.put(0, 5*time.Second, testDoc("e", "Epsilon"))
	c.converge(2*time.Second, 3)
	t.Logf("replicated to every node in %v", time.Since(start).Round(time.Millisecond))

	steps := []struct {
		name  string
		node  int
		item  indexer.Item
		want  search.Outcome
		total uint64
	}{
		{"the same document again, through another node", 1, testDoc("a", "Alpha"), search.Unchanged, 3},
		{"an update through a third node", 2, testDoc("b", "Beta zwei"), search.Updated, 3},
		{"a new document", 1, testDoc("c", "Gamma"), search.Added, 4},
	}
	for _, st := range steps {
		res := c.put(st.node, 5*time.Second, st.item)
		if res[0].Status != st.want {
			t.Errorf("%s: got %v, want %v", st.name, res[0].Status, st.want)
		}
		c.converge(2*time.Second, st.total)
	}
	del, err := c.nodes[2].kb.Delete(context.Background(), "c")
	if err != nil || del[0].Status != search.Deleted {
		t.Fatalf("delete: %v, %v", del, err)
	}
	c.converge(2*time.Second, 3)
	for _, nd := range c.nodes {
		st, ok := nd.kb.ClusterStatus()
		if !ok || st.AppliedSeq == 0 || st.Node != nd.name {
			t.Errorf("%s: ClusterStatus = %+v, %v", nd.name, st, ok)
		}
	}
}

// TestRestartCatchesUp stops a node, writes without it, and restarts it
// on the same data directory: it catches up from the stream.
func TestRestartCatchesUp(t *testing.T) {
	c := startCluster(t, 3)
	c.put(0, 20*time.Second, testDoc("a", "Alpha"))
	c.converge(10*time.Second, 1)
	c.stop(2)
	// The other two are a quorum; the stream may need a new leader first.
	c.put(0, 15*time.Second, testDoc("b", "Beta"))
	c.put(1, 5*time.Second, testDoc("c", "Gamma"))
	if err := c.open(2); err != nil {
		t.Fatal(err)
	}
	c.converge(10*time.Second, 3)
	// And it takes part in writes again.
	c.put(2, 10*time.Second, testDoc("d", "Delta"))
	c.converge(2*time.Second, 4)
}
