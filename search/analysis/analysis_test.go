package analysis

import (
	"slices"
	"strings"
	"testing"

	bleveanalysis "github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/registry"
)

func germanTerms(t *testing.T, text string) []string {
	t.Helper()
	an, err := registry.NewCache().AnalyzerNamed(GermanAnalyzer)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, tok := range an.Analyze([]byte(text)) {
		out = append(out, string(tok.Term))
	}
	return out
}

func stem(t *testing.T, word string) string {
	t.Helper()
	terms := germanTerms(t, word)
	if len(terms) != 1 {
		t.Fatalf("%q analyses to %q, want one term", word, terms)
	}
	return terms[0]
}

// The light stemmer takes "-em" off nouns in the singular only; the fix
// makes every form of a noun on -em meet.
func TestGermanAnalyzerEmNouns(t *testing.T) {
	for _, forms := range [][]string{
		{"Ökosystem", "Ökosysteme", "Ökosystemen", "Ökosystems", "Oekosystem"},
		{"System", "Systeme", "Systemen", "Systems"},
		{"Problem", "Probleme", "Problemen", "Problems"},
		{"Tandem", "Tandems"},
		// Stand and its compounds end in "tand" too: their forms meet.
		{"Vorstand", "Vorstände", "Vorständen", "Vorstands"},
		{"Widerstand", "Widerstände", "Widerständen"},
		{"Mittelstand", "Mittelstands"},
	} {
		want := stem(t, forms[0])
		for _, f := range forms[1:] {
			if got := stem(t, f); got != want {
				t.Errorf("%s → %q, but %s → %q", f, got, forms[0], want)
			}
		}
	}
	// Adjectives on -em keep losing it: "großem" is "groß".
	if a, b := stem(t, "großem"), stem(t, "groß"); a != b {
		t.Errorf("großem → %q, groß → %q", a, b)
	}
	// Stop words go, umlauts are normalised.
	if got := germanTerms(t, "Die Wärme der Städte"); !slices.Equal(got, []string{"warm", "stadt"}) {
		t.Errorf("analysed to %q", got)
	}
}

// lexicon is a small German vocabulary as the index would have it: stems
// with document frequencies.
func lexicon(t *testing.T) MapLexicon {
	t.Helper()
	words := map[string]int{
		"Innovation": 40, "Kultur": 30, "Innovationskultur": 10, "Fehler": 12, "Fehlerkultur": 8,
		"Ökosystem": 12, "Strategie": 25, "Hochschule": 20, "Kooperation": 30,
		"Schutzrecht": 8, "Frage": 15, "Wärme": 5, "Wende": 4, "Quartier": 3, "Quartierswärme": 1,
		"Wirtschaft": 25, "Kreislaufwirtschaft": 2, "Unternehmen": 50, "nehmen": 10, "Bildung": 10,
		"Ausbildung": 6, "Wort": 5, "Antwort": 7, "Verantwortung": 9, "Arbeit": 20, "Stand": 10,
		"Vorstand": 5, "Spiel": 8, "Beispiel": 30, "Teil": 10, "Daten": 30, "Raum": 10, "Plattform": 14,
		"Management": 9, "Transfer": 20, "Scout": 3, "Öffnung": 6, "Recht": 10, "Energie": 8,
		"Operation": 2, "Ration": 1, "Koop": 1, "Mitarbeiter": 12, "Zusammenarbeit": 15,
		"Forschung": 18, "Projekt": 22, "Partner": 16, "Partnerschaft": 6, "Wirt": 1, "Schaft": 1,
		"Hui": 3, "Huihui": 1,
	}
	lex := MapLexicon{}
	for w, n := range words {
		lex[stem(t, w)] += n
	}
	return lex
}

func TestSplit(t *testing.T) {
	sp := &Splitter{Lex: lexicon(t)}
	cases := []struct {
		word string
		want string // stems of the parts, space-separated; "" for no split
	}{
		{"Innovationskultur", "innovation kultur"},
		{"Fehlerkultur", "fehl kultur"},
		{"Ökosystemstrategie", "okosystem strategi"},
		{"Hochschulkooperationen", "hochschul kooperation"},
		{"Schutzrechtsfragen", "schutzrecht frag"},
		{"Wärmewende", "warm wend"},
		{"Kreislaufwirtschaft", ""}, // "Kreislauf" is not in this lexicon
		{"Datenraum", "dat raum"},
		{"Plattformökosysteme", "plattform okosystem"},
		{"Transferscouts", "transf scout"},
		{"Öffnungsstrategie", "offnung strategi"},
		{"Forschungsprojektpartner", "forschung projekt partn"},
		{"Energiewende", "energi wend"},
		{"Partnerschaft", ""}, // more frequent than "Schaft", and "Partner" + "schaft" is no better
		// Words that are no compounds of known parts, or whose first
		// part is a particle or stop word.
		{"Kooperation", ""},
		{"Unternehmen", ""},
		{"Ausbildung", ""},
		{"Verantwortung", ""},
		{"Vorstand", ""},
		{"Beispiel", ""},
		{"Mitarbeiter", ""},
		{"Zusammenarbeit", ""},
		{"Innovation", ""},
		{"Wirtschaft", ""},
	}
	for _, c := range cases {
		got := strings.Join(sp.Split(stem(t, c.word)), " ")
		if got != c.want {
			t.Errorf("Split(%s = %q) = %q, want %q", c.word, stem(t, c.word), got, c.want)
		}
	}
}

// TestOneWordRepeated checks that one word twice is no compound: a name
// or a doubling ("Huihui"), whose split would find every text with the
// word. With heads of three letters, as the search splits.
func TestOneWordRepeated(t *testing.T) {
	sp := &Splitter{Lex: lexicon(t), MinHead: 3}
	if got := sp.Split(stem(t, "Huihui")); got != nil {
		t.Errorf("Split(Huihui) = %q, want no split", got)
	}
	if sp.Contains(stem(t, "Huihui"), stem(t, "Hui")) {
		t.Error("Contains(Huihui, Hui), want false")
	}
	if got := strings.Join(sp.Split(stem(t, "Innovationskultur")), " "); got != "innovation kultur" {
		t.Errorf("Split(Innovationskultur) = %q", got)
	}
}

func TestContains(t *testing.T) {
	sp := &Splitter{Lex: lexicon(t)}
	cases := []struct {
		compound, part string
		want           bool
	}{
		{"Innovationskultur", "Kultur", true},
		{"Innovationskultur", "Innovation", true},
		{"Fehlerkultur", "Kultur", true},
		{"Kreislaufwirtschaft", "Kreislauf", true}, // the part need not be known
		{"Wärmewende", "Wärme", true},
		{"Quartierswärme", "Wärme", true},
		{"Datenraum", "Daten", true},
		{"Forschungsprojektpartner", "Projekt", true},
		{"Unternehmen", "nehmen", false},
		{"Antwort", "Wort", false},
		{"Verantwortung", "Wort", false},
		{"Vorstand", "Stand", false},
		{"Beispiel", "Spiel", false},
		{"Kooperation", "Operation", false},
		{"Kultur", "Kultur", false},
		{"Kulturell", "Kultur", false},
	}
	for _, c := range cases {
		if got := sp.Contains(stem(t, c.compound), stem(t, c.part)); got != c.want {
			t.Errorf("Contains(%s, %s) = %v, want %v", c.compound, c.part, got, c.want)
		}
	}
}

func TestFixEmStems(t *testing.T) {
	for in, want := range map[string]string{"okosyst": "okosystem", "probl": "problem", "okosystem": "okosystem", "kultur": "kultur", "tand": "tandem", "mittelstand": "mittelstand"} {
		if got := string(FixEmStems([]byte(in))); got != want {
			t.Errorf("FixEmStems(%q) = %q, want %q", in, got, want)
		}
	}
	var _ bleveanalysis.TokenFilter = emFix{}
}
