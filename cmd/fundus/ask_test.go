package main

import (
	"path/filepath"
	"testing"
)

func TestAsk(t *testing.T) {
	env := map[string]string{"FUNDUS_DATA": t.TempDir()}
	if _, errOut, code := runCLI(t, env, "ingest", filepath.Join("..", "..", "testdata", "web", "corpus.jsonl")); code != 0 {
		t.Fatalf("ingest: %d %s", code, errOut)
	}
	cases := []struct {
		name   string
		args   []string
		code   int
		stdout []string
		stderr string
	}{
		{"a question", []string{"ask", "Wie entsteht Innovationskultur?"}, 0, []string{"1. Wie «Innovationskultur» «entsteht»", "— Innovationskultur in Unternehmen (webinar · 2020-04-16 · webinars/kultur)"}, ""},
		{"as JSON", []string{"ask", "--json", "-n", "1", "Wie", "entsteht", "Innovationskultur?"}, 0, []string{`"id":"webinars/kultur"`, `"passage":"Wie Innovationskultur entsteht`}, ""},
		{"nothing matches", []string{"ask", "Zzyzxquatsch?"}, 0, []string{"No answer found."}, ""},
		{"no question", []string{"ask"}, 2, nil, "requires at least 1 arg"},
		{"too many answers", []string{"ask", "-n", "11", "Kultur"}, 2, nil, "-n must be between 1 and 10"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			checkCLI(t, env, tc.args, tc.code, tc.stdout, []string{tc.stderr})
		})
	}
}
