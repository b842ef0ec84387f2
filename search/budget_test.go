package search

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
)

// stableLetters spell words that the English stemmer leaves as they are
// (no vowels after the start, no s, y or l).
const stableLetters = "bcdfghjkmnpqrtvwxz"

// stableWords returns n distinct words starting with prefix.
func stableWords(prefix string, n int) []string {
	out := make([]string, 0, n)
	for i := 0; len(out) < n; i++ {
		w := []byte(prefix)
		for v, k := i, 0; k < 3; k++ {
			w = append(w, stableLetters[v%len(stableLetters)])
			v /= len(stableLetters)
		}
		out = append(out, string(w))
	}
	return out
}

// abusePrefixes are the 55 two-letter prefixes of the abusive query of
// issue 11 ("ca* ce* … hu*").
func abusePrefixes() []string {
	var out []string
	for _, a := range "cdfgh" {
		for _, b := range "aeiolrnmtyu" {
			out = append(out, string(a)+string(b))
		}
	}
	return out
}

// newBudgetIndex indexes English documents: one per group of words.
func newBudgetIndex(t *testing.T, groups map[string][]string) *Index {
	t.Helper()
	var docs []Document
	for id, words := range groups {
		docs = append(docs, Document{ID: id, Type: "other", Title: id, Body: strings.Join(words, " "), Language: "en"})
	}
	return memIndex(t, docs...)
}

func TestExpansionBudget(t *testing.T) {
	groups := map[string][]string{"kiw": stableWords("kiw", 5)}
	for _, p := range abusePrefixes() {
		groups["p-"+p] = stableWords(p, 40) // 55 × 40 = 2,200 terms
	}
	groups["wide"] = stableWords("qq", MaxExpansions+1)
	ix := newBudgetIndex(t, groups)
	ctx := context.Background()

	var all []string
	for _, p := range abusePrefixes() {
		all = append(all, p+"*")
	}
	for _, tc := range []struct {
		name, q  string
		wantErr  string // substring of the reason; "" for none
		wantHits []string
	}{
		{"55 two-letter prefixes", strings.Join(all, " "), "the prefixes match more than 2000 words together, ca* alone ", nil},
		{"one prefix too broad", "qq*", "qq* matches more than 2000 words; add letters", nil},
		{"too broad in a field", "title:wi* body:qq*", "body:qq* matches more than 2000 words", nil},
		{"too broad under NOT", "kiw -qq*", "qq* matches more than 2000 words", nil},
		{"a normal prefix", "kiw*", "", []string{"kiw"}},
		{"a few broad prefixes", "ca* ce* ci*", "", []string{"p-ca", "p-ce", "p-ci"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, err := ix.Search(ctx, Request{Query: tc.q, Size: 100, NoFacets: true})
			if tc.wantErr != "" {
				var ir *InvalidRequestError
				if !errors.As(err, &ir) || ir.Param != "q" || !strings.Contains(ir.Reason, tc.wantErr) {
					t.Fatalf("Search(%.40q): got error %v, want an invalid q saying %q", tc.q, err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("Search(%q): %v", tc.q, err)
			}
			ids := resultIDs(res)
			slices.Sort(ids)
			if !slices.Equal(ids, tc.wantHits) {
				t.Errorf("Search(%q): got %v, want %v", tc.q, ids, tc.wantHits)
			}
		})
	}
}

// TestFuzzyDegradesWithinBudget: when the prefixes leave too little of the
// budget for a typo word's fuzzy alternatives, the word is searched as
// written and the query still answers.
func TestFuzzyDegradesWithinBudget(t *testing.T) {
	ix := newBudgetIndex(t, map[string][]string{
		"bramble": {"brambkez", "brambkea"}, // one edit from "brambkex"
		"wide":    stableWords("zq", MaxExpansions-1),
	})
	ctx := context.Background()
	for _, tc := range []struct {
		name, q string
		want    bool // the fuzzy alternatives find "bramble"
	}{
		{"typo alone", "brambkex", true},
		{"typo with a prefix that leaves room", "brambkex zqb*", true},
		{"typo with prefixes that leave too little", "brambkex zq*", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, err := ix.Search(ctx, Request{Query: tc.q, Size: 100, NoFacets: true})
			if err != nil {
				t.Fatalf("Search(%q): %v", tc.q, err)
			}
			got := slices.ContainsFunc(res.Hits, func(h Hit) bool { return h.ID == "bramble" })
			if got != tc.want {
				t.Errorf("Search(%q) finds the fuzzy match: got %v, want %v", tc.q, got, tc.want)
			}
		})
	}
}
