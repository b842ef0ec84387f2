package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/fundus-kb/fundus/internal/testnet"
)

// startNode starts `fundus serve` with extra arguments and returns its
// base URL once it answers /readyz.
func startNode(t *testing.T, bin, data string, args ...string) (*exec.Cmd, string) {
	t.Helper()
	cmd := exec.Command(bin, append([]string{"serve", "--data", data, "--addr", "127.0.0.1:0", "--write-rate", "0", "--search-rate", "0"}, args...)...)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	lines := bufio.NewScanner(stderr)
	base := ""
	for lines.Scan() {
		if _, rest, ok := strings.Cut(lines.Text(), "serving "); ok {
			base = strings.TrimSuffix(strings.Fields(rest)[0], "/")
			break
		}
	}
	go func() {
		for lines.Scan() {
		}
	}()
	if base == "" {
		cmd.Process.Kill()
		cmd.Wait()
		t.Fatal("serve did not start")
	}
	if !waitReady(base, 30*time.Second) {
		t.Fatal("serve never became ready")
	}
	return cmd, base
}

// waitReady polls base's /readyz until it answers 200 (true) or timeout
// has passed (false).
func waitReady(base string, timeout time.Duration) bool {
	for deadline := time.Now().Add(timeout); ; time.Sleep(20 * time.Millisecond) {
		resp, err := http.Get(base + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return true
			}
		}
		if time.Now().After(deadline) {
			return false
		}
	}
}

// appliedAndTotal returns a node's applied journal sequence and how many
// documents a search finds there.
func appliedAndTotal(base string) (uint64, int, error) {
	resp, err := http.Get(base + "/api/search?q=Kooperation&size=1")
	if err != nil {
		return 0, 0, err
	}
	defer resp.Body.Close()
	var r struct{ Total int }
	if err := json.NewDecoder(resp.Body).Decode(&r); err != nil {
		return 0, 0, err
	}
	var seq uint64
	fmt.Sscan(resp.Header.Get("Fundus-Applied-Seq"), &seq)
	return seq, r.Total, nil
}

// testCluster is three `fundus serve` nodes of one cluster on loopback,
// started with startNode. A node's base URL changes when it restarts, so
// the writers read it through base.
type testCluster struct {
	t      *testing.T
	bin    string
	routes []string
	dirs   []string

	mu    sync.Mutex
	cmds  []*exec.Cmd
	bases []string
}

// newTestCluster starts n nodes on fresh data directories, each routing to
// the others, and stops them when the test ends.
func newTestCluster(t *testing.T, bin string, n int) *testCluster {
	c := &testCluster{t: t, bin: bin, routes: make([]string, n), dirs: make([]string, n), cmds: make([]*exec.Cmd, n), bases: make([]string, n)}
	for i := range n {
		c.routes[i] = testnet.FreeAddr(t)
		c.dirs[i] = t.TempDir()
	}
	t.Cleanup(func() {
		for i := range n {
			c.stop(i)
		}
	})
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { c.start(i) })
	}
	wg.Wait()
	return c
}

// args are node i's cluster flags.
func (c *testCluster) args(i int) []string {
	var peers []string
	for j, r := range c.routes {
		if j != i {
			peers = append(peers, r)
		}
	}
	return []string{"--node", fmt.Sprintf("n%d", i), "--cluster-listen", c.routes[i], "--cluster-peers", strings.Join(peers, ",")}
}

// start starts node i on its data directory and waits until it is ready.
func (c *testCluster) start(i int) {
	cmd, base := startNode(c.t, c.bin, c.dirs[i], c.args(i)...)
	c.mu.Lock()
	c.cmds[i], c.bases[i] = cmd, base
	c.mu.Unlock()
}

// base is node i's base URL (of its last start).
func (c *testCluster) base(i int) string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.bases[i]
}

// signal sends sig to node i, if it runs, and waits for its exit.
func (c *testCluster) signal(i int, sig syscall.Signal) {
	c.mu.Lock()
	cmd := c.cmds[i]
	c.cmds[i] = nil
	c.mu.Unlock()
	if cmd != nil {
		signalWait(cmd, sig)
	}
}

func (c *testCluster) kill(i int) { c.signal(i, syscall.SIGKILL) }
func (c *testCluster) stop(i int) { c.signal(i, syscall.SIGTERM) }

// converge waits until every node reports the same applied sequence and
// search total, and returns them.
func (c *testCluster) converge(within time.Duration) ([]uint64, []int) {
	c.t.Helper()
	n := len(c.dirs)
	seqs, totals := make([]uint64, n), make([]int, n)
	for deadline := time.Now().Add(within); ; time.Sleep(100 * time.Millisecond) {
		same := true
		for i := range n {
			var err error
			if seqs[i], totals[i], err = appliedAndTotal(c.base(i)); err != nil {
				c.t.Fatal(err)
			}
			same = same && seqs[i] == seqs[0] && totals[i] == totals[0]
		}
		if same {
			return seqs, totals
		}
		if time.Now().After(deadline) {
			c.t.Fatalf("nodes did not converge: applied %v, totals %v", seqs, totals)
		}
	}
}

// missing returns those of ids that some node does not answer with 200,
// each as "id on nI (status)".
func (c *testCluster) missing(ids []string) []string {
	var mu sync.Mutex
	var out []string
	var next atomic.Int64
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for {
				k := int(next.Add(1)) - 1
				if k >= len(ids)*len(c.dirs) {
					return
				}
				id, node := ids[k/len(c.dirs)], k%len(c.dirs)
				status := 0
				if resp, err := http.Get(c.base(node) + "/api/documents/" + id); err == nil {
					io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					status = resp.StatusCode
				}
				if status != http.StatusOK {
					mu.Lock()
					out = append(out, fmt.Sprintf("%s on n%d (%d)", id, node, status))
					mu.Unlock()
				}
			}
		})
	}
	wg.Wait()
	return out
}

// killSettings reads the seed and number of rounds of the cluster kill
// test from FUNDUS_KILL_SEED and FUNDUS_KILL_ROUNDS (lookup is
// os.Getenv); unset, they are 15 and 3.
func killSettings(lookup func(string) string) (seed uint64, rounds int, err error) {
	seed, rounds = 15, 3
	if s := lookup("FUNDUS_KILL_SEED"); s != "" {
		if seed, err = strconv.ParseUint(s, 10, 64); err != nil {
			return 0, 0, fmt.Errorf("FUNDUS_KILL_SEED: %w", err)
		}
	}
	if s := lookup("FUNDUS_KILL_ROUNDS"); s != "" {
		if rounds, err = strconv.Atoi(s); err != nil {
			return 0, 0, fmt.Errorf("FUNDUS_KILL_ROUNDS: %w", err)
		}
		if rounds < 1 {
			return 0, 0, fmt.Errorf("FUNDUS_KILL_ROUNDS: %d, want at least 1", rounds)
		}
	}
	return seed, rounds, nil
}

// TestKillClusterNodeDuringWrites runs three `fundus serve` nodes as
// child processes and, in several seeded rounds, kills a random one with
// SIGKILL at a random moment while four clients write through all three,
// and restarts it. After each round the nodes converge (same applied
// sequence and hits), every write acknowledged with 2xx so far is on every
// node, and `fundus check` passes on the killed node's data. The seed and
// the number of rounds come from FUNDUS_KILL_SEED and FUNDUS_KILL_ROUNDS
// (default 15 and 3); the log names both, to repeat a failing run.
func TestKillClusterNodeDuringWrites(t *testing.T) {
	seed, rounds, err := killSettings(os.Getenv)
	if err != nil {
		t.Fatal(err)
	}
	began := time.Now()
	bin := buildBinary(t)
	t.Logf("built in %v; seed %d, %d rounds; repeat with FUNDUS_KILL_SEED=%d FUNDUS_KILL_ROUNDS=%d", time.Since(began).Round(time.Millisecond), seed, rounds, seed, rounds)
	rng := rand.New(rand.NewPCG(seed, 3))
	const n = 3
	c := newTestCluster(t, bin, n)
	t.Logf("%d nodes ready after %v", n, time.Since(began).Round(time.Millisecond))

	var mu sync.Mutex
	var acked []string
	var next atomic.Int64
	for round := range rounds {
		victim := rng.IntN(n)
		before := time.Duration(500+rng.IntN(2500)) * time.Millisecond
		down := time.Duration(500+rng.IntN(1500)) * time.Millisecond
		var roundAcks, refused, unreachable atomic.Int64
		stop := startWriters(4, 10*time.Second, func() write {
			k := next.Add(1)
			id := fmt.Sprintf("api/%d", k)
			body := fmt.Sprintf(`{"id":%q,"title":"Eintrag %d","body":"Kooperation"}`, id, k)
			return write{base: c.base(int(k % n)), body: body, ids: []string{id}}
		}, func(w write, status int, err error) bool {
			switch {
			case err != nil:
				unreachable.Add(1)
				time.Sleep(50 * time.Millisecond) // the node is down
			case status/100 == 2:
				mu.Lock()
				acked = append(acked, w.ids...)
				mu.Unlock()
				roundAcks.Add(1)
			default:
				refused.Add(1)
				time.Sleep(50 * time.Millisecond) // 503 while the stream forms or elects
			}
			return true
		})
		// The kill lands while writes are acknowledged: in the first
		// round, the stream forms with the first write.
		for deadline := time.Now().Add(30 * time.Second); roundAcks.Load() == 0; time.Sleep(20 * time.Millisecond) {
			if time.Now().After(deadline) {
				stop()
				t.Fatalf("round %d: no write acknowledged within 30 s", round)
			}
		}
		time.Sleep(before)
		atKill := roundAcks.Load()
		c.kill(victim)
		time.Sleep(down)
		c.start(victim)
		time.Sleep(time.Second) // writes while it catches up
		stop()

		seqs, totals := c.converge(20 * time.Second)
		mu.Lock()
		all := slices.Clone(acked)
		mu.Unlock()
		if totals[0] < len(all) {
			t.Errorf("round %d: nodes find %d documents, fewer than the %d acknowledged", round, totals[0], len(all))
		}
		if lost := c.missing(all); len(lost) > 0 {
			t.Errorf("round %d: %d acknowledged writes missing, first: %v", round, len(lost), lost[:min(len(lost), 10)])
		}
		t.Logf("round %d: killed n%d after %v (%d acks before the kill), down %v; %d acknowledged this round (%d refused, %d unreachable), %d in all, on every node; applied %v; at %v",
			round, victim, before, atKill, down, roundAcks.Load(), refused.Load(), unreachable.Load(), len(all), seqs, time.Since(began).Round(time.Millisecond))
		c.stop(victim)
		if out, err := exec.Command(bin, "check", "--data", c.dirs[victim]).CombinedOutput(); err != nil {
			t.Errorf("round %d: check of the killed node n%d: %v\n%s", round, victim, err, out)
		}
		if t.Failed() {
			t.Fatalf("round %d failed; repeat with FUNDUS_KILL_SEED=%d FUNDUS_KILL_ROUNDS=%d", round, seed, rounds)
		}
		if round < rounds-1 {
			c.start(victim)
		}
	}
	// Each round's kill landed after an acknowledged write (the wait
	// above); over all rounds, enough writes were acknowledged to mean
	// something.
	if len(acked) < 10*rounds {
		t.Errorf("only %d writes were acknowledged in %d rounds; the test did not exercise much", len(acked), rounds)
	}
}

func TestKillSettings(t *testing.T) {
	for _, tc := range []struct {
		name       string
		env        map[string]string
		seed       uint64
		rounds     int
		wantErrSub string
	}{
		{name: "defaults", seed: 15, rounds: 3},
		{name: "seed only", env: map[string]string{"FUNDUS_KILL_SEED": "42"}, seed: 42, rounds: 3},
		{name: "both", env: map[string]string{"FUNDUS_KILL_SEED": "7", "FUNDUS_KILL_ROUNDS": "10"}, seed: 7, rounds: 10},
		{name: "bad seed", env: map[string]string{"FUNDUS_KILL_SEED": "-1"}, wantErrSub: "FUNDUS_KILL_SEED"},
		{name: "bad rounds", env: map[string]string{"FUNDUS_KILL_ROUNDS": "three"}, wantErrSub: "FUNDUS_KILL_ROUNDS"},
		{name: "no rounds", env: map[string]string{"FUNDUS_KILL_ROUNDS": "0"}, wantErrSub: "at least 1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			seed, rounds, err := killSettings(func(k string) string { return tc.env[k] })
			if tc.wantErrSub != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErrSub) {
					t.Fatalf("err = %v, want one naming %q", err, tc.wantErrSub)
				}
				return
			}
			if err != nil || seed != tc.seed || rounds != tc.rounds {
				t.Errorf("killSettings = %d, %d, %v; want %d, %d", seed, rounds, err, tc.seed, tc.rounds)
			}
		})
	}
}
