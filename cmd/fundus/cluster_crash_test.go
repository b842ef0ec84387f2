package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"os/exec"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
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
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		resp, err := http.Get(base + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				break
			}
		}
		if time.Now().After(deadline) {
			t.Fatal("serve never became ready")
		}
	}
	return cmd, base
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

// TestKillClusterNodeDuringWrites runs three `fundus serve` nodes as
// child processes, kills one with SIGKILL at a seeded random moment
// while clients write through the other two, and restarts it: it
// converges (same applied sequence and hits as the others), and every
// write acknowledged with 2xx is on every node.
func TestKillClusterNodeDuringWrites(t *testing.T) {
	bin := buildBinary(t)
	seed := rand.New(rand.NewPCG(15, 3))
	const n = 3
	routes := make([]string, n)
	for i := range routes {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		routes[i] = ln.Addr().String()
		ln.Close()
	}
	dirs := make([]string, n)
	args := func(i int) []string {
		var peers []string
		for j, r := range routes {
			if j != i {
				peers = append(peers, r)
			}
		}
		return []string{"--node", fmt.Sprintf("n%d", i), "--cluster-listen", routes[i], "--cluster-peers", strings.Join(peers, ",")}
	}
	cmds := make([]*exec.Cmd, n)
	bases := make([]string, n)
	var wg sync.WaitGroup
	for i := range n {
		dirs[i] = t.TempDir()
		wg.Go(func() { cmds[i], bases[i] = startNode(t, bin, dirs[i], args(i)...) })
	}
	wg.Wait()
	defer func() {
		for _, c := range cmds {
			if c != nil {
				c.Process.Signal(syscall.SIGTERM)
				c.Wait()
			}
		}
	}()

	var acked sync.Map
	var next atomic.Int64
	stop := make(chan struct{})
	var writers sync.WaitGroup
	for w := range 4 {
		writers.Go(func() {
			client := &http.Client{Timeout: 10 * time.Second}
			for {
				select {
				case <-stop:
					return
				default:
				}
				k := next.Add(1)
				id := fmt.Sprintf("api/%d", k)
				body := fmt.Sprintf(`{"id":%q,"title":"Eintrag %d","body":"Kooperation"}`, id, k)
				resp, err := client.Post(bases[w%2]+"/api/documents", "application/json", strings.NewReader(body))
				if err != nil {
					time.Sleep(50 * time.Millisecond)
					continue
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode/100 == 2 {
					acked.Store(id, true)
				} else {
					time.Sleep(50 * time.Millisecond) // 503 while the stream forms or elects
				}
			}
		})
	}
	time.Sleep(time.Duration(3000+seed.IntN(2000)) * time.Millisecond)
	cmds[2].Process.Signal(syscall.SIGKILL)
	cmds[2].Wait()
	cmds[2] = nil
	time.Sleep(time.Duration(1000+seed.IntN(1000)) * time.Millisecond)
	cmds[2], bases[2] = startNode(t, bin, dirs[2], args(2)...)
	time.Sleep(time.Second)
	close(stop)
	writers.Wait()

	count := 0
	acked.Range(func(any, any) bool { count++; return true })
	if count < 20 {
		t.Fatalf("only %d writes were acknowledged; the test did not exercise much", count)
	}
	var seqs [n]uint64
	var totals [n]int
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		same := true
		for i, b := range bases {
			var err error
			if seqs[i], totals[i], err = appliedAndTotal(b); err != nil {
				t.Fatal(err)
			}
			same = same && seqs[i] == seqs[0] && totals[i] == totals[0]
		}
		if same {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("nodes did not converge: applied %v, totals %v", seqs, totals)
		}
	}
	if totals[0] < count {
		t.Errorf("nodes find %d documents, fewer than the %d acknowledged", totals[0], count)
	}
	acked.Range(func(k, _ any) bool {
		for i, b := range bases {
			resp, err := http.Get(b + "/api/documents/" + k.(string))
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != 200 {
				t.Errorf("acknowledged %s: status %d on n%d", k, resp.StatusCode, i)
			}
		}
		return true
	})
	t.Logf("%d acknowledged writes, on every node; applied %v", count, seqs)
	cmds[2].Process.Signal(syscall.SIGTERM)
	cmds[2].Wait()
	cmds[2] = nil
	if out, err := exec.Command(bin, "check", "--data", dirs[2]).CombinedOutput(); err != nil {
		t.Errorf("check of the killed node: %v\n%s", err, out)
	}
}
