package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
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
// index must agree with the store.
func TestKillDuringIngest(t *testing.T) {
	bin := buildBinary(t)
	const n = 6000
	corpus := filepath.Join(t.TempDir(), "corpus.jsonl")
	f, err := os.Create(corpus)
	if err != nil {
		t.Fatal(err)
	}
	w := bufio.NewWriter(f)
	words := strings.Fields("Innovation Kultur Offenheit Kooperation Plattform Ökosystem Transfer Hochschule Start-up Vertrauen Führung Strategie Daten Netzwerk Wissen")
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range n {
		var body []string
		for range 60 {
			body = append(body, words[rng.IntN(len(words))])
		}
		fmt.Fprintf(w, `{"_id":"doc-%d","title":"Dokument %d","text":%q,"language":"de"}`+"\n", i, i, strings.Join(body, " "))
	}
	w.Flush()
	f.Close()

	data := t.TempDir()
	kills := 0
	seed := rand.New(rand.NewPCG(42, 7))
	for round := range 3 {
		cmd := exec.Command(bin, "ingest", "--data", data, "--json", corpus)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		delay := time.Duration(200+seed.IntN(1200)) * time.Millisecond
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case <-done:
			t.Logf("round %d: ingest finished before the kill at %v", round, delay)
		case <-time.After(delay):
			cmd.Process.Signal(syscall.SIGKILL)
			<-done
			kills++
			t.Logf("round %d: killed after %v", round, delay)
		}
	}
	if kills == 0 {
		t.Log("no kill landed during ingest (machine too fast for the delays); the recovery check below still runs")
	}

	out, err := exec.Command(bin, "ingest", "--data", data, "--json", corpus).Output()
	if err != nil {
		t.Fatalf("final ingest: %v\n%s", err, out)
	}
	var sum map[string]int
	lastJSON(t, string(out), &sum)
	if sum["added"]+sum["unchanged"] != n || sum["failed"] != 0 || sum["updated"] != 0 {
		t.Errorf("final run = %v, want added+unchanged = %d", sum, n)
	}
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
