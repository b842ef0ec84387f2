package search

import (
	"cmp"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/fundus-kb/fundus/search/analysis"
)

// vocab is the German vocabulary of the index: every term of the text_de
// field with its document frequency. The query compiler splits German
// compounds with it and finds the compounds that contain a query word.
type vocab struct {
	gen   uint64
	terms []string // sorted
	freq  map[string]int
	built time.Time
	took  time.Duration
}

// Freq returns the number of German documents containing term.
func (v *vocab) Freq(term string) int {
	if v == nil {
		return 0
	}
	return v.freq[term]
}

// maxCompoundExpansions bounds the compounds one query word expands to;
// the most frequent are kept.
const maxCompoundExpansions = 40

// compoundsWith returns the indexed German terms that are compounds with
// part as one of their parts, most frequent first.
func (v *vocab) compoundsWith(part string, sp *analysis.Splitter) []string {
	if v == nil || len(part) < 3 {
		return nil
	}
	var out []string
	for _, t := range v.terms {
		if len(t) > len(part) && strings.Contains(t, part) && sp.Contains(t, part) {
			out = append(out, t)
		}
	}
	if len(out) > maxCompoundExpansions {
		sortByFreq(out, v.freq)
		out = out[:maxCompoundExpansions]
	}
	return out
}

// wordEndings are the endings German words take in inflection and
// derivation after the light stemmer has removed what it removes: a stem
// and another stem of the vocabulary are forms of one word when they
// differ only in their endings ("verankert", "verank", "verankerung";
// "grundung", "grundet"). Derivations count too: a verb in -ieren and its
// noun in -ation ("assimiliert", "Assimilation"), -izieren and -ikation
// ("multipliziert", "Multiplikation"), a noun in -ik and its adjective in
// -isch ("Politik", "politisch"), -isch and -nisch after a name
// ("Franzosen", "französischen"; "Nordamerika", "nordamerikanische"):
// xquad-de +0.0026, xquad-mixed +0.0025, level on xquad-en and SciFact
// (BENCHMARKS.md). -lich, -al, -ell, -heit, -keit, -ismus, -ist and -in
// were tried and gained nothing more.
var wordEndings = map[string]bool{
	"": true, "e": true, "en": true, "end": true, "er": true, "ern": true, "ert": true, "es": true,
	"et": true, "n": true, "s": true, "st": true, "t": true, "te": true, "ten": true, "ung": true,
	"ungen": true, "erung": true, "iert": true, "ation": true, "ziert": true, "kation": true, "ik": true,
	"isch": true, "nisch": true,
}

// minVariantBase is the shortest shared beginning, in bytes, of two forms
// of one word (see variantsOf).
const minVariantBase = 5

// maxVariants bounds the forms one query word expands to.
const maxVariants = 10

// variantsOf returns the other indexed German stems that are forms of the
// word with stem t: they share a beginning of at least minVariantBase
// bytes, and both end after it in one of wordEndings. The most frequent
// come first.
func (v *vocab) variantsOf(t string) []string {
	if v == nil || len(t) < minVariantBase+1 {
		return nil
	}
	var out []string
	add := func(base string) {
		lo, _ := slices.BinarySearch(v.terms, base[:minVariantBase])
		for _, u := range v.terms[lo:] {
			if !strings.HasPrefix(u, base[:minVariantBase]) {
				break
			}
			if u != t && sameWord(base, u) && !slices.Contains(out, u) {
				out = append(out, u)
			}
		}
	}
	add(t)
	if len(out) > maxVariants {
		sortByFreq(out, v.freq)
		out = out[:maxVariants]
	}
	return out
}

// sameWord reports whether stems a and b differ only in their endings
// after a shared beginning of at least minVariantBase bytes.
func sameWord(a, b string) bool {
	n := 0
	for n < len(a) && n < len(b) && a[n] == b[n] {
		n++
	}
	for ; n >= minVariantBase; n-- {
		if wordEndings[a[n:]] && wordEndings[b[n:]] {
			return true
		}
	}
	return false
}

// sortByFreq sorts terms by descending frequency, ties in their order.
func sortByFreq(terms []string, freq map[string]int) {
	slices.SortStableFunc(terms, func(a, b string) int { return cmp.Compare(freq[b], freq[a]) })
}

// vocabCache keeps the vocabulary of the index's latest generation. A
// small vocabulary is rebuilt at once when the index has changed; one that
// took long to build is served as it is for up to vocabMaxStale while a
// new one is built in the background, so that a stream of writes does not
// make every search wait for it.
type vocabCache struct {
	mu       sync.Mutex
	v        *vocab
	building bool
}

const (
	vocabSyncBuild = 50 * time.Millisecond
	vocabMaxStale  = 30 * time.Second
)

// vocabulary returns the German vocabulary, built or rebuilt as needed.
func (ix *Index) vocabulary() *vocab {
	gen := ix.gen.Load()
	c := &ix.vocab
	c.mu.Lock()
	v := c.v
	if v != nil && v.gen == gen {
		c.mu.Unlock()
		return v
	}
	if v != nil && v.took > vocabSyncBuild && time.Since(v.built) < vocabMaxStale {
		if !c.building {
			c.building = true
			go func() {
				nv := ix.buildVocab(gen)
				c.mu.Lock()
				if nv != nil && (c.v == nil || c.v.gen < nv.gen) {
					c.v = nv
				}
				c.building = false
				c.mu.Unlock()
			}()
		}
		c.mu.Unlock()
		return v
	}
	c.mu.Unlock()
	nv := ix.buildVocab(gen)
	if nv == nil {
		return v
	}
	c.mu.Lock()
	if c.v == nil || c.v.gen <= nv.gen {
		c.v = nv
	}
	c.mu.Unlock()
	return nv
}

// buildVocab reads the text_de dictionary; nil when it cannot be read.
func (ix *Index) buildVocab(gen uint64) *vocab {
	start := time.Now()
	d, err := ix.b.FieldDict("text_" + LangGerman)
	if err != nil {
		return nil
	}
	defer d.Close()
	v := &vocab{gen: gen, freq: map[string]int{}}
	for {
		e, err := d.Next()
		if err != nil || e == nil {
			break
		}
		v.terms = append(v.terms, e.Term)
		v.freq[e.Term] = int(e.Count)
	}
	v.built = time.Now()
	v.took = time.Since(start)
	return v
}
