package main

import (
	"slices"
	"testing"
)

func TestTestQueries(t *testing.T) {
	const queries = `{"_id": "1", "text": "One."}
{"_id": "2", "text": "Two."}

{"_id": "3", "text": ""}
{"_id": "1", "text": "One again."}
`
	for _, c := range []struct {
		name, qrels string
		want        []string
		wantNamed   int
	}{
		{"header skipped, file order", "query-id\tcorpus-id\tscore\n2\t10\t1\n1\t11\t1\n", []string{"One.", "Two."}, 2},
		{"an id named twice counts once", "query-id\tcorpus-id\tscore\n1\t10\t1\n1\t12\t1\n", []string{"One."}, 1},
		{"empty text is returned", "query-id\tcorpus-id\tscore\n3\t10\t1\n", []string{""}, 1},
		{"an id with no query", "query-id\tcorpus-id\tscore\n9\t10\t1\n", nil, 1},
		{"space-separated qrels", "1 10 1\n", []string{"One."}, 1},
	} {
		t.Run(c.name, func(t *testing.T) {
			q, r := writeQueryFiles(t, queries, c.qrels)
			got, named, err := testQueries(q, r)
			if err != nil || !slices.Equal(got, c.want) || named != c.wantNamed {
				t.Errorf("testQueries = %q, %d, %v; want %q, %d", got, named, err, c.want, c.wantNamed)
			}
		})
	}
	q, _ := writeQueryFiles(t, "not json\n", "")
	if _, _, err := testQueries(q, q); err == nil {
		t.Error("testQueries of a malformed queries file: no error")
	}
}
