package cluster

import (
	"context"
	"net"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
)

// TestClientPortNeedsPassword: the embedded server's loopback client
// port refuses a connection without the in-process connection's random
// credentials (it would bypass the HTTP write token), while the node's
// own connection works.
func TestClientPortNeedsPassword(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	listen := ln.Addr().String()
	ln.Close()
	n, err := Open(context.Background(), Config{Node: "solo", Listen: listen, StoreDir: filepath.Join(t.TempDir(), "nats")})
	if err != nil {
		t.Fatal(err)
	}
	defer n.Close()
	if !n.nc.IsConnected() {
		t.Fatal("the in-process connection is not connected")
	}
	for _, opt := range []nats.Option{nil, nats.UserInfo(localUser, "guess")} {
		opts := []nats.Option{nats.Timeout(2 * time.Second), nats.NoReconnect()}
		if opt != nil {
			opts = append(opts, opt)
		}
		nc, err := nats.Connect(n.srv.ClientURL(), opts...)
		if err == nil {
			nc.Close()
			t.Fatalf("a client connected to %s without the password", n.srv.ClientURL())
		}
		if !strings.Contains(strings.ToLower(err.Error()), "authorization") {
			t.Errorf("connecting to %s: %v, want an authorization error", n.srv.ClientURL(), err)
		}
	}
}
