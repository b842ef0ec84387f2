package search

import (
	"context"
	"math"
	"slices"
	"testing"

	"github.com/fundus-kb/fundus/search/querylang"
)

func TestQueryLanguageDetection(t *testing.T) {
	for _, tc := range []struct {
		name, q, want string
	}{
		{"German stop word", "Datenräume für KMU", LangGerman},
		{"German question", "Wer hat das Patent angemeldet?", LangGerman},
		{"umlaut only", "Förderpolitik", LangGerman},
		{"English question", "what is the role of universities", LangEnglish},
		{"English stop word", "culture of openness", LangEnglish},
		{"no telling words", "Innovationskultur", ""},
		{"shared word", "open innovation", ""},
		{"field terms do not count", "topic:Führung culture", ""},
		{"phrase counts", `"die Kultur der Offenheit"`, LangGerman},
		{"tie", "Müller and Offenheit", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			n, err := querylang.Parse(tc.q)
			if err != nil {
				t.Fatal(err)
			}
			if got := queryLanguage(n); got != tc.want {
				t.Errorf("queryLanguage(%q) = %q, want %q", tc.q, got, tc.want)
			}
		})
	}
}

// languageIndex holds a German and an English document on one subject.
func languageIndex(t *testing.T) *Index {
	t.Helper()
	docs := []Document{
		{ID: "de-daten", Type: "recommendation", Title: "Daten teilen im Mittelstand", Body: "Der Bund soll gemeinsame Standards, Verträge und Datenräume für kleine und mittlere Unternehmen fördern, damit Daten sicher geteilt werden. Die Länder beteiligen sich an Pilotprojekten in den Regionen.", Language: "de", Topics: []string{"Plattformen und Daten"}},
		{ID: "en-data", Type: "webinar", Title: "Data spaces", Body: "Small firms share data.", Language: "en", Topics: []string{"Datenräume"}},
		{ID: "en-cells", Type: "other", Title: "Starved cells", Body: "Cells die when they are starved of oxygen.", Language: "en"},
		{ID: "de-zellen", Type: "other", Title: "Zellkulturen", Body: "Wer Zellen zählt, braucht ein Mikroskop und Geduld. Zellen teilen sich.", Language: "de"},
	}
	return memIndex(t, docs...)
}

func hitIDs(t *testing.T, ix *Index, q string, tune *Tuning) []string {
	t.Helper()
	res, err := ix.Search(context.Background(), Request{Query: q, NoFacets: true, NoSnippets: true, Tuning: tune})
	if err != nil {
		t.Fatalf("search %q: %v", q, err)
	}
	return resultIDs(res)
}

func TestForeignStopWords(t *testing.T) {
	ix := languageIndex(t)
	off := DefaultTuning()
	off.ForeignStopWords = false
	for _, tc := range []struct {
		name  string
		q     string
		tune  *Tuning
		found bool
	}{
		// "die" is a German stop word: a German question's "die" does not
		// find English cells that die.
		{"German stop word not searched in English", "Wer zählt die Zellen", nil, false},
		{"switched off, it is", "Wer zählt die Zellen", &off, true},
		{"an English word in an English query", "cells die", nil, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := hitIDs(t, ix, tc.q, tc.tune)
			if slices.Contains(got, "en-cells") != tc.found {
				t.Errorf("%q: hits %v, en-cells found = %v, want %v", tc.q, got, !tc.found, tc.found)
			}
			if tc.q != "cells die" && (len(got) == 0 || got[0] != "de-zellen") {
				t.Errorf("%q: hits %v, want de-zellen first", tc.q, got)
			}
		})
	}
}

func TestForeignWeight(t *testing.T) {
	ix := languageIndex(t)
	off := DefaultTuning()
	off.ForeignWeight = 0
	// The English webinar holds "Datenräume" only as its German topic, in a
	// short text; the German recommendation holds the word in a longer one.
	// A German query ranks the German document first and still finds the
	// English one.
	got := hitIDs(t, ix, "Datenräume für KMU", nil)
	if len(got) < 2 || got[0] != "de-daten" || !slices.Contains(got, "en-data") {
		t.Errorf("default: hits %v, want de-daten first and en-data found", got)
	}
	if got := hitIDs(t, ix, "Datenräume für KMU", &off); len(got) < 2 || got[0] != "en-data" {
		t.Errorf("foreign weight off: hits %v, want en-data first (else this test shows nothing)", got)
	}
}

func TestSameWord(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want bool
	}{
		{"verankert", "verank", true},
		{"verankert", "verankerung", true},
		{"grundung", "grundet", true},
		{"spielt", "spiel", true},
		{"assimiliert", "assimilation", true},
		{"politik", "politisch", true},
		{"franzos", "franzosisch", true},
		{"multipliziert", "multiplikation", true},
		{"nordamerika", "nordamerikanisch", true},
		{"strategisch", "strategi", false},

		{"offenheit", "offen", false},
		{"spiel", "spielraum", false},
		{"haus", "hause", false}, // shorter than minVariantBase
	} {
		t.Run(tc.a+"~"+tc.b, func(t *testing.T) {
			if got := sameWord(tc.a, tc.b); got != tc.want {
				t.Errorf("sameWord(%q, %q) = %v, want %v", tc.a, tc.b, got, tc.want)
			}
		})
	}
}

func TestWordVariantsFound(t *testing.T) {
	docs := []Document{
		{ID: "noun", Type: "webinar", Title: "Strategische Verankerung", Body: "Über die Verankerung von Offenheit in Zielen.", Language: "de"},
		{ID: "other", Type: "other", Title: "Glossar", Body: "Offenheit ist eine Haltung.", Language: "de"},
	}
	ix := memIndex(t, docs...)
	off := DefaultTuning()
	off.VariantBoost = 0
	// "verankert" meets "Verankerung" only as a variant.
	if got := hitIDs(t, ix, "verankert", &off); len(got) != 0 {
		t.Errorf("variants off: hits %v, want none (else this test shows nothing)", got)
	}
	if got := hitIDs(t, ix, "verankert", nil); !slices.Equal(got, []string{"noun"}) {
		t.Errorf("hits %v, want [noun]", got)
	}
	if got := hitIDs(t, ix, "Wie ist Offenheit verankert?", nil); len(got) != 2 || got[0] != "noun" {
		t.Errorf("hits %v, want noun first", got)
	}
}

func TestHyphenApart(t *testing.T) {
	ix := memIndex(t,
		Document{ID: "de-apart", Type: "other", Title: "Fernsehen", Body: "Die erste Serie von Doctor Who lief 1963 an.", Language: "de"},
		Document{ID: "de-together", Type: "other", Title: "Fernsehen", Body: "Die erste Doctor Who-Serie lief 1963 an.", Language: "de"},
		Document{ID: "en-apart", Type: "other", Title: "Blood", Body: "IL levels rose 6 fold in the blood.", Language: "en"},
	)
	score := func(q, id string, apart bool) float64 {
		t.Helper()
		tune := DefaultTuning()
		tune.HyphenApart = apart
		res, err := ix.Search(context.Background(), Request{Query: q, NoFacets: true, NoSnippets: true, Tuning: &tune})
		if err != nil {
			t.Fatalf("search %q: %v", q, err)
		}
		for _, h := range res.Hits {
			if h.ID == id {
				return h.Score
			}
		}
		t.Fatalf("search %q: %s not found", q, id)
		return 0
	}
	for _, tc := range []struct {
		name, q, id string
		gain        bool // HyphenApart raises the score; else it leaves it alone
	}{
		{"German parts apart score in full", "Who-Serie", "de-apart", true},
		{"German parts side by side score as before", "Who-Serie", "de-together", false},
		{"English parts apart keep half", "IL-6", "en-apart", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			on, off := score(tc.q, tc.id, true), score(tc.q, tc.id, false)
			if tc.gain && on < 1.5*off {
				t.Errorf("%s in %s: score %v with HyphenApart, %v without; want about twice", tc.q, tc.id, on, off)
			}
			if !tc.gain && math.Abs(on-off) > 1e-9*off {
				t.Errorf("%s in %s: score %v with HyphenApart, %v without; want the same", tc.q, tc.id, on, off)
			}
		})
	}
}

func TestForeignStopWordAsName(t *testing.T) {
	ix := memIndex(t,
		Document{ID: "de-band", Type: "other", Title: "Musik", Body: "Die Band The Who spielte in London.", Language: "de"},
		Document{ID: "de-konzert", Type: "other", Title: "Musik", Body: "Das Konzert fiel aus.", Language: "de"},
	)
	for _, tc := range []struct {
		name, q string
		found   bool
	}{
		// "The" and "Who" are English stop words; capitalised after the
		// first word they are a name and are searched in German text too.
		{"capitalised inside the query", "Konzert von The Who", true},
		{"in lower case", "Konzert von the who", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := hitIDs(t, ix, tc.q, nil)
			if slices.Contains(got, "de-band") != tc.found {
				t.Errorf("%s: hits %v, want de-band found %v", tc.q, got, tc.found)
			}
		})
	}
}

// TestStandWords checks that "Stand" and its compounds keep their stem
// ("mittelstand", not "mittelstandem" as the -em fix for "Tandem" made
// it): a compound with one as its part, and a derivation, are found.
func TestStandWords(t *testing.T) {
	docs := []Document{
		{ID: "compound", Type: "recommendation", Title: "Förderung", Body: "Die Mittelstandsförderung des Landes wird neu geordnet.", Language: "de"},
		{ID: "derived", Type: "case", Title: "Ein Betrieb", Body: "Ein mittelständischer Betrieb aus dem Norden.", Language: "de"},
		{ID: "other", Type: "other", Title: "Glossar", Body: "Der Vorstand tagt in einer Sitzung im Mai.", Language: "de"},
	}
	ix := memIndex(t, docs...)
	for _, tc := range []struct {
		name, q string
		want    []string
	}{
		{"a part finds its compound", "Mittelstand", []string{"compound", "derived"}},
		{"a compound finds its parts apart", "Vorstandssitzung", []string{"other"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := hitIDs(t, ix, tc.q, nil)
			slices.Sort(got)
			if !slices.Equal(got, tc.want) {
				t.Errorf("%q: hits %v, want %v", tc.q, got, tc.want)
			}
		})
	}
}
