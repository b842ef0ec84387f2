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
// index must agree with the store. Each round ingests a new part of the
// corpus and is killed at a random point within the time a full run of one
// part takes (measured first), so the kills land while documents are being
// written.
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
			fmt.Fprintf(w, `{"_id":"doc-%d","title":"Dokument %d","text":%q,"language":"de"}`+"\n", i, i, strings.Join(body, " "))
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
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		delay := time.Duration(float64(full) * (0.2 + 0.6*seed.Float64()))
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case <-done:
			t.Logf("part %d: ingest finished before the kill at %v", p, delay)
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
