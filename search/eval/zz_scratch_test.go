package eval_test

import (
	"fmt"
	"testing"

	"github.com/blevesearch/bleve/v2/analysis/analyzer/custom"
	_ "github.com/blevesearch/bleve/v2/analysis/lang/de"
	"github.com/blevesearch/bleve/v2/registry"
)

func TestZZSnowball(t *testing.T) {
	c := registry.NewCache()
	a, err := c.DefineAnalyzer("desnow", map[string]any{"type": custom.Name, "tokenizer": "unicode", "token_filters": []any{"to_lower", "stop_de", "normalize_de", "stemmer_de_snowball"}})
	if err != nil {
		t.Fatal(err)
	}
	l, _ := c.AnalyzerNamed("de")
	for _, w := range []string{"Ökosystem", "Ökosysteme", "Ökosystemen", "Ökosystems", "Kultur", "Kulturen", "Datenraum", "Datenräume", "Hochschule", "Hochschulen", "Musterverträge", "Mustervertrag", "Unternehmen", "Unternehmens", "Innovation", "Innovationen", "Kooperation", "Kooperationen", "Wärme", "Problem", "Probleme", "System", "Systeme", "Programm", "Programme", "Forum", "Datum", "Zentrum"} {
		f := func(x interface {
			Analyze([]byte) []*struct{}
		}) {
		}
		_ = f
		var s, ll []string
		for _, tok := range a.Analyze([]byte(w)) {
			s = append(s, string(tok.Term))
		}
		for _, tok := range l.Analyze([]byte(w)) {
			ll = append(ll, string(tok.Term))
		}
		fmt.Printf("%-16s light=%v snowball=%v\n", w, ll, s)
	}
}
