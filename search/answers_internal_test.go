package search

import (
	"slices"
	"testing"
)

func TestSentences(t *testing.T) {
	cases := []struct {
		name string
		text string
		want []string
	}{
		{"two sentences", "Erste Aussage. Zweite Aussage!", []string{"Erste Aussage.", "Zweite Aussage!"}},
		{"an abbreviation", "Das gilt z. B. für KMU. Danach kommt mehr.", []string{"Das gilt z. B. für KMU.", "Danach kommt mehr."}},
		{"a date with an ordinal", "Am 16. April 2020 begann es. Dann folgte Mai.", []string{"Am 16. April 2020 begann es.", "Dann folgte Mai."}},
		{"an initial", "Wie J. Smith schrieb, stimmt das. Ende.", []string{"Wie J. Smith schrieb, stimmt das.", "Ende."}},
		{"a title", "Prof. Dr. Demir sprach. Danach Fragen?", []string{"Prof. Dr. Demir sprach.", "Danach Fragen?"}},
		{"a closing quote", "Er sagte „Ja.“ Dann ging er.", []string{"Er sagte „Ja.“", "Dann ging er."}},
		{"no capital after the stop", "Version 2.5 ist da. und klein weiter.", []string{"Version 2.5 ist da. und klein weiter."}},
		{"paragraphs and list lines", "Einleitung:\n- erstens\n- zweitens\n\nNeuer Absatz.", []string{"Einleitung:", "- erstens", "- zweitens", "Neuer Absatz."}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			for _, s := range sentences(tc.text) {
				got = append(got, s.text)
				if tc.text[s.start:s.end] != s.text {
					t.Errorf("offsets %d:%d do not hold %q", s.start, s.end, s.text)
				}
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
	if b := sentences("Eins.\n\nZwei.\n\n\n\nDrei."); b[2].block != 3 {
		t.Errorf("paragraph of the third sentence %d, want 3", b[2].block)
	}
}

func TestIsQuestion(t *testing.T) {
	cases := []struct {
		q    string
		want bool
	}{
		{"Wie verankert man Offenheit strategisch?", true},
		{"Was haben wir über Fehlerkultur gelernt", true},
		{"how do clusters work", true},
		{"Innovationskultur?", true},
		{"Innovationskultur", false},
		{"Wiesbaden Cluster", false},
		{"", false},
	}
	for _, tc := range cases {
		t.Run(tc.q, func(t *testing.T) {
			if got := IsQuestion(tc.q); got != tc.want {
				t.Errorf("IsQuestion(%q) = %v", tc.q, got)
			}
		})
	}
}
