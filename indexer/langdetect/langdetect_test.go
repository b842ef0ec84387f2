package langdetect

import (
	"strings"
	"testing"

	"github.com/fundus-kb/fundus/internal/tabletest"
)

func TestDetect(t *testing.T) {
	tabletest.Run(t, "Detect", Detect, []tabletest.Case[string, string]{
		{"german", "Die Teilnehmerinnen haben über die Kultur der Innovation in ihren Unternehmen gesprochen und dabei viel gelernt.", "de"},
		{"german without umlauts", "Wir haben mit der Gruppe an einer Strategie gearbeitet, die nicht nur auf Technik setzt.", "de"},
		{"english", "The participants discussed how their organisations can open up the innovation process to start-ups and universities.", "en"},
		{"english scientific", "Alterations of the architecture of cerebral white matter in the developing human brain can affect cortical development.", "en"},
		{"french", "Les participants ont discuté de la culture de l'innovation dans leurs entreprises et de la place des start-ups.", "fr"},
		{"spanish", "Los participantes hablaron de la cultura de la innovación en sus empresas y de la cooperación con las universidades.", "es"},
		{"too short", "Innovation", "und"},
		{"empty", "", "und"},
		{"numbers only", "2020 2021 42", "und"},
		{"long german text stops early", strings.Repeat("Das ist ein Text über die Innovation und wir sind dabei. ", 500), "de"},
	})
}

func BenchmarkDetect(b *testing.B) {
	text := strings.Repeat("Alterations of the architecture of cerebral white matter in the developing human brain can affect cortical development and result in functional disabilities. ", 10)
	for b.Loop() {
		Detect(text)
	}
}
