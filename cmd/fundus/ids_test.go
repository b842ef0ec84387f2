package main

import (
	"context"
	"testing"

	"github.com/fundus-kb/fundus/indexer"
	"github.com/fundus-kb/fundus/search"
)

// TestCheckListsOldBadIDs: documents stored under ids from before such ids
// were refused are listed by check (which still passes) and can be read
// and deleted by id.
func TestCheckListsOldBadIDs(t *testing.T) {
	data := t.TempDir()
	kb, err := indexer.Open(context.Background(), indexer.Config{DataDir: data})
	if err != nil {
		t.Fatal(err)
	}
	d := search.Document{ID: "a/../secret/alpha", Type: "other", Title: "Alt", Body: "Text", Language: "de"}
	if _, err := kb.Put(context.Background(), []indexer.Item{{Doc: d}}); err != nil {
		t.Fatal(err)
	}
	kb.Close()
	env := map[string]string{"FUNDUS_DATA": data}
	steps := []struct {
		name   string
		args   []string
		code   int
		stdout string
	}{
		{"check lists it", []string{"check"}, 0, `ids no longer accepted (1): "a/../secret/alpha"`},
		{"check --json lists it", []string{"check", "--json"}, 0, `"invalid_ids":["a/../secret/alpha"]`},
		{"get reads it", []string{"get", "a/../secret/alpha"}, 0, `"title":"Alt"`},
		{"delete deletes it", []string{"delete", "a/../secret/alpha"}, 0, "deleted a/../secret/alpha"},
		{"check is clean", []string{"check", "--json"}, 0, `"invalid_ids":[]`},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			checkCLI(t, env, st.args, st.code, []string{st.stdout}, nil)
		})
	}
}
