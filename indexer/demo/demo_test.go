package demo_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/fundus-kb/fundus/indexer"
	"github.com/fundus-kb/fundus/indexer/demo"
	"github.com/fundus-kb/fundus/search"
)

func TestDemoCorpusLoads(t *testing.T) {
	kb, err := indexer.Open(context.Background(), indexer.Config{DataDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer kb.Close()
	var failures []error
	sum, err := kb.Ingest(context.Background(), []indexer.Source{{FS: demo.FS(), Root: "demo"}}, indexer.IngestOptions{
		OnError: func(err error) { failures = append(failures, err) },
	})
	if err != nil || len(failures) > 0 {
		t.Fatalf("ingest: %v %v", err, failures)
	}
	if sum.Added < 60 {
		t.Errorf("demo corpus has %d documents, want at least 60", sum.Added)
	}
	st, err := kb.Stats()
	if err != nil {
		t.Fatal(err)
	}
	for _, typ := range []string{search.TypeWebinar, search.TypeCase, search.TypeRecommendation, search.TypeOther} {
		if st.ByType[typ] == 0 {
			t.Errorf("no %s documents", typ)
		}
	}
	if st.ByLanguage["de"] <= st.ByLanguage["en"] || st.ByLanguage["en"] == 0 {
		t.Errorf("languages = %v, want mostly German, some English", st.ByLanguage)
	}
	res, err := kb.Search(context.Background(), search.Request{Query: "Innovationskultur"})
	if err != nil || res.Total == 0 {
		t.Errorf("search Innovationskultur: %v, %v", res, err)
	}
	// The kick-off is the network's first event.
	res, err = kb.Search(context.Background(), search.Request{Sort: search.SortDateAsc, Size: 1, NoFacets: true})
	if err != nil || len(res.Hits) == 0 || res.Hits[0].Date != "2020-03-27" {
		t.Errorf("oldest document = %+v, %v; want the kick-off of 2020-03-27", res, err)
	}
}

// TestPlainWordsFindEveryFilterMatch checks issue 12.4 over the whole demo
// corpus: for every value of the organisation, person, topic, addressee and
// policy-area facets, a free-text search for the value (typed as it is
// shown) returns every document the filter returns.
func TestPlainWordsFindEveryFilterMatch(t *testing.T) {
	ctx := context.Background()
	kb := demoKB(t)
	facets := []string{search.FacetOrganizations, search.FacetPeople, search.FacetTopics, search.FacetAddressees, search.FacetPolicyArea}
	all, err := kb.Search(ctx, search.Request{Size: 1, FacetSize: 1000})
	if err != nil {
		t.Fatal(err)
	}
	ids := func(req search.Request) map[string]bool {
		t.Helper()
		got := map[string]bool{}
		req.Size = 100
		req.NoSnippets = true
		req.NoFacets = true
		for page := 1; ; page++ {
			req.Page = page
			res, err := kb.Search(ctx, req)
			if err != nil {
				t.Fatalf("search %+v: %v", req, err)
			}
			for _, h := range res.Hits {
				got[h.ID] = true
			}
			if uint64(page*req.Size) >= res.Total {
				return got
			}
		}
	}
	checked := 0
	for _, f := range facets {
		if len(all.Facets[f]) == 0 {
			t.Errorf("demo corpus has no %s values", f)
		}
		for _, v := range all.Facets[f] {
			t.Run(f+"="+v.Value, func(t *testing.T) {
				want := ids(search.Request{Filters: map[string][]string{f: {v.Value}}})
				if len(want) != v.Count {
					t.Errorf("filter returns %d documents, facet counts %d", len(want), v.Count)
				}
				got := ids(search.Request{Query: v.Value, Lenient: true})
				var missing []string
				for id := range want {
					if !got[id] {
						missing = append(missing, id)
					}
				}
				if len(missing) > 0 {
					t.Errorf("searching %q misses %d of the %d documents the filter returns: %v", v.Value, len(missing), len(want), missing)
				}
			})
			checked++
		}
	}
	if checked < 50 {
		t.Errorf("checked %d values, want the demo's many", checked)
	}
}

// TestOwnWordsRankFirst checks issue 12.7 on the demo corpus: a document
// that holds the query's own words ranks above documents matched only
// through a synonym or another language, and the glossary does not
// outrank the document on the subject.
func TestOwnWordsRankFirst(t *testing.T) {
	ctx := context.Background()
	kb := demoKB(t)
	for _, tc := range []struct {
		name, q, want string
		below         func(search.Hit) bool
	}{
		{"own words above synonyms and English", "Datenräume für KMU", "recommendations/datenraeume-gemeinsame-standards",
			func(h search.Hit) bool { return h.Language == search.LangEnglish }},
		{"document above the glossary", "Wie verankert man Offenheit strategisch?", "webinars/2020-05-07-strategische-verankerung-von-offenheit",
			func(h search.Hit) bool { return h.ID == "other/glossar-offene-innovation" }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, err := kb.Search(ctx, search.Request{Query: tc.q, Size: 20, NoFacets: true})
			if err != nil {
				t.Fatal(err)
			}
			rank := map[string]int{}
			for i, h := range res.Hits {
				rank[h.ID] = i + 1
			}
			want, ok := rank[tc.want]
			if !ok {
				t.Fatalf("%q: %s not among the first 20", tc.q, tc.want)
			}
			for i, h := range res.Hits {
				if tc.below(h) && i+1 < want {
					t.Errorf("%q: %s (%s) ranks %d, above %s at %d", tc.q, h.ID, h.Language, i+1, tc.want, want)
				}
			}
		})
	}
}

// TestWhatWeLearned checks the members' question about the network's
// own knowledge ("Was haben wir über … gelernt?"): its first hits are
// on the subject, not documents that happen to say "gelernt" or
// "wissen".
func TestWhatWeLearned(t *testing.T) {
	ctx := context.Background()
	kb := demoKB(t)
	for _, tc := range []struct {
		name, q string
		// subject is what the titles of the first top hits hold (any
		// of its forms, ignoring case).
		subject []string
		top     int
	}{
		{"learned, German", "Was haben wir über Innovationskultur gelernt?", []string{"innovationskultur"}, 2},
		{"learned, a subject few documents hold", "Was haben wir über Fehlerkultur gelernt?", []string{"fehlerkultur"}, 2},
		{"know", "Was wissen wir über Datenräume?", []string{"datenräume", "datenraum"}, 2},
		{"learned, English", "What did we learn about innovation culture?", []string{"innovation culture", "innovationskultur"}, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, err := kb.Search(ctx, search.Request{Query: tc.q, Size: tc.top, NoFacets: true})
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Hits) < tc.top {
				t.Fatalf("%q: %d hits, want at least %d", tc.q, len(res.Hits), tc.top)
			}
			for i, h := range res.Hits {
				title := strings.ToLower(h.Title)
				if !slices.ContainsFunc(tc.subject, func(s string) bool { return strings.Contains(title, s) }) {
					t.Errorf("%q: hit %d is %q, not on %v", tc.q, i+1, h.Title, tc.subject)
				}
			}
		})
	}
}

// TestDidYouMean checks the correction offered for words the demo corpus
// does not hold: a typo gets the word it misses, spelled as the documents
// spell it; a correct word the corpus lacks gets none, even when its stem
// is one edit from a term of the index.
func TestDidYouMean(t *testing.T) {
	ctx := context.Background()
	kb := demoKB(t)
	for _, tc := range []struct {
		name, q, want string
	}{
		{"transposed letters", "Innovatoinskultur", "Innovationskultur"},
		{"letter too many, beside a known word", "Fehlerkulturr Webinar", "Fehlerkultur Webinar"},
		{"letter missing", "Strategie Ofenheit", "Strategie Offenheit"},
		{"missing umlaut", "Datenrume", "Datenräume"},
		{"question mark kept", "Was sind Datenrume?", "Was sind Datenräume?"},
		{"inflected form kept", "Hochschlen", "Hochschulen"},
		{"verb in a question", "Offenheit strategisch verankren", "Offenheit strategisch verankern"},
		{"English", "innovation cultre", "innovation culture"},
		{"correct word near only a stem", "Wie misst man Open Innovation?", ""},
		{"known words", "Wie wirkt Scheitern?", ""},
		{"apostrophe", "Wie geht's weiter?", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, err := kb.Search(ctx, search.Request{Query: tc.q, Size: 1, NoFacets: true})
			if err != nil {
				t.Fatal(err)
			}
			if res.DidYouMean != tc.want {
				t.Errorf("%q: did you mean %q, want %q", tc.q, res.DidYouMean, tc.want)
			}
		})
	}
}

// TestAnswersFromTheSubject checks issue 16 on the demo corpus: a
// question answers from the document on its subject, with a passage
// that holds the question's words, rather than from a document that
// only mentions the subject.
func TestAnswersFromTheSubject(t *testing.T) {
	ctx := context.Background()
	kb := demoKB(t)
	for _, tc := range []struct {
		name, q, want string
		passage       []string // words the first passage holds
	}{
		{"strategic anchoring of openness", "Wie verankert man Offenheit strategisch?",
			"webinars/2020-05-07-strategische-verankerung-von-offenheit", []string{"Offenheit", "verankern"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, err := kb.Answers(ctx, search.Request{Query: tc.q}, 3)
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Answers) == 0 {
				t.Fatalf("%q: no answers", tc.q)
			}
			for i, a := range res.Answers {
				t.Logf("%d %.3f %s: %s", i+1, a.Score, a.ID, a.Passage)
			}
			first := res.Answers[0]
			if first.ID != tc.want {
				t.Errorf("%q answers first from %s, want %s", tc.q, first.ID, tc.want)
			}
			for _, w := range tc.passage {
				if !strings.Contains(first.Passage, w) {
					t.Errorf("%q: first passage %q lacks %q", tc.q, first.Passage, w)
				}
			}
		})
	}
}

// demoKB is a knowledge base in t.TempDir() holding the demo corpus.
func demoKB(t *testing.T) *indexer.KB {
	t.Helper()
	kb, err := indexer.Open(t.Context(), indexer.Config{DataDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { kb.Close() })
	if _, err := kb.Ingest(t.Context(), []indexer.Source{{FS: demo.FS(), Root: "demo"}}, indexer.IngestOptions{}); err != nil {
		t.Fatal(err)
	}
	return kb
}
