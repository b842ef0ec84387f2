// Package cluster connects a Fundus node to a replicated journal on NATS
// JetStream (see indexer.Journal and docs/cluster.md).
//
// # Why JetStream
//
// A cluster needs an ordered, replicated, durable log that survives the
// loss of a machine. JetStream provides one — streams replicated by Raft,
// file storage, an idempotent publish (Nats-Msg-Id with a duplicate
// window) — and embeds in a Go process, so a Fundus node runs no other
// program. Fundus writes no consensus code of its own.
//
// # Topology
//
// Open either embeds a NATS server with JetStream (Config.Listen set:
// file storage under Config.StoreDir, routes to Config.Peers, the client
// connection in-process) or connects to an external NATS system
// (Config.URL). Either way the journal is the stream FUNDUS_JOURNAL on
// subject fundus.journal, with min(3, nodes) replicas.
//
// # Reading
//
// Each node reads the stream with an ordered consumer (ephemeral, flow
// controlled, recreated from the last sequence it delivered), starting
// after the last entry its store recorded as applied; the store is the
// node's durable position, so no durable consumer state is needed.
package cluster

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"strconv"
	"sync"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/fundus-kb/fundus/indexer"
)

// Names of the journal in NATS.
const (
	Stream  = "FUNDUS_JOURNAL"
	Subject = "fundus.journal"
)

// DuplicateWindow is how long the stream remembers a Nats-Msg-Id, so
// that a publish retried within it is stored once. JetStream requires a
// MaxAge of at least this window.
const DuplicateWindow = 10 * time.Minute

// maxPayload is the largest message the embedded server takes (NATS's
// ceiling); indexer splits larger commits into entries well below it.
const maxPayload = 64 << 20

// Config configures a node's connection to the journal.
type Config struct {
	// Node names this node (the embedded server's name).
	Node string
	// Listen is the HOST:PORT the embedded server's cluster routes listen
	// on; Peers are the other nodes' Listen addresses. Listen set embeds
	// a server.
	Listen string
	Peers  []string
	// Advertise, when set, is the route address this node tells its
	// peers about (nats-server's cluster advertise), for a node behind
	// NAT or a proxy.
	Advertise string
	// StoreDir holds the embedded server's JetStream files.
	StoreDir string
	// URL is an external NATS system's address (instead of Listen).
	URL string
	// Replicas is the number of stream replicas; 0 means min(3, nodes).
	Replicas int
	// TLS secures the embedded server's routes with mutual TLS; User and
	// Password are the credentials every route must present (see
	// security.go). Both are off when empty.
	TLS            TLSFiles
	User, Password string
	// NATSCreds is a credentials file and NATSCA a CA file for the
	// connection to the external NATS system (URL); NATSCert and NATSKey
	// are this node's client certificate and key for mutual TLS with it.
	NATSCreds, NATSCA string
	NATSCert, NATSKey string
	Logger            *slog.Logger

	// MaxMsgs and MaxAge bound the stream's retention when it is
	// created (0: unlimited, the default); MaxAge must be at least
	// DuplicateWindow. An existing stream keeps its limits (a node whose
	// limits differ logs a warning). A node whose store is older than the
	// retention bootstraps from a peer's backup (Bootstrap).
	MaxMsgs int64
	MaxAge  time.Duration
}

// checkRetention refuses retention limits JetStream would refuse.
func (c Config) checkRetention() error {
	if c.MaxMsgs < 0 || c.MaxAge < 0 {
		return fmt.Errorf("cluster: negative journal retention (max entries %d, max age %s)", c.MaxMsgs, c.MaxAge)
	}
	if c.MaxAge > 0 && c.MaxAge < DuplicateWindow {
		return fmt.Errorf("cluster: journal max age %s is below the stream's duplicate window of %s, the minimum", c.MaxAge, DuplicateWindow)
	}
	return nil
}

// Node is a connection to the journal: it implements indexer.Journal.
type Node struct {
	cfg  Config
	log  *slog.Logger
	srv  *server.Server // nil with an external NATS
	nc   *nats.Conn
	js   jetstream.JetStream
	repl int

	limitsChecked sync.Once // warnLimits runs once
}

var _ indexer.Journal = (*Node)(nil)

// Open starts the embedded server (or connects to Config.URL) and
// returns the node. The stream is created on first use, once the cluster
// has formed.
func Open(ctx context.Context, cfg Config) (*Node, error) {
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if err := cfg.checkRetention(); err != nil {
		return nil, err
	}
	n := &Node{cfg: cfg, log: log, repl: cfg.Replicas}
	if n.repl <= 0 {
		n.repl = min(3, len(cfg.Peers)+1)
	}
	var opts []nats.Option
	switch {
	case cfg.Listen != "" && cfg.URL != "":
		return nil, errors.New("cluster: give either a cluster listen address or a NATS URL, not both")
	case cfg.Listen != "":
		srv, pass, err := startServer(cfg, log)
		if err != nil {
			return nil, err
		}
		n.srv = srv
		opts = append(opts, nats.InProcessServer(srv), nats.UserInfo(localUser, pass))
	case cfg.URL == "":
		return nil, errors.New("cluster: no cluster listen address and no NATS URL given")
	default:
		ext, err := externalOptions(cfg)
		if err != nil {
			return nil, err
		}
		opts = append(opts, ext...)
	}
	opts = append(opts, nats.Name("fundus "+cfg.Node), nats.MaxReconnects(-1), nats.ReconnectWait(250*time.Millisecond))
	nc, err := nats.Connect(cfg.URL, opts...)
	if err != nil {
		n.Close()
		return nil, fmt.Errorf("cluster: connect to NATS: %w", err)
	}
	n.nc = nc
	if n.js, err = jetstream.New(nc); err != nil {
		n.Close()
		return nil, fmt.Errorf("cluster: JetStream: %w", err)
	}
	log.Info("cluster node started", "node", cfg.Node, "listen", cfg.Listen, "peers", cfg.Peers, "nats", cfg.URL, "replicas", n.repl,
		"route_tls", cfg.TLS.Enabled(), "route_auth", cfg.User != "", "nats_client_cert", cfg.NATSCert != "", "journal_max_entries", cfg.MaxMsgs, "journal_max_age", cfg.MaxAge)
	return n, nil
}

// startServer starts the embedded server; it returns the password of its
// client port (security.go).
func startServer(cfg Config, log *slog.Logger) (*server.Server, string, error) {
	host, port, err := splitHostPort(cfg.Listen)
	if err != nil {
		return nil, "", fmt.Errorf("cluster: listen address %q: %w", cfg.Listen, err)
	}
	opts := &server.Options{
		ServerName: cfg.Node,
		// Fundus's own client connects in-process, but the server's
		// routing waits for a client listener (DontListen stops it), so
		// there is one, on a random loopback port, behind a random
		// password (security.go).
		Host:       "127.0.0.1",
		Port:       server.RANDOM_PORT,
		JetStream:  true,
		StoreDir:   cfg.StoreDir,
		MaxPayload: maxPayload,
		NoSigs:     true,
		Cluster: server.ClusterOpts{
			Name: "fundus",
			Host: host,
			Port: port,
			// Only the configured routes: peers are not told about each
			// other's addresses (they all know them already).
			NoAdvertise: true,
			Advertise:   cfg.Advertise,
		},
	}
	pass, err := secure(opts, cfg)
	if err != nil {
		return nil, "", err
	}
	if len(cfg.Peers) == 0 {
		// A cluster of one: JetStream stands alone (a clustered
		// JetStream without peers never elects a meta leader).
		opts.Cluster, opts.Routes = server.ClusterOpts{}, nil
	}
	srv, err := server.NewServer(opts)
	if err != nil {
		return nil, "", fmt.Errorf("cluster: embedded NATS server: %w", err)
	}
	srv.SetLoggerV2(natsLogger{log}, false, false, false)
	srv.Start()
	if !srv.ReadyForConnections(10 * time.Second) {
		srv.Shutdown()
		return nil, "", errors.New("cluster: embedded NATS server did not start within 10s")
	}
	return srv, pass, nil
}

func splitHostPort(addr string) (string, int, error) {
	h, p, err := net.SplitHostPort(addr)
	if err != nil {
		return "", 0, err
	}
	port, err := strconv.Atoi(p)
	if err != nil {
		return "", 0, fmt.Errorf("port %q: %w", p, err)
	}
	return h, port, nil
}

// Name returns the node's name.
func (n *Node) Name() string { return n.cfg.Node }

// Close closes the connection and stops the embedded server.
func (n *Node) Close() error {
	if n.nc != nil {
		n.nc.Close()
	}
	if n.srv != nil {
		n.srv.Shutdown()
		n.srv.WaitForShutdown()
	}
	return nil
}

// ensureStream creates the stream when it does not exist.
func (n *Node) ensureStream(ctx context.Context) (jetstream.Stream, error) {
	s, err := n.js.Stream(ctx, Stream)
	if err == nil {
		n.warnLimits(s.CachedInfo().Config)
		return s, nil
	}
	if !errors.Is(err, jetstream.ErrStreamNotFound) {
		return nil, err
	}
	s, err = n.js.CreateStream(ctx, jetstream.StreamConfig{
		Name:       Stream,
		Subjects:   []string{Subject},
		Storage:    jetstream.FileStorage,
		Replicas:   n.repl,
		Duplicates: DuplicateWindow,
		MaxMsgSize: maxPayload,
		MaxMsgs:    n.cfg.MaxMsgs,
		MaxAge:     n.cfg.MaxAge,
	})
	if err == nil {
		n.log.Info("cluster journal stream created", "stream", Stream, "replicas", n.repl, "max_entries", n.cfg.MaxMsgs, "max_age", n.cfg.MaxAge)
	}
	return s, err
}

// warnLimits warns, once, when an existing stream's retention differs
// from this node's configuration: the limits are set when the stream is
// created, and a node does not change them.
func (n *Node) warnLimits(sc jetstream.StreamConfig) {
	n.limitsChecked.Do(func() {
		if max(sc.MaxMsgs, 0) == n.cfg.MaxMsgs && sc.MaxAge == n.cfg.MaxAge {
			return
		}
		n.log.Warn("the cluster journal stream exists with other retention limits than this node's; they stay as they are (change them with `nats stream edit "+Stream+"`)",
			"stream_max_entries", max(sc.MaxMsgs, 0), "stream_max_age", sc.MaxAge, "node_max_entries", n.cfg.MaxMsgs, "node_max_age", n.cfg.MaxAge)
	})
}

// Limits are the retention limits of the journal's stream (0: unlimited).
type Limits struct {
	MaxMsgs int64
	MaxAge  time.Duration
}

// StreamLimits returns the retention limits of the journal's stream; it
// fails with jetstream.ErrStreamNotFound before the first write created
// it.
func (n *Node) StreamLimits(ctx context.Context) (Limits, error) {
	s, err := n.js.Stream(ctx, Stream)
	if err != nil {
		return Limits{}, fmt.Errorf("journal stream info: %w", err)
	}
	sc := s.CachedInfo().Config
	return Limits{MaxMsgs: max(sc.MaxMsgs, 0), MaxAge: sc.MaxAge}, nil
}

// Publish appends an entry (indexer.Journal). It retries, with the same
// message id (so at most one copy is stored), until ctx ends, and then
// fails with an error wrapping indexer.ErrNoQuorum.
func (n *Node) Publish(ctx context.Context, entry []byte, msgID string) (uint64, error) {
	var last error
	for {
		ack, err := n.js.PublishMsg(ctx, &nats.Msg{Subject: Subject, Data: entry}, jetstream.WithMsgID(msgID), jetstream.WithExpectStream(Stream))
		if err == nil {
			return ack.Sequence, nil
		}
		last = err
		if errors.Is(err, jetstream.ErrNoStreamResponse) || errors.Is(err, nats.ErrNoResponders) {
			// No stream yet (a new cluster), or no leader: make sure it
			// exists, then try again.
			if _, serr := n.ensureStream(ctx); serr != nil {
				last = serr
			}
		}
		select {
		case <-ctx.Done():
			return 0, fmt.Errorf("%w: %v", indexer.ErrNoQuorum, last)
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// Consume reads the stream in order from after+1 (indexer.Journal).
func (n *Node) Consume(ctx context.Context, after uint64, apply func(indexer.JournalEntry) error) error {
	sctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	stream, err := n.ensureStream(sctx)
	cancel()
	if err != nil {
		return fmt.Errorf("journal stream: %w", err)
	}
	cons, err := n.js.OrderedConsumer(ctx, Stream, jetstream.OrderedConsumerConfig{
		DeliverPolicy: jetstream.DeliverByStartSequencePolicy,
		OptStartSeq:   after + 1,
	})
	if err != nil {
		return fmt.Errorf("journal consumer: %w", err)
	}
	it, err := cons.Messages()
	if err != nil {
		return fmt.Errorf("journal consumer: %w", err)
	}
	stop := context.AfterFunc(ctx, it.Stop)
	defer stop()
	defer it.Stop()
	last := after
	for {
		msg, err := it.Next(jetstream.NextMaxWait(2 * time.Second))
		if errors.Is(err, nats.ErrTimeout) {
			// Nothing came. A consumer created while the stream was
			// still electing its leader can sit idle until it resets
			// itself; when the stream holds more than it delivered,
			// start a new one at once.
			ictx, cancel := context.WithTimeout(ctx, time.Second)
			info, ierr := stream.Info(ictx)
			cancel()
			if ierr == nil && info.State.LastSeq > last {
				return fmt.Errorf("journal consumer stalled at %d of %d", last, info.State.LastSeq)
			}
			continue
		}
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			return fmt.Errorf("journal consumer: %w", err)
		}
		md, err := msg.Metadata()
		if err != nil {
			return fmt.Errorf("journal entry metadata: %w", err)
		}
		if md.Sequence.Stream > last+1 {
			// The stream's retention dropped entries this node has
			// not applied (the consumer starts at the first it holds).
			return fmt.Errorf("%w: the next entry to apply is %d, the journal's next is %d", indexer.ErrJournalGap, last+1, md.Sequence.Stream)
		}
		e := indexer.JournalEntry{
			Seq:     md.Sequence.Stream,
			MsgID:   msg.Headers().Get(jetstream.MsgIDHeader),
			Data:    msg.Data(),
			Time:    md.Timestamp,
			Pending: md.NumPending,
		}
		if err := apply(e); err != nil {
			return err
		}
		last = e.Seq
	}
}

// natsLogger sends the embedded server's log to slog.
type natsLogger struct{ l *slog.Logger }

func (g natsLogger) Noticef(f string, a ...any) { g.l.Debug(fmt.Sprintf(f, a...), "component", "nats") }
func (g natsLogger) Warnf(f string, a ...any)   { g.l.Warn(fmt.Sprintf(f, a...), "component", "nats") }
func (g natsLogger) Fatalf(f string, a ...any)  { g.l.Error(fmt.Sprintf(f, a...), "component", "nats") }
func (g natsLogger) Errorf(f string, a ...any)  { g.l.Error(fmt.Sprintf(f, a...), "component", "nats") }
func (g natsLogger) Debugf(f string, a ...any)  { g.l.Debug(fmt.Sprintf(f, a...), "component", "nats") }
func (g natsLogger) Tracef(f string, a ...any)  { g.l.Debug(fmt.Sprintf(f, a...), "component", "nats") }
