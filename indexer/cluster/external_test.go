package cluster_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"

	"github.com/fundus-kb/fundus/indexer/cluster"
	"github.com/fundus-kb/fundus/internal/testcert"
)

// startTLSNATS starts a NATS server with JetStream on loopback that
// requires TLS and a client certificate signed by ca (a tls block with
// verify: true), and returns its client URL.
func startTLSNATS(t *testing.T, ca *testcert.CA) string {
	t.Helper()
	cert, key := ca.Issue(t, "nats-server", "127.0.0.1", "localhost")
	tc, err := server.GenTLSConfig(&server.TLSConfigOpts{CertFile: cert, KeyFile: key, CaFile: ca.CertFile, Verify: true})
	if err != nil {
		t.Fatal(err)
	}
	srv, err := server.NewServer(&server.Options{
		Host: "127.0.0.1", Port: server.RANDOM_PORT, NoSigs: true,
		JetStream: true, StoreDir: filepath.Join(t.TempDir(), "js"),
		TLS: true, TLSVerify: true, TLSConfig: tc, TLSTimeout: 2,
	})
	if err != nil {
		t.Fatal(err)
	}
	srv.Start()
	t.Cleanup(func() { srv.Shutdown(); srv.WaitForShutdown() })
	if !srv.ReadyForConnections(10 * time.Second) {
		t.Fatal("NATS server did not start")
	}
	return srv.ClientURL()
}

// TestExternalNATSClientCert connects to an external NATS that requires
// client certificates: a node with a certificate of the server's CA
// connects and writes to the journal; without a certificate, or with
// one of another CA, Open fails.
func TestExternalNATSClientCert(t *testing.T) {
	dir := t.TempDir()
	ca := testcert.NewCA(t, dir, "nats")
	other := testcert.NewCA(t, dir, "other")
	url := startTLSNATS(t, ca)
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
