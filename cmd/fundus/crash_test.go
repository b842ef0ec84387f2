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
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// buildBinary builds the fundus command once per test binary run.
func buildBinary(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds and runs the binary; skipped with -short")
	}
	bin := filepath.Join(t.TempDir(), "fundus")
	cmd := exec.Command("go", "build", "-o", bin, ".")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// TestKillDuringIngest kills `fundus ingest` with SIGKILL at seeded random
// moments, then runs the same command again: nothing may be lost, and the
// index must agree with the store. Each round ingests a new part of the
// corpus and is killed at a random point within the time a full run of one
// part takes (measured first), so the kills land while documents are being
// written.
//
// A fifth of the documents are members-only, so that kills also land
// between the batches of the two indexes.
func TestKillDuringIngest(t *testing.T) {
	bin := buildBinary(t)
	const parts, perPart = 5, 4000
	const n = parts * perPart
	dir := t.TempDir()
	words := strings.Fields("Innovation Kultur Offenheit Kooperation Plattform Ökosystem Transfer Hochschule Start-up Vertrauen Führung Strategie Daten Netzwerk Wissen")
	rng := rand.New(rand.NewPCG(1, 2))
	var files []string
	for p := range parts {
		name := filepath.Join(dir, fmt.Sprintf("part%d.jsonl", p))
		f, err := os.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		w := bufio.NewWriter(f)
		for i := p * perPart; i < (p+1)*perPart; i++ {
			var body []string
			for range 60 {
				body = append(body, words[rng.IntN(len(words))])
			}
			// Every fifth document is members-only: it goes to the index
			// of every document only, and the public index must not
			// hold it after a kill either.
			vis := "public"
			if i%5 == 0 {
				vis = "members"
			}
			fmt.Fprintf(w, `{"_id":"doc-%d","title":"Dokument %d","text":%q,"language":"de","visibility":%q}`+"\n", i, i, strings.Join(body, " "), vis)
		}
		w.Flush()
		f.Close()
		files = append(files, name)
	}

	// How long does one part take, here and now?
	start := time.Now()
	if out, err := exec.Command(bin, "ingest", "--data", t.TempDir(), files[0]).CombinedOutput(); err != nil {
		t.Fatalf("timing run: %v\n%s", err, out)
	}
	full := time.Since(start)

	data := t.TempDir()
	kills := 0
	seed := rand.New(rand.NewPCG(42, 7))
	for p := range parts {
		cmd := exec.Command(bin, "ingest", "--data", data, "--json", files[p])
		began := time.Now()
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		delay := time.Duration(float64(full) * (0.2 + 0.6*seed.Float64()))
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case <-done:
			// The machine got faster than the timing run (a cold start,
			// or less load): aim the next kill at what a part takes now.
			full = time.Since(began)
			t.Logf("part %d: ingest finished before the kill at %v, in %v", p, delay, full)
		case <-time.After(delay):
			cmd.Process.Signal(syscall.SIGKILL)
			<-done
			kills++
			t.Logf("part %d: killed after %v (a full run takes %v)", p, delay, full)
		}
	}
	if kills < 3 {
		t.Errorf("only %d of %d kills landed during an ingest", kills, parts)
	}

	args := append([]string{"ingest", "--data", data, "--json"}, files...)
	out, err := exec.Command(bin, args...).Output()
	if err != nil {
		t.Fatalf("final ingest: %v\n%s", err, out)
	}
	var sum map[string]int
	lastJSON(t, string(out), &sum)
	if sum["added"]+sum["unchanged"] != n || sum["failed"] != 0 || sum["updated"] != 0 {
		t.Errorf("final run = %v, want added+unchanged = %d", sum, n)
	}
	t.Logf("final run: %v", sum)
	out, err = exec.Command(bin, "stats", "--data", data, "--json").Output()
	if err != nil {
		t.Fatal(err)
	}
	var st struct {
		Documents  int
		Indexed    int
		Seq        uint64
		Checkpoint uint64
	}
	lastJSON(t, string(out), &st)
	if st.Documents != n || st.Indexed != n || st.Checkpoint != st.Seq {
		t.Errorf("stats = %+v, want %d documents, all indexed, checkpoint = seq", st, n)
	}
	// Both indexes agree with the store: the public one holds the public
	// documents only, the other every document.
	out, err = exec.Command(bin, "check", "--data", data, "--json").Output()
	if err != nil {
		t.Fatalf("check: %v\n%s", err, out)
	}
	var rep struct {
		Documents, Indexed int
		All                *struct{ Documents, Indexed int } `json:"all_index"`
	}
	lastJSON(t, string(out), &rep)
	if rep.Documents != n*4/5 || rep.Indexed != n*4/5 || rep.All == nil || rep.All.Indexed != n {
		t.Errorf("check = %s, want %d public documents indexed, %d in all", out, n*4/5, n)
	}
	// A sample of documents is searchable by its own title.
	for _, i := range []int{0, n / 3, n / 2, n - 1} {
		out, err := exec.Command(bin, "search", "--data", data, "--json", "--limit", "1", fmt.Sprintf(`Dokument %d`, i)).Output()
		if err != nil {
			t.Fatal(err)
		}
		var r struct {
			Hits []struct{ ID string }
		}
		if err := json.Unmarshal(out, &r); err != nil || len(r.Hits) == 0 {
			t.Errorf("search for document %d: %s %v", i, out, err)
			continue
		}
		if r.Hits[0].ID != fmt.Sprintf("doc-%d", i) {
			t.Errorf("search for document %d: first hit %s", i, r.Hits[0].ID)
		}
	}
}

// startServe starts `fundus serve` on a free loopback port and returns its
// base URL once it answers /readyz (startNode without extra arguments).
func startServe(t *testing.T, bin, data string) (*exec.Cmd, string) {
	t.Helper()
	return startNode(t, bin, data)
}

// signalWait sends sig to the process cmd started and waits for its exit.
func signalWait(cmd *exec.Cmd, sig os.Signal) {
	cmd.Process.Signal(sig)
	cmd.Wait()
}

// write is one request of a crash test's writers: body, posted to
// base+"/api/documents", holds the documents with the ids ids.
type write struct {
	base, body string
	ids        []string
}

// startWriters starts n clients of a crash test, each with its own
// http.Client of timeout, that post the writes next returns one after
// another. After each, answered learns the status of the answer, or the
// error of a request that got none, and returns whether the client goes
// on. The returned stop ends the writes and waits for the clients.
func startWriters(n int, timeout time.Duration, next func() write, answered func(w write, status int, err error) bool) (stop func()) {
	done := make(chan struct{})
	var wg sync.WaitGroup
	for range n {
		wg.Go(func() {
			client := &http.Client{Timeout: timeout}
			for {
				select {
				case <-done:
					return
				default:
				}
				w := next()
				status := 0
				resp, err := client.Post(w.base+"/api/documents", "application/json", strings.NewReader(w.body))
				if err == nil {
					io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					status = resp.StatusCode
				}
				if !answered(w, status, err) {
					return
				}
			}
		})
	}
	return func() {
		close(done)
		wg.Wait()
	}
}

// TestKillServeDuringWrites kills `fundus serve` with SIGKILL while clients
// write documents through the API. Every write that got a 2xx answer must
// survive, be searchable, and the index must agree with the store.
func TestKillServeDuringWrites(t *testing.T) {
	bin := buildBinary(t)
	data := t.TempDir()
	seed := rand.New(rand.NewPCG(3, 14))
	var acked sync.Map // the ids of acknowledged documents
	next := atomic.Int64{}
	for round := range 3 {
		cmd, base := startServe(t, bin, data)
		stop := startWriters(4, 5*time.Second, func() write {
			n := next.Add(1)
			var batch, ids []string
			for k := range 3 {
				ids = append(ids, fmt.Sprintf("api/%d-%d", n, k))
				batch = append(batch, fmt.Sprintf(`{"id":%q,"title":"Eintrag %d %d","body":"Kooperation Runde %d"}`, ids[k], n, k, round))
			}
			return write{base: base, body: "[" + strings.Join(batch, ",") + "]", ids: ids}
		}, func(w write, status int, err error) bool {
			if err != nil {
				return false // the server is gone
			}
			if status/100 == 2 {
				for _, id := range w.ids {
					acked.Store(id, true)
				}
			}
			return true
		})
		time.Sleep(time.Duration(300+seed.IntN(700)) * time.Millisecond)
		signalWait(cmd, syscall.SIGKILL)
		stop()
	}

	// Restart and check every acknowledged document.
	cmd, base := startServe(t, bin, data)
	defer signalWait(cmd, syscall.SIGTERM)
	count := 0
	acked.Range(func(k, v any) bool {
		count++
		resp, err := http.Get(base + "/api/documents/" + k.(string))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Errorf("acknowledged %s: status %d after the crash", k, resp.StatusCode)
		}
		return true
	})
	if count < 30 {
		t.Errorf("only %d writes were acknowledged; the test did not exercise much", count)
	}
	t.Logf("%d acknowledged documents, all present", count)
	resp, err := http.Get(base + "/api/search?q=Kooperation&size=1")
	if err != nil {
		t.Fatal(err)
	}
	var r struct{ Total int }
	json.NewDecoder(resp.Body).Decode(&r)
	resp.Body.Close()
	if r.Total < count {
		t.Errorf("search finds %d documents, fewer than the %d acknowledged", r.Total, count)
	}
	signalWait(cmd, syscall.SIGTERM)
	out, err := exec.Command(bin, "check", "--data", data).CombinedOutput()
	if err != nil {
		t.Errorf("check after the crashes: %v\n%s", err, out)
	}
}
