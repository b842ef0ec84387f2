package analysis

import (
	"math"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/lang/de"
)

// Lexicon tells how common a term is: the number of documents whose German
// text contains it (0: unknown). Terms are as the German analyzer indexes
// them: lower case, umlauts normalised, light-stemmed.
type Lexicon interface {
	Freq(term string) int
}

// MapLexicon is a Lexicon in a map (tests and small vocabularies).
type MapLexicon map[string]int

// Freq returns m[term].
func (m MapLexicon) Freq(term string) int { return m[term] }

// Splitter splits German compounds into parts the Lexicon knows, after
// Koehn and Knight ("Empirical Methods for Compound Splitting", 2003): a
// compound is cut into known parts, joined by the linking elements -s-,
// -es-, -n-, -en-, -ens-, -er- and -e- (and by none); among the ways to cut
// it, the one with the highest geometric mean of the parts' frequencies
// wins, and the word is split only when that mean exceeds the frequency of
// the word itself (a lexicalised compound that is more common than its
// parts stays whole).
//
// Parts are stems as the German analyzer makes them ("innovationskultur"
// → "innovation", "kultur"; "warmewend" → "warm", "wend"). A part has at
// least MinPart bytes, the last part (the head) at least MinHead; German
// stop words and verb particles ("unter", "aus", "vor" …) are never parts,
// so that "Unternehmen", "Ausbildung" and "Vorstand" stay whole.
type Splitter struct {
	Lex Lexicon
	// MinFreq is the document frequency a part needs (default 1).
	MinFreq int
	// MinPart and MinHead are the shortest parts in bytes (default 3 and 4).
	MinPart, MinHead int
	// MaxParts bounds the number of parts (default 4).
	MaxParts int
}

// linkingElements are the Fugenelemente, longest first.
var linkingElements = []string{"ens", "es", "en", "er", "ns", "s", "n", "e"}

// blocked holds strings that are never parts of a compound: the German stop
// words (normalised, and their stems) and verb particles and prefixes.
var blocked = func() map[string]bool {
	m := map[string]bool{}
	tm := analysis.NewTokenMap()
	if err := tm.LoadBytes(de.GermanStopWords); err != nil {
		panic(err)
	}
	words := make([]string, 0, len(tm))
	for w := range tm {
		words = append(words, w)
	}
	words = append(words, strings.Fields(`ab an auf aus bei ein mit nach vor zu um durch über unter wider
		wieder gegen hinter zurück zusammen weg fort her hin dar ent ver zer miss be ge er emp
		voll los fehl haupt ober nieder innen außen mittel neben selbst gesamt heraus herum hinaus voran vorbei`)...)
	norm := de.NewGermanNormalizeFilter()
	stem := de.NewGermanLightStemmerFilter()
	for _, w := range words {
		ts := analysis.TokenStream{&analysis.Token{Term: []byte(w)}}
		ts = norm.Filter(ts)
		m[string(ts[0].Term)] = true
		ts = stem.Filter(ts)
		m[string(FixEmStems(ts[0].Term))] = true
	}
	// "fehl" is the stem of "Fehler" too ("Fehlerkultur"); it is blocked
	// only as the verb prefix "fehl-", which the stem check above cannot
	// tell apart, so let it through.
	delete(m, "fehl")
	return m
}()

// positiveOr is v, or def where v is not positive (a Splitter field left
// at zero).
func positiveOr(v, def int) int {
	if v > 0 {
		return v
	}
	return def
}

func (s *Splitter) minFreq() int { return positiveOr(s.MinFreq, 1) }

func (s *Splitter) minPart() int { return positiveOr(s.MinPart, 3) }

func (s *Splitter) minHead() int { return positiveOr(s.MinHead, 4) }

func (s *Splitter) maxParts() int { return positiveOr(s.MaxParts, 4) }

// maxSegmentations bounds the ways of cutting one word that are looked at.
const maxSegmentations = 256

// segmenter enumerates the ways to cut one word into known parts.
type segmenter struct {
	s *Splitter
	// known is a part that counts as known whatever the Lexicon says (the
	// part a caller looks for), "" for none.
	known string
	freq  map[string]int
	found int
}

func (g *segmenter) f(part string) int {
	if part == g.known {
		return max(g.s.Lex.Freq(part), g.s.minFreq())
	}
	if n, ok := g.freq[part]; ok {
		return n
	}
	n := 0
	if !blocked[part] {
		n = g.s.Lex.Freq(part)
		if n < g.s.minFreq() {
			n = 0
		}
	}
	g.freq[part] = n
	return n
}

// segments returns the ways to cut w into at most parts known parts, the
// last one a head, each as its list of parts.
func (g *segmenter) segments(w string, parts int) [][]string {
	var out [][]string
	if len(w) >= g.s.minHead() && g.f(w) > 0 {
		out = append(out, []string{w})
	}
	if parts < 2 {
		return out
	}
	for i := g.s.minPart(); i <= len(w)-g.s.minHead(); i++ {
		if !utf8.RuneStart(w[i]) {
			continue
		}
		piece, rest := w[:i], w[i:]
		if blocked[piece] {
			continue
		}
		// The modifier as it stands, without a linking element, and
		// either stemmed ("quartiers" → "quartier" → "quarti", the stem
		// of "Quartier").
		var mods []string
		add := func(m string) {
			if len(m) >= g.s.minPart() && !slices.Contains(mods, m) && g.f(m) > 0 {
				mods = append(mods, m)
			}
		}
		add(piece)
		add(stemTerm(piece))
		for _, l := range linkingElements {
			if m, ok := strings.CutSuffix(piece, l); ok {
				add(m)
				add(stemTerm(m))
			}
		}
		if len(mods) == 0 {
			continue
		}
		for _, tail := range g.segments(rest, parts-1) {
			for _, m := range mods {
				if g.found >= maxSegmentations {
					return out
				}
				g.found++
				out = append(out, append([]string{m}, tail...))
			}
		}
	}
	return out
}

var lightStemmer = de.NewGermanLightStemmerFilter()

// stemTerm stems a normalised German term as the analyzer does.
func stemTerm(term string) string {
	ts := lightStemmer.Filter(analysis.TokenStream{&analysis.Token{Term: []byte(term)}})
	return string(FixEmStems(ts[0].Term))
}

func (s *Splitter) segmenter(known string) *segmenter {
	return &segmenter{s: s, known: known, freq: map[string]int{}}
}

// Split returns the parts of term, a German stem ("hochschulkooperation"
// → "hochschul", "kooperation"), or nil when term is no compound of known
// parts or is more frequent than its parts.
func (s *Splitter) Split(term string) []string {
	if len(term) < s.minPart()+s.minHead() {
		return nil
	}
	g := s.segmenter("")
	var best []string
	bestScore := 0.0
	for _, seg := range g.segments(term, s.maxParts()) {
		if len(seg) < 2 || oneWordRepeated(seg) {
			continue
		}
		logSum := 0.0
		for _, p := range seg {
			logSum += math.Log(float64(g.f(p)))
		}
		score := math.Exp(logSum / float64(len(seg)))
		// Higher mean first; on a tie, fewer parts, then a longer head.
		if best == nil || score > bestScore+1e-9 ||
			(math.Abs(score-bestScore) <= 1e-9 && (len(seg) < len(best) ||
				len(seg) == len(best) && len(seg[len(seg)-1]) > len(best[len(best)-1]))) {
			best, bestScore = seg, score
		}
	}
	if best == nil || bestScore <= float64(s.Lex.Freq(term)) {
		return nil
	}
	return best
}

// Contains reports whether compound can be cut into known parts one of
// which is part ("warmewend" contains "warm"; "kreislaufwirtschaft"
// contains "kreislauf" even when "kreislauf" is not in the Lexicon, as long
// as "wirtschaft" is). It does not apply the frequency criterion: the
// question is whether part is a constituent, not whether to split.
func (s *Splitter) Contains(compound, part string) bool {
	if len(part) < s.minPart() || len(compound) <= len(part) || !strings.Contains(compound, part) || blocked[part] {
		return false
	}
	g := s.segmenter(part)
	for _, seg := range g.segments(compound, s.maxParts()) {
		if len(seg) < 2 || oneWordRepeated(seg) {
			continue
		}
		for _, p := range seg {
			if p == part {
				return true
			}
		}
	}
	return false
}

// oneWordRepeated reports whether the parts of seg are one word again and
// again ("hui" + "hui"): a name or a doubling ("Huihui", "Tamtam"), not a
// compound, and splitting it would rank every text with the word above
// the one that holds the name.
func oneWordRepeated(seg []string) bool {
	for _, p := range seg[1:] {
		if p != seg[0] {
			return false
		}
	}
	return true
}
