package search

import (
	"slices"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/fundus-kb/fundus/internal/tabletest"
	"github.com/fundus-kb/fundus/search/querylang"
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
	tabletest.Map(t, "IsQuestion", IsQuestion, map[string]bool{
		"Wie verankert man Offenheit strategisch?": true,
		"Was haben wir über Fehlerkultur gelernt":  true,
		"how do clusters work":                     true,
		"Innovationskultur?":                       true,
		"Innovationskultur":                        false,
		"Wiesbaden Cluster":                        false,
		"":                                         false,
	})
}

func TestAnswerKind(t *testing.T) {
	cases := []struct {
		name, question, passage string
		want                    bool
	}{
		{"a number asked, a number given", "Wie viele Siedler kamen?", "Es kamen 390 Siedler.", true},
		{"a number word", "How many players were chosen?", "Four players were chosen.", true},
		{"the question's own number does not count", "Wie viele Punkte gab es 2015?", "Im Jahr 2015 gab es Punkte.", false},
		{"a year asked, a year given", "Wann erschien die Bibel?", "Sie erschien 1530 in Antwerpen.", true},
		{"a month", "When did it start?", "It started in March.", true},
		{"a small number is no year", "In welchem Jahr begann es?", "Es begann mit 3 Teams.", false},
		{"no kind asked", "Was übersetzte Luther?", "Luther übersetzte 1522 die Bibel.", false},
		{"a name asked, a name given", "Wer sang die Nationalhymne?", "Die Sängerin Lady Gaga sang die Nationalhymne.", true},
		{"a sentence's first word is no name", "Wer sang das Lied?", "Im Saal. Die Sängerin sang es.", false},
		{"the question's own name does not count", "Who met Lady Gaga?", "She met Lady Gaga there.", false},
		{"a German noun alone is no name", "Wer führte das Team an?", "Der Kapitän führte das Team an.", false},
		{"a term asked, a naming word given", "Wie heißt diese Menge?", "Diese Menge wird Dreiermenge genannt.", true},
		{"a term asked, no naming word", "Wie lautet der Begriff?", "Der Begriff ist alt.", false},
		{"a share asked, a percentage given", "Welcher Prozentsatz der Flächen wird genutzt?", "Davon werden 91% genutzt.", true},
		{"a duration asked (wie lange)", "Wie lange dauerte die Reise?", "Die Reise dauerte drei Wochen.", true},
		{"a decade asked", "In what decade did it open?", "It opened in 1960.", true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			asked := map[string]bool{}
			for _, w := range strings.FieldsFunc(strings.ToLower(tc.question), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
				asked[w] = true
			}
			kind := questionKind(tc.question)
			if got := kind != kindAny && holdsKind(tc.passage, kind, asked); got != tc.want {
				t.Errorf("kind %q: holds = %v, want %v", kind, got, tc.want)
			}
		})
	}
}

func TestTailEnd(t *testing.T) {
	words := func(n int, w string) string { return strings.TrimSpace(strings.Repeat(w+" ", n)) }
	first := "Goldenson schlug " + words(30, "lange") + " eine Fusion vor." // 213 characters
	cases := []struct {
		name string
		text string
		// want is the window's text after tailEnd, "" for no change.
		want string
	}{
		{"a long next sentence is cut at a word", first + " Im Zuge dieses Plans, " + words(40, "wäre") + " umbenannt.",
			first + " Im Zuge dieses Plans, " + words(12, "wäre")},
		{"a comma before the cut is dropped", first + " " + words(16, "Wort") + ", " + words(30, "mehr") + ".",
			first + " " + words(16, "Wort")},
		{"the next sentence in another paragraph", first + "\n\n" + words(40, "neu") + ".", ""},
		{"too little room", words(54, "wort") + ". " + words(20, "mehr") + ".", ""},
		{"no next sentence", first, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ss := sentences(tc.text)
			end := tailEnd(tc.text, ss, 0, 0)
			got := ""
			if end != ss[0].end {
				got = tc.text[:end]
			}
			if got != tc.want {
				t.Errorf("got %q (%d characters), want %q", got, utf8.RuneCountInString(got), tc.want)
			}
			if n := utf8.RuneCountInString(tc.text[:end]) + 1; got != "" && n > MaxPassage {
				t.Errorf("window with its ellipsis has %d characters, more than %d", n, MaxPassage)
			}
		})
	}
}

func TestHeadStart(t *testing.T) {
	words := func(n int, w string) string { return strings.TrimSpace(strings.Repeat(w+" ", n)) }
	last := "Im Zuge dieses Plans wäre " + words(30, "lange") + " umbenannt worden." // 223 characters
	cases := []struct {
		name string
		text string
		// first is the window's first sentence; it ends with the text.
		first int
		// want is the window's text after headStart, "" for no change.
		want string
	}{
		{"a long previous sentence: its end, from a word", words(40, "Vorher") + ". " + last, 1, words(10, "Vorher") + ". " + last},
		{"the previous sentence in another paragraph", words(40, "Vorher") + ".\n\n" + last, 1, ""},
		{"too little room", words(40, "Vorher") + ". " + last + " " + words(12, "Mehr") + ".", 1, ""},
		{"no previous sentence", last, 0, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ss := sentences(tc.text)
			i := tc.first
			end := ss[len(ss)-1].end
			start := headStart(tc.text, ss, i, end)
			got := ""
			if start != ss[i].start {
				got = tc.text[start:end]
			}
			if got != tc.want {
				t.Errorf("got %q (%d characters), want %q", got, utf8.RuneCountInString(got), tc.want)
			}
			if n := utf8.RuneCountInString(tc.text[start:end]) + 1; got != "" && n > MaxPassage {
				t.Errorf("window with its ellipsis has %d characters, more than %d", n, MaxPassage)
			}
		})
	}
}

func TestCutPassage(t *testing.T) {
	words := func(n int, w string) string { return strings.TrimSpace(strings.Repeat(w+" ", n)) }
	// long is one sentence of over MaxPassage characters whose matched
	// words stand at its start.
	long := "Nichtrevolutionärer ziviler Ungehorsam ist " + words(60, "lange") + " vorbei."
	// subject is a long sentence whose matched words stand past its
	// subject, but within a passage's reach of its start.
	// late is a long sentence whose matched words stand within a
	// passage's reach of its start, but so close to its end that what
	// follows them would be cut off.
	late := "Die Kurzfassung " + words(40, "lange") + " Treibhausgase erhöhen, was zu einer " + words(20, "weiter") + " führt."
	subject := "Peyton Manning wurde mit " + words(12, "vielen") + " zudem der älteste Quarterback, " + words(50, "lange") + " vorbei."
	cases := []struct {
		name string
		text string
		// sentence is the index of the sentence to cut; terms are its
		// matched words.
		sentence int
		terms    []string
		// fromStart is AnswerWeights.Start.
		fromStart bool
		// wantPrefix is how the passage starts; the passage has at least
		// wantMin characters.
		wantPrefix string
		wantMin    int
	}{
		{"a long first sentence keeps its first word", long, 0, []string{"ziviler", "Ungehorsam"}, false, "Nichtrevolutionärer ziviler", 0},
		{"a long later sentence keeps its first word", "Kurz davor. " + long, 1, []string{"ziviler", "Ungehorsam"}, false, "Nichtrevolutionärer ziviler", 0},
		{"matches far in: cut before them, at a word", long + " Hier " + words(70, "mehr") + " steht ziviler Ungehorsam.", 1, []string{"ziviler"}, false, "…mehr mehr", 0},
		{"matches far in, from the start: still cut before them", long + " Hier " + words(70, "mehr") + " steht ziviler Ungehorsam.", 1, []string{"ziviler"}, true, "…mehr mehr", 0},
		{"matches within reach of the start, around them", subject, 0, []string{"älteste", "Quarterback"}, false, "…", 0},
		{"matches within reach of the start, from the start", subject, 0, []string{"älteste", "Quarterback"}, true, "Peyton Manning", 0},
		{"matches at the end of the start's reach: around them", late, 0, []string{"Treibhausgase", "erhöhen"}, true, "…", 0},
		{"matches at a long sentence's end: the room before them", "Am Anfang " + words(70, "lange") + " steht ziviler Ungehorsam.", 0, []string{"ziviler", "Ungehorsam"}, false, "…lange", 250},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := sentences(tc.text)[tc.sentence]
			var in []termMatch
			for _, term := range tc.terms {
				if i := strings.Index(tc.text[s.start:s.end], term); i >= 0 {
					in = append(in, termMatch{term: term, start: s.start + i, end: s.start + i + len(term)})
				}
			}
			slices.SortFunc(in, func(a, b termMatch) int { return a.start - b.start })
			got, _ := cutPassage(tc.text, s, in, tc.fromStart)
			if !strings.HasPrefix(got, tc.wantPrefix) {
				t.Errorf("passage starts %q, want %q", got[:min(len(got), 40)], tc.wantPrefix)
			}
			if n := utf8.RuneCountInString(got); n > MaxPassage || n < tc.wantMin {
				t.Errorf("passage has %d characters, want %d to %d", n, tc.wantMin, MaxPassage)
			}
		})
	}
}

func TestFocusWord(t *testing.T) {
	tabletest.Map(t, "focusWord", focusWord, map[string]string{
		"Welche Hymne schrieb Luther nach dem Martyrium?": "hymne",
		"Welche Art von Schule wurde daneben anerkannt?":  "schule",
		"Which hymn did Luther write?":                    "hymn",
		"What kind of forest is the Amazon rainforest?":   "forest",
		"Welcher der Spieler hatte die meisten Sacks?":    "spieler",
		"Wie verankert man Offenheit strategisch?":        "",
		"What is the name of the theorem?":                "",
		"Was haben wir über Fehlerkultur gelernt?":        "",
	})
}

func TestDropFillers(t *testing.T) {
	cases := []struct{ name, query, want string }{
		{"fillers of a question go", "Wie viele Bälle gibt es?", "Wie Bälle es?"},
		{"a naming question", "Wie lautet der Name des Plans?", "Wie der Name des Plans?"},
		{"a field keeps its word", "Wie viele type:gibt", "Wie type:gibt"},
		{"a phrase keeps its words", `Wie viele "es gibt"?`, `Wie "es gibt"?`},
		{"one word left", "viele gibt Bälle?", "Bälle?"},
		{"nothing but fillers stays", "viele gibt?", "viele gibt?"},
		{"a required word is not a plain word", "+gibt Bälle?", "+gibt Bälle?"},
		{"what we learned", "Was haben wir über Fehlerkultur gelernt?", "Was haben wir über Fehlerkultur"},
		{"what we know", "Was wissen wir über Datenräume?", "Was wir über Datenräume?"},
		{"what we learned, in English", "What did we learn about innovation culture?", "What did we about innovation culture?"},
		{"experience we made", "Welche Erfahrungen haben wir mit Hackathons gemacht?", "Welche haben wir mit Hackathons"},
		{"what others learned keeps its words", "Was haben Studierende über Fehlerkultur gelernt?", "Was haben Studierende über Fehlerkultur gelernt?"},
		{"knowing words outside a question stay", "wir gelernt Fehlerkultur", "wir gelernt Fehlerkultur"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			n, err := querylang.Parse(tc.query)
			if err != nil {
				t.Fatal(err)
			}
			want, err := querylang.Parse(tc.want)
			if err != nil {
				t.Fatal(err)
			}
			// As the compiler does: only a question has fillers.
			if IsQuestion(tc.query) {
				n = dropFillers(n, asksAsWe(tc.query))
			}
			if got := n.String(); got != want.String() {
				t.Errorf("dropFillers(%q) = %q, want %q", tc.query, got, want.String())
			}
		})
	}
}
