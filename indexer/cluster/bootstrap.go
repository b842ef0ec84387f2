package cluster

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/fundus-kb/fundus/indexer"
)

// StreamRange is the range of entries the journal's stream holds.
type StreamRange struct {
	// Exists is false before the first write created the stream.
	Exists bool
	// First and Last are the first and last sequence the stream holds;
	// First is Last+1 when it holds none (all dropped, or none yet).
	First, Last uint64
}

// Range returns the range of entries the stream holds now (its stream
// info); a stream not created yet is StreamRange{}.
func (n *Node) Range(ctx context.Context) (StreamRange, error) {
	s, err := n.js.Stream(ctx, Stream)
	if errors.Is(err, jetstream.ErrStreamNotFound) {
		return StreamRange{}, nil
	}
	if err != nil {
		return StreamRange{}, fmt.Errorf("journal stream info: %w", err)
	}
	st := s.CachedInfo().State
	return StreamRange{Exists: true, First: st.FirstSeq, Last: st.LastSeq}, nil
}

// BootstrapConfig says where a node that needs it gets a peer's backup.
type BootstrapConfig struct {
	// From is a peer's base URL (http://host:8080); empty means no
	// bootstrap: a node that needs one refuses to start.
	From string
	// Token is the bearer token of the peer's /api/admin/backup (its
	// --token).
	Token string
	// Client fetches the backup; nil means a client without an overall
	// timeout (a backup can be large) that gives up on a silent peer.
	Client *http.Client
	// Wait bounds how long the node waits for the journal's stream info
	// (a cluster still forming has none); 0 means 30 s. When it does not
	// come, the node starts as it is and its reader stops at a gap.
	Wait time.Duration
}

// ErrNeedsBootstrap reports a node whose store misses entries the
// journal no longer holds, started without a peer to bootstrap from.
var ErrNeedsBootstrap = errors.New("this node needs to bootstrap from a peer")

// Bootstrap prepares cfg.DataDir before the node opens its knowledge base
// on it (call it after Open, before indexer.Open). A node needs a
// bootstrap when the stream no longer holds the entry after the last one
// its store applied (the stream's retention dropped it): then, with
// b.From set, it downloads the peer's backup (GET /api/admin/backup with
// b.Token), restores it (replacing its store, rebuilding the index), and
// the knowledge base then reads the stream from the backup's applied
// entry on; without b.From it fails with ErrNeedsBootstrap. A node with
// an empty store and b.From set bootstraps too, when the stream holds
// entries (it is faster than replaying them all), and replays the
// stream when that fails; on a new cluster (no entries yet) it starts
// empty. It reports whether it restored a backup.
//
// Bootstrap never replaces a store holding documents that did not come
// from the journal (applied 0): it refuses.
func (n *Node) Bootstrap(ctx context.Context, cfg indexer.Config, b BootstrapConfig) (bool, error) {
	if b.From != "" {
		if _, err := backupURL(b.From); err != nil {
			return false, err
		}
	}
	st, err := indexer.ReadStoreState(cfg)
	if err != nil {
		return false, fmt.Errorf("bootstrap: %w", err)
	}
	r, err := n.waitRange(ctx, b.Wait)
	if err != nil {
		if ctx.Err() != nil {
			return false, fmt.Errorf("bootstrap: %w", err)
		}
		// A reader that meets a gap stops (indexer.ErrJournalGap).
		n.log.Warn("no stream info from the cluster yet; starting without checking the store against the journal's retention", "err", err)
		return false, nil
	}
	gap := r.Exists && st.Applied+1 < r.First
	empty := st.Applied == 0 && st.Documents == 0
	switch {
	case gap && b.From == "":
		has := fmt.Sprintf("its store holds the journal up to entry %d", st.Applied)
		if st.Applied == 0 {
			has = "its store is empty"
		}
		return false, fmt.Errorf("%w: %s, but the journal starts at entry %d now (its retention dropped the entries before); start it with --bootstrap-from http://PEER:PORT (and FUNDUS_BOOTSTRAP_TOKEN, the peer's --token) to restore a peer's backup",
			ErrNeedsBootstrap, has, r.First)
	case !gap && (b.From == "" || !empty || !r.Exists || r.Last == 0):
		return false, nil
	case st.Applied == 0 && st.Documents > 0:
		return false, fmt.Errorf("bootstrap: %s holds %d documents that did not come from the cluster journal, which a bootstrap would discard; move them to a data directory of their own (or remove them), then start again",
			cfg.DataDir, st.Documents)
	}
	n.log.Info("bootstrapping from a peer's backup", "from", b.From, "store_applied", st.Applied, "stream_first", r.First, "stream_last", r.Last)
	start := time.Now()
	docs, applied, err := fetchAndRestore(ctx, cfg, b)
	if err != nil {
		if !gap && ctx.Err() == nil {
			// The stream holds every entry: replaying it is slower,
			// but right (the failed restore left the store empty).
			n.log.Warn("bootstrapping from a peer's backup failed; reading the whole journal instead", "from", b.From, "err", err)
			return false, nil
		}
		return false, err
	}
	if applied+1 < r.First {
		// The peer was behind the retention too: its backup has the hole.
		return false, fmt.Errorf("bootstrap from %s: its backup holds the journal up to entry %d, but the journal starts at entry %d: bootstrap from a peer that is up to date", b.From, applied, r.First)
	}
	n.log.Info("bootstrapped from a peer's backup", "from", b.From, "documents", docs, "applied", applied, "took", time.Since(start).Round(time.Millisecond))
	return true, nil
}

// waitRange asks for the stream's range until it comes or wait ends.
func (n *Node) waitRange(ctx context.Context, wait time.Duration) (StreamRange, error) {
	if wait <= 0 {
		wait = 30 * time.Second
	}
	end := time.Now().Add(wait)
	for {
		actx, cancel := context.WithTimeout(ctx, 2*time.Second)
		r, err := n.Range(actx)
		cancel()
		if err == nil || ctx.Err() != nil || time.Now().After(end) {
			return r, err
		}
		select {
		case <-ctx.Done():
			return r, ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// fetchAndRestore downloads the peer's backup and restores it into
// cfg.DataDir, and returns the documents and the applied entry it holds.
func fetchAndRestore(ctx context.Context, cfg indexer.Config, b BootstrapConfig) (docs int, applied uint64, err error) {
	u, err := backupURL(b.From)
	if err != nil {
		return 0, 0, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return 0, 0, fmt.Errorf("bootstrap: %w", err)
	}
	if b.Token != "" {
		req.Header.Set("Authorization", "Bearer "+b.Token)
	}
	client := b.Client
	if client == nil {
		client = &http.Client{Transport: &http.Transport{
			Proxy:                 http.ProxyFromEnvironment,
			ResponseHeaderTimeout: time.Minute,
			TLSHandshakeTimeout:   10 * time.Second,
		}}
	}
	resp, err := client.Do(req)
	if err != nil {
		return 0, 0, fmt.Errorf("bootstrap: fetch the backup of %s: %w", b.From, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return 0, 0, fmt.Errorf("bootstrap: fetch the backup of %s: %s%s", b.From, resp.Status, refusal(resp))
	}
	if docs, err = indexer.RestoreReplacing(ctx, cfg, resp.Body); err != nil {
		return 0, 0, fmt.Errorf("bootstrap from %s: %w", b.From, err)
	}
	st, err := indexer.ReadStoreState(cfg)
	if err != nil {
		return 0, 0, fmt.Errorf("bootstrap from %s: %w", b.From, err)
	}
	return docs, st.Applied, nil
}

// backupURL returns the backup endpoint of the peer at base.
func backupURL(base string) (string, error) {
	u, err := url.Parse(strings.TrimSuffix(base, "/") + "/api/admin/backup")
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", fmt.Errorf("bootstrap: --bootstrap-from %q is not an http:// or https:// URL of a peer", base)
	}
	return u.String(), nil
}

// refusal explains a refused backup request from its error body and
// status.
func refusal(resp *http.Response) string {
	var body struct {
		Error struct {
			Message string `json:"message"`
		} `json:"error"`
	}
	msg := ""
	if raw, err := io.ReadAll(io.LimitReader(resp.Body, 4096)); err == nil && json.Unmarshal(raw, &body) == nil && body.Error.Message != "" {
		msg = " (" + body.Error.Message + ")"
	}
	switch resp.StatusCode {
	case http.StatusUnauthorized:
		msg += ": the peer did not accept the bootstrap token; set FUNDUS_BOOTSTRAP_TOKEN (or --token) to the peer's --token"
	case http.StatusForbidden:
		msg += ": the peer refuses administration from this address; give the peer a --token and set FUNDUS_BOOTSTRAP_TOKEN to it"
	case http.StatusNotFound:
		msg += ": the peer serves no backups (is it --read-only, or not Fundus?)"
	}
	return msg
}
