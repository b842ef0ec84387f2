package main

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestServeRefusesTokenSettings(t *testing.T) {
	serveRefusesEach(t, []refusal{
		{"read token without write token", map[string]string{"FUNDUS_READ_TOKEN": "r"}, nil, "--read-only"},
		{"read token flag without write token", nil, []string{"--read-token", "r"}, "--read-only"},
		{"read token same as write token", nil, []string{"--read-token", "t", "--token", "t"}, "different"},
		{"metrics on the main address", nil, []string{"--addr", "127.0.0.1:8080", "--metrics-addr", "127.0.0.1:8080"}, "--metrics-addr"},
	})
}

// refusal is a serve call, with args and env, that must be refused with
// a message holding want.
type refusal struct {
	name string
	env  map[string]string
	args []string
	want string
}

// serveRefusesEach checks serveRefuses for each case, in a subtest of its
// name: the message must hold each of also and the case's want.
func serveRefusesEach(t *testing.T, cases []refusal, also ...string) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			serveRefuses(t, tc.env, tc.args, slices.Concat(also, []string{tc.want})...)
		})
	}
}

// serveRefuses checks that serve, on a fresh data directory and a
// loopback address, refuses args and env: it exits 2 with a message that
// holds each of want. A serve that starts instead is stopped after a while
// and exits 0.
func serveRefuses(t *testing.T, env map[string]string, args []string, want ...string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	var stdout, stderr syncBuffer
	args = append([]string{"serve", "--data", t.TempDir(), "--addr", "127.0.0.1:0"}, args...)
	code := exitCode(run(ctx, args, func(k string) string { return env[k] }, &stdout, &stderr))
	errOut := stderr.String()
	for _, w := range want {
		if code != 2 || !strings.Contains(errOut, w) {
			t.Errorf("got exit %d, stderr %q; want 2 and a message with %q", code, errOut, w)
		}
	}
}

// serveInProcess runs serve with args until the test ends (and fails the
// test if serve then returns an error) and returns its base URL and a
// function that returns what it wrote to stderr so far.
func serveInProcess(t *testing.T, env map[string]string, args ...string) (string, func() string) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	var stdout, stderr syncBuffer
	var err error
	done := make(chan struct{})
	go func() {
		err = run(ctx, append([]string{"serve", "--addr", "127.0.0.1:0"}, args...), func(k string) string { return env[k] }, &stdout, &stderr)
		close(done)
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case <-done:
			if err != nil {
				t.Errorf("serve returned %v after shutdown", err)
			}
		case <-time.After(15 * time.Second):
			t.Error("serve did not shut down")
		}
	})
	re := regexp.MustCompile(`serving (http://[^/ ]+)/ `)
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if m := re.FindStringSubmatch(stderr.String()); m != nil {
			return m[1], stderr.String
		}
		select {
		case <-done:
			t.Fatalf("serve exited: %v\n%s", err, stderr.String())
		default:
		}
	}
	t.Fatalf("server did not start:\n%s", stderr.String())
	return "", nil
}

func TestServeWarnings(t *testing.T) {
	cases := []struct {
		name string
		env  map[string]string
		args []string
		// members puts a members-only document in the data first.
		members bool
		// want is a word of the warning, "" for none.
		want string
	}{
		{"make run: demo without tokens", nil, []string{"--demo"}, false, ""},
		{"no tokens, a members-only document", nil, nil, true, "members-only documents"},
		{"read-only with a read token only", map[string]string{"FUNDUS_READ_TOKEN": "r"}, []string{"--read-only"}, true, "backup"},
		{"both tokens, a members-only document", map[string]string{"FUNDUS_READ_TOKEN": "r", "FUNDUS_API_TOKEN": "w"}, nil, true, ""},
		{"metrics on all interfaces", map[string]string{"FUNDUS_API_TOKEN": "w"}, []string{"--metrics-addr", "0.0.0.0:0"}, false, "without a token"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			data := t.TempDir()
			if tc.members {
				doc := filepath.Join(t.TempDir(), "intern.md")
				if err := os.WriteFile(doc, []byte("---\ntitle: Intern\nvisibility: members\n---\nNur für Mitglieder.\n"), 0o644); err != nil {
					t.Fatal(err)
				}
				if _, errOut, code := runCLI(t, nil, "ingest", "--data", data, doc); code != 0 {
					t.Fatalf("ingest: exit %d: %s", code, errOut)
				}
			}
			_, stderr := serveInProcess(t, tc.env, append([]string{"--data", data}, tc.args...)...)
			got := stderr()
			warned := strings.Contains(got, "WARNING")
			if tc.want == "" && warned {
				t.Errorf("got a warning, want none: %s", got)
			}
			if tc.want != "" && (!warned || !strings.Contains(got, tc.want)) {
				t.Errorf("got stderr %q, want a warning with %q", got, tc.want)
			}
		})
	}
}

func TestServeMetricsAddr(t *testing.T) {
	base, stderr := serveInProcess(t, map[string]string{"FUNDUS_API_TOKEN": "w"}, "--data", t.TempDir(), "--metrics-addr", "127.0.0.1:0")
	m := regexp.MustCompile(`serving metrics at (http://\S+/metrics)`).FindStringSubmatch(stderr())
	if m == nil {
		t.Fatalf("no metrics address in %q", stderr())
	}
	cases := []struct {
		name string
		url  string
		want int
	}{
		{"metrics address, no token", m[1], 200},
		{"main address, the write token", base + "/metrics", 404},
		{"metrics address, another path", strings.TrimSuffix(m[1], "/metrics") + "/api/search", 404},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			req, _ := http.NewRequest("GET", tc.url, nil)
			req.Header.Set("Authorization", "Bearer w")
			if tc.want == 200 {
				req.Header.Del("Authorization")
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != tc.want {
				t.Errorf("GET %s: got status %d, want %d", tc.url, resp.StatusCode, tc.want)
			}
		})
	}
}
