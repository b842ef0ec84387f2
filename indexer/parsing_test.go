package indexer

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/fundus-kb/fundus/search"
)

// TestParseSlots checks that an upload waits for a parse slot while every
// slot is taken (by folder ingest workers, other uploads or fetches), and
// gives up, naming the file, when its request ends.
func TestParseSlots(t *testing.T) {
	kb := tempKB(t)
	for range cap(kb.parseSlots) {
		kb.parseSlots <- struct{}{}
	}
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	res, err := kb.IngestBytes(ctx, "a.json", []byte(`{"id": "a", "title": "A", "body": "Text."}`), "")
	if err != nil {
		t.Fatalf("IngestBytes: %v", err)
	}
	if len(res) != 1 || res[0].Status != search.Failed || res[0].Error != "a.json: context canceled" {
		t.Errorf("got results %+v, want one failure %q", res, "a.json: context canceled")
	}
	for range cap(kb.parseSlots) {
		<-kb.parseSlots
	}
	if _, err := kb.Document(t.Context(), "a"); !errors.Is(err, ErrNotFound) {
		t.Errorf("Document(a): got %v, want ErrNotFound", err)
	}
	res, err = kb.IngestBytes(t.Context(), "a.json", []byte(`{"id": "a", "title": "A", "body": "Text."}`), "")
	if err != nil || len(res) != 1 || res[0].Status != search.Added {
		t.Errorf("with free slots: got %+v, %v; want a added", res, err)
	}
}

// TestIngestBytesHostile checks that an upload of a hostile file is a
// named failure with its line, not a parse of a minute (300 KB of ">" took
// 70 s as an upload).
func TestIngestBytesHostile(t *testing.T) {
	kb := tempKB(t)
	data := append([]byte("# Deep\n\n"), bytes.Repeat([]byte(">"), 300_000)...)
	res, err := kb.IngestBytes(t.Context(), "deep.md", data, "")
	if err != nil {
		t.Fatalf("IngestBytes: %v", err)
	}
	want := "deep.md:3: too deeply nested (more than 100 levels of block quotes and lists at line 3)"
	if len(res) != 1 || res[0].Status != search.Failed || res[0].Error != want || res[0].Line != 3 {
		t.Errorf("got %+v, want one failure at line 3: %q", res, want)
	}
}

// TestUploadRules checks that an upload follows the rules of every ingest
// path: a second record claiming an id is a duplicate that names the
// first, and the others are written.
func TestUploadRules(t *testing.T) {
	kb := tempKB(t)
	data := []byte(`{"id": "a", "title": "A", "body": "Eins."}
{"id": "b", "title": "B", "body": "Zwei."}
{"id": "a", "title": "A again", "body": "Drei."}
`)
	res, err := kb.IngestBytes(t.Context(), "batch.jsonl", data, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(res) != 3 {
		t.Fatalf("results %+v, want 3", res)
	}
	for _, tc := range []struct {
		name      string
		at        int
		id        string
		status    search.Outcome
		errorPart string
	}{
		{"first a", 0, "a", search.Added, ""},
		{"b", 1, "b", search.Added, ""},
		{"second a", 2, "a", search.Failed, `duplicate id "a", already read from batch.jsonl:1`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := res[tc.at]
			if r.ID != tc.id || r.Status != tc.status || !strings.Contains(r.Error, tc.errorPart) {
				t.Errorf("result %+v, want id %s, status %s, error with %q", r, tc.id, tc.status, tc.errorPart)
			}
		})
	}
}
