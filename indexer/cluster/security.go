package cluster

// Who may talk to a node's embedded NATS server.
//
// # Routes
//
// Routes (node to node) are secured with nats-server's own options, as
// its configuration file would set them: TLSFiles map onto
// cluster { tls { cert_file, key_file, ca_file } } — mutual TLS, each side
// verifying the other's certificate against the CA — and User/Password
// onto cluster { authorization { user, password } }, which a node sends
// as the userinfo of its route URLs.
//
// # The client port
//
// nats-server starts routing only once its client listener is up, so an
// embedded server listens for clients on a random loopback port although
// Fundus connects in-process. That port would let anyone on the machine
// publish to the journal, bypassing the HTTP write token: it requires a
// user and password drawn at random at each start, known only to the
// in-process connection.

import (
	"crypto/rand"
	"crypto/tls"
	"encoding/hex"
	"fmt"
	"net/url"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
)

// TLSFiles name the PEM files of mutual TLS: this node's certificate, its
// key, and the CA whose signature a peer's certificate must bear.
type TLSFiles struct {
	Cert, Key, CA string
}

// Enabled reports whether any file is set.
func (f TLSFiles) Enabled() bool { return f.Cert != "" || f.Key != "" || f.CA != "" }

// localUser is the name the in-process connection authenticates with.
const localUser = "fundus"

// routeTLS builds the routes' TLS configuration as nats-server does for
// a cluster tls block: GenTLSConfig, then strict verification both ways
// (a route is a client and a server at once, so the CA is the pool for
// either role).
func routeTLS(f TLSFiles) (*tls.Config, error) {
	if f.Cert == "" || f.Key == "" || f.CA == "" {
		return nil, fmt.Errorf("cluster: route TLS needs a certificate, its key and a CA (got cert %q, key %q, CA %q)", f.Cert, f.Key, f.CA)
	}
	tc, err := server.GenTLSConfig(&server.TLSConfigOpts{CertFile: f.Cert, KeyFile: f.Key, CaFile: f.CA, Verify: true})
	if err != nil {
		return nil, fmt.Errorf("cluster: route TLS: %w", err)
	}
	tc.ClientAuth = tls.RequireAndVerifyClientCert
	tc.RootCAs = tc.ClientCAs
	return tc, nil
}

// routeURLs are the peers' route URLs, carrying the route credentials
// when there are any.
func routeURLs(peers []string, user, password string) []*url.URL {
	var out []*url.URL
	for _, p := range peers {
		u := &url.URL{Scheme: "nats", Host: p}
		if user != "" {
			u.User = url.UserPassword(user, password)
		}
		out = append(out, u)
	}
	return out
}

// randomSecret returns 32 random bytes in hex.
func randomSecret() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("cluster: random password for the local client port: %w", err)
	}
	return hex.EncodeToString(b), nil
}

// secure sets opts' route TLS and credentials from cfg, and the client
// port's random credentials; it returns the latter's password.
func secure(opts *server.Options, cfg Config) (string, error) {
	if cfg.TLS.Enabled() {
		tc, err := routeTLS(cfg.TLS)
		if err != nil {
			return "", err
		}
		opts.Cluster.TLSConfig = tc
	}
	if (cfg.User == "") != (cfg.Password == "") {
		return "", fmt.Errorf("cluster: route credentials need both a user and a password")
	}
	opts.Cluster.Username, opts.Cluster.Password = cfg.User, cfg.Password
	opts.Routes = routeURLs(cfg.Peers, cfg.User, cfg.Password)
	pass, err := randomSecret()
	if err != nil {
		return "", err
	}
	opts.Username, opts.Password = localUser, pass
	return pass, nil
}

// externalOptions are the connection options for an external NATS
// system: its credentials file, CA and client certificate, when given
// (nats.go's own).
func externalOptions(cfg Config) ([]nats.Option, error) {
	var opts []nats.Option
	if cfg.NATSCreds != "" {
		opts = append(opts, nats.UserCredentials(cfg.NATSCreds))
	}
	if cfg.NATSCA != "" {
		opts = append(opts, nats.RootCAs(cfg.NATSCA))
	}
	if (cfg.NATSCert == "") != (cfg.NATSKey == "") {
		return nil, fmt.Errorf("cluster: a client certificate for NATS needs both the certificate and its key (got cert %q, key %q)", cfg.NATSCert, cfg.NATSKey)
	}
	if cfg.NATSCert != "" {
		opts = append(opts, nats.ClientCert(cfg.NATSCert, cfg.NATSKey))
	}
	return opts, nil
}
