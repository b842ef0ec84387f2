package main

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/fundus-kb/fundus/indexer/cluster"
	"github.com/fundus-kb/fundus/internal/testcert"
	"github.com/fundus-kb/fundus/internal/testnet"
)

// securityFiles are files the cluster security flags may name.
type securityFiles struct {
	cert, key, ca, otherKey, password, empty, creds, notPEM, missing string
}

func newSecurityFiles(t *testing.T) securityFiles {
	t.Helper()
	dir := t.TempDir()
	ca := testcert.NewCA(t, dir, "fundus")
	f := securityFiles{ca: ca.CertFile, missing: filepath.Join(dir, "nope.pem")}
	f.cert, f.key = ca.Issue(t, "node", "127.0.0.1")
	_, f.otherKey = ca.Issue(t, "other", "127.0.0.1")
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	f.password = write("password", "geheim\n")
	f.empty = write("empty", "\n")
	f.notPEM = write("not.pem", "just text")
	f.creds = write("user.creds", "-----BEGIN NATS USER JWT-----\neyJ0eXAi\n------END NATS USER JWT------\n")
	return f
}

func TestServeRefusesClusterSecurity(t *testing.T) {
	f := newSecurityFiles(t)
	listen := []string{"--cluster-listen", "127.0.0.1:0"}
	withListen := func(args ...string) []string { return append(append([]string{}, listen...), args...) }
	tlsArgs := func(cert, key, ca string) []string {
		return withListen("--cluster-tls-cert", cert, "--cluster-tls-key", key, "--cluster-tls-ca", ca)
	}
	serveRefusesEach(t, []refusal{
		{"TLS without cluster mode", nil, []string{"--cluster-tls-cert", f.cert, "--cluster-tls-key", f.key, "--cluster-tls-ca", f.ca}, "need --cluster-listen"},
		{"TLS with an external NATS", nil, []string{"--nats", "nats://127.0.0.1:1", "--cluster-tls-ca", f.ca}, "--nats-ca"},
		{"certificate without key and CA", nil, withListen("--cluster-tls-cert", f.cert), "--cluster-tls-key and --cluster-tls-ca missing"},
		{"CA only", nil, withListen("--cluster-tls-ca", f.ca), "--cluster-tls-cert and --cluster-tls-key missing"},
		{"missing certificate file", nil, tlsArgs(f.missing, f.key, f.ca), "--cluster-tls-cert " + f.missing},
		{"key of another certificate", nil, tlsArgs(f.cert, f.otherKey, f.ca), "--cluster-tls-key " + f.otherKey},
		{"missing CA file", nil, tlsArgs(f.cert, f.key, f.missing), "--cluster-tls-ca: open " + f.missing},
		{"CA file without PEM", nil, tlsArgs(f.cert, f.key, f.notPEM), "--cluster-tls-ca " + f.notPEM + " holds no PEM certificate"},
		{"user without password", nil, withListen("--cluster-user", "fundus"), "--cluster-user needs a password"},
		{"password without user", map[string]string{"FUNDUS_CLUSTER_PASSWORD": "geheim"}, listen, "no --cluster-user"},
		{"password twice", map[string]string{"FUNDUS_CLUSTER_PASSWORD": "geheim"}, withListen("--cluster-user", "fundus", "--cluster-password-file", f.password), "given twice"},
		{"missing password file", nil, withListen("--cluster-user", "fundus", "--cluster-password-file", f.missing), "--cluster-password-file: open " + f.missing},
		{"empty password file", nil, withListen("--cluster-user", "fundus", "--cluster-password-file", f.empty), "--cluster-password-file " + f.empty + " is empty"},
		{"password in env without cluster mode", map[string]string{"FUNDUS_CLUSTER_USER": "fundus", "FUNDUS_CLUSTER_PASSWORD": "geheim"}, nil, "need --cluster-listen"},
		{"NATS credentials without --nats", nil, withListen("--nats-creds", f.creds), "they need --nats"},
		{"missing NATS credentials file", nil, []string{"--nats", "nats://127.0.0.1:1", "--nats-creds", f.missing}, "--nats-creds: open " + f.missing},
		{"NATS credentials file of another kind", nil, []string{"--nats", "nats://127.0.0.1:1", "--nats-creds", f.notPEM}, "--nats-creds " + f.notPEM + " is not a NATS credentials file"},
		{"NATS CA without PEM", nil, []string{"--nats", "nats://127.0.0.1:1", "--nats-ca", f.notPEM}, "--nats-ca " + f.notPEM + " holds no PEM certificate"},
		{"NATS client certificate without --nats", nil, withListen("--nats-cert", f.cert, "--nats-key", f.key), "they need --nats"},
		{"NATS client certificate without its key", nil, []string{"--nats", "nats://127.0.0.1:1", "--nats-cert", f.cert}, "--nats-cert needs --nats-key"},
		{"NATS client key without its certificate", nil, []string{"--nats", "nats://127.0.0.1:1", "--nats-key", f.key}, "--nats-key needs --nats-cert"},
		{"NATS client key of another certificate", nil, []string{"--nats", "nats://127.0.0.1:1", "--nats-cert", f.cert, "--nats-key", f.otherKey}, "--nats-cert " + f.cert + " with --nats-key " + f.otherKey},
		{"missing NATS client certificate", map[string]string{"FUNDUS_NATS_CERT": f.missing, "FUNDUS_NATS_KEY": f.key}, []string{"--nats", "nats://127.0.0.1:1"}, "--nats-cert " + f.missing},
	})
}

// TestClusterSecurityConfig: accepted flags land in the journal's
// configuration.
func TestClusterSecurityConfig(t *testing.T) {
	f := newSecurityFiles(t)
	tlsFiles := cluster.TLSFiles{Cert: f.cert, Key: f.key, CA: f.ca}
	cases := []struct {
		name               string
		sec                clusterSecurity
		embedded, external bool
		want               cluster.Config
	}{
		{"nothing", clusterSecurity{}, true, false, cluster.Config{}},
		{"mutual TLS", clusterSecurity{tlsCert: f.cert, tlsKey: f.key, tlsCA: f.ca}, true, false, cluster.Config{TLS: tlsFiles}},
		{"password from the environment", clusterSecurity{user: "fundus", password: "geheim"}, true, false, cluster.Config{User: "fundus", Password: "geheim"}},
		{"password from a file, its newline dropped", clusterSecurity{user: "fundus", passwordFile: f.password}, true, false, cluster.Config{User: "fundus", Password: "geheim"}},
		{"TLS and credentials", clusterSecurity{tlsCert: f.cert, tlsKey: f.key, tlsCA: f.ca, user: "u", password: "p"}, true, false, cluster.Config{TLS: tlsFiles, User: "u", Password: "p"}},
		{"external NATS", clusterSecurity{natsCreds: f.creds, natsCA: f.ca}, false, true, cluster.Config{NATSCreds: f.creds, NATSCA: f.ca}},
		{"external NATS with a client certificate", clusterSecurity{natsCA: f.ca, natsCert: f.cert, natsKey: f.key}, false, true, cluster.Config{NATSCA: f.ca, NATSCert: f.cert, NATSKey: f.key}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var got cluster.Config
			if err := tc.sec.apply(&got, tc.embedded, tc.external); err != nil {
				t.Fatalf("apply: %v", err)
			}
			if got.TLS != tc.want.TLS || got.User != tc.want.User || got.Password != tc.want.Password || got.NATSCreds != tc.want.NATSCreds || got.NATSCA != tc.want.NATSCA ||
				got.NATSCert != tc.want.NATSCert || got.NATSKey != tc.want.NATSKey {
				t.Errorf("got %+v, want %+v", got, tc.want)
			}
		})
	}
}

func TestWarnOpenRoutes(t *testing.T) {
	cases := []struct {
		name   string
		sec    clusterSecurity
		listen string
		warn   bool
	}{
		{"loopback", clusterSecurity{}, "127.0.0.1:6250", false},
		{"all interfaces, nothing set", clusterSecurity{}, "0.0.0.0:6250", true},
		{"a machine's address, with credentials", clusterSecurity{user: "u", password: "p"}, "10.0.0.1:6250", false},
		{"a machine's address, with TLS", clusterSecurity{tlsCert: "c", tlsKey: "k", tlsCA: "a"}, "10.0.0.1:6250", false},
		{"no embedded server", clusterSecurity{}, "", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var stderr syncBuffer
			tc.sec.warnOpenRoutes(&env{stderr: &stderr}, tc.listen)
			if got := stderr.String() != ""; got != tc.warn {
				t.Errorf("warned %v (%q), want %v", got, stderr.String(), tc.warn)
			}
		})
	}
}

// TestServeNATSClientCert runs serve against an external NATS that
// requires client certificates (verify: true): with --nats-cert and
// --nats-key it becomes ready and takes a write through the journal;
// without them it stops at start, naming the TLS refusal.
func TestServeNATSClientCert(t *testing.T) {
	dir := t.TempDir()
	ca := testcert.NewCA(t, dir, "nats")
	natsURL := testnet.TLSNATS(t, ca)
	cert, key := ca.Issue(t, "fundus-node", "127.0.0.1")

	t.Run("refused without a client certificate", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		var stderr syncBuffer
		err := run(ctx, []string{"serve", "--data", t.TempDir(), "--addr", "127.0.0.1:0", "--nats", natsURL, "--nats-ca", ca.CertFile, "--node", "bare"},
			func(string) string { return "" }, io.Discard, &stderr)
		if err == nil || !strings.Contains(err.Error(), "connect to NATS") || !strings.Contains(err.Error(), "tls") {
			t.Errorf("serve without a client certificate: %v, want the TLS refusal of the connection to NATS", err)
		}
	})
	t.Run("connects with a client certificate", func(t *testing.T) {
		base, stderr := serveInProcess(t, map[string]string{"FUNDUS_NATS_KEY": key},
			"--data", t.TempDir(), "--nats", natsURL, "--nats-ca", ca.CertFile, "--nats-cert", cert, "--node", "ext")
		if !waitReady(base, 30*time.Second) {
			t.Fatalf("serve never became ready: %s", stderr())
		}
		resp, body := putDocument(t, base+"/api/documents/ext-1", `{"type":"webinar","title":"Extern","body":"Ein Webinar","language":"de"}`)
		if resp.StatusCode/100 != 2 {
			t.Errorf("write through the external NATS: got %d %s, want 2xx", resp.StatusCode, body)
		}
	})
}
