package web

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/fundus-kb/fundus/search/querylang"
)

// tipExample is an example query of the search tips, with what it does in
// German and English. Every example finds documents of the demo corpus
// (TestSearchTipsExamples runs them).
type tipExample struct {
	Query  string
	De, En string
}

// tipSection is a group of examples under a heading.
type tipSection struct {
	ID, De, En string // id of the heading, and the heading
	Examples   []tipExample
}

// searchTips are the examples of the search tips page.
var searchTips = []tipSection{
	{ID: "tips-words", De: "Wörter und Phrasen", En: "Words and phrases", Examples: []tipExample{
		{"Innovationskultur", "Dokumente mit dem Wort (auch in Zusammensetzungen und Synonymen); die besten Treffer zuerst", "documents with the word (also in compounds and synonyms); best matches first"},
		{"Fehlerkultur Experimentierräume", "mehrere Wörter: eines genügt, Dokumente mit mehr Wörtern stehen weiter oben", "several words: one is enough, documents with more of them rank higher"},
		{"„Kultur der Innovation“", "eine Phrase: die Wörter in dieser Reihenfolge; „…“, “…”, ‚…‘, »…« und \"…\" gelten gleich", "a phrase: the words in this order; „…“, “…”, ‚…‘, »…« and \"…\" all work"},
		{"Innov*", "ein Wortanfang: Wörter, die mit „innov“ beginnen (mindestens zwei Buchstaben vor *)", "a prefix: words starting with “innov” (at least two letters before *)"},
		{"Mitarbeiter*innen", "ein Genderstern im Wort ist Teil des Wortes", "a gender star inside a word is part of the word"},
	}},
	{ID: "tips-operators", De: "Pflicht, Ausschluss, Oder", En: "Required, excluded, or", Examples: []tipExample{
		{"+Plattform Datenraum", "+ macht ein Wort zur Pflicht, die anderen heben nur den Rang", "+ makes a word required, the others only raise the rank"},
		{"Fehlerkultur -Förderung", "- schließt aus (auch NOT oder NICHT)", "- excludes (also NOT or NICHT)"},
		{"(Plattform OR Datenraum) AND type:case", "AND/UND, OR/ODER und Klammern, nur in Großbuchstaben", "AND/UND, OR/ODER and parentheses, in capitals only"},
	}},
	{ID: "tips-fields", De: "Felder grenzen ein", En: "Fields narrow", Examples: []tipExample{
		{"type:webinar Innovationskultur", "ein Feld ist ein Filter: nur Webinar-Notizen, und darin die Wörter", "a field is a filter: only webinar notes, and the words within them"},
		{"typ:Fallstudie thema:Innovationskultur", "Felder verschiedener Art gelten zusammen (UND)", "fields of different kinds apply together (AND)"},
		{"Datenraum type:case type:recommendation", "dasselbe Feld zweimal: eines von beiden (ODER), wie bei den Filtern links", "the same field twice: either (OR), as with the filters on the left"},
		{"person:Sommerfeld", "Personen und Organisationen: ein Teil des Namens genügt, Groß- und Kleinschreibung egal", "people and organisations: part of the name is enough, in any case"},
		{"adressat:Bund", "ein Feld allein: alle Dokumente mit diesem Wert", "a field alone: every document with that value"},
		{"politikfeld:Bildungspolitik", "das Politikfeld einer Empfehlung", "the policy area of a recommendation"},
		{"thema:\"Digitale Ökosysteme\"", "ein Wert mit Leerzeichen steht in Anführungszeichen", "a value with spaces goes in quotes"},
		{"lang:en culture", "die Sprache: de oder en", "the language: de or en"},
		{"title:Ökosysteme", "title: sucht Wörter nur im Titel (kein Filter); body: oder text: im ganzen Text, wie Wörter ohne Feld", "title: searches words in the title only (no filter); body: or text: in the whole text, like words without a field"},
		{"addressee:Bund -type:case", "ein ausgeschlossenes Feld nimmt Dokumente heraus", "an excluded field takes documents out"},
	}},
}

// tipsData is the data of the search tips page.
type tipsData struct {
	*view
	Sections []tipSectionView
	// Fields lists the field names with their aliases.
	Fields []tipField
}

type tipSectionView struct {
	ID, Heading string
	Examples    []tipExampleView
}

// tipExampleView is an example: the query, its search and what it does.
type tipExampleView struct {
	Query, URL, Note string
}

type tipField struct {
	Name, Aliases string
}

func (s *Server) tipsPage(w http.ResponseWriter, r *http.Request, v *view) error {
	v.Page, v.Nav = "tips", "search"
	v.Title = v.T("search.tips")
	d := &tipsData{view: v}
	for _, sec := range searchTips {
		sv := tipSectionView{ID: sec.ID, Heading: sec.En}
		if v.Lang == "de" {
			sv.Heading = sec.De
		}
		for _, ex := range sec.Examples {
			note := ex.En
			if v.Lang == "de" {
				note = ex.De
			}
			sv.Examples = append(sv.Examples, tipExampleView{Query: ex.Query, URL: withQuery("/search", url.Values{"q": {ex.Query}}), Note: note})
		}
		d.Sections = append(d.Sections, sv)
	}
	for _, f := range querylang.FieldNames() {
		d.Fields = append(d.Fields, tipField{Name: f, Aliases: strings.Join(querylang.FieldAliases(f), ", ")})
	}
	s.render(w, r, v, "tips", http.StatusOK, d)
	return nil
}
