//go:build unix

package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestKillDuringRestore kills `fundus restore` with SIGKILL while it reads
// the backup (from a pipe the test holds half-written, so the kill lands
// mid-restore without racing the clock). serve, check, stats and restore
// must then name the incomplete restore instead of calling the data
// directory an empty, healthy store; removing what they name and
// restoring again must work.
func TestKillDuringRestore(t *testing.T) {
	bin := buildBinary(t)
	src := t.TempDir()
	runCLI(t, map[string]string{"FUNDUS_DATA": src}, "ingest", filepath.Join("..", "..", "testdata", "ingest", "mixed"))
	backup := filepath.Join(t.TempDir(), "kb.backup")
	if _, errOut, code := runCLI(t, map[string]string{"FUNDUS_DATA": src}, "backup", backup); code != 0 {
		t.Fatalf("backup: %s", errOut)
	}
	data, err := os.ReadFile(backup)
	if err != nil {
		t.Fatal(err)
	}

	dir := filepath.Join(t.TempDir(), "data")
	fifo := filepath.Join(t.TempDir(), "backup.fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "restore", "--data", dir, fifo)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	w, err := os.OpenFile(fifo, os.O_WRONLY, 0) // returns once restore opened it
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	if _, err := w.Write(data[:len(data)/2]); err != nil {
		t.Fatal(err)
	}
	// Wait for the restore to be under way: its staging directory exists
	// and it reads on from the pipe, which holds no more.
	staging := filepath.Join(dir, "restore.partial")
	for deadline := time.Now().Add(60 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		if _, err := os.Stat(filepath.Join(staging, "store")); err == nil {
			break
		}
		select {
		case err := <-done:
			t.Fatalf("restore ended before the kill: %v", err)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatal("restore never started")
		}
	}
	cmd.Process.Signal(syscall.SIGKILL)
	<-done

	env := map[string]string{"FUNDUS_DATA": dir}
	want := "incomplete restore in " + dir + ": a `fundus restore` into it did not finish (or is still running); remove " + staging + " and restore again"
	for _, args := range [][]string{
		{"check"},
		{"stats"},
		{"restore", backup},
	} {
		t.Run(args[0], func(t *testing.T) {
			_, errOut, code := runCLI(t, env, args...)
			if code != 1 || !strings.Contains(errOut, want) {
				t.Errorf("exit %d, stderr %q; want 1 and %q", code, errOut, want)
			}
		})
	}
	t.Run("serve", func(t *testing.T) {
		// serve must refuse at once; the deadline only ends a server that
		// wrongly started.
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		defer cancel()
		var stdout, stderr syncBuffer
		err := run(ctx, []string{"serve", "--data", dir, "--addr", "127.0.0.1:0"}, func(string) string { return "" }, &stdout, &stderr)
		if err == nil || !strings.Contains(stderr.String(), want) {
			t.Errorf("serve: %v, stderr %q; want an error naming the incomplete restore", err, stderr.String())
		}
	})
	if _, err := os.Stat(filepath.Join(dir, "store")); err == nil {
		t.Error("a command created a store beside the incomplete restore")
	}

	// Done as told, a restore works.
	if err := os.RemoveAll(staging); err != nil {
		t.Fatal(err)
	}
	if out, errOut, code := runCLI(t, env, "restore", backup); code != 0 || !strings.Contains(out, "restored 3 documents") {
		t.Fatalf("restore after removing %s: exit %d, %s %s", staging, code, out, errOut)
	}
	if out, errOut, code := runCLI(t, env, "check"); code != 0 || !strings.Contains(out, "ok: the index agrees") {
		t.Errorf("check after the restore: exit %d, %s %s", code, out, errOut)
	}
}

// TestRestoreRefusesServedDirectories: a restore into the data directory
// of a running server, or into a directory inside it, is refused and
// writes nothing there.
func TestRestoreRefusesServedDirectories(t *testing.T) {
	bin := buildBinary(t)
	src := t.TempDir()
	runCLI(t, map[string]string{"FUNDUS_DATA": src}, "ingest", filepath.Join("..", "..", "testdata", "ingest", "mixed"))
	backup := filepath.Join(t.TempDir(), "kb.backup")
	runCLI(t, map[string]string{"FUNDUS_DATA": src}, "backup", backup)

	live := t.TempDir()
	cmd, _ := startServe(t, bin, live)
	defer func() { cmd.Process.Signal(syscall.SIGTERM); cmd.Wait() }()
	cases := []struct{ name, dir, says string }{
		{"the served data directory", live, "data directory " + live + " is in use by another fundus process"},
		{"its store", filepath.Join(live, "store"), "is inside the data directory " + live},
		{"a new directory inside it", filepath.Join(live, "restored"), "is inside the data directory " + live},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, errOut, code := runCLI(t, nil, "restore", "--data", tc.dir, backup)
			if code != 1 || !strings.Contains(errOut, tc.says) {
				t.Errorf("exit %d, stderr %q; want 1 and %q", code, errOut, tc.says)
			}
			for _, d := range []string{"restore.partial", "store/store", "store/index", "restored"} {
				if _, err := os.Stat(filepath.Join(live, d)); err == nil {
					t.Errorf("the refused restore wrote %s", d)
				}
			}
		})
	}
}
