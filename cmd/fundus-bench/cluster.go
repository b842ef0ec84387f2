package main

// `fundus-bench cluster`: three `fundus serve` nodes of one cluster on
// this machine (child processes on loopback, replicated through the
// embedded NATS JetStream) against a single node measured in the same
// run: write throughput and acknowledgement latency, replication lag, and
// search throughput spread over the nodes (issue 15).

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// Bounds of the cluster benchmark, whatever the flags say.
const (
	clusterMaxClients = 64
	clusterMaxProbes  = 5000
	clusterMaxPasses  = 20
	clusterMaxRounds  = 10
)

// clusterConfig is the parsed command line of the cluster subcommand.
type clusterConfig struct {
	fundus  string // the fundus binary (absolute)
	sci     sciFactFiles
	nodes   int // nodes of the cluster
	writes  int // documents written one by one in the write phase
	clients int // concurrent writers and searchers
	probes  int // replication-lag probes (each phase)
	passes  int // measured search passes over the claims
	rounds  int // each runs both setups, in alternating order
	keep    bool
	args    []string
}

// runCluster implements `fundus-bench cluster`.
func runCluster(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newBenchFlags("cluster", stderr)
	sci := fs.sciFact()
	nodes := fs.intBetween("nodes", 3, 2, 5, "nodes of the cluster (the baseline is always one node without cluster flags)")
	writes := fs.intAtLeast("writes", 1000, 1, "SciFact abstracts written one per request (PUT /api/documents/{id}) in the write phase; the rest of the corpus follows in batches before the searches")
	clients := fs.intBetween("clients", 8, 1, clusterMaxClients, "concurrent clients of the write and search phases")
	probes := fs.intBetween("probes", 100, 1, clusterMaxProbes, "replication-lag probes, with the cluster idle and again under write load")
	passes := fs.intBetween("passes", 2, 1, clusterMaxPasses, "measured passes over the SciFact test claims (after one warm-up pass)")
	rounds := fs.intBetween("rounds", 2, 1, clusterMaxRounds, "rounds, each running the single node and the cluster one after the other, in alternating order")
	keep := fs.Bool("keep", false, "keep the data directories and server logs (printed at the end)")
	if err := fs.parse(args); err != nil {
		return err
	}
	bin, err := fs.binary()
	if err != nil {
		return err
	}
	cfg := clusterConfig{fundus: bin, sci: sciFactIn(*sci), nodes: *nodes, writes: *writes, clients: *clients,
		probes: *probes, passes: *passes, rounds: *rounds, keep: *keep, args: fs.commandLine(args)}
	return benchCluster(ctx, cfg, stdout, stderr)
}

// fleet is the nodes of one setup: one server for the single node, or
// the nodes of a cluster, each a `fundus serve` child.
type fleet struct {
	name  string
	dirs  []string
	nodes []*server
}

// bases are the nodes' base URLs, in node order.
func (f *fleet) bases() []string {
	out := make([]string, len(f.nodes))
	for i, s := range f.nodes {
		out[i] = s.base
	}
	return out
}

// clustered reports whether the fleet is a cluster (it has more than one
// node).
func (f *fleet) clustered() bool { return len(f.nodes) > 1 }

// cpu is the CPU time the fleet's processes have used so far.
func (f *fleet) cpu() (time.Duration, bool) {
	var sum time.Duration
	for _, s := range f.nodes {
		d, ok := s.cpu()
		if !ok {
			return 0, false
		}
		sum += d
	}
	return sum, true
}

// stop stops every node (SIGTERM) and returns the first failure.
func (f *fleet) stop() error {
	var errs []error
	for i, s := range f.nodes {
		if _, err := s.stop(30 * time.Second); err != nil {
			errs = append(errs, fmt.Errorf("%s node %d: %w\n%s", f.name, i, err, s.logTail()))
		}
	}
	return errors.Join(errs...)
}

// serveLimits switches off the rate limits and the bound on concurrent
// searches: the benchmark's clients are the bound.
var serveLimits = []string{"--search-rate", "0", "--write-rate", "0", "--max-searches", "0"}

// clusterPeers returns the --cluster-peers value of node i: every route
// address but its own, comma-separated.
func clusterPeers(routes []string, i int) string {
	peers := make([]string, 0, len(routes))
	for j, r := range routes {
		if j != i {
			peers = append(peers, r)
		}
	}
	return strings.Join(peers, ",")
}

// freeAddrs returns n free loopback addresses.
func freeAddrs(n int) ([]string, error) {
	out := make([]string, n)
	for i := range out {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, fmt.Errorf("find a free port: %w", err)
		}
		out[i] = l.Addr().String()
		l.Close()
	}
	return out, nil
}

// startFleet starts n nodes on fresh data directories under root: one
// plain `fundus serve` when n is 1, else n cluster nodes routing to each
// other, started at the same time (each is ready when /readyz answers).
func startFleet(ctx context.Context, bin, root, name string, n int) (*fleet, error) {
	f := &fleet{name: name, dirs: make([]string, n), nodes: make([]*server, n)}
	var routes []string
	if n > 1 {
		var err error
		if routes, err = freeAddrs(n); err != nil {
			return nil, err
		}
	}
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		f.dirs[i] = filepath.Join(root, fmt.Sprintf("%s-%d", name, i))
		args := serveLimits
		if n > 1 {
			args = append(args[:len(args):len(args)], "--node", fmt.Sprintf("n%d", i), "--cluster-listen", routes[i], "--cluster-peers", clusterPeers(routes, i))
		}
		wg.Go(func() {
			f.nodes[i], errs[i] = startServer(ctx, bin, f.dirs[i], f.dirs[i]+".log", args...)
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		for _, s := range f.nodes {
			if s != nil {
				s.stop(5 * time.Second)
			}
		}
		return nil, fmt.Errorf("start %s: %w", name, err)
	}
	return f, nil
}

// clusterRun is what one setup measured.
type clusterRun struct {
	round     int
	name      string
	nodes     int
	ready     time.Duration // from start to every node ready and the first write acknowledged
	writes    clusterWrites
	bulk      time.Duration // the rest of the corpus, in batches
	bulkDocs  int
	docs      uint64 // documents on every node before the searches
	search    stats
	lagIdle   clusterLag // cluster only
	lagLoaded clusterLag // cluster only
	lost      int        // acknowledged writes some node does not answer
	applied   []uint64   // applied journal sequence per node at the end (cluster only)
	stopErr   error
	checkErr  error
}

// benchCluster runs the single node and the cluster in each round (the
// single node first in odd rounds, the cluster first in even ones) and
// prints the report. It fails when a write was lost or a node failed its check.
func benchCluster(ctx context.Context, cfg clusterConfig, stdout, stderr io.Writer) error {
	log := slog.New(slog.NewTextHandler(stderr, nil))
	m := startMachine()
	docs, err := loadSciFact(cfg.sci.corpus)
	if err != nil {
		return err
	}
	if cfg.writes >= len(docs) {
		return usagef("cluster: --writes %d must be below the corpus's %d documents", cfg.writes, len(docs))
	}
	claims, dropped, err := loadClaimsFrom(cfg.sci.queries, cfg.sci.qrels)
	if err != nil {
		return err
	}
	root, done, err := tempRoot("cluster", cfg.keep, "the data directories and server logs", stderr)
	if err != nil {
		return err
	}
	defer done()
	w := clusterWorkload{docs: docs, claims: claims, dropped: dropped}
	var runs []clusterRun
	for round := 1; round <= cfg.rounds; round++ {
		for _, n := range setupOrder(round, cfg.nodes) {
			name := fmt.Sprintf("single-r%d", round)
			if n > 1 {
				name = fmt.Sprintf("cluster-r%d", round)
			}
			run, err := runSetup(ctx, cfg, w, root, name, n, log)
			if err != nil {
				return err
			}
			run.round = round
			runs = append(runs, run)
		}
	}
	m.finish()
	if err := writeClusterReport(stdout, cfg, w, runs, m); err != nil {
		return err
	}
	var problems []string
	for _, r := range runs {
		if r.lost > 0 {
			problems = append(problems, fmt.Sprintf("%s: %d acknowledged writes missing", r.name, r.lost))
		}
		if r.writes.errors > 0 || r.search.errors > 0 {
			problems = append(problems, fmt.Sprintf("%s: %d write and %d search errors", r.name, r.writes.errors, r.search.errors))
		}
		if r.stopErr != nil {
			problems = append(problems, fmt.Sprintf("%s: %v", r.name, r.stopErr))
		}
		if r.checkErr != nil {
			problems = append(problems, fmt.Sprintf("%s: %v", r.name, r.checkErr))
		}
	}
	if len(problems) > 0 {
		return errors.New("cluster: " + strings.Join(problems, "; "))
	}
	return nil
}

// setupOrder is the order of the setups in a round: the single node
// first in odd rounds, the cluster of nodes first in even ones, so that
// neither always runs on a fresher machine.
func setupOrder(round, nodes int) []int {
	if round%2 == 1 {
		return []int{1, nodes}
	}
	return []int{nodes, 1}
}

// runSetup starts n nodes, runs the phases against them, stops them and
// checks their data directories.
func runSetup(ctx context.Context, cfg clusterConfig, w clusterWorkload, root, name string, n int, log *slog.Logger) (clusterRun, error) {
	run := clusterRun{name: name, nodes: n}
	log.Info("starting", "setup", name, "nodes", n)
	began := time.Now()
	f, err := startFleet(ctx, cfg.fundus, root, name, n)
	if err != nil {
		return run, err
	}
	defer f.stop()
	client := newClient(cfg.clients)
	defer client.CloseIdleConnections()
	// A cluster's stream is created with its first write (503 until
	// then); every node must have applied it.
	if err := warmUpWrite(ctx, client, f.bases()); err != nil {
		return run, fmt.Errorf("%s: %w", name, err)
	}
	run.ready = time.Since(began)

	log.Info("write phase", "setup", name, "documents", cfg.writes, "clients", cfg.clients)
	run.writes = writePhase(ctx, client, f.bases(), w.docs[:cfg.writes], cfg.clients)
	if err := ctx.Err(); err != nil {
		return run, err
	}
	log.Info("bulk load", "setup", name, "documents", len(w.docs)-cfg.writes)
	t0 := time.Now()
	if err := bulkLoad(ctx, client, f.bases()[0], w.docs[cfg.writes:], 250); err != nil {
		return run, fmt.Errorf("%s: %w", name, err)
	}
	if _, err := waitConverged(ctx, client, f.bases(), time.Minute); err != nil {
		return run, fmt.Errorf("%s: %w", name, err)
	}
	run.bulk, run.bulkDocs = time.Since(t0), len(w.docs)-cfg.writes
	if run.docs, err = loadDocCount(ctx, f.bases()[0]); err != nil {
		return run, fmt.Errorf("%s: %w", name, err)
	}

	log.Info("search phase", "setup", name, "queries", len(w.claims), "passes", cfg.passes, "clients", cfg.clients)
	urls := spreadURLs(f.bases(), searchURLs("", w.claims))
	if _, err := httpLoad(ctx, nil, client, urls, cfg.clients, 1); err != nil { // warm-up
		return run, fmt.Errorf("%s: search warm-up: %w", name, err)
	}
	cpu0, ok0 := f.cpu()
	s, err := httpLoad(ctx, nil, client, urls, cfg.clients, cfg.passes)
	if err != nil {
		return run, fmt.Errorf("%s: searches: %w", name, err)
	}
	cpu1, ok1 := f.cpu()
	s.cpu, s.cpuOK = cpu1-cpu0, ok0 && ok1
	run.search = s.stats()

	if f.clustered() {
		log.Info("lag probes, idle", "probes", cfg.probes)
		if run.lagIdle, err = lagPhase(ctx, client, f.bases(), w.docs, cfg.probes, 0); err != nil {
			return run, err
		}
		log.Info("lag probes under write load", "probes", cfg.probes, "writers", cfg.clients)
		if run.lagLoaded, err = lagPhase(ctx, client, f.bases(), w.docs, cfg.probes, cfg.clients); err != nil {
			return run, err
		}
		if run.applied, err = waitConverged(ctx, client, f.bases(), time.Minute); err != nil {
			return run, fmt.Errorf("%s: %w", name, err)
		}
	}
	log.Info("checking acknowledged writes on every node", "setup", name, "writes", len(run.writes.acked))
	run.lost = missingOnNodes(ctx, client, f.bases(), run.writes.acked, cfg.clients)
	run.stopErr = f.stop()
	var checks []error
	for i, dir := range f.dirs {
		if out, err := exec.CommandContext(ctx, cfg.fundus, "check", "--data", dir).CombinedOutput(); err != nil {
			checks = append(checks, fmt.Errorf("fundus check of %s node %d: %w\n%s", name, i, err, out))
		}
	}
	run.checkErr = errors.Join(checks...)
	return run, ctx.Err()
}
