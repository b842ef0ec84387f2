package cluster_test

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/fundus-kb/fundus/search"
)

// trashIDs returns the ids in node i's trash.
func (c *testCluster) trashIDs(i int) []string {
	c.t.Helper()
	trash, err := c.nodes[i].kb.TrashList(context.Background())
	if err != nil {
		c.t.Fatalf("%s: trash: %v", c.nodes[i].name, err)
	}
	var ids []string
	for _, e := range trash {
		ids = append(ids, e.ID)
	}
	return ids
}

// wantTrash checks every node's trash.
func (c *testCluster) wantTrash(step string, want ...string) {
	c.t.Helper()
	for i, nd := range c.nodes {
		if got := c.trashIDs(i); !slices.Equal(got, want) {
			c.t.Errorf("%s: %s's trash holds %q, want %q", step, nd.name, got, want)
		}
	}
}

// TestUndeleteReplicates restores documents from the trash through the
// journal: a document deleted through one node and restored through
// another comes back on every node, with the same store record, and
// leaves every node's trash; a node that purged its trash meanwhile
// restores it from the entry all the same; an undelete over a live
// document is refused alike on every node.
func TestUndeleteReplicates(t *testing.T) {
	c := startCluster(t, 3)
	ctx := context.Background()
	c.put(0, 20*time.Second, testDoc("a", "Alpha"), testDoc("b", "Beta"))
	c.converge(10*time.Second, 2)
	del := func(i int, id string) {
		t.Helper()
		res, err := c.nodes[i].kb.Delete(ctx, id)
		if err != nil || res[0].Status != search.Deleted {
			t.Fatalf("delete %s through %s: %v, %v", id, c.nodes[i].name, res, err)
		}
	}

	del(0, "a")
	c.converge(5*time.Second, 1)
	c.wantTrash("after the delete", "a")

	// Through the HTTP API of another node: 200 "restored", no more 501.
	if w := c.serveHTTP(1, http.MethodPost, "/api/documents/a/undelete", ""); w.Code != http.StatusOK {
		t.Fatalf("undelete through n1: %d %s, want 200", w.Code, w.Body)
	}
	// Read-your-writes on the node that answered.
	if got := c.nodes[1].snapshot(t); got.total != 2 || !slices.Contains(got.hits, "a Alpha") {
		t.Errorf("n1 right after its undelete finds %v, want a among 2 documents", got.hits)
	}
	c.converge(5*time.Second, 2)
	c.wantTrash("after the undelete")

	if err := c.nodes[2].kb.Undelete(ctx, "a"); !errors.Is(err, search.ErrNotFound) {
		t.Errorf("undelete of a live document that is not in the trash: %v, want ErrNotFound", err)
	}

	// n0 purges its trash (each node purges on its own clock); the
	// entry carries the document, so n0 restores it too.
	del(2, "a")
	c.converge(5*time.Second, 1)
	if n, err := c.nodes[0].kb.PurgeTrash(ctx, 0); err != nil || n != 1 {
		t.Fatalf("purge n0's trash: %d, %v; want 1", n, err)
	}
	if err := c.nodes[1].kb.Undelete(ctx, "a"); err != nil {
		t.Fatalf("undelete through n1 after n0 purged: %v", err)
	}
	c.converge(5*time.Second, 2)
	c.wantTrash("after the undelete on a cluster where n0 had purged")

	// A new document under the id meanwhile: the undelete is refused
	// on every node, and the trash stays as it was.
	del(0, "a")
	c.converge(5*time.Second, 1)
	c.put(1, 5*time.Second, testDoc("a", "Alpha neu"))
	c.converge(5*time.Second, 2)
	if err := c.nodes[2].kb.Undelete(ctx, "a"); !errors.Is(err, search.ErrConflict) {
		t.Errorf("undelete over a live document: %v, want ErrConflict", err)
	}
	if w := c.serveHTTP(0, http.MethodPost, "/api/documents/a/undelete", ""); w.Code != http.StatusConflict {
		t.Errorf("undelete over a live document through HTTP: %d %s, want 409", w.Code, w.Body)
	}
	c.converge(5*time.Second, 2)
	for _, nd := range c.nodes {
		if got := nd.snapshot(t).hits; !slices.Contains(got, "a Alpha neu") {
			t.Errorf("%s after the refused undelete: %q, want the live a (Alpha neu)", nd.name, got)
		}
	}
	c.wantTrash("after the refused undelete", "a")
}
