package eval

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2"

	"github.com/fundus-kb/fundus/search"
)

// CompoundPair is a head noun and a German document that holds it only
// inside compounds ("Regierung" in a text that says "Bundesregierung" but
// never "Regierung").
type CompoundPair struct {
	Head, Doc string
	// Compounds are the document's compounds with this head.
	Compounds []string
	// Found tells that searching Head found Doc.
	Found bool
}

// CompoundResult is the outcome of CompoundCheck.
type CompoundResult struct {
	Heads int // distinct heads searched
	Pairs []CompoundPair
	Found int
}

// Share is the share of pairs found.
func (r CompoundResult) Share() float64 {
	if len(r.Pairs) == 0 {
		return 0
	}
	return float64(r.Found) / float64(len(r.Pairs))
}

// compoundLinks are German linking elements between a compound's
// modifier and its head, longest first, and none.
var compoundLinks = []string{"ens", "es", "en", "er", "ns", "s", "n", "e", ""}

// word is a word of a text; initial tells that it opens a sentence (its
// capital says nothing about it being a noun).
type word struct {
	text    string
	initial bool
}

// words splits text into words of letters.
func words(text string) []word {
	var out []word
	initial := true
	start := -1
	for i, r := range text + "\n" {
		if unicode.IsLetter(r) {
			if start < 0 {
				start = i
			}
			continue
		}
		if start >= 0 {
			out = append(out, word{text[start:i], initial})
			initial = false
			start = -1
		}
		switch r {
		case '.', '!', '?', ':', '"', '„', '“', '\n', '(', '•':
			initial = true
		case ' ', '\t', '\u00a0':
		default:
			if !unicode.IsSpace(r) {
				initial = r == '-' && initial
			}
		}
	}
	return out
}

// CompoundCheck finds, without the decompounder, the heads that the German
// documents of b hold only inside compounds, and searches each head in
// Fundus. Nouns are the words capitalised inside a sentence (not after a
// full stop, colon, quote or line break); a compound is a noun that ends
// in another noun of the corpus (the head, at least 5 letters) after a
// modifier that is itself a noun of the corpus (at least 3 letters, with or
// without a linking element: "Bundes|regierung" from "Bund",
// "Landes|regierung" from "Land"). A document holds a head only inside
// compounds when none of its words has the head's stem under Bleve's
// German analyzer. Pairs are capped at maxPairs (the heads of most
// documents first, then alphabetically); 0 means no cap. Searches use
// tuning t (nil for the defaults).
func CompoundCheck(ctx context.Context, b *Built, maxPairs int, t *search.Tuning) (CompoundResult, error) {
	ctx = search.WithMembers(ctx)
	an := bleve.NewIndexMapping().AnalyzerNamed("de")
	if an == nil {
		return CompoundResult{}, fmt.Errorf("compound check: no German analyzer")
	}
	stem := func(w string) string {
		ts := an.Analyze([]byte(w))
		if len(ts) != 1 {
			return ""
		}
		return string(ts[0].Term)
	}
	type doc struct {
		id    string
		nouns map[string]bool // lower case
		stems map[string]bool
	}
	var docs []doc
	nouns := map[string]int{} // lower-case noun → documents
	var ids []string
	if err := b.kb.EachID(ctx, search.Request{}, func(id string) error { ids = append(ids, id); return nil }); err != nil {
		return CompoundResult{}, fmt.Errorf("compound check: %w", err)
	}
	sort.Strings(ids)
	for _, id := range ids {
		d, err := b.kb.Document(ctx, id)
		if err != nil {
			return CompoundResult{}, fmt.Errorf("compound check: %s: %w", id, err)
		}
		if d.Language != search.LangGerman {
			continue
		}
		dd := doc{id: id, nouns: map[string]bool{}, stems: map[string]bool{}}
		for _, w := range words(d.Body) {
			if s := stem(w.text); s != "" {
				dd.stems[s] = true
			}
			if r, _ := utf8.DecodeRuneInString(w.text); unicode.IsUpper(r) && !w.initial && utf8.RuneCountInString(w.text) >= 3 {
				dd.nouns[strings.ToLower(w.text)] = true
			}
		}
		if s := stem(d.Title); s != "" {
			dd.stems[s] = true
		}
		for _, w := range words(d.Title) {
			if s := stem(w.text); s != "" {
				dd.stems[s] = true
			}
		}
		for n := range dd.nouns {
			nouns[n]++
		}
		docs = append(docs, dd)
	}
	// modifier reports whether m, maybe with a linking element, is a noun.
	modifier := func(m string) bool {
		for _, l := range compoundLinks {
			if base, ok := strings.CutSuffix(m, l); ok && utf8.RuneCountInString(base) >= 3 && nouns[base] > 0 {
				return true
			}
		}
		return false
	}
	type key struct{ head, doc string }
	comps := map[key][]string{}
	for _, d := range docs {
		for c := range d.nouns {
			rs := []rune(c)
			for i := 3; i+5 <= len(rs); i++ {
				head := string(rs[i:])
				if nouns[head] == 0 || !modifier(string(rs[:i])) {
					continue
				}
				if hs := stem(head); hs == "" || d.stems[hs] {
					continue
				}
				comps[key{head, d.id}] = append(comps[key{head, d.id}], c)
			}
		}
	}
	headDocs := map[string]int{}
	for k := range comps {
		headDocs[k.head]++
	}
	keys := make([]key, 0, len(comps))
	for k := range comps {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		a, b := keys[i], keys[j]
		if headDocs[a.head] != headDocs[b.head] {
			return headDocs[a.head] > headDocs[b.head]
		}
		if a.head != b.head {
			return a.head < b.head
		}
		return a.doc < b.doc
	})
	if maxPairs > 0 && len(keys) > maxPairs {
		keys = keys[:maxPairs]
	}
	var res CompoundResult
	hits := map[string]map[string]bool{}
	for _, k := range keys {
		found, ok := hits[k.head]
		if !ok {
			found = map[string]bool{}
			q := strings.ToUpper(k.head[:1]) + k.head[1:]
			if r, _ := utf8.DecodeRuneInString(k.head); r >= utf8.RuneSelf {
				rs := []rune(k.head)
				q = string(unicode.ToUpper(rs[0])) + string(rs[1:])
			}
			if err := b.kb.EachID(ctx, search.Request{Query: q, Plain: true, Tuning: t}, func(id string) error { found[id] = true; return nil }); err != nil {
				return CompoundResult{}, fmt.Errorf("compound check: search %q: %w", q, err)
			}
			hits[k.head] = found
			res.Heads++
		}
		cs := comps[k]
		sort.Strings(cs)
		p := CompoundPair{Head: k.head, Doc: k.doc, Compounds: cs, Found: found[k.doc]}
		if p.Found {
			res.Found++
		}
		res.Pairs = append(res.Pairs, p)
	}
	return res, nil
}
