package main

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/fundus-kb/fundus/indexer/cluster"
)

// clusterSecurity are serve's flags that secure the routes between
// embedded servers (mutual TLS, credentials) and the connection to an
// external NATS (credentials file, CA). The route password is read from
// the environment or a file, never from a flag: a flag shows in ps.
type clusterSecurity struct {
	tlsCert, tlsKey, tlsCA string
	user, passwordFile     string
	password               string // FUNDUS_CLUSTER_PASSWORD
	natsCreds, natsCA      string
	natsCert, natsKey      string
}

func (s *clusterSecurity) add(e *env, cmd *cobra.Command) {
	f := cmd.Flags()
	f.StringVar(&s.tlsCert, "cluster-tls-cert", e.getenv("FUNDUS_CLUSTER_TLS_CERT"), "PEM certificate of this node for mutual TLS on cluster routes; needs --cluster-tls-key and --cluster-tls-ca (env FUNDUS_CLUSTER_TLS_CERT)")
	f.StringVar(&s.tlsKey, "cluster-tls-key", e.getenv("FUNDUS_CLUSTER_TLS_KEY"), "PEM private key of --cluster-tls-cert (env FUNDUS_CLUSTER_TLS_KEY)")
	f.StringVar(&s.tlsCA, "cluster-tls-ca", e.getenv("FUNDUS_CLUSTER_TLS_CA"), "PEM CA certificate(s) a peer's route certificate must be signed by (env FUNDUS_CLUSTER_TLS_CA)")
	f.StringVar(&s.user, "cluster-user", e.getenv("FUNDUS_CLUSTER_USER"), "user name every cluster route must present, the same on every node; the password comes from FUNDUS_CLUSTER_PASSWORD or --cluster-password-file (env FUNDUS_CLUSTER_USER)")
	f.StringVar(&s.passwordFile, "cluster-password-file", e.getenv("FUNDUS_CLUSTER_PASSWORD_FILE"), "file holding the password of --cluster-user (env FUNDUS_CLUSTER_PASSWORD_FILE; or the password itself in FUNDUS_CLUSTER_PASSWORD)")
	f.StringVar(&s.natsCreds, "nats-creds", e.getenv("FUNDUS_NATS_CREDS"), "NATS credentials file (user JWT and NKey seed) for --nats (env FUNDUS_NATS_CREDS)")
	f.StringVar(&s.natsCA, "nats-ca", e.getenv("FUNDUS_NATS_CA"), "PEM CA certificate(s) to verify the --nats server's TLS certificate with (env FUNDUS_NATS_CA)")
	f.StringVar(&s.natsCert, "nats-cert", e.getenv("FUNDUS_NATS_CERT"), "PEM client certificate of this node for mutual TLS with the --nats server; needs --nats-key (env FUNDUS_NATS_CERT)")
	f.StringVar(&s.natsKey, "nats-key", e.getenv("FUNDUS_NATS_KEY"), "PEM private key of --nats-cert (env FUNDUS_NATS_KEY)")
	s.password = e.getenv("FUNDUS_CLUSTER_PASSWORD")
}

// natsFlags reports whether any flag of the external NATS connection is
// set.
func (s *clusterSecurity) natsFlags() bool {
	return s.natsCreds != "" || s.natsCA != "" || s.natsCert != "" || s.natsKey != ""
}

// routeFlags reports whether any flag securing routes is set.
func (s *clusterSecurity) routeFlags() bool {
	return s.tlsCert != "" || s.tlsKey != "" || s.tlsCA != "" || s.user != "" || s.passwordFile != "" || s.password != ""
}

// any reports whether any of the flags is set.
func (s *clusterSecurity) any() bool { return s.routeFlags() || s.natsFlags() }

// apply checks the flags (and their files) against the cluster mode
// chosen (embedded: listen set; external: nats set) and sets them in
// cfg. Every error names the flag.
func (s *clusterSecurity) apply(cfg *cluster.Config, embedded, external bool) error {
	if s.routeFlags() && !embedded {
		return &usageError{errors.New("--cluster-tls-cert, --cluster-tls-key, --cluster-tls-ca, --cluster-user and the cluster password secure the routes of the embedded server: they need --cluster-listen (with --nats, use --nats-creds, --nats-ca, --nats-cert and --nats-key)")}
	}
	if s.natsFlags() && !external {
		return &usageError{errors.New("--nats-creds, --nats-ca, --nats-cert and --nats-key are for the connection to an external NATS: they need --nats")}
	}
	if s.tlsCert != "" || s.tlsKey != "" || s.tlsCA != "" {
		var missing []string
		for _, m := range []struct{ flag, v string }{{"--cluster-tls-cert", s.tlsCert}, {"--cluster-tls-key", s.tlsKey}, {"--cluster-tls-ca", s.tlsCA}} {
			if m.v == "" {
				missing = append(missing, m.flag)
			}
		}
		if len(missing) > 0 {
			return &usageError{fmt.Errorf("mutual TLS on cluster routes needs --cluster-tls-cert, --cluster-tls-key and --cluster-tls-ca together: %s missing", strings.Join(missing, " and "))}
		}
		if _, err := tls.LoadX509KeyPair(s.tlsCert, s.tlsKey); err != nil {
			return &usageError{fmt.Errorf("--cluster-tls-cert %s with --cluster-tls-key %s: %w", s.tlsCert, s.tlsKey, err)}
		}
		if err := checkCAFile("--cluster-tls-ca", s.tlsCA); err != nil {
			return err
		}
		cfg.TLS = cluster.TLSFiles{Cert: s.tlsCert, Key: s.tlsKey, CA: s.tlsCA}
	}
	password := s.password
	if s.passwordFile != "" {
		if password != "" {
			return &usageError{errors.New("the cluster password is given twice, in FUNDUS_CLUSTER_PASSWORD and by --cluster-password-file: give one")}
		}
		b, err := os.ReadFile(s.passwordFile)
		if err != nil {
			return &usageError{fmt.Errorf("--cluster-password-file: %w", err)}
		}
		if password = strings.TrimRight(string(b), "\r\n"); password == "" {
			return &usageError{fmt.Errorf("--cluster-password-file %s is empty", s.passwordFile)}
		}
	}
	switch {
	case s.user != "" && password == "":
		return &usageError{errors.New("--cluster-user needs a password: set FUNDUS_CLUSTER_PASSWORD or --cluster-password-file")}
	case s.user == "" && password != "":
		return &usageError{errors.New("a cluster password is set (FUNDUS_CLUSTER_PASSWORD or --cluster-password-file) but no --cluster-user")}
	}
	cfg.User, cfg.Password = s.user, password
	if s.natsCreds != "" {
		b, err := os.ReadFile(s.natsCreds)
		if err != nil {
			return &usageError{fmt.Errorf("--nats-creds: %w", err)}
		}
		if !strings.Contains(string(b), "-----BEGIN NATS USER JWT-----") {
			return &usageError{fmt.Errorf("--nats-creds %s is not a NATS credentials file (no \"BEGIN NATS USER JWT\" block; nsc and the NATS CLI write them)", s.natsCreds)}
		}
		cfg.NATSCreds = s.natsCreds
	}
	if s.natsCA != "" {
		if err := checkCAFile("--nats-ca", s.natsCA); err != nil {
			return err
		}
		cfg.NATSCA = s.natsCA
	}
	switch {
	case s.natsCert != "" && s.natsKey == "":
		return &usageError{errors.New("--nats-cert needs --nats-key (the key of the client certificate)")}
	case s.natsKey != "" && s.natsCert == "":
		return &usageError{errors.New("--nats-key needs --nats-cert (the client certificate it belongs to)")}
	case s.natsCert != "":
		if _, err := tls.LoadX509KeyPair(s.natsCert, s.natsKey); err != nil {
			return &usageError{fmt.Errorf("--nats-cert %s with --nats-key %s: %w", s.natsCert, s.natsKey, err)}
		}
		cfg.NATSCert, cfg.NATSKey = s.natsCert, s.natsKey
	}
	return nil
}

// checkCAFile checks that path, given by flag, holds PEM certificates.
func checkCAFile(flag, path string) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return &usageError{fmt.Errorf("%s: %w", flag, err)}
	}
	if !x509.NewCertPool().AppendCertsFromPEM(b) {
		return &usageError{fmt.Errorf("%s %s holds no PEM certificate", flag, path)}
	}
	return nil
}

// warnOpenRoutes warns when routes listen beyond loopback with neither
// TLS nor credentials: anyone who reaches the port could join the
// cluster and write to its journal.
func (s *clusterSecurity) warnOpenRoutes(e *env, listen string) {
	if listen == "" || loopbackAddr(listen) || s.routeFlags() {
		return
	}
	fmt.Fprintf(e.stderr, "fundus: WARNING: cluster routes on %s have neither TLS nor credentials: whoever reaches that address can join the cluster and write; set --cluster-tls-cert/-key/-ca and --cluster-user (docs/cluster.md)\n", listen)
}
