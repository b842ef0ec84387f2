package search

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/blevesearch/bleve/v2"

	"github.com/fundus-kb/fundus/search/querylang"
	"github.com/fundus-kb/fundus/search/querylang/fuzzcorpus"
)

// qlDocs is a small bilingual collection for the query language tests.
func qlDocs() []Document {
	return normalized([]Document{
		{ID: "de1", Type: "webinar", Title: "Innovationskultur in Unternehmen", Body: "Eine Kultur der Offenheit entsteht durch Führung und Co-Creation.", Date: "2020-04-16", Language: "de", Topics: []string{"Innovationskultur", "Führung"}, People: []string{"Miriam Albers"}},
		{ID: "de2", Type: "case", Title: "Digitale Ökosysteme im Mittelstand", Body: "Plattformen verbinden Partner. Ein Start-up hilft dem Mittelstand.", Date: "2020-05-14", Language: "de", Topics: []string{"Digitale Ökosysteme"}, Organizations: []string{"Nordwerk GmbH"}},
		{ID: "de3", Type: "recommendation", Title: "Förderung der Straßeninfrastruktur", Body: "Der Bund soll Kooperationen von KMU und Hochschulen fördern. Die Straße ist wichtig.", Date: "2021-03-10", Language: "de", Topics: []string{"Förderpolitik"}},
		{ID: "en1", Type: "case", Title: "Open innovation at a utility", Body: "We built an innovation culture across teams. The utility worked with start-ups.", Date: "2021-02-01", Language: "en", Topics: []string{"Open Innovation"}, Organizations: []string{"Stadtwerke Talheim"}},
		{ID: "en2", Type: "recommendation", Title: "Culture of openness", Body: "Our culture, innovation and transfer matter. Universities should reward openness.", Date: "2021-06-01", Language: "en", Topics: []string{"Wissenstransfer"}},
	})
}

func newQLIndex(t testing.TB) *Index {
	t.Helper()
	return memIndex(t, qlDocs()...)
}

// qlSearch runs the query language query q and returns the ids of the
// hits, best first.
func qlSearch(t *testing.T, ix *Index, q string) []string {
	t.Helper()
	bq, err := buildQuery(q)
	if err != nil {
		t.Fatalf("buildQuery(%q): %v", q, err)
	}
	req := bleve.NewSearchRequestOptions(bq, 100, 0, false)
	req.SortBy([]string{"-_score", "_id"})
	res, err := ix.b.SearchInContext(context.Background(), req)
	if err != nil {
		t.Fatalf("search %q: %v", q, err)
	}
	var ids []string
	for _, h := range res.Hits {
		ids = append(ids, h.ID)
	}
	return ids
}

func TestQueryLanguage(t *testing.T) {
	ix := newQLIndex(t)
	all := []string{"de1", "de2", "de3", "en1", "en2"}
	cases := []struct {
		name string
		q    string
		want []string // in any order
	}{
		{"empty matches everything", "", all},
		{"blank matches everything", "  \t", all},
		{"punctuation only matches everything", "- –", all},
		{"word, stemmed per language", "Plattform", []string{"de2"}},
		{"adjacent words are OR-ed", "Mittelstand Hochschulen", []string{"de2", "de3"}},

		{"AND", "innovation AND culture", []string{"en1", "en2"}},
		{"UND", "innovation UND culture", []string{"en1", "en2"}},
		{"&&", "innovation && culture", []string{"en1", "en2"}},
		{"AND across languages", "Kultur AND culture", nil},
		{"OR", "Mittelstand OR Hochschulen", []string{"de2", "de3"}},
		{"ODER", "Mittelstand ODER Hochschulen", []string{"de2", "de3"}},
		{"||", "Mittelstand || Hochschulen", []string{"de2", "de3"}},
		{"NOT", "innovation NOT transfer", []string{"en1"}},
		{"NICHT", "innovation NICHT transfer", []string{"en1"}},
		{"!", "innovation !transfer", []string{"en1"}},
		{"lowercase und is a word", "Mittelstand und Hochschulen", []string{"de2", "de3"}},

		{"exclude", "innovation -transfer", []string{"en1"}},
		{"exclude a phrase", `innovation -"innovation culture"`, []string{"en2"}},
		{"must", "+transfer innovation", []string{"en2"}},
		{"without must", "transfer innovation", []string{"en1", "en2"}},

		{"phrase", `"innovation culture"`, []string{"en1"}},
		{"phrase word order matters", `"culture innovation"`, []string{"en2"}},
		{"german phrase", `"Digitale Ökosysteme"`, []string{"de2"}},

		{"prefix finds German compound and English word", "Innov*", []string{"de1", "en1", "en2"}},
		{"prefix longer than the English stem", "innovation*", []string{"de1", "en1", "en2"}},
		{"prefix with umlaut", "Ökosys*", []string{"de2"}},
		{"prefix restricted to titles", "title:Kultur*", nil},
		{"prefix of a topic", "topic:innov*", []string{"de1"}},
		{"prefix of a topic is of the whole value", "topic:open*", []string{"en1"}},

		{"topic ignores case", "topic:innovationskultur", []string{"de1"}},
		{"topic in upper case", "Thema:INNOVATIONSKULTUR", []string{"de1"}},
		{"topic phrase is the whole value", `topic:"digitale ökosysteme"`, []string{"de2"}},
		{"topic is no word of it", "topic:Digitale", nil},
		{"topics OR-ed in a group", `thema:(Förderpolitik "Open Innovation")`, []string{"de3", "en1"}},
		{"type", "type:case", []string{"de2", "en1"}},
		{"type in another spelling", "typ:Fallstudie", []string{"de2", "en1"}},
		{"type in upper case", "type:CASE", []string{"de2", "en1"}},
		{"lang", "lang:en", []string{"en1", "en2"}},
		{"lang name", "sprache:Deutsch", []string{"de1", "de2", "de3"}},
		{"lang tag", "lang:de-DE", []string{"de1", "de2", "de3"}},
		{"person", `person:"miriam albers"`, []string{"de1"}},
		{"org prefix", "org:nordwerk*", []string{"de2"}},
		{"organisation", `organisation:"Stadtwerke Talheim"`, []string{"en1"}},

		{"title restricts to titles", "title:culture", []string{"en2"}},
		{"culture anywhere", "culture", []string{"en1", "en2"}},
		{"titel alias", "titel:Mittelstand", []string{"de2"}},
		{"body", "body:Partner", []string{"de2"}},
		{"body: searches the whole text, title included", "body:Ökosysteme", []string{"de2"}},

		{"grouping", "(Mittelstand OR Hochschulen) AND Partner", []string{"de2"}},
		{"grouping other side", "(Mittelstand OR Hochschulen) AND Kooperationen", []string{"de3"}},
		{"field and group", "lang:en AND (innovation -transfer)", []string{"en1"}},

		{"pure negative", "-innovation", []string{"de1", "de2", "de3"}},
		{"NOT alone", "NOT lang:de", []string{"en1", "en2"}},
		{"negatives only", "-type:case -type:recommendation", []string{"de1"}},
		{"OR with NOT", "lang:en OR NOT type:case", []string{"de1", "de3", "en1", "en2"}},

		{"hyphenated word", "Co-Creation", []string{"de1"}},
		{"hyphenated word, as a phrase", `"start-ups"`, []string{"en1"}},
		{"sharp s", "Straße", []string{"de3"}},
		{"sharp s spelled ss", "strasse", []string{"de3"}},
		{"unknown field is text", "Note: Plattformen", []string{"de2"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := qlSearch(t, ix, tc.q)
			slices.Sort(got)
			want := slices.Clone(tc.want)
			slices.Sort(want)
			if !slices.Equal(got, want) {
				t.Errorf("%s: got %v, want %v", tc.q, got, want)
			}
		})
	}
}

func TestQueryLanguageRanking(t *testing.T) {
	ix := newQLIndex(t)
	// A hyphenated word finds its parts too, but the document that writes
	// it as one ranks first.
	if got := qlSearch(t, ix, "start-ups"); len(got) < 2 || got[0] != "en1" {
		t.Errorf("start-ups: got %v, want en1 first and the parts elsewhere too", got)
	}
	// en2 has all three words, en1 two of them.
	if got := qlSearch(t, ix, "innovation culture openness"); len(got) < 2 || got[0] != "en2" {
		t.Errorf("got %v, want en2 first", got)
	}
	// Titles weigh twice: Mittelstand is in de2's title and body, nowhere else.
	if got := qlSearch(t, ix, "Hochschulen Mittelstand"); len(got) != 2 || got[0] != "de2" {
		t.Errorf("got %v, want de2 first", got)
	}
}

func TestBuildQuerySyntaxError(t *testing.T) {
	for _, q := range []string{"a AND", "(innovation", `"open`, "*", strings.Repeat("a ", 65)} {
		_, err := buildQuery(q)
		var ie *InvalidRequestError
		if !errors.As(err, &ie) || ie.Param != "q" || !strings.HasPrefix(ie.Reason, "syntax error at column ") {
			t.Errorf("buildQuery(%q): %v, want an InvalidRequestError for q with the column", q, err)
		}
	}
	_, err := buildQuery("a AND")
	if want := "invalid parameter q: syntax error at column 3: AND needs a term after it"; err == nil || err.Error() != want {
		t.Errorf("err = %v, want %s", err, want)
	}
}

// qlFuzzCorpus is the corpus of querylang's FuzzParse.
const qlFuzzCorpus = "../testdata/fuzz/FuzzParse"

// FuzzCompileQuery checks that every query that parses compiles into a
// Bleve query that marshals and runs without error or panic.
func FuzzCompileQuery(f *testing.F) {
	for _, s := range []string{"innovation culture", "+a b -c", "-a", "NOT (a OR b)", "Innov*", "topic:innov*", `title:"a b"`, "type:Fallstudie lang:Deutsch", "Co-Creation", "a OR NOT b"} {
		f.Add(s)
	}
	for _, s := range fuzzcorpus.Read(f, qlFuzzCorpus) {
		f.Add(s)
	}
	ix := newQLIndex(f)
	f.Fuzz(func(t *testing.T, q string) {
		n, err := querylang.Parse(q)
		if err != nil {
			return
		}
		bq := compileQuery(n)
		if _, err := json.Marshal(bq); err != nil {
			t.Fatalf("%q: marshal: %v", q, err)
		}
		if _, err := ix.b.SearchInContext(context.Background(), bleve.NewSearchRequest(bq)); err != nil {
			t.Fatalf("%q: search: %v", q, err)
		}
	})
}

func TestPlainText(t *testing.T) {
	cases := []struct{ in, want string }{
		{"alpha (+)- thalassemia", "alpha thalassemia"},
		{`"quoted" title:x +must -not AND OR word*`, "quoted title x must not and or word"},
		{"Co-Creation UND Start-up", "Co-Creation und Start-up"},
		{"()", ""},
	}
	for _, tc := range cases {
		if got := PlainText(tc.in); got != tc.want {
			t.Errorf("PlainText(%q) = %q, want %q", tc.in, got, tc.want)
		}
		if _, err := buildQuery(PlainText(tc.in)); err != nil {
			t.Errorf("buildQuery(PlainText(%q)): %v", tc.in, err)
		}
	}
}
