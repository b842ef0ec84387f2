package search_test

import (
	"strings"
	"testing"

	"github.com/fundus-kb/fundus/internal/tabletest"
	"github.com/fundus-kb/fundus/search"
)

func TestGlossaryEnglishName(t *testing.T) {
	g := search.DefaultGlossary()
	tabletest.Run(t, "g.EnglishName", g.EnglishName, []tabletest.Case[string, string]{
		{"topic", "Innovationsmanagement", "Innovation management"},
		{"addressee", "Bund", "Federal government"},
		{"policy area", "Forschungs- und Innovationspolitik", "Research and innovation policy"},
		{"any case and spacing", "  plattformen   und daten ", "Platforms and data"},
		{"topic alias names its topic", "Kokreation", "Co-creation"},
		{"English already", "Open Innovation", ""},
		{"unknown", "Quantencomputing", ""},
	})
	var none *search.Glossary
	if got := none.EnglishName("Bund"); got != "" {
		t.Errorf("nil glossary: %q", got)
	}
}

func TestGlossaryEnglishInvalid(t *testing.T) {
	_, err := search.ParseGlossary([]byte("english:\n  Bund: \"\"\n"))
	if err == nil || !strings.Contains(err.Error(), "english") || !strings.Contains(err.Error(), "Bund") {
		t.Errorf("ParseGlossary with an empty English name: %v, want an error naming english and the value", err)
	}
}
