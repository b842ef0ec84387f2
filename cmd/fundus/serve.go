package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/fundus-kb/fundus/indexer"
	"github.com/fundus-kb/fundus/indexer/demo"
	"github.com/fundus-kb/fundus/search"
	"github.com/fundus-kb/fundus/web"
)

func serveCmd(e *env) *cobra.Command {
	var dir, addr, token, readToken, metricsAddr, network, devDir string
	var watchDirs, publicURLs []string
	var loadDemo, readOnly, dev bool
	var maxBody int64
	var retention time.Duration
	limits := web.DefaultLimits()
	var cf clusterFlags
	var bf bootstrapFlags
	cmd := &cobra.Command{
		Use:   "serve [--data DIR] [--addr 127.0.0.1:8080] [--demo]",
		Short: "Serve the search API over HTTP",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			if token == "" && !readOnly && !loopbackAddr(addr) {
				return &usageError{fmt.Errorf("refusing to listen on %s without a token: set --token (or FUNDUS_API_TOKEN) for writes, or pass --read-only", addr)}
			}
			if err := checkTokens(token, readToken, readOnly); err != nil {
				return err
			}
			if err := bf.check(cf.enabled()); err != nil {
				return err
			}
			if err := cf.checkRetention(); err != nil {
				return err
			}
			if metricsAddr != "" && metricsAddr == addr && !strings.HasSuffix(addr, ":0") {
				return &usageError{fmt.Errorf("--metrics-addr %s is the --addr: give metrics an address of their own", metricsAddr)}
			}
			if maxBody <= 0 {
				return &usageError{fmt.Errorf("--max-body must be positive")}
			}
			if limits.MaxSearches < 0 || limits.MaxQueued < 0 || limits.MaxClientSearches < 0 || limits.QueueWait < 0 || limits.SearchTimeout < 0 {
				return &usageError{fmt.Errorf("--max-searches, --search-queue, --max-client-searches, --queue-wait and --search-timeout must not be negative")}
			}
			if cmd.Flags().Changed("dev-dir") {
				dev = true
			}
			if dev {
				abs, err := webSourceDir(devDir)
				if err != nil {
					return &usageError{err}
				}
				devDir = abs
			}
			var public []*url.URL
			for _, raw := range publicURLs {
				u, err := web.ParsePublicURL(raw)
				if err != nil {
					return &usageError{fmt.Errorf("--public-url (or FUNDUS_PUBLIC_URL): %w", err)}
				}
				public = append(public, u)
			}
			// Bind the port first: a port in use is named at once, before
			// the store is opened and the demo loaded. Connections wait in
			// the backlog until the server below takes them.
			ln, err := net.Listen("tcp", addr)
			if err != nil {
				return fmt.Errorf("listen on %s: %w", addr, err)
			}
			defer ln.Close()
			kcfg := indexer.Config{DataDir: dir, Logger: e.log, Background: true}
			if cf.enabled() {
				j, err := cf.open(ctx, e, dir)
				if err != nil {
					return err
				}
				defer j.Close()
				kcfg.Journal, kcfg.Node = j, j.Name()
				if err := bf.run(ctx, e, j, kcfg, token); err != nil {
					return err
				}
			}
			kb, err := indexer.Open(ctx, kcfg)
			if err != nil {
				return lockedMessage(err, dir)
			}
			defer kb.Close()
			if loadDemo {
				// The demo is loaded before listening: `make run` should
				// open on a ready knowledge base.
				if err := kb.WaitReady(ctx); err != nil {
					return err
				}
				if err := loadDemoCorpus(ctx, e, kb); err != nil {
					return err
				}
			}
			if err := warnExposure(e, kb, token, readToken, readOnly, metricsAddr); err != nil {
				return err
			}
			// The Host allowlist takes the listen address as given (a name
			// stays a name) with the port actually bound (for :0).
			listenHost, _, _ := net.SplitHostPort(addr)
			_, port, _ := net.SplitHostPort(ln.Addr().String())
			cfg := web.Config{
				Logger: e.log, Token: token, ReadToken: readToken, ReadOnly: readOnly, MaxBodyBytes: maxBody, Limits: limits,
				PublicURLs: public, ListenAddr: net.JoinHostPort(listenHost, port), SeparateMetrics: metricsAddr != "",
				Network: network,
			}
			if dev {
				cfg.DevDir = devDir
				fmt.Fprintf(e.stderr, "fundus: dev mode: templates and static files are read from %s on each request\n", devDir)
			}
			handler, err := web.NewServer(cfg, kb, kb)
			if err != nil {
				return err
			}
			if metricsAddr != "" {
				stop, err := serveMetrics(e, metricsAddr, handler.MetricsHandler())
				if err != nil {
					ln.Close()
					return err
				}
				defer stop()
			}
			srv := &http.Server{
				Handler:           handler,
				ReadHeaderTimeout: 10 * time.Second,
				ReadTimeout:       60 * time.Second,
				WriteTimeout:      5 * time.Minute,
				IdleTimeout:       2 * time.Minute,
			}
			fmt.Fprintf(e.stderr, "fundus: serving http://%s/ (data %s)\n", ln.Addr(), dir)
			e.log.Info("search limits", "max_searches", limits.MaxSearches, "search_queue", limits.MaxQueued, "queue_wait", limits.QueueWait, "max_client_searches", limits.MaxClientSearches,
				"search_timeout", limits.SearchTimeout, "max_expansions", search.MaxExpansions, "search_rate", limits.SearchRate, "search_burst", limits.SearchBurst)
			for _, u := range public {
				fmt.Fprintf(e.stderr, "fundus: public URL %s\n", u)
			}
			mctx, stopMaintenance := context.WithCancel(ctx)
			defer stopMaintenance()
			go kb.Maintain(mctx, 10*time.Minute, retention)
			go func() {
				if err := kb.WaitReady(mctx); err != nil {
					return
				}
				start := time.Now()
				if err := kb.Warm(mctx); err != nil {
					e.log.Warn("warming the index failed; searches will prepare it", "err", err)
					return
				}
				e.log.Debug("index warmed", "took", time.Since(start))
			}()
			// SIGHUP reloads the glossary (synonyms and topic aliases);
			// `fundus synonyms reload` sends it.
			hup := make(chan os.Signal, 1)
			signal.Notify(hup, syscall.SIGHUP)
			defer signal.Stop(hup)
			go func() {
				for {
					select {
					case <-mctx.Done():
						return
					case <-hup:
						if err := kb.WaitReady(mctx); err != nil {
							return
						}
						if g, err := kb.ReloadGlossary(); err != nil {
							e.log.Error("glossary reload failed; keeping the current glossary", "err", err)
						} else {
							e.log.Info("glossary reloaded", "synonym_groups", g.Groups(), "topic_aliases", g.TopicAliases())
						}
					}
				}
			}()
			for _, d := range watchDirs {
				abs, err := filepath.Abs(d)
				if err != nil {
					return err
				}
				go func() {
					if err := kb.WaitReady(mctx); err != nil {
						return
					}
					if err := watchFolder(mctx, e, kb, abs); err != nil {
						e.log.Error("watching stopped", "dir", abs, "err", err)
					}
				}()
			}
			errc := make(chan error, 1)
			go func() { errc <- srv.Serve(ln) }()
			select {
			case err := <-errc:
				return fmt.Errorf("serve: %w", err)
			case <-ctx.Done():
			}
			e.log.Info("shutting down")
			sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			if err := srv.Shutdown(sctx); err != nil && !errors.Is(err, http.ErrServerClosed) {
				return fmt.Errorf("shutdown: %w", err)
			}
			return nil
		},
	}
	dataFlag(e, cmd, &dir)
	cf.add(e, cmd)
	bf.add(e, cmd)
	cmd.Flags().StringVar(&addr, "addr", "127.0.0.1:8080", "address to listen on")
	cmd.Flags().BoolVar(&loadDemo, "demo", false, "load the built-in demo corpus when the data directory is empty")
	cmd.Flags().StringVar(&token, "token", e.getenv("FUNDUS_API_TOKEN"), "bearer token required for writes (env FUNDUS_API_TOKEN); without it, writes are accepted from loopback only")
	cmd.Flags().StringArrayVar(&watchDirs, "watch", nil, "keep the knowledge base in step with this folder (repeatable)")
	cmd.Flags().StringVar(&readToken, "read-token", e.getenv("FUNDUS_READ_TOKEN"), "bearer token that admits reads of members-only documents (env FUNDUS_READ_TOKEN)")
	cmd.Flags().BoolVar(&readOnly, "read-only", false, "refuse every write")
	cmd.Flags().StringArrayVar(&publicURLs, "public-url", splitList(e.getenv("FUNDUS_PUBLIC_URL")), "an address the server is reached at, such as https://kb.example.org (repeatable; env FUNDUS_PUBLIC_URL, comma-separated); the first is the base of absolute links, and requests for any Host but these, the listen address and localhost get 421")
	cmd.Flags().StringVar(&network, "network", e.getenv("FUNDUS_NETWORK"), "the learning network's name, cited as publisher and as the author of documents without an organisation (env FUNDUS_NETWORK; default \"Lernnetzwerk Offene Innovation\")")
	cmd.Flags().BoolVar(&dev, "dev", false, "for work on the web interface: read its templates and static files from disk on each request (from --dev-dir) instead of the copies built in, and show a template's error on its 500 page; not for production")
	cmd.Flags().StringVar(&devDir, "dev-dir", "web", "the folder --dev reads, holding templates/ and static/; relative paths start at the working directory, so the default suits the source tree's root (implies --dev)")
	cmd.Flags().StringVar(&metricsAddr, "metrics-addr", "", "serve /metrics on this address alone, without a token (and not on --addr)")
	cmd.Flags().Int64Var(&maxBody, "max-body", web.DefaultMaxBody, "largest request body in bytes")
	cmd.Flags().Float64Var(&limits.SearchRate, "search-rate", limits.SearchRate, "searches per second per client (0: unlimited)")
	cmd.Flags().IntVar(&limits.SearchBurst, "search-burst", limits.SearchBurst, "burst of searches per client")
	cmd.Flags().Float64Var(&limits.WriteRate, "write-rate", limits.WriteRate, "writes per second per client (0: unlimited)")
	cmd.Flags().IntVar(&limits.WriteBurst, "write-burst", limits.WriteBurst, "burst of writes per client")
	cmd.Flags().BoolVar(&limits.LimitLoopback, "limit-loopback", false, "apply the rate limits to loopback clients too")
	cmd.Flags().IntVar(&limits.MaxSearches, "max-searches", limits.MaxSearches, "searches running at once (default: twice the cores); more wait in the queue or get a fast 503 busy (0: unbounded)")
	cmd.Flags().IntVar(&limits.MaxQueued, "search-queue", limits.MaxQueued, "searches that may wait for a running one to finish (default: four times the cores); more get a fast 503 busy")
	cmd.Flags().IntVar(&limits.MaxClientSearches, "max-client-searches", limits.MaxClientSearches, "searches of one client running or waiting at once (default: the cores; loopback clients are spared unless --limit-loopback); more get a fast 503 busy (0: unbounded)")
	cmd.Flags().DurationVar(&limits.QueueWait, "queue-wait", limits.QueueWait, "how long a search waits in the queue before it gets 503 busy")
	cmd.Flags().DurationVar(&limits.SearchTimeout, "search-timeout", limits.SearchTimeout, "deadline of each search; a search that runs longer is stopped and gets 503 timeout (0: none)")
	cmd.Flags().DurationVar(&retention, "trash-retention", DefaultTrashRetention, "purge deleted documents from the trash after this long (0 keeps them)")
	return cmd
}

// webSourceDir checks that dir holds the web interface's templates and
// static folders, for --dev, and returns it as an absolute path.
func webSourceDir(dir string) (string, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", fmt.Errorf("--dev-dir %s: %w", dir, err)
	}
	for _, sub := range []string{"templates", "static"} {
		if fi, err := os.Stat(filepath.Join(abs, sub)); err != nil || !fi.IsDir() {
			return "", fmt.Errorf("--dev reads the web interface from %s, which has no folder %s: run serve in the source tree's root or pass --dev-dir (the folder web of the source tree)", abs, sub)
		}
	}
	return abs, nil
}

// splitList splits a comma-separated list, dropping empty items.
func splitList(s string) []string {
	var out []string
	for item := range strings.SplitSeq(s, ",") {
		if item = strings.TrimSpace(item); item != "" {
			out = append(out, item)
		}
	}
	return out
}

// checkTokens refuses token settings that would let the wrong people in.
func checkTokens(token, readToken string, readOnly bool) error {
	if token != "" && readToken != "" && token == readToken {
		return &usageError{fmt.Errorf("--read-token is the same as --token: every reader could write; give them different values")}
	}
	if readToken != "" && token == "" && !readOnly {
		return &usageError{fmt.Errorf("refusing to serve with --read-token but no --token: with a read token, writes and administration need the write token; set --token (or FUNDUS_API_TOKEN), or pass --read-only")}
	}
	return nil
}

// warnExposure warns about settings under which administration or metrics
// are unavailable over HTTP, or members-only documents reach nobody.
func warnExposure(e *env, kb *indexer.KB, token, readToken string, readOnly bool, metricsAddr string) error {
	warn := func(format string, args ...any) {
		fmt.Fprintf(e.stderr, "fundus: WARNING: "+format+"\n", args...)
	}
	if token == "" && readToken != "" {
		warn("no --token: administration (backup, trash) and /metrics are refused over HTTP; stop the server for `fundus backup --data DIR`, or set --token (and --metrics-addr for metrics)")
	}
	if token == "" && readToken == "" {
		n, err := kb.MembersOnly()
		if err != nil {
			return err
		}
		if n > 0 {
			warn("the data holds %d members-only documents but no token is set: nobody can see them over HTTP, and administration (backup, trash) is refused, because it would hand them out; set --read-token for members and --token for administration", n)
		}
	}
	if metricsAddr != "" && !loopbackAddr(metricsAddr) {
		warn("metrics on %s are served without a token to anyone who can reach that address", metricsAddr)
	}
	return nil
}

// serveMetrics serves the metrics handler at /metrics on addr until stop
// is called.
func serveMetrics(e *env, addr string, h http.Handler) (stop func(), err error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("listen on --metrics-addr %s: %w", addr, err)
	}
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", h)
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second, WriteTimeout: time.Minute}
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			e.log.Error("metrics server stopped", "addr", addr, "err", err)
		}
	}()
	fmt.Fprintf(e.stderr, "fundus: serving metrics at http://%s/metrics\n", ln.Addr())
	return func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		srv.Shutdown(ctx)
	}, nil
}

// loopbackAddr reports whether a listen address binds to loopback only.
func loopbackAddr(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// loadDemoCorpus ingests the embedded demo corpus into an empty knowledge
// base. A knowledge base that has documents is left alone.
func loadDemoCorpus(ctx context.Context, e *env, kb *indexer.KB) error {
	st, err := kb.Stats()
	if err != nil {
		return err
	}
	if st.Documents > 0 {
		e.log.Info("data directory has documents; not loading the demo corpus", "documents", st.Documents)
		return nil
	}
	sum, err := kb.Ingest(ctx, []indexer.Source{{FS: demo.FS(), Root: "demo"}}, indexer.IngestOptions{
		OnError: func(err error) { e.log.Error("demo corpus", "err", err) },
	})
	if err != nil {
		return fmt.Errorf("load demo corpus: %w", err)
	}
	if sum.Failed > 0 {
		return fmt.Errorf("load demo corpus: %d documents failed", sum.Failed)
	}
	fmt.Fprintf(e.stderr, "fundus: loaded %d demo documents\n", sum.Added)
	return nil
}
