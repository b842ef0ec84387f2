package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/fundus-kb/fundus/indexer/cluster"
)

// clusterFlags are serve's cluster flags (docs/cluster.md).
type clusterFlags struct {
	listen, node, nats string
	peers              []string
	sec                clusterSecurity // TLS and credentials (cluster_security.go)
}

func (f *clusterFlags) add(e *env, cmd *cobra.Command) {
	cmd.Flags().StringVar(&f.listen, "cluster-listen", e.getenv("FUNDUS_CLUSTER_LISTEN"), "run as a cluster node: embed a NATS JetStream server whose cluster routes listen on HOST:PORT (env FUNDUS_CLUSTER_LISTEN)")
	cmd.Flags().StringSliceVar(&f.peers, "cluster-peers", splitList(e.getenv("FUNDUS_CLUSTER_PEERS")), "the other nodes' --cluster-listen addresses, HOST:PORT,... (env FUNDUS_CLUSTER_PEERS)")
	cmd.Flags().StringVar(&f.node, "node", e.getenv("FUNDUS_NODE"), "this cluster node's name, unique in the cluster (env FUNDUS_NODE; default the host name)")
	cmd.Flags().StringVar(&f.nats, "nats", e.getenv("FUNDUS_NATS"), "run as a cluster node of an external NATS JetStream system at this URL instead of embedding one (env FUNDUS_NATS)")
	f.sec.add(e, cmd)
}

// enabled reports whether the flags ask for cluster mode.
func (f *clusterFlags) enabled() bool { return f.listen != "" || f.nats != "" || f.sec.any() }

// open starts the node's journal; dir is the data directory (the
// embedded server keeps its files in dir/nats).
func (f *clusterFlags) open(ctx context.Context, e *env, dir string) (*cluster.Node, error) {
	if f.listen == "" && len(f.peers) > 0 {
		return nil, &usageError{fmt.Errorf("--cluster-peers needs --cluster-listen")}
	}
	node := f.node
	if node == "" {
		h, err := os.Hostname()
		if err != nil {
			return nil, &usageError{fmt.Errorf("--node not given and no host name: %w", err)}
		}
		node = h
	}
	cfg := cluster.Config{Node: node, Listen: f.listen, Peers: f.peers, URL: f.nats, StoreDir: filepath.Join(dir, "nats"), Logger: e.log}
	if err := f.sec.apply(&cfg, f.listen != "", f.nats != ""); err != nil {
		return nil, err
	}
	f.sec.warnOpenRoutes(e, f.listen)
	e.log.Info("cluster mode", "node", cfg.Node, "cluster_listen", cfg.Listen, "cluster_peers", cfg.Peers, "nats", cfg.URL)
	return cluster.Open(ctx, cfg)
}
