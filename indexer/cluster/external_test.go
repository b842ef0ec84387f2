package cluster_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/fundus-kb/fundus/indexer/cluster"
	"github.com/fundus-kb/fundus/internal/testcert"
	"github.com/fundus-kb/fundus/internal/testnet"
)

// TestExternalNATSClientCert connects to an external NATS that requires
// client certificates: a node with a certificate of the server's CA
// connects and writes to the journal; without a certificate, or with
// one of another CA, Open fails.
func TestExternalNATSClientCert(t *testing.T) {
	dir := t.TempDir()
	ca := testcert.NewCA(t, dir, "nats")
	other := testcert.NewCA(t, dir, "other")
	url := testnet.TLSNATS(t, ca)
	cert, key := ca.Issue(t, "fundus-node", "127.0.0.1")
	otherCert, otherKey := other.Issue(t, "stranger", "127.0.0.1")

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	n, err := cluster.Open(ctx, cluster.Config{Node: "ext", URL: url, NATSCA: ca.CertFile, NATSCert: cert, NATSKey: key})
	if err != nil {
		t.Fatalf("Open with a client certificate: %v", err)
	}
	defer n.Close()
	seq, err := n.Publish(ctx, []byte(`{"writes":[]}`), "first")
	if err != nil || seq != 1 {
		t.Fatalf("publish through the external NATS: %d, %v; want entry 1", seq, err)
	}

	refused := []struct {
		name string
		cfg  cluster.Config
	}{
		{"without a client certificate", cluster.Config{Node: "bare", URL: url, NATSCA: ca.CertFile}},
		{"with a certificate of another CA", cluster.Config{Node: "stranger", URL: url, NATSCA: ca.CertFile, NATSCert: otherCert, NATSKey: otherKey}},
		{"with a certificate but no key", cluster.Config{Node: "half", URL: url, NATSCA: ca.CertFile, NATSCert: cert}},
	}
	for _, tc := range refused {
		t.Run(tc.name, func(t *testing.T) {
			n, err := cluster.Open(ctx, tc.cfg)
			if err == nil {
				n.Close()
				t.Fatal("Open succeeded, want the connection refused")
			}
			t.Logf("refused: %v", err)
			if !strings.Contains(err.Error(), "cluster:") {
				t.Errorf("error %q does not say it is the cluster's", err)
			}
		})
	}
}
