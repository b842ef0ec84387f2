package record

import (
	"encoding/json"
	"errors"
	"math"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/fundus-kb/fundus/search"
)

func TestFromMap(t *testing.T) {
	day := time.Date(2024, 3, 5, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name string
		in   map[string]any
		want search.Document
	}{
		{
			name: "canonical keys",
			in: map[string]any{
				"id": "d1", "type": "webinar", "title": "T", "summary": "S", "body": "B",
				"date": "2024-03-05", "topics": []any{"a", "b"}, "people": []any{"P"},
				"organizations": []any{"O"}, "language": "de", "source": "https://x",
				"addressees": []any{"A"}, "policy_area": "PA",
				"challenge": "C", "approach": "AP", "outcome": "OU",
			},
			want: search.Document{
				ID: "d1", Type: "webinar", Title: "T", Summary: "S", Body: "B",
				Date: "2024-03-05", Topics: []string{"a", "b"}, People: []string{"P"},
				Organizations: []string{"O"}, Language: "de", Source: "https://x",
				Addressees: []string{"A"}, PolicyArea: "PA",
				Challenge: "C", Approach: "AP", Outcome: "OU",
			},
		},
		{
			name: "aliases",
			in: map[string]any{
				"_id": "b1", "abstract": "S", "content": "B", "published_at": "2020",
				"keywords": []any{"k"}, "speakers": []any{"Sp"}, "orgs": "O1, O2",
				"lang": "en", "url": "https://u", "adressaten": "Länder", "politikfeld": "Bildung",
			},
			want: search.Document{
				ID: "b1", Summary: "S", Body: "B", Date: "2020", Topics: []string{"k"},
				People: []string{"Sp"}, Organizations: []string{"O1", "O2"}, Language: "en",
				Source: "https://u", Addressees: []string{"Länder"}, PolicyArea: "Bildung",
			},
		},
		{
			name: "keys ignore case and separators",
			in:   map[string]any{"ID": "x", "Title": "T", "policyArea": "P", "DatePublished": "2021-01-02", "Policy Area": nil},
			want: search.Document{ID: "x", Title: "T", PolicyArea: "P", Date: "2021-01-02"},
		},
		{
			name: "number ids become decimal strings",
			in:   map[string]any{"_id": json.Number("4983"), "title": 2024},
			want: search.Document{ID: "4983", Title: "2024"},
		},
		{
			name: "exponent id is written out",
			in:   map[string]any{"id": json.Number("1e3")},
			want: search.Document{ID: "1000"},
		},
		{
			name: "yaml integer and float",
			in:   map[string]any{"id": 7, "summary": 2.5},
			want: search.Document{ID: "7", Summary: "2.5"},
		},
		{
			name: "list fields take a comma-separated string",
			in:   map[string]any{"tags": "open innovation, KMU ,", "author": "Ann Lee", "organisation": "ACME"},
			want: search.Document{Topics: []string{"open innovation", "KMU"}, People: []string{"Ann Lee"}, Organizations: []string{"ACME"}},
		},
		{
			name: "list items may be numbers or named objects",
			in:   map[string]any{"topics": []any{json.Number("2024"), 3, nil, "x"}, "authors": []any{map[string]any{"@type": "Person", "name": "Ann"}, "Bo"}},
			want: search.Document{Topics: []string{"2024", "3", "x"}, People: []string{"Ann", "Bo"}},
		},
		{
			name: "list fields merge their keys in alias order",
			in:   map[string]any{"tags": []any{"t"}, "topics": []any{"a"}, "themen": "z"},
			want: search.Document{Topics: []string{"a", "t", "z"}},
		},
		{
			name: "yaml timestamp date",
			in:   map[string]any{"date": day},
			want: search.Document{Date: "2024-03-05"},
		},
		{
			name: "date strings pass through",
			in:   map[string]any{"date": "17.05.2023"},
			want: search.Document{Date: "17.05.2023"},
		},
		{
			name: "first alias wins, others kept as metadata",
			in:   map[string]any{"summary": "S", "description": "D", "text": "T", "body": "B"},
			want: search.Document{Summary: "S", Body: "B", Metadata: map[string]any{"description": "D", "text": "T"}},
		},
		{
			name: "null known values are absent",
			in:   map[string]any{"title": nil, "topics": nil, "body": "B"},
			want: search.Document{Body: "B"},
		},
		{
			name: "unknown keys go to metadata, JSON-safe",
			in: map[string]any{
				"title": "T",
				"yaml":  map[any]any{1: "one", "k": []any{map[any]any{true: day}}},
				"when":  day,
				"nan":   math.NaN(),
				"n":     json.Number("1.50"),
			},
			want: search.Document{Title: "T", Metadata: map[string]any{
				"yaml": map[string]any{"1": "one", "k": []any{map[string]any{"true": "2024-03-05T00:00:00Z"}}},
				"when": "2024-03-05T00:00:00Z",
				"nan":  "NaN",
				"n":    json.Number("1.50"),
			}},
		},
		{
			name: "empty BEIR metadata adds nothing",
			in:   map[string]any{"_id": "1", "title": "T", "text": "B", "metadata": map[string]any{}},
			want: search.Document{ID: "1", Title: "T", Body: "B"},
		},
		{
			name: "null metadata adds nothing",
			in:   map[string]any{"_id": "1", "metadata": nil},
			want: search.Document{ID: "1"},
		},
		{
			name: "BEIR metadata entries are merged, top-level keys win",
			in:   map[string]any{"_id": "1", "series": "top", "metadata": map[string]any{"series": "nested", "year": json.Number("2019")}},
			want: search.Document{ID: "1", Metadata: map[string]any{"series": "top", "year": json.Number("2019")}},
		},
		{
			name: "metadata that is not an object is kept as is",
			in:   map[string]any{"_id": "1", "metadata": "free text"},
			want: search.Document{ID: "1", Metadata: map[string]any{"metadata": "free text"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := FromMap(tt.in)
			if err != nil {
				t.Fatalf("FromMap: got error %v, want none", err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				gb, _ := json.Marshal(got)
				wb, _ := json.Marshal(tt.want)
				t.Errorf("got %s\nwant %s", gb, wb)
			}
			if _, err := json.Marshal(got); err != nil {
				t.Errorf("document does not marshal: %v", err)
			}
		})
	}
}

func TestFromMapDeterministic(t *testing.T) {
	in := map[string]any{"title": "lower", "Title": "upper", "TITLE": "caps", "abstract": "A", "excerpt": "E"}
	first, err := FromMap(in)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 50 {
		got, err := FromMap(in)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, first) {
			t.Fatalf("run %d: got %+v, want %+v", i, got, first)
		}
	}
	if first.Summary != "A" {
		t.Errorf("summary: got %q, want %q (abstract ranks before excerpt)", first.Summary, "A")
	}
}

func TestFromMapErrors(t *testing.T) {
	tests := []struct {
		name    string
		in      map[string]any
		wantKey string
		wantMsg string
	}{
		{"title is a map", map[string]any{"title": map[string]any{"de": "x"}}, "title", `field "title": want a string, got map`},
		{"yaml map title", map[string]any{"Title": map[any]any{"de": "x"}}, "Title", `field "Title": want a string, got map`},
		{"body is a list", map[string]any{"text": []any{"a", "b"}}, "text", `field "text": want a string, got list`},
		{"id is a bool list", map[string]any{"_id": []any{true}}, "_id", `field "_id": want a string, got list`},
		{"topics hold a map", map[string]any{"tags": []any{"a", map[string]any{"x": 1}}}, "tags", `field "tags": want a list of strings, got list with map at index 1`},
		{"people is a map without name", map[string]any{"author": map[string]any{"email": "a@b"}}, "author", `field "author": want a list of strings, got map`},
		{"nested list", map[string]any{"keywords": []any{[]any{"a"}}}, "keywords", `field "keywords": want a list of strings, got list with list at index 0`},
		{"date is a bool", map[string]any{"date": true}, "date", `field "date": want a date string, got bool`},
		{"date is a map", map[string]any{"published": map[string]any{}}, "published", `field "published": want a date string, got map`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := FromMap(tt.in)
			if err == nil {
				t.Fatalf("got no error, want %q", tt.wantMsg)
			}
			if err.Error() != tt.wantMsg {
				t.Errorf("got %q, want %q", err, tt.wantMsg)
			}
			var fe *FieldError
			if !errors.As(err, &fe) {
				t.Fatalf("got a %T, want *FieldError", err)
			}
			if fe.Key != tt.wantKey {
				t.Errorf("key: got %q, want %q", fe.Key, tt.wantKey)
			}
		})
	}
}

func TestFromMapAliasTable(t *testing.T) {
	// Every alias must map to its own field and no key may be claimed twice.
	seen := map[string]field{}
	for f, keys := range fieldAliases {
		for _, k := range keys {
			fk := foldKey(k)
			if prev, ok := seen[fk]; ok && prev != field(f) {
				t.Errorf("key %q claimed by fields %d and %d", k, prev, f)
			}
			seen[fk] = field(f)
			if got := aliases[fk].field; got != field(f) {
				t.Errorf("alias %q: got field %d, want %d", k, got, f)
			}
		}
	}
	if _, ok := aliases[foldKey(metadataKey)]; ok {
		t.Errorf("%q must not be a field alias", metadataKey)
	}
	if !slices.Contains(fieldAliases[fID], "_id") {
		t.Errorf("BEIR _id missing from id aliases")
	}
}
