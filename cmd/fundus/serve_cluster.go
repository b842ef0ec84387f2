package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/spf13/cobra"

	"github.com/fundus-kb/fundus/indexer/cluster"
)

// clusterFlags are serve's cluster flags (docs/cluster.md).
type clusterFlags struct {
	listen, node, nats string
	peers              []string
	sec                clusterSecurity // TLS and credentials (cluster_security.go)

	// The journal's retention (cluster.Config MaxAge, MaxMsgs); the
	// defaults come from the environment, envErr is a value there that
	// does not parse.
	maxAge     time.Duration
	maxEntries int64
	envErr     error
}

func (f *clusterFlags) add(e *env, cmd *cobra.Command) {
	cmd.Flags().StringVar(&f.listen, "cluster-listen", e.getenv("FUNDUS_CLUSTER_LISTEN"), "run as a cluster node: embed a NATS JetStream server whose cluster routes listen on HOST:PORT (env FUNDUS_CLUSTER_LISTEN)")
	cmd.Flags().StringSliceVar(&f.peers, "cluster-peers", splitList(e.getenv("FUNDUS_CLUSTER_PEERS")), "the other nodes' --cluster-listen addresses, HOST:PORT,... (env FUNDUS_CLUSTER_PEERS)")
	cmd.Flags().StringVar(&f.node, "node", e.getenv("FUNDUS_NODE"), "this cluster node's name, unique in the cluster (env FUNDUS_NODE; default the host name)")
	cmd.Flags().StringVar(&f.nats, "nats", e.getenv("FUNDUS_NATS"), "run as a cluster node of an external NATS JetStream system at this URL instead of embedding one (env FUNDUS_NATS)")
	if v := e.getenv("FUNDUS_JOURNAL_MAX_AGE"); v != "" {
		if f.maxAge, f.envErr = time.ParseDuration(v); f.envErr != nil {
			f.envErr = fmt.Errorf("FUNDUS_JOURNAL_MAX_AGE (--journal-max-age) %q: %w", v, f.envErr)
		}
	}
	if v := e.getenv("FUNDUS_JOURNAL_MAX_ENTRIES"); v != "" && f.envErr == nil {
		if f.maxEntries, f.envErr = strconv.ParseInt(v, 10, 64); f.envErr != nil {
			f.envErr = fmt.Errorf("FUNDUS_JOURNAL_MAX_ENTRIES (--journal-max-entries) %q is not a number", v)
		}
	}
	cmd.Flags().DurationVar(&f.maxAge, "journal-max-age", f.maxAge, fmt.Sprintf("cluster mode: the journal keeps entries this long, at least %s (the duplicate window); 0 keeps them all. Set when the first node creates the journal; a node whose store is older bootstraps with --bootstrap-from (env FUNDUS_JOURNAL_MAX_AGE)", cluster.DuplicateWindow))
	cmd.Flags().Int64Var(&f.maxEntries, "journal-max-entries", f.maxEntries, "cluster mode: the journal keeps at most this many entries; 0 keeps them all. Set when the first node creates the journal; a node whose store is older bootstraps with --bootstrap-from (env FUNDUS_JOURNAL_MAX_ENTRIES)")
	f.sec.add(e, cmd)
}

// checkRetention refuses the retention flags outside cluster mode and
// below what JetStream takes. Every error names the flag.
func (f *clusterFlags) checkRetention() error {
	switch {
	case f.envErr != nil:
		return &usageError{f.envErr}
	case f.maxAge != 0 && !f.enabled():
		return &usageError{fmt.Errorf("--journal-max-age (or FUNDUS_JOURNAL_MAX_AGE) bounds the cluster journal: it needs cluster mode, --cluster-listen or --nats")}
	case f.maxEntries != 0 && !f.enabled():
		return &usageError{fmt.Errorf("--journal-max-entries (or FUNDUS_JOURNAL_MAX_ENTRIES) bounds the cluster journal: it needs cluster mode, --cluster-listen or --nats")}
	case f.maxAge < 0:
		return &usageError{fmt.Errorf("--journal-max-age %s is negative (0 keeps every entry)", f.maxAge)}
	case f.maxAge > 0 && f.maxAge < cluster.DuplicateWindow:
		return &usageError{fmt.Errorf("--journal-max-age %s is below the minimum of %s: JetStream needs the journal to keep entries at least as long as its duplicate window (0 keeps every entry)", f.maxAge, cluster.DuplicateWindow)}
	case f.maxEntries < 0:
		return &usageError{fmt.Errorf("--journal-max-entries %d is negative (0 keeps every entry)", f.maxEntries)}
	}
	return nil
}

// enabled reports whether the flags ask for cluster mode.
func (f *clusterFlags) enabled() bool { return f.listen != "" || f.nats != "" || f.sec.any() }

// open starts the node's journal; dir is the data directory (the
// embedded server keeps its files in dir/nats).
func (f *clusterFlags) open(ctx context.Context, e *env, dir string) (*cluster.Node, error) {
	cfg, err := f.config(e, dir)
	if err != nil {
		return nil, err
	}
	f.sec.warnOpenRoutes(e, f.listen)
	e.log.Info("cluster mode", "node", cfg.Node, "cluster_listen", cfg.Listen, "cluster_peers", cfg.Peers, "nats", cfg.URL,
		"journal_max_age", cfg.MaxAge, "journal_max_entries", cfg.MaxMsgs)
	return cluster.Open(ctx, cfg)
}

// config is the journal's configuration from the flags (checkRetention
// has run).
func (f *clusterFlags) config(e *env, dir string) (cluster.Config, error) {
	if f.listen == "" && len(f.peers) > 0 {
		return cluster.Config{}, &usageError{fmt.Errorf("--cluster-peers needs --cluster-listen")}
	}
	node := f.node
	if node == "" {
		h, err := os.Hostname()
		if err != nil {
			return cluster.Config{}, &usageError{fmt.Errorf("--node not given and no host name: %w", err)}
		}
		node = h
	}
	cfg := cluster.Config{Node: node, Listen: f.listen, Peers: f.peers, URL: f.nats, StoreDir: filepath.Join(dir, "nats"), Logger: e.log,
		MaxAge: f.maxAge, MaxMsgs: f.maxEntries}
	if err := f.sec.apply(&cfg, f.listen != "", f.nats != ""); err != nil {
		return cluster.Config{}, err
	}
	return cfg, nil
}
