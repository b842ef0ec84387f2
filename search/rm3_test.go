package search

import (
	"context"
	"fmt"
	"slices"
	"testing"
)

// TestFeedbackExpansion checks RM3 (off in DefaultTuning): with feedback on, a
// document that shares the top documents' vocabulary but not the query's
// word is found (standard RM3) or not (rerank only).
func TestFeedbackExpansion(t *testing.T) {
	ix, err := NewMemory()
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	docs := map[string][2]string{
		"a": {"Frühjahr", "Hackathon mit Studierenden: Prototypen, Mentoring und Jury"},
		"b": {"Verbundtreffen", "Hackathon im Verbund: Prototypen und Mentoring für Teams"},
		"c": {"Wettbewerb", "Prototypen und Mentoring in einem Ideenwettbewerb mit Jury"},
		"d": {"Finanzen", "Haushaltsplanung und Controlling im Einkauf"},
	}
	var changes []Change
	for id, tb := range docs {
		d := &Document{ID: id, Title: tb[0], Body: tb[1], Language: "de"}
		if err := d.Normalize(); err != nil {
			t.Fatal(err)
		}
		changes = append(changes, Change{ID: id, Doc: d})
	}
	if err := ix.Apply(changes, 1); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name       string
		on, rerank bool
		want       []string
	}{
		{"off", false, false, []string{"a", "b"}},
		{"standard RM3 adds documents", true, false, []string{"a", "b", "c"}},
		{"rerank only adds none", true, true, []string{"a", "b"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tune := DefaultTuning()
			if tc.on {
				tune.Feedback = Feedback{Docs: 10, Terms: 10, Weight: 0.5, Rerank: tc.rerank}
			}
			res, err := ix.Search(context.Background(), Request{Query: "Hackathon", NoFacets: true, NoTypos: true, Tuning: &tune})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, h := range res.Hits {
				got = append(got, h.ID)
			}
			slices.Sort(got)
			if fmt.Sprint(got) != fmt.Sprint(tc.want) {
				t.Errorf("hits %v, want %v", got, tc.want)
			}
		})
	}
}
