package main

import (
	"context"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/fundus-kb/fundus/internal/testnet"
)

// TestServeBootstrapFlags checks serve's --bootstrap-from plumbing; the
// bootstrap itself (a node joining later, a store older than the
// retention, a wrong token) is tested in indexer/cluster.
func TestServeBootstrapFlags(t *testing.T) {
	t.Run("needs cluster mode", func(t *testing.T) {
		var stderr strings.Builder
		err := run(context.Background(), []string{"serve", "--data", t.TempDir(), "--addr", "127.0.0.1:0", "--bootstrap-from", "http://127.0.0.1:1"},
			func(string) string { return "" }, io.Discard, &stderr)
		var ue *usageError
		if !errors.As(err, &ue) || !strings.Contains(err.Error(), "--bootstrap-from") || !strings.Contains(err.Error(), "--cluster-listen") {
			t.Errorf("serve --bootstrap-from without cluster flags: %v, want a usage error naming the flags", err)
		}
	})
	t.Run("a new cluster has nothing to bootstrap", func(t *testing.T) {
		// The peer is unreachable, but the journal holds nothing yet:
		// the node starts empty (a unit file may keep the flag).
		listen := testnet.FreeAddr(t)
		base, stderr := serveInProcess(t, map[string]string{"FUNDUS_BOOTSTRAP_FROM": "http://127.0.0.1:1", "FUNDUS_BOOTSTRAP_TOKEN": "x"},
			"--data", t.TempDir(), "--cluster-listen", listen, "--node", "solo")
		if !waitReady(base, 30*time.Second) {
			t.Fatalf("serve never became ready: %s", stderr())
		}
		if strings.Contains(stderr(), "bootstrapped") {
			t.Errorf("a node of a new cluster bootstrapped: %s", stderr())
		}
	})
}
