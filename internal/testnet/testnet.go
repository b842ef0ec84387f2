// Package testnet holds network helpers for tests that start their own
// servers on loopback: free ports, and an external NATS server that
// requires client certificates.
package testnet

import (
	"net"
	"path/filepath"
	"testing"
	"time"

	"github.com/fundus-kb/fundus/internal/testcert"
	"github.com/nats-io/nats-server/v2/server"
)

// FreeAddr returns a loopback address with a port that was free a moment
// ago, for a server the test starts (a cluster route, an HTTP server
// started as a child process). Another process may take the port in
// between; tests that run in one process at a time do not meet that.
func FreeAddr(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// TLSNATS starts a NATS server with JetStream on loopback that
// requires TLS and a client certificate signed by ca (a tls block with
// verify: true), and returns its client URL.
func TLSNATS(t testing.TB, ca *testcert.CA) string {
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
