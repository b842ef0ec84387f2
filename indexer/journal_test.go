package indexer

import (
	"strings"
	"testing"

	"github.com/fundus-kb/fundus/indexer/store"
	"github.com/fundus-kb/fundus/search"
)

// TestEncodeEntries checks that commits are split into entries of at
// most about entryBytes, and that the writes come back in order.
func TestEncodeEntries(t *testing.T) {
	big := []byte(strings.Repeat("x", entryBytes/3))
	put := func(id string, raw []byte) store.Write {
		return store.Write{ID: id, Doc: &search.Document{ID: id, Title: id}, Raw: raw, Origin: "api"}
	}
	cases := []struct {
		name    string
		writes  []store.Write
		entries int
	}{
		{"nothing is one empty entry", nil, 1},
		{"small writes share an entry", []store.Write{put("a", nil), {ID: "b"}, put("c", []byte("raw"))}, 1},
		{"large writes are split", []store.Write{put("a", big), put("b", big), put("c", big), put("d", big)}, 2},
		{"one write above the bound is an entry of its own", []store.Write{put("a", nil), put("b", append(big, append(big, big...)...)), put("c", nil)}, 3},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			entries, err := encodeEntries(tc.writes)
			if err != nil {
				t.Fatal(err)
			}
			if len(entries) != tc.entries {
				t.Errorf("got %d entries, want %d", len(entries), tc.entries)
			}
			var got []store.Write
			for _, e := range entries {
				ws, err := decodeEntry(e)
				if err != nil {
					t.Fatal(err)
				}
				got = append(got, ws...)
			}
			if len(got) != len(tc.writes) {
				t.Fatalf("got %d writes back, want %d", len(got), len(tc.writes))
			}
			for i, w := range tc.writes {
				g := got[i]
				if g.ID != w.ID || (g.Doc == nil) != (w.Doc == nil) || string(g.Raw) != string(w.Raw) || g.Origin != w.Origin {
					t.Errorf("write %d: got %+v, want %+v", i, g, w)
				}
			}
		})
	}
}
