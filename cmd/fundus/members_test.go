package main

import (
	"os"
	"path/filepath"
	"testing"
)

// TestCLIReadsMembersOnlyDocuments checks what the README says: the
// commands that open the data directory themselves (search, get, export)
// include members-only documents, since whoever runs them holds the data.
func TestCLIReadsMembersOnlyDocuments(t *testing.T) {
	data := t.TempDir()
	src := t.TempDir()
	doc := "---\nid: hidden-note\ntitle: Vertrauliche Lernnotiz\nvisibility: members\n---\nDie Zwiebelmethode half beim Kulturwandel.\n"
	if err := os.WriteFile(filepath.Join(src, "hidden.md"), []byte(doc), 0o644); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"FUNDUS_DATA": data}
	if _, stderr, code := runCLI(t, env, "ingest", src); code != 0 {
		t.Fatalf("ingest: exit %d: %s", code, stderr)
	}
	tests := []struct {
		name string
		args []string
		want string
	}{
		{name: "search", args: []string{"search", "--json", "Zwiebelmethode"}, want: `"hidden-note"`},
		{name: "get", args: []string{"get", "hidden-note"}, want: "Zwiebelmethode"},
		{name: "export", args: []string{"export"}, want: "hidden-note"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkCLI(t, env, tt.args, 0, []string{tt.want}, nil)
		})
	}
}
