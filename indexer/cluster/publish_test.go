package cluster_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/fundus-kb/fundus/indexer"
	"github.com/fundus-kb/fundus/indexer/cluster"
	"github.com/fundus-kb/fundus/internal/testnet"
)

// TestPublishIsIdempotent publishes the same entry twice under one
// message id (a retry) and once under another: the retry gets the first
// copy's sequence, and the consumer sees two entries.
func TestPublishIsIdempotent(t *testing.T) {
	dir := t.TempDir()
	n, err := cluster.Open(context.Background(), cluster.Config{Node: "solo", Listen: testnet.FreeAddr(t), StoreDir: filepath.Join(dir, "nats")})
	if err != nil {
		t.Fatal(err)
	}
	defer n.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	first, err := n.Publish(ctx, []byte(`{"writes":[]}`), "id-1")
	if err != nil {
		t.Fatal(err)
	}
	again, err := n.Publish(ctx, []byte(`{"writes":[]}`), "id-1")
	if err != nil {
		t.Fatal(err)
	}
	if again != first {
		t.Errorf("retry got sequence %d, want the first copy's %d", again, first)
	}
	other, err := n.Publish(ctx, []byte(`{"writes":[]}`), "id-2")
	if err != nil {
		t.Fatal(err)
	}
	if other != first+1 {
		t.Errorf("a new id got sequence %d, want %d", other, first+1)
	}
	var ids []string
	cctx, ccancel := context.WithCancel(ctx)
	defer ccancel()
	n.Consume(cctx, 0, func(e indexer.JournalEntry) error {
		ids = append(ids, e.MsgID)
		if e.Seq == other {
			ccancel()
		}
		return nil
	})
	if len(ids) != 2 || ids[0] != "id-1" || ids[1] != "id-2" {
		t.Errorf("consumed message ids %q, want [id-1 id-2]", ids)
	}
}

// TestOpenRefusesShortRetention: JetStream refuses a max age below the
// duplicate window, so Open does, before starting anything.
func TestOpenRefusesShortRetention(t *testing.T) {
	for _, cfg := range []cluster.Config{
		{Node: "a", Listen: "127.0.0.1:1", MaxAge: cluster.DuplicateWindow - time.Second},
		{Node: "a", Listen: "127.0.0.1:1", MaxMsgs: -1},
	} {
		n, err := cluster.Open(context.Background(), cfg)
		if err == nil {
			n.Close()
			t.Errorf("Open with max age %s, max entries %d: no error, want a refusal", cfg.MaxAge, cfg.MaxMsgs)
		}
	}
}
