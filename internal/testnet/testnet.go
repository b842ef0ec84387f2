// Package testnet holds network helpers for tests that start their own
// servers on loopback.
package testnet

import (
	"net"
	"testing"
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
