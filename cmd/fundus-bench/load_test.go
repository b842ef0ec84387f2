package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"math/rand/v2"
	"net/url"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/agnivade/levenshtein"

	"github.com/fundus-kb/fundus/indexer"
	"github.com/fundus-kb/fundus/indexer/parse"
	"github.com/fundus-kb/fundus/search"
	"github.com/fundus-kb/fundus/search/querylang"
)

func TestLoadUniqueWord(t *testing.T) {
	seen := map[string]string{}
	check := func(c, n int) {
		w := loadUniqueWord(c, n)
		if len(w) != 25 || strings.Trim(w[3:len(w)-1], loadAlphabet) != "" || !strings.HasPrefix(w, "zqx") || !strings.HasSuffix(w, "q") {
			t.Fatalf("loadUniqueWord(%d, %d) = %q", c, n, w)
		}
		key := loadID(c, n)
		if prev, ok := seen[w]; ok && prev != key {
			t.Fatalf("%s and %s share the word %q", prev, key, w)
		}
		seen[w] = key
	}
	for c := range loadMaxClients {
		for _, n := range []int{0, 1, 18, 19, 20, 360, 361, 6858, loadWordCapacity - 1} {
			check(c, n)
		}
	}
	for n := range 5000 {
		check(3, n)
	}
}

// TestLoadUniqueWordDistance checks that unique words are more than two
// edits apart, so that the search's typo tolerance cannot match one
// document's word to another's.
func TestLoadUniqueWordDistance(t *testing.T) {
	var words []string
	for _, c := range []int{0, 1, 19, 20} {
		for n := range 120 {
			words = append(words, loadUniqueWord(c, n))
		}
	}
	for i := range words {
		for j := i + 1; j < len(words); j++ {
			if d := levenshtein.ComputeDistance(words[i], words[j]); d < 3 {
				t.Fatalf("%q and %q are %d edits apart", words[i], words[j], d)
			}
		}
	}
}

// TestLoadUniqueWordAnalyzed checks that every text analyzer of the index
// keeps a unique word whole and unchanged, so that a search for it finds
// exactly its document.
func TestLoadUniqueWordAnalyzed(t *testing.T) {
	m := search.NewMapping()
	words := []string{loadUniqueWord(0, 0), loadUniqueWord(15, 1234), loadUniqueWord(loadMaxClients-1, loadWordCapacity-1)}
	tested := 0
	for _, lang := range []string{search.LangEnglish, search.LangGerman, "xx"} {
		name := m.AnalyzerNameForPath("text_" + lang)
		a := m.AnalyzerNamed(name)
		if a == nil {
			continue
		}
		tested++
		for _, w := range words {
			ts := a.Analyze([]byte("Findings on " + w + " in cells."))
			var terms []string
			for _, tok := range ts {
				terms = append(terms, string(tok.Term))
			}
			if !slices.Contains(terms, w) {
				t.Errorf("analyzer %q turns %q into %q", name, w, terms)
			}
		}
	}
	if tested == 0 {
		t.Skip("no analyzer found for the text_<lang> fields")
	}
}

func TestNewLoadStats(t *testing.T) {
	s := newLoadStats([]time.Duration{3, 1, 2}, 1, 2*time.Second)
	if s.requests != 4 || s.errors != 1 || s.p50 != 2 || s.p99 != 3 || s.rps != 2 {
		t.Errorf("newLoadStats = %+v", s)
	}
}

func TestLoadVocabulary(t *testing.T) {
	texts := []string{
		"Cells cells CELLS and proteins, proteins proteins.",
		"Gene-expression of gene gene gene; x1y2z3 z3 and the and and the.",
	}
	got := loadVocabulary(texts, 10)
	want := []string{"gene", "cells", "proteins"} // >= 3 times, >= 4 letters, by frequency
	if !slices.Equal(got, want) {
		t.Errorf("loadVocabulary = %q, want %q", got, want)
	}
	if got := loadVocabulary(texts, 1); !slices.Equal(got, want[:1]) {
		t.Errorf("loadVocabulary(limit 1) = %q", got)
	}
}

func TestLoadClaimsFrom(t *testing.T) {
	q, r := writeQueryFiles(t, `{"_id": "1", "text": "Vitamin D (\"calciferol\") AND cancer: no link."}
{"_id": "2", "text": "Not a test query."}
{"_id": "3", "text": "-Aspirin reduces risk*"}
`, "query-id\tcorpus-id\tscore\n1\t10\t1\n3\t11\t1\n3\t12\t1\n")
	claims, dropped, err := loadClaimsFrom(q, r)
	if err != nil {
		t.Fatal(err)
	}
	if dropped != 0 || len(claims) != 2 {
		t.Fatalf("claims %q, dropped %d", claims, dropped)
	}
	for _, c := range claims {
		if _, err := querylang.Parse(c); err != nil {
			t.Errorf("claim %q does not parse: %v", c, err)
		}
		if strings.ContainsAny(c, `"()*:`) || strings.Contains(c, "AND") {
			t.Errorf("claim %q is not plain words", c)
		}
	}
	if _, _, err := loadClaimsFrom(q, filepath.Join(t.TempDir(), "missing.tsv")); err == nil {
		t.Error("missing qrels: no error")
	}
}

func testWorkload(t *testing.T) *loadWorkload {
	t.Helper()
	var words []string
	for i := range 100 {
		words = append(words, "term"+string(rune('a'+i/26))+string(rune('a'+i%26)))
	}
	var recs []parse.Record
	for i := range 3 {
		recs = append(recs, parse.Record{Doc: search.Document{
			Title:  "Protein folding study " + words[i],
			Body:   strings.Join(words, " "),
			Topics: []string{"Biology"},
		}})
	}
	w, err := newLoadWorkload(recs, []string{"protein folding in cells"}, 0, "en")
	if err != nil {
		t.Fatal(err)
	}
	return w
}

func TestLoadSearchPath(t *testing.T) {
	w := testWorkload(t)
	r := rand.New(rand.NewPCG(1, 2))
	params := map[string]bool{"q": true, "lang": true, "type": true, "topic": true, "year": true}
	filtered, claims := 0, 0
	for range 2000 {
		p := w.searchPath(r)
		u, err := url.Parse(p)
		if err != nil || u.Path != "/api/search" {
			t.Fatalf("searchPath = %q (%v)", p, err)
		}
		v := u.Query()
		q := v.Get("q")
		if q == "" || len([]rune(q)) > search.MaxQueryLength {
			t.Fatalf("searchPath = %q: bad q", p)
		}
		if _, err := querylang.Parse(q); err != nil {
			t.Fatalf("searchPath = %q: %v", p, err)
		}
		if q == w.claims[0] {
			claims++
		} else if n := len(strings.Fields(q)); n < 1 || n > 3 {
			t.Fatalf("searchPath = %q: %d words", p, n)
		}
		for k := range v {
			if !params[k] {
				t.Fatalf("searchPath = %q: unknown parameter %q", p, k)
			}
		}
		if len(v) > 1 {
			filtered++
		}
	}
	if filtered < 400 || filtered > 600 || claims < 900 || claims > 1100 {
		t.Errorf("of 2000 searches, %d filtered (want about 500), %d claims (want about 1000)", filtered, claims)
	}
	a := w.searchPath(rand.New(rand.NewPCG(7, 7)))
	if b := w.searchPath(rand.New(rand.NewPCG(7, 7))); a != b {
		t.Errorf("same seed, different searches: %q, %q", a, b)
	}
}

// TestLoadDocument checks that a written document is valid as the API
// reads it, keeps its id and contains its unique word.
func TestLoadDocument(t *testing.T) {
	w := testWorkload(t)
	r := rand.New(rand.NewPCG(1, 2))
	for n := range 50 {
		id, word, body := w.document(r, 7, n)
		if id != loadID(7, n) || word != loadUniqueWord(7, n) {
			t.Fatalf("document(7, %d) = %q, %q", n, id, word)
		}
		recs, errs := parse.File(t.Context(), "request.json", body)
		if len(errs) > 0 || len(recs) != 1 {
			t.Fatalf("parse %s: %v", body, errs)
		}
		item, err := indexer.Prepare(recs[0], "request", indexer.OriginAPI)
		if err != nil {
			t.Fatalf("prepare %s: %v", body, err)
		}
		d := item.Doc
		if d.ID != id || !strings.Contains(d.Body, word) || !strings.Contains(d.Title, word) || d.Language != "en" || d.Year() == "" || len(d.Topics) == 0 {
			t.Fatalf("document %s prepared as %+v", body, d)
		}
	}
}

func TestLoadSampleIndexes(t *testing.T) {
	if got := loadSampleIndexes(3, 5, 1); !slices.Equal(got, []int{0, 1, 2}) {
		t.Errorf("sample of 3 by 5 = %v", got)
	}
	got := loadSampleIndexes(1000, 100, 1)
	if len(got) != 100 || !slices.IsSorted(got) || len(slices.Compact(slices.Clone(got))) != 100 || got[99] >= 1000 {
		t.Errorf("sample = %v", got)
	}
	if again := loadSampleIndexes(1000, 100, 1); !slices.Equal(got, again) {
		t.Error("same seed, different samples")
	}
	if len(loadSampleIndexes(0, 10, 1)) != 0 {
		t.Error("sample of nothing is not empty")
	}
}

func TestLoadVerifyLost(t *testing.T) {
	v := loadVerify{getLost: []string{"a", "b"}, searchLost: []string{"b", "c"}}
	if v.lost() != 3 {
		t.Errorf("lost = %d, want 3", v.lost())
	}
}

func TestLoadEscapeID(t *testing.T) {
	if got := loadEscapeID("load/3-17"); got != "load/3-17" {
		t.Errorf("loadEscapeID = %q", got)
	}
	if got := loadEscapeID("a b/c?d"); got != "a%20b/c%3Fd" {
		t.Errorf("loadEscapeID = %q", got)
	}
}

func TestLoadErrorClass(t *testing.T) {
	if got := errorClass(503, []byte(`{"error":{"code":"busy","message":"x"}}`)); got != "HTTP 503 busy" {
		t.Errorf("errorClass = %q", got)
	}
	if got := errorClass(502, []byte("bad gateway")); got != "HTTP 502" {
		t.Errorf("errorClass = %q", got)
	}
}

func TestDemoWorkload(t *testing.T) {
	recs, err := demoRecords(t.Context())
	if err != nil || len(recs) < 10 {
		t.Fatalf("demoRecords: %d records, %v", len(recs), err)
	}
	w, err := newLoadWorkload(recs, nil, 0, "de")
	if err != nil {
		t.Fatal(err)
	}
	if p := w.searchPath(rand.New(rand.NewPCG(1, 1))); !strings.HasPrefix(p, "/api/search?") {
		t.Errorf("searchPath = %q", p)
	}
}

func TestLoadUsage(t *testing.T) {
	for _, args := range [][]string{
		{"load"},
		{"load", "--fundus", "x", "--duration", "0s"},
		{"load", "--fundus", "x", "--duration", "2h"},
		{"load", "--fundus", "x", "--clients", "0"},
		{"load", "--fundus", "x", "--clients", "1000"},
		{"load", "--fundus", "x", "--write-share", "1.5"},
		{"load", "--fundus", "x", "--max-requests", "0"},
		{"load", "--fundus", "x", "extra"},
	} {
		var stderr bytes.Buffer
		err := run(context.Background(), args, io.Discard, &stderr)
		var ue *usageError
		if !errors.As(err, &ue) {
			t.Errorf("%q: err = %v, want a usage error", args, err)
		}
	}
}
