// Package langdetect tells the language of a text from its most common
// function words. It knows German and English well and a handful of other
// European languages well enough to keep them apart from those two.
//
// The method: count how many of the text's words are frequent function
// words (articles, pronouns, prepositions, auxiliaries) of each language;
// the language with the most hits wins when it has enough of them and
// clearly more than the runner-up. Function words make up a large share of
// any running text, so a few sentences suffice, and the method needs no
// model data beyond these lists.
package langdetect

import (
	"strings"
	"unicode"
)

// Unknown is returned when the text gives too little evidence.
const Unknown = "und"

var stopwords = map[string][]string{
	"de": strings.Fields(`der die das und ist nicht ein eine einer eines einem einen zu den dem des mit von auf für sich im sind auch als wie wir ich sie es aus bei nach wird werden wurde wurden hat haben hatte oder aber noch nur über unter vor durch zum zur kann können muss müssen soll sollen dass daß wenn weil diese dieser dieses diesen mehr sehr schon man um so wo was wer wie ihre ihr ihren sein seine seiner uns unsere unser bis gegen ohne beim vom am hier dort heute immer jedoch sowie bzw sondern zwischen während`),
	"en": strings.Fields(`the and is are was were be been being of to in that it for on with as by at from this these those which who whom whose what when where why how an a or but not no can could will would should shall may might must have has had do does did their its our your his her they them we you he she than then there here into about over under after before between through also more most such only other some any each all very`),
	"fr": strings.Fields(`le la les et est des une un du dans que qui pour pas sur au aux avec ce cette ces par plus sont ne se il elle ils elles nous vous leur leurs été être mais ou où comme tout très`),
	"es": strings.Fields(`el la los las y es de que en un una por con para no se su sus al lo como más pero fue son está este esta estos estas ha han muy también entre sobre`),
	"it": strings.Fields(`il lo la gli le e è di che un una per con non si del della dei delle nel nella sono come più anche ma questo questa tra fra ha hanno essere stato`),
	"nl": strings.Fields(`de het een en is van in op te dat die niet met voor zijn er aan ook als maar door bij uit naar om over wordt worden heeft hebben was waren deze dit wij ze hun`),
	"pt": strings.Fields(`o a os as e é de do da dos das que em um uma para com não se por mais como mas foi são está este esta isso ao aos pelo pela também seu sua`),
}

// langs fixes an order of the languages, for counting in an array.
var langs = []string{"de", "en", "fr", "es", "it", "nl", "pt"}

const deIdx = 0

// hit is a language a function word belongs to, weighed down when the word
// belongs to several.
type hit struct {
	idx    int
	weight float64
}

var lookup = func() map[string][]hit {
	m := map[string][]hit{}
	for i, lang := range langs {
		for _, w := range stopwords[lang] {
			m[w] = append(m[w], hit{idx: i})
		}
	}
	for w, hs := range m {
		for i := range hs {
			hs[i].weight = 1 / float64(len(hs))
		}
		m[w] = hs
	}
	return m
}()

// maxWords bounds the work for long texts: the first words decide.
const maxWords = 2000

// Detect returns the primary language subtag of text ("de", "en", …) or
// Unknown when there is too little evidence.
func Detect(text string) string {
	var counts [8]float64 // by index in langs
	words := 0
	for w := range strings.FieldsFuncSeq(text, notWordRune) {
		words++
		if words > maxWords {
			break
		}
		for _, l := range lookup[lower(w)] {
			counts[l.idx] += l.weight
		}
		// German spelling gives itself away.
		if strings.ContainsAny(w, "äöüßÄÖÜ") {
			counts[deIdx] += 0.5
		}
		// Stop early once the answer is clear: most texts decide within
		// their first sentences.
		if words%64 == 0 {
			if _, top, second := leader(&counts); top >= 16 && top >= 4*second {
				break
			}
		}
	}
	best, top, second := leader(&counts)
	// Need a few hits, and a clear lead over the runner-up.
	if top < 2 || top < 1.5*second {
		return Unknown
	}
	return best
}

func notWordRune(r rune) bool {
	if r < 0x80 {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r == '\'')
	}
	return !unicode.IsLetter(r)
}

// leader returns the language with the highest count, its count and the
// runner-up's count. Ties go to the language listed first.
func leader(counts *[8]float64) (string, float64, float64) {
	best, top, second := -1, 0.0, 0.0
	for i, c := range counts[:len(langs)] {
		switch {
		case best < 0 || c > top:
			second = top
			best, top = i, c
		case c > second:
			second = c
		}
	}
	if top == 0 {
		return Unknown, 0, 0
	}
	return langs[best], top, second
}

// lower lowercases w, without allocating when it is lowercase already.
func lower(w string) string {
	for i := 0; i < len(w); i++ {
		if c := w[i]; c >= 'A' && c <= 'Z' || c >= 0x80 {
			return strings.ToLower(w)
		}
	}
	return w
}
