package main

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/fundus-kb/fundus/indexer"
	"github.com/fundus-kb/fundus/indexer/cluster"
)

// bootstrapFlags are serve's flags for a cluster node that joins later
// (docs/cluster.md, "Joining later").
type bootstrapFlags struct {
	from  string
	token string // FUNDUS_BOOTSTRAP_TOKEN; no flag, to keep it out of ps
}

func (f *bootstrapFlags) add(e *env, cmd *cobra.Command) {
	cmd.Flags().StringVar(&f.from, "bootstrap-from", e.getenv("FUNDUS_BOOTSTRAP_FROM"), "a cluster peer's HTTP address (http://host:8080); a node whose store is empty, or older than the journal's retention, restores this peer's backup (GET /api/admin/backup, with the token in env FUNDUS_BOOTSTRAP_TOKEN, default --token) and reads the journal from there (env FUNDUS_BOOTSTRAP_FROM)")
	f.token = e.getenv("FUNDUS_BOOTSTRAP_TOKEN")
}

// check refuses --bootstrap-from outside cluster mode.
func (f *bootstrapFlags) check(cluster bool) error {
	if f.from != "" && !cluster {
		return &usageError{fmt.Errorf("--bootstrap-from (or FUNDUS_BOOTSTRAP_FROM) needs cluster mode: --cluster-listen or --nats")}
	}
	return nil
}

// run bootstraps the data directory from the peer if the node needs it
// (cluster.Node.Bootstrap), before the knowledge base opens on it; token
// is the node's own --token, the default bootstrap token.
func (f *bootstrapFlags) run(ctx context.Context, e *env, j *cluster.Node, kcfg indexer.Config, token string) error {
	b := cluster.BootstrapConfig{From: f.from, Token: f.token}
	if b.Token == "" {
		b.Token = token
	}
	restored, err := j.Bootstrap(ctx, kcfg, b)
	if err != nil {
		return lockedMessage(err, kcfg.DataDir)
	}
	if restored {
		fmt.Fprintf(e.stderr, "fundus: bootstrapped %s from the backup of %s\n", kcfg.DataDir, f.from)
	}
	return nil
}
