package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestCLIOperations(t *testing.T) {
	data := t.TempDir()
	env := map[string]string{"FUNDUS_DATA": data}
	mixed := filepath.Join("..", "..", "testdata", "ingest", "mixed")
	runCLI(t, env, "ingest", mixed)
	work := t.TempDir()
	backup := filepath.Join(work, "kb.backup")
	export := filepath.Join(work, "kb.jsonl")
	restored := filepath.Join(work, "restored")

	steps := []struct {
		name   string
		args   []string
		code   int
		stdout string
		stderr string
	}{
		{"check is clean", []string{"check"}, 0, "ok: the index agrees", ""},
		{"backup", []string{"backup", backup}, 0, "", "backup written"},
		{"export", []string{"export", export}, 0, "", "exported 3 documents"},
		{"restore into a fresh directory", []string{"restore", "--data", restored, backup}, 0, "restored 3 documents", ""},
		{"restore again is refused", []string{"restore", "--data", restored, backup}, 1, "", "already holds a store"},
		{"delete moves to the trash", []string{"delete", "good-note"}, 0, "deleted good-note", ""},
		{"trash lists it", []string{"trash", "list"}, 0, "good-note", ""},
		{"undelete", []string{"undelete", "good-note"}, 0, "restored good-note", ""},
		{"undelete again", []string{"undelete", "good-note"}, 1, "", "not in the trash"},
		{"purge with negative age", []string{"trash", "purge", "--older-than", "-1h"}, 2, "", ""},
		{"purge", []string{"trash", "purge"}, 0, "purged 0 documents", ""},
		{"export to stdout", []string{"export"}, 0, `"id":"sub/good-case"`, ""},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			checkCLI(t, env, st.args, st.code, []string{st.stdout}, []string{st.stderr})
		})
	}
	// The restored copy holds the same documents.
	a, _, _ := runCLI(t, env, "export")
	b, _, _ := runCLI(t, map[string]string{"FUNDUS_DATA": restored}, "export")
	if a != b || a == "" {
		t.Errorf("restored documents differ")
	}
	// No temporary files are left next to the outputs.
	entries, _ := os.ReadDir(work)
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".tmp") {
			t.Errorf("left behind: %s", e.Name())
		}
	}
}
