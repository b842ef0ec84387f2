package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/fundus-kb/fundus/search"
	"github.com/fundus-kb/fundus/web"
)

// hiddenDocs returns n members-only documents that share the words,
// topics, people and type of the public test corpus, and add words of
// their own ("Quantenkooperation", "Quantenthema").
func hiddenDocs(n int) []byte {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, `{"id":"intern/%02d","type":"webinar","visibility":"members","title":"Innovationskultur intern %d","date":"2024-02-%02d","language":"de","topics":["Innovationskultur","Quantenthema"],"people":["Miriam Albers"],"organizations":["Stifterverband"],"body":"Innovationskultur, Offenheit und Quantenkooperation: Führung im Alltag der Unternehmen, Plattformen und Hochschulen."}`+"\n", i, i, i+1)
	}
	return []byte(b.String())
}

// withoutTook returns a JSON body with every took_ms removed, or the body
// itself when it is not JSON.
func withoutTook(body []byte) any {
	var v any
	if err := json.Unmarshal(body, &v); err != nil {
		return string(body)
	}
	var strip func(any)
	strip = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			delete(v, "took_ms")
			for _, x := range v {
				strip(x)
			}
		case []any:
			for _, x := range v {
				strip(x)
			}
		}
	}
	strip(v)
	return v
}

// TestAnonymousBlindToMembersDocuments: what an anonymous request gets —
// hits, scores, totals, facets, typo corrections, suggestions, topics,
// related documents, exports, errors — is the same before and after
// members-only documents that share its words are added. Members find
// them, with exact facet counts.
func TestAnonymousBlindToMembersDocuments(t *testing.T) {
	h, kb := newServer(t, web.Config{Token: "w", ReadToken: "r"})
	targets := []string{
		"/api/search?q=Innovationskultur",
		"/api/search?q=Offenheit+Plattformen",
		"/api/search?q=Innovationskultr",   // a typo of a public word
		"/api/search?q=Quantenkooperatoin", // a typo of a hidden-only word
		"/api/search?q=Quantenkooperation", // a hidden-only word
		"/api/search?q=Innov*",             // a prefix
		"/api/search?q=Innovationskultur&type=webinar&topic=F%C3%BChrung",
		"/api/search?sort=-date",           // browse, facets of everything
		"/api/search?sort=date&size=3",     // browse, sorted, with a cursor
		"/api/search?q=Unternehmen&size=2", // relevance with a cursor
		"/api/search?q=title:Innovationskultur",
		"/api/search?format=ndjson&q=Innovationskultur",
		"/api/search?format=csv&q=Innovationskultur",
		"/api/suggest?q=inn",
		"/api/suggest?q=quant",
		"/api/suggest?q=miri",
		"/api/topics",
		"/api/topics/Innovationskultur",
		"/api/documents/webinars/kultur/related",
		"/api/documents/intern/03",
		"/api/documents/intern/03/related",
	}
	get := func() map[string]any {
		out := map[string]any{}
		for _, target := range targets {
			r := do(t, h, "GET", target, nil, nil)
			out[target] = map[string]any{"status": r.Code, "body": withoutTook(r.Body.Bytes())}
		}
		return out
	}
	before := get()
	res, err := kb.IngestBytes(context.Background(), "intern.jsonl", hiddenDocs(20), "")
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range res {
		if r.Status != search.Added {
			t.Fatalf("%s: %s %s", r.ID, r.Status, r.Error)
		}
	}
	after := get()
	for _, target := range slices.Sorted(maps.Keys(before)) {
		if !reflect.DeepEqual(before[target], after[target]) {
			b, _ := json.Marshal(before[target])
			a, _ := json.Marshal(after[target])
			t.Errorf("%s changed with members-only documents:\nbefore %s\nafter  %s", target, b, a)
		}
	}

	// Members see everything, with exact counts.
	docs := fixtureDocs(t)
	wantTypes := map[string]int{"webinar": 20}
	for _, d := range docs {
		wantTypes[d["type"].(string)]++
	}
	r := do(t, h, "GET", "/api/search?size=100", nil, map[string]string{"Authorization": "Bearer r"})
	if got, want := int(r.JSON["total"].(float64)), len(docs)+20; got != want {
		t.Errorf("members' total %d, want %d", got, want)
	}
	gotTypes := map[string]int{}
	for _, v := range r.JSON["facets"].(map[string]any)["type"].([]any) {
		fv := v.(map[string]any)
		gotTypes[fv["value"].(string)] = int(fv["count"].(float64))
	}
	if !maps.Equal(gotTypes, wantTypes) {
		t.Errorf("members' type facet %v, want %v", gotTypes, wantTypes)
	}
	r = do(t, h, "GET", "/api/search?q=Quantenkooperation&size=100", nil, map[string]string{"Authorization": "Bearer r"})
	if got := len(hitIDs(r)); got != 20 {
		t.Errorf("members find %d documents with a hidden-only word, want 20", got)
	}
}
