package search

import "errors"

// ErrNoQuorum reports a write that a cluster node could not get into the
// replicated journal because it cannot reach a quorum of the cluster.
// Reads keep working; the write may be retried.
var ErrNoQuorum = errors.New("the cluster cannot take writes now (no quorum reachable); try again shortly")

// ErrUnsupported reports an operation this configuration does not offer
// (such as restoring from the trash on a cluster node).
var ErrUnsupported = errors.New("not supported")

// ClusterStatus is a cluster node's position in the replicated journal.
type ClusterStatus struct {
	Node string `json:"node"`
	// AppliedSeq is the last journal entry this node has applied to its
	// store and index.
	AppliedSeq uint64 `json:"applied_seq"`
	// LagEntries is how many entries the journal held beyond AppliedSeq
	// when the node last heard from it; LagSeconds is for how long the
	// node has been behind (0 when it is caught up).
	LagEntries uint64  `json:"lag_entries"`
	LagSeconds float64 `json:"lag_seconds"`
	// Stopped, when set, says why the node stopped applying the journal
	// (its store is older than the journal's retention): it serves what
	// it holds, refuses writes, and is not ready until restarted with a
	// bootstrap.
	Stopped string `json:"stopped,omitempty"`
}
